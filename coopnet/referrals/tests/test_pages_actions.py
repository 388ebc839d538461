"""Claiming, declining and moving a referral on from its pages (POST, no JavaScript)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import coop_with_worker
from coopnet.audit.models import AuditEvent
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.services import referral_claim, referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(coop, member, other_coop):
    """Hedgerow (`member`) passes a lead to the network; Tidewater (`other_member`) may claim."""
    return referral_create(
        actor=member, from_coop=coop, title="A Drupal site", client_email="ada@client.example"
    )


def post(client, user, name, referral, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(reverse(f"referrals:{name}", args=[referral.pk]), data or {})


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Claiming


def test_it_lets_another_coop_claim_and_shows_it_the_client(
    client, referral, other_member, other_coop
):
    response = post(client, other_member, "claim", referral, {"coop": other_coop.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.status, referral.claimed_by_coop) == ("claimed", other_coop)
    assert "ada@client.example" in client.get(response["Location"]).content.decode()


def test_it_claims_for_the_only_coop_without_asking(client, referral, other_member, other_coop):
    post(client, other_member, "claim", referral)

    referral.refresh_from_db()
    assert referral.claimed_by_coop == other_coop


def test_it_tells_the_second_claimer_it_was_already_claimed(
    client, referral, other_member, other_coop
):
    third, third_worker = coop_with_worker("third-coop")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    response = post(client, third_worker, "claim", referral, {"coop": third.pk})

    assert response.status_code == 302
    assert message_texts(response) == ["Already claimed by another co-op."]
    referral.refresh_from_db()
    assert referral.claimed_by_coop == other_coop
    assert ReferralOffer.objects.filter(state="claimed").count() == 1


def test_it_sends_an_anonymous_claimer_to_sign_in(client, referral):
    response = post(client, None, "claim", referral)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Referral.objects.get().status == "offered"


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("member", 403)])
def test_it_refuses_a_claim_from_outside_or_from_the_sender(client, request, referral, who, status):
    response = post(client, request.getfixturevalue(who), "claim", referral)

    assert response.status_code == status
    assert Referral.objects.get().status == "offered"


def test_it_refuses_a_coordinator_claiming_for_no_coop(client, referral, coordinator):
    response = post(client, coordinator, "claim", referral)

    assert response.status_code == 403
    assert Referral.objects.get().status == "offered"


def test_it_refuses_a_claim_for_a_coop_the_person_is_not_in(
    client, referral, other_member, other_coop
):
    third, _worker = coop_with_worker("third-coop")

    response = post(client, other_member, "claim", referral, {"coop": third.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Referral.objects.get().status == "offered"


# Declining


def test_it_records_a_decline_with_its_reason(client, referral, other_member, other_coop):
    response = post(client, other_member, "decline", referral, {"reason": "Fully booked until May"})

    assert response.status_code == 302
    offer = ReferralOffer.objects.get()
    assert (offer.coop, offer.state, offer.decline_reason) == (
        other_coop,
        "declined",
        "Fully booked until May",
    )
    assert AuditEvent.objects.filter(action="referral.decline").count() == 1
    # It leaves the co-op's list.
    page = client.get(reverse("referrals:list")).content.decode()
    assert reverse("referrals:claim", args=[referral.pk]) not in page


def test_it_asks_for_a_reason_before_declining(client, referral, other_member):
    response = post(client, other_member, "decline", referral, {"reason": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert f'aria-describedby="id_decline{referral.pk}_reason_helptext' in page
    assert not ReferralOffer.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("member", 403), ("coordinator", 403)],
)
def test_it_refuses_a_decline_from_anyone_who_was_not_offered_it(
    client, request, referral, who, status
):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = post(client, user, "decline", referral, {"reason": "No"})

    assert response.status_code == status
    assert not ReferralOffer.objects.exists()


# The pipeline


@pytest.fixture
def claimed(referral, other_member, other_coop):
    return referral_claim(actor=other_member, referral=referral, coop=other_coop)


def test_it_lets_the_claimer_close_it_as_won_with_a_value(client, claimed, other_member):
    response = post(
        client, other_member, "status", claimed, {"status": "won", "value": "48500", "note": "Yes"}
    )

    assert response.status_code == 302
    claimed.refresh_from_db()
    assert (claimed.status, claimed.closed_value, claimed.close_note) == ("won", 48500, "Yes")
    assert claimed.closed_at is not None


def test_it_lets_a_coordinator_move_it_on(client, claimed, coordinator):
    post(client, coordinator, "status", claimed, {"status": "in_contact"})

    claimed.refresh_from_db()
    assert claimed.status == "in_contact"


def test_it_refuses_a_value_unless_won(client, claimed, other_member):
    response = post(client, other_member, "status", claimed, {"status": "lost", "value": "5"})

    assert response.status_code == 200
    assert "A value is recorded only when the work is won." in response.content.decode()
    claimed.refresh_from_db()
    assert claimed.status == "claimed"


def test_it_lets_the_sender_only_withdraw(client, claimed, member):
    response = post(client, member, "status", claimed, {"status": "won", "value": "1"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    claimed.refresh_from_db()
    assert claimed.status == "claimed"

    post(client, member, "status", claimed, {"status": "withdrawn", "note": "Client went quiet"})

    claimed.refresh_from_db()
    assert claimed.status == "withdrawn"


def test_it_refuses_a_coop_that_is_neither_sender_nor_claimer(client, claimed):
    third, third_worker = coop_with_worker("third-coop")
    # It saw the lead and declined it, so it may look at the referral, not move it.
    ReferralOffer.objects.create(referral=claimed, coop=third, state="declined")

    response = post(client, third_worker, "status", claimed, {"status": "lost"})

    assert response.status_code == 403
    claimed.refresh_from_db()
    assert claimed.status == "claimed"


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_it_refuses_a_status_change_from_anyone_signed_out_or_outside(
    client, request, claimed, who
):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = post(client, user, "status", claimed, {"status": "lost"})

    assert response.status_code in (302, 404)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    claimed.refresh_from_db()
    assert claimed.status == "claimed"


def test_it_says_a_closed_referral_cannot_change(client, claimed, other_member):
    post(client, other_member, "status", claimed, {"status": "lost"})

    response = post(client, other_member, "status", claimed, {"status": "won"})

    assert message_texts(response)[-1] == "This referral is closed: it cannot change any more."
    claimed.refresh_from_db()
    assert claimed.status == "lost"
