import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import run_queued_tasks
from coopnet.audit.models import AuditEvent
from coopnet.notifications.models import Delivery
from coopnet.notifications.services import (
    delivery_for,
    notification_settings_set,
    unsubscribe_token,
    unsubscribe_url,
)
from coopnet.notifications.tests.helpers import send


def test_it_asks_first_without_signing_in_and_changes_nothing(client, member):
    response = client.get(unsubscribe_url(member))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Stop these emails?" in content
    assert f'action="{unsubscribe_url(member)}"' in content
    assert delivery_for(member) == Delivery.INSTANT
    assert "no-store" in response["Cache-Control"]


def test_it_says_when_mail_is_already_off(client, member):
    notification_settings_set(user=member, delivery="digest")
    notification_settings_set(user=member, delivery="none")
    response = client.get(unsubscribe_url(member))
    assert "already get no email" in response.content.decode()


def test_it_turns_mail_off_and_says_how_to_turn_it_back_on(client, member):
    response = client.post(unsubscribe_url(member))
    assert response.status_code == 200
    content = response.content.decode()
    assert "no more of these emails" in content
    assert reverse("notifications:settings") in content
    assert delivery_for(member) == Delivery.NONE
    event = AuditEvent.objects.get(action="notifications.settings")
    assert event.actor == member


def test_it_takes_a_mail_clients_one_click_post_without_csrf(member):
    # RFC 8058: the mail client POSTs this body, with no cookie and no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(member),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert delivery_for(member) == Delivery.NONE


def test_it_unsubscribes_the_tokens_owner_whoever_is_signed_in(client, member, other_member):
    client.force_login(other_member)
    client.post(unsubscribe_url(member))
    assert delivery_for(member) == Delivery.NONE
    assert delivery_for(other_member) == Delivery.INSTANT


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("bad", ["nonsense", "tampered"])
def test_it_explains_a_bad_link(client, member, method, bad):
    token = "nonsense" if bad == "nonsense" else unsubscribe_token(member)[:-3] + "abc"
    url = reverse("notifications:unsubscribe", args=[token])
    response = getattr(client, method)(url)
    assert response.status_code == 400
    assert "does not work" in response.content.decode()
    assert delivery_for(member) == Delivery.INSTANT


def test_it_refuses_a_closed_accounts_link(client, member):
    url = unsubscribe_url(member)
    member.is_active = False
    member.save()
    assert client.post(url).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_it_stops_optional_mail_but_not_a_password_reset(client, member):
    client.post(unsubscribe_url(member))
    send([member])
    client.post(reverse("accounts:password_reset"), {"email": "member@example.org"})
    run_queued_tasks()
    [message] = mail.outbox
    assert "password" in message.subject.lower()
    assert "List-Unsubscribe" not in message.extra_headers
