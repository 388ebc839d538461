"""GET /api/v1/services, /technologies, /sectors, /clients: terms with member counts."""

import pytest

from coopnet.directory.models import Client, Coop, Sector, Service, ServiceGroup, Technology


@pytest.fixture
def former(db):
    return Coop.objects.create(name="Gone Co", slug="gone-co", status=Coop.Status.FORMER)


def _by_slug(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {row["slug"]: row for row in response.json()["results"]}


def test_it_lists_services_with_group_synonyms_and_member_counts(client, coop, other_coop, former):
    build = ServiceGroup.objects.create(name="Build", slug="build")
    web = Service.objects.create(
        name="Web development", slug="web", group=build, synonyms="websites\nweb apps"
    )
    design = Service.objects.create(name="Design", slug="design")
    Service.objects.create(name="Astrology", slug="astrology")
    for member_coop in (coop, other_coop, former):
        member_coop.services.add(web)
    former.services.add(design)

    rows = _by_slug(client.get("/api/v1/services"))

    assert list(rows) == ["astrology", "design", "web"]
    assert rows["web"]["coop_count"] == 2
    assert rows["web"]["group"] == {"slug": "build", "name": "Build"}
    assert rows["web"]["synonyms"] == ["websites", "web apps"]
    assert rows["design"]["coop_count"] == 0
    assert rows["astrology"]["group"] is None


def test_it_lists_technologies_with_member_counts(client, coop, former):
    django_tech = Technology.objects.create(name="Django", slug="django")
    coop.technologies.add(django_tech)
    former.technologies.add(django_tech)

    rows = _by_slug(client.get("/api/v1/technologies"))

    assert rows["django"]["coop_count"] == 1


def test_it_counts_a_sector_once_per_coop_in_it_or_with_clients_in_it(
    client, coop, other_coop, former
):
    health = Sector.objects.create(name="Health", slug="health")
    Sector.objects.create(name="Empty", slug="empty")
    nhs = Client.objects.create(name="NHS", slug="nhs", sector=health)
    clinic = Client.objects.create(name="Clinic", slug="clinic", sector=health)
    coop.clients.add(nhs, clinic)  # two clients in the sector: still one co-op
    coop.sector = health
    coop.save()
    other_coop.sector = health
    other_coop.save()
    former.clients.add(nhs)

    rows = _by_slug(client.get("/api/v1/sectors"))

    assert rows["health"]["coop_count"] == 2
    assert rows["empty"]["coop_count"] == 0


def test_it_lists_clients_with_their_sector(client, coop):
    health = Sector.objects.create(name="Health", slug="health")
    nhs = Client.objects.create(name="NHS", slug="nhs", sector=health, website="https://nhs.uk")
    Client.objects.create(name="Nobody", slug="nobody")
    coop.clients.add(nhs)

    rows = _by_slug(client.get("/api/v1/clients"))

    assert rows["nhs"]["sector"] == {"slug": "health", "name": "Health"}
    assert rows["nhs"]["website"] == "https://nhs.uk"
    assert rows["nhs"]["coop_count"] == 1
    assert rows["nobody"]["sector"] is None


@pytest.mark.parametrize("path", ["/api/v1/services", "/api/v1/technologies", "/api/v1/sectors"])
def test_it_pages_every_taxonomy(client, db, path):
    model = {"services": Service, "technologies": Technology, "sectors": Sector}[
        path.split("/")[-1]
    ]
    for n in range(3):
        model.objects.create(name=f"Term {n}", slug=f"term-{n}")

    body = client.get(path, {"page_size": 2, "page": 2}).json()

    assert body["count"] == 3
    assert [row["slug"] for row in body["results"]] == ["term-2"]
    assert body["next"] is None and "page=1" in body["previous"]


def test_it_pages_clients(client, db):
    for n in range(3):
        Client.objects.create(name=f"Client {n}", slug=f"client-{n}")

    body = client.get("/api/v1/clients", {"page_size": 2}).json()

    assert [row["slug"] for row in body["results"]] == ["client-0", "client-1"]
    assert body["count"] == 3
