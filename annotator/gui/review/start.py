"""Entering review mode: whose sets to compare, the gold set's name, the agreed spans copied.

Asks through the window's dialog seam, builds the ``services.review.Adjudication``, shows the view
in place of the reading pane and puts the copy of the agreed spans on the undo stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.gui.review.decisions import ReviewUndo
from annotator.gui.review.view import ReviewView
from annotator.services.review import Adjudication

if TYPE_CHECKING:
    from annotator.gui.window_protocols import ReviewHost


def reviewable_annotators(window: ReviewHost) -> list[str]:
    """Annotators with at least one span, people before models."""
    people: list[str] = []
    models: list[str] = []
    for annotator in window.store.annotators.all():
        if not window.store.spans.annotated_document_ids(annotator.id):
            continue
        (people if annotator.kind.value == "human" else models).append(annotator.name)
    return people + models


def start_review(window: ReviewHost) -> ReviewView | None:
    """Ask whose sets to compare and the gold set's name; copy the agreed spans; show the view."""
    names = reviewable_annotators(window)
    if len(names) < 2:
        window.dialogs.error(
            "Nothing to review",
            "Review compares two or more annotation sets; this database has "
            f"{len(names)}. Import colleagues' files with File > Import annotations… first.",
        )
        return None
    chosen = window.dialogs.choose_annotators(names)
    if chosen is None:
        return None
    if len(chosen) < 2:
        window.dialogs.error("Nothing to review", "Choose two or more annotation sets.")
        return None
    gold = window.dialogs.ask_text("Gold set", "Name of the adjudicated (gold) set:", "gold")
    if gold is None:
        return None
    try:
        adjudication = Adjudication(window.store, chosen, gold.strip())
    except AnnotatorError as exc:
        window.dialogs.error("Cannot start the review", str(exc))
        return None
    view = ReviewView(window, adjudication)
    view.leaveRequested.connect(window.leave_review)
    window.show_review(view)
    agreed = adjudication.start()
    if view.decisions.run_step(agreed.do, None, undoing=False) and agreed.count:
        window.undo_stack.push(ReviewUndo(agreed, view.decisions))
    view.begin()
    view.compute_figures()
    if adjudication.total == 0:
        view.decisions.all_settled()
    else:
        window.statusBar().showMessage(
            f"Review: {adjudication.total} differences in {len(view.doc_order)} documents; "
            f"{agreed.count} agreed spans, {agreed.layers.events_added} events and the framing of "
            f"{agreed.layers.framings_changed} documents copied to “{adjudication.gold.name}”.",
            8000,
        )
    return view
