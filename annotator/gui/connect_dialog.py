"""File > Connect to team database…: the fields of a PostgreSQL connection, a test, and the URL.

Host, port, database, user and ``sslmode`` make the URL (``postgresql://user@host:port/db?
sslmode=…``), which is what the app remembers. The password field is for this session only: it
goes into the URL the store opens with (and from there into nothing that is saved or shown: every
message masks it, and the Train dialog hands it to its process in ``PGPASSWORD``). Left empty,
libpq finds one itself, as everywhere else: ``~/.pgpass``, ``PGPASSWORD``, a service file.

"Test connection" runs on a worker thread (a server that does not answer takes libpq's timeout,
and the window must not freeze meanwhile); the answer is a sentence in the dialog, as plain text.
"""

from __future__ import annotations

import getpass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.gui.plain import plain_label
from annotator.gui.workers import Worker
from annotator.services.team import probe
from annotator.store.location import is_server_url

SSL_MODES = ("prefer", "disable", "allow", "require", "verify-ca", "verify-full")
DEFAULT_PORT = 5432


class ConnectDialog(QDialog):
    """The connection's fields; ``url()`` once accepted."""

    def __init__(self, current: str = "", user: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to team database")
        self.host = QLineEdit("localhost")
        self.host.setObjectName("connectHost")
        self.port = QSpinBox()
        self.port.setObjectName("connectPort")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit("annotations")
        self.database.setObjectName("connectDatabase")
        self.user = QLineEdit(user or getpass.getuser())
        self.user.setObjectName("connectUser")
        self.password = QLineEdit()
        self.password.setObjectName("connectPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: from ~/.pgpass or PGPASSWORD")
        self.sslmode = QComboBox()
        self.sslmode.setObjectName("connectSslmode")
        self.sslmode.addItems(SSL_MODES)
        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User (your annotator name):", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("&SSL mode:", self.sslmode)
        note = plain_label(QLabel("The password is used for this session only and never saved."))
        note.setObjectName("connectNote")
        self.result_label = plain_label(QLabel(""))
        self.result_label.setObjectName("connectResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("connectTest")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("connectConnect")
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.worker: Worker | None = None
        self.ok: bool | None = None  # the last test's outcome; None while none has ended
        if is_server_url(current):
            self._fill_from(current)
        self.setMinimumWidth(520)

    def _fill_from(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.hostname:
            self.host.setText(parts.hostname)
        if parts.port:
            self.port.setValue(parts.port)
        if parts.username:
            self.user.setText(unquote(parts.username))
        if parts.path.strip("/"):
            self.database.setText(unquote(parts.path.strip("/")))
        mode = parse_qs(parts.query).get("sslmode", [""])[0]
        if mode in SSL_MODES:
            self.sslmode.setCurrentText(mode)

    def url(self, with_password: bool = True) -> str:
        """The URL of the fields; the password in it only when asked (never to be saved)."""
        user = quote(self.user.text().strip(), safe="")
        password = self.password.text()
        if with_password and password:
            user += ":" + quote(password, safe="")
        host = self.host.text().strip() or "localhost"
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        database = quote(self.database.text().strip(), safe="")
        return (
            f"postgresql://{user}@{host}:{self.port.value()}/{database}"
            f"?sslmode={self.sslmode.currentText()}"
        )

    def _missing(self) -> str:
        for field, name in ((self.user, "a user"), (self.database, "a database")):
            if not field.text().strip():
                return f"Give {name}."
        return ""

    def test_connection(self) -> None:
        """Try the connection on a worker thread; the answer appears below the fields."""
        if self.worker is not None and self.worker.running:
            return
        missing = self._missing()
        if missing:
            self._show(False, missing)
            return
        url = self.url()
        self.ok = None
        self.result_label.setText("Connecting…")
        self.test_button.setEnabled(False)
        self.worker = Worker(lambda _state: probe(url), self)
        self.worker.finished.connect(lambda message: self._show(True, str(message)))
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def _failed(self, exc: object, _tb: str) -> None:
        if isinstance(exc, AnnotatorError):
            self._show(False, str(exc))
        else:
            self._show(False, f"Could not connect: {exc}")

    def _show(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.test_button.setEnabled(True)
        self.result_label.setText(message)
        self.adjustSize()  # room for a wrapped answer

    def _accept(self) -> None:
        missing = self._missing()
        if missing:
            self._show(False, missing)
            return
        self.accept()

    def done(self, result: int) -> None:
        # A test still running ends first (within libpq's connect timeout): its thread must not
        # outlive the dialog.
        if self.worker is not None and self.worker.running:
            self.worker.wait()
        super().done(result)
