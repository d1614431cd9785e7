"""Chance-corrected agreement of coded units: Cohen's kappa of two annotators, Krippendorff's
alpha (nominal and ordinal) of any number, a missing value where an annotator coded nothing.

Units and values only (labels of tokens, categories of events, framing choices of documents):
nothing here knows spans. Alpha is the ``krippendorff`` package's, except the nominal alpha of
value patterns, written here because the package needs gigabytes for the tokens of a large corpus
(see ``alpha_nominal_of_patterns``). A coefficient that is undefined is ``None``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal


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
