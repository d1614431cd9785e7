"""The analysis schema files: what the built-in one holds, and clear errors for broken ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.core.errors import SchemaError
from annotator.core.schema import builtin_dir, default_schema, load_schema

DOMAIN_TECHNIQUES = (
    "Appeal_to_Authority Appeal_to_Popularity Appeal_to_Values Appeal_to_Fear-Prejudice "
    "Flag_Waving "
    "Causal_Oversimplification False_Dilemma-No_Choice Consequential_Oversimplification Straw_Man "
    "Red_Herring Whataboutism Slogans Appeal_to_Time Conversation_Killer Loaded_Language "
    "Repetition "
    "Exaggeration-Minimisation Obfuscation-Vagueness-Confusion Name_Calling-Labeling Doubt "
    "Guilt_by_Association Appeal_to_Hypocrisy Questioning_the_Reputation"
).split()


def test_builtin_schema_covers_the_codebooks() -> None:
    schema = default_schema()
    names = [c.name for c in schema.categories]
    assert names[:16] == [
        "AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "CONSULT", "RETREAT", "REQUEST",
        "REJECT", "ACCUSE", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    ]
    assert names[16] == "STATEMENT" and len(names) == 17
    consult_modes = [m.id for m in schema.modes_for("CONSULT")]
    assert consult_modes == ["visit", "third-party", "multilateral", "phone"]
    assert "suicide-attack" in schema.category("ASSAULT").mode_ids  # type: ignore[union-attr]
    assert schema.modes_for("AGREE") == ()
    for code in ("010", "040", "042", "043", "044", "046", "057", "062", "072", "0312"):
        assert schema.cameo_code(code) is not None, code
    roots = [c.code for c in schema.cameo if len(c.code) == 2]
    assert roots == [f"{i:02d}" for i in range(1, 21)]
    assert schema.cameo_code("010").category == "STATEMENT"  # type: ignore[union-attr]
    assert schema.proposed_cameo("CONSULT", "visit") == "042"
    assert {
        "military", "intelligence", "diplomatic", "terrorism", "economic", "cbrn", "misinformation"
    } <= schema.context_ids
    assert len(schema.contexts) >= 30
    assert schema.factuality_ids == ("asserted", "reported", "denied", "hypothetical", "future")
    assert schema.category("CONSULT").requires == ("actor", "recipient")  # type: ignore[union-attr]

    assert len(schema.dimensions) == 15
    assert [d.name for d in schema.dimensions][4] == "Legality, constitutionality and jurisprudence"
    assert sum(d.semeval for d in schema.dimensions) == 14
    assert schema.tone_ids == (
        "explicit_pro", "implicit_pro", "neutral", "implicit_anti", "explicit_anti"
    )
    assert schema.frame_role_ids == ("protagonist", "antagonist", "innocent")
    assert sorted(schema.technique_ids) == sorted(DOMAIN_TECHNIQUES)

    assert {"person", "organization", "state", "armed_group", "media", "other"} == schema.kind_ids
    groups = {
        g: {s.code for s in schema.sectors if s.group == g}
        for g in ("main", "less_frequent", "international")
    }
    assert groups["main"] == set("COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK".split())
    assert groups["international"] == set("IGO UNO EUR NGO ISM IMG MNC".split())
    assert {"JRN", "MED", "ELI", "OPP"} <= groups["less_frequent"]
    med = next(s for s in schema.sectors if s.code == "MED")
    assert med.name == "Health"
    assert {"IRN", "SYR", "USA", "ISR", "LBN", "RUS", "IRQ"} <= schema.country_codes
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in schema.country_codes)


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _builtin(part: str) -> dict:
    return json.loads((builtin_dir() / f"{part}.json").read_text(encoding="utf-8"))


def test_user_folder_overrides_only_the_parts_it_holds(tmp_path: Path) -> None:
    framing = _builtin("framing")
    framing["roles"].append({"id": "bystander", "name": "Bystander"})
    _write(tmp_path / "framing.json", framing)
    schema = load_schema(tmp_path)
    assert "bystander" in schema.frame_role_ids
    assert schema.sources["framing"] == str(tmp_path / "framing.json")
    assert schema.sources["events"].endswith("resources/events.json")
    assert len(schema.categories) == 17


def test_one_combined_file_overrides_its_parts(tmp_path: Path) -> None:
    events = _builtin("events")
    events["categories"].append({"name": "CRIME", "modes": [], "requires": ["actor"]})
    path = _write(tmp_path / "team.json", {"version": 1, "events": events})
    schema = load_schema(path)
    assert schema.category("CRIME") is not None
    assert len(schema.dimensions) == 15


@pytest.mark.parametrize(
    ("part", "mutate", "expected"),
    [
        ("events", lambda d: d["categories"][5]["modes"].append({"id": "visit"}),
         r"events\.json: categories\[5\]\.modes\[4\]: mode 'visit' is defined twice"),
        ("events", lambda d: d["categories"][5].update(requires=["actor", "host"]),
         r"categories\[5\]\.requires\[1\]: unknown role 'host'"),
        ("events", lambda d: d["cameo"].append({"code": "4x", "name": "bad", "category": None}),
         r"cameo\[\d+\]\.code: '4x' is not a CAMEO code"),
        ("events", lambda d: d["cameo"][1].update(category="NOPE"),
         r"cameo\[1\]\.category: unknown category 'NOPE'"),
        ("events", lambda d: d["checks"][0]["when"].update(weather="rain"),
         r"checks\[0\]\.when\.weather: unknown condition"),
        ("events", lambda d: d["categories"][5]["cameo_by_mode"].update(visit="072"),
         r"categories\[5\]\.cameo_by_mode\.visit: CAMEO code '072' is not listed for CONSULT"),
        ("actors", lambda d: d["sectors"][0].update(group="galactic"),
         r"actors\.json: sectors\[0\]\.group: unknown sector group 'galactic'"),
        ("actors", lambda d: d["countries"].append({"code": "IR", "name": "Iran"}),
         r"countries\[\d+\]\.code: 'IR' is not a valid identifier"),
        ("framing", lambda d: d["tone"][0].update(value="high"),
         r"framing\.json: tone\[0\]\.value: expected an integer"),
        ("framing", lambda d: d.pop("dimensions"), r"framing\.json: dimensions: expected a list"),
    ],
)
def test_broken_schema_names_file_path_and_reason(
    tmp_path: Path, part: str, mutate, expected: str
) -> None:
    data = _builtin(part)
    mutate(data)
    _write(tmp_path / f"{part}.json", data)
    with pytest.raises(SchemaError, match=expected):
        load_schema(tmp_path)


def test_unreadable_or_wrong_user_schema(tmp_path: Path) -> None:
    bad = tmp_path / "events.json"
    bad.write_text('{"categories": [', encoding="utf-8")
    with pytest.raises(SchemaError, match=r"events\.json:1: invalid JSON"):
        load_schema(tmp_path)
    with pytest.raises(SchemaError, match="no such schema file or folder"):
        load_schema(tmp_path / "missing.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SchemaError, match="holds none of actors.json"):
        load_schema(empty)
    other = _write(tmp_path / "other.json", {"labels": []})
    with pytest.raises(SchemaError, match="labels: unknown part"):
        load_schema(other)
