"""A kill during a large import (the bulk path: the full-text trigger dropped, the index filled in
one statement, the trigger made again, all in one transaction) leaves all of the file or none,
the index in step with the documents and the trigger in place."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.store import Store

WORKER = """
import sys
from pathlib import Path
from annotator.core.labels import default_labels
from annotator.core.tasks import TaskState
from annotator.services.importing import import_paths
from annotator.store import Store

store = Store(Path(sys.argv[1]))
task = TaskState(lambda done, total, message: print(message, flush=True))
report = import_paths(store, [Path(sys.argv[2])], default_labels(), None, task)
store.close()
print("done", len(report.added), flush=True)
"""

COUNT = 4_000


def _write_batch(path: Path, batch: int, rng: random.Random) -> None:
    words = ("Quds", "Force", "Damascus", "talks", "border", "relations", "minister", "Syria")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(COUNT):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(10, 60)))
            record = {"text": f"Batch {batch} item {i}. {body}.", "meta": {"title": f"{batch}/{i}"}}
            handle.write(json.dumps(record) + "\n")


def _check(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        counts = dict(con.execute(
            "SELECT substr(title, 1, instr(title, '/') - 1), count(*) FROM document GROUP BY 1"
        ).fetchall())
        indexed = con.execute(
            "SELECT count(*) FROM document_fts WHERE document_fts MATCH 'batch'"
        ).fetchone()[0]
    finally:
        con.close()
    assert {"document_fts_insert", "document_fts_delete", "document_fts_update"} <= triggers
    assert indexed == sum(counts.values())
    return counts


def test_sigkill_during_a_bulk_import_keeps_all_of_the_file_or_none(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    Store(db).close()
    rng = random.Random(19)
    # A first import, not killed, says how long one takes on this machine.
    _write_batch(tmp_path / "b0.jsonl", 0, rng)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(db), str(tmp_path / "b0.jsonl")],
        capture_output=True, text=True, check=True,
    ).stdout
    took = time.perf_counter() - t0
    assert f"done {COUNT}" in out
    outcomes = []
    for batch in range(1, 7):
        path = tmp_path / f"b{batch}.jsonl"
        _write_batch(path, batch, rng)
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), str(path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "reading"  # files read; storing soon
        time.sleep(rng.uniform(0, took * 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
        counts = _check(db)
        assert counts.get(str(batch), 0) in (0, COUNT), counts
        outcomes.append(counts.get(str(batch), 0))
    assert _check(db)["0"] == COUNT
