"""The analysis layers of an adjudication: events and framing every annotator agrees on go into the
gold set with the agreed spans; those that differ become differences walked like span differences
(``DifferenceKind.EVENT`` and ``FRAMING``), settled by taking one annotator's event or choice.

``services.review.Adjudication`` walks the span differences (entities, evidence passages, actor
links); this module adds the layers that are not spans. An event is agreed when every annotator
coded the same event on the same trigger (category, mode, context, CAMEO code, factuality, date,
arguments and source: ``core.differences.event_groups``); it is copied into the gold set as an
event on its own trigger span, its span arguments pointing at the gold set's spans. Framing is
agreed field by field (``core.differences.agreed_framing``): the fields everyone chose alike are
written into the gold set's assessment, merged with what the gold set already holds, so running
it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.differences import Difference, DifferenceKind, agreed_framing, event_groups
from annotator.core.events import EVENT_LAYER, Argument, Event, Ref
from annotator.core.framing import EVIDENCE_LAYERS, FrameAssessment
from annotator.core.model import Origin, Span
from annotator.store import Store

LAYERS = ("entities", "actor_links", "evidence", "events", "framing")

EventGroup = tuple[tuple[tuple[str, Event | None], ...], tuple[str, ...]]


@dataclass(slots=True)
class DocumentAnalysis:
    """One document's events and framing as the compared annotators coded them."""

    groups: list[EventGroup]
    spans: dict[str, dict[int, Span]]  # annotator -> span id -> span (argument references)
    framing: FrameAssessment | None  # the fields every annotator chose alike
    framing_differs: list[str]


def load_analysis(
    store: Store, annotator_ids: Mapping[str, int], document_ids: Sequence[int]
) -> dict[int, DocumentAnalysis]:
    """Each document's event groups and agreed framing (documents without either are left out)."""
    names = list(annotator_ids)
    actor_names = {a.id: a.name for a in store.actors.all() if a.id is not None}
    out: dict[int, DocumentAnalysis] = {}
    for doc_id in document_ids:
        events = {n: store.events.in_document(doc_id, a) for n, a in annotator_ids.items()}
        frames = {n: store.framing.get(doc_id, a) for n, a in annotator_ids.items()}
        if not any(events.values()) and all(f is None for f in frames.values()):
            continue
        spans = {n: store.spans.in_document(doc_id, annotator_id=a) for n, a in annotator_ids.items()}
        groups = event_groups(events, names, {n: actor_names for n in names}, spans)
        agreed, differs = agreed_framing(frames, names)
        by_id = {n: {s.id: s for s in held if s.id is not None} for n, held in spans.items()}
        out[doc_id] = DocumentAnalysis(groups, by_id, agreed, differs)
    return out


def _merged(old: FrameAssessment | None, agreed: FrameAssessment) -> FrameAssessment:
    """The gold set's assessment with the agreed fields set (the others as they were)."""
    if old is None:
        return agreed
    roles = {r.actor_id: r for r in old.roles}
    roles.update({r.actor_id: r for r in agreed.roles})
    return old.with_(
        frames=tuple(dict.fromkeys((*old.frames, *agreed.frames))),
        primary=agreed.primary or old.primary,
        headline=agreed.headline or old.headline,
        tone=agreed.tone or old.tone,
        tone_target=agreed.tone_target if agreed.tone else old.tone_target,
        roles=tuple(roles[k] for k in sorted(roles)),
    )


def _same_framing(x: FrameAssessment | None, y: FrameAssessment | None) -> bool:
    if x is None or y is None:
        return x is y
    return x.with_(evidence=()) == y.with_(evidence=())


@dataclass(slots=True)
class CopyAgreedAnalysis:
    """Copy every agreed event and every agreed framing field into the gold set (those not there
    already); undo removes what it added and puts the gold framing back."""

    store: Store
    gold_id: int
    documents: dict[int, DocumentAnalysis]
    events: dict[int, list[int]] = field(default_factory=dict)  # doc -> gold event ids added
    spans: dict[int, list[int]] = field(default_factory=dict)  # doc -> argument spans added
    frames: dict[int, FrameAssessment | None] = field(default_factory=dict)  # doc -> before

    @property
    def events_added(self) -> int:
        return sum(len(v) for v in self.events.values())

    @property
    def framings_changed(self) -> int:
        return len(self.frames)

    def do(self) -> tuple[int, ...]:
        """Returns the ids of the documents changed."""
        self.events, self.spans, self.frames = {}, {}, {}
        for doc_id, doc in self.documents.items():
            self._copy_events(doc_id, doc)
            if doc.framing is not None:
                old = self.store.framing.get(doc_id, self.gold_id)
                new = _merged(old, doc.framing)
                if not _same_framing(old, new):
                    self.store.framing.save(doc_id, self.gold_id, new)
                    self.frames[doc_id] = old
        return tuple(sorted(set(self.events) | set(self.spans) | set(self.frames)))

    def _copy_events(self, doc_id: int, doc: DocumentAnalysis) -> None:
        agreed = [versions for versions, differs in doc.groups if not differs]
        if not agreed:
            return
        have = {
            (e.trigger.start, e.trigger.end, e.category)
            for e in self.store.events.in_document(doc_id, self.gold_id)
        }
        for versions in agreed:
            name, event = versions[0]
            assert event is not None  # agreed: every annotator has the event
            if (event.trigger.start, event.trigger.end, event.category) in have:
                continue

            added: list[int] = []
            stored = copy_event(self.store, doc_id, self.gold_id, event, doc.spans[name], added)
            if added:
                self.spans.setdefault(doc_id, []).extend(added)
            assert stored.id is not None
            self.events.setdefault(doc_id, []).append(stored.id)

    def undo(self) -> tuple[int, ...]:
        changed = tuple(sorted(set(self.events) | set(self.spans) | set(self.frames)))
        for ids in self.events.values():
            for event_id in reversed(ids):
                self.store.events.delete(event_id)
        for doc_id, ids in self.spans.items():
            self.store.spans.replace(doc_id, self.gold_id, ids, [])
        for doc_id, old in self.frames.items():
            self.store.framing.save(doc_id, self.gold_id, old)
        return changed


def framing_settled(field_name: str, gold: FrameAssessment | None) -> bool:
    """Whether the gold set holds a value for a framing field that differs (a dimension or role
    decided as absent cannot be told from an unsettled one, as spans settled as none)."""
    if gold is None:
        return False
    kind, _, what = field_name.partition(":")
    if kind == "framed":
        return True
    if kind == "dimension":
        return what in gold.frames or gold.primary == what
    if kind == "role":
        return bool(gold.role_of(int(what)))
    if kind == "tone_target":
        return gold.tone_target is not None
    return bool(getattr(gold, kind))


def layer_of(span: Span) -> str:
    """The adjudication layer of a span difference: evidence passages or entities."""
    return "evidence" if span.layer in EVIDENCE_LAYERS else "entities"


# -- the differences of the analysis, walked in review mode like span differences -----------------


def headline_end(text: str) -> int:
    """Where the document's first line ends: framing differences are marked over it."""
    end = text.find("\n")
    end = len(text) if end < 0 else end
    return max(1, min(end, 200))


def event_differences_of(doc_id: int, doc: DocumentAnalysis) -> list[Difference]:
    """The event groups of a document that differ, as differences of kind EVENT."""
    out = []
    for versions, differs in doc.groups:
        if not differs:
            continue
        triggers = tuple(
            (name, None if e is None else Span(
                e.trigger.start, e.trigger.end, e.category, Origin.MANUAL, EVENT_LAYER,
                e.trigger.id,
            ))
            for name, e in versions
        )
        out.append(Difference(doc_id, triggers, DifferenceKind.EVENT, events=versions,
                              differs=differs))
    return out


def framing_value(frames: FrameAssessment | None, field_name: str,
                  actor_names: Mapping[int, str]) -> str | None:
    """One annotator's choice for a framing field (None: none, or not framed)."""
    if frames is None:
        return None
    kind, _, what = field_name.partition(":")
    if kind == "framed":
        return "framed"
    if kind == "dimension":
        return "present" if what in frames.frames or frames.primary == what else "absent"
    if kind == "role":
        return frames.role_of(int(what)) or None
    if kind == "tone_target":
        target = frames.tone_target
        return None if target is None else actor_names.get(target, f"actor {target}")
    return getattr(frames, kind) or None


def framing_differences_of(
    store: Store, doc_id: int, doc: DocumentAnalysis, annotator_ids: Mapping[str, int]
) -> list[Difference]:
    """The framing fields of a document that differ, as differences of kind FRAMING, marked over
    the headline."""
    if not doc.framing_differs:
        return []
    end = headline_end(store.documents.get(doc_id).text)
    names = {a.id: a.name for a in store.actors.all() if a.id is not None}
    frames = {n: store.framing.get(doc_id, a) for n, a in annotator_ids.items()}
    out = []
    for field_name in doc.framing_differs:
        values = tuple((n, framing_value(frames[n], field_name, names)) for n in annotator_ids)
        marks = tuple(
            (n, None if v is None else Span(0, end, v, Origin.MANUAL, "framing"))
            for n, v in values
        )
        out.append(Difference(doc_id, marks, DifferenceKind.FRAMING, field=field_name,
                              values=values))
    return out


def with_choice(
    gold: FrameAssessment | None, field_name: str, source: FrameAssessment | None
) -> FrameAssessment | None:
    """The gold assessment with ``field_name`` set as ``source`` has it (None: as "none")."""
    kind, _, what = field_name.partition(":")
    if kind == "framed":
        return source.with_(evidence=()) if source is not None else None
    base = gold or FrameAssessment()
    if kind == "dimension":
        present = source is not None and (what in source.frames or source.primary == what)
        frames = tuple(d for d in base.frames if d != what) + ((what,) if present else ())
        primary = base.primary if present or base.primary != what else ""
        return base.with_(frames=frames, primary=primary)
    if kind == "role":
        actor = int(what)
        roles = tuple(r for r in base.roles if r.actor_id != actor)
        role = source.role_of(actor) if source is not None else ""
        if role:
            roles = tuple(sorted((*roles, *(r for r in source.roles if r.actor_id == actor)),  # type: ignore[union-attr]
                                 key=lambda r: r.actor_id))
        return base.with_(roles=roles)
    if kind == "tone_target":
        return base.with_(tone_target=source.tone_target if source is not None else None)
    value = getattr(source, kind) if source is not None else ""
    if kind == "primary" and value and value not in base.frames:
        return base.with_(primary=value, frames=(*base.frames, value))
    return base.with_(**{kind: value})


def copy_event(store: Store, doc_id: int, gold_id: int, event: Event,
               spans: Mapping[int, Span], added_spans: list[int]) -> Event:
    """Store a copy of ``event`` in the gold set: a new trigger span, span arguments pointing at
    gold's spans at the same offsets (copied there when missing; their ids in ``added_spans``)."""

    def gold_span(span: Span) -> int:
        for gold in store.spans.in_document(doc_id, annotator_id=gold_id):
            if (gold.start, gold.end, gold.layer) == (span.start, span.end, span.layer):
                assert gold.id is not None
                return gold.id
        added = store.spans.add(
            doc_id, gold_id, [Span(span.start, span.end, span.label, Origin.MANUAL, span.layer)]
        )[0]
        assert added.id is not None
        added_spans.append(added.id)
        return added.id

    def ref(r: Ref | None) -> Ref | None:
        if r is None or r.span_id is None:
            return r
        return Ref(span_id=gold_span(spans[r.span_id]))

    trigger = Span(event.trigger.start, event.trigger.end, event.category, Origin.MANUAL, EVENT_LAYER)
    copy = event.with_(
        id=None,
        trigger=trigger,
        arguments=tuple(Argument(a.role, ref(a.ref)) for a in event.arguments),  # type: ignore[arg-type]
        source=ref(event.source),
    )
    stored, _ = store.events.add(doc_id, gold_id, copy)
    return stored
