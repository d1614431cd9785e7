"""Starting the desktop application: QApplication, database, annotator name, first import.

Also the ``--screenshot`` mode, which renders the main window with a document open to a PNG and
exits (it works with ``QT_QPA_PLATFORM=offscreen``), and the handler that logs unexpected errors
to a file in the data directory and shows them without closing the app.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import cast

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import AnnotatorKind
from annotator.gui.dialogs import Dialogs
from annotator.gui.first_run import first_run
from annotator.gui.main_window import MainWindow
from annotator.gui.search_panel import HIT_ROLE
from annotator.gui.theme import apply_theme, stored_theme
from annotator.nlp.pipelines import PipelineRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.configuration import load_labels, load_schema_for, parse_models
from annotator.settings import Settings, config_dir, data_dir, default_db_path
from annotator.store import Store
from annotator.store.location import parse_location

log = logging.getLogger("annotator")
_open_error_boxes: list[QMessageBox] = []


def log_path() -> Path:
    return data_dir() / "annotator.log"


def install_error_handler() -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    """Log unexpected exceptions to the data directory and show them; the app keeps running.

    Every action is committed before the GUI shows it as saved, so an error in a later slot
    loses nothing that was saved. Returns the hook (installed as ``sys.excepthook``).
    """
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in [h for h in log.handlers if getattr(h, "annotator_log", False)]:
        log.removeHandler(old)
        old.close()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.annotator_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error\n%s", text)
        app = QApplication.instance()
        if app is not None and not app.closingDown():
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Unexpected error",
                f"{value}\n\nYour saved work is safe. Details were written to {path}.",
            )
            box.setTextFormat(Qt.TextFormat.PlainText)  # the error may quote a file's values
            box.setDetailedText(text)
            box.setObjectName("errorDialog")
            box.setWindowModality(Qt.WindowModality.NonModal)
            # Keep the box alive until it is closed (a parentless local would be collected).
            _open_error_boxes.append(box)
            box.finished.connect(
                lambda _r, b=box: _open_error_boxes.remove(b) if b in _open_error_boxes else None
            )
            box.show()
        else:
            sys.__excepthook__(kind, value, tb)
        for h in log.handlers:
            h.flush()

    sys.excepthook = hook
    return hook


def resolve_annotator(
    args: argparse.Namespace, settings: Settings, dialogs: Dialogs | None, ask: bool
) -> str:
    """--annotator wins for this run; otherwise the name kept in settings, asked once."""
    if getattr(args, "annotator", None):
        return str(args.annotator)
    if settings.annotator:
        return settings.annotator
    default = getpass.getuser() or "analyst"
    name = None
    if ask and dialogs is not None:
        name = dialogs.ask_text("Who is annotating?", "Your name, recorded with every annotation:", default)
    name = (name or default).strip() or default
    settings.annotator = name
    settings.save()
    return name


def build_window(args: argparse.Namespace, dialogs: Dialogs | None = None, ask: bool = True) -> MainWindow:
    settings = Settings.load()
    labels = load_labels(getattr(args, "labels", None), settings)
    schema = load_schema_for(getattr(args, "schema", None), settings)
    registry = (
        None
        if getattr(args, "no_preannotate", False)
        else PipelineRegistry(
            parse_models(getattr(args, "model", []) or [], settings), settings.preannotate_processes
        )
    )
    store = open_store(args, settings, dialogs if ask else None)
    name = resolve_annotator(args, settings, dialogs, ask)
    annotator = store.annotators.get_or_create(name, AnnotatorKind.HUMAN)
    session = AnnotationSession(store, annotator)
    window = MainWindow(session, labels, settings, registry, dialogs=dialogs, schema=schema)
    window.models.use_command_line(list(getattr(args, "model", []) or []))  # --model wins
    window.databases.chosen.connect(lambda location: reopen(window, args, dialogs, location))
    return window


def open_store(args: argparse.Namespace, settings: Settings, dialogs: Dialogs | None) -> Store:
    """The window's database: --db, else ANNOTATOR_DB, else the one last chosen in the window
    (``Settings.database``), else the default file. A remembered database that cannot be
    opened (a server that is down, a password no longer found) is said so, and the default
    file is opened instead: the app always starts."""
    if args.db or os.environ.get("ANNOTATOR_DB") or not settings.database:
        return Store(args.db or default_db_path())
    try:
        return Store(parse_location(settings.database))
    except AnnotatorError as exc:
        if dialogs is not None:
            dialogs.error(
                "Cannot open the team database",
                f"{exc}\n\nThe local database is open instead; File > Connect to team database… "
                "tries again.",
            )
        return Store(default_db_path())


def reopen(
    window: MainWindow, args: argparse.Namespace, dialogs: Dialogs | None, location: Path | str
) -> MainWindow | None:
    """Open a new window on ``location`` (chosen in ``window``'s File menu) and close ``window``;
    None, and ``window`` stays, when the database cannot be opened."""
    new_args = argparse.Namespace(**{**vars(args), "db": location})
    try:
        new = build_window(new_args, dialogs=dialogs, ask=False)
    except AnnotatorError as exc:
        window.dialogs.error("Cannot open the database", str(exc))
        return None
    if dialogs is not None:
        dialogs.parent = new
    window.close()
    window.store.close()
    new.settings.database = window.databases.remembered
    new.settings.save()
    new.show()
    window.databases.successor = new  # also keeps it alive (run_gui holds the first window)
    return new


def take_screenshot(
    window: MainWindow, path: Path, doc_number: int, view: str = "main", query: str = ""
) -> None:
    """Render the main window with document ``doc_number`` open (``view`` "main"), with the
    search dock showing ``query`` ("search"), a corpus view ("corpus-framing"...), or the actor,
    event or framing panel ("actors", "event", "framing")."""
    rows = window.doc_model.rowCount()
    if rows:
        index = max(0, min(rows - 1, doc_number - 1))
        window.select_document(window.doc_model.summary(index).id)
    window.show()
    app = QApplication.instance()
    assert app is not None
    for _ in range(5):
        app.processEvents()
    window.pane.refresh_highlights()
    app.processEvents()
    target: QWidget = window
    if view == "search":
        window.focus_search()
        window.search_panel.query_edit.setText(query)
        window.search_panel.run_search()
        if window.search_panel.model.rowCount():
            first = window.search_panel.model.index(0, 0)
            window.search_panel.view.setCurrentIndex(first)
            window.search_panel.openRequested.emit(*first.data(HIT_ROLE))
    elif view in ("actors", "event", "framing"):
        window.analysis.show_view(view)
    elif view.startswith("corpus-"):
        corpus = window.open_corpus_views(view.removeprefix("corpus-"))
        corpus.select_first()  # type: ignore[attr-defined]
        target = corpus
    for _ in range(5):
        app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not target.grab().save(str(path)):
        raise AnnotatorError(f"{path}: could not write the screenshot")


PRELOAD_DELAY_MS = 1000


def start_window(args: argparse.Namespace, dialogs: Dialogs | None = None, ask: bool = True) -> MainWindow:
    """The main window as ``annotator gui`` opens it: built, shown, and spaCy loading in the
    background a moment later (the window never waits for a model; see bench/, "cold start").

    The moment lets the first screens paint and the document list load without sharing the
    interpreter with spaCy's import, which holds it for seconds."""
    window = build_window(args, dialogs=dialogs, ask=ask)
    if dialogs is not None:
        dialogs.parent = window
    window.show()
    # What is alive now (modules, widgets, the document list) lives as long as the app: keep
    # the cyclic collector from walking it again on every full collection (some 60 ms with a
    # corpus of 100,000 documents, a pause the analyst would feel). Reference counting still
    # frees what is dropped.
    gc.freeze()
    QTimer.singleShot(PRELOAD_DELAY_MS, window.preload_models)
    return window


def run_gui(args: argparse.Namespace) -> int:
    app = cast(QApplication | None, QApplication.instance()) or QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    window_ini = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    apply_theme(app, getattr(args, "theme", None) or stored_theme(window_ini))
    paths = [Path(p) for p in getattr(args, "paths", []) or []]

    if args.screenshot:
        window = build_window(args, dialogs=None, ask=False)
        if paths:
            from annotator.services.importing import import_paths

            import_paths(window.store, paths, window.labels, window.registry)
            window.refresh_documents()
        take_screenshot(window, Path(args.screenshot), args.doc, getattr(args, "view", "main"),
                        getattr(args, "query", ""))
        print(f"screenshot written to {args.screenshot}")
        window.store.close()
        return 0

    install_error_handler()
    window = start_window(args, Dialogs(None), ask=True)
    if paths:
        QTimer.singleShot(0, lambda: window.start_import(paths))
    # First start: the sample corpus for an empty database, and the tour of the keys (once each).
    QTimer.singleShot(0, lambda: first_run(window, offer=not paths))
    code = app.exec()
    opened: QWidget | None = window
    while isinstance(opened, MainWindow):  # the first window, and each opened from the one before
        opened.store.close()
        opened = opened.databases.successor
    return int(code)
