"""The few spellings that differ between SQLite and PostgreSQL, for the queries that need them.

Most queries are SQLAlchemy Core or plain SQL both engines read alike. A handful are written for
speed in a way only SQLite reads: a list passed as one JSON parameter and opened with
``json_each`` (no limit on its length, one prepared statement), ``?`` placeholders on the raw
driver connection (no SQLAlchemy row objects), ``COLLATE NOCASE``. Each such query calls one of
these helpers at its own line, so the difference stays next to the query; PostgreSQL gets the
equivalent (an array parameter with ``= ANY``, ``%s`` placeholders on psycopg's cursor,
``lower()``). ``upsert`` gives the engine's own ``INSERT … ON CONFLICT`` construct (both
engines spell it alike, but SQLAlchemy builds it per dialect).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite


def is_postgres(bind: Connection | Engine) -> bool:
    return bind.dialect.name == "postgresql"


def one_of(
    bind: Connection | Engine, column: str, name: str, values: Iterable[object],
    params: dict[str, object],
) -> str:
    """``column`` is one of ``values`` (a named parameter, added to ``params``)."""
    if is_postgres(bind):
        params[name] = list(values)
        return f"{column} = ANY(:{name})"
    params[name] = json.dumps(list(values))
    return f"{column} IN (SELECT value FROM json_each(:{name}))"  # safe-sql: ours


def any_of(bind: Connection | Engine, column: str, values: Iterable[object]) -> tuple[str, object]:
    """``column`` is one of ``values`` with one ``?`` placeholder (``driver_sql``): the SQL and
    the parameter that goes with it (as ``one_of``, for positional queries)."""
    if is_postgres(bind):
        return f"{column} = ANY(?)", list(values)
    return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))  # safe-sql: ours


def driver_sql(bind: Connection | Engine, sql: str) -> str:
    """SQL written with ``?`` placeholders, in the driver's own placeholder style."""
    return sql.replace("?", "%s") if is_postgres(bind) else sql


def raw_cursor(conn: Connection, sql: str, params: Sequence[object] = ()) -> Any:
    """Run ``sql`` (``?`` placeholders) on the driver's own connection; its cursor, executed.

    The driver's plain tuples, without SQLAlchemy's row objects: for the hot reads (the document
    list, an export, a long article's spans), where building rows cost more than the query.
    """
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    cursor.execute(driver_sql(conn, sql), tuple(params))
    return cursor


def nocase(bind: Connection | Engine, expression: str) -> str:
    """An ORDER BY key that ignores case."""
    return f"lower({expression})" if is_postgres(bind) else f"{expression} COLLATE NOCASE"


def upsert(bind: Connection | Engine, table: Table) -> Any:
    """An ``INSERT`` into ``table`` that offers ``on_conflict_do_update/_nothing`` on either engine."""
    return postgresql.insert(table) if is_postgres(bind) else sqlite.insert(table)
