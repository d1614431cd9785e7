"""Schema version 1 to 2: the tables of the analyst's annotation model.

Version 2 adds the actor registry (``actor``, ``actor_alias``, ``actor_mention``), events
(``event``, ``event_argument``) and framing (``frame_assessment``, ``frame_present``,
``frame_actor_role``). Existing documents, annotators and spans are kept as they are. The DDL is
written out here, frozen as version 2 defines it, so that later changes to the models cannot
change what this step does; a test checks that a migrated database has exactly the schema of a
new one.
"""

from __future__ import annotations

import sqlite3

V2_TABLES = (
    """
    CREATE TABLE actor (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        uid VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        country VARCHAR NOT NULL,
        sector VARCHAR NOT NULL,
        wikidata VARCHAR NOT NULL,
        notes VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        updated_at VARCHAR NOT NULL,
        CONSTRAINT uq_actor_uid UNIQUE (uid),
        CONSTRAINT ck_actor_name CHECK (length(trim(name)) > 0)
    )
    """,
    """
    CREATE INDEX ix_actor_name ON actor (name)
    """,
    """
    CREATE TABLE actor_alias (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        actor_id INTEGER NOT NULL,
        alias VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        CONSTRAINT uq_actor_alias UNIQUE (actor_id, alias),
        FOREIGN KEY(actor_id) REFERENCES actor (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE INDEX ix_actor_alias_actor_id ON actor_alias (actor_id)
    """,
    """
    CREATE TABLE actor_mention (
        span_id INTEGER NOT NULL,
        actor_id INTEGER NOT NULL,
        PRIMARY KEY (span_id),
        FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE CASCADE,
        FOREIGN KEY(actor_id) REFERENCES actor (id) ON DELETE RESTRICT
    )
    """,
    """
    CREATE INDEX ix_actor_mention_actor_id ON actor_mention (actor_id)
    """,
    """
    CREATE TABLE event (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        document_id INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        trigger_span_id INTEGER NOT NULL,
        category VARCHAR NOT NULL,
        mode VARCHAR NOT NULL,
        context VARCHAR NOT NULL,
        cameo VARCHAR NOT NULL,
        date VARCHAR NOT NULL,
        factuality VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        updated_at VARCHAR NOT NULL,
        CONSTRAINT uq_event_trigger UNIQUE (trigger_span_id),
        FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE,
        FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE,
        FOREIGN KEY(trigger_span_id) REFERENCES span (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE INDEX ix_event_doc_annotator ON event (document_id, annotator_id)
    """,
    """
    CREATE TABLE event_argument (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        event_id INTEGER NOT NULL,
        role VARCHAR NOT NULL,
        actor_id INTEGER,
        span_id INTEGER,
        position INTEGER NOT NULL,
        CONSTRAINT ck_event_argument_ref CHECK ((actor_id IS NULL) <> (span_id IS NULL)),
        FOREIGN KEY(event_id) REFERENCES event (id) ON DELETE CASCADE,
        FOREIGN KEY(actor_id) REFERENCES actor (id) ON DELETE RESTRICT,
        FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE INDEX ix_event_argument_actor_id ON event_argument (actor_id)
    """,
    """
    CREATE INDEX ix_event_argument_event_id ON event_argument (event_id)
    """,
    """
    CREATE INDEX ix_event_argument_span_id ON event_argument (span_id)
    """,
    """
    CREATE TABLE frame_assessment (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        document_id INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        primary_frame VARCHAR NOT NULL,
        headline_frame VARCHAR NOT NULL,
        tone VARCHAR NOT NULL,
        tone_target_actor_id INTEGER,
        updated_at VARCHAR NOT NULL,
        CONSTRAINT uq_frame_doc_annotator UNIQUE (document_id, annotator_id),
        FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE,
        FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE,
        FOREIGN KEY(tone_target_actor_id) REFERENCES actor (id) ON DELETE RESTRICT
    )
    """,
    """
    CREATE INDEX ix_frame_assessment_tone_target_actor_id ON frame_assessment (tone_target_actor_id)
    """,
    """
    CREATE TABLE frame_present (
        assessment_id INTEGER NOT NULL,
        dimension VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (assessment_id, dimension),
        FOREIGN KEY(assessment_id) REFERENCES frame_assessment (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE frame_actor_role (
        assessment_id INTEGER NOT NULL,
        actor_id INTEGER NOT NULL,
        role VARCHAR NOT NULL,
        PRIMARY KEY (assessment_id, actor_id),
        FOREIGN KEY(assessment_id) REFERENCES frame_assessment (id) ON DELETE CASCADE,
        FOREIGN KEY(actor_id) REFERENCES actor (id) ON DELETE RESTRICT
    )
    """,
    """
    CREATE INDEX ix_frame_actor_role_actor_id ON frame_actor_role (actor_id)
    """,
)


def migrate_1_to_2(con: sqlite3.Connection) -> None:
    """Create the version-2 tables (inside the caller's transaction)."""
    for statement in V2_TABLES:
        con.execute(statement)
