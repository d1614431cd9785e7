"""What the reading pane reads after a click, in one query, is what it read in several: the
analyst's spans and the suggestions of a range, on both engines, on the seeded corpus
(pre-annotated by the real pipelines: model suggestions everywhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import AnnotatorKind, Span
from annotator.services.annotate import AnnotationSession
from annotator.store import Store


@pytest.fixture
def seeded_db(seeded_both: Path | str) -> Path | str:
    return seeded_both


def test_spans_and_suggestions_of_a_range_in_one_query_are_those_read_apart(
    seeded_db: Path | str,
) -> None:
    store = Store(seeded_db)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    doc_id = max(store.documents.ids(), key=lambda d: len(session.suggestions(d)))
    text = store.documents.get(doc_id).text
    suggestions = session.suggestions(doc_id)
    assert len(suggestions) >= 6
    # Some accepted (hidden as suggestions now), one rejected, one span of her own.
    session.accept(doc_id, suggestions[:2]).do()
    session.reject(doc_id, [suggestions[3]]).do()
    session.add(doc_id, [Span(suggestions[4].start, suggestions[4].end, "ORG")]).do()
    ranges: list[tuple[int, int] | None] = [
        None, (0, len(text)), (0, suggestions[2].start + 1), (suggestions[3].start, len(text)),
        (suggestions[4].start, suggestions[4].end), (len(text), len(text) + 10),
    ]
    model = [s for s in store.spans.in_document(doc_id) if s.origin.value == "model"]
    assert model  # the seeded corpus holds the pipelines' suggestions
    for starting in ranges:
        own, pending = session.spans_and_suggestions(doc_id, starting)
        assert own == session.own_spans(doc_id, starting)
        assert pending == session.suggestions(doc_id, None, starting)
        assert store.spans.own_and_model(doc_id, session.annotator.id, starting) == (
            own, store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL, starting=starting)
        )
    own, pending = session.spans_and_suggestions(doc_id)
    assert {(s.start, s.end) for s in suggestions[:2]} <= {(s.start, s.end) for s in own}
    assert all((s.start, s.end, s.label) != (suggestions[3].start, suggestions[3].end,
                                             suggestions[3].label) for s in pending)
    store.close()
