"""Parts of one job counted at the same time: the first in this process, the others in workers.

The agreement report is a sum over documents (``core.agreement.Tally``), so a large review is
split into parts whose results merge. How a worker starts depends on this process:

- forked, on Linux when this process runs one Python thread and no Qt (the command line, a
  script): the worker starts at once with everything imported and the arguments in its memory;
- spawned otherwise (the window: its threads, Qt's and the spaCy worker's, must not be copied
  into a child half-way through what they hold): a new interpreter imports what the function
  needs, a fraction of a second, so callers use this for large inputs only.

A part whose worker could not run (no process could be started, or it died) is computed here
instead: the same results, later.
"""

from __future__ import annotations

import os
import sys
import threading
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


def start_method() -> str:
    """``fork`` where a forked worker is safe: on Linux, in a process running no Python thread
    but the main one and without Qt (the window's process: Qt starts threads of its own).
    Threads of the BLAS under numpy are no obstacle: OpenBLAS stops its pool before a fork and
    starts it again when needed. ``spawn`` everywhere else (macOS: system libraries are not
    safe to use in a forked child)."""
    if (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not any(name.startswith("PySide6") for name in sys.modules)
    ):
        return "fork"
    return "spawn"


def in_processes(
    function: Callable[..., T], arguments: Sequence[tuple[Any, ...]], method: str | None = None
) -> list[T]:
    """``function(*args)`` for each part, in order: the first here, the others in worker
    processes meanwhile. ``function`` must be importable by name (a module-level function).
    ``method``: how workers start (default ``start_method()``).

    Each worker is a process of its own that sends its result back through a pipe; an exception
    it raises is raised here. It is not waited for once its result is here: its exit, handing
    back the memory of a large part, takes a tenth of a second or more (a process pool waits
    for it, or leaves an error on the terminal at exit when told not to)."""
    if len(arguments) == 1:
        return [function(*arguments[0])]
    import multiprocessing

    context: Any = multiprocessing.get_context(method or start_method())  # fork or spawn
    workers: list[tuple[Any, Any] | None] = []
    for args in arguments[1:]:
        try:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(function, args, send), daemon=True)
            process.start()
        except (OSError, RuntimeError):  # no process could be started: the part is done here
            workers.append(None)
            continue
        send.close()  # the worker holds its own end: this one reads EOF if the worker dies
        workers.append((process, receive))
    results = [function(*arguments[0])]
    for worker, args in zip(workers, arguments[1:], strict=True):
        results.append(_result(worker, function, args))
    return results


def _work(function: Callable[..., Any], args: tuple[Any, ...], send: Any) -> None:
    """A worker's part: its result (or the exception it raised) sent back."""
    try:
        outcome = (True, function(*args))
    except Exception as exc:  # raised again in the caller's process
        outcome = (False, exc)
    send.send(outcome)
    send.close()


def _result(worker: tuple[Any, Any] | None, function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """A worker's result; its part computed here when the worker could not run or died. The
    worker is not waited for after it sent its result (its exit hands back its memory)."""
    if worker is None:
        return function(*args)
    _process, receive = worker
    try:
        ok, value = receive.recv()
    except (EOFError, OSError):  # the worker died before sending
        return function(*args)
    finally:
        receive.close()
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]
