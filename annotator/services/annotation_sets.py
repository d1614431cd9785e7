"""Annotation sets read from files, their documents matched and counted: the file route of the
review (``annotator review A.jsonl B.jsonl``).

Each file is one annotator's set. Documents are matched across the sets by their
white-space-normalised text, and the agreement is a sum over documents (``core.agreement.Tally``).
Two routes give the same tally:

- in one process, for any format and any size: every file read whole, then matched and counted;
- in parts, for large native JSON-lines files: each file is cut at line breaks into as many byte
  ranges as there are parts; part k (this process for the first, a worker process for each other)
  reads and checks range k of every file and counts the documents whose records all lie in its
  ranges. Colleagues' exports of one corpus list the documents in the same order, so nearly all
  do. A document whose records lie in several parts, that one set alone holds, or that names
  actors (actors are matched by name over the whole sets, ``ActorIdentity``) comes back to this
  process and is counted here. Every entry of the tally's lists carries its document's place, so
  the merged lists are in the one-process order. A bad line anywhere, a document twice in one
  set, or an annotator other than the one read from a file's first record sends the review down
  the one-process route, which reports it exactly as before.

Why parts, and why this way: reading and checking 112 MB of records is half of a review's time
and counting the other half, and handing documents to a worker costs more than it saves (pickling
a document's spans costs about what counting it does), so each worker reads its own documents
(``docs/PERFORMANCE.md``, "agreement"). This module imports nothing of the store: a worker
starts with what it needs only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core.actors import Actor, ActorIdentity
from annotator.core.agreement import DocumentAnnotations, LeftOut, Tally
from annotator.core.align import OffsetMap
from annotator.core.errors import InputError, InputErrors
from annotator.core.events import Event
from annotator.core.framing import FrameAssessment
from annotator.core.model import AnnotationRecord, Span, Status
from annotator.core.regions import marked_ranges
from annotator.core.text import normalized_for_matching
from annotator.services.gc_pause import paused_gc
from annotator.services.process_parts import MAX_WORKERS, cpus, in_processes, start_method

# Below this many bytes of files, a worker process costs more (it starts a new interpreter) than
# it saves; above it, the files are read and counted in parts, one per CPU (at most four).
PARALLEL_MIN_BYTES = 16 * 1024 * 1024

NOT_FINISHED = "nothing marked and not finished (status {status})"
NOT_CARRIED = (
    "the text matches {name}'s once white space is normalised, but a mark cannot be carried over"
)


@dataclass
class AnnotationSet:
    """One annotator's records, from one file or from the database."""

    name: str
    source: str
    records: list[AnnotationRecord] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # each record's normalised text, when known


@dataclass
class SetsTally:
    """The tally of annotation files, what stands for each set, and what was left out."""

    tally: Tally
    sources: dict[str, str]
    notices: list[str]
    left_out: list[LeftOut]


# -- one process: every file read whole --------------------------------------------------------


def _read_set(
    path: Path, fmt: str, seen: dict[str, str]
) -> tuple[list[AnnotationRecord], list[str], list[str]]:
    """The records of one file, their normalised texts, and the reader's notices. ``seen``: the
    normalised form of each text met so far (the other sets hold the same texts, as a rule)."""
    from annotator.formats.registry import read_annotations

    result = read_annotations(path, fmt)
    # Documents are matched by normalised text: two copies differing in white space only are
    # the same document, twice in one set. (Normalised once: matching reuses the keys.)
    keys = []
    for record in result.records:
        key = seen.get(record.text)
        if key is None:
            key = seen[record.text] = normalized_for_matching(record.text)
        keys.append(key)
    first: dict[str, int] = {}
    twice = [(i, first[key]) for i, key in enumerate(keys) if first.setdefault(key, i) != i]
    if twice:
        from annotator.services.annotations_import import record_places

        places = record_places(path, result.format, len(result.records))
        raise InputErrors([
            places[i].error(
                f"the same document as {places[j]}: a file given to review "
                "holds one annotation set (export one with `annotator export --annotator NAME`)"
            )
            for i, j in twice
        ])
    notices = [n for n in result.notices if not n.endswith(f"read as {result.format}")]
    return result.records, keys, notices


def _unique_name(wanted: str, stem: str, taken: set[str]) -> str:
    for candidate in (wanted, stem):
        if candidate and candidate not in taken:
            return candidate
    n = 2
    while f"{stem} ({n})" in taken:
        n += 1
    return f"{stem} ({n})"


def _wanted_name(records: Iterable[AnnotationRecord]) -> str:
    """The set's name from its records: their annotator, if they all name one and the same."""
    names = {r.annotator for r in records if r.annotator}
    return names.pop() if len(names) == 1 else ""


def load_sets(paths: Sequence[Path], fmt: str = "auto") -> tuple[list[AnnotationSet], list[str]]:
    """Read each file as one annotation set; every bad line of every file is reported."""
    sets: list[AnnotationSet] = []
    notices: list[str] = []
    errors: list[InputError] = []
    taken: set[str] = set()
    seen: dict[str, str] = {}
    for path in paths:
        try:
            records, keys, file_notices = _read_set(Path(path), fmt, seen)
        except InputErrors as exc:
            errors += exc.errors
            continue
        except InputError as exc:
            errors.append(exc.located(str(path)))
            continue
        notices += file_notices
        name = _unique_name(_wanted_name(records), Path(path).stem, taken)
        taken.add(name)
        sets.append(AnnotationSet(name, str(path), records, keys))
    if errors:
        raise InputErrors(errors)
    return sets, notices


def add_analysis(
    doc: DocumentAnnotations,
    name: str,
    actors: Sequence[Actor],
    mentions: dict[int, int],
    events: Sequence[Event],
    frames: FrameAssessment | None,
    actor_name: Callable[[Actor], str],
) -> None:
    """Put one annotator's actor links, events and framing of ``doc`` where agreement reads them.

    ``mentions`` maps span ids to the ids of ``actors``; ``actor_name`` gives the name that stands
    for an actor in every set (the same real-world actor, the same name).
    """
    names = {actor.id: actor_name(actor) for actor in actors if actor.id is not None}
    doc.actor_names[name] = names
    doc.links[name] = {span: names[actor] for span, actor in mentions.items() if actor in names}
    doc.events[name] = list(events)
    doc.frames[name] = frames


def holds(record: AnnotationRecord) -> bool:
    """Whether a record is its annotator's judgment of the document: something marked (a span, an
    event, a frame assessment) or the document finished (status done; a Prodigy "accept" is
    done). The same rule decides for a stored set (``review_database``)."""
    return bool(
        record.spans or record.events or record.frames is not None
        or record.status is Status.DONE
    )


def _carried(record: AnnotationRecord, target: str) -> AnnotationRecord | None:
    """``record`` with its spans and event triggers moved onto ``target``, a copy of its text
    differing only in white space or form (None if a mark cannot be carried over)."""
    if record.text == target:
        return record
    try:
        mapping = OffsetMap(record.text, target)
    except ValueError:
        return None
    moved: dict[tuple[int, int], tuple[int, int]] = {}
    marks = [*record.spans, *(e.trigger for e in record.events)]
    for span in marks:
        if (span.start, span.end) not in moved:
            to = mapping.span(span.start, span.end)
            if to is None:
                return None
            moved[span.start, span.end] = to

    def move(span: Span) -> Span:
        start, end = moved[span.start, span.end]
        return span.with_(start=start, end=end)

    return replace(
        record,
        text=target,
        text_sha256="",
        spans=[move(s) for s in record.spans],
        events=[e.with_(trigger=move(e.trigger)) for e in record.events],
    )


# A record's place: (set, part of the file, record in the part). Documents are in the order of
# the place of their first record that holds (one process: every file is one part).
Place = tuple[int, int, int]
Member = tuple[Place, str, AnnotationRecord]  # a record of a document: place, set name, record


def document_of(
    members: Sequence[Member],
    actor_name: Callable[[Actor], str],
    left_out: list[LeftOut] | None,
) -> tuple[Place, DocumentAnnotations] | None:
    """One document from the records of its normalised text, in set order, and its place.

    The first record that holds gives the text and the key (its ``text_sha256``), later copies
    have their marks carried over to it (``core.align.OffsetMap``). A record that is no judgment
    (``holds``) or whose marks cannot be carried over is left out, and listed in ``left_out``
    with the reason. None when no record holds.
    """
    first: Member | None = None
    held: dict[str, AnnotationRecord] = {}
    for place, name, record in members:
        if not holds(record):
            if left_out is not None:
                key = first[2].text_sha256 if first else record.text_sha256
                reason = NOT_FINISHED.format(status=record.status.value)
                left_out.append(LeftOut(key, record.meta.title, name, reason))
            continue
        if first is None:
            first = (place, name, record)
            held[name] = record
            continue
        carried = _carried(record, first[2].text)
        if carried is None:
            if left_out is not None:
                reason = NOT_CARRIED.format(name=first[1])
                left_out.append(LeftOut(first[2].text_sha256, record.meta.title, name, reason))
            continue
        held[name] = carried
    if first is None:
        return None
    head = first[2]
    spans = {name: list(record.spans) for name, record in held.items()}
    doc = DocumentAnnotations(
        head.text_sha256, head.text, spans, head.meta.title, marked=marked_ranges(head.regions)
    )
    for name, record in held.items():
        add_analysis(
            doc, name, record.actors, record.mentions, record.events, record.frames, actor_name
        )
    return first[0], doc


def documents_from_sets(
    sets: Sequence[AnnotationSet], left_out: list[LeftOut] | None = None
) -> list[DocumentAnnotations]:
    """One entry per document, in first-seen order, tokenized once.

    Documents are matched by their white-space-normalised text (``normalized_for_matching``, the
    rule ``import-annotations`` uses to find a stored document); ``document_of`` makes each.
    Actors are told apart across files by ``ActorIdentity`` (same uid, or same name ignoring
    case): the first file to name an actor gives the name that stands for it.
    """
    identity = ActorIdentity()
    for annotation_set in sets:
        for record in annotation_set.records:
            for actor in record.actors:
                identity.add(actor)
    groups: dict[str, list[Member]] = {}
    for i, annotation_set in enumerate(sets):
        records = annotation_set.records
        keys = annotation_set.keys
        if len(keys) != len(records):
            keys = [normalized_for_matching(record.text) for record in records]
        for j, (key, record) in enumerate(zip(keys, records, strict=True)):
            groups.setdefault(key, []).append(((i, 0, j), annotation_set.name, record))
    placed = [
        found
        for members in groups.values()
        if (found := document_of(members, identity.name, left_out)) is not None
    ]
    placed.sort(key=lambda item: item[0])
    return [doc for _place, doc in placed]


# -- in parts: each part reads its byte range of every file -------------------------------------

# The tally's lists, whose entries follow the documents' order (each is sorted by place after a
# merge of parts); tests/services/test_review_parts.py checks that no list of Tally is missing.
ORDERED_LISTS = ("framed", "event_differences", "frame_differences", "disagreement", "left_out")


@dataclass
class PlacedTally:
    """A tally, and the place of the document behind each entry of its lists."""

    tally: Tally
    places: dict[str, list[Place]]

    @classmethod
    def of(cls, placed: Iterable[tuple[Place, DocumentAnnotations]], names: Sequence[str]) -> PlacedTally:
        tally = Tally(list(names))
        places: dict[str, list[Place]] = {name: [] for name in ORDERED_LISTS}
        for place, doc in placed:
            tally.add(doc)
            for name, where in places.items():
                where.extend([place] * (len(getattr(tally, name)) - len(where)))
        return cls(tally, places)


def merged_in_order(parts: Sequence[PlacedTally]) -> Tally:
    """The tally of all parts, each list's entries in the order of their documents' places (the
    entries of one document stay together, in the order they were counted)."""
    total = parts[0].tally
    places = {name: list(where) for name, where in parts[0].places.items()}
    for part in parts[1:]:
        total.merge(part.tally)
        for name, where in part.places.items():
            places[name] += where
    for name in ORDERED_LISTS:
        entries = getattr(total, name)
        order = sorted(range(len(entries)), key=places[name].__getitem__)
        setattr(total, name, [entries[i] for i in order])
    return total


def _digests(sets: Sequence[Sequence[AnnotationRecord]]) -> list[list[bytes]]:
    """Each record's normalised text, in 16 bytes the same in every process (``hash`` of a
    string is not). A text met before (the same document in another set, as a rule) is not
    normalised again."""
    seen: dict[str, bytes] = {}
    keys: list[list[bytes]] = []
    for records in sets:
        digests = []
        for record in records:
            key = seen.get(record.text)
            if key is None:
                text = normalized_for_matching(record.text)
                key = seen[record.text] = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
            digests.append(key)
        keys.append(digests)
    return keys


@dataclass
class _Part:
    """What one part found: None fields when a line of its ranges was bad."""

    ok: bool
    keys: list[list[bytes]] = field(default_factory=list)  # per file, each record's digest
    annotators: list[set[str]] = field(default_factory=list)  # per file, the names of records
    counted: PlacedTally | None = None
    strays: list[tuple[bytes, Place, AnnotationRecord]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def _no_actor(actor: Actor) -> str:  # documents counted in a part name no actor
    raise AssertionError("an actor in a document counted in a part")


def tally_part(
    paths: Sequence[str], ranges: Sequence[tuple[int, int]], names: Sequence[str], part: int
) -> _Part:
    """Read range ``ranges[i]`` of each file ``paths[i]`` and count the documents all of whose
    records lie there and name no actor; hand back the records of the others (strays)."""
    from annotator.formats.native import read_jsonl_range

    with paused_gc():
        try:
            sets = [
                read_jsonl_range(Path(path), start, end)
                for path, (start, end) in zip(paths, ranges, strict=True)
            ]
        except InputError:
            return _Part(ok=False)
        keys = _digests(sets)
        groups: dict[bytes, list[Member]] = {}
        for i, (records, digests) in enumerate(zip(sets, keys, strict=True)):
            for j, (record, key) in enumerate(zip(records, digests, strict=True)):
                groups.setdefault(key, []).append(((i, part, j), names[i], record))
        placed: list[tuple[Place, DocumentAnnotations]] = []
        strays: list[tuple[bytes, Place, AnnotationRecord]] = []
        left_out: list[LeftOut] = []
        for key, members in groups.items():
            whole = len({place[0] for place, _, _ in members}) == len(paths) == len(members)
            if not whole or any(record.actors for _, _, record in members):
                strays += [(key, place, record) for place, _, record in members]
                continue
            found = document_of(members, _no_actor, left_out)
            if found is not None:
                placed.append(found)
        placed.sort(key=lambda item: item[0])
        return _Part(
            True,
            keys,
            [{r.annotator for r in records if r.annotator} for records in sets],
            PlacedTally.of(placed, names),
            strays,
            left_out,
        )


def _line_start(handle: Any, at: int, size: int) -> int:
    """The first byte of the first line that starts at ``at`` or later (``size``: none does)."""
    if at <= 0:
        return 0
    handle.seek(at - 1)
    position = at - 1
    while chunk := handle.read(1 << 16):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(chunk)
    return size


# A spawned worker process starts a new interpreter and imports what it needs before it reads a
# line: started from the ``annotator`` command, whose main module ``spawn`` imports again (the
# command line, the store, SQLAlchemy), about a fifth of a part's time for two 56 MB files (0.8
# of 4.6 CPU seconds, measured; 0.17 from a main module that imports little). The first part,
# read here, takes that much more of each file. A forked worker starts at once (5 ms): the parts
# are equal.
HEAD_START = {"spawn": 0.2, "fork": 0.0}


def _ranges(path: Path, parts: int, head_start: float = 0.0) -> list[tuple[int, int]]:
    """``parts`` byte ranges of ``path`` cut at line starts, the first ``head_start`` (of a
    part) longer."""
    size = path.stat().st_size
    total = parts + head_start
    cuts = [0]
    with path.open("rb") as handle:
        for k in range(1, parts):
            at = int(size * (k + head_start) / total)
            cuts.append(max(cuts[-1], _line_start(handle, at, size)))
    cuts.append(size)
    return list(zip(cuts, cuts[1:], strict=False))


def _first_annotator(path: Path) -> str | None:
    """The annotator of a file's first record ("" when it names none), None if unreadable."""
    from annotator.formats.lines import iter_lines

    try:
        with path.open("rb") as handle:
            for _, raw in iter_lines(handle, str(path)):
                line = raw.decode("utf-8-sig").strip()
                if line:
                    obj = json.loads(line)
                    name = obj.get("annotator") if isinstance(obj, dict) else None
                    return name if isinstance(name, str) and name.strip() else ""
    except (OSError, ValueError, RecursionError, InputError):
        return None
    return None


def _parts_wanted(paths: Sequence[Path], fmt: str, workers: int | None) -> int:
    if workers == 1 or fmt not in ("auto", "jsonl"):
        return 1
    try:
        if not all(path.is_file() for path in paths):
            return 1
        size = sum(path.stat().st_size for path in paths)
    except OSError:
        return 1
    if workers is None:
        workers = min(cpus(), MAX_WORKERS) if size >= PARALLEL_MIN_BYTES else 1
    if workers <= 1:
        return 1
    if fmt == "auto":
        from annotator.formats.registry import detect_format

        try:
            if any(detect_format(path) != "jsonl" for path in paths):
                return 1
        except InputError:
            return 1
    return workers


def _tally_in_parts(paths: Sequence[Path], parts: int) -> SetsTally | None:
    """The tally of native JSON-lines files counted in ``parts`` parts; None when the files need
    the one-process route (a bad line, a document twice in a set, an annotator not guessed)."""
    wanted: list[str] = []
    names: list[str] = []
    for path in paths:
        first = _first_annotator(path)
        if first is None:
            return None
        wanted.append(first)
        names.append(_unique_name(first, path.stem, set(names)))
    method = start_method()
    ranges = [_ranges(path, parts, HEAD_START[method]) for path in paths]
    arguments = [
        ([str(p) for p in paths], [r[k] for r in ranges], names, k) for k in range(parts)
    ]
    found = in_processes(tally_part, arguments, method)
    if not all(part.ok for part in found):
        return None
    for i in range(len(paths)):
        keys = [key for part in found for key in part.keys[i]]
        if not keys or len(set(keys)) != len(keys):
            return None
        annotators: set[str] = set().union(*(part.annotators[i] for part in found))
        if (annotators.pop() if len(annotators) == 1 else "") != wanted[i]:
            return None
    # The strays: documents counted here, actors named in the order of the sets and records.
    strays = sorted((s for part in found for s in part.strays), key=lambda s: s[1])
    identity = ActorIdentity()
    for _key, _place, record in strays:
        for actor in record.actors:
            identity.add(actor)
    groups: dict[bytes, list[Member]] = {}
    for key, place, record in strays:
        groups.setdefault(key, []).append((place, names[place[0]], record))
    left_out = [item for part in found for item in part.left_out]
    placed = [
        doc
        for members in groups.values()
        if (doc := document_of(members, identity.name, left_out)) is not None
    ]
    placed.sort(key=lambda item: item[0])
    counted = [part.counted for part in found if part.counted is not None]
    tally = merged_in_order([*counted, PlacedTally.of(placed, names)])
    return SetsTally(tally, {n: str(p) for n, p in zip(names, paths, strict=True)}, [], left_out)


def tally_files(
    paths: Sequence[Path], fmt: str = "auto", workers: int | None = None
) -> SetsTally:
    """The tally of two or more annotation files (one set per file). ``workers``: how many parts
    read and count native JSON-lines files at once (default: one per CPU, up to four, for
    ``PARALLEL_MIN_BYTES`` of files or more; else one)."""
    paths = [Path(p) for p in paths]
    with paused_gc():
        parts = _parts_wanted(paths, fmt, workers)
        if parts > 1:
            found = _tally_in_parts(paths, parts)
            if found is not None:
                return found
        sets, notices = load_sets(paths, fmt)
        left_out: list[LeftOut] = []
        docs = documents_from_sets(sets, left_out)
        tally = Tally.of(docs, [s.name for s in sets])
        return SetsTally(tally, {s.name: s.source for s in sets}, notices, left_out)
