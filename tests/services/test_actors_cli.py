"""`annotator actors`: after `annotator import seeds`, one proposed actor per real-world entity
for the name variants of DOMAIN.md; loading actors from a file, and clear errors for a bad one."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main

VARIANTS = {
    "Ismail Qaani": ["Ismail Qaani", "Esmail Qaani", "Esmaïl Qaani"],
    "Ebrahim Raisi": ["Ebrahim Raisi", "Ebrahim Raïssi", "Seyed Ebrahim Rayeesi"],
    "Bashar al-Assad": ["Bashar al-Assad", "Bachar al-Assad"],
    "Islamic Revolutionary Guard Corps": ["IRGC", "CGRI", "Islamic Revolution Guards"],
    "Islamic State": ["Daesh", "Daech", "ISIS", "ISIL"],
    "United States": ["United States", "US", "États-Unis", "Washington"],
}


def test_after_importing_the_seeds_each_variant_proposes_its_entity(
    tmp_path: Path, seeds_dir: Path, capsys
) -> None:
    db = tmp_path / "t.db"
    assert main(["import", str(seeds_dir), "--db", str(db), "--no-preannotate"]) == 0
    capsys.readouterr()
    names = [v for group in VARIANTS.values() for v in group] + ["Rais", "Iraq"]
    assert main(["actors", "--db", str(db), "propose", *names]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    proposed = {row[0]: row[1] for row in rows}
    for entity, variants in VARIANTS.items():
        assert {proposed[v] for v in variants} == {entity}
    assert proposed["Rais"] == "-"
    assert proposed["Iraq"] == "Iraq"
    assert len({proposed[v] for group in VARIANTS.values() for v in group}) == len(VARIANTS)


def test_load_and_list_actors(tmp_path: Path, capsys) -> None:
    db = tmp_path / "t.db"
    file = tmp_path / "team.json"
    file.write_text(
        json.dumps(
            {
                "actors": [
                    {
                        "uid": "team:koopmans",
                        "name": "Sven Koopmans",
                        "kind": "person",
                        "aliases": ["EU envoy Koopmans"],
                    },
                    {
                        "uid": "team:iran-dossier",
                        "name": "Iran Dossier",
                        "kind": "media",
                        "country": "ISR",
                        "sector": "JRN",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["actors", "--db", str(db), "load", str(file)]) == 0
    # Koopmans is a seed actor already (matched by name): he only gains the alias.
    assert "1 actors added, 1 updated" in capsys.readouterr().out
    assert main(["actors", "--db", str(db), "list", "--search", "dossier"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Iran Dossier  [media, ISR/JRN]  0 mentions in 0 documents"]

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"actors": [{"name": "X", "kind": "wizard"}]}), encoding="utf-8")
    assert main(["actors", "--db", str(db), "load", str(bad)]) == 2
    assert f"{bad}: actors[0].kind: unknown kind 'wizard'" in capsys.readouterr().err


def test_a_broken_user_schema_is_refused_with_its_place(tmp_path: Path, capsys) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"framing": {"dimensions": "all of them"}}), encoding="utf-8")
    assert (
        main(
            [
                "actors",
                "--db",
                str(tmp_path / "t.db"),
                "--schema",
                str(schema),
                "load",
                str(tmp_path / "none.json"),
            ]
        )
        == 2
    )
    assert f"{schema} (framing): dimensions: expected a list" in capsys.readouterr().err
