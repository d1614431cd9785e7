"""Schema version 3 to 4: each annotator's judgment of a document (the ``judgment`` table) and
the memory of rejected suggestions (``suggestion_rejection``, ``store/migration_rejections.py``).

A document an annotator finished without marking anything is their judgment "nothing here"; the
table keeps the status each annotator gave each document, so that agreement counts such
documents and exports carry them (see ``store/judgments.py`` and ``docs/AGREEMENT.md``). The
table is new and starts empty: an older database has no recorded judgments, which is what it
knew. The definition is written out here, frozen as version 4 defines it, so that a migrated file
and a new one have the same schema (a test compares them).
"""

from __future__ import annotations

import sqlite3

from annotator.store.migration_rejections import add_suggestion_rejections

V4_JUDGMENT = """
CREATE TABLE judgment (
    document_id INTEGER NOT NULL,
    annotator_id INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL,
    PRIMARY KEY (document_id, annotator_id),
    CONSTRAINT ck_judgment_status CHECK (status IN ('todo', 'in_progress', 'done')),
    FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE,
    FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
)
"""
V4_JUDGMENT_INDEX = "CREATE INDEX ix_judgment_annotator_id ON judgment (annotator_id)"


def migrate_3_to_4(con: sqlite3.Connection) -> None:
    """Add the judgment and rejection tables (inside the caller's transaction)."""
    con.execute(V4_JUDGMENT)
    con.execute(V4_JUDGMENT_INDEX)
    add_suggestion_rejections(con)
