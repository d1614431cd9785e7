"""A first proposal of an event's category from its trigger words ("visited" -> CONSULT).

The event form opens on the proposal instead of the schema's first category; the analyst keeps
or changes it. The words are data, not a classifier: first the trigger lexicon that also suggests
triggers in the text (``resources/trigger-lexicon.json``, every language), then a short list of
words too common to suggest in the text but telling once the analyst chose them as a trigger
(``resources/event-triggers.json``: "said", "hosted"). A trigger none of them names opens the
form with no category.

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


LEXICON = "trigger-lexicon.json"


def _lexicon_words(path: Path) -> dict[tuple[str, ...], str]:
    """{words: category} of every phrase of the trigger lexicon, in every language."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["triggers"]
        table: dict[tuple[str, ...], str] = {}
        for entry in entries:
            for key, phrases in entry.items():
                if key not in ("category", "mode", "cameo"):
                    for phrase in phrases:
                        table.setdefault(_words(phrase), str(entry["category"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnnotatorError(f"{path}: cannot read the trigger lexicon ({exc})") from exc
    table.pop((), None)
    return table


@lru_cache(maxsize=1)
def _built_in() -> dict[tuple[str, ...], str]:
    table = _lexicon_words(resource(LEXICON))
    for words, category in read_lexicon(resource(FILE)).items():
        table.setdefault(words, category)
    return table


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
