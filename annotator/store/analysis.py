"""Repository functions for the analyst's annotation model: actors, mentions, events, framing.

Like ``repository.py``, everything speaks core objects and every public method is one short
transaction, so one user action is one transaction. Methods that undo something (``restore_*``,
``unmerge``, ``unsplit``) put rows back under their own ids: ids use AUTOINCREMENT and are never
reused, so a restored row cannot collide with a newer one.

The actor registry is shared by all documents and annotators; a new database gets the seed actors
of ``resources/actors-seed.json`` once (``ensure_actor_seed``), so that alias proposals work from
the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from annotator.core.actors import Actor, ActorSummary, clean_aliases, clean_name, new_uid
from annotator.core.errors import StoreError
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import EVIDENCE_LAYERS, ActorRole, FrameAssessment
from annotator.core.model import AnnotationRecord, AnnotatorKind, Origin, Span, Status
from annotator.store.repository import Store
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
    utcnow,
)

_ACTOR = ActorRow.__table__  # type: ignore[attr-defined]
_ALIAS = ActorAliasRow.__table__  # type: ignore[attr-defined]
_MENTION = ActorMentionRow.__table__  # type: ignore[attr-defined]
_EVENT = EventRow.__table__  # type: ignore[attr-defined]
_ARG = EventArgumentRow.__table__  # type: ignore[attr-defined]
_FRAME = FrameAssessmentRow.__table__  # type: ignore[attr-defined]
_PRESENT = FramePresentRow.__table__  # type: ignore[attr-defined]
_ROLE = FrameActorRoleRow.__table__  # type: ignore[attr-defined]
_SPAN = SpanRow.__table__  # type: ignore[attr-defined]
_DOC = DocumentRow.__table__  # type: ignore[attr-defined]
_ANN = AnnotatorRow.__table__  # type: ignore[attr-defined]
_META = MetaRow.__table__  # type: ignore[attr-defined]


def _actor_stamp() -> str:
    """Actor timestamps to the microsecond: every change of an actor raises the registry's
    latest ``updated_at``, which tells the alias index to rebuild (see ActorRegistry.index)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


SOURCE_ROLE = "source"  # the event_argument role that holds who reports an event
SEED_KEY = "actor_seed"


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """What a merge changed, so that it can be undone exactly."""

    kept: Actor  # the kept actor as it was before
    gone: Actor  # the merged-away actor, with its id and uid
    mention_span_ids: tuple[int, ...]
    argument_ids: tuple[int, ...]
    moved_roles: tuple[int, ...]  # assessment ids whose role row moved to the kept actor
    dropped_roles: tuple[tuple[int, str], ...]  # (assessment id, role) where kept had a role
    tone_assessments: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SplitRecord:
    source: Actor  # as it was before the split
    created: Actor
    moved_mentions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MentionChange:
    """What ``add_mentions`` did: spans added (with the actor each names), existing spans linked
    (span id, previous actor id or None, new actor id), actors created."""

    added: tuple[tuple[Span, int], ...] = ()
    linked: tuple[tuple[int, int | None, int], ...] = ()
    created: tuple[Actor, ...] = ()
    status_was_todo: bool = False


@dataclass(frozen=True, slots=True)
class SpanDependents:
    """What hangs on some spans (and goes when they are deleted): actor links and events that
    they trigger or fill an argument of, as (document id, annotator id, event)."""

    links: dict[int, int]
    events: tuple[tuple[int, int, Event], ...]

    def __bool__(self) -> bool:
        return bool(self.links or self.events)


@dataclass
class RecordAnalysis:
    """The actors, mentions, events and frames of one record (ids as stored)."""

    actors: list[Actor] = field(default_factory=list)
    mentions: dict[int, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    frames: FrameAssessment | None = None


# -- row conversion ---------------------------------------------------------------------------------


def _actor(row: object, aliases: Sequence[str]) -> Actor:
    return Actor(
        name=row.name,  # type: ignore[attr-defined]
        aliases=tuple(aliases),
        kind=row.kind,  # type: ignore[attr-defined]
        country=row.country,  # type: ignore[attr-defined]
        sector=row.sector,  # type: ignore[attr-defined]
        wikidata=row.wikidata,  # type: ignore[attr-defined]
        notes=row.notes,  # type: ignore[attr-defined]
        id=row.id,  # type: ignore[attr-defined]
        uid=row.uid,  # type: ignore[attr-defined]
    )


def _actor_values(actor: Actor) -> dict[str, object]:
    return {
        "name": clean_name(actor.name),
        "kind": actor.kind,
        "country": actor.country,
        "sector": actor.sector,
        "wikidata": actor.wikidata,
        "notes": actor.notes,
    }


def _ref_values(ref: Ref) -> dict[str, object]:
    return {"actor_id": ref.actor_id, "span_id": ref.span_id}


def _ref(row: object) -> Ref:
    return Ref(actor_id=row.actor_id, span_id=row.span_id)  # type: ignore[attr-defined]


class AnalysisRepo:
    """Actors, mentions, events and frame assessments of one database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine: Engine = store.engine

    # -- actors: reading -------------------------------------------------------------------------

    @staticmethod
    def _load_actors(conn: Connection, ids: Iterable[int] | None = None) -> list[Actor]:
        query = select(_ACTOR).order_by(_ACTOR.c.name, _ACTOR.c.id)
        alias_query = select(_ALIAS).order_by(_ALIAS.c.actor_id, _ALIAS.c.position, _ALIAS.c.id)
        if ids is not None:
            wanted = sorted(set(ids))
            if not wanted:
                return []
            query = query.where(_ACTOR.c.id.in_(wanted))
            alias_query = alias_query.where(_ALIAS.c.actor_id.in_(wanted))
        aliases: dict[int, list[str]] = {}
        for row in conn.execute(alias_query):
            aliases.setdefault(row.actor_id, []).append(row.alias)
        return [_actor(row, aliases.get(row.id, [])) for row in conn.execute(query)]

    def actors(self) -> list[Actor]:
        """Every actor of the registry, by name."""
        with self.engine.connect() as conn:
            return self._load_actors(conn)

    def actor(self, actor_id: int) -> Actor:
        with self.engine.connect() as conn:
            found = self._load_actors(conn, [actor_id])
        if not found:
            raise StoreError(f"no actor with id {actor_id}")
        return found[0]

    def actor_by_uid(self, uid: str) -> Actor | None:
        with self.engine.connect() as conn:
            actor_id = conn.execute(select(_ACTOR.c.id).where(_ACTOR.c.uid == uid)).scalar()
            return self._load_actors(conn, [actor_id])[0] if actor_id is not None else None

    def actor_summaries(self) -> list[ActorSummary]:
        """Every actor with its number of mentions and of documents mentioning it."""
        sql = text(
            """
            SELECT m.actor_id AS actor_id, count(*) AS n, count(DISTINCT s.document_id) AS docs
            FROM actor_mention m JOIN span s ON s.id = m.span_id GROUP BY m.actor_id
            """
        )
        with self.engine.connect() as conn:
            actors = self._load_actors(conn)
            counts = {r.actor_id: (r.n, r.docs) for r in conn.execute(sql)}
        return [
            ActorSummary(a, *counts.get(a.id, (0, 0)))  # type: ignore[arg-type]
            for a in actors
        ]

    def registry_stamp(self) -> tuple[object, ...]:
        """Changes whenever an actor or an alias is added, changed or removed (by anyone)."""
        with self.engine.connect() as conn:
            actors = conn.execute(
                select(func.count(), func.max(_ACTOR.c.id), func.max(_ACTOR.c.updated_at))
            ).one()
            aliases = conn.execute(select(func.count(), func.max(_ALIAS.c.id))).one()
        return (*actors, *aliases)

    def references(self, actor_id: int) -> dict[str, int]:
        """How many mentions, event arguments and framing entries point at an actor."""
        queries = {
            "mentions": "SELECT count(*) FROM actor_mention WHERE actor_id = :a",
            "arguments": "SELECT count(*) FROM event_argument WHERE actor_id = :a",
            "roles": "SELECT count(*) FROM frame_actor_role WHERE actor_id = :a",
            "tone": "SELECT count(*) FROM frame_assessment WHERE tone_target_actor_id = :a",
        }
        with self.engine.connect() as conn:
            return {k: int(conn.execute(text(q), {"a": actor_id}).scalar() or 0) for k, q in queries.items()}

    # -- actors: writing -------------------------------------------------------------------------

    @staticmethod
    def _check_name_free(conn: Connection, name: str, except_id: int | None = None) -> None:
        query = select(_ACTOR.c.id, _ACTOR.c.name).where(
            text("lower(actor.name) = lower(:n)").bindparams(n=clean_name(name))
        )
        for row in conn.execute(query):
            if row.id != except_id:
                raise StoreError(f"an actor named {row.name!r} exists already (id {row.id})")

    @staticmethod
    def _write_aliases(conn: Connection, actor_id: int, name: str, aliases: Sequence[str]) -> None:
        conn.execute(delete(_ALIAS).where(_ALIAS.c.actor_id == actor_id))
        rows = [
            {"actor_id": actor_id, "alias": alias, "position": i}
            for i, alias in enumerate(clean_aliases(name, list(aliases)))
        ]
        if rows:
            conn.execute(insert(_ALIAS), rows)

    @classmethod
    def _insert_actor(cls, conn: Connection, actor: Actor) -> Actor:
        if not clean_name(actor.name):
            raise StoreError("an actor needs a name")
        cls._check_name_free(conn, actor.name)
        uid = actor.uid or new_uid()
        if conn.execute(select(_ACTOR.c.id).where(_ACTOR.c.uid == uid)).first() is not None:
            raise StoreError(f"an actor with uid {uid!r} exists already")
        now = _actor_stamp()
        values = dict(_actor_values(actor), uid=uid, created_at=now, updated_at=now)
        if actor.id is not None:
            values["id"] = actor.id
        new_id = int(conn.execute(insert(_ACTOR).values(**values)).inserted_primary_key[0])  # type: ignore[index]
        cls._write_aliases(conn, new_id, actor.name, actor.aliases)
        return actor.with_(
            id=new_id,
            uid=uid,
            name=clean_name(actor.name),
            aliases=clean_aliases(actor.name, list(actor.aliases)),
        )

    def add_actor(self, actor: Actor) -> Actor:
        """Create an actor (keeping its id when given, to undo a deletion); return it with ids."""
        with self.engine.begin() as conn:
            return self._insert_actor(conn, actor)

    @classmethod
    def _update_actor(cls, conn: Connection, actor: Actor) -> Actor:
        if actor.id is None:
            raise StoreError("an actor to update needs an id")
        old = cls._load_actors(conn, [actor.id])
        if not old:
            raise StoreError(f"no actor with id {actor.id}")
        if not clean_name(actor.name):
            raise StoreError("an actor needs a name")
        cls._check_name_free(conn, actor.name, except_id=actor.id)
        conn.execute(
            update(_ACTOR)
            .where(_ACTOR.c.id == actor.id)
            .values(updated_at=_actor_stamp(), **_actor_values(actor))
        )
        cls._write_aliases(conn, actor.id, actor.name, actor.aliases)
        return old[0]

    def update_actor(self, actor: Actor) -> Actor:
        """Store new attributes, name and aliases of an actor; return the actor as it was."""
        with self.engine.begin() as conn:
            return self._update_actor(conn, actor)

    def delete_actor(self, actor_id: int) -> Actor:
        """Delete an actor nothing refers to; return it (to restore with ``add_actor``)."""
        refs = self.references(actor_id)
        if any(refs.values()):
            used = ", ".join(f"{n} {k}" for k, n in refs.items() if n)
            raise StoreError(f"actor {actor_id} is still referred to ({used}); merge it instead")
        with self.engine.begin() as conn:
            found = self._load_actors(conn, [actor_id])
            if not found:
                raise StoreError(f"no actor with id {actor_id}")
            conn.execute(delete(_ACTOR).where(_ACTOR.c.id == actor_id))
        return found[0]

    def merge(self, keep_id: int, gone_id: int) -> MergeRecord:
        """Merge actor ``gone_id`` into ``keep_id``: its mentions, event arguments and framing
        entries follow, its name and aliases become aliases, empty attributes are filled in."""
        if keep_id == gone_id:
            raise StoreError("an actor cannot be merged with itself")
        with self.engine.begin() as conn:
            found = {a.id: a for a in self._load_actors(conn, [keep_id, gone_id])}
            for actor_id in (keep_id, gone_id):
                if actor_id not in found:
                    raise StoreError(f"no actor with id {actor_id}")
            kept, gone = found[keep_id], found[gone_id]
            mention_ids = tuple(
                conn.execute(select(_MENTION.c.span_id).where(_MENTION.c.actor_id == gone_id)).scalars()
            )
            conn.execute(update(_MENTION).where(_MENTION.c.actor_id == gone_id).values(actor_id=keep_id))
            argument_ids = tuple(conn.execute(select(_ARG.c.id).where(_ARG.c.actor_id == gone_id)).scalars())
            conn.execute(update(_ARG).where(_ARG.c.actor_id == gone_id).values(actor_id=keep_id))
            kept_roles = set(
                conn.execute(select(_ROLE.c.assessment_id).where(_ROLE.c.actor_id == keep_id)).scalars()
            )
            moved: list[int] = []
            dropped: list[tuple[int, str]] = []
            for row in conn.execute(select(_ROLE).where(_ROLE.c.actor_id == gone_id)).all():
                if row.assessment_id in kept_roles:
                    dropped.append((row.assessment_id, row.role))
                    conn.execute(
                        delete(_ROLE).where(
                            (_ROLE.c.assessment_id == row.assessment_id) & (_ROLE.c.actor_id == gone_id)
                        )
                    )
                else:
                    moved.append(row.assessment_id)
                    conn.execute(
                        update(_ROLE)
                        .where((_ROLE.c.assessment_id == row.assessment_id) & (_ROLE.c.actor_id == gone_id))
                        .values(actor_id=keep_id)
                    )
            tone_ids = tuple(
                conn.execute(select(_FRAME.c.id).where(_FRAME.c.tone_target_actor_id == gone_id)).scalars()
            )
            conn.execute(
                update(_FRAME)
                .where(_FRAME.c.tone_target_actor_id == gone_id)
                .values(tone_target_actor_id=keep_id)
            )
            conn.execute(delete(_ACTOR).where(_ACTOR.c.id == gone_id))
            merged = kept.with_(
                aliases=clean_aliases(kept.name, [*kept.aliases, gone.name, *gone.aliases]),
                country=kept.country or gone.country,
                sector=kept.sector or gone.sector,
                wikidata=kept.wikidata or gone.wikidata,
                notes=kept.notes or gone.notes,
            )
            self._update_actor(conn, merged)
        return MergeRecord(kept, gone, mention_ids, argument_ids, tuple(moved), tuple(dropped), tone_ids)

    def unmerge(self, record: MergeRecord) -> None:
        """Undo a merge: the merged-away actor comes back with everything that pointed at it."""
        keep_id, gone_id = record.kept.id, record.gone.id
        assert keep_id is not None and gone_id is not None
        with self.engine.begin() as conn:
            self._update_actor(conn, record.kept)
            self._insert_actor(conn, record.gone)
            if record.mention_span_ids:
                conn.execute(
                    update(_MENTION)
                    .where(_MENTION.c.span_id.in_(record.mention_span_ids))
                    .values(actor_id=gone_id)
                )
            if record.argument_ids:
                conn.execute(update(_ARG).where(_ARG.c.id.in_(record.argument_ids)).values(actor_id=gone_id))
            for assessment_id in record.moved_roles:
                conn.execute(
                    update(_ROLE)
                    .where((_ROLE.c.assessment_id == assessment_id) & (_ROLE.c.actor_id == keep_id))
                    .values(actor_id=gone_id)
                )
            for assessment_id, role in record.dropped_roles:
                conn.execute(insert(_ROLE).values(assessment_id=assessment_id, actor_id=gone_id, role=role))
            if record.tone_assessments:
                conn.execute(
                    update(_FRAME)
                    .where(_FRAME.c.id.in_(record.tone_assessments))
                    .values(tone_target_actor_id=gone_id)
                )

    def split(
        self, actor_id: int, aliases: Sequence[str], created: Actor, move_span_ids: Sequence[int]
    ) -> SplitRecord:
        """Take ``aliases`` away from an actor into a new actor ``created``; the mentions listed
        (spans linked to the actor) move to the new one."""
        with self.engine.begin() as conn:
            found = self._load_actors(conn, [actor_id])
            if not found:
                raise StoreError(f"no actor with id {actor_id}")
            source = found[0]
            folded = {clean_name(a).casefold() for a in aliases}
            missing = folded - {a.casefold() for a in source.aliases}
            if missing or not folded:
                raise StoreError(
                    f"{sorted(missing)[0] if missing else ''!r} is not an alias of {source.name!r}"
                )
            remaining = [a for a in source.aliases if a.casefold() not in folded]
            self._update_actor(conn, source.with_(aliases=tuple(remaining)))
            new = self._insert_actor(conn, created)
            moved: list[int] = []
            for span_id in move_span_ids:
                result = conn.execute(
                    update(_MENTION)
                    .where((_MENTION.c.span_id == span_id) & (_MENTION.c.actor_id == actor_id))
                    .values(actor_id=new.id)
                )
                if result.rowcount:
                    moved.append(span_id)
        return SplitRecord(source, new, tuple(moved))

    def unsplit(self, record: SplitRecord) -> None:
        source_id, new_id = record.source.id, record.created.id
        with self.engine.begin() as conn:
            if record.moved_mentions:
                conn.execute(
                    update(_MENTION)
                    .where(_MENTION.c.span_id.in_(record.moved_mentions))
                    .values(actor_id=source_id)
                )
            refs = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM actor_mention WHERE actor_id = :a)"
                    " + (SELECT count(*) FROM event_argument WHERE actor_id = :a)"
                    " + (SELECT count(*) FROM frame_actor_role WHERE actor_id = :a)"
                    " + (SELECT count(*) FROM frame_assessment WHERE tone_target_actor_id = :a)"
                ),
                {"a": new_id},
            ).scalar()
            if refs:
                raise StoreError(
                    f"{record.created.name!r} has been used since the split; it cannot be undone"
                )
            conn.execute(delete(_ACTOR).where(_ACTOR.c.id == new_id))
            self._update_actor(conn, record.source)

    def load_actors(self, actors: Sequence[Actor]) -> tuple[int, int]:
        """Add actors by uid in one transaction: new ones are created, known ones gain the
        aliases they lack. Returns (added, updated)."""
        added = updated = 0
        with self.engine.begin() as conn:
            added, updated = self._load_seed(conn, actors)
        return added, updated

    @classmethod
    def _load_seed(cls, conn: Connection, actors: Sequence[Actor]) -> tuple[int, int]:
        added = updated = 0
        for actor in actors:
            _actor_id, outcome = cls._merge_in(conn, actor)
            added += outcome == "added"
            updated += outcome == "updated"
        return added, updated

    @classmethod
    def _merge_in(cls, conn: Connection, actor: Actor) -> tuple[int, str]:
        """The stored actor for ``actor`` (same uid, else same name ignoring case), given the
        aliases it lacks, or ``actor`` created. Returns its id and "added", "updated" or ""."""
        found = conn.execute(select(_ACTOR.c.id).where(_ACTOR.c.uid == actor.uid)).scalar()
        if found is None:
            found = conn.execute(
                select(_ACTOR.c.id).where(
                    text("lower(actor.name) = lower(:n)").bindparams(n=clean_name(actor.name))
                )
            ).scalar()
        if found is None:
            return int(cls._insert_actor(conn, actor.with_(id=None)).id), "added"  # type: ignore[arg-type]
        current = cls._load_actors(conn, [found])[0]
        aliases = clean_aliases(current.name, [*current.aliases, actor.name, *actor.aliases])
        if aliases == current.aliases:
            return int(found), ""
        cls._update_actor(conn, current.with_(aliases=aliases))
        return int(found), "updated"

    # -- mentions --------------------------------------------------------------------------------

    def mentions(self, doc_id: int, annotator_id: int | None = None) -> dict[int, int]:
        """{span id: actor id} for the actor mentions of a document (of one annotator)."""
        query = (
            select(_MENTION.c.span_id, _MENTION.c.actor_id)
            .join(_SPAN, _SPAN.c.id == _MENTION.c.span_id)
            .where(_SPAN.c.document_id == doc_id)
        )
        if annotator_id is not None:
            query = query.where(_SPAN.c.annotator_id == annotator_id)
        with self.engine.connect() as conn:
            return {r.span_id: r.actor_id for r in conn.execute(query)}

    def mention_spans(self, actor_id: int) -> list[tuple[int, Span]]:
        """(document id, span) of every mention of an actor, with the span's annotator."""
        query = (
            select(_SPAN, _ANN.c.name.label("annotator_name"))
            .join(_MENTION, _MENTION.c.span_id == _SPAN.c.id)
            .join(_ANN, _ANN.c.id == _SPAN.c.annotator_id)
            .where(_MENTION.c.actor_id == actor_id)
            .order_by(_SPAN.c.document_id, _SPAN.c.start, _SPAN.c.id)
        )
        with self.engine.connect() as conn:
            return [
                (
                    r.document_id,
                    Span(r.start, r.end, r.label, Origin(r.origin), r.layer, r.id, r.annotator_name),
                )
                for r in conn.execute(query)
            ]

    @staticmethod
    def _set_link(conn: Connection, span_id: int, actor_id: int | None) -> int | None:
        old = conn.execute(select(_MENTION.c.actor_id).where(_MENTION.c.span_id == span_id)).scalar()
        if actor_id == old:
            return old
        if old is not None:
            conn.execute(delete(_MENTION).where(_MENTION.c.span_id == span_id))
        if actor_id is not None:
            if conn.execute(select(_SPAN.c.id).where(_SPAN.c.id == span_id)).first() is None:
                raise StoreError(f"no span with id {span_id}")
            if conn.execute(select(_ACTOR.c.id).where(_ACTOR.c.id == actor_id)).first() is None:
                raise StoreError(f"no actor with id {actor_id}")
            conn.execute(insert(_MENTION).values(span_id=span_id, actor_id=actor_id))
        return old

    def link(self, span_id: int, actor_id: int | None) -> int | None:
        """Make a span a mention of an actor (None: of no actor); return the previous actor."""
        with self.engine.begin() as conn:
            return self._set_link(conn, span_id, actor_id)

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
                found = set(conn.execute(select(_SPAN.c.id).where(_SPAN.c.id.in_(wanted))).scalars())
                if len(found) != len(wanted):
                    raise StoreError(f"no span with id {sorted(set(wanted) - found)}")
                conn.execute(delete(_SPAN).where(_SPAN.c.id.in_(wanted)))
            stored = self._insert_spans(conn, doc_id, annotator_id, [span for span, _ in add])
            for span, (_old, actor_id) in zip(stored, add, strict=True):
                if actor_id is not None:
                    self._set_link(conn, span.id, actor_id)  # type: ignore[arg-type]
        return stored

    @staticmethod
    def _mark_in_progress(conn: Connection, doc_id: int) -> bool:
        result = conn.execute(
            update(_DOC)
            .where((_DOC.c.id == doc_id) & (_DOC.c.status == Status.TODO.value))
            .values(status=Status.IN_PROGRESS.value, updated_at=utcnow())
        )
        return bool(result.rowcount)

    def _insert_spans(
        self, conn: Connection, doc_id: int, annotator_id: int, spans: Sequence[Span]
    ) -> list[Span]:
        """Spans inserted in the caller's transaction, checked against the text (the store's own
        routine, so that every span enters the database one way)."""
        return self.store._insert_spans(conn, doc_id, annotator_id, spans)

    def add_mentions(
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
            created = [self._insert_actor(conn, actor) for actor in new_actors]

            def actor_id(ref: int) -> int:
                return ref if ref > 0 else int(created[-ref - 1].id)  # type: ignore[arg-type]

            added = self._insert_spans(conn, doc_id, annotator_id, [span for span, _ in spans])
            for span, (_old, ref) in zip(added, spans, strict=True):
                self._set_link(conn, span.id, actor_id(ref))  # type: ignore[arg-type]
            linked = [(span_id, self._set_link(conn, span_id, actor_id(ref))) for span_id, ref in links]
            was_todo = self._mark_in_progress(conn, doc_id) if (added or linked) else False
        return MentionChange(
            added=tuple((span, actor_id(ref)) for span, (_old, ref) in zip(added, spans, strict=True)),
            linked=tuple(
                (span_id, previous, actor_id(ref))
                for (span_id, previous), (_s, ref) in zip(linked, links, strict=True)
            ),
            created=tuple(created),
            status_was_todo=was_todo,
        )

    def remove_mentions(self, doc_id: int, change: MentionChange) -> None:
        """Undo ``add_mentions``: its spans and actors go, earlier links come back."""
        with self.engine.begin() as conn:
            ids = [span.id for span, _ in change.added if span.id is not None]
            if ids:
                conn.execute(delete(_SPAN).where(_SPAN.c.id.in_(ids)))
            for span_id, previous, _actor in change.linked:
                self._set_link(conn, span_id, previous)
            for actor in change.created:
                conn.execute(delete(_ACTOR).where(_ACTOR.c.id == actor.id))
            if change.status_was_todo:
                conn.execute(update(_DOC).where(_DOC.c.id == doc_id).values(status=Status.TODO.value))

    def span_dependents(self, span_ids: Sequence[int]) -> SpanDependents:
        """Actor links and events that deleting these spans would take with them."""
        ids = list(span_ids)
        if not ids:
            return SpanDependents({}, ())
        with self.engine.connect() as conn:
            links = {
                r.span_id: r.actor_id
                for r in conn.execute(select(_MENTION).where(_MENTION.c.span_id.in_(ids)))
            }
            event_ids = set(
                conn.execute(select(_EVENT.c.id).where(_EVENT.c.trigger_span_id.in_(ids))).scalars()
            ) | set(conn.execute(select(_ARG.c.event_id).where(_ARG.c.span_id.in_(ids))).scalars())
            events: list[tuple[int, int, Event]] = []
            if event_ids:
                owners = {
                    r.id: (r.document_id, r.annotator_id)
                    for r in conn.execute(select(_EVENT).where(_EVENT.c.id.in_(sorted(event_ids))))
                }
                for event in self._load_events(conn, _EVENT.c.id.in_(sorted(event_ids))):
                    events.append((*owners[event.id], event))  # type: ignore[index]
        return SpanDependents(links, tuple(events))

    def restore_dependents(self, dependents: SpanDependents) -> None:
        """Put back what ``span_dependents`` listed, once the spans themselves are back."""
        if not dependents:
            return
        with self.engine.begin() as conn:
            self._restore_dependents(conn, dependents)

    def restore_spans(
        self,
        doc_id: int,
        spans_by_annotator: dict[int, list[Span]],
        dependents: SpanDependents | None,
    ) -> None:
        """Put deleted spans back under their ids, with their actor links and events, in one
        transaction: a kill in the middle never leaves a span without what hung on it."""
        with self.engine.begin() as conn:
            for annotator_id, spans in spans_by_annotator.items():
                self._insert_spans(conn, doc_id, annotator_id, spans)
            if dependents:
                self._restore_dependents(conn, dependents)

    def _restore_dependents(self, conn: Connection, dependents: SpanDependents) -> None:
        for span_id, actor_id in dependents.links.items():
            self._set_link(conn, span_id, actor_id)
        for doc_id, annotator_id, event in dependents.events:
            conn.execute(delete(_EVENT).where(_EVENT.c.id == event.id))
            self._insert_event(conn, doc_id, annotator_id, event)

    # -- events ----------------------------------------------------------------------------------

    @staticmethod
    def _load_events(conn: Connection, where: object) -> list[Event]:
        rows = conn.execute(
            select(
                _EVENT,
                _SPAN.c.start,
                _SPAN.c.end,
                _SPAN.c.label,
                _SPAN.c.origin,
                _SPAN.c.layer,
            )
            .join(_SPAN, _SPAN.c.id == _EVENT.c.trigger_span_id)
            .where(where)  # type: ignore[arg-type]
            .order_by(_SPAN.c.start, _SPAN.c.end, _EVENT.c.id)
        ).all()
        if not rows:
            return []
        args: dict[int, list[Any]] = {}
        for arg in conn.execute(
            select(_ARG)
            .where(_ARG.c.event_id.in_([r.id for r in rows]))
            .order_by(_ARG.c.event_id, _ARG.c.position, _ARG.c.id)
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

    def events(self, doc_id: int, annotator_id: int) -> list[Event]:
        with self.engine.connect() as conn:
            return self._load_events(
                conn, (_EVENT.c.document_id == doc_id) & (_EVENT.c.annotator_id == annotator_id)
            )

    def event(self, event_id: int) -> Event:
        with self.engine.connect() as conn:
            found = self._load_events(conn, _EVENT.c.id == event_id)
        if not found:
            raise StoreError(f"no event with id {event_id}")
        return found[0]

    def event_owner(self, event_id: int) -> tuple[int, int]:
        """(document id, annotator id) of an event."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(_EVENT.c.document_id, _EVENT.c.annotator_id).where(_EVENT.c.id == event_id)
            ).first()
        if row is None:
            raise StoreError(f"no event with id {event_id}")
        return row.document_id, row.annotator_id

    @staticmethod
    def _write_arguments(conn: Connection, event_id: int, event: Event) -> None:
        conn.execute(delete(_ARG).where(_ARG.c.event_id == event_id))
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
            conn.execute(insert(_ARG), rows)

    @staticmethod
    def _event_values(event: Event) -> dict[str, object]:
        return {
            "category": event.category,
            "mode": event.mode,
            "context": event.context,
            "cameo": event.cameo,
            "date": event.date,
            "factuality": event.factuality,
        }

    def _insert_event(self, conn: Connection, doc_id: int, annotator_id: int, event: Event) -> Event:
        trigger = event.trigger
        if (
            trigger.id is None
            or conn.execute(select(_SPAN.c.id).where(_SPAN.c.id == trigger.id)).first() is None
        ):
            trigger = self._insert_spans(conn, doc_id, annotator_id, [trigger])[0]
        now = utcnow()
        values = dict(
            self._event_values(event),
            document_id=doc_id,
            annotator_id=annotator_id,
            trigger_span_id=trigger.id,
            created_at=now,
            updated_at=now,
        )
        if event.id is not None:
            values["id"] = event.id
        new_id = int(conn.execute(insert(_EVENT).values(**values)).inserted_primary_key[0])  # type: ignore[index]
        self._write_arguments(conn, new_id, event)
        return event.with_(id=new_id, trigger=trigger)

    def add_event(self, doc_id: int, annotator_id: int, event: Event) -> tuple[Event, bool]:
        """Store an event and its trigger span (created unless it exists; ids kept when given,
        to undo a deletion) in one transaction. Returns it with ids, and whether the document
        went from 'to do' to 'in progress'."""
        with self.engine.begin() as conn:
            stored = self._insert_event(conn, doc_id, annotator_id, event)
            return stored, self._mark_in_progress(conn, doc_id)

    def update_event(self, event: Event) -> Event:
        """Store new values of an event (its trigger span is relabelled with the category);
        return the event as it was."""
        if event.id is None:
            raise StoreError("an event to update needs an id")
        with self.engine.begin() as conn:
            old = self._load_events(conn, _EVENT.c.id == event.id)
            if not old:
                raise StoreError(f"no event with id {event.id}")
            conn.execute(
                update(_EVENT)
                .where(_EVENT.c.id == event.id)
                .values(updated_at=utcnow(), **self._event_values(event))
            )
            conn.execute(update(_SPAN).where(_SPAN.c.id == old[0].trigger.id).values(label=event.category))
            self._write_arguments(conn, event.id, event)
        return old[0]

    def delete_event(self, event_id: int, status_back_to_todo: bool = False) -> Event:
        """Delete an event and its trigger span; return the event (with its trigger) as it was."""
        with self.engine.begin() as conn:
            found = self._load_events(conn, _EVENT.c.id == event_id)
            if not found:
                raise StoreError(f"no event with id {event_id}")
            doc_id = conn.execute(select(_EVENT.c.document_id).where(_EVENT.c.id == event_id)).scalar()
            conn.execute(delete(_EVENT).where(_EVENT.c.id == event_id))
            conn.execute(delete(_SPAN).where(_SPAN.c.id == found[0].trigger.id))
            if status_back_to_todo:
                conn.execute(update(_DOC).where(_DOC.c.id == doc_id).values(status=Status.TODO.value))
        return found[0]

    # -- framing ---------------------------------------------------------------------------------

    @staticmethod
    def _evidence(conn: Connection, doc_id: int, annotator_id: int) -> tuple[int, ...]:
        return tuple(
            conn.execute(
                select(_SPAN.c.id)
                .where(
                    (_SPAN.c.document_id == doc_id)
                    & (_SPAN.c.annotator_id == annotator_id)
                    & _SPAN.c.layer.in_(EVIDENCE_LAYERS)
                )
                .order_by(_SPAN.c.start, _SPAN.c.end, _SPAN.c.id)
            ).scalars()
        )

    def _load_frames(self, conn: Connection, doc_id: int, annotator_id: int) -> FrameAssessment | None:
        row = conn.execute(
            select(_FRAME).where((_FRAME.c.document_id == doc_id) & (_FRAME.c.annotator_id == annotator_id))
        ).first()
        evidence = self._evidence(conn, doc_id, annotator_id)
        if row is None:
            return FrameAssessment(evidence=evidence) if evidence else None
        frames = tuple(
            conn.execute(
                select(_PRESENT.c.dimension)
                .where(_PRESENT.c.assessment_id == row.id)
                .order_by(_PRESENT.c.position, _PRESENT.c.dimension)
            ).scalars()
        )
        roles = tuple(
            ActorRole(r.actor_id, r.role)
            for r in conn.execute(
                select(_ROLE).where(_ROLE.c.assessment_id == row.id).order_by(_ROLE.c.actor_id)
            )
        )
        return FrameAssessment(
            frames=frames,
            primary=row.primary_frame,
            headline=row.headline_frame,
            tone=row.tone,
            tone_target=row.tone_target_actor_id,
            roles=roles,
            evidence=evidence,
        )

    def frames(self, doc_id: int, annotator_id: int) -> FrameAssessment | None:
        """The annotator's frame assessment of a document (with evidence span ids), or None."""
        with self.engine.connect() as conn:
            return self._load_frames(conn, doc_id, annotator_id)

    def has_assessment(self, doc_id: int, annotator_id: int) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(_FRAME.c.id).where(
                        (_FRAME.c.document_id == doc_id) & (_FRAME.c.annotator_id == annotator_id)
                    )
                ).first()
                is not None
            )

    def framed_document_ids(self, annotator_id: int) -> list[int]:
        """Documents the annotator has a frame assessment of, in id order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(_FRAME.c.document_id)
                    .where(_FRAME.c.annotator_id == annotator_id)
                    .order_by(_FRAME.c.document_id)
                ).scalars()
            )

    def _write_frames(
        self, conn: Connection, doc_id: int, annotator_id: int, assessment: FrameAssessment | None
    ) -> None:
        conn.execute(
            delete(_FRAME).where((_FRAME.c.document_id == doc_id) & (_FRAME.c.annotator_id == annotator_id))
        )
        if assessment is None:
            return
        new_id = conn.execute(
            insert(_FRAME).values(
                document_id=doc_id,
                annotator_id=annotator_id,
                primary_frame=assessment.primary,
                headline_frame=assessment.headline,
                tone=assessment.tone,
                tone_target_actor_id=assessment.tone_target,
                updated_at=utcnow(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        if assessment.frames:
            conn.execute(
                insert(_PRESENT),
                [
                    {"assessment_id": new_id, "dimension": d, "position": i}
                    for i, d in enumerate(assessment.frames)
                ],
            )
        if assessment.roles:
            conn.execute(
                insert(_ROLE),
                [{"assessment_id": new_id, "actor_id": r.actor_id, "role": r.role} for r in assessment.roles],
            )

    def set_frames(
        self,
        doc_id: int,
        annotator_id: int,
        assessment: FrameAssessment | None,
        back_to_todo: bool = False,
    ) -> tuple[FrameAssessment | None, bool]:
        """Replace the annotator's frame assessment (None removes it) in one transaction.
        Returns the assessment as it was (None if there was none) and whether a 'to do'
        document became 'in progress'; ``back_to_todo`` (for undo) makes it 'to do' again."""
        with self.engine.begin() as conn:
            if conn.execute(select(_DOC.c.id).where(_DOC.c.id == doc_id)).first() is None:
                raise StoreError(f"no document with id {doc_id}")
            old = None
            if (
                conn.execute(
                    select(_FRAME.c.id).where(
                        (_FRAME.c.document_id == doc_id) & (_FRAME.c.annotator_id == annotator_id)
                    )
                ).first()
                is not None
            ):
                old = self._load_frames(conn, doc_id, annotator_id)
            self._write_frames(conn, doc_id, annotator_id, assessment)
            was_todo = False
            if back_to_todo:
                conn.execute(update(_DOC).where(_DOC.c.id == doc_id).values(status=Status.TODO.value))
            elif assessment is not None:
                was_todo = self._mark_in_progress(conn, doc_id)
        return old, was_todo

    # -- export and import -----------------------------------------------------------------------

    def record_analysis(self, doc_id: int, annotator_id: int) -> RecordAnalysis:
        """What an export record of (document, annotator) carries beside its spans."""
        with self.engine.connect() as conn:
            mentions = {
                r.span_id: r.actor_id
                for r in conn.execute(
                    select(_MENTION.c.span_id, _MENTION.c.actor_id)
                    .join(_SPAN, _SPAN.c.id == _MENTION.c.span_id)
                    .where((_SPAN.c.document_id == doc_id) & (_SPAN.c.annotator_id == annotator_id))
                )
            }
            events = self._load_events(
                conn, (_EVENT.c.document_id == doc_id) & (_EVENT.c.annotator_id == annotator_id)
            )
            frames = self._load_frames(conn, doc_id, annotator_id)
            actor_ids = set(mentions.values())
            for event in events:
                refs = [a.ref for a in event.arguments] + ([event.source] if event.source else [])
                actor_ids |= {r.actor_id for r in refs if r.actor_id is not None}
            if frames is not None:
                actor_ids |= {r.actor_id for r in frames.roles}
                if frames.tone_target is not None:
                    actor_ids.add(frames.tone_target)
            actors = sorted(self._load_actors(conn, actor_ids), key=lambda a: a.uid)
        return RecordAnalysis(actors, mentions, events, frames)

    def analysed_pairs(self) -> set[tuple[int, int]]:
        """(document id, annotator id) of every set with actor links, events or frames: the
        others need no ``record_analysis`` (it would find nothing), which saves a few queries
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
        """Records from ``Store.iter_records`` with their actors, mentions, events and frames."""
        # Models only suggest spans: their sets have no actors, events or frames to look up.
        annotators = {a.name: a.id for a in self.store.annotators() if a.kind is AnnotatorKind.HUMAN}
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
                    ") x JOIN document d ON d.id = x.document_id"
                )
            }
        for record in records:
            annotator_id = annotators.get(record.annotator or "")
            if (record.text_sha256, annotator_id) not in analysed:
                yield record
                continue
            doc_id = self.store.document_id_by_sha(record.text_sha256) if annotator_id else None
            if doc_id is not None and annotator_id is not None:
                found = self.record_analysis(doc_id, annotator_id)
                record.actors = found.actors
                record.mentions = found.mentions
                record.events = found.events
                record.frames = found.frames
            yield record

    def import_record_analysis(
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
            int(actor.id): self._merge_in(conn, actor)[0]  # type: ignore[arg-type]
            for actor in record.actors
        }

        def ref(r: Ref) -> Ref:
            if r.actor_id is not None:
                return Ref(actor_id=actor_ids[r.actor_id])
            return Ref(span_id=span_ids[r.span_id])  # type: ignore[index]

        for span_id, actor_id in record.mentions.items():
            self._set_link(conn, span_ids[span_id], actor_ids[actor_id])
        conn.execute(
            delete(_EVENT).where((_EVENT.c.document_id == doc_id) & (_EVENT.c.annotator_id == annotator_id))
        )
        for event in record.events:
            trigger_id = span_ids[event.trigger.id]  # type: ignore[index]
            stored = event.with_(
                id=None,
                trigger=event.trigger.with_(id=trigger_id),
                arguments=tuple(Argument(a.role, ref(a.ref)) for a in event.arguments),
                source=ref(event.source) if event.source is not None else None,
            )
            self._insert_event(conn, doc_id, annotator_id, stored)
        frames = record.frames
        if frames is not None:
            frames = frames.with_(
                tone_target=actor_ids[frames.tone_target] if frames.tone_target is not None else None,
                roles=tuple(ActorRole(actor_ids[r.actor_id], r.role) for r in frames.roles),
            )
        self._write_frames(conn, doc_id, annotator_id, frames)


def ensure_actor_seed(engine: Engine) -> None:
    """Load the built-in seed actors into a database that has never had them (once)."""
    with engine.begin() as conn:
        if conn.execute(select(_META.c.value).where(_META.c.key == SEED_KEY)).first() is not None:
            return
        from annotator.core.actors import read_actor_seed
        from annotator.core.schema import default_schema
        from annotator.resources import resource

        actors = read_actor_seed(resource("actors-seed.json"), default_schema())
        added, _updated = AnalysisRepo._load_seed(conn, actors)
        conn.execute(insert(_META).values(key=SEED_KEY, value=f"{len(actors)} actors, {added} added"))
