import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopnet.directory.models import Coop, Service, ServiceGroup, Technology
from coopnet.network.models import NetworkSettings


def names(response) -> list[str]:
    return re.findall(r'<h3><a href="/coops/[^"]+/">([^<]+)</a></h3>', response.content.decode())


def test_it_groups_the_service_index_by_service_group(client, coop, other_coop):
    build = ServiceGroup.objects.create(name="Build", slug="build", position=1)
    design = ServiceGroup.objects.create(name="Design", slug="design", position=0)
    web = Service.objects.create(name="Web development", slug="web", group=build)
    Service.objects.create(name="User research", slug="research", group=design)
    Service.objects.create(name="Knitting", slug="knitting")
    coop.services.add(web)
    other_coop.services.add(web)
    Coop.objects.create(name="Gone", slug="gone", status="former").services.add(web)

    response = client.get(reverse("directory:services"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(">Design</h2>") < html.index("User research") < html.index(">Build</h2>")
    assert html.index(">Build</h2>") < html.index("Web development")
    assert html.index("Web development") < html.index(">Other services</h2>")
    assert html.index(">Other services</h2>") < html.index("Knitting")
    assert f'<a href="{web.get_absolute_url()}">Web development</a>' in html
    assert "2 co-ops" in html  # members only: the former member is not counted


def test_it_lists_member_coops_that_offer_a_service(client, coop, other_coop):
    web = Service.objects.create(
        name="Web development",
        slug="web",
        description="Sites that *work*.",
        synonyms="websites\nweb design",
    )
    coop.services.add(web)
    Coop.objects.create(name="Gone", slug="gone", status="former").services.add(web)
    Coop.objects.create(name="Hopeful", slug="hopeful", status="applicant").services.add(web)

    response = client.get(reverse("directory:service", args=["web"]))

    html = response.content.decode()
    assert "<h1>Co-ops that offer Web development</h1>" in html
    assert "Sites that <em>work</em>." in html
    assert "Also called: websites, web design" in html
    assert names(response) == ["Hedgerow Digital"]
    assert "1 member co-op" in html
    assert 'href="/coops/?service=web"' in html


def test_it_lists_member_coops_that_use_a_technology(client, coop, other_coop):
    python = Technology.objects.create(name="Python", slug="python", website="https://python.org")
    other_coop.technologies.add(python)

    response = client.get(reverse("directory:technology", args=["python"]))

    html = response.content.decode()
    assert "<h1>Co-ops that use Python</h1>" in html
    assert names(response) == ["Tidewater Tech"]
    assert 'href="https://python.org" rel="nofollow noopener"' in html


def test_it_says_so_when_no_member_offers_a_service(client, db):
    Service.objects.create(name="Knitting", slug="knitting")

    html = client.get(reverse("directory:service", args=["knitting"])).content.decode()

    assert "0 member co-ops" in html
    assert "No member co-op lists this" in html
    assert 'href="/coops/?all=1&amp;service=knitting"' in html


def test_it_lists_technologies_with_member_counts(client, coop, other_coop):
    python = Technology.objects.create(name="Python", slug="python")
    Technology.objects.create(name="Elm", slug="elm")
    coop.technologies.add(python)
    other_coop.technologies.add(python)

    html = client.get(reverse("directory:technologies")).content.decode()

    assert html.index("Elm") < html.index("Python")
    assert f'<a href="{python.get_absolute_url()}">Python</a> <span class="count">2 co-ops' in html
    assert "0 co-ops" in html


def test_it_answers_404_for_unknown_slugs(client, db):
    assert client.get(reverse("directory:service", args=["nothing"])).status_code == 404
    assert client.get(reverse("directory:technology", args=["nothing"])).status_code == 404


def test_it_paginates_a_service_page(client, db):
    settings = NetworkSettings.load()
    settings.directory_page_size = 2
    settings.save()
    web = Service.objects.create(name="Web", slug="web")
    for n in range(3):
        Coop.objects.create(name=f"Co-op {n}", slug=f"c{n}", status="member").services.add(web)

    response = client.get(reverse("directory:service", args=["web"]), {"page": "2"})

    assert names(response) == ["Co-op 2"]
    assert "3 member co-ops" in response.content.decode()


def test_it_runs_the_same_queries_for_few_or_many_coops(client, db, django_assert_num_queries):
    web = Service.objects.create(name="Web", slug="web")
    python = Technology.objects.create(name="Python", slug="python")

    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            coop = Coop.objects.create(name=f"Co-op {n:02}", slug=f"c{n}", status="member")
            coop.services.add(web)
            coop.technologies.add(python)

    add(0, 2)
    url = reverse("directory:service", args=["web"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(2, 15)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert len(names(response)) == 17
