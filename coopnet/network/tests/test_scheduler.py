from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.network.models import PeriodicJobRun
from coopnet.network.scheduler import PERIODIC_JOBS, PeriodicJob, enqueue_due_jobs

JOB = PeriodicJob("expire", "coopnet.network.tasks.expire_invitations", timedelta(hours=1))


def test_it_enqueues_a_job_once_per_interval(db):
    now = timezone.now()
    assert enqueue_due_jobs(now, [JOB]) == ["expire"]
    assert enqueue_due_jobs(now + timedelta(minutes=59), [JOB]) == []
    assert enqueue_due_jobs(now + timedelta(minutes=61), [JOB]) == ["expire"]
    assert DBTaskResult.objects.count() == 2
    assert PeriodicJobRun.objects.get(name="expire").last_enqueued_at == now + timedelta(minutes=61)


# The worker checks its connection between tasks, which on PostgreSQL closes one that sits
# inside a test's transaction: this test commits instead.
@pytest.mark.django_db(transaction=True)
def test_it_runs_every_registered_job_through_the_worker():
    call_command("run_scheduler", once=True)
    assert DBTaskResult.objects.count() == len(PERIODIC_JOBS)
    run_queued_tasks()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_it_expires_old_invitations(coop, member):
    from coopnet.accounts.models import Invitation
    from coopnet.network.tasks import expire_invitations

    old = Invitation.objects.create(
        email="x@example.org",
        coop=coop,
        token_hash="a" * 64,
        expires_at=timezone.now() - timedelta(days=1),
    )
    live = Invitation.objects.create(
        email="y@example.org",
        coop=coop,
        token_hash="b" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert expire_invitations.call() == 1
    old.refresh_from_db()
    live.refresh_from_db()
    assert old.revoked_at is not None and live.revoked_at is None
