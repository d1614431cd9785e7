"""The Model menu: train a model, list the trained ones, choose the one whose suggestions show.

- **Train…** opens the training dialog (``gui/train_dialog.py``: ``annotator train`` in its own
  process), writing into the models folder.
- **Models…** lists the trained models found in the models folders (the data directory's
  ``models/`` and any added with **Add model folder…**), each with its name, date, training set
  size and held-out scores per layer, read from the ``meta.json`` training writes
  (``services/trained_models.py``). The one chosen is the active model, remembered in the settings;
  a trained model named with ``--model`` on the command line wins for that run.
- With an active model, opening a document runs the model over it on a ``Worker`` thread
  (loading spaCy and the model there too, never on the GUI thread): its frames go to the framing
  form as a suggestion (``FramePanel.show_suggestion``), its event triggers to the reading pane
  (``SpanLoader.show_model_triggers``, merged with the trigger lexicon's), if the document is
  still the open one. One computation runs at a time; documents opened meanwhile are skipped but
  the last one, and so are documents in another language than the model's.
- **Rank by doubt** scores every document of the model's language with the model's doubt
  (``services/uncertainty.py``) as the window's background job (progress and cancel in the status
  bar), fills the list's Doubt column (the reason as its tooltip) and sorts the list by it, most
  doubtful first.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.tasks import TaskState
from annotator.gui.doclist import DOUBT
from annotator.gui.workers import Worker
from annotator.services.trained_models import TrainedModel, find_models, read_model
from annotator.services.training_layers import LAYERS
from annotator.settings import data_dir

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from annotator.gui.train_dialog import TrainDialog
    from annotator.gui.window_protocols import ModelHost
    from annotator.services.layer_suggestions import FrameSuggestion, ModelSuggestions, TriggerSuggestion
    from annotator.services.uncertainty import NextReport

PATH_ROLE = Qt.ItemDataRole.UserRole


def default_models_folder() -> Path:
    """Where training writes and the Models list looks first: the data directory's ``models/``."""
    return data_dir() / "models"


class ModelsDialog(QDialog):
    """Model > Models…: the trained models with their scores; one is chosen for suggestions."""

    def __init__(self, menu: ModelMenu, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu = menu
        self.setObjectName("modelsDialog")
        self.setWindowTitle("Trained models")
        layout = QVBoxLayout(self)
        self.folders_label = QLabel()
        self.folders_label.setObjectName("modelsFolders")
        self.folders_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folders_label.setWordWrap(True)
        layout.addWidget(self.folders_label)
        self.table = QTableWidget(0, 4 + len(LAYERS))
        self.table.setObjectName("modelsTable")
        self.table.setHorizontalHeaderLabels(
            ["", "Name", "Trained", "Documents", *(f"{layer} F1" for layer in LAYERS)]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.use_selected())
        layout.addWidget(self.table, 1)
        self.active_label = QLabel()
        self.active_label.setObjectName("modelsActive")
        self.active_label.setTextFormat(Qt.TextFormat.PlainText)
        self.active_label.setWordWrap(True)
        layout.addWidget(self.active_label)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add model folder…")
        self.add_button.setObjectName("modelsAddFolder")
        self.add_button.clicked.connect(self._add_folder)
        self.none_button = QPushButton("No suggestions")
        self.none_button.setObjectName("modelsNone")
        self.none_button.clicked.connect(lambda: self._choose(None))
        self.use_button = QPushButton("Use for suggestions")
        self.use_button.setObjectName("modelsUse")
        self.use_button.setDefault(True)
        self.use_button.clicked.connect(self.use_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for button in (self.none_button, self.use_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(820, 360)
        self.refresh()

    def refresh(self) -> None:
        folders = self.menu.folders()
        self.folders_label.setText("Looking in: " + "; ".join(str(f) for f in folders))
        self.models = find_models(folders)
        active = self.menu.active_path()
        self.table.setRowCount(len(self.models))
        for row, model in enumerate(self.models):
            cells = [
                "●" if active is not None and model.path.resolve() == active.resolve() else "",
                model.name,
                model.trained_at.strftime("%Y-%m-%d %H:%M"),
                str(model.documents),
            ]
            for layer in LAYERS:
                score = model.layers.get(layer)
                if score is None or not score.trained or score.f1 is None:
                    cells.append("—")
                else:
                    cells.append(f"{score.f1:.2f} ({score.train_docs}+{score.dev_docs})")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PATH_ROLE, str(model.path))
                item.setToolTip(_tooltip(model))
                self.table.setItem(row, col, item)
        if self.models and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.use_button.setEnabled(bool(self.models))
        if not self.models:
            self.active_label.setText("No trained model found yet: Model > Train… makes one.")
        elif active is None:
            self.active_label.setText("No model is used for suggestions.")
        else:
            note = " (named on the command line)" if self.menu.from_command_line else ""
            self.active_label.setText(f"Suggestions from: {active}{note}")

    def selected(self) -> TrainedModel | None:
        row = self.table.currentRow()
        return self.models[row] if 0 <= row < len(self.models) else None

    def use_selected(self) -> None:
        model = self.selected()
        if model is not None:
            self._choose(model.path)

    def _choose(self, path: Path | None) -> None:
        self.menu.choose(path)
        self.refresh()

    def _add_folder(self) -> None:
        chosen = self.menu.host.dialogs.open_paths(
            "Add a model folder", str(default_models_folder()), "", folder=True
        )
        if chosen:
            self.menu.add_folder(chosen[0])
            self.refresh()


def _tooltip(model: TrainedModel) -> str:
    lines = [str(model.path), f"language {model.lang or '?'}, {model.documents} annotated document(s)"]
    for layer in LAYERS:
        score = model.layers.get(layer)
        if score is None:
            continue
        if score.trained:
            f1 = f"F1 {score.f1:.2f}" if score.f1 is not None else "no score"
            lines.append(f"{layer}: {f1} on {score.dev_docs} held-out, {score.train_docs} trained on")
        else:
            lines.append(f"{layer}: not trained ({score.skipped or 'not chosen'})")
    return "\n".join(lines)


class ModelMenu(QObject):
    """The Model menu's actions, the active model, and its frame suggestions for open documents."""

    def __init__(self, host: ModelHost) -> None:
        super().__init__(host.window())
        self.host = host
        self.from_command_line = False
        self._active: Path | None = None
        self._choose_saved()
        self._nlp: dict[Path, Any] = {}  # loaded pipelines; touched only by the worker thread
        self._broken: dict[Path, str] = {}
        self._worker: Worker | None = None
        self._pending: int | None = None
        self.train_dialog: TrainDialog | None = None
        self.models_dialog: ModelsDialog | None = None
        self.last_suggestion: FrameSuggestion | None = None
        self.last_triggers: tuple[TriggerSuggestion, ...] = ()
        a = host.action
        self.act_train = a("&Train…", self.open_train, None, "actionTrain")
        self.act_models = a("&Models…", self.open_models, None, "actionModels")
        self.act_add_folder = a("&Add model folder…", self.add_folder_dialog, None, "actionAddModelFolder")
        self.act_rank = a("&Rank documents by doubt", self.rank_by_doubt, None, "actionRankByDoubt")
        self.ranking: NextReport | None = None

    @property
    def actions(self) -> list[QAction | None]:
        return [self.act_train, None, self.act_models, self.act_add_folder, None, self.act_rank]

    # -- which model --------------------------------------------------------------------------

    def _choose_saved(self) -> None:
        saved = self.host.settings.active_model
        self._active = Path(saved) if saved and read_model(Path(saved)) is not None else None

    def use_command_line(self, values: list[str]) -> None:
        """``--model [LANG=]FOLDER``: the first trained model named wins over the settings."""
        for value in values:
            path = Path(value.split("=", 1)[1] if "=" in value else value)
            for candidate in (path, path / "model-best"):
                if read_model(candidate) is not None:
                    self._active = candidate
                    self.from_command_line = True
                    return

    def active_path(self) -> Path | None:
        return self._active

    def folders(self) -> list[Path]:
        out = [default_models_folder()]
        for folder in self.host.settings.model_folders:
            if Path(folder) not in out:
                out.append(Path(folder))
        return out

    def add_folder(self, folder: Path) -> None:
        settings = self.host.settings
        text = str(folder.expanduser().resolve())
        if text not in settings.model_folders:
            settings.model_folders.append(text)
            settings.save()

    def add_folder_dialog(self) -> None:
        chosen = self.host.dialogs.open_paths(
            "Add a model folder", str(default_models_folder()), "", folder=True
        )
        if chosen:
            self.add_folder(chosen[0])
            if self.models_dialog is not None and self.models_dialog.isVisible():
                self.models_dialog.refresh()

    def choose(self, path: Path | None) -> None:
        """Make ``path`` the active model (None: no suggestions), remembered for the next start;
        the open document gets its suggestion at once."""
        self._active = path
        self.from_command_line = False
        self.host.settings.active_model = str(path) if path is not None else ""
        self.host.settings.save()
        self.host.spans.show_model_triggers(None)  # the old model's triggers go
        name = path.parent.name if path is not None and path.name == "model-best" else path
        self.host.statusBar().showMessage(
            f"Suggestions from {name}" if path is not None else "No model suggestions", 6000
        )
        if path is not None and self.host.doc_id:
            self.document_opened(self.host.doc_id)

    # -- dialogs ------------------------------------------------------------------------------

    def open_train(self) -> TrainDialog:
        from annotator.gui.train_dialog import TrainDialog

        if self.train_dialog is not None and self.train_dialog.isVisible():
            self.train_dialog.raise_()
            return self.train_dialog
        store = self.host.store
        annotators = sorted(a.name for a in store.annotators.all())
        langs = sorted(set(self.host.doc_model.languages()) - {""}, key=self.host.doc_model.languages().count,
                       reverse=True)
        folder = default_models_folder()
        dialog = TrainDialog(store.location, annotators, langs, folder, self.host.window())
        dialog.out.setText(str(folder / f"model-{datetime.now():%Y%m%d-%H%M}"))
        dialog.finished_training.connect(self._trained)
        self.train_dialog = dialog
        dialog.show()
        return dialog

    def _trained(self, ok: bool) -> None:
        if ok and self.models_dialog is not None and self.models_dialog.isVisible():
            self.models_dialog.refresh()

    def open_models(self) -> ModelsDialog:
        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self, self.host.window())
        else:
            self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        return self.models_dialog

    # -- which document next ------------------------------------------------------------------

    def rank_by_doubt(self) -> None:
        """Score every document with the active model's doubt (the window's background job)."""
        path = self._active
        if path is None:
            self.host.dialogs.info("No model chosen", "Choose a trained model in Model > Models… first.")
            return
        if self.host.work.running:
            self.host.dialogs.info("Busy", "Wait for the work in progress to finish, or cancel it.")
            return
        store = self.host.store

        def rank(task: TaskState) -> NextReport:
            from annotator.services.uncertainty import rank_documents

            return rank_documents(store, str(path), task=task)

        self.host.work.start(rank, "Ranking by doubt", self._ranked)

    def _ranked(self, result: object) -> None:
        from annotator.services.uncertainty import NextReport

        self.host.work.end()
        assert isinstance(result, NextReport)
        self.ranking = result
        self.host.doc_model.set_doubts({d.doc_id: (d.doubt, d.reason()) for d in result.ranked})
        self.host.doc_view.sortByColumn(DOUBT, Qt.SortOrder.DescendingOrder)
        left_out = result.other_lang + result.other_status
        note = f"; {left_out} in other languages left out" if left_out else ""
        name = Path(result.model)
        shown = name.parent.name if name.name == "model-best" else name.name
        self.host.statusBar().showMessage(
            f"{len(result.ranked)} document(s) ranked by the doubt of {shown}{note}", 10000
        )

    # -- suggestions for the open document ----------------------------------------------------

    def document_opened(self, doc_id: int) -> None:
        """Compute the active model's frames for ``doc_id`` off the GUI thread."""
        if self._active is None or self._active in self._broken:
            return
        if not self._same_language(doc_id):
            return  # an English model says nothing useful about an Arabic article
        if self._worker is not None and self._worker.running:
            self._pending = doc_id
            return
        self._pending = None
        path, text = self._active, self.host.pane.text()
        model = read_model(path)
        name = model.name if model is not None else path.name
        version = f"{model.trained_at:%Y-%m-%d %H:%M}" if model is not None else ""

        def compute(task: TaskState) -> tuple[int, Path, str, str, ModelSuggestions]:
            from annotator.services.layer_suggestions import suggest
            from annotator.services.uncertainty import load_model

            nlp = self._nlp.get(path)
            if nlp is None:
                nlp = self._nlp[path] = load_model(str(path))
            task.check()
            return doc_id, path, text, name, suggest(nlp, text, name, version)

        worker = Worker(compute, self)
        worker.finished.connect(self._computed)
        worker.failed.connect(lambda exc, _tb: self._failed(path, exc))
        self._worker = worker
        worker.start()

    def _same_language(self, doc_id: int) -> bool:
        """Whether the document's language is the active model's (or either is unknown)."""
        assert self._active is not None
        model = read_model(self._active)
        doc_lang = self.host.doc_model.language(doc_id)
        return not (model and model.lang and doc_lang) or model.lang == doc_lang

    def _computed(self, result: object) -> None:
        from annotator.services.layer_suggestions import ModelTriggers

        assert isinstance(result, tuple)
        doc_id: int = result[0]
        path: Path = result[1]
        text: str = result[2]
        name: str = result[3]
        found: ModelSuggestions = result[4]
        self._next()
        if path != self._active or doc_id != self.host.doc_id:
            return
        suggestion = found.frames
        self.last_suggestion = suggestion
        self.last_triggers = found.triggers
        if found.triggers:
            self.host.spans.show_model_triggers(ModelTriggers(doc_id, name, text, found.triggers))
        if suggestion is None:
            return
        self.host.analysis.sync("frames")  # the form holds the open document, even tabbed away
        self.host.analysis.frame_panel.show_suggestion(doc_id, suggestion)

    def _failed(self, path: Path, exc: object) -> None:
        self._broken[path] = str(exc)
        self.host.statusBar().showMessage(f"No suggestions: {exc}", 10000)
        self._next()

    def _next(self) -> None:
        if self._worker is not None:
            self._worker.deleteLater()
            self._worker = None
        pending, self._pending = self._pending, None
        if pending is not None and pending == self.host.doc_id:
            self.document_opened(pending)

    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.running

    def stop(self) -> None:
        """The window is closing: let a running computation end (it cannot be interrupted)."""
        self._pending = None
        worker = self._worker
        if worker is not None and worker.running:
            worker.cancel()
            # Its thread ends when its result is handed to the GUI thread: let that happen.
            deadline = time.monotonic() + 60
            while worker.running and time.monotonic() < deadline:
                QCoreApplication.processEvents()
                worker.wait(20)
        if self.train_dialog is not None and self.train_dialog.running():
            self.train_dialog.reject()
