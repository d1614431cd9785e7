"""Events as relations between spans, for the formats that have relations but no events (Label
Studio, doccano), and the event details those formats have no field for.

Writing: each event becomes relations from its trigger's span to each argument's span, labelled
with the argument's role, which is what a relation-extraction model learns from. An argument
pointing at an actor of the registry is drawn to the actor's mention nearest the trigger, when the
record has one. Everything else an event holds (its category beyond the trigger's label, mode,
context, CAMEO code, date, factuality, source, the actor behind an argument, arguments no relation
can show) is written as *details* where each tool keeps extra data (under ``annotator_events``):
a JSON object ``{"events": [...], "actors": [...]}`` naming spans by the file's own region ids,
the actors as the native format writes them (docs/EXPORT.md shows both). The tools keep it and
ignore it; this app's import restores the events exactly from it.

Reading: :func:`restore_events` turns this app's details back into events, each argument drawn as
a relation taken only while that relation is still in the file (one removed in the tool removes
the argument). Every other relation is left on the record as a :class:`~annotator.core.events.Link`
for the import to map with the schema (``services.annotations_import``), as brat's relations are.

No library reads or writes these; the shapes are the tools' own (Label Studio's ``relation``
result, doccano's ``relations``), written by the format modules.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from annotator.core.errors import InputError, InputErrors
from annotator.core.events import Argument, Event, Link, Ref
from annotator.core.model import AnnotationRecord, Span
from annotator.formats.foreign import RawRecord
from annotator.formats.native import actor_from_json, actor_json, str_field

R = TypeVar("R", bound=Hashable)

DETAILS_KEY = "annotator_events"
"""Where the details are written: a key of Label Studio's task ``meta`` (a list, one entry per
annotator), of a doccano line (the details object). Named after this app, so that a project's
own ``events`` metadata is never taken for ours: a file is read as holding our details only
under this key, and refused when what is there does not fit."""

Drawn = Callable[[Span, Span], bool]
"""Whether a format can draw a relation between two spans (Label Studio: both in one annotation,
so not a model's suggestion, which it keeps apart in ``predictions``)."""


def always(_a: Span, _b: Span) -> bool:
    return True


def _nearest(trigger: Span, spans: list[Span]) -> Span | None:
    """The span nearest the trigger (overlapping counts as 0), the earlier one on a tie."""

    def distance(span: Span) -> tuple[int, int]:
        gap = max(span.start - trigger.end, trigger.start - span.end, 0)
        return gap, span.start

    return min(spans, key=distance) if spans else None


def event_relations(
    record: AnnotationRecord, region_of: Mapping[int, R], drawn: Drawn = always
) -> tuple[list[tuple[R, R, str]], dict[str, Any] | None]:
    """The relations ``(from region, to region, role)`` that draw the record's events, and their
    details (None when the record has no event among the spans written).

    ``region_of`` maps the id of each span written to its region id in the file; an event whose
    trigger was left out (by an export's label or layer filter) is left out, and so is an argument
    pointing at a span left out, as the native format does.
    """
    spans = {s.id: s for s in record.spans if s.id is not None}
    uids = {a.id: a.uid for a in record.actors if a.id is not None}
    mentions: dict[int, list[Span]] = {}
    for span_id, actor_id in record.mentions.items():
        if span_id in region_of and span_id in spans:
            mentions.setdefault(actor_id, []).append(spans[span_id])
    relations: list[tuple[R, R, str]] = []
    events: list[dict[str, Any]] = []
    used: set[int] = set()

    def ref_json(ref: Ref | None) -> dict[str, Any] | None:
        if ref is None:
            return None
        if ref.actor_id is not None:
            if ref.actor_id not in uids:
                return None
            used.add(ref.actor_id)
            return {"actor": uids[ref.actor_id]}
        return {"span": region_of[ref.span_id]} if ref.span_id in region_of else None  # type: ignore[index]

    for event in sorted(record.events, key=lambda e: (e.trigger.start, e.trigger.end)):
        trigger = spans.get(event.trigger.id) if event.trigger.id is not None else None
        if trigger is None or trigger.id not in region_of:
            continue
        here = region_of[trigger.id]  # type: ignore[index]
        arguments: list[dict[str, Any]] = []
        for argument in event.arguments:
            item = ref_json(argument.ref)
            if item is None:
                continue
            target: Span | None = None
            if argument.ref.span_id is not None:
                target = spans.get(argument.ref.span_id)
            elif argument.ref.actor_id is not None:
                candidates = [s for s in mentions.get(argument.ref.actor_id, []) if drawn(trigger, s)]
                target = _nearest(trigger, candidates)
                if target is not None:
                    item["span"] = region_of[target.id]  # type: ignore[index]
            if target is not None and drawn(trigger, target):
                relations.append((here, region_of[target.id], argument.role))  # type: ignore[index]
            arguments.append({"role": argument.role, **item})
        events.append(
            {
                "trigger": here,
                "category": event.category,
                "mode": event.mode,
                "context": event.context,
                "cameo": event.cameo,
                "date": event.date,
                "factuality": event.factuality,
                "source": ref_json(event.source),
                "arguments": arguments,
            }
        )
    if not events:
        return relations, None
    actors = sorted((a for a in record.actors if a.id in used), key=lambda a: a.uid)
    return relations, {"events": events, "actors": [actor_json(a) for a in actors]}


@dataclass
class Restored:
    """What :func:`restore_events` did across a file, for the summary."""

    events: int = 0
    arguments: int = 0
    from_relations: int = 0
    gone: int = 0
    relations_left: int = 0

    def notices(self, file: str, key: str) -> list[str]:
        out = []
        if self.events:
            out.append(
                f"{file}: {self.events} event(s) with {self.arguments} argument(s) "
                f"({self.from_relations} from relations) restored from this app's event details "
                f"({key})"
            )
        if self.gone:
            out.append(
                f"warning: {file}: {self.gone} event argument(s) drawn as relations were not "
                "restored: their relation is no longer in the file (removed in the tool?)"
            )
        return out


def restore_events(
    records: Sequence[AnnotationRecord],
    raws: Sequence[RawRecord],
    file: str,
    drawn: Drawn = always,
) -> Restored:
    """Give each record (from ``foreign.finalize``, parallel to ``raws``) the events of its
    details and the rest of its relations as links; InputErrors naming the record and field of
    details that do not fit the record."""
    tally = Restored()
    errors: list[InputError] = []
    for record, raw in zip(records, raws, strict=True):
        try:
            _restore(record, raw, drawn, tally)
        except InputError as exc:
            # A Label Studio annotation is named by its place, a doccano line by its number.
            prefix = f"{raw.where}: " if raw.where else ""
            errors.append(InputError(f"{prefix}event details: {exc.reason}", file, raw.line))
    if errors:
        raise InputErrors(errors)
    return tally


def _restore(record: AnnotationRecord, raw: RawRecord, drawn: Drawn, tally: Restored) -> None:
    alive = {s.id: s for s in record.spans if s.id is not None}

    def span_id(ident: int) -> int:
        found = raw.id_alias.get(ident, ident)
        return found if found in alive else ident

    pending: list[Link] = [
        Link(span_id(a), span_id(b), label, where) for a, b, label, where in raw.links
    ]
    details = raw.details
    if details is None:
        record.links = pending
        tally.relations_left += len(pending)
        return
    if not isinstance(details, dict):
        raise InputError("expected an object {\"events\": [...], \"actors\": [...]}")
    raw_actors = details.get("actors") or []
    raw_events = details.get("events") or []
    if not isinstance(raw_actors, list) or not isinstance(raw_events, list):
        raise InputError("'events' and 'actors' must be lists")
    actor_ids: dict[str, int] = {}
    for i, item in enumerate(raw_actors):
        found = actor_from_json(item, f"actors[{i}]", len(actor_ids) + 1)
        if found.uid in actor_ids:
            raise InputError(f"actors[{i}].id {found.uid!r} is used twice")
        actor_ids[found.uid] = len(actor_ids) + 1
        record.actors.append(found)

    def region(value: object, where: str) -> int:
        key = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        ident = raw.region_ids.get(key) if key is not None else None
        if ident is None or span_id(ident) not in alive:
            raise InputError(f"{where} {str(value)[:40]!r} names no span of this record")
        return span_id(ident)

    def ref(value: object, where: str) -> tuple[int | None, int | None]:
        """(actor id, span id) of an argument or source; a drawn actor argument has both."""
        if not isinstance(value, dict) or ("actor" not in value and "span" not in value):
            raise InputError(f"{where} must hold 'actor' or 'span'")
        actor = value.get("actor")
        if actor is not None and (not isinstance(actor, str) or actor not in actor_ids):
            raise InputError(f"{where}.actor names no actor of the details: {str(actor)[:40]!r}")
        span = region(value["span"], f"{where}.span") if value.get("span") is not None else None
        return (actor_ids[actor] if actor is not None else None), span

    triggers: set[int] = set()
    for i, item in enumerate(raw_events):
        where = f"events[{i}]"
        if not isinstance(item, dict):
            raise InputError(f"{where} must be an object")
        trigger = region(item.get("trigger"), f"{where}.trigger")
        if trigger in triggers:
            raise InputError(f"{where}.trigger: that span triggers two events")
        triggers.add(trigger)
        raw_arguments = item.get("arguments") or []
        if not isinstance(raw_arguments, list):
            raise InputError(f"{where}.arguments must be a list")
        arguments: list[Argument] = []
        for j, arg in enumerate(raw_arguments):
            awhere = f"{where}.arguments[{j}]"
            if not isinstance(arg, dict):
                raise InputError(f"{awhere} must be an object")
            role = str_field(arg, "role", awhere, required=True)
            actor, span = ref(arg, awhere)
            if span is not None and drawn(alive[trigger], alive[span]):
                link = next(
                    (k for k in pending if (k.from_span, k.to_span, k.label) == (trigger, span, role)),
                    None,
                )
                if link is None:
                    tally.gone += 1
                    continue
                pending.remove(link)
                tally.from_relations += 1
                if actor is not None:  # drawn to a mention of the actor: that mention's link
                    record.mentions[span] = actor
            target = Ref(actor_id=actor) if actor is not None else Ref(span_id=span)
            arguments.append(Argument(role, target))
        source_value = item.get("source")
        source: Ref | None = None
        if source_value is not None:
            actor, span = ref(source_value, f"{where}.source")
            source = Ref(actor_id=actor) if actor is not None else Ref(span_id=span)
        record.events.append(
            Event(
                trigger=alive[trigger],
                category=str_field(item, "category", where, required=True),
                mode=str_field(item, "mode", where),
                context=str_field(item, "context", where),
                cameo=str_field(item, "cameo", where),
                arguments=tuple(arguments),
                date=str_field(item, "date", where),
                factuality=str_field(item, "factuality", where) or "asserted",
                source=source,
            )
        )
        tally.events += 1
        tally.arguments += len(arguments)
    record.links = pending
    tally.relations_left += len(pending)
