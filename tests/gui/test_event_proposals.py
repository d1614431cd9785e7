"""Events proposed in the real window: a trigger word is suggested in the text like an entity;
Enter on it opens the event form with category, mode and CAMEO code filled and the actor read
from the sentence's parse; saving stores the event, Ctrl+Z takes it back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.services.annotate import AnnotationSession
from annotator.services.events import EventCommands
from annotator.store import Store
from tests.gui.keyboard import CTRL, actor_id, open_seed, press


def _events(db: Path, doc_id: int) -> list:
    store = Store(db)
    try:
        session = AnnotationSession(store, store.annotators.get_or_create("alice"))
        return EventCommands(session).events(doc_id)
    finally:
        store.close()


def test_accepting_a_trigger_suggestion_opens_the_event_form_filled_in(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    pane = window.pane
    text = pane.text()
    start = text.index("paid a visit")
    triggers = [i for i in pane.shown_spans() if i.suggestion and i.span.layer == "event"]
    assert (start, start + len("paid a visit"), "CONSULT") in {
        (i.span.start, i.span.end, i.span.label) for i in triggers
    }

    # N steps through the suggestions to the trigger; Enter accepts it.
    for _ in range(len(pane.shown_spans())):
        press(qtbot, Qt.Key.Key_N)
        if pane.current is not None and pane.current.span.start == start:
            break
    assert pane.current is not None and pane.current.span.layer == "event"
    press(qtbot, Qt.Key.Key_Return)
    panel = window.analysis.event_panel
    qtbot.waitUntil(panel.form_open, timeout=60000)  # the parse may load the pipeline first
    form = panel.form
    assert (form.category.currentData(), form.mode.currentData(), form.cameo.currentData()) == (
        "CONSULT",
        "visit",
        "042",
    )
    raisi = actor_id(seeded_db, "Ebrahim Raisi")
    draft = form.event_value()
    assert draft is not None and draft.id is None
    assert [r.actor_id for r in draft.refs("actor")] == [raisi]
    # "paid a visit to Syria": the recipient is read from the parse too.
    assert [r.actor_id for r in draft.refs("recipient")] == [actor_id(seeded_db, "Syria")]
    assert _events(seeded_db, doc_id) == []  # nothing stored before the analyst confirms

    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    events = _events(seeded_db, doc_id)
    assert len(events) == 1 and not dialogs.errors
    event = events[0]
    assert (event.trigger.start, event.trigger.end) == (start, start + len("paid a visit"))
    assert (event.category, event.mode, event.cameo) == ("CONSULT", "visit", "042")
    assert [r.actor_id for r in event.refs("actor")] == [raisi]
    assert [r.actor_id for r in event.refs("recipient")] == [actor_id(seeded_db, "Syria")]

    pane.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _events(seeded_db, doc_id) == []
