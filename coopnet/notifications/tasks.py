"""Notification mail, sent by the background worker."""

from django_tasks import task

from coopnet.notifications import services


@task()
def send_notification_email(*, notification_id: int) -> bool:
    """Mail one notification at once; nothing if it was already mailed."""
    return services.notification_email_send(notification_id=notification_id)


@task()
def send_digests() -> int:
    """Hourly: the daily digests that are due (see `services.digests_send`)."""
    return services.digests_send()
