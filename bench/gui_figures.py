"""Figures measured in the real main window (offscreen Qt): open, edit (add, delete, undo, reject
and its undo), scroll, pre-annotate.

The window is opened by :func:`annotator.gui.app.start_window`, exactly as the application opens
it. "Painted" means the reading pane's viewport has been repainted synchronously
(``viewport().repaint()``), so a figure includes the paint of the first screen; baselines paint
a bare ``QPlainTextEdit`` of the same size the same way.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from annotator.gui.app import start_window
from annotator.gui.dialogs import Dialogs
from annotator.gui.main_window import MainWindow
from bench import corpus
from bench.measure import Result, median


class BenchDialogs(Dialogs):
    """No modal dialog may block a benchmark: errors are collected and raised."""

    def __init__(self) -> None:
        super().__init__(None)
        self.errors: list[tuple[str, str]] = []

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        return default

    def confirm(self, title: str, question: str) -> bool:
        return False

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))
        raise RuntimeError(f"{title}: {message}")

    def info(self, title: str, message: str) -> None:
        pass


def app() -> QApplication:
    instance = QApplication.instance()
    if instance is None:
        instance = QApplication(["bench"])
    assert isinstance(instance, QApplication)
    return instance


def settle(rounds: int = 3) -> None:
    for _ in range(rounds):
        app().processEvents()


def open_window(db: Path, preannotate: bool = False) -> MainWindow:
    app()
    args = argparse.Namespace(
        db=db, annotator="alice", labels=None, model=[], no_preannotate=not preannotate,
        screenshot=None, doc=1, paths=[],
    )
    window = start_window(args, BenchDialogs(), ask=False)  # as ``annotator gui`` opens it
    window.resize(1500, 880)
    settle()
    return window


def bare_edit(like: MainWindow) -> QPlainTextEdit:
    """A plain QPlainTextEdit with the reading pane's size and font: the baseline widget."""
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setFont(like.pane.font())
    edit.resize(like.pane.size())
    edit.show()
    settle()
    return edit


# -- the long article ---------------------------------------------------------------------------


class LongArticle:
    """A database with one 1 MB article holding 20,000 spans (and one short article), and the
    real window open on it."""

    def __init__(self, workdir: Path, size: int, n_spans: int) -> None:
        self.db = workdir / "long.sqlite"
        self.doc_id = corpus.long_document_database(self.db, size, n_spans, random.Random(1))
        con = sqlite3.connect(self.db)
        with con:
            con.execute(
                "INSERT INTO document (text, text_sha256, title, status, created_at, updated_at,"
                " source, date, lang, url, filename) VALUES ('A short one.', 'x', 'Short',"
                " 'todo', '', '', '', '', 'en', '', 'short.txt')"
            )
            self.short_id = int(con.execute("SELECT max(id) FROM document").fetchone()[0])
        con.close()
        self.window = open_window(self.db)
        self.text = self.window.store.documents.get(self.doc_id).text

    def paint(self) -> None:
        self.window.pane.viewport().repaint()

    def _switch_to_long(self) -> float:
        """From the short article to the long one, until painted; returns when it started."""
        self.window.select_document(self.short_id)
        self.paint()
        settle()
        t0 = time.perf_counter()
        self.window.select_document(self.doc_id)
        self.paint()
        return t0

    def open_long(self) -> float:
        t0 = self._switch_to_long()
        elapsed = time.perf_counter() - t0
        settle()  # work the window deferred until after the first paint runs here, untimed
        return elapsed

    def open_long_complete(self) -> tuple[float, float]:
        """Open, then until every span is loaded too (informational): the time, and the
        longest pass of the event loop meanwhile (how long the window could not answer)."""
        t0 = self._switch_to_long()
        longest = 0.0
        while not self.window.pane.spans_complete():
            t = time.perf_counter()
            app().processEvents()
            longest = max(longest, time.perf_counter() - t)
        return time.perf_counter() - t0, longest

    def close(self) -> None:
        self.window.close()
        self.window.store.close()


def figure_open(long: LongArticle, repeat: int) -> list[Result]:
    window = long.window
    times = [long.open_long() for _ in range(repeat)]
    complete, passes = zip(*(long.open_long_complete() for _ in range(repeat)), strict=True)
    edit = bare_edit(window)
    base = []
    for _ in range(repeat):
        edit.setPlainText("")
        edit.viewport().repaint()
        settle()
        t0 = time.perf_counter()
        edit.setPlainText(long.text)
        edit.viewport().repaint()
        base.append(time.perf_counter() - t0)
    edit.close()
    m, b = median(times), median(base)
    n_spans = len(window.pane.shown_spans())
    size = len(long.text.encode("utf-8")) / 1e6
    return [
        Result(
            f"open a {size:.1f} MB article with {n_spans:,} spans, first screen painted",
            m, "ms", "< 300 ms and <= 5x base", m < 0.3 and m <= 5 * b, b, m / b, "x",
            times, "baseline: QPlainTextEdit.setPlainText of the same text + first paint",
        ),
        Result(
            "  same, until every span is loaded (a stretch per event-loop pass)",
            median(list(complete)), "ms", "(information)", None, b, median(list(complete)) / b,
            "x", list(complete),
            f"longest event-loop pass meanwhile {median(list(passes)) * 1000:.0f} ms (median)",
        ),
    ]


def _bare_insert_commit(db: Path, repeat: int) -> list[float]:
    """One bare sqlite3 INSERT of a span and its COMMIT, with the store's pragmas."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    doc_id = con.execute("SELECT min(id) FROM document").fetchone()[0]
    ann = con.execute("SELECT id FROM annotator WHERE name = 'alice'").fetchone()[0]
    times = []
    ids = []
    for i in range(repeat):
        t0 = time.perf_counter()
        con.execute("BEGIN")
        cur = con.execute(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer,'
            " created_at) VALUES (?, ?, ?, ?, 'PERSON', 'manual', 'entity', '')",
            (doc_id, ann, i, i + 1),
        )
        con.execute("COMMIT")
        times.append(time.perf_counter() - t0)
        ids.append(cur.lastrowid)
    con.execute("BEGIN")
    con.executemany("DELETE FROM span WHERE id = ?", [(i,) for i in ids])
    con.execute("COMMIT")
    con.close()
    return times


def _free_words(long: LongArticle, near: int, count: int) -> list[tuple[int, int]]:
    """Words at or after ``near`` that no span of the analyst covers exactly."""
    import re

    taken = {(i.span.start, i.span.end) for i in long.window.pane.shown_spans()}
    out = []
    for m in re.finditer(r"[A-Za-z]{5,}", long.text[near:]):
        a, b = near + m.start(), near + m.end()
        if (a, b) not in taken:
            out.append((a, b))
            if len(out) == count:
                break
    return out


def figure_edit(long: LongArticle, repeat: int) -> list[Result]:
    """Add a span (select + label key), delete it, undo the delete: each until repainted and
    committed. Done near the end of the article, where offsets are largest."""
    w = long.window
    if w.doc_id != long.doc_id:
        w.select_document(long.doc_id)
    settle(5)
    near = int(len(long.text) * 0.9)
    add_t: list[float] = []
    del_t: list[float] = []
    undo_t: list[float] = []
    for a, b in _free_words(long, near, repeat):
        w.pane.set_current(None, reveal=False)
        w.pane.select_codepoints(a, b)
        w.pane.ensureCursorVisible()
        settle()
        t0 = time.perf_counter()
        w.apply_label("PERSON")
        long.paint()
        add_t.append(time.perf_counter() - t0)
        settle()
        current = w.pane.current
        assert current is not None and (current.span.start, current.span.end) == (a, b), current
        t0 = time.perf_counter()
        w.delete_current()
        long.paint()
        del_t.append(time.perf_counter() - t0)
        settle()
        t0 = time.perf_counter()
        w.undo_stack.undo()
        long.paint()
        undo_t.append(time.perf_counter() - t0)
        settle()
    base = median(_bare_insert_commit(long.db, max(repeat, 5)))
    out = []
    for name, times in (("add a span", add_t), ("delete a span", del_t), ("undo", undo_t)):
        m = median(times)
        out.append(
            Result(
                f"{name} on that article, repainted and committed", m, "ms", "< 30 ms",
                m < 0.03, base, m / base, "x", times,
                "baseline: one bare sqlite3 INSERT + COMMIT" if name == "add a span" else "",
            )
        )
    return out


def _suggestions_near(long: LongArticle, near: int, count: int) -> list[tuple[int, int]]:
    """Offsets of shown suggestions at or after ``near``, each of a different (text, label)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for item in long.window.pane.shown_spans():
        span = item.span
        pair = (long.text[span.start : span.end], span.label)
        if item.suggestion and span.start >= near and pair not in seen:
            seen.add(pair)
            out.append((span.start, span.end))
            if len(out) == count:
                break
    return out


def figure_reject(long: LongArticle, repeat: int) -> list[Result]:
    """Reject a suggestion (X on it), then undo that: each until repainted and committed. A
    reject hides every suggestion of the same text and label in the document, and its undo
    shows them again. Done near the end of the article, as the edit figures."""
    w = long.window
    if w.doc_id != long.doc_id:
        w.select_document(long.doc_id)
    settle(5)
    reject_t: list[float] = []
    undo_t: list[float] = []
    hidden: list[int] = []
    for a, b in _suggestions_near(long, int(len(long.text) * 0.9), repeat):
        before = len(w.pane.shown_spans())
        item = next(i for i in w.pane.spans_matching(a, b) if i.suggestion)
        w.pane.set_current(item)
        settle()
        t0 = time.perf_counter()
        w.delete_current()
        long.paint()
        reject_t.append(time.perf_counter() - t0)
        settle()
        after = len(w.pane.shown_spans())
        assert after < before, (a, b, before, after)
        hidden.append(before - after)
        t0 = time.perf_counter()
        w.undo_stack.undo()
        long.paint()
        undo_t.append(time.perf_counter() - t0)
        settle()
        assert len(w.pane.shown_spans()) == before, (a, b, before, len(w.pane.shown_spans()))
    note = f"each hides {min(hidden)}-{max(hidden)} suggestions of the same text and label"
    out = []
    for name, times in (("reject a suggestion", reject_t), ("undo of that reject", undo_t)):
        m = median(times)
        out.append(
            Result(
                f"{name} on that article, repainted and committed", m, "ms", "< 30 ms",
                m < 0.03, None, None, "", times, note if name.startswith("reject") else "",
            )
        )
    return out


def figure_scroll(long: LongArticle, repeat: int) -> list[Result]:
    w = long.window
    if w.doc_id != long.doc_id:
        w.select_document(long.doc_id)
    settle(5)
    edit = bare_edit(w)
    edit.setPlainText(long.text)
    settle()

    def scroll(widget: QPlainTextEdit, steps: int) -> tuple[list[float], list[float]]:
        bar = widget.verticalScrollBar()
        bar.setValue(bar.maximum() // 3)
        widget.viewport().repaint()
        settle()
        times, cpu = [], []
        for _ in range(steps):
            t0, c0 = time.perf_counter(), time.thread_time()
            bar.setValue(bar.value() + bar.pageStep())
            widget.viewport().repaint()
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            settle()
        return times, cpu

    steps = max(repeat * 4, 20)
    pane_t: list[float] = []
    base_t: list[float] = []
    pane_c: list[float] = []
    base_c: list[float] = []
    for _ in range(3):  # interleaved, so both see the same machine load
        times, cpu = scroll(w.pane, steps)
        pane_t += times
        pane_c += cpu
        times, cpu = scroll(edit, steps)
        base_t += times
        base_c += cpu
    edit.close()
    m, b = median(pane_t), median(base_t)
    mc, bc = median(pane_c), median(base_c)
    return [
        Result(
            "scroll that article by a page, repainted", m, "ms", "<= 1.7x base", m <= 1.7 * b,
            b, m / b, "x", pane_t, "baseline: the same scroll of a bare QPlainTextEdit",
        ),
        Result(
            "  same, CPU time of the window's thread", mc, "ms", "(information)", None, bc,
            mc / bc, "x", pane_c,
            "time.thread_time: what the scroll costs, without the waits for a core that a"
            " loaded machine adds to both sides",
        ),
    ]


# -- pre-annotation in the window ---------------------------------------------------------------


class StallMeter:
    """A 10 ms timer on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(0.0, self.worst - self.interval)


def _run_until(done: Callable[[], bool], timeout: float) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(5)
    deadline = time.perf_counter() + timeout

    def check() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()


def figure_preannotate(workdir: Path, count: int, repeat: int) -> list[Result]:
    """The window imports a folder of articles with pre-annotation (worker processes from
    ``parallel.MIN_TEXTS`` articles), against raw ``nlp.pipe`` in one process over the same
    texts; the two alternate, so that both see the same load of the machine."""
    from annotator.formats.articles import read_txt
    from annotator.nlp import parallel
    from annotator.nlp.lang import detect_language
    from bench.measure import rss_mb

    folder = workdir / f"articles-{count}"
    paths = corpus.write_articles_folder(folder, count, random.Random(3))
    docs = [read_txt(p) for p in paths]
    by_lang: dict[str, list[str]] = {}
    for doc in docs:
        by_lang.setdefault(detect_language(doc.text), []).append(doc.text)
    rates: list[float] = []
    base_rates: list[float] = []
    stalls: list[float] = []
    workers_mb: list[float] = []
    parent_mb: list[float] = []
    registry = None
    for k in range(repeat):
        db = corpus.remove_database(workdir / f"preannotate-{k}.sqlite")
        window = open_window(db, preannotate=True)
        if registry is None:
            registry = window.registry
            assert registry is not None
            for lang in ("en", "fr"):  # loaded once, before timing, for both sides
                registry.load(lang)
        window.registry = registry
        finished: list[object] = []
        parallel.last_stats = None
        _reset_peak_rss()
        meter = StallMeter()
        meter.start()
        t0 = time.perf_counter()
        window.start_import([folder])
        assert window.worker is not None
        window.worker.finished.connect(finished.append)
        window.worker.failed.connect(lambda exc, _tb, out=finished: out.append(exc))
        _run_until(partial(bool, finished), timeout=3600)
        elapsed = time.perf_counter() - t0
        stalls.append(meter.stop())
        if not finished or isinstance(finished[0], Exception):
            raise RuntimeError(f"import failed: {finished}")
        n = window.store.documents.count()
        assert n == count, (n, count)
        rates.append(count / elapsed)
        stats = parallel.last_stats
        workers_mb.append(sum(stats.peak_mb.values()) if stats else 0.0)
        parent_mb.append(rss_mb()[1])
        window.close()
        window.store.close()
        # Baseline: raw nlp.pipe over the same texts with the same pipelines, in this process
        # (spaCy's default batch size).
        t0 = time.perf_counter()
        for lang, texts in by_lang.items():
            loaded = registry.load(lang)
            assert loaded is not None, lang
            for _doc in loaded[0].pipe(texts):
                pass
        base_rates.append(count / (time.perf_counter() - t0))
    m, b = median(rates), median(base_rates)
    worst = max(stalls)
    langs = ", ".join(f"{lang} {len(t)}" for lang, t in sorted(by_lang.items()))
    workers = f"{stats.workers} worker processes" if stats else "no worker processes"
    total = [p + w for p, w in zip(parent_mb, workers_mb, strict=True)]
    return [
        Result(
            f"pre-annotate {count:,} articles in the window (.txt folder)", m, "/s",
            ">= 1.6x base", m >= 1.6 * b, b, m / b, "x", rates,
            f"{workers}; baseline: raw nlp.pipe in one process over the same texts ({langs}), same"
            f" pipelines; runs {', '.join(f'{r:.1f}' for r in rates)} against"
            f" {', '.join(f'{r:.1f}' for r in base_rates)}/s",
        ),
        Result(
            "  worst event-loop stall during that import", worst, "ms", "< 100 ms",
            worst < 0.1, None, None, "", stalls,
        ),
        Result(
            "  peak memory: the window's process + the workers (RSS)", max(total), "MB",
            "(information)", None, None, None, "", total,
            f"window process {max(parent_mb):.0f} MB (both pipelines loaded; its peak during the"
            f" import where the system can reset it) + workers {max(workers_mb):.0f} MB (each its"
            " peak, summed)",
        ),
    ]


def _reset_peak_rss() -> None:
    """Start this process's peak resident size (VmHWM) afresh (Linux), so that the peak read
    after an import is that import's, not the baseline's."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass
