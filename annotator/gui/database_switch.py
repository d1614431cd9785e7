"""File > Connect to team database… and File > Open local database…: choosing the window's database.

The choice is a location (a ``postgresql://`` URL from ``connect_dialog.py``, or a SQLite file),
announced by the ``chosen`` signal; the application (``app.py``) opens a new window on it and
closes this one, so every part of the window is made afresh for the other database. The location
is remembered in the settings without any password (``Settings.database``), and the next start
opens it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from annotator.gui.connect_dialog import ConnectDialog
from annotator.gui.dialogs import Dialogs
from annotator.settings import Settings, data_dir


class _Host(Protocol):
    dialogs: Dialogs
    settings: Settings

    @property
    def store(self) -> object: ...

    def window(self) -> QWidget: ...


class DatabaseSwitch(QObject):
    """The two File actions; ``chosen`` carries the location to reopen the window on."""

    chosen = Signal(object)  # str (a server URL, perhaps with this session's password) or Path

    def __init__(self, host: _Host, location: Path | str) -> None:
        super().__init__(host.window())
        self.host = host
        self.location = location
        self.dialog: ConnectDialog | None = None
        self.remembered = ""
        self.successor: QWidget | None = None  # the window opened on the chosen database
        self.act_connect = QAction("Co&nnect to team database…", host.window())
        self.act_connect.setObjectName("actionConnect")
        self.act_connect.triggered.connect(self.connect_dialog)
        self.act_open_local = QAction("Open &local database…", host.window())
        self.act_open_local.setObjectName("actionOpenLocal")
        self.act_open_local.triggered.connect(self.open_local)

    def connect_dialog(self) -> None:
        """Show the connection dialog (non-modal, so tests and the window stay live)."""
        current = self.location if isinstance(self.location, str) else ""
        dialog = ConnectDialog(current, self.host.settings.annotator, self.host.window())
        dialog.finished.connect(lambda result: self._connect_closed(dialog, result))
        self.dialog = dialog
        dialog.open()

    def _connect_closed(self, dialog: ConnectDialog, result: int) -> None:
        self.dialog = None
        if result == QDialog.DialogCode.Accepted:
            self.choose(dialog.url(with_password=True), dialog.url(with_password=False))
        dialog.deleteLater()

    def open_local(self) -> None:
        folder = str(self.location.parent) if isinstance(self.location, Path) else str(data_dir())
        paths = self.host.dialogs.open_paths(
            "Open local database", folder, "Annotation databases (*.sqlite *.db);;All files (*)"
        )
        if paths:
            self.choose(paths[0], str(paths[0]))

    def choose(self, location: Path | str, remembered: str) -> None:
        """Reopen on ``location``; remember ``remembered`` (the same, without a password)."""
        if location == self.location:
            return
        self.remembered = remembered
        self.chosen.emit(location)
