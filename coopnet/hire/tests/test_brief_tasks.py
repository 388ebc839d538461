"""The background work of briefs: the client's mail, and deleting contact details when due."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.models import Brief
from coopnet.hire.services import (
    CHOSEN_BRIEF_CLOSES_AFTER,
    brief_answer,
    brief_choose,
    brief_contact_delete,
    brief_contacts_delete_expired,
    brief_for_token,
    brief_send,
    brief_submit,
    brief_withdraw,
)
from coopnet.hire.tasks import delete_expired_brief_contacts, send_brief_client_email
from coopnet.hire.tests.page_helpers import BRIEF as COMMON_BRIEF
from coopnet.network.models import NetworkSettings
from coopnet.network.scheduler import PERIODIC_JOBS
from coopnet.notifications.models import Notification

BRIEF = {**COMMON_BRIEF, "organisation": "Riverside Trust"}


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def retention(days: int) -> None:
    network = NetworkSettings.load()
    network.brief_contact_retention_days = days
    network.save()


def ended_days_ago(brief: Brief, days: int) -> None:
    Brief.objects.filter(pk=brief.pk).update(closed_at=timezone.now() - timedelta(days=days))


def contact_of(brief: Brief) -> tuple[str, str, str]:
    brief.refresh_from_db()
    return brief.contact_name, brief.contact_email, brief.organisation


def test_the_scheduler_runs_the_job_daily():
    [job] = [j for j in PERIODIC_JOBS if j.name == "expire-brief-contacts"]
    assert import_string(job.task_path) is delete_expired_brief_contacts
    assert job.every == timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_deletes_contact_details_kept_longer_than_the_network_allows():
    retention(30)
    old, _ = brief_submit(**BRIEF)
    recent, _ = brief_submit(**BRIEF)
    still_open, _ = brief_submit(**BRIEF)
    for brief in (old, recent):
        brief_withdraw(brief=brief)
    ended_days_ago(old, 31)
    ended_days_ago(recent, 29)
    delete_expired_brief_contacts.enqueue()
    run_queued_tasks()
    result = DBTaskResult.objects.get(task_path__endswith="delete_expired_brief_contacts")
    assert result.return_value == 1
    assert contact_of(old) == ("", "", "")
    assert old.contact_deleted_at is not None
    assert old.text == BRIEF["text"]  # the brief itself stays
    assert contact_of(recent) == ("Cleo Client", "cleo@riverside.example", "Riverside Trust")
    assert contact_of(still_open)[0] == "Cleo Client"


def test_deleting_contact_details_stops_the_link_and_is_audited_without_them(db):
    brief, raw = brief_submit(**BRIEF)
    brief_contact_delete(brief=brief)
    assert brief_for_token(raw) is None
    assert brief.contact_email == ""  # the caller's object is kept true
    event = AuditEvent.objects.get(action="brief.contact_delete")
    assert (event.actor, event.actor_label) == (None, "retention job")
    assert "cleo" not in str(event.changes).lower()
    brief_contact_delete(brief=brief)
    assert AuditEvent.objects.filter(action="brief.contact_delete").count() == 1


def test_a_coordinator_may_delete_contact_details_on_request(db, coordinator):
    brief, _raw = brief_submit(**BRIEF)
    brief_contact_delete(brief=brief, actor=coordinator)
    assert contact_of(brief) == ("", "", "")
    assert AuditEvent.objects.get(action="brief.contact_delete").actor == coordinator


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_only_coordinators_delete_contact_details_by_hand(db, coop, request, who):
    brief, _raw = brief_submit(**BRIEF)
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_contact_delete(brief=brief, actor=actor)
    assert contact_of(brief)[1] == "cleo@riverside.example"


def test_a_chosen_brief_is_over_when_chosen_long_enough_ago(coordinator, coop, member):
    retention(10)
    brief, _raw = brief_submit(**BRIEF)
    [entry] = brief_send(actor=coordinator, brief=brief, coops=[coop])
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[entry])
    assert brief_contacts_delete_expired() == 0
    assert Brief.objects.get(pk=brief.pk).closed_at is None
    chosen_at = timezone.now() - CHOSEN_BRIEF_CLOSES_AFTER - timedelta(days=5)
    Brief.objects.filter(pk=brief.pk).update(chosen_at=chosen_at)
    assert brief_contacts_delete_expired() == 0  # over 5 days ago: kept for 5 more
    brief.refresh_from_db()
    assert brief.closed_at == chosen_at + CHOSEN_BRIEF_CLOSES_AFTER
    assert brief.status == Brief.Status.CHOSEN
    assert brief_contacts_delete_expired(now=timezone.now() + timedelta(days=6)) == 1
    assert contact_of(brief) == ("", "", "")


def test_an_open_brief_whose_link_expired_is_closed_and_the_coops_told(coordinator, coop, member):
    brief, _raw = brief_submit(**BRIEF)
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    fresh, _raw = brief_submit(**BRIEF)
    Brief.objects.filter(pk=brief.pk).update(access_expires_at=timezone.now() - timedelta(1))
    brief_contacts_delete_expired()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CLOSED
    assert brief.closed_at is not None
    assert Brief.objects.get(pk=fresh.pk).status == Brief.Status.NEW
    assert Notification.objects.filter(kind="brief_closed", user=member).exists()
    event = AuditEvent.objects.get(action="brief.close")
    assert (event.actor_label, event.note) == ("retention job", "The client's link expired.")


@pytest.mark.django_db(transaction=True)
def test_no_mail_reaches_a_client_whose_details_were_deleted_meanwhile(mailoutbox):
    coop = Coop.objects.create(name="Hedgerow", slug="hedgerow", status=Coop.Status.MEMBER)
    owner = User.objects.create_user(username="owner", email="owner@example.org", password="x")
    Membership.objects.create(user=owner, coop=coop)
    coordinator = User.objects.create_user(
        username="coord", email="coord@example.org", password="x", is_staff=True
    )
    brief, _raw = brief_submit(**BRIEF)
    run_queued_tasks()
    [entry] = brief_send(actor=coordinator, brief=brief, coops=[coop])
    brief_answer(actor=owner, recipient=entry, interested=True, message="Yes")
    brief_contact_delete(brief=brief, actor=coordinator)
    mailoutbox.clear()
    run_queued_tasks()
    assert [m.to for m in mailoutbox] == [["owner@example.org"]]  # the brief_new notification
    task = DBTaskResult.objects.filter(task_path__endswith="send_brief_client_email").last()
    assert task.return_value is False
    assert task.args_kwargs == {"args": [], "kwargs": {"sent": True}}


@pytest.mark.django_db(transaction=True)
def test_the_client_mail_task_refuses_an_unknown_kind():
    brief, _raw = brief_submit(**BRIEF)
    send_brief_client_email.enqueue(brief_id=brief.pk, kind="marketing")
    with pytest.raises(AssertionError, match="unknown client email kind"):
        run_queued_tasks()
