"""What hangs on spans: their actor links and the events they trigger or fill an argument of.

Deleting a span takes these with it (the database cascades): they are read and the spans deleted
in one transaction, and an undo puts them back with the spans in one transaction, so that a kill
in the middle never leaves a span without them. A reject remembers the rejected form in that
transaction too. This is
the one module that knows both mentions and events, above both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, literal, null, select, union_all

from annotator.core.events import Event
from annotator.core.model import Span
from annotator.store.events import insert_event, load_events
from annotator.store.mentions import set_link
from annotator.store.rejections import forget, remember
from annotator.store.rows import ARG, EVENT, MENTION, delete_spans, insert_spans, span_of


@dataclass(frozen=True, slots=True)
class SpanDependents:
    """What hangs on some spans (and goes when they are deleted): actor links and events that
    they trigger or fill an argument of, as (document id, annotator id, event)."""

    links: dict[int, int]
    events: tuple[tuple[int, int, Event], ...]

    def __bool__(self) -> bool:
        return bool(self.links or self.events)


def _restore(conn: Connection, dependents: SpanDependents) -> None:
    for span_id, actor_id in dependents.links.items():
        set_link(conn, span_id, actor_id)
    for doc_id, annotator_id, event in dependents.events:
        conn.execute(delete(EVENT).where(EVENT.c.id == event.id))
        insert_event(conn, doc_id, annotator_id, event)


def _of_spans(conn: Connection, ids: list[int]) -> SpanDependents:
    """What hangs on spans ``ids``: links and the ids of their events in one query (most spans
    have none: one round trip to a server), then those events."""
    found = conn.execute(
        union_all(
            select(literal("link"), MENTION.c.span_id, MENTION.c.actor_id).where(
                MENTION.c.span_id.in_(ids)
            ),
            select(literal("event"), EVENT.c.id, null()).where(EVENT.c.trigger_span_id.in_(ids)),
            select(literal("event"), ARG.c.event_id, null()).where(ARG.c.span_id.in_(ids)),
        )
    ).all()
    links = {int(r[1]): int(r[2]) for r in found if r[0] == "link"}
    event_ids = sorted({int(r[1]) for r in found if r[0] == "event"})
    events: list[tuple[int, int, Event]] = []
    if event_ids:
        owners = {
            r.id: (r.document_id, r.annotator_id)
            for r in conn.execute(select(EVENT).where(EVENT.c.id.in_(event_ids)))
        }
        for event in load_events(conn, EVENT.c.id.in_(event_ids)):
            events.append((*owners[event.id], event))  # type: ignore[index]
    return SpanDependents(links, tuple(events))


class SpanDependentsRepo:
    """What hangs on the spans of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def delete_spans(
        self, span_ids: Sequence[int]
    ) -> tuple[list[tuple[int, int, Span]], SpanDependents]:
        """Delete spans, with what hangs on them, in one transaction; return what was deleted
        as (document id, annotator id, span), and what hung on them (to undo it with
        ``restore_spans``). StoreError, nothing deleted, if some of them do not exist (any
        more: deleted elsewhere)."""
        if not span_ids:
            return [], SpanDependents({}, ())
        with self.engine.begin() as conn:
            dependents = _of_spans(conn, list(span_ids))
            rows = delete_spans(conn, span_ids)
        return [(r.document_id, r.annotator_id, span_of(r)) for r in rows], dependents

    def delete_rejecting(
        self, span_ids: Sequence[int], pairs: Sequence[tuple[str, str]]
    ) -> tuple[list[tuple[int, int, Span]], SpanDependents, list[tuple[str, str]]]:
        """A reject: ``delete_spans`` of suggestions, and their (text form, label) ``pairs``
        remembered as rejected (``rejections``), in one transaction (one commit; a kill never
        leaves a suggestion deleted but not rejected). Returns also the pairs that were new
        (those its undo forgets)."""
        with self.engine.begin() as conn:
            dependents, rows = SpanDependents({}, ()), []
            if span_ids:
                dependents = _of_spans(conn, list(span_ids))
                rows = delete_spans(conn, span_ids)
            remembered = remember(conn, pairs)
        return [(r.document_id, r.annotator_id, span_of(r)) for r in rows], dependents, remembered

    def restore_spans(
        self,
        doc_id: int,
        spans_by_annotator: dict[int, list[Span]],
        dependents: SpanDependents | None,
    ) -> None:
        """Put deleted spans back under their ids, with their actor links and events, in one
        transaction: a kill in the middle never leaves a span without what hung on it."""
        self.restore_forgetting(doc_id, spans_by_annotator, dependents, [])

    def restore_forgetting(
        self,
        doc_id: int,
        spans_by_annotator: dict[int, list[Span]],
        dependents: SpanDependents | None,
        pairs: Sequence[tuple[str, str]],
    ) -> None:
        """``restore_spans``, and the rejected ``pairs`` forgotten, in one transaction (the
        undo of ``delete_rejecting``)."""
        with self.engine.begin() as conn:
            if pairs:
                forget(conn, pairs)
            for annotator_id, spans in spans_by_annotator.items():
                insert_spans(conn, doc_id, annotator_id, spans)
            if dependents:
                _restore(conn, dependents)
