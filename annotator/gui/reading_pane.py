"""The reading pane: the article as read-only plain text, with spans drawn as decorations.

The text is set once with ``setPlainText`` (article text is data, never markup). Highlights are
``ExtraSelection``s built only for the spans on screen, looked up in an interval index, and rebuilt
when the view scrolls or the spans change — never an edit of the document, never the whole text.
Model suggestions get a dashed underline in the label's colour; the analyst's spans a solid fill;
the current span an outline.

Spans belong to layers that can be shown or hidden: entities (filled), actor links (an entity
span linked to a canonical actor is also underlined, and its tooltip names the actor), event
triggers (bold, wavy underline) and framing evidence (dotted underline). Nested and overlapping
spans stay visible (longer ones are drawn first) and clickable: a click picks the innermost span,
a second click at the same place the next one out. The selected event's trigger and arguments are
boxed and tagged with their role (``set_event_marks``); a tag goes above or below its box where
that covers no text, else only the tooltip names the role.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import NamedTuple, cast

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.direction import is_rtl
from annotator.core.labels import LabelSet
from annotator.core.model import Span
from annotator.core.text import snap_to_words
from annotator.gui.offsets import OffsetMap
from annotator.gui.plain import plain_tip
from annotator.gui.theme import mark_color, span_fill

# How much of the text beyond the viewport gets highlights too, so that a scroll of a few lines
# needs no rebuild. Kept small: Qt paints each highlight on screen by drawing its text again, so
# a page scroll costs the highlights of one screen, built and painted (see bench/, "scroll").
MARGIN_CHARS = 400
# Once the window is idle after a scroll, the highlights are built one screen further each way
# (highlights off screen are never painted), so that the next page up or down needs no rebuild
# while the analyst waits: a page scroll then costs Qt's painting only.
AHEAD_SCREENS = 1

# Layers the analyst can show or hide, and the span layers each one covers ("actor" is the mark of
# entity spans linked to an actor).
LAYERS = ("entity", "actor", "event", "frame")
LAYER_OF = {"entity": "entity", "event": "event", "frame": "frame", "persuasion": "frame"}
EVENT_COLOR = "#D55E00"  # Okabe-Ito vermillion
FRAME_COLOR = "#0072B2"  # Okabe-Ito blue
PERSUASION_COLOR = "#CC79A7"  # Okabe-Ito reddish purple


class ShownSpan(NamedTuple):
    """A span as the pane shows it: the analyst's own, or a model's suggestion.

    A named tuple rather than a dataclass: a long article has tens of thousands of them, and a
    tuple is made several times faster.
    """

    span: Span
    suggestion: bool


def _order(item: ShownSpan) -> tuple[int, int]:
    return (item.span.start, -item.span.end)


class SpanIndex:
    """Spans sorted by start, for 'which spans touch [a, b)' queries in O(log n + k).

    ``replace`` swaps the spans starting in a range for new ones in place, so that an edit costs
    the size of that range, not of the document.
    """

    def __init__(self, spans: list[ShownSpan]) -> None:
        self.items = sorted(spans, key=_order)
        self.starts = [s.span.start for s in self.items]
        self.max_len = max((s.span.end - s.span.start for s in self.items), default=0)

    def replace(self, a: int, b: int, new: list[ShownSpan]) -> list[ShownSpan]:
        """Put ``new`` (all starting in ``[a, b)``) in place of the items starting there; return
        the items taken out."""
        self.max_len = max(self.max_len, max((s.span.end - s.span.start for s in new), default=0))
        lo = bisect_left(self.starts, a)
        hi = bisect_left(self.starts, b, lo)
        old = self.items[lo:hi]
        window = sorted(new, key=_order)
        self.items[lo:hi] = window
        self.starts[lo:hi] = [item.span.start for item in window]
        return old

    def replace_suggestions(self, keys: set[tuple[int, int]], new: list[ShownSpan]) -> list[ShownSpan]:
        """Put ``new`` (suggestions, each with offsets among ``keys``) in place of the
        suggestions with offsets among ``keys``, start by start: a reject touches a few places
        of a long document, not its every span. Returns the items taken out."""
        self.max_len = max(self.max_len, max((s.span.end - s.span.start for s in new), default=0))
        coming: dict[int, list[ShownSpan]] = {}
        for item in new:
            coming.setdefault(item.span.start, []).append(item)
        removed: list[ShownSpan] = []
        items, starts = self.items, self.starts
        for start in sorted({a for a, _b in keys} | coming.keys()):
            lo = bisect_left(starts, start)
            hi = bisect_right(starts, start, lo)
            kept = []
            for item in items[lo:hi]:
                if item.suggestion and (item.span.start, item.span.end) in keys:
                    removed.append(item)
                else:
                    kept.append(item)
            # Stable: at the same offsets the analyst's spans stay first, as a reload puts them.
            window = sorted(kept + coming.get(start, []), key=_order)
            items[lo:hi] = window
            starts[lo:hi] = [start] * len(window)
        return removed

    def __len__(self) -> int:
        return len(self.items)

    def overlapping(self, a: int, b: int) -> list[ShownSpan]:
        i = bisect_left(self.starts, a - self.max_len)
        out = []
        items, starts = self.items, self.starts
        n = len(items)
        while i < n and starts[i] < b:
            if items[i].span.end > a:
                out.append(items[i])
            i += 1
        return out

    def at(self, cp: int) -> list[ShownSpan]:
        """Spans containing code point ``cp``, innermost (shortest) first."""
        hits = self.overlapping(cp, cp + 1)
        return sorted(hits, key=lambda s: (s.span.end - s.span.start, s.suggestion))


class ReadingPane(QPlainTextEdit):
    spanClicked = Signal(object, QPoint)  # ShownSpan, global position
    contextRequested = Signal(object, QPoint)  # ShownSpan | None, global position
    currentChanged = Signal(object)  # ShownSpan | None

    def __init__(self, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.labels = labels
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setCenterOnScroll(False)
        self.setUndoRedoEnabled(False)
        self.document().setDocumentMargin(18)
        self._text = ""
        self._map = OffsetMap("")
        self._index = SpanIndex([])
        self._current: ShownSpan | None = None
        self._show_suggestions = True
        self._press_pos: QPoint | None = None
        self._highlighted_range = (0, 0)
        self._ahead = False  # building the wider window of idle time (``_build_ahead``)
        self._ahead_timer = QTimer(self)
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.setInterval(0)
        self._ahead_timer.timeout.connect(self._build_ahead)
        # span -> its highlight's cursor (a read-only text never moves them; cleared with the text)
        self._cursors: dict[tuple[int, int], QTextCursor] = {}
        # Spans of the first screen only, until ``complete_spans`` loads the rest (see
        # ``set_first_spans``): the range they cover, and the loader of the rest.
        self._partial = 0  # the first screen's spans: those starting before this offset
        self._pending: Callable[[], None] | None = None
        self._formats: dict[tuple[str, bool, str, bool, bool], QTextCharFormat] = {}
        self._hidden_layers: set[str] = set()
        self._actor_names: dict[int, str] = {}  # span id -> name of the actor it mentions
        self._attributes: dict[int, dict[str, str]] = {}  # span id -> another tool's attributes
        self._event_marks: list[tuple[int, int, str]] = []  # (start, end, tag): the selected event
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.set_font_size(12)

    # -- content -------------------------------------------------------------------------------

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(max(7, min(points, 40)))
        self.setFont(font)
        self.refresh_highlights()

    def font_size(self) -> int:
        return self.font().pointSize()

    def set_bottom_margin(self, height: int) -> None:
        """Keep ``height`` pixels at the foot of the pane free of text (a card shown there, such
        as the guided tour's): the text scrolls above it, none is hidden under it."""
        if self.viewportMargins().bottom() != height:
            self.setViewportMargins(0, 0, 0, height)
            self.refresh_highlights()

    def set_text(self, text: str, lang: str = "") -> None:
        """Show a document's text; ``lang`` (ISO 639-1) decides its direction when known."""
        self._text = text
        self._map = OffsetMap(text)
        self._current = None
        self._index = SpanIndex([])
        self._pending = None
        self._actor_names = {}
        self._attributes = {}
        self._event_marks = []
        self._cursors = {}
        self.setExtraSelections([])
        self._set_direction(is_rtl(text, lang))
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _set_direction(self, rtl: bool) -> None:
        """Right to left: right-aligned paragraphs, bidi runs ordered for Arabic and Persian.
        (The plain-text layout takes one text option for the whole document.)"""
        option = self.document().defaultTextOption()
        if rtl:
            option.setTextDirection(Qt.LayoutDirection.RightToLeft)
            option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        else:
            option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
            option.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        self.document().setDefaultTextOption(option)

    def is_rtl(self) -> bool:
        return self.document().defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft

    def text(self) -> str:
        return self._text

    def set_spans(self, own: list[Span], suggestions: list[Span]) -> None:
        """All the document's spans: the analyst's own and the pending suggestions."""
        self._pending = None
        shown = [ShownSpan(s, False) for s in own]
        shown += [ShownSpan(s, True) for s in suggestions]
        self._index = SpanIndex(shown)
        if self._current is not None:
            self._current = self._find_same(self._current)
        self.refresh_highlights()

    def first_screen(self) -> tuple[int, int]:
        """Where the spans the first screen needs start: from the top of the text to the end of
        what is visible, with the margin. (A document opens at its top.)"""
        return 0, self._highlight_window()[1]

    def set_first_spans(
        self,
        starting: tuple[int, int],
        own: list[Span],
        suggestions: list[Span],
        load_rest: Callable[[], None],
    ) -> None:
        """Only the spans starting in ``starting`` (``first_screen``), so that a long document
        paints at once. ``load_rest`` must end with ``set_spans`` of all the spans; it runs at
        the latest when anything needs a span past the first screen (``complete_spans``)."""
        assert starting[0] == 0, "the first screen starts at the top"
        self.set_spans(own, suggestions)
        self._partial = starting[1]
        self._pending = load_rest

    def loaded_until(self) -> int:
        """While only some spans are loaded: those starting before this offset are."""
        return self._partial if self._pending is not None else len(self._text)

    def extend_first_spans(self, until: int, own: list[Span], suggestions: list[Span]) -> bool:
        """Add the spans starting in ``[loaded_until(), until)``; True once every span is in."""
        if self._pending is None:
            return True
        new = [ShownSpan(s, False) for s in own] + [ShownSpan(s, True) for s in suggestions]
        self._index.replace(self._partial, until, new)
        self._partial = until
        if until >= len(self._text):
            self._pending = None
        return self._pending is None

    def spans_complete(self) -> bool:
        return self._pending is None

    def complete_spans(self) -> None:
        """Load the spans ``set_first_spans`` left out, if any are still missing."""
        if self._pending is not None:
            load, self._pending = self._pending, None
            load()

    def _full_index(self) -> SpanIndex:
        self.complete_spans()
        return self._index

    def update_spans(
        self, starting: tuple[int, int], own: list[Span], suggestions: list[Span]
    ) -> tuple[list[ShownSpan], list[ShownSpan]]:
        """Put these spans (all starting in ``starting``) in place of those starting there: an
        edit reloads what it touched, not the whole document. Returns (removed, added)."""
        assert self._pending is None, "complete the spans first"
        a, b = starting
        new = [ShownSpan(s, False) for s in own] + [ShownSpan(s, True) for s in suggestions]
        old = self._index.replace(a, b, new)
        if self._current is not None:
            self._current = self._find_same(self._current)
        self.refresh_highlights()
        return old, new

    def suggestions_labelled(self, labels: set[str]) -> list[Span]:
        """The suggestions shown with one of these labels, of the spans loaded so far (no load
        of the rest)."""
        return [i.span for i in self._index.items if i.suggestion and i.span.label in labels]

    def replace_suggestions(self, keys: set[tuple[int, int]], suggestions: list[Span]) -> None:
        """Put these ``suggestions`` in place of those shown with offsets among ``keys`` (what
        a reject or its undo changes), the other spans untouched. While only some spans are
        loaded, ``keys`` and ``suggestions`` must lie before ``loaded_until``."""
        self._index.replace_suggestions(keys, [ShownSpan(s, True) for s in suggestions])
        if self._current is not None:
            self._current = self._find_same(self._current)
        self.refresh_highlights()

    def spans_matching(self, start: int, end: int) -> list[ShownSpan]:
        """The shown spans with exactly these offsets (the analyst's first)."""
        hits = [
            i for i in self._full_index().overlapping(start, end)
            if (i.span.start, i.span.end) == (start, end)
        ]
        return sorted(hits, key=lambda i: i.suggestion)

    def _find_same(self, old: ShownSpan) -> ShownSpan | None:
        for item in self._index.overlapping(old.span.start, old.span.end):
            if item.span.id == old.span.id and item.suggestion == old.suggestion:
                return item
        for item in self._index.overlapping(old.span.start, old.span.end):
            if (item.span.start, item.span.end) == (old.span.start, old.span.end):
                return item
        return None

    def shown_spans(self) -> list[ShownSpan]:
        return list(self._full_index().items)

    def set_show_suggestions(self, show: bool) -> None:
        self._show_suggestions = show
        self.refresh_highlights()

    # -- layers, actor links, event marks ---------------------------------------------------------

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide a layer (one of ``LAYERS``)."""
        if visible:
            self._hidden_layers.discard(layer)
        else:
            self._hidden_layers.add(layer)
        self.refresh_highlights()

    def layer_visible(self, layer: str) -> bool:
        return layer not in self._hidden_layers

    def set_actor_links(self, names: dict[int, str]) -> None:
        """{span id: actor name} of the open document's actor mentions."""
        self._actor_names = dict(names)
        self.refresh_highlights()

    def actor_of(self, item: ShownSpan) -> str:
        """The name of the actor a span mentions, or ""."""
        if item.suggestion or item.span.id is None:
            return ""
        return self._actor_names.get(item.span.id, "")

    def set_event_marks(self, marks: list[tuple[int, int, str]], reveal: bool = False) -> None:
        """Box these ranges, each tagged (the selected event's trigger and arguments)."""
        self._event_marks = sorted(marks)
        if marks and reveal:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._map.to_utf16(min(m[0] for m in marks)))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.viewport().update()

    def event_marks(self) -> list[tuple[int, int, str]]:
        return list(self._event_marks)

    def marks_at(self, viewport_pos: QPoint) -> list[str]:
        """The roles of the selected event's marks under a point of the viewport."""
        return [tag for start, end, tag in self._event_marks
                if tag and any(r.contains(viewport_pos) for r in self.span_rects(start, end))]

    def _shown(self, item: ShownSpan) -> bool:
        if item.suggestion:
            return self._show_suggestions
        layer = LAYER_OF.get(item.span.layer, item.span.layer)
        if layer not in self._hidden_layers:
            return True
        # An actor mention stays visible (underlined) with the actor layer, entities hidden.
        return layer == "entity" and "actor" not in self._hidden_layers and item.span.id in self._actor_names

    @property
    def offsets(self) -> OffsetMap:
        return self._map

    # -- current span ---------------------------------------------------------------------------

    @property
    def current(self) -> ShownSpan | None:
        return self._current

    def set_current(self, item: ShownSpan | None, reveal: bool = True) -> None:
        self._current = item
        if item is not None and reveal:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._map.to_utf16(item.span.start))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.refresh_highlights()
        self.viewport().update()
        self.currentChanged.emit(item)

    def step_suggestion(self, forward: bool) -> ShownSpan | None:
        """Make the next (or previous) suggestion after the current position current."""
        items = [i for i in self._full_index().items if i.suggestion]
        if not items:
            return None
        if self._current is not None:
            here = (self._current.span.start, self._current.span.end)
        else:
            pos = self._map.to_codepoint(self.textCursor().position())
            here = (pos, pos) if forward else (pos, pos)
        if forward:
            after = [i for i in items if (i.span.start, i.span.end) > here]
            target = after[0] if after else items[0]
        else:
            before = [i for i in items if (i.span.start, i.span.end) < here]
            target = before[-1] if before else items[-1]
        self.set_current(target)
        return target

    # -- selection ------------------------------------------------------------------------------

    def selection_codepoints(self, snap: bool = True) -> tuple[int, int] | None:
        """The selection as code-point offsets (snapped to whole words), or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._map.to_codepoint(cursor.selectionStart())
        end = self._map.to_codepoint(cursor.selectionEnd())
        if snap:
            start, end = snap_to_words(self._text, start, end)
        if start >= end:
            return None
        return start, end

    def select_codepoints(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def codepoint_at(self, viewport_pos: QPoint) -> int | None:
        cursor = self.cursorForPosition(viewport_pos)
        rect = self.cursorRect(cursor)
        # cursorForPosition snaps to the nearest character even far right of a line's end.
        if abs(rect.center().y() - viewport_pos.y()) > rect.height():
            return None
        pos = cursor.position()
        # The cursor sits between characters: take the character under the mouse.
        left = self.cursorRect(cursor).left()
        if viewport_pos.x() < left and pos > 0:
            pos -= 1
        cp = self._map.to_codepoint(pos)
        if cp >= len(self._text):
            return None
        return cp

    def spans_at(self, viewport_pos: QPoint) -> list[ShownSpan]:
        cp = self.codepoint_at(viewport_pos)
        if cp is None:
            return []
        return [s for s in self._full_index().at(cp) if self._shown(s)]

    # -- drawing --------------------------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        """Code-point range on screen."""
        top = self.cursorForPosition(QPoint(0, 0)).position()
        vp = self.viewport()
        bottom = self.cursorForPosition(QPoint(vp.width(), vp.height())).position()
        return self._map.to_codepoint(top), self._map.to_codepoint(bottom)

    def _format(self, item: ShownSpan) -> QTextCharFormat:
        linked = bool(self.actor_of(item)) and "actor" not in self._hidden_layers
        filled = "entity" not in self._hidden_layers
        key = (item.span.label, item.suggestion, item.span.layer, linked, filled)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._make_format(item, linked, filled)
        return fmt

    def _make_format(self, item: ShownSpan, linked: bool = False, filled: bool = True) -> QTextCharFormat:
        # Colours adapt to the palette (light or dark) so the text keeps its contrast.
        fmt = QTextCharFormat()
        color = QColor(self.labels.color(item.span.label))
        palette = self.palette()
        layer = item.span.layer
        if not item.suggestion and layer in ("event", "frame", "persuasion"):
            color = QColor({"event": EVENT_COLOR, "frame": FRAME_COLOR}.get(layer, PERSUASION_COLOR))
            faint = QColor(color)
            faint.setAlpha(28)
            fmt.setBackground(faint)
            fmt.setFontUnderline(True)
            fmt.setUnderlineColor(mark_color(color, palette))
            if layer == "event":
                fmt.setFontWeight(QFont.Weight.Bold)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            else:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            return fmt
        if linked:
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(palette.color(QPalette.ColorRole.Text))
            if not filled:
                return fmt
        if item.suggestion:
            # (Not setFontUnderline(True) after this: it sets the style back to a solid line.)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(mark_color(color, palette))
            faint = QColor(color)
            faint.setAlpha(40)
            fmt.setBackground(faint)
        else:
            fmt.setBackground(span_fill(color, palette))
        return fmt

    def _highlight_window(self) -> tuple[int, int]:
        """The screen and a small margin each side. The highlights are rebuilt before the
        scrolled screen is painted, so no scroll ever shows bare text. In idle time
        (``_build_ahead``), a screen more each way."""
        a, b = self.visible_range()
        if self._ahead:
            screen = (b - a) * AHEAD_SCREENS
            a, b = a - screen, b + screen
            if self._pending is not None:  # not past the spans loaded so far
                b = min(b, self._partial)
        return max(0, a - MARGIN_CHARS), min(len(self._text), b + MARGIN_CHARS)

    def _scrolled(self) -> None:
        """Rebuild the highlights only when the screen leaves the range they were built for;
        then, once idle, build them ahead."""
        a, b = self.visible_range()
        built_a, built_b = self._highlighted_range
        if not (built_a <= a and b <= built_b):
            self.refresh_highlights()
        self._ahead_timer.start()

    def _build_ahead(self) -> None:
        """The highlights of a screen above and below too (the window is idle: see
        ``AHEAD_SCREENS``)."""
        if not self._text:
            return
        self._ahead = True
        try:
            self.refresh_highlights()
        finally:
            self._ahead = False

    def refresh_highlights(self) -> None:
        if not self._text:
            self._highlighted_range = (0, 0)
            self.setExtraSelections([])
            return
        a, b = self._highlight_window()
        self._highlighted_range = (a, b)
        # Before the rest is loaded, the first screen's spans are enough for what ends before
        # the last offset they were loaded up to.
        index = self._index if (self._pending and b <= self._partial) else self._full_index()
        items = [i for i in index.overlapping(a, b) if self._shown(i)]
        # Longer spans first so nested shorter ones are drawn on top and stay visible.
        items.sort(key=lambda i: (-(i.span.end - i.span.start), not i.suggestion))
        selections = []
        cursors = self._cursors
        for item in items:
            sel = QTextEdit.ExtraSelection()
            key = (item.span.start, item.span.end)
            cursor = cursors.get(key)
            if cursor is None:
                cursor = cursors[key] = QTextCursor(self.document())
                cursor.setPosition(self._map.to_utf16(item.span.start))
                cursor.setPosition(self._map.to_utf16(item.span.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = self._format(item)
            selections.append(sel)
        self.setExtraSelections(selections)

    def highlighted_range(self) -> tuple[int, int]:
        return self._highlighted_range

    def span_rects(self, start: int, end: int) -> list[QRect]:
        """Viewport rectangles covering text[start:end], one per visual line."""
        rects: list[QRect] = []
        doc = self.document()
        u_start, u_end = self._map.to_utf16(start), self._map.to_utf16(end)
        block = doc.findBlock(u_start)
        offset = self.contentOffset()
        while block.isValid() and block.position() <= u_end:
            layout = block.layout()
            geom = self.blockBoundingGeometry(block).translated(offset)
            for li in range(layout.lineCount()):
                line = layout.lineAt(li)
                l_start = block.position() + line.textStart()
                l_end = l_start + line.textLength()
                s, e = max(u_start, l_start), min(u_end, l_end)
                if s >= e:
                    continue
                # PySide6 returns (x, position) where its stubs say ``object``.
                x1 = cast(tuple[float, int], line.cursorToX(s - block.position()))[0]
                x2 = cast(tuple[float, int], line.cursorToX(e - block.position()))[0]
                r = line.rect()
                rects.append(
                    QRect(
                        int(geom.left() + x1) - 1,
                        int(geom.top() + r.top()),
                        int(x2 - x1) + 2,
                        int(r.height()),
                    )
                )
            block = block.next()
        return rects

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().paintEvent(event)
        if self._current is None and not self._event_marks:
            return
        painter = QPainter(self.viewport())
        if self._event_marks:
            self._paint_event_marks(painter)
        if self._current is not None:
            pen = QPen(self.palette().color(QPalette.ColorRole.Text))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self.span_rects(self._current.span.start, self._current.span.end):
                painter.drawRect(rect)
        painter.end()

    def _paint_event_marks(self, painter: QPainter) -> None:
        """Boxes round the selected event's trigger (solid) and arguments (dashed), each with a
        small tag naming its role (``tag_boxes``)."""
        color = mark_color(QColor(EVENT_COLOR), self.palette())
        a, b = self.visible_range()
        for start, end, tag in self._event_marks:
            if end < a or start > b + 1:
                continue
            pen = QPen(color)
            pen.setWidth(2)
            pen.setStyle(Qt.PenStyle.SolidLine if tag == "trigger" else Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self.span_rects(start, end):
                painter.drawRect(rect.adjusted(-1, -1, 1, 1))
        painter.setFont(self._tag_font())
        for box, tag in self.tag_boxes():
            painter.fillRect(box, color)
            painter.setPen(self.palette().color(QPalette.ColorRole.Base))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, tag)

    def _tag_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.62))
        font.setBold(True)
        return font

    def text_line_rects(self) -> list[QRect]:
        """Viewport rectangles of the text of each visual line on screen (to its last glyph)."""
        rects: list[QRect] = []
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid():
            geom = self.blockBoundingGeometry(block).translated(offset)
            if geom.top() > height:
                break
            layout = block.layout()
            for li in range(layout.lineCount()):
                line = layout.lineAt(li)
                if line.textLength() and line.naturalTextWidth() > 0:
                    r = line.naturalTextRect()
                    rects.append(QRect(int(geom.left() + r.left()), int(geom.top() + r.top()),
                                       int(r.width()) + 1, int(r.height())))
            block = block.next()
        return rects

    def tag_boxes(self) -> list[tuple[QRect, str]]:
        """Where each role tag of the selected event goes: above its first line, else below its
        last, wherever that covers no text (nor another tag). A tag with no free place is not
        drawn (its box and the span's tooltip still say the role): a tag never hides a word."""
        metrics = QFontMetrics(self._tag_font())
        taken = self.text_line_rects()
        placed: list[tuple[QRect, str]] = []
        a, b = self.visible_range()
        for start, end, tag in self._event_marks:
            if not tag or end < a or start > b + 1:
                continue
            rects = self.span_rects(start, end)
            if not rects:
                continue
            width, height = metrics.horizontalAdvance(tag) + 6, metrics.height()
            first, last = rects[0], rects[-1]
            candidates = (
                QRect(first.left() - 1, first.top() - height - 1, width, height),
                QRect(last.left() - 1, last.bottom() + 2, width, height),
            )
            for box in candidates:
                if box.top() < 0 or box.bottom() > self.viewport().height():
                    continue
                if not any(box.intersects(r) for r in taken):
                    placed.append((box, tag))
                    taken.append(box)
                    break
        return placed

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: recolour the spans
            self._formats.clear()
            self.refresh_highlights()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self.refresh_highlights()

    # -- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        pressed = self._press_pos
        self._press_pos = None
        if event.button() != Qt.MouseButton.LeftButton or pressed is None:
            return
        if (pos - pressed).manhattanLength() > 3 or self.textCursor().hasSelection():
            # A drag: the selection is ready for a label key; it replaces the current span.
            if self._current is not None:
                self._current = None
                self.viewport().update()
            return
        hits = self.spans_at(pos)
        if hits:
            # Innermost first; a click where the current span is picks the next one out, so
            # that every span of a nest can be reached.
            target = hits[0]
            if self._current in hits:
                target = hits[(hits.index(self._current) + 1) % len(hits)]
            self.set_current(target, reveal=False)
            self.spanClicked.emit(target, self.viewport().mapToGlobal(pos))
        elif self._current is not None:
            self.set_current(None, reveal=False)

    def contextMenuEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        hits = self.spans_at(event.pos())
        if hits and not self.textCursor().hasSelection():
            self.set_current(hits[0], reveal=False)
        self.contextRequested.emit(hits[0] if hits else None, event.globalPos())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.viewport().mapFromGlobal(event.globalPos())
            hits = self.spans_at(pos)
            roles = self.marks_at(pos)
            if hits or roles:
                lines = [f"{role} of the selected event" for role in roles]
                for item in hits:
                    lines.append(self.describe(item))
                    lines += self.attribute_lines(item)
                # Labels and attributes come from files: shown as the text they are.
                QToolTip.showText(event.globalPos(), plain_tip("\n".join(lines)), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def set_span_attributes(self, attributes: dict[int, dict[str, str]]) -> None:
        """{span id: {key: value}} of the open document's spans: another tool's attributes and
        notes (brat's, MAE's), shown read-only in the span's tooltip."""
        self._attributes = attributes

    def attribute_lines(self, item: ShownSpan) -> list[str]:
        """The tooltip lines of a span's attributes: ``Negated``, ``Confidence: High``, ``note: ...``."""
        values = self._attributes.get(item.span.id) if item.span.id is not None else None
        if not values or item.suggestion:
            return []
        return [f"    {key}: {value}" if value else f"    {key}" for key, value in values.items()]

    def describe(self, item: ShownSpan) -> str:
        """One line about a span, for its tooltip: label, layer, whose, which actor."""
        label = item.span.label.replace("_", " ")
        if item.suggestion:
            return f"{label} · suggested by {item.span.annotator}"
        layer = item.span.layer
        if layer == "event":
            return f"event {label} (trigger)"
        if layer == "frame":
            return f"frame: {label}"
        if layer == "persuasion":
            return f"persuasion technique: {label}"
        actor = self.actor_of(item)
        return f"{label} · confirmed" + (f" · actor: {actor}" if actor else "")

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            return self.event(event)
        return super().viewportEvent(event)
