"""brief_send and brief_suggestions: a coordinator routes a brief to co-ops or a team."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import run_queued_tasks
from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.matching import ProposedTeam
from coopnet.hire.models import Brief, BriefRecipient, Consortium, CoopConflict
from coopnet.hire.services import (
    brief_close,
    brief_send,
    brief_submit,
    brief_suggestions,
)
from coopnet.hire.tests.page_helpers import BRIEF as COMMON_BRIEF
from coopnet.notifications.models import Notification

BRIEF = {**COMMON_BRIEF, "organisation": "Riverside Trust"}


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def brief(db) -> Brief:
    return brief_submit(**BRIEF)[0]


def team_of(*coops: Coop) -> ProposedTeam:
    return ProposedTeam(
        lead=coops[0],
        members=list(coops),
        covers={c.pk: [f"skill-{c.slug}"] for c in coops},
        reasons=["Together they cover the brief."],
        score=1.2,
        exact=True,
    )


def test_it_sends_a_new_brief_to_the_chosen_coops(brief, coordinator, coop, other_coop):
    created = brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    assert {r.coop for r in created} == {coop, other_coop}
    assert all(r.sent_by == coordinator and r.sent_at is not None for r in created)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SENT
    assert brief.sent_at is not None


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_member"])
def test_it_lets_only_coordinators_send(brief, coop, request, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_send(actor=actor, brief=brief, coops=[coop])
    assert not BriefRecipient.objects.exists()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.NEW


def test_it_refuses_an_inactive_coordinator(brief, coordinator, coop):
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    coordinator.refresh_from_db()
    with pytest.raises(PermissionDenied):
        brief_send(actor=coordinator, brief=brief, coops=[coop])


def test_it_sends_only_to_member_coops(brief, coordinator, coop):
    observed = Coop.objects.create(name="Observed Co", slug="observed", status="observed")
    with pytest.raises(ValidationError) as caught:
        brief_send(actor=coordinator, brief=brief, coops=[coop, observed])
    assert "Observed Co" in caught.value.messages[0]
    assert not BriefRecipient.objects.exists()


def test_it_needs_at_least_one_coop(brief, coordinator):
    with pytest.raises(ValidationError):
        brief_send(actor=coordinator, brief=brief, coops=[])


def test_it_skips_coops_already_sent_and_sends_more_later(brief, coordinator, coop, other_coop):
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    sent_at = Brief.objects.get(pk=brief.pk).sent_at
    created = brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    assert [r.coop for r in created] == [other_coop]
    assert brief.recipients.count() == 2
    assert Brief.objects.get(pk=brief.pk).sent_at == sent_at  # the first send is kept
    assert brief_send(actor=coordinator, brief=brief, coops=[coop]) == []


def test_it_does_not_send_a_brief_that_is_no_longer_open(brief, coordinator, coop):
    brief_close(actor=coordinator, brief=brief, reason="spam")
    with pytest.raises(ValidationError):
        brief_send(actor=coordinator, brief=brief, coops=[coop])


def test_it_keeps_the_score_and_reasons_of_the_match(brief, coordinator, coop):
    expected = {m.coop.pk: m.score for m in brief_suggestions(brief=brief).results}
    [recipient] = brief_send(actor=coordinator, brief=brief, coops=[coop])
    assert recipient.match_score == expected[coop.pk]
    assert isinstance(recipient.match_reasons, list)


def test_it_saves_a_team_and_sends_to_each_member(brief, coordinator, coop, other_coop):
    created = brief_send(actor=coordinator, brief=brief, coops=[], team=team_of(other_coop, coop))
    assert {r.coop for r in created} == {coop, other_coop}
    consortium = Consortium.objects.get(brief=brief)
    assert consortium.lead == other_coop
    assert consortium.created_by == coordinator
    assert consortium.reasons == ["Together they cover the brief."]
    brings = {m.coop_id: m.brings for m in consortium.memberships.all()}
    assert brings == {coop.pk: ["skill-hedgerow-digital"], other_coop.pk: ["skill-tidewater-tech"]}
    assert AuditEvent.objects.get(action="brief.send").note == "Team led by tidewater-tech."


def test_it_refuses_a_team_of_coops_that_declared_a_conflict(brief, coordinator, coop, other_coop):
    CoopConflict.objects.create(coop=coop, other_coop=other_coop)
    with pytest.raises(ValidationError):
        brief_send(actor=coordinator, brief=brief, team=team_of(coop, other_coop))
    assert not Consortium.objects.exists()
    assert not BriefRecipient.objects.exists()


def test_it_writes_an_audit_row(brief, coordinator, coop, other_coop):
    brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    event = AuditEvent.objects.get(action="brief.send")
    assert event.actor == coordinator
    assert event.target_id == str(brief.pk)
    assert event.changes["status"] == ["new", "sent"]
    assert sorted(event.changes["coops"][1]) == ["hedgerow-digital", "tidewater-tech"]


def test_it_notifies_every_worker_owner_of_each_coop(
    brief, coordinator, coop, other_coop, member, delegate, other_member, outsider
):
    created = brief_send(actor=coordinator, brief=brief, coops=[coop])
    notified = Notification.objects.filter(kind="brief_new")
    assert {n.user for n in notified} == {member, delegate}
    assert {n.url for n in notified} == {f"/hire/inbox/{created[0].pk}/"}
    body = notified.first().body
    assert "accessible websites" in body
    assert "cleo@riverside.example" not in body


@pytest.mark.django_db(transaction=True)
def test_it_mails_worker_owners_through_the_worker_with_an_unsubscribe(mailoutbox):
    coop = Coop.objects.create(name="Hedgerow", slug="hedgerow", status=Coop.Status.MEMBER)
    owner = User.objects.create_user(username="owner", email="owner@example.org", password="x")
    Membership.objects.create(user=owner, coop=coop)
    coordinator = User.objects.create_user(
        username="coord", email="coord@example.org", password="x", is_staff=True
    )
    brief = brief_submit(**BRIEF)[0]
    run_queued_tasks()
    mailoutbox.clear()
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    assert mailoutbox == []  # only the worker sends
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["owner@example.org"]
    assert "List-Unsubscribe" in mail.extra_headers


def test_it_suggests_member_coops_leaving_out_those_already_sent(brief, coordinator, coop):
    former = Coop.objects.create(
        name="Former", slug="former", description="accessible websites", status="former"
    )
    suggested = [m.coop for m in brief_suggestions(brief=brief).results]
    assert coop in suggested
    assert former not in suggested
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    assert coop not in [m.coop for m in brief_suggestions(brief=brief).results]
