"""The main window: document list, reading pane, label panel, menus, status bar.

Every change goes through a command from ``services/annotate.py``: it runs (one transaction),
is pushed on the ``QUndoStack``, and its ``Change`` tells the window what to refresh — the open
document's highlights, one row of the document list — never everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date as _date
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.core.errors import AnnotatorError, ConflictError, InputErrors
from annotator.core.labels import LabelSet
from annotator.core.model import DocumentMeta, DocumentSummary, Span, Status
from annotator.core.schema import Schema, default_schema
from annotator.core.tasks import TaskState
from annotator.gui.analysis_docks import AnalysisDocks
from annotator.gui.dialogs import Dialogs
from annotator.gui.doclist import DocumentFilterModel, DocumentTableModel
from annotator.gui.label_panel import LabelPanel
from annotator.gui.plain import plain_tip
from annotator.gui.reading_pane import ReadingPane, ShownSpan
from annotator.gui.search_panel import SearchPanel
from annotator.gui.theme import appearance_menu
from annotator.gui.workers import Worker
from annotator.nlp.pipelines import PipelineRegistry
from annotator.services.annotate import AnnotationSession, Change, Command
from annotator.settings import Settings, config_dir

# Spans of a long document are loaded after its first screen this many characters at a time
# (a few thousand spans, some tens of milliseconds), one stretch per pass of the event loop.
SPAN_CHUNK_CHARS = 100_000
PROJECT_EXPORTS = Path(__file__).resolve().parent.parent.parent / "exports"

SHORTCUTS: list[tuple[str, str]] = [
    ("1 … 9", "Give the selection (or the current span) that label"),
    ("Enter", "Accept the current suggestion"),
    ("X / Delete", "Reject the current suggestion / delete the current span"),
    ("N / P", "Next / previous suggestion"),
    ("J / K", "Next / previous document"),
    ("Ctrl+Shift+A", "Accept all suggestions of the document"),
    ("Shift+arrows", "Extend the selection by character (Ctrl+Shift+arrows: by word)"),
    ("Esc", "Clear the selection and the current span"),
    ("Ctrl+I", "Edit the document's details (title, outlet, date, language, URL)"),
    ("Ctrl+D", "Mark the document done (Ctrl+Shift+D: in progress)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+O / Ctrl+Shift+O", "Import files / a folder"),
    ("Ctrl+R", "Review: compare colleagues' annotation sets and settle their differences"),
    ("N / P · A / B (1 … 9) · 0 · E · Esc", "In review: move, take a version, take none, edit, leave"),
    ("Ctrl+E", "Export annotations (JSONL)"),
    ("A", "Link the current span (or the selection) to an actor: the picker opens with the proposal first"),
    ("T", "Tag every other mention of the current span's actor in the document"),
    ("Ctrl+Shift+M", "Accept every suggestion that names a known actor as a mention of it"),
    ("E", "Make an event from the selection (on a trigger: edit its event)"),
    ("F", "Framing of the document: frames, primary frame, tone, actor roles"),
    ("Shift+F", "Tag the selected passage with a frame dimension or a persuasion technique"),
    ("Enter · Esc · Tab", "In a panel's form: save · cancel and back to the text · next field"),
    ("Ctrl+Alt+A / E / F", "Go to the actor registry / the event list / the framing form"),
    ("F2 · Ctrl+M · Ctrl+Shift+S", "Actor panel: rename · merge another actor in · split an alias off"),
    ("Ctrl+L · Ctrl+S · Ctrl+T · Ctrl+N", "Actor panel: add alias · save card · tag mentions · new actor"),
    ("Ctrl+Shift+L · Ctrl+Del", "Actor panel: remove the alias · delete the actor (nothing may refer to it)"),
    ("Delete · Ctrl+Del", "Event or evidence list: remove the event or the passage · in a form: delete"),
    ("Ctrl+1", "Show or hide model suggestions"),
    ("Ctrl+2 … Ctrl+5", "Show or hide entities, actor links, events, framing evidence"),
    ("Ctrl++ / Ctrl+-", "Larger / smaller text"),
    ("Ctrl+F", "Filter the document list"),
    ("Ctrl+Shift+F", "Search the corpus (Enter on a result opens it, match selected)"),
    ("Ctrl+Shift+V", "Corpus views: framing and tone by outlet, actors, network, timeline, stories"),
    ("F1", "This list"),
]


class UndoAdapter(QUndoCommand):
    """Puts a service command on Qt's undo stack; the command itself does the work."""

    def __init__(self, command: Command, window: MainWindow) -> None:
        super().__init__(command.text)
        self.command = command
        self.window = window
        self._already_done = True

    def redo(self) -> None:
        if self._already_done:  # it ran before it was pushed
            self._already_done = False
            return
        self.window.run_step(self.command.do)

    def undo(self) -> None:
        self.window.run_step(self.command.undo)


class MetaForm(QFrame):
    """Inline form for the document's details; Enter saves, Esc cancels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metaForm")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, hint in (
            ("title", "Title", ""),
            ("source", "Outlet", "e.g. Asharq Al-Awsat"),
            ("date", "Date", "YYYY-MM-DD"),
            ("lang", "Language", "ISO 639-1, e.g. en"),
            ("url", "URL", "https://…"),
        ):
            edit = QLineEdit()
            edit.setObjectName(f"meta_{name}")
            edit.setPlaceholderText(hint)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #D55E00")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.buttons)
        form.addRow(row)

    def load(self, meta: DocumentMeta) -> None:
        for name, edit in self.fields.items():
            edit.setText(getattr(meta, name))
        self.error.clear()

    def read(self, base: DocumentMeta) -> DocumentMeta | str:
        values = {name: edit.text().strip() for name, edit in self.fields.items()}
        if values["date"]:
            try:
                _date.fromisoformat(values["date"])
            except ValueError:
                return f"date {values['date']!r} is not a date of the form YYYY-MM-DD"
        if values["lang"] and not (values["lang"].isalpha() and 2 <= len(values["lang"]) <= 3):
            return "language must be a 2- or 3-letter code such as en or fr"
        return base.with_(**values)


class MainWindow(QMainWindow):
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
        self.dialogs = dialogs or Dialogs(self)
        self.qsettings = qsettings or QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.undo_stack = QUndoStack(self)
        self.doc_id: int | None = None
        self._label_counts: Counter[str] = Counter()  # the analyst's spans in the open document
        # Loads a long document's spans after its first screen, a stretch per event-loop pass;
        # owned by the window, so it dies with it.
        self._span_loader = QTimer(self)
        self._span_loader.setSingleShot(True)
        self._span_loader.setInterval(0)
        self._span_loader.timeout.connect(self._load_more_spans)
        self._doc_meta = DocumentMeta()
        self._doc_status = Status.TODO
        self.worker: Worker | None = None
        self._model_loader: Worker | None = None  # spaCy loading in the background at start-up
        self._model_note = ""
        self.setWindowTitle("annotator")
        self._build_ui()
        self._build_actions()
        # Actor, event and framing docks with their keys (gui/analysis_docks.py).
        self.analysis = AnalysisDocks(self, schema or default_schema())
        self._build_menus()
        self.undo_stack.cleanChanged.connect(lambda _clean: None)
        self.refresh_documents()
        self._restore_state()

    # -- layout ---------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QFrame()
        header.setObjectName("docHeader")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(14, 8, 10, 6)
        texts = QVBoxLayout()
        self.title_label = QLabel("No document open")
        self.title_label.setObjectName("docTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel("")
        self.meta_label.setObjectName("docMeta")
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        texts.addWidget(self.title_label)
        texts.addWidget(self.meta_label)
        header_layout.addLayout(texts, 1)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        for status in Status:
            self.status_combo.addItem(status.title, status.value)
        self.status_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status_combo.activated.connect(self._status_chosen)
        header_layout.addWidget(self.status_combo)
        self.details_button = QToolButton()
        self.details_button.setText("Details…")
        self.details_button.setToolTip("Edit title, outlet, date, language, URL (Ctrl+I)")
        self.details_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details_button.clicked.connect(self.toggle_meta_form)
        header_layout.addWidget(self.details_button)
        layout.addWidget(header)

        self.meta_form = MetaForm()
        self.meta_form.hide()
        self.meta_form.buttons.accepted.connect(self.save_meta_form)
        self.meta_form.buttons.rejected.connect(self.close_meta_form)
        for edit in self.meta_form.fields.values():
            edit.returnPressed.connect(self.save_meta_form)
        cancel = QAction(self.meta_form)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.triggered.connect(self.close_meta_form)
        self.meta_form.addAction(cancel)
        layout.addWidget(self.meta_form)

        self.pane = ReadingPane(self.labels)
        self.pane.set_font_size(self.settings.font_size)
        self.pane.spanClicked.connect(self._span_clicked)
        self.pane.contextRequested.connect(self._context_menu)
        self.pane.cursorPositionChanged.connect(self._pane_cursor_moved)
        layout.addWidget(self.pane, 1)
        # Review mode swaps the reading pane for its own view (gui/review.py).
        self.stack = QStackedWidget()
        self.stack.addWidget(central)
        self.setCentralWidget(self.stack)
        self.review_view: QWidget | None = None
        self._docks_before_review: list[QDockWidget] = []

        # Documents dock.
        self.doc_model = DocumentTableModel(fetch=self._document_summaries)
        self.doc_proxy = DocumentFilterModel()
        self.doc_proxy.setSourceModel(self.doc_model)
        doc_widget = QWidget()
        doc_layout = QVBoxLayout(doc_widget)
        doc_layout.setContentsMargins(4, 4, 4, 4)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter: title, outlet, language, date, status…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.doc_proxy.set_filter_text)
        doc_layout.addWidget(self.filter_edit)
        self.doc_view = QTableView()
        self.doc_view.setObjectName("documentList")
        self.doc_view.setModel(self.doc_proxy)
        self.doc_view.setSortingEnabled(True)
        self.doc_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.doc_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.doc_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.doc_view.verticalHeader().hide()
        self.doc_view.setWordWrap(False)
        self.doc_view.setAlternatingRowColors(True)
        hh = self.doc_view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 90)
        # The short columns get widths from the font, not from their contents: sizing to the
        # contents reads every row of a hidden view (100,000 rows at start-up).
        metrics = self.doc_view.fontMetrics()
        samples = {2: "Lang", 3: "2023-09-22", 4: "●  In progress", 5: "Spans", 6: "Suggestions"}
        for col, sample in samples.items():
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, metrics.horizontalAdvance(sample) + 24)
        self.doc_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.doc_view.selectionModel().currentRowChanged.connect(self._doc_row_changed)
        doc_layout.addWidget(self.doc_view)
        self.doc_dock = QDockWidget("Documents")
        self.doc_dock.setObjectName("documentsDock")
        self.doc_dock.setWidget(doc_widget)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.doc_dock)

        # Labels dock.
        self.label_panel = LabelPanel(self.labels)
        self.label_panel.labelChosen.connect(self.apply_label)
        self.label_panel.acceptRequested.connect(self.accept_current)
        self.label_panel.deleteRequested.connect(self.delete_current)
        self.label_dock = QDockWidget("Labels")
        self.label_dock.setObjectName("labelsDock")
        self.label_dock.setWidget(self.label_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.label_dock)

        # Corpus search dock (hidden until asked for).
        self.search_panel = SearchPanel(self.store)
        self.search_panel.openRequested.connect(self.open_passage)
        self.search_dock = QDockWidget("Search")
        self.search_dock.setObjectName("searchDock")
        self.search_dock.setWidget(self.search_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search_dock)
        self.search_dock.hide()

        # Status bar: where the data lives, who annotates, which model, whether all is saved.
        bar = self.statusBar()
        self.db_label = QLabel(f"db: {self.store.path}")
        self.annotator_label = QLabel(f"annotator: {self.session.annotator.name}")
        self.model_label = QLabel("model: —")
        self.saved_label = QLabel("saved ✓")
        self.saved_label.setObjectName("savedState")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_work)
        for w in (self.db_label, self.annotator_label, self.model_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.saved_label)
        self._update_model_label()
        self.resize(1500, 880)
        self.resizeDocks([self.doc_dock, self.label_dock], [470, 290], Qt.Orientation.Horizontal)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        name: str = "",
        reading: bool = False,
    ) -> QAction:
        """An action with a shortcut. ``reading`` actions have single-key shortcuts (1-9, N, X,
        Enter...) that must not fire while the analyst types in a text field: they are active
        only when the focus is in the reading pane, the document list or the label panel."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        if name:
            action.setObjectName(name)
        if reading:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in (self.pane, self.doc_view, self.label_panel):
                widget.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_import = a("&Import files…", self.import_files_dialog, "Ctrl+O", "actionImport")
        self.act_import_folder = a("Import &folder…", self.import_folder_dialog, "Ctrl+Shift+O")
        self.act_import_annotations = a(
            "Import &annotations…", self.import_annotations_dialog, None, "actionImportAnnotations"
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
        self.act_accept = a("&Accept suggestion", self.accept_current, None, "actionAccept", True)
        self.act_accept.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_delete = a("&Reject / delete span", self.delete_current, None, "actionDelete", True)
        self.act_delete.setShortcuts([QKeySequence("X"), QKeySequence(Qt.Key.Key_Delete)])
        self.act_accept_all = a("Accept a&ll suggestions", self.accept_all, "Ctrl+Shift+A", "actionAcceptAll")
        self.act_next_sugg = a("&Next suggestion", lambda: self.step_suggestion(True), "N", "", True)
        self.act_prev_sugg = a("&Previous suggestion", lambda: self.step_suggestion(False), "P", "", True)
        self.act_next_doc = a("Next &document", lambda: self.step_document(1), "J", "", True)
        self.act_prev_doc = a("Previous d&ocument", lambda: self.step_document(-1), "K", "", True)
        self.act_escape = a("Clear selection", self.clear_current, "Esc", "", True)
        self.act_details = a("Document &details…", self.toggle_meta_form, "Ctrl+I")
        self.act_done = a("Mark &done", lambda: self.set_status(Status.DONE), "Ctrl+D")
        self.act_in_progress = a("Mark &in progress", lambda: self.set_status(Status.IN_PROGRESS), "Ctrl+Shift+D")
        self.act_todo = a("Mark &to do", lambda: self.set_status(Status.TODO))
        self.label_actions: list[QAction] = []
        for label in self.labels:
            act = a(
                f"Label as {label.name}",
                lambda name=label.name: self.apply_label(name),  # type: ignore[misc]
                label.key or None,
                f"actionLabel_{label.name}",
                True,
            )
            self.label_actions.append(act)
        self.act_suggestions = a("Show &suggestions", self.toggle_suggestions, "Ctrl+1")
        self.act_suggestions.setCheckable(True)
        self.act_suggestions.setChecked(self.settings.show_suggestions)
        self.pane.set_show_suggestions(self.settings.show_suggestions)
        self.act_bigger = a("&Larger text", lambda: self.change_font(+1), QKeySequence.StandardKey.ZoomIn)
        self.act_smaller = a("&Smaller text", lambda: self.change_font(-1), QKeySequence.StandardKey.ZoomOut)
        self.act_filter = a("&Filter documents", self._focus_filter, "Ctrl+F")
        self.act_search = a("&Search the corpus…", self.focus_search, "Ctrl+Shift+F", "actionSearch")
        self.act_corpus = a("&Corpus views…", self.open_corpus_views, "Ctrl+Shift+V", "actionCorpusViews")
        self.act_shortcuts = a("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.act_about = a("&About annotator", self.show_about)
        self.act_tour = a("&Guided tour", self.show_tour)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for act in (
            self.act_import, self.act_import_folder, self.act_import_annotations, None,
            self.act_export, None, self.act_quit,
        ):
            file_menu.addSeparator() if act is None else file_menu.addAction(act)
        edit = bar.addMenu("&Edit")
        for act in (self.act_undo, self.act_redo, None, self.act_details, self.act_filter, self.act_search):
            edit.addSeparator() if act is None else edit.addAction(act)
        view = bar.addMenu("&View")
        view.addAction(self.act_suggestions)
        view.addAction(self.act_bigger)
        view.addAction(self.act_smaller)
        view.addMenu(appearance_menu(self, self.qsettings))
        view.addSeparator()
        view.addAction(self.doc_dock.toggleViewAction())
        view.addAction(self.label_dock.toggleViewAction())
        view.addAction(self.search_dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self.act_corpus)
        annotate = bar.addMenu("&Annotate")
        label_menu = annotate.addMenu("&Label as")
        for act in self.label_actions:
            label_menu.addAction(act)
        for act in (
            self.act_accept, self.act_delete, self.act_accept_all, None,
            self.act_next_sugg, self.act_prev_sugg, self.act_next_doc, self.act_prev_doc, None,
            self.act_todo, self.act_in_progress, self.act_done,
        ):
            annotate.addSeparator() if act is None else annotate.addAction(act)
        self.analysis.fill_menus(view, annotate)
        review = bar.addMenu("&Review")
        review.addAction(self.act_review)
        review.addAction(self.act_import_annotations)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_tour)
        help_menu.addAction(self.act_about)

    # -- state ----------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._restore_document_list()
        last = self.qsettings.value("session/document")
        try:
            last_id = int(last) if last is not None else None
        except (TypeError, ValueError):
            last_id = None
        if last_id is not None and self.doc_model.row_of(last_id) is not None:
            self.select_document(last_id)
        elif self.doc_model.rowCount() and self.doc_id is None:
            self.doc_view.selectRow(0)

    def _restore_document_list(self) -> None:
        """The document list's sort column and order and its filter text, as last left."""

        def number(key: str, default: int) -> int:
            try:
                return int(str(self.qsettings.value(key, default)))
            except (TypeError, ValueError):
                return default

        column = number("documents/sort_column", -1)
        order = number("documents/sort_order", Qt.SortOrder.AscendingOrder.value)
        if 0 <= column < self.doc_model.columnCount() and order in (0, 1):
            self.doc_view.sortByColumn(column, Qt.SortOrder(order))
        needle = self.qsettings.value("documents/filter", "")
        if isinstance(needle, str) and needle:
            self.filter_edit.setText(needle)

    def save_state(self) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        if self.doc_id is not None:
            self.qsettings.setValue("session/document", self.doc_id)
        header = self.doc_view.horizontalHeader()
        self.qsettings.setValue("documents/sort_column", header.sortIndicatorSection())
        self.qsettings.setValue("documents/sort_order", header.sortIndicatorOrder().value)
        self.qsettings.setValue("documents/filter", self.filter_edit.text())
        self.qsettings.sync()
        self.settings.font_size = self.pane.font_size()
        self.settings.show_suggestions = self.act_suggestions.isChecked()
        self.settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.leave_review()
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.worker.wait(60000)
        if self._model_loader is not None and self._model_loader.running:
            self._model_loader.wait(60000)  # a model load cannot be interrupted; it is short
        self.save_state()
        super().closeEvent(event)

    # -- documents ------------------------------------------------------------------------------

    def refresh_documents(self) -> None:
        self.doc_model.set_listing(self.store.document_listing())
        if self.doc_id is not None:
            row = self.doc_model.row_of(self.doc_id)
            if row is not None:
                self._select_row_quietly(self.doc_id)

    def _document_summaries(self, doc_ids: list[int] | None) -> list[DocumentSummary]:
        return self.store.summaries(self.session.annotator.id, doc_ids)

    def _select_row_quietly(self, doc_id: int) -> None:
        row = self.doc_model.row_of(doc_id)
        if row is None:
            return
        proxy_index = self.doc_proxy.mapFromSource(self.doc_model.index(row, 0))
        if proxy_index.isValid():
            sm = self.doc_view.selectionModel()
            sm.blockSignals(True)
            sm.setCurrentIndex(
                proxy_index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            sm.blockSignals(False)
            self.doc_view.scrollTo(proxy_index)

    def select_document(self, doc_id: int) -> None:
        """Open a document and select its row in the list."""
        self._select_row_quietly(doc_id)
        if doc_id != self.doc_id:
            self.open_document(doc_id)

    def _doc_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        source = self.doc_proxy.mapToSource(current)
        doc_id = self.doc_model.doc_id(source.row())
        if doc_id != self.doc_id:
            self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        doc = self.store.get_document(doc_id)
        self.doc_id = doc_id
        self.close_meta_form()
        self.pane.set_text(doc.text, doc.meta.lang)
        side = Qt.AlignmentFlag.AlignRight if self.pane.is_rtl() else Qt.AlignmentFlag.AlignLeft
        self.title_label.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        self._show_meta(doc.meta, doc.status)
        self._load_first_screen()
        self.label_panel.show_span(None, "")
        self.analysis.document_opened(doc_id)

    def step_document(self, delta: int) -> None:
        rows = self.doc_proxy.rowCount()
        if not rows:
            return
        current = self.doc_view.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        row = max(0, min(rows - 1, row))
        self.doc_view.setCurrentIndex(self.doc_proxy.index(row, 0))
        self.pane.setFocus()

    def _show_meta(self, meta: DocumentMeta, status: Status) -> None:
        self._doc_meta = meta
        self._doc_status = status
        self.title_label.setText(meta.title or meta.filename or "Untitled")
        parts = [meta.source or "outlet unknown", meta.date or "no date", (meta.lang or "?").upper()]
        if meta.filename:
            parts.append(meta.filename)
        self.meta_label.setText(" · ".join(parts))
        self.status_combo.setCurrentIndex(list(Status).index(status))
        self.setWindowTitle(f"{meta.title or meta.filename} — annotator")

    def _load_first_screen(self) -> None:
        """The spans of the first screen now, the others after the first paint, a stretch of
        text per pass of the event loop: a long article with tens of thousands of spans opens as
        fast as its bare text, and the window answers while the rest loads."""
        doc_id = self.doc_id
        if doc_id is None:
            return
        first = self.pane.first_screen()
        if first[1] >= len(self.pane.text()):
            self._refresh_spans()  # the whole text is on the first screen
            return
        own = self.session.own_spans(doc_id, first)
        suggestions = self.session.suggestions(doc_id, own, first)

        def load_rest() -> None:
            if self.doc_id == doc_id:
                self._refresh_spans()

        self.pane.set_first_spans(first, own, suggestions, load_rest)
        self._label_counts = Counter()  # counted once every span is there
        self.label_panel.set_counts(self._label_counts)
        self._span_loader.start()

    def _load_more_spans(self) -> None:
        """The next stretch of the open document's spans (see ``_load_first_screen``)."""
        doc_id = self.doc_id
        if doc_id is None or self.pane.spans_complete():
            return
        a = self.pane.loaded_until()
        b = min(len(self.pane.text()), a + SPAN_CHUNK_CHARS)
        own = self.session.own_spans(doc_id, (a, b))
        suggestions = self.session.suggestions(doc_id, own, (a, b))
        if self.pane.extend_first_spans(b, own, suggestions):
            self._label_counts = Counter(
                i.span.label for i in self.pane.shown_spans() if not i.suggestion
            )
            self.label_panel.set_counts(self._label_counts)
        else:
            self._span_loader.start()

    def _refresh_spans(self, starting: tuple[int, int] | None = None) -> None:
        """Reload the open document's spans: all of them, or those starting in ``starting``
        (the range a change touched; the label counts are adjusted by what was replaced)."""
        if self.doc_id is None:
            return
        if starting is not None and self.pane.spans_complete():
            own = self.session.own_spans(self.doc_id, starting)
            suggestions = self.session.suggestions(self.doc_id, own, starting)
            removed, added = self.pane.update_spans(starting, own, suggestions)
            self._label_counts.subtract(i.span.label for i in removed if not i.suggestion)
            self._label_counts.update(i.span.label for i in added if not i.suggestion)
            self._label_counts = +self._label_counts  # drop labels counted down to zero
        else:
            own = self.session.own_spans(self.doc_id)
            suggestions = self.session.suggestions(self.doc_id, own)
            self.pane.set_spans(own, suggestions)
            self._label_counts = Counter(s.label for s in own)
        self.label_panel.set_counts(self._label_counts)
        self.label_panel.show_span(self.pane.current, self.pane.text())

    # -- commands -------------------------------------------------------------------------------

    def run_command(self, command: Command) -> bool:
        """Run a command now (saved before this returns) and put it on the undo stack."""
        if not self.run_step(command.do):
            return False
        self.undo_stack.push(UndoAdapter(command, self))
        return True

    def run_step(self, step: Callable[[], Change]) -> bool:
        self.saved_label.setText("saving…")
        try:
            change = step()
        except ConflictError as exc:
            # Another instance changed this since it was shown: show the newer work, never
            # overwrite it silently.
            self.saved_label.setText("not saved ✗")
            self.dialogs.error("Changed elsewhere", f"{exc}\n\nThe document has been reloaded.")
            self.reload_from_database()
            return False
        except AnnotatorError as exc:
            self.saved_label.setText("not saved ✗")
            self.dialogs.error("Could not save", str(exc))
            return False
        self.apply_change(change)
        self.saved_label.setText("saved ✓")
        return True

    def reload_from_database(self) -> None:
        """Show what the database holds now (after another instance changed it)."""
        self.refresh_documents()
        if self.doc_id is not None:
            doc = self.store.get_document(self.doc_id)
            self._show_meta(doc.meta, doc.status)
            self._refresh_spans()

    def apply_change(self, change: Change) -> None:
        if change.document_id and change.document_id != self.doc_id:
            # Undo/redo of work in another document: show it where it happens.
            self.select_document(change.document_id)
        else:
            if change.spans:
                self._refresh_spans(change.span_range)
            # Actors, events, framing: the panels refresh what the change says (0: no document).
            self.analysis.apply_change(change)
        if not change.document_id:
            return
        if change.meta or change.status:
            doc = self.store.get_document(change.document_id)
            self._show_meta(doc.meta, doc.status)
            # Title, outlet, status... at once: filtering and sorting read them.
            self.doc_model.set_listing_row(
                (change.document_id, doc.meta.title, doc.meta.source, doc.meta.lang,
                 doc.meta.date, doc.status.value, doc.meta.filename)
            )
        # The row's span counts are read again when the list next paints it.
        self.doc_model.refresh_rows([change.document_id])

    # -- annotation actions ---------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """Label the selection; without one, relabel the current span (or accept it as that)."""
        if self.doc_id is None:
            return
        selection = self.pane.selection_codepoints()
        if selection is not None:
            start, end = selection
            matching = self.pane.spans_matching(start, end)
            existing = [i for i in matching if not i.suggestion and i.span.layer == "entity"]
            if existing:
                if existing[0].span.label != label and existing[0].span.id is not None:
                    self.run_command(
                        self.session.relabel(
                            self.doc_id, existing[0].span.id, label, expected=existing[0].span.label
                        )
                    )
            else:
                self.run_command(self.session.add(self.doc_id, [Span(start, end, label)], f"Label as {label}"))
            self.pane.clear_selection()
            self._make_current(start, end)
            return
        current = self.pane.current
        if current is None:
            self.statusBar().showMessage("Select some text first, or pick a span (N / click).", 4000)
            return
        if current.span.layer != "entity":  # an event trigger or a passage: label its words
            self.pane.select_codepoints(current.span.start, current.span.end)
            self.apply_label(label)
        elif current.suggestion:
            self.run_command(self.session.accept(self.doc_id, [current.span], label))
            self._make_current(current.span.start, current.span.end)
        elif current.span.label != label and current.span.id is not None:
            self.run_command(
                self.session.relabel(self.doc_id, current.span.id, label, expected=current.span.label)
            )

    def _make_current(self, start: int, end: int) -> None:
        for item in self.pane.spans_matching(start, end):
            if not item.suggestion:
                self.pane.set_current(item, reveal=False)
                break
        self.label_panel.show_span(self.pane.current, self.pane.text())

    def accept_current(self) -> None:
        current = self.pane.current
        if self.doc_id is None or current is None or not current.suggestion:
            return
        # A name of a known actor is accepted as a mention of it (its proposed actor).
        if self.run_command(self.analysis.accept_command(current.span)):
            self._make_current(current.span.start, current.span.end)

    def delete_current(self) -> None:
        current = self.pane.current
        if self.doc_id is None or current is None or current.span.id is None:
            return
        if self.analysis.delete_span(current):  # an event trigger: its event goes
            self.pane.set_current(None, reveal=False)
            return
        text = "Reject suggestion" if current.suggestion else "Delete span"
        if self.run_command(self.session.delete(self.doc_id, [current.span.id], text)):
            self.pane.set_current(None, reveal=False)
            self.label_panel.show_span(None, "")

    def accept_all(self) -> None:
        if self.doc_id is None:
            return
        suggestions = [i.span for i in self.pane.shown_spans() if i.suggestion]
        if not suggestions:
            self.statusBar().showMessage("No suggestions left in this document.", 4000)
            return
        # Overlapping suggestions would overlap as confirmed spans too: that is allowed (nested
        # entities are valid), so all are accepted.
        self.run_command(self.session.accept(self.doc_id, suggestions))

    def step_suggestion(self, forward: bool) -> None:
        item = self.pane.step_suggestion(forward)
        self.label_panel.show_span(item, self.pane.text())
        if item is None:
            self.statusBar().showMessage("No suggestions left in this document.", 4000)

    def clear_current(self) -> None:
        self.pane.clear_selection()
        self.pane.set_current(None, reveal=False)
        self.label_panel.show_span(None, "")
        if self.meta_form.isVisible():
            self.close_meta_form()

    def set_status(self, status: Status) -> None:
        if self.doc_id is None or status == self._doc_status:
            return
        self.run_command(self.session.set_status(self.doc_id, status, expected=self._doc_status))

    def _status_chosen(self, index: int) -> None:
        self.set_status(Status(self.status_combo.itemData(index)))

    def _span_clicked(self, item: ShownSpan, _global_pos: QPoint) -> None:
        # A click makes the span current: its card shows Accept/Delete, and the keys (Enter, X,
        # 1-9) act on it. The right button opens the same actions as a menu.
        self.label_panel.show_span(item, self.pane.text())

    def span_menu(self, item: ShownSpan) -> QMenu:
        """The small popup on a highlight: accept, relabel, delete."""
        menu = QMenu(self)
        menu.setObjectName("spanMenu")
        if item.suggestion:
            menu.addAction(self.act_accept)
        relabel = menu.addMenu("Label as" if item.suggestion else "Relabel as")
        for act in self.label_actions:
            relabel.addAction(act)
        menu.addAction(self.act_delete)
        return menu

    def _context_menu(self, item: ShownSpan | None, global_pos: QPoint) -> None:
        if item is not None:
            self.label_panel.show_span(item, self.pane.text())
            self.span_menu(item).popup(global_pos)
            return
        if self.pane.selection_codepoints() is None:
            return
        menu = QMenu(self)
        sub = menu.addMenu("Label selection as")
        for act in self.label_actions:
            sub.addAction(act)
        menu.popup(global_pos)

    def _pane_cursor_moved(self) -> None:
        if self.pane.textCursor().hasSelection() and self.pane.current is not None:
            self.pane.set_current(None, reveal=False)
            self.label_panel.show_span(None, "")

    # -- metadata -------------------------------------------------------------------------------

    def toggle_meta_form(self) -> None:
        if self.meta_form.isVisible():
            self.close_meta_form()
            return
        if self.doc_id is None:
            return
        self.meta_form.load(self._doc_meta)
        self.meta_form.show()
        self.meta_form.fields["title"].setFocus()
        self.meta_form.fields["title"].selectAll()

    def close_meta_form(self) -> None:
        self.meta_form.hide()
        self.pane.setFocus()

    def save_meta_form(self) -> None:
        if self.doc_id is None:
            return
        result = self.meta_form.read(self._doc_meta)
        if isinstance(result, str):
            self.meta_form.error.setText(result)
            return
        if result != self._doc_meta:
            self.run_command(self.session.set_meta(self.doc_id, result, expected=self._doc_meta))
        self.close_meta_form()

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

    def _focus_filter(self) -> None:
        self.doc_dock.show()
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(dialog)
        browser = QTextBrowser()
        rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        labels = "".join(f"<tr><td><b>{lb.key}</b></td><td>{lb.name}: {lb.description}</td></tr>" for lb in self.labels)
        browser.setHtml(f"<table cellpadding=4>{rows}</table><h4>Labels</h4><table cellpadding=4>{labels}</table>")
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(560, 560)
        dialog.show()
        self._shortcuts_dialog = dialog

    def show_tour(self) -> None:
        from annotator.gui.first_run import show_tour

        show_tour(self)

    def show_about(self) -> None:
        self.dialogs.info(
            "About annotator",
            f"annotator {__version__}\nKeyboard-first annotation of news articles.\n\nDatabase: {self.store.path}",
        )

    def preload_models(self) -> None:
        """Load spaCy and the pipeline of the corpus's main language on a worker thread once
        the window is up, so that the window opens at once and the first import does not wait
        for the model (other languages load when an import needs them)."""
        if self.registry is None or self._model_loader is not None:
            return
        registry = self.registry
        langs = Counter(self.doc_model.languages())
        ranked = [lang for lang, _n in langs.most_common() if registry.candidates(lang)]
        lang = ranked[0] if ranked else "en"

        def work(_state: TaskState) -> object:
            return registry.load(lang)

        self._model_loader = Worker(work, self)
        self._model_loader.failed.connect(lambda _exc, _tb: None)  # an import reports it later
        self._model_loader.start()

    def models_loading(self) -> bool:
        """Whether the start-up loading of a model is still running."""
        return self._model_loader is not None and self._model_loader.running

    def _update_model_label(self) -> None:
        if self.registry is None:
            self.model_label.setText("model: off (no pre-annotation)")
            return
        langs = sorted({"en", "fr", *self.registry.overrides})
        names = []
        for lang in langs:
            found = self.registry.available(lang)
            names.append(f"{lang}: {found}" if found else f"{lang}: none installed (no suggestions)")
        note = f" · {self._model_note}" if self._model_note else ""
        self.model_label.setText("model: " + ", ".join(names) + note)

    # -- import / export ------------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        paths = self.dialogs.open_paths("Import articles", str(Path.home()), "Articles (*.txt *.jsonl);;All files (*)")
        if paths:
            self.start_import(paths)

    def import_folder_dialog(self) -> None:
        paths = self.dialogs.open_paths("Import a folder of articles", str(Path.home()), "", folder=True)
        if paths:
            self.start_import(paths)

    def start_import(self, paths: list[Path]) -> None:
        """Import (and pre-annotate) in the background, with progress and cancel."""
        if self.worker is not None and self.worker.running:
            self.dialogs.error("Busy", "An import is already running; wait for it or cancel it.")
            return
        from annotator.services.importing import import_paths

        store, labels, registry = self.store, self.labels, self.registry

        def work(state: TaskState) -> object:
            return import_paths(store, paths, labels, registry, state)

        self._start_worker(work, "Importing", self._import_done)

    def _start_worker(
        self,
        fn: Callable[[TaskState], object],
        what: str,
        done: Callable[[object], None],
        failed: Callable[[object, str], None] | None = None,
    ) -> None:
        self._work_title = what
        self.worker = Worker(fn, self)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(done)
        self.worker.failed.connect(failed or self._worker_failed)
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{what}…")
        self.progress.show()
        self.cancel_button.show()
        self.worker.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"%v/%m {message[:30]}")
        self.progress.setToolTip(plain_tip(message))

    def cancel_work(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.progress.setFormat("cancelling…")

    def _end_work(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def _import_done(self, report: object) -> None:
        from annotator.services.importing import ImportReport

        self._end_work()
        assert isinstance(report, ImportReport)
        self.refresh_documents()
        if report.models:
            self.model_label.setText("model: " + ", ".join(f"{k}: {v}" for k, v in sorted(report.models.items())))
        if report.notices:
            self._model_note = "; ".join(report.notices)
            self.model_label.setText(self.model_label.text() + " · " + self._model_note)
        summary = f"{len(report.added)} imported, {len(report.skipped)} already there"
        if report.cancelled:
            summary += " (cancelled)"
        self.statusBar().showMessage(summary, 8000)
        if self.doc_id is None and self.doc_model.rowCount():
            first = report.added[0][1] if report.added else self.doc_model.summary(0).id
            self.select_document(first)

    def _worker_failed(self, exc: object, tb: str) -> None:
        self._end_work()
        what = getattr(self, "_work_title", "Work")
        title = "Nothing was imported" if what == "Importing" else f"{what} failed"
        if isinstance(exc, InputErrors):
            self.dialogs.error(title, exc.message)
        elif isinstance(exc, AnnotatorError):
            self.dialogs.error(title, str(exc))
        else:
            self.dialogs.error("Unexpected error", f"{exc}\n\n{tb}")

    # -- review ---------------------------------------------------------------------------------

    def import_annotations_dialog(self) -> None:
        """Colleagues' annotation files, each imported as an annotation set (gui/annotation_import.py)."""
        from annotator.gui.annotation_import import FILTERS, AnnotationImport

        if self.worker is not None and self.worker.running:
            self.dialogs.error("Busy", "Work is already running; wait for it or cancel it.")
            return
        paths = self.dialogs.open_paths("Import annotations", str(Path.home()), FILTERS)
        if paths:
            self._annotation_import = AnnotationImport(self, paths)
            self._annotation_import.start()

    def start_review(self) -> None:
        from annotator.gui.review import start_review

        start_review(self)

    def show_review(self, view: QWidget) -> None:
        """Show a review view in place of the reading pane (and the docks), focus in it."""
        if self.stack.indexOf(view) < 0:
            self.stack.addWidget(view)
        if self.review_view is None or self.stack.currentWidget() is not view:
            if self.stack.currentIndex() == 0:
                self._docks_before_review = [
                    d for d in (self.doc_dock, self.label_dock, self.search_dock, *self.analysis.docks)
                    if d.isVisible()
                ]
                for dock in self._docks_before_review:
                    dock.hide()
            self.stack.setCurrentWidget(view)
            view.setFocus()
        self.review_view = view

    def leave_review(self) -> None:
        """Back to the reading pane; the review's decisions stay on the undo stack."""
        view = self.review_view
        if view is None or self.stack.currentWidget() is not view:
            return
        view.shutdown()  # type: ignore[attr-defined]
        self.stack.setCurrentIndex(0)
        for dock in self._docks_before_review:
            dock.show()
        self._docks_before_review = []
        self.refresh_documents()
        if self.doc_id is not None:
            self.open_document(self.doc_id)
        self.pane.setFocus()

    def export_dialog(self, annotator: str | None = None) -> None:
        """Choose format, set and filters; export in the background; offer to open the folder."""
        from annotator.formats.atomic import OverwriteError
        from annotator.services.exporting import ExportFilters, export

        folder = PROJECT_EXPORTS if PROJECT_EXPORTS.is_dir() else Path.home()
        names = [a.name for a in self.store.annotators()]
        options = self.dialogs.export_options(names, annotator or self.session.annotator.name, folder)
        if options is None:
            return
        store = self.store

        def run(overwrite: bool) -> None:
            def work(state: TaskState) -> object:
                return export(
                    store,
                    options.path,
                    options.fmt,
                    ExportFilters(
                        annotator=options.annotator,
                        status=options.status,
                        labels=options.labels,
                        layers=options.layers,
                        date_from=options.date_from,
                        date_to=options.date_to,
                    ),
                    split=options.split,
                    seed=options.seed,
                    overwrite=overwrite,
                    task=state,
                )

            self._start_worker(work, "Exporting", self._export_done)

        from annotator.services.exporting import split_paths

        targets = split_paths(options.path, options.fmt) if options.split is not None else (options.path,)
        existing = [str(t) for t in targets if Path(t).exists()]
        if existing:
            if not self.dialogs.confirm("Replace?", "Already there:\n" + "\n".join(existing) + "\nReplace?"):
                return
        try:
            run(overwrite=bool(existing))
        except OverwriteError as exc:  # pragma: no cover - the check above comes first
            self.dialogs.error("Export", str(exc))

    def _export_done(self, report: object) -> None:
        from annotator.services.exporting import ExportReport

        self._end_work()
        assert isinstance(report, ExportReport)
        self.last_export = report
        lines = report.lines(limit=30)
        self.statusBar().showMessage(lines[-1] if lines else "Exported", 8000)
        folder = report.files[0].parent if report.files else None
        message = "\n".join(lines) + "\n\nOpen the folder?"
        if folder is not None and self.dialogs.confirm("Export finished", message):
            self.dialogs.open_folder(folder)
