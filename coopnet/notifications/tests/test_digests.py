import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conftest import run_queued_tasks
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Delivery, Notification
from coopnet.notifications.services import digests_send, notification_settings_set
from coopnet.notifications.tasks import send_digests
from coopnet.notifications.tests.helpers import send

UTC = datetime.UTC


def at(hour: int, day: int = 24) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 20, tzinfo=UTC)


def made_at(entries, moment):
    Notification.objects.filter(pk__in=[n.pk for n in entries]).update(created_at=moment)


@pytest.fixture
def digest_at_seven(db):
    network = NetworkSettings.load()
    network.digest_hour = 7
    network.save()
    return network


def test_it_sends_each_reader_one_email_with_everything_oldest_first(
    digest_reader, delegate, digest_at_seven, mailoutbox
):
    notification_settings_set(user=delegate, delivery="digest")
    first = send([digest_reader], subject="First referral", message="One.")
    second = send([digest_reader, delegate], subject="Second referral", message="Two.")
    made_at(first, at(1))
    made_at(second, at(2))

    assert digests_send(now=at(7)) == 2

    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {"member@example.org", "delegate@example.org"}
    body = by_person["member@example.org"].body
    assert "## First referral" in body and "## Second referral" in body
    assert body.index("First referral") < body.index("Second referral")
    assert by_person["member@example.org"].subject == "Coopnet: 2 updates"
    assert by_person["delegate@example.org"].subject == "Coopnet: 1 update"
    assert "## " not in by_person["delegate@example.org"].body  # one entry needs no heading
    for message in mailoutbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.awaiting_digest().exists()


def test_it_waits_for_the_digest_hour(digest_reader, digest_at_seven, mailoutbox):
    made_at(send([digest_reader]), at(1))
    assert digests_send(now=at(6)) == 0
    assert digests_send(now=at(8)) == 0
    assert mailoutbox == []
    assert digests_send(now=at(7)) == 1


def test_it_sends_once_a_day(digest_reader, digest_at_seven, mailoutbox):
    made_at(send([digest_reader]), at(1))
    assert digests_send(now=at(7)) == 1
    made_at(send([digest_reader]), at(9))
    for hour in range(8, 24):
        assert digests_send(now=at(hour)) == 0
    assert digests_send(now=at(7, day=25)) == 1
    assert len(mailoutbox) == 2


def test_it_sends_what_waited_over_a_day_when_the_hour_was_missed(
    digest_reader, digest_at_seven, mailoutbox
):
    old = send([digest_reader], subject="Old")
    made_at(old, at(6, day=23))
    newer = send([digest_reader], subject="Newer")
    made_at(newer, at(5, day=24))
    # 07:00 on the 24th was missed (worker down); at 08:20 the older entry is over a day old.
    assert digests_send(now=at(8)) == 1
    [message] = mailoutbox
    assert "Old" in message.body and "Newer" in message.body


def test_it_leaves_out_instant_and_no_email_readers(member, delegate, digest_at_seven, mailoutbox):
    notification_settings_set(user=delegate, delivery="none")
    send([member, delegate])
    assert digests_send(now=at(7)) == 0
    assert mailoutbox == []


def test_it_drops_waiting_entries_of_someone_who_turned_mail_off(
    digest_reader, digest_at_seven, mailoutbox
):
    [entry] = send([digest_reader])
    notification_settings_set(user=digest_reader, delivery="none")
    assert digests_send(now=at(7)) == 0
    assert mailoutbox == []
    entry.refresh_from_db()
    assert entry.delivery == Delivery.NONE and entry.emailed_at is None
    assert entry.read_at is None  # still in the inbox, unread


def test_it_drops_waiting_entries_of_a_closed_account(digest_reader, digest_at_seven, mailoutbox):
    [entry] = send([digest_reader])
    digest_reader.is_active = False
    digest_reader.save()
    assert digests_send(now=at(7)) == 0
    entry.refresh_from_db()
    assert entry.delivery == Delivery.NONE
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_it_is_sent_by_the_background_worker(member):
    notification_settings_set(user=member, delivery="digest")
    made_at(send([member]), timezone.now() - datetime.timedelta(hours=25))
    send_digests.enqueue()
    run_queued_tasks()
    [message] = mail.outbox
    assert message.to == ["member@example.org"]
    assert Notification.objects.get().emailed_at is not None


def test_the_digest_hour_is_an_hour_of_the_day(db):
    from django.core.exceptions import ValidationError

    from coopnet.network.models import NetworkSettings

    network = NetworkSettings.load()
    network.digest_hour = 23
    network.full_clean()
    network.digest_hour = 24
    with pytest.raises(ValidationError) as raised:
        network.full_clean()
    assert "digest_hour" in raised.value.message_dict
