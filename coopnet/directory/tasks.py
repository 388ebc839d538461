"""Background work for the directory."""

from django_tasks import task


@task()
def send_availability_reminders() -> int:
    return 0
