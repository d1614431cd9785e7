"""The full-text index of the corpus: an SQLite FTS5 table over each document's title, outlet and
text, kept in step with the ``document`` table by triggers.

The index is derived data, not part of the versioned schema: ``ensure_fulltext`` runs every time
a database is opened (``engine.open_engine``), creates the table and its triggers if they are
missing (``IF NOT EXISTS``), and rebuilds the index from the documents when it is out of step
with them (a new index on an old database, or a migration that copied the ``document`` table and
so dropped its triggers). That keeps schema migrations free to reshape ``document`` without a
schema-version bump for the index.

The table is an external-content FTS5 table (``content='document'``): the text is stored once,
in ``document``; the index holds only the tokens. The ``unicode61`` tokenizer with
``remove_diacritics 2`` makes "Esmail" find "Esmaïl" and "Raissi" find "Raïssi".

On PostgreSQL the same search is PostgreSQL's own text search: a GIN index over one expression,
``annotator_document_tsv(title, source, text)`` (the ``simple`` configuration, so no stemming,
over the text with ``unaccent`` applied: case and accents ignored as by ``unicode61``), with the
title weighted above the outlet and the outlet above the body as in the BM25 weights. The index
is maintained by the server, so there is nothing to rebuild. The analyst's query is the same
``core.textsearch.Query``, written as a ``tsquery`` (``<->`` for phrases, ``:*`` for a prefix)
instead of an FTS5 ``MATCH`` expression.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from annotator.core.textsearch import Query, SearchFilters, Term, fts_match
from annotator.store.dialect import is_postgres, nocase, one_of
from annotator.store.fulltext_sql import BULK_INDEX_MIN, FTS_TABLE, INDEX_ROWS_AFTER
from annotator.store.fulltext_sql import CREATE as _CREATE
from annotator.store.fulltext_sql import INSERT_TRIGGER as _INSERT_TRIGGER
from annotator.store.fulltext_sql import TRIGGERS as _TRIGGERS


def _in_step(conn: Connection) -> bool:
    """Whether the index holds exactly the documents' rows (compared by count and id sums)."""
    docs = conn.exec_driver_sql("SELECT count(*), coalesce(sum(id), 0) FROM document").one()
    indexed = conn.exec_driver_sql(
        f"SELECT count(*), coalesce(sum(id), 0) FROM {FTS_TABLE}_docsize"
    ).one()
    return tuple(docs) == tuple(indexed)


# -- PostgreSQL: unaccent, one immutable function of the row, a GIN index over it ------------------
# unaccent() is only STABLE (its dictionary could change), so an index cannot use it directly;
# naming the dictionary makes the call immutable, the usual way to index it.

_PG_FOLD = "public.unaccent('public.unaccent'::regdictionary, coalesce({0}, ''))"
FOLD_TITLE, FOLD_SOURCE, FOLD_BODY, FOLD_QUERY = (
    _PG_FOLD.format(argument) for argument in ("title", "source", "body", "q")
)
_PG_SETUP = (
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    f"""
    CREATE OR REPLACE FUNCTION annotator_document_tsv(title text, source text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('simple'::regconfig, {FOLD_TITLE}), 'A')
            || setweight(to_tsvector('simple'::regconfig, {FOLD_SOURCE}), 'B')
            || setweight(to_tsvector('simple'::regconfig, {FOLD_BODY}), 'C')
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION annotator_tsquery(q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsquery('simple'::regconfig, {FOLD_QUERY})
    $$
    """,
    "CREATE INDEX IF NOT EXISTS ix_document_fts ON document"
    " USING gin (annotator_document_tsv(title, source, text))",
)
_PG_VECTOR = "annotator_document_tsv(d.title, d.source, d.text)"
# ts_rank's weights for {D, C, B, A}: body 1, outlet 2, title 4, as the BM25 weights above.
_PG_WEIGHTS = "'{0.0, 0.25, 0.5, 1.0}'"


def ensure_fulltext_pg(conn: Connection) -> None:
    """Create the text-search function and index if missing (inside the caller's transaction)."""
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM pg_indexes WHERE indexname = 'ix_document_fts'"
        " AND schemaname = current_schema()"
    ).first()
    if exists is None:
        for statement in _PG_SETUP:
            conn.exec_driver_sql(statement)


def _ts_term(term: Term) -> str:
    # Words are tokens of core.textsearch (letters and digits only), so quoting cannot break.
    words = [f"'{w}'" for w in term.words]
    if term.prefix:
        words[-1] += ":*"
    inner = " <-> ".join(words)
    return ("!" if term.negated else "") + (f"({inner})" if len(words) > 1 else inner)


def ts_query(query: Query) -> str:
    """The ``tsquery`` text of a non-empty query (the twin of ``fts_match``)."""
    return " | ".join(
        "(" + " & ".join(_ts_term(t) for t in group) + ")" for group in query.groups
    )


def ensure_fulltext(engine: Engine) -> None:
    """Create the index and its triggers if missing; rebuild the index if out of step."""
    with engine.begin() as conn:
        conn.exec_driver_sql(_CREATE)
        for trigger in _TRIGGERS:
            conn.exec_driver_sql(trigger)
        if not _in_step(conn):
            rebuild(conn)


def rebuild(conn: Connection) -> None:
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


@contextlib.contextmanager
def indexed_in_bulk(conn: Connection, count: int) -> Iterator[None]:
    """Around the insert of ``count`` new documents inside the caller's SQLite transaction:
    for a large insert, the insert trigger is dropped, and the new rows (those past the largest
    id before) are added to the index with one ``INSERT … SELECT`` before the trigger is made
    again, all in that transaction.

    Per row, the trigger runs one FTS5 insert statement for each document; FTS5 then does its
    per-statement work (a savepoint, its pending-terms bookkeeping) 10,000 times for 10,000
    short texts, about 0.5 s where the one statement takes under 0.1 s (see docs/PERFORMANCE.md,
    import). The index ends with the same rows, tokens and sizes either way (a test compares
    the search results and runs FTS5's integrity check). DDL in SQLite is transactional: a
    failure or a kill rolls the dropped trigger back with the rows. The transaction is begun
    with ``BEGIN IMMEDIATE`` when the driver has not begun it yet (Python's sqlite3 begins one
    only before a data statement, so a first ``DROP TRIGGER`` would commit on its own), which
    also takes the write lock before the largest id is read. PostgreSQL's index is the server's
    (nothing to do), and a small insert keeps the trigger.
    """
    if is_postgres(conn) or count < BULK_INDEX_MIN:
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    if not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM document").scalar()
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_INSERT_TRIGGER}")
    yield
    conn.exec_driver_sql(INDEX_ROWS_AFTER, (before,))
    conn.exec_driver_sql(_TRIGGERS[0])


def _filter_sql(engine: Engine, filters: SearchFilters, params: dict[str, object]) -> list[str]:
    """SQL conditions on ``d`` (the document table) for the filters, parameters added."""
    where: list[str] = []
    if filters.outlets:
        where.append(one_of(engine, "d.source", "outlets", filters.outlets, params))
    if filters.languages:
        where.append(one_of(engine, "d.lang", "langs", filters.languages, params))
    if filters.statuses:
        where.append(one_of(engine, "d.status", "statuses", filters.statuses, params))
    if filters.date_from:
        params["date_from"] = filters.date_from
        where.append("d.date != '' AND d.date >= :date_from")
    if filters.date_to:
        params["date_to"] = filters.date_to
        where.append("d.date != '' AND substr(d.date, 1, length(:date_to)) <= :date_to")
    if filters.annotators:
        names = one_of(engine, "a.name", "annotators", filters.annotators, params)
        where.append(
            "EXISTS (SELECT 1 FROM span s JOIN annotator a ON a.id = s.annotator_id"  # safe-sql: ours
            f" WHERE s.document_id = d.id AND {names})"
        )
    where += analysis_filter_sql(engine, filters, params)
    return where


def find_documents(
    engine: Engine, query: Query | None, filters: SearchFilters, limit: int = 200
) -> list[int]:
    """Ids of the documents that match the query (best first by BM25 on SQLite, by ts_rank on
    PostgreSQL), or that pass the filters alone (newest first) when ``query`` is None."""
    params: dict[str, object] = {"limit": limit}
    where = _filter_sql(engine, filters, params)
    if query is not None and is_postgres(engine):
        params["match"] = ts_query(query)
        sql = (
            f"SELECT d.id FROM document d, annotator_tsquery(:match) q WHERE {_PG_VECTOR} @@ q"
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY ts_rank({_PG_WEIGHTS}, {_PG_VECTOR}, q) DESC, d.id LIMIT :limit"
        )
    elif query is not None:
        params["match"] = fts_match(query)
        # Title hits weigh more than outlet and body hits.
        sql = (
            f"SELECT d.id FROM {FTS_TABLE} f JOIN document d ON d.id = f.rowid"
            f" WHERE {FTS_TABLE} MATCH :match"
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY bm25({FTS_TABLE}, 4.0, 2.0, 1.0), d.id LIMIT :limit"
        )
    else:
        sql = (
            "SELECT d.id FROM document d"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.date DESC, d.id LIMIT :limit"
        )
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(text(sql), params)]


@dataclass(frozen=True, slots=True)
class Facets:
    """The values a search can be filtered by, as found in the database."""

    outlets: list[str]
    languages: list[str]
    annotators: list[str]
    first_date: str
    last_date: str
    actors: list[tuple[int, str]]  # actors with mentions: (id, name)
    event_categories: list[str]
    frames: list[str]


def facets(engine: Engine) -> Facets:
    with engine.connect() as conn:
        outlets = [r[0] for r in conn.exec_driver_sql(
            "SELECT source FROM document WHERE source != '' GROUP BY source"  # safe-sql: literal column
            f" ORDER BY {nocase(conn, 'source')}"
        )]
        langs = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT lang FROM document WHERE lang != '' ORDER BY lang"
        )]
        annotators = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM annotator a WHERE EXISTS (SELECT 1 FROM span s"  # safe-sql: literal column
            f" WHERE s.annotator_id = a.id) ORDER BY {nocase(conn, 'name')}"
        )]
        first, last = conn.exec_driver_sql(
            "SELECT min(date), max(date) FROM document WHERE date != ''"
        ).one()
    actors, categories, frames = analysis_facets(engine)
    return Facets(outlets, langs, annotators, first or "", last or "", actors, categories, frames)


def analysis_filter_sql(
    engine: Engine, filters: SearchFilters, params: dict[str, object]
) -> list[str]:
    """Conditions for the actor, event-category and frame filters (anyone's annotations)."""
    where: list[str] = []
    if filters.actors:
        actors = one_of(engine, "m.actor_id", "actors", filters.actors, params)
        where.append(
            "EXISTS (SELECT 1 FROM actor_mention m JOIN span s ON s.id = m.span_id"  # safe-sql: one_of
            f" WHERE s.document_id = d.id AND {actors})"
        )
    if filters.event_categories:
        categories = one_of(engine, "e.category", "categories", filters.event_categories, params)
        where.append(
            f"EXISTS (SELECT 1 FROM event e WHERE e.document_id = d.id AND {categories})"  # safe-sql: ours
        )
    if filters.frames:
        present = one_of(engine, "p.dimension", "frames", filters.frames, params)
        primary = one_of(engine, "f.primary_frame", "frames", filters.frames, params)
        where.append(
            "EXISTS (SELECT 1 FROM frame_assessment f LEFT JOIN frame_present p"  # safe-sql: one_of
            f" ON p.assessment_id = f.id WHERE f.document_id = d.id AND ({present} OR {primary}))"
        )
    return where


def analysis_facets(engine: Engine) -> tuple[list[tuple[int, str]], list[str], list[str]]:
    """Actors that have mentions (id, name), event categories used, frames used."""
    with engine.connect() as conn:
        actors = [(int(r[0]), str(r[1])) for r in conn.exec_driver_sql(
            "SELECT a.id, a.name FROM actor a WHERE EXISTS (SELECT 1 FROM actor_mention m"  # safe-sql: ours
            f" WHERE m.actor_id = a.id) ORDER BY {nocase(conn, 'a.name')}"
        )]
        categories = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT category FROM event ORDER BY category"
        )]
        frames = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT dimension FROM frame_present UNION"
            " SELECT primary_frame FROM frame_assessment WHERE primary_frame != '' ORDER BY 1"
        )]
    return actors, categories, frames
