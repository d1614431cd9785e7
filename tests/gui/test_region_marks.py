"""Marked regions in the window, as an analyst meets them: the reprinted caption of seed 003 is
greyed, a label key there makes no span and says why in the status bar, the menu on the greyed
text and the U key unmark it (Ctrl+Z marks it again), and a span can then be made there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QImage, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui.conftest import drag, viewport_point

CAPTION = "Iran's Quds Force commander Esmail Qaani. (AFP file photo)"


def _doc_003(window) -> int:  # type: ignore[no-untyped-def]
    return next(
        d for d in window.store.documents.ids()
        if window.store.documents.get(d).meta.filename.startswith("003")
    )


def _ink_lightness(window, start: int, end: int) -> int:  # type: ignore[no-untyped-def]
    """The darkest pixel's lightness over text[start:end] on screen: low for black text, higher
    for greyed text."""
    pane = window.pane
    image: QImage = pane.viewport().grab().toImage()
    a, b = viewport_point(window, start), viewport_point(window, end, end=True)
    darkest = 255
    for x in range(a.x(), b.x(), 2):
        for dy in range(-5, 6):
            darkest = min(darkest, QColor(image.pixel(x, a.y() + dy)).lightness())
    return darkest


def _open_on_caption(open_window, seeded_db: Path):  # type: ignore[no-untyped-def]
    window, _dialogs = open_window(seeded_db)
    doc_id = _doc_003(window)
    window.select_document(doc_id)
    window.pane.setFocus()
    region = window.region_marks.regions[0]
    assert window.pane.text()[region.start : region.end] == CAPTION
    return window, doc_id, region


def _human_spans(window, doc_id: int) -> list:  # type: ignore[no-untyped-def]
    return window.store.spans.in_document(doc_id, annotator_id=window.session.annotator.id)


def test_greyed_caption_refuses_spans_until_unmarked(open_window, qtbot, seeded_db: Path) -> None:
    window, doc_id, region = _open_on_caption(open_window, seeded_db)
    pane = window.pane
    text = pane.text()
    first_print = text.index(CAPTION)
    assert first_print < region.start  # the first print stays as it is
    greyed = _ink_lightness(window, region.start, region.start + 12)
    plain = _ink_lightness(window, first_print + 1, first_print + 12)
    assert greyed > plain + 40, (greyed, plain)
    window.grab().save("/tmp/region_marks_window.png")
    assert pane.toPlainText() == text  # the format is not an edit of the text

    # A label key on a selection inside the greyed caption: no span, a message instead.
    name = region.start + CAPTION.index("Esmail")
    drag(pane.viewport(), viewport_point(window, name), viewport_point(window, name + 12, end=True))
    qtbot.keyClick(pane, Qt.Key.Key_1)
    assert _human_spans(window, doc_id) == []
    assert "marked as a repeated line" in window.statusBar().currentMessage()

    # The menu on the greyed text: Unmark.
    pos = viewport_point(window, name + 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, pane.viewport().mapToGlobal(pos))
    QApplication.sendEvent(pane.viewport(), event)
    menu = window.findChild(QMenu, "textMenu")
    qtbot.waitUntil(lambda: menu is not None and menu.isVisible(), timeout=3000)
    assert [a.text() for a in menu.actions()][-1] == "Unmark repeated line (count it again)"
    qtbot.keyClick(menu, Qt.Key.Key_Up)  # the last entry
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.store.regions.of_document(doc_id)[0].marked, timeout=3000)
    assert _ink_lightness(window, region.start, region.start + 12) <= plain + 10
    window.grab().save("/tmp/region_marks_unmarked.png")

    # Undo marks it again; redo unmarks it; the selection then makes a span.
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.regions.of_document(doc_id)[0].marked
    assert _ink_lightness(window, region.start, region.start + 12) > plain + 40
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(pane, Qt.Key.Key_Z, redo)
    assert not window.store.regions.of_document(doc_id)[0].marked
    pane.setFocus()
    # Esc first: a drag that starts inside the old selection would move that text, not select.
    qtbot.keyClick(pane, Qt.Key.Key_Escape)
    drag(pane.viewport(), viewport_point(window, name), viewport_point(window, name + 12, end=True))
    qtbot.keyClick(pane, Qt.Key.Key_1)
    spans = _human_spans(window, doc_id)
    assert [(text[s.start : s.end], s.label) for s in spans] == [("Esmail Qaani", "PERSON")]


def test_u_key_toggles_the_region_under_the_cursor_with_undo(open_window, qtbot, seeded_db: Path) -> None:
    window, doc_id, region = _open_on_caption(open_window, seeded_db)
    pane = window.pane
    qtbot.waitUntil(pane.spans_complete)

    def suggested_there() -> list[tuple[str, str]]:
        return [
            (pane.text()[i.span.start : i.span.end], i.span.label) for i in pane.shown_spans()
            if i.suggestion and region.start <= i.span.start < region.end
        ]

    assert suggested_there() == []  # the model's spans there are stored, and not shown
    # A click puts the text cursor in the greyed caption; U unmarks it: the model's suggestions
    # in the caption appear.
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(window, region.start + 3))
    qtbot.keyClick(pane, Qt.Key.Key_U)
    assert not window.store.regions.of_document(doc_id)[0].marked
    assert "unmarked" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: ("Esmail Qaani", "PERSON") in suggested_there())
    qtbot.keyClick(pane, Qt.Key.Key_U)
    assert window.store.regions.of_document(doc_id)[0].marked
    qtbot.waitUntil(lambda: suggested_there() == [])
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.store.regions.of_document(doc_id)[0].marked
    qtbot.waitUntil(lambda: ("Esmail Qaani", "PERSON") in suggested_there())
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.regions.of_document(doc_id)[0].marked
    qtbot.waitUntil(lambda: suggested_there() == [])
    # U outside any region says so and changes nothing.
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_utf16(pane.text().index("The head of the Iranian")))
    pane.setTextCursor(cursor)
    qtbot.keyClick(pane, Qt.Key.Key_U)
    assert "No repeated line or boilerplate here" in window.statusBar().currentMessage()
    assert all(r.marked for r in window.store.regions.of_document(doc_id))


def test_dark_theme_greys_the_region_too(open_window, qtbot, seeded_db: Path) -> None:
    from annotator.gui.theme import apply_theme

    app = QApplication.instance()
    apply_theme(app, "dark")  # type: ignore[arg-type]
    try:
        window, _doc_id, region = _open_on_caption(open_window, seeded_db)
        text = window.pane.text()
        first_print = text.index(CAPTION)
        image = window.pane.viewport().grab().toImage()

        def brightest(start: int, end: int) -> int:
            a, b = viewport_point(window, start), viewport_point(window, end, end=True)
            return max(
                QColor(image.pixel(x, a.y() + dy)).lightness()
                for x in range(a.x(), b.x(), 2) for dy in range(-5, 6)
            )

        greyed = brightest(region.start, region.start + 12)
        plain = brightest(first_print + 1, first_print + 12)
        assert greyed < plain - 40, (greyed, plain)
        window.grab().save("/tmp/region_marks_dark.png")
    finally:
        apply_theme(app, "light")  # type: ignore[arg-type]




def test_event_actor_and_evidence_keys_make_nothing_in_greyed_text(
    open_window, qtbot, seeded_db: Path
) -> None:
    """E (a new event), A (a new mention), Shift+F (framing evidence) on a selection inside the
    greyed caption make no span and say why; T (tag every mention) tags the first print of the
    name and leaves the greyed reprint alone."""
    window, doc_id, region = _open_on_caption(open_window, seeded_db)
    pane = window.pane
    name = region.start + CAPTION.index("Esmail")
    for key, modifier in (
        (Qt.Key.Key_E, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier),
    ):
        window.statusBar().clearMessage()
        pane.setFocus()
        qtbot.keyClick(pane, Qt.Key.Key_Escape)
        drag(pane.viewport(), viewport_point(window, name), viewport_point(window, name + 12, end=True))
        assert pane.selection_codepoints() == (name, name + 12)
        qtbot.keyClick(pane, key, modifier)
        assert "marked as a repeated line" in window.statusBar().currentMessage(), key
        assert _human_spans(window, doc_id) == [], key

    # T tags every mention of the actor: the caption's first print, never its greyed reprint.
    text = pane.text()
    first = text.index(CAPTION) + CAPTION.index("Esmail")
    qaani = next(a for a in window.store.actors.all() if a.name == "Ismail Qaani")
    assert qaani.id is not None
    command = window.analysis.actor_commands.tag_all(doc_id, qaani.id)
    starts = sorted(span.start for span, _actor in command.items)
    assert first in starts
    assert not [s for s in starts if region.start <= s < region.end]
    window.statusBar().clearMessage()
