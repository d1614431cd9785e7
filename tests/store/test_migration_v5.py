"""Schema version 4 to 5: a real version-4 database file (the sample corpus imported and coded
by the previous release: model and analyst spans, two frame assessments of which one was since
removed, a judgment, a rejected suggestion) keeps every row and id, gains the region and
attribute tables and the framing's ``suggested_by`` exactly as a new database has them, and never
reuses a removed assessment's id."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.framing import FrameAssessment
from annotator.store import Store, engine
from annotator.store.recognition import FROZEN_SHAPES, current_shape
from annotator.store.tables import SCHEMA_VERSION
from tests.store.test_migration import _rows, _schema, _version

V4 = Path(__file__).resolve().parent.parent / "data" / "db" / "v4.sqlite"
V4_TABLES = (
    "document", "annotator", "span", "actor", "actor_alias", "actor_mention", "event",
    "event_argument", "frame_present", "frame_actor_role", "judgment", "suggestion_rejection",
)
V4_FRAME_COLUMNS = (
    "id, document_id, annotator_id, primary_frame, headline_frame, tone, tone_target_actor_id,"
    " updated_at"
)


def _frames(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT {V4_FRAME_COLUMNS} FROM frame_assessment ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture
def v4_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.sqlite"
    shutil.copy(V4, target)
    assert _version(target) == 4
    return target


def test_frozen_shape_of_version_5_is_the_current_tables() -> None:
    assert SCHEMA_VERSION == 5
    assert FROZEN_SHAPES[5] == current_shape()


def test_v4_file_migrates_keeping_every_row_and_id(v4_copy: Path, tmp_path: Path) -> None:
    before = {table: _rows(v4_copy, table) for table in V4_TABLES}
    frames = _frames(v4_copy)
    assert [row[0] for row in frames] == [1]  # assessment 2 was removed
    store = Store(v4_copy)
    try:
        alice = store.annotators.id_of("alice")
        assert alice is not None
        kept = store.framing.get(1, alice)
        assert kept is not None and kept.primary == "Economic"
        assert set(kept.frames) == {"Economic", "Security_and_defense"}
        assert kept.tone == "implicit_anti" and kept.tone_target is not None and kept.roles
        # A new assessment gets id 3, not the removed 2: ids are never reused.
        store.framing.save(4, alice, FrameAssessment(frames=("Morality",), primary="Morality"))
    finally:
        store.close()
    assert _version(v4_copy) == SCHEMA_VERSION == 5
    for table, rows in before.items():
        if table != "document":  # its status may change when a framing is saved
            assert _rows(v4_copy, table)[: len(rows)] == rows, table
    con = sqlite3.connect(v4_copy)
    try:
        assert con.execute(
            "SELECT id, document_id, suggested_by FROM frame_assessment ORDER BY id"
        ).fetchall() == [(1, 1, ""), (3, 4, "")]
        assert con.execute("SELECT count(*) FROM document_region").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM span_attribute").fetchone() == (0,)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    backup = engine.backup_path(v4_copy, 4)
    assert backup.exists() and _version(backup) == 4 and _frames(backup) == frames

    fresh = tmp_path / "new.sqlite"
    Store(fresh).close()
    assert _schema(v4_copy) == _schema(fresh)


def test_new_tables_follow_their_span_and_document(tmp_path: Path) -> None:
    """A region goes with its document and an attribute with its span (ON DELETE CASCADE), and
    the checks refuse an empty range or an unknown kind."""
    path = tmp_path / "db.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute(
            "INSERT INTO document (text, text_sha256, title, source, date, lang, url, filename,"
            " status, created_at, updated_at) VALUES ('Caption. Caption.', 'x', '', '', '', 'en',"
            " '', '', 'todo', '', '')"
        )
        con.execute("INSERT INTO annotator (name, kind, version) VALUES ('alice', 'human', '')")
        con.execute(
            "INSERT INTO span (document_id, annotator_id, start, \"end\", label, origin, layer,"
            " created_at) VALUES (1, 1, 0, 7, 'ORG', 'manual', 'entity', '')"
        )
        con.execute("INSERT INTO span_attribute VALUES (1, 'note', 'checked twice')")
        con.execute(
            "INSERT INTO document_region (document_id, start, \"end\", kind, marked, created_at)"
            " VALUES (1, 9, 17, 'repeated', 1, '')"
        )
        for bad in ("(1, 5, 5, 'repeated', 1, '')", "(1, 0, 3, 'advert', 1, '')"):
            with pytest.raises(sqlite3.IntegrityError):
                con.execute(
                    "INSERT INTO document_region (document_id, start, \"end\", kind, marked,"
                    f" created_at) VALUES {bad}"
                )
        con.execute("DELETE FROM span")
        assert con.execute("SELECT count(*) FROM span_attribute").fetchone() == (0,)
        con.execute("DELETE FROM document")
        assert con.execute("SELECT count(*) FROM document_region").fetchone() == (0,)
        con.commit()
    finally:
        con.close()
