"""The Export dialog: format, annotation set, filters, train/dev split, target file or folder.

It only gathers choices (an ``ExportOptions``); the window runs the export in the background with
progress. It is reached through the ``Dialogs`` seam so that tests answer it without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "doccano": "doccano JSONL",
    "labelstudio": "Label Studio JSON",
    "brat": "brat standoff (folder of .txt/.ann)",
}
SUFFIX = {"jsonl": ".jsonl", "spacy": ".spacy", "prodigy": ".jsonl", "doccano": ".jsonl", "labelstudio": ".json", "brat": ""}
ALL_SETS = "(every set)"


@dataclass(frozen=True, slots=True)
class ExportOptions:
    path: Path
    fmt: str = "jsonl"
    annotator: str | None = None  # None: every annotator's set
    status: Status | None = None
    split: float | None = None
    seed: int = 0


def default_name(folder: Path, annotator: str | None, fmt: str) -> Path:
    stem = f"annotations-{annotator}" if annotator else "annotations"
    return folder / f"{stem}{SUFFIX[fmt]}"


class ExportDialog(QDialog):
    def __init__(self, annotators: list[str], current: str, folder: Path, parent: QWidget | None = None) -> None:
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
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("Save to", path_row)
        layout.addLayout(form)
        note = QLabel("Spans a format cannot hold as they are are listed after the export, never dropped silently.")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
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

    def options(self) -> ExportOptions:
        status = self.status.currentData()
        return ExportOptions(
            path=Path(self.path.text()).expanduser(),
            fmt=self.format.currentData(),
            annotator=self._annotator(),
            status=Status(status) if status else None,
            split=self.split.value() if self.split_box.isChecked() else None,
            seed=self.seed.value(),
        )
