"""How far two annotators' spans agree: precision, recall and F1 (strict and partial), the label
confusion matrix, and each token's label (what Cohen's kappa and the token alpha are counted on).

Conventions (``docs/AGREEMENT.md`` defines each figure):

- A is the reference: precision is TP / |B|, recall TP / |A|, F1 = 2 TP / (|A| + |B|).
- Figures over several documents are micro-averages: TP, |A| and |B| are summed over documents
  first, then divided.
- A figure whose denominator is zero is undefined and reported as ``None`` (JSON ``null``).
- Partial matching pairs spans of the same label (``core.matching.overlap_matches``); the
  confusion matrix pairs spans of any label the same way, unmatched spans against ``"O"``.
- A token's label is the label of the longest span sharing at least one character with it (ties:
  earliest start, then label in code-point order); a token outside every span is ``"O"``.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.matching import (
    Candidate,
    SpanLike,
    greedy_pairs,
    overlap_candidates,
    overlap_matches,
    strict_matches,
)
from annotator.core.tokens import Token

OUTSIDE = "O"


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(frozen=True, slots=True)
class Counts:
    """Matched spans (tp) and span totals of the reference A and of B."""

    tp: int = 0
    n_a: int = 0
    n_b: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.n_a + other.n_a, self.n_b + other.n_b)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.n_b)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.n_a)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, self.n_a + self.n_b)

    def to_json(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(slots=True)
class SpanScores:
    """Counts overall and per label (labels used by A or B)."""

    overall: Counts = field(default_factory=Counts)
    per_label: dict[str, Counts] = field(default_factory=dict)

    def __add__(self, other: SpanScores) -> SpanScores:
        labels = set(self.per_label) | set(other.per_label)
        return SpanScores(
            self.overall + other.overall,
            {
                label: self.per_label.get(label, Counts()) + other.per_label.get(label, Counts())
                for label in sorted(labels)
            },
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "per_label": {label: c.to_json() for label, c in sorted(self.per_label.items())},
        }


def scores_of_pairs(
    a: Sequence[SpanLike], b: Sequence[SpanLike], matched: Iterable[tuple[int, int]]
) -> SpanScores:
    tp_by_label: Counter[str] = Counter(a[i].label for i, _ in matched)
    n_a = Counter(s.label for s in a)
    n_b = Counter(s.label for s in b)
    labels = sorted(set(n_a) | set(n_b))
    per_label = {label: Counts(tp_by_label[label], n_a[label], n_b[label]) for label in labels}
    return SpanScores(Counts(sum(tp_by_label.values()), len(a), len(b)), per_label)


def strict_scores(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> SpanScores:
    return scores_of_pairs(a, b, strict_matches(a, b))


def partial_scores(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> SpanScores:
    return scores_of_pairs(a, b, overlap_matches(a, b, same_label=True))


def confusion_counts(
    a: Sequence[SpanLike], b: Sequence[SpanLike], candidates: list[Candidate] | None = None
) -> Counter[tuple[str, str]]:
    """(label in A, label in B) counts over spans matched by overlap, whatever their labels.

    An A span matched by no B span counts as (label, "O"); a B span matched by no A span as
    ("O", label). ("O", "O") is never counted. ``candidates``: ``overlap_candidates(a, b)``,
    when the caller has them already.
    """
    pairs = greedy_pairs(overlap_candidates(a, b) if candidates is None else candidates)
    counts: Counter[tuple[str, str]] = Counter()
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    for i, j in pairs:
        counts[(a[i].label, b[j].label)] += 1
    for i, span in enumerate(a):
        if i not in matched_a:
            counts[(span.label, OUTSIDE)] += 1
    for j, span in enumerate(b):
        if j not in matched_b:
            counts[(OUTSIDE, span.label)] += 1
    return counts


@dataclass(slots=True)
class Confusion:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: Counter[tuple[str, str]]) -> None:
        self.counts.update(other)

    @property
    def labels(self) -> list[str]:
        names = {label for pair in self.counts for label in pair} - {OUTSIDE}
        return [*sorted(names), OUTSIDE]

    def matrix(self) -> list[list[int]]:
        labels = self.labels
        return [[self.counts.get((row, col), 0) for col in labels] for row in labels]

    def to_json(self) -> dict[str, Any]:
        return {"labels": self.labels, "matrix": self.matrix()}


def token_labels(tokens: Sequence[Token], spans: Sequence[SpanLike]) -> list[str]:
    """The label of each token: that of the longest span sharing a character with it.

    Ties go to the span that starts first, then to the label first in code-point order. A token
    that no span touches is ``"O"``. ``tokens`` are (start, end) pairs sorted by start.
    """
    starts = [t[0] for t in tokens]
    best: list[tuple[int, int, str] | None] = [None] * len(tokens)
    for span in spans:
        rank = (-(span.end - span.start), span.start, span.label)
        # First token that might overlap: the last one starting at or before span.start.
        k = max(0, bisect.bisect_right(starts, span.start) - 1)
        while k < len(tokens) and tokens[k][0] < span.end:
            t_start, t_end = tokens[k]
            if t_start < span.end and span.start < t_end:
                current = best[k]
                if current is None or rank < current:
                    best[k] = rank
            k += 1
    return [OUTSIDE if r is None else r[2] for r in best]
