"""/api/v1/briefs/inbox: the co-ops' brief inbox through the API, with the pages' rules."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopnet.api.tests.helpers import ApiClient, assert_error, make_token
from coopnet.hire import services
from coopnet.hire.models import BriefRecipient
from coopnet.hire.tests.page_helpers import chosen_by_client, sent_entry

INBOX = "/api/v1/briefs/inbox"


@pytest.fixture
def api_as(client):
    def make(user=None) -> ApiClient:
        return ApiClient(client, make_token(user) if user is not None else None)

    return make


def post(api: ApiClient, path: str, body: dict):
    return api.client.post(
        path, json.dumps(body), content_type="application/json", headers=api.headers
    )


@pytest.fixture
def entry(coordinator, coop):
    return sent_entry(coordinator, coop)


def writes() -> dict[str, dict]:
    return {
        "answer": {"interested": True, "message": "We can do it."},
        "pass": {"coop": "tidewater-tech", "message": "Over to you."},
        "outcome": {"outcome": "won", "value": 1200.5},
    }


def assert_unchanged(entry: BriefRecipient) -> None:
    entry.refresh_from_db()
    assert (entry.response, entry.outcome) == ("pending", "")
    assert entry.brief.recipients.count() == 1


def test_it_needs_a_token(api_as, entry):
    anonymous = api_as(None)

    assert_error(anonymous.get(INBOX), 401, "not_authenticated")
    assert_error(anonymous.get(f"{INBOX}/{entry.pk}"), 401, "not_authenticated")
    for action, body in writes().items():
        assert_error(
            post(anonymous, f"{INBOX}/{entry.pk}/{action}", body), 401, "not_authenticated"
        )
    assert_unchanged(entry)


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_answers_404_for_other_co_ops_entries(api_as, entry, other_coop, who, request):
    api = api_as(request.getfixturevalue(who))

    assert api.get(INBOX).json()["count"] == 0
    assert_error(api.get(f"{INBOX}/{entry.pk}"), 404, "not_found")
    for action, body in writes().items():
        assert_error(post(api, f"{INBOX}/{entry.pk}/{action}", body), 404, "not_found")
    assert_unchanged(entry)


def test_it_lets_coordinators_read_but_not_act_for_a_co_op(api_as, entry, other_coop, coordinator):
    api = api_as(coordinator)

    body = api.get(f"{INBOX}/{entry.pk}").json()
    assert body["contact"]["email"] == "cara@riverside.example"
    for action, payload in writes().items():
        assert_error(post(api, f"{INBOX}/{entry.pk}/{action}", payload), 403, "permission_denied")
    assert_unchanged(entry)


def test_it_lists_the_callers_entries_paged(api_as, entry, member):
    body = api_as(member).get(INBOX).json()

    assert body["count"] == 1 and body["page"] == 1 and body["next"] is None
    (item,) = body["results"]
    assert item["id"] == entry.pk
    assert item["coop"] == {"slug": "hedgerow-digital", "name": "Hedgerow Digital"}
    assert item["brief"]["text"].startswith("We need an accessible website")
    assert item["brief"]["status"] == "sent"
    assert item["response"] == "pending"
    assert item["contact"] == {
        "name": "Cara Client",
        "email": "cara@riverside.example",
        "organisation": "Riverside Food Bank",
    }
    assert item["page_url"].endswith(f"/hire/inbox/{entry.pk}/")


def test_it_leaves_out_the_contact_once_deleted(api_as, entry, member):
    services.brief_contact_delete(brief=entry.brief)

    body = api_as(member).get(f"{INBOX}/{entry.pk}").json()

    assert body["contact"] is None


def test_it_answers_for_the_co_op(api_as, entry, member):
    response = post(api_as(member), f"{INBOX}/{entry.pk}/answer", writes()["answer"])

    assert response.status_code == 200, response.content
    assert response.json()["response"] == "interested"
    assert response.json()["response_message"] == "We can do it."
    entry.refresh_from_db()
    assert entry.response == "interested"


def test_it_refuses_an_answer_without_a_message(api_as, entry, member):
    response = post(api_as(member), f"{INBOX}/{entry.pk}/answer", {"interested": True})

    error = assert_error(response, 400, "invalid")
    assert "message" in error["details"]
    assert_unchanged(entry)


def test_it_passes_the_brief_on(api_as, entry, member, other_coop, other_member):
    response = post(api_as(member), f"{INBOX}/{entry.pk}/pass", writes()["pass"])

    assert response.status_code == 200, response.content
    assert response.json()["response"] == "passed"
    assert BriefRecipient.objects.get(coop=other_coop).passed_from_id == entry.pk


def test_it_names_an_unknown_co_op(api_as, entry, member):
    response = post(api_as(member), f"{INBOX}/{entry.pk}/pass", {"coop": "nobody"})

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"coop": ["There is no co-op with the slug “nobody”."]}
    assert_unchanged(entry)


def test_it_records_an_outcome(api_as, entry, member):
    chosen_by_client(entry, member)

    response = post(api_as(member), f"{INBOX}/{entry.pk}/outcome", writes()["outcome"])

    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["outcome_value"]) == ("won", 1200.5)


@pytest.mark.parametrize(
    "body", [{"outcome": "maybe"}, {"outcome": "won", "value": -1}, {"value": 10}]
)
def test_it_refuses_a_bad_outcome(api_as, entry, member, body):
    response = post(api_as(member), f"{INBOX}/{entry.pk}/outcome", body)

    assert_error(response, 400, "invalid")
    assert_unchanged(entry)


def test_it_lists_the_inbox_in_the_same_number_of_queries_however_many_entries(
    api_as, coordinator, coop, member, django_assert_num_queries
):
    api = api_as(member)
    sent_entry(coordinator, coop, ip="203.0.113.20")
    api.get(INBOX)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        body = api.get(INBOX).json()
    assert body["results"][0]["contact"] is not None
    for number in range(4):
        sent_entry(coordinator, coop, ip=f"203.0.113.{30 + number}")

    with django_assert_num_queries(len(few.captured_queries)):
        body = api.get(INBOX).json()

    assert len(body["results"]) == 5
    assert all(item["contact"] is not None for item in body["results"])


def test_it_declines_for_the_co_op_saying_why(api_as, entry, member):
    body = {"interested": False, "message": "Not our field.", "decline_reason": "not_our_work"}

    response = post(api_as(member), f"{INBOX}/{entry.pk}/answer", body)

    assert response.status_code == 200, response.content
    assert response.json()["decline_reason"] == "not_our_work"
    entry.refresh_from_db()
    assert (entry.response, entry.decline_reason) == ("declined", "not_our_work")


def test_it_refuses_a_decline_reason_it_does_not_know(api_as, entry, member):
    body = {"interested": False, "message": "No.", "decline_reason": "bored"}

    response = post(api_as(member), f"{INBOX}/{entry.pk}/answer", body)

    assert_error(response, 400, "invalid")
    assert_unchanged(entry)


@pytest.mark.parametrize(
    "target, message",
    [
        ("hedgerow-digital", "Choose another co-op than your own."),
        ("former-hosts", "Briefs go only to member co-ops."),
    ],
)
def test_it_names_the_coop_field_when_a_pass_breaks_a_rule(api_as, entry, member, target, message):
    from coopnet.directory.models import Coop

    Coop.objects.create(name="Former Hosts", slug="former-hosts", status=Coop.Status.FORMER)

    response = post(api_as(member), f"{INBOX}/{entry.pk}/pass", {"coop": target})

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"coop": [message]}
    assert_unchanged(entry)
