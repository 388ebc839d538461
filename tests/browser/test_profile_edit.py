"""A worker-owner keeps their co-op's profile true; others cannot touch it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 42"


def field(scope: Page | Locator, label: str) -> Locator:
    """The input a label names (Django's labels end with a colon, which is no part of it)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def expect_fully_booked(page: Page, until: datetime.date, spare_days: int) -> None:
    availability = page.get_by_role("complementary").get_by_role("region", name="Availability")
    expect(availability).to_contain_text("Fully booked")
    expect(availability.locator("dt", has_text="Fully booked until")).to_be_visible()
    expect(availability).to_contain_text(until.isoformat())
    expect(availability).to_contain_text(f"{spare_days} person-days a month")


def test_it_lets_a_worker_owner_change_availability_and_shows_it_publicly(
    page: Page, new_context, live_server, member, coop
):
    booked_until = timezone.localdate() + datetime.timedelta(days=60)

    page.goto(live_server.url)
    page.get_by_role("link", name="Sign in").click()
    field(page, "Email address or username").fill("member")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    your_coops = page.get_by_role("region", name="Your co-ops")
    expect(your_coops.get_by_role("rowheader", name="Hedgerow Digital")).to_be_visible()
    your_coops.get_by_role("link", name="Edit the profile").click()

    expect(
        page.get_by_role("heading", name="Edit the profile of Hedgerow Digital", level=1)
    ).to_be_visible()
    update = page.get_by_role("region", name="Update availability")
    field(update, "Availability").select_option(label="Fully booked")
    field(update, "Fully booked until").fill(booked_until.isoformat())
    field(update, "Spare capacity (person-days a month)").fill("3")
    update.get_by_role("button", name="Update availability").click()

    expect(
        page.get_by_role("status").filter(has_text="Your availability is updated.")
    ).to_be_visible()
    # Availability is asked only there: the profile form below has no copy to fall out of date.
    expect(field(page, "Availability")).to_have_count(1)
    expect(field(update, "Availability")).to_have_value("booked")
    page.get_by_role("link", name="See the profile as others see it").click()

    expect(page.get_by_role("heading", name="Hedgerow Digital", level=1)).to_be_visible()
    expect_fully_booked(page, booked_until, 3)

    visitor = new_context().new_page()
    visitor.goto(f"{live_server.url}/coops/hedgerow-digital/")
    expect_fully_booked(visitor, booked_until, 3)
    expect(visitor.get_by_role("link", name="Edit this profile")).to_have_count(0)

    coop.refresh_from_db()
    assert (coop.availability, coop.booked_until, coop.spare_capacity_days) == (
        Coop.Availability.FULLY_BOOKED,
        booked_until,
        3,
    )
    event = AuditEvent.objects.for_object(coop).get(action="coop.update")
    assert event.actor == member
    assert set(event.changes) >= {"availability", "booked_until", "spare_capacity_days"}


@pytest.mark.parametrize(
    ("typed", "wrong_field", "error"),
    [
        (
            {"Lowest day rate": "700", "Highest day rate": "500"},
            "Highest day rate",
            "The highest day rate must be at least the lowest (700).",
        ),
        ({"Website": "not a web address"}, "Website", "Enter a valid URL."),
    ],
    ids=["day-rates-upside-down", "website"],
)
def test_it_shows_a_bad_edit_next_to_its_field_and_keeps_what_was_typed(
    page: Page,
    live_server,
    sign_in,
    member,
    coop,
    typed,
    wrong_field,
    error,
    serious_accessibility_violations,
):
    before = Coop.objects.values().get(pk=coop.pk)
    new_description = "We build accessible websites for charities and **housing co-ops**."
    sign_in(page, "member")
    page.goto(f"{live_server.url}/coops/hedgerow-digital/edit/")

    form = page.get_by_role("main")
    field(form, "Description").fill(new_description)
    for label, value in typed.items():
        field(form, label).fill(value)
    form.get_by_role("button", name="Save the profile").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The profile was not saved")
    expect(summary.get_by_role("link", name=wrong_field)).to_be_visible()
    # The message belongs to the field: screen readers announce it with the field.
    expect(field(form, wrong_field)).to_have_accessible_description(re.compile(re.escape(error)))
    expect(field(form, "Description")).to_have_value(new_description)
    for label, value in typed.items():
        expect(field(form, label)).to_have_value(value)

    assert serious_accessibility_violations(page) == []

    assert Coop.objects.values().get(pk=coop.pk) == before
    assert not AuditEvent.objects.for_object(coop).exists()


def test_it_shows_an_outsider_a_clear_refusal(
    page: Page, live_server, sign_in, outsider, coop, serious_accessibility_violations
):
    sign_in(page, "outsider")

    response = page.goto(f"{live_server.url}/coops/hedgerow-digital/edit/")

    assert response is not None and response.status == 403
    expect(
        page.get_by_role("heading", name="You cannot edit this profile", level=1)
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("You can edit only your own co-op's profile.")
    expect(page.get_by_role("link", name="Back to the profile of Hedgerow Digital")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_it_sends_an_anonymous_visitor_to_sign_in_first(page: Page, live_server, coop):
    page.goto(f"{live_server.url}/coops/hedgerow-digital/edit/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/coops/hedgerow-digital/edit/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
