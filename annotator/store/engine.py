"""The SQLite engine: pragmas, schema creation, schema version and migrations.

Every connection gets ``foreign_keys=ON`` (off by default in SQLite), WAL journaling and a busy
timeout, so that two instances on one file wait for each other instead of failing. The schema
version lives in ``PRAGMA user_version``; an older database is backed up next to itself before it
is migrated, a newer one is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlmodel import SQLModel

from annotator.core.errors import DuplicateDocumentError, StoreError
from annotator.store.fulltext import ensure_fulltext
from annotator.store.migration_rejections import add_suggestion_rejections
from annotator.store.migration_v2 import migrate_1_to_2
from annotator.store.tables import SCHEMA_VERSION  # its import registers the tables

BUSY_TIMEOUT_MS = 10_000

# Migrations from version N to N+1, as functions of a raw sqlite3 connection inside a transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: migrate_1_to_2,
    2: add_suggestion_rejections,
}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
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


def _query_one(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of one read-only statement on the file, or StoreError if it is no SQLite database."""
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database ({exc})") from exc
    try:
        return con.execute(sql).fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not an annotator database ({exc})") from exc
    finally:
        con.close()


def _user_version(path: Path) -> int:
    return int(_query_one(path, "PRAGMA user_version")[0][0])  # type: ignore[call-overload]


def _table_names(path: Path) -> set[str]:
    rows = _query_one(path, "SELECT name FROM sqlite_master WHERE type='table'")
    return {str(row[0]) for row in rows}


def _store_error(context: ExceptionContext) -> None:
    """Turn SQLite's failures that a user can meet into StoreError with a sentence to act on."""
    orig = context.original_exception
    if not isinstance(orig, sqlite3.DatabaseError):
        return
    message = str(orig)
    if isinstance(orig, sqlite3.IntegrityError) and "document.text_sha256" in message:
        raise DuplicateDocumentError("a document with the same text is already stored") from orig
    if isinstance(orig, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        raise StoreError(
            f"the database is busy: another instance kept it locked for more than "
            f"{BUSY_TIMEOUT_MS / 1000:g} s; try again"
        ) from orig
    if "malformed" in message or "not a database" in message:
        raise StoreError(
            f"the database file is damaged ({message}); restore a backup copy (a .bak file "
            "beside it is written before each migration)"
        ) from orig
    if "readonly" in message or "read-only" in message:
        raise StoreError(f"the database file cannot be written ({message})") from orig
    if "disk is full" in message or "disk I/O" in message:
        raise StoreError(f"the database cannot be written: {message}") from orig


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.v{version}.bak")


def migrate(path: Path) -> int:
    """Bring the database at ``path`` to SCHEMA_VERSION; return the version it had before."""
    version = _user_version(path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer version of annotator (schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade annotator to open it"
        )
    if version == SCHEMA_VERSION or version == 0:
        return version
    backup = backup_path(path, version)
    src = sqlite3.connect(path)
    dst = sqlite3.connect(backup)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("BEGIN IMMEDIATE")
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](con)
        con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return version


def open_engine(path: Path | str) -> Engine:
    """Open (creating if needed) the database file and return a ready engine."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise StoreError(f"{path}: a folder, not a database file")
        if path.exists() and path.stat().st_size > 0:
            names = _table_names(path)
            if names and "document" not in names:
                raise StoreError(f"{path}: not an annotator database (it has no document table)")
            if _user_version(path) == 0 and names:
                raise StoreError(f"{path}: not an annotator database (it has no schema version)")
            migrate(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "handle_error", _store_error)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
    # The full-text index is derived data outside the schema version: created if missing and
    # rebuilt if out of step on every open, so migrations may reshape ``document`` freely.
    ensure_fulltext(engine)
    return engine
