"""The framing panel on the real window: the frames of seed 000 coded with the keyboard alone,
an evidence passage tagged with Shift+F, actor roles, undo and redo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from annotator.services.annotate import AnnotationSession
from annotator.services.framing import FramingCommands
from annotator.store import Store
from tests.gui.conftest import viewport_point
from tests.gui.keyboard import (
    CTRL,
    SHIFT,
    actor_id,
    focused,
    open_seed,
    press,
    select_words,
    tab_to,
    type_text,
)


def _assessment(db: Path, doc_id: int):  # type: ignore[no-untyped-def]
    store = Store(db)
    try:
        alice = store.annotators.get_or_create("alice")
        return FramingCommands(AnnotationSession(store, alice)).assessment(doc_id)
    finally:
        store.close()


def _evidence(db: Path, doc_id: int) -> list[tuple[int, int, str, str]]:
    store = Store(db)
    try:
        commands = FramingCommands(AnnotationSession(store, store.annotators.get_or_create("alice")))
        return [(s.start, s.end, s.layer, s.label) for s in commands.evidence(doc_id)]
    finally:
        store.close()


def test_the_frames_of_000_coded_with_the_keyboard_alone(open_window, qtbot, seeded_db: Path) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    panel = window.analysis.frame_panel

    press(qtbot, Qt.Key.Key_F)
    assert window.analysis.frame_dock.isVisible()
    assert focused() is panel.frames
    for name in ("Sec", "Politi", "Ext"):  # typing jumps to a dimension, Space ticks it
        type_text(qtbot, name)
        press(qtbot, Qt.Key.Key_Space)
    assert panel.ticked() == [
        "Security_and_defense",
        "Political",
        "External_regulation_and_reputation",
    ]
    assert panel.state.text() == "● not saved"
    tab_to(qtbot, panel.primary)
    # The primary frame is offered among the frames ticked only.
    assert [panel.primary.itemData(i) for i in range(panel.primary.count())] == ["", *panel.ticked()]
    type_text(qtbot, "Sec")
    assert panel.primary.currentData() == "Security_and_defense"
    tab_to(qtbot, panel.tone)
    type_text(qtbot, "Impl")
    assert panel.tone.currentData() == "implicit_pro"
    tab_to(qtbot, panel.target)
    type_text(qtbot, "Iran")
    assert panel.target.currentText() == "Iran"
    press(qtbot, Qt.Key.Key_Return)

    saved = _assessment(seeded_db, doc_id)
    assert saved.frames == ("Security_and_defense", "Political", "External_regulation_and_reputation")
    assert (saved.primary, saved.tone, saved.tone_target) == (
        "Security_and_defense",
        "implicit_pro",
        actor_id(seeded_db, "Iran"),
    )
    assert focused() is window.pane and panel.state.text() == "saved"
    assert window.saved_label.text() == "saved ✓" and not dialogs.errors

    # Unticking the primary frame takes it out of the primary choices (and clears it).
    press(qtbot, Qt.Key.Key_F)
    type_text(qtbot, "Sec")
    press(qtbot, Qt.Key.Key_Space)
    assert panel.primary.currentData() == ""
    press(qtbot, Qt.Key.Key_Escape)  # revert: nothing changed
    assert focused() is window.pane
    assert panel.primary.currentData() == "Security_and_defense"
    assert _assessment(seeded_db, doc_id).primary == "Security_and_defense"

    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _assessment(seeded_db, doc_id).is_empty
    assert panel.ticked() == []
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _assessment(seeded_db, doc_id).frames == saved.frames
    assert panel.ticked() == list(saved.frames)


def test_an_evidence_passage_tagged_with_shift_f(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    pane, panel = window.pane, window.analysis.frame_panel
    text = pane.text()
    phrase = "the main root of chaos"
    start = text.index(phrase)
    select_words(qtbot, window, start, 5)
    assert pane.selection_codepoints() == (start, start + len(phrase))
    press(qtbot, Qt.Key.Key_F, SHIFT)
    assert focused() is panel.evidence_label
    assert phrase in panel.passage_label.text()
    type_text(qtbot, "Loaded")
    assert panel.evidence_label.currentData() == "Loaded_Language"
    press(qtbot, Qt.Key.Key_Return)
    assert _evidence(seeded_db, doc_id) == [(start, start + len(phrase), "persuasion", "Loaded_Language")]
    assert panel.evidence.count() == 1 and "Loaded Language" in panel.evidence.item(0).text()
    assert focused() is pane

    # The passage is a span of the framing layer: visible, clickable, and hidden with Ctrl+5.
    point = viewport_point(window, start + 9)
    assert "persuasion" in [i.span.layer for i in pane.spans_at(point)]
    press(qtbot, Qt.Key.Key_5, CTRL)
    assert "persuasion" not in [i.span.layer for i in pane.spans_at(point)]
    press(qtbot, Qt.Key.Key_5, CTRL)

    # A frame dimension on a second passage, nested in the first one's sentence.
    us = text.index("the US is")
    select_words(qtbot, window, us, 3)
    press(qtbot, Qt.Key.Key_F, SHIFT)
    type_text(qtbot, "Sec")
    assert panel.evidence_label.currentData() == "Security_and_defense"
    press(qtbot, Qt.Key.Key_Return)
    assert len(_evidence(seeded_db, doc_id)) == 2
    assert panel.evidence.count() == 2

    press(qtbot, Qt.Key.Key_Z, CTRL)
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _evidence(seeded_db, doc_id) == []
    assert panel.evidence.count() == 0
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(_evidence(seeded_db, doc_id)) == 1 and panel.evidence.count() == 1

    # Delete in the evidence list removes the passage.
    panel.evidence.setFocus()
    panel.evidence.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Delete)
    assert _evidence(seeded_db, doc_id) == [] and panel.evidence.count() == 0


def test_roles_of_the_main_actors(open_window, qtbot, annotated_db: Path) -> None:
    window, _ = open_window(annotated_db)
    doc_id = open_seed(window, "000")
    panel = window.analysis.frame_panel
    before = _assessment(annotated_db, doc_id)
    syria = actor_id(annotated_db, "Syria")
    press(qtbot, Qt.Key.Key_F)
    assert syria in panel.role_combos  # the document's actors, most mentioned first
    assert list(panel.role_combos)[0] == syria
    assert before.role_of(syria) == ""
    tab_to(qtbot, panel.role_combos[syria])
    type_text(qtbot, "Inno")
    press(qtbot, Qt.Key.Key_Return)
    after = _assessment(annotated_db, doc_id)
    assert after.role_of(syria) == "innocent"
    assert after.frames == before.frames and after.tone == before.tone  # the rest kept
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _assessment(annotated_db, doc_id).role_of(syria) == ""


def test_a_panel_tabbed_away_loads_the_document_it_is_shown_on(
    open_window, qtbot, annotated_db: Path
) -> None:
    window, _ = open_window(annotated_db)
    first = open_seed(window, "000")
    panel = window.analysis.frame_panel
    press(qtbot, Qt.Key.Key_F)
    assert panel.ticked() == list(_assessment(annotated_db, first).frames)
    press(qtbot, Qt.Key.Key_Escape)
    window.label_dock.raise_()  # the framing panel is tabbed away
    qtbot.waitUntil(lambda: panel.visibleRegion().isEmpty())
    press(qtbot, Qt.Key.Key_J)  # the next document
    second = window.doc_id
    assert second != first
    assert panel.doc_id == first  # not loaded while out of sight
    press(qtbot, Qt.Key.Key_F)
    expected = _assessment(annotated_db, second)
    assert panel.doc_id == second and panel.ticked() == list(expected.frames)
    assert panel.tone.currentData() == expected.tone


def test_an_unsaved_framing_survives_linking_an_actor(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    panel = window.analysis.frame_panel
    press(qtbot, Qt.Key.Key_F)
    type_text(qtbot, "Sec")
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Escape)  # Esc reverts: the draft is gone
    assert panel.ticked() == []
    press(qtbot, Qt.Key.Key_F)
    type_text(qtbot, "Sec")
    press(qtbot, Qt.Key.Key_Space)
    window.pane.setFocus()  # leave the form without Esc, link Qaani, come back
    text = window.pane.text()
    select_words(qtbot, window, text.index("Ismail Qaani"), 2)
    press(qtbot, Qt.Key.Key_A)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_F)
    assert panel.ticked() == ["Security_and_defense"] and panel.state.text() == "● not saved"
    assert actor_id(seeded_db, "Ismail Qaani") in panel.role_combos  # the new mention's actor
    press(qtbot, Qt.Key.Key_Return)
    assert _assessment(seeded_db, doc_id).frames == ("Security_and_defense",)


def test_an_unsaved_framing_is_kept_per_document(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    first = open_seed(window, "000")
    panel = window.analysis.frame_panel
    press(qtbot, Qt.Key.Key_F)
    type_text(qtbot, "Sec")
    press(qtbot, Qt.Key.Key_Space)
    assert panel.state.text() == "● not saved"
    window.pane.setFocus()  # leave the form unsaved, open the next document
    press(qtbot, Qt.Key.Key_J)
    second = window.doc_id
    assert second != first
    press(qtbot, Qt.Key.Key_F)
    assert panel.doc_id == second
    assert panel.ticked() == [] and panel.state.text() == ""  # not the other document's draft
    type_text(qtbot, "Politi")
    press(qtbot, Qt.Key.Key_Space)
    window.pane.setFocus()
    press(qtbot, Qt.Key.Key_K)  # back to the first: its draft is there, still unsaved
    assert window.doc_id == first
    press(qtbot, Qt.Key.Key_F)
    assert panel.ticked() == ["Security_and_defense"] and panel.state.text() == "● not saved"
    assert _assessment(seeded_db, first).is_empty
    press(qtbot, Qt.Key.Key_Return)
    assert _assessment(seeded_db, first).frames == ("Security_and_defense",)
    press(qtbot, Qt.Key.Key_J)
    press(qtbot, Qt.Key.Key_F)
    assert panel.ticked() == ["Political"]  # the second one's draft too
    press(qtbot, Qt.Key.Key_Escape)  # Esc reverts it: gone for good
    press(qtbot, Qt.Key.Key_K)
    press(qtbot, Qt.Key.Key_J)
    press(qtbot, Qt.Key.Key_F)
    assert panel.ticked() == [] and _assessment(seeded_db, second).is_empty


def test_the_frame_list_rows_hold_their_check_boxes(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    open_seed(window, "000")
    panel = window.analysis.frame_panel
    press(qtbot, Qt.Key.Key_F)
    frames = panel.frames
    assert frames.font().pointSizeF() == panel.font().pointSizeF()  # not a smaller font
    indicator = frames.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight, None, frames)
    for row in range(frames.count()):
        rect = frames.visualItemRect(frames.item(row))
        assert rect.height() >= max(indicator, frames.fontMetrics().height()) + 6
    # Every row is on screen without scrolling, none cut at the bottom.
    last = frames.visualItemRect(frames.item(frames.count() - 1))
    assert last.bottom() <= frames.viewport().height()
