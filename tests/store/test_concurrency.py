"""Two instances on one database: no corruption, no lost update, no silent overwrite.

Each instance is a :class:`Store` (in this process, or in another process for real parallelism)
on the same SQLite file in WAL mode with a busy timeout. A change made by one is seen by the
other on its next read; an edit based on what an instance saw before another one changed it
fails with :class:`ConflictError` ("refresh") instead of overwriting the newer work.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from annotator.core.errors import ConflictError, StoreError
from annotator.core.model import Document, DocumentMeta, Span, Status
from annotator.services.annotate import AnnotationSession
from annotator.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def two(store_url: Path | str):  # type: ignore[no-untyped-def]
    """Two instances on one new database holding one document (a SQLite file, then a
    PostgreSQL database: compare-and-set holds on both engines)."""
    db = store_url
    first = Store(db)
    [doc_id] = first.documents.add([Document("Tehran hosted the talks on Monday.",
                                             DocumentMeta(title="Talks", source="IRNA"))])
    second = Store(db)
    yield db, first, second, doc_id
    first.close()
    second.close()


def test_the_second_instance_sees_changes_on_refresh(two) -> None:  # type: ignore[no-untyped-def]
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    alice.add(doc_id, [Span(0, 6, "GPE")]).do()
    alice.set_meta(doc_id, DocumentMeta(title="Talks in Tehran", source="IRNA")).do()
    # The other instance reads the database afresh: it sees both changes.
    doc = second.documents.get(doc_id)
    assert doc.meta.title == "Talks in Tehran"
    assert doc.status is Status.IN_PROGRESS
    assert [(s.start, s.end, s.label, s.annotator) for s in second.spans.in_document(doc_id)] == [
        (0, 6, "GPE", "alice")
    ]


def test_a_stale_details_edit_is_refused_not_saved(two) -> None:  # type: ignore[no-untyped-def]
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    bob = AnnotationSession(second, second.annotators.get_or_create("bob"))
    # Both open the document and see the same details.
    seen_by_alice = alice.document(doc_id).meta
    seen_by_bob = bob.document(doc_id).meta
    bob.set_meta(doc_id, seen_by_bob.with_(date="2023-09-22"), expected=seen_by_bob).do()
    stale = alice.set_meta(doc_id, seen_by_alice.with_(title="Alice's title"), expected=seen_by_alice)
    with pytest.raises(ConflictError, match="changed in another window or instance.*refresh"):
        stale.do()
    assert first.documents.get(doc_id).meta.date == "2023-09-22"  # Bob's work is kept
    assert first.documents.get(doc_id).meta.title == "Talks"
    # After a refresh Alice edits what is there now, and both changes stand.
    fresh = alice.document(doc_id).meta
    alice.set_meta(doc_id, fresh.with_(title="Alice's title"), expected=fresh).do()
    meta = second.documents.get(doc_id).meta
    assert (meta.title, meta.date) == ("Alice's title", "2023-09-22")


def test_undo_does_not_overwrite_a_newer_status(two) -> None:  # type: ignore[no-untyped-def]
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    bob = AnnotationSession(second, second.annotators.get_or_create("bob"))
    command = alice.set_status(doc_id, Status.IN_PROGRESS, expected=Status.TODO)
    command.do()
    bob.set_status(doc_id, Status.DONE, expected=Status.IN_PROGRESS).do()
    with pytest.raises(ConflictError, match="status of document"):
        command.undo()  # would put back 'to do' over Bob's 'done'
    assert second.documents.get(doc_id).status is Status.DONE
    with pytest.raises(ConflictError):
        alice.set_status(doc_id, Status.TODO, expected=Status.IN_PROGRESS).do()
    assert first.documents.get(doc_id).status is Status.DONE


def test_automatic_in_progress_never_replaces_another_instances_status(two) -> None:  # type: ignore[no-untyped-def]
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    add = alice.add(doc_id, [Span(0, 6, "GPE")])
    add.do()
    assert first.documents.get(doc_id).status is Status.IN_PROGRESS
    add.undo()
    assert first.documents.get(doc_id).status is Status.TODO
    AnnotationSession(second, second.annotators.get_or_create("bob")).set_status(doc_id, Status.DONE).do()
    change = add.do()  # redo: the span comes back, Bob's 'done' stays
    assert not change.status
    assert second.documents.get(doc_id).status is Status.DONE
    assert len(second.spans.in_document(doc_id)) == 1


def test_each_add_starts_a_document_set_back_to_todo_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    """The first add reads the status with the text's length, later ones with the insert
    itself (the length is known by then): either way a 'to do' document is started, and a
    status another instance chose meanwhile stays."""
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    bob = AnnotationSession(second, second.annotators.get_or_create("bob"))
    assert alice.add(doc_id, [Span(0, 6, "GPE")]).do().status
    assert second.documents.status(doc_id) is Status.IN_PROGRESS
    assert not alice.add(doc_id, [Span(7, 13, "ORG")]).do().status  # in progress already
    bob.set_status(doc_id, Status.TODO).do()
    assert alice.add(doc_id, [Span(18, 23, "ORG")]).do().status
    assert second.documents.status(doc_id) is Status.IN_PROGRESS
    # What the window's header reads then: the details and status, not the text.
    assert second.documents.details(doc_id) == (second.documents.get(doc_id).meta, Status.IN_PROGRESS)
    bob.set_status(doc_id, Status.DONE).do()
    later = alice.add(doc_id, [Span(27, 33, "DATE")])
    assert not later.do().status
    later.undo()  # it started nothing, so its undo leaves Bob's 'done'
    assert second.documents.status(doc_id) is Status.DONE


def test_relabel_and_delete_of_a_span_changed_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    _, first, second, doc_id = two
    alice = AnnotationSession(first, first.annotators.get_or_create("alice"))
    alice.add(doc_id, [Span(0, 6, "GPE")]).do()
    [span] = alice.own_spans(doc_id)
    assert span.id is not None
    # The other instance relabels the span Alice still sees as GPE.
    second.spans.relabel(span.id, "LOC", expected="GPE")
    with pytest.raises(ConflictError, match="relabelled elsewhere.*'LOC'"):
        alice.relabel(doc_id, span.id, "ORG", expected="GPE").do()
    assert second.spans.in_document(doc_id)[0].label == "LOC"
    # Undo of a relabel also checks: it does not put back a label over a newer one.
    relabel = alice.relabel(doc_id, span.id, "ORG", expected="LOC")
    relabel.do()
    second.spans.relabel(span.id, "FAC", expected="ORG")
    with pytest.raises(ConflictError):
        relabel.undo()
    assert first.spans.in_document(doc_id)[0].label == "FAC"
    # A span deleted elsewhere cannot be deleted or relabelled again.
    second.spans.delete([span.id])
    with pytest.raises(StoreError, match="no span"):
        alice.delete(doc_id, [span.id]).do()
    with pytest.raises(StoreError, match="no span"):
        alice.relabel(doc_id, span.id, "ORG").do()


def test_a_write_waits_for_the_other_instance_instead_of_failing(two) -> None:  # type: ignore[no-untyped-def]
    db, first, _, doc_id = two
    # Another instance in the middle of a long write: it holds the database (SQLite) or the
    # document's row (PostgreSQL) for 0.8 s.
    if isinstance(db, str):
        holder = psycopg.connect(db)
        holder.execute("UPDATE document SET source = 'held' WHERE id = %s", (doc_id,))
    else:
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE document SET source = 'held' WHERE id = ?", (doc_id,))
    timer = threading.Timer(0.8, holder.commit if isinstance(db, str) else lambda: holder.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    first.documents.set_status(doc_id, Status.DONE)
    waited = time.monotonic() - started
    # The lock is gone once the server has the other's COMMIT, maybe before that call returns
    # in its thread: closing its connection under it made the thread fail.
    timer.join()
    holder.close()
    assert waited >= 0.5
    doc = first.documents.get(doc_id)
    assert (doc.status, doc.meta.source) == (Status.DONE, "held")


def test_a_lock_held_past_the_busy_timeout_is_a_clear_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.store.engine as engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    db = tmp_path / "busy.sqlite"
    store = Store(db)
    [doc_id] = store.documents.add([Document("Damascus said the drill ended.")])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="the database is busy: another instance"):
            store.documents.set_status(doc_id, Status.DONE)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.documents.set_status(doc_id, Status.DONE)  # and it works once the other lets go
    assert store.documents.get(doc_id).status is Status.DONE
    store.close()


# A worker process: increments a counter kept in a document's title ``rounds`` times, each time
# reading it, then writing it back with the value it read as ``expected``; on ConflictError it
# reads again and retries. It also adds one span per round. Prints its retries.
COUNTER_WORKER = """
import sys
from annotator.core.errors import ConflictError
from annotator.core.model import Span
from annotator.services.annotate import AnnotationSession
from annotator.store import Store

db, name, rounds, doc_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = Store(db)
session = AnnotationSession(store, store.annotators.get_or_create(name))
retries = 0
for i in range(rounds):
    while True:
        seen = session.document(doc_id).meta
        try:
            session.set_meta(doc_id, seen.with_(title=str(int(seen.title) + 1)), expected=seen).do()
            break
        except ConflictError:
            retries += 1
    session.add(doc_id, [Span(i % 30, i % 30 + 1, "GPE")]).do()
store.close()
print(retries)
"""


def _race(db: Path | str, rounds: int) -> None:
    """Two processes edit one document's title (compare-and-set) and add spans at once."""
    store = Store(db)
    text = "Tehran hosted the talks on Monday, and the envoy left."
    [doc_id] = store.documents.add([Document(text, DocumentMeta(title="0"))])
    store.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER_WORKER, str(db), name, str(rounds), str(doc_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("alice", "bob")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert int(out.strip()) >= 0
    store = Store(db)
    try:
        # Every increment of both is there: none overwrote the other's.
        assert store.documents.get(doc_id).meta.title == str(2 * rounds)
        spans = store.spans.in_document(doc_id)
        assert len([s for s in spans if s.annotator == "alice"]) == rounds
        assert len([s for s in spans if s.annotator == "bob"]) == rounds
    finally:
        store.close()


def test_two_processes_on_a_server_database_lose_no_update(pg_url: str) -> None:
    _race(pg_url, 100)


def test_two_processes_writing_at_once_lose_no_update(tmp_path: Path) -> None:
    db = tmp_path / "race.sqlite"
    _race(db, 150)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
