"""The layers ``annotator train`` learns, each as its own spaCy component: what a lesson is, which
labels have enough examples, the component's configuration, and its held-out score.

- **entities**: ``ner`` (with its ``tok2vec``) from the ``entity`` and ``actor`` layers (``doc.ents``).
- **frames**: ``textcat_multilabel`` (bag of words) over ``doc.cats``: one label ``frame:D`` per
  frame dimension present or absent, and ``primary:D`` for the primary frame. Primary labels sit in
  the same multi-label classifier: the predicted primary frame is the ``primary:`` label with the
  highest score. A document whose framing has no frame present is not a lesson (the analyst has not
  framed it yet); a framed document without a primary frame teaches the ``frame:`` labels only
  (its ``primary:`` labels are missing, which spaCy's multi-label loss leaves out).
- **events**: ``spancat`` on ``doc.spans["event"]``: event triggers labelled with their PLOVER
  category. Only documents with at least one event are lessons (a document nobody coded events in
  would otherwise teach that its triggers are not triggers).

Each layer is trained separately, on its own documents, so that a layer without enough of them is
left out while the others are trained; ``training.py`` then puts the components into one pipeline.
Scores are counted here (exact matches per label, micro precision/recall/F1) rather than taken from
spaCy's scorer, so that the three layers report the same figures in the same way, on exactly the
held-out documents that carry the layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.events import EVENT_LAYER
from annotator.core.model import AnnotationRecord
from annotator.formats.issues import SpanIssue
from annotator.formats.spacy_docbin import ENT_LAYERS, record_to_doc

ENTITIES, FRAMES, EVENTS = "entities", "frames", "events"
LAYERS = (ENTITIES, FRAMES, EVENTS)

FRAMES_MIN_DOCS = 50
"""Documents with frames needed before the frame classifier is trained."""
EVENTS_MIN_DOCS = 30
"""Documents with events needed before the trigger recogniser is trained."""
MIN_LABEL_EXAMPLES = 10
"""Documents carrying a frame (or triggers of a category) needed before that label is trained."""

COMPONENT = {ENTITIES: "ner", FRAMES: "textcat_multilabel", EVENTS: "spancat"}
SPANS_KEY = EVENT_LAYER  # predicted triggers land in doc.spans["event"], as in the DocBin export
FRAME_PREFIX, PRIMARY_PREFIX = "frame:", "primary:"


# --- scores -------------------------------------------------------------------------------------

@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class LayerScore:
    """Held-out figures of one layer: micro P/R/F1 over its labels, and per label."""

    layer: str
    docs: int
    per_label: dict[str, LabelScore] = field(default_factory=dict)
    primary_accuracy: float | None = None  # frames: share of documents whose primary frame is right
    primary_docs: int = 0

    def total(self) -> LabelScore:
        out = LabelScore()
        for s in self.per_label.values():
            out.tp, out.fp, out.fn = out.tp + s.tp, out.fp + s.fp, out.fn + s.fn
        return out

    @property
    def f(self) -> float:
        return self.total().f

    def lines(self) -> list[str]:
        t = self.total()
        out = [
            f"{self.layer}: held-out score on {self.docs} document(s): "
            f"precision {t.p:.3f}, recall {t.r:.3f}, F1 {t.f:.3f}"
        ]
        for label in sorted(self.per_label):
            s = self.per_label[label]
            out.append(f"  {label:<28} P {s.p:.3f}  R {s.r:.3f}  F {s.f:.3f}  ({s.support} held out)")
        if self.primary_accuracy is not None:
            out.append(
                f"  primary frame: right in {self.primary_accuracy:.3f} of {self.primary_docs} document(s)"
            )
        return out


def count(
    gold: Iterable[tuple[Any, str]], predicted: Iterable[tuple[Any, str]], labels: Sequence[str]
) -> dict[str, LabelScore]:
    """Exact-match counts per label; items are (where, label) pairs (where: a document index, or a
    document index with offsets)."""
    gold_set, pred_set = set(gold), set(predicted)
    out = {label: LabelScore() for label in labels}
    for item in gold_set | pred_set:
        score = out.setdefault(item[1], LabelScore())
        if item in gold_set and item in pred_set:
            score.tp += 1
        elif item in gold_set:
            score.fn += 1
        else:
            score.fp += 1
    return out


def evaluate(nlp: Any, layer: str, dev: Sequence[Any], labels: Sequence[str]) -> LayerScore:
    """Score a trained pipeline's component of ``layer`` on the gold ``dev`` docs."""
    predicted = list(nlp.pipe([d.text for d in dev]))
    gold_items: list[tuple[Any, str]] = []
    pred_items: list[tuple[Any, str]] = []
    result = LayerScore(layer, len(dev))
    if layer == ENTITIES:
        for i, (g, p) in enumerate(zip(dev, predicted, strict=True)):
            gold_items += [((i, e.start_char, e.end_char), e.label_) for e in g.ents]
            pred_items += [((i, e.start_char, e.end_char), e.label_) for e in p.ents]
        result.per_label = count(gold_items, pred_items, labels)
    elif layer == EVENTS:
        for i, (g, p) in enumerate(zip(dev, predicted, strict=True)):
            gold_items += [((i, s.start_char, s.end_char), s.label_) for s in g.spans.get(SPANS_KEY, [])]
            pred_items += [((i, s.start_char, s.end_char), s.label_) for s in p.spans.get(SPANS_KEY, [])]
        result.per_label = count(gold_items, pred_items, labels)
    else:
        frames = [lb for lb in labels if lb.startswith(FRAME_PREFIX)]
        primaries = [lb for lb in labels if lb.startswith(PRIMARY_PREFIX)]
        right = judged = 0
        for i, (g, p) in enumerate(zip(dev, predicted, strict=True)):
            gold_items += [(i, lb) for lb in frames if g.cats.get(lb, 0.0) >= 0.5]
            pred_items += [(i, lb) for lb in frames if p.cats.get(lb, 0.0) >= 0.5]
            gold_primary = [lb for lb in primaries if g.cats.get(lb, 0.0) >= 0.5]
            if gold_primary and primaries:
                judged += 1
                best = max(primaries, key=lambda lb: p.cats.get(lb, 0.0))
                right += best == gold_primary[0]
        per_label = count(gold_items, pred_items, frames)
        result.per_label = {k[len(FRAME_PREFIX):]: v for k, v in per_label.items()}
        if judged:
            result.primary_accuracy, result.primary_docs = right / judged, judged
    return result


# --- lessons ------------------------------------------------------------------------------------

@dataclass
class LayerData:
    """The gold docs of one layer, split, with its labels and what was said about it."""

    layer: str
    train: list[Any] = field(default_factory=list)
    dev: list[Any] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: str = ""  # why the layer is not trained ("" when it is)
    spans: int = 0  # training examples: entity spans, framed documents or triggers

    @property
    def docs(self) -> int:
        return len(self.train) + len(self.dev)


def is_framed(record: AnnotationRecord) -> bool:
    return record.frames is not None and bool(record.frames.frames)


def has_events(record: AnnotationRecord) -> bool:
    return any(s.layer == EVENT_LAYER for s in record.spans)


def _label_counts(records: Iterable[AnnotationRecord], layer: str) -> dict[str, int]:
    """Documents carrying each label of the layer (frames: dimensions present)."""
    counts: dict[str, int] = {}
    for r in records:
        if layer == FRAMES:
            found = set(r.frames.frames) if r.frames is not None else set()
        else:
            found = {s.label for s in r.spans if s.layer == EVENT_LAYER}
        for label in found:
            counts[label] = counts.get(label, 0) + 1
    return counts


def _enough(counts: dict[str, int], what: str, notices: list[str]) -> list[str]:
    kept = sorted(label for label, n in counts.items() if n >= MIN_LABEL_EXAMPLES)
    for label in sorted(set(counts) - set(kept)):
        notices.append(
            f"{what} {label}: only {counts[label]} document(s) carry it, at least "
            f"{MIN_LABEL_EXAMPLES} are needed; not trained"
        )
    return kept


def frame_cats(record: AnnotationRecord, frames: Sequence[str], primaries: Sequence[str]) -> dict[str, float]:
    """``doc.cats`` of a framed record over the trained labels (missing primary: left out)."""
    assert record.frames is not None
    present = set(record.frames.frames)
    cats = {FRAME_PREFIX + d: float(d in present) for d in frames}
    if record.frames.primary in primaries:
        cats.update({PRIMARY_PREFIX + d: float(d == record.frames.primary) for d in primaries})
    return cats


def build_layer(
    layer: str,
    train_records: Sequence[AnnotationRecord],
    dev_records: Sequence[AnnotationRecord],
    issues: list[SpanIssue] | None = None,
) -> LayerData:
    """The layer's gold docs from the chosen records, or why there are too few of them."""
    data = LayerData(layer)
    if layer == ENTITIES:
        train_recs = list(train_records)
        dev_recs = list(dev_records)
        n_spans = sum(1 for r in train_recs for s in r.spans if s.layer in ENT_LAYERS)
        if n_spans == 0:
            data.skipped = "entities: no entity spans to learn from; not trained"
            return data
        data.train = [record_to_doc(r, issues) for r in train_recs]
        data.dev = [record_to_doc(r, None) for r in dev_recs]
        data.labels = sorted({e.label_ for d in data.train for e in d.ents})
        data.spans = sum(len(d.ents) for d in data.train)
        return data
    if layer == FRAMES:
        train_recs = [r for r in train_records if is_framed(r)]
        dev_recs = [r for r in dev_records if is_framed(r)]
        n = len(train_recs) + len(dev_recs)
        if n < FRAMES_MIN_DOCS:
            data.skipped = (
                f"frames: {n} document(s) carry frames, at least {FRAMES_MIN_DOCS} are needed; "
                "not trained"
            )
            return data
        frames = _enough(_label_counts([*train_recs, *dev_recs], FRAMES), "frame", data.notices)
        primary_counts: dict[str, int] = {}
        for r in (*train_recs, *dev_recs):
            if r.frames is not None and r.frames.primary:
                primary_counts[r.frames.primary] = primary_counts.get(r.frames.primary, 0) + 1
        primaries = sorted(d for d, k in primary_counts.items() if k >= MIN_LABEL_EXAMPLES)
        if len(primaries) < 2:
            primaries = []  # one possible primary frame teaches nothing
            if primary_counts:
                data.notices.append(
                    "primary frame: fewer than two frames are primary in at least "
                    f"{MIN_LABEL_EXAMPLES} document(s); not trained"
                )
        if not frames:
            data.skipped = "frames: no frame is carried by enough documents; not trained"
            return data
        for side, recs in ((data.train, train_recs), (data.dev, dev_recs)):
            for r in recs:
                doc = record_to_doc(r, None)
                doc.cats = frame_cats(r, frames, primaries)
                side.append(doc)
        data.labels = [FRAME_PREFIX + d for d in frames] + [PRIMARY_PREFIX + d for d in primaries]
        data.spans = len(data.train)
        return data
    # events
    train_recs = [r for r in train_records if has_events(r)]
    dev_recs = [r for r in dev_records if has_events(r)]
    n = len(train_recs) + len(dev_recs)
    if n < EVENTS_MIN_DOCS:
        data.skipped = (
            f"events: {n} document(s) carry events, at least {EVENTS_MIN_DOCS} are needed; not trained"
        )
        return data
    categories = _enough(_label_counts([*train_recs, *dev_recs], EVENTS), "event category", data.notices)
    if not categories:
        data.skipped = "events: no event category has enough triggers; not trained"
        return data
    keep = set(categories)
    for side, recs in ((data.train, train_recs), (data.dev, dev_recs)):
        for r in recs:
            doc = record_to_doc(r, None)
            group = [s for s in doc.spans.get(SPANS_KEY, []) if s.label_ in keep]
            doc.spans[SPANS_KEY] = group
            side.append(doc)
    data.labels = categories
    data.spans = sum(len(d.spans[SPANS_KEY]) for d in data.train)
    return data


# --- configuration ------------------------------------------------------------------------------

def build_layer_config(layer: str, lang: str, data: LayerData, max_steps: int, seed: int,
                       width: int | None) -> Any:
    """A small CPU configuration from spaCy's ``init_config`` for the layer's component."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=[COMPONENT[layer]], optimize="efficiency", gpu=False)
    config["system"]["seed"] = seed
    training = config["training"]
    training["max_steps"] = max_steps
    training["eval_frequency"] = max(1, min(200, max_steps // 5))
    training["patience"] = max(400, max_steps // 4)
    if width is not None and "tok2vec" in config["components"]:
        encode = config["components"]["tok2vec"]["model"]["encode"]
        encode["width"] = width
        encode["depth"] = min(int(encode["depth"]), 2)
    if layer == EVENTS:
        spancat = config["components"]["spancat"]
        spancat["spans_key"] = SPANS_KEY
        longest = max((len(s) for d in data.train for s in d.spans[SPANS_KEY]), default=1)
        spancat["suggester"] = {
            "@misc": "spacy.ngram_range_suggester.v1", "min_size": 1, "max_size": min(max(longest, 1), 5)
        }
        training["score_weights"] = {
            f"spans_{SPANS_KEY}_f": 1.0, f"spans_{SPANS_KEY}_p": 0.0, f"spans_{SPANS_KEY}_r": 0.0
        }
    return config
