"""Strings from files shown by Qt as the text they are, never as markup.

Qt guesses: a tooltip, a QLabel or a QMessageBox whose text starts like HTML (``<b>``) is
rendered as rich text, so an outlet named ``<b>x</b><img src=...>`` in a colleague's file would
be drawn bold with an image fetched. Labels and message boxes get ``Qt.PlainText``; tooltips have
no such switch, so ``plain_tip`` escapes the text and marks it as rich text itself (``<qt>``),
which shows every character literally.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` literally, whatever markup it holds."""
    if "<" not in text and "&" not in text:
        return text  # nothing Qt could take for markup: keep the plain tooltip
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def plain_label(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_message_box(
    icon: QMessageBox.Icon, title: str, text: str, parent: object = None
) -> QMessageBox:
    """A message box whose text (often quoting a file name or a value) is plain text."""
    box = QMessageBox(icon, title, text, parent=parent)  # type: ignore[call-overload]
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box
