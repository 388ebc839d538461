import datetime

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopnet.audit.models import AuditEvent
from coopnet.directory.forms import (
    CoopAvailabilityForm,
    CoopProfileForm,
    CoopRulesMixin,
    CoopStandingForm,
)
from coopnet.directory.models import (
    DESCRIPTION_MAX_LENGTH,
    Client,
    Coop,
    Sector,
    Service,
    ServiceGroup,
    Technology,
)
from coopnet.network.models import NetworkSettings

PASSWORD = "correct horse 42"


def edit_url(coop: Coop) -> str:
    return reverse("directory:coop_edit", args=[coop.slug])


def as_posted(form: forms.BaseForm) -> dict:
    """What a browser posts for the page as rendered: every value and its hidden initial copy."""
    data: dict = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(value, bool):
            posted = "on" if value else None
        elif isinstance(value, (list, tuple)):
            posted = [str(v) for v in value]
        else:
            posted = "" if value is None else str(value)
        if posted is not None:
            data[bound.html_name] = posted
            if bound.field.show_hidden_initial:
                data[bound.html_initial_name] = posted
    return data


def page_data(coop: Coop, *, coordinator: bool = False, **changes) -> dict:
    data = as_posted(CoopProfileForm(instance=coop))
    if coordinator:
        data |= as_posted(CoopStandingForm(instance=coop))
    data.update(changes)
    return data


def events_for(coop: Coop):
    return AuditEvent.objects.for_object(coop)


# --- who may see and use the page ------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_sign_in(client, coop, method):
    response = getattr(client, method)(edit_url(coop), {"name": "Hijacked"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    coop.refresh_from_db()
    assert coop.name == "Hedgerow Digital"


@pytest.mark.parametrize("username", ["outsider", "othermember"])
def test_it_refuses_people_outside_the_coop(client, coop, outsider, other_member, username):
    client.login(username=username, password=PASSWORD)
    response = client.get(edit_url(coop))
    assert response.status_code == 403
    assert "You can edit only your own co-op's profile." in response.content.decode()
    response = client.post(edit_url(coop), page_data(coop, name="Hijacked"))
    assert response.status_code == 403
    coop.refresh_from_db()
    assert coop.name == "Hedgerow Digital"
    assert not events_for(coop).exists()


def test_it_returns_404_for_an_unknown_coop(client, member):
    client.force_login(member)
    assert client.get(reverse("directory:coop_edit", args=["no-such-coop"])).status_code == 404


def test_it_shows_the_form_to_a_worker_owner_without_the_coordinator_section(client, coop, member):
    client.force_login(member)
    response = client.get(edit_url(coop))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="name"' in page and 'value="Hedgerow Digital"' in page
    assert 'name="status"' not in page
    assert "Update availability" in page
    # Availability is asked once, in the small form at the top, not again in the profile form.
    assert page.count('name="avail-availability"') == 1
    assert 'name="availability"' not in page and 'name="booked_until"' not in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page


def test_it_shows_the_coordinator_section_to_coordinators(client, coop, coordinator):
    client.force_login(coordinator)
    response = client.get(edit_url(coop))
    assert response.status_code == 200
    assert 'name="status"' in response.content.decode()
    assert 'name="joined_on"' in response.content.decode()


# --- saving --------------------------------------------------------------------------------


def test_it_saves_a_worker_owners_edit_and_records_it(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        page_data(coop, name="Hedgerow Digital Co-op", phone="0114 496 0000"),
    )
    assert response.status_code == 302
    assert response["Location"] == coop.get_absolute_url()
    coop.refresh_from_db()
    assert coop.name == "Hedgerow Digital Co-op"
    assert coop.phone == "0114 496 0000"
    assert set(coop.self_edited_fields) == {"name", "phone"}

    event = events_for(coop).get()
    assert event.action == "coop.update"
    assert event.actor == member
    assert event.changes == {
        "name": ["Hedgerow Digital", "Hedgerow Digital Co-op"],
        "phone": ["", "0114 496 0000"],
    }


def test_it_shows_a_success_message_after_saving(client, coop, member):
    client.force_login(member)
    response = client.post(edit_url(coop), page_data(coop, locality="Leeds"))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Your changes to the profile are saved."]


def test_it_says_so_when_nothing_changed(client, coop, member):
    client.force_login(member)
    response = client.post(edit_url(coop), page_data(coop))
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["Nothing was changed."]
    assert not events_for(coop).exists()
    coop.refresh_from_db()
    assert coop.self_edited_fields == {}


def test_it_lets_a_coordinator_edit_any_coop_and_its_standing(client, other_coop, coordinator):
    client.force_login(coordinator)
    response = client.post(
        edit_url(other_coop),
        page_data(
            other_coop,
            coordinator=True,
            name="Tidewater Technology",
            status=Coop.Status.FORMER,
            joined_on="2018-03-01",
            left_on="2024-06-30",
        ),
    )
    assert response.status_code == 302
    other_coop.refresh_from_db()
    assert other_coop.name == "Tidewater Technology"
    assert other_coop.status == Coop.Status.FORMER
    assert other_coop.joined_on == datetime.date(2018, 3, 1)
    assert other_coop.left_on == datetime.date(2024, 6, 30)
    # Coordinators' edits are not the co-op's own: a later import may still update them.
    assert other_coop.self_edited_fields == {}
    event = events_for(other_coop).get()
    assert event.changes["status"] == ["member", "former"]
    assert event.changes["left_on"] == [None, "2024-06-30"]


def test_it_ignores_coordinator_only_fields_posted_by_a_worker_owner(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        page_data(
            coop,
            locality="Leeds",
            status=Coop.Status.FORMER,
            **{"initial-status": Coop.Status.MEMBER},
            joined_on="2001-01-01",
            left_on="2002-01-01",
        ),
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.status == Coop.Status.MEMBER
    assert coop.joined_on is None and coop.left_on is None
    assert coop.locality == "Leeds"
    assert set(events_for(coop).get().changes) == {"locality"}


def test_it_records_only_the_fields_that_changed_on_the_page(client, coop, member):
    client.force_login(member)
    client.post(edit_url(coop), page_data(coop, region="South Yorkshire"))
    assert set(events_for(coop).get().changes) == {"region"}


def test_it_never_writes_a_stale_page_over_newer_values(client, coop, member):
    """A page opened before an availability update must not put the old availability back."""
    client.force_login(member)
    stale_page = page_data(coop, locality="Rotherham")
    Coop.objects.filter(pk=coop.pk).update(availability=Coop.Availability.LIMITED)
    client.post(edit_url(coop), stale_page)
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.LIMITED
    assert coop.locality == "Rotherham"


def test_it_saves_social_links_and_keeps_other_kinds(client, coop, member):
    coop.social_links = {"facebook": "https://facebook.com/hedgerow", "twitter": "hedgerow"}
    coop.save()
    client.force_login(member)
    client.post(
        edit_url(coop),
        page_data(
            coop,
            social_mastodon="https://social.coop/@hedgerow",
            social_twitter="",
        ),
    )
    coop.refresh_from_db()
    assert coop.social_links == {
        "facebook": "https://facebook.com/hedgerow",
        "mastodon": "https://social.coop/@hedgerow",
    }
    assert "social_links" in coop.self_edited_fields


def test_it_saves_services_technologies_and_clients(client, coop, member):
    group = ServiceGroup.objects.create(name="Build", slug="build")
    web = Service.objects.create(name="Web development", slug="web", group=group)
    Service.objects.create(name="Hosting", slug="hosting")
    django = Technology.objects.create(name="Django", slug="django")
    charities = Sector.objects.create(name="Charities", slug="charities")
    oxfam = Client.objects.create(name="A Charity", slug="a-charity", sector=charities)
    client.force_login(member)

    page = client.get(edit_url(coop)).content.decode()
    assert "Build" in page and "Other services" in page and "Charities" in page

    response = client.post(
        edit_url(coop),
        page_data(
            coop,
            services=[str(web.pk)],
            technologies=[str(django.pk)],
            clients=[str(oxfam.pk)],
        ),
    )
    assert response.status_code == 302
    assert list(coop.services.all()) == [web]
    assert list(coop.technologies.all()) == [django]
    assert list(coop.clients.all()) == [oxfam]
    changes = events_for(coop).get().changes
    assert changes["services"] == [[], ["web"]]
    assert changes["technologies"] == [[], ["django"]]
    coop.refresh_from_db()
    assert {"services", "technologies", "clients"} <= coop.self_edited_fields.keys()
    assert "Web development" in coop.search_tags


def test_it_unticks_every_service(client, coop, member):
    web = Service.objects.create(name="Web development", slug="web")
    coop.services.add(web)
    client.force_login(member)
    data = page_data(coop)
    del data["services"]  # a browser sends nothing for a list with nothing ticked
    client.post(edit_url(coop), data)
    assert not coop.services.exists()


def test_it_stores_languages_as_codes(client, coop, member):
    client.force_login(member)
    client.post(edit_url(coop), page_data(coop, languages="English, cy, Spanish"))
    coop.refresh_from_db()
    assert coop.languages == ["en", "cy", "es"]


# --- bad input -----------------------------------------------------------------------------


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"day_rate_min": "600", "day_rate_max": "400"},
            "day_rate_max",
            "The highest day rate must be at least the lowest (600).",
        ),
        (
            {"worker_owners": "8", "workers": "5"},
            "workers",
            "Workers include the worker-owners, so there must be at least 8.",
        ),
        ({"latitude": "91"}, "latitude", "Latitude must be between -90 and 90."),
        ({"longitude": "-180.5"}, "longitude", "Longitude must be between -180 and 180."),
        (
            {"founded_on": "2999-01-01"},
            "founded_on",
            "The founding date cannot be in the future.",
        ),
        ({"languages": "English, Klingonese"}, "languages", "We do not know the language"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_it_explains_bad_input_next_to_the_field_and_keeps_what_was_typed(
    client, coop, member, changes, field, message
):
    client.force_login(member)
    data = page_data(coop, description="A new description, typed with care.", **changes)
    response = client.post(edit_url(coop), data)
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert any(e.startswith(message) for e in errors), errors
    page = response.content.decode()
    assert "A new description, typed with care." in page
    assert f'id="id_{field}_error"' in page
    assert "The profile was not saved" in page
    coop.refresh_from_db()
    assert coop.description == "We build **accessible** websites for charities."
    assert not events_for(coop).exists()


def test_it_accepts_fully_booked_with_a_date_ahead(client, coop, member):
    client.force_login(member)
    until = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        edit_url(coop),
        availability_data(coop, availability="booked", booked_until=until.isoformat()),
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.booked_until == until
    assert coop.availability_updated_at is not None


def test_it_does_not_block_other_edits_on_an_old_booked_until_date(client, coop, member):
    Coop.objects.filter(pk=coop.pk).update(
        availability="booked", booked_until=datetime.date(2020, 1, 1)
    )
    coop.refresh_from_db()
    client.force_login(member)
    response = client.post(edit_url(coop), page_data(coop, phone="0114 000"))
    assert response.status_code == 302


def test_it_explains_a_leaving_date_before_the_joining_date(client, coop, coordinator):
    client.force_login(coordinator)
    response = client.post(
        edit_url(coop),
        page_data(coop, coordinator=True, joined_on="2020-05-01", left_on="2019-01-01"),
    )
    assert response.status_code == 200
    assert response.context["standing_form"].errors["left_on"] == [
        "The co-op cannot leave before it joined (2020-05-01)."
    ]
    assert 'value="2019-01-01"' in response.content.decode()


def test_it_refuses_a_description_over_the_limit(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop), page_data(coop, description="x" * (DESCRIPTION_MAX_LENGTH + 1))
    )
    assert response.status_code == 200
    assert field_errors(response, "description")
    assert f'maxlength="{DESCRIPTION_MAX_LENGTH}"' in response.content.decode()
    coop.refresh_from_db()
    assert coop.description.startswith("We build")


class AdminLikeForm(CoopRulesMixin, forms.ModelForm):
    """A plain ModelForm of every field, as the admin's is."""

    class Meta:
        model = Coop
        fields = ["name", "slug", "status", "country", "languages", "workers", "worker_owners"]


def test_it_checks_the_profile_rules_in_any_coop_form_with_the_mixin(coop):
    data = {
        "name": coop.name,
        "slug": coop.slug,
        "status": coop.status,
        "country": "ZZ",
        "languages": '["klingon"]',
        "workers": "2",
        "worker_owners": "5",
    }
    form = AdminLikeForm(data, instance=coop)
    assert not form.is_valid()
    assert set(form.errors) == {"country", "languages", "workers"}


def test_it_lets_the_mixin_pass_what_did_not_change(coop):
    Coop.objects.filter(pk=coop.pk).update(country="XK", workers=1)
    coop.refresh_from_db()
    data = {
        "name": "Renamed",
        "slug": coop.slug,
        "status": coop.status,
        "country": "XK",
        "languages": "[]",
        "workers": "1",
        "worker_owners": "5",
    }
    assert AdminLikeForm(data, instance=coop).is_valid()


def test_it_attaches_a_validation_error_from_the_service_to_the_form(client, coop, member):
    """Here only the lowest rate is sent; the stored highest one is lower: the model refuses."""
    Coop.objects.filter(pk=coop.pk).update(day_rate_min=300, day_rate_max=400)
    client.force_login(member)
    response = client.post(
        edit_url(coop), {"name": coop.name, "initial-name": coop.name, "day_rate_min": "900"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    coop.refresh_from_db()
    assert coop.day_rate_min == 300
    assert not events_for(coop).exists()


# --- the availability form at the top --------------------------------------------------


def availability_data(coop: Coop, **changes) -> dict:
    data = as_posted(CoopAvailabilityForm(instance=coop, prefix="avail"))
    data["section"] = "availability"
    data.update({f"avail-{k}": v for k, v in changes.items()})
    return data


@pytest.mark.parametrize("username", ["outsider", "othermember"])
def test_it_refuses_availability_updates_from_outside(
    client, coop, outsider, other_member, username
):
    client.login(username=username, password=PASSWORD)
    response = client.post(edit_url(coop), availability_data(coop, availability="limited"))
    assert response.status_code == 403
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.OPEN


def test_it_sends_anonymous_availability_updates_to_sign_in(client, coop):
    response = client.post(edit_url(coop), availability_data(coop, availability="limited"))
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.OPEN


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_updates_availability_without_javascript(client, coop, member, coordinator, who):
    client.force_login({"member": member, "coordinator": coordinator}[who])
    response = client.post(
        edit_url(coop), availability_data(coop, availability="limited", spare_capacity_days="4")
    )
    assert response.status_code == 302
    assert response["Location"] == coop.get_absolute_url()
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.LIMITED
    assert coop.spare_capacity_days == 4
    assert coop.availability_updated_at is not None
    event = events_for(coop).get()
    assert event.changes == {"availability": ["open", "limited"], "spare_capacity_days": [None, 4]}


def test_it_swaps_only_the_availability_fragment_with_htmx(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        availability_data(coop, availability="limited"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="availability-update"' in page
    assert "Your availability is updated." in page
    # The small form comes back with the new value; the profile form has no such fields.
    assert '<option value="limited" selected>' in page
    assert "hx-swap-oob" not in page
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.LIMITED


def test_it_shows_availability_errors_in_the_fragment(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        availability_data(coop, availability="booked", booked_until=""),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "Say until when you are fully booked" in page
    coop.refresh_from_db()
    assert coop.availability == Coop.Availability.OPEN


def test_it_shows_availability_errors_on_the_full_page_without_javascript(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop), availability_data(coop, availability="booked", booked_until="2001-01-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "This date has passed" in page
    assert 'value="2001-01-01"' in page


# --- previewing the description ------------------------------------------------------------

UNSAFE_MARKDOWN = "We make **sites**.\n\n<script>alert('x')</script>[click](javascript:alert(1))"


def test_it_previews_the_description_with_htmx_without_saving(client, coop, member):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        page_data(coop, description=UNSAFE_MARKDOWN, preview="description"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "<strong>sites</strong>" in page
    assert "<script>" not in page and "javascript:" not in page
    coop.refresh_from_db()
    assert coop.description == "We build **accessible** websites for charities."


def test_it_previews_the_description_without_javascript_keeping_what_was_typed(
    client, coop, member
):
    client.force_login(member)
    response = client.post(
        edit_url(coop),
        page_data(coop, description="We make **sites**.", locality="Hull", preview="description"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>sites</strong>" in page
    assert 'value="Hull"' in page
    assert "The profile was not saved" not in page
    coop.refresh_from_db()
    assert coop.locality == "Sheffield"


def test_it_refuses_a_preview_from_outside_the_coop(client, coop, other_member):
    client.force_login(other_member)
    response = client.post(
        edit_url(coop),
        {"description": "x", "preview": "description"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403


def test_it_builds_the_page_in_the_same_number_of_queries_for_60_services(client, coop, member):
    NetworkSettings.load()
    group = ServiceGroup.objects.create(name="Build", slug="build")
    client.force_login(member)
    counts = []
    for total in (5, 60):
        for number in range(Service.objects.count(), total):
            Service.objects.create(name=f"Service {number}", slug=f"s{number}", group=group)
            Technology.objects.create(name=f"Tech {number}", slug=f"t{number}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(edit_url(coop)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
