"""What every reader of another tool's format shares: raw records, offset fitting, validation.

Tools disagree on what an offset counts. Prodigy, spaCy and brat count code points (as this
project does); tools written in JavaScript or on Qt (INCEpTION, some Label Studio and doccano
versions) count UTF-16 units, so every character outside the Basic Multilingual Plane (emoji,
some CJK) shifts later offsets by one; and text with CRLF line ends may be counted before or after
the CRLF became one LF. Readers therefore collect :class:`RawSpan` offsets exactly as the file
states them, and :func:`finalize` decides, once per file, which counting makes every span fit its
text, converts the offsets to code points into the canonical (LF-only) text, and says so in a
notice. A file whose spans fit no counting is refused with the record and span of each misfit.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import META_FIELDS, AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.core.text import normalize_newlines
from annotator.formats.lines import check_string, date_part, short

MAX_ERRORS = 100
LAYER_SEP = ":"
"""Spans of layers other than ``entity`` are written as ``layer:LABEL`` where a format has no
field for the layer; labels of the project never contain a colon."""

DEFAULT_LAYER = "entity"


def qualified_label(span: Span) -> str:
    """The label as written in formats without a layer field."""
    return span.label if span.layer == DEFAULT_LAYER else f"{span.layer}{LAYER_SEP}{span.label}"


def split_label(value: str) -> tuple[str, str]:
    """``(layer, label)`` of a label read from a file (``layer:LABEL`` or a plain label).

    Only a lower-case word before the colon counts as a layer, so a foreign label such as
    ``ORG:GOV`` stays one label.
    """
    head, sep, tail = value.partition(LAYER_SEP)
    if sep and tail and head.isidentifier() and head.islower():
        return head, tail
    return DEFAULT_LAYER, value


@dataclass(slots=True)
class RawSpan:
    start: int
    end: int
    label: str
    text: str | None = None  # the surface the file states, checked when given
    layer: str = DEFAULT_LAYER
    origin: Origin = Origin.MANUAL
    where: str = ""  # e.g. "spans[2]" or "T3": named in errors
    group: str = ""  # fragments of one discontinuous span share a group
    ident: int | None = None  # the span's id in its record, when events or attributes refer to it


@dataclass(slots=True)
class RawRecord:
    text: str  # exactly as in the file (CRLF not yet normalised)
    spans: list[RawSpan] = field(default_factory=list)
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    annotator: str | None = None
    status: Status = Status.TODO
    line: int | None = None  # line of the file, for line-based formats
    where: str = ""  # e.g. "task 3" or "doc.ann", for the others
    group_texts: dict[str, str] = field(default_factory=dict)  # group -> surface of all parts
    # Filled by ``finalize``: the id of a span stated twice -> the id of the one kept.
    id_alias: dict[int, int] = field(default_factory=dict)
    # Relations between spans (Label Studio, doccano): (from span ident, to span ident, label,
    # where), and this app's event details written beside them (``formats.event_links``).
    links: list[tuple[int, int, str, str]] = field(default_factory=list)
    details: object = None
    region_ids: dict[str, int] = field(default_factory=dict)  # the file's region id -> span ident


@dataclass(frozen=True, slots=True)
class Counting:
    """One way of reading offsets: code points or UTF-16 units, of the raw or the LF text."""

    utf16: bool
    normalized: bool

    def describe(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "code points"
        text = "the text"
        if self.normalized:
            text += " with CRLF line ends counted as one character"
        return f"{unit} of {text}"


CODE_POINTS = Counting(utf16=False, normalized=False)
CODE_POINTS_LF = Counting(utf16=False, normalized=True)
UTF16 = Counting(utf16=True, normalized=False)
UTF16_LF = Counting(utf16=True, normalized=True)
DEFAULT_ORDER = (CODE_POINTS, CODE_POINTS_LF, UTF16, UTF16_LF)


def _utf16_starts(text: str) -> list[int] | None:
    """UTF-16 offset of each code point (plus the end), or None if the text is all BMP."""
    if text.isascii() or all(ord(ch) <= 0xFFFF for ch in text):
        return None
    starts = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        starts[i] = pos
        pos += 2 if ord(ch) > 0xFFFF else 1
    starts[len(text)] = pos
    return starts


def _crlf_positions(text: str) -> list[int]:
    """Positions of the CRs that CRLF normalisation removes (those followed by LF)."""
    return [i for i, ch in enumerate(text) if ch == "\r" and text[i + 1 : i + 2] == "\n"]


class _View:
    """One record's text under one counting, mapping file offsets to canonical code points."""

    def __init__(self, raw: str, counting: Counting) -> None:
        self.counting = counting
        self.canonical = normalize_newlines(raw)
        self.counted = self.canonical if counting.normalized else raw
        self._removed = [] if counting.normalized else _crlf_positions(raw)
        self._u16 = _utf16_starts(self.counted) if counting.utf16 else None

    def to_canonical(self, offset: int) -> int | None:
        """The canonical code point offset of a file offset, None if it falls inside a character."""
        if self._u16 is not None:
            i = bisect_right(self._u16, offset) - 1
            if i < 0 or self._u16[i] != offset:
                return None  # inside a surrogate pair, or negative
            offset = i
        if offset < 0 or offset > len(self.counted):
            return None
        if self._removed:
            offset -= bisect_right(self._removed, offset - 1)
        return offset

    def limit(self) -> int:
        return self._u16[-1] if self._u16 is not None else len(self.counted)


def _surface_equal(found: str, expected: str) -> bool:
    if found == expected:
        return True
    # Line breaks and tabs are written as spaces where a format cannot hold them (brat).
    table = str.maketrans("\n\t\r", "   ")
    return found.translate(table) == expected.translate(table)


def _fit_record(raw: RawRecord, counting: Counting) -> tuple[list[Span] | None, list[str], int]:
    """Spans of a record under one counting, or None with the reasons they do not fit.

    The third value counts span edges that cut a word or sit on white space: a weak sign that
    the counting is wrong, used when no span states its surface text.
    """
    view = _View(raw.text, counting)
    text = view.canonical
    spans: list[Span] = []
    problems: list[str] = []
    misfits = 0
    pieces: dict[str, list[str]] = {}
    for rs in raw.spans:
        where = f"{rs.where}: " if rs.where else ""
        start = view.to_canonical(rs.start)
        end = view.to_canonical(rs.end)
        if start is None or end is None or end > len(text):
            problems.append(
                f"{where}offsets {rs.start}-{rs.end} ({rs.label}) do not fit the text "
                f"({view.limit()} {'units' if counting.utf16 else 'characters'})"
            )
            continue
        if end <= start:
            problems.append(f"{where}offsets {rs.start}-{rs.end} ({rs.label}) are an empty range")
            continue
        found = text[start:end]
        if rs.text is not None and not _surface_equal(found, rs.text):
            problems.append(
                f"{where}offsets {rs.start}-{rs.end} ({rs.label}) cover {found!r}, "
                f"but the file says {rs.text!r}"
            )
            continue
        if rs.group:
            pieces.setdefault(rs.group, []).append(found)
        if (
            found[0].isspace()
            or found[-1].isspace()
            or (start > 0 and text[start - 1].isalnum() and found[0].isalnum())
            or (end < len(text) and text[end].isalnum() and found[-1].isalnum())
        ):
            misfits += 1
        spans.append(Span(start, end, rs.label, rs.origin, rs.layer, rs.ident))
    for group, expected in raw.group_texts.items():
        found_text = " ".join(pieces.get(group, []))
        if group in pieces and not _surface_equal(found_text, expected):
            problems.append(
                f"{group}: the parts cover {found_text!r}, but the file says {expected!r}"
            )
    return (None if problems else spans), problems, misfits


def _located(raw: RawRecord, file: str, reason: str) -> InputError:
    # A span's own location may already start with the record's (Label Studio's "task 1
    # annotation 0.result[0]"): say it once.
    prefix = f"{raw.where}: " if raw.where and not reason.startswith(raw.where) else ""
    return InputError(prefix + reason, file, raw.line)


def finalize(
    raws: Sequence[RawRecord],
    file: str,
    order: Sequence[Counting] = DEFAULT_ORDER,
) -> tuple[list[AnnotationRecord], list[str]]:
    """Validated records with code point offsets into LF text, and notices for the user.

    Chooses one counting for the whole file: the first of ``order`` under which every span fits
    (and, when spans state no surface text, the one cutting the fewest words). Raises InputErrors
    naming every misfit under the preferred counting when no counting fits.
    """
    if not raws:
        raise InputError("the file holds no annotated document", file)
    errors: list[InputError] = []
    for raw in raws:
        try:
            check_string(raw.text, "'text'")
            if not raw.text.strip():
                raise InputError("the text is empty")
            for rs in raw.spans:
                check_string(rs.label, f"{rs.where or 'span'} label")
        except InputError as exc:
            errors.append(_located(raw, file, exc.reason))
    if errors:
        raise InputErrors(errors[:MAX_ERRORS])

    has_cr = any("\r" in raw.text for raw in raws)
    has_astral = any(_utf16_starts(raw.text) is not None for raw in raws)
    candidates = [
        c for c in order if (not c.normalized or has_cr) and (not c.utf16 or has_astral)
    ] or [order[0]]
    best: tuple[int, int, Counting, list[list[Span]]] | None = None
    first_problems: list[InputError] = []
    for rank, counting in enumerate(candidates):
        fitted: list[list[Span]] = []
        misfits = 0
        problems: list[InputError] = []
        for raw in raws:
            spans, reasons, cuts = _fit_record(raw, counting)
            if spans is None:
                problems.extend(_located(raw, file, r) for r in reasons)
                if len(problems) >= MAX_ERRORS:
                    break
            else:
                fitted.append(spans)
                misfits += cuts
        if rank == 0:
            first_problems = problems
        if problems:
            continue
        if best is None or misfits < best[0]:
            best = (misfits, rank, counting, fitted)
        if misfits == 0:
            break
    if best is None:
        if len(candidates) > 1:
            first_problems.append(
                InputError(
                    "no counting of offsets fits every span (tried "
                    + ", ".join(c.describe() for c in candidates)
                    + ")",
                    file,
                )
            )
        raise InputErrors(first_problems[:MAX_ERRORS])

    _, _, counting, fitted = best
    notices: list[str] = []
    if counting != candidates[0]:
        notices.append(
            f"{file}: offsets count {counting.describe()}; converted to code points"
        )
    records: list[AnnotationRecord] = []
    duplicates = 0
    for raw, spans in zip(raws, fitted, strict=True):
        unique: dict[tuple[int, int, str, str], Span] = {}
        for span in spans:
            key = (span.start, span.end, span.label, span.layer)
            if key in unique:
                duplicates += 1
                kept_id = unique[key].id
                if span.id is not None and kept_id is not None:
                    raw.id_alias[span.id] = kept_id
            else:
                unique[key] = span
        records.append(
            AnnotationRecord(
                text=normalize_newlines(raw.text),
                meta=raw.meta,
                annotator=raw.annotator,
                status=raw.status,
                spans=list(unique.values()),
            )
        )
    if duplicates:
        notices.append(f"{file}: {duplicates} span(s) stated twice in one record, kept once")
    if has_cr:
        notices.append(f"{file}: CRLF line ends in the text were normalised to LF")
    return records, notices


def int_offset(value: object, name: str) -> int:
    """An offset read from JSON: an integer (not a boolean), else InputError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"'{name}' must be an integer, not {_short(value)}")
    return value


def label_string(value: object, name: str = "label") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"'{name}' must be a non-empty string, not {_short(value)}")
    return value.strip()


def _short(value: object) -> str:
    import json

    try:
        dumped = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        dumped = repr(value)
    return dumped if len(dumped) <= 40 else dumped[:37] + "..."


def meta_from_mapping(value: object) -> DocumentMeta:
    """Document metadata from a JSON object, keeping the fields this project knows."""
    if not isinstance(value, dict):
        return DocumentMeta()
    fields = {
        k: str(v)
        for k, v in value.items()
        if k in META_FIELDS and isinstance(v, str | int | float) and not isinstance(v, bool)
    }
    for k, v in fields.items():
        check_string(v, f"meta.{k}")
    if fields.get("date"):
        date = date_part(fields["date"])
        if date is None:
            raise InputError(f"meta.date {short(fields['date'])} is not a date (YYYY-MM-DD)")
        fields["date"] = date
    return DocumentMeta(**fields)


def status_from(value: object) -> Status:
    if isinstance(value, str):
        try:
            return Status(value)
        except ValueError:
            pass
    return Status.TODO


def collect_jsonl(
    path: Path,
    convert: Callable[[dict[str, Any], int], RawRecord | list[RawRecord] | None],
) -> list[RawRecord]:
    """Raw records of a JSON-lines file, one object a line; InputErrors lists every bad line.

    ``convert`` turns one object into a raw record, or several (one per annotator), or None to
    skip it, or raises InputError.
    """
    from annotator.formats.lines import read_json_lines

    def one(obj: object, number: int) -> list[RawRecord] | None:
        if not isinstance(obj, dict):
            raise InputError("expected a JSON object")
        raw = convert(obj, number)
        if raw is None:
            return None
        raws = raw if isinstance(raw, list) else [raw]
        for item in raws:
            item.line = number
        return raws

    return [raw for raws in read_json_lines(path, one, MAX_ERRORS) for raw in raws]


def text_field(obj: dict[str, Any], *keys: str) -> str:
    """The first of ``keys`` holding a string: the document text."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str):
            return value
    raise InputError(f"missing {' or '.join(repr(k) for k in keys)} (the text, a string)")


def group_by_document(records: Iterable[AnnotationRecord]) -> Iterator[list[AnnotationRecord]]:
    """Consecutive records of the same text, as the store yields them (in document order)."""
    group: list[AnnotationRecord] = []
    for record in records:
        if group and record.text_sha256 != group[0].text_sha256:
            yield group
            group = []
        group.append(record)
    if group:
        yield group
