"""Who may change what in a team's PostgreSQL database, enforced by the server itself.

Each analyst connects as their own database role, and their annotator name is that role's name.
Three group roles carry the rights; ``grant`` makes a login role a member of one:

- ``annotator_analyst`` reads everything; writes only their own annotation set (spans, actor
  links, events and their arguments, frame assessments, their judgments of documents: the rows
  whose annotator is named as the connected role, and the attributes of their spans), rejects
  suggestions for everyone, registers themself as an annotator, sets documents' status and
  details, and marks or unmarks the regions found at import (repeated lines, boilerplate).
- ``annotator_reviewer`` is an analyst who also writes the sets no person logs in as (the gold
  set of an adjudication), and so settles reviews.
- ``annotator_admin`` writes everything: imports documents, edits the actor registry, any set.

Table privileges say which tables each group may change; row-level security says which rows: one
policy per annotation table calls ``annotator_may_write(annotator id)``. Tables that hang on a
span, an event or an assessment ask about the row they hang on. The database's owner (who ran
``annotator db init``) is not subject to the policies, as PostgreSQL has it.
"""

from __future__ import annotations

from sqlalchemy import Connection

from annotator.core.errors import InputError

LEVELS = ("analyst", "reviewer", "admin")
GROUP = {level: f"annotator_{level}" for level in LEVELS}

# Tables an analyst's own work lives in (row-level security decides which rows).
_OWN_WORK = ("span", "actor_mention", "event", "event_argument", "frame_assessment",
             "frame_present", "frame_actor_role", "judgment", "span_attribute")
# Tables every analyst writes, whoever's rows: the rejected suggestions are the database's own.
_SHARED_WORK = ("suggestion_rejection",)

_SETUP = (
    """
    CREATE OR REPLACE FUNCTION annotator_may_write(ann integer) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(current_user, 'annotator_admin', 'MEMBER')
            OR EXISTS (SELECT 1 FROM annotator a WHERE a.id = ann AND (
                a.name = current_user
                OR (pg_has_role(current_user, 'annotator_reviewer', 'MEMBER')
                    AND a.kind = 'human'
                    AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = a.name))))
    $$
    """,
)

# (table, the annotator id of a row, as SQL over the row's columns)
_POLICIES = (
    ("span", "annotator_id"),
    ("event", "annotator_id"),
    ("frame_assessment", "annotator_id"),
    ("judgment", "annotator_id"),
    ("actor_mention", "(SELECT s.annotator_id FROM span s WHERE s.id = span_id)"),
    ("event_argument", "(SELECT e.annotator_id FROM event e WHERE e.id = event_id)"),
    ("frame_present", "(SELECT f.annotator_id FROM frame_assessment f WHERE f.id = assessment_id)"),
    ("frame_actor_role", "(SELECT f.annotator_id FROM frame_assessment f WHERE f.id = assessment_id)"),
    ("span_attribute", "(SELECT s.annotator_id FROM span s WHERE s.id = span_id)"),
)


def _create_groups(conn: Connection) -> None:
    for group in GROUP.values():
        conn.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}')"  # safe-sql: ours
            f" THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    conn.exec_driver_sql("GRANT annotator_analyst TO annotator_reviewer")
    conn.exec_driver_sql("GRANT annotator_reviewer TO annotator_admin")


def ensure_rights(conn: Connection) -> None:
    """Create the group roles, their privileges and the row-level policies (idempotent)."""
    _create_groups(conn)
    for statement in _SETUP:
        conn.exec_driver_sql(statement)
    analyst, admin = GROUP["analyst"], GROUP["admin"]
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {analyst}")
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {analyst}")  # safe-sql: group name
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {analyst}")
    own_work = ", ".join(_OWN_WORK)
    conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {own_work} TO {analyst}")  # safe-sql: ours
    shared = ", ".join(_SHARED_WORK)
    conn.exec_driver_sql(f"GRANT INSERT, DELETE ON {shared} TO {analyst}")  # safe-sql: ours
    conn.exec_driver_sql(f"GRANT INSERT ON annotator TO {analyst}")  # safe-sql: group name
    conn.exec_driver_sql(
        f"GRANT UPDATE (title, source, date, lang, url, filename, status, updated_at)"  # safe-sql: group name
        f" ON document TO {analyst}"
    )
    # Regions marked at import belong to the document: an analyst may only unmark or mark them.
    conn.exec_driver_sql(f"GRANT UPDATE (marked) ON document_region TO {analyst}")  # safe-sql: group name
    conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {admin}")
    conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {admin}")
    # An analyst registers themself only; a reviewer or an admin any set (the gold set).
    conn.exec_driver_sql("ALTER TABLE annotator ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql("DROP POLICY IF EXISTS annotator_read ON annotator")
    conn.exec_driver_sql("CREATE POLICY annotator_read ON annotator FOR SELECT USING (true)")
    conn.exec_driver_sql("DROP POLICY IF EXISTS annotator_add ON annotator")
    conn.exec_driver_sql(
        "CREATE POLICY annotator_add ON annotator FOR INSERT WITH CHECK (name = current_user"
        " OR pg_has_role(current_user, 'annotator_reviewer', 'MEMBER'))"
    )
    for table, owner in _POLICIES:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")  # safe-sql: table names
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {table}_read ON {table}")  # safe-sql: table names
        conn.exec_driver_sql(
            f"CREATE POLICY {table}_read ON {table} FOR SELECT USING (true)"  # safe-sql: ours
        )
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {table}_write ON {table}")  # safe-sql: table names
        conn.exec_driver_sql(
            f"CREATE POLICY {table}_write ON {table} FOR ALL"  # safe-sql: table names and their SQL
            f" USING (annotator_may_write({owner})) WITH CHECK (annotator_may_write({owner}))"
        )


def grant(conn: Connection, role: str, level: str) -> None:
    """Make the login role ``role`` an analyst, a reviewer or an admin of this database."""
    if level not in LEVELS:
        raise InputError(f"unknown right {level!r}: one of {', '.join(LEVELS)}")
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": role}
    ).first()
    if exists is None:
        raise InputError(
            f"no database role named {role!r}: create it first "  # safe-sql: a message
            f"(CREATE ROLE {role} LOGIN PASSWORD '…'; see docs/TEAM.md)"
        )
    ensure_rights(conn)
    quoted = conn.dialect.identifier_preparer.quote(role)
    for other in LEVELS:
        conn.exec_driver_sql(f"REVOKE {GROUP[other]} FROM {quoted}")
    conn.exec_driver_sql(f"GRANT {GROUP[level]} TO {quoted}")
