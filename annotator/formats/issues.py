"""Spans a format cannot represent: named, counted and reported, never dropped in silence.

A writer that cannot put a span into its format as it is (two overlapping entities in spaCy's
``doc.ents``, a span whose edges fall inside a token) appends a :class:`SpanIssue` saying which
document, which span, why, and what was done instead. The export service counts them and the
command line prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import AnnotationRecord, Span

# What a writer did with a span it could not represent as it is.
DROPPED = "dropped"
KEPT_IN_SPANS = "left out of doc.ents, kept in doc.spans"
NO_TOKENS = "written without token indices"
ALIGNED = "moved to token edges"


@dataclass(frozen=True, slots=True)
class SpanIssue:
    document: str  # file name or title of the document
    annotator: str | None
    start: int
    end: int
    label: str
    layer: str
    surface: str
    reason: str  # e.g. "overlaps 12-20 GPE in doc.ents"
    action: str  # DROPPED, KEPT_IN_SPANS, NO_TOKENS or ALIGNED
    kind: str  # a short key to count by: "overlap", "token-boundary"

    def line(self) -> str:
        who = f" [{self.annotator}]" if self.annotator else ""
        return (
            f"{self.document}{who}: span {self.start}-{self.end} {self.label} {self.surface!r} "
            f"({self.layer}): {self.reason}; {self.action}"
        )


def document_name(record: AnnotationRecord) -> str:
    """How a document is named in reports: its file name, else its title, else its hash."""
    return record.meta.filename or record.meta.title[:60] or f"text {record.text_sha256[:12]}"


def span_issue(
    record: AnnotationRecord, span: Span, reason: str, action: str, kind: str
) -> SpanIssue:
    return SpanIssue(
        document=document_name(record),
        annotator=record.annotator,
        start=span.start,
        end=span.end,
        label=span.label,
        layer=span.layer,
        surface=record.text[span.start : span.end],
        reason=reason,
        action=action,
        kind=kind,
    )
