"""The window's menu bar: which action sits in which menu.

The actions themselves are made where their work is (the window's own in ``main_window.py``,
the span keys in ``annotation_actions.py``, actors, events and framing in ``analysis_docks.py``);
this module only arranges them into File, Edit, View, Annotate, Review, Model and Help
(the Model menu's own actions are made in ``model_menu.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QMenu

from annotator.gui.theme import appearance_menu

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QMenuBar, QWidget

    from annotator.gui.analysis_docks import AnalysisDocks
    from annotator.gui.annotation_actions import AnnotationActions
    from annotator.gui.database_switch import DatabaseSwitch
    from annotator.gui.documents_dock import DocumentsDock
    from annotator.gui.model_menu import ModelMenu


class MenuHost(Protocol):
    """The window as the menus see it: its actions and docks."""

    qsettings: QSettings
    annotate: AnnotationActions
    analysis: AnalysisDocks
    doc_dock: DocumentsDock
    models: ModelMenu
    databases: DatabaseSwitch
    label_dock: QDockWidget
    search_dock: QDockWidget
    act_import: QAction
    act_import_folder: QAction
    act_import_annotations: QAction
    act_export: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    act_details: QAction
    act_filter: QAction
    act_search: QAction
    act_suggestions: QAction
    act_bigger: QAction
    act_smaller: QAction
    act_corpus: QAction
    act_next_doc: QAction
    act_prev_doc: QAction
    act_todo: QAction
    act_in_progress: QAction
    act_done: QAction
    act_review: QAction
    act_shortcuts: QAction
    act_tour: QAction
    act_about: QAction

    def menuBar(self) -> QMenuBar: ...  # noqa: N802

    def window(self) -> QWidget: ...


def fill(menu: QMenu, actions: Sequence[QAction | None]) -> None:
    """Add ``actions`` to ``menu`` in order, a separator for each None."""
    for action in actions:
        menu.addSeparator() if action is None else menu.addAction(action)


def build_menus(w: MenuHost) -> None:
    bar = w.menuBar()
    fill(
        bar.addMenu("&File"),
        [w.act_import, w.act_import_folder, w.act_import_annotations, None, w.act_export, None,
         w.databases.act_connect, w.databases.act_open_local, None, w.act_quit],
    )
    fill(bar.addMenu("&Edit"), [w.act_undo, w.act_redo, None, w.act_details, w.act_filter, w.act_search])
    view = bar.addMenu("&View")
    fill(view, [w.act_suggestions, w.act_bigger, w.act_smaller])
    view.addMenu(appearance_menu(w.window(), w.qsettings))
    view.addSeparator()
    fill(view, [d.toggleViewAction() for d in (w.doc_dock, w.label_dock, w.search_dock)])
    fill(view, [None, w.act_corpus])
    annotate = bar.addMenu("&Annotate")
    fill(annotate.addMenu("&Label as"), w.annotate.label_actions)
    span = w.annotate
    fill(
        annotate,
        [
            span.act_accept, span.act_delete, span.act_accept_all, None,
            span.act_next_sugg, span.act_prev_sugg, w.act_next_doc, w.act_prev_doc, None,
            w.act_todo, w.act_in_progress, w.act_done,
        ],
    )
    w.analysis.fill_menus(view, annotate)
    fill(bar.addMenu("&Review"), [w.act_review, w.act_import_annotations])
    fill(bar.addMenu("&Model"), w.models.actions)
    fill(bar.addMenu("&Help"), [w.act_shortcuts, w.act_tour, w.act_about])
