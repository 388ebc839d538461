import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coopnet.notifications.models import Notification
from coopnet.notifications.tests.helpers import send
from coopnet.notifications.views import INBOX_PAGE_SIZE

INBOX = reverse("notifications:inbox")


def test_it_sends_anonymous_people_to_sign_in(client, db):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_only_the_persons_own_messages_newest_first(client, member, other_member):
    older = send([member], subject="Older referral")
    Notification.objects.filter(pk=older[0].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    send([member], subject="Newer referral", url="/referrals/")
    send([other_member], subject="Someone else's referral")
    client.force_login(member)
    response = client.get(INBOX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Newer referral") < content.index("Older referral")
    assert "Someone else&#x27;s referral" not in content
    assert 'href="/referrals/"' in content


def test_it_marks_unread_messages_in_words_not_colour_alone(client, member):
    [read, unread] = [send([member], subject=s)[0] for s in ("Seen one", "Fresh one")]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(member)
    response = client.get(INBOX)
    content = response.content.decode()
    fresh = content[content.index(f'id="notification-{unread.pk}"') :]
    assert fresh[: fresh.index("Fresh one")].count(">Unread<") == 1
    seen = content[content.index(f'id="notification-{read.pk}"') :]
    assert ">Unread<" not in seen[: seen.index("Seen one")]
    assert "1 unread message." in content


def test_it_does_not_mark_anything_read_by_looking(client, member):
    send([member])
    client.force_login(member)
    client.get(INBOX)
    assert Notification.objects.get().read_at is None


def test_it_never_links_off_the_site(client, member):
    send([member], subject="Odd link", url="javascript:alert(1)")
    send([member], subject="Other site", url="//evil.example/")
    client.force_login(member)
    content = client.get(INBOX).content.decode()
    assert "javascript:" not in content
    assert "evil.example" not in content


def test_it_escapes_what_people_wrote(client, member):
    send([member], subject="<b>bold</b>", message="<script>alert(1)</script>")
    client.force_login(member)
    content = client.get(INBOX).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;b&gt;bold&lt;/b&gt;" in content


def test_it_paginates(client, member):
    for number in range(INBOX_PAGE_SIZE + 3):
        send([member], subject=f"Referral number {number:02d}")
    client.force_login(member)
    first = client.get(INBOX)
    assert len(first.context["page"].object_list) == INBOX_PAGE_SIZE
    second = client.get(INBOX, {"page": 2})
    assert [n.subject for n in second.context["page"].object_list] == [
        "Referral number 02",
        "Referral number 01",
        "Referral number 00",
    ]
    assert 'rel="next"' in first.content.decode()


def test_it_says_when_there_is_nothing(client, outsider):
    client.force_login(outsider)
    response = client.get(INBOX)
    assert "Nothing here yet" in response.content.decode()
    assert "Mark all read" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_it_makes_the_same_number_of_queries_for_any_page(
    client, member, count, django_assert_max_num_queries
):
    for _ in range(count):
        send([member])
    client.force_login(member)
    client.get(INBOX)  # warm the session and the network settings row
    with django_assert_max_num_queries(8):
        assert client.get(INBOX).status_code == 200
