"""The corpus search dock in the real window: keys, filters, results, and Enter opening the
passage with the match selected."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.gui.search_panel import HIT_ROLE


def test_search_keys_results_and_enter_opens_the_passage(open_window, qtbot, seeded_db: Path) -> None:
    window, _dialogs = open_window(seeded_db)
    panel = window.search_panel
    assert not window.search_dock.isVisible()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.pane, Qt.Key.Key_F, ctrl_shift)
    assert window.search_dock.isVisible()
    assert QApplication.focusWidget() is panel.query_edit

    qtbot.keyClicks(panel.query_edit, "Esmail")
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)
    # Three reports name him Esmail/Esmaïl (the Iranian one says Ismail); each passage is a row.
    docs = {panel.model.index(r, 0).data(HIT_ROLE)[0] for r in range(panel.model.rowCount())}
    assert len(docs) == 3
    assert panel.summary.text().startswith("3 documents")
    assert QApplication.focusWidget() is panel.view

    # Go to the French report's row and open it with Enter.
    french = window.store.documents.summaries()[1]
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.index(r, 0).data(HIT_ROLE)[0] == french.id)
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    doc_id, start, end = panel.model.index(row, 0).data(HIT_ROLE)
    assert window.doc_id == french.id
    assert window.pane.selection_codepoints() == (start, end)
    assert window.pane.text()[start:end] == "Esmaïl"
    assert QApplication.focusWidget() is window.pane
    # The selected match is ready for a label key.
    qtbot.keyClick(window.pane, Qt.Key.Key_1)
    own = window.session.own_spans(french.id)
    assert [(s.start, s.end, s.label) for s in own] == [(start, end, "PERSON")]


def test_filters_narrow_the_results(open_window, qtbot, seeded_db: Path) -> None:
    window, _dialogs = open_window(seeded_db)
    window.focus_search()
    panel = window.search_panel
    panel.query_edit.setText("Syria")
    panel.run_search()
    assert len({panel.model.index(r, 0).data(HIT_ROLE)[0] for r in range(panel.model.rowCount())}) == 4
    panel.lang_combo.setCurrentIndex(panel.lang_combo.findData("fr"))  # searches again
    assert panel.model.rowCount() == 0  # the French report writes "Syrie"
    panel.query_edit.setText("Syrie")
    panel.run_search()
    assert {panel.model.index(r, 1).data() for r in range(panel.model.rowCount())} == {"—"}
    assert panel.model.rowCount() == 5  # five passages of one document
    panel.query_edit.setText("-Syrie")
    panel.run_search()
    assert "excluded" in panel.summary.text() and panel.model.rowCount() == 0



def test_the_passage_column_draws_the_passage(open_window, qtbot, seeded_db: Path, tmp_path: Path) -> None:
    window, _dialogs = open_window(seeded_db)
    window.focus_search()
    panel = window.search_panel
    panel.query_edit.setText("Hezbollah")
    panel.run_search()
    hit = panel.results.hits[0]
    assert panel.model.index(0, 3).data() == hit.passage.before + "Hezbollah" + hit.passage.after
    # The delegate paints text in the passage cell (dark text pixels on the light base).
    rect = panel.view.visualRect(panel.model.index(0, 3))
    image = panel.view.viewport().grab(rect).toImage()
    base = panel.view.palette().base().color().lightness()
    dark = sum(
        1 for x in range(image.width()) for y in range(image.height())
        if image.pixelColor(x, y).lightness() < base - 100
    )
    assert dark > 50
    window.grab().save(str(tmp_path / "search.png"))


def test_actor_event_and_frame_filters(open_window, qtbot, annotated_db: Path) -> None:
    window, _dialogs = open_window(annotated_db)
    window.focus_search()
    panel = window.search_panel
    ids = window.store.documents.ids()
    panel.query_edit.setText("Syria")
    panel.run_search()

    def docs() -> set[int]:
        return {panel.model.index(r, 0).data(HIT_ROLE)[0] for r in range(panel.model.rowCount())}

    assert docs() == set(ids[:5]) - {ids[1]}  # the French report writes "Syrie"
    panel.actor_combo.setCurrentIndex(panel.actor_combo.findText("Hezbollah"))
    assert docs() == {ids[2]}
    panel.actor_combo.setCurrentIndex(0)
    panel.event_combo.setCurrentIndex(panel.event_combo.findText("ASSAULT"))
    assert docs() == {ids[3]}
    panel.event_combo.setCurrentIndex(0)
    panel.frame_combo.setCurrentIndex(panel.frame_combo.findText("Capacity and resources"))
    assert docs() == {ids[4]}
