"""Saved web pages (``.html``, ``.htm``, and ``.mhtml``/``.mht`` single-file archives).

The article's main text is extracted by trafilatura, made for news pages: it drops navigation,
advertising, related links, comments and footers, and reads the title, site name (the outlet),
author, canonical URL and publication date (through htmldate) from the page's own metadata
(OpenGraph, JSON-LD, ``<meta>``). Only the language is read here, from ``<html lang>`` or
``og:locale``, which trafilatura does not report; without one, the importer detects it. An MHTML
archive is a MIME message: the standard library's e-mail parser finds its HTML part. Nothing is
fetched from the network.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml.html import HtmlElement

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.formats.article_files import check_size, finish, join_paragraphs, read_mime_message
from annotator.formats.lines import MIB

MAX_HTML_BYTES = 32 * MIB
MAX_MHTML_BYTES = 64 * MIB
ARTICLE_WORDS = 8
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


def _language(tree: HtmlElement) -> str:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return ""


def article_from_html(
    html: bytes | str | HtmlElement, path: Path, url: str = "", headline: str = "", name: str = ""
) -> Document:
    """The article of one page, or InputError if the page holds no article text.

    ``headline`` replaces the page's title (a page split into articles); ``name`` the file name.
    """
    import trafilatura
    from trafilatura.utils import load_html

    file = str(path)
    tree = html if isinstance(html, HtmlElement) else load_html(html)
    if tree is None:
        raise InputError("not an HTML page (nothing could be parsed)", file)
    lang = _language(tree)
    try:
        found = trafilatura.bare_extraction(
            tree, url=url or None, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False,
            # Dates from the page's metadata only: htmldate's search of the visible text takes
            # a footer's "© 2023" for a publication date of 2023-01-01.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, AttributeError) as exc:  # trafilatura on a malformed tree
        raise InputError(f"the page could not be read ({exc})", file) from None
    text = getattr(found, "text", None) or ""
    # What trafilatura keeps of a page without an article is its menus and link lists: short
    # lines. An article has at least one real sentence.
    if not any(len(p.split()) >= ARTICLE_WORDS or len(p) >= 80 for p in text.split("\n")):
        raise InputError(
            "no article text found in the page (an index or menu page, or one that loads its "
            "text by script?)",
            file,
        )
    title = headline or getattr(found, "title", None) or ""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    # The headline is part of what the analyst codes: keep it at the top of the text.
    if title and not any(p.strip() == title.strip() for p in paragraphs[:2]):
        paragraphs.insert(0, title)
    meta = DocumentMeta(
        title=title,
        source=getattr(found, "sitename", None) or "",
        author=getattr(found, "author", None) or "",
        date=getattr(found, "date", None) or "",
        url=getattr(found, "url", None) or url,
        lang=lang,
    )
    return finish(join_paragraphs(paragraphs), path, meta, name=name or None)


def article_elements(tree: HtmlElement) -> list[HtmlElement]:
    """The page's outermost ``<article>`` elements that hold a real paragraph (a sentence)."""
    outer = [
        a for a in tree.iter("article") if not any(p.tag == "article" for p in a.iterancestors())
    ]
    return [
        a for a in outer
        if any(len(p.text_content().split()) >= ARTICLE_WORDS for p in a.iter("p", "div"))
    ]


def _heading(element: HtmlElement) -> str:
    for tag in ("h1", "h2", "h3"):
        found = next(element.iter(tag), None)
        if found is not None and found.text_content().strip():
            return " ".join(found.text_content().split())
    return ""


def articles_from_html(
    html: bytes | str, path: Path, url: str = "", split: bool = False, notices: list[str] | None = None
) -> list[Document]:
    """The page's article; with ``split``, each of its ``<article>`` elements as a document of
    its own (named ``page.html#1``, ``#2``, …), with the page's details and its own headline.
    Without ``split``, a page of several articles is read as one and ``notices`` says so."""
    from lxml import etree
    from lxml.html import document_fromstring
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise InputError("not an HTML page (nothing could be parsed)", str(path))
    pieces = article_elements(tree)
    if len(pieces) < 2:
        return [article_from_html(tree, path, url)]
    if not split:
        if notices is not None:
            notices.append(
                f"{path}: the page holds {len(pieces)} articles, imported as one document "
                "(--split-articles imports each on its own)"
            )
        return [article_from_html(tree, path, url)]
    head = tree.find("head")
    head_html = etree.tostring(head, encoding="unicode") if head is not None else ""
    lang = tree.get("lang") or ""
    docs = []
    for number, piece in enumerate(pieces, 1):
        page = document_fromstring(
            f"<html><body>{etree.tostring(piece, encoding='unicode')}</body></html>"
        )
        if head_html:
            page.insert(0, document_fromstring(f"<html>{head_html}<body></body></html>").find("head"))
        if lang:
            page.set("lang", lang)
        docs.append(
            article_from_html(page, path, url, headline=_heading(piece), name=f"{path.name}#{number}")
        )
    return docs


_BLOCKS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
    "table", "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt",
)


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a feed entry's content, an e-mail's HTML body), its blocks
    as paragraphs. trafilatura's extraction wants a whole page and drops short fragments, so this
    walks lxml's tree itself: trafilatura's list of page furniture (share bars, newsletter boxes,
    …) pruned, scripts and styles out, a blank line after each block, a break per ``<br>``.
    """
    from lxml import etree
    from lxml.html import fragment_fromstring
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.xpaths import OVERALL_DISCARD_XPATH

    if not html.strip():
        return ""
    try:
        root = fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    root = prune_unwanted_nodes(root, OVERALL_DISCARD_XPATH)
    for element in list(root.iter("script", "style", "noscript", "template")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    return join_paragraphs(root.text_content().split("\n\n"))


def read_html(path: Path, split: bool = False, notices: list[str] | None = None) -> list[Document]:
    check_size(path, MAX_HTML_BYTES, "web pages")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", str(path)) from None
    return articles_from_html(data, path, split=split, notices=notices)


def read_mhtml(path: Path, split: bool = False, notices: list[str] | None = None) -> list[Document]:
    """The page inside a single-file web archive (what browsers save as ``.mhtml``)."""
    file = str(path)
    message = read_mime_message(path, MAX_MHTML_BYTES, "web archives")
    page = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if page is None:
        raise InputError("no HTML page inside the web archive (not an MHTML file?)", file)
    try:
        html = page.get_content()
    except (LookupError, ValueError) as exc:  # an unknown charset, a broken encoding
        raise InputError(f"the archived page cannot be decoded ({exc})", file) from None
    url = str(message.get("Snapshot-Content-Location") or page.get("Content-Location") or "")
    page_html = html if isinstance(html, str | bytes) else str(html)
    return articles_from_html(page_html, path, url.strip(), split=split, notices=notices)
