"""Schema version 4 to 5: marked regions, span attributes, and where a framing was suggested from.

Version 5 adds:

- ``document_region``: stretches of a document's text found at import to be no part of the
  article (a repeated caption, a site's sign-off), marked rather than deleted, so that the stored
  text and every offset stay as they are;
- ``span_attribute``: named values carried by a span (another tool's attributes and notes);
- ``frame_assessment.suggested_by``: the trained model whose suggestion the annotator confirmed,
  empty when the framing was coded by hand.

The two tables are new and start empty. ``frame_assessment`` is rebuilt the way
``migration_v3.py`` rebuilds ``document`` (and for the same reasons): its rows are copied aside,
the table is made again with the version-5 definition written out here, frozen, and the rows come
back with their ids and an empty ``suggested_by``; the ``AUTOINCREMENT`` counter is carried over.
``frame_present`` and ``frame_actor_role`` refer to the table by name, so their foreign keys hold
again once it is back. The caller runs this with foreign keys off, inside one transaction.
"""

from __future__ import annotations

import sqlite3

V5_FRAME_ASSESSMENT = """
CREATE TABLE frame_assessment (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    annotator_id INTEGER NOT NULL,
    primary_frame VARCHAR NOT NULL,
    headline_frame VARCHAR NOT NULL,
    tone VARCHAR NOT NULL,
    tone_target_actor_id INTEGER,
    updated_at VARCHAR NOT NULL,
    suggested_by VARCHAR DEFAULT '' NOT NULL,
    CONSTRAINT uq_frame_doc_annotator UNIQUE (document_id, annotator_id),
    FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE,
    FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE,
    FOREIGN KEY(tone_target_actor_id) REFERENCES actor (id) ON DELETE RESTRICT
)
"""
V5_FRAME_ASSESSMENT_INDEX = (
    "CREATE INDEX ix_frame_assessment_tone_target_actor_id"
    " ON frame_assessment (tone_target_actor_id)"
)
V5_DOCUMENT_REGION = """
CREATE TABLE document_region (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    marked BOOLEAN NOT NULL,
    created_at VARCHAR NOT NULL,
    CONSTRAINT ck_region_range CHECK (start >= 0 AND "end" > start),
    CONSTRAINT ck_region_kind CHECK (kind IN ('repeated', 'boilerplate')),
    CONSTRAINT uq_region_extent UNIQUE (document_id, start, "end"),
    FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
)
"""
V5_SPAN_ATTRIBUTE = """
CREATE TABLE span_attribute (
    span_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (span_id, "key"),
    CONSTRAINT ck_span_attribute_key CHECK (length(key) > 0),
    FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE CASCADE
)
"""

_V4_FRAME_COLUMNS = (
    "id, document_id, annotator_id, primary_frame, headline_frame, tone, tone_target_actor_id,"
    " updated_at"
)


def migrate_4_to_5(con: sqlite3.Connection) -> None:
    """Add the region and attribute tables and rebuild ``frame_assessment`` (inside the caller's
    transaction, foreign keys off)."""
    row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'frame_assessment'").fetchone()
    counter = int(row[0]) if row else 0
    con.execute(f"CREATE TABLE frame_assessment_v4_rows AS SELECT {_V4_FRAME_COLUMNS} FROM frame_assessment")
    con.execute("DROP TABLE frame_assessment")
    con.execute(V5_FRAME_ASSESSMENT)
    con.execute(
        f"INSERT INTO frame_assessment ({_V4_FRAME_COLUMNS}, suggested_by)"
        f" SELECT {_V4_FRAME_COLUMNS}, '' FROM frame_assessment_v4_rows ORDER BY id"
    )
    con.execute("DROP TABLE frame_assessment_v4_rows")
    con.execute(V5_FRAME_ASSESSMENT_INDEX)
    if counter:
        con.execute(
            "DELETE FROM sqlite_sequence WHERE name = 'frame_assessment'"
        )
        con.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('frame_assessment', ?)", (counter,)
        )
    con.execute(V5_DOCUMENT_REGION)
    con.execute(V5_SPAN_ATTRIBUTE)
