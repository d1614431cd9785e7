"""Prodigy JSONL: read what Prodigy's ``db-out`` writes, and write tasks Prodigy can load.

A task is ``{"text", "spans": [{start, end, label, token_start, token_end}], "tokens", "meta",
"_input_hash", "_task_hash", "answer"}``. Character offsets are code points, end exclusive;
token ends are inclusive. Reading: ``answer`` reject and ignore are not annotations and are
skipped (and counted in a notice); hand-made spans may lack ``text`` and token indices; spans
given only by token indices take their characters from ``tokens``. Writing: tokens come from a
blank spaCy tokenizer of the document's language; a span whose edges fall inside a token keeps
its character offsets, loses its token indices, and is reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord, Origin, Status
from annotator.formats.atomic import atomic_write
from annotator.formats.foreign import (
    DEFAULT_LAYER,
    RawRecord,
    RawSpan,
    collect_jsonl,
    finalize,
    int_offset,
    label_string,
    meta_from_mapping,
    status_from,
)
from annotator.formats.issues import NO_TOKENS, SpanIssue, span_issue
from annotator.formats.read_result import ReadResult
from annotator.formats.tokens import make_doc

ANSWERS = ("accept", "reject", "ignore")
_SPAN_LIKE = ("entities", "label", "labels", "annotations", "ents", "entity")


def _mmh(value: str) -> int:
    from murmurhash.mrmr import hash as murmur

    return int(murmur(value))


def input_hash(text: str) -> int:
    """A 32-bit hash of the input, as Prodigy computes ``_input_hash`` from the task's text."""
    return _mmh(json.dumps({"text": text}, sort_keys=True, ensure_ascii=False))


def task_hash(in_hash: int, spans: list[dict[str, Any]]) -> int:
    """A 32-bit hash of the input hash and the annotation (spans) of the task."""
    key = [(s["start"], s["end"], s["label"]) for s in spans]
    return _mmh(f"{in_hash} {json.dumps(key, ensure_ascii=False)}")


def record_to_task(
    record: AnnotationRecord, issues: list[SpanIssue] | None = None
) -> dict[str, Any]:
    doc = make_doc(record.text, record.meta.lang)
    tokens = [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t.text),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in doc
    ]
    spans: list[dict[str, Any]] = []
    for span in record.spans:
        entry: dict[str, Any] = {
            "start": span.start,
            "end": span.end,
            "text": record.text[span.start : span.end],
            "label": span.label,
        }
        char_span = doc.char_span(span.start, span.end)
        if char_span is not None:
            entry["token_start"] = char_span.start
            entry["token_end"] = char_span.end - 1
        elif issues is not None:
            reason = "its edges fall inside a token"
            issues.append(span_issue(record, span, reason, NO_TOKENS, "token-boundary"))
        if span.layer != DEFAULT_LAYER:
            entry["layer"] = span.layer
        if span.origin is Origin.MODEL:
            entry["source"] = "model"
        spans.append(entry)
    in_hash = input_hash(record.text)
    meta = {k: v for k, v in record.meta.to_dict().items() if v}
    meta["status"] = record.status.value
    task: dict[str, Any] = {
        "text": record.text,
        "meta": meta,
        "tokens": tokens,
        "spans": spans,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, spans),
        "_view_id": "ner_manual",
        "answer": "accept",
    }
    if record.annotator:
        task["_annotator_id"] = record.annotator
    return task


def write_tasks(
    records: Iterable[AnnotationRecord], handle: IO[str], issues: list[SpanIssue] | None = None
) -> int:
    count = 0
    for record in records:
        handle.write(json.dumps(record_to_task(record, issues), ensure_ascii=False))
        handle.write("\n")
        count += 1
    return count


def write_prodigy(
    path: Path,
    records: Iterable[AnnotationRecord],
    overwrite: bool = True,
    issues: list[SpanIssue] | None = None,
) -> int:
    """Write Prodigy tasks atomically; return how many were written."""
    with atomic_write(path, overwrite=overwrite) as handle:
        return write_tasks(records, handle, issues)


def _token_chars(obj: dict[str, Any], index: int, field: str) -> int:
    tokens = obj.get("tokens")
    if not isinstance(tokens, list) or not 0 <= index < len(tokens):
        raise InputError(f"{field} {index} does not name one of the task's tokens")
    token = tokens[index]
    if not isinstance(token, dict):
        raise InputError(f"tokens[{index}] must be an object")
    return int_offset(token.get("end" if field == "token_end" else "start"), f"tokens[{index}]")


def _span(obj: dict[str, Any], raw: object, i: int) -> RawSpan:
    where = f"spans[{i}]"
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be an object")
    try:
        if "start" in raw or "end" in raw:
            start = int_offset(raw.get("start"), "start")
            end = int_offset(raw.get("end"), "end")
        else:
            first = int_offset(raw.get("token_start"), "token_start")
            last = int_offset(raw.get("token_end"), "token_end")
            start = _token_chars(obj, first, "token_start")
            end = _token_chars(obj, last, "token_end")
        label = label_string(raw.get("label"))
        text = raw.get("text")
        if text is not None and not isinstance(text, str):
            raise InputError("'text' must be a string")
    except InputError as exc:
        raise InputError(f"{where}: {exc.reason}") from None
    layer = raw.get("layer")
    return RawSpan(
        start,
        end,
        label,
        text=text,
        layer=layer if isinstance(layer, str) and layer else DEFAULT_LAYER,
        origin=Origin.MODEL if raw.get("source") == "model" else Origin.MANUAL,
        where=where,
    )


class _Reader:
    def __init__(self) -> None:
        self.skipped = {"reject": 0, "ignore": 0}
        self.relations = 0
        self.choices = 0
        self.blank: list[int] = []  # lines of tasks whose text is only white space

    def convert(self, obj: dict[str, Any], line: int) -> RawRecord | None:
        answer = obj.get("answer", "accept")
        if answer not in ANSWERS:
            raise InputError(f"'answer' must be one of {', '.join(ANSWERS)}, not {answer!r}")
        if answer != "accept":
            self.skipped[answer] += 1
            return None
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError("missing 'text' (a string)")
        if not text.strip():
            # Prodigy streams sometimes hold a blank task; it has nothing to annotate.
            self.blank.append(line)
            return None
        if "spans" not in obj:
            foreign = sorted(k for k in _SPAN_LIKE if isinstance(obj.get(k), list) and obj[k])
            if foreign:
                # Another tool's spans would otherwise pass as an empty judgment.
                raise InputError(
                    f"{', '.join(repr(k) for k in foreign)} but no 'spans': not a Prodigy task's "
                    "spans (another tool's file? give its --format)"
                )
        raw_spans = obj.get("spans", [])
        if raw_spans is None:
            raw_spans = []
        if not isinstance(raw_spans, list):
            raise InputError("'spans' must be a list")
        if isinstance(obj.get("relations"), list):
            self.relations += len(obj["relations"])
        if isinstance(obj.get("accept"), list):
            self.choices += 1
        meta_value = obj.get("meta")
        meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
        annotator = obj.get("_annotator_id") or obj.get("_session_id")
        return RawRecord(
            text=text,
            spans=[_span(obj, raw, i) for i, raw in enumerate(raw_spans)],
            meta=meta_from_mapping(meta),
            annotator=str(annotator) if annotator else None,
            # An accepted task is a finished judgment, marks or none ("accept" with no spans:
            # nothing here), unless its meta says otherwise.
            status=status_from(meta["status"]) if "status" in meta else Status.DONE,
        )

    def notices(self, file: str) -> list[str]:
        out = []
        for answer, count in self.skipped.items():
            if count:
                out.append(f"{file}: {count} task(s) answered '{answer}' were skipped")
        if self.blank:
            shown = ", ".join(str(n) for n in self.blank[:10])
            more = f" and {len(self.blank) - 10} more" if len(self.blank) > 10 else ""
            out.append(
                f"{file}: {len(self.blank)} task(s) whose text is only white space were skipped "
                f"(line {shown}{more})"
            )
        if self.relations:
            out.append(f"{file}: {self.relations} relation(s) were not imported")
        if self.choices:
            out.append(f"{file}: choices of {self.choices} task(s) were not imported")
        return out


def read_prodigy(path: Path) -> ReadResult:
    """Every accepted task of a Prodigy JSONL file as a record; InputErrors on bad lines."""
    reader = _Reader()
    raws = collect_jsonl(path, reader.convert)
    notices = reader.notices(str(path))
    if not raws:
        raise InputError("the file holds no accepted task", str(path))
    records, fit_notices = finalize(raws, str(path))
    return ReadResult(
        records=records, notices=notices + fit_notices, lines=[raw.line for raw in raws]
    )
