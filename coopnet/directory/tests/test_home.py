import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopnet.directory.models import Client, Coop, Service, Technology


def figure(html: str, label: str) -> str:
    """The number shown beside `label` in the figures list."""
    match = re.search(
        r'figure-value">([\d,]+)</span> <span class="figure-label">' + re.escape(label), html
    )
    assert match, f"no figure labelled {label!r}"
    return match.group(1)


def make_coops(count: int, *, start: int = 0) -> None:
    web, _ = Service.objects.get_or_create(slug="web", defaults={"name": "Web development"})
    python, _ = Technology.objects.get_or_create(slug="python", defaults={"name": "Python"})
    for n in range(start, start + count):
        coop = Coop.objects.create(
            name=f"Co-op {n:03}", slug=f"coop-{n:03}", status=Coop.Status.MEMBER, workers=4
        )
        coop.services.add(web)
        coop.technologies.add(python)


def test_it_computes_the_network_totals_from_member_coops(client, coop, other_coop):
    # coop: GB, 6 workers, 5 worker-owners; other_coop: GB, 3 workers, no worker-owner figure
    third = Coop.objects.create(
        name="Fjord Data", slug="fjord", status="member", country="NO", workers=20, worker_owners=12
    )
    Coop.objects.create(
        name="Gone Co-op", slug="gone", status="former", country="FR", workers=100, worker_owners=90
    )
    Coop.objects.create(name="Watched", slug="watched", status="observed", worker_owners=7)
    web = Service.objects.create(name="Web development", slug="web")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    Service.objects.create(name="Unused", slug="unused")
    coop.services.add(web, hosting)
    other_coop.services.add(web)
    charity = Client.objects.create(name="A Charity", slug="charity")
    council = Client.objects.create(name="A Council", slug="council")
    coop.clients.add(charity, council)
    third.clients.add(charity)
    Coop.objects.get(slug="gone").clients.add(Client.objects.create(name="Old", slug="old"))

    html = client.get(reverse("home")).content.decode()

    assert figure(html, "member co-ops") == "3"
    assert figure(html, "worker-owners") == "17"
    assert figure(html, "workers") == "29"
    assert figure(html, "countries") == "2"
    assert figure(html, "services offered") == "2"
    assert figure(html, "clients served") == "2"
    assert "from 2 of 3 co-ops" in html  # worker-owners: other_coop gave no figure
    assert "from 3 of 3 co-ops" in html  # workers: all gave one


def test_it_shows_zero_totals_on_an_empty_network(client, db):
    html = client.get(reverse("home")).content.decode()

    assert figure(html, "member co-ops") == "0"
    assert figure(html, "worker-owners") == "0"
    assert "from 0 of 0 co-ops" in html


def test_it_lists_the_most_offered_services_first(client, coop, other_coop):
    web = Service.objects.create(name="Web development", slug="web")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    coop.services.add(web, hosting)
    other_coop.services.add(web)

    html = client.get(reverse("home")).content.decode()

    section = html[html.index("Most offered services") :]
    assert section.index("Web development") < section.index("Hosting")
    assert f'href="{web.get_absolute_url()}"' in section
    assert "2 co-ops" in section


def test_it_offers_a_search_box_that_goes_to_the_directory(client, db):
    html = client.get(reverse("home")).content.decode()

    assert f'action="{reverse("directory:list")}"' in html
    assert 'role="search"' in html
    assert re.search(r'<label[^>]*for="home-q"', html)
    assert 'name="q"' in html
    assert "How to hire the network" in html


def test_it_runs_the_same_queries_for_5_or_25_coops(client, db, django_assert_num_queries):
    make_coops(5)
    client.get(reverse("home"))  # the network settings row is created on the first visit
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    make_coops(20, start=5)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))

    assert figure(response.content.decode(), "member co-ops") == "25"


def test_it_shows_the_privacy_page_with_a_way_to_get_or_delete_your_data(client, db):
    response = client.get(reverse("directory:privacy"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'href="{reverse("accounts:dashboard")}"' in html
    for subject in ("Accounts", "audit log", "Email", "sign-ins", "hash"):
        assert subject in html
