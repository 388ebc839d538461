"""A visitor finds a co-op: filters by a service, searches, and opens a profile."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser


def results(page: Page) -> Locator:
    # The results region is named by its heading, the count ("3 co-ops").
    return page.get_by_role("region", name=re.compile(r"^\d+ co-ops?$"))


def result_names(page: Page) -> list[str]:
    """The co-ops in the results, in the order shown, from their cards' headings."""
    return results(page).get_by_role("heading", level=3).all_inner_texts()


def test_it_filters_searches_and_opens_a_profile(page: Page, live_server, directory):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a co-op").click()
    expect(page.get_by_role("heading", name="Find a co-op", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="4 co-ops", level=2)).to_be_visible()

    # Gone if the browser loads a new page: htmx must update the results in this one.
    page.evaluate("window.stillTheSamePage = true")
    services = page.get_by_role("group", name="Services")
    services.get_by_role("checkbox", name=re.compile(r"^Web development")).check()

    # htmx swaps in the results and pushes the address, so it can be shared or bookmarked.
    expect(page).to_have_url(re.compile(r"[?&]service=web-development(&|$)"))
    expect(page.get_by_role("heading", name="3 co-ops", level=2)).to_be_visible()
    assert result_names(page) == ["Bramble Code", "Hedgerow Digital", "Yarrow Works for Charities"]
    active = page.get_by_role("list", name="Active filters")
    expect(active.get_by_role("link", name=re.compile("Offers Web development"))).to_be_visible()

    search = page.get_by_role("searchbox", name="Search")
    search.fill("charities")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]q=charities(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]service=web-development(&|$)"))
    expect(page.get_by_role("heading", name="2 co-ops", level=2)).to_be_visible()
    # Ranked: a match in the name counts more than one in the description.
    assert result_names(page) == ["Yarrow Works for Charities", "Hedgerow Digital"]
    assert page.evaluate("window.stillTheSamePage") is True

    results(page).get_by_role("link", name="Hedgerow Digital").click()

    expect(page).to_have_url(f"{live_server.url}/coops/hedgerow-digital/")
    expect(page.get_by_role("heading", name="Hedgerow Digital", level=1)).to_be_visible()
    offered = page.get_by_role("region", name="Services")
    expect(offered.get_by_role("listitem")).to_have_text(["Hosting", "Web development"])
    contact = page.get_by_role("region", name="Contact")
    expect(contact.get_by_role("link", name="hedgerow.example", exact=True)).to_have_attribute(
        "href", "https://hedgerow.example"
    )
    expect(contact.get_by_role("link", name="hello@hedgerow.example")).to_have_attribute(
        "href", "mailto:hello@hedgerow.example"
    )


def test_it_filters_and_searches_without_javascript(new_context, live_server, directory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/coops/")

    page.get_by_role("group", name="Services").get_by_role(
        "checkbox", name=re.compile(r"^Web development")
    ).check()
    # Without htmx nothing happens until the form is sent, as a plain GET.
    expect(page.get_by_role("heading", name="4 co-ops", level=2)).to_be_visible()
    page.get_by_role("searchbox", name="Search").fill("charities")
    page.get_by_role("button", name="Show co-ops").click()

    expect(page).to_have_url(re.compile(r"[?&]service=web-development(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]q=charities(&|$)"))
    expect(page.get_by_role("heading", name="2 co-ops", level=2)).to_be_visible()
    assert result_names(page) == ["Yarrow Works for Charities", "Hedgerow Digital"]
    # The page that came back keeps what was chosen, ready for the next change.
    expect(
        page.get_by_role("group", name="Services").get_by_role(
            "checkbox", name=re.compile(r"^Web development")
        )
    ).to_be_checked()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("charities")

    page.get_by_role("link", name="Yarrow Works for Charities").click()
    expect(page.get_by_role("heading", name="Yarrow Works for Charities", level=1)).to_be_visible()
