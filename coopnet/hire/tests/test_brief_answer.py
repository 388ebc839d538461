"""brief_answer: a co-op says it is interested, or declines."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import run_queued_tasks
from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.services import brief_answer, brief_choose, brief_send, brief_submit
from coopnet.hire.tests.page_helpers import BRIEF

Response = BriefRecipient.Response


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entry(coordinator, coop) -> BriefRecipient:
    brief = brief_submit(**BRIEF)[0]
    return brief_send(actor=coordinator, brief=brief, coops=[coop])[0]


def test_it_records_interest_with_a_message_for_the_client(entry, member):
    answered = brief_answer(
        actor=member, recipient=entry, interested=True, message=" We'd love to "
    )
    entry.refresh_from_db()
    assert entry.response == Response.INTERESTED
    assert entry.response_message == "We'd love to"
    assert entry.responded_by == member
    assert entry.responded_at is not None
    assert answered == entry


def test_it_records_a_decline_with_a_reason(entry, delegate):
    brief_answer(actor=delegate, recipient=entry, interested=False, message="Fully booked")
    entry.refresh_from_db()
    assert (entry.response, entry.response_message) == (Response.DECLINED, "Fully booked")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member", "coordinator"])
def test_it_lets_only_the_coops_worker_owners_answer(entry, request, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_answer(actor=actor, recipient=entry, interested=True, message="Yes")
    entry.refresh_from_db()
    assert entry.response == Response.PENDING
    assert not AuditEvent.objects.filter(action="brief.answer").exists()


def test_it_refuses_a_worker_owner_whose_account_is_disabled(entry, member):
    User.objects.filter(pk=member.pk).update(is_active=False)
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        brief_answer(actor=member, recipient=entry, interested=True, message="Yes")


@pytest.mark.parametrize("interested", [True, False])
def test_it_needs_a_message_or_a_reason(entry, member, interested):
    with pytest.raises(ValidationError) as caught:
        brief_answer(actor=member, recipient=entry, interested=interested, message="  ")
    assert "message" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.response == Response.PENDING


def test_it_refuses_a_message_longer_than_the_field(entry, member):
    with pytest.raises(ValidationError):
        brief_answer(actor=member, recipient=entry, interested=True, message="x" * 3001)


def test_it_lets_an_interested_coop_change_its_mind_and_decline(entry, member):
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_answer(actor=member, recipient=entry, interested=False, message="Booked up after all")
    entry.refresh_from_db()
    assert entry.response == Response.DECLINED


@pytest.mark.parametrize("first", [True, False])
def test_it_does_not_take_a_decline_back_nor_answer_twice_the_same(entry, member, first):
    brief_answer(actor=member, recipient=entry, interested=False, message="No")
    with pytest.raises(ValidationError):
        brief_answer(actor=member, recipient=entry, interested=first, message="Again")
    entry.refresh_from_db()
    assert entry.response == Response.DECLINED


def test_it_refuses_answers_once_the_client_chose(entry, member, delegate):
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=entry.brief, recipients=[entry])
    with pytest.raises(ValidationError):
        brief_answer(actor=delegate, recipient=entry, interested=False, message="No")


def test_it_refuses_an_entry_that_was_never_sent(member, coop):
    brief = brief_submit(**BRIEF)[0]
    unsent = BriefRecipient.objects.create(brief=brief, coop=coop)
    with pytest.raises(ValidationError):
        brief_answer(actor=member, recipient=unsent, interested=True, message="Yes")


def test_it_writes_an_audit_row(entry, member):
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    event = AuditEvent.objects.get(action="brief.answer")
    assert event.actor == member
    assert event.changes == {"response": ["pending", "interested"]}


def test_it_keeps_why_a_co_op_declined_and_audits_it(entry, member):
    brief_answer(
        actor=member, recipient=entry, interested=False, message="Not us.", decline_reason="busy"
    )

    entry.refresh_from_db()
    assert entry.decline_reason == BriefRecipient.DeclineReason.BUSY
    event = AuditEvent.objects.get(action="brief.answer")
    assert event.changes == {"response": ["pending", "declined"], "decline_reason": ["", "busy"]}


def test_it_refuses_a_decline_reason_it_does_not_know(entry, member):
    with pytest.raises(ValidationError) as raised:
        brief_answer(
            actor=member, recipient=entry, interested=False, message="No.", decline_reason="bored"
        )

    assert "decline_reason" in raised.value.message_dict
    entry.refresh_from_db()
    assert entry.response == BriefRecipient.Response.PENDING


@pytest.fixture
def sent_entry(transactional_db) -> tuple[BriefRecipient, User]:
    coop = Coop.objects.create(name="Hedgerow", slug="hedgerow", status=Coop.Status.MEMBER)
    owner = User.objects.create_user(username="owner", email="owner@example.org", password="x")
    Membership.objects.create(user=owner, coop=coop)
    coordinator = User.objects.create_user(
        username="coord", email="coord@example.org", password="x", is_staff=True
    )
    brief = brief_submit(**BRIEF)[0]
    entry = brief_send(actor=coordinator, brief=brief, coops=[coop])[0]
    run_queued_tasks()
    return entry, owner


@pytest.mark.django_db(transaction=True)
def test_it_mails_the_client_the_interested_coops_message(sent_entry, mailoutbox):
    entry, owner = sent_entry
    mailoutbox.clear()
    brief_answer(actor=owner, recipient=entry, interested=True, message="We did this for Oxfam")
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["cleo@riverside.example"]
    assert "Hedgerow" in mail.subject
    assert "We did this for Oxfam" in mail.body


@pytest.mark.django_db(transaction=True)
def test_it_tells_the_client_only_that_a_coop_declined(sent_entry, mailoutbox):
    entry, owner = sent_entry
    mailoutbox.clear()
    brief_answer(actor=owner, recipient=entry, interested=False, message="Their budget is tiny")
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["cleo@riverside.example"]
    assert "Their budget is tiny" not in mail.body
    assert Brief.objects.get().status == Brief.Status.SENT
