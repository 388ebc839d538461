"""A lead passes from one co-op to another, is won, and lands in both ledgers; a third co-op
sees neither the client nor the money."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.referrals.models import Referral

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 42"
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
TITLE = "Accessible website for a housing association"
CLIENT_EMAIL = "ada@hillside.example"


def field(scope: Page | Locator, label: str) -> Locator:
    """The input a label names (Django's labels end with a colon, which is no part of it)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def shoot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"referrals-{name}.png", full_page=True)


def expect_pair(page: Page, coop: str, other: str, counts: list[str], values: list[str]) -> None:
    """The ledger's rows for `other`: given, received and balance; then the values."""
    tables = {
        "Referrals between": counts,
        "Value of the work won between": values,
    }
    for caption, cells in tables.items():
        table = page.get_by_role("table", name=re.compile(f"^{caption} {coop} and each"))
        row = table.get_by_role("row", name=re.compile(other))
        expect(row.get_by_role("cell")).to_have_text(cells)


@pytest.fixture
def third_worker(db) -> User:
    coop = Coop.objects.create(
        name="Yarrow Works",
        slug="yarrow-works",
        status=Coop.Status.MEMBER,
        country="GB",
        description="Accessible websites for housing associations and charities.",
        availability=Coop.Availability.LIMITED,
        spare_capacity_days=4,
    )
    coop.refresh_search_tags()
    user = User.objects.create_user(username="yarrow", email="y@example.org", password=PASSWORD)
    Membership.objects.create(user=user, coop=coop)
    return user


def test_it_passes_a_lead_on_and_records_it_in_both_ledgers_only(
    page: Page,
    new_context,
    live_server,
    sign_in,
    member,
    coop,
    other_member,
    other_coop,
    third_worker,
    serious_accessibility_violations,
):
    # Hedgerow passes a lead to the whole network.
    sign_in(page, "member")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Pass on work").click()
    expect(page.get_by_role("heading", name="Pass on work", level=1)).to_be_visible()
    field(page, "What the work is, in a line").fill(TITLE)
    field(page, "Details").fill("Twelve pages and an events calendar, by September.")
    field(page, "Estimated value").fill("12000")
    contact = page.get_by_role("group", name="The client's contact details")
    expect(contact).to_contain_text("Only the co-op that claims this referral")
    field(contact, "Client's name").fill("Ada Client")
    field(contact, "Client's organisation").fill("Hillside Homes")
    field(contact, "Client's email").fill(CLIENT_EMAIL)
    expect(page.get_by_label("Every member co-op")).to_be_checked()
    page.get_by_role("button", name="Suggest co-ops").click()
    suggested = page.get_by_role("list", name="Suggested co-ops, best first")
    expect(suggested.get_by_role("checkbox", name="Yarrow Works")).to_be_checked()
    expect(suggested).to_contain_text("Limited capacity")
    expect(field(page, "What the work is, in a line")).to_have_value(TITLE)
    shoot(page, "new")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 900})
    shoot(page, "new-390")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Pass it on").click()

    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Passed on")
    referral = Referral.objects.get()
    assert referral.client_email == CLIENT_EMAIL

    # Yarrow sees it open, without the client, and declines it.
    yarrow = new_context().new_page()
    sign_in(yarrow, "yarrow")
    yarrow.goto(f"{live_server.url}/referrals/")
    open_now = yarrow.get_by_role("region", name="Open for your co-op")
    expect(open_now.get_by_role("link", name=TITLE)).to_be_visible()
    expect(yarrow.get_by_role("main")).not_to_contain_text(CLIENT_EMAIL)
    open_now.get_by_text("Decline, saying why").click()
    field(open_now, "Why you are declining").fill("Fully booked until October")
    open_now.get_by_role("button", name=re.compile("^Decline it")).click()
    expect(yarrow.get_by_role("status")).to_contain_text("You declined it")

    # Tidewater claims it and gets the client's details.
    tidewater = new_context().new_page()
    sign_in(tidewater, "othermember")
    tidewater.goto(f"{live_server.url}/referrals/")
    tidewater.get_by_role("region", name="Open for your co-op").get_by_role(
        "button", name=re.compile("^Claim it")
    ).click()
    expect(tidewater.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(tidewater.get_by_role("region", name="The client")).to_contain_text(CLIENT_EMAIL)

    # Hedgerow sees who claimed it and who declined.
    page.goto(f"{live_server.url}/referrals/")
    passed_on = page.get_by_role("region", name="You passed on")
    expect(passed_on).to_contain_text("Claimed by Tidewater Tech")
    expect(passed_on).to_contain_text("Yarrow Works: declined")
    expect(passed_on).to_contain_text("Fully booked until October")
    shoot(page, "list")

    # Tidewater closes it as won, with the value.
    update = tidewater.get_by_role("region", name="Update its progress")
    update.get_by_label("Won", exact=True).check()
    field(update, "Value of the work won").fill("48500")
    update.get_by_role("button", name=re.compile("^Update")).click()
    expect(tidewater.get_by_role("status")).to_contain_text("Now: won")
    expect(tidewater.get_by_role("complementary")).to_contain_text("48,500 GBP")
    shoot(tidewater, "detail-claimer")

    # Both ledgers show it, each from its own side.
    page.goto(f"{live_server.url}/referrals/ledger/")
    expect_pair(page, "Hedgerow Digital", "Tidewater Tech", ["1", "0", "+1"], ["48,500", "0"])
    shoot(page, "ledger")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 900})
    shoot(page, "ledger-390")
    assert serious_accessibility_violations(page) == []

    tidewater.goto(f"{live_server.url}/referrals/ledger/")
    expect_pair(tidewater, "Tidewater Tech", "Hedgerow Digital", ["0", "1", "-1"], ["0", "48,500"])

    # Yarrow may still look at the lead it declined: not at the client, not at the money.
    yarrow.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(yarrow.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(yarrow.get_by_role("main")).to_contain_text("Won")
    for secret in (CLIENT_EMAIL, "Ada Client", "Hillside Homes", "48,500", "48500"):
        expect(yarrow.get_by_role("main")).not_to_contain_text(secret)
    shoot(yarrow, "detail-third")
    yarrow.goto(f"{live_server.url}/referrals/ledger/")
    expect(yarrow.get_by_role("main")).not_to_contain_text("48,500")
    expect(yarrow.get_by_role("main")).not_to_contain_text("Tidewater Tech")

    # The public sees the network's totals, and no money.
    visitor = new_context().new_page()
    visitor.goto(f"{live_server.url}/referrals/totals/")
    expect(visitor.get_by_role("img", name=re.compile("by month"))).to_be_visible()
    expect(visitor.get_by_role("main")).not_to_contain_text("48,500")
    shoot(visitor, "totals")
    assert serious_accessibility_violations(visitor) == []
