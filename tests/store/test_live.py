"""Other analysts' changes reach an open store within about a second on PostgreSQL (LISTEN/NOTIFY),
its own do not come back to it, and a SQLite file has no such channel."""

from __future__ import annotations

import time
from pathlib import Path

from annotator.core.actors import Actor
from annotator.core.model import Document, Span, Status
from annotator.store import Store


def test_others_changes_arrive_and_own_do_not(pg_url: str) -> None:
    mine, theirs = Store(pg_url), Store(pg_url)
    listener = mine.listen()
    assert listener is not None
    try:
        (doc_id,) = theirs.documents.add([Document("Esmail Qaani visited Damascus.")])
        start = time.monotonic()
        changes = listener.take(wait=2.0)
        assert changes.listing and doc_id in changes.documents
        assert time.monotonic() - start < 1.0
        # My own edits are not news to me.
        alice = mine.annotators.get_or_create("alice")
        mine.spans.add(doc_id, alice.id, [Span(0, 12, "PERSON")])
        mine.documents.set_status(doc_id, Status.IN_PROGRESS)
        assert not listener.take(wait=0.3)
        # A colleague's span: that document, not the list; an actor: the registry.
        bob = theirs.annotators.get_or_create("bob")
        theirs.spans.add(doc_id, bob.id, [Span(21, 29, "GPE")])
        changes = listener.take(wait=2.0)
        assert changes.documents == {doc_id} and not changes.listing and not changes.registry
        theirs.documents.set_status(doc_id, Status.DONE)
        assert listener.take(wait=2.0).listing
        theirs.actors.add(Actor("Quds Force (test)", ("IRGC-QF",)))
        assert listener.take(wait=2.0).registry
    finally:
        listener.close()
        mine.close()
        theirs.close()


def test_a_sqlite_store_has_no_listener(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    assert store.listen() is None
    store.close()


def test_a_colleagues_judgment_and_rejection_arrive(pg_url: str) -> None:
    mine, theirs = Store(pg_url), Store(pg_url)
    listener = mine.listen()
    assert listener is not None
    try:
        (doc_id,) = theirs.documents.add([Document("Esmail Qaani visited Damascus on Monday.")])
        listener.take(wait=2.0)
        bob = theirs.annotators.get_or_create("bob")
        listener.take(wait=0.3)
        # Bob finishes the document with nothing marked: his judgment, that document's news.
        theirs.judgments.set(doc_id, bob.id, Status.DONE)
        changes = listener.take(wait=2.0)
        assert changes.documents == {doc_id} and not changes.rejections and not changes.listing
        # Bob rejects a suggestion: news for every document (no document of its own).
        theirs.rejections.add([("Monday", "DATE")])
        changes = listener.take(wait=2.0)
        assert changes.rejections and not changes.documents and not changes.registry
        theirs.rejections.forget([("Monday", "DATE")])
        assert listener.take(wait=2.0).rejections
        # My own rejection is not news to me.
        mine.rejections.add([("Damascus", "GPE")])
        assert not listener.take(wait=0.3)
    finally:
        listener.close()
        mine.close()
        theirs.close()
