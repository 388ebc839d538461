"""`coop_update`: the one write every interface (page, API, admin) goes through."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import DESCRIPTION_MAX_LENGTH, Coop
from coopnet.directory.services import coop_update

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def png(name: str = "logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (31, 111, 80)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- the rules of coop_edit_errors, which forms alone used to check ------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"availability": "booked"}, "booked_until", "Say until when you are fully booked"),
        (
            {"availability": "booked", "booked_until": YESTERDAY},
            "booked_until",
            "This date has passed",
        ),
        ({"availability": "booked", "booked_until": TODAY}, "booked_until", "This date has"),
        ({"workers": 2}, "workers", "there must be at least 5"),
        ({"founded_on": TOMORROW}, "founded_on", "cannot be in the future"),
        ({"country": "ZZ"}, "country", "“ZZ” is not an ISO 3166 country code"),
        ({"day_rate_currency": "XYZ"}, "day_rate_currency", "“XYZ” is not an ISO 4217"),
        ({"languages": ["en", "<script>"]}, "languages", "<script>: not ISO 639"),
        ({"languages": ["klingon"]}, "languages", "klingon: not ISO 639 language codes"),
        ({"latitude": 90.5}, "latitude", "Latitude must be between -90 and 90."),
        ({"longitude": -181.0}, "longitude", "Longitude must be between -180 and 180."),
    ],
)
def test_it_refuses_what_breaks_a_profile_rule(coop, member, data, field, message):
    with pytest.raises(ValidationError) as raised:
        coop_update(actor=member, coop=coop, data={"phone": "0114 000", **data})

    assert list(raised.value.message_dict) == [field]
    assert message in raised.value.message_dict[field][0]
    fresh = Coop.objects.get(pk=coop.pk)
    assert fresh.phone == ""
    assert fresh.self_edited_fields == {}
    assert not AuditEvent.objects.for_object(coop).exists()


def test_it_refuses_a_leaving_date_before_the_joining_date(coop, coordinator):
    data = {"joined_on": datetime.date(2020, 5, 1), "left_on": datetime.date(2019, 1, 1)}

    with pytest.raises(ValidationError) as raised:
        coop_update(actor=coordinator, coop=coop, data=data)

    assert raised.value.message_dict == {
        "left_on": ["The co-op cannot leave before it joined (2020-05-01)."]
    }


def test_it_refuses_a_lowest_day_rate_above_the_highest(coop, member):
    with pytest.raises(ValidationError):
        coop_update(actor=member, coop=coop, data={"day_rate_min": 700, "day_rate_max": 300})

    assert Coop.objects.get(pk=coop.pk).day_rate_min is None


def test_it_accepts_values_that_keep_the_rules(coop, member):
    data = {
        "availability": "booked",
        "booked_until": TOMORROW,
        "workers": 5,
        "founded_on": TODAY,
        "country": "FR",
        "day_rate_currency": "EUR",
        "languages": ["fr", "cy", "tlh"],
        "latitude": -90.0,
        "longitude": 180.0,
    }

    coop_update(actor=member, coop=coop, data=data)

    fresh = Coop.objects.get(pk=coop.pk)
    assert (fresh.country, fresh.languages, fresh.booked_until) == (
        "FR",
        ["fr", "cy", "tlh"],
        TOMORROW,
    )


def test_it_does_not_block_other_edits_on_a_value_stored_before_the_rules(coop, member):
    # An old date and codes an import stored are checked only when someone changes them.
    Coop.objects.filter(pk=coop.pk).update(
        availability="booked", booked_until=datetime.date(2020, 1, 1), country="XK", workers=1
    )

    coop_update(actor=member, coop=coop, data={"phone": "0114 000"})

    assert Coop.objects.get(pk=coop.pk).phone == "0114 000"


def test_it_checks_a_rule_again_when_one_of_its_fields_changes(coop, member):
    Coop.objects.filter(pk=coop.pk).update(availability="booked", booked_until=YESTERDAY)

    with pytest.raises(ValidationError) as raised:
        coop_update(
            actor=member,
            coop=coop,
            data={
                "spare_capacity_days": 0,
                "availability": "booked",
                "booked_until": YESTERDAY - datetime.timedelta(days=1),
            },
        )

    assert "booked_until" in raised.value.message_dict


# --- a long description -------------------------------------------------------------------


def test_it_refuses_a_description_over_the_limit(coop, member):
    with pytest.raises(ValidationError) as raised:
        coop_update(
            actor=member, coop=coop, data={"description": "x" * (DESCRIPTION_MAX_LENGTH + 1)}
        )

    assert list(raised.value.message_dict) == ["description"]
    assert Coop.objects.get(pk=coop.pk).description.startswith("We build")


def test_it_accepts_a_description_at_the_limit(coop, member):
    coop_update(actor=member, coop=coop, data={"description": "x" * DESCRIPTION_MAX_LENGTH})

    assert len(Coop.objects.get(pk=coop.pk).description) == DESCRIPTION_MAX_LENGTH


# --- edits that overlap -------------------------------------------------------------------


def test_it_keeps_an_edit_saved_since_the_coop_was_read(coop, member, delegate):
    stale = Coop.objects.get(pk=coop.pk)
    coop_update(actor=member, coop=coop, data={"name": "Hedgerow Digital Co-op"})

    coop_update(actor=delegate, coop=stale, data={"phone": "0114 000"})

    fresh = Coop.objects.get(pk=coop.pk)
    assert (fresh.name, fresh.phone) == ("Hedgerow Digital Co-op", "0114 000")
    assert set(fresh.self_edited_fields) == {"name", "phone"}
    assert stale.name == "Hedgerow Digital Co-op"  # the caller's copy is the stored row now
    last = AuditEvent.objects.for_object(coop).order_by("-pk").first()
    assert last.changes == {"phone": ["", "0114 000"]}


def test_it_keeps_every_self_edited_field_when_terms_change_after_a_stale_read(
    coop, member, delegate
):
    stale = Coop.objects.get(pk=coop.pk)
    coop_update(actor=member, coop=coop, data={"locality": "Leeds"})

    coop_update(actor=delegate, coop=stale, data={"services": []} | {"region": "Yorkshire"})

    fresh = Coop.objects.get(pk=coop.pk)
    assert fresh.locality == "Leeds"
    assert set(fresh.self_edited_fields) == {"locality", "region"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_waits_for_a_concurrent_edit_and_keeps_it(coop, member):
    # Only PostgreSQL has row locks to wait on; the SQLite run deselects this marker.
    assert connection.vendor == "postgresql"
    stale = Coop.objects.get(pk=coop.pk)
    outcome: list[BaseException | None] = []

    def edit_phone() -> None:
        try:
            coop_update(actor=member, coop=stale, data={"phone": "0114 000"})
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        Coop.objects.select_for_update().get(pk=coop.pk)
        thread = threading.Thread(target=edit_phone)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the edit did not wait for the row lock"
        Coop.objects.filter(pk=coop.pk).update(
            name="Renamed Meanwhile", self_edited_fields={"name": "2026-01-01T00:00:00+00:00"}
        )
    thread.join(timeout=10)

    assert outcome == [None]
    fresh = Coop.objects.get(pk=coop.pk)
    assert (fresh.name, fresh.phone) == ("Renamed Meanwhile", "0114 000")
    assert set(fresh.self_edited_fields) == {"name", "phone"}


# --- logo files ---------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_deletes_a_replaced_logo_file_once_committed(
    coop, member, media_root, django_capture_on_commit_callbacks
):
    coop_update(actor=member, coop=coop, data={"logo": png("hedgerow-digital.png")})
    old = media_root / coop.logo.name
    assert old.is_file()

    with django_capture_on_commit_callbacks() as callbacks:
        coop_update(actor=member, coop=coop, data={"logo": png("hedgerow-digital.png")})
        assert old.is_file()  # nothing is deleted before the edit is committed
    for callback in callbacks:
        callback()

    assert not old.exists()
    assert (media_root / coop.logo.name).is_file()


def test_it_deletes_a_removed_logo_file(
    coop, member, media_root, django_capture_on_commit_callbacks
):
    coop_update(actor=member, coop=coop, data={"logo": png()})
    old = media_root / coop.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        coop_update(actor=member, coop=coop, data={"logo": ""})

    assert not old.exists()
    assert not Coop.objects.get(pk=coop.pk).logo


def test_it_keeps_a_logo_file_another_coop_uses(
    coop, other_coop, member, media_root, django_capture_on_commit_callbacks
):
    coop_update(actor=member, coop=coop, data={"logo": png()})
    Coop.objects.filter(pk=other_coop.pk).update(logo=coop.logo.name)
    shared = media_root / coop.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        coop_update(actor=member, coop=coop, data={"logo": ""})

    assert shared.is_file()


def test_it_keeps_the_logo_file_when_an_edit_is_refused(
    coop, member, media_root, django_capture_on_commit_callbacks
):
    coop_update(actor=member, coop=coop, data={"logo": png()})
    kept = media_root / coop.logo.name

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        coop_update(actor=member, coop=coop, data={"logo": "", "workers": 1})

    assert kept.is_file()
