import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import coop_with_worker
from coopnet.audit.models import AuditEvent
from coopnet.notifications.models import Notification
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.selectors import referrals_open_for
from coopnet.referrals.services import referral_claim, referral_create, referral_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(coop, member, other_coop, other_member):
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")
    return referral_claim(actor=other_member, referral=referral, coop=other_coop)


def test_it_lets_the_claimer_record_contact_then_a_win_with_its_value(
    claimed, member, other_member
):
    referral_set_status(actor=other_member, referral=claimed, status="in_contact")
    assert Referral.objects.get(pk=claimed.pk).closed_at is None

    referral_set_status(
        actor=other_member, referral=claimed, status="won", value=12000, note="Signed today."
    )

    stored = Referral.objects.get(pk=claimed.pk)
    assert (stored.status, stored.closed_value, stored.close_note) == (
        Referral.Status.WON,
        12000,
        "Signed today.",
    )
    assert stored.closed_at is not None
    told = Notification.objects.get(kind="referral_closed")
    assert told.user == member
    assert "12000" not in told.body  # the value stays on the page, for the two co-ops
    events = AuditEvent.objects.filter(action="referral.status").order_by("pk")
    assert [e.changes for e in events] == [
        {"status": ["claimed", "in_contact"]},
        {"status": ["in_contact", "won"], "closed_value": [None, 12000]},
    ]


def test_it_closes_as_won_without_a_value_when_the_coop_keeps_it(claimed, other_member):
    referral_set_status(actor=other_member, referral=claimed, status="won")

    stored = Referral.objects.get(pk=claimed.pk)
    assert (stored.status, stored.closed_value) == (Referral.Status.WON, None)


def test_it_refuses_a_value_unless_won_and_a_negative_value(claimed, other_member):
    for status, value in [("lost", 100), ("in_contact", 5), ("won", -1), ("won", "12k")]:
        with pytest.raises(ValidationError) as caught:
            referral_set_status(actor=other_member, referral=claimed, status=status, value=value)
        assert "value" in caught.value.message_dict

    assert Referral.objects.get(pk=claimed.pk).status == Referral.Status.CLAIMED


def test_it_refuses_moves_the_pipeline_does_not_allow(claimed, coop, member, other_member):
    referral_set_status(actor=other_member, referral=claimed, status="lost")
    unclaimed = referral_create(actor=member, from_coop=coop, title="Still open")

    for referral, status in [(claimed, "won"), (claimed, "claimed"), (claimed, "expired")]:
        with pytest.raises(ValidationError):
            referral_set_status(actor=other_member, referral=referral, status=status)
    with pytest.raises(ValidationError):
        referral_set_status(actor=member, referral=unclaimed, status="won")

    assert Referral.objects.get(pk=claimed.pk).status == Referral.Status.LOST


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "third"])
def test_it_lets_only_the_claiming_coop_record_progress(who, claimed, request):
    if who == "third":
        actor = coop_with_worker("third-coop")[1]
    elif who == "anonymous":
        actor = AnonymousUser()
    else:
        actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        referral_set_status(actor=actor, referral=claimed, status="won", value=10)

    assert Referral.objects.get(pk=claimed.pk).status == Referral.Status.CLAIMED


def test_it_lets_a_coordinator_record_progress(claimed, coordinator):
    referral_set_status(actor=coordinator, referral=claimed, status="lost")

    assert Referral.objects.get(pk=claimed.pk).status == Referral.Status.LOST


def test_it_lets_only_the_sender_withdraw_and_tells_the_claimer(
    claimed, member, other_member, outsider
):
    for actor in (other_member, outsider):
        with pytest.raises(PermissionDenied):
            referral_set_status(actor=actor, referral=claimed, status="withdrawn")

    referral_set_status(
        actor=member, referral=claimed, status="withdrawn", note="The client changed their mind."
    )

    stored = Referral.objects.get(pk=claimed.pk)
    assert stored.status == Referral.Status.WITHDRAWN
    assert stored.closed_at is not None
    told = Notification.objects.get(kind="referral_closed")
    assert told.user == other_member
    assert "The client changed their mind." in told.body


def test_it_withdraws_an_open_referral_from_every_coop_it_was_offered_to(
    coop, member, other_coop, other_member
):
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="All at once",
        audience=Referral.Audience.CHOSEN_ALL,
        chosen_coops=[other_coop],
    )

    referral_set_status(actor=member, referral=referral, status="withdrawn")

    assert list(referral.offers.values_list("state", flat=True)) == [ReferralOffer.State.SKIPPED]
    assert list(referrals_open_for(other_member)) == []
    assert not Notification.objects.filter(kind="referral_closed").exists()
