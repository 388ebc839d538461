import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coopnet.accounts.models import Invitation
from coopnet.accounts.services import invitation_create, invitation_revoke
from coopnet.accounts.tests.conftest import invite_url
from coopnet.audit.models import AuditEvent


@pytest.fixture
def invited(member, coop):
    return invitation_create(actor=member, coop=coop, email="pending@example.org")


def url(invitation):
    return reverse("accounts:invitation_revoke", args=[invitation.coop.slug, invitation.pk])


def test_it_withdraws_the_invitation_and_its_link(client, member, invited):
    invitation, raw = invited
    invitation_revoke(actor=member, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not Invitation.objects.pending().exists()
    assert client.get(invite_url(raw)).status_code == 410
    event = AuditEvent.objects.get(action="membership.invite_revoke")
    assert event.actor == member
    assert event.changes["revoked_at"][0] is None


def test_it_refuses_to_withdraw_twice(member, invited):
    invitation, _raw = invited
    invitation_revoke(actor=member, invitation=invitation)
    with pytest.raises(ValidationError):
        invitation_revoke(actor=member, invitation=invitation)


def test_it_refuses_worker_owners_who_are_not_profile_admins(delegate, invited):
    with pytest.raises(PermissionDenied):
        invitation_revoke(actor=delegate, invitation=invited[0])


def test_it_sends_anonymous_people_to_sign_in(client, invited):
    invitation, _raw = invited
    response = client.post(url(invitation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["outsider", "other_member", "delegate"])
def test_it_refuses_everyone_but_profile_admins_and_coordinators(client, invited, who, request):
    invitation, _raw = invited
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_lets_profile_admins_and_coordinators_withdraw(client, invited, who, request):
    invitation, _raw = invited
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(invitation))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_it_says_when_the_invitation_was_already_used(client, member, invited):
    invitation, _raw = invited
    invitation_revoke(actor=member, invitation=invitation)
    client.force_login(member)
    response = client.post(url(invitation))
    assert response.status_code == 400
    assert b"already accepted or withdrawn" in response.content
