"""What an annotation record carries beside its spans: its actors, mentions, events and frames.

For an export, ``get`` and ``with_analysis`` read them per (document, annotator); for an import,
``store_record`` writes a record's inside the caller's transaction (that of ``RecordRepo.import_sets``).
Actors travel with their uid and are matched on import by uid, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, select

from annotator.core.actors import Actor
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import AnnotationRecord, AnnotatorKind
from annotator.store.actors import load_actors, merge_in
from annotator.store.annotators import AnnotatorRepo
from annotator.store.documents import DocumentRepo
from annotator.store.events import insert_event, load_events
from annotator.store.framing import load_frames, write_frames
from annotator.store.mentions import set_link
from annotator.store.rows import EVENT, MENTION, SPAN
from annotator.store.span_attributes import load_attributes


@dataclass
class RecordAnalysis:
    """The actors, mentions, events and frames of one record (ids as stored)."""

    actors: list[Actor] = field(default_factory=list)
    mentions: dict[int, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    frames: FrameAssessment | None = None
    attributes: dict[int, dict[str, str]] = field(default_factory=dict)  # span id -> values


class RecordAnalysisRepo:
    """The analysis of the annotation records of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.annotators = AnnotatorRepo(engine)
        self.documents = DocumentRepo(engine)

    def get(self, doc_id: int, annotator_id: int) -> RecordAnalysis:
        """What an export record of (document, annotator) carries beside its spans."""
        with self.engine.connect() as conn:
            mentions = {
                r.span_id: r.actor_id
                for r in conn.execute(
                    select(MENTION.c.span_id, MENTION.c.actor_id)
                    .join(SPAN, SPAN.c.id == MENTION.c.span_id)
                    .where((SPAN.c.document_id == doc_id) & (SPAN.c.annotator_id == annotator_id))
                )
            }
            events = load_events(
                conn, (EVENT.c.document_id == doc_id) & (EVENT.c.annotator_id == annotator_id)
            )
            frames = load_frames(conn, doc_id, annotator_id)
            attributes = load_attributes(
                conn, (SPAN.c.document_id == doc_id) & (SPAN.c.annotator_id == annotator_id)
            )
            actor_ids = set(mentions.values())
            for event in events:
                refs = [a.ref for a in event.arguments] + ([event.source] if event.source else [])
                actor_ids |= {r.actor_id for r in refs if r.actor_id is not None}
            if frames is not None:
                actor_ids |= {r.actor_id for r in frames.roles}
                if frames.tone_target is not None:
                    actor_ids.add(frames.tone_target)
            actors = sorted(load_actors(conn, actor_ids), key=lambda a: a.uid)
        return RecordAnalysis(actors, mentions, events, frames, attributes)

    def analysed_pairs(self) -> set[tuple[int, int]]:
        """(document id, annotator id) of every set with actor links, events or frames: the
        others need no ``get`` (it would find nothing), which saves a few queries
        per document on a large corpus."""
        with self.engine.connect() as conn:
            return {
                (int(r[0]), int(r[1]))
                for r in conn.exec_driver_sql(
                    "SELECT s.document_id, s.annotator_id FROM actor_mention m"
                    " JOIN span s ON s.id = m.span_id"
                    " UNION SELECT document_id, annotator_id FROM event"
                    " UNION SELECT document_id, annotator_id FROM frame_assessment"
                )
            }

    def with_analysis(self, records: Iterable[AnnotationRecord]) -> Iterable[AnnotationRecord]:
        """Records from ``RecordRepo.stream`` with their actors, mentions, events and frames."""
        # Models only suggest spans: their sets have no actors, events or frames to look up.
        annotators = {a.name: a.id for a in self.annotators.all() if a.kind is AnnotatorKind.HUMAN}
        # Most (document, annotator) pairs carry no analysis: find those that do in one query
        # instead of asking for every record (an export of 100,000 documents; see bench/).
        with self.engine.connect() as conn:
            analysed = {
                (r[0], r[1])
                for r in conn.exec_driver_sql(
                    "SELECT d.text_sha256, x.annotator_id FROM ("
                    " SELECT s.document_id, s.annotator_id FROM actor_mention m"
                    " JOIN span s ON s.id = m.span_id"
                    " UNION SELECT document_id, annotator_id FROM event"
                    " UNION SELECT document_id, annotator_id FROM frame_assessment"
                    " UNION SELECT s.document_id, s.annotator_id FROM span_attribute a"
                    " JOIN span s ON s.id = a.span_id"
                    ") x JOIN document d ON d.id = x.document_id"
                )
            }
        if not analysed:  # a corpus without any analysis yet: the records as they come
            yield from records
            return
        for record in records:
            annotator_id = annotators.get(record.annotator or "")
            if (record.text_sha256, annotator_id) not in analysed:
                yield record
                continue
            doc_id = self.documents.id_by_sha(record.text_sha256) if annotator_id else None
            if doc_id is not None and annotator_id is not None:
                found = self.get(doc_id, annotator_id)
                record.actors = found.actors
                record.mentions = found.mentions
                record.events = found.events
                record.frames = found.frames
                record.attributes = found.attributes
            yield record

    @staticmethod
    def stored_span_ids(
        conn: Connection, doc_id: int, annotator_id: int
    ) -> dict[tuple[int, int, str, str], int]:
        """{(start, end, label, layer): span id} of an annotator's spans in a document, inside the
        caller's transaction: how an import finds the ids its record's spans were stored under."""
        return {
            (r.start, r.end, r.label, r.layer): r.id
            for r in conn.execute(
                select(SPAN).where((SPAN.c.document_id == doc_id) & (SPAN.c.annotator_id == annotator_id))
            )
        }

    def store_record(
        self,
        conn: Connection,
        doc_id: int,
        annotator_id: int,
        record: AnnotationRecord,
        span_ids: dict[int, int],
    ) -> None:
        """Store a record's actors, mentions, events and frames inside the caller's transaction.

        ``span_ids`` maps the record's span ids to the stored spans. Actors are matched by uid,
        then by name (case-insensitively); unknown ones are created with the record's uid. The
        annotator's earlier events and frame assessment of the document are replaced.
        """
        actor_ids = {
            int(actor.id): merge_in(conn, actor)[0]  # type: ignore[arg-type]
            for actor in record.actors
        }

        def ref(r: Ref) -> Ref:
            if r.actor_id is not None:
                return Ref(actor_id=actor_ids[r.actor_id])
            return Ref(span_id=span_ids[r.span_id])  # type: ignore[index]

        for span_id, actor_id in record.mentions.items():
            set_link(conn, span_ids[span_id], actor_ids[actor_id])
        conn.execute(
            delete(EVENT).where((EVENT.c.document_id == doc_id) & (EVENT.c.annotator_id == annotator_id))
        )
        for event in record.events:
            trigger_id = span_ids[event.trigger.id]  # type: ignore[index]
            stored = event.with_(
                id=None,
                trigger=event.trigger.with_(id=trigger_id),
                arguments=tuple(Argument(a.role, ref(a.ref)) for a in event.arguments),
                source=ref(event.source) if event.source is not None else None,
            )
            insert_event(conn, doc_id, annotator_id, stored)
        frames = record.frames
        if frames is not None:
            frames = frames.with_(
                tone_target=actor_ids[frames.tone_target] if frames.tone_target is not None else None,
                roles=tuple(ActorRole(actor_ids[r.actor_id], r.role) for r in frames.roles),
            )
        write_frames(conn, doc_id, annotator_id, frames)
