import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from conftest import shared_data
from coopnet.directory.models import Client, Sector
from coopnet.directory.sectors import (
    RULES,
    SECTOR_SLUGS,
    SECTORS,
    clients_infer_sectors,
    ensure_sectors,
    infer_sector,
    rules_markdown,
    sectors_markdown,
)

DOCS = Path(settings.BASE_DIR) / "docs" / "sectors.md"

# Clients of the CoTech co-ops (by slug in taxonomies.json) whose sector is not in doubt.
KNOWN_CLIENTS = {
    "oxford-city-council": "local-government",
    "oxfordshire-county-council": "local-government",
    "tameside-metropolitan-borough-council": "local-government",
    "WECA": "local-government",
    "university-of-oxford": "education",
    "king-s-college-london": "education",
    "sussex-downs-college": "education",
    "nhs": "health",
    "ouh": "health",  # Oxford University Hospitals: not a university
    "south-london-and-maudsley-nhs-trust": "health",  # an NHS trust: not a charity
    "the-british-council": "arts-culture",  # not a local council
    "national-council-for-voluntary-organisations": "charity",
    "european-union": "central-government",  # not a trade union
    "government-digital-service": "central-government",
    "crown-commercial-service": "central-government",
    "tuc": "trade-union",
    "national-union-of-teachers": "trade-union",
    "co-operatives-uk": "cooperative",
    "the-phone-coop": "cooperative",
    "cairn-housing-association": "housing",
    "oxfam": "international-development",
    "unicef": "international-development",
    "greenpeace": "environment",
    "the-woodland-trust": "environment",
    "bbc": "media",
    "oxford-university-press": "media",
    "british-museum": "arts-culture",
    "labour-party": "campaigns",
    "aston-villa-fc": "sport",
    "shaw-trust": "charity",
    "big-lottery-fund": "charity",
    "isd": "research",  # Institute for Strategic Dialogue,
    "bates-wells-braithwaite-llp": "business",
}


@pytest.fixture(scope="module")
def real_clients() -> dict[str, dict]:
    taxonomies = json.loads(shared_data("cotech", "taxonomies.json").read_text())
    return {client["slug"]: client for client in taxonomies["clients"]}


def _infer(client: dict) -> str | None:
    return infer_sector(client.get("title", ""), client.get("website", ""))


def test_it_places_known_real_clients_in_the_right_sector(real_clients):
    found = {slug: _infer(real_clients[slug]) for slug in KNOWN_CLIENTS}

    assert found == KNOWN_CLIENTS


def test_it_infers_a_sector_for_two_thirds_of_the_real_clients(real_clients):
    inferred = [slug for slug, client in real_clients.items() if _infer(client)]

    # 295 of 445 when the rules were written (docs/sectors.md reports the share).
    assert len(real_clients) == 445
    assert len(inferred) / len(real_clients) >= 0.65


def test_it_reads_names_before_websites():
    assert infer_sector("en10ergy Limited", "https://en10ergy.org.uk/") == "business"
    assert infer_sector("Anything", "https://www.anything.gov.uk") == "central-government"
    assert infer_sector("Anything", "https://www.anything.ac.uk/") == "education"
    assert infer_sector("Anything", "anything.org.uk") == "charity"
    assert infer_sector("Brighton & Hove City Council") == "local-government"
    assert infer_sector("Leeds Bread Co-op") == "cooperative"
    assert infer_sector("Deliveroo") is None
    assert infer_sector("") is None


def test_it_matches_whole_words_only():
    assert infer_sector("Artisan Bakers") is None  # "art" is not in "artisan"
    assert infer_sector("Unionville Ltd") == "business"  # nor "union" in "Unionville"


def test_it_documents_every_sector_and_rule():
    docs = DOCS.read_text()
    sectors = re.search(r"<!-- sectors:start -->\n(.*)<!-- sectors:end -->", docs, re.S)
    rules = re.search(r"<!-- rules:start -->\n(.*)<!-- rules:end -->", docs, re.S)

    assert sectors and sectors.group(1) == sectors_markdown()
    assert rules and rules.group(1) == rules_markdown()
    assert {rule.sector for rule in RULES} <= SECTOR_SLUGS


def test_it_creates_the_sectors_once_and_keeps_a_coordinators_edits(db):
    created = ensure_sectors()
    assert set(created) == SECTOR_SLUGS
    assert Sector.objects.count() == len(SECTORS)

    Sector.objects.filter(slug="charity").update(name="Charities")
    again = ensure_sectors()

    assert again["charity"].name == "Charities"
    assert Sector.objects.count() == len(SECTORS)


def test_it_infers_client_sectors_but_never_over_a_coordinators_choice(db):
    sectors = ensure_sectors()
    council = Client.objects.create(name="Oxford City Council", slug="occ")
    chosen = Client.objects.create(
        name="Sheffield City Council",
        slug="scc",
        sector=sectors["housing"],
        sector_source=Client.SectorSource.COORDINATOR,
    )
    unknown = Client.objects.create(name="Deliveroo", slug="deliveroo")

    assert clients_infer_sectors() == 1
    assert clients_infer_sectors() == 0

    council.refresh_from_db()
    chosen.refresh_from_db()
    unknown.refresh_from_db()
    assert (council.sector.slug, council.sector_source) == ("local-government", "inferred")
    assert (chosen.sector.slug, chosen.sector_source) == ("housing", "coordinator")
    assert (unknown.sector, unknown.sector_source) == (None, "")


def test_it_infers_only_for_the_clients_it_is_given(db):
    first = Client.objects.create(name="University of Bath", slug="bath")
    second = Client.objects.create(name="University of Glasgow", slug="glasgow")

    assert clients_infer_sectors(clients=Client.objects.filter(pk=first.pk)) == 1

    second.refresh_from_db()
    assert second.sector is None
