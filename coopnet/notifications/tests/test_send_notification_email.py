import re

import pytest
from django.conf import settings
from django.core import mail

from conftest import run_queued_tasks
from coopnet.notifications.models import Notification
from coopnet.notifications.services import (
    notification_email_send,
    notification_settings_set,
    user_for_unsubscribe_token,
)
from coopnet.notifications.tests.helpers import send


def test_it_carries_the_one_click_unsubscribe_headers(member, mailoutbox):
    [entry] = send([member], url="/referrals/")
    assert notification_email_send(notification_id=entry.pk) is True
    [message] = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(.+)>", header).group(1)
    assert url.startswith(settings.SITE_URL + "/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    token = url.removeprefix(settings.SITE_URL + "/notifications/unsubscribe/").strip("/")
    assert user_for_unsubscribe_token(token) == member
    # The same link is in the text, with the settings page and the notification's own link.
    assert url in message.body
    assert settings.SITE_URL + "/notifications/settings/" in message.body
    assert settings.SITE_URL + "/referrals/" in message.body
    assert "Hello Mo Member," in message.body


def test_it_mails_a_notification_only_once(member, mailoutbox):
    [entry] = send([member])
    assert notification_email_send(notification_id=entry.pk) is True
    assert notification_email_send(notification_id=entry.pk) is False
    assert len(mailoutbox) == 1


def test_it_does_not_mail_someone_who_turned_mail_off_since(member, mailoutbox):
    [entry] = send([member])
    notification_settings_set(user=member, delivery="none")
    assert notification_email_send(notification_id=entry.pk) is False
    assert mailoutbox == []
    entry.refresh_from_db()
    assert entry.emailed_at is None


def test_it_does_not_mail_a_closed_account(member, mailoutbox):
    [entry] = send([member])
    member.is_active = False
    member.save()
    assert notification_email_send(notification_id=entry.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_it_is_sent_by_the_background_worker(member):
    send([member])
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get().emailed_at is not None
