"""doccano JSONL: the sequence-labelling export in both of its shapes, and a writer.

doccano writes ``{"text", "label": [[start, end, "LABEL"], ...]}``; projects with relations
write ``{"text", "entities": [{id, label, start_offset, end_offset}], "relations": [...]}``;
older exports call the text ``data`` (and some the spans ``labels``). Any other keys are the
document's metadata. A ``label`` list of plain strings is a text-classification export: its
document labels are not spans and are counted in a notice. Offsets are end exclusive. Relations
are counted, not imported, but an entity id used twice or a relation naming an entity the line
does not hold is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord
from annotator.formats.atomic import atomic_write
from annotator.formats.foreign import (
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
from annotator.formats.read_result import ReadResult


def record_to_line(record: AnnotationRecord) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "text": record.text,
        "label": [[s.start, s.end, qualified_label(s)] for s in record.spans],
    }
    meta = {k: v for k, v in record.meta.to_dict().items() if v}
    if meta:
        obj["meta"] = meta
    if record.annotator:
        obj["annotator"] = record.annotator
    obj["status"] = record.status.value
    return obj


def write_lines(records: Iterable[AnnotationRecord], handle: IO[str]) -> int:
    count = 0
    for record in records:
        handle.write(json.dumps(record_to_line(record), ensure_ascii=False))
        handle.write("\n")
        count += 1
    return count


def write_doccano(path: Path, records: Iterable[AnnotationRecord], overwrite: bool = True) -> int:
    """Write doccano JSONL (the ``label`` shape) atomically; return the number of lines."""
    with atomic_write(path, overwrite=overwrite) as handle:
        return write_lines(records, handle)


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
    """The ids of the ``entities`` of one line; InputError if one is used twice."""
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


def _check_relations(relations: object, ids: set[object]) -> int:
    """How many relations a line holds; InputError if one names an entity it does not hold."""
    if relations is None:
        return 0
    if not isinstance(relations, list):
        raise InputError("'relations' must be a list")
    for i, relation in enumerate(relations):
        if not isinstance(relation, dict):
            raise InputError(f"relations[{i}] must be an object")
        for key in ("from_id", "to_id"):
            target = relation.get(key)
            if isinstance(target, bool) or not isinstance(target, int | str) or target not in ids:
                shown = "missing" if target is None else repr(target)[:40]
                raise InputError(f"relations[{i}]: {key} {shown} names no entity of this line")
    return len(relations)


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


_KNOWN = {"user", "text", "data", "label", "labels", "entities", "relations", "id", "meta", "annotator",
          "status", "Comments", "comments", "cats"}


class _Reader:
    def __init__(self) -> None:
        self.doc_labels = 0
        self.relations = 0

    def convert(self, obj: dict[str, Any], line: int) -> RawRecord:
        text = text_field(obj, "text", "data")
        spans: list[RawSpan] = []
        if "entities" in obj:
            entities = obj["entities"]
            if not isinstance(entities, list):
                raise InputError("'entities' must be a list")
            spans = [_entity(e, f"entities[{i}]") for i, e in enumerate(entities)]
            self.relations += _check_relations(obj.get("relations"), _entity_ids(entities))
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
        meta_source: dict[str, Any] = {k: v for k, v in obj.items() if k not in _KNOWN}
        if isinstance(obj.get("meta"), dict):
            meta_source.update(obj["meta"])
        annotator = obj.get("annotator")
        if not (isinstance(annotator, str) and annotator.strip()):
            annotator = _user_name(obj.get("user"))
        return RawRecord(
            text=text,
            spans=spans,
            meta=meta_from_mapping(meta_source),
            annotator=annotator if isinstance(annotator, str) and annotator.strip() else None,
            status=status_from(obj.get("status")),
        )


def read_doccano(path: Path) -> ReadResult:
    """Every line of a doccano JSONL export as a record; InputErrors on bad lines."""
    reader = _Reader()
    raws = collect_jsonl(path, reader.convert)
    records, notices = finalize(raws, str(path))
    file = str(path)
    if reader.doc_labels:
        notices.append(
            f"{file}: {reader.doc_labels} line(s) hold document labels (classification), "
            "which were not imported"
        )
    if reader.relations:
        notices.append(f"{file}: {reader.relations} relation(s) were not imported")
    return ReadResult(records=records, notices=notices)
