"""The native JSONL format: one line per document and annotator.

Described in ``docs/FORMAT.md`` and by the JSON Schema ``resources/annotator-record.schema.json``.
Offsets are code points, end exclusive, so ``text[start:end] == span["text"]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.core.text import normalize_newlines, sha256_text
from annotator.formats.articles import decode_text
from annotator.formats.atomic import atomic_write
from annotator.formats.lines import check_string, iter_lines, parse_json

FORMAT_VERSION = 1
MAX_ERRORS = 100


def record_to_json(record: AnnotationRecord) -> dict[str, Any]:
    text = record.text
    return {
        "text": text,
        "text_sha256": record.text_sha256,
        "meta": record.meta.to_dict(),
        "annotator": record.annotator,
        "status": record.status.value,
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": text[s.start : s.end],
                "origin": s.origin.value,
                "layer": s.layer,
            }
            for s in record.spans
        ],
        "format_version": FORMAT_VERSION,
    }


def dumps_record(record: AnnotationRecord) -> str:
    return json.dumps(record_to_json(record), ensure_ascii=False)


def write_records(
    records: Iterable[AnnotationRecord],
    handle: IO[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    count = 0
    for record in records:
        handle.write(dumps_record(record))
        handle.write("\n")
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


def span_from_json(obj: object, text: str, index: int) -> Span:
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
    check_string(layer, f"spans[{index}].layer")
    return Span(start, end, label, Origin(origin), layer)


def record_from_json(obj: object, known_labels: Callable[[str], bool] | None = None) -> AnnotationRecord:
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError("missing 'text' (a string)")
    if not text:
        raise InputError("'text' is empty")
    check_string(text, "'text'")
    if "\r" in text:
        # Offsets of a file whose text has CR characters refer to that text; normalising it would
        # shift them. Only accept CR-free text, which is what this project writes.
        if obj.get("spans"):
            raise InputError("text contains carriage returns (CR); spans would not line up")
        text = normalize_newlines(text)
    sha = obj.get("text_sha256")
    if sha is not None:
        if not isinstance(sha, str):
            raise InputError("'text_sha256' must be a string")
        if sha != sha256_text(text):
            raise InputError("'text_sha256' does not match the text")
    meta_obj = obj.get("meta", {})
    if meta_obj is None:
        meta_obj = {}
    if not isinstance(meta_obj, dict):
        raise InputError("'meta' must be an object")
    for key, value in meta_obj.items():
        if value is not None and not isinstance(value, str | int | float):
            raise InputError(f"meta.{key} must be a string")
        if isinstance(value, str):
            check_string(value, f"meta.{key}")
    meta = DocumentMeta.from_dict(meta_obj)
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
    for i, raw in enumerate(raw_spans):
        span = span_from_json(raw, text, i)
        if known_labels is not None and not known_labels(span.label):
            raise InputError(f"spans[{i}]: unknown label {span.label!r}")
        key = (span.start, span.end, span.label, span.layer)
        if key in seen:
            raise InputError(f"spans[{i}]: duplicate span {span.start}-{span.end} {span.label}")
        seen.add(key)
        spans.append(span)
    return AnnotationRecord(
        text=text, meta=meta, annotator=annotator, status=status, spans=spans
    )


def read_jsonl(
    path: Path, known_labels: Callable[[str], bool] | None = None
) -> list[AnnotationRecord]:
    """Read and validate a whole native JSONL file; raise InputErrors listing every bad line."""
    file = str(path)
    records: list[AnnotationRecord] = []
    errors: list[InputError] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file) from None
    first_line: dict[tuple[str, str | None], int] = {}
    with handle:
        try:
            for number, raw in iter_lines(handle, file):
                try:
                    line = decode_text(raw, file, number).strip()
                    if not line:
                        continue
                    record = record_from_json(parse_json(line), known_labels)
                    key = (record.text_sha256, record.annotator)
                    if key in first_line:
                        raise InputError(
                            f"duplicate record: same text and annotator as line {first_line[key]}"
                        )
                    first_line[key] = number
                    records.append(record)
                except InputError as exc:
                    errors.append(exc.located(file, number))
                    if len(errors) >= MAX_ERRORS:
                        break
        except InputError as exc:  # a line over the size limit: stop reading there
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    if not records:
        raise InputError("the file holds no record", file)
    return records
