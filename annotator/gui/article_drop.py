"""Articles entering the window: files and folders dropped on it, the import dialog's file filter,
and the tooltip that says where a document came from.

``install_drop_import(window, start)`` makes the whole window accept a drop of local files or
folders and hands their paths to ``start`` (the window's background import, with progress and
cancel); a drop of anything else (text, web links) is refused by the cursor, before it lands.
The window class needs no change beyond the one call: an event filter on the window does the
work, so this module stays the one place that knows about dragging.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from annotator.core.model import DocumentMeta
from annotator.services.importing import ARTICLE_SUFFIXES

ARTICLE_FILTER = (
    f"Articles ({' '.join('*' + s for s in ARTICLE_SUFFIXES)});;"
    "Web pages (*.html *.htm *.mhtml *.mht);;PDF (*.pdf);;Word (*.docx);;E-mail (*.eml);;"
    "Feeds (*.rss *.atom *.xml);;Plain text (*.txt *.jsonl);;All files (*)"
)


def document_provenance(meta: DocumentMeta) -> str:
    """Plain text naming the document's URL and original file, for a tooltip ('' if none)."""
    lines = []
    if meta.url:
        lines.append(f"URL: {meta.url}")
    if meta.original_path:
        lines.append(f"Imported from: {meta.original_path}")
    if meta.original_sha256:
        lines.append(f"SHA-256 of that file: {meta.original_sha256}")
    return "\n".join(lines)


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files and folders a drag carries (empty for text or remote links)."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.exists()]


class _DropFilter(QObject):
    def __init__(self, window: QWidget, start: Callable[[list[Path]], None]) -> None:
        super().__init__(window)
        self._start = start

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent)
            if dropped_paths(event):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = dropped_paths(event)
            if paths:
                event.acceptProposedAction()
                self._start(paths)
            else:
                event.ignore()
            return True
        return super().eventFilter(watched, event)


def install_drop_import(window: QWidget, start: Callable[[list[Path]], None]) -> QObject:
    """Let ``window`` take dropped files and folders and import them with ``start``."""
    window.setAcceptDrops(True)
    drop_filter = _DropFilter(window, start)
    window.installEventFilter(drop_filter)
    return drop_filter
