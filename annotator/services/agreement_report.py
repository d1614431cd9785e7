"""The agreement report of colleagues' annotation files, and the report as text or JSON.

``annotator review A.jsonl B.jsonl`` needs this module and ``services.annotation_sets`` only:
nothing of the store (SQLAlchemy, a third of a second to import, before the first line is read).
The database route and adjudication are in ``services.review``, which uses the rendering here.
The figures are computed in ``core.agreement`` and defined in ``docs/AGREEMENT.md``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from annotator.core.agreement import (
    OUTSIDE,
    AgreementReport,
    Counts,
    LeftOut,
    PairAgreement,
    SpanScores,
)
from annotator.core.differences import EVENT_FIELDS, EventDifference, FrameDifference
from annotator.core.errors import InputError
from annotator.core.events import Event
from annotator.services.annotation_sets import tally_files


def tone_scale() -> tuple[str, ...]:
    """The schema's tone values from one end of the scale to the other (for the ordinal alpha)."""
    from annotator.core.schema import default_schema

    return tuple(t.id for t in sorted(default_schema().tone, key=lambda t: t.value))


def review_files(
    paths: Sequence[Path], fmt: str = "auto", workers: int | None = None
) -> AgreementReport:
    """The agreement report of two or more annotation files (one annotation set per file).
    ``workers``: how many parts read and count large native JSON-lines files at once
    (``services.annotation_sets``; default: one per CPU for large files, up to four)."""
    if len(paths) < 2:
        raise InputError("review needs two or more annotation files")
    found = tally_files(paths, fmt, workers)
    report = found.tally.report(found.sources, tone_scale())
    report.notes = found.notices + report.notes
    report.left_out = left_out_in_order(found.left_out + report.left_out, report.annotators)
    return report


def left_out_in_order(left_out: Sequence[LeftOut], names: Sequence[str]) -> list[LeftOut]:
    """What was left out, by annotator (command-line order), reason, then document key: the same
    order from files and from the database."""
    rank = {name: i for i, name in enumerate(names)}
    return sorted(left_out, key=lambda x: (rank.get(x.annotator, len(rank)), x.reason, x.document))


# -- rendering --------------------------------------------------------------------------------


def render_json(report: AgreementReport) -> str:
    """The stable JSON form of the report (schema in docs/AGREEMENT.md)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _score_rows(strict: SpanScores, partial: SpanScores) -> list[str]:
    labels = sorted(set(strict.per_label) | set(partial.per_label))
    every = [strict.overall, partial.overall, *strict.per_label.values(), *partial.per_label.values()]
    # Columns as wide as their largest count, with a space before it (a 6-digit count ran into
    # its neighbour), and the label column as wide as the longest label.
    n = max(6, *(len(str(max(c.n_a, c.n_b, c.tp))) + 1 for c in every))
    w = max([16, *(len(label) + 1 for label in labels)])
    head = (
        f"  {'label':<{w}}{'in A':>{n}}{'in B':>{n}} | {'strict':>{n}}{'P':>7}{'R':>7}{'F1':>7}"
        f" | {'partial':>{n + 1}}{'P':>7}{'R':>7}{'F1':>7}"
    )
    rows = [head, "  " + "-" * (len(head) - 2)]

    def row(name: str, s: Counts, p: Counts) -> str:
        return (
            f"  {name:<{w}}{s.n_a:>{n}}{s.n_b:>{n}} | {s.tp:>{n}}{_f(s.precision):>7}"
            f"{_f(s.recall):>7}{_f(s.f1):>7} | {p.tp:>{n + 1}}{_f(p.precision):>7}"
            f"{_f(p.recall):>7}{_f(p.f1):>7}"
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
        fields = ev.fields_json()
        for name in ("mode", "context", "cameo", "factuality", "date"):
            f = fields[name]
            rows.append(
                f"    {name}: the same in {f['same']} of {f['compared']}, "
                f"Cohen's kappa {_f(f['cohen_kappa'])}"
            )
        for role, r in fields["arguments"].items():
            rows.append(
                f"    role {role}: the same in {r['same']} of {r['compared']} "
                f"(filled only in A {r['filled_only_in_a']}, only in B {r['filled_only_in_b']})"
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
    framing = pair.framing
    if framing.documents:
        rows.append(f"  Framing of the {framing.documents} documents both framed:")
        for name in ("primary", "headline", "tone", "tone_target"):
            f = framing.fields[name]
            rows.append(
                f"    {name}: the same in {f.same} of {f.compared}, Cohen's kappa "
                f"{_f(f.to_json()['cohen_kappa'])}"
            )
        for dim, f in sorted(framing.dimensions.items()):
            rows.append(f"    dimension {dim}: the same in {f.same} of {f.compared}")
        roles = framing.roles
        rows.append(f"    actor roles: the same in {roles.same} of {roles.compared}")
    for layer, (strict, partial) in pair.evidence.items():
        st, pa = strict.overall, partial.overall
        if st.n_a or st.n_b:
            rows.append(
                f"  Evidence passages ({layer}): {st.n_a} in A, {st.n_b} in B; strict F1 "
                f"{_f(st.f1)}, partial F1 {_f(pa.f1)}"
            )
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
        f"  headline frame: {_f(framing.headline)}",
        f"  tone target: {_f(framing.tone_target)}",
        f"  actor roles: {_f(framing.actor_roles)}",
        "  presence of each frame dimension:",
    ]
    width = max((len(d) for d in framing.dimensions), default=0) + 2
    for dimension, alpha in framing.dimensions.items():
        rows.append(f"    {dimension:<{width}}{_f(alpha)}")
    return rows


MAX_LISTED = 40  # differences listed per kind in the text report; --json lists them all


def _layer_tables(report: AgreementReport) -> list[str]:
    """Pairwise tables of the layers (three or more annotators): one line per pair."""
    tables = report.layers_json()
    names = report.annotators
    rows = ["", "Pairwise, per layer:"]
    figures = [
        ("actor links, agreement", tables["actor_links"]["agreement"]),
        ("events, trigger F1", tables["events"]["trigger_f1"]),
        ("events, category kappa", tables["events"]["category_kappa"]),
        ("framing, same primary frame", tables["framing"]["primary_agreement"]),
        ("framing, same tone", tables["framing"]["tone_agreement"]),
        *((f"evidence ({layer}), strict F1", t["strict_f1"])
          for layer, t in tables["evidence"].items()),
    ]
    for title, table in figures:
        cells = [
            f"{names[i]}/{names[j]} {_f(table[i][j])}"
            for i in range(len(names)) for j in range(i + 1, len(names))
        ]
        rows.append(f"  {title}: " + ", ".join(cells))
    return rows


def _disagreement_rows(report: AgreementReport) -> list[str]:
    rows: list[str] = []
    if report.disagreement:
        rows += ["", "Documents with the most disagreement (spans / events / framing):"]
        for d in report.disagreement[:10]:
            rows.append(
                f"  {_document_label(d.key, d.title)}  {d.total}  ({d.spans} / {d.events} / "
                f"{d.framing})"
            )
    if report.left_out:
        rows += ["", f"Left out ({len(report.left_out)}):"]
        for item in report.left_out[:MAX_LISTED]:
            rows.append(
                f"  {_document_label(item.document, item.title)}  {item.annotator}: {item.reason}"
            )
        if len(report.left_out) > MAX_LISTED:
            rows.append(f"  ... and {len(report.left_out) - MAX_LISTED} more (--json lists them all)")
    return rows


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
            matrix = pair.confusion.matrix()
            width = max(6, *(len(label) + 1 for label in labels),
                        *(len(str(c)) + 1 for counts in matrix for c in counts))
            out.append("  " + " " * width + "".join(f"{label:>{width}}" for label in labels))
            for label, counts in zip(labels, matrix, strict=True):
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
    if len(report.annotators) > 2:
        out += _layer_tables(report)
    out += _disagreement_rows(report)
    out += _difference_rows(report)
    for note in report.notes:
        out.append(f"note: {note}")
    return "\n".join(out)
