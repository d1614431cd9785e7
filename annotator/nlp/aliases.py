"""Alias matching: which canonical actor a surface form such as "Esmaïl Qaani" or "CGRI" names.

The same people are written many ways across outlets and languages (Ismail / Esmail / Esmaïl
Qaani; Ebrahim Raisi / Raïssi / Seyed Ebrahim Rayeesi; Daesh / Daech). Matching works in layers,
strongest first:

1. **exact**: the normalised surface equals the normalised name or an alias. Normalisation
   transliterates to ASCII (anyascii: accents and non-Latin scripts), case-folds, drops
   punctuation, Arabic article prefixes ("al-", "el-"), leading articles ("the", "le") and titles
   ("General", "President", "Seyed"), so "Bachar al-Assad" and "Bashar Al-Assad" agree.
2. **acronym**: an all-capital surface ("IRGC") against the initials of a multi-word name
   (only three letters or more; two-letter acronyms such as "US" need an explicit alias, and
   other-language acronyms such as "CGRI" always do).
3. **surname**: a single word equal to the last word of a person's name ("Qaani").
4. **fuzzy**: rapidfuzz similarity (``fuzz.ratio``, ``token_sort_ratio``) of the normalised
   forms, only for forms of six characters or more (short names differ by one letter too often:
   Iran/Iraq, Rais/Raisi), and five points stricter for one-word forms (Austria/Australia score
   87.5). Nothing looser: a consonant skeleton would merge Khamenei with Khomeini.

A surface matching two actors equally well is ambiguous: no proposal, but both candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz, process

from annotator.core.actors import Actor

ACCEPT = 85.0  # a proposal needs at least this score
EXACT = 100.0
ACRONYM = 92.0
SURNAME = 90.0
MIN_FUZZY_LENGTH = 6  # shorter forms match exactly or not at all
ONE_WORD_PENALTY = 5.0  # one-word forms need 90 to reach ACCEPT

_ARTICLE_PREFIX = re.compile(r"\b(?:al|el|ad|an|ar|as|ash|at|az)[-\u2010\u2011](?=\w)", re.I)
_APOSTROPHE_S = re.compile(r"['\u2019]s\b")
_ELISION = re.compile(r"\b[ldLD]['\u2019](?=\w)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
LEADING_WORDS = frozenset(
    """
    the a an le la les l un une des du de
    general gen gal lieutenant lt colonel col major maj brigadier brig commander cmdr admiral
    president pres prime minister premier chief head sheikh shaikh sheik sayyid seyed sayed syed
    seyyed sayyed ayatollah hojatoleslam imam mr mrs ms dr prof sir king queen prince emir
    """.split()
)
_STOP = frozenset("of the for and de du des la le et".split())


def normalize(name: str) -> str:
    """The comparable form of a name: ASCII, case-folded, no punctuation, articles or titles."""
    text = _APOSTROPHE_S.sub("", name)
    text = _ELISION.sub("", text)
    text = _ARTICLE_PREFIX.sub("", text)
    text = anyascii(text).casefold().replace(".", "")
    tokens = _NON_WORD.sub(" ", text).split()
    while len(tokens) > 1 and tokens[0] in LEADING_WORDS:
        tokens.pop(0)
    # A standalone "al"/"el" inside a name ("Bashar Al Assad") is the article as well.
    if len(tokens) >= 2:
        last = len(tokens) - 1
        tokens = [t for i, t in enumerate(tokens) if not (t in ("al", "el") and i < last)]
    return " ".join(tokens)


def acronym_of(name: str) -> str:
    """Initials of the significant words of a multi-word name ("Islamic Revolutionary Guard Corps"
    gives "irgc"); empty for one-word names."""
    words = [w for w in _NON_WORD.sub(" ", anyascii(name).casefold()).split() if w not in _STOP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def surface_acronym(surface: str) -> str:
    """The acronym a surface is written as ("IRGC", "U.S.", "IRGC-QF"), or empty when it is not
    one. An acronym alias only matches a surface written in capitals: "US" is not "us"."""
    compact = anyascii(surface).replace(".", "").replace("-", "").strip()
    if 2 <= len(compact) <= 7 and compact.isalpha() and compact.isupper():
        return compact.casefold()
    return ""


@dataclass(frozen=True, slots=True)
class Candidate:
    actor: Actor
    score: float
    matched: str  # the name or alias that matched
    how: str  # "exact", "acronym", "surname", "fuzzy"


class AliasIndex:
    """Every name and alias of a set of actors, ready for matching."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors: dict[int, Actor] = {}
        self._exact: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._acronyms: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._surnames: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._forms: list[str] = []  # normalised forms long enough for fuzzy matching
        self._form_owner: list[tuple[int, str]] = []
        for key, actor in enumerate(actors):
            self.actors[key] = actor
            for name in actor.names:
                norm = normalize(name)
                if not norm:
                    continue
                self._exact[norm].append((key, name))
                initials = acronym_of(name)
                if len(initials) >= 3 and actor.kind != "person":
                    self._acronyms[initials].append((key, name))
                words = norm.split()
                if actor.kind == "person" and len(words) >= 2 and len(words[-1]) >= 4:
                    self._surnames[words[-1]].append((key, name))
                if len(norm) >= MIN_FUZZY_LENGTH:
                    self._forms.append(norm)
                    self._form_owner.append((key, name))

    def __len__(self) -> int:
        return len(self.actors)

    def candidates(self, surface: str, limit: int = 5) -> list[Candidate]:
        """The best-matching actors for a surface form, best first, one entry per actor."""
        best: dict[int, Candidate] = {}

        def offer(key: int, score: float, matched: str, how: str) -> None:
            current = best.get(key)
            if current is None or score > current.score:
                best[key] = Candidate(self.actors[key], score, matched, how)

        norm = normalize(surface)
        if not norm:
            return []
        initials = surface_acronym(surface)
        for key, name in self._exact.get(norm, ()):
            if initials or not surface_acronym(name):
                offer(key, EXACT, name, "exact")
        if len(initials) >= 3:
            for key, name in self._acronyms.get(initials, ()):
                offer(key, ACRONYM, name, "acronym")
        if " " not in norm and len(norm) >= 4:
            for key, name in self._surnames.get(norm, ()):
                offer(key, SURNAME, name, "surname")
        if " " not in norm and len(norm) >= MIN_FUZZY_LENGTH and self._surnames:
            # "Raïssi" for Ebrahim Raisi: a one-word surface against persons' surnames.
            for surname, score, _index in process.extract(
                norm, list(self._surnames), scorer=fuzz.ratio, limit=5, score_cutoff=80
            ):
                for key, name in self._surnames[surname]:
                    offer(key, min(float(score) - ONE_WORD_PENALTY, SURNAME), name, "fuzzy")
        if len(norm) >= MIN_FUZZY_LENGTH and self._forms:
            for form, score, index in process.extract(
                norm, self._forms, scorer=fuzz.ratio, limit=max(limit * 4, 20), score_cutoff=60
            ):
                key, name = self._form_owner[index]
                score = max(float(score), fuzz.token_sort_ratio(norm, form))
                if " " not in norm and " " not in form:
                    score -= ONE_WORD_PENALTY
                offer(key, min(score, EXACT - 1), name, "fuzzy")
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.actor.name))
        return ranked[:limit]

    def propose(self, surface: str) -> tuple[Actor, float] | None:
        """The one actor a surface names, with its score; None when none or ambiguous."""
        ranked = self.candidates(surface, limit=2)
        if not ranked or ranked[0].score < ACCEPT:
            return None
        if len(ranked) > 1 and ranked[1].score >= ranked[0].score:
            return None  # two actors match equally well: the analyst decides
        return ranked[0].actor, ranked[0].score


def propose_actor(
    surface: str, registry: AliasIndex | Iterable[Actor]
) -> tuple[Actor, float] | None:
    """The existing actor ``surface`` names, with a score from 0 to 100, or None."""
    index = registry if isinstance(registry, AliasIndex) else AliasIndex(registry)
    return index.propose(surface)


def _fold_char(char: str) -> str:
    """One character without accents, case-folded, when that stays one character."""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    folded = base.casefold()
    return folded if len(folded) == 1 else char


def fold_text(text: str) -> str:
    """``text`` with accents removed and case folded character by character: offsets into the
    result are offsets into ``text``."""
    return "".join(_fold_char(c) for c in text)


def search_terms(actor: Actor) -> list[str]:
    """The forms to look for in a text: name, aliases, and a person's surname."""
    terms = list(actor.names)
    if actor.kind == "person":
        words = actor.name.replace("-", " ").split()
        if len(words) >= 2 and len(words[-1]) >= 4:
            terms.append(words[-1])
    return terms


def find_mentions(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` as whole words, longest first, without overlaps.

    Case and accents are ignored ("Esmail" finds "Esmaïl"), except for acronyms ("US" does not
    find "us", "IS" does not find "is"); runs of white space or hyphens match each other.
    """
    folded = fold_text(text)
    found: list[tuple[int, int]] = []
    for term in {t.strip() for t in terms if t.strip()}:
        acronym = bool(surface_acronym(term))
        pattern_text = text if acronym else folded
        needle = term if acronym else fold_text(term)
        parts = [re.escape(p) for p in re.split(r"[\s\-\u2010\u2011]+", needle) if p]
        if not parts:
            continue
        pattern = re.compile(r"(?<!\w)" + r"[\s\-\u2010\u2011]+".join(parts) + r"(?!\w)")
        found.extend((m.start(), m.end()) for m in pattern.finditer(pattern_text))
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(set(found), key=lambda se: (-(se[1] - se[0]), se[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)
