"""Language detection per document: CLD2 first, py3langid when CLD2 is not sure.

Both ship their models inside their packages. CLD2 (``pycld2``, C++) takes some 25 µs for a
short text where py3langid's pure-Python feature walk takes ten times more, which dominated an
import of 100,000 short texts (see bench/, "import"); py3langid still decides whenever CLD2 does
not call its answer reliable (very short or mixed texts), as it did alone before.

``detect_languages`` gives the same answer as ``detect_language`` for each text of a list (a
test checks it on the seeds, the test data and the benchmark's corpus), faster for many texts:

- CLD2 releases the interpreter lock while it works, so a large list is split between a few
  threads (one per CPU, at most four) that run CLD2 side by side, and the calling thread can do
  other work meanwhile (``start_detecting``).
- py3langid and its model are loaded only when a text needs them: unpacking the model (an
  LZMA-compressed NumPy archive) and importing NumPy cost some 0.3-0.5 s, more than CLD2 takes
  for 10,000 texts. The model is unpacked once into the cache folder and mapped from there
  afterwards (``nlp/langid_model.py``): then loading it is NumPy's import, some 0.13 s. When
  CLD2 is unsure of a text of a large list, the model starts loading on a thread of its own at
  once, while CLD2 goes on with the rest.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

_lock = threading.Lock()
# CLD2 speaks some old or regional codes; the project stores ISO 639-1 (two letters).
_CLD2_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "zh-Hant": "zh", "mo": "ro"}
SAMPLE = 5000  # characters of a text that decide its language
PARALLEL_MIN = 500  # texts below which one thread detects them all
_UNSURE = None  # CLD2's answer for a text it is not sure of (py3langid decides)


def _cld2(sample: str) -> str:
    """CLD2's language of ``sample`` when it says the answer is reliable, else ''."""
    try:
        import pycld2
    except ImportError:  # pragma: no cover - an installation without the wheel
        return ""
    try:
        reliable, _bytes, details = pycld2.detect(sample)
    except pycld2.error:
        return ""
    code = str(details[0][1]) if details else "un"
    if not reliable or code in ("un", "xxx"):
        return ""
    code = _CLD2_CODES.get(code, code)
    return code if code.isalpha() and 2 <= len(code) <= 3 else ""


def _first_pass(text: str) -> str | None:
    """'' for a text without letters, CLD2's reliable answer, or None (py3langid decides)."""
    sample = text[:SAMPLE]
    if not any(ch.isalpha() for ch in sample):
        return ""
    return _cld2(sample) or _UNSURE


_identifier: Any = None  # py3langid's LanguageIdentifier, loaded on first use


def _py3langid(text: str, model_cache: Path | None = None) -> str:
    global _identifier
    with _lock:  # the identifier keeps state between calls
        if _identifier is None:
            from annotator.nlp.langid_model import load_identifier

            _identifier = load_identifier(model_cache)
        code, _score = _identifier.classify(text[:SAMPLE])
    return str(code)


def _load_py3langid(model_cache: Path | None = None) -> None:
    """Load py3langid's model (the first ``classify`` loads it; later calls find it loaded)."""
    _py3langid("warm up", model_cache)


def detect_language(text: str, model_cache: Path | None = None) -> str:
    """ISO 639-1 code of the text's language, or '' when the text has no letters.
    ``model_cache``: the folder where py3langid's model is kept unpacked (the settings' cache
    folder; ``nlp/langid_model.py``), if it is loaded by this call."""
    code = _first_pass(text)
    return _py3langid(text, model_cache) if code is None else code


def detect_languages(texts: Sequence[str], model_cache: Path | None = None) -> list[str]:
    """``detect_language`` of each text, in order (see the module's docstring)."""
    return start_detecting(texts, model_cache)(None)


def start_detecting(
    texts: Sequence[str], model_cache: Path | None = None
) -> Callable[[Callable[[], None] | None], list[str]]:
    """Begin detecting the languages of ``texts`` on worker threads; return the function that
    waits for them and gives ``detect_language`` of each text, in order. That function takes an
    optional ``check``, called between parts of the work (it may raise to stop waiting: an
    import cancelled). A short list is detected at once, on the calling thread."""
    texts = list(texts)
    if len(texts) < PARALLEL_MIN:
        found = [detect_language(text, model_cache) for text in texts]

        def detected(_check: Callable[[], None] | None = None) -> list[str]:
            return found

        return detected
    workers = max(1, min(4, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(workers + 1, thread_name_prefix="language")
    loading: list[Future[None]] = []
    loading_lock = threading.Lock()

    def first_pass(part: Sequence[str]) -> list[str | None]:
        out = [_first_pass(text) for text in part]
        if _UNSURE in out:
            with loading_lock:
                if not loading:
                    loading.append(pool.submit(_load_py3langid, model_cache))
        return out

    size = -(-len(texts) // (workers * 4))  # a few parts per worker: even when one is slower
    parts = [pool.submit(first_pass, texts[i : i + size]) for i in range(0, len(texts), size)]

    def result(check: Callable[[], None] | None = None) -> list[str]:
        codes: list[str | None] = []
        try:
            for part in parts:
                if check is not None:
                    check()
                codes += part.result()
            for future in loading:
                future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return [
            _py3langid(text, model_cache) if code is None else code
            for text, code in zip(texts, codes, strict=True)
        ]

    return result
