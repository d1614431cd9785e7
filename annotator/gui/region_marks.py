"""Marked regions in the reading pane: repeated lines and boilerplate greyed, and the analyst's
say over them (unmark, mark again: U, or the menu on the region; undone with Ctrl+Z).

The grey is a character format of the region's text (light grey ink on a faint grey ground,
from the palette, so it reads in the light and the dark theme), laid once when a document opens
and again on the one region that changes: the text itself is untouched (``toPlainText`` is the
stored text), and the scroll path of the pane (its span highlights) is not involved. A region
the analyst unmarked keeps only the faint ground, so that it can be found and marked again.

Spans are not made inside a marked region (``blocks``): the label keys say so in the status
bar instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QAction, QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from annotator.core.regions import Region, RegionKind
from annotator.gui.theme import blend, is_dark
from annotator.services.regions import SetRegionMarked, marked_region_at

if TYPE_CHECKING:
    from annotator.gui.reading_pane import ReadingPane
    from annotator.gui.window_protocols import RegionHost

KIND_WORDS = {RegionKind.REPEATED: "repeated line", RegionKind.BOILERPLATE: "site boilerplate"}


def region_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(ink, ground) of a marked region: the text faded towards the page, on a faint grey."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    ink = blend(text, base, 0.42 if is_dark(palette) else 0.45)
    grey = QColor("#9a9a9a")
    ground = blend(grey, base, 0.16 if is_dark(palette) else 0.14)
    return ink, ground


def format_regions(pane: ReadingPane, regions: list[Region], only: Region | None = None) -> None:
    """Lay the regions' formats on the pane's text (``only``: that one region, after a change)."""
    ink, ground = region_colors(pane.palette())
    offsets = pane.offsets
    doc = pane.document()
    for region in [only] if only is not None else regions:
        cursor = QTextCursor(doc)
        cursor.setPosition(offsets.to_utf16(region.start))
        cursor.setPosition(offsets.to_utf16(region.end), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(ground)
        if region.marked:
            fmt.setForeground(ink)
        cursor.setCharFormat(fmt)  # replaces the earlier format of the range (mark <-> unmark)


class _PaletteWatch(QObject):
    def __init__(self, pane: ReadingPane, changed: Callable[[], None]) -> None:
        super().__init__(pane)
        self._changed = changed
        pane.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._changed()
        return False


class RegionMarks:
    """The open document's regions: shown greyed, unmarked and marked again as commands."""

    def __init__(self, host: RegionHost) -> None:
        self.host = host
        self.pane = host.pane
        self.regions: list[Region] = []
        self.act_toggle = host.action(
            "Un&mark / mark repeated text", self.toggle_at_cursor, "U", "actionToggleRegion", True
        )
        # Light <-> dark: the grey follows the palette.
        self._watch = _PaletteWatch(self.pane, lambda: format_regions(self.pane, self.regions))

    def document_opened(self, doc_id: int) -> None:
        self.regions = self.host.store.regions.of_document(doc_id)
        if self.regions:
            format_regions(self.pane, self.regions)

    def refresh(self) -> None:
        """Read the open document's regions again and lay their formats (after a change)."""
        doc_id = self.host.doc_id
        if not doc_id:
            return
        self.regions = self.host.store.regions.of_document(doc_id)
        format_regions(self.pane, self.regions)

    def region_at(self, cp: int) -> Region | None:
        for region in self.regions:
            if region.start <= cp < region.end:
                return region
        return None

    def blocks(self, start: int, end: int) -> bool:
        """Whether a span at text[start:end] would lie in a marked region; if so, say so."""
        region = marked_region_at(self.regions, start, end)
        if region is None:
            return False
        self.host.statusBar().showMessage(
            f"This text is marked as a {KIND_WORDS[region.kind]} (greyed): no span is made there."
            " Unmark it first (U, or right-click > Unmark).",
            6000,
        )
        return True

    def toggle(self, region: Region) -> bool:
        doc_id = self.host.doc_id
        if not doc_id:
            return False
        done = self.host.run_command(SetRegionMarked(self.host.store, doc_id, region, not region.marked))
        if done:
            what = "unmarked: it counts again" if region.marked else "marked again: greyed"
            self.host.statusBar().showMessage(f"The {KIND_WORDS[region.kind]} is {what}.", 4000)
        return done

    def toggle_at_cursor(self) -> None:
        """U: unmark (or mark again) the region at the text cursor or the selection."""
        selection = self.pane.selection_codepoints(snap=False)
        cp = selection[0] if selection else self.pane.offsets.to_codepoint(
            self.pane.textCursor().position()
        )
        region = self.region_at(cp)
        if region is None:
            self.host.statusBar().showMessage(
                "No repeated line or boilerplate here: put the cursor in greyed text.", 4000
            )
            return
        self.toggle(region)

    def action_for(self, region: Region, parent: QObject) -> QAction:
        """The menu entry for ``region``: Unmark, or Mark again."""
        words = KIND_WORDS[region.kind]
        text = f"Unmark {words} (count it again)" if region.marked else f"Mark as {words} (grey it)"
        action = QAction(text, parent)
        action.setObjectName("actionRegionMenuToggle")
        action.triggered.connect(lambda _checked=False, r=region: self.toggle(r))
        return action

    def add_to_menu(self, menu: QMenu, global_pos: QPoint) -> bool:
        """Add the region entry for the text under ``global_pos``; whether there was one."""
        cp = self.pane.codepoint_at(self.pane.viewport().mapFromGlobal(global_pos))
        region = self.region_at(cp) if cp is not None else None
        if region is None:
            return False
        menu.addAction(self.action_for(region, menu))
        return True
