"""A whole annotation database copied into another, SQLite or PostgreSQL, either direction.

Every table of the schema is copied row for row with its ids (so every link between documents,
spans, actors, events, frames and reviews holds as it was), in the order of its foreign keys,
inside one transaction of the destination: all of it or nothing. Before the commit, the
destination's row count of every table is compared with the source's; any difference rolls the
copy back. The destination must hold no work yet: a new database, or one that has only had its
schema and the built-in seed actors made (``annotator db init``), which the copy replaces with
the source's registry.

Ids go on where the source's would have: past the largest id the source ever gave, not only past
the largest it still holds (SQLite's ``sqlite_sequence`` for its ``AUTOINCREMENT`` tables, the
server's sequences), so that an id deleted in the source (a span, an assessment someone removed)
never comes back for a new row of the copy, where an export or a colleague's notes may still name
it. The destination's counters are set to match: ``setval`` of each sequence on a server,
``sqlite_sequence`` in a file.

All or nothing, not resumable: the copy is one transaction of the destination, so a copy that is
interrupted (a kill, a lost connection, a full disk) leaves the destination as it was before — a
new SQLite file holds its empty schema, a server database its schema and seed actors — and the
same command run again starts over and completes. A resumable copy would have to commit batch by
batch and find where it stopped; a half-copied corpus would then be visible to colleagues (and to
the app) until it finished, with spans whose reviews or actor links had not arrived yet. A whole
corpus copies in minutes (a 100,000-document corpus with its annotations in a few), so starting
over costs little, and a half-copied database can never be mistaken for a whole one.

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


def _id_tables() -> list[Table]:
    return [t for t in tables() if "id" in t.c and t.c.id.primary_key]


def _highest_ids(conn: Connection) -> dict[str, int]:
    """The largest id each table of the source ever gave (deleted rows included, where the
    engine remembers: ``sqlite_sequence``, a sequence's last value), else the largest it holds."""
    highest = {
        t.name: int(conn.execute(select(func.max(t.c.id))).scalar() or 0) for t in _id_tables()
    }
    if is_postgres(conn):
        for name in highest:
            row = conn.exec_driver_sql(
                "SELECT s.last_value FROM pg_sequences s"
                " WHERE s.schemaname = current_schema() AND s.sequencename ="
                " split_part(pg_get_serial_sequence(%(t)s, 'id'), '.', 2)",
                {"t": name},
            ).first()
            if row is not None and row[0] is not None:  # None: never used, or not ours to read
                highest[name] = max(highest[name], int(row[0]))
    else:
        has_sequence = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).first()
        if has_sequence is not None:
            for name, seq in conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence"):
                if name in highest and seq is not None:
                    highest[name] = max(highest[name], int(seq))
    return highest


def _next_ids(conn: Connection, highest: dict[str, int]) -> None:
    """Let the destination's ids go on after ``highest`` (and after every copied id)."""
    if is_postgres(conn):
        for name, value in highest.items():
            # setval(seq, n, true): the next id is n + 1; a table that never had a row starts at 1.
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"  # safe-sql: schema names
                f" greatest(%(v)s, (SELECT coalesce(max(id), 0) FROM {name}), 1),"
                f" greatest(%(v)s, (SELECT coalesce(max(id), 0) FROM {name})) > 0)",
                {"v": value},
            )
        return
    # SQLite: only the AUTOINCREMENT tables consult sqlite_sequence (the others take max + 1).
    autoincrement = {
        str(r[0]) for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
        )
    }
    for name, value in highest.items():
        if name not in autoincrement or value == 0:
            continue
        conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (name,))
        insert = f"INSERT INTO sqlite_sequence (name, seq) VALUES (?, max(?, (SELECT coalesce(max(id), 0) FROM {name})))"  # noqa: E501  # safe-sql: a schema table name
        conn.exec_driver_sql(insert, (name, value))


def copy_database(
    source: Engine, destination: Engine, where: str, progress: Progress | None = None
) -> CopyReport:
    """Copy every row of ``source`` into ``destination`` (named ``where`` in messages)."""
    src_options: dict[str, object] = (
        {"isolation_level": "REPEATABLE READ", "stream_results": True} if is_postgres(source) else {}
    )
    with source.connect().execution_options(**src_options) as src, destination.begin() as dst:
        expected = _counts(src)
        highest = _highest_ids(src)
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
        _next_ids(dst, highest)
        copied = _counts(dst)
        # The source's meta holds its schema version on a server; the destination keeps its own.
        mismatched = {
            name for name in expected if name != "meta" and copied[name] != expected[name]
        }
        if mismatched:
            detail = ", ".join(f"{n}: {expected[n]} read, {copied[n]} written" for n in sorted(mismatched))
            raise StoreError(f"{where}: the copy does not match its source ({detail}); nothing was copied")
    return CopyReport({name: n for name, n in expected.items()})
