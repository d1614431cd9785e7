"""Which document next: rank documents by how unsure a trained model is about them.

An analyst's hour improves the model most on the documents it is least sure of (Prodigy's
"prefer uncertain"). For each document the chosen pipeline is run once, and each layer it has
gives its most doubtful decision, as a probability ``p``; the doubt is ``1 - |2p - 1|`` (1 for a
coin toss, 0 for a sure answer):

- **entities** (``ner``): spaCy's beam search over the recogniser's own transition scores
  (``beam_parse`` and ``scored_ents``) gives each candidate entity the share of the beam's
  probability that contains it;
- **frames** (``textcat_multilabel``): each ``frame:`` label's score;
- **events** (``spancat``): each suggested span's score for each category.

A document's doubt is the largest of its layers'; the reason names that layer and decision, and
the other layers' doubts follow. Nothing here is written by hand that spaCy offers: the scores are
the components' own, only their reading is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Status
from annotator.core.tasks import TaskState
from annotator.services.training_layers import COMPONENT, ENTITIES, EVENTS, FRAME_PREFIX, FRAMES, LAYERS
from annotator.store import Store

BEAM_WIDTH = 8
"""Parses kept by the beam search that scores entities (spaCy's beam NER default is 32)."""
MIN_CANDIDATE = 0.01
"""Entity candidates with a smaller share of the beam are not considered decisions."""


@dataclass(frozen=True, slots=True)
class Doubt:
    """The model's most doubtful decision in one layer of one document."""

    layer: str
    what: str  # "Economic", "'Qaani' PERSON", "'met' CONSULT"
    p: float  # the model's probability for it

    @property
    def doubt(self) -> float:
        return 1.0 - abs(2.0 * self.p - 1.0)

    def describe(self) -> str:
        return f"{self.layer}: {self.what} at {self.p:.2f}"


@dataclass
class DocumentDoubt:
    doc_id: int
    title: str
    filename: str
    status: str
    layers: dict[str, Doubt] = field(default_factory=dict)

    @property
    def doubt(self) -> float:
        return max((d.doubt for d in self.layers.values()), default=0.0)

    def reason(self) -> str:
        """The most doubtful decision, then each other layer's doubt."""
        if not self.layers:
            return "nothing to decide"
        ordered = sorted(self.layers.values(), key=lambda d: (-d.doubt, LAYERS.index(d.layer)))
        others = ", ".join(f"{d.layer} {d.doubt:.2f}" for d in ordered[1:])
        return ordered[0].describe() + (f" (then {others})" if others else "")


@dataclass
class NextReport:
    model: str
    lang: str
    layers: list[str]
    ranked: list[DocumentDoubt] = field(default_factory=list)
    other_lang: int = 0
    other_status: int = 0

    def lines(self, limit: int | None = None) -> list[str]:
        shown = self.ranked[:limit] if limit is not None else self.ranked
        out = [
            f"{len(self.ranked)} {self.lang!r} document(s) ranked by the doubt of {self.model} "
            f"({', '.join(self.layers)}), most doubtful first"
        ]
        if self.other_lang:
            out.append(f"{self.other_lang} document(s) in other languages left out")
        if self.other_status:
            out.append(f"{self.other_status} document(s) of other statuses left out")
        for rank, item in enumerate(shown, start=1):
            name = item.title or item.filename or f"document {item.doc_id}"
            out.append(f"{rank:>4}. {item.doubt:.2f}  #{item.doc_id} {name}: {item.reason()}")
        if limit is not None and len(self.ranked) > limit:
            out.append(f"... and {len(self.ranked) - limit} more")
        return out


def trained_layers(nlp: Any) -> list[str]:
    """The layers a pipeline can be doubtful about (those whose component it has)."""
    return [layer for layer in LAYERS if COMPONENT[layer] in nlp.pipe_names]


def doubts(nlp: Any, text: str) -> dict[str, Doubt]:
    """Each layer's most doubtful decision about ``text``."""
    out: dict[str, Doubt] = {}
    doc = nlp.make_doc(text)
    if len(doc) == 0:
        return out
    for name, proc in nlp.pipeline:
        if name == COMPONENT[ENTITIES]:
            out_ent = _entity_doubt(proc, doc)
            if out_ent is not None:
                out[ENTITIES] = out_ent
        elif name == COMPONENT[EVENTS]:
            out_ev = _trigger_doubt(proc, doc)
            if out_ev is not None:
                out[EVENTS] = out_ev
        doc = proc(doc)
    if COMPONENT[FRAMES] in nlp.pipe_names:
        frames = [(k, v) for k, v in doc.cats.items() if k.startswith(FRAME_PREFIX)]
        if frames:
            label, p = max(frames, key=lambda kv: 1.0 - abs(2.0 * kv[1] - 1.0))
            out[FRAMES] = Doubt(FRAMES, label[len(FRAME_PREFIX):], float(p))
    return out


def _entity_doubt(ner: Any, doc: Any) -> Doubt | None:
    beams = ner.beam_parse([doc], beam_width=BEAM_WIDTH)
    scored = ner.scored_ents(beams)[0]
    best: Doubt | None = None
    for (start, end, label), p in scored.items():
        if p < MIN_CANDIDATE:
            continue
        candidate = Doubt(ENTITIES, f"{doc[start:end].text!r} {label}", min(float(p), 1.0))
        if best is None or candidate.doubt > best.doubt:
            best = candidate
    return best


def _trigger_doubt(spancat: Any, doc: Any) -> Doubt | None:
    indices, scores = spancat.predict([doc])
    if scores.shape[0] == 0:
        return None
    spans = indices.dataXd
    labels = spancat.labels
    best: Doubt | None = None
    for row in range(scores.shape[0]):
        for col, label in enumerate(labels):
            p = float(scores[row, col])
            doubt = 1.0 - abs(2.0 * p - 1.0)
            if best is None or doubt > best.doubt:
                start, end = int(spans[row, 0]), int(spans[row, 1])
                best = Doubt(EVENTS, f"{doc[start:end].text!r} {label}", p)
    return best


def load_model(model: str) -> Any:
    """A spaCy pipeline by folder or installed name, refused clearly when it cannot be loaded."""
    import spacy

    try:
        return spacy.load(Path(model) if Path(model).exists() else model)
    except Exception as exc:  # noqa: BLE001 - spaCy fails in many ways on a wrong name or folder
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
        raise InputError(f"cannot load the model ({reason})", model) from None


def rank_documents(
    store: Store,
    model: str,
    lang: str | None = None,
    statuses: Iterable[Status] | None = None,
    task: TaskState | None = None,
) -> NextReport:
    """Documents of the model's language (and of ``statuses``, when given), most doubtful first;
    ties keep document order."""
    task = task or TaskState()
    nlp = load_model(model)
    layers = trained_layers(nlp)
    if not layers:
        raise InputError(
            "the model has none of the components annotator trains (ner, textcat_multilabel, spancat)",
            model,
        )
    lang = lang or nlp.lang
    wanted = {Status(s).value for s in statuses} if statuses is not None else None
    listing = store.documents.listing()
    report = NextReport(model, lang, layers)
    chosen: dict[int, tuple[str, str, str]] = {}
    for doc_id, title, _source, doc_lang, _date, status, filename in listing:
        if (doc_lang or "") != lang:
            report.other_lang += 1
        elif wanted is not None and status not in wanted:
            report.other_status += 1
        else:
            chosen[doc_id] = (title, filename, status)
    done = 0
    for doc_id, _title, text in store.documents.iter_texts():
        if doc_id not in chosen:
            continue
        task.check()
        title, filename, status = chosen[doc_id]
        report.ranked.append(DocumentDoubt(doc_id, title, filename, status, doubts(nlp, text)))
        done += 1
        task.progress(done, len(chosen), "scoring documents")
    report.ranked.sort(key=lambda d: -d.doubt)  # stable: ties keep document order
    return report
