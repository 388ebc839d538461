import pytest
from django.urls import reverse

URL = reverse("accounts:invite_find")


def test_it_sends_anonymous_people_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["outsider", "other_member", "member"])
def test_it_is_for_coordinators_only(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL, {"q": "hedge"}).status_code == 403


def test_it_finds_co_ops_by_name(client, coordinator, coop, other_coop):
    client.force_login(coordinator)
    response = client.get(URL, {"q": "HEDGE"})
    assert response.status_code == 200
    assert response.context["coops"] == [coop]
    assert reverse("accounts:invite", args=[coop.slug]).encode() in response.content


def test_it_lists_nothing_before_a_search(client, coordinator, coop):
    client.force_login(coordinator)
    assert client.get(URL).context["coops"] == []
