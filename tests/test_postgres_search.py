"""PostgreSQL's side of the full-text adapter: the GIN index exists and the planner uses it."""

import pytest
from django.db import connection

from coopnet.directory.models import Coop
from coopnet.lib.search import search_coops

pytestmark = pytest.mark.postgres_only


def test_it_runs_on_postgresql(db):
    # The SQLite run deselects this module; anywhere else it must be PostgreSQL.
    assert connection.vendor == "postgresql"


def test_it_answers_a_search_from_the_gin_index(db):
    Coop.objects.bulk_create(
        Coop(name=f"Co-op {i}", slug=f"c{i}", description="bakery", status="member")
        for i in range(200)
    )
    Coop.objects.create(name="Drupal People", slug="dp", description="websites", status="member")
    qs = search_coops(Coop.objects.all(), "drupal")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_coop")
        # With sequential scans priced out, a usable index must appear in the plan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_coop_search_gin" in plan, plan
    assert [c.slug for c in qs] == ["dp"]


def test_it_ranks_a_name_match_above_a_description_match(db):
    in_description = Coop.objects.create(
        name="Quiet", slug="q", description="we host servers", status="member"
    )
    in_name = Coop.objects.create(name="Hosting Hands", slug="h", status="member")
    assert list(search_coops(Coop.objects.all(), "hosting")) == [in_name, in_description]
