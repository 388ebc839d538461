"""The consortium builder: the best small teams of co-ops that together can take on a brief.

Pure algorithm: plain dataclasses in and out, no Django, so it is quick to test and benchmark.
The matching engine turns co-ops into `Candidate`s and `Team`s into explanations with names.

`build_teams` solves an integer program with HiGHS (fewest co-ops first, then the highest total
score) and returns up to `alternatives` teams, best first, each inclusion-minimal. When HiGHS
cannot prove an answer within the time limit, or fails, `greedy_teams` answers instead. The
model, how alternatives stay minimal and the measured figures are in docs/consortium.md.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

logger = logging.getLogger(__name__)

# Person-days are compared with this much slack, so that a float sum such as 0.1 + 0.2 still
# meets an effort of 0.3 and a solver answer is not rejected for rounding noise.
CAPACITY_TOLERANCE = 1e-9

# HiGHS stops by default within 0.01 % of the optimum; ranking teams by score needs the optimum
# itself, so only rounding noise far below any real difference between two teams is allowed.
MIP_ABSOLUTE_GAP = 1e-10


@dataclass(frozen=True)
class Candidate:
    key: int  # the co-op's primary key
    capabilities: frozenset[str]  # capability keys it covers
    capacity_days: float  # spare person-days it can give within the brief's timeline
    score: float  # match quality in [0, 1], higher is better
    can_lead: bool = True


@dataclass(frozen=True)
class TeamRequest:
    candidates: tuple[Candidate, ...]
    required: frozenset[str]  # every one must be covered by some member
    effort_days: float | None = None  # total person-days needed; None = no capacity constraint
    max_size: int = 4
    include: frozenset[int] = frozenset()  # keys that must be in every team
    exclude: frozenset[int] = frozenset()  # keys that must be in none
    conflicts: frozenset[frozenset[int]] = frozenset()  # pairs that may not work together
    alternatives: int = 3
    time_limit_seconds: float = 1.0


@dataclass(frozen=True)
class Team:
    members: tuple[int, ...]  # keys, lead first, then by score (best first), then key
    lead: int
    # key -> the required capabilities it brings, for every member (empty when a member is
    # there only because it was included); each required capability is assigned to the member
    # with the best score among those that have it (ties: the lower key).
    covers: dict[int, tuple[str, ...]]
    capacity_days: float  # sum of the members' spare person-days
    score: float  # SUM of the members' scores (what the objective maximises), not the mean
    exact: bool  # True when proven optimal by HiGHS for its rank


@dataclass(frozen=True)
class TeamOutcome:
    teams: tuple[Team, ...]  # best first; () when infeasible
    uncoverable: frozenset[str]  # required capabilities no allowed candidate has
    method: str  # "exact" or "greedy" (the best team came from the fallback)
    seconds: float


class _Rules:
    """What makes a set of keys a valid team: the one definition every path checks against."""

    def __init__(self, request: TeamRequest) -> None:
        keys = [c.key for c in request.candidates]
        if len(set(keys)) != len(keys):
            raise ValueError("candidate keys must be unique")
        self.request = request
        self.required = request.required
        self.include = request.include
        self.max_size = request.max_size
        self.effort_days = request.effort_days
        allowed = [c for c in request.candidates if c.key not in request.exclude]
        reachable: set[str] = set()
        for candidate in allowed:
            reachable |= candidate.capabilities
        self.uncoverable = frozenset(self.required - reachable)
        # A co-op that brings none of the required capabilities cannot do any of the work, so
        # its spare days do not count either; dropping it first is what keeps 1,000 co-ops fast.
        self.eligible: tuple[Candidate, ...] = tuple(
            c
            for c in allowed
            if c.key in self.include or not self.required or c.capabilities & self.required
        )
        self.by_key = {c.key: c for c in self.eligible}
        self.conflicting: dict[int, set[int]] = {}
        self.conflict_groups: list[tuple[int, ...]] = []
        for group in request.conflicts:
            present = tuple(sorted(k for k in group if k in self.by_key))
            if len(present) < 2:
                continue
            self.conflict_groups.append(present)
            for key in present:
                self.conflicting.setdefault(key, set()).update(k for k in present if k != key)
        # Included keys that are excluded or unknown make every team impossible.
        self.include_possible = self.include <= self.by_key.keys()

    def conflicts_with(self, key: int, chosen: Iterable[int]) -> bool:
        others = self.conflicting.get(key)
        return bool(others) and any(k in others for k in chosen)

    def is_valid(self, keys: Iterable[int]) -> bool:
        members = set(keys)
        if not members or len(members) > self.max_size or not self.include <= members:
            return False
        if not members <= self.by_key.keys():
            return False
        chosen = [self.by_key[k] for k in members]
        covered: set[str] = set()
        for candidate in chosen:
            covered |= candidate.capabilities
        if not self.required <= covered:
            return False
        if not any(c.can_lead for c in chosen):
            return False
        if self.effort_days is not None:
            capacity = sum(c.capacity_days for c in chosen)
            if capacity < self.effort_days - CAPACITY_TOLERANCE:
                return False
        return not any(self.conflicts_with(k, members) for k in members)

    def team(self, keys: Iterable[int], *, exact: bool) -> Team:
        chosen = [self.by_key[k] for k in keys]
        leaders = [c for c in chosen if c.can_lead]
        lead = max(leaders, key=lambda c: (c.score, len(c.capabilities & self.required), -c.key))
        others = sorted((c for c in chosen if c.key != lead.key), key=lambda c: (-c.score, c.key))
        ordered = [lead, *others]
        brought: dict[int, list[str]] = {c.key: [] for c in ordered}
        for capability in sorted(self.required):
            holder = max(
                (c for c in ordered if capability in c.capabilities),
                key=lambda c: (c.score, -c.key),
            )
            brought[holder.key].append(capability)
        return Team(
            members=tuple(c.key for c in ordered),
            lead=lead.key,
            covers={key: tuple(caps) for key, caps in brought.items()},
            capacity_days=sum(c.capacity_days for c in ordered),
            score=sum(c.score for c in ordered),
            exact=exact,
        )


def build_teams(request: TeamRequest) -> TeamOutcome:
    """Up to `request.alternatives` valid teams, best first (fewest co-ops, then highest score).

    Every team is inclusion-minimal: no valid team is a strict subset of it, so no team is a
    superset of a better one. Teams are proven optimal for their rank by HiGHS (`exact=True`);
    when HiGHS runs out of time or fails, the greedy answer fills in with `exact=False`, and
    `method` is "greedy" when even the best team came from it. Required capabilities that no
    allowed candidate has are named in `uncoverable`, with no teams.
    """
    started = time.perf_counter()
    rules = _Rules(request)
    if rules.uncoverable or not rules.include_possible or request.alternatives < 1:
        return TeamOutcome((), rules.uncoverable, "exact", time.perf_counter() - started)
    deadline = started + request.time_limit_seconds
    try:
        teams, proven = _solve_exact(rules, request.alternatives, deadline)
    except Exception:  # a solver failure must not cost the client an answer
        logger.warning("HiGHS failed on a consortium request; greedy answer used", exc_info=True)
        teams, proven = [], False
    method = "exact"
    if not proven:
        if not teams:
            method = "greedy"
        found = [set(t.members) for t in teams]
        for keys in _greedy_keys(rules, request.alternatives, found):
            teams.append(rules.team(keys, exact=False))
    return TeamOutcome(tuple(teams), frozenset(), method, time.perf_counter() - started)


def greedy_teams(request: TeamRequest) -> TeamOutcome:
    """The fallback: fast, valid and minimal teams, not necessarily the best ones."""
    started = time.perf_counter()
    rules = _Rules(request)
    if rules.uncoverable or not rules.include_possible or request.alternatives < 1:
        return TeamOutcome((), rules.uncoverable, "greedy", time.perf_counter() - started)
    teams = [rules.team(keys, exact=False) for keys in _greedy_keys(rules, request.alternatives)]
    return TeamOutcome(tuple(teams), frozenset(), "greedy", time.perf_counter() - started)


def _solve_exact(rules: _Rules, alternatives: int, deadline: float) -> tuple[list[Team], bool]:
    """Teams proven optimal rank by rank, and whether the search ended on its own terms
    (enough teams, or proven infeasible) rather than on time or a doubtful answer."""
    # Enough dominators for any size and rank; each rank then narrows it for its own size.
    eligible = _undominated(rules, rules.eligible, rules.max_size + alternatives - 1)
    n = len(eligible)
    if n == 0 or rules.max_size < 1:
        return [], True
    index = {c.key: i for i, c in enumerate(eligible)}
    everyone = np.arange(n, dtype=np.int32)
    count_costs = np.ones(n)
    score_costs = np.array([-c.score for c in eligible], dtype=np.float64)

    rows: list[tuple[float, float, list[int], list[float]]] = []
    size_row = len(rows)
    rows.append((0.0, float(rules.max_size), list(range(n)), [1.0] * n))
    for capability in sorted(rules.required):
        cols = [i for i, c in enumerate(eligible) if capability in c.capabilities]
        rows.append((1.0, highspy.kHighsInf, cols, [1.0] * len(cols)))
    if rules.effort_days is not None and rules.effort_days > 0:
        capacities = [c.capacity_days for c in eligible]
        rows.append((rules.effort_days, highspy.kHighsInf, list(range(n)), capacities))
    leaders = [i for i, c in enumerate(eligible) if c.can_lead]
    rows.append((1.0, highspy.kHighsInf, leaders, [1.0] * len(leaders)))
    for group in rules.conflict_groups:
        cols = [index[k] for k in group if k in index]
        if len(cols) < 2:
            continue  # a member of the pair was dominated away
        rows.append((-highspy.kHighsInf, 1.0, cols, [1.0] * len(cols)))

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = count_costs
    lp.col_lower_ = np.array([1.0 if c.key in rules.include else 0.0 for c in eligible])
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.array([r[0] for r in rows], dtype=np.float64)
    lp.row_upper_ = np.array([r[1] for r in rows], dtype=np.float64)
    starts, indices, values = [0], [], []
    for _lower, _upper, cols, coefficients in rows:
        indices.extend(cols)
        values.extend(coefficients)
        starts.append(len(indices))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(rows)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", MIP_ABSOLUTE_GAP)
    # These models are a few dozen rows; presolve finds nothing to remove in them and took half
    # the time of a 1,000-co-op solve (measured: see docs/consortium.md).
    highs.setOptionValue("presolve", "off")
    # The sub-MIP and jump heuristics cost more than they find here: the first solve's team
    # already starts the second one (measured: see docs/consortium.md).
    for heuristic in ("feasibility_jump", "rins", "rens"):
        highs.setOptionValue(f"mip_heuristic_run_{heuristic}", False)
    highs.passModel(lp)

    def solve(
        costs: np.ndarray, fewest: float, most: float, upper: np.ndarray, start: list[int]
    ) -> list[int] | None | bool:
        """The chosen columns; None when infeasible; False when unproven (time, status)."""
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return False
        highs.setOptionValue("time_limit", remaining)
        highs.changeColsCost(n, everyone, costs)
        highs.changeRowBounds(size_row, fewest, most)
        highs.changeColsBounds(n, everyone, lp.col_lower_, upper)
        if start:  # after the changes above, which discard any solution HiGHS holds
            values = np.zeros(n)
            values[start] = 1.0
            highs.setSolution(n, everyone, values)
        highs.run()
        status = highs.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,  # every variable is bounded
        ):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            return False
        chosen = highs.getSolution().col_value
        return [i for i in range(n) if chosen[i] > 0.5]

    teams: list[Team] = []
    fewest = float(max(1, len(rules.include)))
    while len(teams) < alternatives:
        # Lexicographic in two solves, exact with no weights to tune: the fewest co-ops (an
        # integral objective: HiGHS rounds its bound up, so a fractional LP of 2.3 proves 3),
        # then the best score among teams of exactly that size.
        smallest = solve(count_costs, fewest, float(rules.max_size), lp.col_upper_, [])
        if smallest is None:
            return teams, True
        if smallest is False:
            return teams, False
        fewest = float(len(smallest))  # cuts only remove teams: the fewest can only grow
        # The team just found starts the second solve, and co-ops too small to reach the
        # effort with the largest others at this size are left out of it.
        size, rank = len(smallest), len(teams) + 1
        too_small = _too_small_for_effort(rules, eligible, size)
        needed = {c.key for c in _undominated(rules, eligible, size + rank - 1)}
        allowed = [i not in too_small and eligible[i].key in needed for i in range(n)]
        upper = np.array(allowed, dtype=np.float64)
        start = smallest if all(allowed[i] for i in smallest) else []
        best = solve(score_costs, fewest, fewest, upper, start)
        if not best:  # infeasible cannot happen after the first solve; treat it as doubt
            return teams, False
        chosen = [eligible[i].key for i in best]
        if not rules.is_valid(chosen):
            # Within HiGHS's feasibility tolerance but not ours: trust neither it nor later ranks.
            return teams, False
        teams.append(rules.team(chosen, exact=True))
        # No-good cut: this team and every superset of it are gone, so each later optimum is
        # a team that no earlier one is a subset of.
        cols = np.array(best, dtype=np.int32)
        highs.addRow(-highspy.kHighsInf, len(cols) - 1.0, len(cols), cols, np.ones(len(cols)))
    return teams, True


def _too_small_for_effort(rules: _Rules, eligible: tuple[Candidate, ...], size: int) -> set[int]:
    """Columns whose capacity, with the `size - 1` largest others, cannot reach the effort."""
    if rules.effort_days is None or rules.effort_days <= 0 or size < 1:
        return set()
    by_capacity = sorted(range(len(eligible)), key=lambda i: -eligible[i].capacity_days)
    largest = by_capacity[:size]
    top = sum(eligible[i].capacity_days for i in largest)
    without_last = top - (eligible[largest[-1]].capacity_days if largest else 0.0)
    too_small = set()
    for i, candidate in enumerate(eligible):
        # The largest `size - 1` others: the top `size` less this one when it is among them.
        others = top - candidate.capacity_days if i in largest else without_last
        reach = candidate.capacity_days + others
        if reach < rules.effort_days - CAPACITY_TOLERANCE and candidate.key not in rules.include:
            too_small.add(i)
    return too_small


def _undominated(
    rules: _Rules, candidates: Iterable[Candidate], needed: int
) -> tuple[Candidate, ...]:
    """The candidates a solve needs to see, which changes no answer's size or score.

    Candidate A dominates B when A brings every required capability B brings, scores at least
    as high, can lead if B can, has at least B's capacity (when effort counts) and conflicts
    with no one. A team of `size` with B, at rank `rank`, has at most `size - 1` dominators of
    B inside it, and each of the `rank - 1` earlier teams forbids at most one swap (the swap
    would make a superset of it); so when B (not included) has `needed = size + rank - 1`
    dominators, one can replace B, and the team stays valid, as large, and scores at least as
    much. B is never needed. This is what keeps 1,000 co-ops with an effort fast.
    """
    capacity_counts = rules.effort_days is not None and rules.effort_days > 0
    # Best first, so every candidate that can dominate another has been seen before it.
    order = sorted(candidates, key=lambda c: (-c.score, -c.capacity_days, c.key))
    # Kept conflict-free candidates: (required capabilities, can lead) -> capacities, sorted.
    dominators: dict[tuple[frozenset[str], bool], list[float]] = {}
    kept: list[Candidate] = []
    for candidate in order:
        brings = candidate.capabilities & rules.required
        if candidate.key not in rules.include:
            count = 0
            for (other_brings, other_leads), capacities in dominators.items():
                if (other_leads or not candidate.can_lead) and other_brings >= brings:
                    if capacity_counts:
                        count += len(capacities) - bisect_left(capacities, candidate.capacity_days)
                    else:
                        count += len(capacities)
                    if count >= needed:
                        break
            if count >= needed:
                continue
        kept.append(candidate)
        if candidate.key not in rules.conflicting:
            insort(dominators.setdefault((brings, candidate.can_lead), []), candidate.capacity_days)
    return tuple(kept)


def _greedy_keys(
    rules: _Rules, alternatives: int, found: list[set[int]] | None = None
) -> list[frozenset[int]]:
    """Up to `alternatives - len(found)` more greedy teams, none a superset of a found one.

    Alternatives come from re-running the greedy rule with members of earlier answers banned,
    one more at a time, and taking the best new team each round (fewest, then highest score).
    """
    found = [set(keys) for keys in (found or [])]
    answers: list[frozenset[int]] = []
    tried: dict[frozenset[int], frozenset[int] | None] = {}

    def run(banned: frozenset[int]) -> frozenset[int] | None:
        if banned not in tried:
            tried[banned] = _greedy_once(rules, banned)
        return tried[banned]

    bans: list[frozenset[int]] = [frozenset()]
    for team in found:
        bans += [frozenset({k}) for k in team - rules.include]
    while len(found) + len(answers) < alternatives:
        options = {}
        for banned in bans:
            keys = run(banned)
            if keys is None or any(keys >= earlier for earlier in found):
                continue
            if any(keys >= earlier for earlier in answers):
                continue
            options[keys] = banned
        if not options:
            break
        best = min(options, key=lambda keys: _rank(rules, keys))
        answers.append(best)
        bans = [b for b in bans if b != options[best]]
        bans += [options[best] | {k} for k in best - rules.include]
    # Every greedy team is inclusion-minimal, so ordering them cannot put a superset first.
    return sorted(answers, key=lambda keys: _rank(rules, keys))


def _rank(rules: _Rules, keys: frozenset[int]) -> tuple[int, float, list[int]]:
    return len(keys), -sum(rules.by_key[k].score for k in keys), sorted(keys)


def _greedy_once(rules: _Rules, banned: frozenset[int]) -> frozenset[int] | None:
    """Add the candidate covering most still-uncovered capabilities (ties: score, capacity),
    then the ones giving most missing capacity, then a lead if none; prune what is redundant."""
    chosen: set[int] = set(rules.include)
    covered: set[str] = set()
    for key in chosen:
        covered |= rules.by_key[key].capabilities
    uncovered = set(rules.required) - covered
    capacity = sum(rules.by_key[k].capacity_days for k in chosen)
    pool = [c for c in rules.eligible if c.key not in chosen and c.key not in banned]

    def addable() -> list[Candidate]:
        return [c for c in pool if c.key not in chosen and not rules.conflicts_with(c.key, chosen)]

    while True:
        shortfall = 0.0 if rules.effort_days is None else rules.effort_days - capacity
        if not uncovered and shortfall <= CAPACITY_TOLERANCE:
            break
        if len(chosen) >= rules.max_size:
            return None
        if uncovered:
            options = [c for c in addable() if c.capabilities & uncovered]
            pick = max(
                options,
                key=lambda c: (len(c.capabilities & uncovered), c.score, c.capacity_days, -c.key),
                default=None,
            )
        else:
            options = [c for c in addable() if c.capacity_days > 0]
            pick = max(
                options,
                key=lambda c: (min(c.capacity_days, shortfall), c.score, -c.key),
                default=None,
            )
        if pick is None:
            return None
        chosen.add(pick.key)
        uncovered -= pick.capabilities
        capacity += pick.capacity_days
    if not any(rules.by_key[k].can_lead for k in chosen):
        if len(chosen) >= rules.max_size:
            return None
        pick = max(
            (c for c in addable() if c.can_lead),
            key=lambda c: (c.score, c.capacity_days, -c.key),
            default=None,
        )
        if pick is None:
            return None
        chosen.add(pick.key)
    if not rules.is_valid(chosen):
        return None
    # Weakest first, so the members that stay are the better ones.
    for key in sorted(
        chosen - rules.include,
        key=lambda k: (rules.by_key[k].score, rules.by_key[k].capacity_days, -k),
    ):
        if rules.is_valid(chosen - {key}):
            chosen.discard(key)
    return frozenset(chosen)
