"""Offsets carried between copies of a text, and differences grouped across annotators."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.core.align import OffsetMap
from annotator.core.differences import DifferenceKind, document_differences, group_spans
from annotator.core.model import Span


def test_offsets_survive_white_space_and_composition_changes() -> None:
    ours = "Esmaïl Qaani visited\n\nDamascus on Monday."
    theirs = "  " + unicodedata.normalize("NFD", ours).replace("\n\n", " ").replace(" on", "   on")
    assert theirs != ours
    mapping = OffsetMap(theirs, ours)
    for word in ("Esmaïl Qaani", "Damascus", "Monday", "visited Damascus"):
        if word == "visited Damascus":
            start = theirs.index("visited")
            end = theirs.index("Damascus") + len("Damascus")
        else:
            target = unicodedata.normalize("NFD", word)
            start = theirs.index(target)
            end = start + len(target)
        moved = mapping.span(start, end)
        assert moved is not None
        got = ours[moved[0] : moved[1]]
        assert " ".join(got.split()) == word


def test_offset_map_refuses_different_texts() -> None:
    with pytest.raises(ValueError):
        OffsetMap("one text", "another text")


def S(start: int, end: int, label: str) -> Span:
    return Span(start, end, label)


def test_two_annotators_differences_in_text_order() -> None:
    spans = {
        "A": [S(0, 3, "PER"), S(8, 11, "PER"), S(15, 20, "LOC"), S(24, 30, "DATE")],
        "B": [S(0, 3, "PER"), S(8, 11, "ORG"), S(12, 20, "LOC"), S(36, 39, "PER")],
    }
    agreed, diffs = document_differences(7, spans, ["A", "B"])
    assert agreed == [S(0, 3, "PER")]
    assert [(d.kind, d.start, d.end) for d in diffs] == [
        (DifferenceKind.LABEL, 8, 11),
        (DifferenceKind.BOUNDARIES, 12, 20),
        (DifferenceKind.ONLY_A, 24, 30),
        (DifferenceKind.ONLY_B, 36, 39),
    ]
    assert diffs[1].version("A") == S(15, 20, "LOC") and diffs[1].version("B") == S(12, 20, "LOC")
    assert diffs[2].missing == ["B"]
    assert all(d.document_id == 7 for d in diffs)


def test_label_and_boundaries_both_differ() -> None:
    spans = {"A": [S(0, 10, "ORG")], "B": [S(2, 10, "GPE")]}
    _agreed, diffs = document_differences(1, spans, ["A", "B"])
    assert len(diffs) == 1
    assert diffs[0].kind is DifferenceKind.LABEL
    assert diffs[0].label_differs and diffs[0].boundaries_differ


def test_nested_spans_keep_one_span_per_annotator_per_group() -> None:
    spans = {
        "A": [S(0, 20, "ORG"), S(5, 10, "PER")],
        "B": [S(0, 20, "ORG"), S(5, 10, "PER")],
    }
    groups = group_spans(spans, ["A", "B"])
    assert groups == [
        {"A": S(0, 20, "ORG"), "B": S(0, 20, "ORG")},
        {"A": S(5, 10, "PER"), "B": S(5, 10, "PER")},
    ]
    agreed, diffs = document_differences(1, spans, ["A", "B"])
    assert len(agreed) == 2 and diffs == []


def test_three_annotators() -> None:
    spans = {
        "A": [S(0, 5, "X")],
        "B": [S(0, 5, "X")],
        "C": [S(0, 5, "X"), S(10, 12, "Y")],
    }
    agreed, diffs = document_differences(1, spans, ["A", "B", "C"])
    assert agreed == [S(0, 5, "X")]
    assert [(d.kind, d.missing) for d in diffs] == [(DifferenceKind.MISSING, ["A", "B"])]
    spans["B"] = [S(0, 4, "X")]
    _agreed, diffs = document_differences(1, spans, ["A", "B", "C"])
    assert diffs[0].kind is DifferenceKind.BOUNDARIES
    assert diffs[0].version("B") == S(0, 4, "X")
