"""Span attributes: the named values another tool attached to a span, kept with it.

brat's attributes (``A1 Negated T1``, ``M1 Confidence T1 High``) and notes (``#1 AnnotatorNotes
T1 ...``, under the key ``note``) have no column of their own in this project: they are kept as
(key, value) rows of ``span_attribute``, deleted with their span (``ON DELETE CASCADE``), written
back by the exports that can hold them and shown, read-only, with the span in the window. A flag
(brat's binary attribute) has the value "". The queries are plain SQLAlchemy Core and run the
same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Engine, delete, insert, select

from annotator.store.rows import SPAN
from annotator.store.tables import SpanAttributeRow

SPAN_ATTRIBUTE = SpanAttributeRow.__table__  # type: ignore[attr-defined]

NOTE = "note"
"""The key under which a span's notes are kept."""


def write_attributes(conn: Connection, span_id: int, values: Mapping[str, str]) -> None:
    """Replace the attributes of a span inside the caller's transaction (empty: remove them)."""
    conn.execute(delete(SPAN_ATTRIBUTE).where(SPAN_ATTRIBUTE.c.span_id == span_id))
    rows = [{"span_id": span_id, "key": key, "value": value} for key, value in values.items() if key]
    if rows:
        conn.execute(insert(SPAN_ATTRIBUTE), rows)


def load_attributes(conn: Connection, condition: object) -> dict[int, dict[str, str]]:
    """{span id: {key: value}} of the spans matching ``condition`` (on the ``span`` table)."""
    out: dict[int, dict[str, str]] = {}
    query = (
        select(SPAN_ATTRIBUTE.c.span_id, SPAN_ATTRIBUTE.c.key, SPAN_ATTRIBUTE.c.value)
        .join(SPAN, SPAN.c.id == SPAN_ATTRIBUTE.c.span_id)
        .where(condition)  # type: ignore[arg-type]
        .order_by(SPAN_ATTRIBUTE.c.span_id, SPAN_ATTRIBUTE.c.key)
    )
    for span_id, key, value in conn.execute(query):
        out.setdefault(int(span_id), {})[key] = value
    return out


class SpanAttributeRepo:
    """The span attributes of one database; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, span_id: int) -> dict[str, str]:
        """The attributes of one span, by key (empty if it has none)."""
        return self.for_spans([span_id]).get(span_id, {})

    def for_spans(self, span_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """{span id: {key: value}} of those of ``span_ids`` that have attributes."""
        ids = sorted(set(span_ids))
        out: dict[int, dict[str, str]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):  # SQLite's limit on bound parameters
                out.update(load_attributes(conn, SPAN.c.id.in_(ids[i : i + 500])))
        return out

    def for_document(self, doc_id: int, annotator_id: int | None = None) -> dict[int, dict[str, str]]:
        """{span id: {key: value}} of a document's spans (one annotator's, if given)."""
        condition = SPAN.c.document_id == doc_id
        if annotator_id is not None:
            condition = condition & (SPAN.c.annotator_id == annotator_id)
        with self.engine.connect() as conn:
            return load_attributes(conn, condition)

    def set(self, span_id: int, values: Mapping[str, str]) -> None:
        """Replace the attributes of a span (an empty mapping removes them)."""
        with self.engine.begin() as conn:
            write_attributes(conn, span_id, values)
