"""The span attribute repository (schema 5's ``span_attribute``) on SQLite and PostgreSQL: values
set, read per span and per document, replaced, and deleted with their span."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.model import Document, DocumentMeta, Span
from annotator.store import Store


def test_attributes_set_read_replaced_and_deleted_with_the_span(store_url: Path | str) -> None:
    store = Store(store_url)
    try:
        alice = store.annotators.get_or_create("alice").id
        bob = store.annotators.get_or_create("bob").id
        text = "Rebels attacked the convoy."
        [doc] = store.documents.add(
            [Document(text, DocumentMeta(title="t"))],
            [(0, alice, [Span(0, 6, "ORG"), Span(20, 26, "MISC")]), (0, bob, [Span(0, 6, "ORG")])],
        )
        spans = {(s.annotator_id, s.start): s.id for s in _rows(store, doc)}
        rebels, convoy, bobs = spans[(alice, 0)], spans[(alice, 20)], spans[(bob, 0)]
        store.span_attributes.set(rebels, {"Confidence": "High", "Negated": ""})
        store.span_attributes.set(convoy, {"note": "UN convoy\nwhite trucks"})
        store.span_attributes.set(bobs, {"note": "Bob's"})
        assert store.span_attributes.get(rebels) == {"Confidence": "High", "Negated": ""}
        assert store.span_attributes.get(999_999) == {}
        assert store.span_attributes.for_document(doc, alice) == {
            rebels: {"Confidence": "High", "Negated": ""},
            convoy: {"note": "UN convoy\nwhite trucks"},
        }
        assert set(store.span_attributes.for_document(doc)) == {rebels, convoy, bobs}
        store.span_attributes.set(rebels, {"Confidence": "Low"})
        assert store.span_attributes.for_spans([rebels, convoy, rebels]) == {
            rebels: {"Confidence": "Low"},
            convoy: {"note": "UN convoy\nwhite trucks"},
        }
        store.spans.delete([convoy])
        assert store.span_attributes.for_document(doc, alice) == {rebels: {"Confidence": "Low"}}
        store.span_attributes.set(rebels, {})
        assert store.span_attributes.get(rebels) == {}
    finally:
        store.close()


def _rows(store: Store, doc: int) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.exec_driver_sql(
            f"SELECT id, annotator_id, start FROM span WHERE document_id = {int(doc)}"
        ))
