"""A team's database: create one, and move a whole corpus between SQLite and PostgreSQL.

``init_database`` makes an empty annotator database (schema, version, the built-in seed actors)
on a server or in a file, or checks one that exists (the same refusal of a newer or foreign
schema as opening it); ``migrate_database`` brings an earlier version's database to this one
(as the first opening that writes would, but on purpose and with a report). ``grant_right``
gives a database role its rights on a server database (``store/rights.py``). ``copy_database``
copies every table from one database into a new or just-initialised one, all or nothing
(``store/copy.py``); a destination file the copy created is removed again when the copy
fails, so a failed copy leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.store.copy import CopyReport, Progress, copy_database
from annotator.store.database import Store
from annotator.store.engine import BUSY_TIMEOUT_MS, open_engine
from annotator.store.location import display, is_server_url, parse_location
from annotator.store.postgres import server_schema_version
from annotator.store.recognition import inspect, recognise
from annotator.store.rights import grant
from annotator.store.tables import SCHEMA_VERSION


def grant_right(location: str | Path, role: str, level: str) -> str:
    """Give the database role ``role`` the rights of an analyst, a reviewer or an admin on the
    server database at ``location`` (see ``store/rights.py``); a sentence saying so."""
    location = parse_location(location)
    if not is_server_url(location):
        raise InputError(
            "rights are given on a team's PostgreSQL database (--db postgresql://…); "
            "a SQLite file has one analyst", display(location),
        )
    store = Store(location)
    try:
        with store.engine.begin() as conn:
            grant(conn, role, level)
    finally:
        store.close()
    return f"{role} is now {'an' if level[0] in 'aeiou' else 'a'} {level} of {display(location)}"


@dataclass(frozen=True, slots=True)
class InitReport:
    where: str
    documents: int
    schema: int = SCHEMA_VERSION


def init_database(location: str | Path) -> InitReport:
    """Create the schema (or check an existing one) at ``location``."""
    store = Store(parse_location(location))
    try:
        return InitReport(display(store.location), store.documents.count())
    finally:
        store.close()


@dataclass(frozen=True, slots=True)
class MigrateReport:
    where: str
    before: int  # the schema version found
    after: int = SCHEMA_VERSION


def migrate_database(location: str | Path) -> MigrateReport:
    """Bring the annotator database at ``location`` to this version's schema (one transaction
    on a server, after a backup beside the file for SQLite); refused untouched when it is newer
    or not annotator's."""
    location = parse_location(location)
    if not is_server_url(location) and not Path(location).is_file():
        raise InputError("no such database", str(location))
    if is_server_url(location):
        before = server_schema_version(str(location))
    else:
        before = recognise(Path(location), inspect(Path(location), BUSY_TIMEOUT_MS / 1000))
    Store(location).close()
    return MigrateReport(display(location), before)


def probe(url: str) -> str:
    """Try the server database at ``url`` without changing anything (File > Connect to team
    database…, "Test connection"): a sentence saying what is there; StoreError when it cannot be
    reached or is not annotator's."""
    where = display(url)
    version = server_schema_version(url)
    if version == 0:
        return f"Connected to {where}. The database is empty: connecting creates the annotator schema in it."
    if version > SCHEMA_VERSION:
        return (
            f"Connected to {where}, but it was made by a newer version of annotator (schema "
            f"{version}); upgrade annotator to open it."
        )
    if version < SCHEMA_VERSION:
        return (
            f"Connected to {where}: an annotator database of schema {version}, upgraded to "
            f"schema {SCHEMA_VERSION} when you connect (its owner only)."
        )
    store = Store(url, read_only=True)
    try:
        count = store.documents.count()
    finally:
        store.close()
    return f"Connected to {where}: an annotator database with {count} document{'s' * (count != 1)}."


def copy_between(
    source: str | Path, destination: str | Path, progress: Progress | None = None
) -> CopyReport:
    """Copy the whole database at ``source`` into ``destination`` (new, or just initialised)."""
    source, destination = parse_location(source), parse_location(destination)
    if not is_server_url(source) and not Path(source).is_file():
        raise InputError("no such database", str(source))
    if display(source) == display(destination):
        raise InputError("the source and the destination are the same database", display(source))
    new_file = not is_server_url(destination) and not Path(destination).exists()
    src = open_engine(source)
    try:
        dst = open_engine(destination)
        try:
            return copy_database(src, dst, display(destination), progress)
        finally:
            dst.dispose()
    except Exception:
        if new_file:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{destination}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        src.dispose()
