"""Review mode on the real window: import two colleagues' files through File > Import annotations…,
compare them, settle every difference with the keyboard (with an undo and an edit), export the gold
set through the export dialog, and check the figures and the report against ``review_database``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor

from annotator.core.differences import DifferenceKind
from annotator.gui.export_dialog import ExportOptions
from annotator.gui.review.report import figures_text
from annotator.gui.review.view import ReviewView
from annotator.services.review import render_text, review_database
from annotator.store import Store

SEED_002 = "002_05f6425159b5880d.txt"
SEED_003 = "003_ddffb80f9bab1e39.txt"
SEED_004 = "004_adfaecfff69a847c.txt"

Spans = list[tuple[str, str]]  # (surface, label): the first occurrence of the surface

ALICE: dict[str, Spans] = {
    SEED_002: [
        ("Quds Force", "ORG"),
        ("Esmail Qaani", "PERSON"),
        ("Damascus", "GPE"),
        ("Homs province", "GPE"),
        ("Hezbollah", "ORG"),
    ],
    SEED_004: [("Mohammad Baqeri", "PERSON"), ("Tehran", "GPE")],
}
BOB: dict[str, Spans] = {
    SEED_002: [
        ("Quds Force (IRGC-QF)", "ORG"),  # boundaries differ
        ("Esmail Qaani", "PERSON"),  # agreed
        ("Damascus", "ORG"),  # label differs
        ("Homs province", "GPE"),  # agreed
        ("Tasnim", "ORG"),  # only bob; Hezbollah is only alice's
    ],
    SEED_004: [
        ("Islam Times", "ORG"),  # only bob
        ("Major General Mohammad Baqeri", "PERSON"),  # boundaries differ
        ("Tehran", "GPE"),  # agreed
    ],
}


def _texts(db: Path) -> dict[str, tuple[int, str]]:
    store = Store(db)
    try:
        out = {}
        for summary in store.documents.summaries():
            doc = store.documents.get(summary.id)
            out[doc.meta.filename] = (summary.id, doc.text)
        return out
    finally:
        store.close()


def _span(text: str, surface: str, label: str) -> dict[str, object]:
    start = text.index(surface)
    return {"start": start, "end": start + len(surface), "label": label, "text": surface}


def _write(path: Path, name: str, docs: dict[str, Spans], texts: dict[str, tuple[int, str]]) -> Path:
    lines = []
    for filename, spans in docs.items():
        text = texts[filename][1]
        record = {
            "text": text,
            "annotator": name,
            "meta": {"filename": filename, "lang": "en"},
            "spans": [_span(text, surface, label) for surface, label in spans],
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(window, dialogs, qtbot, paths: list[Path], names: list[str | None]) -> None:
    shown = len(dialogs.infos) + len(dialogs.errors)
    dialogs.open_answers.append(paths)
    dialogs.texts.extend(names)
    window.act_import_annotations.trigger()
    qtbot.waitUntil(lambda: len(dialogs.infos) + len(dialogs.errors) > shown, timeout=60000)


def _review(open_window, qtbot, db: Path, files: list[Path], names: list[str], gold: str | None = None):
    """Open the window, import the files under these names, start a review of them all."""
    window, dialogs = open_window(db, annotator="rev")
    _import(window, dialogs, qtbot, files, list(names))
    dialogs.annotator_choices.append(list(names))
    if gold is not None:
        dialogs.texts.append(gold)
    window.act_review.trigger()
    view = window.review_view
    assert isinstance(view, ReviewView)
    return window, dialogs, view


def _key(qtbot, view: ReviewView, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    target = view.focusWidget() or view.panes[0]
    qtbot.keyClick(target, key, mods)


def _current(view: ReviewView) -> tuple[str, DifferenceKind]:
    assert view.index is not None
    diff = view.adj.differences[view.index]
    text = view.gold_pane.text()
    return text[diff.start : diff.end], diff.kind


@pytest.fixture
def colleagues(seeded_db: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[int, str]]]:
    texts = _texts(seeded_db)
    a = _write(tmp_path / "alice.jsonl", "alice", ALICE, texts)
    b = _write(tmp_path / "bob.jsonl", "bob_w", BOB, texts)
    # A near copy of a stored article (a few words changed): refused, never laid on that text.
    near = texts[SEED_003][1].replace("Syria", "Syrie", 3)
    with b.open("a", encoding="utf-8") as handle:
        record = {"text": near, "annotator": "bob_w", "meta": {"lang": "en"}, "spans": []}
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return a, b, texts


def test_review_two_colleagues_with_the_keyboard(
    open_window, qtbot, seeded_db: Path, tmp_path: Path, colleagues
) -> None:
    file_a, file_b, texts = colleagues
    window, dialogs = open_window(seeded_db, annotator="rev")
    documents = window.store.documents.count()

    # File > Import annotations…: the name asked defaults to the records' annotator.
    _import(window, dialogs, qtbot, [file_a, file_b], ["alice", "bob"])
    assert dialogs.errors == []
    assert [a[2] for a in dialogs.asked[-2:]] == ["alice", "bob_w"]
    title, message = dialogs.infos[-1]
    assert title == "Annotations imported"
    assert "alice.jsonl as alice: 2 imported, 0 earlier spans replaced, 0 near copies refused" in message
    assert "bob.jsonl as bob: 2 imported, 0 earlier spans replaced, 1 near copy refused" in message
    assert f"{file_b}:3: text differs slightly from document" in message
    assert window.store.documents.count() == documents  # matched by text, nothing created

    # Review > Start review… (Ctrl+R): choose alice and bob, the gold set keeps its default name.
    dialogs.annotator_choices.append(["alice", "bob"])
    qtbot.keyClick(window.pane, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    view = window.review_view
    assert isinstance(view, ReviewView) and window.stack.currentWidget() is view
    assert dialogs.offered[-1][:2] == ["alice", "bob"]  # people first, then the models
    assert "rev" not in dialogs.offered[-1]  # no spans of their own: nothing to compare
    assert view.gold_name == "gold"
    assert not window.doc_dock.isVisible()  # the panes get the whole width
    assert view.adj.total == 6
    assert view.left_label.text() == "6 of 6 differences left"
    doc_002, doc_004 = texts[SEED_002][0], texts[SEED_004][0]
    assert view.doc_id == doc_002
    # The agreed spans are in the gold set already (one undoable command).
    gold_002 = {
        (window.store.documents.get(doc_002).text[s.start : s.end], s.label)
        for s in view.adj.gold_spans(doc_002)
    }
    assert gold_002 == {("Esmail Qaani", "PERSON"), ("Homs province", "GPE")}

    # Each kind is marked in the text with its own underline shape, in every pane.
    damascus = texts[SEED_002][1].index("Damascus")
    styles = {
        sel.format.underlineStyle()
        for sel in view.panes[1].extraSelections()
        if sel.cursor.selectionStart() <= damascus < sel.cursor.selectionEnd()
    }
    assert QTextCharFormat.UnderlineStyle.WaveUnderline in styles

    view.panes[0].setFocus()
    assert _current(view) == ("Quds Force (IRGC-QF)", DifferenceKind.BOUNDARIES)
    assert "Quds Force" in view.columns[0].version.text() and "IRGC-QF" in view.columns[1].version.text()
    _key(qtbot, view, Qt.Key.Key_A)  # alice's "Quds Force"
    assert _current(view) == ("Damascus", DifferenceKind.LABEL)
    _key(qtbot, view, Qt.Key.Key_B)  # bob's ORG
    assert _current(view) == ("Hezbollah", DifferenceKind.ONLY_A)
    _key(qtbot, view, Qt.Key.Key_0)  # none
    assert _current(view) == ("Tasnim", DifferenceKind.ONLY_B)
    assert view.left_label.text() == "3 of 6 differences left"

    # Undo the last decision: Hezbollah is open again and shown.
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.left_label.text() == "4 of 6 differences left"
    assert _current(view) == ("Hezbollah", DifferenceKind.ONLY_A)
    # Redo settles it again (the view moves on), and a second undo reopens it.
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _key(qtbot, view, Qt.Key.Key_Z, shift_ctrl)
    assert view.left_label.text() == "3 of 6 differences left"
    assert _current(view) == ("Tasnim", DifferenceKind.ONLY_B)
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _current(view) == ("Hezbollah", DifferenceKind.ONLY_A)
    _key(qtbot, view, Qt.Key.Key_N)
    assert _current(view) == ("Tasnim", DifferenceKind.ONLY_B)
    _key(qtbot, view, Qt.Key.Key_P)
    assert _current(view) == ("Hezbollah", DifferenceKind.ONLY_A)
    _key(qtbot, view, Qt.Key.Key_A)  # keep alice's Hezbollah after all
    _key(qtbot, view, Qt.Key.Key_B)  # bob's Tasnim; the next difference is in another document
    assert view.doc_id == doc_004
    assert view.panes[0].text() == texts[SEED_004][1]
    assert _current(view) == ("Islam Times", DifferenceKind.ONLY_B)
    _key(qtbot, view, Qt.Key.Key_0)
    assert _current(view) == ("Major General Mohammad Baqeri", DifferenceKind.BOUNDARIES)
    assert view.left_label.text() == "1 of 6 differences left"

    # E: edit. The first version is selected; widen it to "General Mohammad Baqeri", press 1 (PERSON).
    _key(qtbot, view, Qt.Key.Key_E)
    pane = view.panes[0]
    baqeri = texts[SEED_004][1].index("Mohammad Baqeri")
    assert pane.selection_codepoints() == (baqeri, baqeri + len("Mohammad Baqeri"))
    start = texts[SEED_004][1].index("General Mohammad Baqeri")
    pane.select_codepoints(start, start + len("General Mohammad Baqeri"))
    out = tmp_path / "gold.jsonl"
    dialogs.confirm_answers.append(True)  # "export the gold set now?"
    dialogs.export_answers.append(ExportOptions(path=out, fmt="jsonl", annotator="gold"))
    _key(qtbot, view, Qt.Key.Key_1)
    assert view.adj.remaining == 0
    assert view.left_label.text() == "All 6 differences settled ✓"
    assert dialogs.export_choices[1] == "gold"  # the export dialog opened on the gold set
    qtbot.waitUntil(lambda: out.exists() and not window.worker.running, timeout=60000)

    # The exported gold set is exactly the agreed spans and the choices made.
    records = {
        json.loads(line)["meta"]["filename"]: json.loads(line) for line in out.read_text("utf-8").splitlines()
    }
    assert {r["annotator"] for r in records.values()} == {"gold"}
    got = {name: sorted((s["text"], s["label"]) for s in r["spans"]) for name, r in records.items()}
    assert got == {
        SEED_002: sorted(
            [
                ("Quds Force", "ORG"),
                ("Esmail Qaani", "PERSON"),
                ("Damascus", "ORG"),
                ("Homs province", "GPE"),
                ("Hezbollah", "ORG"),
                ("Tasnim", "ORG"),
            ]
        ),
        SEED_004: sorted([("General Mohammad Baqeri", "PERSON"), ("Tehran", "GPE")]),
    }
    for record in records.values():
        for s in record["spans"]:
            assert record["text"][s["start"] : s["end"]] == s["text"]

    # Esc leaves review mode; the documents list comes back.
    view.panes[0].setFocus()
    _key(qtbot, view, Qt.Key.Key_Escape)
    assert window.stack.currentIndex() == 0 and window.doc_dock.isVisible()


def test_figures_and_report_equal_review_database(open_window, qtbot, seeded_db: Path, colleagues) -> None:
    file_a, file_b, _texts_ = colleagues
    window, _dialogs, view = _review(
        open_window, qtbot, seeded_db, [file_a, file_b], ["alice", "bob"], gold="adjudicated"
    )
    assert view.gold_name == "adjudicated"
    qtbot.waitUntil(lambda: view.report is not None, timeout=60000)

    expected = review_database(seeded_db, ["alice", "bob"])
    assert view.figures_label.text() == figures_text(expected)
    # By hand: alice 7 spans, bob 8; strict matches Qaani, Homs province, Tehran: F1 = 6/15.
    # Partial adds Quds Force and Baqeri (same label, overlapping): 10/15.
    assert "strict F1 0.400" in view.figures_label.text()
    assert "partial F1 0.667" in view.figures_label.text()

    view.report_button.click()
    dialog = view.report_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.text.toPlainText() == render_text(expected)
    (table,) = dialog.confusions
    confusion = expected.pairs[0].confusion
    cells = [
        [int(table.item(i, j).text().replace("·", "0")) for j in range(table.columnCount())]
        for i in range(table.rowCount())
    ]
    assert cells == confusion.matrix()
    assert dialog.pairwise is None  # two annotators: no pairwise matrix
    dialog.close()


def test_three_annotators_digit_keys_and_pairwise_matrix(
    open_window, qtbot, seeded_db: Path, tmp_path: Path, colleagues
) -> None:
    file_a, file_b, texts = colleagues
    carol = _write(tmp_path / "carol.jsonl", "carol", {SEED_002: [("Damascus", "LOC")]}, texts)
    _window, _dialogs, view = _review(
        open_window, qtbot, seeded_db, [file_a, file_b, carol], ["alice", "bob", "carol"]
    )
    assert len(view.panes) == 3
    view.panes[0].setFocus()
    # Go to Damascus (labels GPE / ORG / LOC) and take the third annotator's with key 3.
    while _current(view)[0] != "Damascus":
        _key(qtbot, view, Qt.Key.Key_N)
    assert _current(view)[1] is DifferenceKind.LABEL
    _key(qtbot, view, Qt.Key.Key_3)
    damascus = texts[SEED_002][1].index("Damascus")
    gold = [(s.start, s.label) for s in view.adj.gold_spans(texts[SEED_002][0])]
    assert (damascus, "LOC") in gold
    qtbot.waitUntil(lambda: view.report is not None, timeout=60000)
    view.report_button.click()
    dialog = view.report_dialog
    assert dialog is not None and dialog.pairwise is not None
    assert len(dialog.confusions) == 3
    assert dialog.pairwise.item(0, 1).text().startswith("strict ")
    dialog.close()


def test_bad_annotation_file_lists_its_lines_and_imports_nothing(
    open_window, qtbot, seeded_db: Path, tmp_path: Path
) -> None:
    texts = _texts(seeded_db)
    text = texts[SEED_002][1]
    bad = tmp_path / "bad.jsonl"
    good_line = {"text": text, "annotator": "dan", "spans": [_span(text, "Damascus", "GPE")]}
    past_end = {"text": "Short text.", "annotator": "dan", "spans": [{"start": 3, "end": 40, "label": "ORG"}]}
    bad.write_text(json.dumps(good_line) + "\n" + json.dumps(past_end) + "\n", encoding="utf-8")
    window, dialogs = open_window(seeded_db, annotator="rev")
    _import(window, dialogs, qtbot, [bad], [])
    title, message = dialogs.errors[-1]
    assert title == "1 of 1 file not imported"
    assert f"{bad}:2:" in message
    assert "dan" not in [a.name for a in window.store.annotators.all()]

    # Importing the same colleague twice replaces their spans instead of adding them again.
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(good_line) + "\n", encoding="utf-8")
    _import(window, dialogs, qtbot, [good], [])
    _import(window, dialogs, qtbot, [good], [])
    assert "good.jsonl as dan: 1 imported, 1 earlier span replaced" in dialogs.infos[-1][1]
    dan = window.store.annotators.get_or_create("dan")
    assert len(window.store.spans.in_document(texts[SEED_002][0], annotator_id=dan.id)) == 1


def test_review_keys_stay_in_the_review_view(open_window, qtbot, seeded_db: Path, colleagues) -> None:
    """N in review mode moves between differences and never steps the main pane's suggestions;
    after leaving, N is the reading pane's again."""
    file_a, file_b, _texts_ = colleagues
    window, _dialogs, view = _review(open_window, qtbot, seeded_db, [file_a, file_b], ["alice", "bob"])
    view.panes[0].setFocus()
    before = window.pane.current
    _key(qtbot, view, Qt.Key.Key_N)
    assert view.index == 1 and window.pane.current == before
    _key(qtbot, view, Qt.Key.Key_Escape)
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_N)
    assert window.pane.current is not None and window.pane.current.suggestion
    assert view.index == 1


def _point(pane, cp: int) -> QPoint:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_utf16(cp))
    rect = pane.cursorRect(cursor)
    return QPoint(rect.left() + 3, rect.center().y())


def test_current_difference_is_tagged_and_a_click_picks_one(
    open_window, qtbot, seeded_db: Path, colleagues
) -> None:
    file_a, file_b, texts = colleagues
    window, _dialogs, view = _review(open_window, qtbot, seeded_db, [file_a, file_b], ["alice", "bob"])
    qtbot.waitUntil(lambda: view.panes[0].isVisible())

    # A click on Tasnim in bob's pane makes that difference current (only in bob).
    bob = view.panes[1]
    tasnim = texts[SEED_002][1].index("Tasnim")
    bob.reveal(tasnim)
    qtbot.mouseClick(bob.viewport(), Qt.MouseButton.LeftButton, pos=_point(bob, tasnim + 1))
    assert _current(view) == ("Tasnim", DifferenceKind.ONLY_B)
    assert view.kind_label.text().startswith("◨  only in bob")

    # Bob's gutter carries an ORG tag in the label's colour; alice's has none (a dashed "none").
    org = QColor(window.labels.color("ORG"))

    def has_colour(pane) -> bool:
        image = pane._gutter.grab().toImage()
        return any(
            image.pixelColor(x, y) == org for x in range(0, image.width(), 2) for y in range(image.height())
        )

    assert has_colour(bob)
    assert not has_colour(view.panes[0])
    assert view.columns[0].version.text() == "here: no span"
