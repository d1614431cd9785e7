"""PDF reports (``.pdf``): the text layer in reading order, as paragraphs, without page furniture.

pypdf reads the file, decrypts one protected only against editing (an empty user password), and
extracts each page's text with the position of every line. What pypdf does not do — no kept
library does it for plain PDFs — is written here, small: lines are grouped into paragraphs by
the vertical gaps between them (a gap clearly wider than the page's usual line spacing, or a
short line that ends a sentence, ends a paragraph); a word hyphenated at a line's end is joined
again ("secu-" + "rity"); running headers and footers (the same line, digits aside, at the top or
bottom of most pages) and page numbers are dropped. Title, author and date come from the
document information. A PDF without a text layer (a scan) is refused: there is no OCR.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.formats.article_files import MAX_TEXT_CHARS, check_size, finish, iso_date, join_paragraphs
from annotator.formats.lines import MIB

MAX_PDF_BYTES = 256 * MIB
MAX_PAGES = 3000
EDGE_LINES = 2  # lines at the top and at the bottom of a page looked at for running headers
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|seite|página|pagina)?\s*[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*"
    r"(?:(?:/|of|de|sur|von)\s*\d{1,4})?\s*[-–—]?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?:;…\"”»’')\]]$")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")


@dataclass(slots=True)
class _Line:
    text: str
    y: float  # baseline height on the page (PDF units, up is larger); nan when unknown
    size: float


def _page_lines(page: object) -> list[_Line]:
    """The page's text lines as pypdf extracts them, each with the height of its first piece."""
    lines: list[_Line] = []
    parts: list[str] = []
    where: list[float | None] = [None, 0.0]

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if piece.strip() and where[0] is None:
                where[0] = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                where[1] = abs(size * (tm[3] or 1) * (cm[3] or 1))
            parts.append(piece)
            if i < len(pieces) - 1:
                _flush()

    def _flush() -> None:
        text = "".join(parts)
        if text.strip():
            y = where[0]
            lines.append(_Line(text, float("nan") if y is None else y, where[1] or 0.0))
        parts.clear()
        where[0], where[1] = None, 0.0

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    _flush()
    return lines


def _furniture_keys(pages: list[list[_Line]]) -> set[str]:
    """Lines (digits aside) found at the top or bottom of at least half the pages (two or more)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(line.text) for line in _edges(lines)})
    need = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= need and key}


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split())).lower()


def _edges(lines: list[_Line]) -> list[_Line]:
    """The lines at the top and at the bottom of the page set apart from the body by a gap
    wider than its line spacing (at most ``EDGE_LINES`` each): where headers and footers sit."""
    placed = sorted((line for line in lines if line.y == line.y), key=lambda line: -line.y)
    if len(placed) < 2:
        return []
    gaps = [a.y - b.y for a, b in zip(placed, placed[1:], strict=False)]
    spacing = statistics.median(gaps) if len(gaps) > 2 else min(gaps)
    edges: list[_Line] = []
    for i in range(min(EDGE_LINES, len(gaps))):
        if gaps[i] > spacing * 1.3:
            edges += placed[: i + 1]
            break
    for i in range(min(EDGE_LINES, len(gaps))):
        if gaps[-1 - i] > spacing * 1.3:
            edges += placed[len(placed) - 1 - i :]
            break
    return edges


def _body(lines: list[_Line], furniture: set[str]) -> list[_Line]:
    edges = {id(line) for line in _edges(lines)}
    return [
        line
        for line in lines
        if not (
            id(line) in edges
            and (_key(line.text) in furniture or _PAGE_NUMBER.match(line.text.strip()))
        )
    ]


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Join a page's body lines into paragraphs (see the module docstring for the rules)."""
    if not lines:
        return []
    gaps = [
        a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.y == a.y and b.y == b.y and a.y > b.y
    ]
    spacing = statistics.median(gaps) if gaps else 0.0
    widths = sorted(len(line.text.strip()) for line in lines)
    full = widths[int(len(widths) * 0.75)] if widths else 0
    paragraphs: list[str] = []
    current = ""
    previous: _Line | None = None
    prev_text = ""
    for line in lines:
        text = " ".join(line.text.split())
        if previous is not None and current:
            gap = previous.y - line.y if previous.y == previous.y and line.y == line.y else spacing
            new_paragraph = (
                gap < 0  # a new column or a jump back up the page
                or (spacing > 0 and gap > spacing * 1.45)
                or (len(prev_text) < full * 0.7 and bool(_SENTENCE_END.search(prev_text)))
            )
            if new_paragraph:
                paragraphs.append(current)
                current = text
            elif _HYPHENATED.search(current) and text[:1].islower():
                current = current[:-1] + text
            else:
                current = f"{current} {text}"
        else:
            current = text
        previous, prev_text = line, text
    if current:
        paragraphs.append(current)
    return paragraphs


def _info(reader: object) -> DocumentMeta:
    try:
        info = reader.metadata  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a damaged info dictionary only costs the details
        return DocumentMeta()
    if info is None:
        return DocumentMeta()

    def get(attribute: str) -> object:
        try:
            return getattr(info, attribute)
        except Exception:  # noqa: BLE001 - a malformed entry (a bad date string) is left out
            return None

    title, author = get("title"), get("author")
    return DocumentMeta(
        title=title if isinstance(title, str) else "",
        author=author if isinstance(author, str) else "",
        date=iso_date(get("creation_date")),
    )


def read_pdf(path: Path) -> Document:
    """The text of a PDF, or InputError if it is damaged, locked or has no text layer."""
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    file = str(path)
    check_size(path, MAX_PDF_BYTES, "PDF files")
    # pypdf reports each oddity of a damaged file on its logger; the reader reports the outcome.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))  # locked only against editing: readable
            except (NotImplementedError, pypdf.errors.DependencyError):
                unlocked = False
            if not unlocked:
                raise InputError("the PDF is encrypted with a password; save an unlocked copy", file)
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise InputError(f"PDF of {count} pages, more than the {MAX_PAGES} accepted", file)
        pages: list[list[_Line]] = []
        chars = 0
        for page in reader.pages:
            lines = _page_lines(page)
            chars += sum(len(line.text) for line in lines)
            if chars > MAX_TEXT_CHARS:
                raise InputError(
                    f"text longer than the {MAX_TEXT_CHARS:,} characters accepted for one document",
                    file,
                )
            pages.append(lines)
        meta = _info(reader)
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError("the PDF is encrypted with a password; save an unlocked copy", file) from None
    except (PdfReadError, RecursionError, MemoryError) as exc:
        raise InputError(f"not a readable PDF ({_short(exc)})", file) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
    except Exception as exc:  # noqa: BLE001 - pypdf on a damaged file can fail many ways
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {_short(exc)})", file) from None
    if not any(line.text.strip() for lines in pages for line in lines):
        raise InputError(
            f"no text layer in its {len(pages)} page(s): a scanned PDF? (there is no OCR; "
            "import a version with text)",
            file,
        )
    furniture = _furniture_keys(pages)
    paragraphs: list[str] = []
    for lines in pages:
        page_paragraphs = _paragraphs(_body(lines, furniture))
        # A paragraph running on from the previous page: no sentence end, and too long to be a
        # heading (or the next page starts in lower case).
        if (
            paragraphs
            and page_paragraphs
            and not _SENTENCE_END.search(paragraphs[-1])
            and (len(paragraphs[-1]) > 80 or page_paragraphs[0][:1].islower())
        ):
            first = page_paragraphs.pop(0)
            last = paragraphs.pop()
            paragraphs.append(last[:-1] + first if _HYPHENATED.search(last) else f"{last} {first}")
        paragraphs += page_paragraphs
    return finish(join_paragraphs(paragraphs), path, meta)


def _short(exc: BaseException) -> str:
    reason = str(exc) or type(exc).__name__
    return reason if len(reason) <= 120 else reason[:117] + "..."
