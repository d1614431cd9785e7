"""The actor co-occurrence network drawn on a QGraphicsScene.

The layout is networkx's force-directed ``spring_layout`` (Fruchterman-Reingold) with edge
weights, seeded so that the same data always gives the same picture, scaled to the number of
actors so that a few hundred stay apart. Node area follows mentions, colour the actor's kind;
edge width follows the number of documents, sentences or events that link two actors. Names are
written for the most mentioned actors (all of them up to ``MAX_LABELS``), the rest on hover.
A click on a node or an edge reports it; the window lists the passages.
"""

from __future__ import annotations

import math

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from annotator.gui.plain import plain_tip
from annotator.gui.theme import is_dark
from annotator.gui.wording import count
from annotator.services.corpus import Network

MAX_LABELS = 40
# Okabe-Ito colours by actor kind (colour-blind safe).
KIND_COLORS = {
    "person": "#E69F00",
    "organization": "#56B4E9",
    "state": "#009E73",
    "armed_group": "#D55E00",
    "media": "#CC79A7",
    "other": "#999999",
}
NODE_ROLE = 0  # item data key: ("node", actor id) or ("edge", a, b)


class NetworkView(QGraphicsView):
    nodeClicked = Signal(int)  # actor id
    edgeClicked = Signal(int, int)  # actor ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.network: Network | None = None
        self.positions: dict[int, tuple[float, float]] = {}
        self.node_items: dict[int, QGraphicsEllipseItem] = {}
        self.edge_items: dict[tuple[int, int], QGraphicsLineItem] = {}

    def set_network(self, network: Network) -> None:
        self.network = network
        scene = self.scene()
        scene.clear()
        self.node_items.clear()
        self.edge_items.clear()
        if not network.nodes:
            text = scene.addSimpleText(
                "No actor mentions yet: link mentions to actors to see who appears with whom."
            )
            text.setBrush(self.palette().color(QPalette.ColorRole.Text))
            return
        graph = nx.Graph()
        graph.add_nodes_from(sorted(network.nodes))
        for edge in network.edges:
            graph.add_edge(edge.a, edge.b, weight=float(edge.weight))
        n = graph.number_of_nodes()
        side = 260 + 90 * math.sqrt(n)  # room grows with the number of actors
        raw = nx.spring_layout(graph, weight="weight", seed=7, k=1.6 / math.sqrt(n), iterations=200)
        self.positions = {a: (float(x) * side, float(y) * side) for a, (x, y) in raw.items()}
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.Text)
        dark = is_dark(palette)
        heaviest = max((e.weight for e in network.edges), default=1)
        for edge in network.edges:
            (x1, y1), (x2, y2) = self.positions[edge.a], self.positions[edge.b]
            line = scene.addLine(x1, y1, x2, y2)
            color = QColor(text_color)
            color.setAlphaF(0.25 + 0.45 * edge.weight / heaviest)
            line.setPen(QPen(color, 1 + 5 * edge.weight / heaviest))
            line.setZValue(0)
            line.setData(NODE_ROLE, ("edge", edge.a, edge.b))
            line.setToolTip(plain_tip(f"{network.names[edge.a]} — {network.names[edge.b]}: "
                                      f"{count(edge.weight, network.unit)}"))
            line.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            self.edge_items[(edge.a, edge.b)] = line
        most = max(network.nodes.values())
        labelled = set(sorted(network.nodes, key=lambda a: -network.nodes[a])[:MAX_LABELS])
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9) + 2)
        bold = QFont(font)
        bold.setBold(True)
        top = set(sorted(network.nodes, key=lambda a: -network.nodes[a])[:5])
        for actor, mentions in network.nodes.items():
            radius = 6 + 22 * math.sqrt(mentions / most)
            x, y = self.positions[actor]
            node = scene.addEllipse(QRectF(x - radius, y - radius, 2 * radius, 2 * radius))
            fill = QColor(KIND_COLORS.get(network.kinds.get(actor, "other"), "#999999"))
            node.setBrush(QBrush(fill))
            node.setPen(QPen(QColor("#202020") if not dark else QColor("#f0f0f0"), 1.2))
            node.setZValue(2)
            node.setData(NODE_ROLE, ("node", actor))
            node.setToolTip(plain_tip(f"{network.names[actor]}: {count(mentions, 'mention')}"))
            node.setCursor(Qt.CursorShape.PointingHandCursor)
            self.node_items[actor] = node
            if actor in labelled:
                label = QGraphicsSimpleTextItem(network.names[actor])
                label.setFont(bold if actor in top else font)
                label.setBrush(text_color)
                label.setPos(x + radius + 3, y - label.boundingRect().height() / 2)
                label.setZValue(3)
                label.setData(NODE_ROLE, ("node", actor))
                scene.addItem(label)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        self.fit()

    def fit(self) -> None:
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def node_position(self, actor: int) -> QPointF:
        """Where an actor's node is, in viewport coordinates (for tests and tours)."""
        x, y = self.positions[actor]
        return QPointF(self.mapFromScene(QPointF(x, y)))

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        item = self.itemAt(event.position().toPoint())
        data = item.data(NODE_ROLE) if item is not None else None
        if not data:
            return
        if data[0] == "node":
            self.nodeClicked.emit(int(data[1]))
        elif data[0] == "edge":
            self.edgeClicked.emit(int(data[1]), int(data[2]))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self.fit()
