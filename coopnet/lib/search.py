"""Full-text search over co-ops, behind one small adapter.

SQLite (the embedded default) uses an FTS5 table, `directory_coop_fts`, kept in step with
`directory_coop` by triggers; PostgreSQL uses a weighted `tsvector` expression with a GIN
index on exactly that expression. Both are created by the directory's migration 0002.
Both rank name above services/technologies/clients above the description.

`search_coops(queryset, text)` returns the queryset filtered to matches and annotated with
`search_rank` (higher is better), ordered best first; every other filter composes with it.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "directory_coop_fts"
# Weights for name, search_tags, description.
WEIGHTS = (10.0, 4.0, 1.0)

PG_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, coalesce(directory_coop.name, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(directory_coop.search_tags, '')),"
    " 'B')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(directory_coop.description, '')),"
    " 'C'))"
)

SQLITE_SCHEMA = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        name, search_tags, description,
        content='directory_coop', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER directory_coop_fts_ai AFTER INSERT ON directory_coop BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name, search_tags, description)
        VALUES (new.id, new.name, new.search_tags, new.description); END""",
    f"""CREATE TRIGGER directory_coop_fts_ad AFTER DELETE ON directory_coop BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, search_tags, description)
        VALUES ('delete', old.id, old.name, old.search_tags, old.description); END""",
    f"""CREATE TRIGGER directory_coop_fts_au AFTER UPDATE OF name, search_tags, description
        ON directory_coop BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, search_tags, description)
        VALUES ('delete', old.id, old.name, old.search_tags, old.description);
        INSERT INTO {FTS_TABLE}(rowid, name, search_tags, description)
        VALUES (new.id, new.name, new.search_tags, new.description); END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directory_coop_fts_ai",
    "DROP TRIGGER IF EXISTS directory_coop_fts_ad",
    "DROP TRIGGER IF EXISTS directory_coop_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_SCHEMA = [f"CREATE INDEX directory_coop_search_gin ON directory_coop USING GIN ({PG_VECTOR})"]
PG_DROP = ["DROP INDEX IF EXISTS directory_coop_search_gin"]

_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to narrow a search; PostgreSQL's english configuration drops them too,
# and FTS5 has no stop words, so they are dropped here for both.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has in is it of on or that the to was we with our who"
    " need needs want".split()
)


def query_words(text: str) -> list[str]:
    """The words of a visitor's query, lower-cased; punctuation, operators and stop words go."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    return [w for w in words if w not in STOP_WORDS][:12]


def _fts5_query(words: list[str]) -> str:
    # Every word must match (AND); the last one also as a prefix, so "drup" finds Drupal
    # as the visitor types. Quoting makes each word a plain term, never FTS5 syntax.
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(terms)


def _pg_query(words: list[str]) -> str:
    return " & ".join([*(f"'{w}'" for w in words[:-1]), f"'{words[-1]}':*"])


def search_coops(queryset: QuerySet, text: str) -> QuerySet:
    words = query_words(text)
    if not words:
        return queryset
    vendor = connection.vendor
    if vendor == "sqlite":
        # Join the FTS table (it drives the plan) and rank with bm25, lower is better there.
        match = _fts5_query(words)
        weights = ", ".join(str(w) for w in WEIGHTS)
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = directory_coop.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
            select={"search_rank": f"-bm25({FTS_TABLE}, {weights})"},
        ).order_by("-search_rank", "name")
    if vendor == "postgresql":
        tsquery = "to_tsquery('english'::regconfig, %s)"
        pg_query = _pg_query(words)
        return (
            queryset.filter(
                RawSQL(f"{PG_VECTOR} @@ {tsquery}", [pg_query], output_field=BooleanField())
            )
            .annotate(
                search_rank=RawSQL(
                    f"ts_rank_cd({PG_VECTOR}, {tsquery}, 1)", [pg_query], output_field=FloatField()
                )
            )
            .order_by(F("search_rank").desc(), "name")
        )
    raise NotImplementedError(f"no full-text search for {vendor}")


def install_schema(schema_editor, *, drop: bool = False) -> None:
    """Create (or drop) the vendor's full-text structures; called by a migration."""
    vendor = schema_editor.connection.vendor
    statements = {
        ("sqlite", False): SQLITE_SCHEMA,
        ("sqlite", True): SQLITE_DROP,
        ("postgresql", False): PG_SCHEMA,
        ("postgresql", True): PG_DROP,
    }.get((vendor, drop), [])
    for sql in statements:
        schema_editor.execute(sql)
