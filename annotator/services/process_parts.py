"""Parts of one job counted at the same time: the first in this process, the others in workers.

The agreement report is a sum over documents (``core.agreement.Tally``), so a large review is
split into parts whose results merge. How a worker starts depends on this process:

- forked, when this process has one thread and runs on Linux (the command line, a script): the
  worker starts at once with everything imported and the arguments in its memory;
- spawned otherwise (the window: its threads, Qt's and the spaCy worker's, must not be copied
  into a child half-way through what they hold): a new interpreter imports what the function
  needs, a fraction of a second, so callers use this for large inputs only.

A part whose worker could not run (no process could be started, or it died) is computed here
instead: the same results, later.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

MAX_WORKERS = 4


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def single_threaded() -> bool:
    """Whether this process runs one thread only, native threads (Qt's, a library's) counted:
    Linux lists each in /proc/self/task. False where that cannot be known."""
    if not sys.platform.startswith("linux"):
        return False  # macOS: system libraries are not safe to use in a forked child
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def start_method() -> str:
    """``fork`` when a forked worker is safe here (one thread: no lock can be held by a thread
    the child lacks), else ``spawn``."""
    return "fork" if single_threaded() else "spawn"


def in_processes(
    function: Callable[..., T], arguments: Sequence[tuple[Any, ...]], method: str | None = None
) -> list[T]:
    """``function(*args)`` for each part, in order: the first here, the others in worker
    processes meanwhile. ``function`` must be importable by name (a module-level function).
    ``method``: how workers start (default ``start_method()``)."""
    if len(arguments) == 1:
        return [function(*arguments[0])]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(
            len(arguments) - 1, mp_context=multiprocessing.get_context(method or start_method())
        )
        futures = [pool.submit(function, *args) for args in arguments[1:]]
    except (OSError, RuntimeError):
        return [function(*args) for args in arguments]
    try:
        results = [function(*arguments[0])]
        for future, args in zip(futures, arguments[1:], strict=True):
            try:
                results.append(future.result())
            except (BrokenProcessPool, OSError):
                results.append(function(*args))
    finally:
        # The results are here: a worker's exit (its memory handed back, a tenth of a second
        # for a large part) is not waited for.
        pool.shutdown(wait=False, cancel_futures=True)
    return results
