"""What a trained pipeline suggests for a document's frames and event triggers, with its scores.

The framing form shows the model's frames as pre-ticked suggestions the analyst confirms, and the
reading pane shows trigger suggestions like entity suggestions. Both read them here, from a
pipeline made by ``annotator train`` (``doc.cats`` with ``frame:``/``primary:`` labels, and
``doc.spans["event"]`` with the spancat's scores). A suggestion is never the analyst's own: a
``FrameSuggestion`` becomes a ``FrameAssessment`` only through ``accepted``, which the form calls
when the analyst confirms, and trigger spans carry ``Origin.MODEL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.events import EVENT_LAYER
from annotator.core.framing import FrameAssessment
from annotator.core.model import Origin, Span
from annotator.services.training_layers import FRAME_PREFIX, PRIMARY_PREFIX, SPANS_KEY

THRESHOLD = 0.5
"""A frame or trigger is suggested when the model's score reaches this."""


@dataclass(frozen=True)
class FrameSuggestion:
    """The model's frames for one document: every dimension's score, those suggested, the primary."""

    scores: dict[str, float] = field(default_factory=dict)  # dimension id -> score
    primary: str = ""
    primary_score: float = 0.0
    model: str = ""

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
        return current.with_(frames=tuple(kept), primary=chosen_primary)

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
