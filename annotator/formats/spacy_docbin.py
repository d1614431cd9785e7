"""spaCy DocBin (``.spacy``): the corpus ``spacy train`` reads, and a reader for it.

Each record becomes one ``Doc`` tokenised by a blank pipeline of the document's language:

- ``doc.ents``: spans of the ``entity`` and ``actor`` layers, except where they overlap (the
  longest, then the first, wins; every other one is reported and kept in ``doc.spans``);
- ``doc.spans[layer]``: every span of every layer, overlapping or not;
- ``doc.cats``: document categories (frames and the primary frame, once documents carry them);
- ``doc.user_data``: the document's metadata, annotator, status and text hash.

spaCy spans are made of whole tokens. A span is aligned to tokens with spaCy's own
``char_span`` alignment mode, chosen by ``export --align``: ``strict`` keeps only spans whose
edges are token edges; ``contract`` (the default) and ``expand`` first trim white space (and
white-space tokens, which ``spacy debug data`` flags) at the edges, then shrink or grow the span
to whole tokens. Every span changed or dropped is reported with its document, before and after.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord, Origin, Span
from annotator.formats.atomic import atomic_write
from annotator.formats.foreign import (
    DEFAULT_LAYER,
    RawRecord,
    RawSpan,
    finalize,
    meta_from_mapping,
    status_from,
)
from annotator.formats.issues import ALIGNED, DROPPED, KEPT_IN_SPANS, SpanIssue, span_issue
from annotator.formats.lines import read_bounded
from annotator.formats.read_result import ReadResult
from annotator.formats.tokens import blank_nlp, make_doc

ENT_LAYERS = ("entity", "actor")
"""Layers whose spans are named entities, trained as NER from ``doc.ents``."""


def document_cats(record: AnnotationRecord) -> dict[str, float]:
    """Document categories for ``doc.cats``: one per frame, and the primary frame.

    Records hold no frames yet; when they do, this is the one place that maps them (e.g.
    ``{"frame:Security and defense": 1.0, "primary:Security and defense": 1.0}``).
    """
    return {}


def _choose_ents(spans: list[Span]) -> tuple[list[Span], list[tuple[Span, Span]]]:
    """Non-overlapping spans for ``doc.ents`` (longest first, then leftmost) and the losers."""
    kept: list[Span] = []
    lost: list[tuple[Span, Span]] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label)):
        blocker = next((k for k in kept if k.overlaps(span)), None)
        if blocker is None:
            kept.append(span)
        else:
            lost.append((span, blocker))
    kept.sort(key=lambda s: (s.start, s.end))
    return kept, lost


ALIGN_MODES = ("strict", "contract", "expand")
"""spaCy's ``char_span`` alignment modes, offered by ``export --align``."""

DEFAULT_ALIGN = "contract"


def _align(doc: Any, span: Span, mode: str) -> Any:
    """The spaCy span for ``span`` under ``mode``, white space trimmed at its edges (except in
    strict mode), or None if it holds no whole token."""
    text = doc.text
    start, end = span.start, span.end
    if mode != "strict":
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
    char_span = doc.char_span(start, end, label=span.label, alignment_mode=mode)
    if char_span is None or len(char_span) == 0:
        return None
    first, last = char_span.start, char_span.end
    while first < last and doc[first].is_space:  # white-space tokens at an edge
        first += 1
    while last > first and doc[last - 1].is_space:
        last -= 1
    if first >= last:
        return None
    from spacy.tokens import Span as SpacySpan

    return SpacySpan(doc, first, last, label=span.label)


def record_to_doc(
    record: AnnotationRecord,
    issues: list[SpanIssue] | None = None,
    align: str = DEFAULT_ALIGN,
) -> Any:
    from spacy.tokens import Span as SpacySpan

    if align not in ALIGN_MODES:
        raise InputError(f"unknown alignment {align!r} (choose from {', '.join(ALIGN_MODES)})")
    doc = make_doc(record.text, record.meta.lang)
    aligned: list[tuple[Span, Any]] = []
    for span in record.spans:
        char_span = _align(doc, span, align)
        if char_span is None:
            if issues is not None:
                reason = (
                    "its edges fall inside a token"
                    if align == "strict"
                    else f"it holds no whole token ({align} alignment)"
                )
                if not record.text[span.start : span.end].strip():
                    reason = "it covers only white space"
                issues.append(span_issue(record, span, reason, DROPPED, "token-boundary"))
            continue
        a, b = char_span.start_char, char_span.end_char
        if (a, b) != (span.start, span.end) and issues is not None:
            reason = f"written as {a}-{b} {record.text[a:b]!r} ({align} alignment)"
            issues.append(span_issue(record, span, reason, ALIGNED, "aligned"))
        aligned.append((span, char_span))
    by_span = {id(span): char_span for span, char_span in aligned}
    ents, lost = _choose_ents([s for s, _ in aligned if s.layer in ENT_LAYERS])
    for span, blocker in lost:
        if issues is not None:
            reason = f"overlaps {blocker.start}-{blocker.end} {blocker.label} in doc.ents"
            issues.append(span_issue(record, span, reason, KEPT_IN_SPANS, "overlap"))
    doc.ents = [by_span[id(span)] for span in ents]
    layers: dict[str, list[Any]] = {}
    origins: dict[str, list[str]] = {}
    for span, char_span in aligned:
        layers.setdefault(span.layer, []).append(
            SpacySpan(doc, char_span.start, char_span.end, label=span.label)
        )
        origins.setdefault(span.layer, []).append(span.origin.value)
    for layer, group in layers.items():
        doc.spans[layer] = group
    doc.cats = document_cats(record)
    doc.user_data["annotator"] = {
        "meta": record.meta.to_dict(),
        "annotator": record.annotator,
        "status": record.status.value,
        "text_sha256": record.text_sha256,
        "origins": origins,
    }
    return doc


def write_docbin(
    path: Path,
    records: Iterable[AnnotationRecord],
    overwrite: bool = True,
    issues: list[SpanIssue] | None = None,
    align: str = DEFAULT_ALIGN,
) -> int:
    """Write a ``.spacy`` file atomically; return the number of documents written."""
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    count = 0
    for record in records:
        docbin.add(record_to_doc(record, issues, align))
        count += 1
    data = docbin.to_bytes()
    with atomic_write(path, overwrite=overwrite, mode="wb") as handle:
        handle.write(data)
    return count


MAX_DECOMPRESSED = 256 * 1024 * 1024
"""What a ``.spacy`` file may decompress to (a 1 MB file of zeros decompresses to 1 GB)."""
MAX_STRINGS = 5_000_000
MAX_DOCS = 1_000_000
_LISTS = {"strings": MAX_STRINGS, "attrs": 1_000}  # every other list holds one item per doc


def check_docbin_bytes(data: bytes, file: str) -> None:
    """Refuse a ``.spacy`` file whose content would take unbounded memory to load.

    spaCy's ``DocBin.from_bytes`` decompresses the whole file and unpacks every list in it; a
    small file can hold gigabytes of either. This decompresses at most ``MAX_DECOMPRESSED``
    bytes, then reads only the msgpack headers of the lists (strings, docs' user data, span
    groups...) to check their lengths, without building them.
    """
    # First only count what decompression gives, a megabyte at a time, keeping none of it.
    inflater = zlib.decompressobj()
    size, pending = 0, data
    try:
        while pending and size <= MAX_DECOMPRESSED:
            size += len(inflater.decompress(pending, 1024 * 1024))
            pending = inflater.unconsumed_tail
        raw = zlib.decompress(data) if size <= MAX_DECOMPRESSED else b""
    except zlib.error as exc:
        raise InputError(f"not a spaCy DocBin file ({exc})", file) from None
    if size > MAX_DECOMPRESSED:
        raise InputError(
            f"decompresses to more than {MAX_DECOMPRESSED // (1024 * 1024)} MiB; not supported "
            "(a file this size should not hold that much)",
            file,
        )
    from srsly.msgpack import Unpacker

    unpacker = Unpacker(raw=False, max_buffer_size=len(raw) + 1)
    unpacker.feed(raw)
    try:
        keys = unpacker.read_map_header()
        if keys > 32:
            raise ValueError(f"{keys} top-level fields")
        for _ in range(keys):
            key = unpacker.unpack()
            limit = _LISTS.get(key, MAX_DOCS) if isinstance(key, str) else 0
            try:
                count = unpacker.read_array_header()
            except ValueError:  # not a list (bytes of the token table, ...): passed over
                unpacker.skip()
                continue
            if count > limit:
                raise InputError(f"{key!s:.20}: {count} items, more than {limit}; not supported", file)
            for _ in range(count):
                unpacker.skip()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - msgpack fails on corrupt data in many ways
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:80]
        raise InputError(f"not a spaCy DocBin file ({reason})", file) from None


def read_docbin(path: Path) -> ReadResult:
    """Records of a ``.spacy`` file: spans from ``doc.spans`` groups, else from ``doc.ents``."""
    from spacy.tokens import DocBin

    file = str(path)
    try:
        data = read_bounded(path)
        check_docbin_bytes(data, file)
        docbin = DocBin().from_bytes(data)
        docs = list(docbin.get_docs(blank_nlp("xx").vocab))
    except InputError:
        raise
    except Exception as exc:  # corrupt bytes fail in zlib, msgpack or spaCy, each its own way
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:80]
        raise InputError(f"not a spaCy DocBin file ({reason})", file) from None
    raws: list[RawRecord] = []
    for number, doc in enumerate(docs, start=1):
        info = doc.user_data.get("annotator")
        info = info if isinstance(info, dict) else {}
        origins_value = info.get("origins")
        origins: dict[str, Any] = origins_value if isinstance(origins_value, dict) else {}
        spans: list[RawSpan] = []
        groups = {key: list(group) for key, group in doc.spans.items()}
        if not groups:
            groups = {DEFAULT_LAYER: list(doc.ents)}
        for layer, group in groups.items():
            layer_origins = origins.get(layer) or []
            for i, span in enumerate(group):
                by_model = i < len(layer_origins) and layer_origins[i] == "model"
                origin = Origin.MODEL if by_model else Origin.MANUAL
                spans.append(
                    RawSpan(
                        span.start_char,
                        span.end_char,
                        span.label_,
                        span.text,
                        layer,
                        origin=origin,
                        where=f"doc.spans[{layer!r}][{i}]",
                    )
                )
        annotator = info.get("annotator")
        raws.append(
            RawRecord(
                text=doc.text,
                spans=spans,
                meta=meta_from_mapping(info.get("meta")),
                annotator=annotator if isinstance(annotator, str) and annotator else None,
                status=status_from(info.get("status")),
                where=f"doc {number}",
            )
        )
    records, notices = finalize(raws, file)
    return ReadResult(records=records, notices=notices)
