"""What ``Store`` makes of a new file, as ``resources/new-database.json`` holds it for
``new_database.py``: made here by opening a new file with ``Store``. For the test that checks
the file and for writing it again after a change of the tables or the seed actors
(``python -m annotator.store.new_database_snapshot``); an import never imports this module."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from annotator.resources import RESOURCES
from annotator.store.database import Store
from annotator.store.fulltext_sql import INSERT_TRIGGER
from annotator.store.new_database import SHADOW_TABLES, SNAPSHOT, TIMESTAMPS, document_columns
from annotator.store.rows import DOC


def snapshot() -> dict[str, Any]:
    """What ``Store`` makes of a new file now."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "new.sqlite"
        Store(path).close()
        con = sqlite3.connect(path)
        try:
            schema = [
                str(sql)
                for name, sql in con.execute("SELECT name, sql FROM sqlite_master ORDER BY rowid")
                if sql is not None and name not in SHADOW_TABLES and name != "sqlite_sequence"
            ]
            trigger = con.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
            ).fetchone()[0]
            rows: dict[str, Any] = {}
            for (table,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
            ).fetchall():
                if table.startswith("sqlite_") or table in SHADOW_TABLES or table == "document_fts":
                    continue
                # ``table``: a name from sqlite_master of the file Store has just made
                info = f'PRAGMA table_info("{table}")'  # safe-sql: a table name of Store's file
                columns = [str(r[1]) for r in con.execute(info)]
                select = f'SELECT * FROM "{table}" ORDER BY rowid'  # safe-sql: as above
                content = con.execute(select).fetchall()
                if content:
                    rows[table] = {
                        "columns": columns,
                        # The timestamps' precision (the actor registry's are finer).
                        "stamps": {
                            name: "microseconds" if "." in str(content[0][i]) else "seconds"
                            for i, name in enumerate(columns) if name in TIMESTAMPS
                        },
                        "rows": [
                            [None if name in TIMESTAMPS else value
                             for name, value in zip(columns, row, strict=True)]
                            for row in content
                        ],
                    }
            user_version = con.execute("PRAGMA user_version").fetchone()[0]
            application_id = con.execute("PRAGMA application_id").fetchone()[0]
        finally:
            con.close()
    return {
        "schema": schema,
        "insert_trigger": trigger,
        "rows": rows,
        "document_columns": [
            *document_columns(),
            *(c.name for c in DOC.columns if c.name != "id" and c.name not in document_columns()),
        ],
        "user_version": user_version,
        "application_id": application_id,
    }


def write_snapshot() -> Path:
    target = RESOURCES / SNAPSHOT
    target.write_text(json.dumps(snapshot(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"wrote {write_snapshot()}")
