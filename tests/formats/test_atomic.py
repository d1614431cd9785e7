"""Exports are written to a temporary file and renamed: never half a file, never an overwrite
that was not asked for."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.formats.atomic import OverwriteError, atomic_write

ROOT = Path(__file__).resolve().parent.parent.parent


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_refuses_an_existing_file_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(OverwriteError, match="already exists .*--force"):
        with atomic_write(target, overwrite=False) as handle:
            handle.write("new")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert _leftovers(tmp_path) == []


def test_a_file_that_appears_during_the_write_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with pytest.raises(OverwriteError, match="created by something else during the export"):
        with atomic_write(target, overwrite=False) as handle:
            handle.write("ours\n")
            target.write_text("someone else's", encoding="utf-8")  # e.g. another export
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert _leftovers(tmp_path) == []


def test_an_error_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half of the new one")
            raise RuntimeError("disk full, say")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_overwrite_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_write(target, overwrite=True) as handle:
        handle.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.jsonl"
    with atomic_write(fresh, overwrite=False) as handle:
        handle.write("x\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's private 0600
    assert _leftovers(tmp_path) == []


SLOW_WRITER = """
import sys, time
from pathlib import Path
from annotator.formats.atomic import atomic_write
with atomic_write(Path(sys.argv[1]), overwrite=True) as handle:
    print("writing", flush=True)
    for i in range(100000):
        handle.write(f"new line {i}\\n")
        if i % 1000 == 0:
            handle.flush()
            time.sleep(0.001)
print("done", flush=True)
"""


def test_a_kill_during_the_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    old = "".join(f"old line {i}\n" for i in range(1000))
    target.write_text(old, encoding="utf-8")
    for delay in (0.0, 0.02, 0.05):
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW_WRITER, str(target)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        assert target.read_text(encoding="utf-8") == old  # never half of the new one
    # A kill leaves only the temporary files, hidden beside the target.
    assert all(name.startswith(".out.jsonl.") for name in _leftovers(tmp_path))
