"""Model > Train…: the dialog trains in a separate process with progress and the held-out scores,
and a cancel ends the training without writing a model."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.gui.train_dialog import TrainDialog
from tests.services.training_corpus import import_corpus, write_corpus


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("traindlg")
    db = base / "c.sqlite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import_corpus(db, write_corpus(base / "c.jsonl", 60, seed=5))
    return db


def _dialog(qtbot, db: Path, folder: Path) -> TrainDialog:  # type: ignore[no-untyped-def]
    dialog = TrainDialog(db, ["alice"], ["en"], folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_training_from_the_dialog_shows_progress_and_scores(qtbot, corpus_db: Path, tmp_path: Path) -> None:
    import spacy

    dialog = _dialog(qtbot, corpus_db, tmp_path)
    for layer in ("entities", "events"):  # frames only: quick
        qtbot.mouseClick(dialog.layer_boxes[layer], Qt.MouseButton.LeftButton)
    assert [k for k, b in dialog.layer_boxes.items() if b.isChecked()] == ["frames"]
    dialog.steps.selectAll()
    qtbot.keyClicks(dialog.steps, "60")
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("alice"))
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    assert dialog.running() and not dialog.train_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert "--layer" in dialog.arguments() and "frames" in dialog.arguments()
    with qtbot.waitSignal(dialog.finished_training, timeout=180_000) as blocker:
        pass
    assert blocker.args == [True], dialog.scores.toPlainText()
    model = tmp_path / "model" / "model-best"
    assert dialog.status.text() == f"Trained: {model}"
    scores = dialog.scores.toPlainText()
    assert "frames: held-out score on 12 document(s): precision" in scores
    assert "  Economic " in scores and "LOSS" not in scores  # the report, not spaCy's table
    assert any(0 < v < 60 for v in seen) and dialog.progress.value() == dialog.progress.maximum()
    assert spacy.load(model).pipe_names == ["textcat_multilabel"]
    assert dialog.train_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.grab().save("/tmp/train-dialog.png")


def test_cancel_ends_the_training_and_writes_no_model(qtbot, corpus_db: Path, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, corpus_db, tmp_path)
    dialog.steps.setValue(100_000)
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=120_000)  # spaCy is training
    with qtbot.waitSignal(dialog.finished_training, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert dialog.status.text() == "Training cancelled; no model was written."
    assert not (tmp_path / "model").exists()
    assert dialog.train_button.isEnabled()
