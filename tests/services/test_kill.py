"""``kill -9`` at random moments loses nothing that was committed and leaves nothing half done.

A worker process (``kill_worker.py``) imports multi-document files, edits spans and statuses with
the real annotation commands, and exports, logging a ``B`` line before each action and a ``C``
line once it is committed. The test kills it with SIGKILL, at random times or just after it starts
an import or an export, at least 20 times on one database. After each kill:

- ``PRAGMA integrity_check`` is ``ok`` and no foreign key dangles;
- every committed action is in the database (the state replayed from the log matches it), and
  the one action in flight, if any, is there entirely or not at all;
- each imported file has all of its documents or none;
- the export file, when there is one, is complete (the previous export or the new one).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.store import Store

WORKER = Path(__file__).resolve().parent / "kill_worker.py"
ROOT = WORKER.parent.parent.parent
KILLS = 24
SpanValue = tuple[int, int, int, str]  # document, start, end, label


@dataclass
class State:
    batches: dict[str, int] = field(default_factory=dict)  # batch -> documents stored
    spans: dict[int, SpanValue] = field(default_factory=dict)  # the analyst's spans by id
    status: dict[int, str] = field(default_factory=dict)  # document -> status

    def copy(self) -> State:
        return State(dict(self.batches), dict(self.spans), dict(self.status))


def read_state(db: Path) -> State:
    con = sqlite3.connect(db)
    try:
        state = State()
        for source, count in con.execute("SELECT source, count(*) FROM document GROUP BY source"):
            assert source.startswith("batch-"), source
            state.batches[source.removeprefix("batch-")] = count
        for doc_id, status in con.execute("SELECT id, status FROM document"):
            state.status[doc_id] = status
        rows = con.execute(
            'SELECT s.id, s.document_id, s.start, s."end", s.label FROM span s '
            "JOIN annotator a ON a.id = s.annotator_id WHERE a.name = 'analyst'"
        )
        for span_id, doc_id, start, end, label in rows:
            state.spans[span_id] = (doc_id, start, end, label)
    finally:
        con.close()
    return state


def check_integrity(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def apply(state: State, entry: dict[str, Any]) -> None:
    """Apply one committed action of the log to the expected state."""
    op = entry["op"]
    if op == "import":
        state.batches[entry["batch"]] = entry["n"]
    elif op == "add":
        state.spans[entry["id"]] = (entry["doc"], entry["start"], entry["end"], entry["label"])
        state.status[entry["doc"]] = "in_progress" if entry["prev"] == "todo" else entry["prev"]
    elif op == "delete":
        del state.spans[entry["id"]]
    elif op == "relabel":
        doc, start, end, _ = state.spans[entry["id"]]
        state.spans[entry["id"]] = (doc, start, end, entry["label"])
    elif op == "undo-add":
        for span_id in entry["ids"]:
            del state.spans[span_id]
        if entry["restore"]:
            state.status[entry["doc"]] = "todo"
    elif op == "status":
        state.status[entry["doc"]] = entry["status"]


def check_round(expected: State, inflight: dict[str, Any] | None, found: State) -> None:
    """``found`` (the database) is ``expected`` plus the in-flight action, wholly or not at all."""
    op = inflight["op"] if inflight else None

    # Imports: every committed file entirely; the one in flight entirely or not at all.
    extra_batches = {b: n for b, n in found.batches.items() if b not in expected.batches}
    for batch, n in expected.batches.items():
        assert found.batches.get(batch) == n, f"batch {batch}: {found.batches.get(batch)} of {n}"
    if extra_batches:
        assert op == "import" and extra_batches == {inflight["batch"]: inflight["n"]}, extra_batches

    # Spans: every committed change; the one in flight wholly or not at all.
    missing = expected.spans.keys() - found.spans.keys()
    extra = found.spans.keys() - expected.spans.keys()
    common = expected.spans.keys() & found.spans.keys()
    changed = {i for i in common if expected.spans[i] != found.spans[i]}
    if op == "add":
        assert not missing and not changed
        target = (inflight["doc"], inflight["start"], inflight["end"], inflight["label"])
        assert all(found.spans[i] == target for i in extra) and len(extra) <= 1
    elif op in ("delete", "undo-add"):
        ids = {inflight["id"]} if op == "delete" else set(inflight["ids"])
        assert not extra and not changed
        assert missing in (set(), ids), (missing, ids)
    elif op == "relabel":
        assert not extra and not missing
        assert changed <= {inflight["id"]}
        for i in changed:
            assert found.spans[i][3] == inflight["label"]
    else:
        assert not missing and not extra and not changed, (missing, extra, changed)

    # Statuses: committed ones hold; new documents are 'to do'; the in-flight one is old or new.
    allowed_doc = inflight.get("doc") if inflight else None
    new_status = {"add": "in_progress", "undo-add": "todo"}.get(op or "")
    if op == "status":
        new_status = inflight["status"]
    for doc, status in found.status.items():
        before = expected.status.get(doc, "todo")
        if doc == allowed_doc:
            assert status in (before, new_status), (doc, status, before, new_status)
        else:
            assert status == before, (doc, status, before)


def check_export(path: Path, last_count: int | None, count_known: bool) -> None:
    """The export file is whole; it has ``last_count`` records unless an export was in flight
    at a kill since then (the file is then the older export or the newer one)."""
    if not path.exists():
        assert last_count is None  # an export once committed is never removed
        return
    data = path.read_bytes()
    assert data.endswith(b"\n") or not data
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
    if last_count is not None and count_known:
        assert len(records) == last_count


def _wait_ready(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the worker did not start"
    line = proc.stdout.readline()
    assert line == b"ready\n", (line, proc.stderr.read() if proc.stderr else b"")


def _wait_for_log(log: Path, offset: int, op: str, timeout: float) -> None:
    """Return once the log has a B line for ``op`` after ``offset`` (or after ``timeout``)."""
    needle = f'"k": "B", "op": "{op}"'.encode()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with log.open("rb") as handle:
            handle.seek(offset)
            if needle in handle.read():
                return
        time.sleep(0.002)


def test_repeated_sigkill_loses_no_committed_action(tmp_path: Path) -> None:
    db = tmp_path / "work.sqlite"
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "actions.log"
    log.touch()
    Store(db).close()
    rng = random.Random(20240611)
    state = read_state(db)
    offset = 0
    last_export: int | None = None
    export_count_known = True
    in_flight = Counter[str]()
    committed = Counter[str]()
    started = time.monotonic()

    for round_no in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db), str(work), str(log), f"r{round_no}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        try:
            _wait_ready(proc)
            mode = round_no % 3
            if mode == 1:
                _wait_for_log(log, offset, "import", timeout=1.0)
                time.sleep(rng.uniform(0.0, 0.01))
            elif mode == 2:
                _wait_for_log(log, offset, "export", timeout=1.0)
                time.sleep(rng.uniform(0.0, 0.005))
            else:
                time.sleep(rng.uniform(0.02, 0.4))
        finally:
            proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")

        with log.open("rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
        offset += len(chunk)
        assert not chunk or chunk.endswith(b"\n")
        entries = [json.loads(line) for line in chunk.splitlines()]
        expected = state.copy()
        inflight: dict[str, Any] | None = None
        for entry in entries:
            if entry["k"] == "B":
                inflight = entry
            elif entry["k"] == "C":
                apply(expected, entry)
                committed[entry["op"]] += 1
                if entry["op"] == "export":
                    last_export = entry["count"]
                    export_count_known = True
                inflight = None
        if inflight is not None:
            in_flight[inflight["op"]] += 1

        check_integrity(db)
        found = read_state(db)
        check_round(expected, inflight, found)
        if inflight is not None and inflight["op"] == "export":
            export_count_known = False
        check_export(work / "export.jsonl", last_export, export_count_known)
        state = found  # the in-flight action is now settled one way or the other

    elapsed = time.monotonic() - started
    assert sum(committed.values()) > 100, committed
    # Kills landed during imports and exports, not only between quick edits.
    assert in_flight["import"] >= 2 and in_flight["export"] >= 1, in_flight
    assert elapsed < 90, elapsed
    # Nothing but export temporaries is left beside the export.
    leftovers = {p.name for p in work.iterdir()} - {"export.jsonl"}
    assert all(n.startswith(".export.jsonl.") or n.startswith("batch-") for n in leftovers)
    assert os.path.getsize(db) > 0


V1_DB = ROOT / "tests" / "data" / "db" / "v1.sqlite"
OPENER = """
import sys
from annotator.store import Store
print("opening", flush=True)
Store(sys.argv[1]).close()
print("opened", flush=True)
"""


def _v1_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(db)
    try:
        queries = {
            "document": "SELECT id, text, text_sha256, status FROM document ORDER BY id",
            "span": 'SELECT id, document_id, start, "end", label FROM span ORDER BY id',
            "annotator": "SELECT id, name, kind FROM annotator ORDER BY id",
        }
        return {table: con.execute(sql).fetchall() for table, sql in queries.items()}
    finally:
        con.close()


def test_sigkill_during_a_migration_leaves_a_usable_database(tmp_path: Path) -> None:
    """Opening a version-1 database migrates it (backup first, then one transaction): a kill at
    any moment leaves version 1 or the full new version, never a mix, and the next open works."""
    from annotator.store.tables import SCHEMA_VERSION

    expected = _v1_rows(V1_DB)
    rng = random.Random(7)
    outcomes = Counter[int]()
    for round_no in range(10):
        db = tmp_path / f"old{round_no}.sqlite"
        db.write_bytes(V1_DB.read_bytes())
        proc = subprocess.Popen(
            [sys.executable, "-c", OPENER, str(db)], stdout=subprocess.PIPE, cwd=ROOT
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"opening\n"
        # A sweep across the open: before the backup, during it, in the migration, after.
        time.sleep(round_no * 0.01 + rng.uniform(0.0, 0.005))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check_integrity(db)
        con = sqlite3.connect(db)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.close()
        assert version in (1, SCHEMA_VERSION)
        outcomes[version] += 1
        assert _v1_rows(db) == expected  # the old rows, whichever version the file is at
        Store(db).close()  # the next open finishes the job
        check_integrity(db)
        assert _v1_rows(db) == expected
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        con.close()
    assert outcomes[1] >= 1  # some kills landed before the migration committed
