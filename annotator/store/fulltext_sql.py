"""The SQLite full-text index's statements (see fulltext.py), apart from SQLAlchemy: the import
command's path into a new file (new_database.py) indexes its rows with the same statements."""

from __future__ import annotations

FTS_TABLE = "document_fts"

CREATE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title, source, text,
    content='document', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""

# External-content tables need the old values to delete a row from the index.
TRIGGERS = (
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


# A large insert indexes its rows in one statement instead of one trigger call per row
# (fulltext.indexed_in_bulk): the insert trigger is dropped, the rows past the largest id before
# (the parameter) are indexed, and the trigger is made again.
BULK_INDEX_MIN = 200
INSERT_TRIGGER = "document_fts_insert"
INDEX_ROWS_AFTER = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, source, text)"  # safe-sql: our table's name
    " SELECT id, title, source, text FROM document WHERE id > ? ORDER BY id"
)
