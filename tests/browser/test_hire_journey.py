"""The whole hiring journey in Chromium: a client sends a brief, a coordinator sends it to
Hedgerow, a worker-owner of Hedgerow answers, and the client reads the answer and chooses.

The brief form and the client's page are checked with axe, and every page of the journey is
saved as a screenshot (in SCREENSHOT_DIR, by default /tmp/shots) for a person to look at.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from conftest import run_queued_tasks
from coopnet.hire.models import Brief, BriefRecipient

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
CLIENT_EMAIL = "cara@riverside.example"
BRIEF_TEXT = "Accessible websites for charities: a new site for our food bank, with hosting."
ANSWER = "We would love to build this with you. Could we talk on Thursday?"


def label(text: str) -> re.Pattern:
    # Django's labels end with a colon, which is no part of the name.
    return re.compile(rf"^{re.escape(text)}:?$")


def shoot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"hire-{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    # The rate limit counts in the database cache, which transactional tests leave behind.
    cache.clear()
    yield
    cache.clear()


def private_link_from_mail(mailoutbox) -> str:
    run_queued_tasks()
    (confirmation,) = [m for m in mailoutbox if m.to == [CLIENT_EMAIL] and "/hire/brief/" in m.body]
    return re.search(r"(/hire/brief/[^/\s]+/)", confirmation.body).group(1)


def test_it_takes_a_brief_from_the_client_to_their_choice(
    page: Page,
    new_context,
    live_server,
    directory,
    coordinator,
    member,
    sign_in,
    mailoutbox,
    serious_accessibility_violations,
):
    # A client, without an account, writes a brief.
    client = new_context().new_page()
    client.goto(live_server.url)
    client.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Hire the network"
    ).click()
    expect(client.get_by_role("heading", name="Hire the network", level=1)).to_be_visible()
    assert serious_accessibility_violations(client) == []
    shoot(client, "form")
    client.get_by_label(label("Your name")).fill("Cara Client")
    client.get_by_label(label("Your email")).fill(CLIENT_EMAIL)
    client.get_by_label(label("Your organisation")).fill("Riverside Food Bank")
    client.get_by_label(label("What you need, in your own words")).fill(BRIEF_TEXT)
    client.get_by_role("group", name="Services you think you need (optional)").get_by_role(
        "checkbox", name="Web development"
    ).check()
    client.get_by_label(label("Budget")).select_option(label="£5,000 to £20,000")
    client.get_by_label(label("Where you are")).fill("Sheffield")
    client.get_by_role("button", name="Send my brief").click()

    # Consent is required: the form says so, and keeps what was typed.
    expect(client.get_by_role("alert")).to_contain_text("only if you agree")
    expect(client.get_by_label(label("What you need, in your own words"))).to_have_value(BRIEF_TEXT)
    client.get_by_role("checkbox", name=re.compile("^I agree that my brief")).check()
    client.get_by_role("button", name="Send my brief").click()
    expect(
        client.get_by_role("heading", name="Thank you: your brief is with us", level=1)
    ).to_be_visible()
    expect(client.get_by_text(CLIENT_EMAIL)).to_be_visible()
    shoot(client, "thanks")
    brief = Brief.objects.get()

    # The coordinator sends it to Hedgerow only.
    sign_in(page, "coordinator")
    page.goto(f"{live_server.url}/hire/briefs/")
    shoot(page, "coordinator-list")
    page.get_by_role("link", name="Riverside Food Bank").click()
    expect(
        page.get_by_role("heading", name="A brief from Riverside Food Bank", level=1)
    ).to_be_visible()
    suggestions = page.get_by_role("group", name="Suggested co-ops, best match first")
    for checkbox in suggestions.get_by_role("checkbox").all():
        checkbox.uncheck()
    suggestions.get_by_role("checkbox", name=re.compile("^Hedgerow Digital")).check()
    shoot(page, "coordinator-brief")
    page.get_by_role("button", name="Send to the ticked co-ops").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to Hedgerow Digital.")
    assert list(brief.recipients.values_list("coop__slug", flat=True)) == ["hedgerow-digital"]

    # A worker-owner of Hedgerow answers from the co-op's inbox.
    worker = new_context().new_page()
    sign_in(worker, "member")
    worker.goto(f"{live_server.url}/hire/inbox/")
    expect(worker.get_by_role("heading", name="Briefs for your co-ops", level=1)).to_be_visible()
    shoot(worker, "inbox")
    worker.get_by_role("link", name=re.compile("^Accessible websites for charities")).click()
    expect(worker.get_by_text(CLIENT_EMAIL)).to_be_visible()
    answer = worker.get_by_role("region", name="Your answer")
    answer.get_by_role("radio", name="We are interested").check()
    answer.get_by_label(label("Your message")).fill(ANSWER)
    shoot(worker, "inbox-entry")
    answer.get_by_role("button", name="Send the answer").click()
    expect(worker.get_by_role("status")).to_contain_text("Your answer is saved.")

    # The client opens the private link from their email, reads the answer and chooses.
    client.goto(live_server.url + private_link_from_mail(mailoutbox))
    expect(client.get_by_role("heading", name="Your brief", level=1)).to_be_visible()
    asked = client.get_by_role("region", name="Co-ops asked")
    expect(asked.get_by_role("link", name="Hedgerow Digital")).to_be_visible()
    expect(asked).to_contain_text(ANSWER)
    expect(asked).to_contain_text("Interested")
    assert serious_accessibility_violations(client) == []
    shoot(client, "client-page")
    choose = client.get_by_role("region", name="Choose who to work with")
    choose.get_by_role("radio", name="Hedgerow Digital").check()
    choose.get_by_role("button", name="Choose").click()

    expect(client.get_by_role("status")).to_contain_text("we have told the co-ops who you chose")
    expect(client.get_by_text("You chose to work with Hedgerow Digital.")).to_be_visible()
    shoot(client, "client-chosen")
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CHOSEN
    assert BriefRecipient.objects.get(is_chosen=True).coop.slug == "hedgerow-digital"


@pytest.mark.parametrize("width", [390])
def test_it_fits_the_brief_form_and_the_client_page_on_a_phone(
    page: Page, live_server, directory, serious_accessibility_violations, width
):
    from coopnet.hire.tests.page_helpers import submit_brief

    _brief, raw = submit_brief()
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in [("form", "/hire/"), ("client-page", f"/hire/brief/{raw}/")]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200
        shoot(page, f"{name}-{width}")
        assert serious_accessibility_violations(page) == []
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
