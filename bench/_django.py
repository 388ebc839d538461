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

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
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


class Interrupted(Exception):
    pass


def run_with_deadline(fn: Callable[[], object], seconds: float) -> object:
    """Run `fn`, interrupting its database work after `seconds` (raises Interrupted).

    The naive baseline can take minutes a query at 100,000 rows; its time is then reported as
    "over the deadline" rather than holding the whole run up.
    """
    from django.db import OperationalError, connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        deadline = time.perf_counter() + seconds
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 100_000)
        try:
            return fn()
        except OperationalError as error:
            if "interrupted" in str(error):
                raise Interrupted from error
            raise
        finally:
            raw.set_progress_handler(None, 0)
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
    try:
        return fn()
    except OperationalError as error:
        if "statement timeout" in str(error):
            raise Interrupted from error
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
