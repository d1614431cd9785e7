"""Schema version 2 to 3: each document's author and the original file it was imported from.

Version 3 adds three columns to ``document``: ``author``, ``original_path`` (the absolute path of
the imported file) and ``original_sha256`` (the SHA-256 of that file's bytes; the stored text may
be an extract of it, a web page's article or a PDF's text). Existing documents get empty values
(the columns' default, so that a row inserted by an older statement stays valid).

SQLite's ``ALTER TABLE ADD COLUMN`` would leave the table's recorded definition different from a
new database's (the new columns after the constraints), so the table is rebuilt: its rows are
copied aside, the table is dropped and made again with the version-3 definition (written out here,
frozen as version 3 defines it), and the rows come back with their ids. (Renaming a new table into
place would record its name quoted, and renaming the old one away would repoint the other tables'
foreign keys at it.) The caller runs this with foreign keys off, inside one transaction. The
``AUTOINCREMENT`` counter is carried over so that no id is ever reused; the full-text triggers
dropped with the old table are made again by ``fulltext.ensure_fulltext`` when the database is
opened.
"""

from __future__ import annotations

import sqlite3

V3_DOCUMENT = """
CREATE TABLE document (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    text VARCHAR NOT NULL,
    text_sha256 VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    date VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    filename VARCHAR NOT NULL,
    author VARCHAR DEFAULT '' NOT NULL,
    original_path VARCHAR DEFAULT '' NOT NULL,
    original_sha256 VARCHAR DEFAULT '' NOT NULL,
    status VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL,
    CONSTRAINT uq_document_sha UNIQUE (text_sha256),
    CONSTRAINT ck_document_status CHECK (status IN ('todo', 'in_progress', 'done'))
)
"""

_V2_COLUMNS = (
    "id, text, text_sha256, title, source, date, lang, url, filename, status, created_at, updated_at"
)


def migrate_2_to_3(con: sqlite3.Connection) -> None:
    """Rebuild ``document`` with the version-3 columns (inside the caller's transaction)."""
    row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'document'").fetchone()
    counter = int(row[0]) if row else 0
    con.execute(f"CREATE TABLE document_v2_rows AS SELECT {_V2_COLUMNS} FROM document")
    con.execute("DROP TABLE document")
    con.execute(V3_DOCUMENT)
    con.execute(
        f"INSERT INTO document ({_V2_COLUMNS}, author, original_path, original_sha256)"
        f" SELECT {_V2_COLUMNS}, '', '', '' FROM document_v2_rows ORDER BY id"
    )
    con.execute("DROP TABLE document_v2_rows")
    con.execute("CREATE INDEX ix_document_text_sha256 ON document (text_sha256)")
    con.execute(
        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'document'", (counter,)
    )
    if con.execute("SELECT count(*) FROM sqlite_sequence WHERE name = 'document'").fetchone()[0] == 0:
        con.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('document', ?)", (counter,))
