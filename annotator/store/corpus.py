"""Bulk reads for the corpus views: one analyst's mentions, events and framing over many documents.

The per-document reads of ``mentions.py``, ``events.py`` and ``framing.py`` serve the reading
pane; the corpus views need the same facts for hundreds of documents at once, so these are a few
set queries instead of a few queries per document. Read only; rows come back as plain tuples of
the facts the views count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, text

from annotator.store.dialect import one_of


@dataclass(frozen=True, slots=True)
class DocFacts:
    id: int
    title: str
    source: str
    date: str
    lang: str
    status: str
    length: int


@dataclass(frozen=True, slots=True)
class MentionFacts:
    doc_id: int
    span_id: int
    start: int
    end: int
    actor_id: int


@dataclass(frozen=True, slots=True)
class EventFacts:
    id: int
    doc_id: int
    start: int  # the trigger's offsets
    end: int
    category: str
    mode: str
    context: str
    cameo: str
    date: str
    factuality: str
    actors: tuple[int, ...]  # actor ids of the "actor" role
    recipients: tuple[int, ...]
    others: tuple[int, ...]  # actor ids of other roles (location, source...)


@dataclass(frozen=True, slots=True)
class FrameFacts:
    doc_id: int
    frames: tuple[str, ...]
    primary: str
    headline: str
    tone: str
    tone_target: int | None
    roles: tuple[tuple[int, str], ...]  # (actor id, role)


@dataclass(frozen=True, slots=True)
class ActorFacts:
    id: int
    name: str
    kind: str
    country: str
    sector: str


def _ids_clause(
    engine: Engine, doc_ids: Sequence[int] | None, column: str, params: dict[str, object]
) -> str:
    if doc_ids is None:
        return ""
    return " AND " + one_of(engine, column, "ids", doc_ids, params)


def documents(engine: Engine, doc_ids: Sequence[int] | None = None) -> list[DocFacts]:
    params: dict[str, object] = {}
    where = _ids_clause(engine, doc_ids, "id", params)
    sql = (
        "SELECT id, title, source, date, lang, status, length(text) FROM document WHERE 1=1"
        + where + " ORDER BY id"
    )
    with engine.connect() as conn:
        return [DocFacts(*row) for row in conn.execute(text(sql), params)]


def annotator_id(engine: Engine, name: str) -> int | None:
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM annotator WHERE name = :n"), {"n": name}).scalar()
    return int(found) if found is not None else None


def mentions(engine: Engine, annotator: int, doc_ids: Sequence[int] | None = None) -> list[MentionFacts]:
    params: dict[str, object] = {"ann": annotator}
    where = _ids_clause(engine, doc_ids, "s.document_id", params)
    sql = (
        'SELECT s.document_id, s.id, s.start, s."end", m.actor_id FROM actor_mention m'
        " JOIN span s ON s.id = m.span_id WHERE s.annotator_id = :ann" + where
        + " ORDER BY s.document_id, s.start, s.id"
    )
    with engine.connect() as conn:
        return [MentionFacts(*row) for row in conn.execute(text(sql), params)]


def events(engine: Engine, annotator: int, doc_ids: Sequence[int] | None = None) -> list[EventFacts]:
    params: dict[str, object] = {"ann": annotator}
    where = _ids_clause(engine, doc_ids, "e.document_id", params)
    sql = (
        'SELECT e.id, e.document_id, s.start, s."end", e.category, e.mode, e.context, e.cameo,'
        " e.date, e.factuality FROM event e JOIN span s ON s.id = e.trigger_span_id"
        " WHERE e.annotator_id = :ann" + where + " ORDER BY e.document_id, s.start, e.id"
    )
    arg_sql = (
        "SELECT a.event_id, a.role, coalesce(a.actor_id, m.actor_id) FROM event_argument a"
        " JOIN event e ON e.id = a.event_id"
        " LEFT JOIN actor_mention m ON m.span_id = a.span_id"
        " WHERE e.annotator_id = :ann" + where + " ORDER BY a.event_id, a.position, a.id"
    )
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
        args = conn.execute(text(arg_sql), params).all()
    by_event: dict[int, dict[str, list[int]]] = {}
    for event_id, role, actor in args:
        if actor is not None:
            by_event.setdefault(event_id, {}).setdefault(role, []).append(int(actor))
    out: list[EventFacts] = []
    for event_id, doc_id, start, end, category, mode, context, cameo, date, factuality in rows:
        roles = by_event.get(event_id, {})
        others = tuple(a for role, ids in roles.items() if role not in ("actor", "recipient") for a in ids)
        out.append(EventFacts(
            event_id, doc_id, start, end, category, mode, context, cameo, date, factuality,
            actors=tuple(roles.get("actor", ())), recipients=tuple(roles.get("recipient", ())),
            others=others,
        ))
    return out


def frames(engine: Engine, annotator: int, doc_ids: Sequence[int] | None = None) -> list[FrameFacts]:
    params: dict[str, object] = {"ann": annotator}
    where = _ids_clause(engine, doc_ids, "f.document_id", params)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT f.id, f.document_id, f.primary_frame, f.headline_frame, f.tone,"
            " f.tone_target_actor_id FROM frame_assessment f WHERE f.annotator_id = :ann" + where
            + " ORDER BY f.document_id"
        ), params).all()
        present = conn.execute(text(
            "SELECT p.assessment_id, p.dimension FROM frame_present p"
            " JOIN frame_assessment f ON f.id = p.assessment_id WHERE f.annotator_id = :ann" + where
            + " ORDER BY p.assessment_id, p.position"
        ), params).all()
        roles = conn.execute(text(
            "SELECT r.assessment_id, r.actor_id, r.role FROM frame_actor_role r"
            " JOIN frame_assessment f ON f.id = r.assessment_id WHERE f.annotator_id = :ann" + where
            + " ORDER BY r.assessment_id, r.actor_id"
        ), params).all()
    dims: dict[int, list[str]] = {}
    for assessment, dimension in present:
        dims.setdefault(assessment, []).append(dimension)
    role_map: dict[int, list[tuple[int, str]]] = {}
    for assessment, actor, role in roles:
        role_map.setdefault(assessment, []).append((int(actor), role))
    return [
        FrameFacts(doc, tuple(dims.get(aid, ())), primary, headline, tone,
                   int(target) if target is not None else None, tuple(role_map.get(aid, ())))
        for aid, doc, primary, headline, tone, target in rows
    ]


def actors(engine: Engine) -> list[ActorFacts]:
    with engine.connect() as conn:
        return [
            ActorFacts(*row)
            for row in conn.execute(text("SELECT id, name, kind, country, sector FROM actor ORDER BY name"))
        ]


def frame_evidence(
    engine: Engine, annotator: int, dimension: str, doc_ids: Sequence[int] | None = None
) -> list[tuple[int, int, int]]:
    """(document id, start, end) of the analyst's passages tagged with a frame dimension."""
    params: dict[str, object] = {"ann": annotator, "label": dimension}
    where = _ids_clause(engine, doc_ids, "document_id", params)
    sql = (
        'SELECT document_id, start, "end" FROM span WHERE annotator_id = :ann AND layer = \'frame\''
        " AND label = :label" + where + " ORDER BY document_id, start"
    )
    with engine.connect() as conn:
        return [(int(a), int(b), int(c)) for a, b, c in conn.execute(text(sql), params)]
