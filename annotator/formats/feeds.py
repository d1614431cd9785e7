"""News feeds saved as files (RSS 0.9x/1.0/2.0 and Atom: ``.rss``, ``.atom``, ``.xml``).

feedparser reads the feed; each entry with text becomes one article, with the entry's link, date
and author, its source (the entry's own ``<source>``, else the feed's title) as the outlet, and
its headline as the first line. feedparser builds every entry in memory, so a feed of 100,000
entries would cost gigabytes: the file is first streamed through lxml's ``iterparse``, which
keeps the first ``MAX_ENTRIES`` entries and drops each later one as soon as it is read (entity
expansion and network access off). feedparser then reads only what was kept, and the importer
says how many entries were left out.
"""

from __future__ import annotations

import time
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.formats.article_files import check_size, finish, join_paragraphs
from annotator.formats.lines import MIB
from annotator.formats.webpage import fragment_text

MAX_FEED_BYTES = 128 * MIB
MAX_LOOSE_BYTES = 8 * MIB  # a feed that is not well-formed XML is read whole by feedparser
MAX_ENTRIES = 1000
_ENTRY_TAGS = ("item", "entry")


def _capped_xml(path: Path, limit: int) -> tuple[bytes, int] | None:
    """The feed with at most ``limit`` entries, and how many it has; None if not well-formed."""
    from lxml import etree

    count = 0
    try:
        events = etree.iterparse(
            str(path), events=("end",), resolve_entities=False, no_network=True, huge_tree=False,
            load_dtd=False,
        )
        for _event, element in events:
            # The local name by hand: etree.QName refuses a tag whose prefix is not bound
            # ("l:nk" in a damaged feed) with a ValueError.
            if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] not in _ENTRY_TAGS:
                continue
            count += 1
            if count > limit:
                parent = element.getparent()
                element.clear()
                if parent is not None:
                    parent.remove(element)
        root = events.root
    except (etree.XMLSyntaxError, ValueError):  # not well-formed: feedparser's loose reading
        return None
    if root is None:
        return None
    return etree.tostring(root, encoding="utf-8", xml_declaration=True), count


def _struct_date(value: object) -> str:
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%d", value)
    return ""


def _entry_text(entry: object) -> str:
    contents = entry.get("content") or []  # type: ignore[attr-defined]
    detail = contents[0] if contents else entry.get("summary_detail")  # type: ignore[attr-defined]
    if not detail:
        return ""
    value = detail.get("value", "") or ""
    if detail.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
        return fragment_text(value)
    return join_paragraphs(value.split("\n\n"))


def read_feed(path: Path, notices: list[str] | None = None) -> list[Document]:
    """One document per entry with text (at most ``MAX_ENTRIES``); notices say what was left out."""
    import feedparser

    file = str(path)
    size = check_size(path, MAX_FEED_BYTES, "feeds")
    capped = _capped_xml(path, MAX_ENTRIES)
    if capped is None:
        if size > MAX_LOOSE_BYTES:
            raise InputError("not well-formed XML (a feed this large must be)", file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
        total = None
    else:
        data, total = capped
    try:
        parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    except ValueError as exc:  # damaged bytes: feedparser's decoders raise (UnicodeDecodeError, NUL)
        raise InputError(f"not a readable RSS or Atom feed ({exc})", file) from None
    if not parsed.get("version") and not parsed.entries:
        raise InputError("not an RSS or Atom feed", file)
    feed = parsed.get("feed", {})
    outlet = feed.get("title", "")
    lang = feed.get("language", "")
    docs: list[Document] = []
    empty = 0
    for number, entry in enumerate(parsed.entries[:MAX_ENTRIES], 1):
        text = _entry_text(entry)
        title = entry.get("title", "")
        if not text.strip():
            empty += 1
            continue
        if title and not text.startswith(title.strip()):
            text = f"{title.strip()}\n\n{text}"
        source = entry.get("source", {}).get("title", "") or outlet
        meta = DocumentMeta(
            title=title,
            source=source,
            author=entry.get("author", ""),
            date=_struct_date(entry.get("published_parsed") or entry.get("updated_parsed")),
            url=entry.get("link", ""),
            lang=lang,
        )
        try:
            docs.append(finish(text, path, meta, name=f"{path.name}#{number}"))
        except InputError as exc:
            raise InputError(f"entry {number}: {exc.reason}", file) from None
    if notices is not None:
        if total is not None and total > MAX_ENTRIES:
            notices.append(
                f"{file}: the feed holds {total:,} entries; only the first {MAX_ENTRIES:,} were read"
            )
        if empty:
            notices.append(f"{file}: {empty} entr{'y' if empty == 1 else 'ies'} without text skipped")
    if not docs:
        raise InputError("the feed holds no entry with text", file)
    return docs
