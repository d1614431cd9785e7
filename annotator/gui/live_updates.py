"""Other analysts' changes shown in an open window, on a team's PostgreSQL database.

The store's listener (``store/live.py``) collects the server's notifications on its own connection;
a timer reads what has arrived a few times a second — a read of the socket, no query — and refreshes
only what changed: the document list's rows (or the whole list when documents were added, removed or
given another status or title), the open document when someone changed it, and the actor registry. A
suggestion a colleague rejected disappears from the open document (and one they let be suggested
again comes back), and the list's suggestion counts follow; a colleague's judgment of a document
(their status of it) refreshes that document's row. On a SQLite file there is no listener and
nothing runs. If the server connection is lost, the status bar says so and live updates stop; every
action still saves (or fails with its own message) through the store's own connections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from annotator.core.errors import StoreError
from annotator.store.live import ChangeListener, RemoteChanges

INTERVAL_MS = 300


class _Rows(Protocol):
    def refresh_rows(self, doc_ids: Sequence[int]) -> None: ...


class _ActorPanel(Protocol):
    def refresh(self, reload: bool = True) -> None: ...


class _Analysis(Protocol):
    @property
    def actor_panel(self) -> _ActorPanel: ...


class LiveWindow(Protocol):
    doc_id: int | None

    @property
    def doc_model(self) -> _Rows: ...
    @property
    def analysis(self) -> _Analysis: ...

    def refresh_documents(self) -> None: ...
    def reload_from_database(self) -> None: ...
    def statusBar(self) -> QStatusBar: ...  # noqa: N802


class LiveUpdates(QObject):
    """Reads the listener on a timer and refreshes what others changed."""

    def __init__(self, window: LiveWindow, listener: ChangeListener, parent: QObject) -> None:
        super().__init__(parent)
        self.window, self.listener = window, listener
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> RemoteChanges:
        try:
            changes = self.listener.take()
        except StoreError as exc:
            self.stop()
            self.window.statusBar().showMessage(f"Live updates stopped: {exc}")
            return RemoteChanges()
        if not changes:
            return changes
        w = self.window
        open_changed = w.doc_id is not None and w.doc_id in changes.documents
        if open_changed or (changes.rejections and w.doc_id is not None):
            w.reload_from_database()  # the list too
        elif changes.listing or changes.rejections:
            w.refresh_documents()
        else:
            w.doc_model.refresh_rows(sorted(changes.documents))
        if changes.registry:
            w.analysis.actor_panel.refresh()
        return changes

    def stop(self) -> None:
        self.timer.stop()
        self.listener.close()
