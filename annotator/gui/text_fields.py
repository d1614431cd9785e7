"""Fields the analyst types in, and their own undo.

While the focus is in a text field (a line edit, an editable text box, a spin box, an editable
combo box), Ctrl+Z and Ctrl+Shift+Z / Ctrl+Y undo and redo the typing there, never the window's
last command: ``keep_field_undo`` installs an application event filter that claims those keys
for the field (by accepting their ``ShortcutOverride``) before the window's Undo/Redo actions
see them. Qt's own fields claim them only on some versions and platforms, and only while they
have something to undo; a second Ctrl+Z in a field must not reach back into the saved work.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

FIELD_UNDO_KEYS = (
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
)
EXTRA_UNDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")  # the window's redo shortcuts on every platform


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


def _is_undo_key(event: QKeyEvent) -> bool:
    if any(event.matches(key) for key in FIELD_UNDO_KEYS):
        return True
    combo = QKeySequence(event.keyCombination())
    return any(combo.matches(QKeySequence(text)) == QKeySequence.SequenceMatch.ExactMatch
               for text in EXTRA_UNDO_KEYS)


class FieldUndo(QObject):
    """Claims undo and redo keys for the text field that has the focus in ``window``."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and watched.window() is self.window
            and typing_in(watched)
            and _is_undo_key(event)
        ):
            event.accept()  # the key goes to the field as a key press, not to a window shortcut
        return False


def keep_field_undo(window: QWidget) -> FieldUndo:
    """Let text fields in ``window`` keep Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y for their own typing."""
    guard = FieldUndo(window)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(guard)
    return guard
