import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import coop_with_worker
from coopnet.accounts.models import User
from coopnet.directory.models import Coop
from coopnet.referrals.ledger import (
    COUNTED,
    CoopLedger,
    NetworkSummary,
    PeriodTotals,
    coop_ledger,
    coop_pairs,
    ledger_visible_to,
    network_totals,
    network_totals_summary,
)
from coopnet.referrals.models import Referral
from coopnet.referrals.services import referral_claim, referral_create, referral_set_status

pytestmark = pytest.mark.django_db


def passed(
    sender: tuple[Coop, User], claimer: tuple[Coop, User] | None, status="claimed", value=None
):
    """A referral from `sender` claimed by `claimer` (if any), taken to `status`."""
    referral = referral_create(actor=sender[1], from_coop=sender[0], title="Work")
    if claimer is not None:
        referral_claim(actor=claimer[1], referral=referral, coop=claimer[0])
    if status in ("won", "lost", "in_contact"):
        referral_set_status(actor=claimer[1], referral=referral, status=status, value=value)
    elif status == "withdrawn":
        referral_set_status(actor=sender[1], referral=referral, status=status)
    return referral


@pytest.fixture
def network(coop, member, other_coop, other_member):
    """Hedgerow (a) and Tidewater (b) trade work; Third (c) received one from a."""
    a, b = (coop, member), (other_coop, other_member)
    c = coop_with_worker("third-coop")
    passed(a, b, "won", 10000)
    passed(a, b, "won")  # won, value kept private: counts as won, adds nothing
    passed(a, b, "lost")
    passed(b, a, "won", 2500)
    passed(a, c, "in_contact")
    passed(a, b, "withdrawn")  # taken back: not given
    passed(a, None, "claimed")  # nobody took it: not given
    return {"a": a, "b": b, "c": c}


def test_it_counts_what_a_coop_gave_and_received_and_what_was_won(network):
    assert coop_ledger(network["a"][0]) == CoopLedger(
        given=4, received=1, given_won=2, received_won=1, value_given=10000, value_received=2500
    )
    assert coop_ledger(network["c"][0]) == CoopLedger(
        given=0, received=1, given_won=0, received_won=0, value_given=0, value_received=0
    )


def test_it_balances_each_pair_of_coops(network):
    pairs = coop_pairs(network["a"][0])

    assert [
        (p.other_coop.slug, p.given, p.received, p.balance, p.value_given, p.value_received)
        for p in pairs
    ] == [
        ("tidewater-tech", 3, 1, 2, 10000, 2500),
        ("third-coop", 1, 0, 1, 0, 0),
    ]
    mirror = {p.other_coop.slug: p for p in coop_pairs(network["b"][0])}
    assert mirror["hedgerow-digital"].balance == -2


def test_it_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    a = network["a"]
    for n in range(5):
        passed(a, coop_with_worker(f"more-{n}"), "won", 100)

    with django_assert_num_queries(1):
        coop_ledger(a[0])
    with django_assert_num_queries(2):
        coop_pairs(a[0])
    with django_assert_num_queries(1):
        network_totals(period="month")
    with django_assert_num_queries(1):
        network_totals_summary()


def test_it_shows_money_only_to_the_coops_own_worker_owners_and_coordinators(
    network, coordinator, outsider
):
    """The money is in the ledger: who sees it is who sees the ledger (`ledger_visible_to`)."""
    a = network["a"][0]
    viewers = {
        "a": network["a"][1],
        "b": network["b"][1],
        "c": network["c"][1],
        "coordinator": coordinator,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }

    assert {name for name, viewer in viewers.items() if ledger_visible_to(a, viewer)} == {
        "a",
        "coordinator",
    }
    assert coop_ledger(a).value_given == 10000


def test_it_shows_a_pairs_money_only_to_the_two_coops_of_that_pair(network):
    """Every pair of a co-op's ledger involves that co-op: each of the two sees the pair's
    money in its own ledger, and a third co-op sees neither the pair nor its money."""
    a, b, c = (network[name][0] for name in "abc")

    def money(coop) -> dict[str, tuple]:
        return {p.other_coop.slug: (p.value_given, p.value_received) for p in coop_pairs(coop)}

    assert money(a) == {"tidewater-tech": (10000, 2500), "third-coop": (0, 0)}
    assert money(b)["hedgerow-digital"] == (2500, 10000)
    assert money(c) == {"hedgerow-digital": (0, 0)}
    assert not ledger_visible_to(a, network["b"][1])
    assert not ledger_visible_to(a, network["c"][1])


def test_it_writes_the_counted_rule_once(network):
    """Claimed and not withdrawn: the ledger, the pairs and the network totals agree."""
    counted = Referral.objects.filter(COUNTED)

    assert counted.count() == network_totals_summary().claimed == 5
    assert not counted.filter(status=Referral.Status.WITHDRAWN).exists()
    assert not counted.filter(claimed_by_coop__isnull=True).exists()
    ledgers = [coop_ledger(network[name][0]) for name in "abc"]
    assert sum(ledger.given for ledger in ledgers) == sum(ledger.received for ledger in ledgers)
    assert sum(ledger.received for ledger in ledgers) == 5


def test_it_shows_a_coops_ledger_to_its_worker_owners_and_coordinators_only(
    network, coordinator, outsider
):
    a = network["a"][0]

    assert ledger_visible_to(a, network["a"][1])
    assert ledger_visible_to(a, coordinator)
    for viewer in (network["b"][1], outsider, AnonymousUser()):
        assert not ledger_visible_to(a, viewer)


def test_it_totals_the_network_per_month_without_money(network):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    old = passed(network["b"], network["c"], "won", 999)
    Referral.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=70)
    )
    first_month = timezone.localtime(timezone.now() - datetime.timedelta(days=70)).date()

    totals = network_totals(period="month", today=today)

    assert totals[0] == PeriodTotals(
        period_start=first_month.replace(day=1), referrals=1, claimed=1, won=1
    )
    assert totals[-1] == PeriodTotals(period_start=this_month, referrals=7, claimed=5, won=3)
    assert all(t.referrals == 0 for t in totals[1:-1])  # the months between, with zeros
    assert len(totals) in (3, 4)
    assert not hasattr(totals[0], "value")
    assert [t.period_start for t in network_totals(period="month", count=12, today=today)][
        -1
    ] == this_month
    assert len(network_totals(period="month", count=12, today=today)) == 12


def test_it_totals_the_network_per_year_and_overall(network):
    this_year = timezone.localdate().replace(month=1, day=1)

    assert network_totals(period="year") == [
        PeriodTotals(period_start=this_year, referrals=7, claimed=5, won=3)
    ]
    assert network_totals_summary() == NetworkSummary(
        referrals=7, claimed=5, won=3, coops_giving=2, coops_receiving=3
    )


def test_it_has_nothing_to_total_before_the_first_referral(db):
    assert network_totals(period="month") == []
    with pytest.raises(ValueError):
        network_totals(period="week")
