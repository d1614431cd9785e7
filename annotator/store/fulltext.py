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
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from annotator.core.textsearch import SearchFilters

FTS_TABLE = "document_fts"

_CREATE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title, source, text,
    content='document', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""

# External-content tables need the old values to delete a row from the index.
_TRIGGERS = (
    f"""
    CREATE TRIGGER IF NOT EXISTS document_fts_insert AFTER INSERT ON document BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, source, text)
        VALUES (new.id, new.title, new.source, new.text);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS document_fts_delete AFTER DELETE ON document BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, source, text)
        VALUES ('delete', old.id, old.title, old.source, old.text);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS document_fts_update
    AFTER UPDATE OF title, source, text ON document BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, source, text)
        VALUES ('delete', old.id, old.title, old.source, old.text);
        INSERT INTO {FTS_TABLE}(rowid, title, source, text)
        VALUES (new.id, new.title, new.source, new.text);
    END
    """,
)


def _in_step(conn: Connection) -> bool:
    """Whether the index holds exactly the documents' rows (compared by count and id sums)."""
    docs = conn.exec_driver_sql("SELECT count(*), coalesce(sum(id), 0) FROM document").one()
    indexed = conn.exec_driver_sql(
        f"SELECT count(*), coalesce(sum(id), 0) FROM {FTS_TABLE}_docsize"
    ).one()
    return tuple(docs) == tuple(indexed)


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


def _filter_sql(filters: SearchFilters, params: dict[str, object]) -> list[str]:
    """SQL conditions on ``d`` (the document table) for the filters, parameters added."""
    where: list[str] = []

    def one_of(column: str, values: tuple[object, ...], name: str) -> None:
        params[name] = json.dumps(list(values))
        where.append(f"{column} IN (SELECT value FROM json_each(:{name}))")

    if filters.outlets:
        one_of("d.source", filters.outlets, "outlets")
    if filters.languages:
        one_of("d.lang", filters.languages, "langs")
    if filters.statuses:
        one_of("d.status", filters.statuses, "statuses")
    if filters.date_from:
        params["date_from"] = filters.date_from
        where.append("d.date != '' AND d.date >= :date_from")
    if filters.date_to:
        params["date_to"] = filters.date_to
        where.append("d.date != '' AND substr(d.date, 1, length(:date_to)) <= :date_to")
    if filters.annotators:
        params["annotators"] = json.dumps(list(filters.annotators))
        where.append(
            "EXISTS (SELECT 1 FROM span s JOIN annotator a ON a.id = s.annotator_id"
            " WHERE s.document_id = d.id"
            " AND a.name IN (SELECT value FROM json_each(:annotators)))"
        )
    where += analysis_filter_sql(filters, params)
    return where


def find_documents(
    engine: Engine, match: str | None, filters: SearchFilters, limit: int = 200
) -> list[int]:
    """Ids of the documents that match (best first by BM25), or that pass the filters alone
    (newest first) when ``match`` is None."""
    params: dict[str, object] = {"limit": limit}
    where = _filter_sql(filters, params)
    if match is not None:
        params["match"] = match
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
            "SELECT DISTINCT source FROM document WHERE source != '' ORDER BY source COLLATE NOCASE"
        )]
        langs = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT lang FROM document WHERE lang != '' ORDER BY lang"
        )]
        annotators = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM annotator a WHERE EXISTS (SELECT 1 FROM span s"
            " WHERE s.annotator_id = a.id) ORDER BY name COLLATE NOCASE"
        )]
        first, last = conn.exec_driver_sql(
            "SELECT min(date), max(date) FROM document WHERE date != ''"
        ).one()
    actors, categories, frames = analysis_facets(engine)
    return Facets(outlets, langs, annotators, first or "", last or "", actors, categories, frames)


def analysis_filter_sql(filters: SearchFilters, params: dict[str, object]) -> list[str]:
    """Conditions for the actor, event-category and frame filters (anyone's annotations)."""
    where: list[str] = []
    if filters.actors:
        params["actors"] = json.dumps(list(filters.actors))
        where.append(
            "EXISTS (SELECT 1 FROM actor_mention m JOIN span s ON s.id = m.span_id"
            " WHERE s.document_id = d.id AND m.actor_id IN (SELECT value FROM json_each(:actors)))"
        )
    if filters.event_categories:
        params["categories"] = json.dumps(list(filters.event_categories))
        where.append(
            "EXISTS (SELECT 1 FROM event e WHERE e.document_id = d.id"
            " AND e.category IN (SELECT value FROM json_each(:categories)))"
        )
    if filters.frames:
        params["frames"] = json.dumps(list(filters.frames))
        where.append(
            "EXISTS (SELECT 1 FROM frame_assessment f LEFT JOIN frame_present p"
            " ON p.assessment_id = f.id WHERE f.document_id = d.id"
            " AND (p.dimension IN (SELECT value FROM json_each(:frames))"
            " OR f.primary_frame IN (SELECT value FROM json_each(:frames))))"
        )
    return where


def analysis_facets(engine: Engine) -> tuple[list[tuple[int, str]], list[str], list[str]]:
    """Actors that have mentions (id, name), event categories used, frames used."""
    with engine.connect() as conn:
        actors = [(int(r[0]), str(r[1])) for r in conn.exec_driver_sql(
            "SELECT a.id, a.name FROM actor a WHERE EXISTS (SELECT 1 FROM actor_mention m"
            " WHERE m.actor_id = a.id) ORDER BY a.name COLLATE NOCASE"
        )]
        categories = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT category FROM event ORDER BY category"
        )]
        frames = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT dimension FROM frame_present UNION"
            " SELECT primary_frame FROM frame_assessment WHERE primary_frame != '' ORDER BY 1"
        )]
    return actors, categories, frames
