"""`manage.py match`: the ranked co-ops with reasons, or exactly the API's JSON body."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from coopnet.directory.models import Coop, Service, Technology
from coopnet.hire.tests.page_helpers import HOSTING_BRIEF, said_yes_to_a_past_brief


@pytest.fixture
def network(db):
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    drupal = Technology.objects.create(name="Drupal", slug="drupal")
    for name, services, technologies in [
        ("Hedge Hosts", [hosting], []),
        ("Drupal Folk", [], [drupal]),
    ]:
        coop = Coop.objects.create(
            name=name, slug=slugify(name), status="member", availability="open", country="GB"
        )
        coop.services.set(services)
        coop.technologies.set(technologies)


def run(*args) -> str:
    out = StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_ranked_co_ops_with_their_reasons(network):
    out = run("We need someone to look after our servers", "--location", "Sheffield")

    assert "Needs: hosting, system administration" in out
    assert "Client: Sheffield (GB)" in out
    assert " 1. Hedge Hosts  (hedge-hosts, score " in out
    assert "      - Offers hosting" in out
    assert "      - Based in the United Kingdom" in out
    assert "Drupal Folk" not in out


def test_it_prints_the_proposed_teams(network):
    out = run("hosting", "--technology", "drupal")

    assert "No available member covers everything; proposed teams:" in out
    assert " Team 1: " in out and "Hedge Hosts" in out and "Drupal Folk" in out
    assert "leads and brings" in out


def test_it_prints_exactly_the_apis_body_with_json(network, client):
    cache.clear()
    args = ["hosting", "--technology", "drupal", "--limit", "5", "--location", "Leeds"]
    printed = json.loads(run(*args, "--json"))

    response = client.post(
        "/api/v1/match",
        {"text": "hosting", "technologies": ["drupal"], "limit": 5, "location": "Leeds"},
        content_type="application/json",
    )

    assert printed == response.json()
    assert printed["consortium"]


def test_it_says_when_nothing_matches(network):
    assert "No member co-op matches this brief." in run("zebra grooming")


def test_it_refuses_unknown_slugs_and_limits(network):
    with pytest.raises(CommandError, match="There is no service with the slug “nope”"):
        run("hosting", "--service", "nope")
    with pytest.raises(CommandError, match="--limit"):
        run("hosting", "--limit", "51")


@pytest.mark.parametrize(
    "args, option",
    [
        (["--effort-days", "-30"], "--effort-days"),
        (["--effort-days", "0"], "--effort-days"),
        (["--effort-days", "100001"], "--effort-days"),
        (["--timeline-months", "0"], "--timeline-months"),
        (["--timeline-months", "61"], "--timeline-months"),
        (["--limit", "0"], "--limit"),
    ],
)
def test_it_refuses_what_the_api_refuses(network, client, args, option):
    cache.clear()
    api_field = option.removeprefix("--").replace("-", "_")
    body = {"text": "hosting", api_field: json.loads(args[1])}
    api = client.post("/api/v1/match", body, content_type="application/json")
    assert api.status_code == 400 and list(api.json()["error"]["details"]) == [api_field]

    with pytest.raises(CommandError, match=f"^{option}: "):
        run("hosting", *args)


def test_it_refuses_a_brief_longer_than_the_api_takes(network):
    with pytest.raises(CommandError, match="^text: "):
        run("x" * 5001)


@pytest.fixture
def history_of_hosts(network, coordinator):
    """A past brief much like "we need hosting" that Hedge Hosts said yes to."""
    said_yes_to_a_past_brief(coordinator, Coop.objects.get(slug="hedge-hosts"), HOSTING_BRIEF)


def test_it_prints_what_a_coordinator_gets_or_with_no_history_what_a_visitor_gets(
    history_of_hosts, client, coordinator
):
    from coopnet.api.tests.helpers import bearer, make_token

    cache.clear()
    brief = "Hosting for our website, please"

    def api_body(**headers):
        return client.post(
            "/api/v1/match", {"text": brief}, content_type="application/json", headers=headers
        ).json()

    as_coordinator = json.loads(run(brief, "--json"))
    as_visitor = json.loads(run(brief, "--json", "--no-history"))

    assert as_coordinator == api_body(**bearer(make_token(coordinator)))
    assert as_visitor == api_body()
    assert as_coordinator != as_visitor
    assert "      - Said yes to a similar brief before" in run(brief)
    assert "Said yes" not in run(brief, "--no-history")
