"""Matching: a brief in plain words becomes a ranked, explained list of member co-ops.

INTERFACE (kept stable; hire views, the API, `manage.py match` and referrals call it):

    needs = BriefNeeds(text="We need someone to look after our servers", location="Leeds")
    outcome = match_coops(needs, limit=10, exclude_coop_ids={sender.pk})
    outcome.results      # list[CoopMatch], best first
    outcome.required     # capability keys the brief needs, in the order found
    outcome.consortium   # list[ProposedTeam] when no available member covers them all, else []

This first version is a placeholder over the directory's full-text search; the real engine
replaces the body of `match_coops`, not its signature.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from coopnet.directory.models import Coop
from coopnet.directory.selectors import CoopFilters, coop_list


@dataclass
class BriefNeeds:
    text: str
    services: list[str] = field(default_factory=list)  # Service slugs
    technologies: list[str] = field(default_factory=list)  # Technology slugs
    sector: str = ""  # Sector slug
    location: str = ""  # a place name in the client's words
    remote_ok: bool = True
    effort_days: int | None = None  # person-days, when the client knows
    budget_max: int | None = None


@dataclass
class CoopMatch:
    coop: Coop
    score: float  # 0..1, higher is better
    reasons: list[str]  # translated sentences a client understands
    capabilities: set[str] = field(default_factory=set)  # keys of required ones it covers


@dataclass
class ProposedTeam:
    lead: Coop
    members: list[Coop]
    covers: dict[int, list[str]]  # coop pk -> capability keys it brings
    reasons: list[str]
    score: float
    exact: bool  # False when the greedy fallback answered


@dataclass
class MatchOutcome:
    results: list[CoopMatch]
    required: list[str] = field(default_factory=list)
    consortium: list[ProposedTeam] = field(default_factory=list)


def match_coops(
    needs: BriefNeeds,
    *,
    limit: int = 10,
    exclude_coop_ids: Iterable[int] = (),
    exposure: dict[int, int] | None = None,
) -> MatchOutcome:
    """Rank member co-ops for `needs`; never observed, former or applicant co-ops."""
    excluded = set(exclude_coop_ids)
    filters = CoopFilters(
        q=needs.text, services=list(needs.services), any_word=True, availability=""
    )
    members = coop_list(filters).filter(status=Coop.Status.MEMBER)
    coops = [c for c in members if c.pk not in excluded][:limit]
    return MatchOutcome(
        results=[CoopMatch(coop=c, score=1.0 / (i + 1), reasons=[]) for i, c in enumerate(coops)]
    )
