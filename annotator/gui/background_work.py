"""The window's one background job (an import, an export, reading a colleague's file), with its
progress and a Cancel button in the status bar.

The work runs on a ``Worker`` thread (``gui/workers.py``); its progress, result and failure come
back on the GUI thread by signal. A failure the analyst can act on (bad input, a refused file)
is shown as such; anything else with its traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressBar, QPushButton

from annotator.core.errors import AnnotatorError, InputErrors
from annotator.core.tasks import TaskState
from annotator.gui.dialogs import Dialogs
from annotator.gui.plain import plain_tip
from annotator.gui.workers import Worker


class BackgroundWork:
    """Starts, shows, cancels and ends the window's background job."""

    def __init__(self, owner: QObject, dialogs: Dialogs) -> None:
        self.owner = owner
        self.dialogs = dialogs
        self.worker: Worker | None = None
        self.title = "Work"
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    def start(
        self,
        fn: Callable[[TaskState], object],
        what: str,
        done: Callable[[object], None],
        failed: Callable[[object, str], None] | None = None,
    ) -> None:
        self.title = what
        self.worker = Worker(fn, self.owner)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(done)
        self.worker.failed.connect(failed or self.failed)
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{what}…")
        self.progress.show()
        self.cancel_button.show()
        self.worker.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"%v/%m {message[:30]}")
        self.progress.setToolTip(plain_tip(message))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.progress.setFormat("cancelling…")

    def end(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def failed(self, exc: object, tb: str) -> None:
        self.end()
        if self.title == "Importing":
            # Bad input is found before anything is written; a failure later (a pre-annotation
            # worker that died, say) stops an import whose files stored so far are kept.
            title = "Nothing was imported" if isinstance(exc, InputErrors) else "Import stopped"
        else:
            title = f"{self.title} failed"
        if isinstance(exc, InputErrors):
            self.dialogs.error(title, exc.message)
        elif isinstance(exc, AnnotatorError):
            self.dialogs.error(title, str(exc))
        else:
            self.dialogs.error("Unexpected error", f"{exc}\n\n{tb}")

    def stop(self) -> None:
        """Cancel a running job and wait for it (the window is closing)."""
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.worker.wait(60000)
