"""Annotation use cases as commands with ``do`` and ``undo``, each one short transaction.

As in glue's ``command.py``: every change the analyst makes is a command object; the GUI wraps it
in a ``QUndoCommand`` and only labels it. Each ``do``/``undo`` returns a ``Change`` saying what
changed, so views refresh only that (Anki's ``OpChanges``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from annotator.core.model import AnnotatorKind, Document, DocumentMeta, Origin, Span, Status
from annotator.core.regions import Region, outside_regions
from annotator.core.text import form_starts, text_form
from annotator.store import Annotator, Store
from annotator.store.span_dependents import SpanDependents


@dataclass(frozen=True, slots=True)
class Change:
    document_id: int
    spans: bool = False
    meta: bool = False
    status: bool = False
    actors: bool = False  # the actor registry or actor links changed
    events: bool = False
    frames: bool = False  # frame assessment (frames, tone, roles) or evidence
    regions: bool = False  # a region was marked or unmarked (services.regions)
    # Where the changed spans lie, (first start, last end) in code points: a view of a long
    # document then reloads only the spans starting in that range. None: reload them all.
    span_range: tuple[int, int] | None = None
    # A reject and its undo: the (text form, label) pairs whose suggestions are now hidden
    # across the document, or suggested again. A view then updates the suggestions of these
    # forms (``SpanLoader.refresh_forms``) instead of reloading every span; ``span_range``
    # still names the suggestions deleted or restored, for the views that watch a range.
    hidden_forms: tuple[tuple[str, str], ...] = ()
    shown_forms: tuple[tuple[str, str], ...] = ()

    @property
    def forms(self) -> bool:
        """Whether the spans changed only through the suggestions of some forms (a reject)."""
        return bool(self.hidden_forms or self.shown_forms)


def spans_extent(spans: list[Span]) -> tuple[int, int] | None:
    """The smallest range holding all ``spans`` (None for none)."""
    if not spans:
        return None
    return min(s.start for s in spans), max(s.end for s in spans)


class Command(Protocol):
    text: str

    def do(self) -> Change: ...

    def undo(self) -> Change: ...


class AnnotationSession:
    """What one analyst sees and does in the database: their spans and the pending suggestions."""

    def __init__(self, store: Store, annotator: Annotator) -> None:
        self.store = store
        self.annotator = annotator
        self._text: tuple[int, str] | None = None  # the last document's text (texts never change)

    def document_text(self, doc_id: int) -> str:
        """The document's text, read once (a megabyte for a long article; texts never change)."""
        if self._text is None or self._text[0] != doc_id:
            self._text = (doc_id, self.store.documents.get(doc_id).text)
        return self._text[1]

    def document(self, doc_id: int) -> Document:
        return self.store.documents.get(doc_id)

    def span_attributes(self, doc_id: int) -> dict[int, dict[str, str]]:
        """{span id: {key: value}}: another tool's attributes and notes of the analyst's spans."""
        return self.store.span_attributes.for_document(doc_id, self.annotator.id)

    def own_spans(self, doc_id: int, starting: tuple[int, int] | None = None) -> list[Span]:
        """The analyst's spans (with ``starting=(a, b)``, only those starting in ``[a, b)``)."""
        return self.store.spans.in_document(doc_id, annotator_id=self.annotator.id, starting=starting)

    def suggestions(
        self, doc_id: int, own: list[Span] | None = None, starting: tuple[int, int] | None = None
    ) -> list[Span]:
        """Model spans the analyst has not yet confirmed (no own span with the same offsets),
        nor rejected (their text form and label in the database's rejections).

        With ``starting=(a, b)``, only those starting in ``[a, b)``; ``own`` must then hold at
        least the own spans starting there (a suggestion and the own span that hides it start
        at the same offset).
        """
        own = self.own_spans(doc_id, starting) if own is None else own
        model = self.store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL, starting=starting)
        return self._pending(doc_id, own, model)

    def spans_and_suggestions(
        self, doc_id: int, starting: tuple[int, int] | None = None
    ) -> tuple[list[Span], list[Span]]:
        """``own_spans`` and ``suggestions`` together, their spans read in one query (the
        reading pane's refresh after each click)."""
        own, model, marked = self.store.spans.own_model_and_marked(doc_id, self.annotator.id, starting)
        return own, self._pending(doc_id, own, model, regions=marked)

    def suggestions_at(
        self,
        doc_id: int,
        keys: set[tuple[int, int]],
        rejected: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
        allowed: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    ) -> list[Span]:
        """The suggestions with exactly these offsets ``(start, end)``, as ``suggestions``
        gives them (the same own spans, rejections, marked regions and one suggestion per
        offsets), read in one query: what a reject or its undo changes, without reading the
        document's other spans. (Text form, label) pairs known to be ``rejected`` now are left
        out, and the rejections are not read when only pairs known to be ``allowed`` are left
        (after a reject or its undo, mostly)."""
        if not keys:
            return []
        own, model, marked = self.store.spans.own_model_and_marked(
            doc_id, self.annotator.id, starts=[start for start, _end in keys]
        )
        return self._at(doc_id, keys, own, model, marked, rejected, allowed)

    def _at(
        self,
        doc_id: int,
        keys: set[tuple[int, int]],
        own: list[Span],
        model: list[Span],
        marked: list[Region],
        rejected: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
        allowed: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    ) -> list[Span]:
        """``suggestions_at`` on spans read already (at least those starting at the keys)."""
        model = [s for s in model if (s.start, s.end) in keys]
        if rejected and model:
            text = self.document_text(doc_id)
            model = [s for s in model if (text_form(text[s.start : s.end]), s.label) not in rejected]
        return self._pending(doc_id, own, model, allowed, regions=marked)

    def form_suggestions(
        self, doc_id: int, pairs: set[tuple[str, str]], before: int | None = None
    ) -> tuple[set[tuple[int, int]], list[Span]]:
        """The offsets of the model's spans whose (text form, label) is one of ``pairs``, and
        the suggestions at those offsets (``suggestions_at``): where the undo of a reject may
        suggest something again. The model's spans are read where the forms occur in the text
        (``form_starts``), with their labels only; with ``before``, only those starting
        before it. ``pairs`` are taken as no longer rejected (the undo has just forgotten
        them)."""
        text = self.document_text(doc_id)
        starts = {p for form, _label in pairs for p in form_starts(text, form)}
        if before is not None:
            starts = {p for p in starts if p < before}
        if not starts:
            return set(), []
        # Every span at those places, own and model's, and the marked regions in one query:
        # the places whose model span has a form of ``pairs``, and what is suggested there.
        own, model, marked = self.store.spans.own_model_and_marked(
            doc_id, self.annotator.id, starts=sorted(starts)
        )
        keys = {
            (s.start, s.end) for s in model if (text_form(text[s.start : s.end]), s.label) in pairs
        }
        if not keys:
            return keys, []
        return keys, self._at(doc_id, keys, own, model, marked, allowed=pairs)

    def _pending(
        self,
        doc_id: int,
        own: list[Span],
        model: list[Span],
        allowed: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
        regions: list[Region] | None = None,
    ) -> list[Span]:
        """The suggestions among the ``model`` spans, given the analyst's ``own`` (and the
        document's marked ``regions`` when read with them). The
        rejections and the marked regions are read only when some model span is left to
        check against them (after a click, mostly none is); the rejections not when every
        one left has a (text form, label) known to be ``allowed``."""
        taken = {(s.start, s.end) for s in own}
        candidates = [s for s in model if (s.start, s.end) not in taken]
        if not candidates:
            return []
        text = self.document_text(doc_id) if allowed else ""
        if allowed and all((text_form(text[s.start : s.end]), s.label) in allowed for s in candidates):
            rejected: set[tuple[str, str]] = set()
        else:
            rejected = self.store.rejections.pairs()
            text = self.document_text(doc_id) if rejected else ""
        result: list[Span] = []
        seen: set[tuple[int, int]] = set()
        for span in candidates:
            key = (span.start, span.end)
            if key in seen:
                continue
            if rejected and (text_form(text[span.start : span.end]), span.label) in rejected:
                continue
            seen.add(key)
            result.append(span)
        # Nothing is suggested inside a marked region (repeated lines, boilerplate).
        if not result:
            return result
        return outside_regions(result, self.store.regions.of_document(doc_id) if regions is None else regions)

    # Command factories -------------------------------------------------------------------------

    def add(self, doc_id: int, spans: list[Span], text: str = "Add span") -> AddSpans:
        return AddSpans(self, doc_id, spans, text)

    def accept(self, doc_id: int, suggestions: list[Span], label: str | None = None) -> AddSpans:
        spans = [
            Span(s.start, s.end, label or s.label, Origin.MODEL, s.layer) for s in suggestions
        ]
        what = "Accept suggestion" if len(spans) == 1 else f"Accept {len(spans)} suggestions"
        return AddSpans(self, doc_id, spans, what)

    def delete(self, doc_id: int, span_ids: list[int], text: str = "Delete span") -> DeleteSpans:
        return DeleteSpans(self, doc_id, span_ids, text)

    def reject(self, doc_id: int, suggestions: list[Span]) -> RejectSuggestions:
        """Reject suggestions: deleted, and their text forms with their labels remembered so
        that no document suggests them again (undo forgets them)."""
        return RejectSuggestions(self, doc_id, suggestions)

    # ``expected`` is what the analyst saw (the label, details or status on screen): the change
    # is made only if the database still holds it, else ConflictError asks for a refresh, so
    # an instance never silently overwrites what another one saved in the meantime.

    def relabel(
        self, doc_id: int, span_id: int, label: str, expected: str | None = None
    ) -> RelabelSpan:
        return RelabelSpan(self, doc_id, span_id, label, expected)

    def set_meta(
        self, doc_id: int, meta: DocumentMeta, expected: DocumentMeta | None = None
    ) -> SetMeta:
        return SetMeta(self, doc_id, meta, expected)

    def set_status(self, doc_id: int, status: Status, expected: Status | None = None) -> SetStatus:
        return SetStatus(self, doc_id, status, expected)


class AddSpans:
    """Add spans to the analyst's set; a document still 'to do' becomes 'in progress'."""

    def __init__(self, session: AnnotationSession, doc_id: int, spans: list[Span], text: str) -> None:
        self.session = session
        self.doc_id = doc_id
        self.spans = spans
        self.text = text
        # Whether the first ``do`` moved the document from 'to do' to 'in progress' (None
        # before it ran); undo moves it back, and redo moves it again, only then.
        self.started: bool | None = None

    def do(self) -> Change:
        # The spans and the status in one transaction. The status moves only from 'to do':
        # when another instance has set it since, theirs is the newer decision and stays.
        self.spans, moved = self.session.store.spans.add_starting(
            self.doc_id, self.session.annotator.id, self.spans, start=self.started is not False
        )
        if self.started is None:
            self.started = moved
        return Change(self.doc_id, spans=True, status=moved, span_range=spans_extent(self.spans))

    def undo(self) -> Change:
        # Back to 'to do' only from 'in progress' (another instance's later status stays).
        moved = self.session.store.spans.delete_restarting(
            self.doc_id, [s.id for s in self.spans if s.id is not None], bool(self.started)
        )
        return Change(self.doc_id, spans=True, status=moved, span_range=spans_extent(self.spans))


def deletion_change(
    doc_id: int, deleted: list[tuple[int, int, Span]], dependents: SpanDependents | None
) -> Change:
    """What deleting (or restoring) spans changed: the spans there, and the actor links and
    events that hung on them."""
    return Change(
        doc_id,
        spans=True,
        actors=bool(dependents and dependents.links),
        events=bool(dependents and dependents.events),
        span_range=spans_extent([span for _doc, _ann, span in deleted]),
    )


class DeleteSpans:
    """Delete spans: the analyst's own, or model suggestions (which rejects them)."""

    def __init__(self, session: AnnotationSession, doc_id: int, span_ids: list[int], text: str) -> None:
        self.session = session
        self.doc_id = doc_id
        self.span_ids = span_ids
        self.text = text
        self.deleted: list[tuple[int, int, Span]] = []
        self.dependents: SpanDependents | None = None

    def do(self) -> Change:
        # Actor links and events hang on spans and go with them: kept, to undo.
        self.deleted, self.dependents = self.session.store.dependents.delete_spans(self.span_ids)
        return self._change()

    def undo(self) -> Change:
        by_annotator: dict[int, list[Span]] = {}
        for doc_id, annotator_id, span in self.deleted:
            assert doc_id == self.doc_id
            by_annotator.setdefault(annotator_id, []).append(span)
        self.session.store.dependents.restore_spans(self.doc_id, by_annotator, self.dependents)
        return self._change()

    def _change(self) -> Change:
        return deletion_change(self.doc_id, self.deleted, self.dependents)


class RejectSuggestions:
    """Delete suggestions and remember their (text form, label): not suggested again here."""

    def __init__(self, session: AnnotationSession, doc_id: int, suggestions: list[Span]) -> None:
        self.session = session
        self.doc_id = doc_id
        self.ids = [int(s.id) for s in suggestions if s.id is not None]
        text = session.document_text(doc_id)
        self.pairs = sorted({(text_form(text[s.start : s.end]), s.label) for s in suggestions})
        self.deleted: list[tuple[int, int, Span]] = []
        self.dependents: SpanDependents | None = None
        self.remembered: list[tuple[str, str]] = []
        self.text = (
            "Reject suggestion" if len(suggestions) == 1 else f"Reject {len(suggestions)} suggestions"
        )

    def do(self) -> Change:
        # The suggestions deleted and their forms remembered in one transaction.
        self.deleted, self.dependents, self.remembered = (
            self.session.store.dependents.delete_rejecting(self.ids, self.pairs)
        )
        # The same form may be suggested elsewhere in the document: all of them go.
        return replace(self._change(), hidden_forms=tuple(self.pairs))

    def undo(self) -> Change:
        # Forget only what this rejection added: a pair rejected before stays rejected (its
        # suggestions stay hidden, the restored ones too).
        by_annotator: dict[int, list[Span]] = {}
        for _doc_id, annotator_id, span in self.deleted:
            by_annotator.setdefault(annotator_id, []).append(span)
        self.session.store.dependents.restore_forgetting(
            self.doc_id, by_annotator, self.dependents, self.remembered
        )
        return replace(self._change(), shown_forms=tuple(self.remembered))

    def _change(self) -> Change:
        return deletion_change(self.doc_id, self.deleted, self.dependents)


class RelabelSpan:
    def __init__(
        self,
        session: AnnotationSession,
        doc_id: int,
        span_id: int,
        label: str,
        expected: str | None = None,
    ) -> None:
        self.session = session
        self.doc_id = doc_id
        self.span_id = span_id
        self.label = label
        self.expected = expected
        self.old_label: str | None = None
        self.extent: tuple[int, int] | None = None
        self.text = f"Relabel as {label}"

    def do(self) -> Change:
        self.old_label = self.session.store.spans.relabel(self.span_id, self.label, self.expected)
        return self._change()

    def undo(self) -> Change:
        assert self.old_label is not None
        self.session.store.spans.relabel(self.span_id, self.old_label, expected=self.label)
        return self._change()

    def _change(self) -> Change:
        if self.extent is None:
            self.extent = self.session.store.spans.extent([self.span_id])
        return Change(self.doc_id, spans=True, span_range=self.extent)


class SetMeta:
    def __init__(
        self,
        session: AnnotationSession,
        doc_id: int,
        meta: DocumentMeta,
        expected: DocumentMeta | None = None,
    ) -> None:
        self.session = session
        self.doc_id = doc_id
        self.meta = meta
        self.old: DocumentMeta | None = expected
        self.text = "Edit document details"

    def do(self) -> Change:
        store = self.session.store
        if self.old is None:
            self.old = store.documents.get(self.doc_id).meta
        store.documents.update_meta(self.doc_id, self.meta, expected=self.old)
        return Change(self.doc_id, meta=True)

    def undo(self) -> Change:
        assert self.old is not None
        self.session.store.documents.update_meta(self.doc_id, self.old, expected=self.meta)
        return Change(self.doc_id, meta=True)


class SetStatus:
    def __init__(
        self,
        session: AnnotationSession,
        doc_id: int,
        status: Status,
        expected: Status | None = None,
    ) -> None:
        self.session = session
        self.doc_id = doc_id
        self.status = status
        self.old: Status | None = expected
        self.old_judgment: Status | None = None
        self.text = f"Mark as {status.title.lower()}"

    def do(self) -> Change:
        store = self.session.store
        if self.old is None:
            self.old = store.documents.status(self.doc_id)
        store.documents.set_status(self.doc_id, self.status, expected=self.old)
        # The status is also the analyst's own judgment of the document: finished with nothing
        # marked is "nothing here", kept for review (store.judgments).
        annotator = self.session.annotator.id
        self.old_judgment = store.judgments.get(self.doc_id, annotator)
        store.judgments.set(self.doc_id, annotator, self.status)
        return Change(self.doc_id, status=True)

    def undo(self) -> Change:
        assert self.old is not None
        store = self.session.store
        store.documents.set_status(self.doc_id, self.old, expected=self.status)
        store.judgments.set(self.doc_id, self.session.annotator.id, self.old_judgment)
        return Change(self.doc_id, status=True)
