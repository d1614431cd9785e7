"""Inter-annotator agreement: span F1, label confusion, Cohen's kappa, Krippendorff's alpha, and
the analysis layers (frames, tone, events, actor links).

Reviewers compare colleagues' annotation sets the way INCEpTION, MAE and Prodigy report it. This
module is pure Python (plus numpy and the ``krippendorff`` package): it takes spans, token
boundaries, events and frame assessments, never a spaCy object, so every figure can be checked by
hand. ``docs/AGREEMENT.md`` defines each figure precisely; keep the two in step.

Conventions, all documented there:

- A is the reference: precision is TP / |B|, recall TP / |A|, F1 = 2 TP / (|A| + |B|).
- Figures over several documents are micro-averages: TP, |A| and |B| are summed over documents
  first, then divided.
- A figure whose denominator is zero is undefined and reported as ``None`` (JSON ``null``).
- Partial matching pairs spans of the same label one to one, greedily by largest overlap; the
  confusion matrix pairs spans of any label the same way, unmatched spans against ``"O"``.
- A token's label is the label of the longest span sharing at least one character with it (ties:
  earliest start, then label in code-point order); a token outside every span is ``"O"``.
- Document-level framing choices are Krippendorff's alpha (nominal) over documents, an annotator
  who did not frame a document having a missing value there. Events are paired by trigger overlap
  (as the confusion matrix pairs spans); actor links are compared on spans with the same offsets.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal, Protocol

from annotator.core.tokens import Token, count_tokens, pattern_for, tokens_touching

if TYPE_CHECKING:
    from annotator.core.actors import Actor
    from annotator.core.differences import EventDifference, FrameDifference
    from annotator.core.events import Event
    from annotator.core.framing import FrameAssessment

OUTSIDE = "O"
SCHEMA = "annotator.agreement/1"


class SpanLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...



# -- counts and scores -------------------------------------------------------------------------


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


def _scores(
    a: Sequence[SpanLike], b: Sequence[SpanLike], matched: Iterable[tuple[int, int]]
) -> SpanScores:
    tp_by_label: Counter[str] = Counter(a[i].label for i, _ in matched)
    n_a = Counter(s.label for s in a)
    n_b = Counter(s.label for s in b)
    labels = sorted(set(n_a) | set(n_b))
    per_label = {label: Counts(tp_by_label[label], n_a[label], n_b[label]) for label in labels}
    return SpanScores(Counts(sum(tp_by_label.values()), len(a), len(b)), per_label)


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
    return _greedy([c for c in candidates if c[0][1] == 0] if same_label else candidates)


Candidate = tuple[tuple[int, ...], int, int]


def overlap_candidates(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[Candidate]:
    """Every pair of an A span and a B span sharing a character, as (key, i, j) in the order
    ``overlap_matches`` takes them; ``key[1]`` is 0 when the labels are the same."""
    import bisect

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


def _greedy(candidates: Iterable[Candidate]) -> list[tuple[int, int]]:
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


def strict_scores(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> SpanScores:
    return _scores(a, b, strict_matches(a, b))


def partial_scores(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> SpanScores:
    return _scores(a, b, overlap_matches(a, b, same_label=True))


# -- confusion matrix -------------------------------------------------------------------------


def confusion_counts(
    a: Sequence[SpanLike], b: Sequence[SpanLike], candidates: list[Candidate] | None = None
) -> Counter[tuple[str, str]]:
    """(label in A, label in B) counts over spans matched by overlap, whatever their labels.

    An A span matched by no B span counts as (label, "O"); a B span matched by no A span as
    ("O", label). ("O", "O") is never counted. ``candidates``: ``overlap_candidates(a, b)``,
    when the caller has them already.
    """
    pairs = _greedy(overlap_candidates(a, b) if candidates is None else candidates)
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


# -- tokens -----------------------------------------------------------------------------------


def token_labels(tokens: Sequence[Token], spans: Sequence[SpanLike]) -> list[str]:
    """The label of each token: that of the longest span sharing a character with it.

    Ties go to the span that starts first, then to the label first in code-point order. A token
    that no span touches is ``"O"``. ``tokens`` are (start, end) pairs sorted by start.
    """
    import bisect

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


@dataclass(frozen=True, slots=True)
class Kappa:
    """Cohen's kappa with the figures it is made of."""

    n: int
    observed: float | None
    expected: float | None

    @property
    def kappa(self) -> float | None:
        if self.observed is None or self.expected is None or math.isclose(self.expected, 1.0):
            return None
        return (self.observed - self.expected) / (1.0 - self.expected)

    def to_json(self) -> dict[str, Any]:
        return {
            "kappa": self.kappa,
            "observed_agreement": self.observed,
            "expected_agreement": self.expected,
            "tokens": self.n,
        }


def cohen_kappa(x: Sequence[str], y: Sequence[str]) -> Kappa:
    """Cohen's kappa of two equally long label sequences (None when undefined)."""
    if len(x) != len(y):
        raise ValueError(f"label sequences differ in length ({len(x)} and {len(y)})")
    return kappa_of_pairs(Counter(zip(x, y, strict=True)))


def kappa_of_pairs(pairs: Mapping[tuple[str, str], int]) -> Kappa:
    """Cohen's kappa from how many units got each (label of x, label of y) pair."""
    n = sum(pairs.values())
    if n == 0:
        return Kappa(0, None, None)
    observed = sum(count for (p, q), count in pairs.items() if p == q) / n
    count_x: Counter[str] = Counter()
    count_y: Counter[str] = Counter()
    for (p, q), count in pairs.items():
        count_x[p] += count
        count_y[q] += count
    expected = sum(count_x[k] * count_y[k] for k in count_x) / (n * n)
    return Kappa(n, observed, expected)


def _krippendorff(
    rows: Sequence[Sequence[Any]],
    level: Literal["nominal", "ordinal"],
    order: Sequence[Any] | None = None,
) -> float | None:
    """Alpha of the ``krippendorff`` package at ``level`` (None values are missing).

    Values are coded as numbers: by first appearance, or by their position in ``order`` (the
    scale of an ordinal level). Returns None when alpha is undefined.
    """
    import krippendorff
    import numpy as np

    if len(rows) < 2 or not rows[0]:
        return None
    codes: dict[Any, int] = {value: i for i, value in enumerate(order or ())}
    data = np.full((len(rows), len(rows[0])), np.nan, dtype=float)
    used: set[Any] = set()
    for r, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError("every annotator needs a value (or None) for every unit")
        for c, value in enumerate(row):
            if value is not None:
                if order is not None and value not in codes:
                    raise ValueError(f"{value!r} is not on the scale")
                data[r, c] = codes.setdefault(value, len(codes))
                used.add(value)
    if len(used) < 2:
        return None
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is "undefined", said below
            alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    except ValueError:
        return None
    return None if math.isnan(alpha) else alpha


def krippendorff_alpha_nominal(rows: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha, nominal level, one row per annotator, one column per unit.

    ``None`` in a row is a missing value. Returns None when alpha is undefined (no unit coded by
    two annotators, or a single value overall).
    """
    if len(rows) < 2 or not rows[0]:
        return None
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("every annotator needs a value (or None) for every unit")
    return alpha_nominal_of_patterns(Counter(zip(*rows, strict=True)))


def alpha_nominal_of_patterns(
    patterns: Mapping[tuple[str | None, ...], int],
) -> float | None:
    """Krippendorff's alpha, nominal level, from how many units have each pattern of values (one
    value per annotator, None where missing). Returns None when alpha is undefined.

    The ``krippendorff`` package's formula (alpha = 1 - sum(o * d) / sum(e * d) from the
    coincidence matrix o), with each distinct pattern weighed by how many units have it. The
    package itself builds a units x values x values array: gigabytes for the tokens of 10,000
    articles, where this needs a few bytes a pattern. ``tests/core/test_agreement_scale.py``
    checks the two against each other.
    """
    import numpy as np

    codes: dict[str, int] = {}
    for pattern, weight in patterns.items():
        if weight:
            for value in pattern:
                if value is not None:
                    codes.setdefault(value, len(codes))
    n_values = len(codes)
    if n_values < 2:
        return None
    counts = np.zeros((len(patterns), n_values))
    weights = np.zeros(len(patterns))
    for u, (pattern, weight) in enumerate(patterns.items()):
        weights[u] = weight
        for value in pattern:
            if value is not None:
                counts[u, codes[value]] += 1
    coders = counts.sum(axis=1)
    pairable = (coders >= 2) & (weights > 0)
    if not pairable.any():
        return None
    counts, weights, coders = counts[pairable], weights[pairable], coders[pairable]
    weighted = counts * (weights / (coders - 1))[:, None]
    observed = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_v = observed.sum(axis=0)
    n = n_v.sum()
    expected = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    differ = 1.0 - np.eye(n_values)
    disagreement = float((expected * differ).sum())
    if disagreement == 0:
        return None
    alpha = 1.0 - float((observed * differ).sum()) / disagreement
    return None if math.isnan(alpha) else alpha


def krippendorff_alpha_ordinal(
    rows: Sequence[Sequence[str | None]], scale: Sequence[str]
) -> float | None:
    """Krippendorff's alpha, ordinal level: values are ranked by their position in ``scale``.

    Raises ValueError for a value that is not on the scale; returns None when undefined.
    """
    return _krippendorff(rows, "ordinal", scale)


# -- the analysis layers: actors, events, frames ----------------------------------------------

# The Media Frames Corpus's five-point tone scale, from one end to the other (the order is all an
# ordinal alpha needs). Reports take a schema's own scale when it has one.
TONE_SCALE: tuple[str, ...] = (
    "explicit_anti",
    "implicit_anti",
    "neutral",
    "implicit_pro",
    "explicit_pro",
)


class ActorIdentity:
    """One name per real-world actor across annotation sets that do not share a database.

    Two actors are the same when they have the same uid (seed actors, actors exported from one
    database) or the same name ignoring case and runs of white space (actors two analysts made
    separately), and so on transitively: the rule by which importing a record finds the stored
    actor. The name given to an actor is that of its first occurrence (``add`` order).
    """

    def __init__(self) -> None:
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}
        self._seq: dict[tuple[str, str], int] = {}  # node -> order of creation
        self._name: dict[tuple[str, str], str] = {}  # node -> name of the actor that made it

    def _find(self, node: tuple[str, str]) -> tuple[str, str]:
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    @staticmethod
    def _nodes(actor: Actor) -> list[tuple[str, str]]:
        nodes = [("name", " ".join(actor.name.split()).casefold())]
        if actor.uid:
            nodes.insert(0, ("uid", actor.uid))
        return nodes

    def add(self, actor: Actor) -> None:
        nodes = self._nodes(actor)
        for node in nodes:
            if node not in self._parent:
                self._parent[node] = node
                self._seq[node] = len(self._seq)
                self._name[node] = actor.name
        roots = {self._find(node) for node in nodes}
        # The class's oldest node was made by its first actor: it stays the root.
        keep = min(roots, key=self._seq.__getitem__)
        for root in roots:
            self._parent[root] = keep

    def name(self, actor: Actor) -> str:
        """The name standing for ``actor`` and every actor it is the same as."""
        known = [node for node in self._nodes(actor) if node in self._parent]
        return self._name[self._find(known[0])] if known else actor.name


def frames_coded(frames: FrameAssessment | None) -> bool:
    """Whether an annotator framed the document: a frame present, a primary or headline frame, a
    tone, or a role. (A set whose only framing is evidence spans did not fill in the framing.)"""
    return frames is not None and not frames.is_empty


def frame_present(frames: FrameAssessment, dimension: str) -> bool:
    """A dimension is present when listed among the frames present or given as the primary."""
    return dimension in frames.frames or frames.primary == dimension


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


@dataclass(slots=True)
class EventAgreement:
    """Events of B against the reference A: trigger matching, then the category of matched pairs."""

    n_a: int = 0
    n_b: int = 0
    categories_a: list[str] = field(default_factory=list)  # of matched pairs, in order
    categories_b: list[str] = field(default_factory=list)

    def add(self, a: Sequence[Event], b: Sequence[Event]) -> None:
        self.n_a += len(a)
        self.n_b += len(b)
        for i, j in event_matches(a, b):
            self.categories_a.append(a[i].category)
            self.categories_b.append(b[j].category)

    def merge(self, other: EventAgreement) -> None:
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.categories_a += other.categories_a
        self.categories_b += other.categories_b

    @property
    def matched(self) -> int:
        return len(self.categories_a)

    @property
    def trigger(self) -> Counts:
        return Counts(self.matched, self.n_a, self.n_b)

    @property
    def same_category(self) -> int:
        return sum(1 for x, y in zip(self.categories_a, self.categories_b, strict=True) if x == y)

    @property
    def kappa(self) -> Kappa:
        return cohen_kappa(self.categories_a, self.categories_b)

    def to_json(self) -> dict[str, Any]:
        kappa = self.kappa
        return {
            "events_a": self.n_a,
            "events_b": self.n_b,
            "trigger": self.trigger.to_json(),
            "matched": self.matched,
            "same_category": self.same_category,
            "observed_agreement": kappa.observed,
            "expected_agreement": kappa.expected,
            "cohen_kappa": kappa.kappa,
        }


@dataclass(slots=True)
class ActorLinkAgreement:
    """Actor links of spans paired by offsets (``offset_matches``): the same canonical actor on
    both sides or not."""

    linked_a: int = 0  # spans A linked to an actor (compared documents)
    linked_b: int = 0
    span_pairs: int = 0  # span pairs with the same offsets (and layer)
    same: int = 0  # both linked, to the same actor
    different: int = 0  # both linked, to different actors
    only_a: int = 0  # A linked its span, B did not
    only_b: int = 0

    def merge(self, other: ActorLinkAgreement) -> None:
        for name in self.__slots__:  # every field is a count
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def linked_pairs(self) -> int:
        return self.same + self.different + self.only_a + self.only_b

    @property
    def agreement(self) -> float | None:
        return _ratio(self.same, self.linked_pairs)

    def add(
        self,
        a: Sequence[SpanLike],
        b: Sequence[SpanLike],
        links_a: Mapping[int, str],
        links_b: Mapping[int, str],
    ) -> None:
        if not links_a and not links_b:
            # Nothing linked on either side: only the pairs are counted, one to one by offsets
            # and layer (offset_matches pairs min(count in A, count in B) spans of each).
            in_b = Counter((s.start, s.end, str(getattr(s, "layer", ""))) for s in b)
            for key, count in Counter(
                (s.start, s.end, str(getattr(s, "layer", ""))) for s in a
            ).items():
                self.span_pairs += min(count, in_b.get(key, 0))
            return

        def actor(span: Any, links: Mapping[int, str]) -> str | None:
            ident = getattr(span, "id", None)
            return None if ident is None else links.get(ident)

        self.linked_a += sum(1 for s in a if actor(s, links_a) is not None)
        self.linked_b += sum(1 for s in b if actor(s, links_b) is not None)
        for i, j in offset_matches(a, b):
            self.span_pairs += 1
            x, y = actor(a[i], links_a), actor(b[j], links_b)
            if x is None and y is None:
                continue
            if x is None:
                self.only_b += 1
            elif y is None:
                self.only_a += 1
            elif x == y:
                self.same += 1
            else:
                self.different += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "linked_spans_a": self.linked_a,
            "linked_spans_b": self.linked_b,
            "span_pairs": self.span_pairs,
            "linked_pairs": self.linked_pairs,
            "same_actor": self.same,
            "different_actor": self.different,
            "linked_only_in_a": self.only_a,
            "linked_only_in_b": self.only_b,
            "agreement": self.agreement,
        }


@dataclass(slots=True)
class FramingAgreement:
    """Krippendorff's alpha of the document-level framing choices, across all annotators."""

    documents: int  # compared documents framed by two or more annotators
    dimensions: dict[str, float | None]  # presence of each dimension someone marked present
    primary: float | None
    tone: float | None
    tone_ordinal: float | None


def framing_agreement(
    docs: Sequence[DocumentAnnotations],
    annotators: Sequence[str],
    tone_scale: Sequence[str] = TONE_SCALE,
) -> tuple[FramingAgreement | None, list[str]]:
    """Alpha (nominal) of each dimension's presence, of the primary frame and of tone; tone's
    ordinal alpha too. Units: documents held by two or more annotators; an annotator who did not
    frame a document has missing values there. None when no unit was framed by two annotators."""
    notes: list[str] = []
    units = [doc for doc in docs if sum(1 for n in annotators if n in doc.spans) >= 2]
    coded: list[dict[str, FrameAssessment]] = []
    for doc in units:
        here: dict[str, FrameAssessment] = {}
        for name in annotators:
            frames = doc.frames.get(name) if name in doc.spans else None
            if frames is not None and frames_coded(frames):
                here[name] = frames
        coded.append(here)
    framed_by_two = sum(1 for here in coded if len(here) >= 2)
    if not framed_by_two:
        if any(coded):
            notes.append("no document was framed by two annotators: no framing figures")
        return None, notes

    def rows(value: Callable[[FrameAssessment], str | None]) -> list[list[str | None]]:
        return [
            [value(here[name]) if name in here else None for here in coded] for name in annotators
        ]

    marked = sorted(
        {d for here in coded for f in here.values() for d in (*f.frames, f.primary) if d}
    )
    dimensions = {
        dim: krippendorff_alpha_nominal(
            rows(lambda f, dim=dim: "present" if frame_present(f, dim) else "absent")  # type: ignore[misc]
        )
        for dim in marked
    }
    undefined = [dim for dim, alpha in dimensions.items() if alpha is None]
    if undefined:
        notes.append(
            "alpha of frame presence is undefined where every annotator made the same choice in "
            "every document: " + ", ".join(undefined)
        )
    primary = krippendorff_alpha_nominal(rows(lambda f: f.primary or None))
    tone_rows = rows(lambda f: f.tone or None)
    tone = krippendorff_alpha_nominal(tone_rows)
    off_scale = sorted({v for row in tone_rows for v in row if v is not None} - set(tone_scale))
    tone_ordinal: float | None = None
    if off_scale:
        notes.append(
            f"tone {', '.join(map(repr, off_scale))} is not on the tone scale: no ordinal alpha"
        )
    else:
        tone_ordinal = krippendorff_alpha_ordinal(tone_rows, tone_scale)
    return FramingAgreement(framed_by_two, dimensions, primary, tone, tone_ordinal), notes


# -- whole comparisons ------------------------------------------------------------------------


@dataclass(slots=True)
class DocumentAnnotations:
    """One document as several annotators saw it: its tokens and each present annotator's spans.

    An annotator missing from ``spans`` did not annotate the document (it is not in their file);
    an annotator mapped to ``[]`` did, and marked nothing.
    """

    key: str
    text: str
    spans: dict[str, list[Any]]
    title: str = ""
    # The analysis, for annotators present in ``spans``: actor links (span id -> the canonical
    # actor's name, see ActorIdentity), events, and the frame assessment (None: not framed).
    links: dict[str, dict[int, str]] = field(default_factory=dict)
    events: dict[str, list[Event]] = field(default_factory=dict)
    frames: dict[str, FrameAssessment | None] = field(default_factory=dict)
    # annotator -> actor id (as the events and frames refer to it) -> the canonical actor's name
    actor_names: dict[str, dict[int, str]] = field(default_factory=dict)
    _token_view: TokenView | None = field(default=None, repr=False, compare=False)

    def token_view(self) -> TokenView:
        """The document's tokens as the token figures need them (computed once)."""
        if self._token_view is None:
            self._token_view = TokenView.of(self.text, self.spans)
        return self._token_view


@dataclass(frozen=True, slots=True)
class TokenView:
    """A document's token count, the tokens some span touches, and each annotator's labels of
    those. Every other token is ``O`` for every annotator holding the document, so the token
    figures need no more: they add the untouched tokens as one count."""

    n: int
    touched: list[Token]
    labels: dict[str, list[str]]

    @classmethod
    def of(cls, text: str, spans: Mapping[str, Sequence[SpanLike]]) -> TokenView:
        pattern = pattern_for(text)
        intervals = [(s.start, s.end) for held in spans.values() for s in held]
        touched = tokens_touching(text, intervals, pattern) if intervals else []
        labels = {name: token_labels(touched, held) for name, held in spans.items()}
        return cls(count_tokens(text, pattern), touched, labels)

    @property
    def untouched(self) -> int:
        return self.n - len(self.touched)


@dataclass(slots=True)
class PairAgreement:
    """B compared against the reference A over the documents both annotated."""

    a: str
    b: str
    documents_compared: int = 0
    documents_only_a: int = 0
    documents_only_b: int = 0
    strict: SpanScores = field(default_factory=SpanScores)
    partial: SpanScores = field(default_factory=SpanScores)
    confusion: Confusion = field(default_factory=Confusion)
    kappa: Kappa = field(default_factory=lambda: Kappa(0, None, None))
    events: EventAgreement = field(default_factory=EventAgreement)
    actor_links: ActorLinkAgreement = field(default_factory=ActorLinkAgreement)
    # (label of A, label of B) -> tokens, over the compared documents: what kappa is made of.
    token_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, doc: DocumentAnnotations) -> None:
        """Count one document in (compared when A and B both hold it)."""
        a, b = self.a, self.b
        in_a, in_b = a in doc.spans, b in doc.spans
        if in_a and not in_b:
            self.documents_only_a += 1
        if in_b and not in_a:
            self.documents_only_b += 1
        if not (in_a and in_b):
            return
        self.documents_compared += 1
        spans_a, spans_b = doc.spans[a], doc.spans[b]
        self.strict = self.strict + strict_scores(spans_a, spans_b)
        # Partial matching and the confusion matrix pair the same candidates (partial only
        # those with the same label), found once.
        candidates = overlap_candidates(spans_a, spans_b)
        same_label = _greedy([c for c in candidates if c[0][1] == 0])
        self.partial = self.partial + _scores(spans_a, spans_b, same_label)
        self.confusion.add(confusion_counts(spans_a, spans_b, candidates))
        view = doc.token_view()
        self.token_pairs.update(zip(view.labels[a], view.labels[b], strict=True))
        self.token_pairs[OUTSIDE, OUTSIDE] += view.untouched
        self.events.add(doc.events.get(a, []), doc.events.get(b, []))
        self.actor_links.add(spans_a, spans_b, doc.links.get(a, {}), doc.links.get(b, {}))

    def merge(self, other: PairAgreement) -> None:
        """Add the counts of ``other``, the same pair over other documents."""
        self.documents_compared += other.documents_compared
        self.documents_only_a += other.documents_only_a
        self.documents_only_b += other.documents_only_b
        self.strict = self.strict + other.strict
        self.partial = self.partial + other.partial
        self.confusion.add(other.confusion.counts)
        self.token_pairs.update(other.token_pairs)
        self.events.merge(other.events)
        self.actor_links.merge(other.actor_links)

    def finish(self) -> PairAgreement:
        self.kappa = kappa_of_pairs(self.token_pairs)
        return self

    @property
    def has_events(self) -> bool:
        """Whether A or B has an event in a document both hold (else no event figures)."""
        return bool(self.events.n_a or self.events.n_b)

    @property
    def has_links(self) -> bool:
        """Whether A or B linked a span to an actor in a document both hold."""
        return bool(self.actor_links.linked_a or self.actor_links.linked_b)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "documents_compared": self.documents_compared,
            "documents_only_in_a": self.documents_only_a,
            "documents_only_in_b": self.documents_only_b,
            "strict": self.strict.to_json(),
            "partial": self.partial.to_json(),
            "cohen_kappa": self.kappa.to_json(),
            "confusion": self.confusion.to_json(),
            # Null when neither annotator has an event (a link) in the documents both hold.
            "event_category": self.events.to_json() if self.has_events else None,
            "actor_links": self.actor_links.to_json() if self.has_links else None,
        }


def compare_pair(docs: Sequence[DocumentAnnotations], a: str, b: str) -> PairAgreement:
    result = PairAgreement(a, b)
    for doc in docs:
        result.add(doc)
    return result.finish()


@dataclass(slots=True)
class AgreementReport:
    """Every figure for a set of annotators: pairs (each in order), matrices and alpha."""

    annotators: list[str]
    sources: dict[str, str]
    documents_total: int
    documents_compared: int  # annotated by at least two annotators
    documents_only_in: dict[str, int]  # annotated by this annotator alone
    tokens: int  # tokens of the compared documents
    pairs: list[PairAgreement]
    alpha_tokens: float | None
    notes: list[str] = field(default_factory=list)
    framing: FramingAgreement | None = None
    # Where the analysis differs, document by document (core.differences).
    event_differences: list[EventDifference] = field(default_factory=list)
    frame_differences: list[FrameDifference] = field(default_factory=list)

    @property
    def documents_only_in_one(self) -> int:
        return sum(self.documents_only_in.values())

    def pair(self, a: str, b: str) -> PairAgreement:
        for pair in self.pairs:
            if (pair.a, pair.b) == (a, b):
                return pair
        raise KeyError((a, b))

    def matrix(self, figure: str) -> list[list[float | None]]:
        """Symmetric annotator x annotator matrix of 'strict_f1', 'partial_f1' or 'cohen_kappa'."""
        index = {name: i for i, name in enumerate(self.annotators)}
        n = len(self.annotators)
        out: list[list[float | None]] = [[None] * n for _ in range(n)]
        for pair in self.pairs:
            value = {
                "strict_f1": pair.strict.overall.f1,
                "partial_f1": pair.partial.overall.f1,
                "cohen_kappa": pair.kappa.kappa,
            }[figure]
            i, j = index[pair.a], index[pair.b]
            out[i][j] = out[j][i] = value
        return out

    def to_json(self) -> dict[str, Any]:
        framing = self.framing
        return {
            "schema": SCHEMA,
            "annotators": [
                {"name": name, "source": self.sources.get(name, "")} for name in self.annotators
            ],
            "documents": {
                "total": self.documents_total,
                "compared": self.documents_compared,
                "only_in_one": self.documents_only_in_one,
                "only_in": dict(self.documents_only_in),
            },
            "tokens": self.tokens,
            "pairs": [pair.to_json() for pair in self.pairs],
            "pairwise": {
                "annotators": list(self.annotators),
                "strict_f1": self.matrix("strict_f1"),
                "partial_f1": self.matrix("partial_f1"),
                "cohen_kappa": self.matrix("cohen_kappa"),
            },
            "krippendorff_alpha": {
                "token_labels": self.alpha_tokens,
                # Document-level framing choices: null when no document was framed by two.
                "frame_dimensions": dict(framing.dimensions) if framing else None,
                "primary_frame": framing.primary if framing else None,
                "tone": framing.tone if framing else None,
                "tone_ordinal": framing.tone_ordinal if framing else None,
            },
            "framing": {"documents": framing.documents if framing else 0},
            "differences": {
                "events": [d.to_json() for d in self.event_differences],
                "frames": [d.to_json() for d in self.frame_differences],
            },
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class Tally:
    """What a report adds up over documents, for ``names``. Tallies of two disjoint sets of
    documents merge into the tally of both (so a corpus can be counted in parts, in parallel);
    ``report`` turns one into the figures."""

    names: list[str]
    documents_total: int = 0
    compared: int = 0
    only_in: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    patterns: Counter[tuple[str | None, ...]] = field(default_factory=Counter)  # for alpha
    pairs: list[PairAgreement] = field(default_factory=list)
    # The compared documents someone framed, without text or spans (framing is a corpus figure).
    framed: list[DocumentAnnotations] = field(default_factory=list)
    event_differences: list[EventDifference] = field(default_factory=list)
    frame_differences: list[FrameDifference] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.names) < 2 or len(set(self.names)) != len(self.names):
            raise ValueError("agreement needs two or more distinct annotators")
        self.only_in = {name: self.only_in.get(name, 0) for name in self.names}
        if not self.pairs:
            self.pairs = [PairAgreement(a, b) for a, b in combinations(self.names, 2)]

    @classmethod
    def of(cls, docs: Iterable[DocumentAnnotations], names: Sequence[str]) -> Tally:
        tally = cls(list(names))
        for doc in docs:
            tally.add(doc)
        return tally

    def add(self, doc: DocumentAnnotations) -> None:
        from annotator.core.differences import event_differences, frame_differences

        names = self.names
        self.documents_total += 1
        present = [name for name in names if name in doc.spans]
        if len(present) == 1:
            self.only_in[present[0]] += 1
        for pair in self.pairs:
            pair.add(doc)
        if len(present) < 2:
            return
        self.compared += 1
        view = doc.token_view()
        self.tokens += view.n
        missing: list[str | None] = [None] * len(view.touched)
        self.patterns.update(zip(*(view.labels.get(n, missing) for n in names), strict=True))
        self.patterns[tuple(OUTSIDE if n in doc.spans else None for n in names)] += view.untouched
        if any(doc.frames.get(n) is not None for n in present):
            self.framed.append(
                DocumentAnnotations(
                    doc.key, "", {n: [] for n in doc.spans}, doc.title, frames=dict(doc.frames)
                )
            )
        self.event_differences += event_differences(
            doc.key, doc.events, present, doc.title, doc.actor_names, doc.spans
        )
        self.frame_differences += frame_differences(doc.key, doc.frames, present, doc.title)

    def merge(self, other: Tally) -> Tally:
        """Add ``other``, the tally of documents that follow these (differences keep order)."""
        if other.names != self.names:
            raise ValueError("tallies of different annotators do not merge")
        self.documents_total += other.documents_total
        self.compared += other.compared
        for name, count in other.only_in.items():
            self.only_in[name] += count
        self.tokens += other.tokens
        self.patterns.update(other.patterns)
        for mine, theirs in zip(self.pairs, other.pairs, strict=True):
            mine.merge(theirs)
        self.framed += other.framed
        self.event_differences += other.event_differences
        self.frame_differences += other.frame_differences
        return self

    def report(
        self, sources: Mapping[str, str] | None = None, tone_scale: Sequence[str] = TONE_SCALE
    ) -> AgreementReport:
        """Every figure of the tally; ``tone_scale`` orders the tone values from one end to the
        other for the ordinal alpha of tone."""
        pairs = [pair.finish() for pair in self.pairs]
        notes: list[str] = []
        alpha = alpha_nominal_of_patterns(self.patterns) if self.tokens else None
        if self.compared == 0:
            notes.append("no document was annotated by two annotators: nothing to compare")
        elif alpha is None:
            notes.append("Krippendorff's alpha is undefined: every token has the same label")
        for pair in pairs:
            if pair.documents_compared and pair.kappa.kappa is None:
                notes.append(
                    f"Cohen's kappa of {pair.a} and {pair.b} is undefined: "
                    "both gave every token one and the same label"
                )
            if pair.documents_compared and pair.strict.overall.f1 is None:
                notes.append(
                    f"span F1 of {pair.a} and {pair.b} is undefined: neither marked any span"
                )
            if pair.has_events and pair.events.matched and pair.events.kappa.kappa is None:
                notes.append(
                    f"Cohen's kappa on event categories of {pair.a} and {pair.b} is undefined: "
                    "every matched event has one and the same category"
                )
        framing, framing_notes = framing_agreement(self.framed, self.names, tone_scale)
        notes += framing_notes
        return AgreementReport(
            annotators=list(self.names),
            sources=dict(sources or {}),
            documents_total=self.documents_total,
            documents_compared=self.compared,
            documents_only_in=dict(self.only_in),
            tokens=self.tokens,
            pairs=pairs,
            alpha_tokens=alpha,
            notes=notes,
            framing=framing,
            event_differences=list(self.event_differences),
            frame_differences=list(self.frame_differences),
        )


def compare(
    docs: Sequence[DocumentAnnotations],
    annotators: Sequence[str],
    sources: Mapping[str, str] | None = None,
    tone_scale: Sequence[str] = TONE_SCALE,
) -> AgreementReport:
    """All figures for ``annotators`` (two or more) over ``docs``; ``tone_scale`` orders the tone
    values from one end to the other for the ordinal alpha of tone."""
    return Tally.of(docs, annotators).report(sources, tone_scale)
