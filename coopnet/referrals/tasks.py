"""Periodic work for referrals, run by the background worker."""

from django_tasks import task

from coopnet.referrals.services import referrals_advance_due


@task()
def advance_referrals() -> int:
    """Every 15 minutes: offers past their answer time become unanswered, directed referrals
    nobody is left to answer move on, referrals past their deadline return to the sender.

    Returns how many referrals changed; running it again at once changes nothing.
    """
    return referrals_advance_due()
