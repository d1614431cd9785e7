"""A suggestion rejected with X in the real window is not suggested again: another document with
the same word shows no suggestion for it; Ctrl+Z brings it back everywhere."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.services.annotate import AnnotationSession
from annotator.store import Store


def _forms(window, doc_id: int) -> set[tuple[str, str]]:
    """(text, label) of the suggestions the window shows for a document."""
    window.select_document(doc_id)
    text = window.pane.text()
    return {
        (text[i.span.start : i.span.end], i.span.label)
        for i in window.pane.shown_spans()
        if i.suggestion
    }


def _shared_form(db: Path, first: int) -> tuple[str, str, int]:
    """A (text, label) suggested in ``first`` and in another document, and that document."""
    store = Store(db)
    try:
        session = AnnotationSession(store, store.annotators.get_or_create("alice"))

        def forms(doc_id: int) -> set[tuple[str, str]]:
            text = store.documents.get(doc_id).text
            return {(text[s.start : s.end], s.label) for s in session.suggestions(doc_id)}

        mine = forms(first)
        for other in store.documents.ids():
            if other != first:
                shared = sorted(f for f in mine & forms(other) if f[0].istitle())
                if shared:
                    return shared[0][0], shared[0][1], other
    finally:
        store.close()
    raise AssertionError("no form suggested in two documents")


def test_rejected_form_is_not_suggested_in_another_document_until_undone(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, _ = open_window(seeded_db)
    pane = window.pane
    first = window.doc_id
    assert first is not None
    word, label, other = _shared_form(seeded_db, first)
    assert (word, label) in _forms(window, other)
    window.select_document(first)
    pane.setFocus()

    # N steps through the suggestions until the word is current; X rejects it.
    for _ in range(len(pane.shown_spans())):
        qtbot.keyClick(pane, Qt.Key.Key_N)
        current = pane.current
        assert current is not None
        if (pane.text()[current.span.start : current.span.end], current.span.label) == (word, label):
            break
    else:
        raise AssertionError(f"{word} never became current")
    qtbot.keyClick(pane, Qt.Key.Key_X)
    assert (word, label) not in _forms(window, first)  # every occurrence here goes
    assert (word, label) not in _forms(window, other)  # and in the other document

    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == first  # the undo shows where it happened
    assert (word, label) in {
        (pane.text()[i.span.start : i.span.end], i.span.label) for i in pane.shown_spans() if i.suggestion
    }
    assert (word, label) in _forms(window, other)
