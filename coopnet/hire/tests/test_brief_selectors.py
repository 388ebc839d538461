"""Who sees what of a brief, and the lists the pages and the API show."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import coop_with_worker
from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.hire.matching import ProposedTeam
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.selectors import (
    brief_choosable_consortia,
    brief_contact_visible_to,
    brief_pass_on_candidates,
    brief_recipients_for_client,
    brief_visible_to,
    briefs_for_coordinators,
    coop_brief_inbox,
)
from coopnet.hire.services import (
    brief_answer,
    brief_contact_delete,
    brief_pass_on,
    brief_send,
    brief_submit,
)
from coopnet.hire.tests.page_helpers import BRIEF


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def brief(db) -> Brief:
    return brief_submit(**BRIEF)[0]


def actor(request, who: str):
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("other_member", False),
        ("member", True),
        ("delegate", True),
        ("coordinator", True),
    ],
)
def test_contact_details_are_for_coordinators_and_the_coops_it_was_sent_to(
    brief, coordinator, coop, request, who, sees
):
    person = actor(request, who)
    assert brief_contact_visible_to(brief, person) is (who == "coordinator")  # before sending
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    assert brief_contact_visible_to(brief, person) is sees
    assert brief_visible_to(brief, person) is sees


def test_nobody_sees_contact_details_once_deleted_but_the_brief_stays_visible(
    brief, coordinator, coop, member
):
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    brief_contact_delete(brief=brief)
    assert not brief_contact_visible_to(brief, coordinator)
    assert not brief_contact_visible_to(brief, member)
    assert brief_visible_to(brief, member)


def test_a_coop_it_was_passed_to_sees_the_contact_details(
    brief, coordinator, coop, other_coop, member, other_member
):
    [entry] = brief_send(actor=coordinator, brief=brief, coops=[coop])
    assert not brief_contact_visible_to(brief, other_member)
    brief_pass_on(actor=member, recipient=entry, to_coop=other_coop)
    assert brief_contact_visible_to(brief, other_member)


def test_an_entry_not_sent_shows_nothing(brief, coop, member):
    BriefRecipient.objects.create(brief=brief, coop=coop)
    assert not brief_contact_visible_to(brief, member)
    assert list(coop_brief_inbox(member)) == []


def test_the_inbox_lists_the_briefs_sent_to_the_users_coops_newest_first(
    coordinator, coop, other_coop, member, other_member
):
    first = brief_submit(**BRIEF)[0]
    second = brief_submit(**BRIEF)[0]
    brief_send(actor=coordinator, brief=first, coops=[coop])
    brief_send(actor=coordinator, brief=second, coops=[coop, other_coop])
    # A worker-owner of both co-ops sees each entry once.
    Membership.objects.create(user=member, coop=other_coop)
    entries = list(coop_brief_inbox(member))
    assert [e.brief_id for e in entries] == [second.pk, second.pk, first.pk]
    assert list(coop_brief_inbox(other_member)) == [second.recipients.get(coop=other_coop)]
    assert list(coop_brief_inbox(AnonymousUser())) == []
    with CaptureQueriesContext(connection) as queries:
        [(e.brief.text, e.coop.name) for e in coop_brief_inbox(member)]
    assert len(queries) == 1


def test_an_inactive_user_has_no_inbox(coordinator, coop, member, brief):
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    User.objects.filter(pk=member.pk).update(is_active=False)
    member.refresh_from_db()
    assert list(coop_brief_inbox(member)) == []


def test_coordinators_list_briefs_with_their_answer_counts(
    coordinator, coop, other_coop, member, other_member
):
    answered = brief_submit(**BRIEF)[0]
    waiting = brief_submit(**BRIEF)[0]
    first, second = brief_send(actor=coordinator, brief=answered, coops=[coop, other_coop])
    brief_answer(actor=member, recipient=first, interested=True, message="Yes")
    brief_answer(actor=other_member, recipient=second, interested=False, message="No")
    listed = {b.pk: b for b in briefs_for_coordinators()}
    assert list(listed) == [waiting.pk, answered.pk]
    assert (listed[answered.pk].recipient_count, listed[answered.pk].interested_count) == (2, 1)
    assert listed[answered.pk].declined_count == 1
    assert listed[waiting.pk].recipient_count == 0
    assert [b.pk for b in briefs_for_coordinators(status="new")] == [waiting.pk]


def test_the_client_reads_an_interested_message_but_never_a_decline_reason(
    brief, coordinator, coop, other_coop, member, other_member
):
    first, second = brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    brief_answer(actor=member, recipient=first, interested=True, message="Let's talk")
    brief_answer(actor=other_member, recipient=second, interested=False, message="Too cheap")
    shown = {
        r.coop.slug: (r.response, r.client_message) for r in brief_recipients_for_client(brief)
    }
    assert shown == {
        "hedgerow-digital": ("interested", "Let's talk"),
        "tidewater-tech": ("declined", ""),
    }


def test_a_team_is_choosable_once_every_member_is_interested(
    brief, coordinator, coop, other_coop, member, other_member
):
    team = ProposedTeam(
        lead=coop, members=[coop, other_coop], covers={}, reasons=[], score=1, exact=True
    )
    brief_send(actor=coordinator, brief=brief, team=team)
    assert brief_choosable_consortia(brief) == []
    for user, coop_ in ((member, coop), (other_member, other_coop)):
        entry = brief.recipients.get(coop=coop_)
        brief_answer(actor=user, recipient=entry, interested=True, message="Yes")
    assert [c.lead for c in brief_choosable_consortia(brief)] == [coop]


def test_a_brief_is_passed_only_to_members_not_yet_asked_with_someone_to_see_it(
    brief, coordinator, coop, other_coop
):
    Coop.objects.create(name="Observed", slug="observed", status="observed")
    Coop.objects.create(name="Quiet", slug="quiet", status=Coop.Status.MEMBER)  # nobody on it
    free, _worker = coop_with_worker("free")
    [entry, _other] = brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    assert list(brief_pass_on_candidates(entry)) == [free]
