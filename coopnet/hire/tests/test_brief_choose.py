"""brief_choose, brief_withdraw and brief_close: how a brief ends up chosen or not."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import run_queued_tasks
from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.matching import ProposedTeam
from coopnet.hire.models import Brief, BriefRecipient, Consortium
from coopnet.hire.services import (
    brief_answer,
    brief_choose,
    brief_close,
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
def brief(coordinator, coop, other_coop) -> Brief:
    brief = brief_submit(**BRIEF)[0]
    brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    return brief


def entry_of(brief: Brief, coop: Coop) -> BriefRecipient:
    return brief.recipients.get(coop=coop)


def test_it_lets_the_client_choose_an_interested_coop(brief, coop, member):
    entry = entry_of(brief, coop)
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    chosen = brief_choose(brief=brief, recipients=[entry])
    assert chosen.status == Brief.Status.CHOSEN
    assert chosen.chosen_at is not None
    assert brief.status == Brief.Status.CHOSEN  # the caller's object is kept true
    entry.refresh_from_db()
    assert entry.is_chosen
    assert not entry_of(brief, Coop.objects.get(slug="tidewater-tech")).is_chosen


@pytest.mark.parametrize("answer", [None, False])
def test_it_refuses_a_coop_that_is_not_interested(brief, coop, member, answer):
    entry = entry_of(brief, coop)
    if answer is not None:
        brief_answer(actor=member, recipient=entry, interested=answer, message="No")
    with pytest.raises(ValidationError):
        brief_choose(brief=brief, recipients=[entry])
    assert Brief.objects.get(pk=brief.pk).status == Brief.Status.SENT


def test_it_refuses_a_coop_of_another_brief(brief, coop, member, coordinator):
    other_brief = brief_submit(**BRIEF)[0]
    [elsewhere] = brief_send(actor=coordinator, brief=other_brief, coops=[coop])
    brief_answer(actor=member, recipient=elsewhere, interested=True, message="Yes")
    with pytest.raises(ValidationError):
        brief_choose(brief=brief, recipients=[elsewhere])


def test_it_wants_one_coop_or_one_team(brief, coop, other_coop, member, other_member):
    first, second = entry_of(brief, coop), entry_of(brief, other_coop)
    brief_answer(actor=member, recipient=first, interested=True, message="Yes")
    brief_answer(actor=other_member, recipient=second, interested=True, message="Yes")
    for kwargs in [{}, {"recipients": [first, second]}, {"recipients": []}]:
        with pytest.raises(ValidationError):
            brief_choose(brief=brief, **kwargs)


def test_it_chooses_only_once(brief, coop, other_coop, member, other_member):
    first, second = entry_of(brief, coop), entry_of(brief, other_coop)
    brief_answer(actor=member, recipient=first, interested=True, message="Yes")
    brief_answer(actor=other_member, recipient=second, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[first])
    with pytest.raises(ValidationError):
        brief_choose(brief=brief, recipients=[second])


@pytest.fixture
def team_brief(coordinator, coop, other_coop) -> Brief:
    brief = brief_submit(**BRIEF)[0]
    team = ProposedTeam(
        lead=coop, members=[coop, other_coop], covers={}, reasons=[], score=1, exact=True
    )
    brief_send(actor=coordinator, brief=brief, team=team)
    return brief


def test_it_lets_the_client_choose_a_team_whose_members_are_all_interested(
    team_brief, coop, other_coop, member, other_member
):
    consortium = Consortium.objects.get(brief=team_brief)
    brief_answer(actor=member, recipient=entry_of(team_brief, coop), interested=True, message="Yes")
    with pytest.raises(ValidationError):
        brief_choose(brief=team_brief, consortium=consortium)
    brief_answer(
        actor=other_member,
        recipient=entry_of(team_brief, other_coop),
        interested=True,
        message="Us too",
    )
    chosen = brief_choose(brief=team_brief, consortium=consortium)
    assert chosen.chosen_consortium == consortium
    assert set(team_brief.recipients.filter(is_chosen=True).values_list("coop", flat=True)) == {
        coop.pk,
        other_coop.pk,
    }


def test_it_refuses_a_team_of_another_brief(team_brief, brief):
    with pytest.raises(ValidationError):
        brief_choose(brief=brief, consortium=Consortium.objects.get(brief=team_brief))


def test_it_tells_the_chosen_and_the_others_still_in_play(
    brief, coop, other_coop, member, other_member, coordinator
):
    third = Coop.objects.create(name="Third", slug="third", status=Coop.Status.MEMBER)
    third_member = User.objects.create_user(username="third", email="t@example.org", password="x")
    Membership.objects.create(user=third_member, coop=third)
    [declined] = brief_send(actor=coordinator, brief=brief, coops=[third])
    brief_answer(actor=third_member, recipient=declined, interested=False, message="No")
    entry = entry_of(brief, coop)
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[entry])
    [chosen] = Notification.objects.filter(kind="brief_chosen")
    assert (chosen.user, chosen.url) == (member, f"/hire/inbox/{entry.pk}/")
    [not_chosen] = Notification.objects.filter(kind="brief_not_chosen")
    assert not_chosen.user == other_member  # the co-op that declined is not told again


def test_it_audits_the_choice_without_a_user(brief, coop, member):
    entry = entry_of(brief, coop)
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[entry])
    event = AuditEvent.objects.get(action="brief.choose")
    assert (event.actor, event.actor_label) == (None, "client")
    assert event.changes == {"status": ["sent", "chosen"], "chosen": [None, ["hedgerow-digital"]]}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_choice_when_the_client_picks_twice_at_once():
    # Each thread has its own database connection; only PostgreSQL runs them truly at once.
    assert connection.vendor == "postgresql"
    coordinator = User.objects.create_user(
        username="coord", email="coord@example.org", password="x", is_staff=True
    )
    brief = brief_submit(**BRIEF)[0]
    coops = [
        Coop.objects.create(name=f"Co {n}", slug=f"co-{n}", status=Coop.Status.MEMBER)
        for n in range(4)
    ]
    entries = brief_send(actor=coordinator, brief=brief, coops=coops)
    for n, entry in enumerate(entries):
        owner = User.objects.create_user(username=f"o{n}", email=f"o{n}@example.org", password="x")
        Membership.objects.create(user=owner, coop=entry.coop)
        brief_answer(actor=owner, recipient=entry, interested=True, message="Yes")
    attempts = entries * 3
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def choose(entry: BriefRecipient) -> None:
        try:
            fresh = Brief.objects.get(pk=brief.pk)  # opens this thread's connection
            barrier.wait(timeout=30)
            try:
                brief_choose(brief=fresh, recipients=[entry])
                outcome = "chosen"
            except ValidationError:
                outcome = "refused"
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=choose, args=(entry,)) for entry in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["chosen"] + ["refused"] * (len(attempts) - 1)
    assert BriefRecipient.objects.filter(brief=brief, is_chosen=True).count() == 1
    assert AuditEvent.objects.filter(action="brief.choose").count() == 1


# Withdrawing


def test_it_lets_the_client_withdraw_an_open_brief(brief, member, other_member):
    brief_withdraw(brief=brief)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.WITHDRAWN
    assert brief.closed_at is not None
    assert {n.user for n in Notification.objects.filter(kind="brief_withdrawn")} == {
        member,
        other_member,
    }
    event = AuditEvent.objects.get(action="brief.withdraw")
    assert (event.actor, event.changes) == (None, {"status": ["sent", "withdrawn"]})


def test_it_withdraws_a_brief_not_yet_sent(db):
    brief = brief_submit(**BRIEF)[0]
    brief_withdraw(brief=brief)
    assert Brief.objects.get(pk=brief.pk).status == Brief.Status.WITHDRAWN


def test_it_does_not_withdraw_a_chosen_brief(brief, coop, member):
    entry = entry_of(brief, coop)
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[entry])
    with pytest.raises(ValidationError):
        brief_withdraw(brief=brief)


# Closing


def test_it_lets_a_coordinator_close_an_open_brief(brief, coordinator, member):
    brief_close(actor=coordinator, brief=brief, reason="No co-op fits")
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CLOSED
    assert brief.closed_at is not None
    event = AuditEvent.objects.get(action="brief.close")
    assert (event.actor, event.note) == (coordinator, "No co-op fits")
    assert Notification.objects.filter(kind="brief_closed", user=member).exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_member"])
def test_it_lets_only_coordinators_close(brief, request, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_close(actor=actor, brief=brief)
    assert Brief.objects.get(pk=brief.pk).status == Brief.Status.SENT


def test_it_does_not_close_a_brief_twice(brief, coordinator):
    brief_close(actor=coordinator, brief=brief)
    with pytest.raises(ValidationError):
        brief_close(actor=coordinator, brief=brief)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tell_client", [True, False])
def test_it_mails_the_client_when_closed_unless_told_not_to(mailoutbox, tell_client):
    coordinator = User.objects.create_user(
        username="coord", email="coord@example.org", password="x", is_staff=True
    )
    brief = brief_submit(**BRIEF)[0]
    run_queued_tasks()
    mailoutbox.clear()
    brief_close(actor=coordinator, brief=brief, reason="spam", tell_client=tell_client)
    run_queued_tasks()
    to_client = [m for m in mailoutbox if m.to == ["cleo@riverside.example"]]
    assert len(to_client) == (1 if tell_client else 0)
    if tell_client:
        assert "closed" in to_client[0].subject
        assert "spam" not in to_client[0].body
