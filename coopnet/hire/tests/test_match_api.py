"""POST /api/v1/match: public, validated, throttled, in the API's one error shape."""

import json

import pytest
from django.core.cache import cache
from django.utils.text import slugify

from coopnet.api.routers.match import MATCH_THROTTLE
from coopnet.api.tests.helpers import assert_error, bearer, make_token
from coopnet.directory.models import Coop, Sector, Service, Technology
from coopnet.hire.tests.page_helpers import HOSTING_BRIEF, said_yes_to_a_past_brief

URL = "/api/v1/match"


@pytest.fixture(autouse=True)
def empty_cache(db):
    # The throttle counts in the cache table.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network(db):
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    drupal = Technology.objects.create(name="Drupal", slug="drupal")
    Sector.objects.create(name="Charities", slug="charity")

    def coop(name, **fields):
        made = Coop.objects.create(
            name=name,
            slug=slugify(name),
            status=fields.pop("status", Coop.Status.MEMBER),
            availability=Coop.Availability.OPEN,
            country="GB",
            **fields,
        )
        return made

    hosts = coop("Hedge Hosts", latitude=53.38, longitude=-1.47)
    hosts.services.set([hosting])
    folk = coop("Drupal Folk")
    folk.technologies.set([drupal])
    gone = coop("Gone Hosts", status=Coop.Status.FORMER)
    gone.services.set([hosting])
    return {"hosts": hosts, "folk": folk}


def post(client, body, **headers):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, payload, content_type="application/json", headers=headers)


def test_it_ranks_members_with_reasons_for_anyone(client, network):
    response = post(client, {"text": "We need hosting", "location": "Leeds"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "required", "consortium", "team_needed", "uncoverable"}
    assert body["results"] == [
        {
            "coop": "hedge-hosts",
            "name": "Hedge Hosts",
            "score": body["results"][0]["score"],
            "reasons": ["Offers hosting", "Available now", "About 45 km from Leeds"],
        }
    ]
    assert 0 < body["results"][0]["score"] <= 1
    assert body["required"] == [{"key": "hosting", "label": "hosting"}]
    assert body["consortium"] is None
    assert body["team_needed"] is False  # one co-op is enough
    assert body["uncoverable"] == []


def test_it_proposes_teams_when_no_member_covers_everything(client, network):
    body = post(client, {"text": "hosting", "technologies": ["drupal"]}).json()

    assert [need["key"] for need in body["required"]] == ["hosting", "drupal"]
    team = body["consortium"][0]
    assert set(team["members"]) == {"hedge-hosts", "drupal-folk"}
    assert team["lead"] in team["members"]
    assert team["covers"] == {"hedge-hosts": ["hosting"], "drupal-folk": ["drupal"]}
    assert team["reasons"] and isinstance(team["exact"], bool)
    assert body["team_needed"] is True


def test_it_says_when_no_team_can_be_formed_and_why(client, network):
    body = post(client, {"text": "hosting", "technologies": ["drupal"], "effort_days": 100_000})
    body = body.json()

    assert body["team_needed"] is True
    assert body["consortium"] is None  # nobody has the capacity for 100,000 person-days
    assert body["uncoverable"] == []

    Technology.objects.create(name="Godot", slug="godot")
    body = post(client, {"text": "hosting", "technologies": ["godot"]}).json()

    assert body["team_needed"] is True and body["consortium"] is None
    assert body["uncoverable"] == [{"key": "technology:godot", "label": "Godot"}]
    assert {"key": "technology:godot", "label": "Godot"} in body["required"]


def test_it_accepts_a_token_and_acts_the_same(client, network, member):
    response = post(client, {"text": "hosting"}, **bearer(make_token(member)))

    assert response.status_code == 200
    assert [r["coop"] for r in response.json()["results"]] == ["hedge-hosts"]


def test_it_refuses_a_bad_token(client, network):
    assert_error(
        post(client, {"text": "hosting"}, Authorization="Bearer nope"), 401, "invalid_token"
    )


@pytest.mark.parametrize("limit", [0, 51, "ten"])
def test_it_refuses_a_limit_outside_one_to_fifty(client, network, limit):
    error = assert_error(post(client, {"text": "hosting", "limit": limit}), 400, "invalid")

    assert list(error["details"]) == ["limit"]


def test_it_returns_at_most_the_limit_and_ten_by_default(client, db):
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    for i in range(12):
        coop = Coop.objects.create(name=f"Hosts {i}", slug=f"hosts-{i}", status="member")
        coop.services.set([hosting])

    assert len(post(client, {"text": "hosting"}).json()["results"]) == 10
    assert len(post(client, {"text": "hosting", "limit": 3}).json()["results"]) == 3


def test_it_names_every_unknown_slug(client, network):
    response = post(
        client,
        {"text": "hosting", "services": ["hosting", "hostng"], "technologies": ["drupl"]},
    )

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {
        "services": ["There is no service with the slug “hostng”."],
        "technologies": ["There is no technology with the slug “drupl”."],
    }


def test_it_refuses_an_unknown_sector(client, network):
    error = assert_error(post(client, {"text": "hosting", "sector": "pirates"}), 400, "invalid")

    assert list(error["details"]) == ["sector"]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 5001}])
def test_it_needs_some_text(client, network, body):
    error = assert_error(post(client, body), 400, "invalid")

    assert list(error["details"]) == ["text"]


def test_it_refuses_a_body_that_is_not_json(client, network):
    assert_error(post(client, "{text:"), 400, "invalid_json")


def test_it_answers_only_post(client, network):
    error = assert_error(client.get(URL), 405, "method_not_allowed")

    assert error["details"]["allowed_methods"] == ["POST"]


def test_it_throttles_each_caller(client, network, monkeypatch):
    monkeypatch.setattr(MATCH_THROTTLE, "num_requests", 2)

    assert post(client, {"text": "hosting"}).status_code == 200
    assert post(client, {"text": "hosting"}).status_code == 200
    error = assert_error(post(client, {"text": "hosting"}), 429, "throttled")
    assert error["details"]["retry_after_seconds"] >= 1
    other_address = client.post(
        URL,
        json.dumps({"text": "hosting"}),
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert other_address.status_code == 200


def test_it_allows_sixty_matches_a_minute():
    assert (MATCH_THROTTLE.num_requests, MATCH_THROTTLE.duration) == (60, 60)


@pytest.fixture
def history_of_hosts(network, coordinator):
    """A past brief much like "we need hosting" that Hedge Hosts said yes to."""
    said_yes_to_a_past_brief(coordinator, network["hosts"], HOSTING_BRIEF)


def _hosts_reasons(response) -> list[str]:
    return next(r["reasons"] for r in response.json()["results"] if r["coop"] == "hedge-hosts")


def test_it_counts_similar_past_briefs_only_for_members_and_coordinators(
    client, history_of_hosts, member, coordinator, outsider
):
    said_yes = "Said yes to a similar brief before"
    body = {"text": "Hosting for our website, please"}

    assert said_yes not in _hosts_reasons(post(client, body))
    assert said_yes not in _hosts_reasons(post(client, body, **bearer(make_token(outsider))))
    assert said_yes in _hosts_reasons(post(client, body, **bearer(make_token(member))))
    assert said_yes in _hosts_reasons(post(client, body, **bearer(make_token(coordinator))))


@pytest.mark.parametrize("field", ["bogus", "servics"])
def test_it_refuses_unknown_fields(client, network, field):
    error = assert_error(post(client, {"text": "hosting", field: ["hosting"]}), 400, "invalid")

    assert list(error["details"]) == [field]


@pytest.mark.parametrize(
    "field, value",
    [
        ("limit", "5"),
        ("limit", True),
        ("limit", 5.5),
        ("remote_ok", "no"),
        ("remote_ok", 0),
        ("effort_days", "30"),
        ("timeline_months", "2"),
    ],
)
def test_it_refuses_values_of_the_wrong_json_type(client, network, field, value):
    error = assert_error(post(client, {"text": "hosting", field: value}), 400, "invalid")

    assert list(error["details"]) == [field]


def test_it_takes_whole_numbers_for_months(client, network):
    response = post(client, {"text": "hosting", "effort_days": 20, "timeline_months": 2})

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("body", [[{"text": "hosting"}], "hosting", 5, None])
def test_it_says_the_body_must_be_a_json_object(client, network, body):
    error = assert_error(post(client, json.dumps(body)), 400, "invalid")

    assert error["details"] == {"__all__": ["The request body must be a JSON object."]}


@pytest.mark.parametrize(
    "clients, reason",
    [
        (1, "Has worked for 1 client in the sectors of the brief"),
        (2, "Has worked for 2 clients in the sectors of the brief"),
    ],
)
def test_it_counts_clients_in_a_sector_in_good_english(client, network, clients, reason):
    from coopnet.directory.models import Client

    # A sector with no wording of its own in the concept table gets the general sentence.
    boatyards = Sector.objects.create(name="Boatyards", slug="boatyards")
    for i in range(clients):
        network["hosts"].clients.add(
            Client.objects.create(name=f"Yard {i}", slug=f"yard-{i}", sector=boatyards)
        )

    response = post(client, {"text": "hosting", "sector": "boatyards"})

    assert reason in _hosts_reasons(response)
