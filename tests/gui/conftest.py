"""GUI fixtures: the real main window on a real database, with the dialog seam answered by the test."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.gui.app import build_window
from annotator.gui.dialogs import Dialogs
from annotator.gui.main_window import MainWindow


class ScriptedDialogs(Dialogs):
    """Answers the window's questions from queues the test fills; records what was shown."""

    def __init__(self) -> None:
        super().__init__(None)
        self.texts: list[str | None] = []
        self.open_answers: list[list[Path]] = []
        self.save_answers: list[Path | None] = []
        self.confirm_answers: list[bool] = []
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.export_answers: list[object] = []  # ExportOptions or None
        self.opened_folders: list[Path] = []
        self.asked: list[tuple[str, str, str]] = []  # (title, label, default) of each ask_text
        self.annotator_choices: list[list[str] | None] = []
        self.offered: list[list[str]] = []  # the names each choose_annotators offered

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        self.asked.append((title, label, default))
        return self.texts.pop(0) if self.texts else default

    def choose_annotators(self, names: list[str]) -> list[str] | None:
        self.offered.append(list(names))
        return self.annotator_choices.pop(0) if self.annotator_choices else None

    def open_paths(self, title: str, directory: str, filters: str, folder: bool = False) -> list[Path]:
        return self.open_answers.pop(0) if self.open_answers else []

    def save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        return self.save_answers.pop(0) if self.save_answers else None

    def confirm(self, title: str, question: str) -> bool:
        return self.confirm_answers.pop(0) if self.confirm_answers else False

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def info(self, title: str, message: str) -> None:
        self.infos.append((title, message))

    def export_options(self, annotators: list[str], current: str, folder: Path):  # type: ignore[no-untyped-def]
        self.export_choices = (annotators, current, folder)
        return self.export_answers.pop(0) if self.export_answers else None

    def open_folder(self, folder: Path) -> None:
        self.opened_folders.append(folder)


def window_args(db: Path, annotator: str | None = "alice", **extra: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "db": db,
        "annotator": annotator,
        "labels": None,
        "model": [],
        "no_preannotate": False,
        "screenshot": None,
        "doc": 1,
        "paths": [],
    }
    values.update(extra)
    return argparse.Namespace(**values)


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., tuple[MainWindow, ScriptedDialogs]]]:
    """Open the real main window on a database; closes every window it opened."""
    opened: list[MainWindow] = []

    def _open(
        db: Path, annotator: str | None = "alice", **extra: object
    ) -> tuple[MainWindow, ScriptedDialogs]:
        dialogs = ScriptedDialogs()
        window = build_window(window_args(db, annotator, **extra), dialogs=dialogs, ask=True)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        window.pane.setFocus()
        opened.append(window)
        return window, dialogs

    yield _open
    for window in opened:
        if window.isVisible():
            window.close()
        window.store.close()


def viewport_point(window: MainWindow, cp: int, end: bool = False) -> QPoint:
    """A point in the reading pane's viewport just inside the character at code point ``cp``."""
    pane = window.pane
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_utf16(cp))
    rect = pane.cursorRect(cursor)
    x = rect.left() - 2 if end else rect.left() + 2
    return QPoint(x, rect.center().y())


def drag(widget: QWidget, start: QPoint, end: QPoint) -> None:
    """Press, move with the button held, release: a real mouse drag (QTest's move has no button)."""
    left, none, mods = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier

    def send(kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        local = QPointF(pos)
        event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, mods)
        QApplication.sendEvent(widget, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    steps = 5
    for i in range(1, steps + 1):
        p = start + (end - start) * i / steps
        send(QEvent.Type.MouseMove, p, none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)
