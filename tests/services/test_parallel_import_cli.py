"""``annotator import`` of a large folder pre-annotates in worker processes, and stores exactly
the suggestions a one-process import stores (the ``preannotate_processes`` setting at 1). The
thresholds are lowered so that a few seeds count as large."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.formats.articles import read_txt
from annotator.nlp import parallel
from annotator.settings import Settings


def _suggestions(db: Path) -> list[tuple[str, int, int, str, str]]:
    con = sqlite3.connect(db)
    rows = con.execute(
        'SELECT d.filename, s.start, s."end", s.label, s.layer FROM span s'
        " JOIN document d ON d.id = s.document_id ORDER BY 1, 2, 3, 4, 5"
    ).fetchall()
    con.close()
    return rows


def test_a_large_cli_import_uses_workers_and_stores_what_one_process_stores(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_TEXTS", 4)
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "BATCH_TEXTS", 2)
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, path in enumerate(sorted(seeds_dir.glob("*.txt")) * 2):  # English and French
        text = read_txt(path).text + f"\nReport {i}."
        (folder / f"{i:02d}_{path.name}").write_text(text, encoding="utf-8")

    parallel.last_stats = None
    assert main(["import", str(folder), "--db", str(tmp_path / "workers.sqlite")]) == 0
    stats = parallel.last_stats
    # The 8 English texts went to the workers in batches of 2; the 2 French ones, fewer than
    # MIN_TEXTS for their pipeline, stayed in this process.
    assert stats is not None and stats.workers == 2 and stats.batches == 4
    assert parallel._shared is None  # the workers were stopped at the end

    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text(json.dumps({"preannotate_processes": 1}), encoding="utf-8")
    parallel.last_stats = None
    assert main(["import", str(folder), "--db", str(tmp_path / "one.sqlite")]) == 0
    assert parallel.last_stats is None  # no worker this time

    workers, one = _suggestions(tmp_path / "workers.sqlite"), _suggestions(tmp_path / "one.sqlite")
    assert len(workers) > 100
    assert {row[4] for row in workers} == {"entity", "event"}
    assert workers == one
