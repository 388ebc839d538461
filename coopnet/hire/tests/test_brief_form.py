"""/hire/: a client writes a brief without an account."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import run_queued_tasks
from coopnet.directory.models import Sector, Service, ServiceGroup
from coopnet.hire.models import Brief
from coopnet.network.models import NetworkSettings

URL = "/hire/"


@pytest.fixture
def taxonomy(db):
    web = ServiceGroup.objects.create(name="Web", slug="web", position=1)
    Service.objects.create(name="Web development", slug="web-development", group=web)
    Service.objects.create(name="Accessibility audits", slug="accessibility", group=web)
    Service.objects.create(name="Training", slug="training")
    return Sector.objects.create(name="Charities", slug="charities")


def form_data(**overrides) -> dict:
    data = {
        "contact_name": "Cara Client",
        "contact_email": "cara@riverside.example",
        "organisation": "Riverside Food Bank",
        "sector": "",
        "text": "An accessible website for our food bank.",
        "budget": "5k-20k",
        "timeline": "1-3-months",
        "effort_days": "30",
        "location": "Sheffield",
        "remote_ok": "on",
        "consent_to_share": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_it_keeps_the_name_the_navigation_uses():
    assert reverse("hire:brief_new") == URL


def test_it_shows_the_form_to_anyone_with_services_grouped(client, taxonomy):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Hire the network</h1>" in html
    assert "What happens next" in html
    for name in ("contact_name", "contact_email", "text", "consent_to_share", "effort_days"):
        assert f'name="{name}"' in html
    # Grouped as the directory groups services; ungrouped ones come last under "Other services".
    assert html.index("<strong>Web</strong>") < html.index("Web development")
    assert html.index("Accessibility audits") < html.index("<strong>Other services</strong>")
    assert html.index("<strong>Other services</strong>") < html.index("Training")
    assert '<option value="' in html and "Charities" in html


def test_it_hides_the_honeypot_from_people_and_screen_readers(client, db):
    html = client.get(URL).content.decode()

    wrapper = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper is not None
    assert 'name="website"' in wrapper.group(1)
    assert 'tabindex="-1"' in wrapper.group(1)
    assert 'autocomplete="off"' in wrapper.group(1)


def test_it_saves_a_brief_and_thanks_the_client_without_showing_the_link(client, taxonomy):
    web = Service.objects.get(slug="web-development")

    response = client.post(
        URL, form_data(sector=str(taxonomy.pk), services=[str(web.pk)]), follow=True
    )

    assert response.redirect_chain == [(reverse("hire:brief_thanks"), 302)]
    brief = Brief.objects.get()
    assert (brief.contact_name, brief.contact_email, brief.organisation) == (
        "Cara Client",
        "cara@riverside.example",
        "Riverside Food Bank",
    )
    assert brief.sector == taxonomy
    assert list(brief.services.all()) == [web]
    assert (brief.budget, brief.timeline, brief.effort_days) == ("5k-20k", "1-3-months", 30)
    assert brief.remote_ok is True and brief.consent_to_share is True
    assert brief.status == Brief.Status.NEW
    html = response.content.decode()
    assert "cara@riverside.example" in html
    assert "/hire/brief/" not in html


@pytest.mark.django_db(transaction=True)
def test_it_mails_the_client_a_private_link_that_opens_their_brief(client, taxonomy, mailoutbox):
    cache.clear()
    client.post(URL, form_data())
    run_queued_tasks()

    (mail,) = [m for m in mailoutbox if m.to == ["cara@riverside.example"]]
    path = re.search(r"https?://[^/\s]+(/hire/brief/[^/\s]+/)", mail.body).group(1)
    response = client.get(path)
    assert response.status_code == 200
    assert "An accessible website for our food bank." in response.content.decode()
    cache.clear()


def test_it_keeps_what_was_typed_and_explains_each_error(client, taxonomy):
    response = client.post(
        URL, form_data(contact_email="not an address", consent_to_share=None, contact_name="")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "An accessible website for our food bank." in html
    assert 'value="not an address"' in html
    assert "We can send your brief to co-ops only if you agree to this." in html
    assert "Enter a valid email address." in html
    # Each message is tied to its field, and the summary links to it.
    assert re.search(r'aria-describedby="[^"]*id_contact_email_error[^"]*"', html)
    assert 'id="id_contact_email_error"' in html
    assert 'href="#id_consent_to_share"' in html
    assert not Brief.objects.exists()


def test_it_refuses_an_effort_that_is_not_a_whole_number(client, db):
    response = client.post(URL, form_data(effort_days="lots"))

    assert response.status_code == 400
    assert not Brief.objects.exists()


def test_it_shows_the_thanks_page_to_a_filled_honeypot_but_saves_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, form_data(website="http://spam.example"), follow=True)

    assert response.redirect_chain == [(reverse("hire:brief_thanks"), 302)]
    assert "Thank you: your brief is with us" in response.content.decode()
    assert not Brief.objects.exists()
    assert callbacks == []


def test_it_stops_too_many_briefs_from_one_address_and_keeps_the_text(client, db):
    network = NetworkSettings.load()
    network.brief_rate_per_hour = 1
    network.save()

    assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data(text="A second brief, typed with care."))

    assert response.status_code == 429
    html = response.content.decode()
    assert "several briefs from your address in the last hour" in html
    assert "A second brief, typed with care." in html
    assert Brief.objects.count() == 1
    assert "email the network" not in html  # no contact address set: no empty promise

    network.contact_email = "coordinators@network.example"
    network.save()
    html = client.post(URL, form_data(text="A third.")).content.decode()
    assert "Or email the network at coordinators@network.example." in html


def test_it_says_what_happens_next_as_the_network_routes_briefs(client, db):
    coordinator_reads = "A coordinator of the network reads it and sends it"
    assert coordinator_reads in client.get(URL).content.decode()

    network = NetworkSettings.load()
    network.briefs_route_automatically = True
    network.save()
    html = client.get(URL).content.decode()

    assert coordinator_reads not in html
    assert "It goes at once to the member co-ops that fit it best" in html

    network.brief_auto_route_count = 0  # switched on, but to no co-op: nothing is sent
    network.save()
    assert coordinator_reads in client.get(URL).content.decode()


def test_it_says_where_the_mail_went_only_once(client, db):
    client.post(URL, form_data())

    assert "cara@riverside.example" in client.get(reverse("hire:brief_thanks")).content.decode()
    assert "cara@riverside.example" not in client.get(reverse("hire:brief_thanks")).content.decode()
