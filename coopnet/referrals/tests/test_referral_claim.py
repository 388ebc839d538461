import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from conftest import coop_with_worker, run_queued_tasks
from coopnet.accounts.models import User
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.notifications.models import Notification
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.services import (
    ReferralUnavailable,
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
)


@pytest.fixture
def network_referral(coop, member):
    return referral_create(actor=member, from_coop=coop, title="A Drupal site")


@pytest.mark.django_db
def test_it_claims_a_network_referral_for_the_coop(
    network_referral, member, other_coop, other_member
):
    referral = referral_claim(actor=other_member, referral=network_referral, coop=other_coop)

    assert referral is network_referral
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.claimed_by_coop, stored.claimed_by) == (
        Referral.Status.CLAIMED,
        other_coop,
        other_member,
    )
    assert stored.claimed_at is not None
    offer = ReferralOffer.objects.get(referral=referral)
    assert (offer.coop, offer.state, offer.answered_by) == (
        other_coop,
        ReferralOffer.State.CLAIMED,
        other_member,
    )
    told = Notification.objects.get(kind="referral_claimed")
    assert told.user == member
    assert "Tidewater Tech" in told.body
    event = AuditEvent.objects.get(action="referral.claim")
    assert event.changes["status"] == ["offered", "claimed"]


@pytest.mark.django_db
def test_it_answers_a_second_claim_with_already_claimed(network_referral, other_coop, other_member):
    third, third_worker = coop_with_worker("third-coop")
    referral_claim(actor=other_member, referral=network_referral, coop=other_coop)

    with pytest.raises(ReferralUnavailable) as caught:
        referral_claim(actor=third_worker, referral=network_referral, coop=third)

    assert caught.value.code == "already_claimed"
    assert str(caught.value) == "Already claimed by another co-op."
    assert ReferralOffer.objects.filter(state=ReferralOffer.State.CLAIMED).count() == 1
    assert Referral.objects.get(pk=network_referral.pk).claimed_by_coop == other_coop
    assert Notification.objects.filter(kind="referral_claimed").count() == 1


@pytest.mark.django_db
def test_it_reads_the_stored_row_not_the_callers_stale_copy(
    network_referral, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    stale = Referral.objects.get(pk=network_referral.pk)
    referral_claim(actor=other_member, referral=network_referral, coop=other_coop)
    assert stale.status == Referral.Status.OFFERED  # the caller's copy says it is still open

    with pytest.raises(ReferralUnavailable) as caught:
        referral_claim(actor=third_worker, referral=stale, coop=third)

    assert caught.value.code == "already_claimed"
    assert stale.claimed_by_coop == other_coop  # refreshed from the stored row


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "delegate"])
def test_it_refuses_anyone_but_a_worker_owner_of_the_claiming_coop(
    who, network_referral, other_coop, request
):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        referral_claim(actor=actor, referral=network_referral, coop=other_coop)

    assert Referral.objects.get(pk=network_referral.pk).status == Referral.Status.OFFERED


@pytest.mark.django_db
def test_it_lets_a_coordinator_claim_on_behalf_of_a_coop(network_referral, coordinator, other_coop):
    referral_claim(actor=coordinator, referral=network_referral, coop=other_coop)

    assert Referral.objects.get(pk=network_referral.pk).claimed_by_coop == other_coop


@pytest.mark.django_db
def test_it_refuses_the_senders_own_coop_and_non_member_coops(
    network_referral, coop, member, coordinator
):
    former, former_worker = coop_with_worker("former-coop", status=Coop.Status.FORMER)

    with pytest.raises(ReferralUnavailable) as own:
        referral_claim(actor=member, referral=network_referral, coop=coop)
    with pytest.raises(ReferralUnavailable) as not_member:
        referral_claim(actor=former_worker, referral=network_referral, coop=former)

    assert (own.value.code, not_member.value.code) == ("own_referral", "not_a_member")


@pytest.mark.django_db
def test_it_lets_only_the_coop_whose_turn_it_is_claim_a_directed_referral(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    fourth, fourth_worker = coop_with_worker("fourth-coop")
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="In turn",
        audience=Referral.Audience.CHOSEN_IN_TURN,
        chosen_coops=[other_coop, third],
    )

    for worker, its_coop in [(third_worker, third), (fourth_worker, fourth)]:
        with pytest.raises(ReferralUnavailable) as caught:
            referral_claim(actor=worker, referral=referral, coop=its_coop)
        assert caught.value.code == "not_offered_to_you"

    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    states = dict(referral.offers.values_list("coop__slug", "state"))
    assert states == {"tidewater-tech": "claimed", "third-coop": "skipped"}


@pytest.mark.django_db
def test_it_skips_the_other_offers_when_one_of_the_chosen_coops_claims(
    coop, member, other_coop, other_member
):
    third, _third_worker = coop_with_worker("third-coop")
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="All at once",
        audience=Referral.Audience.CHOSEN_ALL,
        chosen_coops=[other_coop, third],
    )

    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    states = dict(referral.offers.values_list("coop__slug", "state"))
    assert states == {"tidewater-tech": "claimed", "third-coop": "skipped"}


@pytest.mark.django_db
def test_it_refuses_a_coop_that_declined_the_network_referral(
    network_referral, other_coop, other_member
):
    referral_decline(actor=other_member, referral=network_referral, coop=other_coop, reason="No.")

    with pytest.raises(ReferralUnavailable) as caught:
        referral_claim(actor=other_member, referral=network_referral, coop=other_coop)

    assert caught.value.code == "already_declined"
    assert Referral.objects.get(pk=network_referral.pk).status == Referral.Status.OFFERED


@pytest.mark.django_db
def test_it_says_closed_for_a_withdrawn_referral(
    network_referral, member, other_coop, other_member
):
    referral_set_status(actor=member, referral=network_referral, status="withdrawn")

    with pytest.raises(ReferralUnavailable) as caught:
        referral_claim(actor=other_member, referral=network_referral, coop=other_coop)

    assert caught.value.code == "closed"


@pytest.mark.django_db
def test_the_partial_unique_constraint_refuses_a_second_claimed_offer(network_referral, other_coop):
    third, _worker = coop_with_worker("third-coop")
    ReferralOffer.objects.create(
        referral=network_referral, coop=other_coop, state=ReferralOffer.State.CLAIMED
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralOffer.objects.create(
            referral=network_referral, coop=third, state=ReferralOffer.State.CLAIMED
        )

    # Other states are not limited: many co-ops may decline the same referral.
    ReferralOffer.objects.create(
        referral=network_referral, coop=third, state=ReferralOffer.State.DECLINED
    )


@pytest.mark.django_db
def test_it_turns_the_constraint_error_into_already_claimed(
    network_referral, other_coop, other_member
):
    # A claimed offer written without the service (and its lock): the constraint still holds.
    third, _worker = coop_with_worker("third-coop")
    ReferralOffer.objects.create(
        referral=network_referral, coop=third, state=ReferralOffer.State.CLAIMED
    )

    with pytest.raises(ReferralUnavailable) as caught:
        referral_claim(actor=other_member, referral=network_referral, coop=other_coop)

    assert caught.value.code == "already_claimed"
    stored = Referral.objects.get(pk=network_referral.pk)
    assert (stored.status, stored.claimed_by_coop) == (Referral.Status.OFFERED, None)
    assert not Notification.objects.filter(kind="referral_claimed").exists()


@pytest.mark.django_db(transaction=True)
def test_it_emails_the_sender_once_the_claim_is_committed(
    network_referral, member, other_coop, other_member, mailoutbox
):
    referral_claim(actor=other_member, referral=network_referral, coop=other_coop)
    run_queued_tasks()

    claimed_mail = [m for m in mailoutbox if "claimed your referral" in m.subject]
    assert [m.to for m in claimed_mail] == [[member.email]]
    assert "List-Unsubscribe" in claimed_mail[0].extra_headers


CLAIMANTS = 20


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_twenty_simultaneous_claims_succeed(coop, member):
    # Each thread has its own database connection; only PostgreSQL runs them truly at once.
    assert connection.vendor == "postgresql"
    claimants = [coop_with_worker(f"claimant-{n}") for n in range(CLAIMANTS)]
    referral_id = referral_create(actor=member, from_coop=coop, title="Hot lead").pk
    barrier = threading.Barrier(CLAIMANTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(claimant_coop: Coop, worker: User) -> None:
        try:
            referral = Referral.objects.get(pk=referral_id)  # opens this thread's connection
            barrier.wait(timeout=30)
            try:
                referral_claim(actor=worker, referral=referral, coop=claimant_coop)
                outcome = "claimed"
            except ReferralUnavailable as error:
                outcome = error.code
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim, args=pair) for pair in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already_claimed"] * (CLAIMANTS - 1) + ["claimed"]
    assert (
        ReferralOffer.objects.filter(
            referral_id=referral_id, state=ReferralOffer.State.CLAIMED
        ).count()
        == 1
    )
    stored = Referral.objects.get(pk=referral_id)
    assert stored.status == Referral.Status.CLAIMED
    winner = ReferralOffer.objects.get(referral_id=referral_id, state=ReferralOffer.State.CLAIMED)
    assert stored.claimed_by_coop_id == winner.coop_id
    assert AuditEvent.objects.filter(action="referral.claim").count() == 1
