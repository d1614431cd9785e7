"""Undoing a span deletion puts the span and its actor link back in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.services.actors import ActorCommands, ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.store import Store


@pytest.fixture
def seeded_db(seeded_both: Path | str) -> Path | str:
    """This module's tests run on both engines (see tests/conftest.py)."""
    return seeded_both


def _linked_span(seeded_db: Path):
    store = Store(seeded_db)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    registry = ActorRegistry(store)
    doc_id = next(d for d in store.documents.ids() if "Esmail Qaani" in store.documents.get(d).text)
    text = store.documents.get(doc_id).text
    suggestion = next(s for s in session.suggestions(doc_id) if text[s.start : s.end] == "Esmail Qaani")
    session.accept(doc_id, [suggestion]).do()
    span = next(
        s for s in session.own_spans(doc_id) if (s.start, s.end) == (suggestion.start, suggestion.end)
    )
    actor, _score = registry.propose("Esmail Qaani")
    ActorCommands(session, registry).link(doc_id, span.id, actor.id).do()
    return store, session, registry, doc_id, span, actor


def test_undo_of_delete_brings_back_span_and_link(seeded_db: Path) -> None:
    store, session, registry, doc_id, span, actor = _linked_span(seeded_db)
    delete = session.delete(doc_id, [span.id])
    delete.do()
    assert span.id not in registry.mentions(doc_id, session.annotator.id)
    delete.undo()
    assert registry.mentions(doc_id, session.annotator.id).get(span.id) == actor.id
    store.close()


def test_a_failed_undo_restores_nothing(seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, session, registry, doc_id, span, _actor = _linked_span(seeded_db)
    delete = session.delete(doc_id, [span.id])
    delete.do()

    def broken(*_args, **_kwargs):
        raise StoreError("disk gone while restoring the link")

    monkeypatch.setattr("annotator.store.span_dependents.set_link", broken)
    with pytest.raises(StoreError):
        delete.undo()
    # Neither the span nor its link came back: no span without what hung on it.
    assert all(s.id != span.id for s in session.own_spans(doc_id))
    monkeypatch.undo()
    delete.undo()
    assert any(s.id == span.id for s in session.own_spans(doc_id))
    store.close()
