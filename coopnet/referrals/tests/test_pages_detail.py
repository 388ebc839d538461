"""/referrals/<id>/: one referral; the client's details and the money only for the right people."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import coop_with_worker
from coopnet.referrals.services import (
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
)

pytestmark = pytest.mark.django_db

CLIENT_EMAIL = "ada@hillside.example"
WON_VALUE = "48,500"  # as the page shows 48500


@pytest.fixture
def third(db):
    """A third co-op that saw the lead and declined it: it may look, but not at the client."""
    return coop_with_worker("third-coop")


@pytest.fixture
def won(coop, member, other_coop, other_member, third):
    third_coop, third_worker = third
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="A Drupal site for a housing association",
        estimated_value=12000,
        client_name="Ada Client",
        client_email=CLIENT_EMAIL,
        client_phone="0114 496 0000",
    )
    referral_decline(actor=third_worker, referral=referral, coop=third_coop, reason="Booked")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    referral_set_status(actor=other_member, referral=referral, status="won", value=48500)
    return referral


def page_for(client, user, referral):
    client.force_login(user)
    return client.get(reverse("referrals:detail", args=[referral.pk]))


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_it_shows_the_client_and_the_value_to_both_coops_and_coordinators(
    client, request, won, who
):
    response = page_for(client, request.getfixturevalue(who), won)

    page = response.content.decode()
    assert response.status_code == 200
    assert CLIENT_EMAIL in page
    assert "0114 496 0000" in page
    assert WON_VALUE in page


def test_it_hides_the_client_and_the_value_from_a_coop_that_declined(client, won, third):
    response = page_for(client, third[1], won)

    page = response.content.decode()
    assert response.status_code == 200
    assert won.title in page
    assert CLIENT_EMAIL not in page
    assert "Ada Client" not in page
    assert WON_VALUE not in page
    assert "48500" not in page
    # Nor the other co-ops' answers: the sender alone reads those.
    assert "Tidewater Tech" in page  # the claimer is no secret
    assert "Booked" in page  # its own answer


def test_it_shows_an_open_network_referral_to_members_without_the_client(
    client, coop, member, other_member, other_coop
):
    referral = referral_create(
        actor=member, from_coop=coop, title="Open lead", client_email=CLIENT_EMAIL
    )

    page = page_for(client, other_member, referral).content.decode()

    assert "Open lead" in page
    assert CLIENT_EMAIL not in page
    assert "contact details go to the co-op that claims this referral" in page
    assert reverse("referrals:claim", args=[referral.pk]) in page


@pytest.mark.parametrize("who", ["outsider", "fourth_worker"])
def test_it_hides_a_claimed_referral_from_people_it_was_never_offered_to(client, request, won, who):
    if who == "fourth_worker":
        _coop, viewer = coop_with_worker("fourth-coop")
    else:
        viewer = request.getfixturevalue(who)

    assert page_for(client, viewer, won).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, won):
    response = client.get(reverse("referrals:detail", args=[won.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_the_sender_every_answer_and_what_happened(client, won, member):
    page = page_for(client, member, won).content.decode()

    assert "Third Coop" in page
    assert "Booked" in page
    assert "claimed it" in page
    assert "changed its status" in page
    # History never repeats the money in its own words.
    history = page.split('id="history-heading"')[1].split("</section>")[0]
    assert "48500" not in history and WON_VALUE not in history


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_it_reads_the_persons_coops_once_however_many_rules_it_asks(
    client, request, coop, member, who
):
    referral = referral_create(
        actor=member, from_coop=coop, title="A lead", client_email=CLIENT_EMAIL
    )
    client.force_login(request.getfixturevalue(who))
    client.get(reverse("referrals:detail", args=[referral.pk]))  # the session settles first

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("referrals:detail", args=[referral.pk]))

    assert response.status_code == 200
    memberships = [q for q in queries.captured_queries if '"accounts_membership"' in q["sql"]]
    # The person's co-ops (with their memberships) and which of them are members of the network.
    assert len(memberships) <= 3, [q["sql"] for q in memberships]
