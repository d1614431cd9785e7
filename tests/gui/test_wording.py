"""Counted nouns in the GUI: "1 document", "2 documents", never "1 documents" or "document(s)"."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.gui.wording import count, plural

CHECKED = (
    "actor_panel.py", "analysis_docks.py", "annotation_import.py", "doclist.py", "event_panel.py",
    "export_dialog.py", "first_run.py", "frame_panel.py", "label_panel.py", "reading_pane.py",
    "search_panel.py",
)


def test_count_agrees_with_the_number() -> None:
    assert count(1, "mention") == "1 mention"
    assert count(0, "outlet") == "0 outlets"
    assert count(2, "actor mention") == "2 actor mentions"
    assert count(1, "near copy") == "1 near copy" and count(3, "near copy") == "3 near copies"
    assert count(2, "story") == "2 stories" and count(2, "day") == "2 days"
    assert count(2, "match") == "2 matches" and count(2, "person", "persons") == "2 persons"
    assert plural("event argument") == "event arguments"


def test_no_gui_text_counts_with_a_bare_s_or_an_s_in_brackets() -> None:
    """No f-string of the panels writes "{n} nouns" or "noun(s)": each goes through ``count``.
    (The main window and review mode, being split into modules of their own elsewhere, are to
    join this list when that lands.)"""
    gui = Path(__file__).resolve().parents[2] / "annotator" / "gui"
    modules = [gui / name for name in CHECKED] + sorted((gui / "corpus").glob("*.py"))
    counted = re.compile(r"\{[^{}]*\}\s+(documents|outlets|mentions|events|files|records|passages|"
                         r"suggestions|roles|arguments|spans|differences)\b|\w\(s\)")
    found = [
        f"{path.relative_to(gui)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if counted.search(line) and ('f"' in line or "f'" in line)
    ]
    assert found == []


def test_one_search_result_is_one_document(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.pane, Qt.Key.Key_F, ctrl_shift)
    panel = window.search_panel
    qtbot.keyClicks(panel.query_edit, "warplanes")
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.summary.text().startswith("1 document, 1 passage ·")
