"""Actor mentions: which spans name which actor of the registry, read and linked.

A mention is a span (by one annotator, in one document) linked to an actor. Every public method is
one short transaction; spans and actors given with ids keep them, so that a redo restores them as
they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select

from annotator.core.actors import Actor
from annotator.core.errors import StoreError
from annotator.core.model import Origin, Span
from annotator.store.actors import insert_actor
from annotator.store.rows import (
    ACTOR,
    ANN,
    MENTION,
    SPAN,
    insert_spans,
    mark_in_progress,
    mark_todo,
)


@dataclass(frozen=True, slots=True)
class MentionChange:
    """What ``MentionRepo.add`` did: spans added (with the actor each names), existing spans linked
    (span id, previous actor id or None, new actor id), actors created."""

    added: tuple[tuple[Span, int], ...] = ()
    linked: tuple[tuple[int, int | None, int], ...] = ()
    created: tuple[Actor, ...] = ()
    status_was_todo: bool = False


def set_link(conn: Connection, span_id: int, actor_id: int | None) -> int | None:
    """Make a span a mention of an actor (None: of no actor) inside the caller's transaction;
    return the previous actor."""
    old = conn.execute(select(MENTION.c.actor_id).where(MENTION.c.span_id == span_id)).scalar()
    if actor_id == old:
        return old
    if old is not None:
        conn.execute(delete(MENTION).where(MENTION.c.span_id == span_id))
    if actor_id is not None:
        if conn.execute(select(SPAN.c.id).where(SPAN.c.id == span_id)).first() is None:
            raise StoreError(f"no span with id {span_id}")
        if conn.execute(select(ACTOR.c.id).where(ACTOR.c.id == actor_id)).first() is None:
            raise StoreError(f"no actor with id {actor_id}")
        conn.execute(insert(MENTION).values(span_id=span_id, actor_id=actor_id))
    return old


class MentionRepo:
    """The actor mentions of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def in_document(self, doc_id: int, annotator_id: int | None = None) -> dict[int, int]:
        """{span id: actor id} for the actor mentions of a document (of one annotator)."""
        query = (
            select(MENTION.c.span_id, MENTION.c.actor_id)
            .join(SPAN, SPAN.c.id == MENTION.c.span_id)
            .where(SPAN.c.document_id == doc_id)
        )
        if annotator_id is not None:
            query = query.where(SPAN.c.annotator_id == annotator_id)
        with self.engine.connect() as conn:
            return {r.span_id: r.actor_id for r in conn.execute(query)}

    def of_actor(self, actor_id: int) -> list[tuple[int, Span]]:
        """(document id, span) of every mention of an actor, with the span's annotator."""
        query = (
            select(SPAN, ANN.c.name.label("annotator_name"))
            .join(MENTION, MENTION.c.span_id == SPAN.c.id)
            .join(ANN, ANN.c.id == SPAN.c.annotator_id)
            .where(MENTION.c.actor_id == actor_id)
            .order_by(SPAN.c.document_id, SPAN.c.start, SPAN.c.id)
        )
        with self.engine.connect() as conn:
            return [
                (
                    r.document_id,
                    Span(r.start, r.end, r.label, Origin(r.origin), r.layer, r.id, r.annotator_name),
                )
                for r in conn.execute(query)
            ]

    def link(self, span_id: int, actor_id: int | None) -> int | None:
        """Make a span a mention of an actor (None: of no actor); return the previous actor."""
        with self.engine.begin() as conn:
            return set_link(conn, span_id, actor_id)

    def replace_linked_spans(
        self,
        doc_id: int,
        annotator_id: int,
        remove_ids: Sequence[int],
        add: Sequence[tuple[Span, int | None]],
    ) -> list[Span]:
        """In one transaction: delete spans (their actor links go with them) and add others, each
        linked to an actor (or to none). Added spans keep their ids when given, so that a redo
        restores them as they were. Returns the added spans with their ids."""
        with self.engine.begin() as conn:
            wanted = sorted(set(remove_ids))
            if wanted:
                found = set(conn.execute(select(SPAN.c.id).where(SPAN.c.id.in_(wanted))).scalars())
                if len(found) != len(wanted):
                    raise StoreError(f"no span with id {sorted(set(wanted) - found)}")
                conn.execute(delete(SPAN).where(SPAN.c.id.in_(wanted)))
            stored = insert_spans(conn, doc_id, annotator_id, [span for span, _ in add])
            for span, (_old, actor_id) in zip(stored, add, strict=True):
                if actor_id is not None:
                    set_link(conn, span.id, actor_id)  # type: ignore[arg-type]
        return stored

    def add(
        self,
        doc_id: int,
        annotator_id: int,
        spans: Sequence[tuple[Span, int]] = (),
        links: Sequence[tuple[int, int]] = (),
        new_actors: Sequence[Actor] = (),
    ) -> MentionChange:
        """In one transaction: create ``new_actors``, add ``spans`` and link existing spans
        (``links``: span id, actor) to actors; a 'to do' document becomes 'in progress'.

        An actor reference is an actor id, or ``-(k + 1)`` for ``new_actors[k]``. Spans and actors
        keep their ids when given, so that a redo restores them as they were.
        """
        with self.engine.begin() as conn:
            created = [insert_actor(conn, actor) for actor in new_actors]

            def actor_id(ref: int) -> int:
                return ref if ref > 0 else int(created[-ref - 1].id)  # type: ignore[arg-type]

            added = insert_spans(conn, doc_id, annotator_id, [span for span, _ in spans])
            for span, (_old, ref) in zip(added, spans, strict=True):
                set_link(conn, span.id, actor_id(ref))  # type: ignore[arg-type]
            linked = [(span_id, set_link(conn, span_id, actor_id(ref))) for span_id, ref in links]
            was_todo = mark_in_progress(conn, doc_id) if (added or linked) else False
        return MentionChange(
            added=tuple((span, actor_id(ref)) for span, (_old, ref) in zip(added, spans, strict=True)),
            linked=tuple(
                (span_id, previous, actor_id(ref))
                for (span_id, previous), (_s, ref) in zip(linked, links, strict=True)
            ),
            created=tuple(created),
            status_was_todo=was_todo,
        )

    def remove(self, doc_id: int, change: MentionChange) -> None:
        """Undo ``add``: its spans and actors go, earlier links come back."""
        with self.engine.begin() as conn:
            ids = [span.id for span, _ in change.added if span.id is not None]
            if ids:
                conn.execute(delete(SPAN).where(SPAN.c.id.in_(ids)))
            for span_id, previous, _actor in change.linked:
                set_link(conn, span_id, previous)
            for actor in change.created:
                conn.execute(delete(ACTOR).where(ACTOR.c.id == actor.id))
            if change.status_was_todo:
                mark_todo(conn, doc_id)
