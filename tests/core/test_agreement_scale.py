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

from annotator.core.agreement import DocumentAnnotations, Tally, compare
from annotator.core.model import Span
from annotator.core.reliability import cohen_kappa, krippendorff_alpha_nominal
from annotator.core.span_scores import token_labels
from annotator.core.tokens import tokenize
from tests.core.test_agreement import S


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


# -- the report counts only the tokens spans touch ---------------------------------------------


def dense_figures(
    docs: list[DocumentAnnotations], names: list[str]
) -> tuple[int, dict[tuple[str, str], float | None], float | None]:
    """Token count, kappa of every pair and alpha, from every token labelled one by one: the
    definition in docs/AGREEMENT.md, with the ``krippendorff`` package's alpha."""
    rows: list[list[str | None]] = [[] for _ in names]
    kappas: dict[tuple[str, str], tuple[list[str], list[str]]] = {
        (a, b): ([], []) for i, a in enumerate(names) for b in names[i + 1 :]
    }
    n = 0
    for doc in docs:
        present = [name for name in names if name in doc.spans]
        if len(present) < 2:
            continue
        tokens = tokenize(doc.text)
        n += len(tokens)
        labels = {name: token_labels(tokens, doc.spans[name]) for name in present}
        for r, name in enumerate(names):
            rows[r] += labels.get(name, [None] * len(tokens))
        for (a, b), (x, y) in kappas.items():
            if a in labels and b in labels:
                x += labels[a]
                y += labels[b]
    return (
        n,
        {pair: cohen_kappa(x, y).kappa for pair, (x, y) in kappas.items()},
        package_alpha(rows) if n else None,
    )


def random_docs(rng: random.Random, names: list[str], count: int) -> list[DocumentAnnotations]:
    vocabulary = ["Ali", "met", "Bob", "in", "Paris", ".", ",", "l'armée", "中文", "😀", "مُحَمَّد", "\n"]
    labels = ["PER", "ORG", "GPE"]
    docs = []
    for d in range(count):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 40)))
        spans: dict[str, list[Span]] = {}
        for name in names:
            if rng.random() < 0.15:
                continue  # this annotator's file lacks the document
            held = []
            for _ in range(rng.randint(0, 6)) if text else ():
                start = rng.randrange(len(text))
                held.append(S(start, min(len(text), start + rng.randint(1, 12)), rng.choice(labels)))
            spans[name] = held
        docs.append(DocumentAnnotations(f"d{d}", text, spans))
    return docs


@pytest.mark.parametrize("seed", range(25))
def test_report_equals_labelling_every_token(seed: int) -> None:
    rng = random.Random(seed)
    names = ["A", "B", "C"][: rng.randint(2, 3)]
    docs = random_docs(rng, names, rng.randint(1, 12))
    report = compare(docs, names)
    n, kappas, alpha = dense_figures(docs, names)
    assert report.tokens == n
    for (a, b), kappa in kappas.items():
        got = report.pair(a, b).kappa.kappa
        assert (got is None) == (kappa is None)
        if kappa is not None:
            assert got == pytest.approx(kappa, abs=1e-12)
    assert (report.alpha_tokens is None) == (alpha is None)
    if alpha is not None:
        assert report.alpha_tokens == pytest.approx(alpha, abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_tallies_of_parts_merge_into_the_tally_of_all(seed: int) -> None:
    rng = random.Random(100 + seed)
    names = ["A", "B", "C"]
    docs = random_docs(rng, names, 20)
    cut = rng.randint(0, 20)
    merged = Tally.of(docs[:cut], names).merge(Tally.of(docs[cut:], names)).report()
    assert merged.to_json() == compare(docs, names).to_json()
