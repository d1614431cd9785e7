"""Shared fixtures. Tests never touch the user's settings, cache or database: every test gets its
own config and data directories (the cache is the session's), and Qt runs offscreen."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.pg_server import PgServer, start_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(base / "data"))
    # One cache for the session (py3langid's model unpacked once, not in every test's folder).
    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the five seeds imported and pre-annotated, made once per test session."""
    from annotator.core.labels import default_labels
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.services.importing import import_paths
    from annotator.store import Store

    path = tmp_path_factory.mktemp("seeded") / "seeds.sqlite"
    store = Store(path)
    import_paths(store, [SEEDS], default_labels(), PipelineRegistry())
    store.close()
    return path


@pytest.fixture
def seeded_db(seeded_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database for one test."""
    import sqlite3

    target = tmp_path / "seeds.sqlite"
    src = sqlite3.connect(seeded_db_template)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture(scope="session")
def annotated_db_template(seeded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds annotated by "alice" (outlets, actor mentions, events, framing): see
    ``tests/annotated_seeds.py``. Made once per test session."""
    import sqlite3

    from annotator.store import Store
    from tests.annotated_seeds import annotate

    path = tmp_path_factory.mktemp("annotated") / "annotated.sqlite"
    src = sqlite3.connect(seeded_db_template)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    store = Store(path)
    annotate(store)
    store.close()
    return path


@pytest.fixture
def annotated_db(annotated_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the annotated seeds for one test."""
    import sqlite3

    target = tmp_path / "annotated.sqlite"
    src = sqlite3.connect(annotated_db_template)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


# --- PostgreSQL: one server per session, a fresh database per test --------------------------------
# The server is Debian's (tests/pg_server.py); without its binaries these fixtures fail with a
# sentence saying what to install, never skip: the store must keep working on both engines.

PG_TEMPLATE = "annotator_template"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    from annotator.store import Store

    server = start_server()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        # The schema and the seed actors once; each test's database is a copy of it.
        Store(server.url(PG_TEMPLATE)).close()
        yield server
    finally:
        server.stop()


_pg_counter = itertools.count()


def unique_pg_name(prefix: str) -> str:
    """A database name no other test of this run has used (a counter, not an object's id: ids
    of freed objects come back, and a name reused made CREATE DATABASE fail)."""
    return f"{prefix}{os.getpid()}_{next(_pg_counter)}"


def new_pg_database(server: PgServer, template: str = PG_TEMPLATE) -> str:
    """A new database on the test server, copied from ``template``; its URL."""
    name = unique_pg_name("t")
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return server.url(name)


def _dropped_after(request: pytest.FixtureRequest, server: PgServer, url: str) -> str:
    """``url``, its database dropped when the test ends (so the cluster stays small: each
    database is a few megabytes of catalogs)."""
    name = url.rsplit("/", 1)[1]

    def drop() -> None:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    request.addfinalizer(drop)
    return url


@pytest.fixture
def pg_url(pg_server: PgServer, request: pytest.FixtureRequest) -> str:
    """A fresh annotator database (schema and seed actors) on the test server."""
    return _dropped_after(request, pg_server, new_pg_database(pg_server))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """One test on both engines: a new SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "a.sqlite"
    server = request.getfixturevalue("pg_server")
    return _dropped_after(request, server, new_pg_database(server))


def _pg_copy_template(server: PgServer, name: str, sqlite_template: Path) -> str:
    """A server database named ``name`` holding a copy of ``sqlite_template`` (annotator db copy)."""
    from annotator.services.team import copy_between

    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    copy_between(sqlite_template, server.url(name))
    return name


@pytest.fixture(scope="session")
def pg_seeded_template(pg_server: PgServer, seeded_db_template: Path) -> str:
    return _pg_copy_template(pg_server, "annotator_seeded", seeded_db_template)


@pytest.fixture(scope="session")
def pg_annotated_template(pg_server: PgServer, annotated_db_template: Path) -> str:
    return _pg_copy_template(pg_server, "annotator_annotated", annotated_db_template)


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_both(request: pytest.FixtureRequest) -> Path | str:
    """The seeded database on both engines: a private SQLite copy, then a server copy. A module
    that runs its tests on both says ``seeded_db = seeded_both`` in a fixture of its own."""
    if request.param == "sqlite":
        return request.getfixturevalue("seeded_db")
    server = request.getfixturevalue("pg_server")
    url = new_pg_database(server, request.getfixturevalue("pg_seeded_template"))
    return _dropped_after(request, server, url)


@pytest.fixture(params=["sqlite", "postgresql"])
def annotated_both(request: pytest.FixtureRequest) -> Path | str:
    """The annotated seeds on both engines (see ``seeded_both``)."""
    if request.param == "sqlite":
        return request.getfixturevalue("annotated_db")
    server = request.getfixturevalue("pg_server")
    url = new_pg_database(server, request.getfixturevalue("pg_annotated_template"))
    return _dropped_after(request, server, url)
