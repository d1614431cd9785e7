"""One annotation database opened: the engine, and one repository per concept over it.

``Store(path)`` opens (creating or migrating) the file, or the database a ``postgresql://`` URL
names, and hands out the repositories: callers say ``store.documents.get(doc_id)``,
``store.actors.merge(keep, gone)``, ``store.framing.save(...)``.
Each repository is the one place where the queries of its concept live, so an engine-specific
query has one home. Opening also loads the built-in seed actors into a database that has never
had them: that is the registry's business, above the engine, which only opens and migrates.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from annotator.core.errors import StoreError
from annotator.store.actors import ActorRepo, ensure_actor_seed
from annotator.store.annotators import AnnotatorRepo
from annotator.store.dialect import is_postgres
from annotator.store.documents import DocumentRepo
from annotator.store.engine import open_engine
from annotator.store.events import EventRepo
from annotator.store.framing import FramingRepo
from annotator.store.judgments import JudgmentRepo
from annotator.store.live import ChangeListener
from annotator.store.location import masked, parse_location
from annotator.store.mentions import MentionRepo
from annotator.store.record_analysis import RecordAnalysisRepo
from annotator.store.records import RecordRepo
from annotator.store.regions import RegionRepo
from annotator.store.rejections import RejectionRepo
from annotator.store.span_attributes import SpanAttributeRepo
from annotator.store.span_dependents import SpanDependentsRepo
from annotator.store.spans import SpanRepo


class Store:
    """One annotation database file and its repositories."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """Open the database; ``read_only``: for commands that only read (see
        engine.open_engine: a SQLite file opened with ``mode=ro``, a server database in read-only
        transactions), which writes nothing, not even the seed actors."""
        # ``location`` opens the database again (a file, or a server URL as given); ``path``
        # names it in messages, a server URL with any password masked.
        self.location: Path | str = parse_location(path)
        self.path: Path | str = (
            masked(self.location) if isinstance(self.location, str) else self.location
        )
        self.read_only = read_only
        self.engine: Engine = open_engine(self.location, read_only=read_only)
        if not read_only:
            # The built-in seed actors, once per database (new or migrated), so that alias
            # proposals work from the first document; see docs/SCHEMA.md.
            ensure_actor_seed(self.engine)
        self._bind(self.engine)

    def _bind(self, engine: Engine | _OneTransaction) -> None:
        self._transaction = engine if isinstance(engine, _OneTransaction) else None
        bind: Any = engine  # the repositories use only begin(), connect() and dialect
        bind = _Repositories(engine) if isinstance(engine, Engine) else bind
        self.documents = DocumentRepo(bind)
        self.annotators = AnnotatorRepo(bind)
        self.spans = SpanRepo(bind)
        self.records = RecordRepo(bind, self.path)
        self.actors = ActorRepo(bind)
        self.mentions = MentionRepo(bind)
        self.events = EventRepo(bind)
        self.framing = FramingRepo(bind)
        self.judgments = JudgmentRepo(bind)
        self.dependents = SpanDependentsRepo(bind)
        self.record_analysis = RecordAnalysisRepo(bind)
        self.rejections = RejectionRepo(bind)
        self.span_attributes = SpanAttributeRepo(bind)
        self.regions = RegionRepo(bind)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Store]:
        """This store, with every repository call inside one transaction: committed when the
        block ends, rolled back (all of it) if it raises, so that a use case made of many calls
        (an adjudication's copy of everything agreed) is stored entirely or not at all, even
        under a kill. A write that fails inside the block fails the whole block, even if its
        error is caught. For one command-line use case at a time; the GUI keeps one short
        transaction per action, or one for an action made of many calls. Inside a block, a
        further ``atomic()`` is the same transaction."""
        if self._transaction is not None:
            yield self
            return
        with self.engine.begin() as conn:
            one = _OneTransaction(conn)
            view = copy.copy(self)
            view._bind(one)
            yield view
            if one.failed is not None:  # caught inside the block: still nothing is kept
                raise StoreError(f"a change failed inside one transaction: {one.failed}")

    def listen(self) -> ChangeListener | None:
        """A listener for other analysts' changes (a server database), or None (a SQLite file)."""
        if not is_postgres(self.engine):
            return None
        with self.engine.connect() as conn:
            own = str(conn.exec_driver_sql("SELECT current_setting('application_name')").scalar())
        return ChangeListener(self.engine, own)

    def close(self) -> None:
        self.engine.dispose()


class _Repositories:
    """Stands in for the engine in the repositories: a write (``begin()``) is one transaction
    of its own; a read (``connect()``) on a server runs each statement in autocommit.

    The reads of a click (the pane's spans and suggestions, the rejections, the document's
    status) are single statements: at PostgreSQL's READ COMMITTED each statement sees its own
    snapshot anyway, so a transaction around them adds nothing but two round trips (psycopg's
    ``BEGIN`` before the first statement, the pool's ``ROLLBACK`` when the connection goes back),
    which on a busy machine cost a scheduling of the server process each. Row-level security
    and a read-only opening (``default_transaction_read_only``) hold for each statement alike.
    SQLite needs nothing: its driver opens a transaction only before a write."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._reads = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if is_postgres(engine) else engine
        )

    def begin(self) -> contextlib.AbstractContextManager[Connection]:
        return self.engine.begin()

    def connect(self) -> Connection:
        return self._reads.connect()


class _OneTransaction:
    """Stands in for the engine inside ``Store.atomic``: every ``begin()`` and ``connect()`` of
    the repositories is the one connection of the block's transaction (a repository's own
    ``begin`` neither commits nor rolls back)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self.failed: BaseException | None = None

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A repository's write: a failure in it fails the block (some of its statements may
        have run), even if the caller catches it."""
        try:
            yield self.conn
        except BaseException as exc:
            self.failed = exc
            raise

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        """A repository's read: it writes nothing, so a failure in it is only the caller's."""
        yield self.conn
