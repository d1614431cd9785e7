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


def test_a_password_in_the_url_reaches_the_child_in_its_environment_not_its_argv(
    qtbot, pg_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    import psycopg

    from tests.conftest import unique_pg_name
    from tests.pg_server import PASSWORD, PASSWORD_ROLE

    secret = PASSWORD  # the role's one password in the session's shared server
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PASSWORD_ROLE}')"
            f" THEN CREATE ROLE {PASSWORD_ROLE} LOGIN; END IF; END $$"
        )
        conn.execute(f"ALTER ROLE {PASSWORD_ROLE} PASSWORD '{secret}'")
        name = unique_pg_name("train_pw_")
        conn.execute(f"CREATE DATABASE {name} OWNER {PASSWORD_ROLE}")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    url = pg_server.url(name, user=PASSWORD_ROLE).replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{secret}@")
    from annotator.store import Store

    Store(url).close()  # the schema, made by the role itself
    dialog = _dialog_at(qtbot, url, tmp_path)
    from PySide6.QtCore import QProcess

    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    # Running: the child has replaced itself with Python (QProcess reports it after the exec).
    qtbot.waitUntil(lambda: dialog.process.state() == QProcess.ProcessState.Running, timeout=10_000)
    pid = int(dialog.process.processId())
    seen = {
        "argv": Path(f"/proc/{pid}/cmdline").read_bytes(),
        "environ": Path(f"/proc/{pid}/environ").read_bytes(),
    }
    with qtbot.waitSignal(dialog.finished_training, timeout=120_000) as blocker:
        pass
    assert blocker.args == [False]  # a database with no annotations: nothing to train on
    output = dialog.scores.toPlainText() + dialog.status.text()
    assert "password authentication failed" not in output, output  # the child connected
    assert "nothing to train from" in output, output  # it read the (empty) database
    argv = seen["argv"].split(b"\0")
    assert secret.encode() not in seen["argv"]
    assert pg_server.url(name, user=PASSWORD_ROLE).encode() in argv
    assert f"PGPASSWORD={secret}".encode() in seen["environ"].split(b"\0")
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _dialog_at(qtbot, db: str, folder: Path) -> TrainDialog:  # type: ignore[no-untyped-def]
    dialog = TrainDialog(db, ["alice"], ["en"], folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_password_taken_out_of_a_url_is_decoded_and_the_rest_kept() -> None:
    from annotator.store.location import password_apart

    url = "postgresql://ana:p%40ss%20w%2Fr@db.example.org:5433/corpus?sslmode=require"
    assert password_apart(url) == ("postgresql://ana@db.example.org:5433/corpus?sslmode=require", "p@ss w/r")
    assert password_apart("postgresql://ana@db/corpus") == ("postgresql://ana@db/corpus", None)
