"""Start Django for a benchmark on a throwaway database of the configured kind.

SQLite by default; PostgreSQL when DATABASE_URL points at one. The database is a fresh test
database (created and dropped here), never the development or production one.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopnet.settings")


def setup_database():
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


def teardown_database(connection, old_name=None) -> None:
    connection.creation.destroy_test_db(old_name or connection.settings_dict["NAME"], verbosity=0)


def timed(
    fn: Callable[[], object], repeats: int, warmup: int = 2, budget_seconds: float = 60.0
) -> list[float]:
    """Wall-clock milliseconds of up to `repeats` calls after `warmup` unmeasured ones.

    A slow subject (the naive baseline at 100,000 rows takes seconds a call) stops after
    `budget_seconds`, with at least one measured call, so a full run ends in minutes.
    """
    started = time.perf_counter()
    for _ in range(warmup):
        fn()
        if time.perf_counter() - started > budget_seconds / 4:
            break
    times: list[float] = []
    while len(times) < repeats:
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() - started > budget_seconds:
            break
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95
