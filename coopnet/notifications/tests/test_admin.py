import pytest
from django.urls import reverse

from coopnet.notifications.models import AvailabilityReminder
from coopnet.notifications.tests.helpers import send


@pytest.mark.parametrize("model", ["notification", "availabilityreminder"])
def test_it_lets_coordinators_read_the_list(client, coordinator, member, coop, model):
    send([member], subject="A referral for Mo")
    AvailabilityReminder.objects.create(coop=coop)
    client.force_login(coordinator)
    response = client.get(reverse(f"admin:notifications_{model}_changelist"))
    assert response.status_code == 200
    if model == "notification":
        assert "A referral for Mo" in response.content.decode()


def test_it_is_read_only_even_for_coordinators(client, coordinator, member):
    [entry] = send([member])
    client.force_login(coordinator)
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    change = reverse("admin:notifications_notification_change", args=[entry.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert b'name="subject"' not in response.content  # shown, not editable
    assert client.post(change, {"subject": "changed"}).status_code == 403
    delete = reverse("admin:notifications_notification_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.subject == "A referral for you"


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_is_closed_to_everyone_else(client, member, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 302
