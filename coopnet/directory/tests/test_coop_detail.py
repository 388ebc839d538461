import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    Technology,
)

PASSWORD = "correct horse 42"


def detail_url(coop: Coop) -> str:
    return reverse("directory:coop", args=[coop.slug])


def jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


def meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    assert match, f"no {prop} meta tag"
    return match.group(1)


def test_it_shows_the_profile(client, coop):
    coop.address = "1 Mill Lane"
    coop.region = "South Yorkshire"
    coop.website = "https://hedgerow.example"
    coop.email = "hello@hedgerow.example"
    coop.phone = "+44 114 496 0000"
    coop.social_links = {"github": "hedgerow", "mastodon": "https://social.example/@hedgerow"}
    coop.save()
    web = Service.objects.create(name="Web development", slug="web")
    python = Technology.objects.create(name="Python", slug="python")
    health = Sector.objects.create(name="Health", slug="health")
    coop.services.add(web)
    coop.technologies.add(python)
    coop.clients.add(Client.objects.create(name="A Hospital", slug="hospital", sector=health))

    response = client.get(detail_url(coop))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and "<h1>Hedgerow Digital</h1>" in html
    assert "We build <strong>accessible</strong> websites for charities." in html
    assert f'<a href="{web.get_absolute_url()}">Web development</a>' in html
    assert f'<a href="{python.get_absolute_url()}">Python</a>' in html
    assert "A Hospital" in html and "Health" in html
    assert "1 Mill Lane" in html and "South Yorkshire" in html and "United Kingdom" in html
    assert "<dt>Worker-owners</dt><dd>5</dd>" in html
    assert "<dt>Workers</dt><dd>6</dd>" in html
    assert 'href="https://hedgerow.example"' in html
    assert 'href="mailto:hello@hedgerow.example"' in html
    assert 'href="tel:+441144960000"' in html
    assert 'href="https://github.com/hedgerow"' in html
    assert 'href="https://social.example/@hedgerow"' in html
    assert f'href="{reverse("directory:murmurations", args=[coop.slug])}"' in html


def test_it_sanitises_the_description(client, coop):
    coop.description = (
        'Hi <script>alert("x")</script> [x](javascript:alert(1)) <b onclick="y()">b</b>'
    )
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    body = html.split("</head>")[1]
    assert "Hi" in body
    assert "<script" not in body and "alert(" not in body
    assert "javascript:" not in body and "onclick" not in body
    assert "<b>b</b>" in body


def test_it_shows_membership_dates_as_precisely_as_they_are_known(client, coop):
    coop.joined_on = datetime.date(2018, 11, 10)
    coop.joined_precision = Coop.DatePrecision.ON_OR_BEFORE
    coop.save()
    assert "joined on or before 2018-11-10" in client.get(detail_url(coop)).content.decode()

    coop.joined_precision = Coop.DatePrecision.YEAR
    coop.save()
    assert "Member of the network since 2018<" in client.get(detail_url(coop)).content.decode()


def test_it_labels_a_former_member(client, coop):
    coop.status = Coop.Status.FORMER
    coop.left_on = datetime.date(2021, 6, 1)
    coop.left_precision = Coop.DatePrecision.YEAR
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    assert '<span class="badge badge-former">Former member</span>' in html
    assert "Former member, left 2021" in html
    assert "no longer a member of the network" in html


def test_it_labels_an_observed_coop(client, coop):
    coop.status = Coop.Status.OBSERVED
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    assert "Known to the network, not a member" in html
    assert "not a member of the network" in html


def test_it_shows_availability_and_when_it_was_confirmed(client, coop):
    coop.availability = Coop.Availability.FULLY_BOOKED
    coop.booked_until = datetime.date(2027, 3, 31)
    coop.spare_capacity_days = 4
    coop.availability_updated_at = timezone.make_aware(datetime.datetime(2026, 10, 2, 12))
    coop.updated_at = timezone.make_aware(datetime.datetime(2026, 10, 5, 12))
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    assert '<span class="badge badge-booked">Fully booked</span>' in html
    assert "<dt>Fully booked until</dt><dd>2027-03-31</dd>" in html
    assert "4 person-days a month" in html
    assert "Availability confirmed 2026-10-02" in html
    assert "Last updated 2026-10-05" in html


def test_it_shows_case_studies_with_the_other_coops_on_them(client, coop, other_coop):
    hopeful = Coop.objects.create(name="Hopeful", slug="hopeful", status="applicant")
    study = CaseStudy.objects.create(
        title="Clinic booking",
        slug="clinic",
        client_name="Town Clinic",
        summary="We built *booking*.<script>x()</script>",
        year=2024,
    )
    study.coops.add(coop, other_coop, hopeful)

    html = client.get(detail_url(coop)).content.decode()

    section = html[html.index('id="case-studies-heading"') :]
    assert "<h3>Clinic booking</h3>" in section
    assert "For Town Clinic · 2024" in section
    assert "We built <em>booking</em>." in section and "x()" not in section
    assert f'<a href="{other_coop.get_absolute_url()}">Tidewater Tech</a>' in section
    assert "Hopeful" not in section  # applicants are not public yet, not even by name
    assert f'<a href="{coop.get_absolute_url()}">' not in section


def test_it_names_its_sources(client, coop):
    CoopSource.objects.create(
        coop=coop, source="cotech-jekyll", source_id="hedgerow", url="https://coops.tech/co-op/h"
    )

    html = client.get(detail_url(coop)).content.decode()

    assert "Imported from cotech-jekyll (" in html
    assert '<a href="https://coops.tech/co-op/h" rel="nofollow noopener">hedgerow</a>' in html


def test_it_does_not_hotlink_an_outside_logo(client, coop):
    coop.logo_url = "https://tracker.example/logo.png"
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    assert "tracker.example" not in html.split("</head>")[1]
    assert '<span aria-hidden="true">HD</span>' in html
    assert "og:image" not in html


def test_it_shows_an_uploaded_logo_with_alt_text_and_as_og_image(client, coop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://coopnet.example"
    coop.logo = SimpleUploadedFile("hedgerow.png", b"\x89PNG fake", content_type="image/png")
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    assert f'<img src="{coop.logo.url}" alt="Logo of Hedgerow Digital">' in html
    assert meta(html, "og:image") == f"https://coopnet.example{coop.logo.url}"


def test_it_has_opengraph_tags_with_absolute_addresses(client, coop, settings):
    settings.SITE_URL = "https://coopnet.example"

    html = client.get(detail_url(coop)).content.decode()

    assert meta(html, "og:title") == "Hedgerow Digital"
    assert meta(html, "og:description") == "We build accessible websites for charities."
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:url") == "https://coopnet.example/coops/hedgerow-digital/"
    assert '<link rel="canonical" href="https://coopnet.example/coops/hedgerow-digital/">' in html


def test_it_publishes_jsonld_of_type_cooperative(client, coop):
    data = jsonld(client.get(detail_url(coop)).content.decode())

    assert data["@type"] == "Cooperative"
    assert data["name"] == "Hedgerow Digital"


def test_it_escapes_the_jsonld_so_no_value_can_end_the_script(client, coop):
    coop.name = "Evil </script><script>alert(1)</script> & Co"
    coop.save()

    html = client.get(detail_url(coop)).content.decode()

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert jsonld(html)["name"] == "Evil </script><script>alert(1)</script> & Co"


def test_it_answers_404_for_an_unknown_coop(client, db):
    assert client.get(reverse("directory:coop", args=["nobody"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("other_member", 404),
        ("member", 200),
        ("coordinator", 200),
    ],
)
def test_it_shows_an_applicant_only_to_its_members_and_coordinators(
    client, coop, request, who, expected
):
    coop.status = Coop.Status.APPLICANT
    coop.save()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(detail_url(coop))

    assert response.status_code == expected
    if expected == 200:
        assert "not public yet" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "can_edit"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("other_member", False),
        ("member", True),
        ("coordinator", True),
    ],
)
def test_it_offers_the_edit_link_only_to_those_who_may_edit(client, coop, request, who, can_edit):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    html = client.get(detail_url(coop)).content.decode()

    assert (reverse("directory:coop_edit", args=[coop.slug]) in html) is can_edit
    assert ("Edit this profile" in html) is can_edit


def test_it_fetches_in_a_fixed_number_of_queries(
    client, coop, other_coop, django_assert_num_queries
):
    def add_terms(start: int, count: int) -> None:
        for n in range(start, start + count):
            coop.services.add(Service.objects.create(name=f"S{n}", slug=f"s{n}"))
            coop.clients.add(Client.objects.create(name=f"C{n}", slug=f"c{n}"))
            study = CaseStudy.objects.create(title=f"Study {n}", slug=f"study-{n}")
            study.coops.add(coop, other_coop)

    add_terms(0, 1)
    client.get(detail_url(coop))  # the network settings row is created on the first visit
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(coop))
    add_terms(1, 10)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(detail_url(coop)).content.decode()

    assert "Study 10" in html
