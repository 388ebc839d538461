"""Referrals for the invented sample network, made through the same services members use.

So that `make serve` shows an open lead to claim, one in progress and a won one in the ledger.
"""

import datetime

from django.utils import timezone

from coopnet.accounts.models import User
from coopnet.directory.models import Coop
from coopnet.referrals.models import Referral
from coopnet.referrals.services import referral_claim, referral_create, referral_set_status


def load_sample_referrals(*, giver: User, taker: User) -> int:
    """Three referrals between the co-ops of `giver` and `taker`. Returns how many were made."""
    giver_coop = giver.memberships.get().coop
    taker_coop = taker.memberships.get().coop
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    referral_create(
        actor=taker,
        from_coop=taker_coop,
        title="Accessibility audit for a county council's forms",
        description="Twelve public forms, WCAG 2.2 AA, report and fixes. We are full until May.",
        estimated_value=9000,
        deadline=in_a_month,
        client_name="Morgan Ellis",
        client_organisation="Westshire County Council",
        client_email="morgan.ellis@westshire.example",
    )
    won = referral_create(
        actor=giver,
        from_coop=giver_coop,
        title="Moodle hosting for an adult education college",
        description="Hosting, backups and updates for about 2,000 learners.",
        estimated_value=6000,
        client_name="Sam Okoro",
        client_organisation="Eastbank Adult Learning",
        client_email="sam@eastbank-learning.example",
    )
    referral_claim(actor=taker, referral=won, coop=taker_coop)
    referral_set_status(actor=taker, referral=won, status=Referral.Status.IN_CONTACT)
    referral_set_status(actor=taker, referral=won, status=Referral.Status.WON, value=7200)
    in_progress = referral_create(
        actor=giver,
        from_coop=giver_coop,
        title="Data dashboard for a tenants' union",
        description="Repairs reported by members, by landlord and by month.",
        client_name="Jo Fraser",
        client_organisation="City Tenants Union",
        client_email="jo@city-tenants.example",
        audience=Referral.Audience.CHOSEN_IN_TURN,
        chosen_coops=[taker_coop, *_others(giver_coop, taker_coop)],
    )
    referral_claim(actor=taker, referral=in_progress, coop=taker_coop)
    return 3


def _others(*excluded: Coop) -> list[Coop]:
    return list(
        Coop.objects.members().exclude(pk__in=[c.pk for c in excluded]).order_by("name")[:2]
    )
