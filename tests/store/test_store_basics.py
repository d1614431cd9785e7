"""The database tells the truth: pragmas, constraints, one transaction per call, ids never reused.

All but the pragma test run on both engines (``store_url``: a SQLite file, then a PostgreSQL
database on the test server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.core.errors import DuplicateDocumentError, StoreError
from annotator.core.model import Document, DocumentMeta, Span
from annotator.store import Store


def test_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() >= 1
    store.close()


def test_spans_cannot_point_at_missing_documents_or_be_empty(store_url: Path | str) -> None:
    store = Store(store_url)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    with pytest.raises(StoreError):
        store.spans.add(999, ann.id, [Span(0, 6, "PERSON")])
    with pytest.raises(StoreError, match="ends after the text"):
        store.spans.add(doc_id, ann.id, [Span(0, 600, "PERSON")])
    with store.engine.begin() as conn, pytest.raises(StoreError, match="refused the change"):
        conn.execute(
            text(
                'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer,'
                " created_at) VALUES (:d, :a, 5, 5, 'X', 'manual', 'entity', '')"
            ),
            {"d": doc_id, "a": ann.id},
        )
    store.close()


def test_a_document_id_that_comes_to_name_another_text_is_checked_against_it(
    store_url: Path | str,
) -> None:
    """The text's length is read once per connection; a document id that names another text
    later (SQLite hands out a rolled-back import's ids again; here another instance replaces
    the row) is noticed, and a span is checked against the text it would point into."""
    store = Store(store_url)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria last week.")])
    store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])  # its length is known now
    other = Store(store_url)
    with other.engine.begin() as conn:
        conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": doc_id})
    (new_id,) = other.documents.add([Document("Short.")])
    with other.engine.begin() as conn:  # the same id, another text
        conn.execute(text("UPDATE document SET id = :d WHERE id = :n"), {"d": doc_id, "n": new_id})
    other.close()
    with pytest.raises(StoreError, match=r"ends after the text \(6 characters\)"):
        store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])
    assert store.spans.in_document(doc_id) == []
    (span,) = store.spans.add(doc_id, ann.id, [Span(0, 5, "ORG")])
    assert store.spans.in_document(doc_id) == [span.with_(annotator="alice")]
    store.close()


def test_a_failed_batch_stores_nothing(store_url: Path | str) -> None:
    store = Store(store_url)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    with pytest.raises(StoreError):
        store.spans.add(doc_id, ann.id, [Span(0, 6, "PERSON"), Span(0, 900, "PERSON")])
    assert store.spans.in_document(doc_id) == []
    store.close()


def test_deleted_span_comes_back_under_its_own_id_and_ids_are_never_reused(
    store_url: Path | str,
) -> None:
    store = Store(store_url)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.", DocumentMeta(title="t"))])
    (first,) = store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])
    store.spans.delete([first.id])
    (other,) = store.spans.add(doc_id, ann.id, [Span(21, 26, "GPE")])
    assert other.id != first.id
    (restored,) = store.spans.add(doc_id, ann.id, [first])
    assert restored.id == first.id


def test_deleting_a_document_removes_its_spans(store_url: Path | str) -> None:
    store = Store(store_url)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": doc_id})
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM span")).scalar() == 0
    store.close()


def test_a_duplicate_text_is_refused_and_nothing_of_its_batch_is_stored(store_url: Path | str) -> None:
    store = Store(store_url)
    store.documents.add([Document("Esmail Qaani visited Syria.")])
    with pytest.raises(DuplicateDocumentError):
        store.documents.add([Document("Another text."), Document("Esmail Qaani visited Syria.")])
    assert store.documents.count() == 1
    store.close()


def test_summaries_count_own_spans_and_pending_suggestions(seeded_both: Path | str) -> None:
    from annotator.core.model import AnnotatorKind
    from annotator.services.annotate import AnnotationSession

    store = Store(seeded_both)
    alice = store.annotators.get_or_create("alice")
    session = AnnotationSession(store, alice)
    doc_id = store.documents.ids()[0]
    pending = len(session.suggestions(doc_id))
    (row,) = store.documents.summaries(alice.id, [doc_id])
    suggestions = store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
    assert (row.n_spans, row.n_suggestions) == (0, len(suggestions))
    first = session.suggestions(doc_id)[0]
    session.accept(doc_id, [first]).do()
    (row,) = store.documents.summaries(alice.id, [doc_id])
    assert row.n_spans == 1
    assert len(session.suggestions(doc_id)) == pending - 1
    store.close()


def test_the_list_counts_the_suggestions_the_pane_shows(seeded_both: Path | str) -> None:
    """The document list's suggestion count leaves out the model's spans inside marked regions
    (the reprinted captions of seed 003), as the reading pane does; unmarking one counts them."""
    from annotator.services.annotate import AnnotationSession

    store = Store(seeded_both)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    rows = {row.id: row for row in store.documents.summaries(session.annotator.id)}
    with_regions = [d for d in rows if store.regions.of_document(d)]
    assert with_regions
    for doc_id, row in rows.items():
        assert row.n_suggestions == len(session.suggestions(doc_id)), doc_id
    doc_id = with_regions[0]
    region = next(r for r in store.regions.of_document(doc_id) if r.marked)
    store.regions.set_marked(region.id, False)  # type: ignore[arg-type]
    (row,) = store.documents.summaries(session.annotator.id, [doc_id])
    assert row.n_suggestions == len(session.suggestions(doc_id)) > rows[doc_id].n_suggestions
    store.close()
