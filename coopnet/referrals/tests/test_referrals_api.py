"""/api/v1/referrals...: the same rules as the pages, in the API's one error shape."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import coop_with_worker
from coopnet.accounts.models import Membership
from coopnet.api.tests.helpers import assert_error, bearer, make_token
from coopnet.directory.models import Service
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.services import (
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/referrals"
CLIENT_EMAIL = "ada@client.example"


class Api:
    def __init__(self, client, user=None):
        self.client = client
        self.headers = bearer(make_token(user)) if user is not None else {}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def post(self, path, body=None):
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api(client):
    return lambda user=None: Api(client, user)


@pytest.fixture
def referral(coop, member, other_coop):
    """Hedgerow (`member`) passed a lead to the network; Tidewater (`other_member`) may claim."""
    return referral_create(
        actor=member,
        from_coop=coop,
        title="A Drupal site",
        estimated_value=12000,
        client_name="Ada Client",
        client_email=CLIENT_EMAIL,
    )


@pytest.fixture
def won(referral, other_member, other_coop):
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    return referral_set_status(actor=other_member, referral=referral, status="won", value=48500)


def url(referral, action=""):
    return f"{BASE}/{referral.pk}" + (f"/{action}" if action else "")


# Listing and reading


def test_it_lists_what_the_callers_coop_can_claim(api, referral, other_member):
    body = api(other_member).get(BASE).json()

    assert body["count"] == 1
    item = body["results"][0]
    assert (item["id"], item["title"], item["from_coop"]["slug"]) == (
        referral.pk,
        "A Drupal site",
        "hedgerow-digital",
    )
    assert item["estimated_value"] == 12000
    assert item["client"] is None and item["closed_value"] is None


def test_it_lists_in_a_fixed_number_of_queries_whatever_the_number_of_referrals(
    api, coop, member, other_coop, other_member
):
    caller = api(other_member)
    caller.get(BASE)  # the token's first use is recorded once: not a cost of the list

    def queries_to_list(referrals: int) -> int:
        while Referral.objects.count() < referrals:
            referral = referral_create(actor=member, from_coop=coop, title="Lead")
            # An answer from a third co-op: every item carries offers the caller may not see.
            third = coop_with_worker(f"third-{referral.pk}")
            referral_decline(actor=third[1], referral=referral, coop=third[0], reason="Busy")
        with CaptureQueriesContext(connection) as queries:
            body = caller.get(BASE, {"page_size": 50}).json()
        assert body["count"] == referrals
        return len(queries)

    assert queries_to_list(1) == queries_to_list(6)


def test_it_never_lists_the_callers_own_referrals(api, referral, member):
    assert api(member).get(BASE).json()["count"] == 0


def test_it_needs_a_token_to_list(api, referral):
    assert_error(api().get(BASE), 401, "not_authenticated")


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_it_shows_the_client_and_the_value_to_both_coops_and_coordinators(api, request, won, who):
    body = api(request.getfixturevalue(who)).get(url(won)).json()

    assert body["client"]["email"] == CLIENT_EMAIL
    assert body["closed_value"] == 48500
    assert body["status"] == "won"


def test_it_hides_the_client_and_the_value_from_a_coop_that_declined(api, referral, won):
    # A third co-op saw the lead and declined before it was claimed.
    third, third_worker = coop_with_worker("third-coop")
    ReferralOffer.objects.create(referral=won, coop=third, state="declined", decline_reason="No")

    body = api(third_worker).get(url(won)).json()

    assert body["title"] == "A Drupal site"
    assert body["client"] is None
    assert body["closed_value"] is None
    assert [o["coop"]["slug"] for o in body["offers"]] == ["third-coop"]
    assert CLIENT_EMAIL not in json.dumps(body)


def test_it_shows_the_sender_every_answer(api, referral, member, other_member, other_coop):
    third, third_worker = coop_with_worker("third-coop")
    referral_decline(actor=third_worker, referral=referral, coop=third, reason="Booked")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    offers = api(member).get(url(referral)).json()["offers"]

    assert {(o["coop"]["slug"], o["state"]) for o in offers} == {
        ("third-coop", "declined"),
        ("tidewater-tech", "claimed"),
    }


@pytest.mark.parametrize("who", ["outsider", "fourth"])
def test_it_is_not_found_for_people_it_was_never_offered_to(api, request, won, who):
    user = coop_with_worker("fourth-coop")[1] if who == "fourth" else request.getfixturevalue(who)

    assert_error(api(user).get(url(won)), 404, "not_found")


# Passing on


def test_it_passes_work_on_to_chosen_coops_in_turn(api, member, coop, other_coop):
    third, _worker = coop_with_worker("third-coop")
    Service.objects.create(name="Web development", slug="web-development")

    response = api(member).post(
        BASE,
        {
            "title": "A Drupal site",
            "services": ["web-development"],
            "client_email": CLIENT_EMAIL,
            "audience": "chosen_in_turn",
            "chosen_coops": ["third-coop", "tidewater-tech"],
            "currency": "eur",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client"]["email"] == CLIENT_EMAIL  # the sender sees its own client
    referral = Referral.objects.get()
    assert referral.currency == "EUR"
    assert [(o.coop.slug, o.state) for o in referral.offers.order_by("position")] == [
        ("third-coop", "offered"),
        ("tidewater-tech", "queued"),
    ]


def test_it_names_the_field_of_a_bad_lead(api, member, coop):
    response = api(member).post(BASE, {"title": "X", "audience": "chosen_all"})

    error = assert_error(response, 400, "invalid")
    assert "chosen_coops" in error["details"]
    assert not Referral.objects.exists()


def test_it_refuses_an_unknown_field(api, member, coop):
    response = api(member).post(BASE, {"title": "X", "value": 3})

    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("outsider", 403, "permission_denied"),
        ("other_member", 403, "permission_denied"),
    ],
)
def test_it_refuses_to_pass_work_on_for_someone_elses_coop(api, request, coop, who, status, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    body = {"title": "X", "from_coop": "hedgerow-digital"}

    assert_error(api(user).post(BASE, body), status, code)
    assert not Referral.objects.exists()


def test_it_lets_a_coordinator_pass_work_on_for_a_coop(api, coordinator, coop, other_coop):
    response = api(coordinator).post(BASE, {"title": "X", "from_coop": "hedgerow-digital"})

    assert response.status_code == 201
    assert Referral.objects.get().from_coop == coop


def test_it_asks_someone_in_two_coops_which_one(api, member, coop, other_coop):
    Membership.objects.create(user=member, coop=other_coop)

    error = assert_error(api(member).post(BASE, {"title": "X"}), 400, "invalid")

    assert "from_coop" in error["details"]


# Claiming and declining


def test_it_lets_another_coop_claim_and_hands_it_the_client(api, referral, other_member):
    response = api(other_member).post(url(referral, "claim"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "claimed"
    assert body["claimed_by_coop"]["slug"] == "tidewater-tech"
    assert body["client"]["email"] == CLIENT_EMAIL


def test_it_answers_409_already_claimed_to_the_second_claimer(api, referral, other_member):
    third, third_worker = coop_with_worker("third-coop")
    assert api(other_member).post(url(referral, "claim")).status_code == 200

    response = api(third_worker).post(url(referral, "claim"), {"coop": "third-coop"})

    error = assert_error(response, 409, "already_claimed")
    assert error["message"] == "Already claimed by another co-op."
    assert ReferralOffer.objects.filter(state="claimed").count() == 1


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("outsider", 404, "not_found"),
        ("member", 409, "own_referral"),
        ("coordinator", 403, "permission_denied"),
    ],
)
def test_it_refuses_a_claim_from_anyone_else(api, request, referral, who, status, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    assert_error(api(user).post(url(referral, "claim")), status, code)
    assert Referral.objects.get().status == "offered"


def test_it_refuses_a_claim_for_a_coop_the_caller_is_not_in(api, referral, other_member):
    coop_with_worker("third-coop")

    response = api(other_member).post(url(referral, "claim"), {"coop": "third-coop"})

    assert_error(response, 403, "permission_denied")
    assert Referral.objects.get().status == "offered"


def test_it_records_a_decline_and_its_reason(api, referral, other_member, other_coop):
    response = api(other_member).post(url(referral, "decline"), {"reason": "Fully booked"})

    assert response.status_code == 200
    offer = ReferralOffer.objects.get()
    assert (offer.coop, offer.state, offer.decline_reason) == (
        other_coop,
        "declined",
        "Fully booked",
    )
    assert api(other_member).get(BASE).json()["count"] == 0
    again = api(other_member).post(url(referral, "decline"), {"reason": "Still booked"})
    assert_error(again, 409, "already_declined")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("outsider", 404, "not_found"),
        ("member", 409, "own_referral"),
        ("coordinator", 403, "permission_denied"),
    ],
)
def test_it_refuses_a_decline_from_anyone_else(api, request, referral, who, status, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    assert_error(api(user).post(url(referral, "decline"), {"reason": "No"}), status, code)
    assert not ReferralOffer.objects.exists()


def test_it_needs_a_reason_to_decline(api, referral, other_member):
    error = assert_error(api(other_member).post(url(referral, "decline"), {}), 400, "invalid")

    assert "reason" in error["details"]


# The pipeline


@pytest.fixture
def claimed(referral, other_member, other_coop):
    return referral_claim(actor=other_member, referral=referral, coop=other_coop)


def test_it_lets_the_claimer_close_it_as_won_with_a_value(api, claimed, other_member):
    response = api(other_member).post(
        url(claimed, "status"), {"status": "won", "value": 48500, "note": "Signed"}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["closed_value"]) == ("won", 48500)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("outsider", 404, "not_found"),
        ("member", 403, "permission_denied"),
    ],
)
def test_it_refuses_a_close_from_anyone_but_the_claimer(api, request, claimed, who, status, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    assert_error(api(user).post(url(claimed, "status"), {"status": "won"}), status, code)
    claimed.refresh_from_db()
    assert claimed.status == "claimed"


def test_it_lets_the_sender_withdraw_and_a_coordinator_move_it(api, claimed, member, coordinator):
    assert (
        api(coordinator).post(url(claimed, "status"), {"status": "in_contact"}).json()["status"]
        == "in_contact"
    )

    response = api(member).post(url(claimed, "status"), {"status": "withdrawn"})

    assert response.json()["status"] == "withdrawn"


def test_it_refuses_a_move_the_pipeline_does_not_allow(api, won, other_member):
    error = assert_error(
        api(other_member).post(url(won, "status"), {"status": "lost"}), 400, "invalid"
    )

    assert "status" in error["details"]


# The ledger and the totals


def test_it_shows_each_coop_its_ledger_with_the_money(api, won, member):
    body = api(member).get(f"{BASE}/ledger").json()

    assert body["coop"]["slug"] == "hedgerow-digital"
    assert (body["given"], body["given_won"], body["value_given"]) == (1, 1, 48500)
    assert body["pairs"] == [
        {
            "other_coop": {"slug": "tidewater-tech", "name": "Tidewater Tech"},
            "given": 1,
            "received": 0,
            "balance": 1,
            "value_given": 48500,
            "value_received": 0,
        }
    ]


def test_it_refuses_another_coops_ledger(api, won, member):
    third, third_worker = coop_with_worker("third-coop")

    assert_error(
        api(member).get(f"{BASE}/ledger", {"coop": "tidewater-tech"}), 403, "permission_denied"
    )
    mine = api(third_worker).get(f"{BASE}/ledger").json()
    assert mine["pairs"] == [] and mine["value_given"] == 0
    assert_error(
        api(third_worker).get(f"{BASE}/ledger", {"coop": "hedgerow-digital"}),
        403,
        "permission_denied",
    )
    assert_error(api(None).get(f"{BASE}/ledger"), 401, "not_authenticated")


def test_it_lets_a_coordinator_read_any_ledger(api, won, coordinator):
    body = api(coordinator).get(f"{BASE}/ledger", {"coop": "tidewater-tech"}).json()

    assert (body["received"], body["value_received"]) == (1, 48500)
    assert_error(api(coordinator).get(f"{BASE}/ledger"), 400, "invalid")


def test_it_gives_everyone_the_network_totals_without_money(api, won):
    body = api().get(f"{BASE}/totals").json()

    assert body["summary"] == {
        "referrals": 1,
        "claimed": 1,
        "won": 1,
        "coops_giving": 1,
        "coops_receiving": 1,
    }
    assert body["periods"][-1]["won"] == 1
    assert "48500" not in json.dumps(body)
    assert "hedgerow" not in json.dumps(body)
    assert api().get(f"{BASE}/totals", {"period": "year"}).status_code == 200
    assert_error(api().get(f"{BASE}/totals", {"period": "week"}), 400, "invalid")
