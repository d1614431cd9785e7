"""Progress and cancellation for long work, shared by the GUI's workers and the command line.

Modelled on Orange's ``TaskState``: the work reports progress and polls ``cancelled``; whoever runs
it decides how to show progress (a progress bar, a line on stderr) without the work knowing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside work that noticed it was cancelled."""


class TaskState:
    def __init__(self, on_progress: Callable[[int, int, str], None] | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()
