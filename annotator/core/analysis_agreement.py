"""How far annotators agree on the analysis, layer by layer: events (trigger, then category, mode,
context, CAMEO code, each argument role, factuality, date), actor links, evidence passages (frame
and persuasion spans), and the document-level framing choices (frames present, primary and
headline frame, tone, tone target, actor roles).

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

from annotator.core.differences import ref_key
from annotator.core.framing import FrameAssessment, frames_coded
from annotator.core.matching import SpanLike, event_matches, offset_matches
from annotator.core.reliability import (
    Kappa,
    cohen_kappa,
    kappa_of_pairs,
    krippendorff_alpha_nominal,
    krippendorff_alpha_ordinal,
)
from annotator.core.span_scores import Counts

if TYPE_CHECKING:
    from annotator.core.events import Event, Ref

# The Media Frames Corpus's five-point tone scale, from one end to the other (the order is all an
# ordinal alpha needs). Reports take a schema's own scale when it has one.
TONE_SCALE: tuple[str, ...] = (
    "explicit_anti",
    "implicit_anti",
    "neutral",
    "implicit_pro",
    "explicit_pro",
)



# The fields of a paired event compared value for value (an empty value is a value: "not coded").
EVENT_VALUE_FIELDS = ("mode", "context", "cameo", "factuality", "date")

RefKey = Callable[["Ref | None"], Any]  # what a reference points at, comparable across sets


@dataclass(slots=True)
class FieldAgreement:
    """One coded field of paired items: the (value of A, value of B) pair of each item."""

    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, x: str, y: str) -> None:
        self.pairs[x, y] += 1

    def merge(self, other: FieldAgreement) -> None:
        self.pairs.update(other.pairs)

    @property
    def compared(self) -> int:
        return sum(self.pairs.values())

    @property
    def same(self) -> int:
        return sum(n for (x, y), n in self.pairs.items() if x == y)

    def to_json(self) -> dict[str, Any]:
        kappa = kappa_of_pairs(self.pairs)
        return {
            "compared": self.compared,
            "same": self.same,
            "observed_agreement": kappa.observed,
            "expected_agreement": kappa.expected,
            "cohen_kappa": kappa.kappa,
        }


@dataclass(slots=True)
class RoleAgreement:
    """One argument role of paired events: compared where either event fills the role; the same
    when both point at the same things (actors by canonical name, spans by offsets)."""

    compared: int = 0
    same: int = 0
    only_a: int = 0  # A filled the role, B did not
    only_b: int = 0

    def merge(self, other: RoleAgreement) -> None:
        self.compared += other.compared
        self.same += other.same
        self.only_a += other.only_a
        self.only_b += other.only_b

    def to_json(self) -> dict[str, Any]:
        return {
            "compared": self.compared,
            "same": self.same,
            "filled_only_in_a": self.only_a,
            "filled_only_in_b": self.only_b,
            "agreement": self.same / self.compared if self.compared else None,
        }


@dataclass(slots=True)
class EventAgreement:
    """Events of B against the reference A: trigger matching, then each field of matched pairs."""

    n_a: int = 0
    n_b: int = 0
    categories_a: list[str] = field(default_factory=list)  # of matched pairs, in order
    categories_b: list[str] = field(default_factory=list)
    fields: dict[str, FieldAgreement] = field(
        default_factory=lambda: {name: FieldAgreement() for name in EVENT_VALUE_FIELDS}
    )
    roles: dict[str, RoleAgreement] = field(default_factory=dict)

    def add(
        self,
        a: Sequence[Event],
        b: Sequence[Event],
        key_a: RefKey | None = None,
        key_b: RefKey | None = None,
    ) -> None:
        """Pair ``a`` and ``b`` by trigger; ``key_a``/``key_b`` resolve each side's argument
        references (without them, arguments are not compared)."""
        self.n_a += len(a)
        self.n_b += len(b)
        for i, j in event_matches(a, b):
            x, y = a[i], b[j]
            self.categories_a.append(x.category)
            self.categories_b.append(y.category)
            for name in EVENT_VALUE_FIELDS:
                self.fields[name].add(getattr(x, name), getattr(y, name))
            if key_a is None or key_b is None:
                continue
            for role in sorted({arg.role for arg in (*x.arguments, *y.arguments)}):
                got_a = sorted(map(repr, (key_a(r) for r in x.refs(role))))
                got_b = sorted(map(repr, (key_b(r) for r in y.refs(role))))
                tally = self.roles.setdefault(role, RoleAgreement())
                tally.compared += 1
                if got_a == got_b:
                    tally.same += 1
                elif not got_b:
                    tally.only_a += 1
                elif not got_a:
                    tally.only_b += 1

    def merge(self, other: EventAgreement) -> None:
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.categories_a += other.categories_a
        self.categories_b += other.categories_b
        for name, tally in other.fields.items():
            self.fields.setdefault(name, FieldAgreement()).merge(tally)
        for role, counts in other.roles.items():
            self.roles.setdefault(role, RoleAgreement()).merge(counts)

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

    def fields_json(self) -> dict[str, Any]:
        """Every field of the paired events: category, mode, context, CAMEO, factuality, date
        (kappa of values) and each argument role (agreement of what it points at)."""
        category = FieldAgreement(Counter(zip(self.categories_a, self.categories_b, strict=True)))
        out: dict[str, Any] = {"category": category.to_json()}
        out.update({name: self.fields[name].to_json() for name in EVENT_VALUE_FIELDS})
        out["arguments"] = {role: self.roles[role].to_json() for role in sorted(self.roles)}
        return out


def event_ref_key(
    actor_names: Mapping[int, str], spans: Sequence[Any]
) -> RefKey:
    """A function giving what a reference of one annotator points at: the canonical actor's name
    or the offsets of the span (``core.differences.ref_key``)."""
    by_id = {s.id: s for s in spans if getattr(s, "id", None) is not None}
    return lambda ref: ref_key(ref, actor_names, by_id)


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


TOPIC = "(topic)"  # the tone target when the tone is towards the document's topic, no actor
NO_ROLE = "(none)"  # the role of an actor a framer gave no role


@dataclass(frozen=True, slots=True)
class FramingChoices:
    """One annotator's framing of one document, comparable across sets: actors by the canonical
    name that stands for them everywhere (``ActorIdentity``), not by one database's ids."""

    frames: frozenset[str]  # dimensions present (the primary frame included)
    primary: str
    headline: str
    tone: str
    tone_target: str  # the canonical actor's name; TOPIC when a tone is given towards no actor
    roles: tuple[tuple[str, str], ...]  # (actor name, role), sorted

    @classmethod
    def of(
        cls, frames: FrameAssessment | None, actor_names: Mapping[int, str]
    ) -> FramingChoices | None:
        """The choices of an assessment; None when the annotator did not frame the document."""
        if frames is None or not frames_coded(frames):
            return None

        def name(actor_id: int) -> str:
            return actor_names.get(actor_id, f"#{actor_id}")

        target = ""
        if frames.tone:
            target = TOPIC if frames.tone_target is None else name(frames.tone_target)
        present = frozenset(d for d in (*frames.frames, frames.primary) if d)
        roles = tuple(sorted((name(r.actor_id), r.role) for r in frames.roles))
        return cls(present, frames.primary, frames.headline, frames.tone, target, roles)

    def role_of(self, actor: str) -> str:
        return dict(self.roles).get(actor, NO_ROLE)


FRAMING_FIELDS = ("primary", "headline", "tone", "tone_target")


@dataclass(slots=True)
class FramingPairAgreement:
    """Framing of B against A over the documents both framed: each choice value for value, each
    dimension's presence (units: document x dimension either marked present) and each actor's
    role (units: document x actor either gave a role)."""

    documents: int = 0
    fields: dict[str, FieldAgreement] = field(
        default_factory=lambda: {name: FieldAgreement() for name in FRAMING_FIELDS}
    )
    dimensions: dict[str, FieldAgreement] = field(default_factory=dict)
    roles: FieldAgreement = field(default_factory=FieldAgreement)

    def add(self, a: FramingChoices | None, b: FramingChoices | None) -> None:
        if a is None or b is None:
            return
        self.documents += 1
        for name in FRAMING_FIELDS:
            self.fields[name].add(getattr(a, name), getattr(b, name))
        for dim in sorted(a.frames | b.frames):
            presence = ("present" if dim in a.frames else "absent",
                        "present" if dim in b.frames else "absent")
            self.dimensions.setdefault(dim, FieldAgreement()).add(*presence)
        for actor in sorted({n for n, _ in a.roles} | {n for n, _ in b.roles}):
            self.roles.add(a.role_of(actor), b.role_of(actor))

    def merge(self, other: FramingPairAgreement) -> None:
        self.documents += other.documents
        for name, tally in other.fields.items():
            self.fields.setdefault(name, FieldAgreement()).merge(tally)
        for dim, tally in other.dimensions.items():
            self.dimensions.setdefault(dim, FieldAgreement()).merge(tally)
        self.roles.merge(other.roles)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": self.documents}
        out.update({name: self.fields[name].to_json() for name in FRAMING_FIELDS})
        out["dimensions"] = {d: self.dimensions[d].to_json() for d in sorted(self.dimensions)}
        out["actor_roles"] = self.roles.to_json()
        return out


@dataclass(slots=True)
class FramingAgreement:
    """Krippendorff's alpha of the document-level framing choices, across all annotators."""

    documents: int  # compared documents framed by two or more annotators
    dimensions: dict[str, float | None]  # presence of each dimension someone marked present
    primary: float | None
    tone: float | None
    tone_ordinal: float | None
    headline: float | None = None
    tone_target: float | None = None
    actor_roles: float | None = None  # units: document x actor some framer gave a role


def framing_agreement(
    documents: Sequence[Mapping[str, FramingChoices | None]],
    annotators: Sequence[str],
    tone_scale: Sequence[str] = TONE_SCALE,
) -> tuple[FramingAgreement | None, list[str]]:
    """Alpha (nominal) of each dimension's presence, of the primary and headline frames, of tone
    and its target, and of actor roles; tone's ordinal alpha too. ``documents``: for each
    document, the framing of every annotator who holds it (None: held, not framed). Units:
    documents held by two or more of ``annotators`` (for roles: document x actor); an annotator
    who did not frame a document has missing values there. None when no unit was framed by two
    annotators."""
    notes: list[str] = []
    units = [held for held in documents if sum(1 for n in annotators if n in held) >= 2]
    coded: list[dict[str, FramingChoices]] = []
    for held in units:
        coded.append({name: f for name in annotators if (f := held.get(name)) is not None})
    framed_by_two = sum(1 for here in coded if len(here) >= 2)
    if not framed_by_two:
        if any(coded):
            notes.append("no document was framed by two annotators: no framing figures")
        return None, notes

    def rows(value: Callable[[FramingChoices], str | None]) -> list[list[str | None]]:
        return [
            [value(here[name]) if name in here else None for here in coded] for name in annotators
        ]

    marked = sorted({d for here in coded for f in here.values() for d in f.frames})
    dimensions = {
        dim: krippendorff_alpha_nominal(
            rows(lambda f, dim=dim: "present" if dim in f.frames else "absent")  # type: ignore[misc]
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
    headline = krippendorff_alpha_nominal(rows(lambda f: f.headline or None))
    tone_rows = rows(lambda f: f.tone or None)
    tone = krippendorff_alpha_nominal(tone_rows)
    tone_target = krippendorff_alpha_nominal(rows(lambda f: f.tone_target or None))
    role_rows: list[list[str | None]] = [[] for _ in annotators]
    for here in coded:
        if len(here) < 2:
            continue
        for actor in sorted({n for f in here.values() for n, _ in f.roles}):
            for row, name in zip(role_rows, annotators, strict=True):
                row.append(here[name].role_of(actor) if name in here else None)
    actor_roles = krippendorff_alpha_nominal(role_rows) if role_rows[0] else None
    off_scale = sorted({v for row in tone_rows for v in row if v is not None} - set(tone_scale))
    tone_ordinal: float | None = None
    if off_scale:
        notes.append(
            f"tone {', '.join(map(repr, off_scale))} is not on the tone scale: no ordinal alpha"
        )
    else:
        tone_ordinal = krippendorff_alpha_ordinal(tone_rows, tone_scale)
    return (
        FramingAgreement(
            framed_by_two, dimensions, primary, tone, tone_ordinal, headline, tone_target,
            actor_roles,
        ),
        notes,
    )
