import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import coop_with_worker
from coopnet.audit.models import AuditEvent
from coopnet.notifications.models import Notification
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.selectors import referrals_open_for
from coopnet.referrals.services import ReferralUnavailable, referral_create, referral_decline

pytestmark = pytest.mark.django_db


def directed(member, coop, chosen, audience, **kwargs) -> Referral:
    return referral_create(
        actor=member,
        from_coop=coop,
        title="Directed",
        audience=audience,
        chosen_coops=chosen,
        **kwargs,
    )


def test_it_takes_a_declined_network_referral_off_the_coops_list(
    coop, member, other_coop, other_member
):
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")
    assert list(referrals_open_for(other_member)) == [referral]

    offer = referral_decline(
        actor=other_member, referral=referral, coop=other_coop, reason="Fully booked until May."
    )

    assert (offer.state, offer.decline_reason, offer.answered_by) == (
        ReferralOffer.State.DECLINED,
        "Fully booked until May.",
        other_member,
    )
    assert list(referrals_open_for(other_member)) == []
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.OFFERED
    told = Notification.objects.get(kind="referral_declined")
    assert told.user == member
    assert "Fully booked until May." in told.body
    assert AuditEvent.objects.filter(action="referral.decline").count() == 1


def test_it_requires_a_reason(coop, member, other_coop, other_member):
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")

    with pytest.raises(ValidationError) as caught:
        referral_decline(actor=other_member, referral=referral, coop=other_coop, reason="  \n ")

    assert "reason" in caught.value.message_dict
    assert not referral.offers.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_it_refuses_anyone_but_a_worker_owner_of_the_declining_coop(
    who, coop, member, other_coop, request
):
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        referral_decline(actor=actor, referral=referral, coop=other_coop, reason="No.")

    assert not referral.offers.exists()


def test_it_refuses_to_decline_twice(coop, member, other_coop, other_member):
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")
    referral_decline(actor=other_member, referral=referral, coop=other_coop, reason="Busy.")

    with pytest.raises(ReferralUnavailable) as caught:
        referral_decline(actor=other_member, referral=referral, coop=other_coop, reason="Busy!")

    assert caught.value.code == "already_declined"
    assert Notification.objects.filter(kind="referral_declined").count() == 1


def test_it_offers_a_declined_referral_to_the_next_coop_in_turn_at_once(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    referral = directed(member, coop, [other_coop, third], Referral.Audience.CHOSEN_IN_TURN)

    with pytest.raises(ReferralUnavailable) as not_yet:
        referral_decline(actor=third_worker, referral=referral, coop=third, reason="Queued.")
    referral_decline(actor=other_member, referral=referral, coop=other_coop, reason="Busy.")

    assert not_yet.value.code == "not_offered_to_you"
    states = dict(referral.offers.values_list("coop__slug", "state"))
    assert states == {"tidewater-tech": "declined", "third-coop": "offered"}
    assert Notification.objects.filter(kind="referral_new", user=third_worker).exists()
    assert Notification.objects.filter(kind="referral_moved", user=member).exists()


def test_it_waits_for_every_coop_asked_at_once_then_returns_it_to_the_sender(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    referral = directed(member, coop, [other_coop, third], Referral.Audience.CHOSEN_ALL)

    referral_decline(actor=other_member, referral=referral, coop=other_coop, reason="Busy.")
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.OFFERED

    referral_decline(actor=third_worker, referral=referral, coop=third, reason="Not our field.")

    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == Referral.Status.EXPIRED
    assert stored.closed_at is not None
    assert "back with you" in stored.close_note
    assert Notification.objects.filter(kind="referral_moved", user=member).exists()
