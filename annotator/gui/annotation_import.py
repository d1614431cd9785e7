"""File > Import annotations…: colleagues' annotation files become their annotation sets.

For each file chosen, in turn: a background worker reads it to learn which annotator its records
name and which of its labels the project does not have; the window asks (through the dialog seam)
under which name to import it, that name by default; when the file has unknown labels, a
:class:`LabelMapDialog` offers the mapping, as ``--map`` does on the command line: a table of the
file's labels, each with a combo of the project's labels of its layer, or "keep as new label"
(imported as a new label, as ``--allow-new-labels`` does). The dialog is window-modal but opened
with ``open()``, not ``exec()``: the import goes on when it is accepted. A second worker runs
``services.annotations_import.import_annotations``, which validates the whole file first and
stores it in one transaction. Nothing is read or stored on the GUI thread.
At the end one message reports, per file, what was imported, what replaced an earlier import and
which near copies were refused, or lists a bad file's errors as ``file:line: reason``.

Cancel takes effect between files: a file is imported whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, InputErrors
from annotator.core.tasks import Cancelled, TaskState
from annotator.gui.wording import count

if TYPE_CHECKING:
    from annotator.gui.window_protocols import AnnotationImportHost
    from annotator.services.annotations_import import AnnotationImportReport, KnownLabels

FILTERS = "Annotation files (*.jsonl *.json *.spacy *.ann);;JSON lines (*.jsonl);;All files (*)"


KEEP_NEW = "(keep as new label)"
"""The combo entry that imports a file's label as a new label of the project."""

Unknown = dict[tuple[str, str], int]
"""(layer, label) of the file the project does not know -> its spans."""


def names_in(path: Path, state: TaskState, known: KnownLabels | None = None) -> tuple[list[str], Unknown]:
    """The annotator names the file's records give, and the labels of the file the project does
    not know with their spans (read off the GUI thread)."""
    from annotator.formats.registry import read_annotations

    state.check()
    state.progress(0, 1, f"reading {path.name}")
    result = read_annotations(path)
    names = sorted({r.annotator.strip() for r in result.records if r.annotator and r.annotator.strip()})
    unknown: Unknown = {}
    if known is not None:
        for record in result.records:
            for span in record.spans:
                if known.unknown(span) is not None:
                    key = (span.layer, span.label)
                    unknown[key] = unknown.get(key, 0) + 1
    return names, unknown


class LabelMapDialog(QDialog):
    """The file's labels the project does not have, each mapped to a project label of its layer
    (or kept as a new label): the GUI's ``--map``. Every string from the file is plain text."""

    def __init__(
        self, parent: QWidget | None, file: str, unknown: Unknown, choices: dict[str, tuple[str, ...]]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("labelMapDialog")
        self.setWindowTitle("Map the file's labels")
        self.rows = sorted(unknown.items(), key=lambda item: (item[0][0] != "entity", item[0]))
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{file} uses labels this project does not have. Choose the project's label for "
            "each, or keep it as a new label."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setObjectName("labelMapTable")
        self.table.setHorizontalHeaderLabels(["Label in the file", "Spans", "Project label"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.combos: list[QComboBox] = []
        for row, ((layer, label), spans) in enumerate(self.rows):
            shown = label if layer == "entity" else f"{label} ({layer})"
            self.table.setItem(row, 0, QTableWidgetItem(shown))  # items are plain text
            number = QTableWidgetItem(str(spans))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, number)
            combo = QComboBox(self.table)
            combo.setObjectName(f"mapCombo{row}")
            options = [KEEP_NEW, *choices.get(layer, ())]
            combo.addItems(options)
            same = [o for o in options[1:] if o.casefold() == label.casefold()]
            combo.setCurrentText(same[0] if same else KEEP_NEW)
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 160 + 34 * len(self.rows))
        if self.combos:
            self.combos[0].setFocus()

    def label_map(self) -> dict[str, str]:
        """``--map OLD=NEW`` of the choices: ``layer:LABEL`` keys outside the entity layer."""
        out: dict[str, str] = {}
        for ((layer, label), _spans), combo in zip(self.rows, self.combos, strict=True):
            chosen = combo.currentText()
            if chosen != KEEP_NEW:
                out[label if layer == "entity" else f"{layer}:{label}"] = chosen
        return out

    def keeps_new(self) -> bool:
        """Whether a label is kept as a new label (the import then allows new labels)."""
        return any(combo.currentText() == KEEP_NEW for combo in self.combos)


def summary_lines(report: AnnotationImportReport) -> list[str]:
    """The headline of one file's import, then the service's own report lines."""
    name = Path(report.file).name
    who = ", ".join(report.annotators) or "nobody"
    head = (
        f"{name} as {who}: {report.imported} imported, {count(report.spans_replaced, 'earlier span')} "
        f"replaced, {count(len(report.near_misses), 'near copy')} refused"
    )
    return [head, *(f"  {line}" for line in report.lines())]


class AnnotationImport:
    """One run of File > Import annotations… over one or more files."""

    def __init__(self, window: AnnotationImportHost, paths: list[Path]) -> None:
        self.window = window
        self.queue = list(paths)
        self.reports: list[AnnotationImportReport] = []
        self.failures: list[str] = []  # one block of text per file not imported
        self.skipped: list[str] = []
        self.cancelled = False
        self.finished = False
        self._path: Path | None = None
        self._as_name: str | None = None
        self._allow_new = False
        self._label_map: dict[str, str] = {}
        self.mapping_dialog: LabelMapDialog | None = None

    def start(self) -> None:
        self._next()

    def _next(self) -> None:
        if not self.queue or self.cancelled:
            self._finish()
            return
        path = self.queue.pop(0)
        self._path = path
        known = self._known(False)
        self.window.work.start(
            lambda state: names_in(path, state, known), f"Reading {path.name}", self._ask, self._failed
        )

    def _known(self, allow_new: bool) -> KnownLabels:
        from annotator.services.annotations_import import KnownLabels

        # The same rule as the command line: entity labels from the window's label set, the
        # analysis layers from its schema; new labels only when the analyst agreed to them.
        return KnownLabels.of(self.window.labels, self.window.schema, allow_new=allow_new)

    def _ask(self, found: object) -> None:
        path = self._path
        assert path is not None and isinstance(found, tuple)
        names, unknown = found
        if self._was_cancelled():
            return
        if len(names) == 1:
            default, label = names[0], f"{path.name}: import its spans as the annotation set of:"
        elif not names:
            default = path.stem
            label = f"{path.name} names no annotator. Import its spans as the annotation set of:"
        else:
            default = ""
            label = (
                f"{path.name} holds the sets of {', '.join(names)}. Leave empty to keep each "
                "record's own name, or give one name for all:"
            )
        answer = self.window.dialogs.ask_text("Import annotations", label, default)
        if answer is None:
            self.skipped.append(path.name)
            self._next()
            return
        self._as_name = answer.strip() or None
        self._allow_new = False
        self._label_map = {}
        if not unknown:
            self._import(path)
            return
        dialog = LabelMapDialog(
            self.window, path.name, unknown, dict(self._known(False).layers)  # type: ignore[arg-type]
        )
        self.mapping_dialog = dialog

        def mapped() -> None:
            self._label_map = dialog.label_map()
            self._allow_new = dialog.keeps_new()
            self.mapping_dialog = None
            dialog.deleteLater()
            self._import(path)

        def declined() -> None:
            self.mapping_dialog = None
            dialog.deleteLater()
            self.skipped.append(path.name)
            self._next()

        dialog.accepted.connect(mapped)
        dialog.rejected.connect(declined)
        dialog.open()  # window-modal, without a nested event loop: the import goes on from here

    def _import(self, path: Path) -> None:
        from annotator.services.annotations_import import import_annotations

        store = self.window.store
        as_name = self._as_name
        known = self._known(self._allow_new)
        label_map = dict(self._label_map)

        def work(state: TaskState) -> object:
            state.check()
            state.progress(0, 1, f"importing {path.name}")
            report = import_annotations(store, path, as_name, known_labels=known, label_map=label_map)
            state.progress(1, 1, f"imported {path.name}")
            return report

        self.window.work.start(work, f"Importing {path.name}", self._imported, self._failed)

    def _imported(self, report: object) -> None:
        from annotator.services.annotations_import import AnnotationImportReport

        assert isinstance(report, AnnotationImportReport)
        self.reports.append(report)
        self.window.refresh_documents()
        if self._was_cancelled():
            return
        self._next()

    def _was_cancelled(self) -> bool:
        worker = self.window.work.worker
        if worker is not None and worker.cancelled:
            self.cancelled = True
            self._finish()
            return True
        return False

    def _failed(self, exc: object, tb: str) -> None:
        path = self._path
        if isinstance(exc, Cancelled):
            self.cancelled = True
            self._finish()
            return
        if (
            isinstance(exc, InputErrors)
            and path is not None
            and not self._allow_new
            and all("unknown" in e.reason and "label" in e.reason for e in exc.errors)
        ):
            question = (
                f"{path.name} uses labels this project does not have:\n{exc.message}\n\n"
                "Import them anyway, as new labels?"
            )
            if self.window.dialogs.confirm("New labels", question):
                self._allow_new = True
                self._import(path)
                return
        if isinstance(exc, InputErrors):
            self.failures.append(f"{path}: nothing imported\n{exc.message}")
        elif isinstance(exc, AnnotatorError):
            self.failures.append(f"{path}: nothing imported\n{exc}")
        else:
            self.failures.append(f"{path}: unexpected error\n{exc}\n\n{tb}")
        self._next()

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.window.work.end()
        self.window.refresh_documents()
        if self.window.doc_id is None and self.window.doc_model.rowCount():
            self.window.select_document(self.window.doc_model.summary(0).id)
        blocks = ["\n".join(summary_lines(r)) for r in self.reports]
        if self.skipped:
            blocks.append("skipped: " + ", ".join(self.skipped))
        if self.queue:
            blocks.append("not started (cancelled): " + ", ".join(p.name for p in self.queue))
        message = "\n\n".join([*self.failures, *blocks]) or "Nothing was imported."
        imported = sum(r.imported for r in self.reports)
        self.window.statusBar().showMessage(
            f"Annotations: {count(imported, 'record')} imported from {count(len(self.reports), 'file')}"
            + (f", {count(len(self.failures), 'file')} refused" if self.failures else ""),
            8000,
        )
        if self.failures:
            self.window.dialogs.error(
                f"{len(self.failures)} of "
                f"{count(len(self.failures) + len(self.reports), 'file')} not imported",
                message,
            )
        else:
            self.window.dialogs.info("Annotations imported", message)
