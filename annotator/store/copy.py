"""A whole annotation database copied into another, SQLite or PostgreSQL, either direction.

Every table of the schema is copied row for row with its ids (so every link between documents,
spans, actors, events, frames and reviews holds as it was), in the order of its foreign keys,
inside one transaction of the destination: all of it or nothing. Before the commit, the
destination's row count of every table is compared with the source's; any difference rolls the
copy back. The destination must hold no work yet: a new database, or one that has only had its
schema and the built-in seed actors made (``annotator db init``), which the copy replaces with
the source's registry. Ids go on from the largest copied one (the server's sequences are set).

Rows are read in id order, in batches, and written with one ``executemany`` per batch; the
source is read in one repeatable-read transaction when it is a server database, so a copy taken
while colleagues work is one consistent moment of the corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, func, select
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store.dialect import is_postgres
from annotator.store.postgres import VERSION_KEY

BATCH = 2000

# (table name, rows copied so far, rows in all)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CopyReport:
    counts: dict[str, int]  # rows per table, equal in source and destination

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tables() -> list[Table]:
    """The schema's tables, each after those it refers to."""
    return list(SQLModel.metadata.sorted_tables)


def _counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables()
    }


def _clear_seed(conn: Connection, where: str) -> None:
    """Empty the destination of what ``db init`` put there; refuse one that holds work."""
    counts = _counts(conn)
    work = {name: n for name, n in counts.items() if n and name not in ("actor", "actor_alias", "meta")}
    if work:
        held = ", ".join(f"{n} {name} rows" for name, n in sorted(work.items()))
        raise StoreError(f"{where}: the destination already holds work ({held}); copy into a new database")
    by_name = {t.name: t for t in tables()}
    conn.execute(by_name["actor_alias"].delete())
    conn.execute(by_name["actor"].delete())
    meta = by_name["meta"]
    conn.execute(meta.delete().where(meta.c.key != VERSION_KEY))


def _next_ids(conn: Connection) -> None:
    """Let the server's id sequences go on after the copied ids."""
    for table in tables():
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"  # safe-sql: schema names
            f" (SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
        )


def copy_database(
    source: Engine, destination: Engine, where: str, progress: Progress | None = None
) -> CopyReport:
    """Copy every row of ``source`` into ``destination`` (named ``where`` in messages)."""
    src_options: dict[str, object] = (
        {"isolation_level": "REPEATABLE READ", "stream_results": True} if is_postgres(source) else {}
    )
    with source.connect().execution_options(**src_options) as src, destination.begin() as dst:
        expected = _counts(src)
        _clear_seed(dst, where)
        for table in tables():
            total = expected[table.name]
            done = 0
            if progress is not None:
                progress(table.name, 0, total)
            order = list(table.primary_key.columns)
            rows = src.execute(select(table).order_by(*order)).mappings()
            while batch := rows.fetchmany(BATCH):
                values = [dict(r) for r in batch]
                if table.name == "meta":
                    values = [v for v in values if v["key"] != VERSION_KEY]
                if values:
                    dst.execute(table.insert(), values)
                done += len(batch)
                if progress is not None:
                    progress(table.name, done, total)
        if is_postgres(destination):
            _next_ids(dst)
        copied = _counts(dst)
        # The source's meta holds its schema version on a server; the destination keeps its own.
        mismatched = {
            name for name in expected if name != "meta" and copied[name] != expected[name]
        }
        if mismatched:
            detail = ", ".join(f"{n}: {expected[n]} read, {copied[n]} written" for n in sorted(mismatched))
            raise StoreError(f"{where}: the copy does not match its source ({detail}); nothing was copied")
    return CopyReport({name: n for name, n in expected.items()})
