"""Other analysts' changes, as they happen, on a team's PostgreSQL database (LISTEN/NOTIFY).

Triggers on the tables a window shows send one notification per changed row on the channel
``annotator_changes``, with the document it concerns (none for the actor registry and the rejected
suggestions, which concern every document) and the ``application_name`` of the connection that made
it. PostgreSQL delivers them when the change commits, and folds identical notifications of one
transaction into one: an import of a thousand spans into one document is one notification. Every
``Store`` connects under a name of its own (``annotator-<random>``), so a window can tell its own
changes from other people's. The tables: documents, spans, events, frame assessments, judgments (an
analyst's status of a document), the actor registry and links, and the rejected suggestions.

``ChangeListener`` holds one extra connection that only listens; ``take`` reads what has arrived
without waiting (a socket read, no query), so the window can ask a few times a second at no cost and
never polls the corpus. SQLite has no such channel: a SQLite store has no listener, and two
instances on one file see each other's work when they next read (compare-and-set keeps either from
overwriting the other).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from annotator.core.errors import StoreError

CHANNEL = "annotator_changes"

# (trigger function, the document id of the changed row, tables)
_FUNCTIONS = {
    "annotator_notify_document": "r.id",
    "annotator_notify_by_document": "r.document_id",
    "annotator_notify_registry": "NULL",
    "annotator_notify_rejection": "NULL",
}
_TABLES = {
    "annotator_notify_document": ("document",),
    "annotator_notify_by_document": ("span", "event", "frame_assessment", "judgment"),
    "annotator_notify_registry": ("actor", "actor_alias", "actor_mention"),
    # A rejected suggestion (or one suggested again) is hidden (shown) in every document.
    "annotator_notify_rejection": ("suggestion_rejection",),
}


_NOTIFY_FUNCTION = """
    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE r record;
    BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
        PERFORM pg_notify('{channel}', json_build_object(
            't', TG_TABLE_NAME, 'd', {doc}, 'a', current_setting('application_name'))::text);
        RETURN NULL;
    END $$
"""


def new_application_name() -> str:
    return f"annotator-{secrets.token_hex(6)}"


def ensure_notify_triggers(conn: Connection) -> None:
    """Create the notifying triggers if missing (inside the caller's transaction); an analyst
    opening a database that has them changes nothing (they own none of it), nor one made by an
    earlier release that lacks some (only the owner may add a trigger: their next opening, or
    ``annotator db migrate``, does)."""
    present = {
        str(r[0]) for r in conn.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'annotator_notify_%%'"
        )
    }
    wanted = {f"annotator_notify_{t}" for tables in _TABLES.values() for t in tables}
    if wanted <= present:
        return
    owner = conn.exec_driver_sql(
        "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables"
        " WHERE schemaname = current_schema() AND tablename = 'document'"
    ).scalar()
    if not owner:
        return
    for function, doc in _FUNCTIONS.items():
        # Names and expressions from the module's constants above, nothing from outside.
        conn.exec_driver_sql(_NOTIFY_FUNCTION.format(function=function, doc=doc, channel=CHANNEL))
        for table in _TABLES[function]:
            name = f"annotator_notify_{table}"
            if name not in present:
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table}"  # safe-sql: ours
                    f" FOR EACH ROW EXECUTE FUNCTION {function}()"
                )


@dataclass
class RemoteChanges:
    """What others changed since the last look."""

    documents: set[int] = field(default_factory=set)  # documents whose rows or annotations changed
    listing: bool = False  # documents added, removed, renamed or given another status
    registry: bool = False  # the actor registry or actor links
    rejections: bool = False  # suggestions rejected (hidden everywhere) or suggested again

    def __bool__(self) -> bool:
        return bool(self.documents) or self.listing or self.registry or self.rejections


class ChangeListener:
    """One listening connection to a server database; ``take`` is what others changed."""

    def __init__(self, engine: Engine, own_name: str) -> None:
        import psycopg

        # The engine's own connection arguments (libpq's conventions apply alike).
        args, params = engine.dialect.create_connect_args(engine.url)
        params = {**params, "application_name": f"{own_name}-listen"}
        self.own_name = own_name
        self.conn = psycopg.connect(*args, autocommit=True, **params)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def take(self, wait: float = 0.0) -> RemoteChanges:
        """What others changed since the last call; ``wait``: seconds to wait for a first one."""
        import psycopg

        try:
            notes = list(self.conn.notifies(timeout=wait, stop_after=1)) if wait else []
            notes += self.conn.notifies(timeout=0)
        except psycopg.Error as exc:
            raise StoreError(f"the connection to the server was lost ({str(exc).strip()})") from exc
        changes = RemoteChanges()
        for note in notes:
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            if data.get("a") == self.own_name:
                continue
            table, doc = data.get("t"), data.get("d")
            if table == "document":
                changes.listing = True
            if table in ("actor", "actor_alias", "actor_mention"):
                changes.registry = True
            if table == "suggestion_rejection":
                changes.rejections = True
            if doc is not None:
                changes.documents.add(int(doc))
        return changes

    def close(self) -> None:
        self.conn.close()  # psycopg's close does not raise, also on a lost connection
