"""Worker processes that run spaCy for a large import, so pre-annotation uses every core.

``preannotate`` (``nlp/preannotate.py``) hands a large import's texts here in batches; each
worker loads the pipeline once (by the name or path the registry loaded it from), parses its
batch and sends back each text's suggestions as plain tuples ``(start, end, label, layer)``.
The parent puts the results back in order; it alone writes the database, one file per
transaction as before, so a cancel or a failure never leaves half a file stored.

**Why our own small pool, and not one of the two made for the job:**

- spaCy's ``nlp.pipe(n_process=2)`` starts its workers with the default start method, which is
  ``fork`` on Linux with Python 3.11: it would fork the window's process with Qt loaded and
  running threads (unsafe). It also starts new workers at every call, and sends every parsed
  ``Doc`` back serialised; rebuilding the ``Doc`` and mapping its entities then runs in the
  parent, on the same two cores the workers need and under the window's interpreter lock.
- ``concurrent.futures.ProcessPoolExecutor`` (with ``spawn``) has no way on Python 3.11 to stop
  workers busy with a batch when the analyst cancels (only to wait for them), and its workers
  hold both ends of its task queue, so they outlive a parent that was killed.

So: each worker is started with ``spawn`` (a fresh interpreter: nothing of Qt is inherited)
and talks to the parent over its own duplex pipe. The parent gives each batch to the worker
with the least work (at most ``AHEAD`` batches each), waits on the pipes together with the
processes' sentinels (``multiprocessing.connection.wait``), so a worker that dies is noticed at
once and reported with its exit code, and checks for a cancel every tenth of a second, which
terminates the workers. A worker whose parent is gone reads end-of-file and exits.

One pool serves all the languages of an import (each worker loads a language's pipeline on its
first batch of it) and is closed when the import's last stream is done. Memory: each worker holds
its pipelines and at most ``AHEAD`` batches of at most ``BATCH_TEXTS`` texts and ``BATCH_CHARS``
characters; ``last_stats`` tells the peak of each worker (the bench reports it).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, NoReturn

from annotator.core.errors import AnnotatorError

# Worker processes are worth starting (about two seconds each, loading spaCy and the pipeline,
# in parallel) only for an import this large; smaller ones run in the importing process as before.
MIN_TEXTS = 200
MIN_CHARS = 300_000
# A batch: at most this many texts (pieces of long texts) and characters. spaCy parses a batch
# in one go; its memory grows with the batch (a worker peaked at some 400 MB on 16 articles of
# 3,000 characters, or on one 100,000-character piece of a long text, which is a batch alone).
BATCH_TEXTS = 16
BATCH_CHARS = 50_000
AHEAD = 2  # batches given to a worker before its last one comes back, so it never waits
POLL_SECONDS = 0.1  # how often a wait looks at the cancel flag
# Workers run at a lower priority than the window, so that the scheduler gives the window's
# thread a core as soon as it wakes (on an idle machine they still get both cores).
# Measured with an import of 250 articles in the window on the loaded machine: pauses of the
# event loop over 60 ms went from 18 (niceness 0) to 3 (10), the import's rate unchanged.
NICENESS = 10

# (start, end, label, layer) of one suggestion, in code points of its piece
SpanTuple = tuple[int, int, str, str]
# What turns one parsed text into suggestions in a worker: ``preannotate.piece_spans``, passed
# in (by reference: the worker imports it) so that this module does not import its caller.
# (nlp, doc, labels, model key, label scheme, trigger lexicon) -> spans
Convert = Callable[[Any, Any, Any, str, Any, Any], list[Any]]


class PreannotationError(AnnotatorError):
    """Pre-annotation in a worker process failed: its pipeline did not load or raised, or the
    process ended unexpectedly."""


@dataclass
class PoolStats:
    """What a closed pool did, for reports and the bench."""

    workers: int
    batches: int = 0
    peak_mb: dict[int, float] = field(default_factory=dict)  # worker pid -> its peak RSS


@dataclass
class _Setup:
    """What a stream's batches are parsed with: sent to each worker once."""

    source: str  # ``pipelines.load_pipeline`` loads it
    labels: Any  # LabelSet
    triggers: Any  # TriggerLexicon | None, without its built matchers


class WorkerPool:
    """``count`` worker processes; ``submit`` a batch, ``result`` waits for it."""

    def __init__(self, count: int, convert: Convert) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers: list[tuple[Any, Connection]] = []
        self.stats = PoolStats(count)
        self._load: list[int] = []  # batches given to each worker and not back yet
        self._owner: dict[int, int] = {}  # ticket -> worker index
        self._results: dict[int, list[list[SpanTuple]]] = {}
        self._setups: dict[int, _Setup] = {}
        self._next = 0
        self._broken = ""
        self.closed = False
        try:
            for _ in range(count):
                parent_end, child_end = context.Pipe(duplex=True)
                process = context.Process(
                    target=_worker_main, args=(child_end, convert), name="annotator-preannotate",
                    daemon=True,
                )
                process.start()
                child_end.close()  # the worker's end lives in the worker only
                self.workers.append((process, parent_end))
                self._load.append(0)
        except BaseException:
            self.terminate()
            raise

    @property
    def pids(self) -> list[int]:
        return [int(process.pid or 0) for process, _ in self.workers]

    def setup(self, source: str, labels: Any, triggers: Any) -> int:
        """Tell every worker how a stream's batches are parsed; returns the stream's key."""
        self._check()
        key = self._ticket()
        setup = _Setup(source, labels, triggers)
        self._setups[key] = setup
        for index in range(len(self.workers)):
            self._send(index, ("setup", key, setup))
        return key

    def forget(self, key: int) -> None:
        """A stream is done: its setup is dropped (the pipelines stay loaded)."""
        if self._setups.pop(key, None) is not None and not self._broken and not self.closed:
            try:
                for index in range(len(self.workers)):
                    self._send(index, ("forget", key))
            except PreannotationError:  # a worker died: whoever waits on it is told
                pass

    def submit(self, key: int, pieces: list[str]) -> int:
        """Give a batch to the least busy worker; returns its ticket for ``result``."""
        self._check()
        ticket = self._ticket()
        index = min(range(len(self.workers)), key=self._load.__getitem__)
        self._send(index, ("batch", ticket, key, pieces))
        self._load[index] += 1
        self._owner[ticket] = index
        return ticket

    def result(self, ticket: int, cancelled: Callable[[], bool]) -> list[list[SpanTuple]] | None:
        """Each piece's suggestions of the batch ``ticket``, once it is back; None as soon as
        ``cancelled()`` turns true. Raises PreannotationError when a worker failed."""
        while ticket not in self._results:
            self._check()
            if cancelled():
                return None
            self._pump(POLL_SECONDS)
        return self._results.pop(ticket)

    def close(self) -> None:
        """Let idle workers end; terminate those still busy (a cancel, a failure)."""
        if self.closed:
            return
        if self._broken or self._owner:
            self.terminate()
            return
        for index in range(len(self.workers)):
            self._send(index, ("stop",))
        deadline = time.monotonic() + 5
        for process, _ in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
        self.terminate()

    def terminate(self) -> None:
        """Stop every worker now (what it was parsing is dropped) and wait for them to end."""
        for process, _ in self.workers:
            if process.is_alive():
                process.terminate()
        for process, conn in self.workers:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()
        self.closed = True

    # -- internals ----------------------------------------------------------------------------

    def _ticket(self) -> int:
        self._next += 1
        return self._next

    def _check(self) -> None:
        if self._broken:
            raise PreannotationError(self._broken)
        if self.closed:
            raise PreannotationError("pre-annotation workers were stopped")

    def _send(self, index: int, message: tuple[Any, ...]) -> None:
        process, conn = self.workers[index]
        try:
            conn.send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            self._fail(self._died(process))

    def _pump(self, timeout: float) -> None:
        """Take in whatever the workers sent within ``timeout``; notice a worker that died."""
        conns = {conn: index for index, (_, conn) in enumerate(self.workers)}
        sentinels = {process.sentinel: index for index, (process, _) in enumerate(self.workers)}
        ready = wait([*conns, *sentinels], timeout)
        for item in ready:  # results first: a worker may have sent one and then ended
            if item in conns:
                self._receive(conns[item])  # type: ignore[index]
        for item in ready:
            if item in sentinels:
                process = self.workers[sentinels[item]][0]  # type: ignore[index]
                self._fail(self._died(process))

    def _receive(self, index: int) -> None:
        process, conn = self.workers[index]
        while conn.poll():
            try:
                message = conn.recv()
            except (EOFError, OSError):
                self._fail(self._died(process))
            kind, ticket = message[0], message[1]
            if kind == "error":
                self._fail(f"pre-annotation failed in a worker process: {message[2]}")
            self._owner.pop(ticket, None)
            self._load[index] -= 1
            self._results[ticket] = message[2]
            self.stats.batches += 1
            self.stats.peak_mb[int(process.pid or 0)] = message[3]

    def _died(self, process: Any) -> str:
        process.join(1)
        code = process.exitcode
        if code is None:
            how = "stopped answering"
        elif code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"ended with exit code {code}"
        return (
            f"pre-annotation stopped: a worker process (pid {process.pid}) {how}, perhaps for "
            "want of memory; the files stored before it are kept, the rest were not imported"
        )

    def _fail(self, message: str) -> NoReturn:
        self._broken = message
        self.terminate()
        raise PreannotationError(message)


# -- the one pool an import shares across its languages ---------------------------------------

_lock = threading.Lock()
_shared: WorkerPool | None = None
_users = 0
last_stats: PoolStats | None = None  # the last closed pool's, for reports and the bench


def acquire(count: int, convert: Convert) -> WorkerPool:
    """The pool of ``count`` workers streams share (started when none is running)."""
    global _shared, _users
    with _lock:
        if _shared is None or _shared.closed or len(_shared.workers) != count:
            _shared = WorkerPool(count, convert)
            _users = 0
        _users += 1
        return _shared


def release(pool: WorkerPool) -> None:
    """A stream is done with ``pool``: the last one closes it."""
    global _shared, _users, last_stats
    with _lock:
        if pool is _shared:
            _users -= 1
            if _users > 0 and not pool.closed:
                return
            _shared = None
        pool.close()
        last_stats = pool.stats


# -- the worker process ------------------------------------------------------------------------


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _worker_main(conn: Connection, piece_spans: Convert) -> None:
    """Parse batches until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):  # not on this system
        pass
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # one core each: the workers are the parallelism
    import gc
    import queue

    from annotator.nlp.labelscheme import default_scheme, model_key
    from annotator.nlp.pipelines import load_pipeline

    # A thread takes in the parent's messages while the main thread parses, so the parent's
    # ``send`` never waits on a busy worker (which could wait on the parent's reading: deadlock).
    inbox: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                inbox.put(conn.recv())
            except (EOFError, OSError):  # the parent is gone, or closed the pipe
                inbox.put(None)
                return

    threading.Thread(target=read, name="inbox", daemon=True).start()
    pipelines: dict[str, Any] = {}
    setups: dict[int, _Setup] = {}
    scheme = default_scheme()
    while True:
        message = inbox.get()
        if message is None or message[0] == "stop":
            return
        kind = message[0]
        if kind == "setup":
            setups[message[1]] = message[2]
            continue
        if kind == "forget":
            setups.pop(message[1], None)
            continue
        _, ticket, key, pieces = message
        try:
            setup = setups[key]
            nlp = pipelines.get(setup.source)
            if nlp is None:
                try:
                    nlp = load_pipeline(setup.source)
                except Exception as exc:  # noqa: BLE001 - reported to the parent
                    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    raise _LoadError(f"cannot load the pipeline {setup.source}: {first}") from exc
                pipelines[setup.source] = nlp
                gc.freeze()  # as in the registry: the pipeline is out of the collector's way
            model = model_key(nlp)
            out = [
                [
                    (s.start, s.end, s.label, s.layer)
                    for s in piece_spans(nlp, doc, setup.labels, model, scheme, setup.triggers)
                ]
                for doc in nlp.pipe(pieces, batch_size=len(pieces))
            ]
            reply: tuple[Any, ...] = ("done", ticket, out, _peak_mb())
        except _LoadError as exc:
            reply = ("error", ticket, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            reply = ("error", ticket, traceback.format_exception_only(exc)[-1].strip())
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, OSError):
            return


class _LoadError(Exception):
    pass
