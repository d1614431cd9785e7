"""doccano JSONL: the sequence-labelling export in both of its shapes, and a writer.

doccano writes ``{"text", "label": [[start, end, "LABEL"], ...]}``; projects with relations
write ``{"text", "entities": [{id, label, start_offset, end_offset}], "relations": [...]}``;
older exports call the text ``data`` (and some the spans ``labels``); doccano 1.x writes
``{"text", "annotations": [{"label": 2, "start_offset", "end_offset", "user": 1}]}`` with label
*ids* (named through doccano's label file when given, else kept as ``label:2`` with a warning)
and one annotation list for all users (one record per user). The writer adds ``span_origins``
(parallel to ``label``) when a model suggested some spans, and the reader takes it back. Any
other keys are the document's metadata. A ``label`` list of plain strings is a text-classification export: its
document labels are not spans and are counted in a notice. Offsets are end exclusive. Relations
are kept on the record as links, which the import maps onto events
(``services.annotations_import``); an entity id used twice or a relation naming an entity the
line does not hold is refused. When a record has events, the writer writes the whole file in the
``entities``/``relations`` shape: each event drawn as relations from its trigger to its
arguments, its details under the extra key ``annotator_events`` (``formats.event_links``), which
the reader restores.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord, Origin
from annotator.formats.atomic import atomic_write
from annotator.formats.event_links import DETAILS_KEY, event_relations, restore_events
from annotator.formats.foreign import (
    DEFAULT_LAYER,
    RawRecord,
    RawSpan,
    collect_jsonl,
    finalize,
    int_offset,
    label_string,
    meta_from_mapping,
    qualified_label,
    split_label,
    status_from,
    text_field,
)
from annotator.formats.lines import check_string
from annotator.formats.read_result import ReadResult


def record_to_line(record: AnnotationRecord, entities: bool = False) -> dict[str, Any]:
    """One doccano line: the ``label`` triples, or with ``entities`` the relation project's
    shape, whose ``relations`` draw the record's events (trigger -> argument, typed with the
    role) and whose ``events``/``actors`` keys hold what relations cannot say."""
    obj: dict[str, Any] = {"text": record.text}
    details: dict[str, Any] | None = None
    if entities:
        obj["entities"] = [
            {"id": j, "label": qualified_label(s), "start_offset": s.start, "end_offset": s.end}
            for j, s in enumerate(record.spans)
        ]
        region_of = {s.id: j for j, s in enumerate(record.spans) if s.id is not None}
        relations, details = event_relations(record, region_of) if record.events else ([], None)
        obj["relations"] = [
            {"id": k, "from_id": a, "to_id": b, "type": role}
            for k, (a, b, role) in enumerate(relations)
        ]
    else:
        obj["label"] = [[s.start, s.end, qualified_label(s)] for s in record.spans]
    if any(s.origin is Origin.MODEL for s in record.spans):
        # Not doccano's (it keeps extra keys as metadata): which spans a model suggested.
        obj[ORIGINS_KEY] = [s.origin.value for s in record.spans]
    meta = {k: v for k, v in record.meta.to_dict().items() if v}
    if meta:
        obj["meta"] = meta
    if record.annotator:
        obj["annotator"] = record.annotator
    obj["status"] = record.status.value
    if details is not None:
        # Not doccano's either, kept as metadata: the events' details for this app's import.
        obj[DETAILS_KEY] = details
    return obj


def _as_entities(obj: dict[str, Any]) -> dict[str, Any]:
    """A line written in the ``label`` shape, in the ``entities`` shape (no relations)."""
    out: dict[str, Any] = {"text": obj.pop("text")}
    out["entities"] = [
        {"id": j, "label": label, "start_offset": start, "end_offset": end}
        for j, (start, end, label) in enumerate(obj.pop("label"))
    ]
    out["relations"] = []
    out.update(obj)
    return out


SPOOL_BYTES = 16 * 1024 * 1024
"""Lines written before the first event are kept in memory up to this size, then on disk."""


def write_lines(records: Iterable[AnnotationRecord], handle: IO[str]) -> int:
    """Write the records as doccano lines; return how many. The ``label`` shape, unless a record
    has events: then every line of the file is in the ``entities``/``relations`` shape (doccano
    reads one shape per project), the lines before it rewritten. Those are held in a spooled
    file until then, so the records are read once, as a stream."""
    count = 0
    before = tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8", newline="\n")
    target: IO[str] = before  # type: ignore[assignment]
    entities = False
    try:
        for record in records:
            if not entities and record.events:
                entities = True
                before.seek(0)
                for line in before:
                    handle.write(_ENCODE(_as_entities(json.loads(line))) + "\n")
                target = handle
            target.write(_ENCODE(record_to_line(record, entities)) + "\n")
            count += 1
        if not entities:
            before.seek(0)
            shutil.copyfileobj(before, handle)  # type: ignore[misc]
    finally:
        before.close()
    return count


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def write_doccano(path: Path, records: Iterable[AnnotationRecord], overwrite: bool = True) -> int:
    """Write doccano JSONL atomically (the shape as :func:`write_lines` chooses it); return the
    number of lines."""
    with atomic_write(path, overwrite=overwrite) as handle:
        return write_lines(records, handle)


ORIGINS_KEY = "span_origins"
"""Key of the list, parallel to ``label``, saying each span's origin (``model``/``manual``)."""


def _triple(raw: object, where: str) -> RawSpan:
    if not isinstance(raw, list | tuple) or len(raw) != 3:
        raise InputError(f"{where} must be [start, end, label]")
    try:
        start = int_offset(raw[0], "start")
        end = int_offset(raw[1], "end")
        layer, label = split_label(label_string(raw[2]))
    except InputError as exc:
        raise InputError(f"{where}: {exc.reason}") from None
    return RawSpan(start, end, label, layer=layer, where=where)


def _entity_ids(entities: list[Any]) -> set[object]:
    """The ids of the ``entities`` of one line; InputError if one is used twice (the ids of
    entities that are no objects are not looked at: the entity itself is refused)."""
    first: dict[object, int] = {}
    for i, entity in enumerate(entities):
        if not isinstance(entity, dict) or entity.get("id") is None:
            continue
        ident = entity["id"]
        if isinstance(ident, bool) or not isinstance(ident, int | str):
            raise InputError(f"entities[{i}]: 'id' must be an integer or a string")
        if ident in first:
            raise InputError(
                f"entities[{i}]: id {ident!r} is used twice (first by entities[{first[ident]}])"
            )
        first[ident] = i
    return set(first)


def _relations(
    relations: object, ids: dict[object, int | None], line: int
) -> list[tuple[int, int, str, str]]:
    """The relations of a line as links between span idents; InputError if one names an entity
    the line does not hold. ``ids`` maps each entity id to its span's ident."""
    if relations is None:
        return []
    if not isinstance(relations, list):
        raise InputError("'relations' must be a list")
    links = []
    for i, relation in enumerate(relations):
        if not isinstance(relation, dict):
            raise InputError(f"relations[{i}] must be an object")
        ends = []
        for key in ("from_id", "to_id"):
            target = relation.get(key)
            if isinstance(target, bool) or not isinstance(target, int | str) or target not in ids:
                shown = "missing" if target is None else repr(target)[:40]
                raise InputError(f"relations[{i}]: {key} {shown} names no entity of this line")
            ends.append(ids[target])
        kind = relation.get("type", "")
        if not isinstance(kind, str):
            raise InputError(f"relations[{i}]: 'type' must be a string")
        check_string(kind, f"relations[{i}].type")
        a, b = ends
        if a is not None and b is not None:
            links.append((a, b, kind.strip(), f"line {line} relations[{i}]"))
    return links


def _entity(raw: object, where: str) -> RawSpan:
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be an object")
    try:
        start = int_offset(raw.get("start_offset"), "start_offset")
        end = int_offset(raw.get("end_offset"), "end_offset")
        layer, label = split_label(label_string(raw.get("label")))
    except InputError as exc:
        raise InputError(f"{where}: {exc.reason}") from None
    return RawSpan(start, end, label, layer=layer, where=where)


def _user_name(value: object) -> str | None:
    """doccano's ``user``: a name, or a user id (shown as ``user N``)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return f"user {value}"
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


_KNOWN = {ORIGINS_KEY, DETAILS_KEY, "user", "annotations", "annotation_approver",
          "text", "data", "label", "labels", "entities", "relations", "id", "meta", "annotator",
          "status", "Comments", "comments", "cats"}


def read_label_ids(path: Path) -> dict[int, str]:
    """doccano's label file (Labels > Export: ``[{"id": 2, "text": "PERSON", ...}]``) as
    id -> label name; InputError naming the file and entry of anything else."""
    file = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file) from None
    except ValueError as exc:
        raise InputError(f"not JSON ({exc})", file) from None
    if not isinstance(data, list):
        raise InputError("expected a list of labels [{\"id\": 2, \"text\": \"PERSON\"}]", file)
    out: dict[int, str] = {}
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise InputError(f"label {i}: expected an object", file)
        ident = entry.get("id")
        name = entry.get("text", entry.get("label"))
        if isinstance(ident, bool) or not isinstance(ident, int):
            raise InputError(f"label {i}: 'id' must be an integer", file)
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"label {i}: 'text' must be a non-empty string", file)
        if ident in out:
            raise InputError(f"label {i}: id {ident} is used twice", file)
        out[ident] = name.strip()
    return out


class _Reader:
    def __init__(self, label_ids: dict[int, str] | None = None) -> None:
        self.doc_labels = 0
        self.label_ids = label_ids
        self.numeric: dict[int, int] = {}  # label id without a name -> spans
        self.unknown_ids: dict[int, int] = {}  # label id not in the label file -> spans

    def _v1_label(self, value: object, where: str) -> tuple[str, str]:
        """(layer, label) of a doccano 1.x annotation: a label id, or a name."""
        if isinstance(value, int) and not isinstance(value, bool):
            if self.label_ids is None:
                self.numeric[value] = self.numeric.get(value, 0) + 1
                return DEFAULT_LAYER, f"label:{value}"
            if value not in self.label_ids:
                raise InputError(f"{where}: label id {value} is not in the label file")
            return split_label(self.label_ids[value])
        try:
            return split_label(label_string(value))
        except InputError as exc:
            raise InputError(f"{where}: {exc.reason}") from None

    def _v1(self, obj: dict[str, Any], text: str) -> list[RawRecord]:
        """doccano 1.x: ``annotations: [{label, start_offset, end_offset, user}]``, one record
        per user."""
        annotations = obj["annotations"]
        if not isinstance(annotations, list):
            raise InputError("'annotations' must be a list")
        by_user: dict[str | None, list[RawSpan]] = {}
        for i, item in enumerate(annotations):
            where = f"annotations[{i}]"
            if not isinstance(item, dict):
                raise InputError(f"{where} must be an object")
            try:
                start = int_offset(item.get("start_offset"), "start_offset")
                end = int_offset(item.get("end_offset"), "end_offset")
            except InputError as exc:
                raise InputError(f"{where}: {exc.reason}") from None
            layer, label = self._v1_label(item.get("label"), where)
            user = _user_name(item.get("user"))
            by_user.setdefault(user, []).append(
                RawSpan(start, end, label, layer=layer, where=where)
            )
        if not by_user:
            by_user[None] = []
        return [
            RawRecord(text=text, spans=spans, annotator=user) for user, spans in by_user.items()
        ]

    def convert(self, obj: dict[str, Any], line: int) -> RawRecord | list[RawRecord]:
        text = text_field(obj, "text", "data")
        spans: list[RawSpan] = []
        if "annotations" in obj:
            records = self._v1(obj, text)
            v1_meta = {k: v for k, v in obj.items() if k not in _KNOWN}
            if isinstance(obj.get("meta"), dict):
                v1_meta.update(obj["meta"])
            meta = meta_from_mapping(v1_meta)
            for record in records:
                record.meta = meta
                record.annotator = record.annotator or _user_name(obj.get("user"))
                record.status = status_from(obj.get("status"))
            return records
        links: list[tuple[int, int, str, str]] = []
        region_ids: dict[str, int] = {}
        if "entities" in obj:
            entities = obj["entities"]
            if not isinstance(entities, list):
                raise InputError("'entities' must be a list")
            _entity_ids(entities)
            spans = [_entity(e, f"entities[{i}]") for i, e in enumerate(entities)]
            ids: dict[object, int | None] = {}
            for i, (entity, span) in enumerate(zip(entities, spans, strict=True)):
                span.ident = i + 1
                if entity.get("id") is not None:
                    ids[entity["id"]] = span.ident
                    region_ids[str(entity["id"])] = span.ident
            links = _relations(obj.get("relations"), ids, line)
            self._origins(obj, spans)
        else:
            key = "label" if "label" in obj else "labels"
            labels = obj.get(key, [])
            if labels is None:
                labels = []
            if not isinstance(labels, list):
                raise InputError(f"'{key}' must be a list")
            if labels and all(isinstance(item, str) for item in labels):
                self.doc_labels += 1  # a text-classification export
            else:
                spans = [_triple(item, f"{key}[{i}]") for i, item in enumerate(labels)]
                self._origins(obj, spans)
        meta_source: dict[str, Any] = {k: v for k, v in obj.items() if k not in _KNOWN}
        if isinstance(obj.get("meta"), dict):
            meta_source.update(obj["meta"])
        annotator = obj.get("annotator")
        if not (isinstance(annotator, str) and annotator.strip()):
            annotator = _user_name(obj.get("user"))
        details = obj.get(DETAILS_KEY)
        return RawRecord(
            text=text,
            spans=spans,
            meta=meta_from_mapping(meta_source),
            annotator=annotator if isinstance(annotator, str) and annotator.strip() else None,
            status=status_from(obj.get("status")),
            links=links,
            details=details,
            region_ids=region_ids,
        )

    @staticmethod
    def _origins(obj: dict[str, Any], spans: list[RawSpan]) -> None:
        """This app's ``span_origins`` (parallel to the spans): which a model suggested."""
        origins = obj.get(ORIGINS_KEY)
        if isinstance(origins, list) and len(origins) == len(spans):
            for span, origin in zip(spans, origins, strict=True):
                if origin == Origin.MODEL.value:
                    span.origin = Origin.MODEL


def read_doccano(path: Path, label_ids: dict[int, str] | None = None) -> ReadResult:
    """Every line of a doccano JSONL export as a record (one per user for doccano 1.x lines);
    ``label_ids`` names doccano 1.x's numeric labels. InputErrors on bad lines."""
    reader = _Reader(label_ids)
    raws = collect_jsonl(path, reader.convert)
    records, notices = finalize(raws, str(path))
    file = str(path)
    notices += restore_events(records, raws, file).notices(file, f"the {DETAILS_KEY!r} key")
    if reader.numeric:
        shown = ", ".join(f"{i} ({n} span(s))" for i, n in sorted(reader.numeric.items()))
        notices.append(
            f"warning: {file}: doccano 1.x label ids {shown} were kept as 'label:ID'; give "
            "doccano's label file (--label-file) to name them, or --map label:ID=NAME"
        )
    if reader.doc_labels:
        notices.append(
            f"{file}: {reader.doc_labels} line(s) hold document labels (classification), "
            "which were not imported"
        )
    return ReadResult(records=records, notices=notices, lines=[raw.line for raw in raws])
