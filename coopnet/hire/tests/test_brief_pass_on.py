"""brief_pass_on: a co-op too busy for a brief passes it to another member co-op."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.models import BriefRecipient
from coopnet.hire.services import (
    brief_answer,
    brief_pass_on,
    brief_send,
    brief_submit,
    brief_withdraw,
)
from coopnet.hire.tests.page_helpers import BRIEF
from coopnet.notifications.models import Notification

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


def test_it_passes_the_brief_on_in_one_step(entry, member, other_coop, other_member):
    passed = brief_pass_on(actor=member, recipient=entry, to_coop=other_coop, message="Ask Tide")
    entry.refresh_from_db()
    assert entry.response == Response.PASSED
    assert entry.response_message == "Ask Tide"
    assert entry.responded_by == member
    assert passed.coop == other_coop
    assert passed.passed_from == entry
    assert passed.sent_by == member
    assert passed.sent_at is not None
    assert passed.response == Response.PENDING
    assert passed.match_reasons == ["Passed on by Hedgerow Digital."]


def test_it_notifies_the_worker_owners_of_the_coop_it_was_passed_to(
    entry, member, other_coop, other_member
):
    passed = brief_pass_on(actor=member, recipient=entry, to_coop=other_coop, message="Ask Tide")
    [notification] = Notification.objects.filter(kind="brief_passed")
    assert notification.user == other_member
    assert notification.url == f"/hire/inbox/{passed.pk}/"
    assert "Hedgerow Digital" in notification.body
    assert "Ask Tide" in notification.body


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member", "coordinator"])
def test_it_lets_only_the_coops_worker_owners_pass_it_on(entry, other_coop, request, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_pass_on(actor=actor, recipient=entry, to_coop=other_coop)
    assert entry.brief.recipients.count() == 1
    entry.refresh_from_db()
    assert entry.response == Response.PENDING


def test_it_passes_only_to_another_member_coop_not_yet_asked(entry, member, coop, coordinator):
    observed = Coop.objects.create(name="Observed", slug="observed", status="observed")
    asked = Coop.objects.create(name="Asked", slug="asked", status=Coop.Status.MEMBER)
    brief_send(actor=coordinator, brief=entry.brief, coops=[asked])
    for to_coop in [coop, observed, asked]:
        with pytest.raises(ValidationError) as caught:
            brief_pass_on(actor=member, recipient=entry, to_coop=to_coop)
        assert "to_coop" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.response == Response.PENDING


def test_it_passes_on_only_before_answering(entry, member, other_coop):
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    with pytest.raises(ValidationError):
        brief_pass_on(actor=member, recipient=entry, to_coop=other_coop)


def test_it_does_not_pass_on_a_withdrawn_brief(entry, member, other_coop):
    brief_withdraw(brief=entry.brief)
    with pytest.raises(ValidationError):
        brief_pass_on(actor=member, recipient=entry, to_coop=other_coop)


def test_the_coop_it_was_passed_to_may_answer(entry, member, other_coop, other_member):
    passed = brief_pass_on(actor=member, recipient=entry, to_coop=other_coop)
    brief_answer(actor=other_member, recipient=passed, interested=True, message="Happy to")
    passed.refresh_from_db()
    assert passed.response == Response.INTERESTED


def test_it_passes_only_to_a_co_op_with_someone_to_see_it(entry, member):
    # Imported from a directory, nobody from it has signed up: the brief would sit unseen.
    nobody_home = Coop.objects.create(name="Quiet Co-op", slug="quiet", status=Coop.Status.MEMBER)

    with pytest.raises(ValidationError) as caught:
        brief_pass_on(actor=member, recipient=entry, to_coop=nobody_home)

    assert "uses Coopnet" in caught.value.message_dict["to_coop"][0]
    entry.refresh_from_db()
    assert entry.response == Response.PENDING
    assert entry.brief.recipients.count() == 1


def test_it_writes_an_audit_row(entry, member, other_coop, other_member):
    brief_pass_on(actor=member, recipient=entry, to_coop=other_coop)
    event = AuditEvent.objects.get(action="brief.pass_on")
    assert event.actor == member
    assert event.target_id == str(entry.pk)
    assert event.changes == {
        "response": ["pending", "passed"],
        "passed_to": [None, "tidewater-tech"],
    }
