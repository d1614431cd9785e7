"""File > Import annotations applies the project's labels: a file's unknown labels are offered for
mapping (the GUI's ``--map``) in a table of combos, chosen with the mouse and the keyboard; kept
as new labels only when the analyst picks that; nothing imported when the analyst cancels."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.gui.annotation_import import KEEP_NEW, LabelMapDialog
from annotator.store import Store


def _colleague_file(seeded_db: Path, tmp_path: Path) -> Path:
    store = Store(seeded_db)
    doc = store.documents.get(store.documents.ids()[2])
    store.close()
    start = doc.text.index("Esmail Qaani")
    city = doc.text.index("Tehran") if "Tehran" in doc.text else doc.text.index("Iran")
    word = "Tehran" if "Tehran" in doc.text else "Iran"
    record = {
        "text": doc.text,
        "annotator": "bob",
        "spans": [
            {"start": start, "end": start + 12, "label": "PER", "text": "Esmail Qaani"},
            {"start": city, "end": city + len(word), "label": "<b>CITY</b>", "text": word},
        ],
    }
    path = tmp_path / "bob.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _bob_labels(window) -> list[str]:  # type: ignore[no-untyped-def]
    names = {a.name: a.id for a in window.store.annotators.all()}
    if "bob" not in names:
        return []
    return sorted(
        s.label
        for d in window.store.documents.ids()
        for s in window.store.spans.in_document(d, annotator_id=names["bob"])
    )


def _mapping_dialog(window, qtbot) -> LabelMapDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: window._annotation_import is not None
        and window._annotation_import.mapping_dialog is not None
        and window._annotation_import.mapping_dialog.isVisible(),
        timeout=30000,
    )
    return window._annotation_import.mapping_dialog


def _choose(qtbot, combo, keys: str) -> None:  # type: ignore[no-untyped-def]
    """Open the combo with a click, type the first letters of a label, press Enter."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: combo.view().isVisible(), timeout=3000)
    qtbot.keyClicks(combo.view(), keys)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.view().isVisible(), timeout=3000)


def test_unknown_labels_are_mapped_in_the_dialog(open_window, qtbot, seeded_db: Path, tmp_path: Path) -> None:
    path = _colleague_file(seeded_db, tmp_path)
    window, dialogs = open_window(seeded_db)
    dialogs.open_answers.append([path])
    window.act_import_annotations.trigger()
    dialog = _mapping_dialog(window, qtbot)
    table = dialog.table
    # The file's labels as plain text (no markup rendered), with their spans; nothing chosen
    # for them yet but "keep as new".
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["<b>CITY</b>", "PER"]
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["1", "1"]
    assert [c.currentText() for c in dialog.combos] == [KEEP_NEW, KEEP_NEW]
    dialog.grab().save("/tmp/label-map-dialog.png")
    _choose(qtbot, dialog.combos[0], "GPE")
    _choose(qtbot, dialog.combos[1], "PERS")
    assert [c.currentText() for c in dialog.combos] == ["GPE", "PERSON"]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window._annotation_import.finished, timeout=30000)
    assert _bob_labels(window) == ["GPE", "PERSON"]
    [(_title, message)] = dialogs.infos
    assert "1 span(s) labelled 'PER' renamed 'PERSON' (--map)" in message


def test_keep_as_new_and_cancel(open_window, qtbot, seeded_db: Path, tmp_path: Path) -> None:
    path = _colleague_file(seeded_db, tmp_path)
    window, dialogs = open_window(seeded_db)

    dialogs.open_answers.append([path])
    window.act_import_annotations.trigger()
    dialog = _mapping_dialog(window, qtbot)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)  # Cancel
    qtbot.waitUntil(lambda: window._annotation_import.finished, timeout=30000)
    assert _bob_labels(window) == []
    assert any("skipped: bob.jsonl" in message for _title, message in dialogs.infos)

    dialogs.open_answers.append([path])
    window.act_import_annotations.trigger()
    dialog = _mapping_dialog(window, qtbot)
    _choose(qtbot, dialog.combos[1], "PERS")  # PER -> PERSON; <b>CITY</b> kept as a new label
    qtbot.keyClick(dialog.combos[1], Qt.Key.Key_Return)  # Enter accepts the dialog
    qtbot.waitUntil(lambda: window._annotation_import.finished, timeout=30000)
    assert _bob_labels(window) == ["<b>CITY</b>", "PERSON"]
