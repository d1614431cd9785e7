"""Review mode over every layer, on the real window: two analysts' sets of the annotated seeds
(alice's, and bob's: the same with one entity span dropped, one event recoded and the framing of
one article changed). Starting the review copies what they agree on in every layer into the gold
set (events and framing included); the report shows each layer's figures per pair (no event
category among the entity labels) and the documents with the most disagreement first, one of which
opens in review with Enter."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.gui.review.view import ReviewView
from annotator.services.review import review_database
from annotator.store import Store


def _bob(db: Path, tmp_path: Path) -> dict:
    out = tmp_path / "alice.jsonl"
    assert main(["export", str(out), "--db", str(db), "--annotator", "alice", "--force"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = records[0]
    first["spans"].remove(next(s for s in first["spans"] if s["layer"] == "entity"))
    event = first["events"][1]
    event.update(category="AID", cameo="070", mode="")
    for span in first["spans"]:
        if span["id"] == event["trigger"]:
            span["label"] = "AID"
    first["frames"].update(primary="External_regulation_and_reputation", tone="neutral", tone_target=None)
    path = tmp_path / "bob.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert main(["import-annotations", str(path), "--as", "bob", "--db", str(db)]) == 0
    return first


def _start_review(open_window, db: Path):
    """Open the window on ``db`` and start reviewing alice's and bob's sets into "gold"."""
    window, dialogs = open_window(db, annotator="rev")
    dialogs.annotator_choices.append(["alice", "bob"])
    dialogs.texts.append("gold")
    window.act_review.trigger()
    view = window.review_view
    assert isinstance(view, ReviewView)
    return window, view


def test_review_report_per_layer_and_documents_by_disagreement(
    open_window, qtbot, annotated_db: Path, tmp_path: Path
) -> None:
    changed = _bob(annotated_db, tmp_path)
    window, view = _start_review(open_window, annotated_db)

    # Agreed events and framing are in the gold set from the start: 9 of the 10 events.
    store = Store(annotated_db)
    try:
        gold = store.annotators.get_or_create("gold")
        events = [e for d in store.documents.ids() for e in store.events.in_document(d, gold.id)]
        assert len(events) == 9
        framed = [d for d in store.documents.ids() if store.framing.get(d, gold.id) is not None]
        assert len(framed) == 5
    finally:
        store.close()

    qtbot.waitUntil(lambda: view.report is not None, timeout=60000)
    expected = review_database(annotated_db, ["alice", "bob"])
    view.report_button.click()
    dialog = view.report_dialog
    assert dialog is not None and dialog.isVisible()
    (confusion,) = dialog.confusions
    labels = [confusion.horizontalHeaderItem(j).text() for j in range(confusion.columnCount())]
    assert "CONSULT" not in labels and "AID" not in labels and "GPE" in labels

    table = dialog.layers
    rows = {table.verticalHeaderItem(i).text(): table.item(i, 0).text() for i in range(table.rowCount())}
    pair = expected.pairs[0].to_json()["layers"]
    assert rows["Entities: strict F1"] == f"{pair['entities']['strict']['f1']:.3f}"
    # 10 events each, all paired by trigger; the category the same in 9 of 10.
    assert rows["Events: trigger F1"] == "1.000"
    assert pair["events"]["category"]["same"] == 9
    # Framing: the primary frame the same in 4 of the 5 articles.
    assert rows["Framing: primary, same"] == "0.800"

    listing = dialog.documents
    assert listing.count() == 1
    top = listing.item(0)
    assert top.data(Qt.ItemDataRole.UserRole) == changed["text_sha256"]
    # The report lists framing differences of the primary frame and the tone.
    assert "spans 1 · events 1 · framing 2" in top.text()
    dialog.tabs.setCurrentWidget(listing.parentWidget())
    listing.setCurrentRow(0)
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_Return)
    store = Store(annotated_db)
    try:
        expected_doc = store.documents.id_by_sha(changed["text_sha256"])
    finally:
        store.close()
    assert view.doc_id == expected_doc
    dialog.close()


def _key(qtbot, view: ReviewView, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    target = view.focusWidget() or view.panes[0]
    qtbot.keyClick(target, key, mods)


def test_differing_events_and_framing_settled_by_keys_alone(
    open_window, qtbot, annotated_db: Path, tmp_path: Path
) -> None:
    """bob recoded the second event of the first article (AID, CAMEO 070) and changed the primary
    frame, the tone and its target of that article; he also dropped one entity span. Walked with
    the keys: A keeps alice's span, B takes bob's event, A alice's primary frame, B bob's tone,
    0 no tone target; Ctrl+Z undoes the event decision and B settles it again.
    The gold export then holds bob's AID event and the framing as settled."""
    changed = _bob(annotated_db, tmp_path)
    window, view = _start_review(open_window, annotated_db)
    view.panes[0].setFocus()
    adj = view.adj
    kinds = [d.kind.value for d in adj.differences]
    assert kinds == ["only_a", "event", "framing", "framing", "framing"]
    assert [d.field for d in adj.differences[2:]] == ["primary", "tone", "tone_target"]

    assert view.index == 0
    _key(qtbot, view, Qt.Key.Key_A)  # alice's entity span
    assert view.index == 1 and "event differs" in view.kind_label.text()
    _key(qtbot, view, Qt.Key.Key_E)  # an event is not edited here: said, nothing changes
    assert not view.decisions.editing and "Take a version" in window.statusBar().currentMessage()
    assert view.columns[1].version.text().startswith("here: AID")
    _key(qtbot, view, Qt.Key.Key_B)  # bob's event
    assert view.index == 2
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: the event again
    assert view.index == 1 and not adj.is_resolved(1)
    _key(qtbot, view, Qt.Key.Key_B)
    assert view.index == 2 and "primary frame" in view.kind_label.text()
    _key(qtbot, view, Qt.Key.Key_A)  # alice's primary frame
    _key(qtbot, view, Qt.Key.Key_B)  # bob's tone
    assert view.index == 4
    _key(qtbot, view, Qt.Key.Key_0)  # no tone target
    assert adj.remaining == 0
    assert adj.remaining_by_layer() == dict.fromkeys(
        ("entities", "actor_links", "evidence", "events", "framing"), 0
    )

    out = tmp_path / "gold.jsonl"
    assert main(["export", str(out), "--db", str(annotated_db), "--annotator", "gold", "--force"]) == 0
    records = {r["text_sha256"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    doc = records[changed["text_sha256"]]
    assert sorted(e["category"] for e in doc["events"]) == ["AID", "CONSULT"]
    aid = next(e for e in doc["events"] if e["category"] == "AID")
    assert aid["cameo"] == "070"
    trigger = next(s for s in doc["spans"] if s["id"] == aid["trigger"])
    assert (trigger["layer"], trigger["label"]) == ("event", "AID")
    frames = doc["frames"]
    assert frames["primary"] == "Security_and_defense"  # alice's
    assert frames["tone"] == "neutral" and frames["tone_target"] is None  # bob's, and none
    assert sorted(r["actor"] for r in frames["roles"]) == ["seed:iran", "seed:united-states"]
    assert sum(len(r["events"]) for r in records.values()) == 10


def test_m_merges_the_roles_of_differing_events(
    open_window, qtbot, annotated_db: Path, tmp_path: Path
) -> None:
    """bob gave the second event of the first article (COOPERATE: actor Iran, recipient Syria) a
    second actor, the Quds Force, and coded nothing else differently. M settles the difference
    with one event carrying the roles of both: actors Iran and Quds Force, recipient Syria."""
    out = tmp_path / "alice.jsonl"
    assert main(["export", str(out), "--db", str(annotated_db), "--annotator", "alice", "--force"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    records[0]["events"][1]["arguments"].append({"role": "actor", "actor": "seed:quds-force"})
    path = tmp_path / "bob.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert main(["import-annotations", str(path), "--as", "bob", "--db", str(annotated_db)]) == 0
    _window, view = _start_review(open_window, annotated_db)
    view.panes[0].setFocus()
    assert [(d.kind.value, d.differs) for d in view.adj.differences] == [("event", ("arguments",))]
    _key(qtbot, view, Qt.Key.Key_M)
    assert view.adj.remaining == 0
    gold = tmp_path / "gold.jsonl"
    assert main(["export", str(gold), "--db", str(annotated_db), "--annotator", "gold", "--force"]) == 0
    first = json.loads(gold.read_text(encoding="utf-8").splitlines()[0])
    cooperate = [e for e in first["events"] if e["category"] == "COOPERATE"]
    assert len(cooperate) == 1
    assert sorted((a["role"], a["actor"]) for a in cooperate[0]["arguments"]) == [
        ("actor", "seed:iran"), ("actor", "seed:quds-force"), ("recipient", "seed:syria"),
    ]
