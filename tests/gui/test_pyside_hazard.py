"""Regression test for the PySide6 6.12.0 + CPython 3.11 reference leak on None.

That combination drops a reference to None on every call of a Qt method returning nothing, and
the interpreter aborts ("none_dealloc") after a few thousand calls. The dependency pins keep it
away from users; this test makes 50,000 such calls, as a long annotation session would.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def test_fifty_thousand_void_qt_calls_leave_none_alone(qapp) -> None:
    widget = QWidget()
    editor = QPlainTextEdit()
    editor.setPlainText("Esmail Qaani visited Damascus.\n" * 20)
    cursor = QTextCursor(editor.document())
    before = sys.getrefcount(None)
    for i in range(25_000):
        widget.resize(100 + i % 7, 80)
        cursor.setPosition(i % 500)
    editor.setExtraSelections([])
    after = sys.getrefcount(None)
    # On an affected build the count falls by one per call (50,000); on a sound one it stays put
    # give or take the few references the interpreter itself takes or drops meanwhile.
    assert after > before - 1000, f"None lost {before - after} references in 50,000 Qt calls"
