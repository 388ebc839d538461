import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopnet.accounts.models import ApiToken, Invitation, Membership, User
from coopnet.accounts.services import account_delete, api_token_create, invitation_create
from coopnet.audit.models import AuditEvent

URL = reverse("accounts:account_delete")
PASSWORD = "correct horse 42"


def test_it_sends_anonymous_people_to_sign_in(client, db):
    for response in [client.get(URL), client.post(URL, {"password": PASSWORD})]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_asks_for_the_password(client, delegate):
    client.force_login(delegate)
    response = client.get(URL)
    assert response.status_code == 200
    assert b'for="id_password"' in response.content


@pytest.mark.parametrize("who", ["outsider", "other_member", "delegate", "coordinator"])
def test_it_deletes_the_signed_in_persons_own_account(client, who, request):
    user = request.getfixturevalue(who)
    pk = user.pk
    client.force_login(user)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=pk).exists()
    assert "_auth_user_id" not in client.session


def test_it_takes_memberships_and_tokens_and_keeps_the_audit_trail(client, member, delegate, coop):
    api_token_create(user=delegate, name="script")
    invitation, _raw = invitation_create(actor=delegate, coop=coop, email="x@example.org")
    client.force_login(delegate)
    client.post(URL, {"password": PASSWORD})

    assert not Membership.objects.filter(user__username="delegate").exists()
    assert not ApiToken.objects.exists()
    invitation.refresh_from_db()
    assert invitation.invited_by is None
    deletion = AuditEvent.objects.get(action="account.delete")
    assert deletion.actor is None
    assert deletion.actor_label == "delegate"
    assert deletion.changes["memberships"] == [["hedgerow-digital"], None]
    earlier = AuditEvent.objects.get(action="api_token.create")
    assert earlier.actor is None and earlier.actor_label == "delegate"
    # The co-op and its other worker-owner stay.
    assert Membership.objects.filter(user=member, coop=coop).exists()


def test_it_refuses_a_wrong_password_and_keeps_the_account(client, delegate):
    client.force_login(delegate)
    response = client.post(URL, {"password": "wrong"})
    assert response.status_code == 400
    assert b"not your password" in response.content
    assert User.objects.filter(pk=delegate.pk).exists()
    assert not AuditEvent.objects.exists()


def test_it_counts_wrong_passwords_towards_the_lockout(client, delegate):
    client.force_login(delegate)
    for _ in range(5):
        client.post(URL, {"password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(URL, {"password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 400
    assert b"Too many failed attempts" in response.content
    assert User.objects.filter(pk=delegate.pk).exists()


def test_it_refuses_the_last_profile_admin_of_a_co_op_with_others_and_says_why(
    client, member, delegate
):
    client.force_login(member)
    response = client.get(URL)
    assert b"only profile admin" in response.content
    assert b"Hedgerow Digital" in response.content
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 409
    assert User.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        account_delete(user=member)
    assert not AuditEvent.objects.exists()


def test_it_lets_the_last_worker_owner_of_a_co_op_go(client, member, coop):
    client.force_login(member)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert not Membership.objects.filter(coop=coop).exists()


def test_it_lets_a_profile_admin_go_once_another_exists(member, delegate, coop):
    Membership.objects.filter(user=delegate).update(is_profile_admin=True)
    account_delete(user=member)
    assert not User.objects.filter(username="member").exists()
    assert Invitation.objects.count() == 0


def test_it_says_the_password_is_required(client, delegate):
    client.force_login(delegate)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
