"""The reciprocity ledger: derived from referrals with SQL aggregates, never typed in or stored.

Definitions (docs/referrals.md says the same to members):
- a referral counts as *given* by the co-op that passed it on and *received* by the co-op that
  claimed it, once it is claimed and unless the sender withdrew it (a withdrawn lead was taken
  back, not given); a referral nobody claimed counts for nobody;
- *won*: those of them closed as won;
- *value*: the sum of the values recorded on won referrals (a co-op may keep it to itself: an
  unrecorded value counts as nothing).

Who sees what: a co-op's ledger and its pairs, with their money, only its own worker-owners
and coordinators (`ledger_visible_to`; the page and the API show nothing else). Every pair of
a co-op's ledger involves that co-op, so whoever may see the ledger may see all its money: no
figure in it is hidden from its viewer. Everyone sees the network totals, which carry no money
(with a handful of won referrals a network-wide sum would give away one pair's figure).

Each function runs a fixed number of queries whatever the number of referrals or co-ops.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import timezone

from coopnet.directory.models import Coop
from coopnet.referrals.models import Referral
from coopnet.referrals.selectors import coop_ids_of

PERIODS = {"month": TruncMonth, "year": TruncYear}


@dataclass(frozen=True)
class CoopLedger:
    given: int
    received: int
    given_won: int
    received_won: int
    value_given: int
    value_received: int


@dataclass(frozen=True)
class PairBalance:
    other_coop: Coop
    given: int
    received: int
    balance: int  # given - received: above zero, this co-op has given more than it received
    value_given: int
    value_received: int


@dataclass(frozen=True)
class PeriodTotals:
    period_start: datetime.date
    referrals: int  # passed on in the period
    claimed: int  # of those, claimed by a co-op
    won: int  # of those, won


@dataclass(frozen=True)
class NetworkSummary:
    referrals: int
    claimed: int
    won: int
    coops_giving: int  # co-ops that gave at least one referral
    coops_receiving: int


# The referrals that count in the ledger and the totals: claimed, and not taken back by the
# sender (a withdrawn lead was taken back, not given). The one place this rule is written.
COUNTED = Q(claimed_by_coop__isnull=False) & ~Q(status=Referral.Status.WITHDRAWN)


def _counted() -> QuerySet:
    return Referral.objects.filter(COUNTED)


WON = Q(status=Referral.Status.WON)


def coop_ledger(coop: Coop) -> CoopLedger:
    """What `coop` gave and received, with money (one query). Show it only to those
    `ledger_visible_to` allows."""
    given = Q(from_coop=coop)
    received = Q(claimed_by_coop=coop)
    totals = (
        _counted()
        .filter(given | received)
        .aggregate(
            given=Count("pk", filter=given),
            received=Count("pk", filter=received),
            given_won=Count("pk", filter=given & WON),
            received_won=Count("pk", filter=received & WON),
            value_given=Sum("closed_value", filter=given & WON),
            value_received=Sum("closed_value", filter=received & WON),
        )
    )
    return CoopLedger(
        given=totals["given"],
        received=totals["received"],
        given_won=totals["given_won"],
        received_won=totals["received_won"],
        value_given=totals["value_given"] or 0,
        value_received=totals["value_received"] or 0,
    )


def coop_pairs(coop: Coop) -> list[PairBalance]:
    """The balance with every co-op `coop` gave to or received from (two queries).

    Most exchanged first, then by name.
    """
    given = Q(from_coop=coop)
    received = Q(claimed_by_coop=coop)
    rows = (
        _counted()
        .filter(given | received)
        .annotate(
            other_id=Case(When(given, then=F("claimed_by_coop_id")), default=F("from_coop_id"))
        )
        .values("other_id")
        .annotate(
            given=Count("pk", filter=given),
            received=Count("pk", filter=received),
            value_given=Sum("closed_value", filter=given & WON),
            value_received=Sum("closed_value", filter=received & WON),
        )
        .order_by()
    )
    rows = list(rows)
    others = Coop.objects.in_bulk([row["other_id"] for row in rows])
    pairs = [
        PairBalance(
            other_coop=others[row["other_id"]],
            given=row["given"],
            received=row["received"],
            balance=row["given"] - row["received"],
            value_given=row["value_given"] or 0,
            value_received=row["value_received"] or 0,
        )
        for row in rows
    ]
    pairs.sort(key=lambda p: (-(p.given + p.received), p.other_coop.name.casefold()))
    return pairs


def _period_starts(period: str, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    starts = []
    day = first
    while day <= last:
        starts.append(day)
        if period == "year":
            day = day.replace(year=day.year + 1)
        else:
            day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return starts


def _period_start(period: str, day: datetime.date) -> datetime.date:
    return day.replace(month=1, day=1) if period == "year" else day.replace(day=1)


def network_totals(
    *, period: str = "month", count: int | None = None, today: datetime.date | None = None
) -> list[PeriodTotals]:
    """Referrals passed on, claimed and won across the network, per month or year (one query).

    Every period from the first referral (or the last `count` periods) to the current one,
    oldest first, with zeros where nothing happened. Referrals are counted in the period they
    were passed on. No money: these totals are public.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {sorted(PERIODS)}, not {period!r}")
    today = today or timezone.localdate()
    bucket = PERIODS[period]("created_at", tzinfo=timezone.get_current_timezone())
    rows = (
        Referral.objects.annotate(period_start=bucket)
        .values("period_start")
        .annotate(
            referrals=Count("pk"),
            claimed=Count("pk", filter=COUNTED),
            won=Count("pk", filter=WON),
        )
        .order_by("period_start")
    )
    found = {}
    for row in rows:
        start = row["period_start"]
        if isinstance(start, datetime.datetime):
            start = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
        found[_period_start(period, start)] = row
    last = _period_start(period, today)
    if count is not None:
        first = last
        for _step in range(count - 1):
            first = _period_start(period, first - datetime.timedelta(days=1))
    elif found:
        first = min(min(found), last)
    else:
        return []
    return [
        PeriodTotals(
            period_start=start,
            referrals=found.get(start, {}).get("referrals", 0),
            claimed=found.get(start, {}).get("claimed", 0),
            won=found.get(start, {}).get("won", 0),
        )
        for start in _period_starts(period, first, last)
    ]


def network_totals_summary() -> NetworkSummary:
    """All-time totals for the whole network (one query). No money: these are public."""
    totals = Referral.objects.aggregate(
        referrals=Count("pk"),
        claimed=Count("pk", filter=COUNTED),
        won=Count("pk", filter=WON),
        coops_giving=Count("from_coop", filter=COUNTED, distinct=True),
        coops_receiving=Count("claimed_by_coop", filter=COUNTED, distinct=True),
    )
    return NetworkSummary(**totals)


def ledger_visible_to(coop: Coop, viewer) -> bool:
    """A co-op's ledger and pairs: its own worker-owners and coordinators."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    return viewer.is_coordinator or coop.pk in coop_ids_of(viewer)
