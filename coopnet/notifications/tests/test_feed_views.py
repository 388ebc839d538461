import pytest
from django.conf import settings
from django.urls import reverse

from coopnet.notifications.models import FeedToken
from coopnet.notifications.services import feed_token_create, feed_token_user

SETTINGS = reverse("notifications:settings")
CREATE = reverse("notifications:feed_create")
REVOKE = reverse("notifications:feed_revoke")


def test_it_sends_anonymous_people_to_sign_in(client, member):
    raw = feed_token_create(user=member)
    for response in [client.post(CREATE), client.post(REVOKE)]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert feed_token_user(raw) == member
    assert FeedToken.objects.count() == 1


def test_it_refuses_get(client, member):
    client.force_login(member)
    assert client.get(CREATE).status_code == 405
    assert client.get(REVOKE).status_code == 405


def test_it_refuses_someone_who_belongs_to_no_coop(client, outsider):
    client.force_login(outsider)
    assert client.post(CREATE).status_code == 403
    assert not FeedToken.objects.exists()
    assert "for worker-owners" in client.get(SETTINGS).content.decode()


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_it_shows_a_new_address_once(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(CREATE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = response.context["new_feed_url"]
    assert url.startswith(settings.SITE_URL + "/referrals/feed/") and url.endswith(".atom")
    raw = url.removeprefix(settings.SITE_URL + "/referrals/feed/").removesuffix(".atom")
    assert feed_token_user(raw) == user
    assert url in response.content.decode()
    again = client.get(SETTINGS).content.decode()
    assert raw not in again
    assert "Replace the feed address" in again and "Revoke the feed address" in again


def test_it_replaces_the_address(client, member):
    old = feed_token_create(user=member)
    client.force_login(member)
    client.post(CREATE)
    assert feed_token_user(old) is None
    assert FeedToken.objects.active().filter(user=member).count() == 1


def test_it_revokes_only_the_persons_own_address(client, member, other_member):
    mine = feed_token_create(user=member)
    theirs = feed_token_create(user=other_member)
    client.force_login(member)
    response = client.post(REVOKE)
    assert response.status_code == 302
    assert response["Location"] == SETTINGS + "#feed"
    assert feed_token_user(mine) is None
    assert feed_token_user(theirs) == other_member
