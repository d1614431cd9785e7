"""Countries by the words analysts read for them: names in many languages, nationality words,
capitals and seats of government used for the state ("Siria", "Irak", "Iraqi", "syrienne",
"Moscou", "the Kremlin" → the country's ISO 3166-1 alpha-3 code).

The data comes from kept libraries, installed with the application and read locally (nothing is
downloaded at run time):

- **countryinfo**: each country's English name, other spellings ("Islamic Republic of Iran"),
  names in German, Spanish, French and Italian, capital and English demonym ("Iraqi").
- **Babel** (the Unicode CLDR tables): the country's name in every language of ``LANGUAGES``
  ("Siria", "Syrien", "Suriye"), and the capital's name in them where CLDR has the capital as a
  time-zone city ("Téhéran", "Moskau", "Damas").

``resources/places.json`` holds only what neither has: French nationality adjectives, a few
English ones beside countryinfo's ("Saudi" beside "Saudi Arabian"), and metonyms that are not
capitals ("Kremlin", "White House"). The inflections (Iraqis; syrienne, syriens, syriennes) are
made by the regular rules of English and French plurals and feminines, written here because no
kept library inflects nationality words.

A form that names two countries (a capital shared in name, a translation colliding with another
country's name) names the more populous only when it is ten times as populous ("American": the
United States, not the Northern Mariana Islands); between peers ("Jerusalem") it decides nothing.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from annotator.nlp.namekeys import normalize
from annotator.resources import resource

# Languages whose country names are read from CLDR: the Western European languages of the
# outlets analysts read. More languages bring more collisions with words of these: Turkish "Şam"
# (Damascus) is "Sam" without its accent; names in other scripts collide after transliteration.
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")


@dataclass
class Places:
    """Every form by kind, each mapped to the country codes it names (normalised forms)."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    capitals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    demonyms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    shown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # code -> forms as written
    population: dict[str, int] = field(default_factory=dict)

    def owner(self, codes: set[str]) -> str | None:
        """The one country a form names: the only one, or one ten times as populous as any
        other that shares the form ("American": the United States, not the Northern Mariana
        Islands); None when the form is shared by peers ("Jerusalem")."""
        if len(codes) == 1:
            return next(iter(codes))
        ranked = sorted(codes, key=lambda c: -self.population.get(c, 0))
        if self.population.get(ranked[0], 0) >= 10 * max(1, self.population.get(ranked[1], 0)):
            return ranked[0]
        return None

    def add(self, table: dict[str, set[str]], code: str, form: str, show: bool = True) -> None:
        form = form.strip()
        key = normalize(form)
        if not form or len(key) < (2 if form.isupper() else 4 if table is self.capitals else 3):
            return
        table[key].add(code)
        if show and form not in self.shown[code]:
            self.shown[code].append(form)


def english_plurals(word: str) -> list[str]:
    """An English nationality noun and its plural ("Iraqi", "Iraqis"); none for "British",
    "Chinese", "Swiss"."""
    if word.endswith(("s", "sh", "ch", "ese", "ish")):
        return [word]
    return [word, word + "s"]


def french_forms(entry: str) -> list[str]:
    """A French nationality adjective in its four forms: "syrien" gives syrien, syrienne, syriens,
    syriennes; "turc/turque" names its irregular feminine."""
    masculine, _, feminine = entry.partition("/")
    if not feminine:
        if masculine.endswith("e"):
            feminine = masculine
        elif masculine.endswith(("ien", "éen")):
            feminine = masculine + "ne"
        else:
            feminine = masculine + "e"
    forms = [masculine, feminine]
    for word in (masculine, feminine):
        forms.append(word if word.endswith(("s", "x")) else word + "s")
    return list(dict.fromkeys(forms))


def _tz_city(tz: str) -> str:
    return tz.rsplit("/", 1)[-1].replace("_", " ")


_BUILD_LOCK = threading.Lock()  # one build, however many threads ask at once
_START_LOCK = threading.Lock()
_built: Places | None = None
_warming: threading.Thread | None = None


def warm_up() -> None:
    """Build the country data in a background thread, once per process, so that the first
    proposal made on the window's thread does not wait for all of it."""
    global _warming
    with _START_LOCK:
        if _warming is not None or _built is not None:
            return
        _warming = threading.Thread(target=places, name="country-data", daemon=True)
        _warming.start()


def places() -> Places:
    """The country forms, built once per process (about 0.3 s); a caller that comes while
    another thread builds them waits for that build."""
    global _built
    if _built is None:
        with _BUILD_LOCK:
            if _built is None:
                _built = _build()
    return _built


def _build() -> Places:
    from babel import Locale
    from countryinfo import all_countries

    data = json.loads(resource("places.json").read_text(encoding="utf-8"))
    result = Places()
    locales = [Locale(lang) for lang in LANGUAGES]
    for country in all_countries():
        info = country.info()
        iso = info.get("ISO") or {}
        code, alpha2 = str(iso.get("alpha3", "")), str(iso.get("alpha2", ""))
        if not code:
            continue
        result.population[code] = int(info.get("population") or 0)
        result.add(result.names, code, str(info.get("name", "")))
        for spelling in info.get("altSpellings") or []:
            if spelling != alpha2:  # two-letter codes are words: IN, IT, IS, AM
                result.add(result.names, code, str(spelling))
        for lang, name in (info.get("translations") or {}).items():
            if lang in LANGUAGES:
                result.add(result.names, code, str(name))
        for locale in locales:
            territory = locale.territories.get(alpha2)
            if territory:
                result.add(result.names, code, str(territory))
        capital = str(info.get("capital") or "")
        if capital:
            result.add(result.capitals, code, capital)
            for tz in info.get("timezoneNames") or []:
                if _tz_city(tz) != capital:
                    continue
                for locale in locales:
                    city = locale.time_zones.get(tz, {}).get("city")
                    if city:
                        result.add(result.capitals, code, city)
        demonym = str(info.get("demonym") or "")
        for word in english_plurals(demonym) if demonym else []:
            result.add(result.demonyms, code, word, show=False)
    for code, entries in data.get("fr_demonyms", {}).items():
        for entry in entries:
            for word in french_forms(entry):
                result.add(result.demonyms, code, word, show=False)
    for code, entries in data.get("en_demonyms", {}).items():
        for entry in entries:
            for word in english_plurals(entry):
                result.add(result.demonyms, code, word, show=False)
    for code, entries in data.get("names", {}).items():
        for entry in entries:
            result.add(result.names, code, entry)
    for code, entries in data.get("metonyms", {}).items():
        for entry in entries:
            result.add(result.capitals, code, entry)
    return result


def _one(table: dict[str, set[str]], key: str) -> str | None:
    codes = table.get(key)
    return places().owner(codes) if codes else None


def country_of(form: str) -> str | None:
    """The country a name, capital or seat of government names ("Siria", "Moscou", "Kremlin"):
    its alpha-3 code, or None."""
    key = normalize(form)
    table = places()
    return _one(table.names, key) or _one(table.capitals, key)


def country_of_demonym(word: str) -> str | None:
    """The country a nationality word names ("Iraqi", "Iranians", "syrienne"), or None."""
    return _one(places().demonyms, normalize(word))


@lru_cache(maxsize=1)
def _by_code() -> dict[str, dict[str, str]]:
    table = places()
    found: dict[str, dict[str, str]] = defaultdict(dict)
    # Weakest kind first: a form that is a name and a capital ("Djibouti") counts as a name.
    for kind, forms in (("demonym", table.demonyms), ("capital", table.capitals), ("name", table.names)):
        for key, codes in forms.items():
            owner = table.owner(codes)
            if owner:
                found[owner][key] = kind
    return found


def forms_of(code: str) -> dict[str, str]:
    """{normalised form: "name", "capital" or "demonym"} of one country, forms shared with
    another country left out."""
    return _by_code().get(code, {})


def code_for(name: str, country: str = "") -> str | None:
    """The country a state actor is: its country code when that is one we know, else the
    country its name names."""
    if country and country in _by_code():
        return country
    return country_of(name)


def names_of(code: str) -> list[str]:
    """The country's names and capitals as written, to look for in a text; not those that are
    also a nationality word in another language (German "Syrien" is French "syrien")."""
    table = places()
    return [
        form
        for form in table.shown.get(code, [])
        if country_of(form) == code and normalize(form) not in table.demonyms
    ]
