import io

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.audit.services import audit_record
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    ServiceGroup,
    Technology,
)
from coopnet.network.models import NetworkSettings, PeriodicJobRun


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse 42"
    )


@pytest.fixture
def objects(coop, coordinator):
    """One object of every model the admin manages."""
    group = ServiceGroup.objects.create(name="Build", slug="build")
    service = Service.objects.create(name="Web development", slug="web", group=group)
    technology = Technology.objects.create(name="Django", slug="django")
    sector = Sector.objects.create(name="Charities", slug="charities")
    client = Client.objects.create(name="A Charity", slug="a-charity", sector=sector)
    case_study = CaseStudy.objects.create(title="A site", slug="a-site", client=client)
    case_study.coops.add(coop)
    source = CoopSource.objects.create(coop=coop, source="cotech", source_id="hedgerow")
    event = audit_record(actor=coordinator, action="coop.update", target=coop)
    settings_row = NetworkSettings.load()
    job = PeriodicJobRun.objects.create(name="reminders", last_enqueued_at="2025-01-01T00:00Z")
    return {
        "directory.coop": coop,
        "directory.servicegroup": group,
        "directory.service": service,
        "directory.technology": technology,
        "directory.sector": sector,
        "directory.client": client,
        "directory.casestudy": case_study,
        "directory.coopsource": source,
        "audit.auditevent": event,
        "network.networksettings": settings_row,
        "network.periodicjobrun": job,
    }


def admin_url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def as_posted(response) -> dict:
    """The admin change form as a browser would post it back unchanged."""
    data: dict = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or isinstance(value, File):
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


# --- every page loads --------------------------------------------------------------------

MODELS = [
    "directory.coop",
    "directory.servicegroup",
    "directory.service",
    "directory.technology",
    "directory.sector",
    "directory.client",
    "directory.casestudy",
    "directory.coopsource",
    "audit.auditevent",
    "network.periodicjobrun",
]


@pytest.mark.parametrize("who", ["superuser", "coordinator"])
@pytest.mark.parametrize("label", MODELS)
def test_it_loads_the_list_and_the_change_page(client, request, objects, who, label):
    client.force_login(request.getfixturevalue(who))
    assert client.get(admin_url(label, "changelist")).status_code == 200
    assert client.get(admin_url(label, "change", objects[label].pk)).status_code == 200


@pytest.mark.parametrize(
    "label",
    [
        "directory.coop",
        "directory.servicegroup",
        "directory.service",
        "directory.technology",
        "directory.sector",
        "directory.client",
        "directory.casestudy",
    ],
)
def test_it_loads_the_add_page(client, superuser, label):
    client.force_login(superuser)
    assert client.get(admin_url(label, "add")).status_code == 200


def test_it_searches_and_filters_coops(client, superuser, coop, other_coop):
    client.force_login(superuser)
    response = client.get(admin_url("directory.coop", "changelist"), {"q": "hedgerow"})
    assert list(response.context["cl"].result_list) == [coop]
    response = client.get(
        admin_url("directory.coop", "changelist"), {"status__exact": "member", "country": "GB"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_it_keeps_people_who_are_not_staff_out(client, request, coop, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(admin_url("directory.coop", "change", coop.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_keeps_anonymous_visitors_out(client, coop):
    response = client.get(admin_url("directory.coop", "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- edits are audited ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "coordinator"])
def test_it_audits_a_coop_edited_in_the_admin(client, request, coop, who):
    actor = request.getfixturevalue(who)
    web = Service.objects.create(name="Web development", slug="web")
    client.force_login(actor)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    data.update(name="Hedgerow Digital Ltd", status="former", services=[str(web.pk)])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    coop.refresh_from_db()
    assert coop.name == "Hedgerow Digital Ltd"
    assert coop.status == Coop.Status.FORMER
    event = AuditEvent.objects.for_object(coop).get()
    assert event.action == "coop.admin_update"
    assert event.actor == actor
    assert event.changes == {
        "name": ["Hedgerow Digital", "Hedgerow Digital Ltd"],
        "status": ["member", "former"],
        "services": [[], ["web"]],
    }
    # Coordinators' edits are not the co-op's own.
    assert coop.self_edited_fields == {}


def test_it_writes_no_update_row_when_nothing_changed(client, superuser, coop):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    response = client.post(url, as_posted(client.get(url)))
    assert response.status_code == 302
    assert not AuditEvent.objects.for_object(coop).exists()


def test_it_audits_a_coop_added_and_deleted_in_the_admin(client, superuser):
    client.force_login(superuser)
    url = admin_url("directory.coop", "add")
    data = as_posted(client.get(url))
    data.update(name="New Co-op", slug="new-coop", status="applicant")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    coop = Coop.objects.get(slug="new-coop")
    created = AuditEvent.objects.for_object(coop).get()
    assert created.action == "coop.admin_create"
    assert created.changes["name"] == [None, "New Co-op"]

    response = client.post(admin_url("directory.coop", "delete", coop.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Coop.objects.filter(pk=coop.pk).exists()
    assert AuditEvent.objects.filter(action="coop.admin_delete", target_id=str(coop.pk)).exists()


def test_it_audits_memberships_changed_in_the_coop_admin(client, superuser, coop, member):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    data["memberships-0-is_delegate"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    membership = Membership.objects.get(user=member, coop=coop)
    assert membership.is_delegate
    event = AuditEvent.objects.for_object(membership).get()
    assert event.changes == {"is_delegate": [False, True]}
    assert event.actor == superuser


def test_it_validates_a_logo_uploaded_in_the_admin(client, superuser, coop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data["logo"] = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    data["logo"] = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    coop.refresh_from_db()
    assert coop.logo.name.endswith(".jpg")  # named after what the file really is
    assert AuditEvent.objects.for_object(coop).get().changes["logo"][0] == ""


# --- clients: a coordinator's sector is final -------------------------------------------


@pytest.fixture
def sectors(db):
    return (
        Sector.objects.create(name="Charities", slug="charities"),
        Sector.objects.create(name="Education", slug="education"),
    )


def test_it_marks_a_client_sector_corrected_in_the_admin(client, coordinator, sectors):
    charities, education = sectors
    customer = Client.objects.create(
        name="A School Trust",
        slug="a-school-trust",
        sector=charities,
        sector_source=Client.SectorSource.INFERRED,
    )
    client.force_login(coordinator)
    url = admin_url("directory.client", "change", customer.pk)
    data = as_posted(client.get(url))
    data["sector"] = str(education.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.sector == education
    assert customer.sector_source == Client.SectorSource.COORDINATOR
    event = AuditEvent.objects.for_object(customer).get()
    assert event.action == "client.admin_update"
    assert event.changes == {
        "sector": ["Charities", "Education"],
        "sector_source": ["inferred", "coordinator"],
    }


def test_it_keeps_the_sector_source_when_only_the_name_changes(client, superuser, sectors):
    customer = Client.objects.create(
        name="A Trust", slug="a-trust", sector=sectors[0], sector_source="inferred"
    )
    client.force_login(superuser)
    url = admin_url("directory.client", "change", customer.pk)
    data = as_posted(client.get(url))
    data["name"] = "A Charitable Trust"
    client.post(url, data)
    customer.refresh_from_db()
    assert customer.sector_source == Client.SectorSource.INFERRED


def test_it_marks_sectors_corrected_from_the_client_list(client, superuser, sectors):
    charities, education = sectors
    customer = Client.objects.create(
        name="A Trust", slug="a-trust", sector=charities, sector_source="inferred"
    )
    client.force_login(superuser)
    response = client.post(
        admin_url("directory.client", "changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(customer.pk),
            "form-0-sector": str(education.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.sector == education
    assert customer.sector_source == Client.SectorSource.COORDINATOR


# --- the audit log is read only -----------------------------------------------------------


def test_it_offers_no_way_to_change_or_delete_audit_events(client, superuser, coop):
    event = audit_record(actor=superuser, action="coop.update", target=coop)
    client.force_login(superuser)
    assert client.get(admin_url("audit.auditevent", "add")).status_code == 403
    response = client.post(
        admin_url("audit.auditevent", "change", event.pk), {"action": "tampered"}
    )
    assert response.status_code == 403
    assert (
        client.post(admin_url("audit.auditevent", "delete", event.pk), {"post": "yes"}).status_code
        == 403
    )
    changelist = client.get(admin_url("audit.auditevent", "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert AuditEvent.objects.get(pk=event.pk).action == "coop.update"


# --- network settings: one row --------------------------------------------------------------


def test_it_goes_from_the_settings_list_to_the_one_row(client, coordinator):
    client.force_login(coordinator)
    response = client.get(admin_url("network.networksettings", "changelist"))
    row = NetworkSettings.objects.get()
    assert response.status_code == 302
    assert response["Location"] == admin_url("network.networksettings", "change", row.pk)


def test_it_never_adds_a_second_settings_row_nor_deletes_it(client, superuser):
    row = NetworkSettings.load()
    client.force_login(superuser)
    assert client.get(admin_url("network.networksettings", "add")).status_code == 403
    response = client.post(admin_url("network.networksettings", "delete", row.pk), {"post": "yes"})
    assert response.status_code == 403
    assert NetworkSettings.objects.count() == 1


def test_it_audits_settings_changed_in_the_admin(client, coordinator):
    row = NetworkSettings.load()
    client.force_login(coordinator)
    url = admin_url("network.networksettings", "change", row.pk)
    data = as_posted(client.get(url))
    data["availability_reminder_weeks"] = "4"
    response = client.post(url, data)
    assert response.status_code == 302
    assert NetworkSettings.load().availability_reminder_weeks == 4
    event = AuditEvent.objects.get(action="network.settings_update")
    assert event.changes == {"availability_reminder_weeks": [6, 4]}


# --- splitting a wrong merge ---------------------------------------------------------------


def test_it_splits_a_wrongly_merged_source_into_its_own_coop(client, coordinator, coop):
    CoopSource.objects.create(coop=coop, source="cotech", source_id="hedgerow")
    wrong = CoopSource.objects.create(
        coop=coop,
        source="coophub",
        source_id="hedgerow-data",
        data={"name": "Hedgerow Data", "country": "GB"},
    )
    client.force_login(coordinator)
    response = client.post(
        admin_url("directory.coopsource", "changelist"),
        {"action": "split_into_own_coop", "_selected_action": [str(wrong.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    wrong.refresh_from_db()
    assert wrong.coop != coop
    assert wrong.coop.name == "Hedgerow Data"
    assert "is now a co-op of its own" in response.content.decode()


def test_it_explains_why_a_coops_only_source_is_not_split(client, coordinator, coop):
    only = CoopSource.objects.create(coop=coop, source="cotech", source_id="hedgerow")
    client.force_login(coordinator)
    response = client.post(
        admin_url("directory.coopsource", "changelist"),
        {"action": "split_into_own_coop", "_selected_action": [str(only.pk)]},
        follow=True,
    )
    assert "was not split" in response.content.decode()
    only.refresh_from_db()
    assert only.coop == coop


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_it_moves_the_delegate_role_in_the_coop_admin(client, superuser, coop, member, delegate):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    forms = {data[f"memberships-{n}-user"]: n for n in range(2)}
    data[f"memberships-{forms[str(member.pk)]}-is_delegate"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Membership.objects.get(is_delegate=True).user == member
    moved = AuditEvent.objects.filter(action="membership.roles")
    assert {(event.target_label, str(event.changes)) for event in moved} == {
        (str(Membership.objects.get(user=member)), str({"is_delegate": [False, True]})),
        (str(Membership.objects.get(user=delegate)), str({"is_delegate": [True, False]})),
    }


def test_it_keeps_the_last_profile_admin_in_the_coop_admin(
    client, superuser, coop, member, delegate
):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    forms = {data[f"memberships-{n}-user"]: n for n in range(2)}
    data[f"memberships-{forms[str(member.pk)]}-DELETE"] = "on"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "only profile admin" in messages_of(response)
    assert Membership.objects.filter(user=member, coop=coop, is_profile_admin=True).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()

    data[f"memberships-{forms[str(member.pk)]}-DELETE"] = ""
    del data[f"memberships-{forms[str(member.pk)]}-is_profile_admin"]
    response = client.post(url, data, follow=True)
    assert "only profile admin" in messages_of(response)
    assert Membership.objects.get(user=member, coop=coop).is_profile_admin


def test_it_hands_over_the_profile_admin_role_in_one_coop_admin_save(
    client, superuser, coop, member, delegate
):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    forms = {data[f"memberships-{n}-user"]: n for n in range(2)}
    del data[f"memberships-{forms[str(member.pk)]}-is_profile_admin"]
    data[f"memberships-{forms[str(delegate.pk)]}-is_profile_admin"] = "on"
    response = client.post(url, data, follow=True)
    assert "not changed" not in messages_of(response)
    assert Membership.objects.get(is_profile_admin=True).user == delegate


def test_it_adds_a_delegate_in_the_coop_admin_by_moving_the_role(
    client, superuser, coop, member, delegate, outsider
):
    client.force_login(superuser)
    url = admin_url("directory.coop", "change", coop.pk)
    data = as_posted(client.get(url))
    data["memberships-TOTAL_FORMS"] = "3"
    data["memberships-2-coop"] = str(coop.pk)
    data["memberships-2-user"] = str(outsider.pk)
    data["memberships-2-is_delegate"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Membership.objects.get(is_delegate=True).user == outsider
    assert AuditEvent.objects.filter(action="membership.create").count() == 1
