import pytest
from django.urls import reverse

from coopnet.accounts.models import ApiToken, hash_token
from coopnet.accounts.services import api_token_create

CREATE = reverse("accounts:token_create")


def revoke_url(token):
    return reverse("accounts:token_revoke", args=[token.pk])


def test_it_sends_anonymous_people_to_sign_in(client, member):
    token, _raw = api_token_create(user=member, name="script")
    for response in [client.post(CREATE, {"name": "x"}), client.post(revoke_url(token))]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("who", ["outsider", "other_member", "member", "coordinator"])
def test_it_shows_a_new_token_once_to_anyone_signed_in(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(CREATE, {"name": "laptop script"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw"]
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hash_token(raw)
    assert raw.encode() in response.content
    dashboard = client.get(reverse("accounts:dashboard"))
    assert b"laptop script" in dashboard.content
    assert raw.encode() not in dashboard.content
    assert token.prefix.encode() in dashboard.content


def test_it_keeps_the_form_on_error(client, member):
    client.force_login(member)
    response = client.post(CREATE, {"name": ""})
    assert response.status_code == 400
    assert response.context["token_form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_it_refuses_get_for_creating(client, member):
    client.force_login(member)
    assert client.get(CREATE).status_code == 405


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_answers_404_for_someone_elses_token_as_for_a_missing_one(client, member, who, request):
    token, _raw = api_token_create(user=member, name="script")
    client.force_login(request.getfixturevalue(who))
    # The same answer as for an id that does not exist: ids cannot be probed.
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_lets_the_owner_or_a_coordinator_revoke(client, member, who, request):
    token, _raw = api_token_create(user=member, name="script")
    client.force_login(request.getfixturevalue(who))
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_answers_404_for_an_unknown_token(client, member):
    client.force_login(member)
    assert client.post(reverse("accounts:token_revoke", args=[999])).status_code == 404
