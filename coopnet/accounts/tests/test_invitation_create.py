from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coopnet.accounts.models import Invitation, hash_token
from coopnet.accounts.services import invitation_create
from coopnet.audit.models import AuditEvent
from coopnet.network.models import NetworkSettings


def test_it_lets_a_coordinator_invite_the_first_worker_owner(coordinator, coop):
    invitation, raw = invitation_create(
        actor=coordinator, coop=coop, email="first@hedgerow.example"
    )
    assert invitation.coop == coop
    assert invitation.invited_by == coordinator
    assert invitation.is_usable


def test_it_lets_a_worker_owner_invite_a_colleague(delegate, coop):
    invitation, _raw = invitation_create(actor=delegate, coop=coop, email="colleague@example.org")
    assert invitation.invited_by == delegate


def test_it_stores_only_the_hash_of_the_token(member, coop):
    invitation, raw = invitation_create(actor=member, coop=coop, email="colleague@example.org")
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(raw)
    assert raw not in invitation.token_hash


def test_it_expires_after_the_networks_invitation_days(member, coop):
    network = NetworkSettings.load()
    network.invitation_days = 3
    network.save()
    before = timezone.now()
    invitation, _raw = invitation_create(actor=member, coop=coop, email="colleague@example.org")
    assert before + timedelta(days=3) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + timedelta(days=3)


def test_it_queues_the_email_with_the_accept_link(member, coop, settings):
    settings.SITE_URL = "https://coops.example"
    invitation, raw = invitation_create(actor=member, coop=coop, email="colleague@example.org")
    task = DBTaskResult.objects.get()
    assert task.task_path == "coopnet.accounts.tasks.send_invitation_email"
    assert task.args_kwargs["kwargs"] == {
        "invitation_id": invitation.pk,
        "accept_url": f"https://coops.example/accounts/invitation/{raw}/",
    }


def test_it_writes_an_audit_row(member, coop):
    invitation, _raw = invitation_create(
        actor=member, coop=coop, email="Colleague@Example.ORG", is_profile_admin=True
    )
    event = AuditEvent.objects.get(action="membership.invite")
    assert event.actor == member
    assert event.target_id == str(invitation.pk)
    assert event.changes["email"] == [None, "Colleague@example.org"]
    assert event.changes["is_profile_admin"] == [None, True]
    assert event.changes["coop"] == [None, coop.slug]


def test_it_revokes_the_earlier_pending_invitation_of_the_same_address(
    member, coordinator, coop, other_coop
):
    first, _first_raw = invitation_create(actor=member, coop=coop, email="colleague@example.org")
    someone_else, _ = invitation_create(actor=member, coop=coop, email="someone@example.org")
    other_coops, _ = invitation_create(
        actor=coordinator, coop=other_coop, email="colleague@example.org"
    )
    second, _second_raw = invitation_create(actor=member, coop=coop, email="COLLEAGUE@example.org")
    for invitation in [first, someone_else, other_coops]:
        invitation.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_usable
    assert someone_else.is_usable
    assert other_coops.is_usable
    assert AuditEvent.objects.filter(
        action="membership.invite_revoke", target_id=str(first.pk)
    ).exists()


def test_it_refuses_someone_who_already_belongs(member, delegate, coop):
    with pytest.raises(ValidationError) as excinfo:
        invitation_create(actor=member, coop=coop, email="Delegate@example.org")
    assert "already belongs" in str(excinfo.value)
    assert not Invitation.objects.exists()


def test_it_refuses_an_invalid_address(member, coop):
    with pytest.raises(ValidationError) as excinfo:
        invitation_create(actor=member, coop=coop, email="not an address")
    assert "email" in excinfo.value.message_dict


def test_it_refuses_other_co_ops_worker_owners(other_member, coop):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=other_member, coop=coop, email="x@example.org")
    assert not Invitation.objects.exists()


def test_it_refuses_outsiders_and_anonymous_people(outsider, coop):
    for actor in [outsider, AnonymousUser(), None]:
        with pytest.raises(PermissionDenied):
            invitation_create(actor=actor, coop=coop, email="x@example.org")
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_lets_only_profile_admins_and_coordinators_invite_a_profile_admin(
    delegate, member, coordinator, coop
):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=delegate, coop=coop, email="x@example.org", is_profile_admin=True)
    invitation_create(actor=member, coop=coop, email="y@example.org", is_profile_admin=True)
    invitation_create(actor=coordinator, coop=coop, email="z@example.org", is_profile_admin=True)
    assert Invitation.objects.filter(is_profile_admin=True).count() == 2


def test_it_refuses_inactive_coordinators(coordinator, coop):
    coordinator.is_active = False
    coordinator.save()
    with pytest.raises(PermissionDenied):
        invitation_create(actor=coordinator, coop=coop, email="x@example.org")


def test_it_limits_how_many_invitations_one_person_sends_an_hour(member, delegate, coop, settings):
    settings.INVITATION_MAX_PER_HOUR = 2
    for number in range(2):
        invitation_create(actor=member, coop=coop, email=f"colleague{number}@example.org")
    with pytest.raises(ValidationError, match="2 invitations in the last hour"):
        invitation_create(actor=member, coop=coop, email="colleague2@example.org")
    assert Invitation.objects.count() == 2
    # Another person's count is their own.
    invitation_create(actor=delegate, coop=coop, email="colleague2@example.org")


def test_it_does_not_count_refused_invitations(member, delegate, coop, settings):
    settings.INVITATION_MAX_PER_HOUR = 1
    with pytest.raises(ValidationError):
        invitation_create(actor=member, coop=coop, email="delegate@example.org")
    invitation_create(actor=member, coop=coop, email="colleague@example.org")
