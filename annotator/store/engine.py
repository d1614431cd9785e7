"""The SQLite engine: pragmas, schema creation, schema version and migrations.

Every connection gets ``foreign_keys=ON`` (off by default in SQLite), WAL journaling and a busy
timeout, so that two instances on one file wait for each other instead of failing. The schema
version lives in ``PRAGMA user_version``; an older database is backed up next to itself before it
is migrated, a newer one is refused. Only a file recognised as annotator's database
(store/recognition.py) is opened; read-only commands open it with ``mode=ro``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import QueuePool
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store import tables
from annotator.store.fulltext import ensure_fulltext
from annotator.store.location import is_server_url
from annotator.store.migration_v2 import migrate_1_to_2
from annotator.store.migration_v3 import migrate_2_to_3
from annotator.store.migration_v4 import migrate_3_to_4
from annotator.store.migration_v5 import migrate_4_to_5
from annotator.store.postgres import open_server_engine
from annotator.store.recognition import (
    APPLICATION_ID,
    inspect,
    read_only_connection,
    recognise,
    refuse,
)
from annotator.store.sqlite_plain import BUSY_TIMEOUT_MS, set_pragmas, store_error
from annotator.store.tables import SCHEMA_VERSION

# Migrations from version N to N+1, as functions of a raw sqlite3 connection inside a transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: migrate_1_to_2,
    2: migrate_2_to_3,
    3: migrate_3_to_4,
    4: migrate_4_to_5,
}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    set_pragmas(dbapi_connection)


def _set_read_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """A read-only connection: no journal mode to set (that would write), nothing to sync."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _store_error(context: ExceptionContext) -> None:
    """Turn SQLite's failures that a user can meet into StoreError with a sentence to act on."""
    error = store_error(context.original_exception)
    if error is not None:
        raise error from context.original_exception


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.v{version}.bak")


def migrate(path: Path, version: int) -> int:
    """Bring annotator's database at ``path`` (recognised at schema ``version``) to
    SCHEMA_VERSION, after a backup beside it; return the version it had before."""
    if version >= SCHEMA_VERSION or version == 0:
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
        current = int(con.execute("PRAGMA user_version").fetchone()[0])
        if current != version:  # another instance migrated it meanwhile
            con.execute("ROLLBACK")
            return version
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](con)
        con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return version


def _regular_or_absent(path: Path) -> bool:
    """Whether ``path`` is a regular file (following links); False if absent. StoreError for a
    folder, a device, a pipe or a socket: never opened, never written beside."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise StoreError(f"{path}: cannot use the database ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(mode):
        raise StoreError(f"{path}: a folder, not a database file")
    if not stat.S_ISREG(mode):
        raise StoreError(f"{path}: not a regular file (a device, pipe or socket), not a database")
    return True


def _make_folder(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where a folder of the path should be
        raise StoreError(
            f"{path}: cannot create the database's folder {folder} (Not a directory)"
        ) from exc
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot create the database's folder {folder} ({exc.strerror or exc})"
        ) from exc


def _stamp_on_first_write(engine: Engine) -> None:
    """Give an earlier version's database the application id with the first transaction that
    writes anyway, so that opening it (even for a command refused later) changes nothing."""
    stamped = False

    def on_commit(conn: Connection) -> None:
        nonlocal stamped
        dbapi = conn.connection.dbapi_connection
        if stamped or dbapi is None or not dbapi.in_transaction:
            return
        dbapi.execute(f"PRAGMA application_id={APPLICATION_ID}")
        stamped = True

    event.listen(engine, "commit", on_commit)


def _tidy_after_reading(path: Path, had_sidecars: bool) -> Callable[[Engine], None]:
    """After a read-only engine is disposed: remove the empty ``-wal``/``-shm`` its connections
    left (a read-only connection cannot), by opening and closing one ordinary connection, which
    SQLite lets delete them only when no other connection uses the file. Best effort."""

    def tidy(_engine: Engine) -> None:
        if had_sidecars or not Path(f"{path}-wal").exists():
            return
        with contextlib.suppress(sqlite3.Error, OSError):
            con = sqlite3.connect(path, timeout=0)
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL
            finally:
                con.close()

    return tidy


def _connect(path: Path, read_only: bool) -> Callable[[], sqlite3.Connection]:
    timeout = BUSY_TIMEOUT_MS / 1000

    def connect() -> sqlite3.Connection:
        if read_only:
            return read_only_connection(path, timeout, check_same_thread=False)
        return sqlite3.connect(path, check_same_thread=False, timeout=timeout)

    return connect


def open_engine(path: Path | str, *, read_only: bool = False) -> Engine:
    """Open the database file and return a ready engine.

    Writable (the default): a missing or empty file becomes a new database, an earlier version's
    is migrated. ``read_only``: the file must be annotator's database of this schema version; it
    is opened with ``mode=ro``, so a read-only file, a full disk or another instance's write lock
    do not stop reading, and nothing is written. Anything that is not annotator's database is
    refused (StoreError) and left byte for byte as it was (see store/recognition.py).

    A ``postgresql://`` URL is a team's server database instead: see ``store/postgres.py``
    (``read_only`` there: read-only transactions, and no schema created).
    """
    if is_server_url(path):
        return open_server_engine(str(path), read_only=read_only)
    if str(path) == ":memory:":
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _set_pragmas)
        _create(engine)
        return _ready(engine)
    path = Path(path)
    timeout = BUSY_TIMEOUT_MS / 1000
    exists = _regular_or_absent(path)
    if exists and path.stat().st_size > 0:
        found = inspect(path, timeout)
        version = recognise(path, found)
    else:
        found, version = None, 0
    if read_only:
        if not exists:
            raise StoreError(f"{path}: no such database")
        if version == 0:
            raise refuse(path, "the file is empty")
        if version < SCHEMA_VERSION:
            raise StoreError(
                f"{path}: made by an earlier version of annotator (schema {version}); open it "
                "once with a command that writes (annotator import, or the app) to upgrade it"
            )
        had_sidecars = Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists()
        engine = create_engine(
            "sqlite://", creator=_connect(path, read_only=True), poolclass=QueuePool
        )
        event.listen(engine, "connect", _set_read_pragmas)
        event.listen(engine, "handle_error", _store_error)
        event.listen(engine, "engine_disposed", _tidy_after_reading(path, had_sidecars))
        return engine
    if not exists:
        _make_folder(path)
    migrate(path, version)
    engine = create_engine("sqlite://", creator=_connect(path, read_only=False), poolclass=QueuePool)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "handle_error", _store_error)
    if version == 0:
        _create(engine)
    elif found is not None and found.application_id == 0 and version >= SCHEMA_VERSION:
        _stamp_on_first_write(engine)  # (a migration stamps it in its own transaction)
    return _ready(engine)


def _ready(engine: Engine) -> Engine:
    # The built-in seed actors are loaded by database.Store, above the engine.
    # The full-text index is derived data outside the schema version: created if missing and
    # rebuilt if out of step on every open, so migrations may reshape ``document`` freely.
    ensure_fulltext(engine)
    return engine


def _create(engine: Engine) -> None:
    """The tables of a new database, its schema version and annotator's application id."""
    assert tables.DocumentRow is not None  # the tables are registered on SQLModel.metadata by import
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


SIDECARS = ("-wal", "-shm", "-journal")


def _sidecars(path: Path) -> list[Path]:
    """SQLite's files beside ``path`` that exist: a connection has it open (or one crashed)."""
    return [p for p in (Path(f"{path}{end}") for end in SIDECARS) if p.exists()]


def _copy_before_migration(path: Path) -> tuple[Path, int] | None:
    """A byte copy of an earlier version's database (and of an earlier ``.vN.bak``) in a hidden
    folder beside it, taken under SQLite's write lock; None when there is nothing to migrate,
    when the file is not annotator's (the open refuses it untouched anyway), or when another
    connection may have it open (a ``-wal`` or ``-journal`` beside it): then a refused command
    keeps the migration, as before."""
    if not path.is_file() or path.stat().st_size == 0 or _sidecars(path):
        return None
    try:
        version = recognise(path, inspect(path, BUSY_TIMEOUT_MS / 1000))
    except StoreError:
        return None
    if version == 0 or version >= SCHEMA_VERSION:
        return None
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".before-migration",
                                       dir=path.parent))
    except OSError:
        return None
    try:
        lock = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            lock.execute("BEGIN IMMEDIATE")  # no other writer while the bytes are copied
            shutil.copy2(path, folder / "db")
            backup = backup_path(path, version)
            if backup.exists():
                shutil.copy2(backup, folder / "bak")
            lock.execute("ROLLBACK")
        finally:
            lock.close()
    except (OSError, sqlite3.Error):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder, version


@contextlib.contextmanager
def migration_undone_on_failure(path: Path | str) -> Iterator[Callable[[], None]]:
    """Around a command that opens ``path`` for writing, which migrates an earlier version's
    database: if the command fails, put the file back byte for byte, as if it had never been
    opened, and remove the migration's ``.vN.bak`` (or put back the one that was there).

    Yields ``opened``, to call once the database is open (and migrated). The file is put back
    only if no connection committed anything to it since ``opened`` (``PRAGMA data_version``,
    read on a connection of its own, changes with every other connection's commit: the
    command's own writes or another instance's) and no other connection has it open once the
    command has closed its own (no ``-wal``/``-shm`` left): otherwise the migrated file, a
    consistent database, is kept. A server database, or a file that needs no migration, is
    left to the command as before.
    """
    copy = None if is_server_url(path) or str(path) == ":memory:" else _copy_before_migration(
        Path(path)
    )
    if copy is None:
        yield lambda: None
        return
    path = Path(path)
    folder, version = copy
    watcher: sqlite3.Connection | None = None
    seen: int | None = None

    def opened() -> None:
        nonlocal watcher, seen
        watcher = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        seen = int(watcher.execute("PRAGMA data_version").fetchone()[0])

    try:
        yield opened
    except BaseException:
        if watcher is not None:
            with contextlib.suppress(sqlite3.Error, OSError):
                unchanged = int(watcher.execute("PRAGMA data_version").fetchone()[0]) == seen
                watcher.close()  # the last connection: SQLite removes the -wal and -shm
                watcher = None
                if unchanged and not _sidecars(path):
                    os.replace(folder / "db", path)
                    backup = backup_path(path, version)
                    if (folder / "bak").exists():
                        os.replace(folder / "bak", backup)
                    else:
                        backup.unlink(missing_ok=True)
        raise
    finally:
        if watcher is not None:
            watcher.close()
        shutil.rmtree(folder, ignore_errors=True)
