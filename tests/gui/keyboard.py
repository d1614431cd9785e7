"""Keyboard helpers for GUI tests: every key goes to whatever widget has the focus, as it would
for an analyst who never touches the mouse. (And one look-up of what was stored.)"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QWidget

from annotator.gui.main_window import MainWindow
from annotator.services.actors import ActorRegistry
from annotator.store import Store

NO_MOD = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MOD) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), key, modifier)


_last_typed = [0.0]


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the focused widget.

    Lists and non-editable combo boxes jump to the entry starting with what was typed within the
    keyboard input interval (``QAbstractItemView.keyboardSearch``). Typed one key event per
    letter, a search would split wherever the loaded machine delays one key past that interval
    ("Sec" becoming a search for "S", then one for "ec"). So a search string arrives as one key
    event carrying all its letters — as an input method delivers a word — and goes through the
    widget's real key handling and ``keyboardSearch`` whole. Before a new search, wait out the
    interval, like an analyst pausing: waiting longer is always safe, so this is deterministic.
    Text fields get one key event per letter (their typing does not depend on timing)."""
    widget = focused()
    # Qt's search restarts only once more than the interval has passed since the last search, by
    # the monotonic clock; a QTimer (qtbot.wait) may fire up to 5 % early, so the clock decides.
    interval = QApplication.keyboardInputInterval() / 1000 + 0.05
    while time.monotonic() - _last_typed[0] < interval:
        qtbot.wait(10)
    if isinstance(widget, QAbstractItemView) or (isinstance(widget, QComboBox) and not widget.isEditable()):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, NO_MOD, text)
            QApplication.sendEvent(widget, event)
        qtbot.wait(0)
    else:
        qtbot.keyClicks(widget, text)
    _last_typed[0] = time.monotonic()


def tab_to(qtbot, widget: QWidget, limit: int = 30) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``widget`` has the focus (it must be reachable by Tab)."""
    for _ in range(limit):
        if focused() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget.objectName() or widget}"


def open_seed(window: MainWindow, prefix: str) -> int:
    """Open the seed whose file name starts with ``prefix`` ("000", "002"...); its id."""
    model = window.doc_model
    doc_id = next(
        model.summary(r).id for r in range(model.rowCount()) if model.summary(r).filename.startswith(prefix)
    )
    window.select_document(doc_id)
    window.pane.setFocus()
    return doc_id


def cursor_at(window: MainWindow, cp: int) -> None:
    """Put the reading pane's text cursor before code point ``cp`` (no selection)."""
    cursor = QTextCursor(window.pane.document())
    cursor.setPosition(window.pane.offsets.to_utf16(cp))
    window.pane.setTextCursor(cursor)
    window.pane.setFocus()


def select_words(qtbot, window: MainWindow, cp: int, words: int = 1) -> None:  # type: ignore[no-untyped-def]
    """From code point ``cp``, select ``words`` words with Ctrl+Shift+Right."""
    cursor_at(window, cp)
    for _ in range(words):
        qtbot.keyClick(window.pane, Qt.Key.Key_Right, CTRL | SHIFT)


def actor_id(db: Path, name: str) -> int:
    """The id of the actor of that name in a database (read with a store of its own)."""
    store = Store(db)
    try:
        return int(next(a.id for a in ActorRegistry(store).actors() if a.name == name))  # type: ignore[arg-type]
    finally:
        store.close()
