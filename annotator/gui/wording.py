"""Counted nouns for everything the GUI says: "1 mention", "2 mentions", never "1 mentions" or
"mention(s)". One function, so every panel says it the same way.

Hand-written because English plurals of the few nouns the GUI counts need no library (a table of
the irregular ones is enough); a translated GUI would use Qt's ``tr()`` plural forms instead.
"""

from __future__ import annotations

IRREGULAR = {"analysis": "analyses", "person": "people", "story": "stories", "entity": "entities",
             "category": "categories", "passage": "passages", "match": "matches"}


def plural(noun: str) -> str:
    """The plural of a (last word of a) noun phrase: "actor mention" -> "actor mentions"."""
    head, _, last = noun.rpartition(" ")
    form = IRREGULAR.get(last)
    if form is None:
        if last.endswith(("s", "x", "ch", "sh")):
            form = last + "es"
        elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
            form = last[:-1] + "ies"
        else:
            form = last + "s"
    return f"{head} {form}" if head else form


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and the noun in the number that agrees: count(1, "outlet") -> "1 outlet"."""
    return f"{n} {noun if n == 1 else (many or plural(noun))}"
