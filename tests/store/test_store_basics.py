"""The database tells the truth: pragmas, constraints, one transaction per call, ids never reused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from annotator.core.errors import StoreError
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


def test_spans_cannot_point_at_missing_documents_or_be_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    with pytest.raises(StoreError):
        store.spans.add(999, ann.id, [Span(0, 6, "PERSON")])
    with pytest.raises(StoreError, match="ends after the text"):
        store.spans.add(doc_id, ann.id, [Span(0, 600, "PERSON")])
    with store.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.exec_driver_sql(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer, created_at) '
            "VALUES (?, ?, 5, 5, 'X', 'manual', 'entity', '')",
            (doc_id, ann.id),
        )
    store.close()


def test_a_failed_batch_stores_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    with pytest.raises(StoreError):
        store.spans.add(doc_id, ann.id, [Span(0, 6, "PERSON"), Span(0, 900, "PERSON")])
    assert store.spans.in_document(doc_id) == []
    store.close()


def test_deleted_span_comes_back_under_its_own_id_and_ids_are_never_reused(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.", DocumentMeta(title="t"))])
    (first,) = store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])
    store.spans.delete([first.id])
    (other,) = store.spans.add(doc_id, ann.id, [Span(21, 26, "GPE")])
    assert other.id != first.id
    (restored,) = store.spans.add(doc_id, ann.id, [first])
    assert restored.id == first.id


def test_deleting_a_document_removes_its_spans(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    store = Store(path)
    ann = store.annotators.get_or_create("alice")
    (doc_id,) = store.documents.add([Document("Esmail Qaani visited Syria.")])
    store.spans.add(doc_id, ann.id, [Span(0, 12, "PERSON")])
    store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("DELETE FROM document WHERE id = ?", (doc_id,))
    con.commit()
    assert con.execute("SELECT count(*) FROM span").fetchone()[0] == 0
    con.close()


def test_summaries_count_own_spans_and_pending_suggestions(seeded_db: Path) -> None:
    from annotator.core.model import AnnotatorKind
    from annotator.services.annotate import AnnotationSession

    store = Store(seeded_db)
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
