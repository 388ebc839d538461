"""The hire and referral pages read on a phone: at 390 px wide no page scrolls sideways.

They run on the invented sample network, the one the acceptance test found 747 px pages in, so
the long status badges, brief texts and offer histories are real ones.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from coopnet.accounts.models import User
from coopnet.directory.sample import SAMPLE_PASSWORD, load_sample_network
from coopnet.hire import services as hire_services
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.sample import load_sample_briefs
from coopnet.referrals.models import Referral
from coopnet.referrals.sample import load_sample_referrals

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))


@pytest.fixture
def sample_network(db) -> Iterator[dict[str, str]]:
    """The sample network, one more brief withdrawn before it was sent, and a private link for
    every brief (the sample throws its links away). Returns each brief's link by its id."""
    # The sample's briefs come from one address, and its hourly limit counts in the cache,
    # which outlives a test.
    cache.clear()
    load_sample_network()
    people = {user.username: user for user in User.objects.all()}
    load_sample_briefs(coordinator=people["coordinator"], worker_owner=people["ada"])
    load_sample_referrals(giver=people["ada"], taker=people["chloe"])
    withdrawn, _raw = hire_services.brief_submit(
        contact_name="Wren Hall",
        contact_email="wren@village-hall.example",
        text="A booking site for our village hall, with payments and a shared calendar.",
        consent_to_share=True,
        ip="192.0.2.9",
    )
    hire_services.brief_withdraw(brief=withdrawn)
    links = {}
    for brief in Brief.objects.order_by("pk"):
        raw, brief.access_token_hash = Brief.new_access_token()
        brief.save(update_fields=["access_token_hash"])
        links[str(brief.pk)] = f"/hire/brief/{raw}/"
    yield links
    cache.clear()


def phone_page(browser: Browser, live_server, username: str | None) -> Page:
    page = browser.new_context(viewport=PHONE).new_page()
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address or username").fill(username)
        page.get_by_label(re.compile(r"^Password:?$")).fill(SAMPLE_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    return page


def too_wide(page: Page, live_server, paths: list[str], name: str) -> list[str]:
    """The paths whose page is wider than the window, with both widths; screenshots of all."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    found = []
    for number, path in enumerate(paths):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        page_width, window_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        page.screenshot(path=SCREENSHOT_DIR / f"phone-{name}-{number}.png", full_page=True)
        if page_width > window_width:
            found.append(f"{path}: {page_width} px in a {window_width} px window")
    return found


def test_it_fits_a_worker_owners_pages_to_a_phone(browser, live_server, sample_network):
    ada = User.objects.get(username="ada")
    entries = BriefRecipient.objects.filter(coop__memberships__user=ada).order_by("pk")
    referrals = Referral.objects.order_by("pk").values_list("pk", flat=True)
    paths = [
        "/hire/inbox/",
        *(f"/hire/inbox/{entry.pk}/" for entry in entries),
        "/referrals/",
        *(f"/referrals/{pk}/" for pk in referrals),
        "/referrals/ledger/",
    ]
    assert len(paths) == 8  # two inbox entries and three referrals: nothing quietly left out

    page = phone_page(browser, live_server, "ada")

    assert too_wide(page, live_server, paths, "ada") == []


def test_it_fits_a_coordinators_pages_to_a_phone(browser, live_server, sample_network):
    paths = ["/hire/briefs/", *(f"/hire/briefs/{pk}/" for pk in sample_network)]

    page = phone_page(browser, live_server, "coordinator")

    assert too_wide(page, live_server, paths, "coordinator") == []


def test_it_fits_a_clients_brief_pages_to_a_phone(browser, live_server, sample_network):
    page = phone_page(browser, live_server, None)

    assert too_wide(page, live_server, list(sample_network.values()), "client") == []


def test_it_shows_the_inbox_as_cards_on_a_phone_and_as_a_table_on_a_desktop(
    browser, live_server, sample_network, serious_accessibility_violations
):
    page = phone_page(browser, live_server, "ada")
    page.goto(f"{live_server.url}/hire/inbox/")
    table = page.get_by_role("table", name="Briefs sent to your co-ops, newest first")
    # On a phone each cell names its column, the header row being out of sight.
    expect(table.locator("thead")).not_to_be_in_viewport()
    first_entry = table.locator("tbody tr").first
    label = first_entry.locator("td").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"For: "'
    card_width = first_entry.evaluate("row => row.getBoundingClientRect().width")
    assert card_width <= PHONE["width"]
    assert serious_accessibility_violations(page) == []

    page.set_viewport_size(DESKTOP)
    expect(table.get_by_role("columnheader", name="Your answer")).to_be_visible()
    assert first_entry.locator("td").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    ) in ("none", "normal")
