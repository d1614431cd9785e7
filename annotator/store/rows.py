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

from sqlalchemy import Connection, Row, delete, insert, literal, select, text, update

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


def meta_of(row: object) -> DocumentMeta:
    return DocumentMeta(
        title=row.title,  # type: ignore[attr-defined]
        source=row.source,  # type: ignore[attr-defined]
        date=row.date,  # type: ignore[attr-defined]
        lang=row.lang,  # type: ignore[attr-defined]
        url=row.url,  # type: ignore[attr-defined]
        filename=row.filename,  # type: ignore[attr-defined]
        author=row.author,  # type: ignore[attr-defined]
        original_path=row.original_path,  # type: ignore[attr-defined]
        original_sha256=row.original_sha256,  # type: ignore[attr-defined]
    )


def document_of(row: object) -> Document:
    return Document(
        text=row.text,  # type: ignore[attr-defined]
        meta=meta_of(row),
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


# Connection.info key (kept with the driver's connection across checkouts): {document id:
# (text_sha256, length of the text in code points)}, see ``insert_spans``.
_TEXT_LENGTHS = "annotator_text_lengths"


def _text_facts(conn: Connection, doc_id: int) -> tuple[str, int, str]:
    """A document's text checksum, its text's length, and its status."""
    row = conn.execute(
        text("SELECT text_sha256, length(text), status FROM document WHERE id = :id"), {"id": doc_id}
    ).first()
    if row is None:
        raise StoreError(f"no document with id {doc_id}")
    return str(row[0]), int(row[1]), str(row[2])


def insert_spans(conn: Connection, doc_id: int, annotator_id: int, spans: Sequence[Span]) -> list[Span]:
    """Insert spans (keeping their ids when given) inside the caller's transaction, checking
    them against the text; return them with their ids (see ``insert_spans_status``)."""
    return insert_spans_status(conn, doc_id, annotator_id, spans)[0]


def insert_spans_status(
    conn: Connection, doc_id: int, annotator_id: int, spans: Sequence[Span]
) -> tuple[list[Span], Status | None]:
    """``insert_spans``, and the document's status read by the same statements (None when no
    span was given), for an action that starts a document 'to do' without asking separately.

    The text's length is read once per document and driver connection, not on every click:
    ``length(text)`` reads the whole text (a megabyte for a long article, decompressed first on
    a server). A text never changes, but a document id may come to name another text (SQLite
    gives a rolled-back import's ids out again), so the first span of each call is inserted
    only if the document still has the checksum its length was read with
    (``INSERT … SELECT … WHERE text_sha256 = …``); if it has not, the length is read again.
    """
    if not spans:
        return [], None
    now = utcnow()
    known: dict[int, tuple[str, int]] = conn.info.setdefault(_TEXT_LENGTHS, {})
    cached = known.get(doc_id)
    if cached is not None:
        (sha, length), status = cached, ""
    else:
        sha, length, status = _text_facts(conn, doc_id)
    stored: list[Span] = []
    for span in spans:
        if span.end > length:
            raise StoreError(
                f"span {span.start}-{span.end} ends after the text ({length} characters)"
            )
        values = span_values(doc_id, annotator_id, span, now)
        if cached is not None and not stored:
            found = _insert_if_text(conn, doc_id, sha, values)
            if found is None:  # that id names another text now (or none): read it again
                del known[doc_id]
                return insert_spans_status(conn, doc_id, annotator_id, spans)
            new_id, status = found
        else:
            new_id = conn.execute(insert(SPAN).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        stored.append(span.with_(id=new_id))
    known[doc_id] = (sha, length)
    return stored, Status(status)


def _insert_if_text(
    conn: Connection, doc_id: int, sha: str, values: dict[str, object]
) -> tuple[int, str] | None:
    """Insert one span row if document ``doc_id`` still has the text ``sha``: its id and the
    document's status, or None."""
    columns = list(values)
    row = select(*(literal(values[c], SPAN.c[c].type) for c in columns)).where(
        (DOC.c.id == doc_id) & (DOC.c.text_sha256 == sha)
    )
    status = select(DOC.c.status).where(DOC.c.id == doc_id).scalar_subquery()
    found = conn.execute(insert(SPAN).from_select(columns, row).returning(SPAN.c.id, status)).first()
    return None if found is None else (int(found[0]), str(found[1]))


def delete_spans(conn: Connection, span_ids: Sequence[int]) -> list[Row[Any]]:
    """Delete spans inside the caller's transaction, in one statement; their rows as they were.
    StoreError (the caller's transaction then keeps nothing) if some do not exist (any more)."""
    wanted = set(span_ids)
    rows = conn.execute(delete(SPAN).where(SPAN.c.id.in_(list(wanted))).returning(*SPAN.c)).all()
    if len(rows) != len(wanted):
        missing = wanted - {r.id for r in rows}
        raise StoreError(f"no span with id {sorted(missing)}")
    return list(rows)


def mark_in_progress(conn: Connection, doc_id: int) -> bool:
    """A 'to do' document becomes 'in progress' (the analyst began on it); whether it was."""
    result = conn.execute(
        update(DOC)
        .where((DOC.c.id == doc_id) & (DOC.c.status == Status.TODO.value))
        .values(status=Status.IN_PROGRESS.value, updated_at=utcnow())
    )
    return bool(result.rowcount)


def mark_todo(conn: Connection, doc_id: int, only_if: Status | None = None) -> bool:
    """Undo of ``mark_in_progress``; with ``only_if``, only from that status (another
    instance's later decision stays). Whether it changed."""
    query = update(DOC).where(DOC.c.id == doc_id)
    if only_if is not None:
        query = query.where(DOC.c.status == only_if.value)
    return bool(conn.execute(query.values(status=Status.TODO.value, updated_at=utcnow())).rowcount)
