import pytest
from django.urls import reverse

from coopnet.accounts.services import invitation_create


def url(coop):
    return reverse("accounts:team", args=[coop.slug])


def test_it_sends_anonymous_people_to_sign_in(client, coop):
    response = client.get(url(coop))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_hides_the_team_from_people_outside_the_co_op(client, coop, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(coop)).status_code == 403


def test_it_lists_members_roles_and_pending_invitations(client, coop, member, delegate):
    invitation_create(actor=member, coop=coop, email="pending@example.org")
    client.force_login(delegate)
    response = client.get(url(coop))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mo Member" in content and "delegate@example.org" in content
    assert "profile admin" in content
    assert "pending@example.org" in content
    # A worker-owner who is not a profile admin sees roles but cannot change them.
    assert "Save roles" not in content
    assert "Withdraw" not in content
    assert "Leave the co-op" in content


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_it_gives_profile_admins_and_coordinators_the_controls(client, coop, member, who, request):
    invitation_create(actor=member, coop=coop, email="pending@example.org")
    client.force_login(request.getfixturevalue(who))
    content = client.get(url(coop)).content.decode()
    assert "Save roles" in content
    assert "Withdraw" in content
    assert 'name="is_profile_admin"' in content  # on the invitation form


def test_it_warns_when_the_co_op_has_no_delegate(client, coop, member):
    client.force_login(member)
    assert b"has no delegate" in client.get(url(coop)).content


def test_it_shows_an_empty_team_to_a_coordinator(client, coop, coordinator):
    client.force_login(coordinator)
    response = client.get(url(coop))
    assert response.status_code == 200
    assert b"Nobody belongs to this co-op here yet" in response.content


def test_it_makes_a_fixed_number_of_queries(
    client, coop, member, delegate, django_assert_max_num_queries
):
    for number in range(5):
        invitation_create(actor=member, coop=coop, email=f"p{number}@example.org")
    client.force_login(member)
    with django_assert_max_num_queries(9):
        client.get(url(coop))


def test_it_shows_the_team_to_exactly_the_people_who_may_edit_the_co_op(
    coop, outsider, other_member, member, delegate, coordinator
):
    from django.contrib.auth.models import AnonymousUser

    from coopnet.accounts.services import can_view_team

    delegate.is_active = False
    for user in [outsider, other_member, member, delegate, coordinator]:
        assert can_view_team(user, coop) == user.can_edit_coop(coop), user
    assert not can_view_team(AnonymousUser(), coop)
