"""Countries from maintained data: a state actor loaded under its English name alone is proposed
for its names in other languages, its nationality words and its capital, with the libraries'
data (countryinfo, Babel's CLDR tables) and nothing downloaded."""

from __future__ import annotations

from annotator.core.actors import Actor
from annotator.nlp.aliases import AliasIndex, find_mentions, search_terms
from annotator.nlp.places import country_of, country_of_demonym, english_plurals, french_forms, names_of

STATES = ["Iraq", "Iran", "Syria", "Russia", "United States", "Saudi Arabia", "Israel", "Lebanon",
          "Turkey", "Austria", "Yemen", "United Kingdom"]


def _index() -> AliasIndex:
    return AliasIndex([Actor(name, kind="state", id=k + 1) for k, name in enumerate(STATES)])


def test_states_are_named_in_many_languages_by_nationality_and_by_capital() -> None:
    index = _index()
    expected = {
        "Siria": "Syria", "Syrie": "Syria", "Syrien": "Syria", "Irak": "Iraq", "Türkiye": "Turkey",
        "Turquie": "Turkey", "Estados Unidos": "United States", "États-Unis": "United States",
        "USA": "United States", "UK": "United Kingdom", "Britain": "United Kingdom",
        # nationality words, inflected
        "Iraqi": "Iraq", "Iraqis": "Iraq", "Iranians": "Iran", "syrienne": "Syria",
        "irakiens": "Iraq", "Saudi": "Saudi Arabia", "saoudien": "Saudi Arabia", "turque": "Turkey",
        "Américains": "United States", "American": "United States", "British": "United Kingdom",
        # capitals and seats of government as the state
        "Washington": "United States", "White House": "United States", "Moscou": "Russia",
        "Moskau": "Russia", "the Kremlin": "Russia", "Tehran": "Iran", "Téhéran": "Iran",
        "Damas": "Syria", "Beyrouth": "Lebanon", "Riyadh": "Saudi Arabia", "Sanaa": "Yemen",
    }
    for surface, state in expected.items():
        proposal = index.propose(surface)
        assert proposal is not None and proposal[0].name == state, (surface, proposal)
    assert index.candidates("Iraqi")[0].how == "nationality"
    assert index.candidates("Moscou")[0].how == "capital"


def test_places_do_not_invent_matches() -> None:
    index = _index()
    for surface in ("Australia", "us", "usa", "uk", "Sam", "can", "Persia Gulf", "in", "IN"):
        assert index.propose(surface) is None, surface
    # An analyst's own alias wins over the country data.
    staff = Actor("Kremlin staff", aliases=("Kremlin",), id=2)
    index = AliasIndex([Actor("Russia", kind="state", id=1), staff])
    assert index.propose("Kremlin")[0].id == 2  # type: ignore[index]


def test_lookups_and_inflection_rules() -> None:
    assert country_of("Siria") == "SYR" and country_of("Moscou") == "RUS"
    assert country_of("Kremlin") == "RUS"
    assert country_of_demonym("Iraqis") == "IRQ" and country_of_demonym("syriennes") == "SYR"
    assert country_of("Jupiter") is None and country_of_demonym("general") is None
    assert french_forms("syrien") == ["syrien", "syrienne", "syriens", "syriennes"]
    assert french_forms("turc/turque") == ["turc", "turque", "turcs", "turques"]
    assert french_forms("russe") == ["russe", "russes"]
    assert french_forms("français") == ["français", "française", "françaises"]
    assert english_plurals("Iraqi") == ["Iraqi", "Iraqis"] and english_plurals("British") == ["British"]
    # Names to look for in a text leave out nationality words of another language.
    assert "Syrien" not in names_of("SYR") and "Syrie" in names_of("SYR") and "Damas" in names_of("SYR")


def test_tag_all_finds_the_state_by_its_foreign_name_and_capital_but_not_adjectives() -> None:
    syria = Actor("Syria", kind="state", country="SYR")
    text = "La Syrie et Damas. Le président syrien. Siria."
    found = [text[a:b] for a, b in find_mentions(text, search_terms(syria))]
    assert found == ["Syrie", "Damas", "Siria"]
