"""What the repositories share: table handles, row conversions, and the one way a span is stored.

The lowest module of the repositories: documents, annotators, spans, actors, mentions, events,
framing and records import from here, and import one another only downwards (mentions uses the
actors' insertion; span_dependents and record_analysis sit above mentions and events). A span enters
the database only through ``insert_spans`` (checked against the text), whichever concept it belongs
to (an entity, an actor mention, an event trigger, framing evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, text, update

from annotator.core.errors import StoreError
from annotator.core.model import Document, DocumentMeta, Origin, Span, Status
from annotator.store.tables import (
    ActorAliasRow,
    ActorMentionRow,
    ActorRow,
    AnnotatorRow,
    DocumentRow,
    EventArgumentRow,
    EventRow,
    FrameActorRoleRow,
    FrameAssessmentRow,
    FramePresentRow,
    MetaRow,
    SpanRow,
    SuggestionRejectionRow,
    utcnow,
)

DOC = DocumentRow.__table__  # type: ignore[attr-defined]
ANN = AnnotatorRow.__table__  # type: ignore[attr-defined]
SPAN = SpanRow.__table__  # type: ignore[attr-defined]
META = MetaRow.__table__  # type: ignore[attr-defined]
ACTOR = ActorRow.__table__  # type: ignore[attr-defined]
ALIAS = ActorAliasRow.__table__  # type: ignore[attr-defined]
MENTION = ActorMentionRow.__table__  # type: ignore[attr-defined]
EVENT = EventRow.__table__  # type: ignore[attr-defined]
ARG = EventArgumentRow.__table__  # type: ignore[attr-defined]
FRAME = FrameAssessmentRow.__table__  # type: ignore[attr-defined]
PRESENT = FramePresentRow.__table__  # type: ignore[attr-defined]
ROLE = FrameActorRoleRow.__table__  # type: ignore[attr-defined]
REJECTION = SuggestionRejectionRow.__table__  # type: ignore[attr-defined]

ORIGINS = {origin.value: origin for origin in Origin}


def column_default(column: Any) -> object:
    """The Python-side default of a column (a value, or a function of no argument)."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg


def document_of(row: object) -> Document:
    return Document(
        text=row.text,  # type: ignore[attr-defined]
        meta=DocumentMeta(
            title=row.title,  # type: ignore[attr-defined]
            source=row.source,  # type: ignore[attr-defined]
            date=row.date,  # type: ignore[attr-defined]
            lang=row.lang,  # type: ignore[attr-defined]
            url=row.url,  # type: ignore[attr-defined]
            filename=row.filename,  # type: ignore[attr-defined]
            author=row.author,  # type: ignore[attr-defined]
            original_path=row.original_path,  # type: ignore[attr-defined]
            original_sha256=row.original_sha256,  # type: ignore[attr-defined]
        ),
        status=Status(row.status),  # type: ignore[attr-defined]
        id=row.id,  # type: ignore[attr-defined]
        sha256=row.text_sha256,  # type: ignore[attr-defined]
    )


def span_of(row: object, annotator: str = "") -> Span:
    return Span(
        start=row.start,  # type: ignore[attr-defined]
        end=row.end,  # type: ignore[attr-defined]
        label=row.label,  # type: ignore[attr-defined]
        origin=ORIGINS[row.origin],  # type: ignore[attr-defined]
        layer=row.layer,  # type: ignore[attr-defined]
        id=row.id,  # type: ignore[attr-defined]
        annotator=annotator,
    )


def span_values(doc_id: int, annotator_id: int, span: Span, now: str) -> dict[str, object]:
    values: dict[str, object] = {
        "document_id": doc_id,
        "annotator_id": annotator_id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "origin": span.origin.value,
        "layer": span.layer,
        "created_at": now,
    }
    if span.id is not None:
        values["id"] = span.id
    return values


def insert_spans(conn: Connection, doc_id: int, annotator_id: int, spans: Sequence[Span]) -> list[Span]:
    """Insert spans (keeping their ids when given) inside the caller's transaction, checking
    them against the text; return them with their ids."""
    now = utcnow()
    length = conn.execute(
        text("SELECT length(text) FROM document WHERE id = :id"), {"id": doc_id}
    ).scalar()
    if length is None:
        raise StoreError(f"no document with id {doc_id}")
    stored: list[Span] = []
    for span in spans:
        if span.end > length:
            raise StoreError(
                f"span {span.start}-{span.end} ends after the text ({length} characters)"
            )
        new_id = conn.execute(
            insert(SPAN).values(**span_values(doc_id, annotator_id, span, now))
        ).inserted_primary_key[0]  # type: ignore[index]
        stored.append(span.with_(id=new_id))
    return stored


def mark_in_progress(conn: Connection, doc_id: int) -> bool:
    """A 'to do' document becomes 'in progress' (the analyst began on it); whether it was."""
    result = conn.execute(
        update(DOC)
        .where((DOC.c.id == doc_id) & (DOC.c.status == Status.TODO.value))
        .values(status=Status.IN_PROGRESS.value, updated_at=utcnow())
    )
    return bool(result.rowcount)


def mark_todo(conn: Connection, doc_id: int) -> None:
    """Undo of ``mark_in_progress``."""
    conn.execute(update(DOC).where(DOC.c.id == doc_id).values(status=Status.TODO.value))
