"""Atomic file writing: write to a temporary file beside the target, then rename over it.

A crash or a kill during an export leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder is in the way; give a file name", str(path))
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; keep the target's mode, else the umask's
            os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else new_file_mode())
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
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


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents; a file in the way is "Not a directory" (ENOTDIR), as
    the system says when opening through it, rather than mkdir's confusing "File exists"."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from exc


def current_umask() -> int:
    """The process's umask, read without changing it (Linux), else by setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(folder: bool = False) -> int:
    """The mode a new file (or folder) gets, as open() would give it: 0666 (0777) less the umask."""
    return (0o777 if folder else 0o666) & ~current_umask()


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
