"""A trained model's frames in the framing form: pre-ticked with their scores on a document the
analyst has not framed, unsaved until Enter (then the analyst's, the change named as an accepted
suggestion), dropped by Esc, never shown over the analyst's own framing."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from annotator.cli import main
from annotator.core.framing import FrameAssessment
from annotator.gui.frame_panel import FramePanel
from annotator.services.annotate import AnnotationSession
from annotator.services.framing import FramingCommands
from annotator.services.layer_suggestions import suggest_frames
from annotator.store import Store
from tests.gui.keyboard import focused, press
from tests.services.training_corpus import import_corpus, write_corpus

SANCTIONS = ("Egypt imposed new sanctions on Qatar over its oil exports. "
             "The sanctions cost Qatar billions in lost revenue.")


@pytest.fixture(scope="module")
def frames_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database of 60 generated documents coded by alice, a frames-only model trained on it)."""
    base = tmp_path_factory.mktemp("suggest")
    db = base / "c.sqlite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import_corpus(db, write_corpus(base / "c.jsonl", 60, seed=3))
        code = main(["train", "--db", str(db), "--out", str(base / "m"), "--layer", "frames",
                     "--max-steps", "300"])
    assert code == 0
    return db, base / "m" / "model-best"


@pytest.fixture
def panel_for_bob(frames_model: tuple[Path, Path], tmp_path: Path, qtbot):  # type: ignore[no-untyped-def]
    """The framing panel of analyst bob (no framing yet) on a document about sanctions."""
    import shutil

    db = tmp_path / "c.sqlite"
    shutil.copy(frames_model[0], db)
    store = Store(db)
    from annotator.core.model import Document

    [doc_id] = store.documents.add([Document(SANCTIONS)])
    session = AnnotationSession(store, store.annotators.get_or_create("bob"))
    commands = FramingCommands(session)
    done: list[str] = []
    host = QWidget()
    panel: FramePanel

    def run(command: Any) -> bool:
        command.do()
        done.append(command.text)
        panel.refresh()
        return True

    panel = FramePanel(commands, run, host)
    qtbot.addWidget(host)
    host.resize(420, 760)
    panel.resize(420, 760)
    host.show()
    panel.set_document(doc_id, SANCTIONS, [], [])
    yield panel, commands, doc_id, done, frames_model[1]
    store.close()


def _load(path: Path) -> Any:
    import spacy

    return spacy.load(path)


def test_suggested_frames_are_pre_ticked_with_scores_and_saved_with_enter(panel_for_bob, qtbot) -> None:
    panel, commands, doc_id, done, model = panel_for_bob
    suggestion = suggest_frames(_load(model), SANCTIONS, "model-best")
    assert suggestion is not None and suggestion.frames == ("Economic",)

    assert panel.show_suggestion(doc_id, suggestion)
    assert panel.ticked() == ["Economic"]
    assert panel.primary.currentData() == "Economic"
    economic = next(panel.frames.item(r) for r in range(panel.frames.count())
                    if panel.frames.item(r).data(Qt.ItemDataRole.UserRole) == "Economic")
    assert economic.text() == f"Economic   {suggestion.scores['Economic']:.2f}"
    assert panel.suggestion_label.isVisible()
    assert panel.suggestion_label.text().startswith(
        f"Suggested by model-best: Economic {suggestion.scores['Economic']:.2f}")
    assert panel.state.text() == "● not saved"
    assert commands.assessment(doc_id) == FrameAssessment()  # nothing stored yet
    qtbot.wait(50)  # the layout makes room for the suggestion line
    assert panel.suggestion_label.geometry().bottom() < panel.frames.geometry().top()
    panel.grab().save(str(Path("/tmp") / "frame-suggestion.png"))

    panel.open_form()
    assert focused() is panel.frames
    press(qtbot, Qt.Key.Key_Return)
    stored = commands.assessment(doc_id)
    assert stored.frames == ("Economic",) and stored.primary == "Economic"
    assert done == ["Accept model frames"]
    assert not panel.suggestion_label.isVisible()
    assert economic.text() == "Economic"
    assert panel.state.text() == "saved"

    # The analyst's framing now stands: no suggestion is shown over it.
    assert not panel.show_suggestion(doc_id, suggestion)


def test_escape_drops_the_suggestion_and_stores_nothing(panel_for_bob, qtbot) -> None:
    panel, commands, doc_id, done, model = panel_for_bob
    suggestion = suggest_frames(_load(model), SANCTIONS, "model-best")
    assert panel.show_suggestion(doc_id, suggestion)
    panel.open_form()
    press(qtbot, Qt.Key.Key_Escape)
    assert panel.ticked() == [] and not panel.suggestion_label.isVisible()
    assert commands.assessment(doc_id) == FrameAssessment() and done == []
    # A suggestion for another document than the open one is not shown.
    assert not panel.show_suggestion(doc_id + 1, suggestion)


def test_a_touched_form_is_not_overwritten_by_a_suggestion(panel_for_bob, qtbot) -> None:
    panel, commands, doc_id, done, model = panel_for_bob
    panel.open_form()
    press(qtbot, Qt.Key.Key_Space)  # the analyst ticks the first dimension themselves
    mine = panel.ticked()
    assert mine
    assert not panel.show_suggestion(doc_id, suggest_frames(_load(model), SANCTIONS, "model-best"))
    assert panel.ticked() == mine and not panel.suggestion_label.isVisible()


def test_a_suggestion_left_unsaved_comes_back_with_the_document_and_records_its_origin(
    panel_for_bob, qtbot
) -> None:
    panel, commands, doc_id, done, model = panel_for_bob
    suggestion = suggest_frames(_load(model), SANCTIONS, "model-best")
    assert suggestion is not None and panel.show_suggestion(doc_id, suggestion)
    panel.set_document(None, "", [], [])  # the analyst opens another document, nothing saved
    assert panel.ticked() == [] and not panel.suggestion_label.isVisible()
    panel.set_document(doc_id, SANCTIONS, [], [])  # and comes back: the draft, still the model's
    assert panel.ticked() == ["Economic"] and panel.suggestion_label.isVisible()
    assert panel.state.text() == "● not saved"
    panel.open_form()
    press(qtbot, Qt.Key.Key_Return)
    stored = commands.assessment(doc_id)
    assert stored.frames == ("Economic",) and stored.suggested_by == "model-best"
    assert done == ["Accept model frames"]
    assert panel.origin_label.text() == "Suggested by model-best, confirmed"
