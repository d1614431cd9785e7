"""``kill -9`` at random moments loses nothing that was committed and leaves nothing half done.

The kill set (``slow``, run by CI with the rest): 24 kills of a worker of mixed edits, imports and
exports; 10 of the opening of a version-1 database (its migration); 36 of the real
``annotator import-annotations`` of a colleague's file and 36 of the real ``annotator review
--gold`` (an adjudication): 106 in all.

A worker process (``kill_worker.py``) imports multi-document files, edits spans and statuses with
the real annotation commands, and exports, logging a ``B`` line before each action and a ``C``
line once it is committed. The test kills it with SIGKILL, at random times or just after it starts
an import or an export, at least 20 times on one database. After each kill:

- ``PRAGMA integrity_check`` is ``ok`` and no foreign key dangles;
- every committed action is in the database (the state replayed from the log matches it), and
  the one action in flight, if any, is there entirely or not at all;
- each imported file has all of its documents or none;
- the export file, when there is one, is complete (the previous export or the new one).

The command-line kills run each command in a child forked from a warmed-up process
(``cli_forker.py``: the same ``main(argv)``, without a second of start-up per kill) and kill it
after a seeded random delay (printed with each round: ``pytest -s``), measured either from its
start or from the moment it is seen holding the database's write lock, so that many kills land
inside the write transaction. Each must leave the file or the adjudication all stored or not at
all, compared with the rows before the kill and with an uninterrupted run. A variant that
commits an import per document, or an adjudication per document (as it did before
``Store.atomic``), fails these tests within a few rounds.
"""

from __future__ import annotations

import hashlib
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

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


def _wait_for_log(log: Path, offset: int, op: str, timeout: float, key: str = "op") -> bool:
    """Return once the log has a B line for ``op`` after ``offset`` (or after ``timeout``); with
    ``key="k"``, a line of kind ``op`` (the worker's ``ready``)."""
    needle = (f'"k": "B", "op": "{op}"' if key == "op" else f'{{"k": "{op}"').encode()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with log.open("rb") as handle:
            handle.seek(offset)
            if needle in handle.read():
                return True
        time.sleep(0.002)
    return False


@pytest.mark.slow
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

    forker = Forker(tmp_path)  # the worker forked from a warmed-up process: no start-up per kill
    for round_no in range(KILLS):
        pid = forker.start([str(db), str(work), str(log), f"r{round_no}"], key="worker")
        try:
            assert _wait_for_log(log, offset, "ready", timeout=30.0, key="k"), "no worker"
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
            os.kill(pid, signal.SIGKILL)  # not collected yet: the pid is still the worker's
            code, _ = forker.finish()
        assert code == -signal.SIGKILL, forker.log.read_text(encoding="utf-8", errors="replace")

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

    forker.close()
    elapsed = time.monotonic() - started
    print(f"{KILLS} worker kills in {elapsed:.1f} s: in flight {dict(in_flight)}")
    assert sum(committed.values()) > 100, committed
    # Kills landed during imports and exports, not only between quick edits.
    assert in_flight["import"] >= 2 and in_flight["export"] >= 1, in_flight
    assert elapsed < 300, elapsed  # a guard against a hang, not a timing target
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


@pytest.mark.slow
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


# -- kills of the real command line: import-annotations and a review's adjudication --------------

FORKER = WORKER.parent / "cli_forker.py"
CLI_KILLS = 36  # per command; with the 24 worker kills and 10 migration kills: 106 in all
RECORDS = 50  # records in each colleague's file
WORDS_CLI = (
    "Tehran Damascus Baghdad envoy army drill talks minister visit said Monday the of and militia "
    "port oil sanctions"
).split()


class Forker:
    """Drives ``cli_forker.py``: one command-line run at a time, in a child it can kill."""

    def __init__(self, folder: Path) -> None:
        self.log = folder / "cli.log"
        self.proc = subprocess.Popen(
            [sys.executable, str(FORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
        )
        assert self._line(60) == "ready"

    def _line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "the forker did not answer"
        return self.proc.stdout.readline().decode().strip()

    def _send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def start(self, argv: list[str], key: str = "argv") -> int:
        self._send(json.dumps({key: argv, "log": str(self.log)}))
        return int(json.loads(self._line(30))["pid"])

    def ended(self) -> bool:
        assert self.proc.stdout is not None
        return bool(select.select([self.proc.stdout], [], [], 0)[0])

    def finish(self) -> tuple[int, float]:
        """Wait for the run to end; its exit status (-9: killed) and duration. Then the child is
        collected (its pid could be reused only from now on)."""
        answer = json.loads(self._line(120))
        self._send("reap")
        return int(answer["status"]), float(answer["seconds"])

    def run(self, argv: list[str]) -> tuple[int, float]:
        self.start(argv)
        code, seconds = self.finish()
        assert code in (0, 1), (argv, code, self.log.read_text(encoding="utf-8"))
        return code, seconds

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _colleague_file(path: Path, rng: random.Random, tag: str, annotator: str,
                    texts: list[str] | None = None, keep: list[list[dict[str, Any]]] | None = None,
                    ) -> list[str]:
    """A colleague's native JSONL file of RECORDS records (new texts unless given), 8 spans
    each on whole words (the first ``keep`` spans of each record taken as they are); returns
    the texts."""
    out, made = [], []
    for i in range(RECORDS):
        text = texts[i] if texts else f"Report {tag} item {i}. " + " ".join(
            f"{rng.choice(WORDS_CLI)}{rng.randrange(1000)}" for _ in range(rng.randint(50, 90))
        ) + "."
        made.append(text)
        words, pos = [], 0
        for word in text.split(" "):
            words.append((pos, pos + len(word)))
            pos += len(word) + 1
        spans = list(keep[i]) if keep else []
        taken = {(s["start"], s["end"]) for s in spans}
        for k in rng.sample(range(3, len(words) - 1), 12):
            start, end = words[k]
            if len(spans) < 8 and (start, end) not in taken:
                taken.add((start, end))
                label = rng.choice(LABELS)
                spans.append({"start": start, "end": end, "label": label, "text": text[start:end]})
        spans.sort(key=lambda s: (s["start"], s["end"]))
        out.append(json.dumps({"text": text, "annotator": annotator, "spans": spans}) + "\n")
    path.write_text("".join(out), encoding="utf-8")
    return made


LABELS = ("PERSON", "ORG", "GPE")


def _rows(db: Path) -> tuple[dict[int, str], dict[int, tuple[Any, ...]]]:
    """Every document (id -> text hash) and every span (id -> document, annotator, offsets, label)."""
    con = sqlite3.connect(db)
    try:
        docs = dict(con.execute("SELECT id, text_sha256 FROM document").fetchall())
        spans = {
            row[0]: row[1:]
            for row in con.execute(
                'SELECT s.id, s.document_id, a.name, s.start, s."end", s.label '
                "FROM span s JOIN annotator a ON a.id = s.annotator_id"
            )
        }
        return docs, spans
    finally:
        con.close()


def _holds_write_lock(probe: sqlite3.Connection) -> bool:
    """Whether another connection is inside a write transaction (its lock blocks ours)."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    probe.execute("ROLLBACK")
    return False


@dataclass
class KillPlan:
    """When to kill: after ``delay`` s from the start ("any"), or from the moment the command
    is seen holding the write lock ("writing")."""

    mode: str
    delay: float


def _kill_during(forker: Forker, db: Path, argv: list[str], plan: KillPlan) -> tuple[int, bool]:
    """Run ``argv`` and SIGKILL it as planned; (exit status, whether it was seen writing)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        pid = forker.start(argv)
        seen = False
        if plan.mode == "writing":
            while not forker.ended():
                if _holds_write_lock(probe):
                    seen = True
                    break
                time.sleep(0.001)
        due = time.monotonic() + plan.delay
        while time.monotonic() < due and not forker.ended():
            time.sleep(min(0.002, max(0.0, due - time.monotonic())))
        if not forker.ended():
            os.kill(pid, signal.SIGKILL)  # not collected yet: the pid is still the child's
        code, _ = forker.finish()
    finally:
        probe.close()
    return code, seen


def _plan(rng: random.Random, round_no: int, whole: float, writing: float) -> KillPlan:
    """Half the kills at any moment of the run, half while it writes (a run that ends first is
    not counted as a kill: the series goes on until CLI_KILLS kills)."""
    if round_no % 2:
        return KillPlan("writing", rng.uniform(0.0, writing))
    return KillPlan("any", rng.uniform(0.0, whole))


def _writing_time(forker: Forker, db: Path, argv: list[str]) -> tuple[float, float]:
    """One run to the end: its duration, and how long it was seen holding the write lock."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        forker.start(argv)
        held: list[float] = []
        while not forker.ended():
            if _holds_write_lock(probe):
                held.append(time.monotonic())
            time.sleep(0.001)
        code, seconds = forker.finish()
        assert code == 0, forker.log.read_text(encoding="utf-8")
        return seconds, max(0.01, held[-1] - held[0] if held else 0.0)
    finally:
        probe.close()


def _check_kept(before: tuple[dict[int, str], dict[int, Any]],
                after: tuple[dict[int, str], dict[int, Any]]) -> None:
    """Nothing committed before the kill was lost or changed."""
    for old, new in zip(before, after, strict=True):
        assert {k: new.get(k) for k in old} == old


def _import_annotations_kills(tmp_path: Path) -> None:
    """``annotator import-annotations`` of a colleague's file of 50 records, 400 spans, killed
    36 times: at random moments of its run, or at random moments after it is seen holding the
    database's write lock. After each kill the database is whole and holds all of the file or
    none of it, and everything stored before is still there."""
    tmp_path.mkdir()
    seed = 20261205
    rng = random.Random(seed)
    print(f"import-annotations kills: seed {seed}")
    db = tmp_path / "work.sqlite"
    forker = Forker(tmp_path)
    try:
        # What a run looks like uninterrupted: its duration and its writing time.
        first = tmp_path / "first.jsonl"
        _colleague_file(first, rng, "first", "colleague")
        forker.run(["import-annotations", "--db", str(db), str(first)])
        second = tmp_path / "second.jsonl"
        _colleague_file(second, rng, "second", "colleague")
        whole, writing = _writing_time(forker, db, ["import-annotations", "--db", str(db), str(second)])
        print(f"an uninterrupted run: {whole:.3f} s, {writing:.3f} s of it writing")
        assert len(_rows(db)[0]) == 2 * RECORDS and len(_rows(db)[1]) == 2 * 8 * RECORDS
        outcomes = Counter[str]()
        kills = round_no = 0
        while kills < CLI_KILLS:  # a run that ended before its kill came is no kill
            round_no += 1
            assert round_no <= 3 * CLI_KILLS, outcomes
            path = tmp_path / f"round{round_no}.jsonl"
            texts = _colleague_file(path, rng, f"r{round_no}", "colleague")
            before = _rows(db)
            plan = _plan(rng, round_no, whole, writing)
            code, seen = _kill_during(forker, db, ["import-annotations", "--db", str(db), str(path)], plan)
            check_integrity(db)
            after = _rows(db)
            _check_kept(before, after)
            new_docs = after[0].keys() - before[0].keys()
            new_spans = after[1].keys() - before[1].keys()
            outcome = "all" if new_docs else "none"
            print(f"{tmp_path.name} round {round_no}: {plan.mode} +{plan.delay:.3f} s, exit {code}, "
                  f"{len(new_docs)} documents and {len(new_spans)} spans stored")
            if outcome == "all":
                assert len(new_docs) == RECORDS and len(new_spans) == 8 * RECORDS, (plan, code)
                assert {after[0][d] for d in new_docs} == {
                    hashlib.sha256(t.encode()).hexdigest() for t in texts
                }
            else:
                assert not new_spans, (plan, code, len(new_spans))
                assert code == -signal.SIGKILL, (plan, code)
            outcomes[f"{outcome}, {'killed' if code == -signal.SIGKILL else 'ended'}"] += 1
            kills += code == -signal.SIGKILL
            if seen and code == -signal.SIGKILL:
                outcomes[f"{outcome} after a kill while writing"] += 1
            path.unlink()
    finally:
        forker.close()
    print(tmp_path.name, outcomes)
    # Kills landed inside the write transaction and were rolled back (an uninterrupted run,
    # above, stored all of it).
    assert outcomes["none after a kill while writing"] >= 5, outcomes


def _adjudication_db(db: Path, folder: Path, forker: Forker, rng: random.Random) -> None:
    """Two annotators' sets of RECORDS documents that agree on 5 spans of 8 in each."""
    alice = folder / "alice.jsonl"
    texts = _colleague_file(alice, rng, "adj", "alice")
    lines = [json.loads(line) for line in alice.read_text(encoding="utf-8").splitlines()]
    keep = [record["spans"][:5] for record in lines]
    bob = folder / "bob.jsonl"
    _colleague_file(bob, rng, "adj", "bob", texts=texts, keep=keep)
    forker.run(["import-annotations", "--db", str(db), str(alice)])
    forker.run(["import-annotations", "--db", str(db), str(bob)])


def _gold(spans: dict[int, tuple[Any, ...]], name: str) -> set[tuple[Any, ...]]:
    return {(doc, start, end, label) for doc, who, start, end, label in spans.values() if who == name}


def _adjudication_kills(tmp_path: Path) -> None:
    """``annotator review --db DB --annotators alice,bob --gold NAME`` (the adjudication that
    copies everything agreed into a gold set) killed 36 times, each into a new gold set: at
    random moments, or at random moments after it is seen writing. After each kill the
    database is whole, the new gold set holds every agreed span or none (no gold annotator
    either), and the earlier gold sets and both annotators' sets are as they were."""
    tmp_path.mkdir()
    seed = 20261206
    rng = random.Random(seed)
    print(f"adjudication kills: seed {seed}")
    db = tmp_path / "review.sqlite"
    forker = Forker(tmp_path)
    try:
        _adjudication_db(db, tmp_path, forker, rng)
        argv = ["review", "--db", str(db), "--annotators", "alice,bob", "--gold"]
        whole, writing = _writing_time(forker, db, [*argv, "calibration"])
        agreed = _gold(_rows(db)[1], "calibration")
        assert len(agreed) >= 5 * RECORDS  # 5 kept alike in each document, and chance
        print(f"an uninterrupted run: {whole:.3f} s, {writing:.3f} s of it writing")
        outcomes = Counter[str]()
        kills = round_no = 0
        while kills < CLI_KILLS:  # a run that ended before its kill came is no kill
            round_no += 1
            assert round_no <= 3 * CLI_KILLS, outcomes
            gold = f"gold{round_no}"
            before = _rows(db)
            plan = _plan(rng, round_no, whole, writing)
            code, seen = _kill_during(forker, db, [*argv, gold], plan)
            check_integrity(db)
            after = _rows(db)
            _check_kept(before, after)
            copied = _gold(after[1], gold)
            print(f"{tmp_path.name} round {round_no}: {plan.mode} +{plan.delay:.3f} s, exit {code}, "
                  f"{len(copied)} gold spans")
            con = sqlite3.connect(db)
            named = con.execute("SELECT count(*) FROM annotator WHERE name = ?", (gold,)).fetchone()[0]
            con.close()
            if copied:
                assert copied == agreed, (plan, code, len(copied))
                outcome = "all"
            else:
                assert code == -signal.SIGKILL and named == 0, (plan, code, named)
                outcome = "none"
            outcomes[f"{outcome}, {'killed' if code == -signal.SIGKILL else 'ended'}"] += 1
            kills += code == -signal.SIGKILL
            if seen and code == -signal.SIGKILL:
                outcomes[f"{outcome} after a kill while writing"] += 1
    finally:
        forker.close()
    print(tmp_path.name, outcomes)
    # Kills landed inside the write transaction and were rolled back (an uninterrupted run,
    # above, stored all of it).
    assert outcomes["none after a kill while writing"] >= 5, outcomes


@pytest.mark.slow
def test_sigkill_of_import_annotations_and_of_an_adjudication_stores_all_or_nothing(
    tmp_path: Path,
) -> None:
    """The two kill series above, side by side (each its own fork server and database, so they
    cannot disturb each other's results): half the time on two cores."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [
            pool.submit(_import_annotations_kills, tmp_path / "import-annotations"),
            pool.submit(_adjudication_kills, tmp_path / "adjudication"),
        ]
        for run in runs:
            run.result()  # the first failure, with its own traceback
