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
import zlib
from collections.abc import Iterator
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


# -- hostile inputs made at test time (too big, too deep or unnameable to keep in tests/data) ---


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _deep_folder(root: Path, levels: int, name: str, content: str) -> Path:
    """``root/d/d/.../d/name``, ``levels`` folders deep (made one level at a time: os.makedirs
    itself recurses once per level)."""
    folder = root
    folder.mkdir()
    for _ in range(levels):
        folder = folder / "d"
        folder.mkdir()
    (folder / name).write_text(content, encoding="utf-8")
    return root


def _remove_deep_folder(root: Path) -> None:
    """Delete a tree made by ``_deep_folder`` (whole or partly made), iteratively.

    shutil.rmtree, and so pytest's clean-up of old temporary folders in a later run, recurses once
    per level and ends in a RecursionError on such a tree. Here the top folder's files go, its one
    sub-folder ``d`` is moved up beside it and the emptied folder is removed, until none is left:
    no recursion, and no path longer than two levels."""
    spare = root.with_name(root.name + ".up")
    while root.exists():
        for child in root.iterdir():
            if not child.is_dir() or child.is_symlink():
                child.unlink()
        inner = root / "d"
        if not inner.is_dir():
            root.rmdir()
            break
        inner.rename(spare)
        root.rmdir()
        spare.rename(root)


@pytest.fixture
def deep_folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """Two folders 1,100 levels deep, removed at the end even when the test (or making them)
    fails, so that no later run's clean-up of old temporary folders meets them."""
    articles, brat = tmp_path / "articles", tmp_path / "brat"
    try:
        _deep_folder(articles, 1100, "a.txt", "Tehran hosted the talks.\n")
        _deep_folder(brat, 1100, "a.ann", "T1\tGPE 0 6\tTehran\n")
        yield articles, brat
    finally:
        _remove_deep_folder(articles)
        _remove_deep_folder(brat)
        assert not articles.exists() and not brat.exists()


def test_a_folder_1100_levels_deep_is_refused_by_import_import_annotations_and_review(
    deep_folders: tuple[Path, Path], seeded_db: Path, capsys
) -> None:
    articles, brat = deep_folders
    before = fingerprint(seeded_db)
    reason = "folders nested more than 64 levels deep; not supported"
    for argv, folder in (
        (["import", "--db", str(seeded_db), "--no-preannotate", str(articles)], articles),
        (["import-annotations", "--db", str(seeded_db), "--as", "ana", str(brat)], brat),
        (["review", str(brat), str(brat)], brat),
    ):
        status, _, err = _run(argv, capsys)
        assert status == 2, err
        assert f"annotator: {folder}: {reason}" in err
        assert "Traceback" not in err
    assert fingerprint(seeded_db) == before


def test_a_file_name_that_is_not_utf8_is_refused_and_printed_escaped(
    tmp_path: Path, seeded_db: Path, capsys
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes in the name: not UTF-8
    (folder / name).write_text("Tehran hosted the talks.\n", encoding="utf-8")
    before = fingerprint(seeded_db)
    status, _, err = _run(["import", "--db", str(seeded_db), "--no-preannotate", str(folder)], capsys)
    assert status == 2
    assert f"annotator: {folder}/caf\\udce9.txt: the file name is not UTF-8 text; rename the file" in err
    assert fingerprint(seeded_db) == before


def test_a_brat_offset_of_thousands_of_digits_is_a_message_in_review_too(capsys) -> None:
    folder = BAD / "brat_huge_offset"
    status, _, err = _run(["review", str(folder), str(BAD / "brat_bad_offsets")], capsys)
    assert status == 2
    assert f"{folder}/doc.ann:2: T2: an offset too large to be one" in err
    assert "Traceback" not in err


def _deep_json(path: Path) -> Path:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return path


def test_json_nested_100k_deep_in_labels_schema_actors_and_settings(
    tmp_path: Path, seeded_db: Path, capsys, monkeypatch
) -> None:
    deep = _deep_json(tmp_path / "deep.json")
    before = fingerprint(seeded_db)
    article = BAD.parent.parent.parent / "seeds"
    for argv in (
        ["import", "--db", str(seeded_db), "--no-preannotate", "--labels", str(deep), str(article)],
        ["import-annotations", "--db", str(seeded_db), "--schema", str(deep),
         str(BAD / "ann_text_mismatch.jsonl")],
        ["actors", "--db", str(seeded_db), "load", str(deep)],
    ):
        status, _, err = _run(argv, capsys)
        assert status == 2, err
        assert f"annotator: {deep}: invalid JSON (nested too deeply)" in err
        assert "Traceback" not in err
    assert fingerprint(seeded_db) == before
    # A settings file nested that deep is ignored like any unreadable one: defaults apply.
    config = tmp_path / "config"
    config.mkdir()
    _deep_json(config / "settings.json")
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(config))
    status, out, err = _run(["actors", "--db", str(seeded_db), "list"], capsys)
    assert status == 0, err
    assert "Iran" in out


def test_a_pipe_is_refused_for_labels_and_actor_files(tmp_path: Path, seeded_db: Path, capsys) -> None:
    pipe = tmp_path / "labels.json"
    os.mkfifo(pipe)
    before = fingerprint(seeded_db)
    article = BAD.parent.parent.parent / "seeds"
    for argv in (
        ["import", "--db", str(seeded_db), "--no-preannotate", "--labels", str(pipe), str(article)],
        ["actors", "--db", str(seeded_db), "load", str(pipe)],
    ):
        status, _, err = _run(argv, capsys)
        assert status == 2
        assert f"annotator: {pipe}: not a regular file (a folder, a pipe or a device)" in err
    assert fingerprint(seeded_db) == before


def test_links_out_of_an_imported_folder_are_not_followed(
    tmp_path: Path, seeded_db: Path, capsys
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "passwd.txt").symlink_to(secret)
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc.txt").symlink_to(secret)
    (brat / "doc.ann").write_text("T1\tPERSON 0 4\troot\n", encoding="utf-8")
    (brat / "other.ann").symlink_to(tmp_path / "elsewhere.ann")
    (tmp_path / "elsewhere.ann").write_text("T1\tPERSON 0 4\troot\n", encoding="utf-8")
    before = fingerprint(seeded_db)
    status, _, err = _run(["import", "--db", str(seeded_db), "--no-preannotate", str(articles)], capsys)
    assert status == 2
    assert f"annotator: {articles}/passwd.txt: a link to a file outside the folder given; not followed" in err
    status, _, err = _run(["import-annotations", "--db", str(seeded_db), "--as", "ana", str(brat)], capsys)
    assert status == 2
    assert f"{brat}/other.ann: a link to a file outside the folder given; not followed" in err
    assert fingerprint(seeded_db) == before
    # A link that stays inside the folder is an ordinary file.
    (articles / "passwd.txt").unlink()
    (articles / "real.txt").write_text("Tehran hosted the talks.\n", encoding="utf-8")
    (articles / "alias.txt").symlink_to(articles / "real.txt")
    status, out, err = _run(["import", "--db", str(seeded_db), "--no-preannotate", str(articles)], capsys)
    assert status == 0, err
    assert "1 imported, 1 skipped" in out


def _bomb(path: Path, size: int) -> Path:
    """A .spacy file of ``size`` zero bytes, compressed (about a thousand to one)."""
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (16 * 1024 * 1024)
    with path.open("wb") as handle:
        for _ in range(size // len(chunk)):
            handle.write(compressor.compress(chunk))
        handle.write(compressor.flush())
    return path


def test_a_spacy_decompression_bomb_is_refused_with_bounded_memory(
    tmp_path: Path, seeded_db: Path
) -> None:
    bomb = _bomb(tmp_path / "bomb.spacy", 1024 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # a small file...
    before = fingerprint(seeded_db)
    script = (
        "import re, sys\n"
        "from annotator.cli import main\n"
        "import annotator.services.annotations_import, annotator.store, spacy\n"
        "import annotator.formats.spacy_docbin, annotator.formats.tokens\n"
        "annotator.formats.tokens.blank_nlp('xx')\n"
        "def kib(field):\n"
        "    text = open('/proc/self/status').read()\n"
        "    return int(re.search(field + r':\\s+(\\d+) kB', text).group(1))\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "start = kib('VmRSS')\n"
        "status = main(sys.argv[1:])\n"
        "print(kib('VmHWM') - start)\n"
        "sys.exit(status)\n"
    )
    argv = ["import-annotations", "--db", str(seeded_db), "--as", "ana", str(bomb)]
    result = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 2, result.stderr
    assert f"{bomb}: decompresses to more than 256 MiB; not supported" in result.stderr
    growth_kib = int(result.stdout.strip().splitlines()[-1])
    # ...that decompresses to a gigabyte: only counted, a megabyte at a time.
    assert growth_kib < 64 * 1024, f"the command grew the process by {growth_kib} KiB"
    assert fingerprint(seeded_db) == before


def test_an_article_over_a_million_characters_is_pre_annotated_in_pieces(
    tmp_path: Path, capsys
) -> None:
    filler = ("x" * 99_990 + "\n") * 11
    text = "Tehran hosted the talks.\n" + filler + "Then Washington answered.\n"
    assert len(text) > 1_000_000  # spaCy's max_length: E088 for one piece
    path = tmp_path / "long.jsonl"  # the language given: detection would see mostly x's
    path.write_text(json.dumps({"text": text, "meta": {"lang": "en"}}) + "\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    status, out, err = _run(["import", "--db", str(db), str(path)], capsys)
    assert status == 0, err
    assert "1 imported" in out
    con = sqlite3.connect(db)
    try:
        stored = con.execute("SELECT text FROM document").fetchone()[0]
        spans = con.execute("SELECT start, \"end\", label FROM span ORDER BY start").fetchall()
    finally:
        con.close()
    assert stored == text
    found = {stored[start:end]: label for start, end, label in spans}
    assert found.get("Tehran") == "GPE"
    assert found.get("Washington") == "GPE"  # after the last cut: offsets shifted exactly
    assert stored.index("Washington") in {start for start, _, _ in spans}


def test_what_the_command_line_prints_cannot_act_on_the_terminal(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    forged = "a.txt\nimported evil.txt as document 99"
    (folder / f"\x1b]0;pwned\x07{forged}.txt").write_text("Tehran hosted the talks.\n", encoding="utf-8")
    (folder / "title.jsonl").write_text(
        json.dumps({"text": "A second article.", "meta": {"title": "\x1b[2J\u202eevil"}}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.sqlite"
    status, out, err = _run(["import", "--db", str(db), "--no-preannotate", str(folder)], capsys)
    assert status == 0, err
    assert "\x1b" not in out + err and "\x07" not in out
    assert "\\x1b]0;pwned\\x07a.txt\\nimported evil.txt as document 99.txt" in out
    assert not any(line.startswith("imported evil.txt") for line in out.splitlines())
    # Names from a colleague's file, printed by another command.
    colleague = tmp_path / "colleague.jsonl"
    colleague.write_text(
        json.dumps({"text": "Tehran hosted the talks.\n", "annotator": "ana\x1b[31m\u202e",
                    "spans": [{"start": 0, "end": 6, "label": "GPE"}]}) + "\n",
        encoding="utf-8",
    )
    status, out, err = _run(["import-annotations", "--db", str(db), str(colleague)], capsys)
    assert status == 0, err
    assert "ana\\x1b[31m\\u202e" in out
    assert "\x1b" not in out + err and "\u202e" not in out + err


def test_messages_about_command_line_values_name_no_made_up_file(
    seeded_db: Path, tmp_path: Path, capsys
) -> None:
    for argv, reason in (
        (["review", str(BAD / "invalid_json.jsonl")],
         "review needs two or more annotation files (or --db and --annotators)"),
        (["export", "--db", str(seeded_db), "--split", "3", str(tmp_path / "o.jsonl")],
         "--split 3.0 must be between 0 and 1 (e.g. 0.8)"),
        (["export", "--db", str(seeded_db), "--from", "2020-13-01", str(tmp_path / "o.jsonl")],
         "date from '2020-13-01' is not a date (YYYY-MM-DD)"),
    ):
        status, _, err = _run(argv, capsys)
        assert status == 2
        assert err == f"annotator: {reason}\n"


def test_imported_aliases_that_name_another_actor_do_not_rewrite_the_registry(
    tmp_path: Path, seeded_db: Path, capsys
) -> None:
    text = "Iran and its allies met in Tehran."
    record = {
        "format_version": 2, "text": text, "annotator": "colleague",
        "spans": [{"id": 1, "start": 0, "end": 4, "label": "GPE", "layer": "entity", "actor": "a1"}],
        "actors": [{"id": "a1", "name": "Iran", "aliases": ["United States", "Israel", "Persia"],
                    "kind": "state", "country": "IRN"}],
    }
    path = tmp_path / "colleague.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    status, out, err = _run(["import-annotations", "--db", str(seeded_db), str(path)], capsys)
    assert status == 0, err
    for alias, owner in (("United States", "United States"), ("Israel", "Israel")):
        assert (
            f"{path}: actor 'Iran': the alias '{alias}' names '{owner}' in the registry; not added"
            in out
        )
    status, out, _ = _run(
        ["actors", "--db", str(seeded_db), "propose", "United States", "Israel", "Persia"], capsys
    )
    assert status == 0
    assert out.splitlines()[0].split("\t")[:2] == ["United States", "United States"]
    assert out.splitlines()[1].split("\t")[:2] == ["Israel", "Israel"]
    assert out.splitlines()[2].split("\t")[:2] == ["Persia", "Iran"]  # the new alias is kept


def test_a_pipe_or_a_loop_of_links_in_a_brat_folder_is_named(
    tmp_path: Path, seeded_db: Path, capsys
) -> None:
    """A brat folder whose .ann is a pipe, or a link in a loop, is refused naming that file
    (it was "no .ann file" / "none found"), without blocking on the pipe."""
    before = fingerprint(seeded_db)
    piped = tmp_path / "piped"
    piped.mkdir()
    (piped / "doc.txt").write_text("Tehran hosted the talks.\n", encoding="utf-8")
    os.mkfifo(piped / "doc.ann")
    looped = tmp_path / "looped"
    looped.mkdir()
    (looped / "doc.txt").write_text("Tehran hosted the talks.\n", encoding="utf-8")
    (looped / "doc.ann").symlink_to(looped / "other.ann")
    (looped / "other.ann").symlink_to(looped / "doc.ann")
    for folder, reason in (
        (piped, "doc.ann: not a regular file (a pipe, device or socket); not read"),
        (looped, "doc.ann: a link that leads nowhere or loops"),
    ):
        status, _, err = _run(["import-annotations", "--db", str(seeded_db), "--as", "ana", str(folder)],
                              capsys)
        assert status == 2
        assert err == f"annotator: {folder}/{reason}\n"
    assert fingerprint(seeded_db) == before


def test_long_labels_and_values_are_cut_in_messages(tmp_path: Path, seeded_db: Path, capsys) -> None:
    """A 10,000-character label or metadata value gives a message of a line, not 10,000
    characters (it gave 4,000 to 10,000), still naming the file, the line and the reason."""
    text = "Tehran hosted the talks."
    label = tmp_path / "label.jsonl"
    span = {"start": 0, "end": 6, "label": "X" * 10_000, "text": "Tehran"}
    label.write_text(json.dumps({"text": text, "annotator": "ana", "spans": [span]}) + "\n", "utf-8")
    date = tmp_path / "date.jsonl"
    date.write_text(json.dumps({"text": text, "meta": {"date": "2024-01-01" + "Z" * 10_000}}) + "\n",
                    "utf-8")
    before = fingerprint(seeded_db)
    for argv, start in (
        (["import-annotations", "--db", str(seeded_db), str(label)],
         f"annotator: {label}:1: span 0-6 'Tehran': unknown label 'XXXX"),
        (["import", "--db", str(seeded_db), "--no-preannotate", str(date)], f"annotator: {date}:1: "),
    ):
        status, _, err = _run(argv, capsys)
        assert status == 2
        assert err.startswith(start), err[:300]
        assert len(err) < 400 + len(str(tmp_path)), len(err)
        assert err.count("\n") == 1
    assert fingerprint(seeded_db) == before


def test_a_label_studio_location_is_given_once(seeded_db: Path, capsys) -> None:
    """Where in a Label Studio file the problem is (task, annotation, result) is said once."""
    status, _, err = _run(
        ["import-annotations", "--db", str(seeded_db), str(BAD / "labelstudio_bad_value.json")], capsys
    )
    assert status == 2
    assert err.count("task 1 (id 1)") == 1 and err.count("result[0]") == 1, err
