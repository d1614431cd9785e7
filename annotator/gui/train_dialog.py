"""Model > Train…: train a pipeline on the analysts' work without leaving the window.

The analyst chooses the annotation set, the language, the layers (entities, frames, event
triggers), the training steps and the model folder. Training runs in a separate process — the
command line's ``annotator train``, through ``QProcess`` — so the window stays responsive and a
cancel ends it at once (nothing is written to the model folder unless training finishes). spaCy's
progress rows drive the progress bar; the held-out scores are listed as each layer's report comes
in, and the model folder is shown at the end.

Why a process and not a thread: spaCy's training holds the interpreter for minutes, and a thread
cannot be stopped; a process can, and a crash in it cannot take the window down.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.store.location import is_server_url, password_apart

PEOPLES_SETS = "(people's sets)"
LAYER_NAMES = {
    "entities": "Entities (ner)", "frames": "Frames (textcat)", "events": "Event triggers (spancat)"
}
KILL_AFTER_MS = 5000
_ROW = re.compile(r"^\s*\d+\s+(\d+)\s")
_LAYER = re.compile(r"^--- (\w+) \(")
_REPORT = re.compile(
    r"^((entities|frames|events): |  \S.* P [\d.]+  R [\d.]+  F [\d.]+|  primary frame: "
    r"|(frame|event category) .*: only |model: |annotator: |\d+ record\(s\) |\d+ document\(s\) )"
)


class TrainDialog(QDialog):
    """Choices, then a training process with progress, scores and cancel."""

    finished_training = Signal(bool)  # True when a model was written

    def __init__(self, db: Path | str, annotators: list[str], langs: list[str], folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainDialog")
        self.setWindowTitle("Train a model")
        # A file, or a server URL as given (Path would fold its '//').
        self.db: Path | str = db if isinstance(db, str) else Path(db)
        self.process: QProcess | None = None
        self.layers_todo: list[str] = []
        self.layer_index = 0
        self.model_dir: Path | None = None
        self._buffer = ""
        self._cancelled = False

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.annotator = QComboBox()
        self.annotator.setObjectName("trainAnnotator")
        self.annotator.addItem(PEOPLES_SETS, None)
        for name in annotators:
            self.annotator.addItem(name, name)
        form.addRow("Annotation set", self.annotator)
        self.lang = QComboBox()
        self.lang.setObjectName("trainLang")
        for lang in langs or ["en"]:
            self.lang.addItem(lang, lang)
        form.addRow("Language", self.lang)
        layer_row = QHBoxLayout()
        self.layer_boxes: dict[str, QCheckBox] = {}
        for layer, name in LAYER_NAMES.items():
            box = QCheckBox(name)
            box.setObjectName(f"trainLayer_{layer}")
            box.setChecked(True)
            self.layer_boxes[layer] = box
            layer_row.addWidget(box)
        form.addRow("Layers", layer_row)
        self.steps = QSpinBox()
        self.steps.setObjectName("trainSteps")
        self.steps.setRange(10, 100_000)
        self.steps.setValue(2000)
        self.steps.setSingleStep(100)
        form.addRow("Steps per layer", self.steps)
        self.out = QLineEdit(str(Path(folder) / "model"))
        self.out.setObjectName("trainOut")
        form.addRow("Model folder", self.out)
        layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setObjectName("trainStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.scores = QPlainTextEdit()
        self.scores.setObjectName("trainScores")
        self.scores.setReadOnly(True)
        self.scores.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.scores.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.scores.setMinimumHeight(160)
        layout.addWidget(self.scores, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.train_button = QPushButton("Train")
        self.train_button.setObjectName("trainStart")
        self.train_button.setDefault(True)
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setObjectName("trainCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.train_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(620, 480)

    # -- the process ---------------------------------------------------------------------------

    def _db_and_password(self) -> tuple[str, str | None]:
        """The database as the child is told it, and a password taken out of a server URL."""
        if isinstance(self.db, str) and is_server_url(self.db):
            return password_apart(self.db)
        return str(self.db), None

    def environment(self) -> QProcessEnvironment:
        """The child's environment: this one's, with a password of the URL as ``PGPASSWORD``
        (libpq's convention), so that it never appears on a command line."""
        env = QProcessEnvironment.systemEnvironment()
        _db, password = self._db_and_password()
        if password is not None:
            env.insert("PGPASSWORD", password)
        return env

    def arguments(self) -> list[str]:
        """The ``annotator train`` command line for the choices made (no password in it)."""
        db, _password = self._db_and_password()
        args = ["-m", "annotator", "train", "--db", db, "--out", self.out.text().strip(),
                "--lang", str(self.lang.currentData()), "--max-steps", str(self.steps.value()),
                "--force"]
        if self.annotator.currentData():
            args += ["--annotator", str(self.annotator.currentData())]
        layers = [layer for layer, box in self.layer_boxes.items() if box.isChecked()]
        args += ["--layer", ",".join(layers)]
        return args

    def start(self) -> None:
        self.layers_todo = [layer for layer, box in self.layer_boxes.items() if box.isChecked()]
        if not self.layers_todo:
            self.status.setText("Choose at least one layer.")
            return
        if not self.out.text().strip():
            self.status.setText("Choose a folder for the model.")
            return
        self.scores.clear()
        self.model_dir = None
        self._cancelled = False
        self.layer_index = 0
        self._buffer = ""
        self.progress.setRange(0, self.steps.value() * len(self.layers_todo))
        self.progress.setValue(0)
        self.status.setText("Starting…")
        process = QProcess(self)
        process.setProcessEnvironment(self.environment())
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        self.process = process
        self._set_running(True)
        process.start(sys.executable, self.arguments())

    def cancel(self) -> None:
        """Stop the training: an interrupt first (the process then removes its temporary
        files), a kill if it has not ended within a few seconds."""
        if not self.running():
            return
        assert self.process is not None
        self._cancelled = True
        self.status.setText("Cancelling…")
        pid = int(self.process.processId())
        if os.name == "posix" and pid > 0:
            os.kill(pid, signal.SIGINT)
            # Timed by the process itself: the timer goes with it if the dialog is closed first.
            timer = QTimer(self.process)
            timer.setSingleShot(True)
            timer.timeout.connect(self.process.kill)
            timer.start(KILL_AFTER_MS)
        else:
            self.process.kill()

    def running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning

    def _set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.annotator, self.lang, self.steps, self.out, *self.layer_boxes.values()):
            widget.setEnabled(not running)

    def _read(self) -> None:
        assert self.process is not None
        data = bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._buffer += data
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._line(line.rstrip("\r"))

    def _line(self, line: str) -> None:
        layer = _LAYER.match(line)
        if layer and layer.group(1) in self.layers_todo:
            self.layer_index = self.layers_todo.index(layer.group(1))
            self.status.setText(f"Training {layer.group(1)}…")
            return
        row = _ROW.match(line)
        if row:
            done = self.layer_index * self.steps.value() + int(row.group(1))
            self.progress.setValue(min(done, self.progress.maximum()))
            return
        if _REPORT.match(line):
            self.scores.appendPlainText(line)
        if line.startswith("model: "):
            self.model_dir = Path(line[len("model: "):].rsplit(" (", 1)[0])

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._buffer:
            self._line(self._buffer)
            self._buffer = ""
        self._set_running(False)
        ok = status == QProcess.ExitStatus.NormalExit and code == 0 and self.model_dir is not None
        if ok:
            self.progress.setValue(self.progress.maximum())
            self.status.setText(f"Trained: {self.model_dir}")
        elif self._cancelled or status != QProcess.ExitStatus.NormalExit:
            self.progress.setValue(0)
            self.status.setText("Training cancelled; no model was written.")
        else:
            self.status.setText("Training failed; see the messages above.")
        self.finished_training.emit(ok)

    def reject(self) -> None:
        self.cancel()
        if self.process is not None:
            self.process.waitForFinished(5000)
        super().reject()

