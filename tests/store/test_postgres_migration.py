"""Schema migrations of a team's PostgreSQL database, against the real test server.

A version-4 server database is made the way the previous release left one: a database created
and worked in (documents, two analysts' spans, frame assessments of which one was since deleted,
a judgment, a rejected suggestion, the rights of an analyst), then given back its version-4 shape
(the two tables and the column that version 5 added removed, the version number 4). Migrating it
must give exactly the shape of a new version-5 database (columns, types, defaults, constraints,
indexes, triggers, grants and policies), keep every row and id, and let the id sequences go on
where they were; a refused or failed migration changes nothing.
"""

from __future__ import annotations

import psycopg
import pytest

from annotator.cli import main
from annotator.core.errors import StoreError
from annotator.core.framing import FrameAssessment
from annotator.core.model import Document, Span, Status
from annotator.store import Store
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import new_pg_database
from tests.pg_server import PgServer

ANALYST = "mig_ana"


def _shape(url: str) -> dict[str, object]:
    """What a schema is made of on the server, names and definitions, without any rows."""
    with psycopg.connect(url) as conn:

        def rows(sql: str) -> list[tuple]:
            return sorted(conn.execute(sql).fetchall(), key=repr)

        return {
            "columns": rows(
                "SELECT table_name, column_name, data_type, is_nullable, column_default"
                " FROM information_schema.columns WHERE table_schema = 'public'"
            ),
            "constraints": rows(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE connamespace = 'public'::regnamespace"
            ),
            "indexes": rows(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            ),
            "triggers": rows("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"),
            "grants": rows(
                "SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants"
                " WHERE table_schema = 'public' AND grantee LIKE 'annotator_%'"
            ),
            "column_grants": rows(
                "SELECT table_name, column_name, grantee, privilege_type"
                " FROM information_schema.column_privileges"
                " WHERE table_schema = 'public' AND grantee = 'annotator_analyst'"
                " AND privilege_type <> 'SELECT'"
            ),
            "policies": rows("SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"),
            "rls": rows(
                "SELECT relname, relrowsecurity FROM pg_class"
                " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            ),
            "version": conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone(),
        }


def _rows(url: str) -> dict[str, list[tuple]]:
    tables = (
        "document",
        "annotator",
        "span",
        "actor",
        "actor_alias",
        "actor_mention",
        "event",
        "judgment",
        "suggestion_rejection",
        "frame_present",
        "frame_actor_role",
    )
    with psycopg.connect(url) as conn:
        found = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
        found["frame_assessment"] = conn.execute(
            "SELECT id, document_id, annotator_id, primary_frame, headline_frame, tone,"
            " tone_target_actor_id, updated_at FROM frame_assessment ORDER BY id"
        ).fetchall()
        return found


def _to_version_4(url: str) -> None:
    """Give a version-5 database the shape version 4 had: no region or attribute table, no
    ``suggested_by``, version number 4 (the triggers and rights of version 4 stay as they were)."""
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE document_region")
        conn.execute("DROP TABLE span_attribute")
        conn.execute("ALTER TABLE frame_assessment DROP COLUMN suggested_by")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")


def _with_rights(server: PgServer, url: str) -> None:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ANALYST}')"
            f" THEN CREATE ROLE {ANALYST} LOGIN; END IF; END $$"
        )
    assert main(["db", "grant", ANALYST, "analyst", "--db", url]) == 0


def _worked_in(url: str) -> None:
    """Documents, spans of two analysts, framing (the second assessment since deleted), a
    judgment, a rejection."""
    store = Store(url)
    try:
        doc_id, other = store.documents.add(
            [
                Document("Esmail Qaani visited Damascus on Monday."),
                Document("The ministry denied the report."),
            ]
        )
        alice = store.annotators.get_or_create("alice").id
        bob = store.annotators.get_or_create("bob").id
        store.spans.add(doc_id, alice, [Span(0, 12, "PERSON"), Span(21, 29, "GPE")])
        store.spans.add(doc_id, bob, [Span(0, 12, "PERSON")])
        store.framing.save(doc_id, alice, FrameAssessment(primary="conflict", tone="negative"))
        store.framing.save(other, bob, FrameAssessment(primary="economic"))
        store.framing.save(other, bob, None)
        store.judgments.set(doc_id, alice, Status.DONE)
        store.rejections.add([("Monday", "DATE")])
    finally:
        store.close()


@pytest.fixture
def v4_url(pg_server: PgServer, pg_url: str) -> str:
    _with_rights(pg_server, pg_url)
    _worked_in(pg_url)
    _to_version_4(pg_url)
    return pg_url


@pytest.fixture
def v5_url(pg_server: PgServer, pg_url: str, request: pytest.FixtureRequest) -> str:
    """A new version-5 database with the same rights, to compare shapes with."""
    from tests.conftest import _dropped_after

    url = _dropped_after(request, pg_server, new_pg_database(pg_server))
    _with_rights(pg_server, url)
    return url


def test_db_migrate_brings_a_v4_server_database_to_v5_keeping_rows_ids_and_sequences(
    v4_url: str, v5_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    before = _rows(v4_url)
    with psycopg.connect(v4_url) as conn:
        max_assessment = conn.execute("SELECT max(id) FROM frame_assessment").fetchone()[0]
        assert max_assessment == 1  # the second one (id 2) was deleted
    assert main(["db", "migrate", v4_url]) == 0
    assert capsys.readouterr().out.strip() == f"{v4_url}: annotator schema 4 upgraded to {SCHEMA_VERSION}"
    assert _shape(v4_url) == _shape(v5_url)
    assert _rows(v4_url) == before
    with psycopg.connect(v4_url) as conn:
        assert conn.execute("SELECT DISTINCT suggested_by FROM frame_assessment").fetchall() == [("",)]
    store = Store(v4_url)
    try:
        doc_id = before["document"][0][0]
        carol = store.annotators.get_or_create("carol").id
        store.framing.save(doc_id, carol, FrameAssessment(primary="security"))
        (span,) = store.spans.add(doc_id, carol, [Span(33, 39, "DATE")])
        assert span.id == max(row[0] for row in before["span"]) + 1
    finally:
        store.close()
    with psycopg.connect(v4_url) as conn:  # the new tables take rows
        assert conn.execute("SELECT max(id) FROM frame_assessment").fetchone() == (3,)  # 2 never comes back
        conn.execute(
            'INSERT INTO document_region (document_id, start, "end", kind, marked, created_at)'
            " VALUES (%s, 0, 6, 'boilerplate', true, 'now')",
            (doc_id,),
        )
        conn.execute("INSERT INTO span_attribute (span_id, key, value) VALUES (%s, 'note', 'x')", (span.id,))
    assert main(["db", "migrate", v4_url]) == 0
    assert (
        capsys.readouterr().out.strip()
        == f"{v4_url}: already at annotator schema {SCHEMA_VERSION}, nothing to do"
    )


def test_the_first_writing_opening_migrates_and_a_reading_one_refuses_untouched(
    pg_server: PgServer, v4_url: str, v5_url: str, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _shape(v4_url)
    with pytest.raises(StoreError, match="earlier version of annotator \\(schema 4\\).*db migrate"):
        Store(v4_url, read_only=True)
    assert main(["export", "--db", v4_url, str(tmp_path) + "/out.jsonl"]) == 2
    assert "earlier version of annotator" in capsys.readouterr().err
    assert _shape(v4_url) == before
    Store(v4_url).close()
    assert _shape(v4_url) == _shape(v5_url)


def test_rights_on_the_new_tables_hold_after_migrating(pg_server: PgServer, v4_url: str) -> None:
    Store(v4_url).close()
    dbname = v4_url.rsplit("/", 1)[1]
    ana_url = pg_server.url(dbname, user=ANALYST)
    with psycopg.connect(v4_url) as conn:
        doc_id, bob_span = conn.execute(
            "SELECT s.document_id, s.id FROM span s JOIN annotator a ON a.id = s.annotator_id"
            " WHERE a.name = 'bob'"
        ).fetchone()
        conn.execute(
            'INSERT INTO document_region (document_id, start, "end", kind, marked, created_at)'
            " VALUES (%s, 0, 6, 'repeated', true, 'now')",
            (doc_id,),
        )
    ana = Store(ana_url)
    ana_id = ana.annotators.get_or_create(ANALYST).id
    (own,) = ana.spans.add(doc_id, ana_id, [Span(21, 29, "GPE")])
    ana.close()
    with psycopg.connect(ana_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO span_attribute (span_id, key, value) VALUES (%s, 'note', 'mine')", (own.id,)
        )
        conn.execute("UPDATE document_region SET marked = false")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO span_attribute (span_id, key, value) VALUES (%s, 'note', 'x')", (bob_span,)
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM document_region")


def test_an_analyst_cannot_migrate_and_nothing_changes(pg_server: PgServer, v4_url: str) -> None:
    before = _shape(v4_url)
    dbname = v4_url.rsplit("/", 1)[1]
    with pytest.raises(StoreError, match="only the database's owner.*annotator db migrate"):
        Store(pg_server.url(dbname, user=ANALYST))
    assert _shape(v4_url) == before


def test_a_failing_migration_leaves_the_v4_database_as_it_was(v4_url: str) -> None:
    with psycopg.connect(v4_url) as conn:  # a table of someone else's where version 5 puts one
        conn.execute("CREATE TABLE span_attribute (theirs text)")
    before, rows = _shape(v4_url), _rows(v4_url)
    with pytest.raises(StoreError, match="span_attribute"):
        Store(v4_url)
    assert _shape(v4_url) == before
    assert _rows(v4_url) == rows


def test_a_server_schema_older_than_any_server_release_is_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    before = _shape(pg_url)
    with pytest.raises(StoreError, match="schema 3 on the server.*copy it through SQLite"):
        Store(pg_url)
    assert _shape(pg_url) == before
