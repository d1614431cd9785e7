"""Run the benchmarks and print one table: median, in-run baseline, ratio, target, pass/miss.

    python -m bench            # the full sizes of docs/PERFORMANCE.md (several minutes)
    python -m bench --quick    # small sizes, for CI (well under two minutes)
    python -m bench --only open,edit --repeat 3
    python -m bench --quick --db postgresql   # also on a throw-away PostgreSQL server

Corpora are generated in a temporary folder from the seeds (repeated and varied, plus synthetic
spans) and deleted afterwards. The user's settings and database are never touched: the user
directories point into that folder too. The exit status is 0 even when a target is missed, unless
``--strict`` is given (timings on a shared machine are noisy; tests never assert them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = (
    "open", "edit", "scroll", "preannotate", "import", "articles", "export", "appopen",
    "agreement", "memory", "coldstart",
)


@dataclass(frozen=True)
class Sizes:
    long_chars: int = 1_000_000
    long_spans: int = 20_000
    preannotate: int = 2_000
    import_docs: int = 10_000  # the whole `annotator import` command, as the issue measures
    export_docs: int = 100_000
    plain_docs: int = 50_000  # unannotated ~800-character articles exported
    app_docs: int = 100_000
    agreement_docs: int = 10_000
    article_pages: int = 1_000  # saved web pages ...
    article_pdfs: int = 100  # ... and PDF reports imported as one folder
    repeat: int = 5
    heavy_repeat: int = 3  # figures that take seconds each time
    long_repeat: int = 1  # figures that take minutes (pre-annotation, agreement over articles)


FULL = Sizes()
QUICK = Sizes(
    long_chars=1_000_000, long_spans=20_000, preannotate=300, import_docs=10_000,
    export_docs=10_000, plain_docs=10_000,
    app_docs=10_000, agreement_docs=500, article_pages=100, article_pdfs=10,
    repeat=3, heavy_repeat=1,
)


def _environment(workdir: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM") or "offscreen"
    os.environ["ANNOTATOR_CONFIG_DIR"] = str(workdir / "config")
    os.environ["ANNOTATOR_DATA_DIR"] = str(workdir / "data")
    # The app's cache (py3langid's model unpacked, nlp/langid_model.py) starts empty in every
    # run: the import figure reports its first, cold-cache run apart.
    os.environ["ANNOTATOR_CACHE_DIR"] = str(workdir / "cache")
    os.environ.pop("ANNOTATOR_DB", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _child(mode: str, db: Path, *extra: str, timeout: float = 600) -> tuple[float, dict]:
    """Run ``bench.child`` in a fresh interpreter; return (seconds until 'shown', its result)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.child", mode, str(db), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ,
    )
    assert proc.stdout is not None
    shown = None
    result: dict = {}
    for line in proc.stdout:
        if not line.startswith("{"):
            continue
        data = json.loads(line)
        if data.get("event") == "shown" and shown is None:
            shown = time.perf_counter() - t0
        elif data.get("event") == "result":
            result = data
    proc.wait(timeout)
    if proc.returncode != 0 or not result:
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"bench.child {mode} failed ({proc.returncode}):\n{err[-3000:]}")
    return (shown if shown is not None else time.perf_counter() - t0), result


def _bare_import_time() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], check=True, cwd=ROOT)
    return time.perf_counter() - t0


def figure_coldstart(db: Path, repeat: int):  # type: ignore[no-untyped-def]
    from bench.measure import Result, median

    ours, base, details = [], [], []
    for _ in range(repeat):  # interleaved
        base.append(_bare_import_time())
        shown, result = _child("coldstart", db)
        ours.append(shown)
        details.append(result)
    m, b = median(ours), median(base)
    last = details[-1]
    spacy_note = (
        "spaCy imported before the window was shown"
        if last.get("spacy_imported_before_shown")
        else "spaCy not imported before the window was shown"
    )
    if last.get("preloads_models"):
        spacy_note += f"; models loaded in the background {last['models_loaded_in']:.1f} s later"
    else:
        spacy_note += "; no background model loading"
    return [
        Result(
            "cold start to the main window (new process)", m, "s", "< 2 s", m < 2, b, m / b, "x",
            ours, f"baseline: python -c 'import PySide6.QtWidgets'; {spacy_note}",
        )
    ]


NEEDLES = ("tasnim", "2023-05", "item 4711", "zzz-nothing")


def figure_appopen(db: Path, count: int, repeat: int, memory: bool):  # type: ignore[no-untyped-def]
    from bench.measure import Result, median

    shown, filters, sorts, rss, peak = [], [], [], [], []
    rows = 0
    matched: dict = {}
    for _ in range(repeat):
        _, result = _child("appopen", db, *NEEDLES)
        shown.append(result["list_shown"])
        for times in result["filters"].values():
            filters += times
        sorts.append(result["sort"])
        rss.append(result["rss_mb"])
        peak.append(result["peak_mb"])
        rows = result["rows"]
        matched = result["matched"]
    out = [
        Result(
            f"open the app on {count:,} documents: list shown", median(shown), "ms", "< 1 s",
            median(shown) < 1, None, None, "", shown, f"{rows:,} rows listed",
        ),
        Result(
            "  filter the document list (type a needle / clear it)", median(filters), "ms",
            "< 200 ms", median(filters) < 0.2, None, None, "", filters,
            f"worst {max(filters) * 1000:.0f} ms; rows matched: "
            + ", ".join(f"{k!r} {v:,}" for k, v in matched.items()),
        ),
        Result(
            "  sort the document list by title", median(sorts), "ms", "(information)", None,
            None, None, "", sorts,
        ),
    ]
    if memory:
        m = median(rss)
        out.append(
            Result(
                f"memory with the {count:,}-document database open (RSS)", m, "MB", "< 400 MB",
                m < 400, None, None, "", rss,
                f"peak {max(peak):.0f} MB; after filtering, opening documents, scrolling, sorting"
                + ("; spaCy models loaded" if result.get("spacy_loaded") else ""),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument("--only", default="", help=f"comma-separated figures: {','.join(FIGURES)}")
    parser.add_argument("--repeat", type=int, default=0, help="runs per figure (median)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", type=Path, help="generate corpora here and keep them")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument(
        "--db", choices=("sqlite", "postgresql"), default="sqlite",
        help="postgresql: also measure open, edit, appopen, import and export on a PostgreSQL "
        "server the bench starts (Debian's server binaries), next to SQLite (bench/postgres_figures.py)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    repeat = args.repeat or sizes.repeat
    heavy = args.repeat or sizes.heavy_repeat
    only = [f for f in args.only.split(",") if f] or list(FIGURES)
    unknown = set(only) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")

    tmp = None
    if args.keep:
        workdir = args.keep
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="annotator-bench-")
        workdir = Path(tmp.name)
    _environment(workdir)

    from bench import corpus
    from bench.measure import Result, machine, table

    started = time.perf_counter()
    print(f"machine: {machine()}", flush=True)
    print(f"sizes: {'quick' if args.quick else 'full'} {sizes}", flush=True)
    results: list[Result] = []

    def report(new: list[Result]) -> None:
        for r in new:
            print(f"  {r.figure}: {' '.join(r.cells()[1:])}", flush=True)
        results.extend(new)

    try:
        if {"open", "edit", "scroll"} & set(only):
            from bench.gui_figures import (
                LongArticle,
                figure_edit,
                figure_open,
                figure_reject,
                figure_scroll,
            )

            long = LongArticle(workdir, sizes.long_chars, sizes.long_spans)
            if "open" in only:
                report(figure_open(long, repeat))
            if "edit" in only:
                report(figure_edit(long, max(repeat, 5)))
                report(figure_reject(long, max(repeat, 5)))
            if "scroll" in only:
                report(figure_scroll(long, repeat))
            long.close()
        if "preannotate" in only:
            from bench.gui_figures import figure_preannotate

            report(figure_preannotate(workdir, sizes.preannotate, args.repeat or sizes.long_repeat))
        if "import" in only:
            from bench.data_figures import figure_import

            report(figure_import(workdir, sizes.import_docs, repeat))
        if "articles" in only:
            from bench.data_figures import figure_import_articles

            report(figure_import_articles(workdir, sizes.article_pages, sizes.article_pdfs, heavy))
        def big_db() -> Path:
            big = workdir / f"big-{sizes.app_docs}.sqlite"
            if not big.exists():
                t0 = time.perf_counter()
                texts = corpus.short_texts(sizes.app_docs, random.Random(7))
                corpus.bulk_database(
                    big, [(f"Item {i}: {t[:70]}", t) for i, t in enumerate(texts)], random.Random(8)
                )
                print(f"  (generated {big.name} in {time.perf_counter() - t0:.0f} s)", flush=True)
            return big

        big = big_db() if {"export", "appopen", "memory"} & set(only) else None
        if "export" in only:
            from bench.data_figures import figure_export

            assert big is not None
            report(figure_export(big, workdir, sizes.app_docs, heavy))
            from bench.data_figures import plain_database

            plain = plain_database(workdir, sizes.plain_docs)
            report(figure_export(
                plain, workdir, sizes.plain_docs, heavy, "unannotated ~800-character articles"
            ))
        if "appopen" in only or "memory" in only:
            assert big is not None
            report(figure_appopen(big, sizes.app_docs, heavy, "memory" in only))
        if "agreement" in only:
            from bench.data_figures import figure_agreement

            report(figure_agreement(workdir, sizes.agreement_docs, args.repeat or sizes.long_repeat))
        if "coldstart" in only:
            small = workdir / "small.sqlite"
            if not small.exists():
                articles = corpus.article_texts(5, random.Random(2))
                corpus.bulk_database(small, articles, random.Random(2))
            report(figure_coldstart(small, repeat))
        if args.db == "postgresql":
            from bench import postgres_figures

            postgres_figures.run(workdir, sizes, only, repeat, heavy, big_db, list(results), report)
    finally:
        if tmp is not None:
            try:
                tmp.cleanup()
            except OSError:
                pass

    print()
    print(f"annotator benchmarks ({'quick: reduced sizes' if args.quick else 'full sizes'},"
          f" median of {repeat} runs, {heavy} for the heavy figures,"
          f" {args.repeat or sizes.long_repeat} for pre-annotation and agreement;"
          f" {time.perf_counter() - started:.0f} s)")
    print(f"machine: {machine()}")
    print()
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps([r.__dict__ for r in results], indent=2, default=str), encoding="utf-8"
        )
    missed = [r.figure for r in results if r.ok is False]
    if missed:
        why = "" if args.strict else " (not an error without --strict)"
        print(f"\n{len(missed)} target(s) missed{why}")
    return 1 if (args.strict and missed) else 0
