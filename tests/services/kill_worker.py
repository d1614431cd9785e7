"""A worker that does real work on a database until it is killed: the subject of test_kill.py.

Usage: ``python kill_worker.py DB WORKDIR LOG SEED``. It imports multi-document JSONL files,
adds, deletes, relabels and undoes spans and changes statuses through the real
:class:`AnnotationSession` commands, and exports, in a random mix, as fast as it can. Around each
action it appends to LOG (unbuffered ``os.write``, which a SIGKILL cannot take back): a ``B`` line
before the action starts and a ``C`` line once the call that commits it has returned, so the test
knows which actions were committed and which one, at most, was in flight when the kill came.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from annotator.core.labels import default_labels
from annotator.core.model import Span, Status
from annotator.services.annotate import AddSpans, AnnotationSession
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.store import Store

ANNOTATOR = "analyst"
LABELS = ("PERSON", "ORG", "GPE")
WORDS = "Tehran Damascus envoy army drill talks minister visit said Monday the of and".split()


def main() -> None:
    db, workdir, log_path, seed = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def note(kind: str, **data: object) -> None:
        os.write(log, (json.dumps({"k": kind, **data}) + "\n").encode("utf-8"))

    store = Store(db)
    session = AnnotationSession(store, store.annotators.get_or_create(ANNOTATOR))
    labels = default_labels()
    undo_stack: list[AddSpans] = []
    export_path = workdir / "export.jsonl"
    note("ready", seed=seed)
    sys.stdout.write("ready\n")
    sys.stdout.flush()

    while True:
        doc_ids = store.documents.ids()
        roll = rng.random()
        if roll < 0.15 or not doc_ids:
            batch = f"{seed}-{rng.randrange(10**9)}"
            n = rng.randint(5, 40)
            path = workdir / f"batch-{batch}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for i in range(n):
                    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 200)))
                    text = f"Report {batch} number {i}. {body}."
                    meta = {"source": f"batch-{batch}", "lang": "en", "title": f"{batch}/{i}"}
                    handle.write(json.dumps({"text": text, "meta": meta}) + "\n")
            note("B", op="import", batch=batch, n=n)
            report = import_paths(store, [path], labels, None)
            note("C", op="import", batch=batch, n=len(report.added))
            path.unlink()
        elif roll < 0.22:
            note("B", op="export")
            count = export_jsonl(store, export_path, overwrite=True)
            note("C", op="export", count=count)
        else:
            doc_id = rng.choice(doc_ids)
            own = session.own_spans(doc_id)
            action = rng.random()
            if action < 0.45 or not own:
                text = session.document(doc_id).text
                start = rng.randrange(0, len(text) - 1)
                end = min(len(text), start + rng.randint(1, 15))
                span = Span(start, end, rng.choice(LABELS))
                note("B", op="add", doc=doc_id, start=start, end=end, label=span.label)
                before = session.store.documents.status(doc_id)  # this worker alone writes
                command = session.add(doc_id, [span])
                command.do()
                undo_stack.append(command)
                stored = command.spans[0]
                prev = Status.TODO.value if command.started else before.value
                note(
                    "C", op="add", doc=doc_id, id=stored.id, start=start, end=end,
                    label=span.label, prev=prev,
                )
            elif action < 0.6:
                victim = rng.choice(own)
                note("B", op="delete", doc=doc_id, id=victim.id)
                session.delete(doc_id, [victim.id]).do()  # type: ignore[list-item]
                note("C", op="delete", doc=doc_id, id=victim.id)
            elif action < 0.75:
                victim = rng.choice(own)
                label = rng.choice(LABELS)
                note("B", op="relabel", doc=doc_id, id=victim.id, label=label)
                session.relabel(doc_id, victim.id, label).do()  # type: ignore[arg-type]
                note("C", op="relabel", doc=doc_id, id=victim.id, label=label)
            elif action < 0.85 and undo_stack:
                command = undo_stack.pop()
                ids = [s.id for s in command.spans]
                existing = {s.id for s in session.own_spans(command.doc_id)}
                if not set(ids) <= existing:
                    continue  # deleted since; this worker's own undo stack is not the GUI's
                restore = bool(command.started)
                note("B", op="undo-add", doc=command.doc_id, ids=ids, restore=restore)
                command.undo()
                note("C", op="undo-add", doc=command.doc_id, ids=ids, restore=restore)
            else:
                status = rng.choice(list(Status))
                note("B", op="status", doc=doc_id, status=status.value)
                session.set_status(doc_id, status).do()
                note("C", op="status", doc=doc_id, status=status.value)


if __name__ == "__main__":
    main()
