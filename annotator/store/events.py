"""Events: who did what to whom, anchored on a trigger span, with their arguments and source.

Every public method is one short transaction; an event given with an id keeps it (undo of a
deletion). The source of an event is stored as an argument of role ``SOURCE_ROLE``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from annotator.core.errors import StoreError
from annotator.core.events import Argument, Event, Ref
from annotator.core.model import Origin, Span
from annotator.store.rows import (
    ARG,
    EVENT,
    SPAN,
    insert_spans,
    mark_in_progress,
    mark_todo,
)
from annotator.store.tables import utcnow

SOURCE_ROLE = "source"  # the event_argument role that holds who reports an event


def _ref_values(ref: Ref) -> dict[str, object]:
    return {"actor_id": ref.actor_id, "span_id": ref.span_id}


def _ref(row: object) -> Ref:
    return Ref(actor_id=row.actor_id, span_id=row.span_id)  # type: ignore[attr-defined]


def load_events(conn: Connection, where: object) -> list[Event]:
    """The events that match ``where`` (a condition on the event table), in text order."""
    rows = conn.execute(
        select(
            EVENT,
            SPAN.c.start,
            SPAN.c.end,
            SPAN.c.label,
            SPAN.c.origin,
            SPAN.c.layer,
        )
        .join(SPAN, SPAN.c.id == EVENT.c.trigger_span_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(SPAN.c.start, SPAN.c.end, EVENT.c.id)
    ).all()
    if not rows:
        return []
    args: dict[int, list[Any]] = {}
    for arg in conn.execute(
        select(ARG)
        .where(ARG.c.event_id.in_([r.id for r in rows]))
        .order_by(ARG.c.event_id, ARG.c.position, ARG.c.id)
    ):
        args.setdefault(arg.event_id, []).append(arg)
    events: list[Event] = []
    for r in rows:
        arguments: list[Argument] = []
        source: Ref | None = None
        for arg in args.get(r.id, []):
            if arg.role == SOURCE_ROLE:
                source = _ref(arg)
            else:
                arguments.append(Argument(arg.role, _ref(arg)))
        trigger = Span(r.start, r.end, r.label, Origin(r.origin), r.layer, r.trigger_span_id)
        events.append(
            Event(
                trigger=trigger,
                category=r.category,
                mode=r.mode,
                context=r.context,
                cameo=r.cameo,
                arguments=tuple(arguments),
                date=r.date,
                factuality=r.factuality,
                source=source,
                id=r.id,
            )
        )
    return events


def _write_arguments(conn: Connection, event_id: int, event: Event) -> None:
    conn.execute(delete(ARG).where(ARG.c.event_id == event_id))
    rows = [
        {"event_id": event_id, "role": a.role, "position": i, **_ref_values(a.ref)}
        for i, a in enumerate(event.arguments)
    ]
    if event.source is not None:
        rows.append(
            {
                "event_id": event_id,
                "role": SOURCE_ROLE,
                "position": len(rows),
                **_ref_values(event.source),
            }
        )
    if rows:
        conn.execute(insert(ARG), rows)


def _event_values(event: Event) -> dict[str, object]:
    return {
        "category": event.category,
        "mode": event.mode,
        "context": event.context,
        "cameo": event.cameo,
        "date": event.date,
        "factuality": event.factuality,
    }


def insert_event(conn: Connection, doc_id: int, annotator_id: int, event: Event) -> Event:
    """Store an event (and its trigger span unless it exists) inside the caller's transaction."""
    trigger = event.trigger
    if (
        trigger.id is None
        or conn.execute(select(SPAN.c.id).where(SPAN.c.id == trigger.id)).first() is None
    ):
        trigger = insert_spans(conn, doc_id, annotator_id, [trigger])[0]
    now = utcnow()
    values = dict(
        _event_values(event),
        document_id=doc_id,
        annotator_id=annotator_id,
        trigger_span_id=trigger.id,
        created_at=now,
        updated_at=now,
    )
    if event.id is not None:
        values["id"] = event.id
    new_id = int(conn.execute(insert(EVENT).values(**values)).inserted_primary_key[0])  # type: ignore[index]
    _write_arguments(conn, new_id, event)
    return event.with_(id=new_id, trigger=trigger)


class EventRepo:
    """The events of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def in_document(self, doc_id: int, annotator_id: int) -> list[Event]:
        with self.engine.connect() as conn:
            return load_events(
                conn, (EVENT.c.document_id == doc_id) & (EVENT.c.annotator_id == annotator_id)
            )

    def get(self, event_id: int) -> Event:
        with self.engine.connect() as conn:
            found = load_events(conn, EVENT.c.id == event_id)
        if not found:
            raise StoreError(f"no event with id {event_id}")
        return found[0]

    def add(self, doc_id: int, annotator_id: int, event: Event) -> tuple[Event, bool]:
        """Store an event and its trigger span (created unless it exists; ids kept when given,
        to undo a deletion) in one transaction. Returns it with ids, and whether the document
        went from 'to do' to 'in progress'."""
        with self.engine.begin() as conn:
            stored = insert_event(conn, doc_id, annotator_id, event)
            return stored, mark_in_progress(conn, doc_id)

    def update(self, event: Event) -> Event:
        """Store new values of an event (its trigger span is relabelled with the category);
        return the event as it was."""
        if event.id is None:
            raise StoreError("an event to update needs an id")
        with self.engine.begin() as conn:
            old = load_events(conn, EVENT.c.id == event.id)
            if not old:
                raise StoreError(f"no event with id {event.id}")
            conn.execute(
                update(EVENT)
                .where(EVENT.c.id == event.id)
                .values(updated_at=utcnow(), **_event_values(event))
            )
            conn.execute(update(SPAN).where(SPAN.c.id == old[0].trigger.id).values(label=event.category))
            _write_arguments(conn, event.id, event)
        return old[0]

    def delete(self, event_id: int, status_back_to_todo: bool = False) -> Event:
        """Delete an event and its trigger span; return the event (with its trigger) as it was."""
        with self.engine.begin() as conn:
            found = load_events(conn, EVENT.c.id == event_id)
            if not found:
                raise StoreError(f"no event with id {event_id}")
            doc_id = conn.execute(select(EVENT.c.document_id).where(EVENT.c.id == event_id)).scalar_one()
            conn.execute(delete(EVENT).where(EVENT.c.id == event_id))
            conn.execute(delete(SPAN).where(SPAN.c.id == found[0].trigger.id))
            if status_back_to_todo:
                mark_todo(conn, doc_id)
        return found[0]
