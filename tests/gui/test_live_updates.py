"""A colleague's changes on a team's PostgreSQL database appear in an open window within about a
second, without any action in it: the document list's statuses, the open document's details, the
actor registry. A SQLite file has no live channel."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.actors import Actor
from annotator.core.model import Status
from annotator.gui.doclist import COLUMNS
from annotator.store import Store
from tests.conftest import new_pg_database
from tests.pg_server import PgServer


def _cell(window, doc_id: int, column: str) -> str:  # type: ignore[no-untyped-def]
    model = window.doc_model
    index = model.index(model.row_of(doc_id), COLUMNS.index(column))
    return str(model.data(index, Qt.ItemDataRole.DisplayRole))


def _actor_names(panel) -> list[str]:  # type: ignore[no-untyped-def]
    items = (panel.table.item(r, 0) for r in range(panel.table.rowCount()))
    return [item.text() for item in items if item is not None]


def test_a_colleagues_changes_appear_within_a_second(
    open_window, qtbot, pg_server: PgServer, pg_seeded_template: str  # type: ignore[no-untyped-def]
) -> None:
    url = new_pg_database(pg_server, pg_seeded_template)
    window, _ = open_window(url, annotator="alice")
    assert window.live is not None
    colleague = Store(url)
    try:
        other = colleague.documents.ids()[-1]
        assert other != window.doc_id
        assert _cell(window, other, "Status") == Status.TODO.title
        start = time.monotonic()
        colleague.documents.set_status(other, Status.DONE)
        qtbot.waitUntil(lambda: _cell(window, other, "Status") == Status.DONE.title, timeout=1500)
        assert time.monotonic() - start < 1.5
        # A colleague's new actor shows in the registry panel.
        colleague.actors.add(Actor("Quds Force (live test)"))
        panel = window.analysis.actor_panel
        qtbot.waitUntil(lambda: "Quds Force (live test)" in _actor_names(panel), timeout=1500)
        # The open document's details changed elsewhere: the header shows the new ones.
        doc_id = window.doc_id
        meta = colleague.documents.get(doc_id).meta
        colleague.documents.update_meta(doc_id, meta.with_(source="Outlet from a colleague"))
        qtbot.waitUntil(lambda: "Outlet from a colleague" in window.meta_label.text(), timeout=1500)
        # The window's own edits do not come back to it as news.
        window.set_status(Status.IN_PROGRESS)
        qtbot.wait(400)
        assert not window.live.listener.take(wait=0.3)
    finally:
        colleague.close()


def test_a_sqlite_window_has_no_live_channel(open_window, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = open_window(seeded_db, annotator="alice")
    assert window.live is None


def _suggested(window) -> set[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return {(s.span.start, s.span.end, s.span.label) for s in window.pane.shown_spans() if s.suggestion}


def test_a_colleagues_rejected_suggestion_leaves_the_open_document(
    open_window, qtbot, pg_server: PgServer, pg_seeded_template: str  # type: ignore[no-untyped-def]
) -> None:
    url = new_pg_database(pg_server, pg_seeded_template)
    window, _ = open_window(url, annotator="alice")
    colleague = Store(url)
    try:
        doc_id = window.doc_id
        text = colleague.documents.get(doc_id).text
        first = min(_suggested(window))
        start, end, label = first
        form = text[start:end]
        others = {s for s in _suggested(window) if text[s[0] : s[1]] != form or s[2] != label}
        # A colleague rejects that text form with its label: gone here too, within a second.
        colleague.rejections.add([(form, label)])
        qtbot.waitUntil(lambda: first not in _suggested(window), timeout=1500)
        assert _suggested(window) == others
        # ... and suggested again once they forget the rejection.
        colleague.rejections.forget([(form, label)])
        qtbot.waitUntil(lambda: first in _suggested(window), timeout=1500)
    finally:
        colleague.close()
