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
    """Write ``path`` through a temporary file beside it, published only once complete.

    Without ``overwrite`` an existing target is refused before anything is written, and again at
    publication (a hard link, which fails if the name was taken meanwhile), so a file that
    appears during a long export is never replaced. An exception inside the block leaves the
    target as it was and removes the temporary file; a kill leaves at most a ``.part`` file.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OverwriteError(f"{path}: already exists (use --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; keep the target's mode, else rw-r--r--
            os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        kwargs = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path)
        _sync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _publish_new(tmp: str, path: Path) -> None:
    """Give the finished temporary file the target's name, only if that name is still free."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OverwriteError(
            f"{path}: was created by something else during the export; nothing was overwritten"
        ) from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise OverwriteError(f"{path}: already exists (use --force to overwrite it)") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
