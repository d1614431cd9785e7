"""Spans: a labelled stretch of a document's text, and where it came from.

Offsets are Python code points into the canonical text, end exclusive (``text[start:end]``), the
convention of Python, spaCy and Prodigy. Qt's UTF-16 positions are converted in ``gui/offsets.py``
only.

The lowest module of the annotation model: events (whose trigger is a span) and documents build on
it, so it imports nothing of theirs. ``core.model`` re-exports ``Span`` and ``Origin``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    """Where a span came from: a model's suggestion, or the analyst's own hand."""

    MODEL = "model"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of a document's text, ``text[start:end]``."""

    start: int
    end: int
    label: str
    origin: Origin = Origin.MANUAL
    layer: str = "entity"
    id: int | None = None
    annotator: str = ""  # whose span it is, where known (not part of its identity)

    def __post_init__(self) -> None:
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise ValueError("span offsets must be integers")
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"span offsets {self.start}-{self.end} are not a non-empty range")
        if not self.label:
            raise ValueError("span label is empty")

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)


_new = object.__new__
_SET_START, _SET_END, _SET_LABEL, _SET_ORIGIN, _SET_LAYER, _SET_ID, _SET_ANNOTATOR = (
    Span.__dict__[name].__set__
    for name in ("start", "end", "label", "origin", "layer", "id", "annotator")
)


def checked_span(
    start: int, end: int, label: str, origin: Origin, layer: str, ident: int | None
) -> Span:
    """``Span(start, end, label, origin, layer, ident)`` from values the caller has checked as
    ``Span.__post_init__`` would (integer offsets, ``0 <= start < end``, a non-empty label),
    built through its slots: half the time of ``Span(...)``, for a reader of 400,000 spans
    (``formats.native``, ``docs/PERFORMANCE.md``, "agreement")."""
    span = _new(Span)
    _SET_START(span, start)
    _SET_END(span, end)
    _SET_LABEL(span, label)
    _SET_ORIGIN(span, origin)
    _SET_LAYER(span, layer)
    _SET_ID(span, ident)
    _SET_ANNOTATOR(span, "")
    return span
