import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.notifications.models import Delivery, Notification
from coopnet.notifications.services import notification_settings_set
from coopnet.notifications.tests.helpers import send


def test_it_leaves_one_inbox_entry_per_active_person(member, delegate, other_member):
    other_member.is_active = False
    other_member.save()
    made = send([member, delegate, member, other_member], url="/referrals/")
    assert sorted(n.user.username for n in made) == ["delegate", "member"]
    entry = Notification.objects.get(user=member)
    assert entry.kind == "referral_new"
    assert entry.subject == "A referral for you"
    assert entry.body == "Hedgerow passed on a brief."
    assert entry.url == "/referrals/"
    assert entry.read_at is None and entry.emailed_at is None


def test_it_records_each_persons_delivery_choice(member, delegate, other_member):
    notification_settings_set(user=delegate, delivery="digest")
    notification_settings_set(user=other_member, delivery="none")
    send([member, delegate, other_member])
    chosen = dict(Notification.objects.values_list("user__username", "delivery"))
    assert chosen == {
        "member": Delivery.INSTANT,
        "delegate": Delivery.DIGEST,
        "othermember": Delivery.NONE,
    }


def test_it_flattens_the_subject_to_one_line(member):
    [entry] = send([member], subject="A referral\n for   you " + "x" * 300)
    assert "\n" not in entry.subject
    assert entry.subject.startswith("A referral for you x")
    assert len(entry.subject) == 200


def test_it_enqueues_mail_only_for_instant_readers_after_commit(
    member, delegate, django_capture_on_commit_callbacks
):
    notification_settings_set(user=delegate, delivery="digest")
    with django_capture_on_commit_callbacks(execute=True):
        send([member, delegate])
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {
        "notification_id": Notification.objects.get(user=member).pk
    }


@pytest.mark.django_db(transaction=True)
def test_it_sends_nothing_when_the_change_rolls_back(member):
    with pytest.raises(RuntimeError), transaction.atomic():
        send([member])
        raise RuntimeError("the referral could not be saved")
    run_queued_tasks()
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_has_the_worker_mail_an_instant_reader(member):
    send([member], url="/referrals/")
    assert mail.outbox == []  # the worker sends it, not the caller
    run_queued_tasks()
    [message] = mail.outbox
    assert message.to == ["member@example.org"]
    assert message.subject == "A referral for you"
    assert "Hedgerow passed on a brief." in message.body
    assert Notification.objects.get().emailed_at is not None
