"""Background work for the directory."""

from django_tasks import task

from coopnet.notifications.reminders import availability_reminders_send


@task()
def send_availability_reminders() -> int:
    """Daily: ask co-ops whose availability is old whether it is still true."""
    return availability_reminders_send()
