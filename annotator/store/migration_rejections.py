"""Schema step: the memory of rejected suggestions (table ``suggestion_rejection``).

A suggestion the analyst rejected (a text form with a label) is not suggested again in this
database. This step only adds that table; nothing else changes. The DDL is frozen here as the step
defines it, like ``migration_v2.py``, so later model changes cannot alter what the step does. It
is part of the step to schema 4 (``migration_v4.py``).
"""

from __future__ import annotations

import sqlite3

REJECTION_TABLES = (
    """
    CREATE TABLE suggestion_rejection (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        text VARCHAR NOT NULL,
        label VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        CONSTRAINT uq_suggestion_rejection UNIQUE (text, label),
        CONSTRAINT ck_suggestion_rejection_text CHECK (length(trim(text)) > 0)
    )
    """,
)


def add_suggestion_rejections(con: sqlite3.Connection) -> None:
    """Create the rejection table (inside the caller's transaction)."""
    for statement in REJECTION_TABLES:
        con.execute(statement)
