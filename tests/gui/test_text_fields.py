"""Ctrl+Z in a text field undoes the typing there, never the window's last command (and
Ctrl+Shift+Z / Ctrl+Y redo it there); in the reading pane Ctrl+Z still undoes the command."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from tests.gui.keyboard import CTRL, SHIFT, focused, press


def _text(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QSpinBox):
        return widget.cleanText()
    assert isinstance(widget, QLineEdit)
    return widget.text()


def test_ctrl_z_in_a_field_undoes_the_typing_not_the_last_command(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, _ = open_window(seeded_db)
    pane = window.pane
    for _ in range(2):  # accept two suggestions, undo one: a command to undo and one to redo
        press(qtbot, Qt.Key.Key_N)
        press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Z, CTRL)
    stack = window.undo_stack
    assert stack.index() == 1 and window.act_undo.isEnabled() and window.act_redo.isEnabled()
    accepted = window.session.own_spans(window.doc_id)
    assert len(accepted) == 1

    # Fields of the window and of a panel, and a spin box and a text box in a panel.
    panel_layout = window.label_panel.layout()
    spin, notes = QSpinBox(), QPlainTextEdit()
    spin.setRange(0, 1000)
    for extra in (spin, notes):
        panel_layout.addWidget(extra)
        extra.show()
    window.analysis.actor_dock.show()
    window.analysis.actor_dock.raise_()
    fields: list[QWidget] = [window.filter_edit, window.analysis.actor_panel.search, spin, notes]
    for field in fields:
        field.setFocus()
        qtbot.waitUntil(lambda f=field: focused() is f)
        before = _text(field)
        qtbot.keyClicks(field, "12")
        assert _text(field) != before
        press(qtbot, Qt.Key.Key_Z, CTRL)
        assert _text(field) == before, type(field).__name__  # the typing undone
        press(qtbot, Qt.Key.Key_Z, CTRL)  # nothing left to undo in the field: still the field's
        press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
        assert "12" in _text(field), type(field).__name__  # redone in the field
        press(qtbot, Qt.Key.Key_Y, CTRL)  # (the window's other redo key)
        assert stack.index() == 1, type(field).__name__  # the saved work untouched
        assert window.session.own_spans(window.doc_id) == accepted
        if isinstance(field, QLineEdit):
            field.clear()

    # In the reading pane Ctrl+Z is the window's undo, as before.
    pane.setFocus()
    qtbot.waitUntil(lambda: focused() is pane)
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert stack.index() == 0 and window.session.own_spans(window.doc_id) == []
