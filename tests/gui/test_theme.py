"""Light and dark appearance: pixels of the real window, and label colours that keep the text
readable on both."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.labels import default_labels
from annotator.gui.theme import (
    TEXT_CONTRAST,
    apply_theme,
    blend,
    contrast,
    current_theme,
    dark_palette,
    light_palette,
    mark_color,
    span_fill,
)


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme(qapp, "system")


@pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_every_label_fill_keeps_the_text_readable(qapp: QApplication, palette) -> None:  # type: ignore[no-untyped-def]
    pal = palette()
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    for label in default_labels():
        color = QColor(label.color)
        fill = span_fill(color, pal)
        shown = blend(color, base, fill.alphaF())
        assert contrast(text, shown) >= TEXT_CONTRAST, label.name
        # The fill is still visible: well away from the page colour (yellow on white is a hue
        # difference more than a lightness one, so this is a distance, not a contrast).
        distance = max(abs(shown.red() - base.red()), abs(shown.green() - base.green()),
                       abs(shown.blue() - base.blue()))
        assert distance >= 40, label.name
        assert contrast(mark_color(color, pal), base) >= 3.0, label.name


def _confirmed_span_pixels(window, qtbot):  # type: ignore[no-untyped-def]
    """Accept the first suggestion, and return (span, image of the viewport, its rects)."""
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_N)
    qtbot.keyClick(window.pane, Qt.Key.Key_Return)
    qtbot.keyClick(window.pane, Qt.Key.Key_Escape)  # no outline of the current span
    [span] = window.session.own_spans(window.doc_id)
    window.pane.refresh_highlights()
    QApplication.processEvents()
    image = window.pane.viewport().grab().toImage()
    rects = window.pane.span_rects(span.start, span.end)
    return span, image, rects


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_window_pixels_in_each_theme(open_window, qtbot, qapp, themed, seeded_db: Path, theme: str) -> None:  # type: ignore[no-untyped-def]
    apply_theme(qapp, theme)
    window, _dialogs = open_window(seeded_db)
    span, image, rects = _confirmed_span_pixels(window, qtbot)
    pal = window.pane.palette()
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    page = image.pixelColor(4, 4)  # the document margin
    if theme == "dark":
        assert page.lightness() < 60 and text.lightness() > 180
    else:
        assert page.lightness() > 230 and text.lightness() < 60
    # The most common colour inside the span's box is its fill; it matches the label colour
    # laid over the page, and the text on it keeps AA contrast.
    rect = rects[0].adjusted(2, 2, -2, -2)
    pixels = [
        image.pixelColor(x, y)
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    ]
    counts = Counter(p.rgb() for p in pixels)
    fill = QColor.fromRgb(counts.most_common(1)[0][0])
    label_color = QColor(window.labels.color(span.label))
    expected = blend(label_color, base, span_fill(label_color, pal).alphaF())
    assert abs(fill.red() - expected.red()) <= 3 and abs(fill.green() - expected.green()) <= 3
    assert abs(fill.blue() - expected.blue()) <= 3
    assert contrast(text, fill) >= TEXT_CONTRAST
    # The glyphs inside the span are drawn in the text colour, on the fill.
    extreme = (min if theme == "light" else max)(pixels, key=QColor.lightness)
    assert contrast(extreme, fill) >= TEXT_CONTRAST - 0.5
    # The rest of the window follows: the document list's background.
    viewport = window.doc_view.viewport()
    list_pixel = viewport.grab().toImage().pixelColor(5, viewport.height() - 5)
    assert (list_pixel.lightness() < 80) == (theme == "dark")


def test_appearance_menu_switches_and_remembers(open_window, qtbot, qapp, themed, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    window, _dialogs = open_window(seeded_db)
    dark = window.findChild(type(window.act_search), "actionTheme_dark")
    assert dark is not None
    dark.trigger()
    assert current_theme() == "dark"
    qtbot.waitUntil(lambda: window.pane.palette().color(QPalette.ColorRole.Base).lightness() < 60)
    assert window.qsettings.value("view/theme") == "dark"
    # The highlights were recoloured for the dark page without reopening the document.
    pal = window.pane.palette()
    for sel in window.pane.extraSelections():
        underline = sel.format.underlineColor()
        assert contrast(underline, pal.color(QPalette.ColorRole.Base)) >= 3.0
    system = window.findChild(type(window.act_search), "actionTheme_system")
    system.trigger()
    assert current_theme() == "system"
    qtbot.waitUntil(lambda: window.pane.palette().color(QPalette.ColorRole.Base).lightness() > 200)


def _runs(image, y: int, x1: int, x2: int, color: QColor) -> int:  # type: ignore[no-untyped-def]
    """How many separate stretches of pixels close to ``color`` row ``y`` has between x1 and x2."""
    runs, inside = 0, False
    for x in range(x1, x2):
        pixel = image.pixelColor(x, y)
        near = max(abs(pixel.red() - color.red()), abs(pixel.green() - color.green()),
                   abs(pixel.blue() - color.blue())) < 60
        runs += near and not inside
        inside = near
    return runs


def test_suggestions_are_underlined_dashed_in_the_text_as_in_the_legend(
    open_window, qtbot, seeded_db: Path
) -> None:
    window, _ = open_window(seeded_db)
    pane = window.pane
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Escape)  # no current span (its outline would cover the line)
    pane.refresh_highlights()
    QApplication.processEvents()
    # The longest suggestion on screen: its underline is a row of dashes, not one line.
    item = max(
        (i for i in pane.shown_spans() if i.suggestion and i.span.end < pane.visible_range()[1]),
        key=lambda i: i.span.end - i.span.start,
    )
    [rect] = pane.span_rects(item.span.start, item.span.end)[:1]
    image = pane.viewport().grab().toImage()
    color = mark_color(QColor(window.labels.color(item.span.label)), pane.palette())
    # The underline is the row with the most pixels of the label's mark colour.
    x1, x2 = rect.left() + 2, rect.right() - 2

    def marked(y: int) -> int:
        return sum(_runs(image, y, x, x + 1, color) for x in range(x1, x2))

    underline = max(range(rect.top(), rect.bottom() + 3), key=marked)
    assert marked(underline) > (x2 - x1) // 3  # an underline is there
    dashes = _runs(image, underline, x1, x2, color)
    assert dashes >= 3, f"{pane.text()[item.span.start:item.span.end]!r}: {dashes} stretch(es)"
    # The legend's mark of a suggestion is dashed too.
    legend = window.label_panel._legend_icons[0]
    assert legend.property("swatchKind") == "dashed"
