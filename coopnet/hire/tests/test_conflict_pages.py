"""The page where a co-op declares which co-ops it will not be teamed with."""

import pytest
from django.urls import reverse

from coopnet.audit.models import AuditEvent
from coopnet.hire.models import CoopConflict


def url(coop) -> str:
    return reverse("hire:coop_conflicts", args=[coop.slug])


def test_it_lets_a_worker_owner_declare_a_conflict(client, coop, other_coop, member):
    client.force_login(member)

    response = client.post(url(coop), {"other_coop": other_coop.pk, "note": "past dispute"})

    assert response.status_code == 302
    conflict = CoopConflict.objects.get()
    assert {conflict.coop, conflict.other_coop} == {coop, other_coop}
    assert AuditEvent.objects.filter(action="coop_conflict.declare").exists()
    page = client.get(url(coop)).content.decode()
    assert "Tidewater Tech" in page


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_refuses_people_outside_the_co_op(client, coop, other_coop, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(coop)).status_code == 403
    assert client.post(url(coop), {"other_coop": other_coop.pk}).status_code == 403
    assert not CoopConflict.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in(client, coop, other_coop):
    response = client.post(url(coop), {"other_coop": other_coop.pk})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CoopConflict.objects.exists()


def test_it_keeps_the_note_and_explains_a_missing_choice(client, coop, member):
    client.force_login(member)

    response = client.post(url(coop), {"note": "kept text"})

    assert response.status_code == 400
    assert "Choose the co-op." in response.content.decode()
    assert 'value="kept text"' in response.content.decode()


def test_it_lets_only_the_declaring_co_op_or_a_coordinator_remove_it(
    client, coop, other_coop, member, other_member, coordinator
):
    client.force_login(member)
    client.post(url(coop), {"other_coop": other_coop.pk})
    conflict = CoopConflict.objects.get()
    remove = reverse("hire:coop_conflict_remove", args=[other_coop.slug, conflict.pk])

    client.force_login(other_member)
    assert client.post(remove).status_code == 403
    assert CoopConflict.objects.exists()

    client.force_login(coordinator)
    assert client.post(remove).status_code == 302
    assert not CoopConflict.objects.exists()
