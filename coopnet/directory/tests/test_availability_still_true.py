import datetime
import threading
import time

import pytest
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from coopnet.accounts.models import Membership
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.notifications.reminders import (
    STILL_TRUE_MAX_AGE,
    STILL_TRUE_SALT,
    availability_still_true_confirm,
    still_true_path,
    still_true_token,
)


@pytest.fixture
def confirmed_long_ago(coop):
    moment = timezone.now() - datetime.timedelta(weeks=10)
    Coop.objects.filter(pk=coop.pk).update(availability_updated_at=moment, spare_capacity_days=4)
    coop.refresh_from_db()
    return coop


@pytest.fixture
def link(confirmed_long_ago, member):
    return still_true_path(coop=confirmed_long_ago, user=member)


def updated_at(coop):
    coop.refresh_from_db()
    return coop.availability_updated_at


def test_it_shows_the_availability_and_one_button_without_signing_in(client, link, coop):
    before = updated_at(coop)
    response = client.get(link)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Open for work; 4 spare person-days a month." in content
    assert content.count('method="post"') == 1
    assert "Yes, still true" in content
    assert f'href="/coops/{coop.slug}/edit/#availability-update"' in content
    assert "no-store" in response["Cache-Control"]
    # Opening the link (as a mail scanner does) confirms nothing.
    assert updated_at(coop) == before
    assert not AuditEvent.objects.filter(action="coop.availability_confirmed").exists()


def test_it_confirms_on_post_as_the_person_the_link_was_made_for(client, link, coop, member):
    response = client.post(link)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert updated_at(coop) > timezone.now() - datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action="coop.availability_confirmed")
    assert event.actor == member
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.OPEN and coop.spare_capacity_days == 4


@pytest.mark.parametrize("who", ["outsider", "other_member", "coordinator"])
def test_it_confirms_as_the_links_person_whoever_is_signed_in(client, link, member, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(link).status_code == 200
    assert AuditEvent.objects.get(action="coop.availability_confirmed").actor == member


def test_it_works_once(client, link, coop):
    client.post(link)
    first = updated_at(coop)
    for response in [client.post(link), client.get(link)]:
        assert response.status_code == 410
        assert "used already" in response.content.decode()
    assert updated_at(coop) == first
    assert AuditEvent.objects.filter(action="coop.availability_confirmed").count() == 1


def test_it_cannot_confirm_after_the_coop_changed_its_availability(client, link, coop, member):
    from coopnet.directory.services import coop_update

    coop_update(actor=member, coop=coop, data={"availability": Coop.Availability.LIMITED})
    changed = updated_at(coop)
    response = client.post(link)
    assert response.status_code == 410
    assert updated_at(coop) == changed


class SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        age = STILL_TRUE_MAX_AGE.total_seconds() + 60
        return signing.b62_encode(int(time.time() - age))


def test_it_expires_after_thirty_days(client, coop, member):
    payload = signing.loads(still_true_token(coop=coop, user=member), salt=STILL_TRUE_SALT)
    old_token = SignedLongAgo(salt=STILL_TRUE_SALT).sign_object(payload)
    before = updated_at(coop)
    response = client.post(reverse("directory:availability_still_true", args=[old_token]))
    assert response.status_code == 410
    content = response.content.decode()
    assert "has expired" in content
    assert f"/coops/{coop.slug}/edit/" in content  # what to do instead
    assert updated_at(coop) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_explains_a_link_that_is_not_ours(client, link, coop, method):
    before = updated_at(coop)
    tampered = link[:-5] + "xxxx/"
    for url in [tampered, reverse("directory:availability_still_true", args=["nonsense"])]:
        response = getattr(client, method)(url)
        assert response.status_code == 400
        assert "not one we sent" in response.content.decode()
    assert updated_at(coop) == before


def test_it_refuses_someone_who_left_the_coop(client, link, coop, member):
    Membership.objects.filter(user=member, coop=coop).delete()
    before = updated_at(coop)
    response = client.post(link)
    assert response.status_code == 403
    assert "no longer belongs" in response.content.decode()
    assert updated_at(coop) == before


def test_it_refuses_a_closed_account(client, link, coop, member):
    member.is_active = False
    member.save()
    assert client.post(link).status_code == 400


def test_it_asks_to_update_a_fully_booked_date_that_passed(client, coop, member):
    Coop.objects.filter(pk=coop.pk).update(
        availability=Coop.Availability.FULLY_BOOKED,
        booked_until=timezone.localdate() - datetime.timedelta(days=1),
        availability_updated_at=timezone.now() - datetime.timedelta(weeks=10),
    )
    coop.refresh_from_db()
    link = still_true_path(coop=coop, user=member)
    response = client.get(link)
    assert response.status_code == 200
    content = response.content.decode()
    assert "has passed" in content
    assert "Yes, still true" not in content
    assert client.post(link).status_code == 409
    assert updated_at(coop) == coop.availability_updated_at
    assert not AuditEvent.objects.filter(action="coop.availability_confirmed").exists()


def test_it_refuses_other_methods(client, link):
    assert client.put(link).status_code == 405


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_waits_for_a_concurrent_change_and_then_refuses_the_old_link(coop, member):
    # Only PostgreSQL has row locks to wait on; the SQLite run deselects this marker.
    assert connection.vendor == "postgresql"
    token = still_true_token(coop=coop, user=member)
    outcome: list = []

    def confirm() -> None:
        try:
            outcome.append(availability_still_true_confirm(token=token))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        Coop.objects.select_for_update().get(pk=coop.pk)
        thread = threading.Thread(target=confirm)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the confirmation did not wait for the row lock"
        Coop.objects.filter(pk=coop.pk).update(
            availability=Coop.Availability.LIMITED, availability_updated_at=timezone.now()
        )
    thread.join(timeout=10)

    [link] = outcome
    assert link.problem == "outdated" and not link.confirmed
    assert not AuditEvent.objects.filter(action="coop.availability_confirmed").exists()
