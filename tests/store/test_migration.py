"""Schema version 1 to 2: a real version-1 database file keeps every row and gains the analysis
tables, exactly as a new database has them; a failing migration leaves the file untouched."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.store import Store, engine
from annotator.store.tables import SCHEMA_VERSION

V1 = Path(__file__).resolve().parent.parent / "data" / "db" / "v1.sqlite"
V1_TABLES = ("document", "annotator", "span", "meta")
V2_TABLES = (
    "actor",
    "actor_alias",
    "actor_mention",
    "event",
    "event_argument",
    "frame_assessment",
    "frame_present",
    "frame_actor_role",
)


def _rows(path: Path, table: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        con.close()


def _schema(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        con.close()

    def norm(sql: str) -> str:
        return re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", sql)).strip()

    return {name: norm(sql) for name, sql in rows}


def _version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.sqlite"
    shutil.copy(V1, target)
    assert _version(target) == 1
    return target


def test_v1_file_migrates_keeping_every_row(v1_copy: Path, tmp_path: Path) -> None:
    before = {table: _rows(v1_copy, table) for table in V1_TABLES}
    assert len(before["document"]) == 5 and len(before["span"]) > 300
    assert {r[1] for r in before["annotator"]} >= {"alice"}

    store = Store(v1_copy)
    try:
        repo = store.actors
        assert store.documents.count() == 5
        alice = next(a for a in store.annotators.all() if a.name == "alice")
        assert any(s.label == "PERSON" for s in store.spans.in_document(1, annotator_id=alice.id))
        # The seed registry arrives with the migration.
        assert "Ismail Qaani" in {a.name for a in repo.all()}
    finally:
        store.close()

    assert _version(v1_copy) == SCHEMA_VERSION == 5
    for table in ("annotator", "span"):
        assert _rows(v1_copy, table) == before[table], table
    # Version 3 added document columns (author, original file): the old ones keep their values.
    con = sqlite3.connect(v1_copy)
    try:
        names = [r[1] for r in con.execute("PRAGMA table_info(document)")]
        kept = [n for n in names if n not in ("author", "original_path", "original_sha256")]
        documents = con.execute(f"SELECT {', '.join(kept)} FROM document ORDER BY 1").fetchall()
    finally:
        con.close()
    assert documents == before["document"]
    backup = engine.backup_path(v1_copy, 1)
    assert backup.exists() and _version(backup) == 1
    assert _rows(backup, "span") == before["span"]
    assert not set(V2_TABLES) & set(_schema(backup))

    fresh = tmp_path / "new.sqlite"
    Store(fresh).close()
    migrated, created = _schema(v1_copy), _schema(fresh)
    for table in (*V2_TABLES, "suggestion_rejection"):
        assert table in migrated
    assert migrated == created


def test_failing_migration_leaves_the_file_as_it_was(v1_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE actor (id INTEGER PRIMARY KEY)")
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setitem(engine.MIGRATIONS, 1, broken)
    schema = _schema(v1_copy)
    with pytest.raises(sqlite3.OperationalError, match="disk on fire"):
        Store(v1_copy)
    assert _version(v1_copy) == 1
    assert _schema(v1_copy) == schema
    assert engine.backup_path(v1_copy, 1).exists()


def test_seed_actors_are_loaded_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = Store(path)
    repo = store.actors
    qaani = next(a for a in repo.all() if a.name == "Ismail Qaani")
    repo.update(qaani.with_(aliases=()))
    unused = next(a for a in repo.all() if a.name == "Josep Borrell")
    repo.delete(int(unused.id))  # type: ignore[arg-type]
    store.close()
    store = Store(path)
    try:
        names = {a.name: a for a in store.actors.all()}
        assert "Josep Borrell" not in names  # deleted by the user: not seeded again
        assert names["Ismail Qaani"].aliases == ()
    finally:
        store.close()
