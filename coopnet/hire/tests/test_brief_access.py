"""The client's private link: brief_for_token, brief_private_url, brief_access_renew and
brief_access_revoke."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.audit.models import AuditEvent
from coopnet.hire.models import Brief
from coopnet.hire.services import (
    brief_access_renew,
    brief_access_revoke,
    brief_contact_delete,
    brief_for_token,
    brief_private_url,
    brief_submit,
)
from coopnet.hire.tests.page_helpers import BRIEF as COMMON_BRIEF
from coopnet.network.models import NetworkSettings

BRIEF = {
    **COMMON_BRIEF,
    "organisation": "Riverside Trust",
    "text": "We need an accessible website for our charity.",
}


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submitted(db) -> tuple[Brief, str]:
    return brief_submit(**BRIEF)


def test_it_gives_the_private_page_path(db):
    assert brief_private_url("abc") == "/hire/brief/abc/"


def test_it_finds_the_brief_of_a_valid_link(submitted):
    brief, raw = submitted
    assert brief_for_token(raw) == brief


@pytest.mark.parametrize("raw", ["", "   ", "not-a-token"])
def test_it_finds_nothing_for_an_unknown_link(submitted, raw):
    assert brief_for_token(raw) is None


def test_it_finds_nothing_for_an_expired_link(submitted):
    brief, raw = submitted
    Brief.objects.filter(pk=brief.pk).update(access_expires_at=timezone.now() - timedelta(1))
    assert brief_for_token(raw) is None


def test_it_finds_nothing_for_a_revoked_link(submitted, coordinator):
    brief, raw = submitted
    brief_access_revoke(actor=coordinator, brief=brief)
    assert brief_for_token(raw) is None


def test_it_lets_the_client_stop_their_own_link(submitted):
    brief, raw = submitted
    brief_access_revoke(actor=None, brief=brief)
    assert brief_for_token(raw) is None
    event = AuditEvent.objects.get(action="brief.access_revoke")
    assert event.actor is None
    assert event.actor_label == "client"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_member"])
def test_it_lets_only_coordinators_stop_a_link(submitted, request, who):
    brief, raw = submitted
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_access_revoke(actor=actor, brief=brief)
    assert brief_for_token(raw) == brief
    assert not AuditEvent.objects.filter(action="brief.access_revoke").exists()


def test_it_audits_a_coordinator_stopping_a_link_once(submitted, coordinator):
    brief, _raw = submitted
    brief_access_revoke(actor=coordinator, brief=brief)
    brief_access_revoke(actor=coordinator, brief=brief)
    event = AuditEvent.objects.get(action="brief.access_revoke")
    assert event.actor == coordinator


def test_it_replaces_the_link_when_renewed(submitted):
    brief, old_raw = submitted
    network = NetworkSettings.load()
    network.brief_link_days = 10
    network.save()
    Brief.objects.filter(pk=brief.pk).update(access_expires_at=timezone.now() + timedelta(1))
    new_raw = brief_access_renew(brief=brief)
    assert new_raw != old_raw
    assert brief_for_token(old_raw) is None
    assert brief_for_token(new_raw) == brief
    brief.refresh_from_db()
    assert brief.access_expires_at > timezone.now() + timedelta(days=9)
    event = AuditEvent.objects.get(action="brief.access_renew")
    assert event.actor is None


def test_it_renews_a_revoked_link(submitted):
    brief, _raw = submitted
    brief_access_revoke(actor=None, brief=brief)
    new_raw = brief_access_renew(brief=brief)
    assert brief_for_token(new_raw) == brief


def test_it_does_not_renew_a_link_once_the_contact_details_are_deleted(submitted):
    brief, _raw = submitted
    brief_contact_delete(brief=brief)
    with pytest.raises(ValidationError):
        brief_access_renew(brief=brief)


@pytest.mark.django_db(transaction=True)
def test_it_mails_the_new_link_and_forgets_it(mailoutbox, settings):
    settings.SITE_URL = "https://coops.example"
    brief, _old = brief_submit(**BRIEF)
    run_queued_tasks()
    mailoutbox.clear()
    new_raw = brief_access_renew(brief=brief)
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["cleo@riverside.example"]
    assert f"https://coops.example/hire/brief/{new_raw}/" in mail.body
    for task in DBTaskResult.objects.filter(task_path__endswith="send_brief_client_email"):
        assert new_raw not in str(task.args_kwargs)
