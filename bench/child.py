"""Measurements that need a fresh process: cold start, opening a large database, memory.

Run by ``bench/run.py`` as ``python -m bench.child MODE DB [...]``; prints one JSON line. The
window is started the way ``annotator gui`` starts it (theme, then
:func:`annotator.gui.app.start_window`), with the user directories pointed at the benchmark's
temporary folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

T_PROCESS = time.perf_counter()


def _args(db: Path) -> argparse.Namespace:
    return argparse.Namespace(
        db=db, annotator="alice", labels=None, model=[], no_preannotate=False,
        screenshot=None, doc=1, paths=[],
    )


def _start(db: Path):  # type: ignore[no-untyped-def]
    """QApplication and the main window, as ``run_gui`` makes them; returns (app, window)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.gui import app as gui_app
    from annotator.gui.theme import apply_theme, stored_theme
    from annotator.settings import config_dir

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    window_ini = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    apply_theme(app, stored_theme(window_ini))
    t0 = time.perf_counter()
    window = gui_app.start_window(_args(db), ask=False)
    return app, window, t0


def _settle(app, rounds: int = 3) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        app.processEvents()


def _wait_models(app, window, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    """Wait (processing events) until the background model loading, if any, is over."""
    if not hasattr(window, "models_loading") or window.registry is None:
        return False
    deadline = time.perf_counter() + timeout
    # The loading starts a moment after the window shows (app.PRELOAD_DELAY_MS), then runs.

    def loader() -> object:  # where the window keeps its start-up model loader
        return window.statusline.loader if hasattr(window, "statusline") else window._model_loader

    while (loader() is None or window.models_loading()) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return loader() is not None


def cold_start(db: Path) -> dict[str, object]:
    app, window, _t0 = _start(db)
    spacy_before = "spacy" in sys.modules  # needed to build and show the window?
    app.processEvents()  # the first paint (the background loading starts right after it)
    shown = time.perf_counter()
    print(json.dumps({"event": "shown"}), flush=True)
    t_loading = time.perf_counter()
    preloads = _wait_models(app, window)
    loaded = time.perf_counter() - t_loading
    spacy_after = "spacy" in sys.modules
    result: dict[str, object] = {
        "in_process": shown - T_PROCESS,
        "spacy_imported_before_shown": spacy_before,
        "preloads_models": preloads,
        "spacy_loaded_after": spacy_after,
        "models_loaded_in": loaded if preloads else None,
    }
    window.close()
    return result


def app_open(db: Path, needles: list[str]) -> dict[str, object]:
    from annotator.gui.main_window import MainWindow

    app, window, t0 = _start(db)
    assert isinstance(window, MainWindow)
    _settle(app, 1)
    window.doc_view.viewport().repaint()
    shown = time.perf_counter() - t0
    rows = window.doc_proxy.rowCount()
    filters: dict[str, list[float]] = {}
    matched: dict[str, int] = {}
    for _ in range(3):
        for needle in needles:
            for text in (needle, ""):
                t = time.perf_counter()
                window.filter_edit.setText(text)
                window.doc_view.viewport().repaint()
                filters.setdefault(text or "(clear)", []).append(time.perf_counter() - t)
                matched[text or "(clear)"] = window.doc_proxy.rowCount()
                _settle(app)
    # Use it a little: open documents, scroll the list to the end, sort by a column.
    for _ in range(5):
        window.step_document(1)
        _settle(app)
    window.doc_view.scrollToBottom()
    window.doc_view.viewport().repaint()
    t = time.perf_counter()
    window.doc_view.sortByColumn(0, window.doc_view.horizontalHeader().sortIndicatorOrder())
    window.doc_view.viewport().repaint()
    sort_time = time.perf_counter() - t
    _settle(app)
    waited = _wait_models(app, window)
    from bench.measure import rss_mb

    rss, peak = rss_mb()
    result = {
        "list_shown": shown,
        "rows": rows,
        "filters": filters,
        "matched": matched,
        "sort": sort_time,
        "rss_mb": rss,
        "peak_mb": peak,
        "models_loaded": waited,
        "spacy_loaded": "spacy" in sys.modules,
    }
    window.close()
    return result


def main() -> None:
    from annotator.store.location import parse_location

    mode, db = sys.argv[1], parse_location(sys.argv[2])  # a file, or a server URL (--db postgresql)
    if mode == "coldstart":
        result = cold_start(db)
    elif mode == "appopen":
        result = app_open(db, sys.argv[3:])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps({"event": "result", **result}), flush=True)


if __name__ == "__main__":
    main()
