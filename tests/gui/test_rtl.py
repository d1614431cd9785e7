"""Right-to-left documents: laid out right to left, and a mouse drag over Arabic stores the
offsets of the words under the mouse."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.direction import is_rtl
from annotator.core.model import Document, DocumentMeta
from annotator.store import Store
from tests.gui.conftest import drag

ARABIC = (
    "زار قائد فيلق القدس التابع للحرس الثوري (IRGC) إسماعيل قاآني سوريا "
    "للإشراف على مناورة مشتركة.\nوقالت وسائل إعلام إيرانية إن الزيارة مهمة."
)
PERSIAN = "فرمانده نیروی قدس سپاه پاسداران به سوریه سفر کرد."


def _db(tmp_path: Path) -> tuple[Path, list[int]]:
    db = tmp_path / "rtl.sqlite"
    store = Store(db)
    ids = store.documents.add([
        Document(ARABIC, DocumentMeta(title="قاآني في سوريا", lang="ar", source="Asharq Al-Awsat")),
        Document(PERSIAN, DocumentMeta(title="سفر فرمانده")),  # no language: the letters decide
        Document("Qaani visited Syria.", DocumentMeta(title="English", lang="en")),
    ])
    store.close()
    return db, ids


def _x(window, cp: int) -> int:  # type: ignore[no-untyped-def]
    cursor = QTextCursor(window.pane.document())
    cursor.setPosition(window.pane.offsets.to_utf16(cp))
    return window.pane.cursorRect(cursor).center().x()


def _y(window, cp: int) -> int:  # type: ignore[no-untyped-def]
    cursor = QTextCursor(window.pane.document())
    cursor.setPosition(window.pane.offsets.to_utf16(cp))
    return window.pane.cursorRect(cursor).center().y()


def test_direction_by_language_or_letters() -> None:
    assert is_rtl(ARABIC, "ar") and is_rtl(PERSIAN) and is_rtl("(AFP) " + ARABIC)
    assert not is_rtl("Qaani visited Syria.") and not is_rtl(ARABIC, "en")


def test_arabic_is_laid_out_right_to_left(open_window, qtbot, tmp_path: Path) -> None:
    db, ids = _db(tmp_path)
    window, _dialogs = open_window(db)
    window.select_document(ids[0])
    pane = window.pane
    assert pane.is_rtl()
    width = pane.viewport().width()
    # The paragraph starts at the right edge and reads leftwards.
    assert _x(window, 0) > width * 0.8
    assert _x(window, 4) < _x(window, 0)
    # The Latin run keeps its own order inside: R before G before C, left to right (positions
    # at the run's edges belong to the Arabic around it).
    i = ARABIC.index("IRGC")
    assert _x(window, i + 1) < _x(window, i + 2) < _x(window, i + 3)
    # The second paragraph is right-aligned too, although shorter than the line.
    second = ARABIC.index("\n") + 1
    assert _x(window, second) > width * 0.8
    assert window.title_label.alignment() & Qt.AlignmentFlag.AlignRight
    # Pixels: the ink of the short second paragraph lies in the right half.
    image = pane.viewport().grab().toImage()
    row = _y(window, second)
    base = pane.palette().base().color().lightness()
    ink = [x for x in range(width) if image.pixelColor(x, row).lightness() < base - 120]
    assert ink and min(ink) > width * 0.3

    window.select_document(ids[1])
    assert pane.is_rtl()
    window.select_document(ids[2])
    assert not pane.is_rtl() and _x(window, 0) < width * 0.2
    assert not window.title_label.alignment() & Qt.AlignmentFlag.AlignRight


def test_a_drag_over_arabic_labels_the_words_under_the_mouse(open_window, qtbot, tmp_path: Path) -> None:
    db, ids = _db(tmp_path)
    window, _dialogs = open_window(db)
    window.select_document(ids[0])
    pane = window.pane
    name = "إسماعيل قاآني"
    start = ARABIC.index(name)
    end = start + len(name)
    # Right to left: a character lies left of the cursor position before it.
    press = QPoint(_x(window, start) - 3, _y(window, start))
    release = QPoint(_x(window, end) + 3, _y(window, end))
    assert press.x() > release.x()
    drag(pane.viewport(), press, release)
    assert pane.selection_codepoints() == (start, end)
    qtbot.keyClick(pane, Qt.Key.Key_1)
    [span] = window.session.own_spans(ids[0])
    assert (span.start, span.end, span.label) == (start, end, "PERSON")
    assert ARABIC[span.start : span.end] == name

    # A Latin acronym inside the Arabic line: dragged left to right, as it is shown, from inside
    # its first letter to inside its last (the run's edges are shared with the Arabic around).
    i = ARABIC.index("IRGC")
    row = _y(window, i + 1)
    drag(pane.viewport(), QPoint(_x(window, i + 1) - 2, row), QPoint(_x(window, i + 3) + 2, row))
    qtbot.keyClick(pane, Qt.Key.Key_2)
    spans = {(s.start, s.end, s.label) for s in window.session.own_spans(ids[0])}
    assert (i, i + 4, "ORG") in spans
    # In a right-to-left paragraph Shift+Left extends the selection forwards (leftwards on
    # screen), one letter at a time; the selection is the first word.
    qtbot.keyClick(pane, Qt.Key.Key_Escape)
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_utf16(start))
    pane.setTextCursor(cursor)
    for _ in range(len("إسماعيل")):
        qtbot.keyClick(pane, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selection_codepoints(snap=False) == (start, start + len("إسماعيل"))
