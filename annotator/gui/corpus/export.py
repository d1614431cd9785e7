"""Exports of the corpus views: every chart as PNG and SVG, every table as CSV.

PNG is a grab of the widget at its size on screen (scaled by the device pixel ratio); SVG renders
the same widget or scene through ``QSvgGenerator``, so bars, points, nodes and text stay vectors.
CSV files are written by ``csv`` in UTF-8 with a BOM, which spreadsheet programs read correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene, QWidget

from annotator.core.errors import AnnotatorError
from annotator.formats.atomic import atomic_write


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> None:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    _write_text(path, "\ufeff" + buffer.getvalue())


def _write_text(path: Path, content: str) -> None:
    try:
        with atomic_write(path, overwrite=True) as handle:
            handle.write(content)
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def write_png(path: Path, widget: QWidget) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise AnnotatorError(f"{path}: could not write the image")


def write_svg(path: Path, widget: QWidget | None = None, scene: QGraphicsScene | None = None,
              title: str = "") -> None:
    """A widget (a chart view, a table) or a whole graphics scene as SVG."""
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setTitle(title)
    generator.setDescription("made by annotator")
    if scene is not None:
        rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        size = rect.size().toSize()
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        painter = QPainter(generator)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
        finally:
            painter.end()
    elif widget is not None:
        size = widget.size() if widget.size().isValid() else QSize(800, 600)
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        painter = QPainter(generator)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            # QWidget's render, also for graphics views (whose own render takes rectangles).
            QWidget.render(widget, painter, QPoint(0, 0))
        finally:
            painter.end()
    else:
        raise ValueError("write_svg needs a widget or a scene")
    if not path.exists() or path.stat().st_size == 0:
        raise AnnotatorError(f"{path}: could not write the image")
