"""Schema version 2 to 3: a real version-2 database file (the sample corpus imported by the
previous release, one document since deleted) keeps every row and id, gains the author and
original-file columns exactly as a new database has them, and never reuses a deleted id."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import Document, DocumentMeta
from annotator.services.search import search
from annotator.store import Store, engine
from annotator.store.tables import SCHEMA_VERSION
from tests.store.test_migration import _rows, _schema, _version

V2 = Path(__file__).resolve().parent.parent / "data" / "db" / "v2.sqlite"
V2_DOCUMENT_COLUMNS = (
    "id, text, text_sha256, title, source, date, lang, url, filename, status, created_at, updated_at"
)


def _documents(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT {V2_DOCUMENT_COLUMNS} FROM document ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture
def v2_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.sqlite"
    shutil.copy(V2, target)
    assert _version(target) == 2
    return target


def test_v2_file_migrates_keeping_every_row_and_id(v2_copy: Path, tmp_path: Path) -> None:
    before = _documents(v2_copy)
    spans = _rows(v2_copy, "span")
    assert [row[0] for row in before] == [1, 2, 3, 4]  # document 5 was deleted
    store = Store(v2_copy)
    try:
        assert store.documents.count() == 4
        doc = store.documents.get(2)
        assert doc.meta.source == "Iranian media (FR)" and doc.meta.url == "https://example.org/fr"
        assert doc.meta.author == "" and doc.meta.original_path == ""
        # A new document gets id 6, not the deleted 5: ids are never reused.
        meta = DocumentMeta(author="Jane Doe", original_sha256="ab" * 32)
        new = Document("A new article about Damascus.", meta)
        assert store.documents.add([new]) == [6]
        assert store.documents.get(6).meta.author == "Jane Doe"
        # The full-text index still finds the old texts and the new one.
        found = {hit.doc_id for hit in search(store, "Damascus").hits}
        assert 6 in found and len(found) >= 3
    finally:
        store.close()
    assert _version(v2_copy) == SCHEMA_VERSION == 5
    assert _documents(v2_copy)[:4] == before
    assert _rows(v2_copy, "span") == spans
    backup = engine.backup_path(v2_copy, 2)
    assert backup.exists() and _version(backup) == 2 and _documents(backup) == before

    fresh = tmp_path / "new.sqlite"
    Store(fresh).close()
    assert _schema(v2_copy) == _schema(fresh)


def test_failing_v3_migration_leaves_the_file_as_it_was(
    v2_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.MIGRATIONS[2]

    def broken(con: sqlite3.Connection) -> None:
        real(con)
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setitem(engine.MIGRATIONS, 2, broken)
    schema, before = _schema(v2_copy), _documents(v2_copy)
    with pytest.raises(sqlite3.OperationalError, match="disk on fire"):
        Store(v2_copy)
    assert _version(v2_copy) == 2
    assert _schema(v2_copy) == schema and _documents(v2_copy) == before
