"""``checked_span`` (a reader's fast way to build a span it has checked) makes the very span
``Span(...)`` makes: every field set, equal, same hash, still frozen."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from annotator.core.spans import Origin, Span, checked_span


def test_checked_span_is_the_span_the_constructor_makes() -> None:
    for args in [(0, 5, "PER", Origin.MANUAL, "entity", None), (3, 9, "ORG", Origin.MODEL, "frame", 7)]:
        made, fast = Span(*args), checked_span(*args)
        assert type(fast) is Span
        # Every field is set (a field added to Span and not to checked_span fails here).
        assert {f.name: getattr(fast, f.name) for f in dataclasses.fields(Span)} == {
            f.name: getattr(made, f.name) for f in dataclasses.fields(Span)
        }
        assert fast == made and hash(fast) == hash(made)
        assert pickle.loads(pickle.dumps(fast)) == made
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.start = 1  # type: ignore[misc]
