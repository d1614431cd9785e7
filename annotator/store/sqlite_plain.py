"""What the store's SQLite paths share, without SQLAlchemy: the pragmas of every connection, the
sentence for each SQLite failure a user can meet, the timestamp format and a document's
metadata columns.

``engine.py`` (the SQLAlchemy engine) and ``new_database.py`` (the import command's path into a
new file, which does not import SQLAlchemy: see its docstring) both use them, so that the two
paths cannot drift apart.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from annotator.core.errors import DuplicateDocumentError, StoreError
from annotator.core.model import DocumentMeta

BUSY_TIMEOUT_MS = 10_000


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def meta_columns(meta: DocumentMeta) -> dict[str, str]:
    """A document's metadata as its table's columns, by name."""
    return {
        **meta.to_dict(), "original_path": meta.original_path, "original_sha256": meta.original_sha256,
    }


def set_pragmas(dbapi_connection: sqlite3.Connection) -> None:
    """Every writing connection: foreign keys on, a busy timeout, WAL, commits on the disk."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: each commit reaches the disk before the call returns, so an action shown as saved
    # survives a power cut or an OS crash too (NORMAL may roll the last ones back). It costs a
    # few milliseconds per commit: nothing next to an analyst's click, and imports commit once
    # per file.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def store_error(orig: BaseException) -> StoreError | None:
    """The StoreError, with a sentence to act on, for a failure of SQLite that a user can meet;
    None for any other."""
    if not isinstance(orig, sqlite3.DatabaseError):
        return None
    message = str(orig)
    if isinstance(orig, sqlite3.IntegrityError) and "document.text_sha256" in message:
        return DuplicateDocumentError("a document with the same text is already stored")
    if isinstance(orig, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        return StoreError(
            f"the database is busy: another instance kept it locked for more than "
            f"{BUSY_TIMEOUT_MS / 1000:g} s; try again"
        )
    if "malformed" in message or "not a database" in message:
        return StoreError(
            f"the database file is damaged ({message}); restore a backup copy (a .bak file "
            "beside it is written before each migration)"
        )
    if "readonly" in message or "read-only" in message:
        return StoreError(f"the database file cannot be written ({message})")
    if "disk is full" in message or "disk I/O" in message:
        return StoreError(f"the database cannot be written: {message}")
    if isinstance(orig, sqlite3.IntegrityError):  # a constraint or a trigger of the schema
        return StoreError(f"the database refused the change ({message}); nothing of it was saved")
    return None
