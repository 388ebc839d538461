"""The relevance set (bench/data/relevance.yaml) is well formed, and the bench scores right.

The set is what matching is judged by, so a typo in a slug or a brief written in the
taxonomy's own words would quietly flatter or sink the engine: these checks keep it honest.
"""

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest

from conftest import shared_data

BENCH_SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "matching_quality.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("matching_quality", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
SOURCE, BRIEFS = bench.load_relevance_set()


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def _service_names() -> set[str]:
    """The names services go by here: CoTech's taxonomy and the network's own groups."""
    from coopnet.directory.sample import SERVICE_GROUPS

    cotech = json.loads(shared_data("cotech", "taxonomies.json").read_text(encoding="utf-8"))
    names = {service["name"] for service in cotech["services"]}
    names |= {name for items in SERVICE_GROUPS.values() for name, _synonyms in items}
    return {_words(name).strip() for name in names}


@pytest.fixture
def cotech_members(db):
    bench.import_cotech(shared_data("cotech", "raw"))
    return bench.member_slugs()


def test_it_keeps_a_holdout_of_at_least_twenty_five_briefs_never_tuned_on():
    halves = [brief.half for brief in BRIEFS]

    # The issue asks for 25 briefs. Each tuning round that looked at the holdout retired it
    # into the tune part and a fresh holdout was written blind (docs/matching-quality.md), so
    # the tune part grows; the holdout stays at least as large as the whole set.
    assert set(halves) == {"tune", "holdout"}
    assert halves.count("holdout") >= 25
    assert halves.count("tune") >= halves.count("holdout")
    assert len({brief.id for brief in BRIEFS}) == len(BRIEFS)
    assert all(len(brief.text) >= 40 for brief in BRIEFS)


def test_it_grades_0_1_or_2_and_finds_a_fit_for_every_brief():
    for brief in BRIEFS:
        assert set(brief.grades.values()) <= {0, 1, 2}, brief.id
        assert any(grade > 0 for grade in brief.grades.values()), brief.id


def test_it_says_why_for_every_co_op_graded_above_0():
    for brief in BRIEFS:
        fits = {slug for slug, grade in brief.grades.items() if grade > 0}
        assert fits <= set(brief.why), (brief.id, fits - set(brief.why))
        assert all(reason.strip() for reason in brief.why.values()), brief.id
        assert set(brief.why) <= set(brief.grades), brief.id


def test_it_writes_briefs_in_clients_words_not_the_taxonomys():
    names = _service_names()
    uses = {}
    for brief in BRIEFS:
        text = _words(brief.text)
        uses[brief.id] = [name for name in names if f" {name} " in text]

    # "Our hosting company" or "our email" is how people talk; "User Research" or "Web Design"
    # is the taxonomy talking, and a set written that way would test only string matching.
    multi_word = {i: [n for n in found if " " in n] for i, found in uses.items()}
    assert not any(multi_word.values()), multi_word
    assert all(len(found) <= 2 for found in uses.values()), uses
    assert sum(1 for found in uses.values() if found) <= len(BRIEFS) // 4, uses


@pytest.mark.django_db
def test_it_grades_only_member_co_ops_of_the_real_import_and_every_one_of_them(
    cotech_members,
):
    from coopnet.directory.models import Sector, Service, Technology

    assert len(cotech_members) == 29
    assert bench.check_slugs(BRIEFS, cotech_members) == []
    graded = {slug for brief in BRIEFS for slug, grade in brief.grades.items() if grade > 0}
    assert graded == set(cotech_members)
    sectors = set(Sector.objects.values_list("slug", flat=True))
    technologies = set(Technology.objects.values_list("slug", flat=True))
    services = set(Service.objects.values_list("slug", flat=True))
    for brief in BRIEFS:
        assert not brief.sector or brief.sector in sectors, brief.id
        assert set(brief.technologies) <= technologies, brief.id
        assert set(brief.services) <= services, brief.id


@pytest.mark.django_db
def test_it_notices_a_graded_slug_that_is_not_a_member(cotech_members):
    wrong = bench.Brief(id="bx", half="tune", text="t", grades={"we-are-open": 2, "cbn": 1})

    assert bench.check_slugs([wrong], cotech_members) == ["bx: we-are-open is not a member co-op"]


@pytest.mark.django_db
def test_it_ranks_only_members_for_the_baseline_and_the_random_orders(cotech_members):
    print_brief = next(brief for brief in BRIEFS if brief.id == "b17")

    baseline = bench.baseline_ranking(print_brief)
    shuffles = bench.random_rankings(cotech_members, print_brief, 3)

    assert baseline and set(baseline) <= set(cotech_members)
    assert all(sorted(order) == sorted(cotech_members) for order in shuffles)
    assert shuffles == bench.random_rankings(cotech_members, print_brief, 3)  # seeded


def test_it_computes_ndcg_at_10_as_worked_by_hand():
    grades = {"a": 2, "b": 1, "c": 1}

    # DCG: b gains 1 at rank 1, a gains 3 at rank 3 (log2 4 = 2): 1 + 1.5 = 2.5.
    # Ideal a, b, c: 3 + 1/log2(3) + 1/2.
    ideal = 3 + 1 / math.log2(3) + 0.5
    assert bench.ndcg_at(["b", "x", "a"], grades) == pytest.approx(2.5 / ideal)
    assert bench.ndcg_at(["a", "b", "c", "x"], grades) == pytest.approx(1.0)
    assert bench.ndcg_at([f"x{i}" for i in range(10)] + ["a", "b", "c"], grades) == 0.0
    assert bench.ndcg_at([], grades) == 0.0


def test_it_computes_recall_at_5_against_strong_fits_or_any_fit():
    assert bench.recall_at(["c", "a", "x", "y", "z", "b"], {"a": 2, "b": 2, "c": 1}) == 0.5
    # No strong fit: the partial fits count.
    assert bench.recall_at(["a", "x"], {"a": 1, "b": 1}) == 0.5
    assert bench.recall_at(["a"], {"a": 0}) == 0.0


def test_it_averages_scores_over_several_rankings():
    # The only fit first, then beyond the top 10: 1 and 0 for both figures.
    scores = bench.score([["a"], [f"x{i}" for i in range(10)] + ["a"]], {"a": 2})

    assert scores.recall == 0.5
    assert scores.ndcg == pytest.approx(0.5)


@pytest.mark.django_db
def test_its_second_grading_covers_briefs_of_the_set_with_member_grades_and_reasons(
    cotech_members,
):
    second = bench.load_second_grading()
    why = _second_grading_why()
    by_id = {brief.id: brief for brief in BRIEFS}

    assert len(second) >= 25 and set(second) <= set(by_id)
    for brief_id, grades in second.items():
        assert set(grades) <= set(cotech_members), brief_id
        assert set(grades.values()) <= {1, 2} and grades, brief_id
        assert all(why[brief_id].get(slug) for slug in grades), brief_id


def _second_grading_why() -> dict[str, dict[str, str]]:
    import yaml

    data = yaml.safe_load(bench.SECOND_GRADING.read_text(encoding="utf-8"))
    return {str(entry["id"]): dict(entry.get("why") or {}) for entry in data["briefs"]}


def test_a_graders_own_order_puts_higher_grades_first_and_scores_1_by_its_own_grades():
    grades = {"b": 2, "d": 1, "e": 1}

    orders = bench.grade_rankings(["a", "b", "c", "d", "e"], grades, "bx", 5)

    assert all(order[0] == "b" and set(order[1:3]) == {"d", "e"} for order in orders)
    assert bench.score(orders, grades).ndcg == pytest.approx(1.0)
    assert bench.score(orders, {"a": 2}).ndcg < 1.0
