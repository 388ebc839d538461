"""A small scheduler for periodic jobs: Django's tasks API has none.

Each `PeriodicJob` names a task and how often it runs. `enqueue_due_jobs()` enqueues the jobs
that are due and records when, in `PeriodicJobRun`, so a restart neither repeats nor skips a
job. The background worker (`db_worker`) runs what was enqueued; the scheduler only decides
when. Other apps add their jobs to `PERIODIC_JOBS` by name (a dotted path to the task), so
this module never imports them at import time.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from coopnet.network.models import PeriodicJobRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: timedelta


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        "prune-finished-tasks",
        "coopnet.network.tasks.prune_finished_task_results",
        timedelta(days=1),
    ),
    PeriodicJob(
        "expire-invitations", "coopnet.network.tasks.expire_invitations", timedelta(hours=1)
    ),
    # Hourly, so that digests go out in NetworkSettings.digest_hour: the task sends only then
    # (or when an entry has waited over a day), whenever the scheduler happened to start.
    PeriodicJob(
        "send-notification-digests",
        "coopnet.notifications.tasks.send_digests",
        timedelta(hours=1),
    ),
    PeriodicJob(
        "availability-reminders",
        "coopnet.directory.tasks.send_availability_reminders",
        timedelta(days=1),
    ),
    PeriodicJob(
        "advance-referrals", "coopnet.referrals.tasks.advance_referrals", timedelta(minutes=15)
    ),
    PeriodicJob(
        "expire-brief-contacts",
        "coopnet.hire.tasks.delete_expired_brief_contacts",
        timedelta(days=1),
    ),
    PeriodicJob("embed-brief-texts", "coopnet.hire.tasks.embed_brief_texts", timedelta(days=1)),
]


def enqueue_due_jobs(now=None, jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs if jobs is not None else PERIODIC_JOBS:
        with transaction.atomic():
            run, created = PeriodicJobRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not created and run.last_enqueued_at + job.every > now:
                continue
            import_string(job.task_path).enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            enqueued.append(job.name)
    return enqueued
