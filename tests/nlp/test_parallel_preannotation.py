"""Pre-annotation in worker processes (``nlp/parallel.py``): the same suggestions as in the
importing process, a cancel stops the workers, and a worker that dies or whose pipeline fails
is reported with a clear message instead of a hang. Real pipelines, real processes."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.labels import default_labels
from annotator.formats.articles import read_txt
from annotator.nlp import parallel
from annotator.nlp import preannotate as preannotate_module
from annotator.nlp.event_triggers import default_lexicon
from annotator.nlp.pipelines import PipelineRegistry
from annotator.nlp.preannotate import preannotate
from annotator.nlp.registry_terms import RegistryTerms

LIMIT = 60  # seconds: far more than any of these needs; reaching it means a hang


@pytest.fixture(scope="module")
def registry() -> PipelineRegistry:
    registry = PipelineRegistry(processes=2)
    assert registry.load("en") is not None and registry.load("fr") is not None
    return registry


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small batches and short pieces, so that a few seeds exercise what a large import
    does: batches spread over both workers, long texts cut in pieces that land in different
    batches."""
    monkeypatch.setattr(parallel, "BATCH_TEXTS", 3)
    monkeypatch.setattr(preannotate_module, "PIECE_CHARS", 2_000)


def _texts(seeds_dir: Path) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {"en": [], "fr": []}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = read_txt(path).text
        by_lang["fr" if path.name.startswith("001") else "en"].append(text)
    # A long text (several pieces), a text with emoji before its names, and each seed again.
    by_lang["en"] += ["\n".join(by_lang["en"]), "🇮🇷🇸🇾 Esmail Qaani visited Damascus.", *by_lang["en"]]
    by_lang["fr"] += ["Le général Esmaïl Qaani s'est rendu à Damas, en Syrie.", *by_lang["fr"]]
    return by_lang


def _workers_gone(pids: list[int]) -> bool:
    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie (ended, not yet reaped) counts as gone.
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ")[-1].startswith("Z")

    return all(gone(pid) for pid in pids)


def test_workers_give_the_same_suggestions_as_one_process(
    registry: PipelineRegistry, seeds_dir: Path, small_batches: None
) -> None:
    labels, triggers = default_labels(), default_lexicon()
    terms = RegistryTerms([("Quds Force", "ORG"), ("Qaani", "PERSON")])
    rejected = {("Damascus", "GPE")}
    by_lang = _texts(seeds_dir)
    here: dict[str, list[list]] = {}
    for lang, texts in by_lang.items():
        nlp = registry.load(lang)[0]  # type: ignore[index]
        here[lang] = list(
            preannotate(nlp, texts, labels, terms=terms, rejected=rejected, triggers=triggers, processes=1)
        )
    # Both languages at once through the one shared pool, consumed in turn as an import does.
    streams = {
        lang: preannotate(
            registry.load(lang)[0], texts, labels,  # type: ignore[index]
            terms=terms, rejected=rejected, triggers=triggers, processes=2,
        )
        for lang, texts in by_lang.items()
    }
    assert all(type(s).__name__ == "_WorkerStream" for s in streams.values())
    pids = parallel._shared.pids if parallel._shared else []
    assert len(pids) == 2
    there: dict[str, list[list]] = {"en": [], "fr": []}
    for i in range(max(map(len, by_lang.values()))):
        for lang in ("en", "fr"):
            if i < len(by_lang[lang]):
                there[lang].append(next(streams[lang]))
    for stream in streams.values():
        assert next(stream, None) is None
    assert there == here
    long_spans = here["en"][len(by_lang["en"]) // 2 - 1]
    assert len(long_spans) > 20
    assert any(s.layer == "event" for spans in here["en"] for s in spans)  # trigger words came back
    assert not any(  # rejected, in both
        (text[s.start : s.end], s.label) == ("Damascus", "GPE")
        for text, spans in zip(by_lang["en"], here["en"], strict=True)
        for s in spans
    )
    stats = parallel.last_stats
    assert stats is not None and stats.batches > 4 and len(stats.peak_mb) == 2
    assert all(100 < mb < 2_000 for mb in stats.peak_mb.values())
    assert _workers_gone(pids)


def test_small_imports_stay_in_this_process(registry: PipelineRegistry) -> None:
    nlp = registry.load("en")[0]  # type: ignore[index]
    stream = preannotate(nlp, ["Esmail Qaani visited Damascus."] * 5, default_labels())
    assert type(stream).__name__ == "generator"  # the single-process path, as before
    assert len(list(stream)) == 5
    many = ["Esmail Qaani visited Damascus. " * 60] * parallel.MIN_TEXTS
    assert preannotate_module._worker_count(nlp, many, None) == 2  # large: both cores


def test_cancel_stops_the_workers(registry: PipelineRegistry, seeds_dir: Path, small_batches: None) -> None:
    texts = _texts(seeds_dir)["en"] * 4
    cancel = False
    stream = preannotate(
        registry.load("en")[0], texts, default_labels(), lambda: cancel, processes=2  # type: ignore[index]
    )
    pids = list(parallel._shared.pids) if parallel._shared else []
    first = next(stream)
    assert first
    cancel = True
    t0 = time.monotonic()
    assert list(stream) == []  # nothing more once cancelled
    assert time.monotonic() - t0 < 10
    assert _workers_gone(pids)


def test_a_worker_that_dies_is_reported_not_waited_for(
    registry: PipelineRegistry, seeds_dir: Path, small_batches: None
) -> None:
    texts = _texts(seeds_dir)["en"] * 4
    stream = preannotate(registry.load("en")[0], texts, default_labels(), processes=2)  # type: ignore[index]
    pool = parallel._shared
    assert pool is not None
    next(stream)
    os.kill(pool.pids[0], signal.SIGKILL)  # as the system does to a process that eats memory
    t0 = time.monotonic()
    with pytest.raises(parallel.PreannotationError) as caught:
        for _ in range(len(texts)):
            next(stream)
    assert time.monotonic() - t0 < LIMIT
    message = str(caught.value)
    assert "worker process" in message and "SIGKILL" in message
    assert "files stored before it are kept" in message
    assert _workers_gone(pool.pids)


def test_a_pipeline_that_fails_in_a_worker_is_reported(
    tmp_path: Path, registry: PipelineRegistry, small_batches: None
) -> None:
    """The pipeline folder disappears after this process loaded it: the workers cannot load
    it, and say so."""
    folder = tmp_path / "my-model"
    registry.load("en")[0].to_disk(folder)  # type: ignore[index]
    own = PipelineRegistry({"en": str(folder)}, processes=2)
    loaded = own.load("en")
    assert loaded is not None
    shutil.rmtree(folder)
    stream = preannotate(loaded[0], ["Esmail Qaani visited Damascus."] * 8, default_labels(), processes=2)
    pids = list(parallel._shared.pids) if parallel._shared else []
    t0 = time.monotonic()
    with pytest.raises(parallel.PreannotationError) as caught:
        list(stream)
    assert time.monotonic() - t0 < LIMIT
    message = str(caught.value)
    assert message.startswith("pre-annotation failed in a worker process: cannot load the pipeline")
    assert str(folder) in message
    assert _workers_gone(pids)


def test_a_killed_parent_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Workers read end-of-file when the importing process is gone, and end."""
    import subprocess
    import sys

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from annotator.core.labels import default_labels\n"
        "from annotator.nlp import parallel\n"
        "from annotator.nlp.pipelines import PipelineRegistry\n"
        "from annotator.nlp.preannotate import preannotate\n"
        "if __name__ == '__main__':\n"
        "    nlp = PipelineRegistry().load('en')[0]\n"
        "    texts = ['Qaani visited Damascus. ' * 20] * 64\n"
        "    stream = preannotate(nlp, texts, default_labels(), processes=2)\n"
        "    next(stream)\n"
        "    print(*parallel._shared.pids, flush=True)\n"
        "    time.sleep(600)\n",
        encoding="utf-8",
    )
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        pids = [int(p) for p in child.stdout.readline().split()]
        assert len(pids) == 2
    finally:
        child.kill()
        child.wait()
    deadline = time.monotonic() + LIMIT
    while not _workers_gone(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _workers_gone(pids)


@pytest.fixture(autouse=True)
def _no_pool_left() -> Iterator[None]:
    yield
    assert parallel._shared is None, "a test left a worker pool running"
