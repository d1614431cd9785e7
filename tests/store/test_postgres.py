"""A team's database on PostgreSQL, against the real server the tests start (tests/pg_server.py):
creating the schema, refusing a newer or foreign one untouched, libpq's ways of giving a password
(never shown), and whole-database copies between SQLite and PostgreSQL in both directions."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest

from annotator.cli import main
from annotator.core.errors import StoreError
from annotator.core.model import Document, Status
from annotator.store import Store
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import new_pg_database, unique_pg_name
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PgServer

SECRET = PASSWORD


def _empty_database(server: PgServer, owner: str = "postgres") -> str:
    name = unique_pg_name("empty_")
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} OWNER {owner}")
    return name


def _snapshot(url: str) -> dict[str, object]:
    """Every table of the database with its row count."""
    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " ORDER BY 1"
        )]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_db_init_creates_the_schema_on_a_server_and_in_a_file(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url(_empty_database(pg_server))
    assert main(["db", "init", url]) == 0
    assert capsys.readouterr().out.strip() == f"{url}: annotator schema {SCHEMA_VERSION}, 0 documents"
    with psycopg.connect(url) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes")}
        assert "ix_document_fts" in indexes
    before = _snapshot(url)
    assert main(["db", "init", url]) == 0  # again: checked, nothing added
    assert _snapshot(url) == before
    file = tmp_path / "team.sqlite"
    assert main(["db", "init", str(file)]) == 0
    assert f"annotator schema {SCHEMA_VERSION}, 0 documents" in capsys.readouterr().out
    con = sqlite3.connect(file)
    assert con.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    con.close()


def test_a_newer_schema_is_refused_and_nothing_changes(
    pg_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = _snapshot(pg_url)
    with pytest.raises(StoreError, match="newer version of annotator.*schema 99"):
        Store(pg_url)
    assert main(["export", str(tmp_path / "out.jsonl"), "--db", pg_url]) == 2
    assert "newer version of annotator" in capsys.readouterr().err
    assert main(["db", "init", pg_url]) == 2
    assert _snapshot(pg_url) == before
    assert not (tmp_path / "out.jsonl").exists()


def test_reading_commands_open_a_server_database_read_only(
    pg_server: PgServer, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export, actors list... open the server database in read-only transactions: the server
    refuses any write, no seed actors are written, and an empty database gets no schema."""
    store = Store(pg_url)
    store.documents.add([Document("Talks resumed in Geneva.")])
    store.close()
    before = _snapshot(pg_url)
    reader = Store(pg_url, read_only=True)
    try:
        assert reader.documents.count() == 1
        with pytest.raises(StoreError, match="opened for reading only"):
            reader.annotators.get_or_create("mallory")
    finally:
        reader.close()
    assert main(["export", str(tmp_path / "out.jsonl"), "--db", pg_url]) == 0
    assert main(["actors", "list", "--db", pg_url]) == 0
    capsys.readouterr()
    assert _snapshot(pg_url) == before
    empty = pg_server.url(_empty_database(pg_server))
    assert main(["export", str(tmp_path / "none.jsonl"), "--db", empty]) == 2
    assert "no annotator database there yet" in capsys.readouterr().err
    assert _snapshot(empty) == {}


def test_a_foreign_database_is_refused_untouched(pg_server: PgServer) -> None:
    url = pg_server.url(_empty_database(pg_server))
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not an annotator database .it has no document table"):
        Store(url)
    assert _snapshot(url) == {"invoices": 0}
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE document (id int)")
    with pytest.raises(StoreError, match="no schema version"):
        Store(url)
    assert _snapshot(url) == {"document": 0, "invoices": 0}


def test_an_unreachable_server_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://someone:{SECRET}@127.0.0.1:1/corpus"
    assert main(["actors", "list", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "postgresql://someone:***@127.0.0.1:1/corpus: cannot connect to the database" in err
    assert SECRET not in err


@pytest.fixture
def password_database(pg_server: PgServer) -> str:
    """A database owned by a role that must give a password; its name."""
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PASSWORD_ROLE}')"
            f" THEN CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{SECRET}'; END IF; END $$"
        )
    return _empty_database(pg_server, owner=PASSWORD_ROLE)


def test_passwords_follow_libpq_and_are_never_shown(
    pg_server: PgServer, password_database: str, seeds_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    plain = pg_server.url(password_database, user=PASSWORD_ROLE)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    # No password anywhere: refused by the server, with a message that names the database.
    with pytest.raises(StoreError, match="cannot connect.*password"):
        Store(plain)
    # PGPASSWORD, as libpq reads it; the role owns the database and creates the schema itself.
    monkeypatch.setenv("PGPASSWORD", SECRET)
    Store(plain).close()
    monkeypatch.delenv("PGPASSWORD")
    # ~/.pgpass (mode 0600, as libpq requires).
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:{password_database}:{PASSWORD_ROLE}:{SECRET}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert main(["db", "init", plain]) == 0
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    # In the URL, with sslmode: it works, and every message masks it.
    with_password = plain.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{SECRET}@") + "?sslmode=disable"
    capsys.readouterr()
    monkeypatch.setenv("ANNOTATOR_DB", with_password)
    assert main(["import", "--no-preannotate", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "5 imported" in out and f"{PASSWORD_ROLE}:***@" in out and SECRET not in out
    store = Store(with_password)
    assert SECRET not in str(store.path) and store.documents.count() == 5
    store.close()
    # sslmode reaches libpq: the test server has no TLS, so "require" is refused by the client.
    required = plain.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{SECRET}@") + "?sslmode=require"
    assert main(["export", str(tmp_path / "x.jsonl"), "--db", required]) == 2
    err = capsys.readouterr().err
    assert "SSL" in err and SECRET not in err
    wrong = plain.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:wrong-{SECRET}@")
    assert main(["actors", "list", "--db", wrong]) == 2
    err = capsys.readouterr().err
    assert "password authentication failed" in err and SECRET not in err
    # Nothing of it reaches the settings file.
    settings = Path(os.environ["ANNOTATOR_CONFIG_DIR"]) / "settings.json"
    assert not settings.exists() or SECRET not in settings.read_text()


def _export(db: Path | str, out: Path) -> list[dict[str, object]]:
    assert main(["export", str(out), "--db", str(db)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_copy_sqlite_to_postgresql_and_back_keeps_everything(
    annotated_db: Path, pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url(_empty_database(pg_server))
    assert main(["db", "init", url]) == 0  # a just-initialised database (seed actors) is fine
    assert main(["db", "copy", str(annotated_db), url]) == 0
    out = capsys.readouterr().out
    assert "every table's count matches" in out and "actor_mention" in out
    back = tmp_path / "back.sqlite"
    assert main(["db", "copy", url, str(back)]) == 0
    original = _export(annotated_db, tmp_path / "a.jsonl")
    assert original and any(r.get("events") for r in original)  # actors, events, frames travel
    assert _export(url, tmp_path / "b.jsonl") == original
    assert _export(back, tmp_path / "c.jsonl") == original
    # Row for row, table by table, ids included.
    lite, again = sqlite3.connect(annotated_db), sqlite3.connect(back)
    with psycopg.connect(url) as pg:
        for table in ("document", "annotator", "span", "actor", "actor_alias", "actor_mention",
                      "event", "event_argument", "frame_assessment", "frame_present",
                      "frame_actor_role"):
            rows = lite.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            assert rows, table
            assert pg.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == rows, table
            assert again.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == rows, table
    lite.close()
    again.close()
    # New rows on the server go on after the copied ids.
    store = Store(url)
    ann = store.annotators.get_or_create("newcomer")
    others = [a.id or 0 for a in store.annotators.all() if a.name != "newcomer"]
    assert ann.id is not None and ann.id > max(others)
    store.close()


def test_copy_into_a_database_with_work_is_refused_and_changes_nothing(
    annotated_db: Path, seeded_db: Path, pg_server: PgServer, pg_seeded_template: str,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = new_pg_database(pg_server, pg_seeded_template)
    before = _snapshot(url)
    assert main(["db", "copy", str(annotated_db), url]) == 2
    assert "already holds work" in capsys.readouterr().err
    assert _snapshot(url) == before
    size = seeded_db.stat().st_size
    assert main(["db", "copy", url, str(seeded_db)]) == 2
    assert seeded_db.stat().st_size == size
    assert main(["db", "copy", str(tmp_path / "missing.sqlite"), url]) == 2
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_server_that_goes_away_is_a_clear_message_and_work_resumes_when_it_is_back() -> None:
    from tests.pg_server import start_server

    server = start_server()  # its own: this test stops it
    try:
        url = server.url()
        store = Store(url)
        (doc_id,) = store.documents.add([Document("Talks in Muscat ended.")])
        server.halt()
        gone = "cannot connect to the database|connection to the server was lost"
        with pytest.raises(StoreError, match=gone):
            store.documents.set_status(doc_id, Status.DONE)
        with pytest.raises(StoreError, match="cannot connect to the database .*refused"):
            store.documents.get(doc_id)
        server.run_server()
        assert store.documents.get(doc_id).status is Status.TODO  # nothing half-saved
        store.documents.set_status(doc_id, Status.DONE)  # and the store reconnected
        assert store.documents.get(doc_id).status is Status.DONE
        store.close()
    finally:
        server.stop()


def test_a_server_restarted_while_the_app_was_idle_is_reconnected_without_an_error() -> None:
    import time

    from annotator.store.postgres import PING_AFTER_IDLE_S
    from tests.pg_server import start_server

    server = start_server()  # its own: this test restarts it
    try:
        store = Store(server.url())
        (doc_id,) = store.documents.add([Document("Talks in Muscat resumed.")])
        server.halt()
        server.run_server()
        time.sleep(PING_AFTER_IDLE_S + 0.2)
        # The pooled connections died with the server; the first action after a pause finds
        # out before using one (a ping) and goes through on a new connection.
        store.documents.set_status(doc_id, Status.DONE)
        assert store.documents.get(doc_id).status is Status.DONE
        store.close()
    finally:
        server.stop()
