"""Word documents (``.docx``): the body's paragraphs and tables in order, with the file's details.

python-docx reads the document; its page headers and footers are not part of the body, so they
never reach the text. A ``.docx`` is a zip archive, and python-docx inflates every part it opens:
before it does, the archive's directory is checked here (number of parts, total uncompressed
size, compression ratio), so that a zip bomb — a few kilobytes that inflate to gigabytes — is
refused without being inflated. Title, author and date come from the core properties.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.formats.article_files import check_size, finish, iso_date, join_paragraphs, size_label
from annotator.formats.lines import MIB

MAX_DOCX_BYTES = 64 * MIB
MAX_UNCOMPRESSED_BYTES = 256 * MIB
MAX_PARTS = 10_000
MAX_RATIO = 200  # a text part compresses to a tenth or so; a bomb's ratio runs to the thousands


def check_archive(path: Path) -> None:
    """InputError unless the zip's directory describes a sane Word file (nothing is inflated)."""
    file = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise InputError(
            "not a Word .docx file (not a zip archive; an old .doc? save it as .docx)", file
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
    if len(members) > MAX_PARTS:
        raise InputError(f"a zip of {len(members)} parts, more than a Word file has", file)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"the archive would inflate to {size_label(total)}, more than the "
            f"{size_label(MAX_UNCOMPRESSED_BYTES)} accepted (a zip bomb?)",
            file,
        )
    for m in members:
        if m.file_size > MIB and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise InputError(
                f"part {m.filename!r} would inflate {m.file_size // max(m.compress_size, 1)} times "
                "(a zip bomb?)",
                file,
            )
    if "word/document.xml" not in {m.filename for m in members}:
        raise InputError("not a Word .docx file (no word/document.xml inside)", file)


def read_docx(path: Path) -> Document:
    import docx
    from docx.table import Table

    file = str(path)
    check_size(path, MAX_DOCX_BYTES, "Word files")
    check_archive(path)
    try:
        document = docx.Document(str(path))
        paragraphs: list[str] = []
        heading = ""
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        text = " ".join(cell.text.split())
                        if text and (not cells or cells[-1] != text):  # merged cells repeat
                            cells.append(text)
                    paragraphs.append(" | ".join(cells))
                continue
            text = block.text
            style = (block.style.name if block.style is not None else "") or ""
            if not heading and text.strip() and (style == "Title" or style.startswith("Heading")):
                heading = text
            paragraphs.append(text)
        props = document.core_properties
        meta = DocumentMeta(
            title=props.title or heading,
            author=props.author or "",
            date=iso_date(props.created),
            lang=(props.language or "").split("-")[0].lower() if props.language else "",
        )
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx on a damaged file can fail many ways
        raise InputError(f"not a readable Word file ({type(exc).__name__}: {exc})"[:200], file) from None
    return finish(join_paragraphs(paragraphs), path, meta)
