"""The directory's JSON and CSV exports, and each co-op's Murmurations profile."""

import csv
import io

import pytest
from django.urls import reverse

from coopnet.directory.exports import CSV_COLUMNS, FORMAT, VERSION, directory_rows
from coopnet.directory.models import Coop, Service


@pytest.fixture
def network(coop, other_coop):
    web = Service.objects.create(slug="web-design", name="Web design")
    coop.services.add(web)
    Coop.objects.create(name="Gone Away", slug="gone-away", status="former", country="GB")
    Coop.objects.create(name="Hopeful", slug="hopeful", status="applicant", country="GB")
    return {"coop": coop, "other_coop": other_coop, "web": web}


def json_slugs(client, **params):
    response = client.get(reverse("directory:export_json"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    return [entry["slug"] for entry in document["coops"]]


def csv_rows(client, **params):
    response = client.get(reverse("directory:export_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="coops.csv"'
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    return list(reader)


def test_it_exports_the_listed_coops_as_json(client, network):
    assert json_slugs(client) == ["hedgerow-digital", "tidewater-tech"]
    assert json_slugs(client, all="1") == ["gone-away", "hedgerow-digital", "tidewater-tech"]


def test_it_honours_the_service_filter_in_json_and_csv(client, network):
    assert json_slugs(client, service="web-design") == ["hedgerow-digital"]
    assert [row["slug"] for row in csv_rows(client, service="web-design")] == ["hedgerow-digital"]


def test_it_honours_the_search_query_in_json_and_csv(client, network):
    assert json_slugs(client, q="python") == ["tidewater-tech"]
    assert [row["slug"] for row in csv_rows(client, q="python")] == ["tidewater-tech"]
    assert json_slugs(client, q="nothing-matches-this") == []


def test_it_gives_one_flat_csv_row_per_coop(client, network):
    coop = network["coop"]
    coop.social_links = {"github": "https://github.com/hedgerow"}
    coop.languages = ["en", "cy"]
    coop.save()

    row = next(r for r in csv_rows(client) if r["slug"] == "hedgerow-digital")

    assert row["name"] == "Hedgerow Digital"
    assert row["url"].endswith("/coops/hedgerow-digital/")
    assert (row["services"], row["github"], row["languages"]) == (
        "Web design",
        "https://github.com/hedgerow",
        "en; cy",
    )
    assert (row["workers"], row["worker_owners"], row["country"]) == ("6", "5", "GB")


def test_it_keeps_a_spreadsheet_from_running_a_cell_as_a_formula(client, coop):
    coop.name = '=HYPERLINK("https://evil.example","Click")'
    coop.phone = "+44 114 496 0000"
    coop.save()

    row = csv_rows(client)[0]

    assert row["name"] == "'" + coop.name
    assert row["phone"] == "+44 114 496 0000"


def test_it_exports_in_a_fixed_number_of_queries(db, django_assert_num_queries, network):
    qs = Coop.objects.listed(include_all=True).order_by("name")
    directory_rows(qs)  # warm any one-off lookups
    with django_assert_num_queries(5):
        directory_rows(qs)
    for n in range(5):
        coop = Coop.objects.create(name=f"More {n}", slug=f"more-{n}", status="member")
        coop.services.add(network["web"])
    with django_assert_num_queries(5):
        assert len(directory_rows(qs)) == 8


def test_it_only_reads_the_exports(client, network):
    assert client.post(reverse("directory:export_json")).status_code == 405
    assert client.post(reverse("directory:export_csv")).status_code == 405


def test_it_serves_a_murmurations_profile_of_a_public_coop_only(client, network):
    response = client.get(reverse("directory:murmurations", args=["hedgerow-digital"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == "Hedgerow Digital"

    assert client.get(reverse("directory:murmurations", args=["hopeful"])).status_code == 404
    assert client.get(reverse("directory:murmurations", args=["no-such-coop"])).status_code == 404
