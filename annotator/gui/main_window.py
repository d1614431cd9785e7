"""The main window: puts the rooms of the GUI together and routes each change to them.

It owns the layout (the document header and the reading pane in the middle, the documents,
labels, search, actor, event and framing docks around them, the status bar), its own actions,
the window state kept between sessions, and the switch to review mode. What each part does
lives in its own module, which gets from the window only what it is handed (widgets, callbacks)
or what a protocol of ``gui/window_protocols.py`` names — never the ``MainWindow`` class:

- ``document_header.py``: title, details form and status of the open document;
- ``documents_dock.py``: the document list; ``span_loading.py``: the spans in the reading pane;
- ``annotation_actions.py``: the span keys and menus; ``analysis_docks.py``: actors, events, framing;
- ``command_runner.py``: every change a command on the ``QUndoStack``;
- ``background_work.py``, ``import_export.py``: work off the GUI thread; ``status_bar.py``;
- ``shortcuts.py``: how actions get their keys, the F1 list; ``window_menus.py``: the menu bar;
- ``review/``: review mode (``review/switch.py`` swaps it in for the reading pane).

Every change goes through a command from ``services/``: it runs (one transaction), is pushed on
the ``QUndoStack``, and its ``Change`` tells ``apply_change`` what to refresh — the open
document's highlights, one row of the document list — never everything.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.core.labels import LabelSet
from annotator.core.model import DocumentMeta, DocumentSummary, Status
from annotator.core.schema import Schema, default_schema
from annotator.gui.analysis_docks import AnalysisDocks
from annotator.gui.annotation_actions import AnnotationActions
from annotator.gui.article_drop import install_drop_import
from annotator.gui.background_work import BackgroundWork
from annotator.gui.command_runner import CommandRunner
from annotator.gui.database_switch import DatabaseSwitch
from annotator.gui.dialogs import Dialogs
from annotator.gui.doclist import DocumentColumns
from annotator.gui.document_header import DocumentHeader, MetaForm
from annotator.gui.documents_dock import DocumentsDock
from annotator.gui.import_export import ImportExport
from annotator.gui.label_panel import LabelPanel
from annotator.gui.live_updates import LiveUpdates
from annotator.gui.model_menu import ModelMenu
from annotator.gui.reading_pane import ReadingPane
from annotator.gui.region_marks import RegionMarks
from annotator.gui.review.switch import ReviewSwitch
from annotator.gui.search_panel import SearchPanel
from annotator.gui.shortcuts import ActionMaker, shortcuts_dialog
from annotator.gui.span_loading import SpanLoader
from annotator.gui.status_bar import WindowStatus
from annotator.gui.text_fields import keep_field_undo
from annotator.gui.window_menus import build_menus
from annotator.gui.workers import Worker
from annotator.nlp.pipelines import PipelineRegistry
from annotator.services.annotate import AnnotationSession, Change, Command
from annotator.settings import Settings, config_dir

if TYPE_CHECKING:
    from annotator.gui.annotation_import import AnnotationImport
    from annotator.services.exporting import ExportReport


class MainWindow(QMainWindow):
    # Made by _build_ui; declared here so that their types are known where __init__ uses them.
    pane: ReadingPane
    label_panel: LabelPanel
    doc_view: QTableView
    saved_label: QLabel
    statusline: WindowStatus

    def __init__(
        self,
        session: AnnotationSession,
        labels: LabelSet,
        settings: Settings,
        registry: PipelineRegistry | None,
        dialogs: Dialogs | None = None,
        qsettings: QSettings | None = None,
        schema: Schema | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.session = session
        self.store = session.store
        self.labels = labels
        self.settings = settings
        self.registry = registry
        self.schema = schema or default_schema()
        self.dialogs = dialogs or Dialogs(self)
        self.qsettings = qsettings or QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.undo_stack = QUndoStack(self)
        self.doc_id: int | None = None
        self.setWindowTitle("annotator")
        self._build_ui()
        self.commands = CommandRunner(
            self.undo_stack, self.saved_label, self.dialogs, self.apply_change, self.reload_from_database
        )
        self.io = ImportExport(self, self.statusline)
        self.action = ActionMaker(self, [self.pane, self.doc_view, self.label_panel])
        # Repeated lines and boilerplate greyed, unmarked with U (gui/region_marks.py).
        self.region_marks = RegionMarks(self)
        self.annotate = AnnotationActions(self)
        self._build_actions()
        # Actor, event and framing docks with their keys (gui/analysis_docks.py).
        self.analysis = AnalysisDocks(self, self.schema)
        # Model > Train…, Models…; the active model's suggestions (gui/model_menu.py).
        self.models = ModelMenu(self)
        # File > Connect to team database…, Open local database… (gui/database_switch.py).
        self.databases = DatabaseSwitch(self, self.store.location)
        build_menus(self)
        # Files and folders dropped on the window: the import dialog, to check them first.
        install_drop_import(self, self.io.preview_import)
        self.refresh_documents()
        self._restore_state()
        # Colleagues' changes on a team's server database (gui/live_updates.py); None on SQLite.
        listener = self.store.listen()
        self.live = LiveUpdates(self, listener, self) if listener is not None else None

    # -- layout ---------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = DocumentHeader(self)
        self.title_label, self.meta_label = self.header.title_label, self.header.meta_label
        self.status_combo = self.header.status_combo
        layout.addWidget(self.header)
        layout.addWidget(self.header.meta_form)
        self.pane = ReadingPane(self.labels)
        self.pane.set_font_size(self.settings.font_size)
        layout.addWidget(self.pane, 1)
        # Review mode swaps the reading pane for its own view (gui/review/).
        self.stack = QStackedWidget()
        self.stack.addWidget(central)
        self.setCentralWidget(self.stack)

        self.doc_dock = DocumentsDock(self._document_summaries)
        self.doc_model, self.doc_proxy = self.doc_dock.doc_model, self.doc_dock.doc_proxy
        self.doc_view, self.filter_edit = self.doc_dock.doc_view, self.doc_dock.filter_edit
        self.doc_dock.documentChosen.connect(self._document_chosen)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.doc_dock)
        # Columns fitted to their contents, titles elided in the middle, the dock kept wide
        # enough for them (gui/doclist.py).
        self.doc_columns = DocumentColumns(self.doc_view, self.doc_dock)

        self.label_panel = LabelPanel(self.labels)
        self.label_dock = QDockWidget("Labels")
        self.label_dock.setObjectName("labelsDock")
        self.label_dock.setWidget(self.label_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.label_dock)
        self.spans = SpanLoader(self.session, self.pane, self.label_panel)

        # Corpus search dock (hidden until asked for).
        self.search_panel = SearchPanel(self.store)
        self.search_panel.openRequested.connect(self.open_passage)
        self.search_dock = QDockWidget("Search")
        self.search_dock.setObjectName("searchDock")
        self.search_dock.setWidget(self.search_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search_dock)
        self.search_dock.hide()

        # Status bar: where the data lives, who annotates, which model, whether all is saved.
        self.work = BackgroundWork(self, self.dialogs)
        self.progress, self.cancel_button = self.work.progress, self.work.cancel_button
        where, who = str(self.store.path), self.session.annotator.name
        self.statusline = WindowStatus(self, self.statusBar(), where, who, self.registry, self.work)
        self.saved_label = self.statusline.saved_label
        self.review = ReviewSwitch(
            self.stack, lambda: (self.doc_dock, self.label_dock, self.search_dock, *self.analysis.docks)
        )
        self.resize(1500, 880)
        self.resizeDocks([self.doc_dock, self.label_dock], [470, 290], Qt.Orientation.Horizontal)

    def _build_actions(self) -> None:
        a, io, header = self.action, self.io, self.header
        self.act_import = a("&Import files…", io.import_files_dialog, "Ctrl+O", "actionImport")
        self.act_import_folder = a("Import &folder…", io.import_folder_dialog, "Ctrl+Shift+O")
        self.act_import_annotations = a(
            "Import &annotations…", io.import_annotations_dialog, None, "actionImportAnnotations"
        )
        self.act_review = a("Start &review…", self.start_review, "Ctrl+R", "actionReview")
        self.act_export = a("&Export annotations (JSONL)…", self.export_dialog, "Ctrl+E", "actionExport")
        self.act_quit = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        # A text field keeps Ctrl+Z / Ctrl+Shift+Z for its own typing (gui/text_fields.py).
        keep_field_undo(self, self.act_undo, self.act_redo)
        self.act_next_doc = a("Next &document", lambda: self.step_document(1), "J", "", True)
        self.act_prev_doc = a("Previous d&ocument", lambda: self.step_document(-1), "K", "", True)
        self.act_details = a("Document &details…", header.toggle_meta_form, "Ctrl+I")
        self.act_done = a("Mark &done", lambda: self.set_status(Status.DONE), "Ctrl+D")
        self.act_in_progress = a(
            "Mark &in progress", lambda: self.set_status(Status.IN_PROGRESS), "Ctrl+Shift+D"
        )
        self.act_todo = a("Mark &to do", lambda: self.set_status(Status.TODO))
        self.act_suggestions = a("Show &suggestions", self.toggle_suggestions, "Ctrl+1")
        self.act_suggestions.setCheckable(True)
        self.act_suggestions.setChecked(self.settings.show_suggestions)
        self.pane.set_show_suggestions(self.settings.show_suggestions)
        self.act_bigger = a("&Larger text", lambda: self.change_font(+1), QKeySequence.StandardKey.ZoomIn)
        self.act_smaller = a("&Smaller text", lambda: self.change_font(-1), QKeySequence.StandardKey.ZoomOut)
        self.act_filter = a("&Filter documents", self.doc_dock.focus_filter, "Ctrl+F")
        self.act_search = a("&Search the corpus…", self.focus_search, "Ctrl+Shift+F", "actionSearch")
        self.act_corpus = a("&Corpus views…", self.open_corpus_views, "Ctrl+Shift+V", "actionCorpusViews")
        self.act_shortcuts = a("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.act_about = a("&About annotator", self.show_about)
        self.act_tour = a("&Guided tour", self.show_tour)

    # -- state ----------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.doc_dock.restore(self.qsettings)
        last = self.qsettings.value("session/document")
        try:
            last_id = int(last) if last is not None else None
        except (TypeError, ValueError):
            last_id = None
        if last_id is not None and self.doc_model.row_of(last_id) is not None:
            self.select_document(last_id)
        elif self.doc_model.rowCount() and self.doc_id is None:
            self.doc_view.selectRow(0)

    def save_state(self) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        if self.doc_id is not None:
            self.qsettings.setValue("session/document", self.doc_id)
        self.doc_dock.save(self.qsettings)
        self.qsettings.sync()
        self.settings.font_size = self.pane.font_size()
        self.settings.show_suggestions = self.act_suggestions.isChecked()
        self.settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.leave_review()
        self.work.stop()
        self.io.stop()
        self.models.stop()
        if self.live is not None:
            self.live.stop()
        self.statusline.wait()
        self.save_state()
        super().closeEvent(event)

    # -- the open document ----------------------------------------------------------------------

    def refresh_documents(self) -> None:
        self.doc_model.set_listing(self.store.documents.listing())
        if self.doc_id is not None and self.doc_model.row_of(self.doc_id) is not None:
            self.doc_dock.select_quietly(self.doc_id)

    def _document_summaries(self, doc_ids: list[int] | None) -> list[DocumentSummary]:
        return self.store.documents.summaries(self.session.annotator.id, doc_ids)

    def select_document(self, doc_id: int) -> None:
        """Open a document and select its row in the list."""
        self.doc_dock.select_quietly(doc_id)
        if doc_id != self.doc_id:
            self.open_document(doc_id)

    def _document_chosen(self, doc_id: int) -> None:
        if doc_id != self.doc_id:
            self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        doc = self.store.documents.get(doc_id)
        self.doc_id = doc_id
        self.close_meta_form()
        self.pane.set_text(doc.text, doc.meta.lang)
        self.region_marks.document_opened(doc_id)
        self._show_meta(doc.meta, doc.status, rtl=self.pane.is_rtl())
        self.spans.load(doc_id)
        self.label_panel.show_span(None, "")
        self.analysis.document_opened(doc_id)
        self.models.document_opened(doc_id)

    def step_document(self, delta: int) -> None:
        self.doc_dock.step(delta)
        if self.doc_proxy.rowCount():
            self.pane.setFocus()

    def _show_meta(self, meta: DocumentMeta, status: Status, rtl: bool | None = None) -> None:
        self.header.show_meta(meta, status, rtl)
        self.setWindowTitle(f"{meta.title or meta.filename} — annotator")

    # -- changes --------------------------------------------------------------------------------

    def run_command(self, command: Command) -> bool:
        """Run a command now (saved before this returns) and put it on the undo stack."""
        return self.commands.run_command(command)

    def reload_from_database(self) -> None:
        """Show what the database holds now (after another instance changed it)."""
        self.refresh_documents()
        if self.doc_id is not None:
            self._show_meta(*self.store.documents.details(self.doc_id))
            self.spans.refresh()

    def apply_change(self, change: Change) -> None:
        if change.document_id and change.document_id != self.doc_id:
            # Undo/redo of work in another document: show it where it happens.
            self.select_document(change.document_id)
        else:
            if change.regions:
                self.region_marks.refresh()
            if change.spans and change.forms:  # a reject or its undo: the suggestions of a form
                self.spans.refresh_forms(change.hidden_forms, change.shown_forms)
            elif change.spans:
                self.spans.refresh(change.span_range)
            # Actors, events, framing: the panels refresh what the change says (0: no document).
            self.analysis.apply_change(change)
        if not change.document_id:
            return
        if change.meta or change.status:
            meta, status = self.store.documents.details(change.document_id)
            self._show_meta(meta, status)
            # Title, outlet, status... at once: filtering and sorting read them.
            self.doc_model.set_listing_row(
                (change.document_id, meta.title, meta.source, meta.lang, meta.date, status.value,
                 meta.filename)
            )
        # The row's span counts are read again when the list next paints it.
        self.doc_model.refresh_rows([change.document_id])

    # -- what the parts and the tests reach through the window ----------------------------------

    @property
    def meta_form(self) -> MetaForm:
        return self.header.meta_form

    @property
    def _doc_status(self) -> Status:
        return self.header.status

    @property
    def _label_counts(self) -> Counter[str]:
        return self.spans.label_counts

    def set_status(self, status: Status) -> None:
        self.header.set_status(status)

    def save_meta_form(self) -> None:
        self.header.save_meta_form()

    def close_meta_form(self) -> None:
        self.header.close_meta_form()

    def apply_label(self, label: str) -> None:
        self.annotate.apply_label(label)

    def delete_current(self) -> None:
        self.annotate.delete_current()

    @property
    def worker(self) -> Worker | None:
        return self.work.worker

    def start_import(self, paths: list[Path]) -> None:
        self.io.start_import(paths)

    def import_folder_dialog(self) -> None:
        self.io.import_folder_dialog()

    def export_dialog(self, annotator: str | None = None) -> None:
        self.io.export_dialog(annotator)

    @property
    def last_export(self) -> ExportReport | None:
        return self.io.last_export

    @property
    def _annotation_import(self) -> AnnotationImport | None:
        return self.io.annotation_import

    def preload_models(self) -> None:
        """Load spaCy and the corpus's main language on a worker thread once the window is up."""
        self.statusline.preload(self.doc_model.languages())

    def models_loading(self) -> bool:
        """Whether the start-up loading of a model is still running."""
        return self.statusline.loading()

    # -- view -----------------------------------------------------------------------------------

    def toggle_suggestions(self) -> None:
        self.pane.set_show_suggestions(self.act_suggestions.isChecked())

    def change_font(self, delta: int) -> None:
        self.pane.set_font_size(self.pane.font_size() + delta)

    def open_corpus_views(self, view: str = "framing") -> QWidget:
        from annotator.gui.corpus.window import open_corpus_window

        return open_corpus_window(self, view)

    def focus_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.focus_query()

    def open_passage(self, doc_id: int, start: int, end: int) -> None:
        """Open a document with text[start:end] selected (a search hit), ready for a label key."""
        self.select_document(doc_id)
        if end > start:
            self.pane.set_current(None, reveal=False)
            self.pane.select_codepoints(start, end)
            self.pane.centerCursor()
        self.pane.setFocus()

    def show_shortcuts(self) -> None:
        self._shortcuts_dialog = shortcuts_dialog(self, self.labels)
        self._shortcuts_dialog.show()

    def show_tour(self) -> None:
        from annotator.gui.first_run import show_tour

        show_tour(self)

    def show_about(self) -> None:
        self.dialogs.info(
            "About annotator",
            f"annotator {__version__}\nKeyboard-first annotation of news articles.\n\n"
            f"Database: {self.store.path}",
        )

    # -- review mode ----------------------------------------------------------------------------

    def start_review(self) -> None:
        from annotator.gui.review.start import start_review

        start_review(self)

    def show_review(self, view: QWidget) -> None:
        """Show a review view in place of the reading pane (and the docks), focus in it."""
        self.review.show(view)

    @property
    def review_view(self) -> QWidget | None:
        return self.review.view

    def leave_review(self) -> None:
        """Back to the reading pane; the review's decisions stay on the undo stack."""
        if not self.review.leave():
            return
        self.refresh_documents()
        if self.doc_id is not None:
            self.open_document(self.doc_id)
        self.pane.setFocus()
