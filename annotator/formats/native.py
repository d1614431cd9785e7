"""The native JSONL format: one line per document and annotator.

Described in ``docs/FORMAT.md`` and by the JSON Schema ``resources/annotator-record.schema.json``.
Offsets are code points, end exclusive, so ``text[start:end] == span["text"]``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from annotator.core.actors import Actor
from annotator.core.errors import InputError
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.core.regions import Region, RegionKind
from annotator.core.spans import checked_span
from annotator.core.text import normalize_newlines, sha256_text
from annotator.formats.atomic import atomic_write
from annotator.formats.lines import (
    MAX_LINE_BYTES,
    check_string,
    date_part,
    decode_text,
    parse_json,
    read_json_lines,
    short,
)

FORMAT_VERSION = 2  # 2: actors, events, frames; span ids (version 1 records are still read)
_ORIGIN_VALUES = {origin: origin.value for origin in Origin}
MAX_ERRORS = 100


def record_to_json(record: AnnotationRecord) -> dict[str, Any]:
    """The JSON object of a record. Spans keep their order (the store gives text order) and get
    record-scoped ids 1..n; actors are named by their uid; events and frames refer to spans and
    actors by those ids."""
    text = record.text
    if not record.actors and not record.events and record.frames is None and not record.attributes:
        # Spans and nothing else (most records; an unannotated document's record has not even
        # spans): the same object without the analysis's lookups and sorts (see bench/, export).
        return {
            "text": text,
            "text_sha256": record.text_sha256,
            "meta": record.meta.to_dict(),
            "annotator": record.annotator,
            "status": record.status.value,
            "spans": [
                {"id": n, "start": s.start, "end": s.end, "label": s.label,
                 "text": text[s.start : s.end], "origin": _ORIGIN_VALUES[s.origin], "layer": s.layer}
                for n, s in enumerate(record.spans, start=1)
            ],
            "actors": [],
            "events": [],
            "frames": None,
            "format_version": FORMAT_VERSION,
        } | ({"regions": regions_json(record.regions)} if record.regions else {})
    spans = list(record.spans)
    # Most records have spans and nothing else: skip the lookups that only the analysis needs
    # (an export of 100,000 documents pays them per record; see bench/).
    analysed = bool(record.events) or record.frames is not None
    span_ids = {s.id: n for n, s in enumerate(spans, start=1) if s.id is not None} if analysed else {}
    actor_uids = {a.id: a.uid for a in record.actors if a.id is not None} if record.actors else {}
    mentions = record.mentions
    attributes = record.attributes

    def span_json(n: int, s: Span) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": n,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": text[s.start : s.end],
            "origin": _ORIGIN_VALUES[s.origin],
            "layer": s.layer,
        }
        actor = mentions.get(s.id) if mentions and s.id is not None else None
        if actor is not None:
            data["actor"] = actor_uids[actor]
        values = attributes.get(s.id) if attributes and s.id is not None else None
        if values:
            data["attributes"] = dict(values)
        return data

    def ref_json(ref: Ref) -> dict[str, Any]:
        if ref.actor_id is not None:
            return {"actor": actor_uids[ref.actor_id]}
        return {"span": span_ids[ref.span_id]}  # type: ignore[index]

    def kept(ref: Ref | None) -> bool:  # spans may have been filtered out (export by label)
        return ref is not None and (ref.actor_id is not None or ref.span_id in span_ids)

    events = sorted(
        (
            e.with_(arguments=tuple(a for a in e.arguments if kept(a.ref)))
            for e in record.events
            if e.trigger.id in span_ids
        ),
        key=lambda e: (span_ids[e.trigger.id], e.category),  # type: ignore[index]
    )
    frames = record.frames
    return {
        "text": text,
        "text_sha256": record.text_sha256,
        "meta": record.meta.to_dict(),
        "annotator": record.annotator,
        "status": record.status.value,
        "spans": [span_json(n, s) for n, s in enumerate(spans, start=1)],
        "actors": [actor_json(a) for a in sorted(record.actors, key=lambda a: a.uid)],
        "events": [
            {
                "id": n,
                "trigger": span_ids[e.trigger.id],  # type: ignore[index]
                "category": e.category,
                "mode": e.mode,
                "context": e.context,
                "cameo": e.cameo,
                "arguments": [{"role": arg.role, **ref_json(arg.ref)} for arg in e.arguments],
                "date": e.date,
                "factuality": e.factuality,
                "source": ref_json(e.source) if kept(e.source) else None,  # type: ignore[arg-type]
            }
            for n, e in enumerate(events, start=1)
        ],
        "frames": None
        if frames is None
        else {
            "present": list(frames.frames),
            "primary": frames.primary,
            "headline": frames.headline,
            "tone": frames.tone,
            "tone_target": actor_uids[frames.tone_target] if frames.tone_target is not None else None,
            "roles": [
                {"actor": actor_uids[r.actor_id], "role": r.role}
                for r in sorted(frames.roles, key=lambda r: actor_uids[r.actor_id])
            ],
            "evidence": sorted(span_ids[i] for i in frames.evidence if i in span_ids),
            # Written only for a framing confirmed from a model's suggestion (optional field).
            **({"suggested_by": frames.suggested_by} if frames.suggested_by else {}),
        },
        "format_version": FORMAT_VERSION,
    } | ({"regions": regions_json(record.regions)} if record.regions else {})


def regions_json(regions: Sequence[Region]) -> list[dict[str, Any]]:
    """The ``regions`` field: stretches marked at import (repeated lines, boilerplate), with
    ``marked`` false for those an analyst unmarked."""
    return [
        {"start": r.start, "end": r.end, "kind": r.kind.value, "marked": r.marked} for r in regions
    ]


def regions_from_json(raw: object, text: str) -> tuple[Region, ...]:
    """The ``regions`` field read back, each checked against the text."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError("'regions' must be a list")
    kinds = {k.value: k for k in RegionKind}
    out: list[Region] = []
    seen: set[tuple[int, int]] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError(f"regions[{i}]: expected an object")
        start, end = item.get("start"), item.get("end")
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (start, end)):
            raise InputError(f"regions[{i}]: 'start' and 'end' must be integers")
        assert isinstance(start, int) and isinstance(end, int)
        if not 0 <= start < end <= len(text):
            raise InputError(f"regions[{i}]: {start}-{end} is outside the text ({len(text)} characters)")
        kind = item.get("kind")
        if kind not in kinds:
            raise InputError(
                f"regions[{i}]: 'kind' must be one of {', '.join(kinds)}, not {short(str(kind))}"
            )
        marked = item.get("marked", True)
        if not isinstance(marked, bool):
            raise InputError(f"regions[{i}]: 'marked' must be true or false")
        if (start, end) in seen:
            raise InputError(f"regions[{i}]: duplicate region {start}-{end}")
        seen.add((start, end))
        out.append(Region(start, end, kinds[kind], marked))
    return tuple(sorted(out, key=lambda r: (r.start, r.end)))


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps makes one per call


def dumps_record(record: AnnotationRecord) -> str:
    return _ENCODER.encode(record_to_json(record))


def write_records(
    records: Iterable[AnnotationRecord],
    handle: IO[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    count = 0
    encode = _ENCODER.encode
    for record in records:
        handle.write(encode(record_to_json(record)) + "\n")
        count += 1
        if progress is not None and count % 200 == 0:
            progress(count)
    return count


def write_jsonl(path: Path, records: Iterable[AnnotationRecord], overwrite: bool = True) -> int:
    """Write records atomically; return how many were written."""
    with atomic_write(path, overwrite=overwrite) as handle:
        return write_records(records, handle)


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"span '{name}' must be an integer, not {json.dumps(value)[:40]}")
    return value


def span_from_json(obj: object, text: str, index: int, ident: int | None = None) -> Span:
    # The span as this project writes it, known good in one expression (a review reads 400,000
    # of them: see docs/PERFORMANCE.md, "agreement"); anything else takes the checks below, which
    # accept exactly the same spans and name what is wrong.
    if type(obj) is dict:
        start, end, label = obj.get("start"), obj.get("end"), obj.get("label")
        origin, layer = obj.get("origin", "manual"), obj.get("layer", "entity")
        expected = obj.get("text")
        if (
            type(start) is int and type(end) is int and 0 <= start < end <= len(text)
            and type(label) is str and label.isascii() and "\x00" not in label and label.strip()
            and type(layer) is str and layer and layer.isascii() and "\x00" not in layer
            and (origin == "manual" or origin == "model")
            and (expected is None or (type(expected) is str and text[start:end] == expected))
        ):
            return checked_span(start, end, label, _ORIGINS[origin], layer, ident)
    return _checked_span(obj, text, index, ident)


def _checked_span(obj: object, text: str, index: int, ident: int | None) -> Span:
    if not isinstance(obj, dict):
        raise InputError(f"spans[{index}] must be an object")
    try:
        start = _int(obj.get("start"), "start")
        end = _int(obj.get("end"), "end")
    except InputError as exc:
        raise InputError(f"spans[{index}]: {exc.reason}") from None
    label = obj.get("label")
    if not isinstance(label, str) or not label.strip():
        raise InputError(f"spans[{index}]: 'label' must be a non-empty string")
    if not _plain(label):
        check_string(label, f"spans[{index}].label")
    if start < 0 or end <= start:
        raise InputError(f"spans[{index}]: start {start} must be >= 0 and before end {end}")
    if end > len(text):
        raise InputError(f"spans[{index}]: end {end} is past the end of the text ({len(text)})")
    expected = obj.get("text")
    if expected is not None:
        if not isinstance(expected, str):
            raise InputError(f"spans[{index}]: 'text' must be a string")
        if text[start:end] != expected:
            raise InputError(
                f"spans[{index}]: offsets {start}-{end} cover {text[start:end]!r}, "
                f"but the span's text is {expected!r}"
            )
    origin = obj.get("origin", "manual")
    if origin not in ("model", "manual"):
        raise InputError(f"spans[{index}]: 'origin' must be 'model' or 'manual'")
    layer = obj.get("layer", "entity")
    if not isinstance(layer, str) or not layer:
        raise InputError(f"spans[{index}]: 'layer' must be a string")
    if not _plain(layer):
        check_string(layer, f"spans[{index}].layer")
    return Span(start, end, label, _ORIGINS[origin], layer, ident)


_ORIGINS = {origin.value: origin for origin in Origin}


def _clean(value: str) -> bool:
    """Whether ``check_string`` accepts ``value`` (no NUL, no unpaired surrogate)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(value: str) -> bool:
    """ASCII without NUL: what ``check_string`` would accept, known without encoding it (labels
    and layers of every span are checked, and are almost always this)."""
    return value.isascii() and "\x00" not in value


def record_from_json(obj: object, known_labels: Callable[[str], bool] | None = None) -> AnnotationRecord:
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError("missing 'text' (a string)")
    if not text:
        raise InputError("'text' is empty")
    if "\x00" in text:
        check_string(text, "'text'")
    encoded: bytes | None = None
    try:
        encoded = text.encode("utf-8")  # checked as check_string does; hashed below
    except UnicodeEncodeError:
        check_string(text, "'text'")  # raises, naming the character
    if "\r" in text:
        # Offsets of a file whose text has CR characters refer to that text; normalising it would
        # shift them. Only accept CR-free text, which is what this project writes.
        if obj.get("spans"):
            raise InputError("text contains carriage returns (CR); spans would not line up")
        text = normalize_newlines(text)
        encoded = None
    sha = obj.get("text_sha256")
    if sha is not None:
        if not isinstance(sha, str):
            raise InputError("'text_sha256' must be a string")
        if sha != (sha256_text(text) if encoded is None else hashlib.sha256(encoded).hexdigest()):
            raise InputError("'text_sha256' does not match the text")
    meta_obj = obj.get("meta", {})
    if meta_obj is None:
        meta_obj = {}
    if not isinstance(meta_obj, dict):
        raise InputError("'meta' must be an object")
    for key, value in meta_obj.items():
        if value is not None and not isinstance(value, str | int | float):
            raise InputError(f"meta.{short(key, 40)[1:-1]} must be a string")
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"meta.{short(key, 40)[1:-1]} must be a finite number, not {value}")
        if isinstance(value, str) and not _clean(value):  # the message is made only then
            check_string(value, f"meta.{short(key, 40)[1:-1]}")
    meta = DocumentMeta.from_dict(meta_obj)
    if meta.date:
        date = date_part(meta.date)
        if date is None:
            raise InputError(f"meta.date {short(meta.date)} is not a date (YYYY-MM-DD)")
        meta = meta.with_(date=date)
    annotator = obj.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise InputError("'annotator' must be a non-empty string or null")
    if annotator is not None:
        check_string(annotator, "'annotator'")
    status_value = obj.get("status", "todo")
    try:
        status = Status(status_value)
    except ValueError:
        raise InputError(f"'status' must be one of todo, in_progress, done, not {status_value!r}") from None
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise InputError("'spans' must be a list")
    spans: list[Span] = []
    seen: set[tuple[int, int, str, str]] = set()
    idents: set[int] = set()
    for i, raw in enumerate(raw_spans):
        # A span's id (format 2) or its position (format 1), as _span_id finds it, without a call
        # for an id that is a new positive integer; _span_id names what is wrong otherwise.
        ident = raw.get("id", i + 1) if type(raw) is dict else None
        if type(ident) is int and ident >= 1 and ident not in idents:
            idents.add(ident)
        else:
            ident = _span_id(raw, i, idents)
        span = span_from_json(raw, text, i, ident)
        if known_labels is not None and not known_labels(span.label):
            raise InputError(f"spans[{i}]: unknown label {span.label!r}")
        key = (span.start, span.end, span.label, span.layer)
        if key in seen:
            raise InputError(f"spans[{i}]: duplicate span {span.start}-{span.end} {span.label}")
        seen.add(key)
        spans.append(span)
    record = AnnotationRecord(
        text=text, meta=meta, annotator=annotator, status=status, spans=spans,
        text_sha256=sha or "",  # checked above: not hashed twice
    )
    if "regions" in obj:
        record.regions = regions_from_json(obj["regions"], text)
    _analysis_from_json(obj, record)
    _attributes_from_json(raw_spans, record)
    return record


def _attributes_from_json(raw_spans: list[Any], record: AnnotationRecord) -> None:
    """Each span's ``attributes`` (another tool's attributes and notes): string keys and values."""
    for i, (raw, span) in enumerate(zip(raw_spans, record.spans, strict=True)):
        values = raw.get("attributes")
        if values is None:
            continue
        where = f"spans[{i}].attributes"
        if not isinstance(values, dict):
            raise InputError(f"{where} must be an object")
        for key, value in values.items():
            if not key or not isinstance(value, str):
                raise InputError(f"{where}: each value must be a string, under a non-empty key")
            check_string(key, f"{where} key")
            check_string(value, f"{where}.{short(key, 40)[1:-1]}")
        if values and span.id is not None:
            record.attributes[span.id] = dict(values)


def _str_field(obj: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = obj.get(key, "")
    if value is None and not required:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        kind = "a non-empty string" if required else "a string"
        raise InputError(f"{where}.{key} must be {kind}")
    check_string(value, f"{where}.{key}")
    return value


def _list_field(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}.{key} must be a list")
    return value


def _span_id(raw: object, index: int, seen: set[int]) -> int:
    """A span's id in its record (format 2), or its position from 1 (format 1 has none)."""
    if not isinstance(raw, dict):
        raise InputError(f"spans[{index}] must be an object")
    ident = raw.get("id", index + 1)
    if isinstance(ident, bool) or not isinstance(ident, int) or ident < 1:
        raise InputError(f"spans[{index}].id must be a positive integer")
    if ident in seen:
        raise InputError(f"spans[{index}].id {ident} is used twice")
    seen.add(ident)
    return ident


def actor_json(actor: Actor) -> dict[str, Any]:
    """An actor as the native format writes it (``id`` its uid); other formats that carry actors
    for this app's own import (Label Studio's task meta, doccano's extra keys) write the same."""
    return {
        "id": actor.uid,
        "name": actor.name,
        "aliases": list(actor.aliases),
        "kind": actor.kind,
        "country": actor.country,
        "sector": actor.sector,
        "wikidata": actor.wikidata,
        "notes": actor.notes,
    }


def actor_from_json(raw: object, where: str, ident: int) -> Actor:
    """An actor written by :func:`actor_json`, with the record-scoped id ``ident``; InputError
    naming ``where`` and the field otherwise."""
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be an object")
    uid = _str_field(raw, "id", where, required=True)
    aliases = _list_field(raw, "aliases", where)
    for j, alias in enumerate(aliases):
        if not isinstance(alias, str) or not alias.strip():
            raise InputError(f"{where}.aliases[{j}] must be a non-empty string")
        check_string(alias, f"{where}.aliases[{j}]")
    return Actor(
        name=_str_field(raw, "name", where, required=True),
        aliases=tuple(aliases),
        kind=_str_field(raw, "kind", where) or "other",
        country=_str_field(raw, "country", where),
        sector=_str_field(raw, "sector", where),
        wikidata=_str_field(raw, "wikidata", where),
        notes=_str_field(raw, "notes", where),
        id=ident,
        uid=uid,
    )


def str_field(obj: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    """A string field of a JSON object (empty when absent), checked; InputError naming it."""
    return _str_field(obj, key, where, required)


def _analysis_from_json(obj: dict[str, Any], record: AnnotationRecord) -> None:
    """Span ids, actor links, actors, events and frames (format 2); absent in format 1."""
    raw_spans = obj.get("spans") or []
    # record id -> index into record.spans (the ids were read with the spans: _span_id)
    span_ids: dict[int, int] = {s.id: i for i, s in enumerate(record.spans) if s.id is not None}

    actor_ids: dict[str, int] = {}  # uid -> record-scoped actor id
    for i, raw in enumerate(_list_field(obj, "actors", "")):
        where = f"actors[{i}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where} must be an object")
        found = actor_from_json(raw, where, len(actor_ids) + 1)
        if found.uid in actor_ids:
            raise InputError(f"{where}.id {found.uid!r} is used twice")
        actor_ids[found.uid] = len(actor_ids) + 1
        record.actors.append(found)

    def actor_ref(value: object, where: str) -> int:
        if not isinstance(value, str) or value not in actor_ids:
            raise InputError(f"{where} names no actor of the record's 'actors': {json.dumps(value)[:40]}")
        return actor_ids[value]

    def span_ref(value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value not in span_ids:
            raise InputError(f"{where} names no span of the record: {json.dumps(value)[:40]}")
        return value

    def ref(value: object, where: str) -> Ref:
        if not isinstance(value, dict) or ("actor" in value) == ("span" in value):
            raise InputError(f"{where} must hold either 'actor' or 'span'")
        if "actor" in value:
            return Ref(actor_id=actor_ref(value["actor"], f"{where}.actor"))
        return Ref(span_id=span_ref(value["span"], f"{where}.span"))

    for i, raw in enumerate(raw_spans):
        if raw.get("actor") is not None:
            record.mentions[i + 1 if "id" not in raw else raw["id"]] = actor_ref(
                raw["actor"], f"spans[{i}].actor"
            )

    triggers: set[int] = set()
    for i, raw in enumerate(_list_field(obj, "events", "")):
        where = f"events[{i}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where} must be an object")
        trigger_id = span_ref(raw.get("trigger"), f"{where}.trigger")
        if trigger_id in triggers:
            raise InputError(f"{where}.trigger: span {trigger_id} triggers two events")
        triggers.add(trigger_id)
        arguments: list[Argument] = []
        for j, arg in enumerate(_list_field(raw, "arguments", where)):
            if not isinstance(arg, dict):
                raise InputError(f"{where}.arguments[{j}] must be an object")
            role = _str_field(arg, "role", f"{where}.arguments[{j}]", required=True)
            rest = {k: v for k, v in arg.items() if k != "role"}
            arguments.append(Argument(role, ref(rest, f"{where}.arguments[{j}]")))
        source = raw.get("source")
        record.events.append(
            Event(
                trigger=record.spans[span_ids[trigger_id]],
                category=_str_field(raw, "category", where, required=True),
                mode=_str_field(raw, "mode", where),
                context=_str_field(raw, "context", where),
                cameo=_str_field(raw, "cameo", where),
                arguments=tuple(arguments),
                date=_str_field(raw, "date", where),
                factuality=_str_field(raw, "factuality", where) or "asserted",
                source=ref(source, f"{where}.source") if source is not None else None,
            )
        )

    frames = obj.get("frames")
    if frames is None:
        return
    if not isinstance(frames, dict):
        raise InputError("'frames' must be an object or null")
    present = _list_field(frames, "present", "frames")
    for j, name in enumerate(present):
        if isinstance(name, str):
            check_string(name, f"frames.present[{j}]")
    if any(not isinstance(f, str) or not f for f in present) or len(set(present)) != len(present):
        raise InputError("frames.present must be a list of distinct frame names")
    roles: list[ActorRole] = []
    for j, raw in enumerate(_list_field(frames, "roles", "frames")):
        if not isinstance(raw, dict):
            raise InputError(f"frames.roles[{j}] must be an object")
        actor = actor_ref(raw.get("actor"), f"frames.roles[{j}].actor")
        if any(r.actor_id == actor for r in roles):
            raise InputError(f"frames.roles[{j}]: the actor has a role already")
        roles.append(ActorRole(actor, _str_field(raw, "role", f"frames.roles[{j}]", required=True)))
    target = frames.get("tone_target")
    record.frames = FrameAssessment(
        frames=tuple(present),
        primary=_str_field(frames, "primary", "frames"),
        headline=_str_field(frames, "headline", "frames"),
        tone=_str_field(frames, "tone", "frames"),
        tone_target=actor_ref(target, "frames.tone_target") if target is not None else None,
        roles=tuple(roles),
        evidence=tuple(
            span_ref(v, f"frames.evidence[{j}]")
            for j, v in enumerate(_list_field(frames, "evidence", "frames"))
        ),
        suggested_by=_str_field(frames, "suggested_by", "frames"),
    )


def read_jsonl(
    path: Path, known_labels: Callable[[str], bool] | None = None
) -> list[AnnotationRecord]:
    """Read and validate a whole native JSONL file; raise InputErrors listing every bad line."""
    first_line: dict[tuple[str, str | None], int] = {}

    def convert(obj: object, number: int) -> AnnotationRecord:
        record = record_from_json(obj, known_labels)
        key = (record.text_sha256, record.annotator)
        if key in first_line:
            raise InputError(f"duplicate record: same text and annotator as line {first_line[key]}")
        first_line[key] = number
        return record

    records = read_json_lines(path, convert, MAX_ERRORS)
    if not records:
        raise InputError("the file holds no record", str(path))
    return records


def read_jsonl_range(path: Path, start: int, end: int) -> list[AnnotationRecord]:
    """The records of the lines of ``path`` that start at byte ``start`` or later and before
    ``end`` (``start`` is a line's first byte), each checked as ``read_jsonl`` checks it.

    For reading a large file in parts at once (``services.annotation_sets``). The first bad line
    raises InputError, without its line number: the caller reads the file whole to report every
    bad line with its number.
    """
    file = str(path)
    records: list[AnnotationRecord] = []
    with path.open("rb") as handle:
        handle.seek(start)
        position = start
        while position < end:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            position += len(raw)
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise InputError("a line over the size cap", file)
            line = decode_text(raw, file, 0).strip()
            if line:
                records.append(record_from_json(parse_json(line)))
    return records
