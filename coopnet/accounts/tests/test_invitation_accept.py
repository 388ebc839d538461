from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coopnet.accounts.models import Membership, User
from coopnet.accounts.services import (
    invitation_accept,
    invitation_accept_new_user,
    invitation_create,
    invitation_revoke,
)
from coopnet.accounts.tests.conftest import invite_url
from coopnet.audit.models import AuditEvent

SIGNUP = {
    "username": "newcomer",
    "display_name": "Nia Newcomer",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
}


@pytest.fixture
def invited(member, coop):
    """An invitation to `coop` for an address with no account: (invitation, raw token)."""
    return invitation_create(actor=member, coop=coop, email="newcomer@example.org")


def test_it_shows_the_sign_up_form_to_an_anonymous_invitee(client, invited):
    _invitation, raw = invited
    response = client.get(invite_url(raw))
    assert response.status_code == 200
    assert b"Join Hedgerow Digital" in response.content
    assert b"newcomer@example.org" in response.content
    assert b'for="id_username"' in response.content


def test_it_creates_the_account_and_the_membership(client, invited, coop):
    invitation, raw = invited
    response = client.post(invite_url(raw), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team", args=[coop.slug])

    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.org"
    assert user.display_name == "Nia Newcomer"
    assert user.check_password("a long enough passphrase")
    membership = Membership.objects.get(user=user, coop=coop)
    assert not membership.is_delegate and not membership.is_profile_admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)

    event = AuditEvent.objects.get(action="membership.create")
    assert event.actor == user
    assert event.target_id == str(membership.pk)
    assert event.changes["user"] == [None, "newcomer"]
    assert AuditEvent.objects.filter(action="account.create", actor=user).exists()


def test_it_keeps_what_was_typed_when_the_passwords_differ(client, invited):
    _invitation, raw = invited
    response = client.post(invite_url(raw), {**SIGNUP, "password2": "something else entirely"})
    assert response.status_code == 400
    assert b'value="newcomer"' in response.content
    assert b'value="Nia Newcomer"' in response.content
    assert not User.objects.filter(username="newcomer").exists()


def test_it_refuses_a_password_like_the_email_address(client, invited):
    _invitation, raw = invited
    response = client.post(
        invite_url(raw),
        {**SIGNUP, "password1": "newcomer@example", "password2": "newcomer@example"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("username", ["Member", "new@comer"])
def test_it_refuses_a_taken_or_ambiguous_username(client, invited, username):
    _invitation, raw = invited
    response = client.post(invite_url(raw), {**SIGNUP, "username": username})
    assert response.status_code == 400
    assert response.context["form"].errors["username"]
    assert not Membership.objects.filter(user__email="newcomer@example.org").exists()


def test_it_lets_a_signed_in_user_with_that_address_accept(client, member, outsider, coop):
    _invitation, raw = invitation_create(actor=member, coop=coop, email="OUTSIDER@example.org")
    client.force_login(outsider)
    response = client.get(invite_url(raw))
    assert response.status_code == 200
    assert b'type="submit"' in response.content
    response = client.post(invite_url(raw))
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, coop=coop).exists()
    assert AuditEvent.objects.filter(action="membership.create", actor=outsider).exists()


def test_it_refuses_a_signed_in_user_with_another_address(client, invited, other_member, coop):
    _invitation, raw = invited
    client.force_login(other_member)
    assert client.get(invite_url(raw)).status_code == 403
    response = client.post(invite_url(raw))
    assert response.status_code == 403
    assert b"This invitation is for newcomer@example.org" in response.content
    assert not Membership.objects.filter(user=other_member, coop=coop).exists()


def test_it_asks_an_invitee_with_an_account_to_sign_in(client, member, outsider, coop):
    _invitation, raw = invitation_create(actor=member, coop=coop, email="outsider@example.org")
    response = client.get(invite_url(raw))
    assert response.status_code == 200
    assert b"There is already an account" in response.content
    assert reverse("accounts:login").encode() in response.content
    response = client.post(invite_url(raw), {**SIGNUP, "username": "second"})
    assert not User.objects.filter(username="second").exists()


def test_it_refuses_an_expired_link(client, invited):
    invitation, raw = invited
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = client.get(invite_url(raw))
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    response = client.post(invite_url(raw), SIGNUP)
    assert response.status_code == 410
    assert not User.objects.filter(username="newcomer").exists()


def test_it_refuses_a_withdrawn_link(client, invited, member):
    invitation, raw = invited
    invitation_revoke(actor=member, invitation=invitation)
    response = client.post(invite_url(raw), SIGNUP)
    assert response.status_code == 410
    assert b"withdrawn" in response.content
    assert not User.objects.filter(username="newcomer").exists()


def test_it_refuses_a_used_link(client, invited):
    _invitation, raw = invited
    client.post(invite_url(raw), SIGNUP)
    client.logout()
    response = client.post(invite_url(raw), {**SIGNUP, "username": "again"})
    assert response.status_code == 410
    assert b"already been accepted" in response.content
    assert not User.objects.filter(username="again").exists()


def test_it_answers_404_for_an_unknown_link(client, db):
    response = client.get(invite_url("not-a-real-token"))
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_it_makes_the_first_worker_owner_profile_admin_and_delegate(client, coordinator, coop):
    _invitation, raw = invitation_create(actor=coordinator, coop=coop, email="first@example.org")
    client.post(invite_url(raw), {**SIGNUP, "username": "first"})
    membership = Membership.objects.get(user__username="first")
    assert membership.is_profile_admin and membership.is_delegate


def test_it_gives_the_profile_admin_role_when_the_invitation_says_so(member, outsider, coop):
    invitation, _raw = invitation_create(
        actor=member, coop=coop, email="outsider@example.org", is_profile_admin=True
    )
    membership = invitation_accept(invitation=invitation, user=outsider)
    assert membership.is_profile_admin and not membership.is_delegate


def test_it_uses_an_invitation_once_even_when_accepted_twice(member, outsider, coop):
    invitation, _raw = invitation_create(actor=member, coop=coop, email="outsider@example.org")
    invitation_accept(invitation=invitation, user=outsider)
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=outsider)
    assert Membership.objects.filter(user=outsider).count() == 1


def test_it_refuses_the_service_call_for_someone_else(invited, other_member):
    invitation, _raw = invited
    with pytest.raises(PermissionDenied):
        invitation_accept(invitation=invitation, user=other_member)


def test_it_creates_nothing_when_the_new_account_cannot_join(invited, member):
    invitation, _raw = invited
    invitation_revoke(actor=member, invitation=invitation)
    with pytest.raises(ValidationError):
        invitation_accept_new_user(
            invitation=invitation,
            username="newcomer",
            display_name="",
            password="a long enough passphrase",
        )
    assert not User.objects.filter(username="newcomer").exists()
