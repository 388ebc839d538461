import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopnet.directory.models import Client, Coop, Sector, Service, Technology
from coopnet.network.models import NetworkSettings

LIST_URL = reverse("directory:list")


def names(response) -> list[str]:
    """The co-ops on the page, in order, from the result cards' headings."""
    return re.findall(r'<h3><a href="/coops/[^"]+/">([^<]+)</a></h3>', response.content.decode())


def make_coop(name: str, **fields) -> Coop:
    fields.setdefault("status", Coop.Status.MEMBER)
    return Coop.objects.create(name=name, slug=name.lower().replace(" ", "-"), **fields)


def set_page_size(size: int) -> None:
    settings = NetworkSettings.load()
    settings.directory_page_size = size
    settings.save()


@pytest.fixture
def web(db):
    return Service.objects.create(name="Web development", slug="web")


@pytest.fixture
def hosting(db):
    return Service.objects.create(name="Hosting", slug="hosting")


def test_it_lists_member_coops_by_default(client, coop, other_coop):
    make_coop("Gone Co-op", status=Coop.Status.FORMER)
    make_coop("Watched Co-op", status=Coop.Status.OBSERVED)
    make_coop("Hopeful Co-op", status=Coop.Status.APPLICANT)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert names(response) == ["Hedgerow Digital", "Tidewater Tech"]
    assert "2 co-ops" in response.content.decode()


def test_it_includes_former_and_observed_coops_on_request_and_labels_them(client, coop):
    make_coop("Gone Co-op", status=Coop.Status.FORMER)
    make_coop("Watched Co-op", status=Coop.Status.OBSERVED)
    make_coop("Hopeful Co-op", status=Coop.Status.APPLICANT)

    response = client.get(LIST_URL, {"all": "1"})

    html = response.content.decode()
    assert names(response) == ["Gone Co-op", "Hedgerow Digital", "Watched Co-op"]
    assert "Hopeful" not in html
    assert '<span class="badge badge-former">Former member</span>' in html
    assert '<span class="badge badge-observed">Known, not a member</span>' in html
    assert '<span class="badge badge-member">Member</span>' in html
    assert re.search(r'name="all" value="1" checked', html)


def test_it_filters_by_every_chosen_service_and_technology(client, coop, other_coop, web, hosting):
    python = Technology.objects.create(name="Python", slug="python")
    coop.services.add(web, hosting)
    other_coop.services.add(web)
    other_coop.technologies.add(python)

    assert names(client.get(LIST_URL, {"service": "web"})) == ["Hedgerow Digital", "Tidewater Tech"]
    assert names(client.get(LIST_URL, {"service": ["web", "hosting"]})) == ["Hedgerow Digital"]
    assert names(client.get(LIST_URL, {"technology": "python"})) == ["Tidewater Tech"]
    assert names(client.get(LIST_URL, {"technology": "python", "service": "hosting"})) == []


def test_it_filters_by_the_sector_of_clients_or_of_the_coop(client, coop, other_coop):
    health = Sector.objects.create(name="Health", slug="health")
    coop.clients.add(Client.objects.create(name="A Hospital", slug="hospital", sector=health))
    third = make_coop("Care Tech", sector=health)

    response = client.get(LIST_URL, {"sector": "health"})

    assert names(response) == ["Care Tech", "Hedgerow Digital"]
    assert third.name in response.content.decode()
    assert '<option value="health" selected>Health</option>' in response.content.decode()


def test_it_filters_by_country_region_size_and_availability(client, coop, other_coop):
    make_coop("Fjord Data", country="NO", region="Vestland", workers=30, availability="booked")
    other_coop.region = "Devon"
    other_coop.availability = Coop.Availability.LIMITED
    other_coop.save()

    assert names(client.get(LIST_URL, {"country": "no"})) == ["Fjord Data"]
    assert names(client.get(LIST_URL, {"region": "devon"})) == ["Tidewater Tech"]
    assert names(client.get(LIST_URL, {"size": "1-3"})) == ["Tidewater Tech"]
    assert names(client.get(LIST_URL, {"size": "26+"})) == ["Fjord Data"]
    assert names(client.get(LIST_URL, {"availability": "available"})) == [
        "Hedgerow Digital",
        "Tidewater Tech",
    ]
    assert names(client.get(LIST_URL, {"availability": "booked"})) == ["Fjord Data"]


def test_it_ignores_filter_values_it_does_not_know(client, coop, other_coop):
    response = client.get(LIST_URL, {"size": "huge", "availability": "whenever", "page": "x"})

    assert response.status_code == 200
    assert names(response) == ["Hedgerow Digital", "Tidewater Tech"]
    assert "active-filters" not in response.content.decode()


def test_it_shows_country_names_in_the_country_filter(client, coop):
    html = client.get(LIST_URL).content.decode()

    assert '<option value="GB">United Kingdom (1)</option>' in html


def test_it_ranks_search_results_by_relevance(client, db, hosting):
    tagged = make_coop("Quiet Co-op", description="We look after servers.")
    tagged.services.add(hosting)
    make_coop("Hosting Collective")
    make_coop("Bakery", description="Bread and cakes.")

    response = client.get(LIST_URL, {"q": "hosting"})

    assert names(response) == ["Hosting Collective", "Quiet Co-op"]
    assert "2 co-ops" in response.content.decode()
    assert 'value="hosting"' in response.content.decode()


def test_it_combines_search_with_filters(client, coop, other_coop, web):
    coop.services.add(web)

    assert names(client.get(LIST_URL, {"q": "python", "service": "web"})) == []
    assert names(client.get(LIST_URL, {"q": "accessible", "service": "web"})) == [
        "Hedgerow Digital"
    ]


def test_it_paginates_and_page_links_keep_the_filters(client, db, web):
    set_page_size(2)
    for n in range(5):
        make_coop(f"Web Co-op {n}").services.add(web)
    make_coop("Other Co-op")

    first = client.get(LIST_URL, {"service": "web"})
    third = client.get(LIST_URL, {"service": "web", "page": "3"})

    assert names(first) == ["Web Co-op 0", "Web Co-op 1"]
    assert "5 co-ops" in first.content.decode()
    assert 'href="?service=web&amp;page=2"' in first.content.decode()
    assert names(third) == ["Web Co-op 4"]
    assert 'href="?service=web&amp;page=2" rel="prev"' in third.content.decode()


def test_it_shows_active_filters_each_with_a_link_that_removes_only_it(client, coop, web, hosting):
    coop.services.add(web, hosting)

    response = client.get(LIST_URL, {"service": ["web", "hosting"], "country": "GB", "page": "1"})

    html = response.content.decode()
    active = html[html.index('class="active-filters"') :]
    assert 'href="/coops/?service=hosting&amp;country=GB">Offers Web development' in active
    assert 'href="/coops/?service=web&amp;country=GB">Offers Hosting' in active
    assert 'href="/coops/?service=web&amp;service=hosting">United Kingdom' in active


def test_it_suggests_removing_filters_when_nothing_matches(client, coop):
    response = client.get(LIST_URL, {"q": "zeppelin"})

    html = response.content.decode()
    assert "0 co-ops" in html
    assert "No co-ops match all of these filters" in html
    assert 'href="/coops/?q=zeppelin&amp;all=1"' in html
    assert 'href="/coops/">Clear all filters' in html


def test_it_links_to_the_exports_with_the_same_filters(client, coop):
    html = client.get(LIST_URL, {"country": "GB", "all": "1", "page": "1"}).content.decode()

    assert f'href="{reverse("directory:export_csv")}?country=GB&amp;all=1"' in html
    assert f'href="{reverse("directory:export_json")}?country=GB&amp;all=1"' in html


def test_it_renders_a_plain_get_form_that_htmx_can_drive(client, coop):
    html = client.get(LIST_URL).content.decode()

    form = html[html.index('<form method="get"') : html.index("</form>")]
    assert f'action="{LIST_URL}"' in form
    assert 'hx-get="/coops/"' in form and 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    for control in ("id_q", "id_sector", "id_country", "id_size", "id_availability"):
        assert f'<label for="{control}"' in form
    assert '<button type="submit">' in form
    assert 'id="results" class="results" aria-live="polite"' in html
    assert html.count("<h1") == 1


def test_it_renders_only_the_results_for_htmx(client, coop, other_coop):
    response = client.get(LIST_URL, {"q": "python"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert names(response) == ["Tidewater Tech"]
    assert "1 co-op" in html
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_whole_page_when_htmx_restores_history(client, coop):
    response = client.get(
        LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_it_shows_card_details(client, coop, web, hosting):
    coop.services.add(web, hosting)
    coop.description = "We build **accessible** websites. For charities! And a lot more besides."
    coop.save()

    html = client.get(LIST_URL).content.decode()

    assert "Sheffield, United Kingdom" in html
    assert "6 workers" in html
    assert '<span class="badge badge-open">Open for work</span>' in html
    assert "<span>Hosting</span>" in html and "<span>Web development</span>" in html
    assert '<p class="excerpt">We build accessible websites. For charities!</p>' in html


def test_it_runs_the_same_queries_for_5_or_25_coops(client, db, django_assert_num_queries):
    set_page_size(50)
    services = [Service.objects.create(name=f"Service {n}", slug=f"s{n}") for n in range(3)]
    technologies = [Technology.objects.create(name=f"Tech {n}", slug=f"t{n}") for n in range(3)]

    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            coop = make_coop(f"Co-op {n:03}", country="GB", region="Yorkshire", workers=n + 1)
            coop.services.add(*services)
            coop.technologies.add(*technologies)

    add(0, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL, {"service": "s1"})
    add(5, 20)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL, {"service": "s1"})

    assert len(names(response)) == 25
