"""Export annotation sets to native JSONL (streamed, written atomically)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Status
from annotator.core.tasks import TaskState
from annotator.formats.atomic import atomic_write
from annotator.formats.native import write_records
from annotator.store import Store


def export_jsonl(
    store: Store,
    out: Path,
    annotator: str | None = None,
    status: Status | None = None,
    overwrite: bool = False,
    task: TaskState | None = None,
) -> int:
    """Write one line per document and annotator; return the number of records."""
    task = task or TaskState()
    total = store.count_documents()
    records = store.iter_records(annotator=annotator, status=status)
    with atomic_write(out, overwrite=overwrite) as handle:
        count = write_records(records, handle, progress=lambda n: task.progress(n, total, "exporting"))
    task.progress(total, total, "exported")
    return count
