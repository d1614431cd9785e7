"""The corpus figures on a team's PostgreSQL database, next to SQLite in the same run.

``python -m bench --db postgresql`` measures the SQLite figures as always, then starts a
throw-away PostgreSQL server (Debian's server binaries, a temporary cluster: the same server the
tests start, ``tests/pg_server.py``, which this module imports rather than repeat — the
architecture test keeps ``annotator`` free of test code; ``bench`` and ``tests`` are both tools
around it), copies the very databases the SQLite figures used onto it (``annotator db copy``)
and measures the same figures there:

- open the long article (first screen painted), and add / delete / undo a span on it, reject a
  suggestion and undo that;
- open the app on the large corpus (list shown) and filter its document list;
- import the same JSONL file into a new server database; export the large corpus.

Each PostgreSQL row's baseline is the SQLite figure of this run, and its ratio PostgreSQL over
SQLite (times; for the rates of import and export, the share of SQLite's rate). The interactive
figures' targets are the issue's: within 2x of SQLite and under the same absolute limits (list
< 1 s, filter < 200 ms, actions < 30 ms). The server runs on this machine, as a team's server on
the local network would be a few tenths of a millisecond further away.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import corpus
from bench.measure import Result, median

# (figure name prefix in the SQLite results, absolute limit in s or None for a rate, limit text)
INTERACTIVE = {
    "open a ": (0.3, "< 300 ms"),
    "add a span": (0.03, "< 30 ms"),
    "delete a span": (0.03, "< 30 ms"),
    "undo": (0.03, "< 30 ms"),
    "reject a suggestion": (0.03, "< 30 ms"),
    "open the app on": (1.0, "< 1 s"),
    "  filter the document list": (0.2, "< 200 ms"),
}


class Server:
    """The throw-away server and the databases made on it."""

    def __init__(self) -> None:
        from tests.pg_server import start_server

        self.server = start_server()
        self.count = 0

    def new_database(self) -> str:
        import psycopg

        self.count += 1
        name = f"bench_{self.count}"
        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.server.url(name)

    def copy_of(self, db: Path) -> str:
        from annotator.services.team import copy_between

        url = self.new_database()
        t0 = time.perf_counter()
        copy_between(db, url)
        print(f"  (copied {db.name} to the server in {time.perf_counter() - t0:.0f} s)", flush=True)
        return url

    def stop(self) -> None:
        self.server.stop()


def _versus(pg: Result, lite: Result | None) -> Result:
    """The PostgreSQL row: its own median, SQLite's as the baseline, the targets."""
    figure = f"[PostgreSQL] {pg.figure.strip()}"
    if lite is None or lite.value is None or pg.value is None:
        return replace(pg, figure=figure, baseline=None, ratio=None, ratio_text="")
    if pg.unit == "/s":  # a rate: the share of SQLite's
        ratio = pg.value / lite.value
        return replace(
            pg, figure=figure, target="(information)", ok=None, baseline=lite.value, ratio=ratio,
            ratio_text=" of SQLite", note=f"SQLite {lite.value:,.0f}/s in this run",
        )
    ratio = pg.value / lite.value
    limit = next((v for k, v in INTERACTIVE.items() if lite.figure.startswith(k)), None)
    if limit is None:
        return replace(pg, figure=figure, target="(information)", ok=None, baseline=lite.value,
                       ratio=ratio, ratio_text="x SQLite")
    seconds, text = limit
    return replace(
        pg, figure=figure, target=f"{text} and <= 2x SQLite", ok=pg.value < seconds and ratio <= 2,
        baseline=lite.value, ratio=ratio, ratio_text="x SQLite",
        note="baseline: the SQLite figure of this run",
    )


def _name(figure: str) -> str:
    """A figure's name without its counts (the server copy of the long article holds the spans
    the SQLite edit figure left: 20,005 instead of 20,000)."""
    return re.sub(r"[\d,.]+", "#", figure)


def _pair(ours: list[Result], sqlite_results: list[Result]) -> list[Result]:
    by_name = {_name(r.figure): r for r in sqlite_results}
    return [_versus(r, by_name.get(_name(r.figure))) for r in ours]


def figure_gui(server: Server, workdir: Path, sizes: object, only: list[str], repeat: int,
               sqlite_results: list[Result]) -> list[Result]:
    """Open the long article and edit on it, through the real window on the server copy."""
    from bench.gui_figures import LongArticle, figure_edit, figure_open, figure_reject, open_window

    lite = workdir / "long.sqlite"
    if not lite.exists():  # the SQLite figures did not run: make the same database
        LongArticle(workdir, sizes.long_chars, sizes.long_spans).close()  # type: ignore[attr-defined]
    url = server.copy_of(lite)
    long = LongArticle.__new__(LongArticle)
    long.db = lite  # the bare-INSERT baseline of figure_edit stays SQLite's (not shown here)
    window = open_window(url)  # type: ignore[arg-type]
    ids = window.store.documents.ids()
    long.window = window
    long.doc_id = max(ids, key=lambda i: len(window.store.documents.get(i).text))
    long.short_id = min(ids, key=lambda i: len(window.store.documents.get(i).text))
    long.text = window.store.documents.get(long.doc_id).text
    out: list[Result] = []
    try:
        if "open" in only:
            out += figure_open(long, repeat)
        if "edit" in only:
            out += figure_edit(long, max(repeat, 5))
            out += figure_reject(long, max(repeat, 5))
    finally:
        long.close()
    return _pair(out, sqlite_results)


def figure_appopen_pg(server: Server, big: Path, count: int, repeat: int,
                      sqlite_results: list[Result]) -> list[Result]:
    from bench.run import figure_appopen

    url = server.copy_of(big)
    out = figure_appopen(url, count, repeat, memory=False)  # type: ignore[arg-type]
    return _pair(out, sqlite_results)


def figure_import_pg(server: Server, workdir: Path, count: int, repeat: int,
                     sqlite_results: list[Result]) -> list[Result]:
    """Import the same JSONL file as the SQLite figure into a new server database each time."""
    from annotator.core.labels import default_labels
    from annotator.services.importing import import_paths
    from annotator.store import Store

    source = workdir / f"short-{count}.jsonl"
    if not source.exists():
        corpus.write_short_jsonl(source, count, random.Random(5))
    rates = []
    for _ in range(repeat):
        store = Store(server.new_database())
        t0 = time.perf_counter()
        report = import_paths(store, [source], default_labels(), None)
        elapsed = time.perf_counter() - t0
        assert len(report.added) == count, (len(report.added), count)
        store.close()
        rates.append(count / elapsed)
    name = f"import {count:,} short texts, no pre-annotation (one JSONL file)"
    ours = [Result(name, median(rates), "/s", "", None, samples=rates)]
    return _pair(ours, sqlite_results)


def figure_export_pg(server: Server, big: Path, workdir: Path, count: int, repeat: int,
                     sqlite_results: list[Result]) -> list[Result]:
    from annotator.services.exporting import export
    from annotator.store import Store

    url = server.copy_of(big)
    rates = []
    records = 0
    for _ in range(repeat):
        out = workdir / "export-pg.jsonl"
        store = Store(url, read_only=True)
        t0 = time.perf_counter()
        report = export(store, out, "jsonl", overwrite=True)
        rates.append(count / (time.perf_counter() - t0))
        store.close()
        records = report.total_records
        out.unlink()
    name = f"export {count:,} annotated documents to native JSONL"
    ours = [Result(name, median(rates), "/s", "", None, samples=rates, note=f"{records:,} records")]
    return _pair(ours, sqlite_results)


def run(workdir: Path, sizes: object, only: list[str], repeat: int, heavy: int,
        big: Callable[[], Path], sqlite_results: list[Result],
        report: Callable[[list[Result]], None]) -> None:
    """Start the server, measure the chosen figures on it, stop it."""
    print("PostgreSQL: starting a throw-away server", flush=True)
    server = Server()
    try:
        if {"open", "edit"} & set(only):
            report(figure_gui(server, workdir, sizes, only, repeat, sqlite_results))
        if "appopen" in only:
            report(figure_appopen_pg(server, big(), sizes.app_docs, heavy, sqlite_results))  # type: ignore[attr-defined]
        if "import" in only:
            report(figure_import_pg(server, workdir, sizes.import_docs, heavy, sqlite_results))  # type: ignore[attr-defined]
        if "export" in only:
            report(figure_export_pg(server, big(), workdir, sizes.app_docs, heavy, sqlite_results))  # type: ignore[attr-defined]
    finally:
        server.stop()
