"""py3langid's model, unpacked once into the cache folder and mapped from there afterwards.

py3langid ships its model as an LZMA-compressed NumPy archive (4.5 MB, 68 MB unpacked) and
unpacks it on every first ``classify`` of a process: some 0.5 s of CPU, which was a quarter of an
``annotator import`` of 10,000 short texts, for the few dozen texts CLD2 is unsure of (see
docs/PERFORMANCE.md, import). Here the arrays py3langid's loader returns are written once as
plain files (``.npy`` for the naive Bayes tables, the DFA's tables as raw machine words) in a
folder of the cache named by py3langid's version and the SHA-256 of its model file; later
processes map them (``mmap``), so only the pages a text touches are read, and the identifier is
py3langid's own ``LanguageIdentifier`` built over them, as its ``from_model_file`` builds it.
The answers are py3langid's, byte for byte (tests/nlp/test_langid_model.py).

A folder is complete only once its ``manifest.json`` is there (written last, in a temporary
folder renamed into place, so two processes building at once or a kill leave no half folder
behind). Every file's size is checked against the manifest on load; a folder that does not
match (a file missing, truncated, or the manifest unreadable) is built again. Contents are not
hashed on load (that would read the 50 MB the mapping avoids reading). If the cache cannot be
written (a read-only home), the model is unpacked in memory as py3langid does, every time.

Written here because py3langid has no cache of its own: it offers only its compressed file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any, Literal

_MANIFEST = "manifest.json"
_TABLES = ("ptc", "pc", "out_feat")  # NumPy arrays, as .npy files
_WORDS = ("nextmove", "nextmove_row")  # array.array of machine words, as raw bytes
_WORDS_FORMATS: dict[str, Literal["H", "I", "L"]] = {"H": "H", "I": "I", "L": "L"}


def _model_file() -> Path:
    from py3langid import langid

    return Path(langid.MODEL_DIR) / langid.MODEL_FILE


def cache_key() -> str:
    """The folder name: py3langid's version and its model file's SHA-256 (16 hex digits)."""
    import py3langid

    digest = hashlib.sha256(_model_file().read_bytes()).hexdigest()[:16]
    return f"py3langid-{getattr(py3langid, '__version__', 'unknown')}-{digest}"


def load_identifier(cache: Path | None) -> Any:
    """py3langid's ``LanguageIdentifier`` with its default settings, the model mapped from
    ``cache`` (built there first if missing or damaged); unpacked in memory when ``cache`` is
    None or cannot be written."""
    from py3langid.langid import LanguageIdentifier

    folder = None if cache is None else cache / cache_key()
    parts = _mapped(folder) if folder is not None else None
    if parts is None:
        parts = _unpacked()
        if folder is not None:
            with contextlib.suppress(OSError):
                _write(folder, parts)
    ptc, pc, classes, nextmove, row, output = parts
    return LanguageIdentifier(ptc, pc, classes, nextmove, output, tk_row=row)


def _unpacked() -> tuple[Any, ...]:
    """The model as py3langid's loader returns it (the slow way: LZMA, then NumPy's archive)."""
    import numpy as np
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(_model_file())
    return np.asarray(ptc), np.asarray(pc), classes, nextmove, row, output


def _write(folder: Path, parts: tuple[Any, ...]) -> None:
    """Write the arrays into a temporary folder beside ``folder``, then rename it into place."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = parts
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        sizes: dict[str, int] = {}
        tables = (ptc, pc, np.asarray(output, dtype=np.int32))
        for name, table in zip(_TABLES, tables, strict=True):
            np.save(work / f"{name}.npy", np.ascontiguousarray(table), allow_pickle=False)
            sizes[f"{name}.npy"] = (work / f"{name}.npy").stat().st_size
        typecodes: dict[str, str] = {}
        for name, words in zip(_WORDS, (nextmove, row), strict=True):
            (work / f"{name}.bin").write_bytes(words.tobytes())
            sizes[f"{name}.bin"] = len(words) * words.itemsize
            typecodes[name] = words.typecode
        manifest = {"classes": list(classes), "sizes": sizes, "typecodes": typecodes}
        (work / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        try:
            os.rename(work, folder)
        except OSError:  # another process put its folder there first, or a damaged one is there
            if _mapped(folder) is None:
                shutil.rmtree(folder, ignore_errors=True)
                os.rename(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _mapped(folder: Path) -> tuple[Any, ...] | None:
    """The model's arrays mapped from ``folder``, or None if it is missing or does not match
    its manifest."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        sizes: dict[str, int] = manifest["sizes"]
        for name, size in sizes.items():
            if (folder / name).stat().st_size != size:
                return None
        import numpy as np

        ptc, pc, output = (
            np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _TABLES
        )
        words = [_words(folder / f"{name}.bin", manifest["typecodes"][name]) for name in _WORDS]
        classes = [str(c) for c in manifest["classes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if ptc.ndim != 2 or pc.shape != (len(classes),) or ptc.shape[1] != len(classes):
        return None
    if len(output) != len(words[1]):
        return None
    return ptc, pc, classes, words[0], words[1], memoryview(output).cast("B").cast("i")


def _words(path: Path, typecode: str) -> memoryview:
    """The file's machine words as a read-only view over its mapping (indexed like py3langid's
    ``array``: each item a Python int)."""
    word = _WORDS_FORMATS.get(typecode)
    if word is None or path.stat().st_size % array(word).itemsize:
        raise ValueError(f"{path}: not an array of {typecode!r}")
    with path.open("rb") as handle:
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return memoryview(mapping).cast(word)
