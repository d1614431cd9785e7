"""Framing: per document and annotator, the frames present, the primary (and headline) frame, the
tone (optionally towards one actor) and the role each main actor plays.

Dimensions follow the Policy Frames Codebook and SemEval-2023 Task 3, tone the Media Frames
Corpus's five points, roles SemEval-2025 Task 10. Evidence is span-level: passages of the
``frame`` layer (labelled with a dimension) or the ``persuasion`` layer (labelled with a technique).

Where a framing came from: ``suggested_by`` names the trained model whose pre-ticked frames the
analyst confirmed ("NAME (trained DATE)"), empty when they coded the document by hand. The framing
is the analyst's own either way, so it is left out of equality: two assessments with the same
frames are the same framing. When the frames present or the primary frame later differ from what
was confirmed (changed by hand, or before confirming), the model's name stays and ``EDITED`` is
appended: whoever reviews provenance (or trains the next model) must still find every framing a
model put in front of the analyst — a confirmed suggestion is not independent evidence, and
training on it feeds the model its own guesses — and can tell a framing taken as suggested from
one the analyst reworked. Only clearing the framing drops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.problems import ERROR, Problem
from annotator.core.schema import Schema

FRAME_LAYER = "frame"
PERSUASION_LAYER = "persuasion"
EVIDENCE_LAYERS = (FRAME_LAYER, PERSUASION_LAYER)


@dataclass(frozen=True, slots=True)
class ActorRole:
    actor_id: int
    role: str  # "protagonist", "antagonist", "innocent"


@dataclass(frozen=True, slots=True)
class FrameAssessment:
    frames: tuple[str, ...] = ()  # dimension ids present, in schema order
    primary: str = ""
    headline: str = ""  # the headline's frame, as in the Media Frames Corpus
    tone: str = ""  # a tone id, or empty when not coded
    tone_target: int | None = None  # actor id the tone is towards; None: the document's topic
    roles: tuple[ActorRole, ...] = ()
    evidence: tuple[int, ...] = ()  # ids of the annotator's frame/persuasion spans (read only)
    # The model whose suggestion was confirmed ("" when coded by hand); see the module docstring.
    suggested_by: str = field(default="", compare=False)

    def with_(self, **changes: Any) -> FrameAssessment:
        return replace(self, **changes)

    def role_of(self, actor_id: int) -> str:
        for item in self.roles:
            if item.actor_id == actor_id:
                return item.role
        return ""

    @property
    def is_empty(self) -> bool:
        return not (self.frames or self.primary or self.headline or self.tone or self.roles)


EDITED = ", then edited"
"""Appended to ``suggested_by`` once the frames differ from the model's confirmed suggestion."""


def suggestion_edited(suggested_by: str) -> bool:
    return suggested_by.endswith(EDITED)


def mark_edited(suggested_by: str) -> str:
    """``suggested_by`` of a framing whose frames the analyst changed from the model's."""
    return suggested_by if not suggested_by or suggestion_edited(suggested_by) else suggested_by + EDITED


def carry_origin(old: FrameAssessment | None, new: FrameAssessment) -> FrameAssessment:
    """``new`` with the origin it inherits from ``old``, the framing it replaces.

    A ``new`` naming a model of its own (a confirmation) keeps it. Otherwise the old origin
    stays, marked edited when the frames present or the primary frame changed."""
    if new.suggested_by and (old is None or new.suggested_by != old.suggested_by):
        return new
    origin = old.suggested_by if old is not None else ""
    if origin and old is not None and (set(new.frames), new.primary) != (set(old.frames), old.primary):
        origin = mark_edited(origin)
    return new.with_(suggested_by=origin)


def origin_text(assessment: FrameAssessment | None) -> str:
    """Where the framing came from, for the framing panel: "suggested by M, confirmed" (and
    ", then edited"), or "" for a framing coded by hand."""
    origin = assessment.suggested_by if assessment is not None else ""
    if not origin:
        return ""
    if suggestion_edited(origin):
        return f"suggested by {origin[: -len(EDITED)]}, confirmed, then edited"
    return f"suggested by {origin}, confirmed"


def frames_coded(frames: FrameAssessment | None) -> bool:
    """Whether an annotator framed the document: a frame present, a primary or headline frame, a
    tone, or a role. (A set whose only framing is evidence spans did not fill in the framing.)"""
    return frames is not None and not frames.is_empty


def frame_present(frames: FrameAssessment, dimension: str) -> bool:
    """A dimension is present when listed among the frames present or given as the primary."""
    return dimension in frames.frames or frames.primary == dimension


def normalized(assessment: FrameAssessment, schema: Schema) -> FrameAssessment:
    """Frames in schema order without repeats, the primary frame among them, roles by actor."""
    wanted = set(assessment.frames) | ({assessment.primary} if assessment.primary else set())
    ordered = tuple(d for d in schema.dimension_ids if d in wanted)
    unknown = tuple(sorted(f for f in wanted if f not in schema.dimension_ids))
    roles = tuple(sorted(assessment.roles, key=lambda r: r.actor_id))
    return assessment.with_(frames=ordered + unknown, roles=roles)


def validate_frames(assessment: FrameAssessment, schema: Schema) -> list[Problem]:
    problems: list[Problem] = []
    dims = set(schema.dimension_ids)
    for frame in assessment.frames:
        if frame not in dims:
            problems.append(Problem(ERROR, "frames", f"unknown frame dimension {frame!r}"))
    if len(set(assessment.frames)) != len(assessment.frames):
        problems.append(Problem(ERROR, "frames", "a frame is listed twice"))
    if assessment.primary:
        if assessment.primary not in dims:
            message = f"unknown frame dimension {assessment.primary!r}"
            problems.append(Problem(ERROR, "primary", message))
        elif assessment.primary not in assessment.frames:
            message = "the primary frame must be one of the frames present"
            problems.append(Problem(ERROR, "primary", message))
    if assessment.headline and assessment.headline not in dims:
        message = f"unknown frame dimension {assessment.headline!r}"
        problems.append(Problem(ERROR, "headline", message))
    if assessment.tone and assessment.tone not in schema.tone_ids:
        valid = ", ".join(schema.tone_ids)
        problems.append(Problem(ERROR, "tone", f"unknown tone {assessment.tone!r}; valid: {valid}"))
    if assessment.tone_target is not None and not assessment.tone:
        problems.append(Problem(ERROR, "tone", "a tone target needs a tone"))
    seen: set[int] = set()
    for item in assessment.roles:
        if item.role not in schema.frame_role_ids:
            valid = ", ".join(schema.frame_role_ids)
            problems.append(Problem(ERROR, "roles", f"unknown role {item.role!r}; valid: {valid}"))
        if item.actor_id in seen:
            problems.append(Problem(ERROR, "roles", "an actor has two roles"))
        seen.add(item.actor_id)
    return problems
