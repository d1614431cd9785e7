"""Background work for the GUI: a function run on a QThread with progress and cancel.

The function gets a ``TaskState``; its progress reaches the GUI thread by queued signals and its
result (or error) arrives by signal too. Workers never touch widgets.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.core.tasks import TaskState


class _Runner(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)  # exception, traceback text

    def __init__(self, fn: Callable[[TaskState], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.state = TaskState(lambda done, total, msg: self.progress.emit(done, total, msg))

    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except Exception as exc:  # noqa: BLE001 - reported to the GUI thread
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.finished.emit(result)


class Worker(QObject):
    """Runs ``fn(task_state)`` on its own thread; emits progress, finished or failed."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)

    def __init__(self, fn: Callable[[TaskState], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._runner = _Runner(fn)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progress.connect(self.progress)
        self._runner.finished.connect(self._done)
        self._runner.failed.connect(self._fail)
        self.running = False

    def start(self) -> None:
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        self._runner.state.cancel()

    @property
    def cancelled(self) -> bool:
        """Whether cancel was asked (work that does not poll may still have finished)."""
        return self._runner.state.cancelled

    def wait(self, ms: int = 30000) -> bool:
        return self._thread.wait(ms)

    def _stop_thread(self) -> None:
        self.running = False
        self._thread.quit()
        self._thread.wait()

    def _done(self, result: object) -> None:
        self._stop_thread()
        self.finished.emit(result)

    def _fail(self, exc: object, tb: str) -> None:
        self._stop_thread()
        self.failed.emit(exc, tb)
