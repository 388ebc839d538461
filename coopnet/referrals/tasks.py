"""Periodic work for referrals, run by the background worker."""

from django_tasks import task


@task()
def advance_referrals() -> int:
    return 0
