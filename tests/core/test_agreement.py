"""Known-answer tests for the agreement figures: every expected value is worked out by hand here."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import DocumentAnnotations, compare, compare_pair
from annotator.core.matching import overlap_matches
from annotator.core.model import Span
from annotator.core.reliability import cohen_kappa, krippendorff_alpha_nominal
from annotator.core.span_scores import (
    OUTSIDE,
    Counts,
    confusion_counts,
    partial_scores,
    strict_scores,
    token_labels,
)
from tests.core.test_agreement_analysis import alpha_by_definition


def S(start: int, end: int, label: str) -> Span:
    return Span(start, end, label)


def test_identical_spans_score_one() -> None:
    a = [S(0, 5, "PER"), S(10, 15, "ORG")]
    scores = strict_scores(a, list(a))
    # 2 of 2 matched: P = 2/2, R = 2/2, F1 = 2*2 / (2 + 2) = 1.
    assert scores.overall == Counts(tp=2, n_a=2, n_b=2)
    assert (scores.overall.precision, scores.overall.recall, scores.overall.f1) == (1.0, 1.0, 1.0)
    assert scores.per_label["PER"] == Counts(1, 1, 1)
    assert partial_scores(a, list(a)).overall == Counts(2, 2, 2)


def test_disjoint_spans_score_zero() -> None:
    a = [S(0, 5, "PER")]
    b = [S(10, 15, "PER")]
    for scores in (strict_scores(a, b), partial_scores(a, b)):
        # No pair: P = 0/1, R = 0/1, F1 = 0 / (1 + 1) = 0.
        assert scores.overall == Counts(0, 1, 1)
        assert (scores.overall.precision, scores.overall.recall, scores.overall.f1) == (0, 0, 0)


def test_nested_span_in_b_only() -> None:
    a = [S(0, 20, "ORG")]
    b = [S(0, 20, "ORG"), S(5, 10, "PER")]
    scores = strict_scores(a, b)
    # tp = 1; P = 1/2; R = 1/1; F1 = 2*1 / (1 + 2) = 2/3.
    assert scores.overall == Counts(1, 1, 2)
    assert scores.overall.precision == pytest.approx(0.5)
    assert scores.overall.recall == pytest.approx(1.0)
    assert scores.overall.f1 == pytest.approx(2 / 3)
    # Per label: ORG 1/1/1 -> F1 1; PER 0 matched, 0 in A, 1 in B -> P 0, R undefined, F1 0.
    assert scores.per_label["ORG"].f1 == 1.0
    per = scores.per_label["PER"]
    assert (per.precision, per.recall, per.f1) == (0.0, None, 0.0)


def test_boundary_shift_is_partial_not_strict() -> None:
    a = [S(0, 10, "ORG")]
    b = [S(2, 10, "ORG")]
    assert strict_scores(a, b).overall == Counts(0, 1, 1)
    # Same label and 8 shared characters: one partial match, P = R = F1 = 1.
    assert partial_scores(a, b).overall == Counts(1, 1, 1)
    # Different labels never match partially.
    assert partial_scores(a, [S(2, 10, "PER")]).overall == Counts(0, 1, 1)


def test_partial_matching_is_one_to_one_by_largest_overlap() -> None:
    a = [S(0, 10, "X")]
    b = [S(0, 3, "X"), S(2, 10, "X")]
    # Overlaps: with b0 3 characters, with b1 8 characters -> a0 pairs with b1 only.
    assert overlap_matches(a, b) == [(0, 1)]
    scores = partial_scores(a, b)
    # tp = 1, |A| = 1, |B| = 2: P = 1/2, R = 1, F1 = 2/3.
    assert scores.overall == Counts(1, 1, 2)
    assert scores.overall.f1 == pytest.approx(2 / 3)

    a2 = [S(0, 10, "X"), S(8, 20, "X")]
    b2 = [S(5, 15, "X")]
    # b0 overlaps a0 by 5 (5..10) and a1 by 7 (8..15): it goes to a1; a0 stays unmatched.
    assert overlap_matches(a2, b2) == [(1, 0)]
    assert partial_scores(a2, b2).overall == Counts(1, 2, 1)


def test_tie_prefers_identical_boundaries() -> None:
    a = [S(0, 10, "X")]
    b = [S(0, 20, "X"), S(0, 10, "X")]
    # Both overlap by 10 characters; the identical span wins the tie.
    assert overlap_matches(a, b) == [(0, 1)]


def test_empty_document_leaves_figures_undefined() -> None:
    scores = strict_scores([], [])
    assert scores.overall == Counts(0, 0, 0)
    overall = scores.overall
    assert (overall.precision, overall.recall, overall.f1) == (None, None, None)
    # A marked something, B nothing: recall 0/1, precision 0/0 undefined, F1 0/(1+0) = 0.
    one_sided = strict_scores([S(0, 2, "X")], []).overall
    assert (one_sided.precision, one_sided.recall, one_sided.f1) == (None, 0.0, 0.0)


def test_confusion_pairs_spans_of_any_label() -> None:
    a = [S(0, 5, "PER"), S(10, 15, "ORG"), S(20, 25, "LOC")]
    b = [S(0, 5, "ORG"), S(10, 16, "ORG"), S(30, 35, "PER")]
    counts = confusion_counts(a, b)
    assert counts == {
        ("PER", "ORG"): 1,  # same boundaries, other label
        ("ORG", "ORG"): 1,  # shifted end, same label
        ("LOC", OUTSIDE): 1,  # only in A
        (OUTSIDE, "PER"): 1,  # only in B
    }


def test_token_label_rule_longest_then_start_then_label() -> None:
    tokens = [(0, 3), (4, 8), (9, 12), (13, 15)]
    spans = [S(0, 8, "ORG"), S(4, 8, "PER"), S(10, 11, "LOC")]
    # Token 1 is covered by ORG (8 long) and PER (4 long): the longest wins. Token 2 is touched
    # by one character of LOC: a token sharing a character with a span takes its label.
    assert token_labels(tokens, spans) == ["ORG", "ORG", "LOC", "O"]
    # Equal lengths: the earlier start wins; same start and length: label order (B before C).
    assert token_labels(tokens, [S(4, 12, "Z"), S(0, 8, "Y")]) == ["Y", "Y", "Z", "O"]
    assert token_labels(tokens, [S(0, 3, "C"), S(0, 3, "B")]) == ["B", "O", "O", "O"]


def test_cohen_kappa_by_hand() -> None:
    x = ["O", "O", "O", "O", "PER", "PER", "ORG", "ORG", "O", "O"]
    y = ["O", "O", "O", "PER", "PER", "PER", "ORG", "O", "O", "O"]
    k = cohen_kappa(x, y)
    # Agreement at 8 of 10 positions (not at 3 and 7): po = 0.8.
    # x: O 6, PER 2, ORG 2; y: O 6, PER 3, ORG 1 -> pe = (6*6 + 2*3 + 2*1) / 10^2 = 0.44.
    # kappa = (0.8 - 0.44) / (1 - 0.44) = 0.36 / 0.56 = 0.642857...
    assert k.observed == pytest.approx(0.8)
    assert k.expected == pytest.approx(0.44)
    assert k.kappa == pytest.approx(0.36 / 0.56)
    assert round(k.kappa, 3) == 0.643
    # One category for everyone: pe = 1, kappa undefined.
    assert cohen_kappa(["O", "O"], ["O", "O"]).kappa is None
    assert cohen_kappa([], []).kappa is None


def test_krippendorff_alpha_nominal_by_hand() -> None:
    rows = [
        ["a", "a", "b", "b"],
        ["a", "b", "b", "b"],
        ["a", "a", None, "b"],
    ]
    # Coincidences (each ordered pair of values within a unit weighs 1/(m_u - 1)):
    #   unit 1 (a,a,a): o_aa += 6/2 = 3
    #   unit 2 (a,b,a): o_aa += 2/2, o_ab += 2/2, o_ba += 2/2
    #   unit 3 (b,b):   o_bb += 2/1
    #   unit 4 (b,b,b): o_bb += 6/2
    # o_aa = 4, o_ab = o_ba = 1, o_bb = 5; n_a = 5, n_b = 6, n = 11.
    # Do = (1 + 1) / 11; De = (5*6 + 6*5) / (11 * 10) = 6/11; alpha = 1 - (2/11)/(6/11) = 2/3.
    assert krippendorff_alpha_nominal(rows) == pytest.approx(2 / 3)
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a"]]) is None


def three_annotator_docs() -> list[DocumentAnnotations]:
    # Document 1, text "x y z": three one-character tokens, all three annotators.
    # Document 2, text "w": one token, annotated by A and B only (C's file lacks it).
    return [
        DocumentAnnotations(
            "d1",
            "x y z",
            {
                "A": [S(4, 5, "PER")],  # O O PER
                "B": [S(2, 3, "PER"), S(4, 5, "PER")],  # O PER PER
                "C": [S(4, 5, "PER")],  # O O PER
            },
        ),
        DocumentAnnotations("d2", "w", {"A": [S(0, 1, "PER")], "B": [S(0, 1, "PER")]}),
    ]


def test_three_annotators_pairs_kappa_and_alpha() -> None:
    report = compare(three_annotator_docs(), ["A", "B", "C"])
    assert report.documents_total == 2
    assert report.documents_compared == 2
    assert report.documents_only_in_one == 0
    assert report.tokens == 4
    ab = report.pair("A", "B")
    # Strict: d1 tp 1 (4-5), |A| 1, |B| 2; d2 tp 1, 1, 1 -> summed tp 2, |A| 2, |B| 3.
    # P = 2/3, R = 2/2, F1 = 4/5.
    assert ab.strict.overall == Counts(2, 2, 3)
    assert ab.strict.overall.f1 == pytest.approx(0.8)
    assert ab.documents_compared == 2
    # Kappa over the 4 tokens: A = O O PER PER, B = O PER PER PER.
    # po = 3/4; pe = (2*1 + 2*3) / 16 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5.
    assert ab.kappa.kappa == pytest.approx(0.5)
    ac = report.pair("A", "C")
    # d2 is not C's: one document compared, one only in A.
    assert (ac.documents_compared, ac.documents_only_a, ac.documents_only_b) == (1, 1, 0)
    assert ac.strict.overall.f1 == 1.0
    bc = report.pair("B", "C")
    # d1: |B| 2, |C| 1, tp 1 -> F1 = 2/3.
    assert bc.strict.overall.f1 == pytest.approx(2 / 3)
    # Alpha: units (O,O,O) (O,PER,O) (PER,PER,PER) (PER,PER,-): the hand example above with
    # a = O and b = PER, alpha = 2/3.
    assert report.alpha_tokens == pytest.approx(2 / 3)
    matrix = report.matrix("strict_f1")
    assert matrix[0][1] == matrix[1][0] == pytest.approx(0.8)
    assert matrix[0][0] is None


def test_micro_average_sums_counts_over_documents() -> None:
    docs = [
        DocumentAnnotations(
            "d1", "ab cd", {"A": [S(0, 2, "X"), S(3, 5, "X")], "B": [S(0, 2, "X"), S(3, 5, "X")]}
        ),
        DocumentAnnotations("d2", "ab", {"A": [S(0, 2, "X")], "B": []}),
    ]
    pair = compare_pair(docs, "A", "B")
    # tp 2, |A| 3, |B| 2: P = 1, R = 2/3, F1 = 4/5 (the mean of document F1s would be 0.5).
    assert pair.strict.overall == Counts(2, 3, 2)
    assert pair.strict.overall.f1 == pytest.approx(0.8)


def test_both_empty_everywhere_is_undefined_not_perfect() -> None:
    docs = [DocumentAnnotations("d", "abc de", {"A": [], "B": []})]
    report = compare(docs, ["A", "B"])
    pair = report.pair("A", "B")
    assert pair.strict.overall.f1 is None
    assert pair.kappa.kappa is None
    assert report.alpha_tokens is None
    assert any("undefined" in note for note in report.notes)
    data = json.loads(json.dumps(report.to_json()))
    assert data["pairs"][0]["strict"]["overall"]["f1"] is None


def test_documents_only_in_one_annotator_are_counted_not_compared() -> None:
    docs = [
        DocumentAnnotations("d1", "x", {"A": [S(0, 1, "X")], "B": [S(0, 1, "X")]}),
        DocumentAnnotations("d2", "x", {"A": [S(0, 1, "X")]}),
        DocumentAnnotations("d3", "x", {"B": []}),
    ]
    report = compare(docs, ["A", "B"])
    assert report.documents_compared == 1
    assert report.documents_only_in == {"A": 1, "B": 1}
    assert report.pair("A", "B").strict.overall == Counts(1, 1, 1)


@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda coders: st.lists(
            st.lists(st.sampled_from(["O", "PER", "ORG", None]), min_size=coders, max_size=coders),
            min_size=1,
            max_size=30,
        )
    )
)
@settings(max_examples=60, deadline=None)
def test_alpha_from_the_library_equals_the_definition(units: list[list[str | None]]) -> None:
    rows = [list(column) for column in zip(*units, strict=True)]
    expected = alpha_by_definition(rows)  # the coincidence-matrix definition
    got = krippendorff_alpha_nominal(rows)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)
