"""Briefs in the coordinators' admin: read only, changed only through the services."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from coopnet.audit.models import AuditEvent
from coopnet.hire.models import Brief, CoopConflict
from coopnet.hire.services import brief_send, brief_submit, coop_conflict_declare
from coopnet.hire.tests.page_helpers import BRIEF


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def brief(coordinator, coop) -> Brief:
    brief = brief_submit(**BRIEF)[0]
    brief_send(actor=coordinator, brief=brief, coops=[coop])
    return brief


def test_coordinators_read_briefs_without_the_link_hash(client, coordinator, brief):
    client.force_login(coordinator)
    listing = client.get(reverse("admin:hire_brief_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:hire_brief_change", args=[brief.pk]))
    assert page.status_code == 200
    assert "cleo@riverside.example" in page.text
    assert "Hedgerow Digital" in page.text  # the co-ops it was sent to
    assert brief.access_token_hash not in page.text
    assert "Save" not in page.text


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_nobody_else_reads_them(client, brief, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:hire_brief_change", args=[brief.pk]))
    assert response.status_code == 302  # to the admin's sign-in


def test_the_close_action_goes_through_the_service(client, coordinator, brief):
    client.force_login(coordinator)
    client.post(
        reverse("admin:hire_brief_changelist"),
        {"action": "close_briefs", "_selected_action": [brief.pk]},
    )
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CLOSED
    assert AuditEvent.objects.get(action="brief.close").actor == coordinator


def test_the_delete_contact_action_goes_through_the_service(client, coordinator, brief):
    client.force_login(coordinator)
    client.post(
        reverse("admin:hire_brief_changelist"),
        {"action": "delete_contact_details", "_selected_action": [brief.pk]},
    )
    brief.refresh_from_db()
    assert brief.contact_email == ""
    assert AuditEvent.objects.get(action="brief.contact_delete").actor == coordinator


def test_removing_a_conflict_in_the_admin_is_audited(client, coordinator, coop, other_coop):
    conflict = coop_conflict_declare(actor=coordinator, coop=coop, other_coop=other_coop)
    client.force_login(coordinator)
    client.post(reverse("admin:hire_coopconflict_delete", args=[conflict.pk]), {"post": "yes"})
    assert not CoopConflict.objects.exists()
    assert AuditEvent.objects.filter(action="coop_conflict.remove").exists()
