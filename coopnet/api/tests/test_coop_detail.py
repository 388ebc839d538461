"""GET /api/v1/coops/{slug}: one co-op's public profile."""

import datetime

import pytest

from coopnet.api.tests.helpers import assert_error
from coopnet.directory.models import CaseStudy, Client, Coop, CoopSource, Sector, Service


def test_it_shows_every_public_field(client, coop):
    web = Service.objects.create(name="Web development", slug="web-development")
    charities = Sector.objects.create(name="Charities", slug="charities")
    oxfam = Client.objects.create(name="Oxfam", slug="oxfam", sector=charities)
    coop.services.add(web)
    coop.clients.add(oxfam)
    coop.sector = charities
    coop.founded_on = datetime.date(2012, 1, 1)
    coop.social_links = {"github": "https://github.com/hedgerow"}
    coop.languages = ["en", "cy"]
    coop.self_edited_fields = {"name": "2025-01-01T00:00:00+00:00"}
    coop.save()
    study = CaseStudy.objects.create(
        title="Food bank finder",
        slug="food-bank-finder",
        client=oxfam,
        client_name="Oxfam",
        year=2023,
    )
    study.coops.add(coop)
    CoopSource.objects.create(
        coop=coop,
        source="cotech",
        source_id="hedgerow",
        url="https://coops.tech/hedgerow",
        data={"secret": "raw import"},
    )

    response = client.get("/api/v1/coops/hedgerow-digital")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Hedgerow Digital"
    assert body["description"] == "We build **accessible** websites for charities."
    assert body["founded_on"] == "2012-01-01"
    assert body["founded_precision"] == "year"
    assert body["sector"] == {"slug": "charities", "name": "Charities"}
    assert body["services"] == [{"slug": "web-development", "name": "Web development"}]
    assert body["clients"] == [{"slug": "oxfam", "name": "Oxfam"}]
    assert body["technologies"] == []
    assert body["social_links"] == {"github": "https://github.com/hedgerow"}
    assert body["languages"] == ["en", "cy"]
    assert body["case_studies"] == [
        {
            "slug": "food-bank-finder",
            "title": "Food bank finder",
            "client_name": "Oxfam",
            "summary": "",
            "year": 2023,
            "links": [],
        }
    ]
    assert body["sources"] == [
        {"source": "cotech", "source_id": "hedgerow", "url": "https://coops.tech/hedgerow"}
    ]
    assert body["logo"] is None
    assert body["updated_at"]
    assert body["profile_url"] == "http://testserver/coops/hedgerow-digital/"
    assert "self_edited_fields" not in body
    assert "search_tags" not in body
    assert "raw import" not in response.content.decode()


def test_it_fetches_the_detail_in_a_fixed_number_of_queries(
    client, coop, django_assert_num_queries
):
    for n in range(5):
        coop.services.add(Service.objects.create(name=f"S{n}", slug=f"s{n}"))

    # coop with sector, services, technologies, clients, case studies, sources
    with django_assert_num_queries(6):
        assert client.get("/api/v1/coops/hedgerow-digital").status_code == 200


def test_it_shows_former_members(client, db):
    Coop.objects.create(name="Gone", slug="gone", status=Coop.Status.FORMER)

    assert client.get("/api/v1/coops/gone").status_code == 200


def test_it_answers_404_in_the_error_shape_for_an_unknown_slug(client, db):
    error = assert_error(client.get("/api/v1/coops/nobody"), 404, "not_found")

    assert "nobody" in error["message"]


@pytest.fixture
def applicant(coop):
    coop.status = Coop.Status.APPLICANT
    coop.save()
    return coop


@pytest.mark.parametrize("who", [None, "outsider", "other_member"])
def test_it_hides_an_applicant_from_strangers(request, api_as, applicant, who):
    user = request.getfixturevalue(who) if who else None

    response = api_as(user).get("/api/v1/coops/hedgerow-digital")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_shows_an_applicant_to_its_people_and_coordinators(request, api_as, applicant, who):
    user = request.getfixturevalue(who)

    response = api_as(user).get("/api/v1/coops/hedgerow-digital")

    assert response.status_code == 200
    assert response.json()["status"] == "applicant"


def test_it_never_lists_an_applicant_even_to_its_people(api_as, applicant, member):
    response = api_as(member).get("/api/v1/coops", {"all": "true"})

    assert response.json()["results"] == []
