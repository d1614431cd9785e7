"""The project's ``.spacy`` export is a corpus ``python -m spacy train`` accepts, run as a user
would: ``annotator export --split``, ``spacy init config``, ``spacy train`` (a few steps)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotator.cli import main


def test_spacy_train_runs_on_the_export(seeded_db: Path, tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "seeds.spacy"
    assert main(["export", str(corpus), "--db", str(seeded_db), "--split", "0.8", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    train, dev = tmp_path / "seeds.train.spacy", tmp_path / "seeds.dev.spacy"
    assert f"wrote 4 record(s) to {train}" in out
    assert f"wrote 1 record(s) to {dev}" in out
    assert not corpus.exists()

    config = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "en",
         "--pipeline", "ner", "--optimize", "efficiency", "--force"],
        check=True, capture_output=True, text=True, timeout=120,
    )
    model = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(model),
         "--paths.train", str(train), "--paths.dev", str(dev),
         "--training.max_steps", "10", "--training.eval_frequency", "5"],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (model / "model-last" / "meta.json").is_file()
    assert "Saved pipeline" in run.stdout
