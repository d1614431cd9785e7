"""Walking a folder given to import: iterative, bounded, and never leaving the folder.

``Path.rglob`` and ``os.walk`` (before Python 3.12) recurse once per level, so a folder nested a
thousand levels deep ends in a ``RecursionError``; they also follow (or list) links to files
anywhere on the disk, so a link inside a colleague's folder could import ``/etc/passwd``. This
walker keeps its own stack, refuses folders nested deeper than ``MAX_DEPTH``, never descends into
a linked folder, refuses a link to a file outside the folder given, and refuses names that are
not UTF-8 (they cannot be stored or shown faithfully). Hidden entries (``.name``) are skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from annotator.core.errors import InputError

MAX_DEPTH = 64
"""Folder levels below the folder given; real collections are a few levels deep."""


def _utf8_name(path: Path) -> None:
    try:
        os.fsencode(path.name).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the file name is not UTF-8 text; rename the file", str(path)) from None


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def walk_files(root: Path, wanted: Callable[[str], bool]) -> list[Path]:
    """Regular files under ``root`` whose name ``wanted`` accepts, sorted by path.

    Raises InputError for a folder nested more than MAX_DEPTH levels, a name that is not UTF-8,
    a link to a file outside ``root``, or a pipe, device or socket under a wanted name.
    """
    root = Path(root)
    real_root = root.resolve()
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            raise InputError(f"cannot read the folder ({exc.strerror or exc})", str(folder)) from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_DEPTH:
                    raise InputError(
                        f"folders nested more than {MAX_DEPTH} levels deep; not supported",
                        str(root),
                    )
                stack.append((path, depth + 1))
                continue
            if not wanted(entry.name.lower()):
                continue
            _utf8_name(path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # dangling, or a loop of links
                    raise InputError("a link that leads nowhere or loops", str(path)) from None
                if not _inside(target, real_root):
                    raise InputError(
                        "a link to a file outside the folder given; not followed", str(path)
                    )
                if not target.is_file():
                    continue
            elif not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                # A pipe would block the reader, a device never ends: named, not skipped unseen
                # (a brat folder whose .ann is a pipe was "none found").
                raise InputError("not a regular file (a pipe, device or socket); not read", str(path))
            found.append(path)
    return sorted(found)
