"""Review colleagues' work: the agreement report, and adjudication into a gold set.

The report compares two or more annotation sets, read from files (one set per file) or from the
database (one set per annotator), over the documents they share, matched by ``text_sha256``:
spans, token labels, and the analysis (actor links, events, framing). Tokens follow one rule for
every language (``core.tokens``), so figures do not depend on which pipelines are installed. The
figures themselves are computed in ``core.agreement`` and defined in ``docs/AGREEMENT.md``.

Adjudication walks the differences between annotators and writes each decision into the gold
annotator's set as a command with ``do``/``undo`` (the GUI wraps them in its undo stack), exactly
like the annotation commands of ``services.annotate``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.actors import Actor
from annotator.core.agreement import (
    OUTSIDE,
    ActorIdentity,
    AgreementReport,
    Counts,
    DocumentAnnotations,
    PairAgreement,
    SpanScores,
    Tally,
    compare,
)
from annotator.core.differences import (
    EVENT_FIELDS,
    Difference,
    EventDifference,
    FrameDifference,
    document_differences,
)
from annotator.core.errors import InputError, InputErrors, StoreError
from annotator.core.events import Event
from annotator.core.framing import FrameAssessment
from annotator.core.model import AnnotationRecord, Origin, Span
from annotator.services.annotate import Change
from annotator.services.gc_pause import paused_gc
from annotator.store import Store

READ_BATCH = 500  # documents read from the database at once by review_database

# -- reading annotation sets ------------------------------------------------------------------


@dataclass
class AnnotationSet:
    """One annotator's records, from one file or from the database."""

    name: str
    source: str
    records: list[AnnotationRecord] = field(default_factory=list)


def _read_set(path: Path, fmt: str) -> tuple[list[AnnotationRecord], list[str]]:
    from annotator.formats.registry import read_annotations
    from annotator.services.annotations_import import record_places

    result = read_annotations(path, fmt)
    places = record_places(path, result.format, len(result.records))
    seen: dict[str, str] = {}
    errors: list[InputError] = []
    for where, record in zip(places, result.records, strict=True):
        if record.text_sha256 in seen:
            errors.append(
                where.error(
                    f"the same document as {seen[record.text_sha256]}: a file given to review "
                    "holds one annotation set (export one with `annotator export --annotator NAME`)"
                )
            )
        else:
            seen[record.text_sha256] = str(where)
    if errors:
        raise InputErrors(errors)
    return result.records, [n for n in result.notices if not n.endswith(f"read as {result.format}")]


def _unique_name(wanted: str, stem: str, taken: set[str]) -> str:
    for candidate in (wanted, stem):
        if candidate and candidate not in taken:
            return candidate
    n = 2
    while f"{stem} ({n})" in taken:
        n += 1
    return f"{stem} ({n})"


def load_sets(paths: Sequence[Path], fmt: str = "auto") -> tuple[list[AnnotationSet], list[str]]:
    """Read each file as one annotation set; every bad line of every file is reported."""
    sets: list[AnnotationSet] = []
    notices: list[str] = []
    errors: list[InputError] = []
    taken: set[str] = set()
    for path in paths:
        try:
            records, file_notices = _read_set(Path(path), fmt)
        except InputErrors as exc:
            errors += exc.errors
            continue
        except InputError as exc:
            errors.append(exc.located(str(path)))
            continue
        notices += file_notices
        names = {r.annotator for r in records if r.annotator}
        wanted = names.pop() if len(names) == 1 else ""
        name = _unique_name(wanted, Path(path).stem, taken)
        taken.add(name)
        sets.append(AnnotationSet(name, str(path), records))
    if errors:
        raise InputErrors(errors)
    return sets, notices


def tone_scale() -> tuple[str, ...]:
    """The schema's tone values from one end of the scale to the other (for the ordinal alpha)."""
    from annotator.core.schema import default_schema

    return tuple(t.id for t in sorted(default_schema().tone, key=lambda t: t.value))


def add_analysis(
    doc: DocumentAnnotations,
    name: str,
    actors: Sequence[Actor],
    mentions: dict[int, int],
    events: Sequence[Event],
    frames: FrameAssessment | None,
    actor_name: Callable[[Actor], str],
) -> None:
    """Put one annotator's actor links, events and framing of ``doc`` where agreement reads them.

    ``mentions`` maps span ids to the ids of ``actors``; ``actor_name`` gives the name that stands
    for an actor in every set (the same real-world actor, the same name).
    """
    names = {actor.id: actor_name(actor) for actor in actors if actor.id is not None}
    doc.actor_names[name] = names
    doc.links[name] = {span: names[actor] for span, actor in mentions.items() if actor in names}
    doc.events[name] = list(events)
    doc.frames[name] = frames


def documents_from_sets(sets: Sequence[AnnotationSet]) -> list[DocumentAnnotations]:
    """One entry per distinct text (by sha256), in first-seen order, tokenized once.

    Actors are told apart across files by ``ActorIdentity`` (same uid, or same name ignoring
    case): the first file to name an actor gives the name that stands for it.
    """
    identity = ActorIdentity()
    for annotation_set in sets:
        for record in annotation_set.records:
            for actor in record.actors:
                identity.add(actor)
    by_sha: dict[str, tuple[AnnotationRecord, dict[str, AnnotationRecord]]] = {}
    for annotation_set in sets:
        for record in annotation_set.records:
            entry = by_sha.setdefault(record.text_sha256, (record, {}))
            entry[1][annotation_set.name] = record
    docs: list[DocumentAnnotations] = []
    for sha, (first, records) in by_sha.items():
        spans = {name: list(record.spans) for name, record in records.items()}
        doc = DocumentAnnotations(sha, first.text, spans, first.meta.title)
        for name, record in records.items():
            add_analysis(
                doc,
                name,
                record.actors,
                record.mentions,
                record.events,
                record.frames,
                identity.name,
            )
        docs.append(doc)
    return docs


def review_files(paths: Sequence[Path], fmt: str = "auto") -> AgreementReport:
    """The agreement report of two or more annotation files (one annotation set per file)."""
    if len(paths) < 2:
        raise InputError("review needs two or more annotation files")
    with paused_gc():
        sets, notices = load_sets(paths, fmt)
        docs = documents_from_sets(sets)
        report = compare(
            docs, [s.name for s in sets], {s.name: s.source for s in sets}, tone_scale()
        )
    report.notes = notices + report.notes
    return report


def _resolve_annotators(store: Store, names: Sequence[str]) -> dict[str, int]:
    if len(names) < 2 or len(set(names)) != len(names):
        raise InputError("name two or more different annotators (--annotators a,b)")
    known = {a.name: a.id for a in store.annotators.all()}
    missing = [n for n in names if n not in known]
    if missing:
        have = ", ".join(sorted(known)) or "none"
        raise StoreError(f"no annotator named {', '.join(map(repr, missing))} (annotators: {have})")
    return {n: known[n] for n in names}


def _actor_name(actor: Actor) -> str:
    return actor.name  # in one database an actor is one row, its name unique


# Below this many documents a worker process costs more (about half a second to start) than
# it saves; above it the documents are counted in parts, one per CPU, and the tallies merged.
PARALLEL_MIN_DOCUMENTS = 2_000
MAX_WORKERS = 4


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _in_parts(function: Callable[..., Tally], arguments: Sequence[tuple[Any, ...]]) -> Tally:
    """``function(*args)`` for each part, the first here and the others in worker processes at
    the same time; their tallies merged in order. A part whose worker could not run (no process
    could be started, or it died) is counted here instead."""
    if len(arguments) == 1:
        return function(*arguments[0])
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        # spawn, not fork: the window's threads (Qt, the spaCy worker) must not be copied.
        pool = ProcessPoolExecutor(
            len(arguments) - 1, mp_context=multiprocessing.get_context("spawn")
        )
        futures = [pool.submit(function, *args) for args in arguments[1:]]
    except (OSError, RuntimeError):
        return _merged([function(*args) for args in arguments])
    with pool:
        tallies = [function(*arguments[0])]
        for future, args in zip(futures, arguments[1:], strict=True):
            try:
                tallies.append(future.result())
            except (BrokenProcessPool, OSError):
                tallies.append(function(*args))
    return _merged(tallies)


def _merged(tallies: Sequence[Tally]) -> Tally:
    total = tallies[0]
    for tally in tallies[1:]:
        total.merge(tally)
    return total


def _parts(doc_ids: Sequence[int], workers: int | None) -> list[list[int]]:
    if workers is None:
        many = len(doc_ids) >= PARALLEL_MIN_DOCUMENTS
        workers = min(_cpus(), MAX_WORKERS) if many else 1
    workers = max(1, min(workers, len(doc_ids)))
    size = -(-len(doc_ids) // workers) if doc_ids else 1
    return [list(doc_ids[i : i + size]) for i in range(0, len(doc_ids), size)] or [[]]


def _tally_database(
    db: str,
    names: Sequence[str],
    ids: Mapping[str, int],
    doc_ids: Sequence[int],
    annotated: Mapping[str, set[int]],
    analysed: set[tuple[int, int]],
) -> Tally:
    """The tally of ``doc_ids`` (one part of the report: in this process or in a worker)."""
    tally = Tally(list(names))
    with paused_gc():
        store = Store(db, read_only=True)
        try:
            # Documents and spans are read in batches, not one query each (see bench/, "agreement").
            for first in range(0, len(doc_ids), READ_BATCH):
                batch = doc_ids[first : first + READ_BATCH]
                spans_of = {n: store.spans.by_document(batch, ids[n]) for n in names}
                for document in store.documents.many(batch):
                    doc_id = document.id
                    assert doc_id is not None
                    present = [n for n in names if doc_id in annotated[n]]
                    spans = {n: spans_of[n].get(doc_id, []) for n in present}
                    doc = DocumentAnnotations(document.sha256, document.text, spans, document.meta.title)
                    if len(present) > 1:  # the analysis is only compared where two sets hold it
                        for n in present:
                            if (doc_id, ids[n]) not in analysed:  # nothing to find: no queries
                                add_analysis(doc, n, [], {}, [], None, _actor_name)
                                continue
                            found = store.record_analysis.get(doc_id, ids[n])
                            add_analysis(
                                doc, n, found.actors, found.mentions, found.events, found.frames,
                                _actor_name,
                            )
                    tally.add(doc)
        finally:
            store.close()
    return tally


def review_database(
    db: Path | str, names: Sequence[str], workers: int | None = None
) -> AgreementReport:
    """The agreement report of annotators' sets in a database.

    A document belongs to an annotator's set when that annotator has at least one span in it or
    a frame assessment of it. ``workers``: how many processes count the documents (default: one
    per CPU, up to four, for a corpus of ``PARALLEL_MIN_DOCUMENTS`` or more; else one).
    """
    store = Store(db, read_only=True)
    try:
        ids = _resolve_annotators(store, names)
        annotated = {
            name: set(store.spans.annotated_document_ids(ann)) | set(store.framing.framed_document_ids(ann))
            for name, ann in ids.items()
        }
        analysed = store.record_analysis.analysed_pairs()
    finally:
        store.close()
    all_ids = sorted(set().union(*annotated.values()))
    arguments = []
    for part in _parts(all_ids, workers):
        members = set(part)
        arguments.append(
            (
                str(db),
                list(names),
                ids,
                part,
                {n: held & members for n, held in annotated.items()},
                {pair for pair in analysed if pair[0] in members},
            )
        )
    tally = _in_parts(_tally_database, arguments)
    return tally.report({n: f"{db}" for n in names}, tone_scale())


# -- rendering --------------------------------------------------------------------------------


def render_json(report: AgreementReport) -> str:
    """The stable JSON form of the report (schema in docs/AGREEMENT.md)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _score_rows(strict: SpanScores, partial: SpanScores) -> list[str]:
    labels = sorted(set(strict.per_label) | set(partial.per_label))
    head = (
        f"  {'label':<16}{'in A':>6}{'in B':>6} | {'strict':>6}{'P':>7}{'R':>7}{'F1':>7}"
        f" | {'partial':>7}{'P':>7}{'R':>7}{'F1':>7}"
    )
    rows = [head, "  " + "-" * (len(head) - 2)]

    def row(name: str, s: Counts, p: Counts) -> str:
        return (
            f"  {name:<16}{s.n_a:>6}{s.n_b:>6} | {s.tp:>6}{_f(s.precision):>7}{_f(s.recall):>7}"
            f"{_f(s.f1):>7} | {p.tp:>7}{_f(p.precision):>7}{_f(p.recall):>7}{_f(p.f1):>7}"
        )

    for label in labels:
        rows.append(
            row(
                label, strict.per_label.get(label, Counts()), partial.per_label.get(label, Counts())
            )
        )
    rows.append(row("all labels", strict.overall, partial.overall))
    return rows


def _analysis_rows(pair: PairAgreement) -> list[str]:
    rows: list[str] = []
    if pair.has_events:
        ev = pair.events
        t = ev.trigger
        k = ev.kappa
        rows.append(
            f"  Events paired by trigger overlap: {ev.n_a} in A, {ev.n_b} in B, {ev.matched} "
            f"paired; trigger P {_f(t.precision)} R {_f(t.recall)} F1 {_f(t.f1)}"
        )
        rows.append(
            f"  Event category of paired events: the same in {ev.same_category} of {ev.matched} "
            f"(observed {_f(k.observed)}, expected {_f(k.expected)}), "
            f"Cohen's kappa {_f(k.kappa)}"
        )
    else:
        rows.append("  Events: none in the documents both hold")
    if pair.has_links:
        links = pair.actor_links
        rows.append(
            f"  Actor links of spans with the same offsets: {links.linked_pairs} of {links.span_pairs}"
            f" pairs linked; same actor {links.same} (agreement {_f(links.agreement)}), "
            f"different actor {links.different}, linked only in A {links.only_a}, "
            f"only in B {links.only_b}"
        )
    else:
        rows.append("  Actor links: none in the documents both hold")
    return rows


def _framing_rows(report: AgreementReport) -> list[str]:
    framing = report.framing
    if framing is None:
        return ["Framing: no document framed by two or more annotators, no figures."]
    rows = [
        f"Framing, Krippendorff's alpha (nominal), all annotators, over the {framing.documents} "
        "documents framed by two or more:",
        f"  primary frame: {_f(framing.primary)}",
        f"  tone: {_f(framing.tone)} (tone as an ordinal scale: {_f(framing.tone_ordinal)})",
        "  presence of each frame dimension:",
    ]
    width = max((len(d) for d in framing.dimensions), default=0) + 2
    for dimension, alpha in framing.dimensions.items():
        rows.append(f"    {dimension:<{width}}{_f(alpha)}")
    return rows


MAX_LISTED = 40  # differences listed per kind in the text report; --json lists them all


def _document_label(document: str | int, title: str) -> str:
    return title or str(document)[:12]


def _difference_rows(report: AgreementReport) -> list[str]:
    rows: list[str] = []

    def listed(what: str, items: Sequence[str]) -> None:
        if not items:
            return
        rows.append("")
        rows.append(f"Differences in {what} ({len(items)}):")
        rows.extend(f"  {item}" for item in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            rows.append(f"  ... and {len(items) - MAX_LISTED} more (--json lists them all)")

    def event_line(d: EventDifference) -> str:
        shown = [f for f in d.differs if f in EVENT_FIELDS and f != "category"]

        def version(e: Event | None) -> str:
            if e is None:
                return "none"
            fields = "".join(f" {f}={getattr(e, f) or '-'}" for f in shown)
            return f"{e.category} {e.trigger.start}-{e.trigger.end}{fields}"

        versions = " | ".join(f"{name}: {version(e)}" for name, e in d.versions)
        where = f"{_document_label(d.document, d.title)}  {d.start}-{d.end}"
        return f"{where}  ({', '.join(d.differs)})  {versions}"

    def frame_line(d: FrameDifference) -> str:
        what = f"{d.aspect} {d.dimension}" if d.dimension else d.aspect
        values = " | ".join(f"{name}: {value or 'none'}" for name, value in d.values)
        return f"{_document_label(d.document, d.title)}  {what}: {values}"

    listed("events", [event_line(d) for d in report.event_differences])
    listed("framing", [frame_line(d) for d in report.frame_differences])
    return rows


def render_text(report: AgreementReport) -> str:
    """The report as an analyst reads it in a terminal."""
    out: list[str] = []
    out.append("Agreement report")
    for name in report.annotators:
        source = report.sources.get(name, "")
        out.append(f"  {name}" + (f"  ({source})" if source and source != name else ""))
    only = ", ".join(f"{n}: {c}" for n, c in report.documents_only_in.items() if c)
    out.append(
        f"Documents: {report.documents_compared} compared, {report.documents_only_in_one} only in "
        f"one set" + (f" ({only})" if only else "") + f"; {report.tokens} tokens compared"
    )
    for pair in report.pairs:
        out.append("")
        out.append(f"{pair.b} against {pair.a} (A = {pair.a}, the reference; B = {pair.b})")
        out.append(
            f"  documents: {pair.documents_compared} compared, {pair.documents_only_a} only in "
            f"{pair.a}, {pair.documents_only_b} only in {pair.b}"
        )
        out += _score_rows(pair.strict, pair.partial)
        k = pair.kappa
        out.append(
            f"  Cohen's kappa on token labels: {_f(k.kappa)} (observed {_f(k.observed)}, "
            f"expected {_f(k.expected)}, {k.n} tokens)"
        )
        out += _analysis_rows(pair)
        labels = pair.confusion.labels
        if len(labels) > 1:
            out.append(f"  Label confusion (rows {pair.a}, columns {pair.b}; {OUTSIDE} = no span):")
            width = max(6, *(len(label) + 1 for label in labels))
            out.append("  " + " " * width + "".join(f"{label:>{width}}" for label in labels))
            for label, counts in zip(labels, pair.confusion.matrix(), strict=True):
                out.append(f"  {label:<{width}}" + "".join(f"{c:>{width}}" for c in counts))
    if len(report.annotators) > 2:
        out.append("")
        out.append("Pairwise (strict F1 / partial F1 / Cohen's kappa):")
        width = max(10, *(len(n) + 2 for n in report.annotators))
        out.append(" " * width + "".join(f"{n:>{width + 12}}" for n in report.annotators))
        strict = report.matrix("strict_f1")
        partial = report.matrix("partial_f1")
        kappa = report.matrix("cohen_kappa")
        for i, name in enumerate(report.annotators):
            cells = []
            for j in range(len(report.annotators)):
                if i == j:
                    cells.append(f"{'-':>{width + 12}}")
                else:
                    cell = f"{_f(strict[i][j])}/{_f(partial[i][j])}/{_f(kappa[i][j])}"
                    cells.append(f"{cell:>{width + 12}}")
            out.append(f"{name:<{width}}" + "".join(cells))
    out.append("")
    out.append(
        f"Krippendorff's alpha (nominal) on token labels, all annotators: {_f(report.alpha_tokens)}"
    )
    out += _framing_rows(report)
    out += _difference_rows(report)
    for note in report.notes:
        out.append(f"note: {note}")
    return "\n".join(out)


# -- adjudication -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkChange(Change):
    """A change to several documents at once; ``document_id`` is the first of them (or 0)."""

    document_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """How a difference was settled: whose version was taken, and the gold spans it made."""

    choice: str  # an annotator's name, "none", "custom", or "existing" (found in gold at start)
    spans: tuple[Span, ...] = ()


NONE = "none"
CUSTOM = "custom"
EXISTING = "existing"


def _key(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.label, span.layer)


def _gold_copy(span: Span) -> Span:
    return Span(span.start, span.end, span.label, Origin.MANUAL, span.layer)


class Adjudication:
    """Settle the differences between two or more annotators' sets into a gold set.

    Documents: those given, or every document where one of the annotators has a span; in each,
    every one of the annotators takes part (no span there means "nothing here"). Differences are
    listed in document and text order. A gold set that already holds spans (an adjudication
    resumed later) is respected: agreed spans are not copied twice, and a difference whose gold
    span is already there counts as settled ("existing"). A difference settled as "none" in an
    earlier run cannot be told from an unsettled one, and is offered again.
    """

    def __init__(
        self,
        store: Store,
        annotators: Sequence[str],
        gold: str = "gold",
        documents: Sequence[int] | None = None,
    ) -> None:
        self.store = store
        self.annotators = list(annotators)
        gold = gold.strip()
        if not gold:
            raise InputError("the adjudicated set needs an annotator name")
        if gold in self.annotators:
            raise InputError(
                f"the adjudicated set {gold!r} cannot be one of the compared annotators"
            )
        self.annotator_ids = _resolve_annotators(store, self.annotators)
        self.gold = store.annotators.get_or_create(gold)
        # Actor links (span id -> actor id) of the compared sets' spans and of the gold spans this
        # adjudication made or found: a version taken into gold keeps its link.
        self.links: dict[int, int] = {}
        actor_names = {a.id: a.name for a in store.actors.all()}
        if documents is None:
            ids: set[int] = set()
            for ann_id in self.annotator_ids.values():
                ids.update(store.spans.annotated_document_ids(ann_id))
            documents = sorted(ids)
        self.document_ids = list(documents)
        self.agreed: dict[int, list[Span]] = {}
        self.differences: list[Difference] = []
        self.decisions: dict[int, Decision] = {}
        for doc_id in self.document_ids:
            spans = {
                name: store.spans.in_document(doc_id, annotator_id=ann_id)
                for name, ann_id in self.annotator_ids.items()
            }
            named: dict[str, dict[int, str]] = {}
            for name, ann_id in self.annotator_ids.items():
                mentions = store.mentions.in_document(doc_id, ann_id)
                self.links.update(mentions)
                named[name] = {s: actor_names.get(a, f"actor {a}") for s, a in mentions.items()}
            agreed, differences = document_differences(doc_id, spans, self.annotators, named)
            self.agreed[doc_id] = agreed
            first = len(self.differences)
            self.differences += differences
            self._resume(doc_id, agreed, range(first, len(self.differences)))

    def _resume(self, doc_id: int, agreed: list[Span], indices: range) -> None:
        gold = self.store.spans.in_document(doc_id, annotator_id=self.gold.id)
        if not gold:
            return
        self.links.update(self.store.mentions.in_document(doc_id, self.gold.id))
        agreed_keys = {_key(s) for s in agreed}
        free = [s for s in gold if _key(s) not in agreed_keys]
        claimed: dict[int, list[Span]] = {}
        # First a gold span equal to one of the versions, then any gold span in the region.
        for index in indices:
            versions = {
                (s.start, s.end, s.label) for _, s in self.differences[index].versions if s
            }
            for span in list(free):
                if (span.start, span.end, span.label) in versions:
                    claimed.setdefault(index, []).append(span)
                    free.remove(span)
        for index in indices:
            if index in claimed:
                continue
            diff = self.differences[index]
            for span in list(free):
                if span.start < diff.end and diff.start < span.end:
                    claimed.setdefault(index, []).append(span)
                    free.remove(span)
        for index, spans in claimed.items():
            self.decisions[index] = Decision(EXISTING, tuple(spans))

    # -- progress and navigation ----------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.differences)

    @property
    def remaining(self) -> int:
        return len(self.differences) - len(self.decisions)

    def is_resolved(self, index: int) -> bool:
        return index in self.decisions

    def next_unresolved(self, after: int | None = None) -> int | None:
        """The first unsettled difference after ``after`` (wrapping around), or None."""
        n = len(self.differences)
        start = -1 if after is None else after
        for step in range(1, n + 1):
            index = (start + step) % n
            if index not in self.decisions:
                return index
        return None

    def previous_unresolved(self, before: int | None = None) -> int | None:
        n = len(self.differences)
        start = n if before is None else before
        for step in range(1, n + 1):
            index = (start - step) % n
            if index not in self.decisions:
                return index
        return None

    def differences_in(self, doc_id: int) -> list[int]:
        return [i for i, d in enumerate(self.differences) if d.document_id == doc_id]

    # -- commands -------------------------------------------------------------------------------

    def start(self) -> AcceptAgreed:
        """Copy every agreed span into the gold set (those not there already)."""
        return AcceptAgreed(self)

    def take(self, index: int, annotator: str) -> Decide:
        """Settle a difference with one annotator's version (nothing, if they have none), linked
        to the actor that annotator linked it to."""
        span = self.differences[index].version(annotator)
        if span is None:
            return Decide(self, index, annotator, [], f"Take {annotator}'s version")
        actor = self.links.get(span.id) if span.id is not None else None
        return Decide(self, index, annotator, [_gold_copy(span)], f"Take {annotator}'s version", [actor])

    def take_none(self, index: int) -> Decide:
        return Decide(self, index, NONE, [], "Keep no span")

    def custom(self, index: int, spans: Sequence[Span]) -> Decide:
        """Settle a difference with spans of the reviewer's own making (an edited version)."""
        return Decide(self, index, CUSTOM, [_gold_copy(s) for s in spans], "Edit the span")

    def gold_spans(self, doc_id: int) -> list[Span]:
        return self.store.spans.in_document(doc_id, annotator_id=self.gold.id)

    def remember_links(self, spans: Sequence[Span], actors: Sequence[int | None]) -> None:
        """Note the actor links of gold spans just stored (undo puts them back with the spans)."""
        for span, actor in zip(spans, actors, strict=True):
            if span.id is not None and actor is not None:
                self.links[span.id] = actor


class AcceptAgreed:
    """Put the spans every annotator agrees on into the gold set, in one command."""

    def __init__(self, adjudication: Adjudication) -> None:
        self.adjudication = adjudication
        self.text = "Accept agreed spans"
        self.added: dict[int, list[Span]] = {}

    def do(self) -> Change:
        adj = self.adjudication
        self.added = {}
        for doc_id, agreed in adj.agreed.items():
            if not agreed:
                continue
            present = {_key(s) for s in adj.gold_spans(doc_id)}
            wanted = [
                (_gold_copy(s), adj.links.get(s.id) if s.id is not None else None)
                for s in agreed
                if _key(s) not in present
            ]
            if wanted:
                stored = adj.store.mentions.replace_linked_spans(doc_id, adj.gold.id, [], wanted)
                adj.remember_links(stored, [actor for _span, actor in wanted])
                self.added[doc_id] = stored
        ids = tuple(sorted(self.added))
        return BulkChange(ids[0] if ids else 0, spans=True, document_ids=ids)

    def undo(self) -> Change:
        adj = self.adjudication
        for doc_id, spans in self.added.items():
            adj.store.spans.replace(doc_id, adj.gold.id, [s.id for s in spans if s.id], [])
        ids = tuple(sorted(self.added))
        return BulkChange(ids[0] if ids else 0, spans=True, document_ids=ids)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.added.values())


class Decide:
    """Settle one difference: replace whatever gold spans an earlier decision made for it."""

    def __init__(
        self,
        adjudication: Adjudication,
        index: int,
        choice: str,
        spans: list[Span],
        text: str,
        actors: Sequence[int | None] | None = None,
    ) -> None:
        self.adjudication = adjudication
        self.index = index
        self.choice = choice
        self.spans = spans
        self.text = text
        self.actors: list[int | None] = list(actors) if actors is not None else [None] * len(spans)
        self.previous: Decision | None = None
        self.stored: list[Span] = []

    @property
    def document_id(self) -> int:
        return self.adjudication.differences[self.index].document_id

    def do(self) -> Change:
        adj = self.adjudication
        self.previous = adj.decisions.get(self.index)
        remove = [s.id for s in self.previous.spans if s.id] if self.previous else []
        # On redo, self.stored holds the ids of the first run: the spans come back under them.
        add = list(zip(self.stored or self.spans, self.actors, strict=True))
        self.stored = adj.store.mentions.replace_linked_spans(self.document_id, adj.gold.id, remove, add)
        adj.remember_links(self.stored, self.actors)
        adj.decisions[self.index] = Decision(self.choice, tuple(self.stored))
        return Change(self.document_id, spans=True)

    def undo(self) -> Change:
        adj = self.adjudication
        restore = list(self.previous.spans) if self.previous else []
        adj.store.mentions.replace_linked_spans(
            self.document_id,
            adj.gold.id,
            [s.id for s in self.stored if s.id],
            [(s, adj.links.get(s.id) if s.id is not None else None) for s in restore],
        )
        if self.previous is None:
            adj.decisions.pop(self.index, None)
        else:
            adj.decisions[self.index] = self.previous
        return Change(self.document_id, spans=True)
