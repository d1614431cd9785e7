"""brat standoff: ``.txt`` and ``.ann`` pairs, read from a file or a folder, written as a folder.

An ``.ann`` line ``T1<TAB>LABEL 65 83<TAB>surface`` is a text-bound annotation; a discontinuous
one lists fragments ``4 7;12 16`` and is kept as one span per fragment (counted in a notice);
events (``E``), relations (``R``, ``*``), attributes (``A``/``M``), normalisations (``N``) and
notes (``#``) are counted and not imported, but checked: an id used twice, a reference to an id
the file does not hold, or a line of no known type is refused with its line. The surface is
checked against the text, so offsets that count UTF-16 units or CRLF as one character are
recognised (see ``foreign.py``).

Writing: one folder per annotator (its name percent-escaped, so names differing only in ``/``,
``_`` or ``:`` never share a folder; the reader takes a folder's name as the annotator, undoing
the escapes), one ``.txt``/``.ann`` pair per record in it, and an ``annotation.conf`` naming the
labels at the top (brat looks for it in the folders above), in a temporary folder renamed to the
target at the end; an existing target is replaced only when asked. A span crossing a line break
is written as fragments split at the breaks, as brat's editor does (and read back as one span);
a model's suggestion carries a note ``model suggestion`` (brat shows it; the reader turns it
back into the span's origin); a label's white space and ``%`` are percent-escaped in the type
(``Armed group`` -> ``Armed%20group``), since a brat type ends at white space. File names are made from the
document's file name or title, cleaned to safe characters: nothing read from a file decides
where anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import AnnotationRecord, Origin
from annotator.formats.articles import decode_text, make_title
from annotator.formats.atomic import OverwriteError, make_folder, new_file_mode
from annotator.formats.folders import walk_files
from annotator.formats.foreign import (
    RawRecord,
    RawSpan,
    finalize,
    group_by_document,
    qualified_label,
    split_label,
)
from annotator.formats.lines import read_bounded
from annotator.formats.read_result import ReadResult

# ASCII digits only (re's \d takes Arabic-Indic and full-width digits too), at most 18 of them.
_TEXT_BOUND = re.compile(r"^(T[0-9]+)\t(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)\t(.*)$", re.ASCII)
_MAX_DIGITS = 18
NOT_REGULAR = "not a regular file (a pipe, a device, or a link that leads nowhere or loops)"
MODEL_NOTE = "model suggestion"
"""The note (``#n AnnotatorNotes Tn``) marking a span a model suggested, written and read back."""
_OTHER = {"E": "event", "R": "relation", "*": "relation", "A": "attribute", "M": "attribute",
          "N": "normalization", "#": "note"}
_ID = re.compile(r"^(?:[TERAMN#][0-9]+|\*)$")
_REF = re.compile(r"^[TERAMN#][0-9]+$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

# What each kind of line holds after its id and a tab (for error messages).
_SHAPES = {
    "E": "'E<n><TAB>TYPE:TRIGGER ROLE:ID ...'",
    "R": "'R<n><TAB>TYPE Arg1:ID Arg2:ID'",
    "*": "'*<TAB>TYPE ID ID ...'",
    "A": "'A<n><TAB>NAME ID [VALUE]'",
    "M": "'M<n><TAB>NAME ID [VALUE]'",
    "N": "'N<n><TAB>Reference ID DB:ENTRY<TAB>text'",
    "#": "'#<n><TAB>TYPE ID<TAB>note'",
}


def _references(kind: str, body: str) -> list[tuple[str, str]] | None:
    """``(what, id)`` of every annotation a non-text-bound line refers to; None if malformed."""
    parts = body.split(" ")
    if not parts or not parts[0]:
        return None
    if kind == "E":
        event_type, sep, trigger = parts[0].partition(":")
        if not sep or not event_type or not trigger:
            return None
        refs = [("trigger", trigger)]
        for arg in parts[1:]:
            role, sep, target = arg.partition(":")
            if not sep or not role or not target:
                return None
            refs.append((role, target))
        return refs
    if kind == "R":
        args = [arg.partition(":") for arg in parts[1:]]
        if len(args) != 2 or any(not sep or not role or not target for role, sep, target in args):
            return None
        return [(role, target) for role, _, target in args]
    if kind == "*":
        return [("member", target) for target in parts[1:]] if len(parts) >= 3 else None
    if kind in "AM":
        return [("target", parts[1])] if len(parts) in (2, 3) else None
    # N and #: a type and the annotation it is about.
    return [("target", parts[1])] if len(parts) >= 2 else None


def _split_at_breaks(text: str, parts: list[tuple[int, ...]]) -> bool:
    """Whether fragments are one span cut at line breaks: in order, and only white space holding
    a line break between each two (read as code points of the file's text)."""
    for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
        gap = text[end:start]
        if start < end or start > len(text) or not gap.isspace() or not _LINE_BREAK.search(gap):
            return False
    return True


def _parse_ann(
    ann: Path,
    text: str,
    counts: dict[str, int],
    discontinuous: list[str],
    joined: list[str],
) -> tuple[RawRecord, list[InputError]]:
    file = str(ann)
    raw = RawRecord(text=text, where="")
    errors: list[InputError] = []
    content = decode_text(read_bounded(ann), file)
    defined: dict[str, int] = {}  # id -> line defining it
    by_id: dict[str, list[RawSpan]] = {}  # T id -> its span (or fragments)
    # (line, id of the line, what, id referred to)
    references: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        ident = line.split("\t")[0]
        if not _ID.match(ident):
            errors.append(InputError(f"unknown annotation type {ident[:40]!r}", file, number))
            continue
        if ident != "*":
            if ident in defined:
                errors.append(
                    InputError(f"{ident}: id used twice (first on line {defined[ident]})", file, number)
                )
                continue
            defined[ident] = number
        if line[0] == "T":
            match = _TEXT_BOUND.match(line)
            if match is None:
                head = line.split("\t")[1] if "\t" in line else ""
                if any(ch.isdigit() and not ch.isascii() for ch in head):
                    reason = "offsets must be written with the digits 0-9"
                else:
                    reason = "expected 'T<n><TAB>LABEL START END<TAB>text'"
                errors.append(InputError(reason, file, number))
                continue
            ident, label_text, offsets, surface = match.groups()
            if any(len(digits) > _MAX_DIGITS for digits in re.split("[ ;]", offsets)):
                errors.append(InputError(f"{ident}: an offset too large to be one", file, number))
                continue
            layer, label = split_label(label_of_type(label_text))
            parts = [tuple(int(x) for x in part.split(" ")) for part in offsets.split(";")]
            where = f"line {number} ({ident})"
            first_span = len(raw.spans)
            if len(parts) > 1 and _split_at_breaks(text, parts):
                # One span brat split at line breaks (as its editor and this writer do).
                joined.append(f"{ann.name} {ident}")
                raw.spans.append(RawSpan(parts[0][0], parts[-1][1], label, None, layer, where=where))
            elif len(parts) == 1:
                start, end = parts[0]
                raw.spans.append(RawSpan(start, end, label, surface, layer, where=where))
            else:
                discontinuous.append(f"{ann.name} {ident}")
                raw.group_texts[where] = surface
                for start, end in parts:
                    part = RawSpan(start, end, label, None, layer, where=where, group=where)
                    raw.spans.append(part)
            by_id[ident] = raw.spans[first_span:]
            continue
        kind = line[0]
        fields = line.split("\t")
        refs = _references(kind, fields[1]) if len(fields) >= 2 else None
        if refs is None:
            errors.append(InputError(f"{ident}: expected {_SHAPES[kind]}", file, number))
            continue
        references.extend((number, ident, what, target) for what, target in refs)
        if kind == "#" and len(fields) >= 3 and fields[2] == MODEL_NOTE and refs[0][1] in by_id:
            for span in by_id[refs[0][1]]:  # this writer's mark of a model suggestion
                span.origin = Origin.MODEL
            continue
        counts[_OTHER[kind]] = counts.get(_OTHER[kind], 0) + 1
    for number, ident, what, target in references:
        if target not in defined or not _REF.match(target):
            errors.append(
                InputError(f"{ident}: {what} {target!r} is not an annotation of this file", file, number)
            )
        elif ident[0] == "E" and what == "trigger" and target[0] != "T":
            errors.append(
                InputError(f"{ident}: trigger {target!r} is not a text-bound (T) annotation", file, number)
            )
    errors.sort(key=lambda e: e.line or 0)
    return raw, errors


def _pairs(path: Path) -> list[tuple[Path, Path]]:
    """(text, annotation) file pairs named by a path: a folder, an .ann or a .txt file."""
    if path.is_dir():
        anns = walk_files(path, lambda name: name.endswith(".ann"))
        if not anns:
            raise InputError("no .ann file in this folder", str(path))
        return [(a.with_suffix(".txt"), a) for a in anns]
    if path.suffix.lower() == ".txt":
        return [(path, path.with_suffix(".ann"))]
    return [(path.with_suffix(".txt"), path)]


def _conf_labels(conf: Path) -> list[str]:
    """The entity and event types an ``annotation.conf`` declares (brat's label set).

    Sections are ``[entities]``, ``[events]``, ...; a type is the first word of a line (tabs
    before it mark brat's type hierarchy, ``!`` an abstract type; ``#`` starts a comment,
    ``<NAME>=`` a macro). Only ``[entities]`` and ``[events]`` name labels.
    """
    file = str(conf)
    text = decode_text(read_bounded(conf), file)
    labels: list[str] = []
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            continue
        if section not in ("entities", "events") or stripped.startswith("<"):
            continue
        name = stripped.split()[0].lstrip("!")
        if name and name not in labels:
            labels.append(name)
    return labels


def _find_conf(ann: Path, root: Path) -> Path | None:
    """The ``annotation.conf`` brat would use for ``ann``: in its folder or the nearest above,
    up to the folder read."""
    folder = ann.parent
    root = root if root.is_dir() else root.parent
    while True:
        conf = folder / "annotation.conf"
        if conf.is_file():
            return conf
        if folder == root or folder.parent == folder or root not in folder.parents:
            return None
        folder = folder.parent


def annotator_of_folder(folder: Path) -> str | None:
    """The annotator a brat folder stands for: its name (percent-escapes undone, as the writer
    makes them for names that are not safe file names)."""
    from urllib.parse import unquote

    name = unquote(folder.name).strip()
    return name or None


def read_brat(path: Path) -> ReadResult:
    """Every ``.txt``/``.ann`` pair named by ``path`` as a record, its annotator the name of the
    folder holding it (brat itself keeps one annotator's work per folder)."""
    records: list[AnnotationRecord] = []
    notices: list[str] = []
    errors: list[InputError] = []
    counts: dict[str, int] = {}
    discontinuous: list[str] = []
    joined: list[str] = []
    label_set: list[str] | None = None
    confs: dict[Path, list[str]] = {}
    undeclared: dict[str, int] = {}
    for txt, ann in _pairs(Path(path)):
        odd = [part for part in (ann, txt) if os.path.lexists(part) and not part.is_file()]
        if odd:
            errors.extend(InputError(NOT_REGULAR, str(part)) for part in odd)
            continue
        conf = _find_conf(ann, Path(path))
        if conf is not None and conf not in confs:
            try:
                declared = _conf_labels(conf)
            except InputError as exc:
                errors.append(exc.located(str(conf)))
                continue
            confs[conf] = declared
            label_set = (label_set or []) + [x for x in declared if x not in (label_set or [])]
        if not ann.is_file():
            errors.append(InputError("no .ann file beside this text", str(txt)))
            continue
        if not txt.is_file():
            errors.append(InputError(f"no text file {txt.name} beside this .ann file", str(ann)))
            continue
        try:
            text = decode_text(read_bounded(txt), str(txt))
            raw, line_errors = _parse_ann(ann, text, counts, discontinuous, joined)
            if line_errors:
                errors.extend(line_errors)
                continue
            canonical = text.replace("\r\n", "\n").replace("\r", "\n")
            raw.meta = raw.meta.with_(filename=txt.name, title=make_title(canonical))
            raw.annotator = annotator_of_folder(ann.resolve().parent)
            found, found_notices = finalize([raw], str(ann))
            if conf is not None:
                declared_here = set(confs.get(conf, []))
                for rs in raw.spans:
                    name = rs.label if rs.layer == "entity" else f"{rs.layer}:{rs.label}"
                    if name not in declared_here:
                        undeclared[name] = undeclared.get(name, 0) + 1
            records.extend(found)
            notices.extend(found_notices)
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc.located(str(ann)))
    if errors:
        raise InputErrors(errors)
    where = str(path)
    if discontinuous:
        shown = ", ".join(discontinuous[:5]) + (", ..." if len(discontinuous) > 5 else "")
        notices.append(
            f"{where}: {len(discontinuous)} discontinuous span(s) ({shown}) were kept as one "
            "span per fragment"
        )
    if joined:
        shown = ", ".join(joined[:5]) + (", ..." if len(joined) > 5 else "")
        notices.append(
            f"{where}: {len(joined)} span(s) written as fragments split at line breaks ({shown}) "
            "were read as one span each"
        )
    for kind, count in sorted(counts.items()):
        if count:
            notices.append(f"{where}: {count} {kind} line(s) were not imported")
    if label_set is not None:
        notices.append(
            f"{where}: label set from annotation.conf: {', '.join(label_set) or '(none)'}"
        )
    if undeclared:
        shown = ", ".join(f"{name!r} ({n} span(s))" for name, n in sorted(undeclared.items()))
        notices.append(f"warning: {where}: labels not declared in annotation.conf: {shown}")
    return ReadResult(records=records, notices=notices, label_set=label_set)


def _safe_name(value: str, limit: int = 60) -> str:
    stem = _SAFE.sub("_", value).strip("._-")
    return stem[:limit] or "document"


FOLDER_LIMIT = 120
"""Longest annotator folder name written; longer names end in a hash of the whole name."""


def annotator_folder(name: str | None) -> str:
    """The folder one annotator's files are written to: the name percent-escaped (so distinct
    names never share a folder and the reader gets the name back), never hidden or ``..``."""
    from hashlib import sha1
    from urllib.parse import quote

    if not name:
        return "unassigned"
    # '/', ':' and the rest are escaped; '.' too (quote keeps it), so no name is '..' or hidden.
    folder = quote(name, safe="-_@+,=").replace(".", "%2E")
    if len(folder) > FOLDER_LIMIT:
        digest = sha1(name.encode("utf-8")).hexdigest()[:12]
        folder = f"{folder[: FOLDER_LIMIT - 13].rstrip('%')}~{digest}"
    return folder


def brat_type(label: str) -> str:
    """A label as a brat type: white space (which ends a type in ``.ann`` and ``annotation.conf``)
    and ``%`` percent-escaped, e.g. ``Armed group`` -> ``Armed%20group``; the reader undoes it."""
    from urllib.parse import quote

    return "".join(quote(ch, safe="") if ch == "%" or ch.isspace() else ch for ch in label)


def label_of_type(value: str) -> str:
    """A brat type read back as a label (percent-escapes undone)."""
    from urllib.parse import unquote

    return unquote(value) if "%" in value else value


_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span as brat writes it: split at line breaks, each fragment without the breaks and the
    white space around them (brat's reader refuses a fragment holding a line break)."""
    out: list[tuple[int, int]] = []
    pos = start
    for piece in [*_LINE_BREAK.finditer(text, start, end), None]:
        stop = piece.start() if piece is not None else end
        a, b = pos, stop
        if piece is not None or out:
            while a < b and text[a].isspace():
                a += 1
        if piece is not None or out:
            while b > a and text[b - 1].isspace():
                b -= 1
        if b > a:
            out.append((a, b))
        if piece is not None:
            pos = piece.end()
    return out or [(start, end)]


def _ann_lines(record: AnnotationRecord) -> list[str]:
    table = str.maketrans("\n\t\r", "   ")
    lines = []
    for i, span in enumerate(record.spans, start=1):
        parts = fragments(record.text, span.start, span.end)
        offsets = ";".join(f"{a} {b}" for a, b in parts)
        surface = " ".join(record.text[a:b].translate(table) for a, b in parts)
        lines.append(f"T{i}\t{brat_type(qualified_label(span))} {offsets}\t{surface}")
    notes = [
        f"#{n}\tAnnotatorNotes T{i}\t{MODEL_NOTE}"
        for n, i in enumerate(
            (i for i, span in enumerate(record.spans, start=1) if span.origin is Origin.MODEL),
            start=1,
        )
    ]
    return lines + notes


def write_brat(path: Path, records: Iterable[AnnotationRecord], overwrite: bool = False) -> int:
    """Write a brat collection folder; return the number of records (``.ann`` files) written."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OverwriteError(f"{path}: already exists (use --force to overwrite it)")
    if path.exists() and not path.is_dir():
        raise OverwriteError(f"{path}: exists and is not a folder")
    make_folder(path.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    tmp.chmod(new_file_mode(folder=True))  # mkdtemp makes 0700; honour the umask instead
    count = 0
    labels: set[str] = set()
    try:
        for doc_number, group in enumerate(group_by_document(records), start=1):
            first = group[0]
            stem = Path(first.meta.filename).stem if first.meta.filename else first.meta.title
            base = f"{doc_number:05d}_{_safe_name(stem)}"
            for record in group:
                folder = tmp / annotator_folder(record.annotator)
                folder.mkdir(exist_ok=True)
                (folder / f"{base}.txt").write_text(record.text, encoding="utf-8", newline="\n")
                lines = _ann_lines(record)
                (folder / f"{base}.ann").write_text(
                    "".join(line + "\n" for line in lines), encoding="utf-8", newline="\n"
                )
                labels.update(brat_type(qualified_label(s)) for s in record.spans)
                count += 1
        conf = ["[entities]", *sorted(labels), "", "[relations]", "", "[events]", "",
                "[attributes]", ""]
        (tmp / "annotation.conf").write_text("\n".join(conf), encoding="utf-8", newline="\n")
        old: Path | None = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            old.rmdir()
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return count
