"""Import a colleague's annotation file as their annotation set, next to the user's own.

Documents are matched by ``text_sha256``, then by normalised text (white space, newlines and
Unicode composition ignored; offsets are carried over with ``core.align``). A record whose text
matches no document becomes a new document; one whose text is only *nearly* that of a stored
document is reported and not imported, never silently misaligned. Every span is validated against
its text; a bad file imports nothing and lists its bad lines. The whole file is stored in one
transaction. Importing a file again for the same annotator replaces that annotator's spans on the
documents it holds, instead of adding them twice.

Given :class:`KnownLabels`, every span's label is checked against its layer's list: the label set
on the ``entity`` layer, the analysis schema's event categories, frame dimensions and persuasion
techniques on theirs. A label outside them is refused with its record, unless new labels are
allowed; then it is imported and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.actors import Actor, clean_name
from annotator.core.align import OffsetMap
from annotator.core.errors import InputError, InputErrors
from annotator.core.events import Argument
from annotator.core.model import AnnotationRecord, Document, Span
from annotator.core.text import normalized_for_matching
from annotator.formats.articles import decode_text
from annotator.formats.lines import check_string, iter_lines, short
from annotator.formats.registry import read_annotations
from annotator.store import Store
from annotator.store.judgments import write_judgments
from annotator.store.regions import add_regions_on_same_text
from annotator.store.span_attributes import write_attributes

if TYPE_CHECKING:
    from annotator.core.labels import LabelSet
    from annotator.core.schema import Schema

ENTITY_LAYER = "entity"

NEAR_SIMILARITY = 90.0
"""Texts at least this similar (rapidfuzz ratio, 0-100, on normalised text) are near copies."""

SUBSTITUTION_MIN = 8
SUBSTITUTION_SHARE = 100
"""Texts of one length differing in at most max(8, 1 %) single characters are one document
whose characters were substituted 1:1 (an encoding's ``\x85`` for ``…``): offsets line up."""

SAME_TITLE_SIMILARITY = 50.0
"""With the same title, texts at least this similar are taken as versions of one article."""


@dataclass(frozen=True, slots=True)
class Where:
    """A record's place in its file: a line for line-based formats, else a record number."""

    file: str
    line: int | None
    record: int  # 1-based

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return f"{self.file}: record {self.record}"

    def error(self, reason: str) -> InputError:
        if self.line is not None:
            return InputError(reason, self.file, self.line)
        return InputError(f"record {self.record}: {reason}", self.file)


@dataclass(frozen=True, slots=True)
class KnownLabels:
    """The labels an imported span may carry, by layer; ``allow_new`` imports others too."""

    layers: Mapping[str, tuple[str, ...]]
    allow_new: bool = False
    # The analysis schema: each record's events and framing must fit it (``core.events``,
    # ``core.framing`` validation), unless ``allow_new``; None checks labels only.
    schema: Schema | None = None

    @classmethod
    def of(cls, labels: LabelSet, schema: Schema, allow_new: bool = False) -> KnownLabels:
        """The label set on the entity layer, the schema's lists on the analysis layers."""
        layers = {ENTITY_LAYER: tuple(label.name for label in labels), **schema.span_layers()}
        return cls(layers, allow_new, schema)

    def unknown(self, span: Span) -> str | None:
        """Why ``span``'s label is not known (without saying where), or None if it is."""
        known = self.layers.get(span.layer)
        if known is None:
            return (
                f"unknown layer {short(span.layer)} (label {short(span.label)}; known layers: "
                f"{', '.join(self.layers)})"
            )
        if span.label in known:
            return None
        kind = "label" if span.layer == ENTITY_LAYER else f"{span.layer} label"
        return f"unknown {kind} {short(span.label)} (known: {', '.join(known)})"


@dataclass(frozen=True, slots=True)
class NearMiss:
    where: Where
    annotator: str
    document_id: int
    title: str
    similarity: float  # 0-100
    reason: str

    def line(self) -> str:
        title = f" ({self.title!r})" if self.title else ""
        return (
            f"not imported: {self.where}: {self.reason} document {self.document_id}{title}, "
            f"{self.similarity:.0f}% similar; offsets would not line up"
        )


@dataclass
class AnnotationImportReport:
    file: str
    format: str = ""
    annotators: list[str] = field(default_factory=list)
    matched: list[tuple[Where, str, int]] = field(default_factory=list)  # by sha256
    matched_normalized: list[tuple[Where, str, int]] = field(default_factory=list)
    created: list[tuple[Where, str, int]] = field(default_factory=list)  # new document ids
    near_misses: list[NearMiss] = field(default_factory=list)
    spans_added: int = 0
    spans_replaced: int = 0
    spans_changed: int = 0  # spans whose covered text changed when carried over
    # records matched to a document new in this file once white space is normalised
    created_normalized: list[Where] = field(default_factory=list)
    replaced_documents: int = 0  # documents on which an annotator already had spans
    notices: list[str] = field(default_factory=list)
    new_labels: dict[tuple[str, str], int] = field(default_factory=dict)  # (layer, label) -> spans
    off_schema: list[Where] = field(default_factory=list)  # events/framing outside the schema
    regions: int = 0  # marked regions (native ``regions``) stored on documents

    @property
    def imported(self) -> int:
        return len(self.matched) + len(self.matched_normalized) + len(self.created)

    def lines(self) -> list[str]:
        out = list(self.notices)
        if self.new_labels:
            shown = ", ".join(
                f"{label!r} on the {layer} layer ({count} span{'s' if count > 1 else ''})"
                for (layer, label), count in sorted(self.new_labels.items())
            )
            out.append(f"{self.file}: labels outside the label set and schema, imported: {shown}")
        for where in self.off_schema:
            out.append(f"{where}: events or framing that do not fit the schema, imported")
        if self.regions:
            out.append(f"{self.file}: {self.regions} region(s) of repeated lines or boilerplate stored")
        for where, name, doc_id in self.matched_normalized:
            out.append(
                f"{where}: {name}'s record matches document {doc_id} once white space and "
                "Unicode forms are normalised; its offsets were carried over"
            )
        for where, name, doc_id in self.created:
            if where in self.created_normalized:
                out.append(
                    f"{where}: {name}'s record matches new document {doc_id} (of an earlier "
                    "record of this file) once white space is normalised; its offsets were "
                    "carried over"
                )
            else:
                out.append(f"{where}: new document {doc_id} for {name}'s record")
        out += [miss.line() for miss in self.near_misses]
        if self.spans_replaced:
            out.append(
                f"replaced {self.spans_replaced} earlier spans on {self.replaced_documents} "
                "documents (the same annotator's set, imported again)"
            )
        who = ", ".join(self.annotators) or "nobody"
        out.append(
            f"{self.imported} records imported as {who}: {len(self.matched)} matched by text, "
            f"{len(self.matched_normalized)} by normalised text, "
            f"{len(self.created)} for new documents, {self.spans_added} spans"
            + (f" ({self.spans_changed} changed)" if self.spans_changed else "")
            + "; "
            f"{len(self.near_misses)} not imported"
        )
        return out


def record_lines(path: Path, count: int) -> list[int] | None:
    """Line numbers of the non-blank lines of a line-based file, if there are ``count`` of them."""
    lines: list[int] = []
    try:
        with path.open("rb") as handle:
            for number, raw in iter_lines(handle, str(path)):
                if decode_text(raw, str(path), number).strip():
                    lines.append(number)
    except (OSError, InputError):
        return None
    return lines if len(lines) == count else None


def record_places(
    path: Path, fmt: str, count: int, known: list[int | None] | None = None
) -> list[Where]:
    if known is not None and len(known) == count:
        return [Where(str(path), line, i + 1) for i, line in enumerate(known)]
    lines = None
    if fmt in ("jsonl", "prodigy", "doccano") and path.is_file():
        lines = record_lines(path, count)
    return [
        Where(str(path), lines[i] if lines is not None else None, i + 1) for i in range(count)
    ]


def _check_spans(record: AnnotationRecord) -> str | None:
    for span in record.spans:
        if span.end > len(record.text):
            return (
                f"span {span.start}-{span.end} ({span.label}) ends after the text "
                f"({len(record.text)} characters)"
            )
    return None


def _check_analysis(record: AnnotationRecord, schema: Schema | None) -> list[str]:
    """Why the events and framing of ``record`` do not fit the schema, one reason per problem,
    naming the event by its category and trigger: a value the schema does not know (category,
    mode, context, CAMEO code, factuality, date, role, frame dimension, tone, actor role) or
    puts elsewhere. Completeness rules (a category's required roles, the schema's ``checks``)
    are not a file's fit: a colleague's unfinished event is imported, and the event form shows
    what it lacks."""
    if schema is None:
        return []
    from annotator.core.events import validate_event
    from annotator.core.framing import validate_frames

    checks = {check.message for check in schema.checks}
    reasons: list[str] = []
    for number, event in enumerate(record.events, 1):
        trigger = event.trigger
        what = f"event {number} ({event.category} at {trigger.start}-{trigger.end})"
        category = schema.category(event.category)
        required = set(category.requires) if category is not None else set()
        for problem in validate_event(event, schema, len(record.text)):
            incomplete = problem.field in required and problem.message.startswith(
                f"{event.category} needs"
            )
            if problem.is_error and not incomplete and problem.message not in checks:
                reasons.append(f"{what}: {problem}")
    if record.frames is not None:
        for problem in validate_frames(record.frames, schema):
            if problem.is_error:
                reasons.append(f"framing: {problem}")
    return reasons


def _check_labels(record: AnnotationRecord, known: KnownLabels) -> list[str]:
    """Why labels of ``record`` are refused: one reason per unknown label, with its first span."""
    found: dict[tuple[str, str], list[Span]] = {}
    for span in record.spans:
        if known.unknown(span) is not None:
            found.setdefault((span.layer, span.label), []).append(span)
    reasons = []
    for spans in found.values():
        first = spans[0]
        more = f" and {len(spans) - 1} more span(s)" if len(spans) > 1 else ""
        surface = record.text[first.start : first.end]
        if len(surface) > 40:
            surface = surface[:37] + "..."
        reasons.append(
            f"span {first.start}-{first.end} {surface!r}{more}: {known.unknown(first)}"
        )
    return reasons


@dataclass
class _Known:
    """A document a record can be matched to: stored already, or new in this file."""

    text: str
    document_id: int | None = None
    new_index: int | None = None


class _Candidates:
    """Stored documents by normalised text and title, read once and only when needed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._loaded = False
        self.by_norm: dict[str, _Known] = {}
        self.norm_texts: list[str] = []
        self.norm_ids: list[tuple[int, str]] = []  # (document id, title) per norm_texts entry
        self.by_title: dict[str, list[int]] = {}
        self.by_length: dict[int, list[tuple[int, str]]] = {}  # len(text) -> (id, text)

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for doc_id, title, text in self.store.documents.iter_texts():
            norm = normalized_for_matching(text)
            self.by_norm.setdefault(norm, _Known(text, document_id=doc_id))
            self.by_length.setdefault(len(text), []).append((doc_id, text))
            self.by_title.setdefault(_title_key(title), []).append(len(self.norm_texts))
            self.norm_texts.append(norm)
            self.norm_ids.append((doc_id, title))

    def substituted(self, text: str) -> tuple[int, str, list[int]] | None:
        """(document id, its text, differing positions) of a stored text of the same length
        differing from ``text`` only in a few single characters, never a letter or digit for
        another (``\x85`` for ``…``, ``'`` for ``’``): offsets line up."""
        limit = max(SUBSTITUTION_MIN, len(text) // SUBSTITUTION_SHARE)
        for doc_id, stored in self.by_length.get(len(text), []):
            diffs: list[int] = []
            for i, (a, b) in enumerate(zip(text, stored, strict=True)):
                if a != b:
                    if a.isalnum() and b.isalnum():
                        # A changed letter is an edit of the text, not of its encoding.
                        diffs = []
                        break
                    diffs.append(i)
                    if len(diffs) > limit:
                        break
            if diffs and len(diffs) <= limit:
                return doc_id, stored, diffs
        return None

    def near(self, norm: str, title: str) -> tuple[int, str, float, str] | None:
        """(document id, title, similarity, reason) of a stored near copy of ``norm``."""
        from rapidfuzz import fuzz, process

        if not self.norm_texts:
            return None
        best = process.extractOne(
            norm, self.norm_texts, scorer=fuzz.ratio, score_cutoff=NEAR_SIMILARITY
        )
        if best is not None:
            doc_id, doc_title = self.norm_ids[best[2]]
            return doc_id, doc_title, float(best[1]), "text differs slightly from"
        key = _title_key(title)
        if key:
            for index in self.by_title.get(key, []):
                score = fuzz.ratio(norm, self.norm_texts[index])
                if score >= SAME_TITLE_SIMILARITY:
                    doc_id, doc_title = self.norm_ids[index]
                    return doc_id, doc_title, float(score), "same title, different text from"
        return None


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def import_annotations(
    store: Store,
    path: Path,
    as_name: str | None = None,
    fmt: str = "auto",
    known_labels: KnownLabels | None = None,
    label_map: Mapping[str, str] | None = None,
    label_file: Path | None = None,
) -> AnnotationImportReport:
    """Import every record of ``path`` as an annotation set (``as_name`` or the record's own).

    With ``known_labels``, a span label outside its layer's list is refused (or, if new labels are
    allowed, imported and reported).
    """
    path = Path(path)
    result = read_annotations(path, fmt, dict(label_map or {}), label_file)
    records = result.records
    report = AnnotationImportReport(
        file=str(path), format=result.format, notices=list(result.notices)
    )
    places = record_places(path, result.format, len(records), result.lines)
    if result.format != "jsonl":
        schema = known_labels.schema if known_labels is not None else None
        report.notices += _events_to_schema(records, schema, str(path))
    name = as_name.strip() if as_name is not None else None
    if as_name is not None and not name:
        raise InputError("--as needs a non-empty annotator name")

    # Validate everything before touching the database.
    errors: list[InputError] = []
    owners: list[str] = []
    first: dict[tuple[str, str], tuple[Where, AnnotationRecord]] = {}
    merged: list[tuple[Where, Where]] = []
    kept: list[int] = []  # indices of the records to import (identical duplicates merged)
    fallback = _name_from_path(path)
    unnamed = 0
    for index, (where, record) in enumerate(zip(places, records, strict=True)):
        owner = name or (record.annotator or "").strip()
        if not owner and fallback:
            owner = fallback
            unnamed += 1
        owners.append(owner)
        if not owner:
            errors.append(where.error("the record names no annotator; give one with --as NAME"))
            continue
        try:  # every format's annotator field (Label Studio's e-mail, Prodigy's session id...)
            check_string(owner, "the annotator name")
        except InputError as exc:
            errors.append(where.error(exc.reason))
            continue
        problem = _check_spans(record)
        if problem:
            errors.append(where.error(problem))
            continue
        if known_labels is not None:
            analysis = _check_analysis(record, known_labels.schema)
            if analysis and known_labels.allow_new:
                report.off_schema.append(where)
            reasons = [] if known_labels.allow_new else _check_labels(record, known_labels)
            reasons += [] if known_labels.allow_new else analysis
            if reasons:
                errors.extend(where.error(reason) for reason in reasons)
                continue
        key = (record.text_sha256, owner)
        if key in first:
            earlier, earlier_record = first[key]
            if _same_annotation(earlier_record, record):
                merged.append((where, earlier))
                continue
            errors.append(
                where.error(
                    f"the same document as {earlier}, both for annotator {owner!r}, "
                    "with different annotations"
                )
            )
            continue
        first[key] = (where, record)
        kept.append(index)
    if errors:
        raise InputErrors(errors)
    blank = [
        (where, span)
        for where, record in zip(places, records, strict=True)
        for span in record.spans
        if not record.text[span.start : span.end].strip()
    ]
    if blank:
        where, span = blank[0]
        report.notices.append(
            f"warning: {len(blank)} span(s) cover only white space (first: {where}, "
            f"{span.start}-{span.end} {span.label}); imported as they are"
        )
    if unnamed:
        report.notices.append(
            f"{path}: {unnamed} record(s) name no annotator; imported as {fallback!r}, the "
            "file's name (give another with --as NAME)"
        )
    if merged:
        shown = "; ".join(f"{w} = {e}" for w, e in merged[:10])
        more = f"; and {len(merged) - 10} more" if len(merged) > 10 else ""
        report.notices.append(
            f"{path}: {len(merged)} record(s) repeat an earlier record exactly and were merged "
            f"with it ({shown}{more})"
        )
    places = [places[i] for i in kept]
    records = [records[i] for i in kept]
    owners = [owners[i] for i in kept]

    existing = store.documents.existing_shas({r.text_sha256 for r in records})
    candidates = _Candidates(store)
    new_docs: list[Document] = []
    new_by_sha: dict[str, int] = {}
    new_by_norm: dict[str, _Known] = {}
    sets: list[tuple[str, int | None, int | None, list[Span]]] = []
    set_records: list[AnnotationRecord] = []  # the record of each set (for its analysis layer)
    created: list[tuple[Where, str, int]] = []  # (where, annotator, index into new_docs)
    landed: dict[tuple[str, int | None, int | None], Where] = {}

    def second_on(where: Where, owner: str, doc_id: int | None, index: int | None) -> bool:
        """Whether another record of ``owner`` already lands on that document (two texts that
        differ only in white space): its spans would be stored twice, which the app's own export
        of the set would then refuse as duplicate spans."""
        first_where = landed.setdefault((owner, doc_id, index), where)
        if first_where is where:
            return False
        errors.append(
            where.error(
                f"the same document as {first_where} once white space is normalised, both for "
                f"annotator {short(owner)}"
            )
        )
        return True

    for where, record, owner in zip(places, records, owners, strict=True):
        doc_id = existing.get(record.text_sha256)
        if doc_id is not None:
            if second_on(where, owner, doc_id, None):
                continue
            sets.append((owner, doc_id, None, list(record.spans)))
            set_records.append(record)
            report.matched.append((where, owner, doc_id))
            continue
        if record.text_sha256 in new_by_sha:
            index = new_by_sha[record.text_sha256]
            if second_on(where, owner, None, index):
                continue
            sets.append((owner, None, index, list(record.spans)))
            set_records.append(record)
            created.append((where, owner, index))
            continue
        norm = normalized_for_matching(record.text)
        candidates.load()
        known = candidates.by_norm.get(norm) or new_by_norm.get(norm)
        if known is not None:
            spans = _carry_spans(record, known.text)
            if spans is not None:
                changed = [
                    (a, b)
                    for a, b in zip(record.spans, spans, strict=True)
                    if record.text[a.start : a.end] != known.text[b.start : b.end]
                ]
                if changed:
                    a, b = changed[0]
                    report.notices.append(
                        f"{where}: {len(changed)} span(s) changed when carried over to the "
                        f"stored text (e.g. {record.text[a.start : a.end]!r} -> "
                        f"{known.text[b.start : b.end]!r}: white space trimmed or normalised)"
                    )
                    report.spans_changed += len(changed)
            if spans is None:
                errors.append(
                    where.error(
                        "the text matches a stored document once white space is normalised, "
                        "but a span cannot be carried over to it"
                    )
                )
                continue
            if second_on(where, owner, known.document_id, known.new_index):
                continue
            sets.append((owner, known.document_id, known.new_index, spans))
            set_records.append(record)
            if known.document_id is not None:
                report.matched_normalized.append((where, owner, known.document_id))
            elif known.new_index is not None:
                created.append((where, owner, known.new_index))
                report.created_normalized.append(where)
            continue
        substituted = candidates.substituted(record.text)
        if substituted is not None:
            doc_id, stored, diffs = substituted
            sets.append((owner, doc_id, None, list(record.spans)))
            set_records.append(record)
            report.matched_normalized.append((where, owner, doc_id))
            touched = sum(
                1 for sp in record.spans if any(sp.start <= i < sp.end for i in diffs)
            )
            first_diff = diffs[0]
            report.notices.append(
                f"{where}: {owner}'s record matches document {doc_id} but for {len(diffs)} "
                f"character substitution(s) (first at {first_diff}: "
                f"{record.text[first_diff]!r} for {stored[first_diff]!r}); offsets carried over "
                f"as they are, {touched} span(s) cover a substituted character"
            )
            continue
        near = candidates.near(norm, record.meta.title)
        if near is not None:
            doc_id, title, score, reason = near
            report.near_misses.append(NearMiss(where, owner, doc_id, title, score, reason))
            continue
        meta = record.meta
        if not meta.lang:
            from annotator.nlp.lang import detect_language
            from annotator.settings import cache_dir

            meta = meta.with_(lang=detect_language(record.text, cache_dir()))
        index = len(new_docs)
        new_docs.append(Document(record.text, meta, record.status, sha256=record.text_sha256))
        new_by_sha[record.text_sha256] = index
        new_by_norm[norm] = _Known(record.text, new_index=index)
        second_on(where, owner, None, index)
        sets.append((owner, None, index, list(record.spans)))
        set_records.append(record)
        created.append((where, owner, index))
    if errors:
        raise InputErrors(errors)

    if known_labels is not None:
        for *_, spans in sets:
            for span in spans:
                if known_labels.unknown(span) is not None:
                    key = (span.layer, span.label)
                    report.new_labels[key] = report.new_labels.get(key, 0) + 1
    before = _documents_with_spans(store, sets)
    # Native records carry actors, events and frames: stored in the same transaction.
    if result.format == "jsonl":
        report.notices += _hold_conflicting_aliases(store, set_records, str(path))
    analysed = result.format == "jsonl" or any(r.events or r.attributes for r in set_records)
    store_analysis = _analysis_importer(store, sets, set_records) if analysed else None

    def after(conn: Any, owners: list[tuple[int, int]]) -> None:
        if store_analysis is not None:
            store_analysis(conn, owners)
        # Each record's status is its annotator's judgment of the document: a record finished
        # with nothing marked is kept as "nothing here" (store.judgments).
        statuses = {owner: r.status for owner, r in zip(owners, set_records, strict=True)}
        write_judgments(conn, [(doc, ann, status) for (doc, ann), status in statuses.items()])
        report.regions = _store_regions(conn, owners, set_records)

    new_ids, replaced = store.records.import_sets(new_docs, sets, after=after)
    report.spans_replaced = replaced
    report.replaced_documents = before
    report.spans_added = sum(len(spans) for *_, spans in sets)
    report.created = [(where, owner, new_ids[index]) for where, owner, index in created]
    report.annotators = sorted({owner for owner, *_ in sets})
    return report


def _events_to_schema(
    records: list[AnnotationRecord], schema: Schema | None, file: str
) -> list[str]:
    """Fit another tool's events to the schema; return the notices saying what did not fit.

    An event read from links between spans (MAE's link tags) stands on a span of another layer:
    it is an event when the span's label is an event category of the schema (the span moves to
    the event layer), and is left out, counted by label, otherwise. Arguments are named by the
    schema's roles: a role matches a role's id or name, ignoring case and a trailing number
    (brat's ``Theme2``); an argument of a role the schema does not know is left out and counted
    (``--map ROLE=role`` names it). Nothing is dropped without a word.
    """
    import re

    from annotator.core.events import EVENT_LAYER

    notices: list[str] = []
    notices += _links_to_events(records, schema, file)
    not_events: dict[str, int] = {}
    for record in records:
        kept_events = []
        moved: set[int] = set()
        for event in record.events:
            trigger = event.trigger
            if trigger.layer != EVENT_LAYER:
                if schema is None or schema.category(trigger.label) is None:
                    not_events[trigger.label] = not_events.get(trigger.label, 0) + 1
                    continue
                if trigger.id is not None:
                    moved.add(trigger.id)
                event = event.with_(trigger=trigger.with_(layer=EVENT_LAYER))
            kept_events.append(event)
        record.events = kept_events
        if moved:
            record.spans = [
                s.with_(layer=EVENT_LAYER) if s.id in moved else s for s in record.spans
            ]
    if not_events:
        shown = ", ".join(f"{label!r} ({n})" for label, n in sorted(not_events.items()))
        notices.append(
            f"warning: {file}: {sum(not_events.values())} event(s) read from links start from a "
            f"span whose label is no event category, not imported: {shown} (map a label to a "
            "category with --map LABEL=CATEGORY)"
        )
    if schema is None:
        return notices

    by_name: dict[str, str] = {}
    for role in schema.roles:
        by_name[role.id.casefold()] = role.id
        by_name[role.name.casefold()] = role.id
    left: dict[str, int] = {}
    for record in records:
        events = []
        for event in record.events:
            kept = []
            for argument in event.arguments:
                found = by_name.get(re.sub(r"[0-9]+$", "", argument.role).casefold())
                if found is None:
                    left[argument.role] = left.get(argument.role, 0) + 1
                else:
                    kept.append(Argument(found, argument.ref))
            events.append(event.with_(arguments=tuple(kept)))
        record.events = events
    if left:
        shown = ", ".join(f"{role!r} ({n})" for role, n in sorted(left.items()))
        roles = ", ".join(role.id for role in schema.roles)
        notices.append(
            f"warning: {file}: {sum(left.values())} event argument(s) of roles the schema does "
            f"not know were not imported: {shown} (map them with --map ROLE=role; roles: {roles})"
        )
    return notices


def _links_to_events(
    records: list[AnnotationRecord], schema: Schema | None, file: str
) -> list[str]:
    """Turn relations between spans (Label Studio, doccano) into event arguments, as brat's
    relations are: a relation with one end an event (a trigger, a span of the event layer, or,
    after ``--map``, a span labelled with an event category of the schema) is an argument of that
    event, its role the relation's label, pointing at the other end; a span labelled with a
    category that triggers no event yet becomes one. A relation with both ends events, neither,
    or no label is named in the summary. Returns the notices."""
    from annotator.core.events import EVENT_LAYER, Event, Ref

    mapped = 0
    events: set[tuple[int, int]] = set()  # (record, trigger span) of events given arguments
    unmapped: list[str] = []
    for number, record in enumerate(records):
        if not record.links:
            continue
        spans = {s.id: s for s in record.spans if s.id is not None}
        arguments: dict[int, list[Argument]] = {
            e.trigger.id: list(e.arguments) for e in record.events if e.trigger.id is not None
        }

        for link in record.links:
            a, b = spans[link.from_span], spans[link.to_span]
            shown = f"{link.where} ({link.label or 'no label'} {short(record.text[a.start:a.end], 30)} " \
                f"{short(record.text[b.start:b.end], 30)})"
            ea, eb = (
                span.id in arguments
                or span.layer == EVENT_LAYER
                or (schema is not None and schema.category(span.label) is not None)
                for span in (a, b)
            )
            if ea == eb:
                unmapped.append(f"{shown}: {'both ends are' if ea else 'neither end is'} an event")
                continue
            if not link.label:
                unmapped.append(f"{shown}: the relation has no label to be the role")
                continue
            trigger, other = (a, b) if ea else (b, a)
            arguments.setdefault(trigger.id, []).append(  # type: ignore[arg-type]
                Argument(link.label, Ref(span_id=other.id))
            )
            events.add((number, trigger.id))  # type: ignore[arg-type]
            mapped += 1
        known = {e.trigger.id for e in record.events}
        record.events = [
            e.with_(arguments=tuple(arguments[e.trigger.id]))  # type: ignore[index]
            if e.trigger.id in arguments else e
            for e in record.events
        ] + [
            Event(trigger=spans[sid], category=spans[sid].label, arguments=tuple(args))
            for sid, args in arguments.items()
            if sid not in known
        ]
        record.links = []
    notices = []
    if mapped:
        notices.append(
            f"{file}: {mapped} relation(s) read as arguments of {len(events)} event(s), each the "
            "event at one end"
        )
    if unmapped:
        shown = "; ".join(unmapped[:5]) + ("; ..." if len(unmapped) > 5 else "")
        notices.append(f"warning: {file}: {len(unmapped)} relation(s) not mapped: {shown}")
    return notices


def _store_regions(
    conn: Any, owners: list[tuple[int, int]], records: list[AnnotationRecord]
) -> int:
    """The records' marked regions (native JSONL ``regions``), on the documents whose text is
    the record's own (offsets carried to a text that differs in white space would not hold)."""
    return add_regions_on_same_text(
        conn,
        [(doc, r.text_sha256, r.regions) for (doc, _ann), r in zip(owners, records, strict=True)],
    )


def _hold_conflicting_aliases(
    store: Store, records: list[AnnotationRecord], file: str
) -> list[str]:
    """Keep a colleague's file from rewriting the shared registry: an imported actor's alias
    that already names another actor of the registry (an "Iran" carrying "United States") is
    not added; it is listed for the analyst, who can add it in the actor panel if it is right.
    Returns the notices. The records' actors lose those aliases."""
    stored = store.actors.all()
    if not stored:
        return []
    by_uid = {actor.uid: actor for actor in stored}
    by_name: dict[str, Actor] = {}
    for actor in stored:
        for name in (actor.name, *actor.aliases):
            by_name.setdefault(clean_name(name).casefold(), actor)
    notices: list[str] = []
    for record in records:
        for i, actor in enumerate(record.actors):
            target = by_uid.get(actor.uid) or by_name.get(clean_name(actor.name).casefold())
            kept: list[str] = []
            for alias in actor.aliases:
                other = by_name.get(clean_name(alias).casefold())
                if other is not None and (target is None or other.id != target.id):
                    notices.append(
                        f"{file}: actor {short(actor.name)}: the alias {short(alias)} names "
                        f"{short(other.name)} in the registry; not added (a proposal: add it in "
                        "the actor panel if it is right)"
                    )
                else:
                    kept.append(alias)
            if len(kept) != len(actor.aliases):
                record.actors[i] = actor.with_(aliases=tuple(kept))
    return notices


def _analysis_importer(
    store: Store,
    sets: list[tuple[str, int | None, int | None, list[Span]]],
    set_records: list[AnnotationRecord],
) -> Callable[[Any, list[tuple[int, int]]], None]:
    """Store each record's actors, mentions, events and frames once its spans are stored."""
    repo = store.record_analysis

    def after(conn: Any, owners: list[tuple[int, int]]) -> None:
        for (_owner, _doc, _index, spans), record, (doc_id, annotator_id) in zip(
            sets, set_records, owners, strict=True
        ):
            stored = repo.stored_span_ids(conn, doc_id, annotator_id)
            # ``spans`` are the record's spans, in order, carried over to the stored text.
            span_ids = {
                original.id: stored[(s.start, s.end, s.label, s.layer)]
                for original, s in zip(record.spans, spans, strict=True)
                if original.id is not None
            }
            repo.store_record(conn, doc_id, annotator_id, record, span_ids)
            for span_id, values in record.attributes.items():
                if span_id in span_ids:
                    write_attributes(conn, span_ids[span_id], values)

    return after


def _documents_with_spans(
    store: Store, sets: list[tuple[str, int | None, int | None, list[Span]]]
) -> int:
    """How many (annotator, stored document) pairs of ``sets`` already have spans."""
    annotators = {a.name: a.id for a in store.annotators.all()}
    count = 0
    cache: dict[int, set[int]] = {}
    for owner, doc_id, _index, _spans in sets:
        if doc_id is None or owner not in annotators:
            continue
        ann_id = annotators[owner]
        if ann_id not in cache:
            cache[ann_id] = set(store.spans.annotated_document_ids(ann_id))
        if doc_id in cache[ann_id]:
            count += 1
    return count


def _name_from_path(path: Path) -> str:
    """The annotator a file stands for when its records name none: its name without suffix
    (a folder's name for a brat folder)."""
    return (path.name if path.is_dir() else path.stem).strip()


def _same_annotation(a: AnnotationRecord, b: AnnotationRecord) -> bool:
    """Whether two records of one text and annotator say the same thing (spans and status)."""

    def key(r: AnnotationRecord) -> tuple[object, ...]:
        return (
            r.status,
            sorted((s.start, s.end, s.label, s.layer, s.origin.value) for s in r.spans),
            [repr(e) for e in r.events],
            repr(r.frames),
        )

    return key(a) == key(b)


def _carry_spans(record: AnnotationRecord, target: str) -> list[Span] | None:
    if record.text == target:
        return list(record.spans)
    try:
        mapping = OffsetMap(record.text, target)
    except ValueError:
        return None
    spans: list[Span] = []
    for span in record.spans:
        moved = mapping.span(span.start, span.end)
        if moved is None:
            return None
        spans.append(span.with_(start=moved[0], end=moved[1], id=None))
    return spans
