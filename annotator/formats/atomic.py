"""Atomic file writing: write to a temporary file beside the target, then rename over it.

A crash or a kill during an export leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import AnnotatorError


class OverwriteError(AnnotatorError):
    """The target exists and the caller did not allow overwriting it."""


@contextlib.contextmanager
def atomic_write(path: Path, overwrite: bool = True, mode: str = "w") -> Iterator[IO]:  # type: ignore[type-arg]
    path = Path(path)
    if path.exists() and not overwrite:
        raise OverwriteError(f"{path}: already exists (use --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        kwargs = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
