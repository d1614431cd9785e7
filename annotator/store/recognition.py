"""Recognising annotator's own database files before anything is written into them.

A file given as ``--db`` may be another program's SQLite database (a browser history, a
colleague's tool), a damaged copy, or a file made by a newer version. The engine only opens what
this module recognises positively:

- databases made by this version and later carry ``PRAGMA application_id = APPLICATION_ID`` and
  exactly the tables (with their columns) of their schema version;
- databases made by earlier versions (schema 1 to 3, before the application id existed) are
  recognised by their tables and columns alone, which must be exactly those of their version.

Everything else is refused with a :class:`StoreError` naming the file and the reason, and is
inspected without being written: the header is read as bytes, and the schema through a
read-only connection (``mode=ro``; ``immutable=1`` when no ``-wal`` file exists, so that SQLite
creates no ``-wal`` or ``-shm`` beside a file it may not own).

The shapes of past schema versions are written out here, frozen, because the SQLModel tables only
describe the current version (a test checks the frozen current version against them).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store import tables
from annotator.store.tables import SCHEMA_VERSION

APPLICATION_ID = 0x414E4E54  # "ANNT": written in the header of every database annotator makes
LAST_VERSION_WITHOUT_ID = 3  # databases of schema 1 to 3 may predate the application id
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
# The full-text index (store/fulltext.py) is derived data outside the schema version: optional.
FULLTEXT_TABLES = frozenset(
    {"document_fts", "document_fts_data", "document_fts_idx", "document_fts_docsize",
     "document_fts_config"}
)

Shape = dict[str, frozenset[str]]


def _shape(spec: dict[str, str]) -> Shape:
    return {table: frozenset(columns.split()) for table, columns in spec.items()}


_V1 = {
    "document": "id text text_sha256 title source date lang url filename status created_at "
    "updated_at",
    "annotator": "id name kind version",
    "span": "id document_id annotator_id start end label origin layer created_at",
    "meta": "key value",
}
_V2 = {
    **_V1,
    "actor": "id uid name kind country sector wikidata notes created_at updated_at",
    "actor_alias": "id actor_id alias position",
    "actor_mention": "span_id actor_id",
    "event": "id document_id annotator_id trigger_span_id category mode context cameo date "
    "factuality created_at updated_at",
    "event_argument": "id event_id role actor_id span_id position",
    "frame_assessment": "id document_id annotator_id primary_frame headline_frame tone "
    "tone_target_actor_id updated_at",
    "frame_present": "assessment_id dimension position",
    "frame_actor_role": "assessment_id actor_id role",
}
_V3 = {
    **_V2,
    "document": _V2["document"] + " author original_path original_sha256",
}
_V4 = {
    **_V3,
    "judgment": "document_id annotator_id status updated_at",
    "suggestion_rejection": "id text label created_at",
}
_V5 = {
    **_V4,
    "frame_assessment": _V4["frame_assessment"] + " suggested_by",
    "document_region": "id document_id start end kind marked created_at",
    "span_attribute": "span_id key value",
}
FROZEN_SHAPES: dict[int, Shape] = {
    1: _shape(_V1), 2: _shape(_V2), 3: _shape(_V3), 4: _shape(_V4), 5: _shape(_V5)
}


def current_shape() -> Shape:
    """The tables and columns of a database of SCHEMA_VERSION, from the SQLModel tables."""
    assert tables.DocumentRow is not None  # the tables are registered on SQLModel.metadata by import
    return {
        table.name: frozenset(column.name for column in table.columns)
        for table in SQLModel.metadata.tables.values()
    }


def expected_shape(version: int) -> Shape | None:
    if version == SCHEMA_VERSION:
        return current_shape()
    return FROZEN_SHAPES.get(version)


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a file holds, read without writing: header fields and its tables' columns."""

    application_id: int
    version: int
    tables: Shape  # user tables (not sqlite_*, not the full-text index) and their columns
    objects: int  # every row of sqlite_master


def _short(name: str, limit: int = 40) -> str:
    return repr(name if len(name) <= limit else name[:limit] + "…")


def refuse(path: Path, reason: str) -> StoreError:
    return StoreError(f"{path}: not an annotator database ({reason})")


def read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(HEADER_BYTES)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database ({exc.strerror or exc})") from exc


def read_only_uri(path: Path, immutable: bool = False) -> str:
    """A ``file:`` URI opening ``path`` read-only (percent-encoded, so any file name works)."""
    return path.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def read_only_connection(path: Path, timeout: float, **kwargs: object) -> sqlite3.Connection:
    """A ``mode=ro`` connection to the file, ready to read.

    Reading a WAL database needs its ``-shm`` file, which SQLite creates if missing; on a full
    disk it cannot. Then, if no ``-wal`` holds pages beyond the main file, that file is the whole
    database and is read as ``immutable`` (no lock, no sidecar file).
    """
    con = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout, **kwargs)  # type: ignore[arg-type,call-overload]
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        con.close()
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(
        read_only_uri(path, immutable=True), uri=True, timeout=timeout, **kwargs  # type: ignore[arg-type,call-overload]
    )


def inspect(path: Path, timeout: float) -> Inspection:
    """Header fields and tables of the SQLite file at ``path``, or StoreError if it is none.

    Nothing is written and nothing is created beside the file.
    """
    header = read_header(path)
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        raise refuse(path, "file is not a database")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        raise refuse(path, f"it belongs to another program: application id 0x{application_id:08x}")
    # Without a -wal file the main file holds every committed page: read it as immutable, which
    # takes no lock and creates no -wal/-shm. With one, another connection may be writing: read
    # through the WAL like any reader (the sidecar files exist already).
    try:
        if Path(f"{path}-wal").exists():
            con = read_only_connection(path, timeout)
        else:
            con = sqlite3.connect(read_only_uri(path, immutable=True), uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise refuse(path, str(exc)) from exc
    try:
        application_id = int(con.execute("PRAGMA application_id").fetchone()[0])
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        objects = int(con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
        names = [
            str(row[0])
            for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        shape: Shape = {}
        for name in names:
            if name.startswith("sqlite_") or name in FULLTEXT_TABLES:
                continue
            columns = con.execute("SELECT name FROM pragma_table_info(?)", (name,)).fetchall()
            shape[name] = frozenset(str(row[0]) for row in columns)
    except sqlite3.DatabaseError as exc:
        raise refuse(path, str(exc)) from exc
    finally:
        con.close()
    if application_id not in (0, APPLICATION_ID):
        raise refuse(path, f"it belongs to another program: application id 0x{application_id:08x}")
    return Inspection(application_id, version, shape, objects)


def recognise(path: Path, found: Inspection) -> int:
    """The schema version of annotator's database at ``path``, 0 for a blank SQLite file.

    Raises StoreError (naming the file and the reason) for anything else.
    """
    ours = found.application_id == APPLICATION_ID
    if not ours and found.objects == 0 and found.version == 0:
        return 0  # a blank SQLite file: nothing in it to damage
    if ours and found.version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer version of annotator (schema {found.version}, this one "
            f"reads up to {SCHEMA_VERSION}); upgrade annotator to open it"
        )
    if "document" not in found.tables:
        raise refuse(path, "it has no document table")
    if found.version == 0:
        raise refuse(path, "it has no schema version")
    if not ours and found.version > LAST_VERSION_WITHOUT_ID:
        raise refuse(
            path, f"schema version {found.version} without annotator's application id"
        )
    expected = expected_shape(found.version)
    if expected is None:
        raise refuse(path, f"annotator has no schema version {found.version}")
    unexpected = sorted(set(found.tables) - set(expected))
    if unexpected:
        raise refuse(path, f"unexpected table {_short(unexpected[0])}")
    missing = sorted(set(expected) - set(found.tables))
    if missing:
        raise refuse(path, f"no {_short(missing[0])} table")
    for table, columns in sorted(expected.items()):
        if found.tables[table] != columns:
            odd = sorted(found.tables[table] ^ columns)
            raise refuse(
                path, f"table {table!r} has other columns than annotator's ({_short(odd[0])})"
            )
    return found.version
