"""Building and sending one notification email (instant or digest) with its unsubscribe."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from coopnet.accounts.models import User
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Notification


def notification_message(
    *,
    user: User,
    subject: str,
    notifications: list[Notification],
    network: NetworkSettings | None = None,
) -> EmailMessage:
    """The email for `notifications`, with a one-click unsubscribe (RFC 8058) for `user`."""
    from coopnet.notifications.services import unsubscribe_url

    unsubscribe = settings.SITE_URL + unsubscribe_url(user)
    body = render_to_string(
        "notifications/email/notification.txt",
        {
            "user": user,
            "notifications": notifications,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe,
            "network": network or NetworkSettings.load(),
        },
    )
    return EmailMessage(
        " ".join(subject.split()),
        body,
        to=[user.email],
        headers={
            # Mail clients show their own "Unsubscribe" button from these two headers and POST
            # `List-Unsubscribe=One-Click` to the address, without the person visiting it.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Tells auto-responders (out of office) not to answer.
            "Auto-Submitted": "auto-generated",
        },
    )
