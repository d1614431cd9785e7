"""py3langid's model unpacked into the cache and mapped from there (nlp/langid_model.py) gives
py3langid's own answers, code and score, whether just built, mapped again, or rebuilt after
damage; without a writable cache it is unpacked in memory as py3langid does."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import py3langid
import pytest

from annotator.nlp import lang
from annotator.nlp.langid_model import cache_key, load_identifier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import corpus  # noqa: E402  (the benchmark's generated texts, from the seeds)

TEXTS = [
    *corpus.short_texts(300, random.Random(5)),
    "Oui.", "Yes.", "Das ist gut.", "1234 5678 !!!", "", "مرحبا بالعالم", "Привет, мир",
    "Tehran and Damascus signed an accord; le ministre a salué l'accord.",
]


@pytest.fixture(scope="module")
def expected() -> list[tuple[str, float]]:
    return [py3langid.classify(t) for t in TEXTS]  # py3langid's own loader and identifier


def _answers(cache: Path | None) -> list[tuple[str, float]]:
    identifier = load_identifier(cache)
    return [identifier.classify(t) for t in TEXTS]


def test_built_then_mapped_gives_py3langids_answers(tmp_path: Path, expected: list) -> None:
    assert _answers(tmp_path) == expected  # built on first use
    folder = tmp_path / cache_key()
    assert folder.name.startswith("py3langid-") and (folder / "manifest.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p != folder]  # no temporary folder left
    stamp = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert _answers(tmp_path) == expected  # mapped, not built again
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamp


@pytest.mark.parametrize("damage", ["truncated", "missing", "manifest", "garbage"])
def test_a_damaged_cache_is_built_again(tmp_path: Path, expected: list, damage: str) -> None:
    load_identifier(tmp_path)
    folder = tmp_path / cache_key()
    if damage == "truncated":
        with (folder / "nextmove.bin").open("r+b") as handle:
            handle.truncate(1000)
    elif damage == "missing":
        (folder / "ptc.npy").unlink()
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{", encoding="utf-8")
    else:
        (folder / "ptc.npy").write_bytes(b"not an array" * 10)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["sizes"]["ptc.npy"] = 120
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _answers(tmp_path) == expected
    assert _answers(tmp_path) == expected  # and the rebuilt folder maps
    assert (folder / "ptc.npy").stat().st_size > 1_000_000


def test_without_a_writable_cache_the_model_is_unpacked_in_memory(tmp_path: Path, expected: list) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _answers(blocked) == expected
    assert _answers(None) == expected


def test_detection_loads_the_model_from_the_cache_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lang, "_identifier", None)
    unsure = next(t for t in TEXTS if t and lang._first_pass(t) is None)
    assert lang.detect_language(unsure, tmp_path) == py3langid.classify(unsure)[0]
    assert (tmp_path / cache_key() / "manifest.json").is_file()


def test_an_import_keeps_the_model_in_the_cache_folder_of_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.importing import read_files

    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(lang, "_identifier", None)
    source = tmp_path / "texts.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS if t.strip()), encoding="utf-8")
    read = read_files([source])
    read._languages(None)
    assert (tmp_path / "cache" / cache_key() / "manifest.json").is_file()
