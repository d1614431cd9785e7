"""Strings from files are shown as the text they are, never as HTML: an outlet and a title made
of markup (``<b>x</b><img src=...>``) appear literally in the corpus window's passage title, its
passages' tooltips and the chart's outlet axis, and an error dialog quoting a file's value shows
it literally too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.gui.dialogs import Dialogs
from tests.gui.test_corpus_views import ISRAELI, _click, _open

OUTLET = "<b>x</b><img src=file:///etc/passwd>"
TITLE = "<i>Talks</i> & <a href='https://example.org'>more</a>"


def _shown(tip: str) -> str:
    """What a tooltip displays: Qt renders it as rich text when it looks like markup."""
    if not QtGui.Qt.mightBeRichText(tip):  # type: ignore[attr-defined]
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def test_an_outlet_and_a_title_made_of_markup_are_shown_literally(
    open_window, qtbot, annotated_db: Path
) -> None:
    con = sqlite3.connect(annotated_db)
    con.execute("UPDATE document SET source = ?, title = ? WHERE source = ?", (OUTLET, TITLE, ISRAELI))
    con.commit()
    con.close()
    _window, _dialogs, corpus = _open(open_window, qtbot, annotated_db)
    point = corpus.bar_position(corpus.present_view, OUTLET, "Political")
    _click(corpus.present_view.viewport(), point)
    assert corpus.passages.count() == 1
    title = corpus.passage_title
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert title.text().startswith(f"{OUTLET}: 1 document")
    assert _shown(corpus.passages.item(0).toolTip()) == TITLE
    # The outlet axis of the chart: its labels are drawn from HTML, so they carry the escaped text.
    axis = corpus.present_view.chart().axes(Qt.Orientation.Vertical)[0]
    labels = [_shown("<qt>" + label + "</qt>") for label in axis.categories()]
    assert OUTLET[:27] + "…" in labels


def test_an_error_dialog_shows_a_files_value_literally(qtbot) -> None:
    seen: list[tuple[Qt.TextFormat, str]] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.text()))
        box.close()

    QTimer.singleShot(0, look)
    message = f"colleague.jsonl:1: unknown outlet {OUTLET}"
    Dialogs(None).error("Import failed", message)  # type: ignore[arg-type]
    assert seen == [(Qt.TextFormat.PlainText, message)]


def test_a_label_files_markup_is_shown_literally_in_the_shortcut_list(qtbot) -> None:
    """F1 lists the label keys with the label file's names and descriptions: as text, not HTML."""
    from PySide6.QtWidgets import QTextBrowser, QWidget

    from annotator.core.labels import Label, LabelSet
    from annotator.gui.shortcuts import shortcuts_dialog

    parent = QWidget()
    qtbot.addWidget(parent)
    labels = LabelSet([Label("WEAPON", "1", "#E69F00", OUTLET)])
    dialog = shortcuts_dialog(parent, labels)
    shown = dialog.findChild(QTextBrowser).toPlainText()
    assert f"WEAPON: {OUTLET}" in shown
    assert "Undo / redo" in shown  # the window's own keys are there too
