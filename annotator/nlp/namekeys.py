"""Person-name keys that survive transliteration: "Selenskyj", "Zelenski" and "Zelensky" agree.

Arabic, Persian, Russian and Ukrainian names reach analysts through three Latin orthographies.
The same sound is written "sh" in English, "ch" in French and "sch" in German; "y" in English is
"j" in German and "ï" or "y" in French; the Arabic letter jim is "j" in English, "dj" in French,
"dsch" in German; "w" is a vowel in "Sinwar" (French "Sinouar") and a "v" in "Lawrow" (English
"Lavrov"); short vowels come out as a/e or o/u at the writer's whim (Mohammed, Muhammad).

Why by hand: the phonetic codes of jellyfish (Soundex, Metaphone, NYSIIS, Match Rating) and of
abydos encode how an English reader says the letters. Measured on our pairs they give
Khamenei and Khomeini (two different men) the same key ("KMN") while giving Lavrov/Lawrow,
Larijani/Laridschani and Shoigu/Choïgou different keys, because they do not know that a German
"w" is a "v" or a French "ch" an "sh". No maintained library folds the three orthographies
into one; what is here is that fold and nothing else. anyascii does the script and accent part
("Erdoğan", "Ismaïl", "Зеленский") before this runs; rapidfuzz compares the folded forms.

Each token gets up to three *readings* (as an English, a French and a German writer would have
spelled the sound), each folded onto one spelling; two tokens agree when any reading of one is
close enough (``fuzz.ratio``) to any reading of the other. Short tokens must agree exactly
(Rais is not Raisi), and vowels still count, so Khamenei and Khomeini stay apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

# Words inside Arabic names that are not names themselves: son of, father of.
PARTICLES = {
    "bin": "bin", "ben": "bin", "ibn": "bin", "bint": "bint", "abu": "abu", "abou": "abu", "abo": "abu",
}
PATRONYMIC_PARTICLES = frozenset({"bin", "bint"})
# "Abdel Fattah", "Abd al-Fattah", "Abdelfattah", "Abdul-Malik", "Abdulmalik": "abd" + the rest.
_ABD = re.compile(r"^abd(?:oul|ul|el|al|ol|u|e|a)?(?=[a-z]{3,}$)")
_ABD_ALONE = re.compile(r"^abd(?:oul|ul|el|al|ol)?$")
# Russian and Ukrainian patronymics ("Vladimirovich", "Oleksandrovych"): skipped when unmatched.
_PATRONYMIC = re.compile(r"[a-z]{3,}(?:ovich|evich|ovych|evych|ievich|ovna|evna|ivna)$")

MIN_SIMILARITY = 80.0  # two readings of six letters or more agree at this fuzz.ratio

_ARTICLE_PREFIX = re.compile(r"\b(?:al|el|ad|an|ar|as|ash|at|az)[-\u2010\u2011](?=\w)", re.I)
_APOSTROPHE_S = re.compile(r"['\u2019]s\b")
_ELISION = re.compile(r"\b[ldLD]['\u2019](?=\w)")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc\u02bf\u02be`](?=\w)")  # Hay'at, Kata'ib
_NON_WORD = re.compile(r"[^a-z0-9]+")
ARTICLES = frozenset("the a an le la les l un une des du de der die".split())
TITLES = frozenset(
    """
    general gen gal lieutenant lt colonel col major maj brigadier brig commander cmdr admiral
    marshal field marechal generalfeldmarschall
    president pres presidente prasident prime minister ministre premier chief head chef
    sheikh shaikh sheik cheikh scheich sayyid seyed sayed syed seyyed sayyed ayatollah
    hojatoleslam imam mr mrs ms dr prof sir king queen prince emir crown heritier roi konig
    kronprinz ministerprasident aussenminister foreign defence defense interior deputy vice
    envoy ambassador spokesman spokeswoman spokesperson
    """.split()
)


def normalize(name: str) -> str:
    """The comparable form of a name: ASCII, case-folded, no punctuation, articles or titles."""
    text = _APOSTROPHE_S.sub("", name)
    text = _ELISION.sub("", text)
    text = _ARTICLE_PREFIX.sub("", text)
    text = _INNER_APOSTROPHE.sub("", text)
    text = anyascii(text).casefold().replace(".", "")
    tokens = _NON_WORD.sub(" ", text).split()
    while len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens.pop(0)
    tokens = tokens[_title_run(tokens) :]
    # A standalone "al"/"el" inside a name ("Bashar Al Assad") is the article as well.
    if len(tokens) >= 2:
        last = len(tokens) - 1
        tokens = [t for i, t in enumerate(tokens) if not (t in ("al", "el") and i < last)]
    return " ".join(tokens)


def _title_run(tokens: list[str]) -> int:
    """How many leading tokens are a title ("General", "Crown Prince", "Russian President",
    "prince heritier"): up to the last title word among the first four, at most two other words
    before it (a nationality, "Foreign"), and always leaving a word."""
    end = 0
    for i, token in enumerate(tokens[:4]):
        if token in TITLES and i + 1 < len(tokens):
            if sum(1 for t in tokens[:i] if t not in TITLES and t not in ARTICLES) > 2:
                break
            end = i + 1
    return end


def name_tokens(normalized: str) -> list[str]:
    """The tokens of a normalised name, particles unified and "abd" prefixes split off."""
    tokens: list[str] = []
    for word in normalized.split():
        word = PARTICLES.get(word, word)
        if _ABD_ALONE.match(word):
            tokens.append("abd")
            continue
        match = _ABD.match(word)
        if match:
            tokens.extend(("abd", word[match.end() :]))
        else:
            tokens.append(word)
    return tokens


def is_patronymic(token: str) -> bool:
    return bool(_PATRONYMIC.fullmatch(token))


def _fold(text: str) -> str:
    """The steps shared by every reading: one letter per sound class, doubled letters once."""
    text = text.replace("ph", "f").replace("gh", "k").replace("q", "k").replace("ck", "k")
    text = text.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    text = text.replace("y", "i").replace("z", "s").replace("e", "a").replace("u", "o")
    text = text.replace("'", "")
    return re.sub(r"(.)\1+", r"\1", text)


def _english(token: str) -> str:
    # "w" after a letter is a vowel glide ("Sinwar", "Rowhani", "Zawahiri").
    return _fold(token[:1] + token[1:].replace("w", "u"))


def _french(token: str) -> str:
    text = token.replace("tch", "C").replace("dj", "J").replace("ch", "sh").replace("qu", "k")
    text = re.sub(r"gu(?=[eiy])", "g", text)  # "Sergueï"
    text = re.sub(r"(?<=[^aeiouy])e$", "", text)  # "Poutine", "Salmane"
    text = text.replace("C", "ch").replace("J", "j")
    return _fold(text[:1] + text[1:].replace("w", "u"))


def _german(token: str) -> str:
    text = token.replace("tsch", "C").replace("dsch", "J").replace("sch", "S").replace("ch", "kh")
    text = text.replace("j", "y").replace("w", "v").replace("ie", "i")
    text = text.replace("C", "ch").replace("J", "j").replace("S", "sh")
    return _fold(text)


@lru_cache(maxsize=65536)
def readings(token: str) -> tuple[str, ...]:
    """The folded spellings of one lower-case ASCII token, one per orthography, without repeats."""
    return tuple(dict.fromkeys((_english(token), _french(token), _german(token))))


def _skeleton(text: str) -> str:
    return re.sub(r"[aeiou]", "", text)


def similarity(a: str, b: str) -> float:
    """How well two name tokens agree, 0-100: the best ``fuzz.ratio`` of their readings, or 0
    when that is not enough for tokens of their length."""
    if a == b:
        return 100.0
    best = 0.0
    for x in readings(a):
        for y in readings(b):
            if x == y:
                return 100.0
            shortest = min(len(x), len(y))
            if shortest <= 4:
                continue  # short names agree exactly or not at all (Rais, Raisi)
            score = fuzz.ratio(x, y)
            if shortest == 5:
                # one letter more or less ("Sisi"/"Sissi" fold alike anyway), or one vowel
                # changed in an unchanged consonant frame ("Malek"/"Malik")
                if score < 85 and not (score >= MIN_SIMILARITY and _skeleton(x) == _skeleton(y)):
                    continue
            elif score < MIN_SIMILARITY:
                continue
            best = max(best, score)
    return best
