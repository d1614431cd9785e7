"""The first start: the sample corpus offered for an empty database, and the tour of the keys,
each once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.gui.first_run import TOUR_STEPS, TourCard, first_run, sample_corpus_dir, tour_widget


def test_empty_database_offers_the_sample_corpus_and_the_tour(open_window, qtbot, tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    window, dialogs = open_window(db)
    assert sample_corpus_dir() is not None
    dialogs.confirm_answers.append(True)
    assert first_run(window) is None  # the tour waits for the documents
    assert dialogs.confirm_answers == []  # the question was asked, and answered yes
    assert window.worker is not None
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 5, timeout=5000)
    assert window.doc_id is not None
    card = tour_widget(window)

    # The tour: a card over the reading pane, keyboard driven, the window usable behind it.
    assert isinstance(card, TourCard) and card.isVisible()
    assert window.pane.geometry().contains(window.pane.mapFrom(window, card.geometry().center()))
    assert QApplication.focusWidget() is card
    assert card.title.text() == TOUR_STEPS[0][0]
    qtbot.keyClick(card, Qt.Key.Key_Right)
    qtbot.keyClick(card, Qt.Key.Key_Right)
    assert card.title.text() == TOUR_STEPS[2][0] and "N / P" in card.text.text()
    qtbot.keyClick(card, Qt.Key.Key_Left)
    assert card.title.text() == TOUR_STEPS[1][0]
    for _ in range(len(TOUR_STEPS) - 1):
        qtbot.keyClick(card, Qt.Key.Key_Return)
    assert tour_widget(window) is None
    assert QApplication.focusWidget() is window.pane
    window.close()

    # Next start: neither the offer nor the tour again.
    again, dialogs2 = open_window(db)
    dialogs2.confirm_answers.append(True)
    assert first_run(again) is None
    assert dialogs2.confirm_answers == [True]  # not asked
    # Help > Guided tour shows it on demand; Esc ends it.
    again.act_tour.trigger()
    card = tour_widget(again)
    assert card is not None
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert tour_widget(again) is None


def test_declining_imports_nothing_and_is_not_asked_again(open_window, qtbot, tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    window, dialogs = open_window(db)
    dialogs.confirm_answers.append(False)
    card = first_run(window)
    assert dialogs.confirm_answers == []
    assert window.worker is None and window.store.documents.count() == 0
    assert card is not None
    card.skip_button.click()
    window.close()
    again, dialogs2 = open_window(db)
    dialogs2.confirm_answers.append(True)
    assert first_run(again) is None and dialogs2.confirm_answers == [True]


def test_a_database_with_documents_is_not_offered_the_corpus(open_window, seeded_db: Path) -> None:
    window, dialogs = open_window(seeded_db)
    dialogs.confirm_answers.append(True)
    first_run(window)
    assert dialogs.confirm_answers == [True]
    assert window.store.documents.count() == 5


def test_the_tour_hides_no_text_and_takes_its_keys_from_the_reading_pane(
    open_window, qtbot, seeded_db: Path
) -> None:
    """After ``annotator seeds`` the reading pane has the focus while the card is shown: Esc,
    Enter and the arrows steer the tour from there, and no line of text is under the card."""
    window, _ = open_window(seeded_db)
    card = first_run(window)
    assert card is not None and card.isVisible()
    pane = window.pane
    pane.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane)
    spans_before = pane.shown_spans()

    # The text ends above the card: the pane's text area (its viewport) and the card do not meet.
    viewport = pane.viewport()
    text_area = viewport.rect().translated(viewport.mapTo(window, viewport.rect().topLeft()))
    assert not text_area.intersects(card.geometry())
    assert text_area.bottom() < card.geometry().top()
    pane.verticalScrollBar().setValue(pane.verticalScrollBar().maximum())
    qtbot.wait(10)
    last = pane.cursorForPosition(viewport.rect().bottomLeft()).position()
    assert last >= len(pane.text()) - 2  # scrolled to the end, the last line is in the text area

    qtbot.keyClick(pane, Qt.Key.Key_Right)
    assert card.title.text() == TOUR_STEPS[1][0]
    qtbot.keyClick(pane, Qt.Key.Key_Return)  # not "accept the current suggestion"
    assert card.title.text() == TOUR_STEPS[2][0]
    qtbot.keyClick(pane, Qt.Key.Key_Left)
    assert card.title.text() == TOUR_STEPS[1][0]
    assert pane.shown_spans() == spans_before  # nothing accepted or rejected
    # The document list has the focus: the same.
    window.doc_view.setFocus()
    qtbot.keyClick(window.doc_view, Qt.Key.Key_Right)
    assert card.title.text() == TOUR_STEPS[2][0]
    # A text field keeps its own keys: the arrows move in the filter box.
    window.filter_edit.setFocus()
    qtbot.keyClicks(window.filter_edit, "ab")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Left)
    assert card.title.text() == TOUR_STEPS[2][0] and window.filter_edit.cursorPosition() == 1
    window.filter_edit.clear()
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Escape)
    assert tour_widget(window) is None
    assert pane.viewportMargins().bottom() == 0  # the margin goes with the card
    assert QApplication.focusWidget() is pane
