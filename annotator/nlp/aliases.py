"""Alias matching: which canonical actor a surface form such as "Esmaïl Qaani" or "CGRI" names.

The same people are written many ways across outlets and languages (Ismail / Esmail / Esmaïl
Qaani; Ebrahim Raisi / Raïssi / Seyed Ebrahim Rayeesi; Zelensky / Zelenski / Selenskyj; Daesh /
Daech). Matching works in layers, strongest first:

1. **exact**: the normalised surface equals the normalised name or an alias. Normalisation
   transliterates to ASCII (anyascii: accents and non-Latin scripts), case-folds, drops
   punctuation, possessives, Arabic article prefixes ("al-", "el-"), leading articles ("the",
   "le") and a leading run of titles ("General", "Crown Prince", "Russian President",
   "le prince héritier"), so "Bachar al-Assad" and "Bashar Al-Assad" agree.
2. **acronym**: an all-capital surface ("IRGC", "HTS") against the initials of a multi-word
   name, articles left out (only three letters or more; two-letter acronyms such as "US" need an
   explicit alias, and other-language acronyms such as "CGRI" always do). Persons have initials
   only when their name has a patronym ("MBS" for Mohammed bin Salman, "MBZ" for Mohammed bin
   Zayed Al Nahyan): that is how such names are shortened.
3. **name** (persons): the surface's words against the person's name words, in any order, each
   compared through transliteration-robust readings (``namekeys``: "Choïgou" is "Shoigu",
   "Sinouar" is "Sinwar"). Every word of the surface must be one of the person's (titles, and a
   Russian patronymic the name lacks, excepted), and the surname must be among them: "Recep
   Erdogan", "Tayyip Erdogan", "Erdogan" name Recep Tayyip Erdogan; "Emine Erdogan" does not,
   nor does "Mohammed bin Zayed" name Mohammed bin Salman. A surname alone is enough, except
   after "bin" ("King Salman" is not Mohammed bin Salman).
4. **fuzzy** (everything else): rapidfuzz similarity (``fuzz.ratio``, ``token_sort_ratio``) of
   the normalised forms, only for forms of six characters or more (short names differ by one
   letter too often: Iran/Iraq), five points stricter for one-word forms (Austria/Australia
   score 87.5), and never for a name with whole words more or fewer than the surface ("National
   Security Council" is not the Supreme National Security Council).

A surface matching two actors equally well is ambiguous: no proposal, but both candidates.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz, process

from annotator.core.actors import Actor
from annotator.nlp.namekeys import (
    ARTICLES,
    PATRONYMIC_PARTICLES,
    TITLES,
    is_patronymic,
    name_tokens,
    normalize,
    readings,
    similarity,
)
from annotator.nlp.places import code_for, forms_of, names_of

ACCEPT = 85.0  # a proposal needs at least this score
EXACT = 100.0
ACRONYM = 92.0
SURNAME = 90.0
# A state named by a form from the country data (annotator/nlp/places.py), by kind of form:
# below an analyst's own names and aliases, which win where the two disagree.
PLACE_SCORES = {"name": 96.0, "capital": 93.0, "demonym": 90.0}
PLACE_HOW = {"name": "country", "capital": "capital", "demonym": "nationality"}
MIN_FUZZY_LENGTH = 6  # shorter forms match exactly or not at all
ONE_WORD_PENALTY = 5.0  # one-word forms need 90 to reach ACCEPT

LEADING_WORDS = ARTICLES | TITLES  # kept for callers of the earlier name
_STOP = frozenset("of the for and de du des la le et al el ad".split())
_NON_WORD = re.compile(r"[^a-z0-9]+")


def acronym_of(name: str) -> str:
    """Initials of the significant words of a multi-word name ("Islamic Revolutionary Guard Corps"
    gives "irgc", "Hayat Tahrir al-Sham" "hts"); empty for one-word names."""
    words = [w for w in _NON_WORD.sub(" ", anyascii(name).casefold()).split() if w not in _STOP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def person_acronym(name: str) -> str:
    """The initials a person with a patronym is known by, up to the father's name: "mbs" for
    Mohammed bin Salman, "mbz" for Mohammed bin Zayed Al Nahyan; empty for other names."""
    tokens = name_tokens(normalize(name))
    for i, token in enumerate(tokens[:-1]):
        if token in PATRONYMIC_PARTICLES and i >= 1:
            return "".join(t[0] for t in tokens[: i + 2])
    return ""


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
    how: str  # exact, acronym, name, surname, country, capital, nationality, fuzzy


@dataclass(frozen=True, slots=True)
class _PersonName:
    """One name or alias of a person, as words to align a surface with."""

    key: int
    name: str
    tokens: tuple[str, ...]
    surnames: frozenset[int]  # positions of words that identify the person (surname, patronym)
    alone: bool  # the last word alone names the person (not after "bin")


def _person_name(key: int, name: str) -> _PersonName | None:
    tokens = tuple(name_tokens(normalize(name)))
    if not tokens:
        return None
    last = len(tokens) - 1
    surnames = {last}
    for i, token in enumerate(tokens[:-1]):
        if token in PATRONYMIC_PARTICLES:
            surnames.add(i + 1)
    alone = len(tokens) >= 2 and tokens[last - 1] not in PATRONYMIC_PARTICLES and len(tokens[last]) >= 4
    if len(tokens) == 1:
        alone = len(tokens[0]) >= 4
    return _PersonName(key, name, tokens, frozenset(surnames), alone)


MERGED_SIMILARITY = 90.0  # two words written as one must be that one word, not just close to it


def _merged_variants(tokens: list[str]) -> list[tuple[list[str], str]]:
    """The surface's words, and the same with two neighbours written as one ("Nasr Allah"),
    each with the merged word (empty for the words as written)."""
    variants = [(tokens, "")]
    for i in range(len(tokens) - 1):
        merged = tokens[i] + tokens[i + 1]
        variants.append(([*tokens[:i], merged, *tokens[i + 2 :]], merged))
    return variants


def _align(surface: list[str], person: _PersonName) -> float:
    """The score of a surface's words as words of a person's name, or 0 when they are not."""
    best = 0.0
    for words, merged in _merged_variants(surface):
        used: set[int] = set()
        sims: list[float] = []
        ok = True
        for word in sorted(words, key=len, reverse=True):
            choice = max(
                ((similarity(word, t), i) for i, t in enumerate(person.tokens) if i not in used),
                default=(0.0, -1),
            )
            if word == merged and choice[0] < MERGED_SIMILARITY:
                choice = (0.0, -1)
            if choice[0] <= 0.0:
                if is_patronymic(word) and len(words) >= 3:
                    continue  # "Vladimir Vladimirovich Putin"
                ok = False
                break
            used.add(choice[1])
            sims.append(choice[0])
        if not ok or not used & person.surnames:
            continue
        if len(used) == 1 and not (person.alone and len(person.tokens) - 1 in used):
            continue  # a given name or a father's name alone names nobody
        coverage = len(used) / len(person.tokens)
        quality = (min(sims) - 80.0) / 20.0
        best = max(best, 86.0 + 6.0 * coverage + 6.0 * max(0.0, quality))
    return best


class AliasIndex:
    """Every name and alias of a set of actors, ready for matching."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors: dict[int, Actor] = {}
        self._exact: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._acronyms: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._forms: list[str] = []  # normalised non-person forms long enough for fuzzy matching
        self._form_owner: list[tuple[int, str]] = []
        self._persons: list[_PersonName] = []
        self._places: dict[str, list[tuple[int, str]]] = defaultdict(list)  # form -> (key, kind)
        self._person_words: dict[str, list[int]] = defaultdict(list)  # word -> _persons indexes
        for key, actor in enumerate(actors):
            self.actors[key] = actor
            if actor.kind == "state":
                code = code_for(actor.name, actor.country)
                for form, kind in forms_of(code).items() if code else ():
                    self._places[form].append((key, kind))
            for name in actor.names:
                norm = normalize(name)
                if not norm:
                    continue
                self._exact[norm].append((key, name))
                if actor.kind == "person":
                    initials = person_acronym(name)
                    if len(initials) >= 3:
                        self._acronyms[initials].append((key, name))
                    person = _person_name(key, name)
                    if person is not None:
                        for token in set(person.tokens):
                            self._person_words[token].append(len(self._persons))
                        self._persons.append(person)
                    continue
                initials = acronym_of(name)
                if len(initials) >= 3:
                    self._acronyms[initials].append((key, name))
                if len(norm) >= MIN_FUZZY_LENGTH:
                    self._forms.append(norm)
                    self._form_owner.append((key, name))
        # Every reading of every person word, for finding close spellings quickly.
        self._readings: list[str] = []
        self._reading_word: list[str] = []
        for word in self._person_words:
            for reading in readings(word):
                self._readings.append(reading)
                self._reading_word.append(word)

    def __len__(self) -> int:
        return len(self.actors)

    def _person_candidates(self, tokens: list[str]) -> set[int]:
        """Indexes of the person names that share a word (or a close spelling of one) with the
        surface."""
        found: set[int] = set()
        for token in tokens:
            found.update(self._person_words.get(token, ()))
            if len(token) >= 4 and self._readings:
                for reading in readings(token):
                    for _match, _score, index in process.extract(
                        reading, self._readings, scorer=fuzz.ratio, limit=None, score_cutoff=75
                    ):
                        found.update(self._person_words[self._reading_word[index]])
        return found

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
        if len(norm) > 3 or initials:  # "usa", "uae" only when written in capitals
            for key, kind in self._places.get(norm, ()):
                offer(key, PLACE_SCORES[kind], self.actors[key].name, PLACE_HOW[kind])
        tokens = name_tokens(norm)
        if self._persons and not initials:
            for index in self._person_candidates(tokens):
                person = self._persons[index]
                score = _align(tokens, person)
                if score > 0:
                    how = "surname" if len(tokens) == 1 and score >= SURNAME else "name"
                    offer(person.key, min(score, EXACT - 1), person.name, how)
        if len(norm) >= MIN_FUZZY_LENGTH and self._forms:
            words = set(norm.split())
            for form, score, index in process.extract(
                norm, self._forms, scorer=fuzz.ratio, limit=max(limit * 4, 20), score_cutoff=60
            ):
                key, name = self._form_owner[index]
                form_words = set(form.split())
                if form_words < words or words < form_words:
                    continue  # a word more or fewer is another entity, not a spelling
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


@functools.lru_cache(maxsize=8192)  # a text has few distinct characters: fold each once
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
    """The forms to look for in a text: name, aliases, a person's surname, and a state's names
    and capital from the country data."""
    terms = list(actor.names)
    if actor.kind == "state":
        code = code_for(actor.name, actor.country)
        terms.extend(names_of(code) if code else ())
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
