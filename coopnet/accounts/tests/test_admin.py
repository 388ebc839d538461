import pytest
from django.urls import reverse

from coopnet.accounts.models import ApiToken, Invitation, Membership, User
from coopnet.accounts.services import api_token_create, invitation_create
from coopnet.audit.models import AuditEvent


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse 42"
    )


@pytest.mark.parametrize("model", ["user", "membership", "invitation", "apitoken"])
def test_it_lists_each_model(client, superuser, member, coop, model):
    invitation_create(actor=member, coop=coop, email="x@example.org")
    api_token_create(user=member, name="script")
    client.force_login(superuser)
    assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_it_shows_a_user_with_their_memberships(client, superuser, member):
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    assert response.status_code == 200
    assert b"Hedgerow Digital" in response.content


def test_it_adds_a_user_with_an_email_address(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcoordinator",
            "email": "new@example.org",
            "display_name": "",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="newcoordinator").email == "new@example.org"


def test_it_never_shows_a_token_hash_as_editable(client, superuser, member):
    token, raw = api_token_create(user=member, name="script")
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert response.status_code == 200
    assert b'name="token_hash"' not in response.content
    assert raw.encode() not in response.content
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403


def test_it_audits_role_changes_made_in_the_admin(client, superuser, member, coop):
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"is_delegate": "on", "is_profile_admin": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_delegate
    event = AuditEvent.objects.get(action="membership.roles")
    assert event.actor == superuser
    assert event.changes == {"is_delegate": [False, True]}


def test_it_audits_memberships_removed_in_the_admin(client, superuser, member):
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.exists()
    assert AuditEvent.objects.get(action="membership.remove").changes["user"] == ["member", None]


def test_it_withdraws_invitations_and_revokes_tokens_in_bulk(client, superuser, member, coop):
    invitation, _ = invitation_create(actor=member, coop=coop, email="x@example.org")
    token, _ = api_token_create(user=member, name="script")
    client.force_login(superuser)
    client.post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert Invitation.objects.get().revoked_at is not None
    assert ApiToken.objects.get().revoked_at is not None


def test_it_audits_memberships_added_on_a_users_page(client, superuser, outsider, coop):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    response = client.post(
        url,
        {
            "username": "outsider",
            "email": "outsider@example.org",
            "display_name": "",
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-coop": str(coop.pk),
            "memberships-0-is_profile_admin": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider)
    event = AuditEvent.objects.get(action="membership.create")
    assert event.target_id == str(membership.pk)
    assert event.changes["coop"] == [None, "hedgerow-digital"]
    assert event.changes["is_profile_admin"] == [None, True]
    assert event.note == "Changed in the admin."
