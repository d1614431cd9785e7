"""E-mails saved as ``.eml`` (a newsletter, an article a colleague forwarded).

The standard library's e-mail parser reads the message: the subject is the title, the sender
the author, the ``Date`` header the date; the text is the plain-text body, or the HTML body's
text when there is no plain one.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.formats.article_files import finish, iso_date, join_paragraphs, read_mime_message
from annotator.formats.lines import MIB
from annotator.formats.webpage import fragment_text

MAX_EML_BYTES = 32 * MIB


def _raw(message: EmailMessage, name: str) -> str:
    """A header's value as written, unparsed: the fallback when the parser fails on it (the
    standard library's address parser raises IndexError on a value cut short, "Desk <")."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return ""


def _sender(message: EmailMessage) -> str:
    try:
        header = message["From"]
        addresses: tuple[Address, ...] = header.addresses if header is not None else ()
    except (AttributeError, IndexError, ValueError):
        return _raw(message, "From")
    if not addresses:
        return ""
    first = addresses[0]
    return first.display_name or first.addr_spec


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (AttributeError, IndexError, TypeError, ValueError):
        return _raw(message, name)


def _date(message: EmailMessage) -> str:
    value = _header(message, "Date")
    if not value:
        return ""
    try:
        return iso_date(parsedate_to_datetime(str(value)).date())
    except (TypeError, ValueError, IndexError):
        return ""


def read_eml(path: Path) -> Document:
    file = str(path)
    message = read_mime_message(path, MAX_EML_BYTES, "e-mails")
    if not message.keys():
        raise InputError("not an e-mail (no headers)", file)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise InputError("the e-mail has no text or HTML body", file)
    try:
        content = body.get_content()
    except (LookupError, ValueError, AssertionError) as exc:  # unknown charset, broken encoding
        raise InputError(f"the e-mail's body cannot be decoded ({exc})", file) from None
    if not isinstance(content, str):
        raise InputError("the e-mail's body is not text", file)
    if body.get_content_type() == "text/html":
        text = fragment_text(content)
    else:
        text = join_paragraphs(content.replace("\r\n", "\n").split("\n\n"))
    meta = DocumentMeta(
        title=_header(message, "Subject"), author=_sender(message), date=_date(message)
    )
    return finish(text, path, meta)
