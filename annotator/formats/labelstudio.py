"""Label Studio JSON: tasks with ``annotations`` (or pre-1.0 ``completions``), and a writer.

A task is ``{"id", "data": {"text", ...}, "annotations": [{"result": [...]}]}``; each result of
type ``labels`` holds ``value: {start, end, text, labels: [...]}`` (``text`` may be missing).
Each annotation of a task becomes one record (its annotator is ``completed_by``); ``relation``
results between text spans are kept on the record as links, which the import maps onto events
(``services.annotations_import``); cancelled annotations and other results (choices, text areas,
relations of regions that are no text spans) are counted in notices; model ``predictions`` are
read as model suggestions (origin model) under their ``model_version``. The ``JSON-MIN`` export
(a flat task with a ``label`` list) is read too. The writer puts one task per document, one
annotation per annotator (``completed_by``), each set's model suggestions in ``predictions``
(``model_version``), and a person's events as relation results from each trigger to its
arguments, with their details in the task's ``meta.annotator_events`` (``formats.event_links``),
which the reader restores.

A file holding one task object (older versions export one file per task) is one task.
Refused, with the task and annotation named: a file that is one JSON object other than a task,
an annotation with span fields but no ``result`` (another tool's spans), a task whose text is
not ``data.text`` (or, in JSON-MIN, ``text``),
two results of one annotation with the same ``id`` and ``from_name``, a relation result naming
a region the annotation does not hold, and event details naming a region it does not hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import AnnotationRecord, Origin, Span
from annotator.formats.articles import decode_text
from annotator.formats.atomic import atomic_write
from annotator.formats.event_links import DETAILS_KEY, event_relations, restore_events
from annotator.formats.foreign import (
    MAX_ERRORS,
    RawRecord,
    RawSpan,
    finalize,
    group_by_document,
    int_offset,
    label_string,
    meta_from_mapping,
    qualified_label,
    split_label,
    status_from,
)
from annotator.formats.lines import check_string, parse_json, read_bounded
from annotator.formats.read_result import ReadResult

_SPAN_LIKE = {"start_offset", "end_offset", "start", "end", "label", "labels", "spans"}

EVENTS_KEY = DETAILS_KEY
"""Key of the task's ``meta`` holding this app's event details, one entry per annotator."""

FROM_NAME = "label"
TO_NAME = "text"


def _result(
    record: AnnotationRecord, index: int, origin: Origin | None = None
) -> list[dict[str, Any]]:
    results = []
    for j, span in enumerate(record.spans):
        if origin is not None and span.origin is not origin:
            continue
        results.append(
            {
                "id": f"r{index}_{j}",
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "prediction" if span.origin is Origin.MODEL else "manual",
                "value": {
                    "start": span.start,
                    "end": span.end,
                    "text": record.text[span.start : span.end],
                    "labels": [qualified_label(span)],
                },
            }
        )
    return results


def _manual_pair(a: Span, b: Span) -> bool:
    """Whether Label Studio can draw a relation between two spans: both in the annotation (a
    model's suggestion is in ``predictions``, and a relation joins regions of one result list)."""
    return a.origin is Origin.MANUAL and b.origin is Origin.MANUAL


def _relations(record: AnnotationRecord, index: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The relation results drawing the record's events (trigger -> argument, labelled with the
    role) and the events' details for the task's ``meta`` (``formats.event_links``)."""
    if not record.events:
        return [], None
    region_of = {s.id: f"r{index}_{j}" for j, s in enumerate(record.spans) if s.id is not None}
    relations, details = event_relations(record, region_of, _manual_pair)
    results = [
        {"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [role]}
        for a, b, role in relations
    ]
    return results, details


def task_of(group: list[AnnotationRecord], task_id: int) -> dict[str, Any]:
    """One Label Studio task: people's spans in ``annotations`` (``completed_by`` naming the
    annotator), model suggestions in ``predictions`` (``model_version`` naming the set); events
    as relation results in their annotation, their details in ``meta.annotator_events``."""
    first = group[0]
    data: dict[str, Any] = {"text": first.text}
    data.update({k: v for k, v in first.meta.to_dict().items() if v})
    annotations = []
    predictions = []
    details: list[dict[str, Any]] = []
    for i, record in enumerate(group, start=1):
        if record.annotator is None and not record.spans:
            continue  # nobody has annotated this document yet
        relations, found = _relations(record, i)
        if found is not None:
            details.append({"annotator": record.annotator, **found})
        model = [s for s in record.spans if s.origin is Origin.MODEL]
        if model:
            predictions.append(
                {
                    "id": task_id * 1000 + i,
                    "model_version": record.annotator or "model",
                    "result": _result(record, i, Origin.MODEL),
                    # Not Label Studio's: whose suggestions these are, for the round trip.
                    "annotator": record.annotator,
                }
            )
        if model and len(model) == len(record.spans) and not relations:
            continue
        annotation: dict[str, Any] = {
            "id": task_id * 1000 + i,
            "result": _result(record, i, Origin.MANUAL) + relations,
            "was_cancelled": False,
            "ground_truth": False,
        }
        if record.annotator:
            annotation["completed_by"] = {"email": record.annotator}
            annotation["annotator"] = record.annotator
        annotations.append(annotation)
    meta: dict[str, Any] = {"status": first.status.value}
    if details:
        # Not Label Studio's (it keeps a task's meta as it is): what the relations cannot say.
        meta[EVENTS_KEY] = details
    return {
        "id": task_id,
        "data": data,
        "meta": meta,
        "annotations": annotations,
        "predictions": predictions,
    }


def write_labelstudio(
    path: Path, records: Iterable[AnnotationRecord], overwrite: bool = True
) -> int:
    """Write a Label Studio JSON export atomically; return the number of records written."""
    count = 0
    with atomic_write(path, overwrite=overwrite) as handle:
        handle.write("[")
        for task_id, group in enumerate(group_by_document(records), start=1):
            handle.write("\n" if task_id == 1 else ",\n")
            handle.write(json.dumps(task_of(group, task_id), ensure_ascii=False))
            count += len(group)
        handle.write("\n]\n")
    return count


class _Reader:
    def __init__(self) -> None:
        self.cancelled = 0
        self.predictions = 0
        self.other_results: dict[str, int] = {}
        self.idents = 0  # span idents given to regions, for relations and event details
        self.orphan_details = 0  # event details of annotators with no record in their task

    def _annotator(self, annotation: dict[str, Any]) -> str | None:
        name = annotation.get("annotator")
        if isinstance(name, str) and name.strip():
            return name.strip()
        by = annotation.get("completed_by")
        if isinstance(by, dict):
            by = by.get("email") or by.get("id")
        if isinstance(by, bool) or by is None or by == "":
            return None
        return f"user {by}" if isinstance(by, int) else str(by)

    def _spans(self, results: object, where: str, record: RawRecord) -> list[RawSpan]:
        """The text spans of one result list; its relations between spans go to
        ``record.links``, each region's span ident to ``record.region_ids``."""
        if not isinstance(results, list):
            raise InputError(f"{where}: 'result' must be a list")
        spans: list[RawSpan] = []
        regions: dict[tuple[str, str], int] = {}  # (id, from_name) -> index of its result
        relations: list[tuple[int, dict[str, Any]]] = []
        idents: dict[str, int] = {}  # region id -> the ident of its (first) span
        for j, result in enumerate(results):
            rwhere = f"{where}.result[{j}]"
            if not isinstance(result, dict):
                raise InputError(f"{rwhere} must be an object")
            kind = result.get("type", "labels")
            if result.get("id") is not None and kind != "relation":
                # One region may carry several results (labels and a text area share its id),
                # each from its own control: the same control twice is a broken export.
                key = (str(result["id"]), str(result.get("from_name", "")))
                if key in regions:
                    raise InputError(
                        f"{rwhere}: id {key[0][:40]!r} with from_name {key[1][:40]!r} is used twice "
                        f"(first by result[{regions[key]}])"
                    )
                regions[key] = j
            value = result.get("value")
            if kind == "relation":
                relations.append((j, result))
                continue
            if kind != "labels":
                self.other_results[str(kind)] = self.other_results.get(str(kind), 0) + 1
                continue
            found = self._value_spans(value, rwhere, result.get("origin"))
            if found and result.get("id") is not None and str(result["id"]) not in idents:
                self.idents += 1  # unique across the file, so within each record too
                idents[str(result["id"])] = found[0].ident = self.idents
                record.region_ids.setdefault(str(result["id"]), found[0].ident)
            spans.extend(found)
        ids = {ident for ident, _ in regions}
        for j, relation in relations:
            ends = []
            for end in ("from_id", "to_id"):
                target = relation.get(end)
                if not isinstance(target, str | int) or isinstance(target, bool) or str(target) not in ids:
                    shown = "missing" if target is None else repr(target)[:40]
                    raise InputError(
                        f"{where}.result[{j}]: relation {end} {shown} names no region of this "
                        "annotation"
                    )
                ends.append(idents.get(str(target)))
            labels = relation.get("labels") or [""]
            if not isinstance(labels, list):
                raise InputError(f"{where}.result[{j}]: relation 'labels' must be a list")
            if ends[0] is None or ends[1] is None:  # a relation of regions that are not text spans
                self.other_results["relation"] = self.other_results.get("relation", 0) + 1
                continue
            for label in labels:
                if not isinstance(label, str):
                    raise InputError(f"{where}.result[{j}]: relation labels must be strings")
                check_string(label, f"{where}.result[{j}] relation label")
                record.links.append((ends[0], ends[1], label.strip(), f"{where}.result[{j}]"))
        return spans


    @staticmethod
    def _value_spans(value: object, where: str, origin: object = None) -> list[RawSpan]:
        if not isinstance(value, dict):
            raise InputError(f"{where}: 'value' must be an object")
        try:
            start = int_offset(value.get("start"), "start")
            end = int_offset(value.get("end"), "end")
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels:
                raise InputError("'labels' must be a non-empty list")
            names = [label_string(label, "labels[]") for label in labels]
            surface = value.get("text")
            if surface is not None and not isinstance(surface, str):
                raise InputError("'text' must be a string")
        except InputError as exc:
            raise InputError(f"{where}: {exc.reason}") from None
        out = []
        for name in names:
            layer, label = split_label(name)
            out.append(
                RawSpan(
                    start,
                    end,
                    label,
                    text=surface,
                    layer=layer,
                    origin=Origin.MODEL if origin == "prediction" else Origin.MANUAL,
                    where=where,
                )
            )
        return out

    def task(self, task: object, index: int) -> list[RawRecord]:
        if not isinstance(task, dict):
            raise InputError(f"task {index}: expected an object")
        task_id = task.get("id")
        where = f"task {index}" + (f" (id {task_id})" if task_id is not None else "")
        data_value = task.get("data")
        if data_value is not None and not isinstance(data_value, dict):
            raise InputError(f"{where}: 'data' must be an object")
        data: dict[str, Any] = data_value if isinstance(data_value, dict) else task  # JSON-MIN
        text = data.get("text")
        if not isinstance(text, str):
            raise InputError(f"{where}: no 'text' in the task's data")
        meta_source = dict(task["meta"]) if isinstance(task.get("meta"), dict) else {}
        meta_source.update(data)
        meta = meta_from_mapping(meta_source)
        status = status_from(meta_source.get("status"))
        predictions = task.get("predictions")
        if predictions is not None and not isinstance(predictions, list):
            raise InputError(f"{where}: 'predictions' must be a list")
        details = self._details(task, where)
        annotations = task.get("annotations")
        if annotations is None:
            annotations = task.get("completions")
        records: list[RawRecord] = []
        if annotations is None and isinstance(task.get("label"), list):  # JSON-MIN
            spans = []
            for j, value in enumerate(task["label"]):
                spans.extend(self._value_spans(value, f"{where}.label[{j}]"))
            annotator = task.get("annotator")
            records.append(
                RawRecord(
                    text=text,
                    spans=spans,
                    meta=meta,
                    annotator=str(annotator) if isinstance(annotator, str | int) else None,
                    status=status,
                    where=where,
                )
            )
            return records
        if annotations is None:
            annotations = []
        if not isinstance(annotations, list):
            raise InputError(f"{where}: 'annotations' must be a list")
        for k, annotation in enumerate(annotations):
            awhere = f"{where} annotation {k}"
            if not isinstance(annotation, dict):
                raise InputError(f"{awhere}: expected an object")
            if annotation.get("was_cancelled"):
                self.cancelled += 1
                continue
            if "result" not in annotation and annotation.keys() & _SPAN_LIKE:
                # A span of another tool (doccano 1.x) would otherwise pass as no spans at all.
                raise InputError(
                    f"{awhere}: a span with {', '.join(sorted(annotation.keys() & _SPAN_LIKE))} "
                    "but no Label Studio 'result' (a doccano 1.x export? use --format doccano)"
                )
            record = RawRecord(
                text=text, meta=meta, annotator=self._annotator(annotation), status=status,
                where=awhere,
            )
            record.spans = self._spans(annotation.get("result", []), awhere, record)
            records.append(record)
        for k, prediction in enumerate(predictions or []):
            pwhere = f"{where} prediction {k}"
            if not isinstance(prediction, dict):
                raise InputError(f"{pwhere}: expected an object")
            self.predictions += 1
            name = prediction.get("annotator") or prediction.get("model_version") or "model"
            owner = str(name).strip() or "model"
            same = [r for r in records if r.annotator == owner]
            # One annotator's suggestions beside their own work: one record.
            record = same[0] if same else RawRecord(
                text=text, meta=meta, annotator=owner, status=status, where=pwhere
            )
            spans = self._spans(prediction.get("result", []), pwhere, record)
            for span in spans:
                span.origin = Origin.MODEL
            record.spans.extend(spans)
            if not same:
                records.append(record)
        if not records:
            records.append(RawRecord(text=text, meta=meta, status=status, where=where))
        for record in records:  # each annotator's details, to the first record of that name
            if record.annotator in details:
                record.details = details.pop(record.annotator)
        self.orphan_details += len(details)
        return records

    @staticmethod
    def _details(task: dict[str, Any], where: str) -> dict[str, object]:
        """This app's event details in the task's ``meta``, by annotator."""
        meta = task.get("meta")
        found = meta.get(EVENTS_KEY) if isinstance(meta, dict) else None
        if found is None:
            return {}
        if not isinstance(found, list):
            raise InputError(f"{where}: meta.{EVENTS_KEY} must be a list")
        out: dict[str, object] = {}
        for k, item in enumerate(found):
            name = item.get("annotator") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"{where}: meta.{EVENTS_KEY}[{k}] names no annotator")
            out[name.strip()] = item
        return out

    def notices(self, file: str) -> list[str]:
        out = []
        if self.cancelled:
            out.append(f"{file}: {self.cancelled} cancelled annotation(s) were skipped")
        if self.predictions:
            out.append(
                f"{file}: {self.predictions} model prediction(s) imported as model suggestions, "
                "each under its model_version"
            )
        if self.orphan_details:
            out.append(
                f"warning: {file}: the event details ({EVENTS_KEY}) of {self.orphan_details} "
                "annotator(s) with no annotation in their task were not imported"
            )
        for kind, count in sorted(self.other_results.items()):
            out.append(f"{file}: {count} result(s) of type {kind!r} were not imported")
        return out


def _json_lines(content: str, file: str) -> list[object]:
    lines = [(n, line) for n, line in enumerate(content.split("\n"), start=1) if line.strip()]
    if len(lines) < 2:
        parse_json(content, file)  # raises the whole-file error
    return [parse_json(line, file, number) for number, line in lines]


def read_labelstudio(path: Path) -> ReadResult:
    """Every annotation of every task of a Label Studio JSON export as a record."""
    file = str(path)
    content = decode_text(read_bounded(path), file)
    try:
        data = parse_json(content, file)
    except InputError:
        data = _json_lines(content, file)  # tasks one per line, as Label Studio also imports
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = [data]  # one task, as older versions export one file per task
    if not isinstance(data, list):
        if isinstance(data, dict):
            found = "one JSON object (a Label Studio export is a list: put a single task in [ ])"
        elif data is None:
            found = "null"
        elif isinstance(data, bool | int | float):
            found = f"a number or boolean ({json.dumps(data)[:20]})"
        else:
            found = f"a string ({json.dumps(data)[:20]})"
        raise InputError(f"expected a list of tasks, found {found}", file)
    tasks = data
    reader = _Reader()
    raws: list[RawRecord] = []
    errors: list[InputError] = []
    for index, task in enumerate(tasks, start=1):
        try:
            raws.extend(reader.task(task, index))
        except InputError as exc:
            errors.append(exc.located(file))
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise InputErrors(errors)
    records, notices = finalize(raws, file)
    restored = restore_events(records, raws, file, _manual_pair)
    return ReadResult(
        records=records,
        notices=reader.notices(file) + notices + restored.notices(file, f"meta.{EVENTS_KEY}"),
    )
