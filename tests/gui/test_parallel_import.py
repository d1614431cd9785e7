"""A large import in the window pre-annotates in worker processes (``nlp/parallel.py``), as the
analyst drives it: it finishes with the suggestions shown, Cancel stops the workers and keeps
whole files only, and a worker that dies stops the import with a clear message, keeping the
files already stored. The thresholds are lowered so that a few seeds count as large."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from annotator.core.model import AnnotatorKind
from annotator.formats.articles import read_txt
from annotator.nlp import parallel


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_TEXTS", 4)
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "BATCH_TEXTS", 1)
    monkeypatch.setattr(parallel, "AHEAD", 1)


def _folder(tmp_path: Path, seeds_dir: Path, copies: int) -> Path:
    """``copies`` articles, each a seed with its own last line (so none is a duplicate)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    seeds = [read_txt(p).text for p in sorted(seeds_dir.glob("*.txt")) if not p.name.startswith("001")]
    for i in range(copies):
        text = f"{seeds[i % len(seeds)]}\nReport {i} from Damascus by Esmail Qaani's office."
        (folder / f"article_{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def _gone(pids: list[int]) -> bool:
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                if not handle.read().split(") ")[-1].startswith("Z"):
                    return False
        except FileNotFoundError:
            continue
    return True


def _pool_pids(qtbot) -> list[int]:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: parallel._shared is not None, timeout=60000)
    pool = parallel._shared
    assert pool is not None
    return list(pool.pids)


def test_a_large_import_runs_in_workers_and_shows_the_suggestions(
    open_window, qtbot, tmp_path: Path, seeds_dir: Path, large: None
) -> None:
    folder = _folder(tmp_path, seeds_dir, 6)
    window, dialogs = open_window(tmp_path / "db.sqlite")
    window.start_import([folder])
    pids = _pool_pids(qtbot)
    assert len(pids) == 2
    qtbot.waitUntil(lambda: not window.worker.running, timeout=180000)
    assert dialogs.errors == []
    assert window.doc_model.rowCount() == 6
    assert parallel._shared is None and _gone(pids)
    store = window.store
    for doc_id in store.documents.ids():
        assert store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
    # The open document shows its suggestions.
    assert window.doc_id is not None
    assert any(item.suggestion for item in window.pane.shown_spans())


def test_cancel_stops_the_workers_and_keeps_whole_files(
    open_window, qtbot, tmp_path: Path, seeds_dir: Path, large: None
) -> None:
    folder = _folder(tmp_path, seeds_dir, 30)
    window, dialogs = open_window(tmp_path / "db.sqlite")
    window.start_import([folder])
    pids = _pool_pids(qtbot)
    qtbot.waitUntil(lambda: window.store.documents.count() >= 1, timeout=180000)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    qtbot.waitUntil(lambda: _gone(pids), timeout=30000)
    assert dialogs.errors == []
    count = window.store.documents.count()
    assert 0 < count < 30
    store = window.store
    for doc_id in store.documents.ids():  # each stored article has its suggestions with it
        assert store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
    assert window.doc_model.rowCount() == count


def test_a_worker_that_dies_stops_the_import_with_a_message(
    open_window, qtbot, tmp_path: Path, seeds_dir: Path, large: None
) -> None:
    folder = _folder(tmp_path, seeds_dir, 30)
    window, dialogs = open_window(tmp_path / "db.sqlite")
    window.start_import([folder])
    pids = _pool_pids(qtbot)
    qtbot.waitUntil(lambda: window.store.documents.count() >= 1, timeout=180000)
    os.kill(pids[1], signal.SIGKILL)
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    assert len(dialogs.errors) == 1
    title, message = dialogs.errors[0]
    assert title == "Import stopped"
    assert "worker process" in message and "SIGKILL" in message
    assert _gone(pids)
    count = window.store.documents.count()
    assert 0 < count < 30
    assert window.doc_model.rowCount() == count  # the files kept are listed
