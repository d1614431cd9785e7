"""Small styling helpers shared by the analysis panels: hints and problem messages that stay
readable in the light and the dark appearance."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from annotator.gui.theme import is_dark

# Error and warning text colours with at least 4.5:1 contrast on the light and the dark window.
_COLORS = {
    (True, False): "#B03A00",
    (True, True): "#FF9B70",
    (False, False): "#7A5600",
    (False, True): "#F0C75E",
}


def hint_label(text: str) -> QLabel:
    """A wrapped line of help, in the palette's muted text colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def problem_style(error: bool, widget: QWidget | None = None) -> str:
    """The style sheet of a problem message (an error, else a warning) for the current palette."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return f"color: {_COLORS[(error, is_dark(palette))]}"
