"""A new database file made and filled with ``sqlite3`` alone: ``annotator import`` into a file
that does not exist yet, without importing SQLAlchemy and SQLModel.

Importing SQLAlchemy, SQLModel and the tables costs some 0.4 s of CPU, a third of an
``annotator import --no-preannotate`` of 10,000 short texts (docs/PERFORMANCE.md, import), while
a new database needs none of it: its schema, full-text index and built-in seed actors are the
same every time. They are written out in ``resources/new-database.json`` (the statements of
``sqlite_master`` in their order, the seed rows, the document table's insert columns), made from
a database that ``Store`` created (``new_database_snapshot.py``; ``python -m
annotator.store.new_database_snapshot`` writes the file again after a schema change);
``tests/services/test_import_new_database.py`` fails while the file is not what ``Store``
makes, and compares every table of a file imported both ways.
(SQLAlchemy creates a table's indexes in an order that changes from one process to the next, so
the statements are compared as a set; the tables come in the order of their foreign keys.)

What this path does is what ``Store`` and ``DocumentRepo.add`` do, statement for statement:

- the file is built under a temporary name beside the target (pragmas of ``sqlite_plain``; the
  schema, the index, the seed rows, the schema version and application id in one transaction),
  closed, and linked to the target name only if that name is still free (``os.link`` fails on
  an existing file), so that no other instance ever sees a half-made database and two imports
  racing to create the same file do not both create it: the one that loses returns None and its
  caller opens the file the winner made with ``Store``, as for any existing file;
- ``documents.add`` inserts a file's documents with one ``executemany`` in one ``BEGIN
  IMMEDIATE`` transaction, indexes them in bulk as ``fulltext.indexed_in_bulk`` does (the insert
  trigger dropped and made again inside it), and writes their marked regions, all or nothing;
- a SQLite failure becomes the same ``StoreError`` as through the engine (``sqlite_plain``),
  a duplicate text ``DuplicateDocumentError``.

Anything else (a file that exists, a server database, an import with pre-annotation, which
needs the annotators' table and the registry) goes through ``Store`` as before.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.model import Document, DocumentMeta, Span
from annotator.resources import resource
from annotator.store.fulltext_sql import BULK_INDEX_MIN, INDEX_ROWS_AFTER, INSERT_TRIGGER
from annotator.store.location import is_server_url
from annotator.store.sqlite_plain import BUSY_TIMEOUT_MS, meta_columns, set_pragmas, store_error, utcnow

SNAPSHOT = "new-database.json"
# The full-text index's own tables, made by its CREATE VIRTUAL TABLE (never created by hand).
SHADOW_TABLES = frozenset(
    {"document_fts_data", "document_fts_idx", "document_fts_docsize", "document_fts_config"}
)
TIMESTAMPS = ("created_at", "updated_at")  # columns that hold the moment a row was written
_DOCUMENT_GIVEN = ["text", "text_sha256", "status", "created_at", "updated_at"]


@contextlib.contextmanager
def new_database_removed_on_failure(path: Path | str) -> Iterator[None]:
    """Around a command that may create the database at ``path``: if it did not exist and the
    command fails, remove the file it created (and SQLite's files beside it), so that a refused
    import leaves no new database behind. Used after the command has closed its store. A server
    database is left alone (its schema is created in one transaction of its own)."""
    if is_server_url(path):
        yield
        return
    path = Path(path)
    existed = str(path) == ":memory:" or os.path.lexists(path)
    try:
        yield
    except BaseException:
        if not existed:
            for leftover in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal"))):
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                    leftover.unlink()
        raise


def _raise_store_error(exc: sqlite3.Error) -> None:
    error = store_error(exc)
    if error is not None:
        raise error from exc


class NewDatabase:
    """A database file this process has just made, open with one ``sqlite3`` connection; as
    ``Store`` for what an import without pre-annotation asks of it (``path``,
    ``documents.existing_shas``, ``documents.add``, ``close``)."""

    def __init__(self, path: Path, snapshot: dict[str, Any]) -> None:
        self.path: Path = path
        self.documents = NewDocuments(path, snapshot)

    def close(self) -> None:
        self.documents.close()

    def remove(self) -> None:
        """Close, and remove the file (and SQLite's files beside it): the import that made it
        failed, and leaves no new database behind (as ``new_database_removed_on_failure``)."""
        self.close()
        for leftover in (self.path, *(Path(f"{self.path}{end}") for end in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                leftover.unlink()


class NewDocuments:
    """The documents of a new database (``DocumentRepo``'s ``existing_shas`` and ``add``)."""

    def __init__(self, path: Path, snapshot: dict[str, Any]) -> None:
        self._con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            set_pragmas(self._con)
        except sqlite3.Error as exc:
            self._con.close()
            _raise_store_error(exc)
            raise
        columns: list[str] = snapshot["document_columns"]
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        self._insert = f"INSERT INTO document ({names}) VALUES ({marks})"  # safe-sql: snapshot's
        self._trigger: str = snapshot["insert_trigger"]

    def existing_shas(self, shas: Iterable[str]) -> dict[str, int]:
        shas = list(shas)
        found: dict[str, int] = {}
        try:
            for i in range(0, len(shas), 500):
                chunk = shas[i : i + 500]
                marks = ", ".join("?" for _ in chunk)
                query = f"SELECT text_sha256, id FROM document WHERE text_sha256 IN ({marks})"  # safe-sql: ?s
                for sha, doc_id in self._con.execute(query, chunk):
                    found[sha] = doc_id
        except sqlite3.Error as exc:
            _raise_store_error(exc)
            raise
        return found

    def add(
        self,
        documents: Sequence[Document],
        spans: Sequence[tuple[int, int, Sequence[Span]]] = (),
    ) -> list[int]:
        """Insert documents in one transaction: everything or nothing (``DocumentRepo.add``
        without suggestions, which need the store's annotators)."""
        if spans:
            raise ValueError("a new database takes documents without suggestions")
        if not documents:
            return []
        now = utcnow()
        rows = [
            (doc.text, doc.sha256, doc.status.value, now, now, *meta_columns(doc.meta).values())
            for doc in documents
        ]
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                before = con.execute("SELECT coalesce(max(id), 0) FROM document").fetchone()[0]
                bulk = len(documents) >= BULK_INDEX_MIN
                if bulk:
                    con.execute(f"DROP TRIGGER IF EXISTS {INSERT_TRIGGER}")
                con.executemany(self._insert, rows)
                if bulk:
                    con.execute(INDEX_ROWS_AFTER, (before,))
                    con.execute(self._trigger)
                wanted = {doc.sha256 for doc in documents}
                found = {
                    sha: doc_id
                    for doc_id, sha in con.execute(
                        "SELECT id, text_sha256 FROM document WHERE id > ?", (before,)
                    )
                    if sha in wanted
                }
                ids = [found[doc.sha256] for doc in documents]
                regions = [
                    (doc_id, r.start, r.end, r.kind.value, r.marked, now)
                    for doc_id, doc in zip(ids, documents, strict=True)
                    for r in doc.regions
                ]
                if regions:
                    con.executemany(
                        'INSERT INTO document_region (document_id, start, "end", kind, marked,'
                        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        regions,
                    )
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            _raise_store_error(exc)
            raise
        for doc, new_id in zip(documents, ids, strict=True):
            doc.id = new_id
        return ids

    def close(self) -> None:
        self._con.close()


def document_columns() -> list[str]:
    """The columns ``add`` gives a value, in its order (``DocumentRepo._insert_documents``'s)."""
    return [*_DOCUMENT_GIVEN, *meta_columns(DocumentMeta())]


def load_snapshot() -> dict[str, Any]:
    with resource(SNAPSHOT).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def create(path: Path | str) -> NewDatabase | None:
    """The database at ``path`` made new and opened, or None when ``path`` is not a new local
    file (it exists, or is a server URL or ``:memory:``), or when the folder cannot hold the
    temporary file or a hard link to it: then the caller opens it with ``Store``."""
    if is_server_url(path) or str(path) == ":memory:":
        return None
    path = Path(path)
    if os.path.lexists(path) or not path.parent.is_dir():
        return None
    snapshot = load_snapshot()
    if snapshot["document_columns"] != document_columns():
        return None  # the table has columns a document does not give (see DocumentRepo.add)
    _remove_leftovers(path)
    # With the permissions SQLite gives a file it creates (0644 less the umask), as Store's.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.new")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except OSError:
        return None
    try:
        try:
            _build(temporary, snapshot)
        except sqlite3.Error as exc:
            _raise_store_error(exc)
            raise
        try:
            os.link(temporary, path)
        except FileExistsError:
            return None  # another instance made it meanwhile: open theirs
        except OSError:
            return None  # no hard links on this file system
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in ("-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink()
    try:
        return NewDatabase(path, snapshot)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _remove_leftovers(path: Path) -> None:
    """Remove the temporary files of earlier builds of ``path`` whose process is gone (a kill
    while the file was built, before it was linked into place, leaves one behind)."""
    prefix = f".{path.name}."
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.new*"):
        pid = leftover.name[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def _running(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) asks without harm on POSIX only
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its file alone
        return True
    return True


def _build(path: Path, snapshot: dict[str, Any]) -> None:
    """The schema, index and seed rows of the snapshot, in one transaction, at ``path`` (an
    empty file); closed, so that the file holds every page (no ``-wal`` left)."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        set_pragmas(con)
        con.execute("BEGIN IMMEDIATE")
        for statement in snapshot["schema"]:
            con.execute(statement)
        moment = datetime.now(UTC)
        for table, content in snapshot["rows"].items():
            columns: list[str] = content["columns"]
            stamps = {columns.index(name): moment.isoformat(timespec=timespec)
                      for name, timespec in content["stamps"].items()}
            rows = []
            for row in content["rows"]:
                for i, stamp in stamps.items():
                    row[i] = stamp
                rows.append(row)
            names = ", ".join(f'"{name}"' for name in columns)
            marks = ", ".join("?" for _ in columns)
            # The snapshot's table and column names (our resource file, checked by a test).
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # safe-sql: snapshot's names
            con.executemany(insert, rows)
        version, application = int(snapshot["user_version"]), int(snapshot["application_id"])
        con.execute(f"PRAGMA user_version={version}")  # safe-sql: an int of the snapshot
        con.execute(f"PRAGMA application_id={application}")  # safe-sql: an int of the snapshot
        con.execute("COMMIT")
    finally:
        con.close()
