"""The event panel on the real window: an event of seed 000 coded with the keyboard alone, the
coding rules shown in place, the event highlighted in the text, undo and redo, editing and
deleting from the text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from annotator.services.annotate import AnnotationSession
from annotator.services.events import EventCommands
from annotator.store import Store
from tests.gui.conftest import viewport_point
from tests.gui.keyboard import (
    ALT,
    CTRL,
    SHIFT,
    actor_id,
    focused,
    open_seed,
    press,
    select_words,
    tab_to,
    type_text,
)


def _events(db: Path, doc_id: int) -> list:
    store = Store(db)
    try:
        session = AnnotationSession(store, store.annotators.get_or_create("alice"))
        return EventCommands(session).events(doc_id)
    finally:
        store.close()


def test_an_event_of_000_coded_with_the_keyboard_alone(open_window, qtbot, seeded_db: Path) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    pane, panel = window.pane, window.analysis.event_panel
    form = panel.form
    text = pane.text()

    # Label "Damascus" as a place (it becomes a choice for the location).
    damascus = text.index("Damascus")
    select_words(qtbot, window, damascus)
    press(qtbot, Qt.Key.Key_3)  # GPE
    # The trigger: "visited", selected from the cursor with Ctrl+Shift+Right; E opens the form.
    visited = text.index("visited")
    select_words(qtbot, window, visited)
    assert pane.selection_codepoints() == (visited, visited + len("visited"))
    press(qtbot, Qt.Key.Key_E)
    assert window.analysis.event_dock.isVisible() and panel.form_open()
    assert focused() is form.category
    assert "“visited”" in form.trigger_label.text()

    type_text(qtbot, "CONS")  # combo boxes jump to an entry by its first letters
    assert form.category.currentData() == "CONSULT"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.mode
    # Only CONSULT's modes are offered.
    assert [form.mode.itemData(i) for i in range(1, form.mode.count())] == [
        "visit",
        "third-party",
        "multilateral",
        "phone",
    ]
    type_text(qtbot, "vis")
    assert form.mode.currentData() == "visit"
    assert form.cameo.currentData() == "042"  # the CAMEO code follows the mode
    assert all(
        (form.cameo.itemData(i) or "").startswith("04") for i in range(1, form.cameo.count())
    )  # only CONSULT's codes
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "dipl")
    assert form.context.currentData() == "diplomatic"
    actor = form.role_combos["actor"][0]
    tab_to(qtbot, actor)
    type_text(qtbot, "Ismail")
    assert actor.currentText() == "Ismail Qaani"
    # The rule "CONSULT needs a recipient" is shown under the recipient field, live.
    recipient_problem = form.problem_labels["recipient"]
    assert recipient_problem.isVisible() and "needs a recipient" in recipient_problem.text()

    # Enter now: refused, the problem stays in place, the focus goes to the field, nothing stored.
    press(qtbot, Qt.Key.Key_Return)
    assert _events(seeded_db, doc_id) == []
    recipient = form.role_combos["recipient"][0]
    assert focused() is recipient
    type_text(qtbot, "Syria")
    assert recipient.currentText() == "Syria"
    assert not recipient_problem.isVisible()
    assert "visitor is the actor" in form.problem_labels["category"].text()  # a warning, not blocking
    location = form.role_combos["location"][0]
    tab_to(qtbot, location)
    type_text(qtbot, "Dam")
    assert location.currentText().startswith("Damascus")
    tab_to(qtbot, form.date)
    type_text(qtbot, "2023-09-2x")
    assert "not a date" in form.problem_labels["date"].text()
    press(qtbot, Qt.Key.Key_Backspace)
    type_text(qtbot, "1")
    assert not form.problem_labels["date"].isVisible()
    tab_to(qtbot, form.factuality)
    type_text(qtbot, "Rep")
    assert form.factuality.currentData() == "reported"
    press(qtbot, Qt.Key.Key_Return)

    events = _events(seeded_db, doc_id)
    assert len(events) == 1
    event = events[0]
    qaani, syria = actor_id(seeded_db, "Ismail Qaani"), actor_id(seeded_db, "Syria")
    assert (event.trigger.start, event.trigger.end, event.trigger.layer) == (visited, visited + 7, "event")
    assert (event.category, event.mode, event.context, event.cameo) == (
        "CONSULT",
        "visit",
        "diplomatic",
        "042",
    )
    assert [r.actor_id for r in event.refs("actor")] == [qaani]
    assert [r.actor_id for r in event.refs("recipient")] == [syria]
    location_span = next(
        s for s in window.session.own_spans(doc_id) if s.id == event.refs("location")[0].span_id
    )
    assert (location_span.start, location_span.end) == (damascus, damascus + len("Damascus"))
    assert (event.date, event.factuality) == ("2023-09-21", "reported")
    assert window.saved_label.text() == "saved ✓"
    assert not dialogs.errors

    # Back in the text; the event is listed and selected, its trigger and location boxed.
    assert focused() is pane
    assert panel.list.count() == 1 and "CONSULT · visit" in panel.list.item(0).text()
    marks = pane.event_marks()
    assert (visited, visited + 7, "trigger") in marks
    assert (damascus, damascus + 8, "location") in marks
    # The trigger is drawn as an event (bold) in the text.
    trigger_items = [i for i in pane.shown_spans() if i.span.layer == "event" and not i.suggestion]
    assert [(i.span.start, i.span.label) for i in trigger_items] == [(visited, "CONSULT")]

    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _events(seeded_db, doc_id) == []
    assert panel.list.count() == 0
    assert not [i for i in pane.shown_spans() if i.span.layer == "event" and not i.suggestion]
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    again = _events(seeded_db, doc_id)
    assert [(e.id, e.category, e.mode) for e in again] == [(event.id, "CONSULT", "visit")]
    assert panel.list.count() == 1


def test_edit_and_delete_an_event_from_its_trigger(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    pane, panel = window.pane, window.analysis.event_panel
    text = pane.text()
    supervised = text.index("supervised")
    select_words(qtbot, window, supervised)
    press(qtbot, Qt.Key.Key_E)
    type_text(qtbot, "COO")
    assert panel.form.category.currentData() == "COOPERATE"
    tab_to(qtbot, panel.form.role_combos["actor"][0])
    type_text(qtbot, "Iran")
    tab_to(qtbot, panel.form.role_combos["recipient"][0])
    type_text(qtbot, "Syria")
    press(qtbot, Qt.Key.Key_Return)
    [event] = _events(seeded_db, doc_id)
    assert event.category == "COOPERATE"

    # E on the trigger opens its event; a second actor with Alt++ in the actor field (the +
    # button's key: Tab does not stop on buttons); Enter saves the edit.
    select_words(qtbot, window, supervised)
    press(qtbot, Qt.Key.Key_E)
    assert panel.form.event_id == event.id
    assert panel.form.role_combos["actor"][0].currentText() == "Iran"
    tab_to(qtbot, panel.form.role_combos["actor"][0])
    press(qtbot, Qt.Key.Key_Plus, ALT)
    second = panel.form.role_combos["actor"][1]
    assert focused() is second
    type_text(qtbot, "Islamic")  # (a space would open the list)
    assert second.currentText() == "Islamic Revolutionary Guard Corps"
    press(qtbot, Qt.Key.Key_Return)
    [edited] = _events(seeded_db, doc_id)
    assert edited.id == event.id and len(edited.refs("actor")) == 2

    # X on the trigger deletes the event (and its trigger); undo brings both back.
    trigger = next(i for i in pane.shown_spans() if i.span.layer == "event" and not i.suggestion)
    pane.set_current(trigger, reveal=False)
    press(qtbot, Qt.Key.Key_X)
    assert _events(seeded_db, doc_id) == []
    press(qtbot, Qt.Key.Key_Z, CTRL)
    [back] = _events(seeded_db, doc_id)
    assert back.id == event.id and len(back.refs("actor")) == 2

    # A number key on the trigger labels its words as an entity; the event stays as it is.
    trigger_item = next(i for i in pane.shown_spans() if i.span.layer == "event" and not i.suggestion)
    pane.set_current(trigger_item, reveal=False)
    press(qtbot, Qt.Key.Key_7)
    layers = {(s.layer, s.label) for s in window.session.own_spans(doc_id) if s.start == supervised}
    assert layers == {("event", "COOPERATE"), ("entity", "EVENT")}
    assert _events(seeded_db, doc_id)[0].category == "COOPERATE"


def test_event_layer_can_be_hidden_and_list_selection_marks_the_text(
    open_window, qtbot, annotated_db: Path
) -> None:
    window, _ = open_window(annotated_db)
    doc_id = open_seed(window, "000")
    pane, panel = window.pane, window.analysis.event_panel
    press(qtbot, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.AltModifier)  # the event list
    assert focused() is panel.list
    assert panel.list.count() == len(window.analysis.event_commands.events(doc_id)) >= 1
    event = panel.selected_event()
    assert event is not None
    assert (event.trigger.start, event.trigger.end, "trigger") in pane.event_marks()
    roles = {tag for _s, _e, tag in pane.event_marks()}
    assert {"trigger", "actor", "recipient"} <= roles

    point = viewport_point(window, event.trigger.start + 1)
    assert "event" in [i.span.layer for i in pane.spans_at(point)]  # clickable
    pane.setFocus()
    press(qtbot, Qt.Key.Key_4, CTRL)  # hide the event layer
    assert not window.analysis.layer_actions["event"].isChecked()
    assert "event" not in [i.span.layer for i in pane.spans_at(point)]
    press(qtbot, Qt.Key.Key_4, CTRL)
    assert "event" in [i.span.layer for i in pane.spans_at(point)]


def test_screenshot_views_of_the_panels(open_window, annotated_db: Path, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from annotator.gui.app import take_screenshot

    window, _ = open_window(annotated_db)
    for view in ("actors", "event", "framing"):
        target = tmp_path / f"{view}.png"
        take_screenshot(window, target, 3, view)
        image = QImage(str(target))
        assert (image.width(), image.height()) == (window.width(), window.height())
    # The last one shows the framing form; the one before left the first event open and boxed.
    assert window.analysis.frame_dock.isVisible() and window.analysis.event_panel.form_open()
    assert any(tag == "trigger" for _s, _e, tag in window.pane.event_marks())
    assert window.analysis.actor_panel.actor_id is not None


def test_a_new_event_opens_on_its_proposed_category_without_errors_and_tabs_through_fields(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "000")
    pane, panel = window.pane, window.analysis.event_panel
    form = panel.form
    text = pane.text()

    # "visited": the form opens on CONSULT, the trigger words' proposal, and shows no problem.
    select_words(qtbot, window, text.index("visited"))
    press(qtbot, Qt.Key.Key_E)
    assert focused() is form.category and form.category.currentData() == "CONSULT"
    assert not any(label.isVisible() for label in form.problem_labels.values())
    assert not form.general.isVisible()

    # Tab goes through the fields only, in reading order: never onto a button.
    seen = [focused()]
    for _ in range(12):
        press(qtbot, Qt.Key.Key_Tab)
        seen.append(focused())
    fields = [form.category, form.mode, form.context, form.cameo,
              *(form.role_combos[r][0] for r in ("actor", "recipient", "location", "time")),
              form.date, form.factuality, form.source]
    assert seen[: len(fields)] == fields
    assert not any(isinstance(w, QAbstractButton) for w in seen)

    # Actor, Tab, recipient: what is typed after Tab lands in the recipient field.
    actor, recipient = form.role_combos["actor"][0], form.role_combos["recipient"][0]
    actor.setFocus()
    type_text(qtbot, "Ismail")
    # Now the analyst has acted: CONSULT's rule shows under the recipient, live.
    assert form.problem_labels["recipient"].isVisible()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is recipient
    type_text(qtbot, "Syria")
    assert (actor.currentText(), recipient.currentText()) == ("Ismail Qaani", "Syria")
    assert not form.problem_labels["recipient"].isVisible()
    press(qtbot, Qt.Key.Key_Return)
    [event] = _events(seeded_db, doc_id)
    assert event.category == "CONSULT"

    # Words that propose nothing: no category, and still no error until the analyst acts.
    select_words(qtbot, window, text.index("provide"))
    press(qtbot, Qt.Key.Key_E)
    assert form.category.currentData() == ""
    assert not any(label.isVisible() for label in form.problem_labels.values())
    press(qtbot, Qt.Key.Key_Return)  # saving without a category: asked for, nothing stored
    assert focused() is form.category
    assert "choose a category" in form.problem_labels["category"].text()
    assert len(_events(seeded_db, doc_id)) == 1
    press(qtbot, Qt.Key.Key_Escape)
    assert focused() is pane and not panel.form_open()


def test_role_tags_cover_no_text(open_window, qtbot, annotated_db: Path) -> None:
    window, _ = open_window(annotated_db)
    open_seed(window, "000")
    pane, panel = window.pane, window.analysis.event_panel
    press(qtbot, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.AltModifier)  # the event list
    assert panel.selected_event() is not None and pane.event_marks()
    pane.verticalScrollBar().setValue(0)
    qtbot.wait(20)
    tags = pane.tag_boxes()
    assert {"actor", "recipient"} <= {tag for _box, tag in tags}  # where there is room
    lines = pane.text_line_rects()
    assert lines
    for box, tag in tags:
        assert not any(box.intersects(line) for line in lines), tag
    for (box, _t), (other, _o) in zip(tags, tags[1:], strict=False):
        assert not box.intersects(other)
    # The tag is painted where it was placed.
    image = pane.viewport().grab().toImage()
    box, _tag = tags[0]
    color = image.pixelColor(box.center())
    assert color.red() > 150 and color.blue() < 120  # the tag is painted (vermillion)
    # The trigger's role, where no tag fits, is in the tooltip of its box.
    event = panel.selected_event()
    trigger_rect = pane.span_rects(event.trigger.start, event.trigger.end)[0]
    assert "trigger" in pane.marks_at(trigger_rect.center())
