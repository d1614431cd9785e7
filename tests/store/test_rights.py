"""Rights on a team's database, enforced by PostgreSQL: an analyst connected as their own role
changes their own annotation set and nobody else's, even with plain SQL; a reviewer also writes
the gold set; documents and the actor registry are the admin's."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from annotator.cli import main
from annotator.core.errors import StoreError
from annotator.core.model import Document, Span, Status
from annotator.store import Store
from tests.pg_server import PgServer

ROLES = {"ana": "analyst", "bea": "analyst", "rev": "reviewer", "adm": "admin"}


@pytest.fixture
def team(pg_server: PgServer, pg_url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The database with four login roles and their rights; each role's URL."""
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        for role in ROLES:
            conn.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')"
                f" THEN CREATE ROLE {role} LOGIN; END IF; END $$"
            )
    for role, level in ROLES.items():
        assert main(["db", "grant", role, level, "--db", pg_url]) == 0
        assert f"{role} is now a" in capsys.readouterr().out
    dbname = pg_url.rsplit("/", 1)[1]
    return {role: pg_server.url(dbname, user=role) for role in ROLES} | {"owner": pg_url}


def test_an_analyst_cannot_change_another_analysts_spans_even_with_plain_sql(team: dict[str, str]) -> None:
    admin = Store(team["adm"])
    (doc_id,) = admin.documents.add([Document("Esmail Qaani visited Damascus on Monday.")])
    admin.close()
    bea = Store(team["bea"])
    bea_id = bea.annotators.get_or_create("bea").id
    (bea_span,) = bea.spans.add(doc_id, bea_id, [Span(0, 12, "PERSON")])
    bea.close()

    ana = Store(team["ana"])
    ana_id = ana.annotators.get_or_create("ana").id
    (own,) = ana.spans.add(doc_id, ana_id, [Span(21, 29, "GPE")])  # her own set: fine
    ana.spans.relabel(own.id, "LOC")
    ana.documents.set_status(doc_id, Status.DONE, expected=Status.TODO)
    with pytest.raises(StoreError, match="not allowed"):
        ana.spans.add(doc_id, bea_id, [Span(33, 39, "DATE")])
    with pytest.raises(StoreError, match="not allowed"):
        ana.annotators.get_or_create("bea-impersonated")
    with pytest.raises(StoreError, match="not allowed"):
        ana.documents.add([Document("A text only the admin may import.")])
    ana.close()

    with psycopg.connect(team["ana"], autocommit=True) as conn:
        assert conn.execute("UPDATE span SET label = 'X' WHERE annotator_id = %s", (bea_id,)).rowcount == 0
        assert conn.execute("DELETE FROM span WHERE annotator_id = %s", (bea_id,)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):  # moving her span into another's set
            conn.execute("UPDATE span SET annotator_id = %s WHERE id = %s", (bea_id, own.id))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer,'
                " created_at) VALUES (%s, %s, 0, 6, 'X', 'manual', 'entity', '')", (doc_id, bea_id)
            )
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE actor SET name = 'renamed'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM document")
        assert conn.execute("SELECT count(*) FROM span").fetchone() == (2,)  # she reads everything
    with psycopg.connect(team["owner"]) as conn:
        rows = conn.execute('SELECT annotator_id, start, "end", label FROM span ORDER BY id').fetchall()
    assert rows == [(bea_id, 0, 12, "PERSON"), (ana_id, 21, 29, "LOC")]
    assert bea_span.id is not None


def test_a_reviewer_writes_the_gold_set_but_not_an_analysts(team: dict[str, str]) -> None:
    admin = Store(team["adm"])
    (doc_id,) = admin.documents.add([Document("Ali met Bob in Paris.")])
    admin.close()
    bea = Store(team["bea"])
    bea_id = bea.annotators.get_or_create("bea").id
    bea.spans.add(doc_id, bea_id, [Span(0, 3, "PERSON")])
    bea.close()
    rev = Store(team["rev"])
    gold = rev.annotators.get_or_create("gold")
    rev.spans.add(doc_id, gold.id, [Span(0, 3, "PERSON"), Span(8, 11, "PERSON")])
    with pytest.raises(StoreError, match="not allowed"):
        rev.spans.add(doc_id, bea_id, [Span(15, 20, "GPE")])
    assert len(rev.spans.in_document(doc_id, gold.id)) == 2
    rev.close()
    ana = Store(team["ana"])
    with pytest.raises(StoreError, match="not allowed"):
        ana.spans.add(doc_id, gold.id, [Span(15, 20, "GPE")])
    ana.close()


def test_grant_needs_a_server_database_and_an_existing_role(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "grant", "ana", "analyst", "--db", str(tmp_path / "a.sqlite")]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
    assert main(["db", "grant", "nobody_here", "analyst", "--db", pg_url]) == 2
    assert "no database role named 'nobody_here'" in capsys.readouterr().err
    assert main(["db", "grant", "ana", "owner", "--db", pg_url]) == 2
