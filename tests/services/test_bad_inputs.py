"""Every malformed file of ``tests/data/bad`` fails cleanly through the real command line.

``tests/data/bad/cases.json`` lists each file with the command that reads it and the message
fragments it must produce (file name, line or record, reason). For each: exit status 2, every
fragment on stderr, no traceback, and the database exactly as it was (row counts of every table
and a hash of the full SQL dump).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.core.errors import InputError, InputErrors
from annotator.formats.articles import read_jsonl_articles, read_txt
from annotator.formats.lines import MAX_LINE_BYTES
from annotator.formats.native import read_jsonl
from annotator.formats.registry import read_annotations

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
CASES: list[dict[str, Any]] = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parent.parent.parent


def fingerprint(db: Path) -> tuple[dict[str, int], str, int]:
    """Row counts of every table, a hash of the SQL dump, and the schema version."""
    con = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        digest = hashlib.sha256("\n".join(con.iterdump()).encode("utf-8")).hexdigest()
        version = con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()
    return counts, digest, version


def _argv(case: dict[str, Any], db: Path) -> list[str]:
    argv = [case["command"], "--db", str(db)]
    if case["command"] == "import":
        argv.append("--no-preannotate")
    argv += case.get("args", [])
    argv.append(str(BAD / case["file"]))
    return argv


def test_manifest_lists_enough_cases_and_every_file() -> None:
    assert len(CASES) >= 25
    listed = {c["file"] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("cases.json", "README.md")}
    on_disk.discard(".gitattributes")
    # Every file in the folder is a case; the only listed paths not on disk are missing-file cases.
    assert on_disk <= listed
    missing = listed - on_disk
    assert all("does_not_exist" in name for name in missing)
    for case in CASES:
        assert case["expect"] and case["why"]
        # The expected message names the file (for a folder: the bad file inside it).
        named = case.get("names", case["file"])
        assert any(named in fragment for fragment in case["expect"]), case


@pytest.mark.parametrize("case", CASES, ids=[f"{c['command']}:{c['file']}" for c in CASES])
def test_bad_input_fails_cleanly(case: dict[str, Any], seeded_db: Path, capsys) -> None:
    before = fingerprint(seeded_db)
    status = main(_argv(case, seeded_db))
    captured = capsys.readouterr()
    assert status == 2, captured.err
    for fragment in case["expect"]:
        assert fragment in captured.err, f"{fragment!r} not in {captured.err!r}"
    assert "Traceback" not in captured.err
    assert "imported" not in captured.out.replace("not imported", "")
    assert fingerprint(seeded_db) == before


SUBPROCESS_CASES = [
    ("import", "latin1.txt"),
    ("import", "deeply_nested.jsonl"),
    ("import", "folder_one_bad"),
    ("import-annotations", "ann_text_mismatch.jsonl"),
    ("import-annotations", "brat_no_txt"),
    ("import-annotations", "huge_integer.jsonl"),
]


@pytest.mark.parametrize(("command", "name"), SUBPROCESS_CASES)
def test_bad_input_through_a_real_process(command: str, name: str, seeded_db: Path) -> None:
    case = next(c for c in CASES if c["file"] == name and c["command"] == command)
    before = fingerprint(seeded_db)
    result = subprocess.run(
        [sys.executable, "-m", "annotator.cli", *_argv(case, seeded_db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert result.returncode == 2, result.stderr
    for fragment in case["expect"]:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(seeded_db) == before


def test_a_refused_import_leaves_no_new_database_behind(tmp_path: Path, capsys) -> None:
    db = tmp_path / "new.sqlite"
    bad = BAD / "truncated_last_line.jsonl"
    status = main(["import", "--db", str(db), "--no-preannotate", str(bad)])
    assert status == 2
    status = main(["import-annotations", "--db", str(db), str(BAD / "ann_text_mismatch.jsonl")])
    assert status == 2
    assert "ann_text_mismatch.jsonl" in capsys.readouterr().err
    # No database, no -wal/-shm: the folder is as it was.
    assert list(tmp_path.iterdir()) == []


def _write_long_line(path: Path, size: int) -> None:
    chunk = b"A" * (1024 * 1024)
    with path.open("wb") as handle:
        handle.write(b'{"text": "')
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(b'"}\n')


def test_a_100_mb_single_line_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge_line.jsonl"
    _write_long_line(path, 100 * 1024 * 1024)
    for reader in (read_jsonl_articles, read_jsonl, read_annotations):
        tracemalloc.start()
        try:
            with pytest.raises(InputErrors) as info:
                reader(path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert f"{path}:1: line longer than 16 MiB" in info.value.message
        # A capped line buffer (readline may hold it twice while joining its chunks), not the
        # 100 MB line nor a decoded copy of it.
        assert peak < 3 * MAX_LINE_BYTES


def test_a_100_mb_single_line_through_the_cli_keeps_the_process_small(
    tmp_path: Path, seeded_db: Path
) -> None:
    path = tmp_path / "huge_line.jsonl"
    _write_long_line(path, 100 * 1024 * 1024)
    before = fingerprint(seeded_db)
    # The child loads what the command uses, then resets its peak resident size (VmHWM, via
    # clear_refs) and reports how far the command raised it: the cost of reading the file.
    script = (
        "import re, sys\n"
        "from annotator.cli import main\n"
        "import annotator.services.importing, annotator.store, annotator.nlp.pipelines\n"
        "def kib(field):\n"
        "    text = open('/proc/self/status').read()\n"
        "    return int(re.search(field + r':\\s+(\\d+) kB', text).group(1))\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "start = kib('VmRSS')\n"
        "status = main(sys.argv[1:])\n"
        "print(kib('VmHWM') - start)\n"
        "sys.exit(status)\n"
    )
    argv = ["import", "--db", str(seeded_db), "--no-preannotate", str(path)]
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}:1: line longer than 16 MiB" in result.stderr
    growth_kib = int(result.stdout.strip().splitlines()[-1])
    # A capped line buffer (at most twice 16 MiB while readline joins its chunks); reading the
    # 100 MB line whole would add over 100 MiB.
    assert growth_kib < 48 * 1024, f"the command grew the process by {growth_kib} KiB"
    assert fingerprint(seeded_db) == before


def test_a_txt_article_over_the_size_cap_is_refused(tmp_path: Path, monkeypatch) -> None:
    import annotator.formats.lines as lines

    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * 1000)
    monkeypatch.setattr(lines, "MAX_FILE_BYTES", 1024)
    with pytest.raises(InputError) as info:
        read_txt(path)
    assert info.value.message == f"{path}: file larger than 1024 bytes; not supported"


def test_a_pipe_is_refused_instead_of_blocking(tmp_path: Path, seeded_db: Path, capsys) -> None:
    before = fingerprint(seeded_db)
    for name, command in (("articles.txt", "import"), ("colleague.jsonl", "import-annotations")):
        pipe = tmp_path / name
        os.mkfifo(pipe)
        extra = ["--no-preannotate"] if command == "import" else ["--as", "ana"]
        status = main([command, "--db", str(seeded_db), *extra, str(pipe)])
        err = capsys.readouterr().err
        assert status == 2
        assert f"{pipe}: not a regular file or folder" in err
    assert fingerprint(seeded_db) == before
