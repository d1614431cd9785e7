"""What the analyst types into the search box, and where it matches in a text.

``parse_query`` reads a small, forgiving query language — words (all must occur), ``"a phrase"``,
``prefix*``, ``-excluded``, ``OR`` between alternatives — into terms, and ``fts_match`` writes
them as an SQLite FTS5 ``MATCH`` expression in which every user word is quoted, so no input can
be an FTS syntax error. ``find_passages`` finds the same terms in a text the way the FTS5
``unicode61 remove_diacritics 2`` tokenizer sees it (case and Latin diacritics ignored) and returns
code-point offsets, so that a result opens the document with the match selected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from annotator.core.errors import InputError

_TOKEN = re.compile(r"[^\W_]+")
_QUERY_PART = re.compile(r'(-?)"([^"]*)"(\*?)|(\S+)')

# How much text around a match a passage shows, at most, on each side.
CONTEXT_CHARS = 70


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase (consecutive words), normalised; ``prefix``: its last word may go on."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """Alternatives (OR) of term groups (AND); a document matches if one group matches."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def positive_terms(self) -> list[Term]:
        return [t for group in self.groups for t in group if not t.negated]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of one token (what the FTS tokenizer compares)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    return unicodedata.normalize("NFC", kept).casefold()


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Words of a text as (start, end, folded form), offsets in code points."""
    out: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        # Combining marks are word characters for \w only in part: extend over them.
        start, end = m.start(), m.end()
        while end < len(text) and unicodedata.category(text[end]).startswith("M"):
            end += 1
        out.append((start, end, fold(text[start:end])))
    # Tokens that touched through combining marks were split by the regex: merge them.
    merged: list[tuple[int, int, str]] = []
    for tok in out:
        if merged and merged[-1][1] >= tok[0]:
            prev = merged.pop()
            merged.append((prev[0], max(prev[1], tok[1]), fold(text[prev[0] : max(prev[1], tok[1])])))
        else:
            merged.append(tok)
    return merged


def parse_query(text: str) -> Query:
    """Read the search box. An empty box is an empty query (filters alone choose documents)."""
    groups: list[list[Term]] = [[]]
    for m in _QUERY_PART.finditer(text.strip()):
        if m.group(4) is not None:
            raw = m.group(4)
            if raw == "OR":
                if groups[-1]:
                    groups.append([])
                continue
            negated = raw.startswith("-") and len(raw) > 1
            raw = raw[1:] if negated else raw
            prefix = raw.endswith("*")
            words = tuple(tok for _s, _e, tok in tokens(raw))
        else:
            negated = m.group(1) == "-"
            prefix = m.group(3) == "*"
            words = tuple(tok for _s, _e, tok in tokens(m.group(2)))
        if words:
            groups[-1].append(Term(words, prefix, negated))
    kept = [tuple(g) for g in groups if g]
    for group in kept:
        if all(t.negated for t in group):
            raise InputError("a search needs at least one word that is not excluded with '-'")
    return Query(tuple(kept))


def _fts_term(term: Term) -> str:
    phrase = '"' + " ".join(term.words) + '"'
    return phrase + ("*" if term.prefix else "")


def fts_match(query: Query) -> str:
    """The FTS5 MATCH expression of a non-empty query."""
    alternatives: list[str] = []
    for group in query.groups:
        positive = " AND ".join(_fts_term(t) for t in group if not t.negated)
        negative = "".join(f" NOT {_fts_term(t)}" for t in group if t.negated)
        alternatives.append(f"({positive}{negative})")
    return " OR ".join(alternatives)


@dataclass(frozen=True, slots=True)
class Passage:
    """A match at ``text[start:end]`` with the text around it, cut at word boundaries."""

    start: int
    end: int
    before: str
    match: str
    after: str


def _matches_at(toks: list[tuple[int, int, str]], i: int, term: Term) -> int:
    """Number of tokens the term covers from token ``i``, or 0."""
    n = len(term.words)
    if i + n > len(toks):
        return 0
    for k, word in enumerate(term.words):
        tok = toks[i + k][2]
        last = k == n - 1
        if not (tok == word or (last and term.prefix and tok.startswith(word))):
            return 0
    return n


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after ``text[start:end]``, at most ``CONTEXT_CHARS`` each side."""
    a = max(0, start - CONTEXT_CHARS)
    if a > 0:
        space = text.find(" ", a, start)
        a = space + 1 if space != -1 else a
    b = min(len(text), end + CONTEXT_CHARS)
    if b < len(text):
        space = text.rfind(" ", end, b)
        b = space if space != -1 else b
    before = ("…" if a > 0 else "") + text[a:start].replace("\n", " ").lstrip()
    after = text[end:b].replace("\n", " ").rstrip() + ("…" if b < len(text) else "")
    return before, after


def find_passages(text: str, query: Query, limit: int = 5) -> list[Passage]:
    """Where the query's words occur in ``text``, in reading order, at most ``limit``."""
    terms = sorted(query.positive_terms(), key=lambda t: -len(t.words))
    if not terms:
        return []
    toks = tokens(text)
    out: list[Passage] = []
    i = 0
    while i < len(toks) and len(out) < limit:
        covered = 0
        for term in terms:
            covered = _matches_at(toks, i, term)
            if covered:
                break
        if not covered:
            i += 1
            continue
        start, end = toks[i][0], toks[i + covered - 1][1]
        before, after = context(text, start, end)
        out.append(Passage(start, end, before, text[start:end], after))
        i += covered
    return out


def opening(text: str, length: int = 2 * CONTEXT_CHARS) -> Passage:
    """The beginning of a text, as the passage of a document found by its filters alone."""
    cut = text[:length]
    if len(text) > length and " " in cut:
        cut = cut[: cut.rfind(" ")]
    shown = " ".join(cut.split()) + ("…" if len(cut) < len(text) else "")
    return Passage(0, 0, "", "", shown)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Which documents a search looks at; an empty field does not filter.

    ``annotators``: documents in which one of these annotators has spans. ``actors`` (actor ids),
    ``event_categories`` and ``frames``: documents that mention one of the actors, hold an event of
    one of the categories, or were given one of the frames.
    """

    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: str = ""  # YYYY-MM-DD, inclusive
    date_to: str = ""
    statuses: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    actors: tuple[int, ...] = ()
    event_categories: tuple[str, ...] = ()
    frames: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()
