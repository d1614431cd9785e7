"""How far annotators agree on the analysis: events (trigger, then category), actor links, and
the document-level framing choices (frames present, primary frame, tone).

Conventions (``docs/AGREEMENT.md`` defines each figure): events are paired by trigger overlap
(``core.matching.event_matches``, as the confusion matrix pairs spans) and their categories
compared by Cohen's kappa; actor links are compared on spans with the same offsets
(``core.matching.offset_matches``); framing choices are Krippendorff's alpha (nominal; tone
ordinal too) over documents, an annotator who did not frame a document having a missing value
there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.framing import FrameAssessment, frame_present, frames_coded
from annotator.core.matching import SpanLike, event_matches, offset_matches
from annotator.core.reliability import (
    Kappa,
    cohen_kappa,
    krippendorff_alpha_nominal,
    krippendorff_alpha_ordinal,
)
from annotator.core.span_scores import Counts

if TYPE_CHECKING:
    from annotator.core.events import Event

# The Media Frames Corpus's five-point tone scale, from one end to the other (the order is all an
# ordinal alpha needs). Reports take a schema's own scale when it has one.
TONE_SCALE: tuple[str, ...] = (
    "explicit_anti",
    "implicit_anti",
    "neutral",
    "implicit_pro",
    "explicit_pro",
)



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
        return self.same / self.linked_pairs if self.linked_pairs else None

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
    documents: Sequence[Mapping[str, FrameAssessment | None]],
    annotators: Sequence[str],
    tone_scale: Sequence[str] = TONE_SCALE,
) -> tuple[FramingAgreement | None, list[str]]:
    """Alpha (nominal) of each dimension's presence, of the primary frame and of tone; tone's
    ordinal alpha too. ``documents``: for each document, the frame assessment of every annotator
    who holds it (None: held, not framed). Units: documents held by two or more of
    ``annotators``; an annotator who did not frame a document has missing values there. None when
    no unit was framed by two annotators."""
    notes: list[str] = []
    units = [held for held in documents if sum(1 for n in annotators if n in held) >= 2]
    coded: list[dict[str, FrameAssessment]] = []
    for held in units:
        here: dict[str, FrameAssessment] = {}
        for name in annotators:
            frames = held.get(name)
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
