import pytest
from django.urls import reverse

from coopnet.accounts.services import api_token_create

URL = reverse("accounts:dashboard")


def test_it_sends_anonymous_people_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_it_lists_the_persons_co_ops_with_their_pages(client, member, coop):
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hedgerow Digital" in content
    assert coop.get_absolute_url() in content
    assert "/coops/hedgerow-digital/edit/" in content
    assert reverse("accounts:team", args=[coop.slug]) in content
    assert "worker-owner, profile admin" in content


def test_it_lists_active_tokens_and_the_account_links(client, member):
    api_token_create(user=member, name="laptop script")
    client.force_login(member)
    content = client.get(URL).content.decode()
    assert "laptop script" in content
    assert reverse("accounts:data_download") in content
    assert reverse("accounts:account_delete") in content
    assert reverse("accounts:token_create") in content


def test_it_says_when_the_person_belongs_to_no_co_op(client, outsider):
    client.force_login(outsider)
    assert b"You do not belong to a co-op here yet" in client.get(URL).content


@pytest.mark.parametrize(("who", "sees"), [("member", False), ("coordinator", True)])
def test_it_gives_coordinators_their_tools(client, who, sees, request):
    client.force_login(request.getfixturevalue(who))
    content = client.get(URL).content.decode()
    assert (reverse("accounts:invite_find") in content) is sees
