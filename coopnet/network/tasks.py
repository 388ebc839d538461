"""Periodic jobs of the network app."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def prune_finished_task_results(days: int = 7) -> int:
    """Finished background tasks are kept a week for debugging, then removed (their
    arguments can hold email addresses)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def expire_invitations() -> int:
    """Invitations past their date are marked revoked so that lists show only live ones."""
    from coopnet.accounts.models import Invitation

    now = timezone.now()
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
