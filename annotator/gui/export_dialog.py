"""The Export dialog: format, annotation set, filters, train/dev split, target file or folder.

It only gathers choices (an ``ExportOptions``); the window runs the export in the background with
progress. It is reached through the ``Dialogs`` seam so that tests answer it without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.formats.registry import WRITE_FORMATS

FORMAT_NAMES = {
    "jsonl": "annotator JSONL (native, everything)",
    "spacy": "spaCy DocBin (.spacy, for spacy train)",
    "prodigy": "Prodigy JSONL",
    "doccano": "doccano JSONL (events as relations)",
    "labelstudio": "Label Studio JSON (events as relations)",
    "brat": "brat standoff (folder of .txt/.ann)",
}
SUFFIX = {
    "jsonl": ".jsonl", "spacy": ".spacy", "prodigy": ".jsonl", "doccano": ".jsonl", "labelstudio": ".json",
    "brat": "",
}
ALL_SETS = "(every set)"


@dataclass(frozen=True, slots=True)
class ExportOptions:
    path: Path
    fmt: str = "jsonl"
    annotator: str | None = None  # None: every annotator's set
    status: Status | None = None
    split: float | None = None
    seed: int = 0
    labels: frozenset[str] | None = None  # None: every label
    layers: frozenset[str] | None = None  # None: every layer
    date_from: str | None = None
    date_to: str | None = None


def default_name(folder: Path, annotator: str | None, fmt: str) -> Path:
    stem = f"annotations-{annotator}" if annotator else "annotations"
    return folder / f"{stem}{SUFFIX[fmt]}"


class ExportDialog(QDialog):
    def __init__(
        self, annotators: list[str], current: str, folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export annotations")
        self.folder = folder
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox()
        for fmt in WRITE_FORMATS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        form.addRow("Format", self.format)
        self.annotator = QComboBox()
        self.annotator.addItems([*annotators, ALL_SETS])
        if current in annotators:
            self.annotator.setCurrentText(current)
        form.addRow("Annotation set", self.annotator)
        self.status = QComboBox()
        self.status.addItem("any status", None)
        for status in Status:
            self.status.addItem(status.title, status.value)
        form.addRow("Documents", self.status)
        dates = QHBoxLayout()
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText("from YYYY-MM-DD")
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText("to YYYY-MM-DD")
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        form.addRow("Dated", dates)
        self.labels = QLineEdit()
        self.labels.setPlaceholderText("every label (or e.g. PERSON, ORG)")
        form.addRow("Labels", self.labels)
        self.layers = QLineEdit()
        self.layers.setPlaceholderText("every layer (or e.g. entity, event)")
        form.addRow("Layers", self.layers)
        split_row = QHBoxLayout()
        self.split_box = QCheckBox("train/dev split")
        self.split = QDoubleSpinBox()
        self.split.setRange(0.05, 0.95)
        self.split.setSingleStep(0.05)
        self.split.setValue(0.8)
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setPrefix("seed ")
        for w in (self.split_box, self.split, self.seed):
            split_row.addWidget(w)
        form.addRow("Split", split_row)
        for w in (self.split, self.seed):
            w.setEnabled(False)
            self.split_box.toggled.connect(w.setEnabled)
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("Save to", path_row)
        layout.addLayout(form)
        note = QLabel(
            "Spans a format cannot hold as they are are listed after the export, never dropped silently."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.error = QLabel()
        self.error.setObjectName("exportError")
        self.error.setStyleSheet("color: #D55E00")
        layout.addWidget(self.error)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._update_path)
        self.annotator.currentIndexChanged.connect(self._update_path)
        self._update_path()
        self.resize(560, 0)

    def _annotator(self) -> str | None:
        text = self.annotator.currentText()
        return None if text == ALL_SETS else text

    def _update_path(self) -> None:
        self.path.setText(str(default_name(self.folder, self._annotator(), self.format.currentData())))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt == "brat":
            chosen = QFileDialog.getExistingDirectory(self, "Export into a folder", str(self.folder))
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def problem(self) -> str | None:
        """Why the choices cannot be exported, or None."""
        if not self.path.text().strip():
            return "choose where to save"
        for edit, name in ((self.date_from, "from"), (self.date_to, "to")):
            value = edit.text().strip()
            if value:
                try:
                    _date.fromisoformat(value)
                except ValueError:
                    return f"the '{name}' date {value!r} is not of the form YYYY-MM-DD"
        start, end = self.date_from.text().strip(), self.date_to.text().strip()
        if start and end and start > end:
            return f"the dates {start} to {end} are an empty range"
        return None

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        super().accept()

    def options(self) -> ExportOptions:
        status = self.status.currentData()

        def names(edit: QLineEdit) -> frozenset[str] | None:
            items = frozenset(p.strip() for p in edit.text().replace(";", ",").split(",") if p.strip())
            return items or None

        return ExportOptions(
            path=Path(self.path.text()).expanduser(),
            fmt=self.format.currentData(),
            annotator=self._annotator(),
            status=Status(status) if status else None,
            split=self.split.value() if self.split_box.isChecked() else None,
            seed=self.seed.value(),
            labels=names(self.labels),
            layers=names(self.layers),
            date_from=self.date_from.text().strip() or None,
            date_to=self.date_to.text().strip() or None,
        )
