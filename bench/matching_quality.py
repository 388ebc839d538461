"""Matching quality on the real CoTech members: the engine against full-text and random, same run.

Imports CoTech's two Jekyll snapshots into a throwaway database (29 member co-ops), then ranks
the members for every brief of bench/data/relevance.yaml four ways and prints nDCG@10 and
recall@5 for each half of the set (tune, holdout):

- engine:   coopnet.hire.matching.match_coops, given the brief's text, place, sector, services
            and technologies, in a network whose past briefs are the tune half: a co-op graded
            2 said it was interested, one graded 1 was sent the brief by a coordinator and did
            not answer (coopnet/hire/history.py reads them). A tune brief is never its own
            history (leave one out); the holdout's briefs are in no history;
- cold:     the same engine with no history (`use_history=False`): a network's first brief;
- baseline: the directory's full-text search (BM25 on SQLite, ts_rank_cd on PostgreSQL) over
            the brief's text alone, any word matching (all-words finds nothing for a
            paragraph); the adapter reads only the first 12 words that are not stop words;
- random:   the members shuffled, averaged over 20 seeded shuffles.

    .venv/bin/python bench/matching_quality.py                    # both halves
    .venv/bin/python bench/matching_quality.py --half tune --verbose
    .venv/bin/python bench/matching_quality.py --assert-targets   # exit 1 below target

It also prints the human agreement: on the briefs a second grader graded blind
(bench/data/relevance_second_grading.yaml), each grader's order (by grade, ties shuffled)
judged by the other's grades, beside the engine judged by each. That is the ceiling a ranking
can reach when graders differ as much as careful people do.

Target: on the holdout half the engine's nDCG@10 is at least 0.8 and above the baseline's.
docs/matching-quality.md says how the set was made.
"""

import argparse
import math
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE_SET = ROOT / "bench" / "data" / "relevance.yaml"
SECOND_GRADING = ROOT / "bench" / "data" / "relevance_second_grading.yaml"
COTECH_RAW = ROOT.parent / "shared" / "data" / "cotech" / "raw"
HALVES = ("tune", "holdout")
RANKERS = ("engine", "cold", "baseline", "random")
# Past briefs were sent this long ago: older than fair exposure's window, so that the history
# does not also count as briefs recently received.
HISTORY_AGE_DAYS = 400
MEMBER_COUNT = 29
RANDOM_SHUFFLES = 20
NDCG_DEPTH = 10
RECALL_DEPTH = 5
TARGET_NDCG = 0.8


@dataclass
class Brief:
    id: str
    half: str
    text: str
    grades: dict[str, int]
    why: dict[str, str] = field(default_factory=dict)
    location: str = ""
    sector: str = ""
    services: list[str] = field(default_factory=list)
    technologies: list[str] = field(default_factory=list)


def load_relevance_set(path: Path = RELEVANCE_SET) -> tuple[str, list[Brief]]:
    """The set's source line and its briefs; a malformed entry raises ValueError naming it."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    briefs = []
    for entry in data["briefs"]:
        try:
            briefs.append(
                Brief(
                    id=str(entry["id"]),
                    half=entry["half"],
                    text=" ".join(str(entry["text"]).split()),
                    grades=dict(entry.get("grades") or {}),
                    why=dict(entry.get("why") or {}),
                    location=entry.get("location", ""),
                    sector=entry.get("sector", ""),
                    services=list(entry.get("services") or []),
                    technologies=list(entry.get("technologies") or []),
                )
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"brief {entry.get('id', '?')}: {error!r}") from None
    return data["source"], briefs


def load_second_grading(path: Path = SECOND_GRADING) -> dict[str, dict[str, int]]:
    """Brief id -> the second grader's grades."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(entry["id"]): dict(entry.get("grades") or {}) for entry in data["briefs"]}


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: the gain at rank r (from 1) is divided by log2(r + 1)."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = NDCG_DEPTH) -> float:
    """nDCG@k with graded gains 2^g - 1; the ideal ranking is taken over every graded co-op."""
    gains = [2 ** grades.get(slug, 0) - 1 for slug in ranking[:k]]
    ideal = sorted((2**grade - 1 for grade in grades.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best else 0.0


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = RECALL_DEPTH) -> float:
    """Share of the strong fits (grade 2; any fit when a brief has none) in the top k."""
    wanted = {slug for slug, grade in grades.items() if grade == 2}
    if not wanted:
        wanted = {slug for slug, grade in grades.items() if grade > 0}
    if not wanted:
        return 0.0
    return len(wanted & set(ranking[:k])) / len(wanted)


def import_cotech(raw: Path = COTECH_RAW) -> None:
    """CoTech's directory as the network's members: 29 co-ops.

    The rich snapshot (services, technologies, clients, addresses) comes in first as observed,
    because it still holds we-are-open, which left in 2025; then the current site, with
    --members, makes its 29 co-ops members, adds the two that joined since and the case
    studies, and brings the descriptions up to date while the rich fields stay.
    """
    from io import StringIO

    from django.core.management import call_command

    for folder, members in (("pre-strip-2ce6edd", False), ("head-09f8ba9", True)):
        call_command(
            "import_directory",
            str(raw / folder),
            format_name="cotech-jekyll",
            members=members,
            quiet=True,
            stdout=StringIO(),
        )


def member_slugs() -> list[str]:
    from coopnet.directory.models import Coop

    return list(Coop.objects.members().order_by("slug").values_list("slug", flat=True))


def check_slugs(briefs: Sequence[Brief], members: Sequence[str]) -> list[str]:
    """Problems with the set against the database: graded co-ops that are not members."""
    known = set(members)
    return [
        f"{brief.id}: {slug} is not a member co-op"
        for brief in briefs
        for slug in brief.grades
        if slug not in known
    ]


def record_history(briefs: Sequence[Brief]) -> dict[str, int]:
    """The briefs as the network's past briefs, answered as graded; brief id -> stored pk.

    The rows are written directly (a harness, not a journey: the services' mail and audit
    are beside the point here); the text vectors come from the product's own
    `coopnet.hire.history.briefs_embed`.
    """
    import datetime

    from django.utils import timezone

    from coopnet.accounts.models import User
    from coopnet.directory.models import Coop
    from coopnet.hire.history import briefs_embed
    from coopnet.hire.models import Brief as StoredBrief
    from coopnet.hire.models import BriefRecipient

    coordinator = User.objects.create_user(username="bench-coordinator", is_staff=True)
    coops = {coop.slug: coop for coop in Coop.objects.members()}
    sent_at = timezone.now() - datetime.timedelta(days=HISTORY_AGE_DAYS)
    stored = {}
    for brief in briefs:
        row = StoredBrief.objects.create(
            contact_name="Bench",
            contact_email="bench@example.org",
            text=brief.text,
            consent_to_share=True,
            status=StoredBrief.Status.SENT,
            access_token_hash=f"bench-{brief.id}",
            access_expires_at=sent_at,
            sent_at=sent_at,
        )
        BriefRecipient.objects.bulk_create(
            BriefRecipient(
                brief=row,
                coop=coops[slug],
                sent_at=sent_at,
                sent_by=coordinator,
                response=BriefRecipient.Response.INTERESTED
                if grade == 2
                else BriefRecipient.Response.PENDING,
            )
            for slug, grade in brief.grades.items()
            if grade > 0
        )
        stored[brief.id] = row.pk
    briefs_embed(StoredBrief.objects.all())
    return stored


def engine_ranking(
    brief: Brief, *, history: Mapping[str, int] | None = None, use_history: bool = True
) -> list[str]:
    from coopnet.hire.matching import BriefNeeds, match_coops

    needs = BriefNeeds(
        text=brief.text,
        location=brief.location,
        services=list(brief.services),
        technologies=list(brief.technologies),
        sector=brief.sector,
        brief_id=(history or {}).get(brief.id),
    )
    outcome = match_coops(needs, limit=MEMBER_COUNT, use_history=use_history)
    return [match.coop.slug for match in outcome.results]


def baseline_ranking(brief: Brief) -> list[str]:
    from coopnet.directory.models import Coop
    from coopnet.directory.selectors import CoopFilters, coop_list

    matches = coop_list(CoopFilters(q=brief.text, any_word=True)).filter(status=Coop.Status.MEMBER)
    return list(matches.values_list("slug", flat=True))


def random_rankings(members: Sequence[str], brief: Brief, shuffles: int) -> list[list[str]]:
    # Seeded per brief, so a brief's figures do not depend on which half is run.
    rng = random.Random(f"relevance:{brief.id}")
    rankings = []
    for _ in range(shuffles):
        order = list(members)
        rng.shuffle(order)
        rankings.append(order)
    return rankings


def grade_rankings(
    members: Sequence[str], grades: Mapping[str, int], brief_id: str, shuffles: int
) -> list[list[str]]:
    """A grader's own order: members by grade, best first, ties in seeded random order."""
    return [
        sorted(order, key=lambda slug: -grades.get(slug, 0))
        for order in random_rankings(members, Brief(brief_id, "", "", {}), shuffles)
    ]


@dataclass
class Scores:
    ndcg: float
    recall: float


def score(rankings: Sequence[Sequence[str]], grades: Mapping[str, int]) -> Scores:
    """Mean nDCG@10 and recall@5 over one or more rankings of the same brief."""
    return Scores(
        ndcg=sum(ndcg_at(r, grades) for r in rankings) / len(rankings),
        recall=sum(recall_at(r, grades) for r in rankings) / len(rankings),
    )


def evaluate(
    briefs: Sequence[Brief],
    rankers: Mapping[str, Callable[[Brief], list[list[str]]]],
) -> dict[str, dict[str, Scores]]:
    """Per ranker, per brief id: the scores."""
    return {
        name: {brief.id: score(rank(brief), brief.grades) for brief in briefs}
        for name, rank in rankers.items()
    }


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def print_half(half: str, briefs: Sequence[Brief], results, tops, verbose: bool) -> None:
    print(f"\n{half} half: {len(briefs)} briefs")
    if verbose:
        print(f"  {'brief':<6}" + "".join(f"{name + ' nDCG':>15}{'R@5':>6}" for name in RANKERS))
        for brief in briefs:
            cells = "".join(
                f"{results[name][brief.id].ndcg:>15.3f}{results[name][brief.id].recall:>6.2f}"
                for name in RANKERS
            )
            print(f"  {brief.id:<6}{cells}")
            top = ", ".join(f"{slug} ({brief.grades.get(slug, 0)})" for slug in tops[brief.id])
            print(f"         engine top 5: {top or '(nothing)'}")
            best = sorted(brief.grades.items(), key=lambda item: -item[1])
            print(f"         graded: {', '.join(f'{s} ({g})' for s, g in best)}")
    print(f"  {'ranker':<10}{'nDCG@10':>9}{'recall@5':>10}")
    for name in RANKERS:
        scores = [results[name][brief.id] for brief in briefs]
        ndcg = mean([s.ndcg for s in scores])
        recall = mean([s.recall for s in scores])
        print(f"  {name:<10}{ndcg:>9.3f}{recall:>10.3f}")


def print_agreement(
    briefs: Sequence[Brief],
    second: Mapping[str, dict[str, int]],
    members: Sequence[str],
    history: Mapping[str, int],
) -> None:
    graded = [brief for brief in briefs if brief.id in second]
    if not graded:
        return
    first_by_second = [
        score(grade_rankings(members, second[b.id], b.id, RANDOM_SHUFFLES), b.grades)
        for b in graded
    ]
    second_by_first = [
        score(grade_rankings(members, b.grades, b.id, RANDOM_SHUFFLES), second[b.id])
        for b in graded
    ]
    engine = {b.id: engine_ranking(b, history=history) for b in graded}
    engine_by_first = [score([engine[b.id]], b.grades) for b in graded]
    engine_by_second = [score([engine[b.id]], second[b.id]) for b in graded]
    print(f"\nhuman agreement: {len(graded)} briefs graded twice, blind")
    print(f"  {'order':<34}{'judged by':>12}{'nDCG@10':>9}{'recall@5':>10}")
    for name, judge, scores in (
        ("second grader", "the set", first_by_second),
        ("the set's grader", "second", second_by_first),
        ("engine", "the set", engine_by_first),
        ("engine", "second", engine_by_second),
    ):
        ndcg = mean([s.ndcg for s in scores])
        recall = mean([s.recall for s in scores])
        print(f"  {name:<34}{judge:>12}{ndcg:>9.3f}{recall:>10.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both")
    parser.add_argument(
        "--assert-targets",
        action="store_true",
        help=f"exit 1 when the engine's holdout nDCG@10 is below {TARGET_NDCG} "
        "or not above the baseline's",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="per-brief figures, the engine's top 5 with their grades, and the graded co-ops",
    )
    parser.add_argument("--set", type=Path, default=RELEVANCE_SET, help="the relevance set")
    parser.add_argument(
        "--second-grading",
        type=Path,
        default=SECOND_GRADING,
        help="a second, blind grading of some of the set's briefs",
    )
    parser.add_argument("--data", type=Path, default=COTECH_RAW, help="CoTech's raw/ folder")
    args = parser.parse_args(argv)
    if args.assert_targets and args.half == "tune":
        parser.error("--assert-targets judges the holdout half: use --half holdout or both")

    source, every_brief = load_relevance_set(args.set)
    halves = HALVES if args.half == "both" else (args.half,)
    briefs = [brief for brief in every_brief if brief.half in halves]

    sys.path.insert(0, str(ROOT / "bench"))
    import django
    from _django import teardown_database

    django.setup()
    from django.db import connection

    # No serialised copy of the test database: nothing here rolls back to it.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    old_name = connection.settings_dict["NAME"]
    try:
        import_cotech(args.data)
        members = member_slugs()
        problems = check_slugs(every_brief, members)
        if len(members) != MEMBER_COUNT:
            problems.insert(0, f"the import gave {len(members)} members, not {MEMBER_COUNT}")
        if problems:
            print("The relevance set does not fit the imported data:", *problems, sep="\n  ")
            return 2
        history = record_history([brief for brief in every_brief if brief.half == "tune"])

        tops: dict[str, list[str]] = {}

        def engine(brief: Brief) -> list[list[str]]:
            ranking = engine_ranking(brief, history=history)
            tops[brief.id] = ranking[:RECALL_DEPTH]
            return [ranking]

        results = evaluate(
            briefs,
            {
                "engine": engine,
                "cold": lambda brief: [engine_ranking(brief, use_history=False)],
                "baseline": lambda brief: [baseline_ranking(brief)],
                "random": lambda brief: random_rankings(members, brief, RANDOM_SHUFFLES),
            },
        )
        print(f"set: {args.set.relative_to(ROOT) if args.set.is_relative_to(ROOT) else args.set}")
        print(f"data: {source}; database: {connection.vendor}")
        print(
            "baseline: the directory's full-text search, any word (first 12 non-stop words); "
            f"random: mean of {RANDOM_SHUFFLES} seeded shuffles"
        )
        for half in halves:
            in_half = [brief for brief in briefs if brief.half == half]
            print_half(half, in_half, results, tops, args.verbose)
        if args.second_grading.exists():
            second = load_second_grading(args.second_grading)
            print_agreement(every_brief, second, members, history)
    finally:
        teardown_database(connection, old_name)

    if args.assert_targets:
        holdout = [brief.id for brief in briefs if brief.half == "holdout"]
        engine_ndcg = mean([results["engine"][i].ndcg for i in holdout])
        baseline_ndcg = mean([results["baseline"][i].ndcg for i in holdout])
        met = engine_ndcg >= TARGET_NDCG and engine_ndcg > baseline_ndcg
        print(
            f"\nholdout: engine nDCG@10 {engine_ndcg:.3f} (target {TARGET_NDCG}), "
            f"baseline {baseline_ndcg:.3f}: {'target met' if met else 'TARGET MISSED'}"
        )
        if not met:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
