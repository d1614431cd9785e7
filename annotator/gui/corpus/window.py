"""The corpus window: how outlets frame the same event, who appears with whom, what happened
when, and which documents tell one story.

Tabs: framing by outlet (stacked bars of frames present and primary frame, and tones), tone by
outlet and actor (a heat map), actors (mention counts per outlet), the co-occurrence network, the
event timeline, and story clusters. Every bar, cell, node, point and story lists its documents and
passages below the tabs; Enter (or a double click) there opens the passage in the main window.
Every chart exports as PNG and SVG, every table as CSV. The figures come from
``services/corpus.py``; this module only draws them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalStackedBarSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QPointF, Qt, QTime, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.textsearch import context
from annotator.gui.corpus.export import write_csv, write_png, write_svg
from annotator.gui.corpus.network_view import KIND_COLORS, NetworkView
from annotator.gui.plain import plain_tip
from annotator.gui.theme import contrast, is_dark
from annotator.gui.wording import count
from annotator.services import corpus
from annotator.services.corpus import CorpusData, Passage

if TYPE_CHECKING:
    from annotator.gui.window_protocols import CorpusHost

PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
VIEWS = ("framing", "tone", "actors", "network", "timeline", "stories")
TAB_TITLES = {
    "framing": "Framing by outlet",
    "tone": "Tone",
    "actors": "Actors",
    "network": "Network",
    "timeline": "Timeline",
    "stories": "Stories",
}
# Qualitative colours for frames and event categories (Okabe-Ito, then ColorBrewer Set2/Dark2).
SERIES_COLORS = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    "#66C2A5", "#FC8D62", "#8DA0CB", "#E78AC3", "#A6D854", "#1B9E77", "#7570B3", "#E7298A", "#666666",
]
# Tone, from explicit pro to explicit anti: a diverging blue-grey-red scale (ColorBrewer RdBu).
TONE_COLORS = ["#2166AC", "#92C5DE", "#BDBDBD", "#F4A582", "#B2182B"]


def _qdate(day: str) -> QDateTime:
    y, m, d = (int(x) for x in day.split("-"))
    return QDateTime(QDate(y, m, d), QTime(12, 0))


def _style_chart(chart: QChart, palette: QPalette) -> None:
    """Chart colours from the application palette, so charts follow light and dark."""
    themes = QChart.ChartTheme
    chart.setTheme(themes.ChartThemeDark if is_dark(palette) else themes.ChartThemeLight)
    chart.setBackgroundBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
    chart.setTitleBrush(QBrush(palette.color(QPalette.ColorRole.Text)))
    chart.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    for axis in chart.axes():
        axis.setLabelsColor(palette.color(QPalette.ColorRole.Text))
        axis.setTitleBrush(QBrush(palette.color(QPalette.ColorRole.Text)))
        grid = QColor(palette.color(QPalette.ColorRole.Text))
        grid.setAlpha(40)
        axis.setGridLineColor(grid)


class PassageList(QListWidget):
    """Documents and passages behind the clicked mark; Enter or a double click opens one."""

    openRequested = Signal(object)  # Passage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("corpusPassages")
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(self._activated)
        self.itemDoubleClicked.connect(self._activated)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._activated(self.currentItem())
            return
        super().keyPressEvent(event)

    def _activated(self, item: QListWidgetItem) -> None:
        passage = item.data(PASSAGE_ROLE)
        if isinstance(passage, Passage):
            self.openRequested.emit(passage)

    def show_passages(self, data: CorpusData, passages: Sequence[Passage]) -> None:
        self.clear()
        for p in passages:
            doc = data.docs[p.doc_id]
            head = f"{data.outlet(p.doc_id)} · {doc.date or 'no date'} · {doc.title}"
            text = data.texts.get(p.doc_id, "")
            if p.end > p.start and text:
                before, after = context(text, p.start, p.end)
                body = f"{before}[{text[p.start:p.end]}]{after}"
            else:
                body = "(the whole document)"
            item = QListWidgetItem(f"{head}\n    {body}")
            item.setData(PASSAGE_ROLE, p)
            item.setToolTip(plain_tip(doc.title))
            self.addItem(item)
        if self.count():
            self.setCurrentRow(0)


class ChartPanel(QWidget):
    """A chart view with its export buttons."""

    def __init__(
        self, name: str, window: CorpusWindow, rows: Callable[[], list[list[object]]] | None
    ) -> None:
        super().__init__()
        self.name = name
        self.corpus_window = window
        self.rows = rows
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.tools = QHBoxLayout()
        self.tools.addStretch(1)
        self.layout_.addLayout(self.tools)
        self.exportable: QWidget | None = None

    def add_export_buttons(self, widget: QWidget, scene: Any = None, csv_rows: bool = True) -> None:
        self.exportable = widget
        for fmt in ("PNG", "SVG") + (("CSV",) if csv_rows and self.rows else ()):
            button = QPushButton(f"Export {fmt}…")
            button.setObjectName(f"export{fmt}_{self.name}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _c=False, f=fmt: self.corpus_window.export(self, f, scene))
            self.tools.addWidget(button)


class CorpusWindow(QMainWindow):
    """Corpus views over one annotator's work: tabs, a passage list, exports."""

    HINT = (
        "Click a bar, a cell, a node, a point or a story to list its passages; "
        "Enter opens one in the main window."
    )

    def __init__(self, main: CorpusHost) -> None:
        super().__init__(main.window())
        self.setObjectName("corpusWindow")
        self.setWindowTitle("Corpus views — annotator")
        self.setWindowFlag(Qt.WindowType.Window)
        self.main = main
        self.store = main.store
        self.data: CorpusData | None = None
        self._bars: dict[str, tuple[list[str], list[tuple[str, list[int]]]]] = {}
        self._build()
        self.resize(1400, 860)

    # -- layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Annotations of"))
        self.annotator_combo = QComboBox()
        self.annotator_combo.setObjectName("corpusAnnotator")
        bar.addWidget(self.annotator_combo)
        bar.addWidget(QLabel("on"))
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("corpusScope")
        self.scope_combo.addItem("all documents", "all")
        self.scope_combo.addItem("the documents the list shows (its filter)", "list")
        bar.addWidget(self.scope_combo)
        self.summary = QLabel()
        self.summary.setObjectName("corpusSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # may quote an error with file names
        bar.addWidget(self.summary, 1)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        bar.addWidget(refresh)
        layout.addLayout(bar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("corpusTabs")
        self.framing_tab = ChartPanel("framing", self, lambda: self._require(corpus.framing_by_outlet).rows())
        self.tone_tab = ChartPanel("tone", self, lambda: self._require(corpus.tone_by_outlet).rows())
        self.actors_tab = ChartPanel("actors", self, lambda: self._require(corpus.actor_counts).rows())
        self.network_tab = ChartPanel("network", self, lambda: self.network.rows() if self.network else [])
        self.timeline_tab = ChartPanel(
            "timeline", self, lambda: self.timeline.rows() if self.timeline else []
        )
        self.stories_tab = ChartPanel("stories", self, lambda: self.stories.rows() if self.stories else [])
        self._build_framing()
        self._build_tone()
        self._build_actors()
        self._build_network()
        self._build_timeline()
        self._build_stories()
        for name, tab in zip(VIEWS, (self.framing_tab, self.tone_tab, self.actors_tab, self.network_tab,
                                     self.timeline_tab, self.stories_tab), strict=True):
            self.tabs.addTab(tab, TAB_TITLES[name])

        self.passages = PassageList()
        self.passages.openRequested.connect(self.open_passage)
        self.passage_title = QLabel(self.HINT)
        self.passage_title.setObjectName("passageTitle")
        self.passage_title.setTextFormat(Qt.TextFormat.PlainText)  # outlets, titles, actor names
        self.passage_title.setWordWrap(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.passage_title)
        lower_layout.addWidget(self.passages)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        close = QAction(self)
        close.setShortcut("Esc")
        close.triggered.connect(self.close)
        self.addAction(close)
        self.annotator_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.reload())

    def _chart_view(self, name: str) -> QChartView:
        view = QChartView()
        view.setObjectName(name)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(260)
        return view

    def _build_framing(self) -> None:
        split = QSplitter(Qt.Orientation.Horizontal)
        self.present_view = self._chart_view("framesPresentChart")
        self.primary_view = self._chart_view("primaryFrameChart")
        self.tone_bars_view = self._chart_view("toneBarsChart")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.primary_view)
        right.addWidget(self.tone_bars_view)
        split.addWidget(self.present_view)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.framing_tab.layout_.addWidget(split, 1)
        self.framing_tab.add_export_buttons(split)

    def _build_tone(self) -> None:
        self.tone_model = QStandardItemModel(self)
        self.tone_table = QTableView()
        self.tone_table.setObjectName("toneTable")
        self.tone_table.setModel(self.tone_model)
        self.tone_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tone_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tone_table.clicked.connect(self._tone_clicked)
        self.tone_table.activated.connect(self._tone_clicked)
        legend = QLabel(
            "Mean tone of the documents (first column) and of the documents coded with a tone "
            "towards each actor: +2 explicitly pro (blue) … 0 neutral … −2 explicitly anti (red)."
        )
        legend.setWordWrap(True)
        self.tone_tab.layout_.addWidget(legend)
        self.tone_tab.layout_.addWidget(self.tone_table, 1)
        self.tone_tab.add_export_buttons(self.tone_table)

    def _build_actors(self) -> None:
        self.actor_model = QStandardItemModel(self)
        self.actor_table = QTableView()
        self.actor_table.setObjectName("actorTable")
        self.actor_table.setModel(self.actor_model)
        self.actor_table.setSortingEnabled(True)
        self.actor_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actor_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actor_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.actor_table.clicked.connect(self._actor_clicked)
        self.actor_table.activated.connect(self._actor_clicked)
        self.actors_tab.layout_.addWidget(self.actor_table, 1)
        self.actors_tab.add_export_buttons(self.actor_table)

    def _build_network(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Link actors mentioned in the same"))
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("networkUnit")
        for unit in corpus.UNITS:
            self.unit_combo.addItem({"event": "event (as its arguments)"}.get(unit, unit), unit)
        self.unit_combo.setCurrentIndex(self.unit_combo.findData("sentence"))
        self.unit_combo.currentIndexChanged.connect(lambda _i: self._show_network())
        row.addWidget(self.unit_combo)
        legend = "&nbsp;&nbsp; ".join(
            f"<span style='color:{color}; font-size:large'>●</span> {kind.replace('_', ' ')}"
            for kind, color in KIND_COLORS.items()
        )
        self.kind_legend = QLabel(legend)
        self.kind_legend.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.kind_legend, 1)
        self.network_tab.tools.insertLayout(0, row)
        self.network_view = NetworkView()
        self.network_view.nodeClicked.connect(self._node_clicked)
        self.network_view.edgeClicked.connect(self._edge_clicked)
        self.network_tab.layout_.addWidget(self.network_view, 1)
        self.network_tab.add_export_buttons(self.network_view, scene=self.network_view.scene())
        self.network: corpus.Network | None = None

    def _build_timeline(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Events of"))
        self.timeline_actor = QComboBox()
        self.timeline_actor.setObjectName("timelineActor")
        self.timeline_actor.currentIndexChanged.connect(lambda _i: self._show_timeline())
        row.addWidget(self.timeline_actor)
        self.undated_label = QLabel()
        row.addWidget(self.undated_label, 1)
        self.timeline_tab.tools.insertLayout(0, row)
        self.timeline_view = self._chart_view("timelineChart")
        self.timeline_tab.layout_.addWidget(self.timeline_view, 1)
        self.timeline_tab.add_export_buttons(self.timeline_view)
        self.timeline: corpus.Timeline | None = None

    def _build_stories(self) -> None:
        self.story_tree = QTreeWidget()
        self.story_tree.setObjectName("storyTree")
        self.story_tree.setHeaderLabels(["Story / document", "Outlet", "Date", "Documents"])
        self.story_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.story_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.story_tree.header().resizeSection(1, 280)
        for column in (2, 3):
            self.story_tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.story_tree.currentItemChanged.connect(
            lambda item, _old: self._story_clicked(item) if item is not None else None
        )
        self.story_tree.itemActivated.connect(self._story_activated)
        self.story_tree.itemClicked.connect(self._story_clicked)
        compare = QPushButton("Compare side by side")
        compare.setObjectName("compareStory")
        compare.clicked.connect(self.compare_selected_story)
        self.stories_tab.tools.insertWidget(0, compare)
        self.stories_tab.layout_.addWidget(self.story_tree, 1)
        self.stories_tab.add_export_buttons(self.story_tree)
        self.stories: corpus.Stories | None = None
        self.compare_window: QWidget | None = None

    # -- data ---------------------------------------------------------------------------------------

    def _require(self, fn: Callable[[CorpusData], Any]) -> Any:
        if self.data is None:
            raise AnnotatorError("nothing to export yet")
        return fn(self.data)

    def _fill_annotators(self) -> None:
        current = self.annotator_combo.currentData() or self.main.session.annotator.name
        names = [a.name for a in self.store.annotators.all() if a.kind.value == "human"]
        self.annotator_combo.blockSignals(True)
        self.annotator_combo.clear()
        for name in names:
            self.annotator_combo.addItem(name, name)
        self.annotator_combo.setCurrentIndex(max(0, self.annotator_combo.findData(current)))
        self.annotator_combo.blockSignals(False)

    def scope_ids(self) -> list[int] | None:
        if self.scope_combo.currentData() != "list":
            return None
        proxy, model = self.main.doc_proxy, self.main.doc_model
        return [model.summary(proxy.mapToSource(proxy.index(r, 0)).row()).id for r in range(proxy.rowCount())]

    def reload(self) -> None:
        """Read the figures again (after annotating, or another annotator or scope)."""
        if not self.annotator_combo.count():
            self._fill_annotators()
        name = self.annotator_combo.currentData()
        if not name:
            self.summary.setText("Nobody has annotated yet.")
            return
        try:
            self.data = corpus.with_texts(self.store, corpus.load(self.store, name, self.scope_ids()))
        except AnnotatorError as exc:
            self.summary.setText(str(exc))
            return
        d = self.data
        self.summary.setText(
            f"{count(len(d.docs), 'document')} · {count(len(d.outlets()), 'outlet')} · "
            f"{count(len(d.mentions), 'actor mention')} · {count(len(d.events), 'event')} · "
            f"{sum(1 for f in d.frames.values() if f.frames or f.primary)} framed"
        )
        self._show_framing()
        self._show_tone()
        self._show_actors()
        self._fill_timeline_actors()
        self._show_network()
        self._show_timeline()
        self._show_stories()
        self.passages.clear()
        self.passage_title.setText(self.HINT)

    # -- framing ------------------------------------------------------------------------------------

    def _stacked_chart(
        self,
        title: str,
        outlets: list[str],
        series_rows: list[tuple[str, str, list[int], str]],
        on_click: Callable[[str, str], None],
    ) -> QChart:
        """Stacked horizontal bars, one per outlet (names in full on the left); ``series_rows``:
        (key, label, values, colour). A click on a segment calls ``on_click(outlet, key)``."""
        chart = QChart()
        chart.setTitle(title)
        series = QHorizontalStackedBarSeries()
        # The category axis runs bottom to top: reverse, so that outlets read top down.
        outlets = outlets[::-1]
        series_rows = [(k, label, values[::-1], c) for k, label, values, c in series_rows]
        for key, label, values, color in series_rows:
            bar = QBarSet(label)
            bar.append([float(v) for v in values])
            bar.setColor(QColor(color))
            bar.setBorderColor(QColor(color).darker(120))
            bar.clicked.connect(lambda index, k=key: on_click(outlets[index], k))
            series.append(bar)
        self._bars[title] = (outlets, [(k, values) for k, _label, values, _c in series_rows])
        series.setBarWidth(0.6)
        chart.addSeries(series)
        y = QBarCategoryAxis()
        # Qt Charts draws axis labels as HTML: outlets from files are escaped to show as written.
        y.append([html.escape(o if len(o) <= 28 else o[:27] + "…") for o in outlets])
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)
        x = QValueAxis()
        top = max([sum(vals[i] for _k, _l, vals, _c in series_rows) for i in range(len(outlets))] or [1])
        x.setRange(0, max(1, top))
        x.setTickCount(min(max(2, int(top) + 1), 11))
        x.setLabelFormat("%d")
        x.setTitleText("documents")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        _style_chart(chart, self.palette())
        return chart

    def bar_position(self, view: QChartView, outlet: str, key: str) -> QPointF:
        """Viewport position of the middle of one outlet's segment of a stacked bar chart."""
        chart = view.chart()
        outlets, rows = self._bars[chart.title()]
        index = outlets.index(outlet)
        before = 0.0
        for k, values in rows:
            if k == key:
                series = chart.series()[0]
                point = chart.mapToPosition(QPointF(before + values[index] / 2, index), series)
                return QPointF(view.mapFromScene(point))
            before += values[index]
        raise KeyError(key)

    def _show_framing(self) -> None:
        assert self.data is not None
        f = corpus.framing_by_outlet(self.data)
        self.framing = f
        colors = {d: SERIES_COLORS[i % len(SERIES_COLORS)] for i, d in enumerate(f.dimensions)}
        present = [(d, f.names[d], [f.present[o][d] for o in f.outlets], colors[d]) for d in f.dimensions]
        primary = [(d, f.names[d], [f.primary[o][d] for o in f.outlets], colors[d]) for d in f.dimensions
                   if any(f.primary[o][d] for o in f.outlets)]
        tones = [(t, f.tone_names[t], [f.tone[o][t] for o in f.outlets], TONE_COLORS[i % 5])
                 for i, t in enumerate(f.tones) if any(f.tone[o][t] for o in f.outlets)]
        self.present_view.setChart(self._stacked_chart(
            "Frames present (documents per outlet)", f.outlets, present,
            lambda o, d: self._frame_clicked(o, d, primary=False)))
        self.primary_view.setChart(self._stacked_chart(
            "Primary frame", f.outlets, primary, lambda o, d: self._frame_clicked(o, d, primary=True)))
        self.tone_bars_view.setChart(self._stacked_chart(
            "Tone of the documents", f.outlets, tones, self._tone_bar_clicked))

    def _frame_clicked(self, outlet: str, dimension: str, primary: bool) -> None:
        assert self.data is not None
        table = self.framing.primary_docs if primary else self.framing.present_docs
        docs = table.get((outlet, dimension), [])
        what = "primary frame" if primary else "frame"
        self.passage_title.setText(f"{outlet}: {count(len(docs), 'document')} with the "
                                   f"{what} {self.framing.names[dimension]} (and its passages, where tagged)")
        self.passages.show_passages(self.data, corpus.frame_passages(self.store, self.data, docs, dimension))

    def _tone_bar_clicked(self, outlet: str, tone: str) -> None:
        assert self.data is not None
        docs = [d for d, f in sorted(self.data.frames.items())
                if d in self.data.docs and self.data.outlet(d) == outlet and f.tone == tone]
        name = self.framing.tone_names[tone]
        self.passage_title.setText(f"{outlet}: {count(len(docs), 'document')} of tone {name}")
        self.passages.show_passages(self.data, [Passage(d) for d in docs])

    # -- tone ---------------------------------------------------------------------------------------

    def _show_tone(self) -> None:
        assert self.data is not None
        t = corpus.tone_by_outlet(self.data)
        self.tone = t
        self.tone_model.clear()
        self.tone_model.setHorizontalHeaderLabels(["All documents"] + [t.names[a] for a in t.actors])
        self.tone_model.setVerticalHeaderLabels(t.outlets)
        for r, outlet in enumerate(t.outlets):
            for c, actor in enumerate([None, *t.actors]):
                cell = t.cells.get((outlet, actor))
                item = QStandardItem("")
                if cell is not None and cell.mean is not None:
                    mean = cell.mean
                    item.setText(f"{mean:+.1f}  ({len(cell.values)})")
                    color = QColor(TONE_COLORS[max(0, min(4, round(2 - mean)))])
                    item.setBackground(color)
                    black, white = QColor("#000000"), QColor("#ffffff")
                    item.setForeground(black if contrast(black, color) >= contrast(white, color) else white)
                    item.setToolTip(f"{count(len(cell.values), 'document')}; mean tone {mean:+.2f}")
                item.setData((outlet, actor), PASSAGE_ROLE)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.tone_model.setItem(r, c, item)

    def _tone_clicked(self, index: Any) -> None:
        assert self.data is not None
        key = index.data(PASSAGE_ROLE)
        if not key:
            return
        cell = self.tone.cells.get(tuple(key))  # type: ignore[arg-type]
        outlet, actor = key
        towards = "" if actor is None else f" towards {self.tone.names[actor]}"
        docs = cell.docs if cell else []
        self.passage_title.setText(f"{outlet}: {count(len(docs), 'document')} with a tone{towards}")
        self.passages.show_passages(self.data, [Passage(d) for d in docs])

    # -- actors -------------------------------------------------------------------------------------

    def _show_actors(self) -> None:
        assert self.data is not None
        counts = corpus.actor_counts(self.data)
        self.actor_counts = counts
        self.actor_model.clear()
        headers = ["Actor", "Kind", "Country", "Mentions", "Documents", *counts.outlets]
        self.actor_model.setHorizontalHeaderLabels(headers)
        for row in counts.rows_:
            kind = row.kind.replace("_", " ")
            items = [QStandardItem(row.name), QStandardItem(kind), QStandardItem(row.country)]
            for value in [row.mentions, row.documents, *[row.by_outlet.get(o, 0) for o in counts.outlets]]:
                item = QStandardItem()
                item.setData(value, Qt.ItemDataRole.DisplayRole)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                items.append(item)
            for item in items:
                item.setData(row.actor_id, PASSAGE_ROLE)
            self.actor_model.appendRow(items)

    def _actor_clicked(self, index: Any) -> None:
        actor = index.data(PASSAGE_ROLE)
        if actor is not None:
            self._node_clicked(int(actor))

    # -- network ------------------------------------------------------------------------------------

    def _show_network(self) -> None:
        if self.data is None:
            return
        self.network = corpus.network(self.data, self.unit_combo.currentData() or "document")
        self.network_view.set_network(self.network)

    def _node_clicked(self, actor: int) -> None:
        assert self.data is not None
        passages = corpus.actor_passages(self.data, actor)
        self.passage_title.setText(f"{self.data.actor_name(actor)}: {count(len(passages), 'mention')}")
        self.passages.show_passages(self.data, passages)

    def _edge_clicked(self, a: int, b: int) -> None:
        assert self.data is not None
        passages = corpus.actor_passages(self.data, a, with_actor=b)
        passages += corpus.actor_passages(self.data, b, with_actor=a)
        passages.sort(key=lambda p: (p.doc_id, p.start))
        self.passage_title.setText(f"{self.data.actor_name(a)} and {self.data.actor_name(b)}: "
                                   f"their mentions in the documents naming both")
        self.passages.show_passages(self.data, passages)

    # -- timeline -----------------------------------------------------------------------------------

    def _fill_timeline_actors(self) -> None:
        assert self.data is not None
        current = self.timeline_actor.currentData()
        every = corpus.timeline(self.data)
        self.timeline_actor.blockSignals(True)
        self.timeline_actor.clear()
        self.timeline_actor.addItem("every actor", None)
        for actor, name in sorted(every.names.items(), key=lambda kv: kv[1].casefold()):
            self.timeline_actor.addItem(name, actor)
        self.timeline_actor.setCurrentIndex(max(0, self.timeline_actor.findData(current)))
        self.timeline_actor.blockSignals(False)

    def _show_timeline(self) -> None:
        if self.data is None:
            return
        t = corpus.timeline(self.data, actor=self.timeline_actor.currentData())
        self.timeline = t
        chart = QChart()
        chart.setTitle("Events by date, by PLOVER category")
        self.timeline_series: dict[str, QScatterSeries] = {}
        self.timeline_points: dict[str, list[corpus.TimelinePoint]] = {}
        rows = {c: i for i, c in enumerate(t.categories)}
        order = [c.name for c in self.data.schema.categories]
        for category in t.categories:
            series = QScatterSeries()
            series.setName(category)
            series.setMarkerSize(13)
            color = QColor(SERIES_COLORS[order.index(category) % len(SERIES_COLORS)]
                           if category in order else "#666666")
            series.setColor(color)
            series.setBorderColor(color.darker(140))
            points = [p for p in t.points if p.category == category]
            # Several events of one category on one day: spread them a little up and down.
            seen: dict[str, int] = {}
            for p in points:
                k = seen.get(p.date, 0)
                seen[p.date] = k + 1
                offset = ((k + 1) // 2) * 0.14 * (1 if k % 2 else -1)  # 0, +, -, ++, --
                series.append(QPointF(_qdate(p.date).toMSecsSinceEpoch(), rows[category] + offset))
            series.clicked.connect(lambda point, c=category: self._timeline_clicked(c, point))
            self.timeline_series[category] = series
            self.timeline_points[category] = points
            chart.addSeries(series)
        x = QDateTimeAxis()
        x.setFormat("yyyy-MM-dd")
        x.setTitleText("date (the event's, else the document's)")
        if t.points:
            first, last = _qdate(t.points[0].date), _qdate(t.points[-1].date)
            span = max(2, first.daysTo(last))
            x.setRange(first.addDays(-max(1, span // 20)), last.addDays(max(1, span // 20)))
            x.setTickCount(6)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        y = QCategoryAxis()
        y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for category, i in rows.items():
            y.append(category, i)
        y.setRange(-0.6, max(0.6, len(rows) - 0.4))
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in self.timeline_series.values():
            series.attachAxis(x)
            series.attachAxis(y)
        chart.legend().setVisible(False)
        _style_chart(chart, self.palette())
        self.timeline_view.setChart(chart)
        verb = "is" if len(t.undated) == 1 else "are"
        self.undated_label.setText(
            f"   {count(len(t.undated), 'event')} without a date {verb} listed in the CSV only"
            if t.undated else ""
        )

    def _timeline_clicked(self, category: str, point: QPointF) -> None:
        """Open the event's trigger in the main window (and list it below)."""
        assert self.data is not None
        series = self.timeline_series[category]
        index = min(range(series.count()), key=lambda i: (series.at(i) - point).manhattanLength())
        p = self.timeline_points[category][index]
        self.passage_title.setText(f"{p.date} · {p.category} · {p.label} ({p.outlet})")
        passage = Passage(p.doc_id, p.start, p.end)
        self.passages.show_passages(self.data, [passage])
        self.open_passage(passage)

    def timeline_point_position(self, category: str, index: int) -> QPointF:
        """Viewport position of a timeline point (for tests)."""
        series = self.timeline_series[category]
        chart = self.timeline_view.chart()
        scene_point = chart.mapToPosition(series.at(index), series)
        return QPointF(self.timeline_view.mapFromScene(scene_point))

    # -- stories ------------------------------------------------------------------------------------

    def _show_stories(self) -> None:
        assert self.data is not None
        self.stories = corpus.story_clusters(self.data)
        self.story_tree.clear()
        for s in self.stories.stories:
            dates = s.first_date + (f" – {s.last_date}" if s.last_date != s.first_date else "")
            top = QTreeWidgetItem([s.title, ", ".join(s.outlets), dates, str(len(s.doc_ids))])
            top.setData(0, PASSAGE_ROLE, s)
            for doc_id in s.doc_ids:
                doc = self.data.docs[doc_id]
                child = QTreeWidgetItem([doc.title, self.data.outlet(doc_id), doc.date, ""])
                child.setData(0, PASSAGE_ROLE, Passage(doc_id))
                top.addChild(child)
            self.story_tree.addTopLevelItem(top)
            top.setExpanded(True)
        first = self.story_tree.topLevelItem(0)
        if first is not None:
            self.story_tree.setCurrentItem(first)

    def _story_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        assert self.data is not None
        value = item.data(0, PASSAGE_ROLE)
        if isinstance(value, corpus.Story):
            self.passage_title.setText(f"Story: {value.title} — {count(len(value.doc_ids), 'document')}")
            self.passages.show_passages(self.data, [Passage(d) for d in value.doc_ids])

    def _story_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        value = item.data(0, PASSAGE_ROLE)
        if isinstance(value, Passage):
            self.open_passage(value)
        elif isinstance(value, corpus.Story):
            self.compare_story(value)

    def compare_selected_story(self) -> None:
        item = self.story_tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is not None:
            self.compare_story(item.data(0, PASSAGE_ROLE))

    def compare_story(self, story: corpus.Story) -> QWidget:
        from annotator.gui.corpus.compare import CompareWindow

        self.compare_window = CompareWindow(self.main, story.doc_ids, story.title)
        self.compare_window.show()
        return self.compare_window

    # -- opening and exporting ----------------------------------------------------------------------

    def open_passage(self, passage: Passage) -> None:
        self.main.open_passage(passage.doc_id, passage.start, passage.end)
        self.main.raise_()
        self.main.activateWindow()

    def show_view(self, name: str) -> None:
        self.tabs.setCurrentIndex(VIEWS.index(name))

    def select_first(self) -> None:
        """List the passages of the current view's first mark, as if clicked (screenshots)."""
        if self.data is None:
            return
        view = VIEWS[self.tabs.currentIndex()]
        f = self.framing
        if view == "framing" and f.outlets:
            outlet = next((o for o in f.outlets if f.primary[o]), f.outlets[0])
            if f.primary[outlet]:
                self._frame_clicked(outlet, f.primary[outlet].most_common(1)[0][0], primary=True)
        elif view == "tone" and self.tone.cells:
            key = next(iter(sorted(self.tone.cells, key=lambda k: (k[1] is None, str(k)))))
            self._tone_clicked(self.tone_model.index(self.tone.outlets.index(key[0]),
                                                     [None, *self.tone.actors].index(key[1])))
        elif view == "actors" and self.actor_model.rowCount():
            self.actor_table.selectRow(0)
            self._actor_clicked(self.actor_model.index(0, 0))
        elif view == "network" and self.network and self.network.nodes:
            self._node_clicked(max(self.network.nodes, key=lambda a: self.network.nodes[a]))  # type: ignore[union-attr]
        elif view == "timeline" and self.timeline and self.timeline.points:
            p = self.timeline.points[-1]
            self.passage_title.setText(f"{p.date} · {p.category} · {p.label} ({p.outlet})")
            self.passages.show_passages(self.data, [Passage(p.doc_id, p.start, p.end)])
        elif view == "stories" and (first := self.story_tree.topLevelItem(0)) is not None:
            self._story_clicked(first)

    def export(self, panel: ChartPanel, fmt: str, scene: Any = None) -> Path | None:
        title = TAB_TITLES[panel.name]
        suffix = fmt.lower()
        filters = {"PNG": "PNG image (*.png)", "SVG": "SVG image (*.svg)", "CSV": "CSV table (*.csv)"}[fmt]
        path = self.main.dialogs.save_path(f"Export {title} as {fmt}",
                                           str(Path.home() / f"corpus-{panel.name}.{suffix}"), filters)
        if path is None:
            return None
        if path.suffix.lower() != f".{suffix}":
            path = path.with_suffix(f".{suffix}")
        try:
            if fmt == "CSV":
                write_csv(path, panel.rows() if panel.rows else [])
            elif fmt == "PNG":
                assert panel.exportable is not None
                write_png(path, panel.exportable)
            else:
                widget = None if scene is not None else panel.exportable
                write_svg(path, widget=widget, scene=scene, title=title)
        except AnnotatorError as exc:
            self.main.dialogs.error("Export failed", str(exc))
            return None
        self.statusBar().showMessage(f"Exported {title} to {path}", 8000)
        return path


def open_corpus_window(main: CorpusHost, view: str = "framing") -> CorpusWindow:
    """Open (or raise) the corpus window on one of its views."""
    existing = main.findChild(CorpusWindow, "corpusWindow")
    window = existing if existing is not None else CorpusWindow(main)
    window.reload()
    window.show_view(view)
    window.show()
    window.raise_()
    return window
