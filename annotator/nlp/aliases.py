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
    """The acronym a surface is written as ("IRGC", "U.S."), or empty when it is not one."""
    compact = anyascii(surface).replace(".", "").strip()
    if 2 <= len(compact) <= 6 and compact.isalpha() and compact.isupper():
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
        for key, name in self._exact.get(norm, ()):
            offer(key, EXACT, name, "exact")
        initials = surface_acronym(surface)
        if len(initials) >= 3:
            for key, name in self._acronyms.get(initials, ()):
                offer(key, ACRONYM, name, "acronym")
        if " " not in norm and len(norm) >= 4:
            for key, name in self._surnames.get(norm, ()):
                offer(key, SURNAME, name, "surname")
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
