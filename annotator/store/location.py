"""Where the annotations live: a SQLite file (the default) or a ``postgresql://`` URL.

Kept free of heavy imports: the command line and the settings read a ``--db`` value or
``ANNOTATOR_DB`` with it before anything opens. A server URL stays a string (``Path`` would fold
its ``//``); anything else is a file path. A password written into a URL is never shown:
``masked`` is the only form of a URL that messages and windows print, and ``password_apart``
takes it out of a URL handed to another process (which gets it in ``PGPASSWORD``, as libpq reads
it, never on its command line, where any user of the machine could read it).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_server_url(location: object) -> bool:
    """Whether a --db value names a PostgreSQL database rather than a file."""
    if not isinstance(location, str):
        return False
    scheme, sep, _rest = location.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def parse_location(value: str | Path) -> str | Path:
    """A --db value or ``ANNOTATOR_DB`` as given: a server URL stays a string, else a file path."""
    text = str(value)
    return text if is_server_url(text) else Path(value)


def masked(url: str) -> str:
    """The URL as it may be shown: a password in it replaced by ``***``."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    if not colon:
        return url
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostport}"))


def password_apart(url: str) -> tuple[str, str | None]:
    """The URL without a password written into it, and that password (None when it has none)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not colon:
        return url, None
    return urlunsplit(parts._replace(netloc=f"{user}@{hostport}")), unquote(password)


def display(location: str | Path) -> str:
    """How a database is named in messages."""
    return masked(location) if isinstance(location, str) else str(location)
