"""The import dialog as an analyst uses it: File > Import… lists each file with its type, title,
outlet, date and language as it is read; cells are corrected by typing, a file untick with the
space bar, *Split articles* shows one row per article of a page; Import stores what the table
says, with progress, and Cancel keeps whole files only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from tests.formats.test_article_readers import english_page, two_article_page

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "herald.html").write_text(english_page(), encoding="utf-8")
    (folder / "aawsat.html").write_text(two_article_page()[0], encoding="utf-8")
    shutil.copy(SEEDS / "003_ddffb80f9bab1e39.txt", folder / "quds.txt")
    (folder / "gaza.txt").write_text(
        "Talks resume in Cairo\n\nMediators met on Sunday to resume the talks.\n", encoding="utf-8"
    )
    (folder / "broken.jsonl").write_text('{"text": "fine"}\n[1, 2]\n', encoding="utf-8")
    markup = "<b>Bold</b> claim\n\nA text whose title is markup.\n"
    (folder / "markup.txt").write_text(markup, encoding="utf-8")
    return folder


def _open_dialog(window, qtbot, dialogs, paths):  # type: ignore[no-untyped-def]
    dialogs.open_answers.append(paths)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # File > Import files…
    qtbot.waitUntil(lambda: window.io.import_dialog is not None, timeout=3000)
    dialog = window.io.import_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.reading, timeout=60000)
    return dialog


def _rows(table: QTableWidget) -> dict[str, list[str]]:
    return {
        table.item(r, 0).text(): [
            table.item(r, c).text() if table.item(r, c) else "" for c in range(1, table.columnCount())
        ]
        for r in range(table.rowCount())
    }


def _row_of(table: QTableWidget, name: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)


def _type_in_cell(qtbot, table: QTableWidget, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the cell and type over it, then Enter: as a person edits a table."""
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClicks(table, text[0])  # the first key opens the cell's editor with that letter
    editor = QApplication.focusWidget()
    assert editor is not table
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits the text and closes the editor once the event loop runs.
    qtbot.waitUntil(lambda: table.state() != QTableWidget.State.EditingState, timeout=3000)


def test_preview_corrections_untick_split_then_import(open_window, qtbot, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    window, dialogs = open_window(tmp_path / "fresh.sqlite", no_preannotate=True)
    dialog = _open_dialog(window, qtbot, dialogs, [folder])
    table = dialog.table
    rows = _rows(table)
    assert rows["herald.html"] == [
        "web page", "Quds Force chief visits Syria", "The Levant Herald", "2023-09-22", "en"
    ]
    assert rows["aawsat.html"][:2] == ["web page", "Iran's Quds Force Chief in Syria to Oversee Joint Drill"]
    assert rows["quds.txt"][0] == "text" and rows["quds.txt"][4] == "en"
    assert rows["broken.jsonl"][0] == "JSON lines"
    assert rows["broken.jsonl"][1] == (
        f"cannot be imported: {folder / 'broken.jsonl'}:2: expected a JSON object, not a list"
    )
    # A title that is markup is shown as the characters it is.
    assert rows["markup.txt"][1] == "<b>Bold</b> claim"
    assert "6 files read: 5 articles; 1 cannot be imported" in dialog.status.text()
    window.grab().save("/tmp/import_dialog_window.png")
    dialog.grab().save("/tmp/import_dialog.png")

    # Corrections: the outlet and date of the Quds text, typed in; a wrong date is refused.
    quds = _row_of(table, "quds.txt")
    _type_in_cell(qtbot, table, quds, 3, "Asharq Al-Awsat")
    _type_in_cell(qtbot, table, quds, 4, "22/09/2023")
    assert table.item(quds, 4).text() == ""
    assert "is no date" in dialog.status.text()
    _type_in_cell(qtbot, table, quds, 4, "2023-09-23")
    _type_in_cell(qtbot, table, quds, 5, "EN")  # stored lower-cased
    assert table.item(quds, 5).text() == "en"
    # Untick the Gaza text with the space bar.
    gaza = _row_of(table, "gaza.txt")
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(gaza, 1)).center(),
    )
    table.setCurrentCell(gaza, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert table.item(gaza, 0).checkState() == Qt.CheckState.Unchecked

    # Split articles: the files are read again and the Asharq page becomes two rows; the
    # corrections and the untick made before stay with their files.
    qtbot.mouseClick(dialog.split, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.reading and table.rowCount() == 7, timeout=60000)
    rows = _rows(table)
    assert rows["aawsat.html (1/2)"][1] == "Iran's Quds Force Chief in Syria to Oversee Joint Drill"
    assert rows["aawsat.html (2/2)"][1] == "EU Envoy: Madrid Is Working on a Way Out of the Gaza Crisis"
    assert rows["quds.txt"][2:] == ["Asharq Al-Awsat", "2023-09-23", "en"]
    assert table.item(_row_of(table, "gaza.txt"), 0).checkState() == Qt.CheckState.Unchecked

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    store = window.store
    metas = {store.documents.get(d).meta.filename: store.documents.get(d).meta for d in store.documents.ids()}
    assert sorted(metas) == ["aawsat.html#1", "aawsat.html#2", "herald.html", "markup.txt", "quds.txt"]
    assert (metas["quds.txt"].source, metas["quds.txt"].date) == ("Asharq Al-Awsat", "2023-09-23")
    assert metas["herald.html"].source == "The Levant Herald"
    assert window.doc_model.rowCount() == 5
    message = window.statusBar().currentMessage()
    assert message.startswith("5 imported, 0 already there") and "greyed" in message
    quds_id = next(d for d in store.documents.ids() if store.documents.get(d).meta.filename == "quds.txt")
    assert len(store.regions.of_document(quds_id)) == 4


def test_cancel_keeps_whole_files_only(open_window, qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        lines = [
            json.dumps({"text": f"Report {i}-{j}: Esmail Qaani met officials in Damascus on day {j}."})
            for j in range(5)
        ]
        (folder / f"batch{i:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    window, dialogs = open_window(tmp_path / "c.sqlite")
    dialog = _open_dialog(window, qtbot, dialogs, [folder])
    assert dialog.table.rowCount() == 300
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() >= 5, timeout=60000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    count = window.store.documents.count()
    assert count % 5 == 0  # every file is there whole, or not at all
    assert 0 < count < 300
    assert "(cancelled)" in window.statusBar().currentMessage()


def test_escape_closes_without_importing(open_window, qtbot, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    window, dialogs = open_window(tmp_path / "e.sqlite", no_preannotate=True)
    dialog = _open_dialog(window, qtbot, dialogs, [folder / "herald.html"])
    assert list(_rows(dialog.table)) == ["herald.html"]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.store.documents.count() == 0


def test_closing_the_window_mid_import_keeps_whole_files(open_window, qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        lines = [
            json.dumps({"text": f"Note {i}-{j}: officials met in Damascus on day {j}."}) for j in range(5)
        ]
        (folder / f"batch{i:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.sqlite"
    window, dialogs = open_window(db)
    dialog = _open_dialog(window, qtbot, dialogs, [folder])
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() >= 5, timeout=60000)
    window.close()  # waits for the file under way, then stops
    assert dialog.worker is not None and not dialog.worker.running
    count = window.store.documents.count()
    assert count % 5 == 0 and count > 0
