"""Parts of one job counted at the same time: the first in this process, the others in workers.

The agreement report is a sum over documents (``core.agreement.Tally``), so a large review is
split into parts whose results merge. Worker processes are spawned, not forked: the window's
threads (Qt, the spaCy worker) must not be copied into a child. A worker costs a fraction of a
second to start (a new interpreter importing what the function needs), so callers use this for
large inputs only. A part whose worker could not run (no process could be started, or it died)
is computed here instead: the same results, later.
"""

from __future__ import annotations

import os
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


def in_processes(function: Callable[..., T], arguments: Sequence[tuple[Any, ...]]) -> list[T]:
    """``function(*args)`` for each part, in order: the first here, the others in worker
    processes meanwhile. ``function`` must be importable by name (a module-level function)."""
    if len(arguments) == 1:
        return [function(*arguments[0])]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(
            len(arguments) - 1, mp_context=multiprocessing.get_context("spawn")
        )
        futures = [pool.submit(function, *args) for args in arguments[1:]]
    except (OSError, RuntimeError):
        return [function(*args) for args in arguments]
    with pool:
        results = [function(*arguments[0])]
        for future, args in zip(futures, arguments[1:], strict=True):
            try:
                results.append(future.result())
            except (BrokenProcessPool, OSError):
                results.append(function(*args))
    return results
