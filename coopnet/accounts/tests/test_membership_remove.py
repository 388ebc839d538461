import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coopnet.accounts.models import Membership
from coopnet.accounts.services import membership_remove
from coopnet.audit.models import AuditEvent


def url(membership):
    return reverse("accounts:membership_remove", args=[membership.coop.slug, membership.pk])


@pytest.fixture
def member_m(member, coop):
    return Membership.objects.get(user=member, coop=coop)


@pytest.fixture
def delegate_m(delegate, coop):
    return Membership.objects.get(user=delegate, coop=coop)


def test_it_removes_a_worker_owner_and_audits_their_roles(member, delegate_m):
    membership_remove(actor=member, membership=delegate_m)
    assert not Membership.objects.filter(pk=delegate_m.pk).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.actor == member
    assert event.target_id == str(delegate_m.pk)
    assert event.changes == {
        "user": ["delegate", None],
        "is_delegate": [True, None],
        "is_profile_admin": [False, None],
    }


def test_it_keeps_the_last_profile_admin_while_others_belong(member, member_m, delegate_m):
    with pytest.raises(ValidationError) as excinfo:
        membership_remove(actor=member, membership=member_m)
    assert "only profile admin" in str(excinfo.value)
    assert Membership.objects.filter(pk=member_m.pk).exists()
    assert not AuditEvent.objects.exists()


def test_it_lets_the_last_worker_owner_leave(member, member_m):
    membership_remove(actor=member, membership=member_m)
    assert not Membership.objects.exists()


def test_it_lets_a_worker_owner_leave_on_their_own(delegate, delegate_m):
    membership_remove(actor=delegate, membership=delegate_m)
    assert not Membership.objects.filter(pk=delegate_m.pk).exists()


def test_it_refuses_other_worker_owners(delegate, member_m):
    with pytest.raises(PermissionDenied):
        membership_remove(actor=delegate, membership=member_m)


def test_it_sends_anonymous_people_to_sign_in(client, delegate_m):
    response = client.post(url(delegate_m))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Membership.objects.filter(pk=delegate_m.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_refuses_people_outside_the_co_op(client, delegate_m, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(delegate_m)).status_code == 403
    assert Membership.objects.filter(pk=delegate_m.pk).exists()


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_lets_profile_admins_and_coordinators_remove(client, delegate_m, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(delegate_m))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team", args=[delegate_m.coop.slug])
    assert not Membership.objects.filter(pk=delegate_m.pk).exists()


def test_it_explains_the_refusal_on_the_team_page(client, coordinator, member_m, delegate_m):
    client.force_login(coordinator)
    response = client.post(url(member_m))
    assert response.status_code == 400
    assert b"only profile admin" in response.content
    assert Membership.objects.filter(pk=member_m.pk).exists()


def test_it_takes_someone_who_leaves_to_their_dashboard(client, delegate, delegate_m):
    client.force_login(delegate)
    response = client.post(url(delegate_m))
    assert response["Location"] == reverse("accounts:dashboard")
