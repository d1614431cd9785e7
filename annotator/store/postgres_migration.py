"""Schema migrations of a team's PostgreSQL database, each step in the one opening transaction.

SQLite's migrations (``migration_v2.py`` … ``migration_v5.py``) rebuild tables on a raw sqlite3
connection, because SQLite cannot alter a column; PostgreSQL can, and its DDL is transactional,
so a server step is a few ``CREATE TABLE``/``ALTER TABLE`` statements run inside the transaction
that opened the database (``postgres.prepare_schema``, under its advisory lock): either every
step and the new version number commit together, or nothing changed. No backup file is written,
unlike SQLite's ``.vN.bak``: a rolled-back transaction is the backup, and docs/TEAM.md asks for a
``pg_dump`` before upgrading the team's annotator.

The statements are written out here, frozen (PostgreSQL's spelling of the version's tables as
SQLAlchemy creates them for a new database, constraint names included), so that a later change
of ``tables.py`` cannot change what an old step does. The server schema began at version 4 (the
release that brought PostgreSQL), so steps exist from 4 on; an older number on a server was never
written by annotator and is refused.

After the steps, what depends on the table list is made again for the new tables: the rights of
the group roles (``rights.ensure_rights``, when the database has been given rights) and the
notifying triggers (``live.ensure_notify_triggers``, which the opening runs anyway).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import StoreError
from annotator.store.rights import ensure_rights

FIRST_SERVER_VERSION = 4

_V5_STEPS = (
    """
    CREATE TABLE document_region (
        id SERIAL NOT NULL,
        document_id INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        marked BOOLEAN NOT NULL,
        created_at VARCHAR NOT NULL,
        PRIMARY KEY (id),
        CONSTRAINT ck_region_range CHECK (start >= 0 AND "end" > start),
        CONSTRAINT ck_region_kind CHECK (kind IN ('repeated', 'boilerplate')),
        CONSTRAINT uq_region_extent UNIQUE (document_id, start, "end"),
        FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE span_attribute (
        span_id INTEGER NOT NULL,
        key VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (span_id, key),
        CONSTRAINT ck_span_attribute_key CHECK (length(key) > 0),
        FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE CASCADE
    )
    """,
    # A column with a constant default is added without rewriting the table (PostgreSQL 11+):
    # existing assessments read '' (coded by hand), as SQLite's rebuild gives them.
    "ALTER TABLE frame_assessment ADD COLUMN suggested_by VARCHAR DEFAULT '' NOT NULL",
)


def _migrate_4_to_5(conn: Connection) -> None:
    for statement in _V5_STEPS:
        conn.exec_driver_sql(statement)


# Migrations from version N to N+1, as functions of a connection inside the opening transaction.
SERVER_MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    4: _migrate_4_to_5,
}


def can_migrate(version: int) -> bool:
    return version >= FIRST_SERVER_VERSION


def _has_rights(conn: Connection) -> bool:
    """Whether ``annotator db grant`` has set up the group roles' rights on this database."""
    return bool(conn.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'annotator_analyst')"
        " AND has_table_privilege('annotator_analyst', 'document', 'SELECT')"
    ).scalar())


def migrate_server(conn: Connection, version: int, target: int, where: str) -> None:
    """Bring the database from ``version`` to ``target`` inside the caller's transaction (the
    caller writes the new version number and commits, or rolls everything back)."""
    if not can_migrate(version):
        raise StoreError(
            f"{where}: schema {version} on the server, which no annotator release wrote there; "
            "copy it through SQLite (annotator db copy)"
        )
    owner = conn.exec_driver_sql(
        "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables"
        " WHERE schemaname = current_schema() AND tablename = 'document'"
    ).scalar()
    if not owner:
        raise StoreError(
            f"{where}: schema {version} needs upgrading to schema {target}, which only the "
            "database's owner may do: ask them to run annotator db migrate (nothing was changed)"
        )
    try:
        for step in range(version, target):
            SERVER_MIGRATIONS[step](conn)
        if _has_rights(conn):
            ensure_rights(conn)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"{where}: upgrading schema {version} to {target} failed ({reason}); "
            "nothing was changed"
        ) from exc
