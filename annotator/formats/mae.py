"""MAE (the Multi-purpose Annotation Environment) XML: one annotated document per file.

MAE writes ``<TASK><TEXT><![CDATA[...]]></TEXT><TAGS>...</TAGS></TASK>``, the root named after the
task's DTD. Inside ``TAGS``, an *extent* tag marks text: MAE 2 writes ``spans="12~20"`` (several
``a~b`` joined by ``,`` for a discontinuous extent; ``-1~-1`` or nothing for a non-consuming
tag), MAE 0.9/1 writes ``start="12" end="20"``, and both state the covered ``text``. The tag's
name is the label. A *link* tag (``fromID``/``toID``, or the argument names a DTD gives) marks no
text: links are counted in a notice, as are non-consuming tags. MAE is a Java program, so its
offsets may count UTF-16 units; ``foreign.finalize`` works out which counting fits.

The XML is parsed with lxml, the parser the project already uses for feeds, with entities,
DTDs and the network off (a file may come from anyone).
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import InputError, InputErrors
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
    links = 0
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
                links += 1
                continue
            if not extents:
                non_consuming += 1
                continue
            layer, label = split_label(tag.tag)
            surface = tag.get("text")
            if len(extents) == 1:
                start, end = extents[0]
                raw.spans.append(RawSpan(start, end, label, surface, layer, where=where))
            else:
                discontinuous.append(ident or tag.tag)
                if surface is not None:
                    raw.group_texts[where] = surface
                for start, end in extents:
                    raw.spans.append(RawSpan(start, end, label, None, layer, where=where, group=where))
        except InputError as exc:
            errors.append(InputError(exc.reason.removeprefix(f"{where}: "), file, line))
    if errors:
        raise InputErrors(errors)
    raw.meta = raw.meta.with_(filename=path.name, title=make_title(text.replace("\r\n", "\n")))
    records, notices = finalize([raw], file)
    if discontinuous:
        notices.append(
            f"{file}: {len(discontinuous)} discontinuous extent(s) ({', '.join(discontinuous[:5])})"
            " were kept as one span per part"
        )
    if non_consuming:
        notices.append(f"{file}: {non_consuming} non-consuming tag(s) (no text) were not imported")
    if links:
        notices.append(f"{file}: {links} link tag(s) were not imported")
    return ReadResult(records=records, notices=notices)
