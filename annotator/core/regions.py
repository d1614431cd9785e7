"""Stretches of an imported text that are no part of the article: repeated lines and boilerplate.

Raw web text, as analysts paste or save it, carries what the page printed around the article: a
photo caption printed two or three times (the sample corpus's ``003``: the caption under the
picture, again in the gallery, again in the share box), the page's title printed again above
the body, and a site's sign-off after the last paragraph ("Book a Demo" / "get in touch" in
``002``). Such stretches are *marked*, never deleted: the stored text and every offset stay as
they are, a marked region is greyed in the reading pane and skipped by pre-annotation and by
agreement, and the analyst can unmark it.

What is detected, because it can be detected reliably from the text alone:

- ``repeated``: a line of at least ``MIN_REPEATED_CHARS`` characters (white space collapsed,
  compared exactly) that already appeared earlier in the text; the first occurrence stays, each
  later one is marked. Short lines ("TT", "AFP") are left alone: they repeat by chance.
- ``boilerplate``: (a) a line that is, as a whole, one of the known stock lines of news sites
  ("Advertisement", "Read more", "Share this article", in English, French and Arabic); (b) the
  run of short lines (at most ``MAX_TAIL_WORDS`` words, no sentence-final punctuation) that ends
  the text, when one of them is a known sign-off phrase ("get in touch", "book a demo",
  "subscribe", ...). A short line at the end that says nothing of the kind is the article's own
  (a dateline, a byline) and stays.

What is *not* detected: a second, unrelated article pasted under the first (``003``'s "EU
Envoy ..."). It is an article, not boilerplate, and nothing in plain text tells reliably where
one article ends and the next begins; ``--split-articles`` splits web pages, whose markup does.

Written by hand: the boilerplate removers (trafilatura, jusText) work on HTML, and here the text
is plain and must not change; what is needed is a line table and a dictionary, in one pass.
Detection runs at import on every text, so it costs next to nothing on a short one: a text with
fewer than ``MIN_LINES`` lines is not looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

MIN_LINES = 3
MIN_REPEATED_CHARS = 25
MAX_TAIL_WORDS = 6
_SENTENCE_END = tuple(".!?…:;»”\"'’)]؟。")


class _HasExtent(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class RegionKind(StrEnum):
    REPEATED = "repeated"
    BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch ``text[start:end]`` (code points, end exclusive) marked as no part of the
    article; ``marked`` is false once an analyst unmarked it (it stays known, so that detection
    run again does not mark it anew)."""

    start: int
    end: int
    kind: RegionKind
    marked: bool = True
    id: int | None = None

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside this region."""
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


# Whole lines that are a site's furniture wherever they stand (compared lower-cased, white space
# collapsed, without a trailing colon or ellipsis).
STOCK_LINES = frozenset({
    "advertisement", "advertising", "sponsored", "sponsored content", "skip advertisement",
    "story continues below advertisement", "article continues below advertisement",
    "read more", "read also", "see also", "related", "related articles", "related stories",
    "related news", "more stories", "most read", "most popular", "share", "share this",
    "share this article", "share this story", "share on facebook", "share on twitter",
    "print", "email", "comments", "leave a comment", "follow us", "subscribe",
    "subscribe now", "sign up", "sign up for our newsletter", "newsletter",
    "click here to subscribe", "all rights reserved", "back to top", "cookie settings",
    "publicité", "lire aussi", "lire la suite", "à lire aussi", "voir aussi", "partager",
    "partager cet article", "abonnez-vous", "s'abonner", "newsletter gratuite",
    "tous droits réservés", "suivez-nous",
    "إعلان", "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "اقرأ المزيد", "شارك", "شارك المقال",
    "تابعونا", "اشترك", "جميع الحقوق محفوظة", "مواضيع ذات صلة", "أخبار ذات صلة",
})

# Phrases that make a short closing line a sign-off (found inside the line, lower-cased).
SIGN_OFF_PHRASES = (
    "get in touch", "book a demo", "request a demo", "contact us", "contact sales",
    "subscribe", "sign up", "newsletter", "follow us", "all rights reserved", "©",
    "copyright", "privacy policy", "terms of use", "cookie", "download our app",
    "contactez-nous", "abonnez", "inscrivez-vous", "suivez-nous", "droits réservés",
    "mentions légales", "اتصل بنا", "اشترك", "تابعونا", "الحقوق محفوظة",
)


def _key(line: str) -> str:
    return " ".join(line.split())


def _stock(key: str) -> bool:
    return key.lower().rstrip(":.…").rstrip() in STOCK_LINES


def _sign_off(key: str) -> bool:
    low = key.lower()
    return any(phrase in low for phrase in SIGN_OFF_PHRASES)


def _short(key: str) -> bool:
    return len(key.split()) <= MAX_TAIL_WORDS and not key.endswith(_SENTENCE_END)


def detect_regions(text: str) -> list[Region]:
    """The repeated lines and boilerplate of ``text``, in text order, adjacent ones of a kind
    (only white space between them) merged into one region. Linear in the length of the text."""
    if text.count("\n") < MIN_LINES - 1:
        return []
    # (start, end) of each line's visible part, and its key (white space collapsed).
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            first = pos + (len(raw) - len(raw.lstrip()))
            lines.append((first, first + len(stripped), _key(stripped)))
        pos += len(raw) + 1
    found: list[tuple[int, int, RegionKind]] = []
    seen: set[str] = set()
    for start, end, key in lines:
        if _stock(key):
            found.append((start, end, RegionKind.BOILERPLATE))
        elif len(key) >= MIN_REPEATED_CHARS:
            if key in seen:
                found.append((start, end, RegionKind.REPEATED))
            else:
                seen.add(key)
    tail = _closing_lines(lines)
    if tail:
        marked = {start for start, _end, _kind in found}
        found += [(s, e, RegionKind.BOILERPLATE) for s, e, _k in tail if s not in marked]
        found.sort()
    return _merged(text, found)


def _closing_lines(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The short lines that end the text, when one of them is a sign-off (and the text has more
    than them: a text made only of short lines is a list, not an article with a footer)."""
    tail: list[tuple[int, int, str]] = []
    for line in reversed(lines):
        if not _short(line[2]):
            break
        tail.append(line)
    if not tail or len(tail) == len(lines) or not any(_sign_off(k) for _s, _e, k in tail):
        return []
    tail.reverse()
    return tail


def _merged(text: str, found: list[tuple[int, int, RegionKind]]) -> list[Region]:
    regions: list[Region] = []
    for start, end, kind in found:
        if regions:
            last = regions[-1]
            if last.kind is kind and not text[last.end : start].strip():
                regions[-1] = Region(last.start, end, kind)
                continue
        regions.append(Region(start, end, kind))
    return regions


def marked_ranges(regions: Sequence[Region]) -> list[tuple[int, int]]:
    """(start, end) of the regions that are marked, in text order."""
    return sorted((r.start, r.end) for r in regions if r.marked)


def inside_marked(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the marked ``ranges`` (a span there is not
    suggested, not counted, not made)."""
    return any(start < e and s < end for s, e in ranges)


S = TypeVar("S", bound=_HasExtent)


def outside_regions(spans: list[S], regions: Sequence[Region]) -> list[S]:
    """The spans that overlap no marked region (pre-annotation suggests nothing there)."""
    ranges = marked_ranges(regions)
    if not ranges:
        return spans
    return [s for s in spans if not inside_marked(ranges, s.start, s.end)]
