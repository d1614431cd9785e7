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


def test_the_marked_regions_come_with_the_spans_in_the_same_query(seeded_db: Path | str) -> None:
    """The reading pane's one query also brings the document's marked regions (the suggestions
    are those outside them): the marked ones of ``RegionRepo.of_document``, an unmarked one
    left out; and the suggestions of the seed whose captions are reprinted are those read apart."""
    store = Store(seeded_db)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    with_regions = [d for d in store.documents.ids() if store.regions.of_document(d)]
    assert with_regions, "the seeds have reprinted captions and boilerplate"
    doc_id = max(with_regions, key=lambda d: len(store.regions.of_document(d)))
    regions = store.regions.of_document(doc_id)
    assert len(regions) >= 2
    store.regions.set_marked(regions[0].id, False)  # type: ignore[arg-type]
    marked = [r for r in store.regions.of_document(doc_id) if r.marked]
    for starting in (None, (0, regions[0].end)):
        own, model, read = store.spans.own_model_and_marked(doc_id, session.annotator.id, starting)
        assert (own, model) == store.spans.own_and_model(doc_id, session.annotator.id, starting)
        assert read == marked
        assert session.spans_and_suggestions(doc_id, starting)[1] == session.suggestions(
            doc_id, None, starting
        )
    # Inside the unmarked region the model's spans are suggested; inside the marked ones none.
    pending = session.suggestions(doc_id)
    assert any(regions[0].start <= s.start < regions[0].end for s in pending)
    assert not any(r.overlaps(s.start, s.end) for r in marked for s in pending)
    store.close()
