"""One entry point for reading annotations in any supported format, with format detection.

Services (``import-annotations``, the GUI's import dialog) call :func:`read_annotations` and get
plain :class:`AnnotationRecord` objects plus notices (offsets converted from UTF-16, rejected
Prodigy answers skipped, ...) to show the user. Each format lives in its own module; this module
only knows their names and how to tell them apart.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.events import Argument
from annotator.core.model import AnnotationRecord
from annotator.formats.folders import walk_files
from annotator.formats.format_names import READ_FORMATS, WRITE_FORMATS  # noqa: F401 (also imported from here)
from annotator.formats.lines import iter_lines
from annotator.formats.read_result import ReadResult


def _read_native(path: Path) -> ReadResult:
    from annotator.formats.native import read_jsonl

    return ReadResult(records=read_jsonl(path))


# format name -> "module:function"; each function takes a Path and returns a ReadResult.
_READERS: dict[str, str] = {
    "prodigy": "annotator.formats.prodigy:read_prodigy",
    "doccano": "annotator.formats.doccano:read_doccano",
    "labelstudio": "annotator.formats.labelstudio:read_labelstudio",
    "brat": "annotator.formats.brat:read_brat",
    "spacy": "annotator.formats.spacy_docbin:read_docbin",
    "mae": "annotator.formats.mae:read_mae",
}


def _reader(fmt: str) -> Callable[[Path], ReadResult]:
    if fmt == "jsonl":
        return _read_native
    target = _READERS.get(fmt)
    if target is None:
        raise InputError(f"unknown format {fmt!r} (choose from auto, {', '.join(READ_FORMATS)})")
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise InputError(f"reading the {fmt} format is not available") from None
        raise
    reader: Callable[[Path], ReadResult] = getattr(module, func_name)
    return reader


def _first_json_object(path: Path) -> object | None:
    """The first non-empty line of a file parsed as JSON, or None if it is not JSON."""
    try:
        with path.open("rb") as handle:
            for _, raw in iter_lines(handle, str(path)):
                line = raw.decode("utf-8-sig", errors="replace").strip()
                if line:
                    try:
                        return json.loads(line)
                    except (ValueError, RecursionError):  # ValueError: also over-long integers
                        return None
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", str(path)) from None
    except InputError:  # a line over the size limit: the reader reports it
        return None
    return None


def _classify_jsonl_object(obj: object) -> str:
    if not isinstance(obj, dict):
        return "jsonl"
    keys = set(obj)
    annotations = obj.get("annotations")
    if (
        isinstance(annotations, list)
        and isinstance(obj.get("text"), str)
        and "data" not in keys
    ):
        return "doccano"  # doccano 1.x: annotations with start_offset/end_offset
    if isinstance(obj.get("data"), dict) or keys & {"annotations", "completions"}:
        return "labelstudio"
    if (
        "entities" in keys
        or isinstance(obj.get("label"), list)
        or isinstance(obj.get("labels"), list)
        or ("data" in keys and "text" not in keys)
    ):
        return "doccano"
    if keys & {"_input_hash", "_task_hash", "answer", "tokens", "_view_id"}:
        return "prodigy"
    if keys & {"format_version", "text_sha256", "status", "annotator"}:
        return "jsonl"
    if isinstance(obj.get("spans"), list):
        spans = obj["spans"]
        if any(isinstance(s, dict) and "token_start" in s for s in spans):
            return "prodigy"
        if any(isinstance(s, dict) and "origin" in s for s in spans):
            return "jsonl"
        return "prodigy"
    return "jsonl"


def detect_format(path: Path) -> str:
    """Guess a file's annotation format from its name and, for JSON lines, its first record."""
    path = Path(path)
    if path.is_dir():
        if walk_files(path, lambda name: name.endswith(".ann")):
            return "brat"
        raise InputError(
            "a folder can only be read as brat (.txt/.ann pairs); none found", str(path)
        )
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".spacy":
        return "spacy"
    if suffix == ".json":
        return "labelstudio"
    if not path.exists():
        raise InputError("no such file", str(path))
    if suffix == ".xml":
        return "mae"
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", str(path)) from None
    from annotator.formats.mae import looks_like_mae

    if looks_like_mae(start):
        return "mae"
    obj = _first_json_object(path)
    if suffix == ".txt" and path.with_suffix(".ann").exists() and not isinstance(obj, dict):
        return "brat"
    if isinstance(obj, list):
        return "labelstudio"
    if obj is None:
        # Not JSON on the first line: might be a pretty-printed Label Studio export.
        with path.open("rb") as handle:
            head = handle.read(64).decode("utf-8-sig", errors="replace").lstrip()
        if head.startswith("["):
            return "labelstudio"
        return "jsonl"
    return _classify_jsonl_object(obj)


def parse_label_map(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``--map OLD=NEW`` options as a mapping; InputError naming a malformed or doubled one."""
    out: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            raise InputError(f"--map {item!r}: expected OLD=NEW, e.g. PER=PERSON")
        if old in out and out[old] != new:
            raise InputError(f"--map {old!r} is given twice ({out[old]!r} and {new!r})")
        out[old] = new
    return out


def _apply_label_map(result: ReadResult, label_map: dict[str, str], file: str) -> None:
    """Rename labels as ``label_map`` says (``OLD`` a label or ``layer:LABEL``), counting each."""
    from annotator.formats.foreign import qualified_label, split_label

    counts = dict.fromkeys(label_map, 0)
    roles: dict[str, int] = {}  # --map OLD naming an argument's role -> arguments renamed
    for record in result.records:
        renamed = []
        for span in record.spans:
            qualified = qualified_label(span)
            old = qualified if qualified in label_map else span.label
            if old in label_map:
                counts[old] += 1
                layer, label = split_label(label_map[old])
                if LAYER_MARK not in label_map[old]:
                    layer = span.layer
                span = span.with_(label=label, layer=layer)
            renamed.append(span)
        record.spans = renamed
        if record.events:
            _map_events(record, label_map, roles)
        if record.links:
            _map_links(record, label_map, roles)
    if result.label_set is not None:
        result.label_set = [label_map.get(name, name) for name in result.label_set]
    for old, count in counts.items():
        if count:
            result.notices.append(
                f"{file}: {count} span(s) labelled {old!r} renamed {label_map[old]!r} (--map)"
            )
        if roles.get(old):
            result.notices.append(
                f"{file}: {roles[old]} event argument(s) of role {old!r} renamed "
                f"{label_map[old]!r} (--map)"
            )
        if not count and not roles.get(old):
            result.notices.append(f"{file}: no span is labelled {old!r} (--map {old}=...)")


LAYER_MARK = ":"


def _map_events(record: AnnotationRecord, label_map: dict[str, str], roles: dict[str, int]) -> None:
    """Carry renamed spans into the record's events (a trigger's label is its event's category)
    and rename argument roles ``--map`` names (``Attacker=actor``), counting them in ``roles``."""
    by_id = {span.id: span for span in record.spans if span.id is not None}
    events = []
    for event in record.events:
        ident = event.trigger.id
        trigger = by_id.get(ident, event.trigger) if ident is not None else event.trigger
        arguments = []
        for argument in event.arguments:
            # brat numbers a repeated role (Target, Target2): --map Target=... names both.
            old = argument.role if argument.role in label_map else argument.role.rstrip("0123456789")
            if old in label_map:
                roles[old] = roles.get(old, 0) + 1
                argument = Argument(label_map[old], argument.ref)
            arguments.append(argument)
        category = trigger.label if trigger.label != event.trigger.label else event.category
        events.append(event.with_(trigger=trigger, category=category, arguments=tuple(arguments)))
    record.events = events


def _map_links(record: AnnotationRecord, label_map: dict[str, str], roles: dict[str, int]) -> None:
    """Rename the labels of relations not yet events (Label Studio, doccano) as ``--map`` says:
    they are roles, as brat's relation types are (``--map Attacker=actor``)."""
    links = []
    for link in record.links:
        old = link.label if link.label in label_map else link.label.rstrip("0123456789")
        if old in label_map:
            roles[old] = roles.get(old, 0) + 1
            link = replace(link, label=label_map[old])
        links.append(link)
    record.links = links


def read_annotations(
    path: Path,
    fmt: str = "auto",
    label_map: dict[str, str] | None = None,
    label_file: Path | None = None,
) -> ReadResult:
    """Read every annotation record of ``path`` in format ``fmt`` (``auto`` detects it).

    ``label_map`` renames labels (``--map OLD=NEW``); ``label_file`` names doccano 1.x's numeric
    label ids (doccano's exported label list). Raises InputError / InputErrors naming the file
    and line (or record) of every bad input.
    """
    path = Path(path)
    if path.exists() and not (path.is_file() or path.is_dir()):
        # A pipe or a device would block the reader or never end.
        raise InputError("not a regular file or folder (a pipe or a device?)", str(path))
    chosen = detect_format(path) if fmt == "auto" else fmt
    if label_file is not None:
        if chosen != "doccano":
            raise InputError(
                f"--label-file names doccano 1.x label ids; this file is read as {chosen}",
                str(label_file),
            )
        from annotator.formats.doccano import read_doccano, read_label_ids

        result = read_doccano(path, read_label_ids(Path(label_file)))
    else:
        result = _reader(chosen)(path)
    result.format = chosen
    if label_map:
        _apply_label_map(result, label_map, str(path))
    if fmt == "auto":
        result.notices.insert(0, f"{path.name}: read as {chosen}")
    return result
