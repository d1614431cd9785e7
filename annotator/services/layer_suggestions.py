"""What a trained pipeline suggests for a document's frames and event triggers, with its scores.

The framing form shows the model's frames as pre-ticked suggestions the analyst confirms, and the
reading pane shows trigger suggestions like entity suggestions. Both read them here, from a
pipeline made by ``annotator train`` (``doc.cats`` with ``frame:``/``primary:`` labels, and
``doc.spans["event"]`` with the spancat's scores). A suggestion is never the analyst's own: a
``FrameSuggestion`` becomes a ``FrameAssessment`` only through ``accepted``, which the form calls
when the analyst confirms (recording the model in ``suggested_by``), and trigger spans carry
``Origin.MODEL``.

The model's triggers are computed when a document is opened and are not stored: they join the
document's stored suggestions (``merge_triggers``), among them the trigger lexicon's (the event
layer's suggestions pre-annotation stored). Where both suggest a trigger on the same stretch of
text (overlapping spans), the model's is shown when its score reaches ``MODEL_WINS``, else the
lexicon's; each says in its tooltip which one it is and the model's score. A model trigger is
hidden like a stored suggestion: where the analyst has a span with the same offsets or an event
trigger overlapping it, or where its text and category were rejected (X remembers a rejected
model trigger like any other rejection; the lexicon's suggestion there, if any, shows next).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.events import EVENT_LAYER
from annotator.core.framing import FrameAssessment, mark_edited
from annotator.core.model import Origin, Span
from annotator.core.regions import outside_regions
from annotator.core.text import text_form
from annotator.services.training_layers import (
    COMPONENT,
    EVENTS,
    FRAME_PREFIX,
    FRAMES,
    PRIMARY_PREFIX,
    SPANS_KEY,
)

if TYPE_CHECKING:
    from annotator.services.annotate import AnnotationSession

THRESHOLD = 0.5
"""A frame or trigger is suggested when the model's score reaches this."""
MODEL_WINS = 0.7
"""Where the model and the trigger lexicon suggest overlapping triggers, the model's is shown when
its score reaches this, else the lexicon's. The lexicon is a list of phrases, sure of its words
but blind to their sense ("met" a deadline); the model reads the context but is only as good as
the documents it learnt from. Above 0.7 its spancat has seen this use often enough to outvote the
list; between 0.5 and 0.7 it is a guess the list's phrase should not lose to."""


@dataclass(frozen=True)
class FrameSuggestion:
    """The model's frames for one document: every dimension's score, those suggested, the primary."""

    scores: dict[str, float] = field(default_factory=dict)  # dimension id -> score
    primary: str = ""
    primary_score: float = 0.0
    model: str = ""  # the model's name, as the Models dialog lists it
    version: str = ""  # when it was trained, "2026-12-04 23:10": which of its trainings

    @property
    def origin(self) -> str:
        """The model as a confirmed framing records it (``FrameAssessment.suggested_by``)."""
        name = self.model or "a trained model"
        return f"{name} (trained {self.version})" if self.version else name

    @property
    def frames(self) -> tuple[str, ...]:
        """The dimensions suggested (score at least ``THRESHOLD``), highest score first."""
        chosen = [d for d, s in self.scores.items() if s >= THRESHOLD]
        return tuple(sorted(chosen, key=lambda d: -self.scores[d]))

    def accepted(self, current: FrameAssessment | None = None, frames: tuple[str, ...] | None = None,
                 primary: str | None = None) -> FrameAssessment:
        """The assessment the analyst confirms: the suggested frames (or those they kept), the
        suggested primary frame when it is among them, the rest of ``current`` unchanged."""
        current = current or FrameAssessment()
        kept = self.frames if frames is None else frames
        chosen_primary = self.primary if primary is None else primary
        if chosen_primary not in kept:
            chosen_primary = ""
        as_suggested = (set(kept), chosen_primary) == (set(self.frames), self.accepted_primary())
        origin = self.origin if as_suggested else mark_edited(self.origin)
        return current.with_(frames=tuple(kept), primary=chosen_primary, suggested_by=origin)

    def accepted_primary(self) -> str:
        """The primary frame as suggested: the model's primary when among the frames suggested."""
        return self.primary if self.primary in self.frames else ""

    def describe(self, names: dict[str, str] | None = None) -> list[str]:
        """One line per suggested frame with its score, for a label or a tooltip."""
        names = names or {}
        lines = [f"{names.get(d, d)} {self.scores[d]:.2f}" for d in self.frames]
        if self.primary:
            lines.append(f"primary: {names.get(self.primary, self.primary)} {self.primary_score:.2f}")
        return lines


def suggest_frames(nlp: Any, text: str, model: str = "") -> FrameSuggestion | None:
    """The model's frames for ``text``, or None when the pipeline has no frame classifier."""
    if "textcat_multilabel" not in nlp.pipe_names:
        return None
    doc = nlp(text)
    return frames_of(doc, model)


def frames_of(doc: Any, model: str = "") -> FrameSuggestion:
    """The frame suggestion in an already processed doc's ``cats``."""
    cats = doc.cats.items()
    scores = {k[len(FRAME_PREFIX):]: float(v) for k, v in cats if k.startswith(FRAME_PREFIX)}
    primaries = {k[len(PRIMARY_PREFIX):]: float(v) for k, v in cats if k.startswith(PRIMARY_PREFIX)}
    primary, primary_score = "", 0.0
    if primaries:
        primary, primary_score = max(primaries.items(), key=lambda kv: kv[1])
    return FrameSuggestion(scores, primary, primary_score, model)


@dataclass(frozen=True)
class TriggerSuggestion:
    span: Span  # layer "event", labelled with the category, origin model
    score: float


def triggers_of(doc: Any) -> list[TriggerSuggestion]:
    """The trigger spans the pipeline predicted in ``doc`` (code-point offsets), best first where
    two overlap."""
    group = doc.spans.get(SPANS_KEY)
    if group is None:
        return []
    scores = group.attrs.get("scores")
    out = []
    for i, span in enumerate(group):
        score = float(scores[i]) if scores is not None else 1.0
        if score < THRESHOLD:
            continue
        out.append(TriggerSuggestion(
            Span(span.start_char, span.end_char, span.label_, Origin.MODEL, EVENT_LAYER), score))
    out.sort(key=lambda t: (-t.score, t.span.start))
    kept: list[TriggerSuggestion] = []
    for item in out:
        if not any(item.span.overlaps(k.span) for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda t: (t.span.start, t.span.end))


def suggest_triggers(nlp: Any, text: str) -> list[TriggerSuggestion]:
    """The model's event triggers in ``text`` (none when the pipeline has no spancat)."""
    if "spancat" not in nlp.pipe_names:
        return []
    return triggers_of(nlp(text))


@dataclass(frozen=True)
class ModelSuggestions:
    """All a pipeline suggests for one text: frames (None without a frame classifier) and
    triggers (empty without a trigger recogniser)."""

    frames: FrameSuggestion | None
    triggers: tuple[TriggerSuggestion, ...] = ()


def suggest(nlp: Any, text: str, model: str = "", version: str = "") -> ModelSuggestions:
    """Run the pipeline once over ``text`` for both its frames and its triggers.

    A text longer than pre-annotation's piece (``PIECE_CHARS``, far beyond any training
    document) is run in pieces, as pre-annotation does (spaCy refuses texts over its
    ``max_length``); its frames are then those of the first piece, where a news story frames
    itself, and its triggers those of every piece.
    """
    from annotator.nlp.preannotate import split_long_text

    has_frames = COMPONENT[FRAMES] in nlp.pipe_names
    has_triggers = COMPONENT[EVENTS] in nlp.pipe_names
    if not (has_frames or has_triggers):
        return ModelSuggestions(None)
    frames: FrameSuggestion | None = None
    triggers: list[TriggerSuggestion] = []
    pieces = list(split_long_text(text))
    for (offset, _piece), doc in zip(pieces, nlp.pipe(p for _o, p in pieces), strict=True):
        if has_frames and frames is None:
            found = frames_of(doc, model)
            frames = FrameSuggestion(found.scores, found.primary, found.primary_score, model, version)
        if has_triggers:
            triggers += [
                TriggerSuggestion(t.span.with_(start=t.span.start + offset, end=t.span.end + offset), t.score)
                for t in triggers_of(doc)
            ]
    return ModelSuggestions(frames, tuple(triggers))


@dataclass(frozen=True)
class ModelTriggers:
    """A trained model's triggers for one document, as computed when it was opened."""

    doc_id: int
    model: str  # the model's name, for the tooltips
    text: str  # the document's text (for the rejected forms)
    triggers: tuple[TriggerSuggestion, ...]


def merge_triggers(
    stored: list[Span],
    found: ModelTriggers,
    own: list[Span],
    rejected: set[tuple[str, str]],
    starting: tuple[int, int] | None = None,
) -> list[Span]:
    """The suggestions to show: the ``stored`` ones with the model's triggers merged in (those
    starting in ``starting``, when given), as the module docstring says. Each trigger says in
    its ``annotator`` (the "suggested by" of the tooltip and the label card) whose it is."""
    text = found.text
    a, b = starting if starting is not None else (0, len(text))
    taken = {(s.start, s.end) for s in own}
    coded = [s for s in own if s.layer == EVENT_LAYER]
    candidates = [
        t for t in found.triggers
        if a <= t.span.start < b
        and (t.span.start, t.span.end) not in taken
        and not any(t.span.overlaps(o) for o in coded)
        and (text_form(text[t.span.start : t.span.end]), t.span.label) not in rejected
    ]
    lexicon = [i for i, s in enumerate(stored) if s.layer == EVENT_LAYER]
    dropped: set[int] = set()
    notes: dict[int, list[str]] = {}
    shown: list[Span] = []
    for item in candidates:
        span, name = item.span, f"trained model {found.model}, score {item.score:.2f}"
        rivals = [i for i in lexicon if stored[i].overlaps(span)]
        if not rivals:
            shown.append(span.with_(annotator=name))
        elif item.score >= MODEL_WINS:
            labels = sorted({stored[i].label for i in rivals})
            said = "the trigger lexicon agrees" if labels == [span.label] else (
                f"over the trigger lexicon's {', '.join(labels)}")
            shown.append(span.with_(annotator=f"{name} ({said})"))
            dropped.update(rivals)
        else:
            for i in rivals:
                notes.setdefault(i, []).append(
                    f"over trained model {found.model}'s {span.label} at {item.score:.2f}, "
                    f"under {MODEL_WINS:.2f}")
    out: list[Span] = []
    for i, span in enumerate(stored):
        if i in dropped:
            continue
        if span.layer == EVENT_LAYER:
            whose = f"the trigger lexicon ({span.annotator})" if span.annotator else "the trigger lexicon"
            span = span.with_(annotator="; ".join([whose, *notes.get(i, [])]))
        out.append(span)
    return out + shown


def suggestions_with_model(
    session: AnnotationSession,
    doc_id: int,
    own: list[Span] | None,
    starting: tuple[int, int] | None,
    found: ModelTriggers | None,
) -> list[Span]:
    """The session's suggestions of ``doc_id`` (see ``AnnotationSession.suggestions``), with the
    model's triggers merged in when ``found`` holds them for this document."""
    own = session.own_spans(doc_id, starting) if own is None else own
    stored = session.suggestions(doc_id, own, starting)
    return _with_model(session, doc_id, own, stored, starting, found)


def spans_with_model(
    session: AnnotationSession,
    doc_id: int,
    starting: tuple[int, int] | None,
    found: ModelTriggers | None,
) -> tuple[list[Span], list[Span]]:
    """The analyst's spans of ``doc_id`` and ``suggestions_with_model``, their spans read in
    one query (``AnnotationSession.spans_and_suggestions``)."""
    own, stored = session.spans_and_suggestions(doc_id, starting)
    return own, _with_model(session, doc_id, own, stored, starting, found)


def _with_model(
    session: AnnotationSession,
    doc_id: int,
    own: list[Span],
    stored: list[Span],
    starting: tuple[int, int] | None,
    found: ModelTriggers | None,
) -> list[Span]:
    if found is None or found.doc_id != doc_id or not found.triggers:
        return stored
    merged = merge_triggers(stored, found, own, session.store.rejections.pairs(), starting)
    # Nothing is suggested inside a marked region, by the trained model neither.
    return outside_regions(merged, session.store.regions.of_document(doc_id))
