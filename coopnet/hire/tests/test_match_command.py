"""`manage.py match`: the ranked co-ops with reasons, or exactly the API's JSON body."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from coopnet.directory.models import Coop, Service, Technology


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
