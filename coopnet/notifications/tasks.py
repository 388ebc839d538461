"""Notification mail, sent by the background worker."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Notification


def _send(user, subject: str, notifications: list[Notification]) -> None:
    from coopnet.notifications.services import unsubscribe_url

    unsubscribe = settings.SITE_URL + unsubscribe_url(user)
    body = render_to_string(
        "notifications/email/notification.txt",
        {
            "user": user,
            "notifications": notifications,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe,
            "network": NetworkSettings.load(),
        },
    )
    message = EmailMessage(
        subject,
        body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


@task()
def send_notification_email(*, notification_id: int) -> bool:
    """Mail one notification at once; nothing if it was already mailed."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.is_active:
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    _send(notification.user, notification.subject, [notification])
    return True


@task()
def send_digests() -> int:
    """Mail each user who chose the daily digest everything waiting for them, in one email."""
    sent = 0
    user_ids = (
        Notification.objects.awaiting_digest()
        .values_list("user_id", flat=True)
        .distinct()
        .order_by()
    )
    for user_id in list(user_ids):
        with transaction.atomic():
            waiting = list(
                Notification.objects.awaiting_digest()
                .select_for_update()
                .select_related("user")
                .filter(user_id=user_id)
                .order_by("created_at", "id")
            )
            if not waiting:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
                emailed_at=timezone.now()
            )
        user = waiting[0].user
        if not user.is_active:
            continue
        network = NetworkSettings.load()
        subject = _("%(network)s: %(count)d updates today") % {
            "network": network.name,
            "count": len(waiting),
        }
        _send(user, subject, waiting)
        sent += 1
    return sent
