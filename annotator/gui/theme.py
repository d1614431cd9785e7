"""Light and dark appearance: the application palette, and label colours readable on both.

By default the application follows the system (Qt 6.5+ reports the system's colour scheme and
the platform supplies the palette). ``--theme light|dark`` (or View > Appearance) forces one: the
Fusion style with a fixed palette, which is also what makes screenshots and pixel tests
reproducible on any machine.

Label colours come from a palette designed for colour-blind readers (Okabe-Ito); they are never
drawn as they are over the text. A confirmed span's fill is the label colour laid over the page at
the strongest opacity that keeps the text's contrast at WCAG AA (4.5:1) at least; a suggestion's
underline is lightened or darkened until it stands out from the page (3:1, as for graphics).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory, QWidget

THEMES = ("system", "light", "dark")
TEXT_CONTRAST = 4.5  # WCAG AA for body text
MARK_CONTRAST = 3.0  # WCAG AA for graphical marks

_system_palette: QPalette | None = None
_system_style: str | None = None
_current = "system"


def current_theme() -> str:
    return _current


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG relative luminance (0 black .. 1 white)."""
    return 0.2126 * _channel(color.red()) + 0.7152 * _channel(color.green()) + 0.0722 * _channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (same) .. 21 (black on white)."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def ink(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(black, fill) >= contrast(white, fill) else white


def blend(top: QColor, bottom: QColor, alpha: float) -> QColor:
    """``top`` at opacity ``alpha`` over an opaque ``bottom``."""
    return QColor(
        round(top.red() * alpha + bottom.red() * (1 - alpha)),
        round(top.green() * alpha + bottom.green() * (1 - alpha)),
        round(top.blue() * alpha + bottom.blue() * (1 - alpha)),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def span_fill(label_color: QColor, palette: QPalette) -> QColor:
    """The translucent fill of a confirmed span: as strong as the text's contrast allows."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    alpha = 0.5 if is_dark(palette) else 0.45
    while alpha > 0.12 and contrast(text, blend(label_color, base, alpha)) < TEXT_CONTRAST:
        alpha -= 0.02
    fill = QColor(label_color)
    fill.setAlphaF(alpha)
    return fill


def mark_color(label_color: QColor, palette: QPalette) -> QColor:
    """The label colour adjusted to stand out from the page (underlines, chart marks)."""
    base = palette.color(QPalette.ColorRole.Base)
    color = QColor(label_color)
    dark = is_dark(palette)
    for _ in range(12):
        if contrast(color, base) >= MARK_CONTRAST:
            break
        color = color.lighter(115) if dark else color.darker(115)
    return color


def dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    values = {
        roles.Window: "#2b2d30",
        roles.WindowText: "#dfe1e5",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#2b2d30",
        roles.ToolTipText: "#dfe1e5",
        roles.PlaceholderText: "#8c8f94",
        roles.Text: "#dfe1e5",
        roles.Button: "#33363a",
        roles.ButtonText: "#dfe1e5",
        roles.BrightText: "#ffffff",
        roles.Light: "#45484d",
        roles.Midlight: "#3a3d41",
        roles.Mid: "#2f3135",
        roles.Dark: "#191a1c",
        roles.Shadow: "#000000",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#78aef8",
        roles.LinkVisited: "#b392f0",
    }
    for role, value in values.items():
        p.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(disabled, role, QColor("#74777c"))
    return p


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def apply_theme(app: QApplication, theme: str) -> None:
    """Follow the system (``"system"``) or force ``"light"`` or ``"dark"``."""
    global _system_palette, _system_style, _current
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; valid: {', '.join(THEMES)}")
    _current = theme
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
        _system_style = app.style().name()
    hints = QGuiApplication.styleHints()
    if theme == "system":
        if hasattr(hints, "unsetColorScheme"):  # Qt 6.8+
            hints.unsetColorScheme()
        if _system_style:
            app.setStyle(_system_style)
        app.setPalette(_system_palette)
        return
    if hasattr(hints, "setColorScheme"):  # native dialogs and title bars follow too
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else light_palette())


THEME_KEY = "view/theme"


def stored_theme(qsettings: QSettings) -> str:
    value = qsettings.value(THEME_KEY, "system")
    return value if isinstance(value, str) and value in THEMES else "system"


def appearance_menu(parent: QWidget, qsettings: QSettings) -> QMenu:
    """View > Appearance: System / Light / Dark, applied at once and remembered."""
    menu = QMenu("&Appearance", parent)
    menu.setObjectName("appearanceMenu")
    group = QActionGroup(menu)
    for theme in THEMES:
        action = QAction(theme.title(), menu)
        action.setObjectName(f"actionTheme_{theme}")
        action.setCheckable(True)
        action.setChecked(theme == _current)
        group.addAction(action)
        menu.addAction(action)

        def choose(_checked: bool = False, theme: str = theme) -> None:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, theme)
            qsettings.setValue(THEME_KEY, theme)

        action.triggered.connect(choose)
    return menu
