"""A trained model in the real window, on both layers it suggests: its event triggers appear in the
text like the trigger lexicon's (merged with them: the model's wins where it is confident, the
tooltip says whose and the score), Enter on one opens the event form with its category, X
rejects one and the rejection is remembered; its frames, confirmed with Enter, are stored as the
analyst's with the model recorded as their origin, shown in the framing panel, kept (marked
edited) when the analyst then changes the frames, and undone with the change.

The model is trained here by ``annotator train`` on generated documents (frames and events,
small and quick), and the test document is imported with ``annotator import`` so that the
trigger lexicon's suggestions are stored as pre-annotation stores them."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.cli import main
from annotator.core.framing import EDITED
from annotator.gui.main_window import MainWindow
from annotator.gui.reading_pane import ShownSpan
from annotator.services.layer_suggestions import MODEL_WINS
from annotator.services.trained_models import read_model
from annotator.store import Store
from tests.gui.conftest import viewport_point
from tests.gui.keyboard import CTRL, focused, press
from tests.services.training_corpus import import_corpus, write_corpus

TEXT = ("Sara Nasser visited Jordan on Monday. Egypt imposed new sanctions on Qatar over its oil "
        "exports. Students protested in Iran against the government.")
NAME = "protest-model"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database of 80 generated documents coded by alice, a frames-and-events model trained on
    them by ``annotator train``, small enough to train in seconds)."""
    base = tmp_path_factory.mktemp("modeltriggers")
    db = base / "c.sqlite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import_corpus(db, write_corpus(base / "c.jsonl", 80, seed=3))
        code = main(["train", "--db", str(db), "--out", str(base / NAME), "--layer", "frames,events",
                     "--max-steps", "200", "--width", "32"])
    assert code == 0
    return db, base / NAME / "model-best"


@pytest.fixture
def db_with_text(trained: tuple[Path, Path], tmp_path: Path) -> tuple[Path, int]:
    """A copy of the database with TEXT imported and pre-annotated (the trigger lexicon's
    suggestions stored, as an import stores them)."""
    db = tmp_path / "c.sqlite"
    shutil.copy(trained[0], db)
    article = tmp_path / "protests.txt"
    article.write_text(TEXT, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["import", str(article), "--db", str(db), "--model", f"en={trained[1]}"]) == 0
    store = Store(db)
    try:
        doc_id = max(row[0] for row in store.documents.listing())
        assert store.documents.get(doc_id).text == TEXT
    finally:
        store.close()
    return db, doc_id


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _triggers(window: MainWindow) -> dict[tuple[int, int], ShownSpan]:
    return {(i.span.start, i.span.end): i for i in window.pane.shown_spans()
            if i.suggestion and i.span.layer == "event"}


def _open_with_model(open_window, qtbot, db: Path, doc_id: int, model: Path):  # type: ignore[no-untyped-def]
    window, dialogs = open_window(db, "bob", model=[f"en={model}"])
    window.select_document(doc_id)
    assert window.models.busy  # computed on a worker thread
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    qtbot.waitUntil(lambda: _at("imposed") in _triggers(window), timeout=5000)
    return window, dialogs


def _step_to(window: MainWindow, qtbot, where: tuple[int, int]) -> ShownSpan:  # type: ignore[no-untyped-def]
    window.pane.setFocus()
    for _ in range(len(window.pane.shown_spans()) + 1):
        press(qtbot, Qt.Key.Key_N)
        current = window.pane.current
        if current is not None and (current.span.start, current.span.end) == where:
            return current
    raise AssertionError(f"N never reached {where}")


def _tooltip(window: MainWindow, qtbot, where: tuple[int, int]) -> str:  # type: ignore[no-untyped-def]
    """The tooltip the reading pane shows over the middle of ``where``."""
    pane = window.pane
    pos = viewport_point(window, (where[0] + where[1]) // 2)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, pane.viewport().mapToGlobal(pos))
    QApplication.sendEvent(pane.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    return QToolTip.text()


def test_model_triggers_show_merged_with_the_lexicon_and_enter_opens_the_event_form(
    open_window, qtbot, db_with_text: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    db, doc_id = db_with_text
    window, dialogs = _open_with_model(open_window, qtbot, db, doc_id, trained[1])
    found = {(t.span.start, t.span.end): t for t in window.models.last_triggers}
    assert {(TEXT[a:b], t.span.label) for (a, b), t in found.items()} == {
        ("visited", "CONSULT"), ("imposed", "SANCTION"), ("protested", "PROTEST")}
    assert all(t.score >= MODEL_WINS for t in found.values())  # confident: each wins its stretch

    shown = _triggers(window)
    # The lexicon and the model both say "visited" is a CONSULT: one suggestion, the model's.
    visited = shown[_at("visited")]
    score = found[_at("visited")].score
    assert visited.span.id is None and visited.span.label == "CONSULT"
    assert visited.span.annotator == f"trained model {NAME}, score {score:.2f} (the trigger lexicon agrees)"
    assert [i for i in window.pane.spans_matching(*_at("visited")) if i.suggestion] == [visited]
    # The lexicon's "new sanctions" overlaps no model trigger: it stays, and says whose it is.
    lexicon = shown[_at("new sanctions")]
    assert lexicon.span.id is not None and lexicon.span.label == "SANCTION"
    assert lexicon.span.annotator == f"the trigger lexicon ({NAME}/model-best)"
    for word in ("imposed", "protested"):  # the model's, alone or over the lexicon's
        said = f"trained model {NAME}, score {found[_at(word)].score:.2f}"
        assert shown[_at(word)].span.annotator in (said, f"{said} (the trigger lexicon agrees)")

    window.resize(1300, 800)
    qtbot.wait(50)
    assert _tooltip(window, qtbot, _at("visited")) == (
        f"CONSULT · suggested by trained model {NAME}, score {score:.2f} (the trigger lexicon agrees)")
    window.grab().save("/tmp/model-triggers-window.png")

    # N to the model's "imposed", Enter: the event form opens with its category; nothing stored.
    current = _step_to(window, qtbot, _at("imposed"))
    assert current.suggestion and current.span.id is None
    press(qtbot, Qt.Key.Key_Return)
    panel = window.analysis.event_panel
    qtbot.waitUntil(panel.form_open, timeout=60_000)
    assert panel.form.category.currentData() == "SANCTION"
    draft = panel.form.event_value()
    assert draft is not None and draft.id is None
    assert (draft.trigger.start, draft.trigger.end) == _at("imposed")
    assert window.analysis.event_commands.events(doc_id) == []
    assert focused() is panel.form.category  # the analyst checks the category first
    # Actor and recipient are the analyst's to fill (no English parser is installed here to
    # propose them): the form names what is missing; Esc leaves it, nothing stored, the
    # suggestion still there to come back to.
    press(qtbot, Qt.Key.Key_Return)
    assert window.analysis.event_commands.events(doc_id) == []
    assert {p.field for p in panel.form.problems} == {"actor", "recipient"}
    press(qtbot, Qt.Key.Key_Escape)
    assert not panel.form_open()
    assert window.analysis.event_commands.events(doc_id) == [] and dialogs.errors == []
    assert _at("imposed") in _triggers(window)


def test_rejecting_a_model_trigger_is_remembered_and_undone(
    open_window, qtbot, db_with_text: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    db, doc_id = db_with_text
    window, _dialogs = _open_with_model(open_window, qtbot, db, doc_id, trained[1])
    current = _step_to(window, qtbot, _at("protested"))
    assert current.span.id is None and current.span.annotator.startswith("trained model")
    press(qtbot, Qt.Key.Key_X)
    assert window.undo_stack.undoText() == "Reject suggestion"
    assert ("protested", "PROTEST") in window.store.rejections.pairs()
    # The lexicon's "protested" (the same text and category) goes with it; nothing is left there.
    assert _at("protested") not in _triggers(window)

    # Opened again, the model finds it again, and it stays hidden.
    window.select_document(next(r[0] for r in window.store.documents.listing() if r[0] != doc_id))
    window.select_document(doc_id)
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    qtbot.waitUntil(lambda: _at("imposed") in _triggers(window), timeout=5000)
    assert _at("protested") in {(t.span.start, t.span.end) for t in window.models.last_triggers}
    assert _at("protested") not in _triggers(window)

    window.pane.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert ("protested", "PROTEST") not in window.store.rejections.pairs()
    assert _triggers(window)[_at("protested")].span.annotator.startswith("trained model")


def test_confirmed_model_frames_record_their_origin_kept_when_edited_and_undone(
    open_window, qtbot, db_with_text: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    db, doc_id = db_with_text
    window, _dialogs = _open_with_model(open_window, qtbot, db, doc_id, trained[1])
    panel = window.analysis.frame_panel
    qtbot.waitUntil(lambda: panel.doc_id == doc_id and panel.suggestion_label.isVisible(), timeout=5000)
    suggestion = window.models.last_suggestion
    assert suggestion is not None and suggestion.frames
    model = read_model(trained[1])
    assert model is not None
    origin = f"{NAME} (trained {model.trained_at:%Y-%m-%d %H:%M})"
    assert suggestion.origin == origin
    assert panel.ticked() == sorted(suggestion.frames, key=list(panel.dim_names).index)
    assert not panel.origin_label.isVisible()  # nothing confirmed yet

    window.analysis.act_frames.trigger()
    assert focused() is panel.frames
    press(qtbot, Qt.Key.Key_Return)
    assert window.undo_stack.undoText() == "Accept model frames"
    framing = window.analysis.framing
    stored = framing.assessment(doc_id)
    assert set(stored.frames) == set(suggestion.frames)
    # Read back from the database file: bob's framing, its origin the model.
    store = Store(db)
    try:
        bob = store.annotators.get_or_create("bob")
        again = store.framing.get(doc_id, bob.id)
        assert again is not None and again.suggested_by == origin and set(again.frames) == set(stored.frames)
    finally:
        store.close()
    assert panel.origin_label.isVisible()
    assert panel.origin_label.text() == f"Suggested by {origin}, confirmed"
    qtbot.wait(50)  # the layout makes room for the line
    assert panel.origin_label.geometry().bottom() < panel.frames.geometry().top()
    window.grab().save("/tmp/model-frames-origin.png")

    # The analyst changes the frames by hand: the framing keeps its origin, marked edited.
    window.analysis.act_frames.trigger()
    row = next(r for r in range(panel.frames.count())
               if panel.frames.item(r).checkState() == Qt.CheckState.Unchecked)
    panel.frames.setCurrentRow(row)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Return)
    assert window.undo_stack.undoText() == "Edit framing"
    edited = framing.assessment(doc_id)
    assert len(edited.frames) == len(stored.frames) + 1
    assert edited.suggested_by == origin + EDITED
    assert panel.origin_label.text() == f"Suggested by {origin}, confirmed, then edited"

    # Undo takes the edit back, origin and all; undo again, the confirmation.
    window.pane.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert framing.assessment(doc_id).suggested_by == origin
    assert panel.origin_label.text() == f"Suggested by {origin}, confirmed"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert framing.assessment(doc_id).is_empty and not panel.origin_label.isVisible()
