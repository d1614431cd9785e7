"""A first proposal of an event's category from its trigger words ("visited" -> CONSULT).

The event form opens on the proposal instead of the schema's first category; the analyst keeps
or changes it. The words are data (``resources/event-triggers.json``), a small list, not a
classifier: a trigger none of them names opens the form with no category.

Matching is by whole words, case-insensitive: the trigger is split into words (letters, digits
and apostrophes), and an entry of one or more words matches where those words follow each other
in it. The earliest match in the trigger wins, a longer entry over a shorter one at the same
place. Categories the schema in use does not have are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.resources import resource

_WORD = re.compile(r"[\w'’]+")
FILE = "event-triggers.json"


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("’", "'") for w in _WORD.findall(text.casefold()))


def read_lexicon(path: Path) -> dict[tuple[str, ...], str]:
    """{words: category} from a trigger-word file; ``AnnotatorError`` naming the file if it is
    not of the expected shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnnotatorError(f"{path}: cannot read the trigger words ({exc})") from exc
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict):
        raise AnnotatorError(f"{path}: expected an object with \"categories\": {{CATEGORY: [words]}}")
    lexicon: dict[tuple[str, ...], str] = {}
    for category, entries in categories.items():
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise AnnotatorError(f"{path}: the words of {category!r} must be a list of strings")
        for entry in entries:
            words = _words(entry)
            if words:
                lexicon.setdefault(words, str(category))
    return lexicon


@lru_cache(maxsize=1)
def _built_in() -> dict[tuple[str, ...], str]:
    return read_lexicon(resource(FILE))


def propose_category(
    trigger: str, categories: Iterable[str], lexicon: dict[tuple[str, ...], str] | None = None
) -> str:
    """The category the trigger's words propose among ``categories``, or "" for none."""
    known = set(categories)
    table = _built_in() if lexicon is None else lexicon
    words = _words(trigger)
    longest = max((len(k) for k in table), default=0)
    for at in range(len(words)):
        for size in range(min(longest, len(words) - at), 0, -1):
            category = table.get(words[at : at + size])
            if category in known:
                return category
    return ""
