"""Export annotation sets: native JSONL and the formats of other tools and of spaCy training.

One use case for the command line (``annotator export``) and the GUI's Export dialog: choose the
records (annotator or kind of annotator, status, labels and layers, date range), optionally split
them by document into reproducible train and dev files, write them in one format, and report
every span the format could not hold as it is. Files are written atomically (a folder, for brat,
is written beside the target and renamed), and an existing target is replaced only when asked.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord, AnnotatorKind, Status
from annotator.core.tasks import TaskState
from annotator.formats.atomic import OverwriteError, atomic_write
from annotator.formats.issues import SpanIssue
from annotator.formats.native import write_records
from annotator.formats.registry import WRITE_FORMATS
from annotator.services.gc_pause import paused_gc
from annotator.store import Store

SUFFIXES = {
    "jsonl": ".jsonl",
    "spacy": ".spacy",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "labelstudio": ".json",
    "brat": "",
}
"""The usual file suffix of each format (brat writes a folder)."""


def export_jsonl(
    store: Store,
    out: Path,
    annotator: str | None = None,
    status: Status | None = None,
    overwrite: bool = False,
    task: TaskState | None = None,
) -> int:
    """Write one line per document and annotator; return the number of records."""
    task = task or TaskState()
    total = store.documents.count()
    records = store.record_analysis.with_analysis(store.records.stream(annotator=annotator, status=status))
    with atomic_write(out, overwrite=overwrite) as handle:
        count = write_records(
            records, handle, progress=lambda n: task.progress(n, total, "exporting")
        )
    task.progress(total, total, "exported")
    return count


@dataclass(frozen=True, slots=True)
class ExportFilters:
    """Which records and spans to export; None means no restriction."""

    annotator: str | None = None  # one annotator's set (an adjudicated set is an annotator too)
    kind: AnnotatorKind | None = None  # only people's sets, or only models' suggestions
    status: Status | None = None
    labels: frozenset[str] | None = None
    layers: frozenset[str] | None = None
    date_from: str | None = None  # ISO dates, inclusive; documents without a date are left out
    date_to: str | None = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not _is_date(value):
                raise InputError(f"{name.replace('_', ' ')} {value!r} is not a date (YYYY-MM-DD)")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(f"the date range {self.date_from} to {self.date_to} is empty")


def _is_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@dataclass
class ExportReport:
    format: str
    files: list[Path] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)  # file -> records written
    documents: int = 0
    spans: int = 0
    issues: list[SpanIssue] = field(default_factory=list)
    left_out_undated: int = 0  # documents without a date, left out by a date range
    spans_filtered: int = 0  # spans left out by the label/layer filters

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    def issue_counts(self) -> dict[tuple[str, str], int]:
        """How many spans each (kind of problem, what was done) concerns."""
        return dict(Counter((i.kind, i.action) for i in self.issues))

    def lines(self, limit: int | None = None) -> list[str]:
        """What to tell the user: every unrepresentable span, then the counts."""
        out = [issue.line() for issue in self.issues[:limit]]
        if limit is not None and len(self.issues) > limit:
            out.append(f"... and {len(self.issues) - limit} more spans not represented as they are")
        for (kind, action), count in sorted(self.issue_counts().items()):
            out.append(f"{count} span(s) {action} ({kind})")
        if self.left_out_undated:
            out.append(
                f"{self.left_out_undated} document(s) without a date left out by the date range"
            )
        if self.spans_filtered:
            out.append(f"{self.spans_filtered} span(s) left out by the label/layer filter")
        for path in self.files:
            out.append(f"wrote {self.records.get(str(path), 0)} record(s) to {path}")
        return out


def split_paths(out: Path, fmt: str) -> tuple[Path, Path]:
    """Where ``--split`` writes: ``corpus.spacy`` gives ``corpus.train.spacy`` and
    ``corpus.dev.spacy``; a brat folder ``out`` gives folders ``out.train`` and ``out.dev``."""
    out = Path(out)
    if fmt == "brat" or not out.suffix:
        return out.with_name(out.name + ".train"), out.with_name(out.name + ".dev")
    return (
        out.with_name(f"{out.stem}.train{out.suffix}"),
        out.with_name(f"{out.stem}.dev{out.suffix}"),
    )


def guess_format(out: Path) -> str:
    """The format an output name asks for when none is given: by suffix, else native JSONL."""
    return {".spacy": "spacy", ".json": "labelstudio"}.get(Path(out).suffix.lower(), "jsonl")


def split_documents(
    records: list[AnnotationRecord], ratio: float, seed: int
) -> tuple[list[AnnotationRecord], list[AnnotationRecord]]:
    """Train and dev records, split by document (all of a text's records go the same way).

    The same documents, ratio and seed always give the same split, whatever order the records
    come in: the texts' hashes are sorted, then shuffled by a generator seeded with ``seed``.
    """
    if not 0.0 < ratio < 1.0:
        raise InputError(f"--split {ratio} must be between 0 and 1 (e.g. 0.8)")
    shas = sorted({r.text_sha256 for r in records})
    random.Random(seed).shuffle(shas)
    n_train = round(len(shas) * ratio)
    if len(shas) >= 2:
        n_train = min(max(n_train, 1), len(shas) - 1)
    train = set(shas[:n_train])
    return (
        [r for r in records if r.text_sha256 in train],
        [r for r in records if r.text_sha256 not in train],
    )


def _write(
    fmt: str,
    path: Path,
    records: Iterable[AnnotationRecord],
    overwrite: bool,
    issues: list[SpanIssue],
    align: str | None = None,
) -> int:
    if fmt == "jsonl":
        with atomic_write(path, overwrite=overwrite) as handle, paused_gc():
            return write_records(records, handle)
    if fmt == "spacy":
        from annotator.formats.spacy_docbin import DEFAULT_ALIGN, write_docbin

        return write_docbin(
            path, records, overwrite=overwrite, issues=issues, align=align or DEFAULT_ALIGN
        )
    if fmt == "prodigy":
        from annotator.formats.prodigy import write_prodigy

        return write_prodigy(path, records, overwrite=overwrite, issues=issues)
    if fmt == "doccano":
        from annotator.formats.doccano import write_doccano

        return write_doccano(path, records, overwrite=overwrite)
    if fmt == "labelstudio":
        from annotator.formats.labelstudio import write_labelstudio

        return write_labelstudio(path, records, overwrite=overwrite)
    if fmt == "brat":
        from annotator.formats.brat import write_brat

        return write_brat(path, records, overwrite=overwrite)
    raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(WRITE_FORMATS)})")


def select_records(
    store: Store, filters: ExportFilters, report: ExportReport
) -> Iterator[AnnotationRecord]:
    """The records the filters keep, in document order, spans filtered by label and layer."""
    names: set[str] | None = None
    if filters.kind is not None:
        names = {a.name for a in store.annotators.all() if a.kind is filters.kind}
    dated = filters.date_from is not None or filters.date_to is not None
    undated: set[str] = set()
    records = store.record_analysis.with_analysis(
        store.records.stream(annotator=filters.annotator, status=filters.status)
    )
    if names is None and not dated and filters.labels is None and filters.layers is None:
        yield from records  # nothing to filter here: no test per record
        return
    for record in records:
        if names is not None and record.annotator not in names:
            continue
        if dated:
            date = record.meta.date[:10]
            if not date:
                if record.text_sha256 not in undated:
                    undated.add(record.text_sha256)
                    report.left_out_undated += 1
                continue
            if (filters.date_from and date < filters.date_from) or (
                filters.date_to and date > filters.date_to
            ):
                continue
        if filters.labels is not None or filters.layers is not None:
            kept = [
                s
                for s in record.spans
                if (filters.labels is None or s.label in filters.labels)
                and (filters.layers is None or s.layer in filters.layers)
            ]
            report.spans_filtered += len(record.spans) - len(kept)
            record.spans = kept
        yield record


_PROGRESS_EVERY = 64  # documents between two progress reports (and checks for a cancel)


def _counted(
    records: Iterable[AnnotationRecord], report: ExportReport, task: TaskState, total: int
) -> Iterator[AnnotationRecord]:
    """The records, counted into ``report``; progress told, and a cancel honoured, every
    ``_PROGRESS_EVERY`` documents (per record, the calls were a tenth of an export's time)."""
    last = ""
    documents = spans = 0
    try:
        for record in records:
            if record.text_sha256 != last:
                last = record.text_sha256
                documents += 1
                if documents % _PROGRESS_EVERY == 1:
                    task.check()
                    task.progress(min(report.documents + documents, total), total, "exporting")
            spans += len(record.spans)
            yield record
    finally:
        report.documents += documents
        report.spans += spans


def export(
    store: Store,
    out: Path,
    fmt: str | None = None,
    filters: ExportFilters | None = None,
    split: float | None = None,
    seed: int = 0,
    overwrite: bool = False,
    task: TaskState | None = None,
    align: str | None = None,
) -> ExportReport:
    """Export the filtered records of ``store`` to ``out`` in format ``fmt``.

    ``align`` is spaCy's token alignment for the ``spacy`` format (strict, contract, expand;
    default contract with white space trimmed); every span it changes or drops is reported.

    With ``split``, writes two files (see :func:`split_paths`) and nothing at ``out`` itself.
    Raises OverwriteError before writing anything if a target exists and ``overwrite`` is false.
    """
    fmt = fmt or guess_format(out)
    if fmt not in WRITE_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(WRITE_FORMATS)})")
    if align is not None:
        from annotator.formats.spacy_docbin import ALIGN_MODES

        if fmt != "spacy":
            raise InputError(f"--align applies to the spacy format, not {fmt}")
        if align not in ALIGN_MODES:
            raise InputError(f"unknown alignment {align!r} (choose from {', '.join(ALIGN_MODES)})")
    filters = filters or ExportFilters()
    task = task or TaskState()
    report = ExportReport(format=fmt)
    targets = list(split_paths(out, fmt)) if split is not None else [Path(out)]
    if not overwrite:
        for target in targets:
            if target.exists():
                raise OverwriteError(f"{target}: already exists (use --force to overwrite it)")
    total = store.documents.count()
    records = select_records(store, filters, report)
    if split is None:
        parts: list[Iterable[AnnotationRecord]] = [records]
    else:
        train, dev = split_documents(list(records), split, seed)
        parts = [train, dev]
    for target, part in zip(targets, parts, strict=True):
        try:
            count = _write(
                fmt, target, _counted(part, report, task, total), overwrite, report.issues, align
            )
        except OSError as exc:  # a folder in the way, a file as parent, no permission, full disk
            raise InputError(f"cannot write the export: {exc.strerror or exc}", str(target)) from exc
        report.files.append(target)
        report.records[str(target)] = count
    task.progress(total, total, "exported")
    return report
