import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.accounts.models import Membership
from coopnet.directory.models import Coop
from coopnet.directory.tasks import send_availability_reminders
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import AvailabilityReminder, Notification
from coopnet.notifications.reminders import availability_reminders_send, still_true_read
from coopnet.notifications.services import notification_settings_set

WEEKS = 6


@pytest.fixture(autouse=True)
def six_weeks(db):
    network = NetworkSettings.load()
    network.availability_reminder_weeks = WEEKS
    network.save()
    return network


def set_availability(coop, *, weeks_ago=None, **values):
    values["availability_updated_at"] = (
        None if weeks_ago is None else timezone.now() - datetime.timedelta(weeks=weeks_ago)
    )
    Coop.objects.filter(pk=coop.pk).update(**values)
    coop.refresh_from_db()
    return coop


@pytest.fixture
def stale_coop(coop, member, delegate):
    return set_availability(coop, weeks_ago=WEEKS + 1, spare_capacity_days=12)


def test_it_reminds_every_worker_owner_of_a_stale_coop(stale_coop, member, delegate):
    assert availability_reminders_send() == 1
    entries = Notification.objects.filter(kind="availability_reminder").order_by("user__username")
    assert [n.user for n in entries] == [delegate, member]
    entry = entries.get(user=member)
    assert entry.subject == "Is Hedgerow Digital's availability still true?"
    assert "Open for work; 12 spare person-days a month." in entry.body
    assert f"/coops/{stale_coop.slug}/edit/#availability-update" in entry.body
    reminder = AvailabilityReminder.objects.get()
    assert reminder.coop == stale_coop
    assert reminder.availability_updated_at == stale_coop.availability_updated_at


def test_it_gives_each_person_their_own_still_true_link(stale_coop, member, delegate):
    availability_reminders_send()
    links = {}
    for entry in Notification.objects.all():
        token = re.fullmatch(r"/availability/still-true/([^/]+)/", entry.url).group(1)
        link = still_true_read(token)
        assert link.problem == ""
        links[entry.user] = link
    assert {user: link.user for user, link in links.items()} == {member: member, delegate: delegate}
    assert {link.coop for link in links.values()} == {stale_coop}


def test_it_reminds_a_coop_that_never_gave_its_availability_date(coop, member):
    set_availability(coop, weeks_ago=None)
    assert availability_reminders_send() == 1
    assert "has never confirmed" in Notification.objects.get().body


@pytest.mark.parametrize("weeks_ago", [0, WEEKS - 1])
def test_it_leaves_a_coop_with_fresh_availability_alone(coop, member, weeks_ago):
    set_availability(coop, weeks_ago=weeks_ago)
    assert availability_reminders_send() == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("status", ["observed", "former", "applicant"])
def test_it_reminds_only_member_coops(coop, member, status):
    set_availability(coop, weeks_ago=WEEKS + 1, status=status)
    assert availability_reminders_send() == 0


def test_it_does_not_remind_again_within_the_weeks(stale_coop, member):
    now = timezone.now()
    assert availability_reminders_send(now=now) == 1
    assert availability_reminders_send(now=now + datetime.timedelta(days=1)) == 0
    later = now + datetime.timedelta(weeks=WEEKS - 1)
    assert availability_reminders_send(now=later) == 0
    assert availability_reminders_send(now=now + datetime.timedelta(weeks=WEEKS, days=1)) == 1
    assert AvailabilityReminder.objects.count() == 2


def test_it_skips_a_coop_with_nobody_to_ask_and_asks_once_someone_joins(coop, outsider):
    set_availability(coop, weeks_ago=WEEKS + 1)
    assert availability_reminders_send() == 0
    assert not AvailabilityReminder.objects.exists()
    Membership.objects.create(user=outsider, coop=coop)
    assert availability_reminders_send() == 1


def test_it_does_not_ask_closed_accounts(stale_coop, member, delegate):
    delegate.is_active = False
    delegate.save()
    availability_reminders_send()
    assert [n.user for n in Notification.objects.all()] == [member]


def test_it_asks_to_update_a_fully_booked_date_that_passed(coop, member):
    set_availability(
        coop,
        weeks_ago=WEEKS + 1,
        availability=Coop.Availability.FULLY_BOOKED,
        booked_until=timezone.localdate() - datetime.timedelta(days=3),
    )
    availability_reminders_send()
    entry = Notification.objects.get()
    assert entry.subject == "Please update Hedgerow Digital's availability"
    assert "that date has passed" in entry.body
    assert "Still true?" not in entry.body
    # The link goes to the form: confirming a date that passed would keep it untrue.
    assert entry.url == f"/coops/{coop.slug}/edit/#availability-update"
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.FULLY_BOOKED  # the data is left as it is


def test_it_asks_a_coop_that_never_stated_its_availability_to_state_it(coop, member):
    set_availability(coop, weeks_ago=None, availability=Coop.Availability.UNKNOWN)
    availability_reminders_send()
    entry = Notification.objects.get()
    assert "Please say whether you can take on work" in entry.body
    assert entry.url.startswith(f"/coops/{coop.slug}/edit/")


def test_it_is_off_when_the_network_sets_zero_weeks(stale_coop, member, six_weeks):
    six_weeks.availability_reminder_weeks = 0
    six_weeks.save()
    assert availability_reminders_send() == 0


def test_it_respects_a_persons_choice_of_no_email_but_keeps_the_inbox_entry(
    stale_coop, member, delegate, mailoutbox, django_capture_on_commit_callbacks
):
    notification_settings_set(user=delegate, delivery="none")
    with django_capture_on_commit_callbacks(execute=True):
        availability_reminders_send()
    assert Notification.objects.filter(user=delegate).exists()
    # Only the member's reminder goes to the mail queue.
    [queued] = DBTaskResult.objects.all()
    mailed = Notification.objects.get(pk=queued.args_kwargs["kwargs"]["notification_id"])
    assert mailed.user == member


@pytest.mark.django_db(transaction=True)
def test_it_is_mailed_by_the_background_worker_with_a_working_link(client):
    network = NetworkSettings.load()
    network.availability_reminder_weeks = WEEKS
    network.save()
    coop = Coop.objects.create(
        name="Fenland Code",
        slug="fenland-code",
        status=Coop.Status.MEMBER,
        availability=Coop.Availability.LIMITED,
        availability_updated_at=timezone.now() - datetime.timedelta(weeks=WEEKS + 2),
    )
    from coopnet.accounts.models import User

    user = User.objects.create_user(username="fen", email="fen@example.org", password="x" * 12)
    Membership.objects.create(user=user, coop=coop)

    send_availability_reminders.enqueue()
    run_queued_tasks()

    [message] = mail.outbox
    assert message.to == ["fen@example.org"]
    assert message.subject == "Is Fenland Code's availability still true?"
    assert "Limited capacity." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/availability/still-true/\S+/)", message.body
    )
    response = client.post(link.group(1))
    assert response.status_code == 200
    coop.refresh_from_db()
    assert coop.availability_updated_at > timezone.now() - datetime.timedelta(minutes=1)
