"""What the parts of the GUI need from the main window, as small protocols.

A panel, a dialog or a mode that works inside the main window asks for the few things it uses —
the store, the dialog seam, the reading pane, the command runner — through one of these
protocols, never through the ``MainWindow`` class: so nothing below the window imports
``main_window.py``, and no two GUI modules import each other. The window satisfies every
protocol here structurally; a test may hand a part anything else that does.

``window()`` is Qt's ``QWidget.window()``: the top-level widget, the parent of cards and tool
windows that belong to the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QPoint, QSettings, Qt
    from PySide6.QtGui import QAction, QKeySequence, QUndoStack
    from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QStatusBar, QTableView, QWidget

    from annotator.core.labels import LabelSet
    from annotator.core.model import Span
    from annotator.core.schema import Schema
    from annotator.gui.background_work import BackgroundWork
    from annotator.gui.dialogs import Dialogs
    from annotator.gui.doclist import DocumentFilterModel, DocumentTableModel
    from annotator.gui.frame_panel import FramePanel
    from annotator.gui.label_panel import LabelPanel
    from annotator.gui.reading_pane import ReadingPane, ShownSpan
    from annotator.gui.span_loading import SpanLoader
    from annotator.gui.workers import Worker
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.services.annotate import AnnotationSession, Command
    from annotator.settings import Settings
    from annotator.store.database import Store

T = TypeVar("T", bound="QObject")


class ActionFactory(Protocol):
    """Makes a window action with a shortcut (``gui/shortcuts.py``): ``reading`` actions have
    single-key shortcuts active only while the focus is in the reading pane, the document list
    or the label panel."""

    def __call__(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        name: str = "",
        reading: bool = False,
    ) -> QAction: ...


class Host(Protocol):
    """The data, the dialog seam and the status bar of the window."""

    store: Store
    session: AnnotationSession
    labels: LabelSet
    dialogs: Dialogs
    qsettings: QSettings

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def window(self) -> QWidget: ...


class ReadingHost(Host, Protocol):
    """A host with the reading pane and the open document (0 or None: none open)."""

    pane: ReadingPane

    @property
    def doc_id(self) -> int | None: ...


class CommandHost(Protocol):
    """Runs a service command now and puts it on the undo stack; False when it was refused."""

    def run_command(self, command: Command) -> bool: ...


class WorkHost(Protocol):
    """The window's one background job (import, export...), with its progress in the status bar."""

    work: BackgroundWork


class DocumentHost(ReadingHost, CommandHost, Protocol):
    """The open document and the command runner: what the parts that change it need."""


class RegionHost(DocumentHost, Protocol):
    """What the marked regions of the reading pane need (``gui/region_marks.py``)."""

    @property
    def action(self) -> ActionFactory: ...


class RegionHooks(Protocol):
    """What the span keys and menus ask of the marked regions (``gui/region_marks.py``)."""

    def blocks(self, start: int, end: int) -> bool: ...

    def add_to_menu(self, menu: QMenu, global_pos: QPoint) -> bool: ...


class AnalysisHooks(Protocol):
    """What the span keys ask the actor and event docks (``gui/analysis_docks.py``)."""

    def accept_command(self, span: Span) -> Command: ...

    def accept_trigger(self, span: Span) -> None: ...

    def delete_span(self, item: ShownSpan) -> bool: ...


class AnnotateHost(DocumentHost, Protocol):
    """What the span keys and menus need (``gui/annotation_actions.py``)."""

    label_panel: LabelPanel

    @property
    def action(self) -> ActionFactory: ...

    @property
    def analysis(self) -> AnalysisHooks: ...

    @property
    def region_marks(self) -> RegionHooks: ...

    @property
    def meta_form(self) -> QWidget: ...

    def close_meta_form(self) -> None: ...


class AnalysisHost(ReadingHost, CommandHost, Protocol):
    """What the actor, event and framing docks need (``gui/analysis_docks.py``)."""

    label_dock: QDockWidget
    registry: PipelineRegistry | None  # the spaCy pipelines, for proposing an event's roles

    @property
    def action(self) -> ActionFactory: ...

    @property
    def region_marks(self) -> RegionHooks: ...

    def addDockWidget(self, area: Qt.DockWidgetArea, dockwidget: QDockWidget, /) -> None: ...  # noqa: N802

    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget, /) -> None: ...  # noqa: N802


class DocumentsHost(Protocol):
    """The document list of the window: its models, and opening one of its documents."""

    doc_model: DocumentTableModel
    doc_proxy: DocumentFilterModel

    def select_document(self, doc_id: int) -> None: ...

    def refresh_documents(self) -> None: ...


class AnnotationImportHost(Host, DocumentsHost, WorkHost, Protocol):
    """What File > Import annotations… needs (``gui/annotation_import.py``)."""

    schema: Schema

    @property
    def doc_id(self) -> int | None: ...


class ImportExportHost(AnnotationImportHost, Protocol):
    """What the import and export commands need (``gui/import_export.py``)."""

    registry: PipelineRegistry | None
    settings: Settings


class FirstRunHost(ReadingHost, Protocol):
    """What the sample-corpus offer and the tour card need (``gui/first_run.py``)."""

    @property
    def worker(self) -> Worker | None: ...

    def start_import(self, paths: list[Path]) -> None: ...

    def findChild(  # noqa: N802
        self, type: type[T], /, name: str = ..., options: Qt.FindChildOption = ...
    ) -> T | None: ...


class PassageHost(ReadingHost, Protocol):
    """Opens a passage in the window for annotating (corpus views, story comparison)."""

    def open_passage(self, doc_id: int, start: int, end: int) -> None: ...

    def raise_(self) -> None: ...

    def activateWindow(self) -> None: ...  # noqa: N802


class CorpusHost(PassageHost, DocumentsHost, Protocol):
    """What the corpus window needs (``gui/corpus/window.py``): passages, and the list's scope."""

    def findChild(  # noqa: N802
        self, type: type[T], /, name: str = ..., options: Qt.FindChildOption = ...
    ) -> T | None: ...


@runtime_checkable
class ReviewScreen(Protocol):
    """A review view as the window shows it in place of the reading pane."""

    def shutdown(self) -> None: ...


class ReviewHost(ReadingHost, Protocol):
    """What review mode needs (``gui/review/``): the undo stack, the saved-state label, showing
    its view in place of the reading pane and leaving it, and exporting the gold set."""

    undo_stack: QUndoStack
    saved_label: QLabel

    def show_review(self, view: QWidget) -> None: ...

    def leave_review(self) -> None: ...

    def export_dialog(self, annotator: str | None = None) -> None: ...


class FrameSuggestionTarget(Protocol):
    """The framing dock as a model's suggestion reaches it: its form, loaded on demand."""

    frame_panel: FramePanel

    def sync(self, name: str, only_if_shown: bool = False) -> None: ...


class ModelHost(ReadingHost, WorkHost, Protocol):
    """What the Model menu needs (``gui/model_menu.py``): the settings that remember the chosen
    model, the document list (its languages, its doubt column), the background job, and the
    framing form to suggest frames in."""

    settings: Settings
    doc_model: DocumentTableModel
    doc_view: QTableView
    spans: SpanLoader  # the open document's spans, where the model's triggers join

    @property
    def action(self) -> ActionFactory: ...

    @property
    def analysis(self) -> FrameSuggestionTarget: ...
