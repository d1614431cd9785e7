"""The agreement report: every figure for a set of annotators over a set of documents, and the
tally it is counted from (in parts, in parallel, merged).

Reviewers compare colleagues' annotation sets the way INCEpTION, MAE and Prodigy report it. The
figures are pure Python (plus numpy and the ``krippendorff`` package), computed from spans, token
boundaries, events and frame assessments, never a spaCy object, so each can be checked by hand.
``docs/AGREEMENT.md`` defines each figure precisely; keep the two in step. One module per question:

- ``core.matching``: which spans (and events) of two annotators correspond;
- ``core.span_scores``: span precision, recall and F1, the confusion matrix, token labels;
- ``core.reliability``: Cohen's kappa and Krippendorff's alpha of coded units;
- ``core.analysis_agreement``: the figures of events, actor links and framing;
- ``core.differences``: where the annotators differ, document by document;
- this module: one document as the annotators saw it, a pair of annotators over documents, and
  the report of them all (its JSON is ``annotator.agreement/1``).

Each layer is counted on its own terms and no layer's labels appear in another layer's table: the
span figures (F1, confusion, token labels, kappa, alpha) count entity spans only; event triggers
are the event layer's, frame and persuasion passages the evidence layer's (``layers`` in the
JSON).

Figures over several documents are micro-averages (counts summed over documents, then divided);
a figure whose denominator is zero is ``None``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.core.actors import ActorIdentity
from annotator.core.analysis_agreement import (
    TONE_SCALE,
    ActorLinkAgreement,
    EventAgreement,
    FramingAgreement,
    FramingChoices,
    FramingPairAgreement,
    event_ref_key,
    framing_agreement,
)
from annotator.core.differences import (
    EventDifference,
    FrameDifference,
    event_differences,
    frame_differences,
)
from annotator.core.events import EVENT_LAYER
from annotator.core.framing import EVIDENCE_LAYERS
from annotator.core.matching import SpanLike, greedy_pairs, overlap_candidates, strict_matches
from annotator.core.regions import inside_marked
from annotator.core.reliability import Kappa, alpha_nominal_of_patterns, kappa_of_pairs
from annotator.core.span_scores import (
    OUTSIDE,
    Confusion,
    Counts,
    SpanScores,
    confusion_counts,
    scores_of_pairs,
    strict_scores,
)
from annotator.core.tokens import TextTokens

if TYPE_CHECKING:
    from annotator.core.events import Event
    from annotator.core.framing import FrameAssessment

# Callers outside core take these from here with the report (services/review.py, gui/review.py).
__all__ = [
    "OUTSIDE",
    "SCHEMA",
    "TONE_SCALE",
    "ActorIdentity",
    "AgreementReport",
    "Counts",
    "DocumentAnnotations",
    "DocumentDisagreement",
    "LeftOut",
    "PairAgreement",
    "SpanScores",
    "Tally",
    "TokenView",
    "compare",
    "compare_pair",
]

SCHEMA = "annotator.agreement/1"

# Span layers that are not entities: event triggers (labelled with the event's category) and
# evidence passages (labelled with a frame dimension or a persuasion technique). Each has its own
# figures; none is counted among the entity labels.
ANALYSIS_LAYERS = (EVENT_LAYER, *EVIDENCE_LAYERS)


def entity_spans(spans: Sequence[Any]) -> list[Any]:
    """The spans of the entity layer (every layer that is not an event's or evidence)."""
    return [s for s in spans if getattr(s, "layer", "entity") not in ANALYSIS_LAYERS]


def layer_spans(spans: Sequence[Any], layer: str) -> list[Any]:
    return [s for s in spans if getattr(s, "layer", "entity") == layer]


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
    # (start, end) of the marked regions (repeated lines, boilerplate: core.regions): spans
    # there are left out and their tokens are not counted.
    marked: list[tuple[int, int]] = field(default_factory=list)
    _token_view: TokenView | None = field(default=None, repr=False, compare=False)
    _entities: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.marked:
            ranges = self.marked
            self.spans = {
                name: [s for s in held if not inside_marked(ranges, s.start, s.end)]
                for name, held in self.spans.items()
            }

    def token_view(self) -> TokenView:
        """The document's tokens as the token figures need them (computed once): labelled by the
        entity spans only."""
        if self._token_view is None:
            self._token_view = TokenView.of(self.text, self.entities(), self.marked)
        return self._token_view

    def entities(self) -> dict[str, list[Any]]:
        """Each present annotator's entity spans (computed once)."""
        if self._entities is None:
            self._entities = {name: entity_spans(held) for name, held in self.spans.items()}
        return self._entities

    def framing(self, name: str) -> FramingChoices | None:
        """``name``'s framing of the document, actors by canonical name (None: not framed)."""
        return FramingChoices.of(self.frames.get(name), self.actor_names.get(name, {}))


@dataclass(frozen=True, slots=True)
class TokenView:
    """A document's token count, how many tokens some span touches, and the labels of those:
    each distinct pattern of labels (one per annotator of ``names``, as ``token_labels`` gives
    them) with how many touched tokens have it. Every other token is ``O`` for every annotator
    holding the document, so the token figures need no more: they add the untouched tokens as
    one count."""

    n: int
    names: tuple[str, ...]
    patterns: Counter[tuple[str, ...]]  # in the order of the first token having each
    touched: int

    @classmethod
    def of(
        cls, text: str, spans: Mapping[str, Sequence[SpanLike]], marked: Sequence[tuple[int, int]] = ()
    ) -> TokenView:
        """``marked``: regions whose tokens are not counted (no span lies there)."""
        tokens = TextTokens(text)  # the tokens of core.tokens, as arrays (the report's hot loop)
        n = len(tokens)
        if marked:
            n -= len(tokens.touching(marked))
        names = tuple(spans)
        held = [s for name in names for s in spans[name]]
        if not held:
            return cls(n, names, Counter(), 0)
        first, stop = tokens.ranges([s.start for s in held], [s.end for s in held])
        touched = tokens.covered(first, stop)
        # Each span's tokens, numbered among the touched tokens (all of its tokens are).
        firsts = np.searchsorted(touched, first).tolist()
        stops = np.searchsorted(touched, stop).tolist()
        columns = []
        k = 0
        for name in names:
            count = len(spans[name])
            # A token's label is that of the best-ranked span touching it (token_labels): the
            # spans from the worst rank to the best each write their label over their tokens.
            order = sorted(
                range(k, k + count),
                key=lambda i: (held[i].start - held[i].end, held[i].start, held[i].label),
                reverse=True,
            )
            labels = [OUTSIDE] * len(touched)
            for i in order:
                if stops[i] > firsts[i]:
                    labels[firsts[i] : stops[i]] = [held[i].label] * (stops[i] - firsts[i])
            columns.append(labels)
            k += count
        return cls(n, names, Counter(zip(*columns, strict=True)), len(touched))

    @property
    def untouched(self) -> int:
        return self.n - self.touched

    def pair_patterns(self, a: str, b: str) -> Iterator[tuple[tuple[str, str], int]]:
        """(label of ``a``, label of ``b``) of the touched tokens, with counts (repeats allowed)."""
        i, j = self.names.index(a), self.names.index(b)
        for pattern, count in self.patterns.items():
            yield (pattern[i], pattern[j]), count


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
    # Evidence passages, per layer (frame, persuasion): (strict, partial) span figures.
    evidence: dict[str, tuple[SpanScores, SpanScores]] = field(
        default_factory=lambda: {layer: (SpanScores(), SpanScores()) for layer in EVIDENCE_LAYERS}
    )
    framing: FramingPairAgreement = field(default_factory=FramingPairAgreement)
    # (label of A, label of B) -> tokens, over the compared documents: what kappa is made of.
    token_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Entity spans counted since ``strict`` and ``partial`` were last brought up to date (by
    # ``_settle``): label -> [strict tp, partial tp, in A, in B]. Plain integers per document,
    # not a SpanScores of Counts per document (a tenth of counting 10,000 articles).
    _pending: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, doc: DocumentAnnotations) -> int | None:
        """Count one document in (compared when A and B both hold it); return how many entity
        spans matched strictly in it (None: not compared)."""
        a, b = self.a, self.b
        in_a, in_b = a in doc.spans, b in doc.spans
        if in_a and not in_b:
            self.documents_only_a += 1
        if in_b and not in_a:
            self.documents_only_b += 1
        if not (in_a and in_b):
            return None
        self.documents_compared += 1
        entities = doc.entities()
        spans_a, spans_b = entities[a], entities[b]
        strict = strict_matches(spans_a, spans_b)
        # Partial matching and the confusion matrix pair the same candidates (partial only
        # those with the same label), found once.
        candidates = overlap_candidates(spans_a, spans_b)
        same_label = greedy_pairs([c for c in candidates if c[0][1] == 0])
        pending = self._pending
        labels_a = [s.label for s in spans_a]
        for label in labels_a:
            counts = pending.get(label)
            if counts is None:
                counts = pending[label] = [0, 0, 0, 0]
            counts[2] += 1
        for span in spans_b:
            counts = pending.get(span.label)
            if counts is None:
                counts = pending[span.label] = [0, 0, 0, 0]
            counts[3] += 1
        for i, _ in strict:
            pending[labels_a[i]][0] += 1
        for i, _ in same_label:
            pending[labels_a[i]][1] += 1
        self.confusion.add(confusion_counts(spans_a, spans_b, candidates))
        view = doc.token_view()
        token_pairs = self.token_pairs
        for pair, count in view.pair_patterns(a, b):
            token_pairs[pair] += count
        token_pairs[OUTSIDE, OUTSIDE] += view.untouched
        all_a, all_b = doc.spans[a], doc.spans[b]
        events_a, events_b = doc.events.get(a, []), doc.events.get(b, [])
        if events_a or events_b:
            self.events.add(
                events_a,
                events_b,
                event_ref_key(doc.actor_names.get(a, {}), all_a),
                event_ref_key(doc.actor_names.get(b, {}), all_b),
            )
        # Actor links are mentions: entity spans (triggers and evidence name no actor).
        self.actor_links.add(spans_a, spans_b, doc.links.get(a, {}), doc.links.get(b, {}))
        if len(spans_a) != len(all_a) or len(spans_b) != len(all_b):  # else: entities only
            self._add_evidence(all_a, all_b)
        self.framing.add(doc.framing(a), doc.framing(b))
        return len(strict)

    def _settle(self) -> None:
        """Add the pending span counts into ``strict`` and ``partial``."""
        if not self._pending:
            return
        for k, scores in ((0, self.strict), (1, self.partial)):
            per_label = scores.per_label
            tp = n_a = n_b = 0
            for label, counts in self._pending.items():
                mine = per_label.get(label)
                got = Counts(counts[k], counts[2], counts[3])
                per_label[label] = got if mine is None else mine + got
                tp, n_a, n_b = tp + counts[k], n_a + counts[2], n_b + counts[3]
            scores.overall = scores.overall + Counts(tp, n_a, n_b)
        self._pending = {}

    def _add_evidence(self, all_a: Sequence[Any], all_b: Sequence[Any]) -> None:
        for layer, (strict, partial) in self.evidence.items():
            ev_a, ev_b = layer_spans(all_a, layer), layer_spans(all_b, layer)
            if ev_a or ev_b:
                self.evidence[layer] = (
                    strict + strict_scores(ev_a, ev_b),
                    partial + scores_of_pairs(ev_a, ev_b, greedy_pairs(
                        [c for c in overlap_candidates(ev_a, ev_b) if c[0][1] == 0]
                    )),
                )

    def merge(self, other: PairAgreement) -> None:
        """Add the counts of ``other``, the same pair over other documents."""
        self._settle()
        other._settle()
        self.documents_compared += other.documents_compared
        self.documents_only_a += other.documents_only_a
        self.documents_only_b += other.documents_only_b
        self.strict = self.strict + other.strict
        self.partial = self.partial + other.partial
        self.confusion.add(other.confusion.counts)
        self.token_pairs.update(other.token_pairs)
        self.events.merge(other.events)
        self.actor_links.merge(other.actor_links)
        for layer, (strict, partial) in other.evidence.items():
            mine = self.evidence.get(layer, (SpanScores(), SpanScores()))
            self.evidence[layer] = (mine[0] + strict, mine[1] + partial)
        self.framing.merge(other.framing)

    def finish(self) -> PairAgreement:
        self._settle()
        self.kappa = kappa_of_pairs(self.token_pairs)
        for scores in (self.strict, self.partial):  # labels in order, as a sum of SpanScores has them
            scores.per_label = dict(sorted(scores.per_label.items()))
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
            # Each layer on its own terms (docs/AGREEMENT.md, "Layers"); the span figures above
            # are the entity layer's.
            "layers": self.layers_json(),
        }

    def layers_json(self) -> dict[str, Any]:
        """The figures of each layer: entity spans, actor links, events (trigger, then every
        field), framing (each choice), evidence passages (per layer, strict and partial)."""
        return {
            "entities": {
                "strict": self.strict.overall.to_json(),
                "partial": self.partial.overall.to_json(),
                "cohen_kappa": self.kappa.kappa,
                "labels": sorted(set(self.strict.per_label) | set(self.partial.per_label)),
            },
            "actor_links": self.actor_links.to_json() if self.has_links else None,
            "events": (
                {"trigger": self.events.trigger.to_json(), "matched": self.events.matched,
                 **self.events.fields_json()}
                if self.has_events else None
            ),
            "framing": self.framing.to_json() if self.framing.documents else None,
            "evidence": {
                layer: (
                    {"strict": strict.to_json(), "partial": partial.to_json()}
                    if strict.overall.n_a or strict.overall.n_b else None
                )
                for layer, (strict, partial) in self.evidence.items()
            },
        }


def compare_pair(docs: Sequence[DocumentAnnotations], a: str, b: str) -> PairAgreement:
    result = PairAgreement(a, b)
    for doc in docs:
        result.add(doc)
    return result.finish()


@dataclass(frozen=True, slots=True)
class DocumentDisagreement:
    """How much annotators disagree on one compared document, layer by layer."""

    key: str
    title: str
    spans: int  # entity spans without a strict partner, summed over the pairs of holders
    events: int  # event differences (core.differences)
    framing: int  # framing differences

    @property
    def total(self) -> int:
        return self.spans + self.events + self.framing

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.key, "title": self.title, "total": self.total,
            "spans": self.spans, "events": self.events, "framing": self.framing,
        }


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A record (or a stored annotation set's document) left out of the comparison, and why."""

    document: str
    title: str
    annotator: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document, "title": self.title, "annotator": self.annotator,
            "reason": self.reason,
        }


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
    # The compared documents with a disagreement, the most first (ties in document order).
    disagreement: list[DocumentDisagreement] = field(default_factory=list)
    # Documents left out of every figure: (key, title, who, why), from the reader of the sets.
    left_out: list[LeftOut] = field(default_factory=list)

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
        value: dict[str, Callable[[PairAgreement], float | None]] = {
            "strict_f1": lambda p: p.strict.overall.f1,
            "partial_f1": lambda p: p.partial.overall.f1,
            "cohen_kappa": lambda p: p.kappa.kappa,
        }
        return self.table(value[figure])

    def table(self, value: Callable[[PairAgreement], float | None]) -> list[list[float | None]]:
        """Symmetric annotator x annotator matrix of a pair's figure, null on the diagonal."""
        index = {name: i for i, name in enumerate(self.annotators)}
        n = len(self.annotators)
        out: list[list[float | None]] = [[None] * n for _ in range(n)]
        for pair in self.pairs:
            i, j = index[pair.a], index[pair.b]
            out[i][j] = out[j][i] = value(pair)
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
                "headline_frame": framing.headline if framing else None,
                "tone_target": framing.tone_target if framing else None,
                "actor_roles": framing.actor_roles if framing else None,
            },
            "framing": {"documents": framing.documents if framing else 0},
            "differences": {
                "events": [d.to_json() for d in self.event_differences],
                "frames": [d.to_json() for d in self.frame_differences],
            },
            "layers": self.layers_json(),
            "documents_by_disagreement": [d.to_json() for d in self.disagreement],
            "left_out": [item.to_json() for item in self.left_out],
            "notes": list(self.notes),
        }

    def layers_json(self) -> dict[str, Any]:
        """Pairwise tables per layer (annotator x annotator, null on the diagonal): entity strict
        F1 and kappa, actor-link agreement, event trigger F1 and category kappa, framing percent
        agreement on the primary frame and on tone, evidence strict F1 per layer."""

        table = self.table

        def share(tally: Any) -> float | None:
            return tally.same / tally.compared if tally.compared else None

        return {
            "annotators": list(self.annotators),
            "entities": {
                "strict_f1": table(lambda p: p.strict.overall.f1),
                "partial_f1": table(lambda p: p.partial.overall.f1),
                "cohen_kappa": table(lambda p: p.kappa.kappa),
            },
            "actor_links": {"agreement": table(lambda p: p.actor_links.agreement)},
            "events": {
                "trigger_f1": table(lambda p: p.events.trigger.f1),
                "category_kappa": table(lambda p: p.events.kappa.kappa),
            },
            "framing": {
                "primary_agreement": table(lambda p: share(p.framing.fields["primary"])),
                "tone_agreement": table(lambda p: share(p.framing.fields["tone"])),
            },
            "evidence": {
                layer: {"strict_f1": table(lambda p, layer=layer: p.evidence[layer][0].overall.f1)}  # type: ignore[misc]
                for layer in EVIDENCE_LAYERS
            },
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
    # The compared documents someone framed: the frames of each annotator holding one (framing
    # is a corpus figure, counted in ``report``).
    framed: list[dict[str, FramingChoices | None]] = field(default_factory=list)
    event_differences: list[EventDifference] = field(default_factory=list)
    frame_differences: list[FrameDifference] = field(default_factory=list)
    # Compared documents where someone disagrees: (key, title, entity spans not matched strictly
    # summed over pairs, event differences, framing differences), in document order.
    disagreement: list[DocumentDisagreement] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)  # documents held by one set only

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
        names = self.names
        self.documents_total += 1
        present = [name for name in names if name in doc.spans]
        if len(present) == 1:
            self.only_in[present[0]] += 1
            self.left_out.append(
                LeftOut(doc.key, doc.title, present[0], f"only in {present[0]}'s set")
            )
        # Strict matches per pair, counted once: the pair's figures and the disagreement below.
        matched = {(pair.a, pair.b): pair.add(doc) for pair in self.pairs}
        if len(present) < 2:
            return
        self.compared += 1
        view = doc.token_view()
        self.tokens += view.n
        patterns = self.patterns
        if view.names == tuple(names):
            for pattern, count in view.patterns.items():
                patterns[pattern] += count
        else:  # an annotator's label where they hold the document, None where not
            where = [view.names.index(n) if n in view.names else None for n in names]
            for pattern, count in view.patterns.items():
                patterns[tuple(None if i is None else pattern[i] for i in where)] += count
        patterns[tuple(OUTSIDE if n in doc.spans else None for n in names)] += view.untouched
        if any(doc.frames.get(n) is not None for n in present):
            self.framed.append({n: doc.framing(n) for n in doc.spans})
        events = event_differences(
            doc.key, doc.events, present, doc.title, doc.actor_names, doc.spans
        )
        frames = frame_differences(doc.key, doc.frames, present, doc.title)
        self.event_differences += events
        self.frame_differences += frames
        entities = doc.entities()
        unmatched = 0
        for a, b in combinations(present, 2):
            tp = matched[a, b]
            assert tp is not None  # both hold the document: compared
            unmatched += len(entities[a]) + len(entities[b]) - 2 * tp
        if unmatched or events or frames:
            self.disagreement.append(
                DocumentDisagreement(doc.key, doc.title, unmatched, len(events), len(frames))
            )

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
        self.disagreement += other.disagreement
        self.left_out += other.left_out
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
            disagreement=sorted(self.disagreement, key=lambda d: -d.total),
            left_out=list(self.left_out),
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
