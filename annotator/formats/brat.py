"""brat standoff: ``.txt`` and ``.ann`` pairs, read from a file or a folder, written as a folder.

An ``.ann`` line ``T1<TAB>LABEL 65 83<TAB>surface`` is a text-bound annotation; a discontinuous
one lists fragments ``4 7;12 16`` and is kept as one span per fragment (counted in a notice).
Events (``E``) become the record's events: the trigger span moves to the ``event`` layer, each
``ROLE:ID`` an argument; a relation (``R``) with one argument an event (or its trigger) becomes an
argument of that event, any other is reported as not mapped; attributes (``A``/``M``) and notes
(``#``) are kept as the span's attributes (an event's on its trigger); equivalences (``*``) and
normalisations (``N``) are counted (docs/EXPORT.md has the table). Every line is checked: an id
used twice, a reference to an id the file does not hold, or a line of no known type is refused
with its line. The surface is checked against the text, so offsets that count UTF-16 units or
CRLF as one character are recognised (see ``foreign.py``).

Writing: one folder per annotator (its name percent-escaped, so names differing only in ``/``,
``_`` or ``:`` never share a folder; the reader takes a folder's name as the annotator, undoing
the escapes), one ``.txt``/``.ann`` pair per record in it, and an ``annotation.conf`` naming the
entities, events (with their roles) and attributes at the top (brat looks for it in the folders
above), in a temporary folder renamed to the target at the end; an existing target is replaced
only when asked. A span crossing a line break is written as fragments split at the breaks, as
brat's editor does (and read back as one span); a model's suggestion carries a note ``model
suggestion`` (brat shows it; the reader turns it back into the span's origin). A type is written
in brat's storage form (``[A-Za-z0-9_-]``, what brat's configuration accepts): other characters
become ``_`` (``Armed group`` -> ``Armed_group``, ``event:ASSAULT`` -> ``event_ASSAULT``) and a
``visual.conf`` marked as this writer's names the label of each such type, which brat displays
and the reader takes back. Events are written as ``E`` lines, span attributes as ``A`` lines and
notes. File names are made from the document's file name or title, cleaned to safe characters:
nothing read from a file decides where anything is written.

The format is simple enough that no kept library reads and writes it with these checks (a
colleague's file is validated line by line with the line named); ``bratly`` checks the exports
in the tests.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError, InputErrors
from annotator.core.events import EVENT_LAYER, Argument, Event, Ref
from annotator.core.model import AnnotationRecord, Origin
from annotator.formats.articles import decode_text, make_title
from annotator.formats.atomic import OverwriteError, make_folder, new_file_mode
from annotator.formats.folders import walk_files
from annotator.formats.foreign import (
    DEFAULT_LAYER,
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
NOTE_KEY = "note"
"""The attribute key under which a span's notes (``#n AnnotatorNotes Tn text``) are kept."""
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


@dataclass
class _Links:
    """What one ``.ann`` file says beside its text-bound spans, read before the spans are fitted."""

    t_ids: dict[str, int] = field(default_factory=dict)  # T id -> the span's id in the record
    # E id -> (line, type, [("trigger", T id), (role, id), ...])
    events: dict[str, tuple[int, str, list[tuple[str, str]]]] = field(default_factory=dict)
    relations: list[tuple[int, str, str, list[tuple[str, str]]]] = field(default_factory=list)
    # (line, id, key, target id, value); notes have the key NOTE_KEY
    attributes: list[tuple[int, str, str, str, str]] = field(default_factory=list)


@dataclass
class _Tally:
    """Events, arguments and attributes read across the files of a collection, and what did not
    map, for the summary."""

    events: int = 0
    arguments: int = 0
    from_relations: int = 0
    attributes: int = 0
    notes: int = 0
    unmapped: list[str] = field(default_factory=list)

    def notices(self, where: str) -> list[str]:
        out = []
        if self.events or self.attributes or self.notes:
            out.append(
                f"{where}: {self.events} event(s) with {self.arguments} argument(s) "
                f"({self.from_relations} from relations), {self.attributes} attribute(s) and "
                f"{self.notes} note(s) kept with their spans"
            )
        if self.unmapped:
            shown = "; ".join(self.unmapped[:5]) + ("; ..." if len(self.unmapped) > 5 else "")
            out.append(f"warning: {where}: {len(self.unmapped)} line(s) not mapped: {shown}")
        return out


def _attach(record: AnnotationRecord, raw: RawRecord, links: _Links, name: str, tally: _Tally) -> None:
    """Turn a file's events, relations, attributes and notes into the record's events and span
    attributes (see docs/FORMAT.md, "brat"); what has no place is added to ``tally.unmapped``."""
    spans = {s.id: s for s in record.spans if s.id is not None}

    def of_t(tid: str) -> int | None:
        sid = links.t_ids.get(tid)
        sid = raw.id_alias.get(sid, sid) if sid is not None else None
        return sid if sid in spans else None

    trigger_of: dict[str, int] = {}  # E id -> its trigger's span id
    arguments: dict[int, list[Argument]] = {}  # trigger span id -> arguments
    for eid, (_line, _type, refs) in links.events.items():
        trigger = of_t(refs[0][1])
        if trigger is None:
            tally.unmapped.append(f"{name} {eid}: its trigger is no span")
        elif trigger in arguments:
            tally.unmapped.append(f"{name} {eid}: its trigger {refs[0][1]} triggers another event")
        else:
            trigger_of[eid] = trigger
            arguments[trigger] = []

    def target(ref: str) -> int | None:
        if ref.startswith("T"):
            return of_t(ref)
        return trigger_of.get(ref)

    def event_at(ref: str) -> int | None:
        sid = target(ref)
        return sid if sid in arguments else None

    for eid, (_line, _type, refs) in links.events.items():
        if eid not in trigger_of:
            continue
        for role, ref in refs[1:]:
            sid = target(ref)
            if sid is None:
                tally.unmapped.append(f"{name} {eid}: argument {role}:{ref} is no span or event")
                continue
            arguments[trigger_of[eid]].append(Argument(role, Ref(span_id=sid)))
            tally.arguments += 1
    for _line, rid, rtype, refs in links.relations:
        (_, a), (_, b) = refs
        ea, eb = event_at(a), event_at(b)
        if (ea is None) == (eb is None):
            why = "both arguments are events" if ea is not None else "neither argument is an event"
            tally.unmapped.append(f"{name} {rid} ({rtype} {a} {b}): {why}")
            continue
        event, other = (ea, b) if ea is not None else (eb, a)
        sid = target(other)
        if sid is None:
            tally.unmapped.append(f"{name} {rid} ({rtype}): {other} is no span")
            continue
        arguments[event].append(Argument(rtype, Ref(span_id=sid)))  # type: ignore[index]
        tally.arguments += 1
        tally.from_relations += 1
    for trigger, args in arguments.items():
        span = spans[trigger]
        record.events.append(Event(trigger=span, category=span.label, arguments=tuple(args)))
        tally.events += 1
    for _line, aid, key, ref, value in links.attributes:
        sid = target(ref)
        if sid is None:
            tally.unmapped.append(f"{name} {aid} ({key}): {ref} is no span or event")
            continue
        values = record.attributes.setdefault(sid, {})
        if key == NOTE_KEY:
            values[key] = f"{values[key]}\n{value}" if values.get(key) else value
            tally.notes += 1
        else:
            values[key] = value
            tally.attributes += 1


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
    links: _Links | None = None,
    types: dict[str, str] | None = None,
) -> tuple[RawRecord, list[InputError]]:
    file = str(ann)
    links = links if links is not None else _Links()
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
            layer, label = split_label(label_of_type((types or {}).get(label_text, label_text)))
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
            for n, rs in enumerate(by_id[ident]):
                rs.ident = len(links.t_ids) + 1 if n == 0 else None
            links.t_ids[ident] = len(links.t_ids) + 1
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
        if kind == "E":
            event_type = fields[1].split(" ")[0].partition(":")[0]
            links.events[ident] = (number, label_of_type(event_type), refs)
        elif kind == "R":
            links.relations.append((number, ident, label_of_type(fields[1].split(" ")[0]), refs))
        elif kind in "AM":
            words = fields[1].split(" ")
            value = label_of_type(words[2]) if len(words) == 3 else ""
            links.attributes.append((number, ident, label_of_type(words[0]), refs[0][1], value))
        elif kind == "#":
            note = "\t".join(fields[2:])
            links.attributes.append((number, ident, NOTE_KEY, refs[0][1], note))
        else:
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
        elif ident[0] == "E" and what == "trigger":
            for rs in by_id.get(target, []):  # an event's trigger is a span of the event layer
                if rs.layer == DEFAULT_LAYER:
                    rs.layer = EVENT_LAYER
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


def _find_conf(ann: Path, root: Path, name: str = "annotation.conf") -> Path | None:
    """The ``annotation.conf`` (or other configuration file) brat would use for ``ann``: in its
    folder or the nearest above, up to the folder read."""
    folder = ann.parent
    root = root if root.is_dir() else root.parent
    while True:
        conf = folder / name
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
    tally = _Tally()
    for txt, ann in _pairs(Path(path)):
        odd = [part for part in (ann, txt) if os.path.lexists(part) and not part.is_file()]
        if odd:
            errors.extend(InputError(NOT_REGULAR, str(part)) for part in odd)
            continue
        conf = _find_conf(ann, Path(path))
        if conf is not None and conf not in confs:
            try:
                visual = _visual_types(conf, conf.parent)
                declared = [visual.get(name, name) for name in _conf_labels(conf)]
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
            links = _Links()
            raw, line_errors = _parse_ann(
                ann, text, counts, discontinuous, joined, links, _visual_types(ann, Path(path))
            )
            if line_errors:
                errors.extend(line_errors)
                continue
            canonical = text.replace("\r\n", "\n").replace("\r", "\n")
            raw.meta = raw.meta.with_(filename=txt.name, title=make_title(canonical))
            raw.annotator = annotator_of_folder(ann.resolve().parent)
            found, found_notices = finalize([raw], str(ann))
            _attach(found[0], raw, links, ann.name, tally)
            if conf is not None:
                declared_here = set(confs.get(conf, []))
                for rs in raw.spans:
                    name = rs.label if rs.layer == "entity" else f"{rs.layer}:{rs.label}"
                    # A trigger's type is declared under [events] by its own name.
                    if name not in declared_here and rs.label not in declared_here:
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
    notices.extend(tally.notices(where))
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


VISUAL_MARK = "# annotator: display names are the project's labels"
"""First line of the ``visual.conf`` this writer makes; only such a file renames types on reading."""


def storage_form(label: str) -> str:
    """brat's storage form of a type name: every character outside ``[A-Za-z0-9_-]`` becomes
    ``_`` (brat's ``projectconfig.normalize_to_storage_form``; its configuration refuses others)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", label) or "_"


class BratTypes:
    """The brat type written for each label: the label itself where brat allows it, else its
    storage form, made unique with ``-2``, ``-3``...; ``visual_conf`` names the label of each
    renamed type, which brat shows and the reader takes back."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}
        self._taken: set[str] = set()

    def of(self, label: str) -> str:
        found = self.types.get(label)
        if found is not None:
            return found
        base = storage_form(label)
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}-{n}"
        self.types[label] = name
        self._taken.add(name)
        return name

    def visual_conf(self) -> str:
        lines = [VISUAL_MARK, "[labels]"]
        for label, name in sorted(self.types.items(), key=lambda item: item[1]):
            if name != label:
                shown = " ".join(label.split()).replace("|", "/")
                lines.append(f"{name} | {shown}")
        return "\n".join(lines) + "\n"


def _visual_types(ann: Path, root: Path) -> dict[str, str]:
    """Types renamed by a ``visual.conf`` this writer made (type -> label), found as brat finds
    its configuration: beside the file or in the nearest folder above, up to the folder read.
    Another tool's ``visual.conf`` renames nothing: its display names are for people."""
    found = _find_conf(ann, root, "visual.conf")
    if found is None:
        return {}
    text = decode_text(read_bounded(found), str(found))
    if not text.startswith(VISUAL_MARK):
        return {}
    types: dict[str, str] = {}
    section = ""
    for line in text.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
        elif section == "labels" and "|" in stripped:
            name, _, label = stripped.partition("|")
            label = label.split("|")[0].strip()
            if name.strip() and label:
                types[name.strip()] = label
    return types


def label_of_type(value: str) -> str:
    """A brat type read back as a label (the percent-escapes of earlier exports undone)."""
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


def _value(value: str) -> str:
    """An attribute value as one brat field: white space and ``%`` percent-escaped."""
    from urllib.parse import quote

    return "".join(quote(ch, safe="") if ch == "%" or ch.isspace() else ch for ch in value)


def _ann_lines(record: AnnotationRecord, types: BratTypes) -> list[str]:
    """The ``.ann`` lines of a record: a ``T`` line per span, an ``E`` line per event (its
    arguments' roles numbered ``actor``, ``actor2``... as brat numbers repeated roles), ``A``
    lines for attributes (a flag when the value is empty), ``#`` notes (the model's mark, the
    span's note, an actor argument brat cannot point at)."""
    table = str.maketrans("\n\t\r", "   ")
    lines = []
    t_of: dict[int, int] = {}  # span id -> T number
    notes: list[tuple[str, str]] = []
    for i, span in enumerate(record.spans, start=1):
        parts = fragments(record.text, span.start, span.end)
        offsets = ";".join(f"{a} {b}" for a, b in parts)
        surface = " ".join(record.text[a:b].translate(table) for a, b in parts)
        lines.append(f"T{i}\t{types.of(qualified_label(span))} {offsets}\t{surface}")
        if span.id is not None:
            t_of[span.id] = i
        if span.origin is Origin.MODEL:
            notes.append((f"T{i}", MODEL_NOTE))
    actors = {a.id: a.name for a in record.actors}
    n_event = 0
    for event in record.events:
        trigger = t_of.get(event.trigger.id) if event.trigger.id is not None else None
        if trigger is None:
            continue  # its trigger was left out of the export (by label or layer)
        n_event += 1
        args: list[str] = []
        seen: dict[str, int] = {}
        for arg in event.arguments:
            role = storage_form(arg.role)
            if arg.ref.span_id is not None and arg.ref.span_id in t_of:
                seen[role] = seen.get(role, 0) + 1
                suffix = str(seen[role]) if seen[role] > 1 else ""
                args.append(f" {role}{suffix}:T{t_of[arg.ref.span_id]}")
            elif arg.ref.actor_id is not None:
                name = " ".join(actors.get(arg.ref.actor_id, "?").split())
                notes.append((f"E{n_event}", f"{arg.role}: {name}"))
        category = types.of(qualified_label(event.trigger.with_(label=event.category)))
        lines.append(f"E{n_event}\t{category}:T{trigger}{''.join(args)}")
    n_attr = 0
    for span_id, values in sorted(record.attributes.items()):
        t = t_of.get(span_id)
        if t is None:
            continue
        for key, value in sorted(values.items()):
            if key == NOTE_KEY:  # one note a line, as they were read
                notes += [(f"T{t}", note.translate(table)) for note in value.split("\n")]
                continue
            n_attr += 1
            tail = f" {_value(value)}" if value else ""
            lines.append(f"A{n_attr}\t{storage_form(key)} T{t}{tail}")
    lines += [f"#{n}\tAnnotatorNotes {ref}\t{note}" for n, (ref, note) in enumerate(notes, start=1)]
    return lines


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
    types = BratTypes()
    entities: set[str] = set()
    events: dict[str, set[str]] = {}  # event type -> its roles
    attributes: dict[str, set[str]] = {}  # attribute -> its values ("" for a flag)
    try:
        for doc_number, group in enumerate(group_by_document(records), start=1):
            first = group[0]
            stem = Path(first.meta.filename).stem if first.meta.filename else first.meta.title
            stem = re.sub(r"^[0-9]{5}_", "", stem)  # this writer's number, read back: not twice
            base = f"{doc_number:05d}_{_safe_name(stem)}"
            for record in group:
                folder = tmp / annotator_folder(record.annotator)
                folder.mkdir(exist_ok=True)
                (folder / f"{base}.txt").write_text(record.text, encoding="utf-8", newline="\n")
                lines = _ann_lines(record, types)
                (folder / f"{base}.ann").write_text(
                    "".join(line + "\n" for line in lines), encoding="utf-8", newline="\n"
                )
                for line in lines:
                    kind, body = line[0], line.split("\t")[1]
                    if kind == "T":
                        entities.add(body.split(" ")[0])
                    elif kind == "E":
                        head, *args = body.split(" ")
                        roles = events.setdefault(head.partition(":")[0], set())
                        roles.update(re.sub("[0-9]+$", "", a.partition(":")[0]) for a in args)
                    elif kind == "A":
                        name, _target, *value = body.split(" ")
                        attributes.setdefault(name, set()).update(value or [""])
                count += 1
        entities -= set(events)
        all_types = "|".join(sorted(entities)) or "<ANY>"
        conf = ["[entities]", *sorted(entities), "", "[relations]", "", "[events]"]
        for name, roles in sorted(events.items()):
            shown = ", ".join(f"{role}*:{all_types}" for role in sorted(roles))
            conf.append(f"{name}\t{shown}" if shown else name)
        conf += ["", "[attributes]"]
        for name, values in sorted(attributes.items()):
            listed = "|".join(sorted(v for v in values if v))
            conf.append(f"{name}\tArg:<ANY>" + (f", Value:{listed}" if listed else ""))
        conf.append("")
        (tmp / "annotation.conf").write_text("\n".join(conf), encoding="utf-8", newline="\n")
        (tmp / "visual.conf").write_text(types.visual_conf(), encoding="utf-8", newline="\n")
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
