import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coopnet.accounts.models import Membership
from coopnet.accounts.services import membership_set_roles
from coopnet.audit.models import AuditEvent


def url(membership):
    return reverse("accounts:membership_roles", args=[membership.coop.slug, membership.pk])


@pytest.fixture
def member_m(member, coop):
    return Membership.objects.get(user=member, coop=coop)


@pytest.fixture
def delegate_m(delegate, coop):
    return Membership.objects.get(user=delegate, coop=coop)


def test_it_moves_the_delegate_role_in_one_step(member, member_m, delegate_m):
    membership_set_roles(actor=member, membership=member_m, is_delegate=True)
    member_m.refresh_from_db()
    delegate_m.refresh_from_db()
    assert member_m.is_delegate
    assert not delegate_m.is_delegate
    assert Membership.objects.filter(coop=member_m.coop, is_delegate=True).count() == 1

    taken = AuditEvent.objects.get(action="membership.roles", target_id=str(delegate_m.pk))
    assert taken.changes == {"is_delegate": [True, False]}
    given = AuditEvent.objects.get(action="membership.roles", target_id=str(member_m.pk))
    assert given.changes == {"is_delegate": [False, True]}
    assert given.actor == member


def test_it_refuses_to_drop_the_delegate_without_naming_another(member, delegate_m):
    with pytest.raises(ValidationError) as excinfo:
        membership_set_roles(actor=member, membership=delegate_m, is_delegate=False)
    assert "is_delegate" in excinfo.value.message_dict
    delegate_m.refresh_from_db()
    assert delegate_m.is_delegate


def test_it_makes_another_profile_admin(member, delegate_m):
    membership_set_roles(actor=member, membership=delegate_m, is_profile_admin=True)
    delegate_m.refresh_from_db()
    assert delegate_m.is_profile_admin and delegate_m.is_delegate
    event = AuditEvent.objects.get(action="membership.roles")
    assert event.changes == {"is_profile_admin": [False, True]}


def test_it_keeps_at_least_one_profile_admin(member, member_m, delegate_m):
    with pytest.raises(ValidationError) as excinfo:
        membership_set_roles(actor=member, membership=member_m, is_profile_admin=False)
    assert "only profile admin" in str(excinfo.value)
    membership_set_roles(actor=member, membership=delegate_m, is_profile_admin=True)
    membership_set_roles(actor=member, membership=member_m, is_profile_admin=False)
    member_m.refresh_from_db()
    assert not member_m.is_profile_admin


def test_it_writes_nothing_when_nothing_changes(member, member_m):
    membership_set_roles(actor=member, membership=member_m, is_profile_admin=True)
    assert not AuditEvent.objects.exists()


def test_it_refuses_worker_owners_who_are_not_profile_admins(delegate, member_m):
    with pytest.raises(PermissionDenied):
        membership_set_roles(actor=delegate, membership=member_m, is_delegate=True)


# Through the team page


def test_it_sends_anonymous_people_to_sign_in(client, member_m):
    response = client.post(url(member_m), {f"m{member_m.pk}-is_delegate": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    member_m.refresh_from_db()
    assert not member_m.is_delegate


@pytest.mark.parametrize("who", ["outsider", "other_member", "delegate"])
def test_it_refuses_everyone_but_profile_admins_and_coordinators(client, member_m, who, request):
    client.force_login(request.getfixturevalue(who))
    data = {f"m{member_m.pk}-is_delegate": "on", f"m{member_m.pk}-is_profile_admin": "on"}
    assert client.post(url(member_m), data).status_code == 403
    member_m.refresh_from_db()
    assert not member_m.is_delegate
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_lets_profile_admins_and_coordinators_change_roles(
    client, member_m, delegate_m, who, request
):
    client.force_login(request.getfixturevalue(who))
    data = {f"m{member_m.pk}-is_delegate": "on", f"m{member_m.pk}-is_profile_admin": "on"}
    response = client.post(url(member_m), data)
    assert response.status_code == 302
    member_m.refresh_from_db()
    delegate_m.refresh_from_db()
    assert member_m.is_delegate and not delegate_m.is_delegate


def test_it_shows_the_refusal_beside_the_roles(client, member, member_m, delegate_m):
    client.force_login(member)
    # Unticking every box: the co-op would lose its only profile admin.
    response = client.post(url(member_m), {})
    assert response.status_code == 400
    assert b"only profile admin" in response.content
    member_m.refresh_from_db()
    assert member_m.is_profile_admin


def test_it_answers_404_for_a_membership_of_another_co_op(client, member, coop, other_member):
    client.force_login(member)
    theirs = Membership.objects.get(user=other_member)
    response = client.post(reverse("accounts:membership_roles", args=[coop.slug, theirs.pk]))
    assert response.status_code == 404


def test_it_refuses_get(client, member, member_m):
    client.force_login(member)
    assert client.get(url(member_m)).status_code == 405
