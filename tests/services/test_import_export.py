"""Import the seeds through the real pipeline and export them: the issue's end-to-end check."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main
from annotator.store import Store


def test_cli_import_then_export_gives_five_consistent_records(
    tmp_path: Path, seeds_dir: Path, capsys
) -> None:
    db = tmp_path / "t.db"
    assert main(["import", str(seeds_dir), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "5 imported, 0 skipped" in out
    assert main(["import", str(seeds_dir), "--db", str(db)]) == 0
    assert "0 imported, 5 skipped" in capsys.readouterr().out

    target = tmp_path / "out.jsonl"
    assert main(["export", str(target), "--db", str(db)]) == 0
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    by_file = {r["meta"]["filename"]: r for r in records}
    for record in records:
        text = record["text"]
        assert record["spans"], "the seeds are pre-annotated"
        for span in record["spans"]:
            assert text[span["start"] : span["end"]] == span["text"]
    assert by_file["001_e336b0d84c6eb9da.txt"]["meta"]["lang"] == "fr"
    first = by_file["000_51d84f7940f90657.txt"]
    assert first["meta"]["date"] == "2023-09-22"
    assert "date 2023" not in first["text"]
    assert first["text"].startswith("Iranian Media:")
    assert "\r" not in "".join(r["text"] for r in records)


def test_export_refuses_to_overwrite_without_force(seeded_db: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me", encoding="utf-8")
    assert main(["export", str(target), "--db", str(seeded_db)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["export", str(target), "--db", str(seeded_db), "--force"]) == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5


def test_bad_file_is_reported_with_name_and_leaves_db_unchanged(
    tmp_path: Path, seeds_dir: Path, capsys
) -> None:
    db = tmp_path / "t.db"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": 3}\nnot json\n', encoding="utf-8")
    assert main(["import", str(bad), "--db", str(db), "--no-preannotate"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: missing 'text'" in err
    assert f"{bad}:3: invalid JSON" in err
    store = Store(db)
    assert store.documents.count() == 0
    store.close()
