"""Every kind of difference has its own mark in review mode, and a line saying what it is."""

from __future__ import annotations

from annotator.core.differences import Difference, DifferenceKind
from annotator.core.model import Span
from annotator.gui.review.marks import SYMBOLS, UNDERLINES, describe


def test_every_kind_has_a_symbol_and_an_underline() -> None:
    assert set(SYMBOLS) == set(DifferenceKind) == set(UNDERLINES)
    assert len(set(SYMBOLS.values())) == len(SYMBOLS)
    # Shapes tell the kinds apart without colour: the actor mark is a shape of its own.
    others = {UNDERLINES[k] for k in DifferenceKind if k is not DifferenceKind.ACTOR}
    assert UNDERLINES[DifferenceKind.ACTOR] not in others


def test_a_different_linked_actor_is_described_with_both_actors() -> None:
    span = Span(0, 8, "GPE")
    diff = Difference(
        1,
        (("alice", span), ("bob", span)),
        DifferenceKind.ACTOR,
        (("alice", "Syria"), ("bob", None)),
    )
    assert describe(diff) == "linked actor differs (alice: Syria, bob: no actor)"
