"""Full-text search over co-ops, behind one small adapter.

SQLite (the embedded default) uses an FTS5 table, `directory_coop_fts`, kept in step with
`directory_coop` by triggers; PostgreSQL stores a weighted `tsvector` in a generated column,
`search_vector`, with a GIN index on it. The directory's migrations build both (0002; 0004
adds the facet words on SQLite; 0006 stores the vector on PostgreSQL).
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
WEIGHTS = (10.0, 4.0, 1.0, 0.0)  # name, search_tags, description, search_facets


def _pg_vector(table: str = "") -> str:
    """The weighted tsvector of a co-op: name A, search_tags B, description C."""
    prefix = f"{table}." if table else ""
    parts = [
        f"setweight(to_tsvector('english'::regconfig, coalesce({prefix}{column}, '')), '{weight}')"
        for column, weight in (("name", "A"), ("search_tags", "B"), ("description", "C"))
    ]
    return "(" + " || ".join(parts) + ")"


# Migration 0002 indexed the expression itself; 0006 stores it in a generated column instead,
# so ranking reads the stored vector rather than computing it again for every match.
PG_VECTOR = "directory_coop.search_vector"

# The indexed columns of directory_coop, in order; search_facets holds filter values as words
# (status, country, availability, size band) so FTS5 can apply filters inside the index.
SQLITE_COLUMNS = ("name", "search_tags", "description", "search_facets")


def sqlite_schema(columns: tuple[str, ...] = SQLITE_COLUMNS) -> list[str]:
    """Statements that create the FTS5 table over `columns` and the triggers that keep it."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    watched = ", ".join(dict.fromkeys((*columns, "status", "country", "availability", "workers")))
    if "search_facets" not in columns:
        watched = ", ".join(columns)
    return [
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({cols},
            content='directory_coop', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER directory_coop_fts_ai AFTER INSERT ON directory_coop BEGIN
            INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES (new.id, {new}); END""",
        f"""CREATE TRIGGER directory_coop_fts_ad AFTER DELETE ON directory_coop BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols})
            VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER directory_coop_fts_au AFTER UPDATE OF {watched} ON directory_coop
            BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', old.id, {old});
            INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES (new.id, {new}); END""",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directory_coop_fts_ai",
    "DROP TRIGGER IF EXISTS directory_coop_fts_ad",
    "DROP TRIGGER IF EXISTS directory_coop_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_SCHEMA = [  # what migration 0002 builds
    "CREATE INDEX directory_coop_search_gin ON directory_coop"
    f" USING GIN ({_pg_vector('directory_coop')})"
]
PG_DROP = ["DROP INDEX IF EXISTS directory_coop_search_gin"]
PG_STORED_VECTOR = [  # what migration 0006 builds
    "DROP INDEX IF EXISTS directory_coop_search_gin",
    "ALTER TABLE directory_coop ADD COLUMN search_vector tsvector"
    f" GENERATED ALWAYS AS ({_pg_vector()}) STORED",
    "CREATE INDEX directory_coop_search_gin ON directory_coop USING GIN (search_vector)",
]
PG_STORED_VECTOR_DROP = [
    "DROP INDEX IF EXISTS directory_coop_search_gin",
    "ALTER TABLE directory_coop DROP COLUMN IF EXISTS search_vector",
    *PG_SCHEMA,
]

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


def _fts5_query(words: list[str], facets: list[list[str]], any_word: bool = False) -> str:
    # Every word is a prefix, so "web" finds websites and "drup" finds Drupal as the visitor
    # types; quoting makes each word a plain term, never FTS5 syntax. All words must match,
    # or with `any_word` at least one (bm25 still ranks co-ops matching more words higher).
    terms = [f'"{w}"*' for w in words]
    query = "(" + (" OR " if any_word else " AND ").join(terms) + ")"
    # Each facet is a set of alternatives (status member, or member/former/observed...);
    # all facets must hold. Facet words are letters and digits only (facet_token).
    for alternatives in facets:
        group = " OR ".join(alternatives)
        query += f" AND search_facets:({group})"
    return query


def _pg_query(words: list[str], any_word: bool = False) -> str:
    return (" | " if any_word else " & ").join(f"'{w}':*" for w in words)


def search_coops(
    queryset: QuerySet,
    text: str,
    facets: list[list[str]] | None = None,
    *,
    any_word: bool = False,
) -> QuerySet:
    """Filter `queryset` to co-ops matching `text`, best first, annotated with `search_rank`.

    `facets` repeats filters the queryset already applies, as index words (each a list of
    alternatives, see `Coop.search_facets`): SQLite intersects them inside the FTS5 index so
    that only matching rows are ranked and joined. They never widen the result: the queryset's
    own filters still apply.
    """
    words = query_words(text)
    if not words:
        return queryset
    vendor = connection.vendor
    if vendor == "sqlite":
        # Join the FTS table (it drives the plan) and rank with bm25, lower is better there.
        match = _fts5_query(words, facets or [], any_word)
        weights = ", ".join(str(w) for w in WEIGHTS)
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = directory_coop.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
            select={"search_rank": f"-bm25({FTS_TABLE}, {weights})"},
        ).order_by("-search_rank", "id")
    if vendor == "postgresql":
        tsquery = "to_tsquery('english'::regconfig, %s)"
        pg_query = _pg_query(words, any_word)
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


def index_count(text: str, facets: list[list[str]], any_word: bool = False) -> int | None:
    """How many co-ops match, counted inside the SQLite index alone; None elsewhere.

    Exact only when `facets` express every filter of the search (see CoopPaginator).
    """
    words = query_words(text)
    if connection.vendor != "sqlite" or not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [_fts5_query(words, facets, any_word)],
        )
        return cursor.fetchone()[0]


def index_ranked_ids(
    text: str, facets: list[list[str]], offset: int, limit: int, any_word: bool = False
) -> list[int]:
    """Ids of one page of matches, best first, ranked inside the SQLite index alone."""
    weights = ", ".join(str(w) for w in WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            f" ORDER BY bm25({FTS_TABLE}, {weights}), rowid LIMIT %s OFFSET %s",
            [_fts5_query(query_words(text), facets, any_word), limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def install_schema(
    schema_editor,
    *,
    drop: bool = False,
    sqlite_columns: tuple[str, ...] = SQLITE_COLUMNS,
    postgresql: bool = True,
) -> None:
    """Create (or drop) the vendor's full-text structures; called by migrations, which pass
    the columns of their time so that an old migration keeps building what it built."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_DROP if drop else sqlite_schema(sqlite_columns)
    elif vendor == "postgresql" and postgresql:
        statements = PG_DROP if drop else PG_SCHEMA
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


def install_pg_stored_vector(schema_editor, *, drop: bool = False) -> None:
    """Move PostgreSQL's search from an expression index to a stored, indexed tsvector."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_STORED_VECTOR_DROP if drop else PG_STORED_VECTOR:
        schema_editor.execute(sql)


def repair_sqlite_index(using: str = "default") -> bool:
    """Recreate the FTS5 table and triggers if a migration lost them; True when it did.

    SQLite alters a table by copying it, which drops its triggers: any later migration that
    changes directory_coop that way would silently stop the index following edits. This runs
    after every `migrate` (a post_migrate handler), so the index heals itself.
    """
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    expected = {
        FTS_TABLE,
        "directory_coop_fts_ai",
        "directory_coop_fts_ad",
        "directory_coop_fts_au",
    }
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", sorted(expected)
        )
        present = {row[0] for row in cursor.fetchall()}
        if "directory_coop" not in conn.introspection.table_names(cursor) or present == expected:
            return False
        for sql in [*SQLITE_DROP, *sqlite_schema()]:
            cursor.execute(sql)
    return True
