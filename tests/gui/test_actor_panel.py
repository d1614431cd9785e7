"""The actor panel on the real window, driven by keys: the proposal accepted with one key links a
mention to the canonical actor, Enter accepts a suggestion with its proposed actor, T tags every
other mention, suggestions become mentions in one step, and merge, split and rename from the
panel — each undone and redone with Ctrl+Z / Ctrl+Shift+Z."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.model import Origin, Span
from annotator.services.actors import AcceptAsMentions, ActorRegistry
from annotator.store import Store
from tests.gui.keyboard import ALT, CTRL, SHIFT, focused, open_seed, press, select_words, tab_to, type_text


def _mentions(db: Path, doc_id: int) -> dict[tuple[int, int], str]:
    """{(start, end): actor name} of alice's actor mentions in a document."""
    store = Store(db)
    try:
        registry = ActorRegistry(store)
        alice = store.annotators.get_or_create("alice")
        names = {a.id: a.name for a in registry.actors()}
        spans = {s.id: s for s in store.spans.in_document(doc_id, annotator_id=alice.id)}
        return {
            (spans[s].start, spans[s].end): names[a] for s, a in registry.mentions(doc_id, alice.id).items()
        }
    finally:
        store.close()


def _actor_names(db: Path) -> set[str]:
    store = Store(db)
    try:
        return {a.name for a in ActorRegistry(store).actors()}
    finally:
        store.close()


def test_the_proposal_is_taken_with_one_key_and_every_mention_tagged(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = open_seed(window, "002")
    pane, panel = window.pane, window.analysis.actor_panel
    text = pane.text()
    start = text.index("Esmail Qaani")
    end = start + len("Esmail Qaani")

    select_words(qtbot, window, start, 2)
    assert pane.selection_codepoints() == (start, end)
    press(qtbot, Qt.Key.Key_A)  # the picker, with the registry's proposal first
    assert window.analysis.actor_dock.isVisible() and panel.picker.isVisible()
    assert focused() is panel.picker.search
    first = panel.picker.list.item(0).text()
    assert first.startswith("★ Ismail Qaani") and "proposed" in first
    press(qtbot, Qt.Key.Key_Return)  # one key takes it

    assert _mentions(seeded_db, doc_id) == {(start, end): "Ismail Qaani"}
    assert not dialogs.errors
    assert focused() is pane  # back in the text, the new mention current and underlined
    assert pane.current is not None and pane.actor_of(pane.current) == "Ismail Qaani"
    assert panel.card.title() == "Ismail Qaani"
    row = panel.row_of(panel.actor_id)
    assert panel.table.item(row, 3).text() == "1"  # one mention here

    # T: every other mention of Qaani's names in the document.
    press(qtbot, Qt.Key.Key_T)
    tagged = _mentions(seeded_db, doc_id)
    assert set(tagged.values()) == {"Ismail Qaani"}
    assert len(tagged) == text.count("Qaani") > 3
    assert all("Qaani" in text[a:b] for a, b in tagged)
    assert "Tagged" in window.statusBar().currentMessage()

    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo the tagging
    assert _mentions(seeded_db, doc_id) == {(start, end): "Ismail Qaani"}
    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo the link (and the span it made)
    assert _mentions(seeded_db, doc_id) == {}
    assert all((i.span.start, i.span.end) != (start, end) or i.suggestion for i in pane.shown_spans())
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(_mentions(seeded_db, doc_id)) == text.count("Qaani")


def test_enter_accepts_a_suggestion_with_its_proposed_actor(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "002")
    pane, panel = window.pane, window.analysis.actor_panel
    text = pane.text()
    start = text.index("Esmail Qaani")
    for _ in range(40):  # N moves through the suggestions
        press(qtbot, Qt.Key.Key_N)
        if pane.current is not None and pane.current.span.start == start:
            break
    assert pane.current is not None and pane.current.suggestion
    assert "Enter accepts it as a mention of Ismail Qaani" in panel.current_label.text()
    press(qtbot, Qt.Key.Key_Return)
    assert _mentions(seeded_db, doc_id) == {(start, start + len("Esmail Qaani")): "Ismail Qaani"}
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _mentions(seeded_db, doc_id) == {}
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(_mentions(seeded_db, doc_id)) == 1

    # Enter links only the names of people, organisations and states: a place ("Damascus" as
    # LOC) is accepted as it is, though the registry has Damascus as an alias of Syria.
    damascus = text.index("Damascus")
    assert window.analysis.registry.propose("Damascus") is not None
    command = window.analysis.accept_command(Span(damascus, damascus + 8, "LOC", Origin.MODEL))
    assert not isinstance(command, AcceptAsMentions)
    assert window.analysis.accept_command(Span(damascus, damascus + 8, "GPE", Origin.MODEL)).count == 1


def test_suggestions_become_mentions_of_their_proposed_actors_in_one_step(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, _ = open_window(seeded_db)
    doc_id = open_seed(window, "002")
    text = window.pane.text()
    registry = window.analysis.registry
    expected = {
        (i.span.start, i.span.end): registry.propose(text[i.span.start : i.span.end])
        for i in window.pane.shown_spans()
        if i.suggestion and i.span.label in ("PERSON", "ORG", "GPE")
    }
    expected = {k: v[0].name for k, v in expected.items() if v is not None}
    assert len(expected) >= 5
    press(qtbot, Qt.Key.Key_M, CTRL | SHIFT)
    assert _mentions(seeded_db, doc_id) == expected
    assert {"Ismail Qaani", "Syria", "Islamic Revolutionary Guard Corps"} <= set(expected.values())
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _mentions(seeded_db, doc_id) == {}


def test_merge_split_and_rename_from_the_panel(open_window, qtbot, seeded_db: Path) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = open_seed(window, "002")
    pane, panel = window.pane, window.analysis.actor_panel
    text = pane.text()
    start = text.index("Esmail Qaani")
    span = (start, start + len("Esmail Qaani"))

    # A duplicate: the analyst makes a new actor for "Esmail Qaani" instead of taking the proposal.
    select_words(qtbot, window, start, 2)
    press(qtbot, Qt.Key.Key_A)
    press(qtbot, Qt.Key.Key_PageDown)
    press(qtbot, Qt.Key.Key_PageDown)
    assert panel.picker.list.currentItem().text().startswith("+ New actor “Esmail Qaani”")
    press(qtbot, Qt.Key.Key_Return)
    assert _mentions(seeded_db, doc_id) == {span: "Esmail Qaani"}
    assert panel.card.title() == "Esmail Qaani"

    # Merge it into the seeded actor: find Ismail Qaani, Ctrl+M, choose the duplicate, Enter.
    press(qtbot, Qt.Key.Key_A, CTRL | ALT)
    assert focused() is panel.search
    type_text(qtbot, "Ismail Qaani")
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is panel.table
    while panel.card.title() != "Ismail Qaani":
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_M, CTRL)
    assert panel.picker.isVisible() and panel.picker.mode == "merge"
    type_text(qtbot, "Esmail")
    assert panel.picker.list.currentItem().text().startswith("Esmail Qaani")
    press(qtbot, Qt.Key.Key_Return)
    assert "Esmail Qaani" not in _actor_names(seeded_db)
    assert _mentions(seeded_db, doc_id) == {span: "Ismail Qaani"}
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert "Esmail Qaani" in _actor_names(seeded_db)
    assert _mentions(seeded_db, doc_id) == {span: "Esmail Qaani"}
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _mentions(seeded_db, doc_id) == {span: "Ismail Qaani"}

    # Split the alias "Esmail Qaani" off again: its mention goes with it.
    panel.select_actor(next(a.id for a in window.analysis.registry.actors() if a.name == "Ismail Qaani"))
    panel.table.setFocus()
    tab_to(qtbot, panel.aliases)
    type_text(qtbot, "Esmail Q")
    assert panel.aliases.currentItem().text() == "Esmail Qaani"
    press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    assert "Esmail Qaani" in _actor_names(seeded_db)
    assert _mentions(seeded_db, doc_id) == {span: "Esmail Qaani"}
    assert panel.card.title() == "Esmail Qaani"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert "Esmail Qaani" not in _actor_names(seeded_db)
    assert _mentions(seeded_db, doc_id) == {span: "Ismail Qaani"}

    # Rename (F2 asks for the name); the old name stays as an alias.
    panel.select_actor(next(a.id for a in window.analysis.registry.actors() if a.name == "Ismail Qaani"))
    panel.table.setFocus()
    dialogs.texts.append("Esmail Qaani (IRGC-QF)")
    press(qtbot, Qt.Key.Key_F2)
    actor = next(a for a in window.analysis.registry.actors() if a.name == "Esmail Qaani (IRGC-QF)")
    assert "Ismail Qaani" in actor.aliases
    assert _mentions(seeded_db, doc_id) == {span: "Esmail Qaani (IRGC-QF)"}
    assert (
        pane.actor_of(
            next(i for i in pane.shown_spans() if (i.span.start, i.span.end) == span and not i.suggestion)
        )
        == "Esmail Qaani (IRGC-QF)"
    )
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert "Ismail Qaani" in _actor_names(seeded_db)
    assert not dialogs.errors


def test_card_edits_are_checked_and_undoable(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    open_seed(window, "002")
    panel = window.analysis.actor_panel
    press(qtbot, Qt.Key.Key_A, CTRL | ALT)
    type_text(qtbot, "Hezbollah")
    press(qtbot, Qt.Key.Key_Down)
    assert panel.card.title() == "Hezbollah"
    tab_to(qtbot, panel.wikidata)
    type_text(qtbot, "41053")
    press(qtbot, Qt.Key.Key_Return)  # saves the card: refused, the problem shown on the card
    assert panel.error.isVisible() and "Wikidata" in panel.error.text()
    assert _hezbollah(window).wikidata == ""
    press(qtbot, Qt.Key.Key_Home)
    type_text(qtbot, "Q")
    tab_to(qtbot, panel.notes)
    type_text(qtbot, "Lebanese ally of Iran")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not panel.error.isVisible()
    assert (_hezbollah(window).wikidata, _hezbollah(window).notes) == ("Q41053", "Lebanese ally of Iran")
    press(qtbot, Qt.Key.Key_Escape)  # back to the text (Ctrl+Z in a field undoes typing there)
    assert focused() is window.pane
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert (_hezbollah(window).wikidata, _hezbollah(window).notes) == ("", "")
    assert panel.notes.text() == ""  # the card shows the undone state


def _hezbollah(window):  # type: ignore[no-untyped-def]
    return next(a for a in window.analysis.registry.actors() if a.name == "Hezbollah")
