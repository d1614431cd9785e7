"""The window's keys: how an action gets its shortcut and where it is active, and the F1 list.

``reading`` actions have single-key shortcuts (1-9, N, X, Enter...) that must not fire while
the analyst types in a text field: they are active only while the focus is in the reading pane,
the document list or the label panel. The others are active anywhere in the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.labels import LabelSet

SHORTCUTS: list[tuple[str, str]] = [
    ("1 … 9", "Give the selection (or the current span) that label"),
    ("Enter", "Accept the current suggestion"),
    ("X / Delete", "Reject the current suggestion / delete the current span"),
    ("N / P", "Next / previous suggestion"),
    ("J / K", "Next / previous document"),
    ("Ctrl+Shift+A", "Accept all suggestions of the document"),
    ("Shift+arrows", "Extend the selection by character (Ctrl+Shift+arrows: by word)"),
    ("Esc", "Clear the selection and the current span"),
    ("U", "Unmark greyed text (a repeated line, site boilerplate) so it counts again; U again marks it"),
    ("Ctrl+I", "Edit the document's details (title, outlet, author, date, language, URL)"),
    ("Ctrl+D", "Mark the document done (Ctrl+Shift+D: in progress)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+O / Ctrl+Shift+O", "Import files / a folder"),
    ("Ctrl+R", "Review: compare colleagues' annotation sets and settle their differences"),
    ("N / P · A / B (1 … 9) · 0 · E · Esc", "In review: move, take a version, take none, edit, leave"),
    ("Ctrl+E", "Export annotations (JSONL)"),
    ("A", "Link the current span (or the selection) to an actor: the picker opens with the proposal first"),
    ("T", "Tag every other mention of the current span's actor in the document"),
    ("Ctrl+Shift+M", "Accept every suggestion that names a known actor as a mention of it"),
    ("E", "Make an event from the selection (on a trigger: edit its event)"),
    ("F", "Framing of the document: frames, primary frame, tone, actor roles"),
    ("Shift+F", "Tag the selected passage with a frame dimension or a persuasion technique"),
    ("Enter · Esc · Tab", "In a panel's form: save · cancel and back to the text · next field"),
    ("Ctrl+Alt+A / E / F", "Go to the actor registry / the event list / the framing form"),
    ("F2 · Ctrl+M · Ctrl+Shift+S", "Actor panel: rename · merge another actor in · split an alias off"),
    ("Ctrl+L · Ctrl+S · Ctrl+T · Ctrl+N", "Actor panel: add alias · save card · tag mentions · new actor"),
    ("Ctrl+Shift+L · Ctrl+Del", "Actor panel: remove the alias · delete the actor (nothing may refer to it)"),
    ("Delete · Ctrl+Del", "Event or evidence list: remove the event or the passage · in a form: delete"),
    ("Ctrl+1", "Show or hide model suggestions"),
    ("Ctrl+2 … Ctrl+5", "Show or hide entities, actor links, events, framing evidence"),
    ("Ctrl++ / Ctrl+-", "Larger / smaller text"),
    ("Ctrl+F", "Filter the document list"),
    ("Ctrl+Shift+F", "Search the corpus (Enter on a result opens it, match selected)"),
    ("Ctrl+Shift+V", "Corpus views: framing and tone by outlet, actors, network, timeline, stories"),
    ("F1", "This list"),
]


class ActionMaker:
    """Makes the window's actions: ``make(text, slot, shortcut, name, reading)``."""

    def __init__(self, window: QWidget, reading_widgets: Sequence[QWidget]) -> None:
        self.window = window
        self.reading_widgets = list(reading_widgets)

    def __call__(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        name: str = "",
        reading: bool = False,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        if name:
            action.setObjectName(name)
        if reading:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in self.reading_widgets:
                widget.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
        return action


def shortcuts_dialog(parent: QWidget, labels: LabelSet) -> QDialog:
    """F1: every key of the window, then the label keys."""
    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    layout = QVBoxLayout(dialog)
    browser = QTextBrowser()
    rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in SHORTCUTS)
    # A label file is data (``--labels``): its names and descriptions are shown as plain text.
    label_rows = "".join(
        f"<tr><td><b>{escape(lb.key)}</b></td><td>{escape(lb.name)}: {escape(lb.description)}</td></tr>"
        for lb in labels
    )
    browser.setHtml(
        f"<table cellpadding=4>{rows}</table><h4>Labels</h4><table cellpadding=4>{label_rows}</table>"
    )
    layout.addWidget(browser)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(560, 560)
    return dialog
