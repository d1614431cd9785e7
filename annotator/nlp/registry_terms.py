"""The actor registry's names as suggestions: every name and alias, wherever it occurs.

Pre-annotation adds a suggestion for each occurrence of a registry name that the model missed, so
an alias the analyst adds is suggested in every later document, in every language, with its actor
proposed (the registry resolves its own aliases). Which forms: each actor's name and aliases, and a
state's names and capital from the country data (``places.py``: the seed no longer lists "Syrie"
or "Damas"). Not a person's bare surname, which "tag every mention" uses only on the analyst's
request: as an unasked suggestion it would also fire on relatives ("King Salman").

Matching follows ``aliases.find_mentions`` (whole words, case and accents ignored except for
acronyms, white space and hyphens interchangeable, longest first without overlaps), and a name
written with a capital must be written with one in the text ("Hamas", not "hamas" in a word
play). Written by hand because ``find_mentions`` runs one regular expression per term over the
whole text: with a registry of hundreds of names in seven languages that is thousands of scans per
document. Here each term is tried only where the text has its first word (a dictionary lookup
per word), so the cost grows with the text, not with the registry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from annotator.core.actors import Actor
from annotator.nlp.aliases import fold_text, surface_acronym
from annotator.nlp.places import code_for, names_of

_SEP = r"[\s\-\u2010\u2011]+"
_WORD = re.compile(r"\w+")


def registry_forms(actor: Actor) -> list[str]:
    """The forms of an actor suggested wherever they occur (see the module docstring)."""
    forms = list(actor.names)
    if actor.kind == "state":
        code = code_for(actor.name, actor.country)
        forms.extend(names_of(code) if code else ())
    return forms


class RegistryTerms:
    """Compiled terms, each with the label its suggestion gets; ``find(text)`` scans a text."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        # first word -> [(pattern, label, capitalised)], over folded text or, for acronyms, raw text
        self._folded: dict[str, list[tuple[re.Pattern[str], str, bool]]] = defaultdict(list)
        self._raw: dict[str, list[tuple[re.Pattern[str], str, bool]]] = defaultdict(list)
        self._loose: list[tuple[re.Pattern[str], str, bool, bool]] = []  # not starting with a word
        seen: set[tuple[str, str]] = set()
        for term, label in terms:
            term = term.strip()
            if not term or (term, label) in seen:
                continue
            seen.add((term, label))
            acronym = bool(surface_acronym(term))
            needle = term if acronym else fold_text(term)
            parts = [re.escape(p) for p in re.split(_SEP, needle) if p]
            if not parts:
                continue
            pattern = re.compile(r"(?<!\w)" + _SEP.join(parts) + r"(?!\w)")
            capital = term[0].isupper()
            first = _WORD.match(needle)
            if first is None:
                self._loose.append((pattern, label, capital, acronym))
            else:
                (self._raw if acronym else self._folded)[first.group()].append((pattern, label, capital))

    def __bool__(self) -> bool:
        return bool(self._folded or self._raw or self._loose)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of every registry term in ``text``, longest first without
        overlaps, in text order."""
        folded = fold_text(text)
        found: set[tuple[int, int, str]] = set()
        for source, table in ((folded, self._folded), (text, self._raw)):
            if not table:
                continue
            for word in _WORD.finditer(source):
                for pattern, label, capital in table.get(word.group(), ()):
                    match = pattern.match(source, word.start())
                    if match and (not capital or text[match.start()].isupper()):
                        found.add((match.start(), match.end(), label))
        for pattern, label, capital, acronym in self._loose:
            for match in pattern.finditer(text if acronym else folded):
                if not capital or text[match.start()].isupper():
                    found.add((match.start(), match.end(), label))
        chosen: list[tuple[int, int, str]] = []
        for start, end, label in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0], f[2])):
            if all(end <= s or start >= e for s, e, _label in chosen):
                chosen.append((start, end, label))
        return sorted(chosen)
