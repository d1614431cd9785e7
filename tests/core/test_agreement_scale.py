"""Krippendorff's nominal alpha computed over unit patterns equals the ``krippendorff`` package's.

The report's token-level alpha has one unit per token: millions for a large corpus, where the
package would build a units x values x values array. ``krippendorff_alpha_nominal`` aggregates
identical units first; these tests hold it to the package's own answers.
"""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest

from annotator.core.agreement import krippendorff_alpha_nominal


def package_alpha(rows: list[list[str | None]]) -> float | None:
    codes: dict[str, int] = {}
    data = np.array(
        [[np.nan if v is None else codes.setdefault(v, len(codes)) for v in row] for row in rows],
        dtype=float,
    )
    if len(codes) < 2:
        return None
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:
        return None
    return None if np.isnan(alpha) else alpha


@pytest.mark.parametrize("seed", range(40))
def test_small_random_sets_agree_with_the_package(seed: int) -> None:
    rng = random.Random(seed)
    annotators, units = rng.randint(2, 5), rng.randint(1, 60)
    values = ["O", "PERSON", "ORG", "GPE", "LOC"][: rng.randint(1, 5)]
    rows = [
        [None if rng.random() < 0.25 else rng.choice(values) for _ in range(units)]
        for _ in range(annotators)
    ]
    expected = package_alpha(rows)
    got = krippendorff_alpha_nominal(rows)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_two_hundred_thousand_token_units_agree_with_the_package() -> None:
    rng = random.Random(7)
    labels = ["O"] * 6 + ["PERSON", "ORG", "GPE"]
    a = [rng.choice(labels) for _ in range(200_000)]
    b = [x if rng.random() < 0.9 else rng.choice(labels) for x in a]
    expected = package_alpha([a, b])
    assert expected is not None
    assert krippendorff_alpha_nominal([a, b]) == pytest.approx(expected, abs=1e-12)


def test_many_annotators_take_the_general_path() -> None:
    # 30 annotators and 9 values: the per-unit key would not fit in 62 bits.
    rng = random.Random(3)
    values = [str(v) for v in range(9)]
    rows = [[rng.choice(values) if rng.random() < 0.8 else None for _ in range(50)] for _ in range(30)]
    assert krippendorff_alpha_nominal(rows) == pytest.approx(package_alpha(rows), abs=1e-12)
