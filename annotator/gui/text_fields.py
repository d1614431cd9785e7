"""Fields the analyst types in, and their own undo.

While the focus is in a text field of the window (a line edit, an editable text box, a spin box,
an editable combo box), Ctrl+Z and Ctrl+Shift+Z / Ctrl+Y undo and redo the typing there, never
the window's last command: ``keep_field_undo`` takes the window's Undo/Redo shortcuts off while
such a field has the focus and puts them back when the focus leaves it (the menu entries keep
working). Qt's own fields claim those keys only on some versions and platforms, and only while
they have something to undo: a second Ctrl+Z in a field must not reach back into the saved work.
It follows ``QApplication.focusChanged`` — no event filter runs on every event of the app.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def typing_in(widget: QObject | None) -> bool:
    """Whether ``widget`` is a field the analyst types in (its keys are its own)."""
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


class FieldUndo(QObject):
    """Takes the window's undo and redo shortcuts off while a text field of it has the focus."""

    def __init__(self, window: QWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.keys = [(action, action.shortcuts()) for action in actions]
        self.in_field = False
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        in_field = new is not None and new.window() is self.window and typing_in(new)
        if in_field == self.in_field:
            return
        self.in_field = in_field
        try:
            for action, keys in self.keys:
                action.setShortcuts([] if in_field else keys)
        except RuntimeError:  # the window is gone (closed and deleted): stop following the focus
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.focusChanged.disconnect(self._focus_changed)


def keep_field_undo(window: QWidget, *actions: QAction) -> FieldUndo:
    """Let text fields in ``window`` keep the keys of ``actions`` (its Undo and Redo) for their
    own typing while they have the focus."""
    return FieldUndo(window, list(actions))
