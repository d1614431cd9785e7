"""Where annotators disagree in a document: spans grouped across annotators, each group's kind;
and the differences of the analysis (events, framing) listed for the reviewer.

Adjudication walks span differences one by one. Spans of different annotators are grouped the way
the agreement figures match them (``core.matching.overlap_matches``): greedily by largest overlap,
at most one span per annotator in a group. A group in which every annotator has the same span,
linked to the same actor, is agreed; any other group is a difference: missing for some annotator
(``only_a``/``only_b`` with two annotators, ``missing`` with more), a different label, different
boundaries, or (the span being the same everywhere) a different linked actor.

Events are grouped the same way by their triggers; frame assessments are compared per document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from annotator.core.events import Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment, frame_present, frames_coded
from annotator.core.matching import overlap
from annotator.core.spans import Span


class DifferenceKind(StrEnum):
    ONLY_A = "only_a"  # two annotators: the span is the first one's only
    ONLY_B = "only_b"  # two annotators: the span is the second one's only
    MISSING = "missing"  # three or more annotators: some of them lack the span
    LABEL = "label"  # everyone has a span here, the labels differ (boundaries may too)
    BOUNDARIES = "boundaries"  # everyone has a span with this label, the offsets differ
    ACTOR = "actor"  # everyone has the same span, the actors it is linked to differ (or some lack one)
    EVENT = "event"  # the events coded on one trigger differ (``events`` holds them)
    FRAMING = "framing"  # one framing choice of the document differs (``field``, ``values``)


Group = dict[str, Span]


def group_spans(spans: Mapping[str, Sequence[Span]], annotators: Sequence[str]) -> list[Group]:
    """Every span of every annotator in exactly one group; groups in text order.

    Pairs of overlapping spans of two annotators are taken by larger overlap, then same label,
    then identical boundaries, then smaller boundary distance, then position; two groups merge
    when the pair links them and they share no annotator.
    """
    items: list[tuple[str, Span]] = [
        (name, span) for name in annotators for span in spans.get(name, ())
    ]
    parent = list(range(len(items)))
    members: list[set[str]] = [{name} for name, _ in items]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    candidates: list[tuple[tuple[int, ...], int, int]] = []
    order = sorted(range(len(items)), key=lambda k: (items[k][1].start, items[k][1].end))
    rank = {name: r for r, name in enumerate(annotators)}
    for pos, i in enumerate(order):
        name_i, x = items[i]
        for j in order[pos + 1 :]:
            name_j, y = items[j]
            if y.start >= x.end:
                break
            if name_i == name_j:
                continue
            shared = overlap(x, y)
            if shared <= 0:
                continue
            first, second = (i, j) if rank[name_i] <= rank[name_j] else (j, i)
            a, b = items[first][1], items[second][1]
            key = (
                -shared,
                0 if a.label == b.label else 1,
                0 if (a.start, a.end) == (b.start, b.end) else 1,
                abs(a.start - b.start) + abs(a.end - b.end),
                a.start,
                a.end,
                b.start,
                b.end,
            )
            candidates.append((key, first, second))
    candidates.sort()
    for _key, i, j in candidates:
        root_i, root_j = find(i), find(j)
        if root_i == root_j or members[root_i] & members[root_j]:
            continue
        parent[root_j] = root_i
        members[root_i] |= members[root_j]
    groups: dict[int, Group] = {}
    for k, (name, span) in enumerate(items):
        groups.setdefault(find(k), {})[name] = span
    result = list(groups.values())
    result.sort(key=lambda g: _group_order(g, annotators))
    return result


def _group_order(group: Group, annotators: Sequence[str]) -> tuple[int, int, int]:
    start = min(s.start for s in group.values())
    end = max(s.end for s in group.values())
    first = min(annotators.index(name) for name in group)
    return start, end, first


Links = Mapping[str, Mapping[int, str]]  # annotator -> span id -> the linked actor's name


def linked_actor(links: Links | None, name: str, span: Span) -> str | None:
    """The actor ``name``'s span is linked to (None: no link, or links not compared)."""
    if links is None or span.id is None:
        return None
    return links.get(name, {}).get(span.id)


def is_agreed(group: Group, annotators: Sequence[str], links: Links | None = None) -> bool:
    if any(name not in group for name in annotators):
        return False
    keys = {(s.start, s.end, s.label, linked_actor(links, n, s)) for n, s in group.items()}
    return len(keys) == 1


def kind_of(group: Group, annotators: Sequence[str]) -> DifferenceKind:
    """The kind of a group that is not agreed: presence first, then label, boundaries, actor."""
    missing = [name for name in annotators if name not in group]
    if missing:
        if len(annotators) == 2:
            return DifferenceKind.ONLY_A if missing == [annotators[1]] else DifferenceKind.ONLY_B
        return DifferenceKind.MISSING
    if len({s.label for s in group.values()}) > 1:
        return DifferenceKind.LABEL
    if len({(s.start, s.end) for s in group.values()}) > 1:
        return DifferenceKind.BOUNDARIES
    return DifferenceKind.ACTOR


@dataclass(frozen=True, slots=True)
class Difference:
    """One disagreement: each annotator's version (None where they have no span)."""

    document_id: int
    versions: tuple[tuple[str, Span | None], ...]
    kind: DifferenceKind
    # Each annotator's linked actor (None: no span, or no link); empty when links are not compared.
    actors: tuple[tuple[str, str | None], ...] = ()
    # EVENT: each annotator's event on the trigger (None: no event there); ``versions`` holds
    # their triggers, labelled with the category, and ``differs`` what differs.
    events: tuple[tuple[str, Any], ...] = ()
    differs: tuple[str, ...] = ()
    # FRAMING: the field ("framed", "primary", "headline", "tone", "tone_target",
    # "dimension:ID", "role:ACTOR_ID") and each annotator's choice (None: none); ``versions``
    # hold it as a mark over the headline (the document's first line), for the panes.
    field: str = ""
    values: tuple[tuple[str, str | None], ...] = ()

    @property
    def start(self) -> int:
        return min((s.start for _, s in self.versions if s is not None), default=0)

    @property
    def end(self) -> int:
        return max((s.end for _, s in self.versions if s is not None), default=0)

    def event(self, annotator: str) -> Any:
        """``annotator``'s event of an EVENT difference (None: none there)."""
        return dict(self.events).get(annotator)

    def value(self, annotator: str) -> str | None:
        """``annotator``'s choice in a FRAMING difference (None: none)."""
        return dict(self.values).get(annotator)

    def version(self, annotator: str) -> Span | None:
        for name, span in self.versions:
            if name == annotator:
                return span
        raise KeyError(annotator)

    @property
    def missing(self) -> list[str]:
        return [name for name, span in self.versions if span is None]

    @property
    def label_differs(self) -> bool:
        return len({s.label for _, s in self.versions if s is not None}) > 1

    @property
    def boundaries_differ(self) -> bool:
        return len({(s.start, s.end) for _, s in self.versions if s is not None}) > 1

    def actor(self, annotator: str) -> str | None:
        """The actor ``annotator``'s version is linked to (None: none, or not compared)."""
        return dict(self.actors).get(annotator)

    @property
    def actor_differs(self) -> bool:
        return len({actor for name, actor in self.actors if self.version(name)}) > 1


def document_differences(
    document_id: int,
    spans: Mapping[str, Sequence[Span]],
    annotators: Sequence[str],
    links: Links | None = None,
) -> tuple[list[Span], list[Difference]]:
    """The agreed spans and the differences of one document, in text order.

    With ``links`` (annotator -> span id -> linked actor's name), a span everyone has is agreed
    only when everyone linked it to the same actor (or nobody linked it); otherwise it is an
    ``actor`` difference.
    """
    agreed: list[Span] = []
    differences: list[Difference] = []
    for group in group_spans(spans, annotators):
        if is_agreed(group, annotators, links):
            agreed.append(group[annotators[0]])
            continue
        versions = tuple((name, group.get(name)) for name in annotators)
        actors: tuple[tuple[str, str | None], ...] = ()
        if links is not None:
            actors = tuple(
                (name, None if span is None else linked_actor(links, name, span))
                for name, span in versions
            )
        differences.append(Difference(document_id, versions, kind_of(group, annotators), actors))
    return agreed, differences


# -- events and framing -------------------------------------------------------------------------

EVENT_FIELDS = ("category", "mode", "context", "cameo", "factuality", "date")


def ref_key(ref: Ref | None, actor_names: Mapping[int, str], spans: Mapping[int, Span]) -> Any:
    """What a reference points at, comparable across annotators: an actor's name, or offsets."""
    if ref is None:
        return None
    if ref.actor_id is not None:
        return ("actor", actor_names.get(ref.actor_id, f"#{ref.actor_id}"))
    span = spans.get(ref.span_id)  # type: ignore[arg-type]
    return ("span", span.start, span.end) if span is not None else ("span", None)


@dataclass(frozen=True, slots=True)
class EventDifference:
    """Events of one document that annotators coded differently (or not all coded).

    ``differs`` names what differs, in this order: ``missing`` (some annotators have no event
    here), ``trigger`` (boundaries), the fields of EVENT_FIELDS, ``arguments``, ``source``.
    """

    document: str | int
    title: str
    versions: tuple[tuple[str, Event | None], ...]
    differs: tuple[str, ...]

    @property
    def start(self) -> int:
        return min(e.trigger.start for _, e in self.versions if e is not None)

    @property
    def end(self) -> int:
        return max(e.trigger.end for _, e in self.versions if e is not None)

    def to_json(self) -> dict[str, Any]:
        def event_json(e: Event | None) -> dict[str, Any] | None:
            if e is None:
                return None
            data: dict[str, Any] = {"start": e.trigger.start, "end": e.trigger.end}
            data.update({name: getattr(e, name) for name in EVENT_FIELDS})
            return data

        return {
            "document": self.document,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "differs": list(self.differs),
            "versions": {name: event_json(e) for name, e in self.versions},
        }


def event_groups(
    events: Mapping[str, Sequence[Event]],
    annotators: Sequence[str],
    actor_names: Mapping[str, Mapping[int, str]] | None = None,
    spans: Mapping[str, Sequence[Span]] | None = None,
) -> list[tuple[tuple[tuple[str, Event | None], ...], tuple[str, ...]]]:
    """Events grouped across ``annotators`` by their triggers (as spans are grouped, the trigger
    labelled with the event's category): each group's versions and what differs in it (nothing:
    every annotator coded the same event there). Arguments and source are compared when
    ``actor_names`` (annotator -> actor id -> the canonical actor's name) and ``spans`` (to
    resolve span references to offsets) are given."""
    triggers = {
        name: [
            Span(e.trigger.start, e.trigger.end, e.category, id=i)
            for i, e in enumerate(events.get(name, ()))
        ]
        for name in annotators
    }
    by_id = {
        name: {s.id: s for s in annotator_spans if s.id is not None}
        for name, annotator_spans in (spans or {}).items()
    }
    out: list[tuple[tuple[tuple[str, Event | None], ...], tuple[str, ...]]] = []
    for group in group_spans(triggers, annotators):
        versions = tuple(
            (name, events[name][group[name].id] if name in group else None)  # type: ignore[index]
            for name in annotators
        )
        present = [(name, e) for name, e in versions if e is not None]
        differs: list[str] = []
        if len(present) < len(annotators):
            differs.append("missing")
        if len({(e.trigger.start, e.trigger.end) for _, e in present}) > 1:
            differs.append("trigger")
        differs += [f for f in EVENT_FIELDS if len({getattr(e, f) for _, e in present}) > 1]
        if actor_names is not None and spans is not None:

            def key(name: str, ref: Ref | None) -> Any:
                return ref_key(ref, actor_names.get(name, {}), by_id.get(name, {}))

            arguments = {
                tuple(sorted((a.role, key(n, a.ref)) for a in e.arguments)) for n, e in present
            }
            if len(arguments) > 1:
                differs.append("arguments")
            if len({key(n, e.source) for n, e in present}) > 1:
                differs.append("source")
        out.append((versions, tuple(differs)))
    return out


def event_differences(
    document: str | int,
    events: Mapping[str, Sequence[Event]],
    annotators: Sequence[str],
    title: str = "",
    actor_names: Mapping[str, Mapping[int, str]] | None = None,
    spans: Mapping[str, Sequence[Span]] | None = None,
) -> list[EventDifference]:
    """Each group of events (``event_groups``) that is not identical everywhere."""
    if not any(events.get(name) for name in annotators):
        return []  # no event anywhere: nothing to group (most documents of a report)
    return [
        EventDifference(document, title, versions, differs)
        for versions, differs in event_groups(events, annotators, actor_names, spans)
        if differs
    ]


@dataclass(frozen=True, slots=True)
class FrameDifference:
    """One framing choice of a document on which annotators differ.

    ``aspect``: ``framed`` (some annotators framed the document, others did not), ``dimension``
    (``dimension`` is present for some, absent for others), ``primary``, ``headline`` or ``tone``. ``values``
    gives each annotator's choice: "framed", "present"/"absent", the primary frame or the tone;
    None where the annotator did not frame the document or left the choice empty.
    """

    document: str | int
    title: str
    aspect: str
    dimension: str
    values: tuple[tuple[str, str | None], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "title": self.title,
            "aspect": self.aspect,
            "dimension": self.dimension or None,
            "values": dict(self.values),
        }


def frame_differences(
    document: str | int,
    frames: Mapping[str, FrameAssessment | None],
    annotators: Sequence[str],
    title: str = "",
) -> list[FrameDifference]:
    """Where the framing of one document differs among ``annotators`` (those who hold it)."""
    coded: dict[str, FrameAssessment] = {}
    for name in annotators:
        assessment = frames.get(name)
        if assessment is not None and frames_coded(assessment):
            coded[name] = assessment
    if not coded:
        return []
    out: list[FrameDifference] = []
    if len(coded) < len(annotators):
        values = tuple((name, "framed" if name in coded else None) for name in annotators)
        out.append(FrameDifference(document, title, "framed", "", values))
    if len(coded) < 2:
        return out
    marked = sorted({d for f in coded.values() for d in (*f.frames, f.primary) if d})
    for dim in marked:
        presence = {
            name: ("present" if frame_present(f, dim) else "absent") for name, f in coded.items()
        }
        if len(set(presence.values())) > 1:
            values = tuple((name, presence.get(name)) for name in annotators)
            out.append(FrameDifference(document, title, "dimension", dim, values))
    for aspect in ("primary", "headline", "tone"):
        chosen = {name: getattr(f, aspect) or None for name, f in coded.items()}
        if len(set(chosen.values())) > 1:
            values = tuple((name, chosen.get(name)) for name in annotators)
            out.append(FrameDifference(document, title, aspect, "", values))
    return out


def agreed_framing(
    frames: Mapping[str, FrameAssessment | None], annotators: Sequence[str]
) -> tuple[FrameAssessment | None, list[str]]:
    """What every one of ``annotators`` chose alike in the framing of one document (actors by
    id: one database), and the fields where they differ.

    Nothing is agreed unless every annotator framed the document (``framed`` differs when some
    did). Then: each dimension present for all (``dimension:ID`` where some mark it present and
    others not), the primary and headline frames, the tone, the tone target (with an agreed tone
    only), and each actor's role (``role:ACTOR_ID`` where they differ). Returns the agreed fields
    as an assessment (None when nothing is agreed) and the differing fields, in that order.
    """
    coded = {n: f for n in annotators if (f := frames.get(n)) is not None and frames_coded(f)}
    if not coded:
        return None, []
    if len(coded) < len(annotators):
        return None, ["framed"]
    values = [coded[n] for n in annotators]
    differs: list[str] = []
    present = [set(f.frames) | ({f.primary} if f.primary else set()) for f in values]
    in_all = set.intersection(*present)
    for dim in sorted(set.union(*present) - in_all):
        differs.append(f"dimension:{dim}")
    ordered = [d for d in (*values[0].frames, values[0].primary) if d in in_all]
    frames_agreed = tuple(dict.fromkeys(ordered))

    def same(field: str) -> str | None:
        chosen = {getattr(f, field) for f in values}
        if len(chosen) > 1:
            differs.append(field)
            return None
        return chosen.pop()

    primary = same("primary") or ""
    headline = same("headline") or ""
    tone = same("tone") or ""
    targets = {f.tone_target for f in values}
    tone_target = None
    if len(targets) > 1:
        differs.append("tone_target")
    elif tone:
        tone_target = targets.pop()
    roles = []
    for actor in sorted({r.actor_id for f in values for r in f.roles}):
        chosen = {f.role_of(actor) for f in values}
        if len(chosen) > 1:
            differs.append(f"role:{actor}")
        elif (role := chosen.pop()):
            roles.append(ActorRole(actor, role))
    agreed = FrameAssessment(frames_agreed, primary, headline, tone, tone_target, tuple(roles))
    return (None if agreed.is_empty else agreed), differs
