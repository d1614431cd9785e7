"""The actor registry: people, organisations and places, with their aliases, shared by all
documents and annotators; merges and splits (with their undo) and the built-in seed.

Every public method of ``ActorRepo`` is one short transaction. Undo paths (``add`` of a deleted
actor, ``unmerge``, ``unsplit``) put rows back under their own ids: ids use AUTOINCREMENT and are
never reused, so a restored actor cannot collide with a newer one. A new database gets the seed
actors of ``resources/actors-seed.json`` once (``ensure_actor_seed``, called by ``database.Store``
on opening), so that alias proposals work from the start. A merge moves what points at the
merged-away actor (mentions, event arguments, framing roles and tone targets) in the same transaction:
that is the registry's own operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, true, update

from annotator.core.actors import (
    Actor,
    ActorSummary,
    clean_aliases,
    clean_name,
    new_uid,
    read_actor_seed,
)
from annotator.core.errors import StoreError
from annotator.core.schema import default_schema
from annotator.resources import resource
from annotator.store.rows import ACTOR, ALIAS, ARG, FRAME, MENTION, META, ROLE

SEED_KEY = "actor_seed"


def _actor_stamp() -> str:
    """Actor timestamps to the microsecond: every change of an actor raises the registry's
    latest ``updated_at``, which tells the alias index to rebuild (see ActorRegistry.index)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


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


def load_actors(conn: Connection, ids: Iterable[int] | None = None) -> list[Actor]:
    """The actors with these ids (every actor when None), by name, inside the caller's transaction."""
    query = select(ACTOR).order_by(ACTOR.c.name, ACTOR.c.id)
    alias_query = select(ALIAS).order_by(ALIAS.c.actor_id, ALIAS.c.position, ALIAS.c.id)
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        query = query.where(ACTOR.c.id.in_(wanted))
        alias_query = alias_query.where(ALIAS.c.actor_id.in_(wanted))
    aliases: dict[int, list[str]] = {}
    for row in conn.execute(alias_query):
        aliases.setdefault(row.actor_id, []).append(row.alias)
    return [_actor(row, aliases.get(row.id, [])) for row in conn.execute(query)]


def _check_name_free(conn: Connection, name: str, except_id: int | None = None) -> None:
    query = select(ACTOR.c.id, ACTOR.c.name).where(
        text("lower(actor.name) = lower(:n)").bindparams(n=clean_name(name))
    )
    for row in conn.execute(query):
        if row.id != except_id:
            raise StoreError(f"an actor named {row.name!r} exists already (id {row.id})")


def _write_aliases(conn: Connection, actor_id: int, name: str, aliases: Sequence[str]) -> None:
    conn.execute(delete(ALIAS).where(ALIAS.c.actor_id == actor_id))
    rows = [
        {"actor_id": actor_id, "alias": alias, "position": i}
        for i, alias in enumerate(clean_aliases(name, list(aliases)))
    ]
    if rows:
        conn.execute(insert(ALIAS), rows)


def insert_actor(conn: Connection, actor: Actor) -> Actor:
    """Create an actor inside the caller's transaction (keeping its id and uid when given)."""
    if not clean_name(actor.name):
        raise StoreError("an actor needs a name")
    _check_name_free(conn, actor.name)
    uid = actor.uid or new_uid()
    if conn.execute(select(ACTOR.c.id).where(ACTOR.c.uid == uid)).first() is not None:
        raise StoreError(f"an actor with uid {uid!r} exists already")
    now = _actor_stamp()
    values = dict(_actor_values(actor), uid=uid, created_at=now, updated_at=now)
    if actor.id is not None:
        values["id"] = actor.id
    new_id = int(conn.execute(insert(ACTOR).values(**values)).inserted_primary_key[0])  # type: ignore[index]
    _write_aliases(conn, new_id, actor.name, actor.aliases)
    return actor.with_(
        id=new_id,
        uid=uid,
        name=clean_name(actor.name),
        aliases=clean_aliases(actor.name, list(actor.aliases)),
    )


def update_actor(conn: Connection, actor: Actor) -> Actor:
    """Store an actor's new attributes and aliases inside the caller's transaction; return it as it was."""
    if actor.id is None:
        raise StoreError("an actor to update needs an id")
    old = load_actors(conn, [actor.id])
    if not old:
        raise StoreError(f"no actor with id {actor.id}")
    if not clean_name(actor.name):
        raise StoreError("an actor needs a name")
    _check_name_free(conn, actor.name, except_id=actor.id)
    conn.execute(
        update(ACTOR)
        .where(ACTOR.c.id == actor.id)
        .values(updated_at=_actor_stamp(), **_actor_values(actor))
    )
    _write_aliases(conn, actor.id, actor.name, actor.aliases)
    return old[0]


def load_seed(conn: Connection, actors: Sequence[Actor]) -> tuple[int, int]:
    """``merge_in`` each actor; return how many were (added, updated)."""
    added = updated = 0
    for actor in actors:
        _actor_id, outcome = merge_in(conn, actor)
        added += outcome == "added"
        updated += outcome == "updated"
    return added, updated


def merge_in(conn: Connection, actor: Actor) -> tuple[int, str]:
    """The stored actor for ``actor`` (same uid, else same name ignoring case), given the
    aliases it lacks, or ``actor`` created. Returns its id and "added", "updated" or ""."""
    found = conn.execute(select(ACTOR.c.id).where(ACTOR.c.uid == actor.uid)).scalar()
    if found is None:
        found = conn.execute(
            select(ACTOR.c.id).where(
                text("lower(actor.name) = lower(:n)").bindparams(n=clean_name(actor.name))
            )
        ).scalar()
    if found is None:
        return int(insert_actor(conn, actor.with_(id=None)).id), "added"  # type: ignore[arg-type]
    current = load_actors(conn, [found])[0]
    aliases = clean_aliases(current.name, [*current.aliases, actor.name, *actor.aliases])
    if aliases == current.aliases:
        return int(found), ""
    update_actor(conn, current.with_(aliases=aliases))
    return int(found), "updated"


class ActorRepo:
    """The actor registry of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> list[Actor]:
        """Every actor of the registry, by name."""
        with self.engine.connect() as conn:
            return load_actors(conn)

    def get(self, actor_id: int) -> Actor:
        with self.engine.connect() as conn:
            found = load_actors(conn, [actor_id])
        if not found:
            raise StoreError(f"no actor with id {actor_id}")
        return found[0]

    def summaries(self) -> list[ActorSummary]:
        """Every actor with its number of mentions and of documents mentioning it."""
        sql = text(
            """
            SELECT m.actor_id AS actor_id, count(*) AS n, count(DISTINCT s.document_id) AS docs
            FROM actor_mention m JOIN span s ON s.id = m.span_id GROUP BY m.actor_id
            """
        )
        with self.engine.connect() as conn:
            actors = load_actors(conn)
            counts = {r.actor_id: (r.n, r.docs) for r in conn.execute(sql)}
        return [
            ActorSummary(a, *counts.get(a.id, (0, 0)))  # type: ignore[arg-type]
            for a in actors
        ]

    def registry_stamp(self) -> tuple[object, ...]:
        """Changes whenever an actor or an alias is added, changed or removed (by anyone)."""
        actors = select(func.count(), func.max(ACTOR.c.id), func.max(ACTOR.c.updated_at)).subquery()
        aliases = select(func.count(), func.max(ALIAS.c.id)).subquery()
        both = select(*actors.c, *aliases.c).select_from(actors.join(aliases, true()))
        with self.engine.connect() as conn:  # one query: asked on every click on a name
            return tuple(conn.execute(both).one())

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

    def add(self, actor: Actor) -> Actor:
        """Create an actor (keeping its id when given, to undo a deletion); return it with ids."""
        with self.engine.begin() as conn:
            return insert_actor(conn, actor)

    def update(self, actor: Actor) -> Actor:
        """Store new attributes, name and aliases of an actor; return the actor as it was."""
        with self.engine.begin() as conn:
            return update_actor(conn, actor)

    def delete(self, actor_id: int) -> Actor:
        """Delete an actor nothing refers to; return it (to restore with ``add``)."""
        refs = self.references(actor_id)
        if any(refs.values()):
            used = ", ".join(f"{n} {k}" for k, n in refs.items() if n)
            raise StoreError(f"actor {actor_id} is still referred to ({used}); merge it instead")
        with self.engine.begin() as conn:
            found = load_actors(conn, [actor_id])
            if not found:
                raise StoreError(f"no actor with id {actor_id}")
            conn.execute(delete(ACTOR).where(ACTOR.c.id == actor_id))
        return found[0]

    def merge(self, keep_id: int, gone_id: int) -> MergeRecord:
        """Merge actor ``gone_id`` into ``keep_id``: its mentions, event arguments and framing
        entries follow, its name and aliases become aliases, empty attributes are filled in."""
        if keep_id == gone_id:
            raise StoreError("an actor cannot be merged with itself")
        with self.engine.begin() as conn:
            found = {a.id: a for a in load_actors(conn, [keep_id, gone_id])}
            for actor_id in (keep_id, gone_id):
                if actor_id not in found:
                    raise StoreError(f"no actor with id {actor_id}")
            kept, gone = found[keep_id], found[gone_id]
            mention_ids = tuple(
                conn.execute(select(MENTION.c.span_id).where(MENTION.c.actor_id == gone_id)).scalars()
            )
            conn.execute(update(MENTION).where(MENTION.c.actor_id == gone_id).values(actor_id=keep_id))
            argument_ids = tuple(conn.execute(select(ARG.c.id).where(ARG.c.actor_id == gone_id)).scalars())
            conn.execute(update(ARG).where(ARG.c.actor_id == gone_id).values(actor_id=keep_id))
            kept_roles = set(
                conn.execute(select(ROLE.c.assessment_id).where(ROLE.c.actor_id == keep_id)).scalars()
            )
            moved: list[int] = []
            dropped: list[tuple[int, str]] = []
            for row in conn.execute(select(ROLE).where(ROLE.c.actor_id == gone_id)).all():
                if row.assessment_id in kept_roles:
                    dropped.append((row.assessment_id, row.role))
                    conn.execute(
                        delete(ROLE).where(
                            (ROLE.c.assessment_id == row.assessment_id) & (ROLE.c.actor_id == gone_id)
                        )
                    )
                else:
                    moved.append(row.assessment_id)
                    conn.execute(
                        update(ROLE)
                        .where((ROLE.c.assessment_id == row.assessment_id) & (ROLE.c.actor_id == gone_id))
                        .values(actor_id=keep_id)
                    )
            tone_ids = tuple(
                conn.execute(select(FRAME.c.id).where(FRAME.c.tone_target_actor_id == gone_id)).scalars()
            )
            conn.execute(
                update(FRAME)
                .where(FRAME.c.tone_target_actor_id == gone_id)
                .values(tone_target_actor_id=keep_id)
            )
            conn.execute(delete(ACTOR).where(ACTOR.c.id == gone_id))
            merged = kept.with_(
                aliases=clean_aliases(kept.name, [*kept.aliases, gone.name, *gone.aliases]),
                country=kept.country or gone.country,
                sector=kept.sector or gone.sector,
                wikidata=kept.wikidata or gone.wikidata,
                notes=kept.notes or gone.notes,
            )
            update_actor(conn, merged)
        return MergeRecord(kept, gone, mention_ids, argument_ids, tuple(moved), tuple(dropped), tone_ids)

    def unmerge(self, record: MergeRecord) -> None:
        """Undo a merge: the merged-away actor comes back with everything that pointed at it."""
        keep_id, gone_id = record.kept.id, record.gone.id
        assert keep_id is not None and gone_id is not None
        with self.engine.begin() as conn:
            update_actor(conn, record.kept)
            insert_actor(conn, record.gone)
            if record.mention_span_ids:
                conn.execute(
                    update(MENTION)
                    .where(MENTION.c.span_id.in_(record.mention_span_ids))
                    .values(actor_id=gone_id)
                )
            if record.argument_ids:
                conn.execute(update(ARG).where(ARG.c.id.in_(record.argument_ids)).values(actor_id=gone_id))
            for assessment_id in record.moved_roles:
                conn.execute(
                    update(ROLE)
                    .where((ROLE.c.assessment_id == assessment_id) & (ROLE.c.actor_id == keep_id))
                    .values(actor_id=gone_id)
                )
            for assessment_id, role in record.dropped_roles:
                conn.execute(insert(ROLE).values(assessment_id=assessment_id, actor_id=gone_id, role=role))
            if record.tone_assessments:
                conn.execute(
                    update(FRAME)
                    .where(FRAME.c.id.in_(record.tone_assessments))
                    .values(tone_target_actor_id=gone_id)
                )

    def split(
        self, actor_id: int, aliases: Sequence[str], created: Actor, move_span_ids: Sequence[int]
    ) -> SplitRecord:
        """Take ``aliases`` away from an actor into a new actor ``created``; the mentions listed
        (spans linked to the actor) move to the new one."""
        with self.engine.begin() as conn:
            found = load_actors(conn, [actor_id])
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
            update_actor(conn, source.with_(aliases=tuple(remaining)))
            new = insert_actor(conn, created)
            moved: list[int] = []
            for span_id in move_span_ids:
                result = conn.execute(
                    update(MENTION)
                    .where((MENTION.c.span_id == span_id) & (MENTION.c.actor_id == actor_id))
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
                    update(MENTION)
                    .where(MENTION.c.span_id.in_(record.moved_mentions))
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
            conn.execute(delete(ACTOR).where(ACTOR.c.id == new_id))
            update_actor(conn, record.source)

    def load(self, actors: Sequence[Actor]) -> tuple[int, int]:
        """Add actors by uid in one transaction: new ones are created, known ones gain the
        aliases they lack. Returns (added, updated)."""
        added = updated = 0
        with self.engine.begin() as conn:
            added, updated = load_seed(conn, actors)
        return added, updated


def ensure_actor_seed(engine: Engine) -> None:
    """Load the built-in seed actors into a database that has never had them (once)."""
    with engine.begin() as conn:
        if conn.execute(select(META.c.value).where(META.c.key == SEED_KEY)).first() is not None:
            return
        actors = read_actor_seed(resource("actors-seed.json"), default_schema())
        added, _updated = load_seed(conn, actors)
        conn.execute(insert(META).values(key=SEED_KEY, value=f"{len(actors)} actors, {added} added"))
