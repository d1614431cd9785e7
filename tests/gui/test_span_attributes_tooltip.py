"""A span's attributes and notes from another tool (brat's ``A``/``M`` lines and AnnotatorNotes)
are shown read-only, as plain text, in the span's tooltip in the reading pane."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.labels import default_labels
from annotator.core.schema import default_schema
from annotator.services.annotations_import import KnownLabels, import_annotations
from annotator.store import Store
from tests.gui.conftest import viewport_point

TEXT = "Rebels attacked the convoy near Goma on Monday.\n"


def _db(tmp_path: Path) -> Path:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "raid.txt").write_text(TEXT, encoding="utf-8")
    (folder / "raid.ann").write_text(
        "T1\tORG 0 6\tRebels\nT2\tMISC 20 26\tconvoy\nM1\tConfidence T1 High\nA2\tNegated T1\n"
        "#1\tAnnotatorNotes T2\t<b>UN</b> convoy & trucks\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.sqlite"
    store = Store(db)
    try:
        import_annotations(store, folder, known_labels=KnownLabels.of(default_labels(), default_schema()))
    finally:
        store.close()
    return db


def _tooltip_at(window, qtbot, cp: int) -> str:  # type: ignore[no-untyped-def]
    viewport = window.pane.viewport()
    local: QPoint = viewport_point(window, cp)
    QToolTip.hideText()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, local, viewport.mapToGlobal(local)))
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=3000)
    return QToolTip.text()


def test_attributes_and_notes_in_the_tooltip(open_window, qtbot, tmp_path: Path) -> None:
    window, _dialogs = open_window(_db(tmp_path))
    qtbot.waitUntil(lambda: window.pane.text() == TEXT, timeout=5000)
    qtbot.waitUntil(lambda: len(window.pane.spans_at(viewport_point(window, 2))) == 1, timeout=5000)
    tip = _tooltip_at(window, qtbot, 2)
    assert tip == "ORG · confirmed\n    Confidence: High\n    Negated"
    tip = _tooltip_at(window, qtbot, 22)
    # The note holds markup: escaped, shown as the characters it is.
    assert tip == "<qt>MISC · confirmed<br>    note: &lt;b&gt;UN&lt;/b&gt; convoy &amp; trucks</qt>"
    [label] = [w for w in QApplication.topLevelWidgets() if w.inherits("QLabel") and w.isVisible()]
    label.grab().save("/tmp/span-attributes-tooltip.png")  # the tooltip as drawn
