"""A team's database on a PostgreSQL server: recognising its URL, connecting, the schema version.

SQLite stays the default (``engine.open_engine`` for a file); a ``postgresql://`` URL opens a
server database through SQLAlchemy's ``postgresql+psycopg`` dialect (psycopg 3 over libpq). The
connection follows libpq's conventions, because libpq itself makes it: a password comes from
``~/.pgpass``, ``PGPASSWORD`` or a service file (``?service=team``), TLS from ``sslmode`` in the
URL. A password written into the URL works too, but is never shown: every message names the
database by ``masked(url)``.

The schema version lives in the ``meta`` table (key ``schema_version``; SQLite keeps it in
``PRAGMA user_version``). Opening takes a transaction-scoped advisory lock, so that two analysts
opening a new database at the same moment create the schema once; a database of a newer schema,
or one that is not an annotator database, is refused inside that transaction, before anything is
written. A new server database is created at the current schema version; an older one is
migrated in that same transaction by the first opening that writes, as a SQLite file is
(``postgres_migration.py``; or on purpose with ``annotator db migrate URL``), so a failed or
refused migration leaves it as it was. A read-only opening (``Store(url, read_only=True)``) runs
every transaction read-only, creates nothing and refuses an older schema.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import SQLModel

from annotator.core.errors import DuplicateDocumentError, StoreError
from annotator.store.fulltext import ensure_fulltext_pg
from annotator.store.live import ensure_notify_triggers, new_application_name
from annotator.store.location import masked
from annotator.store.postgres_migration import migrate_server
from annotator.store.tables import SCHEMA_VERSION  # its import registers the tables

VERSION_KEY = "schema_version"
# pg_advisory_xact_lock key for schema creation: any fixed 64-bit number of our own.
SCHEMA_LOCK = 0x616E6E6F7461746F  # "annotato"
CONNECT_TIMEOUT_S = 10
PING_AFTER_IDLE_S = 1.0
_IDLE_SINCE = "annotator_idle_since"


def sqlalchemy_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"{masked(url)}: not a database URL ({exc})") from exc
    return parsed.set(drivername="postgresql+psycopg")


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _store_error(url: str) -> Callable[[ExceptionContext], None]:
    def translate(context: ExceptionContext) -> None:
        """Turn the server's failures that a user can meet into StoreError."""
        import psycopg

        orig = context.original_exception
        if isinstance(orig, psycopg.errors.UniqueViolation) and "uq_document_sha" in str(orig):
            raise DuplicateDocumentError("a document with the same text is already stored") from orig
        if isinstance(orig, psycopg.IntegrityError):  # a constraint or a trigger of the schema
            raise StoreError(
                f"the database refused the change ({first_line(orig)}); nothing of it was saved"
            ) from orig
        if isinstance(orig, psycopg.errors.ReadOnlySqlTransaction):
            raise StoreError(f"{masked(url)}: opened for reading only, nothing written") from orig
        if isinstance(orig, psycopg.errors.InsufficientPrivilege):
            raise StoreError(f"{masked(url)}: not allowed ({str(orig).strip()})") from orig
        if isinstance(orig, psycopg.OperationalError) and context.is_disconnect:
            raise StoreError(
                f"{masked(url)}: the connection to the server was lost ({first_line(orig)}); "
                "nothing of the interrupted action was saved, try it again"
            ) from orig
        if isinstance(orig, psycopg.OperationalError) and context.connection is None:
            # Connecting (again) failed: the server is down, unreachable, or refuses the role.
            # The next action connects anew, so work goes on once it is back.
            raise StoreError(
                f"{masked(url)}: cannot connect to the database ({first_line(orig)})"
            ) from orig

    return translate


def _tables(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {str(r[0]) for r in rows}


def _schema_version(conn: Connection, where: str, tables: set[str]) -> int:
    """The stored schema version, 0 for an empty database; StoreError for a foreign one."""
    if not tables:
        return 0
    if "document" not in tables:
        raise StoreError(f"{where}: not an annotator database (it has no document table)")
    found = None
    if "meta" in tables:
        found = conn.exec_driver_sql(
            "SELECT value FROM meta WHERE key = %(k)s", {"k": VERSION_KEY}
        ).scalar()
    if found is None or not str(found).isdigit():
        raise StoreError(f"{where}: not an annotator database (it has no schema version)")
    return int(found)


def prepare_schema(conn: Connection, where: str) -> int:
    """Create the schema in an empty database, check it in an existing one (inside the caller's
    transaction, under the schema lock); return the version found (0: new)."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
    version = _schema_version(conn, where, _tables(conn))
    _refuse_newer(version, where)
    if version == 0:
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (%(k)s, %(v)s)",
            {"k": VERSION_KEY, "v": str(SCHEMA_VERSION)},
        )
    elif version < SCHEMA_VERSION:
        migrate_server(conn, version, SCHEMA_VERSION, where)
        conn.exec_driver_sql(
            "UPDATE meta SET value = %(v)s WHERE key = %(k)s",
            {"k": VERSION_KEY, "v": str(SCHEMA_VERSION)},
        )
    return version


def _refuse_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: made by a newer version of annotator (schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade annotator to open it"
        )


def _refuse_other_version(version: int, where: str) -> None:
    """StoreError for a schema older or newer than SCHEMA_VERSION (0, a new database, passes):
    a reading opening migrates nothing."""
    _refuse_newer(version, where)
    if 0 < version < SCHEMA_VERSION:
        raise StoreError(
            f"{where}: made by an earlier version of annotator (schema {version}); open it once "
            "with a command that writes (annotator db migrate URL, or the app) to upgrade it"
        )


def check_schema_read_only(conn: Connection, where: str) -> None:
    """Check an existing database's schema without writing (a read-only opening): an empty
    database is refused, as is an older or newer schema."""
    version = _schema_version(conn, where, _tables(conn))
    if version == 0:
        raise StoreError(f"{where}: no annotator database there yet (its schema is not created)")
    _refuse_other_version(version, where)


def server_schema_version(url: str) -> int:
    """The schema version of the server database at ``url`` (0: empty), read without writing;
    StoreError for one that is not annotator's or cannot be reached."""
    engine = open_server_engine(url, read_only=True, check=False)
    try:
        with engine.connect() as conn:
            return _schema_version(conn, masked(url), _tables(conn))
    finally:
        engine.dispose()


def _note_idle_start(_dbapi: object, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_after_idle(dbapi: object, record: ConnectionPoolEntry, _proxy: object) -> None:
    """Before handing out a pooled connection that sat idle, make sure the server still has it
    (a restart, a dropped network link, a server-side idle timeout); if not, SQLAlchemy
    discards it and connects anew, so the action goes through.

    SQLAlchemy's ``pool_pre_ping`` does this on every checkout, which costs one more round trip
    for each of the ten or so short transactions of one click (an added span refreshes the
    document's row, label counts and suggestions); on a busy machine a round trip is a few
    milliseconds. A connection used within the last second was alive then; only one idle for
    longer is pinged, with one bare libpq query outside psycopg's transaction handling."""
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    from psycopg import pq

    pgconn = dbapi.pgconn  # type: ignore[attr-defined]
    try:
        result = pgconn.exec_(b"SELECT 1")
        alive = result.status == pq.ExecStatus.TUPLES_OK and pgconn.status == pq.ConnStatus.OK
    except Exception:  # noqa: BLE001 - libpq's error on a dead socket: the same answer
        alive = False
    if not alive:
        raise DisconnectionError("the server connection was lost while idle")


def open_server_engine(url: str, *, read_only: bool = False, check: bool = True) -> Engine:
    """Connect to the server database at ``url``, creating or checking its schema.

    ``read_only``: every transaction of the engine is a read-only one (the server's
    ``default_transaction_read_only``, so any write fails there), and nothing is created:
    the schema must exist already at this version (``check=False``: not even checked).
    """
    where = masked(url)
    connect_args: dict[str, object] = {
        # Its own name on the server, so that it can tell its changes from others' (live.py).
        "application_name": new_application_name(),
    }
    if "connect_timeout" not in url:
        # libpq waits for an unreachable host as long as the system does (minutes); a clear
        # "cannot connect" after a few seconds is better, in the app and on the command line.
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    engine = create_engine(sqlalchemy_url(url), connect_args=connect_args)
    event.listen(engine, "handle_error", _store_error(url))
    event.listen(engine, "checkin", _note_idle_start)
    event.listen(engine, "checkout", _ping_after_idle)
    try:
        with engine.begin() as conn:
            if read_only:
                if check:
                    check_schema_read_only(conn, where)
            else:
                prepare_schema(conn, where)
                ensure_fulltext_pg(conn)
                ensure_notify_triggers(conn)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"{where}: cannot connect to the database ({reason})") from exc
    except Exception:
        engine.dispose()
        raise
    return engine
