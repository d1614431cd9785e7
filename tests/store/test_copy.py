"""``annotator db copy`` between SQLite and PostgreSQL: ids deleted in the source never come back in
the copy (either direction), and a copy killed half-way leaves the destination as it was, ready
for the same command to be run again (all or nothing, see store/copy.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from annotator.cli import main
from annotator.core.framing import FrameAssessment
from annotator.core.model import Document, Span
from annotator.store import Store
from tests.pg_server import PgServer

ROOT = Path(__file__).resolve().parents[2]


def _empty_database(server: PgServer, request: pytest.FixtureRequest) -> str:
    from tests.conftest import _dropped_after, unique_pg_name

    name = unique_pg_name("copy_")
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return _dropped_after(request, server, server.url(name))


def _work_with_deletions(location: str | Path) -> dict[str, int]:
    """Three documents, spans, framing and rejections, the last of each deleted again; the
    largest id each table ever gave."""
    store = Store(location)
    try:
        ids = store.documents.add([Document(f"Report number {n} from Damascus.") for n in range(3)])
        alice = store.annotators.get_or_create("alice").id
        spans = store.spans.add(ids[0], alice, [Span(0, 6, "ORG"), Span(17, 21, "CARDINAL")])
        store.spans.delete([spans[-1].id])
        store.framing.save(ids[0], alice, FrameAssessment(primary="conflict"))
        store.framing.save(ids[0], alice, None)  # assessment 1 removed
        store.rejections.add([("Report", "ORG"), ("Damascus", "GPE")])
        store.rejections.forget([("Damascus", "GPE")])
    finally:
        store.close()
    _delete_document(location, ids[-1])
    return {"document": ids[-1], "span": spans[-1].id, "frame_assessment": 1, "suggestion_rejection": 2}


def _delete_document(location: str | Path, doc_id: int) -> None:
    if isinstance(location, str):
        with psycopg.connect(location) as conn:
            conn.execute("DELETE FROM document WHERE id = %s", (doc_id,))
    else:
        con = sqlite3.connect(location)
        with con:
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("DELETE FROM document WHERE id = ?", (doc_id,))
        con.close()


def _new_ids(location: str | Path, word: str) -> dict[str, int]:
    """The ids that a new document, span, assessment and rejection get."""
    store = Store(location)
    try:
        (doc_id,) = store.documents.add([Document(f"A new report from {word} after the copy.")])
        bob = store.annotators.get_or_create("bob").id
        (span,) = store.spans.add(doc_id, bob, [Span(0, 1, "ORG")])
        store.framing.save(doc_id, bob, FrameAssessment(primary="economic"))
        store.rejections.add([(word, "GPE")])
    finally:
        store.close()
    query = (
        "SELECT (SELECT max(id) FROM frame_assessment),"
        " (SELECT max(id) FROM suggestion_rejection)"
    )
    if isinstance(location, str):
        with psycopg.connect(location) as conn:
            frame, rejection = conn.execute(query).fetchone()
    else:
        con = sqlite3.connect(location)
        frame, rejection = con.execute(query).fetchone()
        con.close()
    return {"document": doc_id, "span": span.id, "frame_assessment": frame, "suggestion_rejection": rejection}


def test_deleted_ids_never_come_back_in_a_copy_either_way(
    pg_server: PgServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    lite = tmp_path / "source.sqlite"
    highest = _work_with_deletions(lite)
    url = _empty_database(pg_server, request)
    assert main(["db", "copy", str(lite), url]) == 0
    on_server = _new_ids(url, "Aleppo")
    assert on_server == {table: n + 1 for table, n in highest.items()}, highest
    # And back: the server's own deletions (the new document) are remembered in the file too.
    _delete_document(url, on_server["document"])
    back = tmp_path / "back.sqlite"
    assert main(["db", "copy", url, str(back)]) == 0
    in_file = _new_ids(back, "Homs")
    assert in_file == {table: n + 1 for table, n in on_server.items()}, on_server


# -- a copy killed half-way ------------------------------------------------------------------------

SPANS = 60_000


def _large_source(path: Path) -> None:
    """A SQLite database whose copy takes several seconds: one document, many spans."""
    store = Store(path)
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Damascus. " * 20)])
    alice = store.annotators.get_or_create("alice").id
    store.close()
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "INSERT INTO span (document_id, annotator_id, start, \"end\", label, origin, layer,"
            " created_at) VALUES (?, ?, ?, ?, 'ORG', 'manual', 'entity', '2026-12-04T00:00:00')",
            ((doc_id, alice, i % 500, i % 500 + 1 + i // 500) for i in range(SPANS)),
        )
    con.close()


def _copy_process(source: str, destination: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "db", "copy", source, destination],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _kill_when(process: subprocess.Popen[bytes], halfway: object, what: str) -> None:
    deadline = time.monotonic() + 120
    while not halfway():  # type: ignore[operator]
        assert process.poll() is None, f"the copy ended before {what}: {process.stderr.read()!r}"  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _server_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("document", "annotator", "span", "actor", "actor_alias", "meta")}


def test_a_copy_killed_half_way_leaves_the_destination_as_it_was_either_way(
    pg_server: PgServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    lite = tmp_path / "large.sqlite"
    _large_source(lite)
    url = _empty_database(pg_server, request)
    assert main(["db", "init", url]) == 0
    before = _server_counts(url)
    dbname = url.rsplit("/", 1)[1]

    def spans_being_written() -> bool:
        with psycopg.connect(pg_server.url(), autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND query LIKE 'INSERT INTO span %%' AND xact_start IS NOT NULL",
                (dbname,),
            ).fetchone()[0] > 0

    copy = _copy_process(str(lite), url)
    _kill_when(copy, spans_being_written, "the spans being written to the server")
    # The server rolls the killed client's transaction back: as it was, seed actors included.
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        for _ in range(200):
            if not conn.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL",
                (dbname,),
            ).fetchone():
                break
            time.sleep(0.05)
    assert _server_counts(url) == before
    assert main(["db", "copy", str(lite), url]) == 0  # the same command again: whole
    assert _server_counts(url)["span"] == SPANS

    # The other way: a new file is killed while its write-ahead log fills.
    target = tmp_path / "target.sqlite"
    wal = Path(f"{target}-wal")
    copy = _copy_process(url, str(target))
    _kill_when(copy, lambda: wal.exists() and wal.stat().st_size > 2_000_000, "the file's log filling")
    con = sqlite3.connect(target)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("document", "span")}
    finally:
        con.close()
    assert counts == {"document": 0, "span": 0}
    assert main(["db", "copy", url, str(target)]) == 0
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM span").fetchone()[0] == SPANS
    con.close()
