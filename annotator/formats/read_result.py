"""What reading an annotation file gives: the records, and what to tell the user about them.

Its own module, below the registry and the readers: every reader returns one, and the registry
loads the readers by name, so the readers must not import the registry for it (a circle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.model import AnnotationRecord


@dataclass(slots=True)
class ReadResult:
    """Records read from a file, and what the user should be told about how they were read."""

    records: list[AnnotationRecord]
    notices: list[str] = field(default_factory=list)
    format: str = ""
    # The file line of each record (None where a format has no lines), when the reader knows it:
    # lines the reader skipped (rejected answers, blank tasks) make counting non-blank lines wrong.
    lines: list[int | None] | None = None
    # The labels the file declares (brat's annotation.conf), when it declares them.
    label_set: list[str] | None = None
