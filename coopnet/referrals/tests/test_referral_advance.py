import datetime

import pytest
from django.utils import timezone

from conftest import coop_with_worker, run_queued_tasks
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Notification
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.services import (
    MAX_SUGGESTED_OFFERS,
    referral_advance,
    referral_claim,
    referral_create,
    referral_suggestions,
)
from coopnet.referrals.tasks import advance_referrals

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def in_turn(member, coop, chosen, **kwargs) -> Referral:
    return referral_create(
        actor=member,
        from_coop=coop,
        title="Drupal websites",
        audience=Referral.Audience.CHOSEN_IN_TURN,
        chosen_coops=chosen,
        **kwargs,
    )


def answer_time(referral: Referral) -> datetime.datetime:
    return referral.offers.get(state=ReferralOffer.State.OFFERED).respond_by


def end_of(day: datetime.date) -> datetime.datetime:
    next_day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def test_it_leaves_a_referral_alone_while_a_coop_can_still_answer(coop, member, other_coop):
    referral = in_turn(member, coop, [other_coop])

    referral_advance(referral=referral, now=answer_time(referral) - MINUTE)

    assert referral.status == Referral.Status.OFFERED
    assert list(referral.offers.values_list("state", flat=True)) == ["offered"]
    assert not AuditEvent.objects.filter(action__in=["referral.move", "referral.expire"]).exists()


def test_it_asks_the_next_coop_in_turn_once_the_answer_time_has_passed(coop, member, other_coop):
    third, third_worker = coop_with_worker("third-coop")
    referral = in_turn(member, coop, [other_coop, third])
    later = answer_time(referral) + MINUTE

    referral_advance(referral=referral, now=later)

    states = dict(referral.offers.values_list("coop__slug", "state"))
    assert states == {"tidewater-tech": "unanswered", "third-coop": "offered"}
    days = NetworkSettings.load().referral_response_days
    assert answer_time(referral) == later + datetime.timedelta(days=days)
    assert Notification.objects.filter(kind="referral_new", user=third_worker).exists()
    moved = Notification.objects.get(kind="referral_moved")
    assert moved.user == member
    assert "Third Coop" in moved.body


def test_it_never_gives_a_coop_longer_than_the_deadline(coop, member, other_coop):
    deadline = timezone.localdate() + datetime.timedelta(days=1)

    referral = in_turn(member, coop, [other_coop], deadline=deadline)

    assert answer_time(referral) == end_of(deadline)


def test_it_returns_the_referral_to_the_sender_when_nobody_is_left(coop, member, other_coop):
    referral = in_turn(member, coop, [other_coop])
    later = answer_time(referral) + MINUTE

    referral_advance(referral=referral, now=later)

    assert referral.status == Referral.Status.EXPIRED
    assert referral.closed_at == later
    assert "None of the co-ops it was offered to took it" in referral.close_note
    returned = Notification.objects.get(kind="referral_moved")
    assert returned.user == member
    assert "come back to you" in returned.body
    event = AuditEvent.objects.get(action="referral.expire")
    assert event.changes == {"status": ["offered", "expired"]}


@pytest.fixture
def drupal_coops(db):
    """Member co-ops that build Drupal sites, each with a worker-owner to claim a referral."""
    return [
        coop_with_worker(
            f"drupal-works-{n}",
            description="Drupal websites for charities.",
            availability=Coop.Availability.OPEN,
        )[0]
        for n in range(MAX_SUGGESTED_OFFERS + 2)
    ]


def test_it_offers_it_to_the_best_suggestion_not_yet_asked(coop, member, other_coop, drupal_coops):
    referral = in_turn(
        member,
        coop,
        [other_coop],
        when_unanswered=Referral.WhenUnanswered.NEXT_SUGGESTED,
    )
    later = answer_time(referral) + MINUTE
    expected = referral_suggestions(
        from_coop=coop, title=referral.title, limit=1, exclude_coop_ids={other_coop.pk}
    )
    assert expected, "the matching found no co-op for the words of the title"

    referral_advance(referral=referral, now=later)

    offer = referral.offers.get(state=ReferralOffer.State.OFFERED)
    assert offer.suggested
    assert offer.coop == expected[0].coop
    assert offer.coop not in (coop, other_coop)
    assert Notification.objects.filter(kind="referral_moved", user=member).exists()


def test_it_stops_after_a_few_suggestions_and_returns_it_to_the_sender(
    coop, member, other_coop, drupal_coops
):
    referral = in_turn(
        member,
        coop,
        [other_coop],
        when_unanswered=Referral.WhenUnanswered.NEXT_SUGGESTED,
    )

    for _round in range(MAX_SUGGESTED_OFFERS + 1):
        referral_advance(referral=referral, now=answer_time(referral) + MINUTE)

    assert referral.status == Referral.Status.EXPIRED
    assert referral.offers.filter(suggested=True).count() == MAX_SUGGESTED_OFFERS
    asked = list(referral.offers.values_list("coop_id", flat=True))
    assert len(asked) == len(set(asked))  # nobody is asked twice


def test_it_returns_it_after_the_deadline_even_with_coops_still_queued(
    coop, member, other_coop, drupal_coops
):
    third, _worker = coop_with_worker("third-coop")
    deadline = timezone.localdate()
    referral = in_turn(
        member,
        coop,
        [other_coop, third],
        deadline=deadline,
        when_unanswered=Referral.WhenUnanswered.NEXT_SUGGESTED,
    )

    referral_advance(referral=referral, now=end_of(deadline) + MINUTE)

    assert referral.status == Referral.Status.EXPIRED
    states = dict(referral.offers.values_list("coop__slug", "state"))
    assert states == {"tidewater-tech": "unanswered", "third-coop": "skipped"}


def test_it_expires_a_network_referral_only_after_its_deadline(coop, member, other_coop):
    deadline = timezone.localdate()
    referral = referral_create(actor=member, from_coop=coop, title="Soon", deadline=deadline)

    referral_advance(referral=referral, now=end_of(deadline) - MINUTE)
    assert referral.status == Referral.Status.OFFERED

    referral_advance(referral=referral, now=end_of(deadline) + MINUTE)
    assert referral.status == Referral.Status.EXPIRED
    assert Notification.objects.filter(kind="referral_moved", user=member).exists()


def test_it_leaves_a_claimed_referral_alone(coop, member, other_coop, other_member):
    deadline = timezone.localdate()
    referral = referral_create(actor=member, from_coop=coop, title="Soon", deadline=deadline)
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    referral_advance(referral=referral, now=end_of(deadline) + datetime.timedelta(days=30))

    assert referral.status == Referral.Status.CLAIMED


def _make_due(coop, member, other_coop) -> tuple[Referral, Referral, Referral]:
    """A directed referral past its answer time, a network one past its deadline, and one
    with nothing due."""
    late = in_turn(member, coop, [other_coop])
    late.offers.update(respond_by=timezone.now() - MINUTE)
    past_deadline = referral_create(actor=member, from_coop=coop, title="Was needed")
    Referral.objects.filter(pk=past_deadline.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    fine = in_turn(member, coop, [other_coop])
    return late, past_deadline, fine


def test_the_periodic_job_advances_what_is_due_once(coop, member, other_coop):
    late, past_deadline, fine = _make_due(coop, member, other_coop)

    assert advance_referrals.call() == 2
    assert advance_referrals.call() == 0

    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses == {late.pk: "expired", past_deadline.pk: "expired", fine.pk: "offered"}


def test_the_periodic_job_moves_on_a_directed_referral_nobody_is_left_to_answer(
    coop, member, other_coop
):
    referral = in_turn(member, coop, [other_coop])
    # Declined without the move that follows (as if the process stopped in between).
    referral.offers.update(state=ReferralOffer.State.DECLINED)

    assert advance_referrals.call() == 1

    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_runs_the_job_and_mails_the_sender(
    coop, member, other_coop, mailoutbox
):
    _make_due(coop, member, other_coop)

    advance_referrals.enqueue()
    run_queued_tasks()

    assert Referral.objects.filter(status=Referral.Status.EXPIRED).count() == 2
    returned = [m for m in mailoutbox if "came back to you" in m.subject]
    assert len(returned) == 2
    assert {tuple(m.to) for m in returned} == {(member.email,)}
