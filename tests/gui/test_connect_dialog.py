"""File > Connect to team database…: an analyst types the server's details, tests the connection
(on a worker thread, the answer in the dialog), connects, and the window reopens on the server's
corpus; the URL is remembered without the password, and File > Open local database… goes back.
Against the real test server (tests/pg_server.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QSpinBox

from annotator.cli import main
from annotator.gui.main_window import MainWindow
from annotator.settings import Settings
from tests.conftest import _dropped_after, new_pg_database
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PgServer

SECRET = PASSWORD


def _type(qtbot, field: QLineEdit | QSpinBox, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def _fill(qtbot, window: MainWindow, port: int, database: str, user: str, password: str = ""):  # type: ignore[no-untyped-def]
    window.databases.act_connect.trigger()
    dialog = window.databases.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    _type(qtbot, dialog.host, "127.0.0.1")
    _type(qtbot, dialog.port, str(port))
    _type(qtbot, dialog.database, database)
    _type(qtbot, dialog.user, user)
    if password:
        _type(qtbot, dialog.password, password)
    dialog.sslmode.setFocus()
    qtbot.keyClicks(dialog.sslmode, "d")  # "disable": the test server has no TLS
    assert dialog.sslmode.currentText() == "disable"
    return dialog


def _test(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ok is not None, timeout=15_000)
    return str(dialog.result_label.text())


def _connect(qtbot, window: MainWindow, dialog) -> MainWindow:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.databases.successor is not None, timeout=15_000)
    new = window.databases.successor
    assert isinstance(new, MainWindow)
    qtbot.addWidget(new)
    qtbot.waitExposed(new)
    return new


def _remembered() -> str:
    return str(json.loads(Settings.path().read_text(encoding="utf-8"))["database"])


def test_connect_to_the_team_database_and_back_to_the_local_file(
    open_window, qtbot, pg_server: PgServer, pg_seeded_template: str, seeded_db: Path,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
) -> None:
    url = _dropped_after(request, pg_server, new_pg_database(pg_server, pg_seeded_template))
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as conn:
        titles = sorted(r[0] for r in conn.execute("SELECT title FROM document"))
        conn.execute("UPDATE document SET title = 'From the server: ' || title WHERE id = 1")
    window, _ = open_window(seeded_db, annotator="alice")
    dialog = _fill(qtbot, window, pg_server.port, "no_such_db", "postgres")
    answer = _test(qtbot, dialog)
    assert not dialog.ok and "cannot connect" in answer and "no_such_db" in answer
    _type(qtbot, dialog.database, dbname)
    answer = _test(qtbot, dialog)
    assert dialog.ok, answer
    assert answer == (
        f"Connected to postgresql://postgres@127.0.0.1:{pg_server.port}/{dbname}?sslmode=disable: "
        f"an annotator database with {len(titles)} documents."
    )
    dialog.grab().save("/tmp/connect-dialog.png")
    new = _connect(qtbot, window, dialog)
    assert not window.isVisible() and new.isVisible()
    assert new.doc_model.rowCount() == len(titles)
    shown = {new.doc_model.summary(r).title for r in range(new.doc_model.rowCount())}
    assert any(t.startswith("From the server: ") for t in shown)
    assert new.live is not None  # a server database: colleagues' changes arrive
    expected = f"postgresql://postgres@127.0.0.1:{pg_server.port}/{dbname}?sslmode=disable"
    assert _remembered() == expected
    new.grab().save("/tmp/connected-window.png")
    # File > Open local database…: back to the file.
    new.dialogs.open_answers.append([seeded_db])
    new.databases.act_open_local.trigger()
    qtbot.waitUntil(lambda: new.databases.successor is not None, timeout=15_000)
    back = new.databases.successor
    assert isinstance(back, MainWindow)
    qtbot.addWidget(back)
    assert back.live is None and Path(back.store.location) == seeded_db
    assert _remembered() == str(seeded_db)
    for w in (new, back):
        w.close()
        w.store.close()


def test_a_typed_password_is_used_and_never_remembered(
    open_window, qtbot, pg_server: PgServer, seeded_db: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    url = _dropped_after(request, pg_server, new_pg_database(pg_server))
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PASSWORD_ROLE}')"
            f" THEN CREATE ROLE {PASSWORD_ROLE} LOGIN; END IF; END $$"
        )
        conn.execute(f"ALTER ROLE {PASSWORD_ROLE} PASSWORD '{SECRET}'")
    # A reviewer: the window registers its annotator name ("alice", not a role) as a set.
    assert main(["db", "grant", PASSWORD_ROLE, "reviewer", "--db", url]) == 0
    window, _ = open_window(seeded_db, annotator="alice")
    dialog = _fill(qtbot, window, pg_server.port, dbname, PASSWORD_ROLE, "wrong")
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    answer = _test(qtbot, dialog)
    assert not dialog.ok and "password authentication failed" in answer and "wrong" not in answer
    _type(qtbot, dialog.password, SECRET)
    answer = _test(qtbot, dialog)
    assert dialog.ok and "an annotator database with 0 documents" in answer and SECRET not in answer
    new = _connect(qtbot, window, dialog)
    assert SECRET not in str(new.store.path) and SECRET not in new.statusBar().currentMessage()
    remembered = _remembered()
    assert remembered == f"postgresql://{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{dbname}?sslmode=disable"
    assert SECRET not in Settings.path().read_text(encoding="utf-8")
    new.close()
    new.store.close()


def test_a_remembered_server_that_cannot_be_reached_opens_the_local_file(
    qtbot, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from annotator.gui.app import build_window
    from tests.gui.conftest import ScriptedDialogs, window_args

    settings = Settings.load()
    settings.database = "postgresql://someone@127.0.0.1:1/corpus?sslmode=disable"
    settings.save()
    dialogs = ScriptedDialogs()
    window = build_window(window_args(None), dialogs=dialogs, ask=True)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    try:
        assert dialogs.errors and "cannot connect" in dialogs.errors[0][1]
        assert isinstance(window.store.location, Path) and window.live is None
        con = sqlite3.connect(window.store.location)
        assert con.execute("PRAGMA user_version").fetchone()[0] > 0
        con.close()
    finally:
        window.close()
        window.store.close()
