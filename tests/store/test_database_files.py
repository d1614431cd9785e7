"""Files that are not this version's annotator database are refused clearly and left untouched.

A database made by a newer version, another program's SQLite file, a text file, a truncated or
damaged database, a folder: each gives a :class:`StoreError` naming the file and the reason
(exit status 2 on the command line), and the file's bytes stay as they were.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.errors import StoreError
from annotator.core.model import Document, DocumentMeta
from annotator.store import Store
from annotator.store.tables import SCHEMA_VERSION

ARTICLE = Path(__file__).resolve().parent.parent.parent / "seeds" / "000_51d84f7940f90657.txt"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_db(path: Path) -> Path:
    store = Store(path)
    store.documents.add([Document("Tehran hosted the talks.", DocumentMeta(title="Talks"))])
    store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _newer(path: Path) -> None:
    _real_db(path)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.commit()
    con.close()


def _foreign(path: Path, version: int = 0) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    con.execute(f"PRAGMA user_version={version}")
    con.commit()
    con.close()


def _text(path: Path) -> None:
    path.write_text("title,date\nTalks,2023-09-22\n", encoding="utf-8")


def _truncated(path: Path) -> None:
    whole = _real_db(path.with_name("whole.sqlite")).read_bytes()
    path.write_bytes(whole[:100])


def _header_only_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "newer": (
        _newer,
        "made by a newer version of annotator (schema {newer}, this one reads up to {v}); "
        "upgrade annotator to open it",
    ),
    "foreign": (_foreign, "not an annotator database (it has no document table)"),
    "foreign_with_version": (
        lambda p: _foreign(p, 7),
        "not an annotator database (it has no document table)",
    ),
    "text": (_text, "not an annotator database (file is not a database)"),
    "truncated": (_truncated, "not an annotator database (database disk image is malformed)"),
    "garbage": (_header_only_garbage, "not an annotator database"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_file_that_is_not_this_versions_database_is_refused_and_untouched(
    name: str, tmp_path: Path
) -> None:
    make, reason = CASES[name]
    path = tmp_path / f"{name}.sqlite"
    make(path)
    before = _digest(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    expected = reason.format(newer=SCHEMA_VERSION + 1, v=SCHEMA_VERSION)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(info.value) == f"{path}: {expected}" or (
        name == "garbage" and str(info.value).startswith(f"{path}: not an annotator database")
    )
    assert _digest(path) == before
    # Nothing was created beside it (no backup, no WAL of a half-opened database).
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


@pytest.mark.parametrize("name", ["newer", "foreign", "text"])
def test_the_command_line_refuses_with_exit_status_2(name: str, tmp_path: Path, capsys) -> None:
    make, reason = CASES[name]
    path = tmp_path / f"{name}.sqlite"
    make(path)
    before = _digest(path)
    assert main(["import", "--no-preannotate", "--db", str(path), str(ARTICLE)]) == 2
    err = capsys.readouterr().err
    assert f"annotator: {path}: " in err
    assert reason.format(newer=SCHEMA_VERSION + 1, v=SCHEMA_VERSION).split(" (")[0] in err
    assert "Traceback" not in err
    assert _digest(path) == before
    assert main(["export", "--db", str(path), str(tmp_path / "out.jsonl")]) == 2
    assert not (tmp_path / "out.jsonl").exists()


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    folder = tmp_path / "db.sqlite"
    folder.mkdir()
    with pytest.raises(StoreError, match="a folder, not a database file"):
        Store(folder)


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    store = Store(path)
    assert store.documents.count() == 0
    store.close()


def test_damage_found_after_opening_is_a_store_error(tmp_path: Path) -> None:
    """Pages of the document table overwritten: the schema still reads, queries do not."""
    path = _real_db(tmp_path / "damaged.sqlite")
    store = Store(path)
    store.documents.add([Document(f"Article {i}. " + "word " * 400) for i in range(30)])
    store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'document'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    for i in range((root - 1) * page_size + 8, root * page_size, 3):
        data[i] = 0xFF
    damaged = tmp_path / "copy.sqlite"
    damaged.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="the database file is damaged .*restore a backup"):
        opened = Store(damaged)
        try:
            opened.documents.ids()
            list(opened.records.stream())
        finally:
            opened.close()


def test_a_read_only_open_writes_no_seed_actors(tmp_path: Path) -> None:
    """The seed actors are the registry's, loaded by a writable Store: a database without them
    (made by the engine alone) is read without them and left byte for byte."""
    from annotator.store.engine import open_engine

    db = tmp_path / "bare.sqlite"
    open_engine(db).dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    store = Store(db, read_only=True)
    try:
        assert store.actors.all() == []
    finally:
        store.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    store = Store(db)
    try:
        assert store.actors.all()  # a writable open loads them
    finally:
        store.close()
