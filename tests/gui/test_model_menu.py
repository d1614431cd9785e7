"""The Model menu in the real window: Train… opens the training dialog; Models… lists the trained
models (name, date, training set size, scores per layer) from the models folders and makes the
chosen one the active model, remembered in the settings (``--model`` wins); with it active,
opening a document shows the model's frames pre-ticked in the framing form, computed off the GUI
thread, and Enter makes them the analyst's."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from annotator.cli import main
from annotator.core.framing import FrameAssessment
from annotator.core.model import Document, DocumentMeta
from annotator.gui.main_window import MainWindow
from annotator.services.trained_models import read_model
from annotator.settings import Settings, data_dir
from annotator.store import Store
from tests.gui.keyboard import focused, press
from tests.services.training_corpus import import_corpus, write_corpus

SANCTIONS = ("Egypt imposed new sanctions on Qatar over its oil exports. "
             "The sanctions cost Qatar billions in lost revenue.")
NAME = "sanctions-frames"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database of 60 generated documents coded by alice, a folder holding one frames-only model
    trained on it by ``annotator train``)."""
    base = tmp_path_factory.mktemp("modelmenu")
    db = base / "c.sqlite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import_corpus(db, write_corpus(base / "c.jsonl", 60, seed=3))
        code = main(["train", "--db", str(db), "--out", str(base / "models" / NAME), "--layer", "frames",
                     "--max-steps", "300"])
    assert code == 0
    return db, base / "models"


@pytest.fixture
def db_with_sanctions(trained: tuple[Path, Path], tmp_path: Path) -> tuple[Path, int]:
    db = tmp_path / "c.sqlite"
    shutil.copy(trained[0], db)
    store = Store(db)
    [doc_id] = store.documents.add([Document(SANCTIONS, DocumentMeta(title="Sanctions on Qatar", lang="en"))])
    store.close()
    return db, doc_id


def _model_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.text() == "&Model":
            menu = action.menu()
            assert isinstance(menu, QMenu)
            return menu
    raise AssertionError("no Model menu")


def _trigger(window: MainWindow, text: str) -> None:
    [action] = [a for a in _model_menu(window).actions() if a.text() == text]
    assert action.isEnabled()
    action.trigger()


def _row(table, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(row, col).text() for col in range(table.columnCount())]


def test_models_lists_trained_models_and_the_choice_is_remembered(
    open_window, qtbot, db_with_sanctions: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    db, _doc = db_with_sanctions
    window, dialogs = open_window(db, "bob")
    assert [a.text() for a in _model_menu(window).actions()] == [
        "&Train…", "", "&Models…", "&Add model folder…", "", "&Rank documents by doubt"]

    _trigger(window, "&Models…")
    dialog = window.models.models_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 0  # the data dir's models/ is empty
    assert dialog.active_label.text() == "No trained model found yet: Model > Train… makes one."
    assert not dialog.use_button.isEnabled()

    dialogs.open_answers.append([trained[1]])
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert Settings.load().model_folders == [str(trained[1].resolve())]
    assert dialog.table.rowCount() == 1
    meta = json.loads((trained[1] / NAME / "model-best" / "meta.json").read_text(encoding="utf-8"))
    layers = meta["annotator"]["layers"]
    f1 = layers["frames"]["f1"]
    row = _row(dialog.table, 0)
    assert row[0] == "" and row[1] == NAME and row[3] == "60"
    assert row[4:] == [
        "—", f"{f1:.2f} ({layers['frames']['train_docs']}+{layers['frames']['dev_docs']})", "—"]
    assert dialog.table.item(0, 1).toolTip().endswith(
        f"frames: F1 {f1:.2f} on {layers['frames']['dev_docs']} held-out, "
        f"{layers['frames']['train_docs']} trained on")
    assert dialog.active_label.text() == "No model is used for suggestions."

    # A model trained into the data dir's models/ is listed too (the newest first).
    shutil.copytree(trained[1] / NAME, data_dir() / "models" / "copy")
    _trigger(window, "&Models…")
    assert dialog.table.rowCount() == 2
    names = [dialog.table.item(r, 1).text() for r in range(2)]
    assert sorted(names) == ["copy", NAME]

    dialog.table.selectRow(names.index(NAME))
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    chosen = trained[1] / NAME / "model-best"
    assert window.models.active_path() == chosen
    assert Settings.load().active_model == str(chosen)
    assert dialog.table.item(names.index(NAME), 0).text() == "●"
    assert dialog.active_label.text() == f"Suggestions from: {chosen}"
    dialog.grab().save("/tmp/models-dialog.png")
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert window.models.active_path() is None and Settings.load().active_model == ""
    dialog.close()

    # Train… opens the training dialog on this database, writing into the models folder.
    _trigger(window, "&Train…")
    train = window.models.train_dialog
    assert train is not None and train.isVisible()
    assert train.db == db
    assert Path(train.out.text()).parent == data_dir() / "models"
    assert [train.annotator.itemText(i) for i in range(train.annotator.count())][1:] == ["alice", "bob"]
    assert train.lang.currentText() == "en"
    train.close()


def test_a_trained_model_on_the_command_line_wins_over_the_settings(
    open_window, db_with_sanctions: tuple[Path, int], trained: tuple[Path, Path], tmp_path: Path
) -> None:
    other = tmp_path / "other"
    shutil.copytree(trained[1] / NAME, other)
    settings = Settings.load()
    settings.active_model = str(other / "model-best")
    settings.save()
    window, _dialogs = open_window(db_with_sanctions[0], "bob")
    assert window.models.active_path() == other / "model-best"
    window.close()
    window, _dialogs = open_window(db_with_sanctions[0], "bob", model=[f"en={trained[1] / NAME}"])
    assert window.models.active_path() == trained[1] / NAME / "model-best"
    assert window.models.from_command_line


def test_opening_a_document_shows_the_models_frames_and_enter_makes_them_the_analysts(
    open_window, qtbot, db_with_sanctions: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    db, doc_id = db_with_sanctions
    window, dialogs = open_window(db, "bob")
    first = window.doc_id
    assert first is not None and first != doc_id
    dialogs.open_answers.append([trained[1]])
    _trigger(window, "&Models…")
    dialog = window.models.models_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    dialog.close()
    window.activateWindow()  # back in the window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    # Choosing a model suggests for the open document at once; let that finish first.
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)

    panel = window.analysis.frame_panel
    window.select_document(doc_id)
    assert window.models.busy  # computed on a worker thread, the window keeps going
    assert not panel.suggestion_label.isVisible() or panel.doc_id != doc_id
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    qtbot.waitUntil(lambda: panel.doc_id == doc_id and panel.suggestion_label.isVisible(), timeout=5000)
    suggestion = window.models.last_suggestion
    assert suggestion is not None and suggestion.frames == ("Economic",)
    assert suggestion.model == NAME
    assert panel.ticked() == ["Economic"]
    economic = next(panel.frames.item(r) for r in range(panel.frames.count())
                    if panel.frames.item(r).data(Qt.ItemDataRole.UserRole) == "Economic")
    assert economic.text() == f"Economic   {suggestion.scores['Economic']:.2f}"
    assert panel.suggestion_label.text().startswith(f"Suggested by {NAME}: Economic ")
    framing = window.analysis.framing
    assert framing.assessment(doc_id) == FrameAssessment()  # nothing stored yet

    window.analysis.act_frames.trigger()  # Framing form: focus on the frames
    assert focused() is panel.frames
    window.grab().save("/tmp/model-suggestion-window.png")
    press(qtbot, Qt.Key.Key_Return)
    stored = framing.assessment(doc_id)
    assert stored.frames == ("Economic",) and stored.primary == "Economic"
    assert window.undo_stack.undoText() == "Accept model frames"
    assert not panel.suggestion_label.isVisible()
    # The framing is bob's own, read back from the database file; alice's stays as it was.
    # The suggestion's origin is recorded with it: the model's name and when it was trained.
    model = read_model(trained[1] / NAME / "model-best")
    assert model is not None
    origin = f"{NAME} (trained {model.trained_at:%Y-%m-%d %H:%M})"
    assert panel.origin_label.isVisible() and panel.origin_label.text() == f"Suggested by {origin}, confirmed"
    store = Store(db)
    try:
        bob = store.annotators.get_or_create("bob")
        alice = store.annotators.get_or_create("alice")
        mine = framing.repo.get(doc_id, bob.id)
        assert mine == stored and mine is not None and mine.suggested_by == origin
        assert framing.repo.get(doc_id, alice.id) is None
    finally:
        store.close()

    # A document in another language than the model's gets no suggestion.
    store = Store(db)
    try:
        [arabic] = store.documents.add([Document(
            "فرضت مصر عقوبات جديدة على قطر.", DocumentMeta(title="عقوبات", lang="ar"))])
    finally:
        store.close()
    window.refresh_documents()
    window.select_document(arabic)
    assert not window.models.busy and not panel.suggestion_label.isVisible()

    # Reopening the document shows the analyst's framing, no suggestion over it.
    window.select_document(first)
    window.select_document(doc_id)
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    qtbot.wait(50)
    assert panel.ticked() == ["Economic"] and not panel.suggestion_label.isVisible()


def test_rank_by_doubt_fills_the_doubt_column_and_sorts_the_list_by_it(
    open_window, qtbot, db_with_sanctions: tuple[Path, int], trained: tuple[Path, Path]
) -> None:
    from annotator.gui.doclist import DOUBT

    settings = Settings.load()
    settings.active_model = str(trained[1] / NAME / "model-best")  # chosen in an earlier session
    settings.save()
    window, dialogs = open_window(db_with_sanctions[0], "bob")
    assert window.doc_view.isColumnHidden(DOUBT)  # nothing ranked yet
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    _trigger(window, "&Rank documents by doubt")
    assert window.work.running  # the window's background job, with its progress bar
    qtbot.waitUntil(lambda: not window.work.running, timeout=180_000)
    assert dialogs.errors == []
    assert window.statusBar().currentMessage() == f"61 document(s) ranked by the doubt of {NAME}"
    report = window.models.ranking
    assert report is not None and len(report.ranked) == 61 and report.layers == ["frames"]

    proxy = window.doc_proxy
    shown = [proxy.index(r, DOUBT).data() for r in range(proxy.rowCount())]
    values = [float(v) for v in shown]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    top = proxy.index(0, DOUBT)
    first = report.ranked[0]
    assert shown[0] == f"{first.doubt:.2f}"
    assert top.data(Qt.ItemDataRole.ToolTipRole) == first.reason()
    assert top.data(Qt.ItemDataRole.ToolTipRole).startswith("frames: ")
    assert proxy.index(0, 0).data() == (first.title or first.filename)
    window.resize(1800, 880)
    window.resizeDocks([window.doc_dock], [700], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: not window.doc_view.isColumnHidden(DOUBT), timeout=3000)
    window.grab().save("/tmp/model-doubt-column.png")


def test_a_model_that_cannot_be_loaded_is_named_in_the_status_bar(
    open_window, qtbot, db_with_sanctions: tuple[Path, int], trained: tuple[Path, Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(trained[1] / NAME, broken)
    (broken / "model-best" / "config.cfg").unlink()  # its meta says trained, spaCy cannot load it
    window, dialogs = open_window(db_with_sanctions[0], "bob", model=[f"en={broken}"])
    assert window.models.active_path() == broken / "model-best"
    window.select_document(db_with_sanctions[1])
    qtbot.waitUntil(lambda: not window.models.busy, timeout=120_000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("No suggestions: "), timeout=5000)
    assert "cannot load the model" in window.statusBar().currentMessage()
    assert dialogs.errors == [] and not window.analysis.frame_panel.suggestion_label.isVisible()
    # Not tried again for every document opened.
    window.step_document(-1)
    assert not window.models.busy
