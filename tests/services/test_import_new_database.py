"""``annotator import --no-preannotate`` into a file that does not exist yet takes the path of
``store/new_database.py`` (sqlite3 alone, SQLAlchemy never imported), and leaves exactly the
database the ``Store`` path leaves: the same schema statements in the same order, the same rows
in every table (the full-text index's own tables included; timestamps only checked for their
form), the same header fields, the same report. A kill at any moment leaves no file, or a
whole database with all of the file's documents or none.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.store import Store, new_database, new_database_snapshot
from tests.services.test_kill import Forker

ROOT = Path(__file__).resolve().parents[2]
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00")


def _short_texts(count: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from bench import corpus

    return corpus.short_texts(count, random.Random(seed))


def _files(folder: Path) -> list[Path]:
    """A large JSONL file (bulk index) with a text twice, a small one repeating some of the
    first's texts (skipped), and a .txt article with a line printed three times (a region)."""
    folder.mkdir()
    texts = _short_texts(600, 5)
    big = folder / "big.jsonl"
    records = [{"text": t, "meta": {"title": f"Item {i}", "source": "Reuters"}} for i, t in enumerate(texts)]
    records.append(records[7])  # the same text again in the same file
    big.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    small = folder / "small.jsonl"
    small.write_text(
        "".join(json.dumps({"text": t, "meta": {"lang": "en"}}) + "\n" for t in [*texts[:3], "Une dépêche."]),
        encoding="utf-8",
    )
    caption = "Photo: Qaani arrives in Damascus (Tasnim)"
    article = folder / "article.txt"
    article.write_text(
        "Qaani in Damascus\n\n" + "\n\n".join([caption, texts[100], caption, texts[101], caption]) + "\n",
        encoding="utf-8",
    )
    return [big, small, article]


def _dump(db: Path) -> dict[str, Any]:
    """Everything in the file a reader can see: schema (in order), every table's rows, header."""
    con = sqlite3.connect(db)
    try:
        out: dict[str, Any] = {
            # (SQLAlchemy makes a table's indexes in an order that changes between processes)
            "schema": sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"),
                             key=repr),
            "pragmas": [con.execute(f"PRAGMA {p}").fetchone()[0]
                        for p in ("user_version", "application_id", "journal_mode", "integrity_check")],
        }
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            if table == "document_fts":
                continue  # a view of the document table through the index
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()  # (some have no rowid)
            out[table] = sorted(
                (tuple("<now>" if isinstance(v, str) and STAMP.fullmatch(v) else v for v in row)
                 for row in rows),
                key=repr,
            )
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
        out["search"] = con.execute(
            "SELECT rowid FROM document_fts WHERE document_fts MATCH 'damascus OR quds' ORDER BY rank"
        ).fetchall()
        return out
    finally:
        con.close()


def _import(db: Path, files: list[Path], capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = main(["import", "--no-preannotate", "--db", str(db), *map(str, files)])
    out = capsys.readouterr().out
    assert code == 0, out
    return [line.replace(str(db), "DB") for line in out.splitlines()]


def test_a_new_file_is_the_database_the_store_makes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path / "in")
    fast, slow = tmp_path / "new.sqlite", tmp_path / "store.sqlite"
    Store(slow).close()  # exists: the import goes through the Store
    fast_report = _import(fast, files, capsys)
    slow_report = _import(slow, files, capsys)
    assert fast_report == slow_report
    assert "601 imported" not in fast_report[-1] and "skipped" in fast_report[-1]
    assert fast.stat().st_mode == slow.stat().st_mode  # the permissions SQLite gives a new file
    fast_dump, slow_dump = _dump(fast), _dump(slow)
    assert fast_dump == slow_dump
    assert len(fast_dump["document"]) == 600 + 1 + 1 and fast_dump["document_region"]
    assert fast_dump["pragmas"][3] == "ok" and fast_dump["search"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".new")]  # no temporary left
    # The Store opens the new file as its own, and a second import goes through it.
    Store(fast).close()
    assert _import(fast, files, capsys)[-1] == "0 imported, 606 skipped, into DB"


def test_the_snapshot_is_what_the_store_makes_now() -> None:
    """resources/new-database.json is written again with
    ``python -m annotator.store.new_database_snapshot`` after a change of the tables or the seed."""
    now, stored = new_database_snapshot.snapshot(), new_database.load_snapshot()
    assert sorted(now.pop("schema")) == sorted(stored.pop("schema"))  # (indexes: see _dump)
    assert now == stored


def test_sqlalchemy_is_not_imported_for_a_new_file(tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    script = (
        "import sys; from annotator.cli import main; code = main(sys.argv[1:]);"
        " print('sqlalchemy' in sys.modules, code)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", script, "import", "--no-preannotate", "--db"]
    new = subprocess.run([*argv, str(tmp_path / "a.sqlite"), *map(str, files)],
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert new.stdout.splitlines()[-1] == "False 0", new.stdout + new.stderr
    again = subprocess.run([*argv, str(tmp_path / "a.sqlite"), *map(str, files)],
                           capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert again.stdout.splitlines()[-1] == "True 0"  # an existing file: the Store


def test_an_existing_path_or_a_server_is_left_to_the_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert new_database.create(empty) is None
    assert new_database.create("postgresql://someone@localhost/db") is None
    assert new_database.create(tmp_path / "no" / "folder.sqlite") is None  # the Store makes folders
    made = new_database.create(tmp_path / "made.sqlite")
    assert made is not None
    made.close()
    assert new_database.create(tmp_path / "made.sqlite") is None


def test_a_refused_file_leaves_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    db = tmp_path / "never.sqlite"
    assert main(["import", "--no-preannotate", "--db", str(db), str(bad)]) == 2
    assert "bad.jsonl" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [bad]


def test_a_failed_store_removes_the_new_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new file whose storing fails is removed, as the Store path removes a new database it
    made: here SQLite refuses the rows (a trigger added to the new file raises the error a full
    disk gives), and the command fails with its sentence."""
    files = _files(tmp_path / "in")
    db = tmp_path / "new.sqlite"
    build = new_database._build

    def build_then_refuse(path: Path, snapshot: dict[str, Any]) -> None:
        build(path, snapshot)
        refusing = sqlite3.connect(path)
        refusing.execute("CREATE TRIGGER no_rows BEFORE INSERT ON document BEGIN"
                         " SELECT RAISE(ABORT, 'database or disk is full'); END")
        refusing.commit()
        refusing.close()

    monkeypatch.setattr(new_database, "_build", build_then_refuse)
    assert main(["import", "--no-preannotate", "--db", str(db), *map(str, files)]) == 2
    assert "the database cannot be written: database or disk is full" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


KILLS = 20


def test_sigkill_of_an_import_into_a_new_file_leaves_all_or_nothing(tmp_path: Path) -> None:
    """Killed at random moments of its run, or while it stores once the file is there (seeded;
    printed with ``-s``): afterwards there is no file, or a database the Store opens with every
    document of the file or none."""
    source = tmp_path / "short.jsonl"
    texts = _short_texts(3000, 9)
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    rng = random.Random(20261205)
    forker = Forker(tmp_path)
    try:
        whole = forker.run(["import", "--no-preannotate", "--db", str(tmp_path / "w.sqlite"), str(source)])[1]
        kills = rounds = 0
        outcomes: dict[str, int] = {}
        while kills < KILLS and rounds < 4 * KILLS:
            rounds += 1
            db = tmp_path / f"k{rounds}.sqlite"
            pid = forker.start(["import", "--no-preannotate", "--db", str(db), str(source)])
            if rounds % 2:  # at any moment of the run
                delay = rng.uniform(0.0, whole)
            else:  # once the file is there: while the documents are stored
                while not db.exists() and not forker.ended():
                    time.sleep(0.0005)
                delay = rng.uniform(0.0, 0.15)
            due = time.monotonic() + delay
            while time.monotonic() < due and not forker.ended():
                time.sleep(0.002)
            if not forker.ended():
                os.kill(pid, signal.SIGKILL)
            code, _ = forker.finish()
            if code != -9:
                assert code == 0
                continue
            kills += 1
            if not db.exists():
                outcomes["no file"] = outcomes.get("no file", 0) + 1
                continue
            Store(db).close()  # recognised as annotator's database, opened
            con = sqlite3.connect(db)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                stored = con.execute("SELECT count(*) FROM document").fetchone()[0]
                con.execute("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
            finally:
                con.close()
            assert stored in (0, len(texts)), (delay, stored)
            key = "all" if stored else "none"
            outcomes[key] = outcomes.get(key, 0) + 1
            print(f"kill {kills}: after {delay:.3f} s: {key if db.exists() else 'no file'}")
        assert kills == KILLS, outcomes
        # A kill while the file is built leaves its temporary (hidden, beside it): counted.
        left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")]
        print(outcomes, f"{len(left)} temporary files left")
    finally:
        forker.close()


def test_a_killed_builds_leftover_is_removed_by_the_next_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A kill while the new file is built leaves its hidden temporary file; the next import into
    that name removes it (its process is gone) and leaves a running build's file alone."""
    files = _files(tmp_path / "in")
    db = tmp_path / "new.sqlite"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = tmp_path / f".new.sqlite.{int(gone.stdout)}.0a1b2c3d.new"
    dead.write_bytes(b"half a database")
    (tmp_path / f"{dead.name}-wal").write_bytes(b"")
    alive = tmp_path / f".new.sqlite.{os.getpid()}.0a1b2c3d.new"
    alive.write_bytes(b"being built")
    other = tmp_path / f".other.sqlite.{int(gone.stdout)}.0a1b2c3d.new"
    other.write_bytes(b"another name's")
    assert main(["import", "--no-preannotate", "--db", str(db), *map(str, files)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.glob(".*")) == sorted([alive.name, other.name])
    Store(db).close()
