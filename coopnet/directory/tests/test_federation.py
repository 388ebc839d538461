import datetime
import json

import pytest
from django.utils.html import json_script
from jsonschema import Draft7Validator

from conftest import shared_data
from coopnet.directory.federation import coop_jsonld, coop_murmurations_profile, jsonld_script
from coopnet.directory.models import Coop, Service, Technology
from coopnet.network.models import NetworkSettings

SITE = "https://coops.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    path = shared_data("murmurations", "organizations_schema-v1.0.0.expanded.json")
    return Draft7Validator(json.loads(path.read_text()))


def _errors(validator: Draft7Validator, profile: dict) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(profile)]


@pytest.fixture
def full_coop(db):
    coop = Coop.objects.create(
        name="Loom Digital",
        slug="loom-digital",
        description="We build **accessible** websites.\n\nSee [our work](https://loom.example/work).",
        website="https://loom.example",
        email="hello@loom.example",
        phone="+44 113 496 0000",
        social_links={"github": "loomcoop", "mastodon": "https://social.example/@loom"},
        logo_url="https://loom.example/logo.png",
        status=Coop.Status.MEMBER,
        address="1 Mill Street",
        locality="Leeds",
        region="West Yorkshire",
        postcode="LS1 1AA",
        country="GB",
        latitude=53.8,
        longitude=-1.55,
        founded_on=datetime.date(2015, 3, 1),
        founded_precision=Coop.DatePrecision.MONTH,
        workers=7,
    )
    coop.services.add(Service.objects.create(name="Web development", slug="web-development"))
    coop.technologies.add(Technology.objects.create(name="Django", slug="django"))
    coop.technologies.add(Technology.objects.create(name="web development", slug="webdev"))
    return coop


@pytest.fixture
def minimal_coop(db):
    return Coop.objects.create(name="Quiet Co-op", slug="quiet")


def test_it_publishes_a_full_profile_that_validates(validator, full_coop):
    profile = coop_murmurations_profile(full_coop)

    assert _errors(validator, profile) == []
    assert profile["linked_schemas"] == ["organizations_schema-v1.0.0"]
    assert profile["primary_url"] == "https://loom.example"
    assert profile["urls"] == [
        {"name": "Coopnet profile", "url": f"{SITE}/coops/loom-digital/"},
        {"name": "github", "url": "https://github.com/loomcoop"},
        {"name": "mastodon", "url": "https://social.example/@loom"},
    ]
    assert profile["description"] == "We build accessible websites.\n\nSee our work."
    assert profile["tags"] == ["Web development", "Django"]  # one tag per name
    assert profile["country_iso_3166"] == "GB"
    assert profile["geolocation"] == {"lat": 53.8, "lon": -1.55}
    assert (
        profile["full_address"] == "1 Mill Street, Leeds, West Yorkshire, LS1 1AA, United Kingdom"
    )
    assert profile["contact_details"] == {"email": "hello@loom.example"}
    assert profile["image"] == "https://loom.example/logo.png"
    assert profile["starts_at"] == 1425168000  # 2015-03-01 UTC
    assert profile["status"] == "active"
    assert profile["relationships"] == [
        {"predicate_url": "https://schema.org/memberOf", "object_url": f"{SITE}/"}
    ]


def test_it_names_the_link_here_after_the_network(full_coop):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Northern Tech Co-ops"})

    profile = coop_murmurations_profile(full_coop)
    named = coop_murmurations_profile(full_coop, network_name="CoTech")

    assert profile["urls"][0]["name"] == "Northern Tech Co-ops profile"
    assert named["urls"][0]["name"] == "CoTech profile"


def test_it_publishes_a_minimal_profile_that_validates(validator, minimal_coop):
    profile = coop_murmurations_profile(minimal_coop)

    assert _errors(validator, profile) == []
    assert profile == {
        "linked_schemas": ["organizations_schema-v1.0.0"],
        "name": "Quiet Co-op",
        "primary_url": f"{SITE}/coops/quiet/",
        "status": "active",
    }


@pytest.mark.parametrize(
    ("latitude", "longitude", "geolocation"),
    [
        (51.5, -0.12, {"lat": 51.5, "lon": -0.12}),
        (None, None, None),
        (51.5, None, None),  # half a position is no position
        (95.0, 10.0, None),  # nor is one off the globe
    ],
)
def test_it_gives_a_geolocation_only_when_both_coordinates_are_known(
    validator, minimal_coop, latitude, longitude, geolocation
):
    minimal_coop.latitude, minimal_coop.longitude = latitude, longitude

    profile = coop_murmurations_profile(minimal_coop)

    assert _errors(validator, profile) == []
    assert profile.get("geolocation") == geolocation


def test_it_leaves_out_what_the_schema_would_refuse(validator, minimal_coop):
    minimal_coop.country = "UK"  # not an ISO code
    minimal_coop.website = "loom.example"  # no scheme
    minimal_coop.logo_url = "logo.png"
    minimal_coop.social_links = {"matrix": "@loom:matrix.example", "github": "a b"}
    minimal_coop.name = "x" * 250
    minimal_coop.founded_on = datetime.date(2001, 1, 1)
    minimal_coop.founded_precision = Coop.DatePrecision.ON_OR_BEFORE

    profile = coop_murmurations_profile(minimal_coop)

    assert _errors(validator, profile) == []
    assert len(profile["name"]) == 200
    assert profile["primary_url"] == f"{SITE}/coops/quiet/"
    for key in ("country_iso_3166", "image", "urls", "starts_at"):
        assert key not in profile


def test_it_makes_an_uploaded_logo_absolute(validator, minimal_coop):
    minimal_coop.logo.name = "logos/quiet.png"

    profile = coop_murmurations_profile(minimal_coop)

    assert profile["image"] == f"{SITE}/media/logos/quiet.png"
    assert coop_jsonld(minimal_coop)["logo"] == f"{SITE}/media/logos/quiet.png"
    assert _errors(validator, profile) == []


def test_it_describes_a_coop_as_schema_org_json_ld(full_coop):
    data = coop_jsonld(full_coop)

    assert data == {
        "@context": "https://schema.org",
        "@type": "Cooperative",
        "name": "Loom Digital",
        "url": "https://loom.example",
        "description": "We build accessible websites.\n\nSee our work.",
        "email": "hello@loom.example",
        "telephone": "+44 113 496 0000",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1 Mill Street",
            "addressLocality": "Leeds",
            "addressRegion": "West Yorkshire",
            "postalCode": "LS1 1AA",
            "addressCountry": "GB",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 53.8, "longitude": -1.55},
        "foundingDate": "2015-03",
        "numberOfEmployees": {"@type": "QuantitativeValue", "value": 7},
        "knowsAbout": ["Web development", "Django"],
        "sameAs": [
            f"{SITE}/coops/loom-digital/",
            "https://github.com/loomcoop",
            "https://social.example/@loom",
        ],
        "logo": "https://loom.example/logo.png",
    }
    assert json.loads(json.dumps(data)) == data  # nothing but plain JSON values


def test_it_leaves_empty_values_out_of_json_ld(minimal_coop):
    assert coop_jsonld(minimal_coop) == {
        "@context": "https://schema.org",
        "@type": "Cooperative",
        "name": "Quiet Co-op",
        "url": f"{SITE}/coops/quiet/",
    }


@pytest.mark.parametrize(
    ("precision", "founding_date"),
    [
        (Coop.DatePrecision.YEAR, "2015"),
        (Coop.DatePrecision.MONTH, "2015-03"),
        (Coop.DatePrecision.DAY, "2015-03-09"),
        (Coop.DatePrecision.ON_OR_BEFORE, None),
    ],
)
def test_it_says_no_more_of_the_founding_date_than_is_known(minimal_coop, precision, founding_date):
    minimal_coop.founded_on = datetime.date(2015, 3, 9)
    minimal_coop.founded_precision = precision

    assert coop_jsonld(minimal_coop).get("foundingDate") == founding_date


def test_it_can_be_embedded_safely_in_a_page(minimal_coop):
    minimal_coop.name = "</script><script>alert(1)</script>"
    minimal_coop.description = "<img src=x onerror=alert(1)> & more"

    data = coop_jsonld(minimal_coop)
    for embedded in (json_script(data, "coop-jsonld"), jsonld_script(data)):
        assert embedded.count("</script>") == 1
        assert "<img" not in embedded
    assert data["description"] == "& more"


def test_it_writes_json_ld_in_the_script_type_search_engines_read(full_coop):
    data = coop_jsonld(full_coop)

    script = str(jsonld_script(data))

    assert script.startswith('<script type="application/ld+json">')
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner) == data
