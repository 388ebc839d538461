from django.urls import reverse

from coopnet.notifications.models import Notification
from coopnet.notifications.tests.helpers import send

MARK_READ = reverse("notifications:mark_read")
INBOX = reverse("notifications:inbox")


def test_it_sends_anonymous_people_to_sign_in(client, member):
    send([member])
    response = client.post(MARK_READ, {"all": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Notification.objects.get().read_at is None


def test_it_refuses_get(client, member):
    client.force_login(member)
    assert client.get(MARK_READ).status_code == 405


def test_it_marks_all_of_the_persons_own_read_and_no_one_elses(client, member, other_member):
    send([member])
    send([member])
    [theirs] = send([other_member])
    client.force_login(member)
    response = client.post(MARK_READ, {"all": "1"})
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    follow = client.get(INBOX)
    assert "0 unread messages." in follow.content.decode()


def test_it_marks_one_read_and_returns_to_the_page(client, member):
    [one] = send([member])
    [other] = send([member])
    client.force_login(member)
    response = client.post(MARK_READ, {"notification": one.pk, "page": "2"})
    assert response["Location"] == INBOX + "?page=2"
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None


def test_it_cannot_mark_someone_elses_read(client, member, outsider):
    [theirs] = send([member])
    client.force_login(outsider)
    client.post(MARK_READ, {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_ignores_ids_that_are_not_numbers(client, member):
    [one] = send([member])
    client.force_login(member)
    response = client.post(MARK_READ, {"notification": ["x", "1 OR 1"]})
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.read_at is None
