import pytest
from django.core import mail
from django.urls import reverse

from conftest import run_queued_tasks
from coopnet.accounts.models import Invitation


def url(coop):
    return reverse("accounts:invite", args=[coop.slug])


def test_it_sends_anonymous_people_to_sign_in(client, coop):
    for response in [client.get(url(coop)), client.post(url(coop), {"email": "x@example.org"})]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_refuses_people_outside_the_co_op(client, coop, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(coop)).status_code == 403
    assert client.post(url(coop), {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["member", "delegate", "coordinator"])
def test_it_lets_worker_owners_and_coordinators_invite(client, coop, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(coop)).status_code == 200
    response = client.post(url(coop), {"email": "colleague@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team", args=[coop.slug])
    invitation = Invitation.objects.get()
    assert invitation.email == "colleague@example.org"
    assert invitation.coop == coop


def test_it_lets_a_coordinator_invite_the_first_worker_owner_of_any_co_op(
    client, coordinator, other_coop
):
    client.force_login(coordinator)
    response = client.get(url(other_coop))
    assert b"first worker-owner" in response.content
    client.post(url(other_coop), {"email": "founder@tidewater.example", "is_profile_admin": "on"})
    invitation = Invitation.objects.get()
    assert invitation.coop == other_coop
    assert invitation.is_profile_admin


def test_it_offers_the_profile_admin_choice_only_to_those_who_can_give_it(
    client, coop, member, delegate
):
    client.force_login(delegate)
    assert b"is_profile_admin" not in client.get(url(coop)).content
    client.post(url(coop), {"email": "x@example.org", "is_profile_admin": "on"})
    assert Invitation.objects.get().is_profile_admin is False

    client.force_login(member)
    assert b"is_profile_admin" in client.get(url(coop)).content


def test_it_keeps_what_was_typed_when_the_address_is_wrong(client, coop, member):
    client.force_login(member)
    response = client.post(url(coop), {"email": "not-an-address"})
    assert response.status_code == 400
    assert b'value="not-an-address"' in response.content
    assert b"errorlist" in response.content
    assert not Invitation.objects.exists()


def test_it_says_when_the_person_already_belongs(client, coop, member, delegate):
    client.force_login(member)
    response = client.post(url(coop), {"email": "delegate@example.org"})
    assert response.status_code == 400
    assert b"already belongs" in response.content


def test_it_answers_404_for_an_unknown_co_op(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:invite", args=["no-such-coop"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_it_mails_the_invitation_from_the_worker(client, coop, member, settings):
    settings.SITE_URL = "https://coops.example"
    client.force_login(member)
    client.post(url(coop), {"email": "colleague@example.org"})
    assert mail.outbox == []

    run_queued_tasks()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@example.org"]
    assert "Hedgerow Digital" in message.subject
    assert "Mo Member invites you to join Hedgerow Digital" in message.body
    assert "https://coops.example/accounts/invitation/" in message.body


@pytest.mark.django_db(transaction=True)
def test_it_mails_nothing_for_an_invitation_withdrawn_before_the_worker_ran(client, coop, member):
    client.force_login(member)
    client.post(url(coop), {"email": "colleague@example.org"})
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation_revoke", args=[coop.slug, invitation.pk]))

    run_queued_tasks()

    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_keeps_no_copy_of_the_link_once_mailed(client, coop, member):
    from django_tasks_db.models import DBTaskResult

    client.force_login(member)
    client.post(url(coop), {"email": "colleague@example.org"})
    assert "/accounts/invitation/" in str(DBTaskResult.objects.get().args_kwargs)

    run_queued_tasks()

    link = mail.outbox[0].body.split("/accounts/invitation/")[1].split("/")[0]
    assert link not in str(DBTaskResult.objects.get().args_kwargs)
