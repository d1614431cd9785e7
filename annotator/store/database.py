"""One annotation database opened: the engine, and one repository per concept over it.

``Store(path)`` opens (creating or migrating) the file, or the database a ``postgresql://`` URL
names, and hands out the repositories: callers say ``store.documents.get(doc_id)``,
``store.actors.merge(keep, gone)``, ``store.framing.save(...)``.
Each repository is the one place where the queries of its concept live, so an engine-specific
query has one home. Opening also loads the built-in seed actors into a database that has never
had them: that is the registry's business, above the engine, which only opens and migrates.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

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
        self.documents = DocumentRepo(self.engine)
        self.annotators = AnnotatorRepo(self.engine)
        self.spans = SpanRepo(self.engine)
        self.records = RecordRepo(self.engine, self.path)
        self.actors = ActorRepo(self.engine)
        self.mentions = MentionRepo(self.engine)
        self.events = EventRepo(self.engine)
        self.framing = FramingRepo(self.engine)
        self.judgments = JudgmentRepo(self.engine)
        self.dependents = SpanDependentsRepo(self.engine)
        self.record_analysis = RecordAnalysisRepo(self.engine)
        self.rejections = RejectionRepo(self.engine)
        self.span_attributes = SpanAttributeRepo(self.engine)
        self.regions = RegionRepo(self.engine)

    def listen(self) -> ChangeListener | None:
        """A listener for other analysts' changes (a server database), or None (a SQLite file)."""
        if not is_postgres(self.engine):
            return None
        with self.engine.connect() as conn:
            own = str(conn.exec_driver_sql("SELECT current_setting('application_name')").scalar())
        return ChangeListener(self.engine, own)

    def close(self) -> None:
        self.engine.dispose()
