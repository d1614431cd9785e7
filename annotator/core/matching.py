"""Which annotations of two annotators correspond: spans paired one to one, events by trigger.

The pairing every agreement figure and every difference is built on (``docs/AGREEMENT.md``):

- strict: the same start, end and label;
- by offsets: the same start, end and layer, whatever the label (actor links);
- by overlap: one to one, greedily by largest overlap, then same label, identical boundaries,
  closer boundaries, position (partial F1, the confusion matrix, event triggers).

Spans are anything with ``start``, ``end`` and ``label`` (``SpanLike``): core Spans, or an event's
trigger labelled with its category.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from annotator.core.events import Event


class SpanLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


def strict_matches(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[tuple[int, int]]:
    """Pairs (index in a, index in b) with the same start, end and label, one to one."""
    free: dict[tuple[int, int, str], list[int]] = {}
    for j, span in enumerate(b):
        free.setdefault((span.start, span.end, span.label), []).append(j)
    pairs: list[tuple[int, int]] = []
    for i, span in enumerate(a):
        candidates = free.get((span.start, span.end, span.label))
        if candidates:
            pairs.append((i, candidates.pop(0)))
    return pairs


def offset_matches(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[tuple[int, int]]:
    """Pairs (index in a, index in b) of spans with the same start, end and layer, one to one:
    first those with the same label too, then the rest in text order. Sorted by index in ``a``.

    The pairing of actor links: two annotators who linked the same stretch of text are compared
    on its actor even when they labelled it differently (the label has its own figures).
    """

    def layer(span: SpanLike) -> str:
        return str(getattr(span, "layer", ""))

    pairs: list[tuple[int, int]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for with_label in (True, False):
        free: dict[tuple[Any, ...], list[int]] = {}
        for j, span in enumerate(b):
            if j not in used_b:
                key = (span.start, span.end, layer(span)) + ((span.label,) if with_label else ())
                free.setdefault(key, []).append(j)
        for i, span in enumerate(a):
            if i in used_a:
                continue
            key = (span.start, span.end, layer(span)) + ((span.label,) if with_label else ())
            candidates = free.get(key)
            if candidates:
                j = candidates.pop(0)
                pairs.append((i, j))
                used_a.add(i)
                used_b.add(j)
    return sorted(pairs)


def overlap(x: SpanLike, y: SpanLike) -> int:
    """Characters two spans share."""
    return max(0, min(x.end, y.end) - max(x.start, y.start))


def overlap_matches(
    a: Sequence[SpanLike], b: Sequence[SpanLike], same_label: bool = True
) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans, chosen greedily by largest overlap.

    Candidate pairs share at least one character (and the label, when ``same_label``). They are
    taken in this order, skipping a pair once either span is matched: larger overlap first; then
    same label first; then identical boundaries first; then smaller |Δstart| + |Δend|; then by the
    positions of the A span and of the B span. Returned sorted by index in ``a``.
    """
    candidates = overlap_candidates(a, b)
    return greedy_pairs([c for c in candidates if c[0][1] == 0] if same_label else candidates)


Candidate = tuple[tuple[int, ...], int, int]


def overlap_candidates(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[Candidate]:
    """Every pair of an A span and a B span sharing a character, as (key, i, j) in the order
    ``overlap_matches`` takes them; ``key[1]`` is 0 when the labels are the same."""
    if not a or not b:
        return []
    order_b = sorted(range(len(b)), key=lambda j: (b[j].start, b[j].end))
    spans_b = [(b[j].start, b[j].end, b[j].label, j) for j in order_b]
    starts_b = [y[0] for y in spans_b]
    longest_b = max(y_end - y_start for y_start, y_end, _, _ in spans_b)
    candidates: list[Candidate] = []
    for i, x in enumerate(a):
        x_start, x_end, x_label = x.start, x.end, x.label
        # A B span starting at or before x.start - longest_b ends before x starts.
        k = bisect.bisect_right(starts_b, x_start - longest_b)
        for y_start, y_end, y_label, j in spans_b[k : bisect.bisect_left(starts_b, x_end, k)]:
            shared = (x_end if x_end < y_end else y_end) - (x_start if x_start > y_start else y_start)
            if shared <= 0:
                continue
            key = (
                -shared,
                0 if x_label == y_label else 1,
                0 if x_start == y_start and x_end == y_end else 1,
                abs(x_start - y_start) + abs(x_end - y_end),
                x_start,
                x_end,
                y_start,
                y_end,
                i,
                j,
            )
            candidates.append((key, i, j))
    candidates.sort()
    return candidates


def greedy_pairs(candidates: Iterable[Candidate]) -> list[tuple[int, int]]:
    """Pairs taken in candidate order, skipping a pair once either span is matched."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _key, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j))
    return sorted(pairs)


@dataclass(frozen=True, slots=True)
class _Trigger:
    """An event's trigger as a span labelled with the event's category (for matching)."""

    start: int
    end: int
    label: str


def event_matches(a: Sequence[Event], b: Sequence[Event]) -> list[tuple[int, int]]:
    """One-to-one pairs of events whose triggers overlap, greedily by largest overlap.

    The pairing of the confusion matrix (``overlap_matches`` with ``same_label=False``) on the
    trigger spans labelled with the events' categories: larger overlap first, then the same
    category, identical boundaries, closer boundaries, position.
    """
    triggers_a = [_Trigger(e.trigger.start, e.trigger.end, e.category) for e in a]
    triggers_b = [_Trigger(e.trigger.start, e.trigger.end, e.category) for e in b]
    return overlap_matches(triggers_a, triggers_b, same_label=False)
