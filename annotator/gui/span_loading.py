"""The open document's spans in the reading pane: the first screen at once, the rest after the
first paint, and after a change only the stretch it touched; the label panel's counts follow.

A long article with tens of thousands of spans opens as fast as its bare text, and the window
answers while the rest loads: the spans after the first screen come a stretch of text per pass
of the event loop (a timer owned by the loader, so it dies with the window).

A trained model's trigger suggestions for the open document (computed off the GUI thread when it
is opened, ``gui/model_menu.py``) join the stored suggestions here, merged with the trigger
lexicon's (``services/layer_suggestions.py``).
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject, QTimer

from annotator.core.events import EVENT_LAYER
from annotator.core.model import Span
from annotator.core.text import text_form
from annotator.gui.label_panel import LabelPanel
from annotator.gui.reading_pane import ReadingPane
from annotator.services.annotate import AnnotationSession
from annotator.services.layer_suggestions import ModelTriggers, spans_with_model

# Spans of a long document are loaded after its first screen this many characters at a time
# (a few thousand spans, some tens of milliseconds), one stretch per pass of the event loop.
SPAN_CHUNK_CHARS = 100_000


class SpanLoader(QObject):
    """Loads the analyst's spans and the model's suggestions of the open document."""

    def __init__(self, session: AnnotationSession, pane: ReadingPane, label_panel: LabelPanel) -> None:
        super().__init__(pane)
        self.session = session
        self.pane = pane
        self.label_panel = label_panel
        self.doc_id: int | None = None
        self.label_counts: Counter[str] = Counter()  # the analyst's spans in the open document
        self.model_triggers: ModelTriggers | None = None  # the active model's, for one document
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._load_more)

    def load(self, doc_id: int) -> None:
        """The spans of the first screen now, the others after the first paint, a stretch of
        text per pass of the event loop."""
        self.doc_id = doc_id
        self.pane.set_span_attributes(self.session.span_attributes(doc_id))
        first = self.pane.first_screen()
        if first[1] >= len(self.pane.text()):
            self.refresh()  # the whole text is on the first screen
            return
        own, suggestions = self.spans(doc_id, first)

        def load_rest() -> None:
            if self.doc_id == doc_id:
                self.refresh()

        self.pane.set_first_spans(first, own, suggestions, load_rest)
        self.label_counts = Counter()  # counted once every span is there
        self.label_panel.set_counts(self.label_counts)
        self._timer.start()

    def _load_more(self) -> None:
        """The next stretch of the open document's spans (see ``load``)."""
        doc_id = self.doc_id
        if doc_id is None or self.pane.spans_complete():
            return
        a = self.pane.loaded_until()
        b = min(len(self.pane.text()), a + SPAN_CHUNK_CHARS)
        own, suggestions = self.spans(doc_id, (a, b))
        if self.pane.extend_first_spans(b, own, suggestions):
            self.label_counts = Counter(i.span.label for i in self.pane.shown_spans() if not i.suggestion)
            self.label_panel.set_counts(self.label_counts)
        else:
            self._timer.start()

    def refresh(self, starting: tuple[int, int] | None = None) -> None:
        """Reload the open document's spans: all of them, or those starting in ``starting``
        (the range a change touched; the label counts are adjusted by what was replaced)."""
        doc_id = self.doc_id
        if doc_id is None:
            return
        if starting is not None and self.pane.spans_complete():
            own, suggestions = self.spans(doc_id, starting)
            removed, added = self.pane.update_spans(starting, own, suggestions)
            self.label_counts.subtract(i.span.label for i in removed if not i.suggestion)
            self.label_counts.update(i.span.label for i in added if not i.suggestion)
            self.label_counts = +self.label_counts  # drop labels counted down to zero
        else:
            own, suggestions = self.spans(doc_id)
            self.pane.set_spans(own, suggestions)
            self.label_counts = Counter(s.label for s in own)
        self.label_panel.set_counts(self.label_counts)
        self.label_panel.show_span(self.pane.current, self.pane.text())

    def refresh_forms(
        self, hidden: tuple[tuple[str, str], ...], shown: tuple[tuple[str, str], ...]
    ) -> None:
        """After a reject (``hidden``: its (text form, label) pairs) or its undo (``shown``):
        the suggestions of those forms go, or come back, and no other span is read. Those to
        drop are found among the suggestions shown; those to show again by one query for the
        model's spans of those labels where the forms occur in the text
        (``AnnotationSession.form_suggestions``). At each place changed, the suggestions are
        read as a reload would show them (``AnnotationSession.suggestions_at``: another
        model's suggestion at the same offsets may show instead). Only the spans loaded so far
        are touched: the stretches still to load are read with the change already made."""
        doc_id = self.doc_id
        if doc_id is None:
            return
        text = self.pane.text()
        if hidden:
            gone = set(hidden)
            keys = {
                (s.start, s.end)
                for s in self.pane.suggestions_labelled({label for _form, label in gone})
                if (text_form(text[s.start : s.end]), s.label) in gone
            }
            if not self._update_forms(gone, keys, self.session.suggestions_at(doc_id, keys, gone)):
                return
        if shown:
            again = set(shown)
            keys, new = self.session.form_suggestions(doc_id, again, self.pane.loaded_until())
            if not self._update_forms(again, keys, new):
                return
        self.label_panel.show_span(self.pane.current, text)

    def _update_forms(
        self, pairs: set[tuple[str, str]], keys: set[tuple[int, int]], new: list[Span]
    ) -> bool:
        """Show ``new`` in place of the suggestions at ``keys``; where the trained model's
        triggers may change with these forms, reload every span instead (False: done)."""
        if self._triggers_involved(pairs, keys, new):
            self.refresh()  # the trained model's triggers and the lexicon's outvote each other
            return False
        self.pane.replace_suggestions(keys, new)
        return True

    def _triggers_involved(
        self, pairs: set[tuple[str, str]], keys: set[tuple[int, int]], new: list[Span]
    ) -> bool:
        """Whether the trained model's triggers shown with the open document may change with
        these forms: a trigger of one of their labels, or a trigger suggestion among those
        replaced (the lexicon's and the model's hide each other, ``merge_triggers``)."""
        found = self.model_triggers
        if found is None or found.doc_id != self.doc_id or not found.triggers:
            return False
        labels = {label for _form, label in pairs}
        if any(t.span.label in labels for t in found.triggers):
            return True
        old = [s for s in self.pane.suggestions_labelled(labels) if (s.start, s.end) in keys]
        return any(s.layer == EVENT_LAYER for s in old + new)

    def spans(
        self, doc_id: int, starting: tuple[int, int] | None = None
    ) -> tuple[list[Span], list[Span]]:
        """The analyst's spans and the suggestions, the model's triggers among them (read together)."""
        return spans_with_model(self.session, doc_id, starting, self.model_triggers)

    def show_model_triggers(self, found: ModelTriggers | None) -> None:
        """The active model's triggers for the open document (None: no model, none shown)."""
        old, self.model_triggers = self.model_triggers, found
        if found != old and any(x is not None and x.doc_id == self.doc_id for x in (old, found)):
            self.refresh()
