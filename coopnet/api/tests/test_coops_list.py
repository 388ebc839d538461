"""GET /api/v1/coops: the directory's list, filters, search and pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopnet.api.tests.helpers import assert_error
from coopnet.directory.models import Client, Coop, Sector, Service, Technology

URL = "/api/v1/coops"


def _coop(name: str, **fields) -> Coop:
    fields.setdefault("status", Coop.Status.MEMBER)
    slug = name.lower().replace(" ", "-")
    return Coop.objects.create(name=name, slug=slug, **fields)


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def web(db):
    return Service.objects.create(name="Web development", slug="web-development")


@pytest.fixture
def design(db):
    return Service.objects.create(name="Design", slug="design")


@pytest.fixture
def django_tech(db):
    return Technology.objects.create(name="Django", slug="django")


def test_it_lists_member_coops_by_name_with_card_fields(client, coop, other_coop, web, django_tech):
    coop.services.add(web)
    coop.technologies.add(django_tech)
    _coop("Applicant Co", status=Coop.Status.APPLICANT)
    _coop("Former Co", status=Coop.Status.FORMER)

    response = client.get(URL)

    assert _slugs(response) == ["hedgerow-digital", "tidewater-tech"]
    body = response.json()
    assert body["count"] == 2
    assert body["page"] == 1
    assert body["next"] is None and body["previous"] is None
    card = body["results"][0]
    assert card["name"] == "Hedgerow Digital"
    assert card["services"] == [{"slug": "web-development", "name": "Web development"}]
    assert card["technologies"] == [{"slug": "django", "name": "Django"}]
    assert card["availability"] == "open"
    assert card["profile_url"] == "http://testserver/coops/hedgerow-digital/"
    assert card["api_url"] == "http://testserver/api/v1/coops/hedgerow-digital"
    assert "self_edited_fields" not in card and "search_tags" not in card


def test_it_includes_former_and_observed_coops_with_all(client, coop):
    _coop("Applicant Co", status=Coop.Status.APPLICANT)
    _coop("Former Co", status=Coop.Status.FORMER)
    _coop("Observed Co", status=Coop.Status.OBSERVED)

    assert _slugs(client.get(URL, {"all": "true"})) == [
        "former-co",
        "hedgerow-digital",
        "observed-co",
    ]


def test_it_requires_every_service_asked_for(client, coop, other_coop, web, design):
    coop.services.add(web, design)
    other_coop.services.add(web)

    assert _slugs(client.get(URL, {"service": "web-development"})) == [
        "hedgerow-digital",
        "tidewater-tech",
    ]
    assert _slugs(client.get(f"{URL}?service=web-development&service=design")) == [
        "hedgerow-digital"
    ]


def test_it_filters_by_technology_sector_country_region_size_and_availability(
    client, coop, other_coop, django_tech
):
    other_coop.technologies.add(django_tech)
    charities = Sector.objects.create(name="Charities", slug="charities")
    oxfam = Client.objects.create(name="Oxfam", slug="oxfam", sector=charities)
    coop.clients.add(oxfam)
    _coop("Fjord Co", country="NO", region="Vestland", workers=30)

    assert _slugs(client.get(URL, {"technology": "django"})) == ["tidewater-tech"]
    assert _slugs(client.get(URL, {"sector": "charities"})) == ["hedgerow-digital"]
    assert _slugs(client.get(URL, {"country": "no"})) == ["fjord-co"]
    assert _slugs(client.get(URL, {"region": "vestland"})) == ["fjord-co"]
    assert _slugs(client.get(URL, {"size": "26+"})) == ["fjord-co"]
    assert _slugs(client.get(URL, {"size": "1-3"})) == ["tidewater-tech"]
    assert _slugs(client.get(URL, {"availability": "available"})) == ["hedgerow-digital"]


def test_it_searches_with_the_best_match_first(client, coop, other_coop):
    _coop("Python People", description="We do a little python now and then.")
    other_coop.name = "Python Tidewater"
    other_coop.description = "Python data pipelines in Python."
    other_coop.save()

    slugs = _slugs(client.get(URL, {"q": "python"}))

    assert set(slugs) == {"tidewater-tech", "python-people"}
    assert "hedgerow-digital" not in slugs
    assert _slugs(client.get(URL, {"q": "charities"})) == ["hedgerow-digital"]


def test_it_combines_search_with_filters(client, coop, other_coop, web):
    coop.services.add(web)
    other_coop.services.add(web)

    assert _slugs(client.get(URL, {"q": "python", "service": "web-development"})) == [
        "tidewater-tech"
    ]


def test_it_pages_with_links_to_the_next_and_previous_pages(client, db):
    for n in range(5):
        _coop(f"Coop {n}")

    first = client.get(URL, {"page_size": 2, "country": ""}).json()
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    last = client.get(URL, {"page_size": 2, "page": 3}).json()
    beyond = client.get(URL, {"page_size": 2, "page": 9}).json()

    assert [r["slug"] for r in first["results"]] == ["coop-0", "coop-1"]
    assert first["count"] == 5 and first["page_size"] == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    assert [r["slug"] for r in second["results"]] == ["coop-2", "coop-3"]
    assert "page=1" in second["previous"] and "page=3" in second["next"]
    assert [r["slug"] for r in last["results"]] == ["coop-4"]
    assert last["next"] is None
    assert beyond["results"] == [] and beyond["count"] == 5


def test_it_keeps_the_filters_in_the_page_links(client, db):
    for n in range(3):
        _coop(f"Coop {n}", country="GB")

    body = client.get(URL, {"page_size": 1, "country": "GB"}).json()

    assert "country=GB" in body["next"]


def test_it_caps_the_page_size_at_100(client, db):
    Coop.objects.bulk_create(
        Coop(name=f"Coop {n:03}", slug=f"coop-{n:03}", status=Coop.Status.MEMBER)
        for n in range(105)
    )

    body = client.get(URL, {"page_size": 500}).json()

    assert body["page_size"] == 100
    assert len(body["results"]) == 100
    assert body["count"] == 105


def test_it_uses_twenty_a_page_by_default(client, db):
    Coop.objects.bulk_create(
        Coop(name=f"Coop {n:02}", slug=f"coop-{n:02}", status=Coop.Status.MEMBER) for n in range(25)
    )

    body = client.get(URL).json()

    assert body["page_size"] == 20 and len(body["results"]) == 20


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"size": "huge"}, "size"),
        ({"availability": "sometimes"}, "availability"),
        ({"page": "0"}, "page"),
        ({"page_size": "many"}, "page_size"),
        ({"country": "GBR"}, "country"),
    ],
)
def test_it_refuses_bad_filter_values_naming_the_parameter(client, db, params, field):
    error = assert_error(client.get(URL, params), 400, "invalid")

    assert list(error["details"]) == [field]


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _network(size: int) -> None:
    services = [Service.objects.create(name=f"S{n}", slug=f"s{n}") for n in range(3)]
    technologies = [Technology.objects.create(name=f"T{n}", slug=f"t{n}") for n in range(3)]
    sector = Sector.objects.create(name="Health", slug="health")
    for n in range(size):
        made = _coop(f"Coop {n:02}", sector=sector, description="python work")
        made.services.add(*services)
        made.technologies.add(*technologies)


@pytest.mark.parametrize("params", [{}, {"q": "python"}, {"service": "s1", "technology": "t2"}])
def test_it_reads_a_page_in_a_fixed_number_of_queries(
    client, db, params, django_assert_num_queries
):
    _network(5)
    small = _count_queries(client, {**params, "page_size": 50})
    Coop.objects.all().delete()
    Service.objects.all().delete()
    Technology.objects.all().delete()
    Sector.objects.all().delete()
    _network(25)

    # count, page, services, technologies: sectors come in the page's join.
    with django_assert_num_queries(small):
        response = client.get(URL, {**params, "page_size": 50})
    assert len(response.json()["results"]) == 25
    assert small == 4


def test_it_refuses_a_bad_token_even_on_a_public_read(client, coop):
    response = client.get(URL, headers={"Authorization": "Bearer not-a-real-token"})

    assert_error(response, 401, "invalid_token")


def test_it_falls_back_to_any_word_like_the_directory_page(client, db):
    from coopnet.directory.models import Coop

    Coop.objects.create(name="Leaf", slug="leaf", description="websites", status="member")
    body = client.get("/api/v1/coops", {"q": "web unicorns"}).json()
    assert [c["slug"] for c in body["results"]] == ["leaf"]
