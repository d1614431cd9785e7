"""MAE (the Multi-purpose Annotation Environment) XML: one annotated document per file.

MAE writes ``<TASK><TEXT><![CDATA[...]]></TEXT><TAGS>...</TAGS></TASK>``, the root named after the
task's DTD. Inside ``TAGS``, an *extent* tag marks text: MAE 2 writes ``spans="12~20"`` (several
``a~b`` joined by ``,`` for a discontinuous extent; ``-1~-1`` or nothing for a non-consuming
tag), MAE 0.9/1 writes ``start="12" end="20"``, and both state the covered ``text``. The tag's
name is the label; its other attributes (those its DTD declares, ``comment``...) are kept as the
span's attributes when not empty. A *link* tag marks no text: its arguments are the attributes
``<arg>ID`` (MAE 0.9-2 write ``fromID``/``toID``; a MAE 2 DTD may name others). A link becomes an
argument of an event whose trigger is the span it starts from (``fromID``, else its first
argument): the role is the link's name for ``toID`` and the argument's name otherwise. Whether
that span is an event trigger is the schema's call (its label, after ``--map``, is an event
category; ``services.annotations_import``); links from other spans, or to non-consuming tags,
are reported as not mapped. Non-consuming tags are counted in a notice. MAE is a Java program, so
its offsets may count UTF-16 units; ``foreign.finalize`` works out which counting fits.

The XML is parsed with lxml, the parser the project already uses for feeds, with entities,
DTDs and the network off (a file may come from anyone).
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import InputError, InputErrors
from annotator.core.events import Argument, Event, Ref
from annotator.core.model import AnnotationRecord
from annotator.formats.articles import make_title
from annotator.formats.foreign import RawRecord, RawSpan, finalize, split_label
from annotator.formats.lines import check_string, read_bounded
from annotator.formats.read_result import ReadResult


def looks_like_mae(head: bytes) -> bool:
    """Whether the start of a file is MAE's XML (a ``<TEXT>`` element near the top)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text.startswith("<") and "<TEXT" in text


def _offsets(tag: object, where: str) -> list[tuple[int, int]] | None:
    """The extents of a tag: [(start, end), ...], [] for a non-consuming tag, None for a link."""
    from lxml import etree

    assert isinstance(tag, etree._Element)
    spans = tag.get("spans")
    if spans is not None:
        out = []
        for part in spans.split(","):
            part = part.strip()
            if not part:
                continue
            a, sep, b = part.partition("~")
            try:
                start, end = int(a), int(b)
            except ValueError:
                raise InputError(f"{where}: spans {spans[:40]!r} is not 'START~END'") from None
            if not sep:
                raise InputError(f"{where}: spans {spans[:40]!r} is not 'START~END'")
            if (start, end) != (-1, -1):
                out.append((start, end))
        return out
    if tag.get("start") is not None or tag.get("end") is not None:
        try:
            start, end = int(tag.get("start", "")), int(tag.get("end", ""))
        except ValueError:
            raise InputError(f"{where}: start and end must be integers") from None
        return [] if (start, end) == (-1, -1) else [(start, end)]
    return None


def read_mae(path: Path) -> ReadResult:
    """The document of a MAE XML file and its extent tags as one record (annotator unknown)."""
    from lxml import etree

    file = str(path)
    data = read_bounded(path)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise InputError(f"not well-formed XML ({exc.msg})", file, line) from None
    text_el = root.find("TEXT")
    if text_el is None:
        raise InputError("no <TEXT> element: not a MAE file", file)
    text = text_el.text or ""
    check_string(text, "<TEXT>")
    tags_el = root.find("TAGS")
    raw = RawRecord(text=text, where="")
    errors: list[InputError] = []
    links: list[tuple[str, str, list[tuple[str, str]]]] = []  # (id, name, [(arg, target id)])
    span_of: dict[str, int] = {}  # extent tag id -> span id in the record
    attributes: dict[int, dict[str, str]] = {}
    non_consuming = 0
    discontinuous: list[str] = []
    seen: dict[str, int] = {}
    for tag in tags_el if tags_el is not None else []:
        if not isinstance(tag.tag, str):
            continue  # a comment or processing instruction
        line = tag.sourceline if isinstance(tag.sourceline, int) else None
        ident = tag.get("id", "")
        where = f"line {line} ({ident or tag.tag})"
        try:
            if ident:
                if ident in seen:
                    raise InputError(f"id {ident!r} used twice (first on line {seen[ident]})")
                seen[ident] = line or 0
            extents = _offsets(tag, where)
            if extents is None:
                args = [
                    (key[:-2], value)
                    for key, value in tag.attrib.items()
                    if key.endswith("ID") and key != "ID" and value
                ]
                links.append((ident or tag.tag, tag.tag, args))
                continue
            if not extents:
                non_consuming += 1
                continue
            layer, label = split_label(tag.tag)
            surface = tag.get("text")
            span_id = len(span_of) + 1
            if ident:
                span_of[ident] = span_id
            extra = {
                key: value
                for key, value in tag.attrib.items()
                if key not in _EXTENT_KEYS and value.strip() and isinstance(key, str)
            }
            for key, value in extra.items():
                check_string(value, f"attribute {key}")
            if extra:
                attributes[span_id] = extra
            if len(extents) == 1:
                start, end = extents[0]
                raw.spans.append(
                    RawSpan(start, end, label, surface, layer, where=where, ident=span_id)
                )
            else:
                discontinuous.append(ident or tag.tag)
                if surface is not None:
                    raw.group_texts[where] = surface
                for n, (start, end) in enumerate(extents):
                    raw.spans.append(RawSpan(start, end, label, None, layer, where=where,
                                             group=where, ident=span_id if n == 0 else None))
        except InputError as exc:
            errors.append(InputError(exc.reason.removeprefix(f"{where}: "), file, line))
    if errors:
        raise InputErrors(errors)
    raw.meta = raw.meta.with_(filename=path.name, title=make_title(text.replace("\r\n", "\n")))
    records, notices = finalize([raw], file)
    record = records[0]
    alive = {s.id: s for s in record.spans if s.id is not None}
    record.attributes = {
        raw.id_alias.get(k, k): v for k, v in attributes.items() if raw.id_alias.get(k, k) in alive
    }
    unmapped = _link_events(record, raw.id_alias, span_of, links)
    if discontinuous:
        notices.append(
            f"{file}: {len(discontinuous)} discontinuous extent(s) ({', '.join(discontinuous[:5])})"
            " were kept as one span per part"
        )
    if non_consuming:
        notices.append(f"{file}: {non_consuming} non-consuming tag(s) (no text) were not imported")
    mapped = len(links) - len(unmapped)
    if mapped:
        notices.append(
            f"{file}: {mapped} link tag(s) read as arguments of {len(record.events)} event(s), "
            "each the event of the span its link starts from"
        )
    if unmapped:
        shown = "; ".join(unmapped[:5]) + ("; ..." if len(unmapped) > 5 else "")
        notices.append(f"warning: {file}: {len(unmapped)} link tag(s) not mapped: {shown}")
    if record.attributes:
        notices.append(
            f"{file}: attributes of {len(record.attributes)} extent tag(s) kept with their spans"
        )
    return ReadResult(records=records, notices=notices)


_EXTENT_KEYS = frozenset({"id", "spans", "start", "end", "text"})


def _link_events(
    record: AnnotationRecord,
    alias: dict[int, int],
    span_of: dict[str, int],
    links: list[tuple[str, str, list[tuple[str, str]]]],
) -> list[str]:
    """Turn link tags into events of the spans they start from; return what did not map."""
    spans = {s.id: s for s in record.spans if s.id is not None}

    def span(tag_id: str) -> int | None:
        found = span_of.get(tag_id)
        found = alias.get(found, found) if found is not None else None
        return found if found in spans else None

    unmapped: list[str] = []
    arguments: dict[int, list[Argument]] = {}
    for ident, name, args in links:
        if not args:
            unmapped.append(f"{ident} ({name}): no argument")
            continue
        head = next((a for a in args if a[0] == "from"), args[0])
        trigger = span(head[1])
        if trigger is None:
            unmapped.append(f"{ident} ({name}): {head[1]} is no extent tag with text")
            continue
        found: list[Argument] = []
        for arg, target in args:
            if (arg, target) == head:
                continue
            sid = span(target)
            if sid is None:
                unmapped.append(f"{ident} ({name}): {target} is no extent tag with text")
                found = []
                break
            found.append(Argument(name if arg == "to" else arg, Ref(span_id=sid)))
        if found:
            arguments.setdefault(trigger, []).extend(found)
    for trigger, kept in arguments.items():
        record.events.append(
            Event(trigger=spans[trigger], category=spans[trigger].label, arguments=tuple(kept))
        )
    return unmapped
