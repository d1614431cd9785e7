"""Framing use cases: per document and annotator, the frames present, primary and headline frame,
tone (optionally towards an actor) and actor roles; and span-level evidence (a passage tagged with
a frame dimension or a persuasion technique).

Every change is an undoable command, one transaction per ``do``/``undo``. An assessment belongs to
the analyst of the session: colleagues' assessments of the same document are separate rows.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.core.errors import AnnotatorError
from annotator.core.framing import (
    FRAME_LAYER,
    PERSUASION_LAYER,
    ActorRole,
    FrameAssessment,
    carry_origin,
    normalized,
    validate_frames,
)
from annotator.core.model import Origin, Span
from annotator.core.problems import ERROR, Problem, raise_on_errors
from annotator.core.schema import Schema, default_schema
from annotator.services.annotate import AddSpans, AnnotationSession, Change


class FramingCommands:
    """The framing panel's services and command factories for one analyst."""

    def __init__(self, session: AnnotationSession, schema: Schema | None = None) -> None:
        self.session = session
        self.schema = schema or default_schema()
        self.repo = session.store.framing

    def assessment(self, doc_id: int) -> FrameAssessment:
        """The analyst's assessment of a document (empty when none), with evidence span ids."""
        return self.repo.get(doc_id, self.session.annotator.id) or FrameAssessment()

    def evidence(self, doc_id: int) -> list[Span]:
        """The analyst's evidence passages (frame and persuasion layers), in text order."""
        return [s for s in self.session.own_spans(doc_id) if s.layer in (FRAME_LAYER, PERSUASION_LAYER)]

    def validate(self, assessment: FrameAssessment) -> list[Problem]:
        problems = validate_frames(assessment, self.schema)
        referenced = {r.actor_id for r in assessment.roles}
        if assessment.tone_target is not None:
            referenced.add(assessment.tone_target)
        if referenced:
            known = {a.id for a in self.session.store.actors.all()}
            for actor_id in sorted(referenced - known):
                problems.append(Problem(ERROR, "roles", f"no actor with id {actor_id}"))
        return problems

    # commands ----------------------------------------------------------------------------------------

    def set_assessment(
        self, doc_id: int, assessment: FrameAssessment, text: str = "Edit framing"
    ) -> SetFrames:
        """Replace the whole assessment (frames, primary, headline, tone, target, roles). Its
        origin (``suggested_by``) is carried over from the stored one, marked edited when the
        frames change, unless ``assessment`` names the model it confirms (``carry_origin``)."""
        assessment = carry_origin(self.repo.get(doc_id, self.session.annotator.id), assessment)
        assessment = normalized(assessment.with_(evidence=()), self.schema)
        raise_on_errors(self.validate(assessment))
        return SetFrames(self, doc_id, assessment, text)

    def set_frames(self, doc_id: int, frames: list[str], primary: str | None = None) -> SetFrames:
        """Frames present (multi-select), and the primary frame when given ("" clears it)."""
        current = self.assessment(doc_id)
        primary = current.primary if primary is None else primary
        if primary and primary not in frames:
            primary = ""  # unticking the primary frame clears it
        return self.set_assessment(doc_id, current.with_(frames=tuple(frames), primary=primary), "Set frames")

    def set_primary(self, doc_id: int, dimension: str) -> SetFrames:
        """The primary frame (which counts as present)."""
        current = self.assessment(doc_id)
        frames = (
            current.frames if dimension in current.frames or not dimension else (*current.frames, dimension)
        )
        return self.set_assessment(
            doc_id, current.with_(frames=frames, primary=dimension), "Set primary frame"
        )

    def set_headline(self, doc_id: int, dimension: str) -> SetFrames:
        current = self.assessment(doc_id)
        return self.set_assessment(doc_id, current.with_(headline=dimension), "Set headline frame")

    def set_tone(self, doc_id: int, tone: str, target_actor_id: int | None = None) -> SetFrames:
        """Tone on the five-point scale ("" clears it), optionally towards one actor."""
        current = self.assessment(doc_id)
        return self.set_assessment(
            doc_id, current.with_(tone=tone, tone_target=target_actor_id if tone else None), "Set tone"
        )

    def set_role(self, doc_id: int, actor_id: int, role: str | None) -> SetFrames:
        """The role an actor plays (protagonist, antagonist, innocent); None removes it."""
        current = self.assessment(doc_id)
        roles = [r for r in current.roles if r.actor_id != actor_id]
        if role:
            roles.append(ActorRole(actor_id, role))
        return self.set_assessment(doc_id, current.with_(roles=tuple(roles)), "Set actor role")

    def clear(self, doc_id: int) -> SetFrames:
        return SetFrames(self, doc_id, None, "Clear framing")

    def add_evidence(self, doc_id: int, start: int, end: int, label: str) -> AddEvidence:
        """Tag a passage with a frame dimension (layer ``frame``) or a persuasion technique
        (layer ``persuasion``)."""
        if label in self.schema.dimension_ids:
            layer = FRAME_LAYER
        elif label in self.schema.technique_ids:
            layer = PERSUASION_LAYER
        else:
            raise AnnotatorError(f"{label!r} is neither a frame dimension nor a persuasion technique")
        text = self.session.document_text(doc_id)
        if not (0 <= start < end <= len(text)):
            raise AnnotatorError(f"passage {start}-{end} is not inside the text ({len(text)} characters)")
        if any(
            s.layer == layer and s.start == start and s.end == end and s.label == label
            for s in self.evidence(doc_id)
        ):
            raise AnnotatorError(f"that passage is already tagged {label}")
        what = "frame" if layer == FRAME_LAYER else "persuasion technique"
        return AddEvidence(
            self.session, doc_id, [Span(start, end, label, Origin.MANUAL, layer)], f"Tag {what} {label}"
        )


class SetFrames:
    def __init__(
        self, commands: FramingCommands, doc_id: int, assessment: FrameAssessment | None, text: str
    ) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.assessment = None if assessment is not None and assessment.is_empty else assessment
        self.text = text
        self.old: FrameAssessment | None = None
        self.was_todo = False

    def do(self) -> Change:
        repo, annotator_id = self.commands.repo, self.commands.session.annotator.id
        self.old, was_todo = repo.save(self.doc_id, annotator_id, self.assessment)
        self.was_todo = self.was_todo or was_todo
        return Change(self.doc_id, frames=True, status=was_todo)

    def undo(self) -> Change:
        repo, annotator_id = self.commands.repo, self.commands.session.annotator.id
        old = self.old.with_(evidence=()) if self.old is not None else None
        repo.save(self.doc_id, annotator_id, old, back_to_todo=self.was_todo)
        return Change(self.doc_id, frames=True, status=self.was_todo)


class AddEvidence(AddSpans):
    """An evidence passage: a span of the frame or persuasion layer (undo removes it)."""

    def do(self) -> Change:
        return replace(super().do(), frames=True)

    def undo(self) -> Change:
        return replace(super().undo(), frames=True)
