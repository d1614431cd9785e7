"""The corpus window on the annotated seeds: each view shows the hand-counted figures, a click
lists the passages, Enter opens one in the main window, and everything exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.gui.corpus.window import PASSAGE_ROLE, CorpusWindow
from annotator.gui.theme import apply_theme

ISRAELI = "Israeli think tank"


def _open(open_window, qtbot, db: Path, view: str = "framing"):  # type: ignore[no-untyped-def]
    window, dialogs = open_window(db)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.pane, Qt.Key.Key_V, ctrl_shift)
    corpus = window.findChild(CorpusWindow, "corpusWindow")
    assert corpus is not None and corpus.isVisible()
    qtbot.waitExposed(corpus)
    corpus.show_view(view)
    QApplication.processEvents()
    return window, dialogs, corpus


def _click(widget, point) -> None:  # type: ignore[no-untyped-def]
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point.toPoint())


def _ids(window) -> list[int]:  # type: ignore[no-untyped-def]
    return window.store.documents.ids()


def test_framing_bars_count_documents_and_click_through(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db)
    assert corpus.summary.text().startswith("5 documents · 5 outlets · 183 actor mentions · 10 events")
    chart = corpus.present_view.chart()
    [series] = chart.series()
    sets = {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}
    # Outlets read top down (the axis runs bottom-up): Asharq, Iranian, Iranian FR, Islam Times, Israeli.
    assert sets["Security and defense"] == [1, 1, 1, 1, 1]
    assert sets["Political"] == [1, 0, 0, 0, 1]  # the think tank and Asharq Al-Awsat
    assert sets["Capacity and resources"] == [0, 1, 0, 0, 0]  # Islam Times
    primary_sets = corpus.primary_view.chart().series()[0].barSets()
    primary = {s.label(): sum(s.at(i) for i in range(s.count())) for s in primary_sets}
    assert primary == {"Security and defense": 3, "Political": 1, "External regulation and reputation": 1}
    # A real click on the think tank's "Political" segment lists its document; Enter opens it.
    point = corpus.bar_position(corpus.present_view, ISRAELI, "Political")
    _click(corpus.present_view.viewport(), point)
    assert ISRAELI in corpus.passage_title.text() and "Political" in corpus.passage_title.text()
    assert corpus.passages.count() == 1
    corpus.passages.setFocus()
    qtbot.keyClick(corpus.passages, Qt.Key.Key_Return)
    assert window.doc_id == _ids(window)[2]


def test_tone_heat_map(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db, "tone")
    model = corpus.tone_model
    headers = [model.horizontalHeaderItem(c).text() for c in range(model.columnCount())]
    assert headers == ["All documents", "Iran", "Quds Force"]
    rows = [model.verticalHeaderItem(r).text() for r in range(model.rowCount())]
    israeli = rows.index(ISRAELI)
    assert model.item(israeli, 2).text().startswith("-2.0")
    assert model.item(rows.index("Islam Times"), 1).text().startswith("+2.0")
    assert model.item(rows.index("Iranian media (FR)"), 1).text() == ""
    corpus.tone_table.clicked.emit(model.index(israeli, 2))
    assert corpus.passages.count() == 1
    assert corpus.passages.item(0).data(PASSAGE_ROLE).doc_id == _ids(window)[2]


def test_actor_table_counts_and_mentions_open_selected(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db, "actors")
    model = corpus.actor_model
    headers = [model.horizontalHeaderItem(c).text() for c in range(model.columnCount())]
    row = next(r for r in range(model.rowCount()) if model.item(r, 0).text() == "Ismail Qaani")
    display = Qt.ItemDataRole.DisplayRole
    values = {headers[c]: model.item(row, c).data(display) for c in range(3, len(headers))}
    assert values == {"Mentions": 14, "Documents": 4, "Asharq Al-Awsat": 4, "Iranian media": 2,
                      "Iranian media (FR)": 2, "Islam Times": 0, ISRAELI: 6}
    rect = corpus.actor_table.visualRect(model.index(row, 0))
    _click(corpus.actor_table.viewport(), rect.center().toPointF())
    assert corpus.passages.count() == 14
    corpus.passages.setCurrentRow(3)
    passage = corpus.passages.item(3).data(PASSAGE_ROLE)
    qtbot.keyClick(corpus.passages, Qt.Key.Key_Return)
    assert window.doc_id == passage.doc_id
    start, end = window.pane.selection_codepoints()
    assert (start, end) == (passage.start, passage.end)
    assert window.pane.text()[start:end].endswith("Qaani")


def test_network_nodes_edges_and_a_click_on_a_node(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db, "network")
    view = corpus.network_view
    assert len(view.node_items) == 14
    names = corpus.network.names
    hezbollah = next(a for a, n in names.items() if n == "Hezbollah")
    assert corpus.network.nodes[hezbollah] == 2
    # Nodes do not sit on each other: the layout keeps them apart.
    points = [view.node_position(a) for a in view.node_items]
    closest = min((p - q).manhattanLength() for i, p in enumerate(points) for q in points[i + 1:])
    assert closest > 8
    _click(view.viewport(), view.node_position(hezbollah))
    assert corpus.passages.count() == 2
    assert "Hezbollah" in corpus.passage_title.text()
    # The same actors linked by events only: four visits Qaani -> Syria make the heaviest edge.
    corpus.unit_combo.setCurrentIndex(corpus.unit_combo.findData("event"))
    heaviest = corpus.network.edges[0]
    assert {names[heaviest.a], names[heaviest.b]} == {"Ismail Qaani", "Syria"} and heaviest.weight == 4


def test_timeline_points_and_a_click_opens_the_trigger(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db, "timeline")
    counts = {c: s.count() for c, s in corpus.timeline_series.items()}
    assert counts == {"COOPERATE": 3, "CONSULT": 6, "ASSAULT": 1}
    point = corpus.timeline_point_position("ASSAULT", 0)
    _click(corpus.timeline_view.viewport(), point)
    assert window.doc_id == _ids(window)[3]  # Asharq Al-Awsat: the 2020 drone strike
    start, end = window.pane.selection_codepoints()
    assert window.pane.text()[start:end] == "strike"
    # Only the events of one actor.
    qaani = corpus.timeline_actor.findText("Ismail Qaani")
    corpus.timeline_actor.setCurrentIndex(qaani)
    assert {c: s.count() for c, s in corpus.timeline_series.items()} == {"CONSULT": 4}


def test_stories_group_the_visit_and_compare_side_by_side(open_window, qtbot, annotated_db: Path) -> None:
    window, _d, corpus = _open(open_window, qtbot, annotated_db, "stories")
    tree = corpus.story_tree
    assert tree.topLevelItemCount() == 2
    visit = tree.topLevelItem(0)
    assert visit.childCount() == 4 and tree.topLevelItem(1).childCount() == 1
    assert "Ismail Qaani" in visit.text(0)
    tree.setCurrentItem(visit)
    compare = corpus.compare_story(visit.data(0, PASSAGE_ROLE))
    qtbot.addWidget(compare)
    assert len(compare.columns) == 4
    texts = [c.pane.text() for c in compare.columns]
    assert all("Qaani" in t for t in texts)
    assert any(c.pane.shown_spans() for c in compare.columns)
    compare.close()


@pytest.mark.parametrize("view", ["framing", "tone", "actors", "network", "timeline", "stories"])
def test_every_view_exports_png_svg_and_csv(
    open_window, qtbot, annotated_db: Path, tmp_path: Path, view: str
) -> None:
    window, dialogs, corpus = _open(open_window, qtbot, annotated_db, view)
    panel = corpus.tabs.currentWidget()
    for fmt in ("PNG", "SVG", "CSV"):
        dialogs.save_answers.append(tmp_path / f"{view}.{fmt.lower()}")
        button = panel.findChild(QPushButton, f"export{fmt}_{view}")
        assert button is not None, fmt
        button.click()
    assert not dialogs.errors
    image = QImage(str(tmp_path / f"{view}.png"))
    assert not image.isNull() and image.width() > 300
    svg = (tmp_path / f"{view}.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and len(svg) > 2000
    rows = (tmp_path / f"{view}.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) >= 2
    if view == "actors":
        assert rows[0].startswith("actor,kind,country,mentions,documents")
        assert "Ismail Qaani,person,IRN,14,4" in rows[3]


def test_corpus_charts_follow_the_dark_palette(open_window, qtbot, qapp, annotated_db: Path) -> None:
    apply_theme(qapp, "dark")
    try:
        window, _d, corpus = _open(open_window, qtbot, annotated_db)
        image = corpus.present_view.grab().toImage()
        corner = image.pixelColor(image.width() // 2, 8)
        assert corner.lightness() < 80
    finally:
        apply_theme(qapp, "system")
    # Light again: a light chart.
    window2, _d2, corpus2 = _open(open_window, qtbot, annotated_db)
    corpus2.reload()
    image = corpus2.present_view.grab().toImage()
    assert image.pixelColor(image.width() // 2, 8).lightness() > 180


@pytest.mark.parametrize("view", ["corpus-framing", "corpus-network", "search"])
def test_screenshot_mode_renders_the_views(
    open_window, annotated_db: Path, tmp_path: Path, view: str
) -> None:
    from annotator.gui.app import take_screenshot

    window, _dialogs = open_window(annotated_db)
    path = tmp_path / f"{view}.png"
    take_screenshot(window, path, 1, view, query="Qaani")
    image = QImage(str(path))
    assert image.width() >= 1000 and image.height() >= 600
    if view == "search":
        assert window.search_panel.model.rowCount() == 14  # 14 passages name Qaani
        start, end = window.pane.selection_codepoints()
        assert window.pane.text()[start:end] == "Qaani"
    else:
        corpus = window.findChild(CorpusWindow, "corpusWindow")
        assert corpus.passages.count() > 0  # the first mark's passages are listed


@pytest.mark.parametrize("which", ["empty", "seeded"])
def test_views_open_on_a_corpus_without_analysis(open_window, qtbot, tmp_path: Path, seeded_db: Path,
                                                  which: str) -> None:
    db = tmp_path / "empty.sqlite" if which == "empty" else seeded_db
    window, _d = open_window(db)
    corpus = window.open_corpus_views("framing")
    qtbot.addWidget(corpus)
    for view in ("framing", "tone", "actors", "network", "timeline", "stories"):
        corpus.show_view(view)
        corpus.select_first()
        QApplication.processEvents()
    documents = 0 if which == "empty" else 5
    assert corpus.summary.text().startswith(f"{documents} documents")
    assert corpus.actor_model.rowCount() == 0 and not corpus.network_view.node_items
    assert corpus.story_tree.topLevelItemCount() == (0 if which == "empty" else 5)
