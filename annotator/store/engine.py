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
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store import tables
from annotator.store.fulltext import ensure_fulltext
from annotator.store.migration_v2 import migrate_1_to_2
from annotator.store.tables import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000

# Migrations from version N to N+1, as functions of a raw sqlite3 connection inside a transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: migrate_1_to_2}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _user_version(path: Path) -> int:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not an annotator database ({exc})") from exc
    finally:
        con.close()


def _has_tables(path: Path) -> bool:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        row = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return bool(row[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not an annotator database ({exc})") from exc
    finally:
        con.close()


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
        if path.exists() and path.stat().st_size > 0:
            if _user_version(path) == 0 and _has_tables(path):
                raise StoreError(f"{path}: not an annotator database (it has no schema version)")
            migrate(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _set_pragmas)
    assert tables.DocumentRow  # the tables are registered on SQLModel.metadata by import
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
    # The built-in seed actors, once per database (new or migrated), so that alias proposals
    # work from the first document; see docs/SCHEMA.md.
    from annotator.store.analysis import ensure_actor_seed

    ensure_actor_seed(engine)
    # The full-text index is derived data outside the schema version: created if missing and
    # rebuilt if out of step on every open, so migrations may reshape ``document`` freely.
    ensure_fulltext(engine)
    return engine
