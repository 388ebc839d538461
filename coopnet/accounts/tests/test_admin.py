import pytest
from django.urls import reverse
from django.utils import timezone

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


def user_page_data(user: User, **changes) -> dict:
    """The people admin's change form for `user` as a browser posts it, with `changes`."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S.%f"),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for flag in ["is_active", "is_staff", "is_superuser"]:
        if getattr(user, flag):
            data[flag] = "on"
    memberships = list(user.memberships.order_by("pk"))
    data["memberships-TOTAL_FORMS"] = data["memberships-INITIAL_FORMS"] = str(len(memberships))
    for number, membership in enumerate(memberships):
        prefix = f"memberships-{number}-"
        data[prefix + "id"] = str(membership.pk)
        data[prefix + "user"] = str(user.pk)
        data[prefix + "coop"] = str(membership.coop_id)
        for role in ["is_delegate", "is_profile_admin"]:
            if getattr(membership, role):
                data[prefix + role] = "on"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.mark.parametrize(
    ("flag", "posted", "before", "after"),
    [
        ("is_staff", {"is_staff": "on"}, False, True),
        ("is_superuser", {"is_superuser": "on"}, False, True),
        ("is_active", {"is_active": None}, True, False),
    ],
)
def test_it_audits_coordinator_superuser_and_active_changes(
    client, superuser, outsider, flag, posted, before, after
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    response = client.post(url, user_page_data(outsider, **posted))
    assert response.status_code == 302, response.context["adminform"].form.errors
    outsider.refresh_from_db()
    assert getattr(outsider, flag) is after
    event = AuditEvent.objects.get(action="account.admin_update")
    assert event.actor == superuser
    assert event.target_id == str(outsider.pk)
    assert event.changes == {flag: [before, after]}


def test_it_audits_a_user_added_in_the_admin_without_the_password(client, superuser):
    client.force_login(superuser)
    client.post(
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
    user = User.objects.get(username="newcoordinator")
    event = AuditEvent.objects.get(action="account.admin_create")
    assert event.target_id == str(user.pk)
    assert event.changes["email"] == [None, "new@example.org"]
    assert "password" not in event.changes
    assert user.password not in str(event.changes)


def test_it_audits_deleting_a_user_and_the_memberships_that_go_with_them(
    client, superuser, member, coop
):
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    removed = AuditEvent.objects.get(action="membership.remove")
    assert removed.target_id == str(membership.pk)
    assert removed.actor == superuser
    assert removed.changes == {
        "user": ["member", None],
        "coop": ["hedgerow-digital", None],
        "is_delegate": [False, None],
        "is_profile_admin": [True, None],
    }
    deleted = AuditEvent.objects.get(action="account.admin_delete")
    assert deleted.target_id == str(member.pk)
    assert deleted.target_label == "Mo Member"


def test_it_audits_users_deleted_in_bulk(client, superuser, member, outsider):
    client.force_login(superuser)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk, outsider.pk], "post": "yes"},
    )
    assert not User.objects.filter(pk__in=[member.pk, outsider.pk]).exists()
    assert AuditEvent.objects.filter(action="account.admin_delete").count() == 2
    assert AuditEvent.objects.filter(action="membership.remove").count() == 1


def test_it_keeps_the_last_profile_admin_when_demoted_on_a_users_page(
    client, superuser, member, delegate, coop
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = client.post(
        url, user_page_data(member, **{"memberships-0-is_profile_admin": None}), follow=True
    )
    assert response.status_code == 200
    assert Membership.objects.get(user=member).is_profile_admin
    assert "only profile admin" in " ".join(str(m) for m in response.context["messages"])
    assert not AuditEvent.objects.filter(action="membership.roles").exists()


def test_it_keeps_the_last_profile_admin_when_removed_on_a_users_page(
    client, superuser, member, delegate, coop
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = client.post(
        url, user_page_data(member, **{"memberships-0-DELETE": "on"}), follow=True
    )
    assert response.status_code == 200
    assert Membership.objects.filter(user=member).exists()
    assert "only profile admin" in " ".join(str(m) for m in response.context["messages"])
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_it_keeps_the_last_profile_admin_on_the_memberships_own_page(
    client, superuser, member, delegate, coop
):
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    client.post(reverse("admin:accounts_membership_change", args=[membership.pk]), {})
    membership.refresh_from_db()
    assert membership.is_profile_admin
    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_it_gives_coordinators_no_power_over_people_they_were_not_granted(
    client, coordinator, outsider
):
    client.force_login(coordinator)
    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, user_page_data(outsider, is_superuser="on")).status_code == 403
    outsider.refresh_from_db()
    assert not outsider.is_superuser
