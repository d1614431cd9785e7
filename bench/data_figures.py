"""Figures measured on the services, without a window: import, export, agreement report.

Each calls the same service the command line calls (``annotator import``, ``annotator export``,
``annotator review``), on data generated in the benchmark's temporary folder.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

from bench import corpus
from bench.measure import Result, median

_BARE_IMPORT = """
import hashlib, json, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT NOT NULL,"
            " text_sha256 TEXT NOT NULL UNIQUE, title TEXT NOT NULL, source TEXT NOT NULL)")
con.execute("CREATE VIRTUAL TABLE document_fts USING fts5(title, source, text,"
            " content='document', content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
rows = []
with open(sys.argv[2], encoding="utf-8") as handle:
    for line in handle:
        record = json.loads(line)
        text, meta = record["text"], record["meta"]
        rows.append((text, hashlib.sha256(text.encode()).hexdigest(), meta["title"], meta["source"]))
con.execute("BEGIN")
con.executemany("INSERT INTO document (text, text_sha256, title, source) VALUES (?, ?, ?, ?)", rows)
con.execute("INSERT INTO document_fts (rowid, title, source, text)"
            " SELECT id, title, source, text FROM document")
con.execute("COMMIT")
"""


def _run_import(command: list[str], db: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds of one new process until it exits (the database removed before and after), and
    the CPU seconds (user + system) it used: on a loaded machine the wall clock also counts the
    other processes' turns, the CPU time does not."""
    import resource
    import subprocess
    import sys

    for path in db.parent.glob(db.name + "*"):
        path.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(  # from the checkout's root, as bench.child runs: this checkout's annotator
        [sys.executable, *command], check=True, stdout=subprocess.DEVNULL, env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for path in db.parent.glob(db.name + "*"):
        path.unlink()
    return elapsed, cpu


def figure_import(workdir: Path, count: int, repeat: int) -> list[Result]:
    """The whole ``annotator import`` command on one JSONL file of ``count`` short texts (a new
    process: start-up, reading, language detection, storing, the full-text index), no
    pre-annotation; against a bare script that reads the same file with ``json`` and inserts
    it with ``sqlite3`` into a document table and its FTS5 index (no detection, no checks).

    py3langid's model is unpacked into the app's cache on first use (nlp/langid_model.py): the
    first run after the warm-up, with that cache emptied, is reported in the note (cold cache);
    the figure is the median of the runs after it."""
    import os
    import shutil

    source = workdir / f"short-{count}.jsonl"
    corpus.write_short_jsonl(source, count, random.Random(5))
    db = workdir / f"import-{count}.sqlite"
    env = dict(os.environ)
    # Compiled modules cached (in the work folder, not beside the sources), as an installed
    # package has them: a checkout run with PYTHONDONTWRITEBYTECODE would compile every module.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    cache = Path(env.get("ANNOTATOR_CACHE_DIR") or workdir / "cache")
    env["ANNOTATOR_CACHE_DIR"] = str(cache)
    ours_cmd = ["-m", "annotator", "import", "--db", str(db), "--no-preannotate", str(source)]
    bare_cmd = ["-c", _BARE_IMPORT, str(db), str(source)]
    _run_import(ours_cmd, db, env)  # warm-up: the compiled modules are written
    shutil.rmtree(cache, ignore_errors=True)
    cold, cold_cpu = _run_import(ours_cmd, db, env)  # the cache built again
    ours, base, ours_cpu, base_cpu = [], [], [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        seconds, cpu = _run_import(ours_cmd, db, env)
        ours.append(count / seconds)
        ours_cpu.append(cpu)
        seconds, cpu = _run_import(bare_cmd, db, env)
        base.append(count / seconds)
        base_cpu.append(cpu)
    m, b = median(ours), median(base)
    return [
        Result(
            f"import {count:,} short texts: the whole `annotator import` command", m, "/s",
            ">= 10,000/s", m >= 10_000, b, m / b, " of bare", ours,
            "a new process, start-up included; languages detected (CLD2, py3langid when unsure),"
            " full-text index kept, no pre-annotation; baseline: python + json + sqlite3 inserting"
            " the same file into a bare table and FTS5 index; CPU (user + system) per run"
            f" {min(ours_cpu):.2f}-{max(ours_cpu):.2f} s (bare {min(base_cpu):.2f}-{max(base_cpu):.2f} s);"
            f" first run with an empty cache (py3langid's model unpacked): {count / cold:,.0f}/s,"
            f" CPU {cold_cpu:.2f} s",
        )
    ]


def _page_html(title: str, text: str, i: int) -> str:
    """A saved news page around one article: details in <meta>, menus, an ad, related, footer."""
    from html import escape

    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n")[1:] if p.strip())
    outlet = corpus.OUTLETS[i % len(corpus.OUTLETS)]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {outlet}</title>"
        f'<meta property="og:site_name" content="{outlet}"><meta name="author" content="Desk {i % 7}">'
        f'<meta property="article:published_time" content="2023-09-{1 + i % 28:02d}T10:00:00Z">'
        f'<link rel="canonical" href="https://news.example/{i}"></head><body>'
        '<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>'
        '</nav></header><div class="ad">Advertisement</div>'
        f"<main><article><h1>{escape(title)}</h1>{paragraphs}</article>"
        '<aside class="related"><h3>Related</h3><a href="/r">Markets rally</a></aside></main>'
        "<footer>© 2023 All rights reserved. <a href='/privacy'>Privacy</a></footer></body></html>"
    )


def _write_pdf(path: Path, title: str, text: str, pages: int) -> None:
    """A report of ``pages`` pages: running header, page numbers, the text wrapped in lines."""
    import textwrap

    from reportlab.pdfgen import canvas  # the test extra: pip install -e ".[test]"

    lines = [line for p in text.split("\n") for line in [*textwrap.wrap(p, 80), ""]]
    per_page = max(1, len(lines) // pages + 1)
    c = canvas.Canvas(str(path))
    c.setTitle(title)
    for number in range(pages):
        c.setFont("Helvetica", 8)
        c.drawString(72, 800, "Research brief")
        c.setFont("Helvetica", 10)
        y = 760.0
        for line in lines[number * per_page : (number + 1) * per_page]:
            if line:
                c.drawString(72, y, line)
            y -= 13
        c.setFont("Helvetica", 8)
        c.drawString(290, 40, str(number + 1))
        c.showPage()
    c.save()


def figure_import_articles(workdir: Path, pages: int, pdfs: int, repeat: int) -> list[Result]:
    """Import a folder of saved news pages and PDF reports (main text and details extracted),
    against the same texts as plain .txt files (in-run baseline); no pre-annotation."""
    from annotator.core.labels import default_labels
    from annotator.services.importing import import_paths
    from annotator.store import Store

    folder, plain = workdir / f"articles-{pages}-{pdfs}", workdir / f"articles-txt-{pages}-{pdfs}"
    if not folder.exists():
        folder.mkdir()
        plain.mkdir()
        texts = corpus.article_texts(pages + pdfs, random.Random(11))
        for i, (title, text) in enumerate(texts):
            if i < pages:
                (folder / f"page_{i:05d}.html").write_text(_page_html(title, text, i), encoding="utf-8")
            else:
                _write_pdf(folder / f"report_{i:05d}.pdf", title, text, pages=3)
            (plain / f"article_{i:05d}.txt").write_text(text, encoding="utf-8")
    files = pages + pdfs

    def rate(source: Path, k: int) -> float:
        db = corpus.remove_database(workdir / f"articles-{k}.sqlite")
        store = Store(db)
        t0 = time.perf_counter()
        report = import_paths(store, [source], default_labels(), None)
        elapsed = time.perf_counter() - t0
        assert len(report.added) == files, (len(report.added), files, report.notices)
        store.close()
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
        return files / elapsed

    ours, base = [], []
    for k in range(repeat):  # interleaved
        base.append(rate(plain, k))
        ours.append(rate(folder, k))
    m, b = median(ours), median(base)
    return [
        Result(
            f"import {pages:,} saved web pages and {pdfs:,} 3-page PDFs (a folder)", m, "/s",
            "(information)", None, b, m / b, "x .txt", ours,
            "files per second, extraction included; baseline: the same texts as .txt files",
        )
    ]


def _baseline_export(db: Path, out: Path) -> int:
    """The floor: read the same rows with sqlite3 and json.dumps the same records to a file.

    It writes what the native export writes, byte for byte, for a database without actors,
    events or frames (the benchmark's): the figure checks that the files are equal.
    """
    con = sqlite3.connect(db)
    annotators = dict(con.execute("SELECT id, name FROM annotator"))
    spans = con.execute(
        'SELECT document_id, annotator_id, start, "end", label, origin, layer FROM span'
        ' ORDER BY document_id, annotator_id, start, "end", id'
    )
    pending = next(spans, None)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc in con.execute(
            "SELECT id, text, text_sha256, title, source, date, lang, url, filename, author, status"
            " FROM document ORDER BY id"
        ):
            doc_id, text = doc[0], doc[1]
            groups: dict[str, list[dict[str, object]]] = {}
            while pending is not None and pending[0] == doc_id:
                group = groups.setdefault(annotators[pending[1]], [])
                group.append(
                    {"id": len(group) + 1, "start": pending[2], "end": pending[3],
                     "label": pending[4], "text": text[pending[2]:pending[3]],
                     "origin": pending[5], "layer": pending[6]}
                )
                pending = next(spans, None)
            meta = dict(zip(("title", "source", "date", "lang", "url", "filename", "author"), doc[3:10],
                            strict=True))
            records: list[tuple[str | None, list[dict[str, object]]]] = (
                list(sorted(groups.items())) if groups else [(None, [])]
            )
            for name, group in records:
                handle.write(json.dumps({
                    "text": text, "text_sha256": doc[2], "meta": meta, "annotator": name,
                    "status": doc[10], "spans": group, "actors": [], "events": [], "frames": None,
                    "format_version": 2,
                }, ensure_ascii=False))
                handle.write("\n")
                count += 1
    con.close()
    return count


def plain_database(workdir: Path, count: int) -> Path:
    """``count`` articles of about 800 characters, nobody's annotations (no spans at all)."""
    db = workdir / f"plain-{count}.sqlite"
    if not db.exists():
        articles = corpus.medium_articles(count, random.Random(21))
        corpus.bulk_database(
            db, articles, random.Random(22), human_share=0.0, spans_per_doc=0, suggestions_per_doc=0
        )
    return db


def figure_export(
    db: Path, workdir: Path, count: int, repeat: int, what: str = "annotated documents"
) -> list[Result]:
    from annotator.services.exporting import export
    from annotator.store import Store

    ours, base = [], []
    records = 0
    for _ in range(repeat):  # interleaved, so both see the same machine load
        out = workdir / "export.jsonl"
        store = Store(db)
        t0 = time.perf_counter()
        report = export(store, out, "jsonl", overwrite=True)
        ours.append(count / (time.perf_counter() - t0))
        store.close()
        records = report.total_records
        ours_bytes = out.read_bytes()
        out.unlink()
        t0 = time.perf_counter()
        n = _baseline_export(db, out)
        base.append(count / (time.perf_counter() - t0))
        assert n == records, (n, records)
        assert out.read_bytes() == ours_bytes, "the baseline must write what the export writes"
        out.unlink()
    m, b = median(ours), median(base)
    return [
        Result(
            f"export {count:,} {what} to native JSONL", m, "/s", ">= 50% of base",
            m >= 0.5 * b, b, m / b, " of base", ours,
            f"documents/s ({records:,} records); baseline: sqlite3 rows + json.dumps to a file",
        )
    ]


def agreement_database(workdir: Path, count: int, short: bool = False) -> Path:
    """Two analysts (alice, bob) on every document; bob changes a fifth of alice's spans."""
    db = workdir / f"agreement-{'short' if short else 'articles'}-{count}.sqlite"
    if db.exists():  # made by an earlier run in a --keep folder: the same seeded content
        return db
    if short:
        texts = [(f"Item {i}", t) for i, t in enumerate(corpus.short_texts(count, random.Random(11)))]
        per_doc = 4
    else:
        texts = corpus.article_texts(count, random.Random(11))
        per_doc = 20
    corpus.bulk_database(
        db, texts, random.Random(12), human=("alice", "bob"), human_share=1.0,
        spans_per_doc=per_doc, suggestions_per_doc=2, disagree=0.2,
    )
    return db


def figure_agreement(workdir: Path, count: int, repeat: int) -> list[Result]:
    try:
        from annotator.services.annotation_sets import PARALLEL_MIN_BYTES
        from annotator.services.exporting import ExportFilters, export
        from annotator.services.review import review_database, review_files
        from annotator.store import Store
    except ImportError:
        return [Result(f"agreement report, {count:,} documents, two annotators", None, "s",
                       "< 5 s", None, note="not available: no annotator.services.review")]
    out = []
    for short in (False, True):
        db = agreement_database(workdir, count, short)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            report = review_database(db, ["alice", "bob"])
            times.append(time.perf_counter() - t0)
        assert report.documents_compared == count, report.documents_compared
        m = median(times)
        what = "short texts (~250 characters)" if short else "articles (~3 kB)"
        out.append(
            Result(
                f"agreement report, {count:,} {what}, two annotators", m, "s", "< 5 s", m < 5,
                None, None, "", times,
                f"{report.tokens:,} tokens; from the database (annotator review --db), documents"
                " counted in worker processes from 2,000 documents",
            )
        )
        if short:
            continue
        # The same sets as two colleagues' files (annotator review A.jsonl B.jsonl): reading and
        # checking the files is part of the time.
        files = []
        store = Store(db)
        try:
            for name in ("alice", "bob"):
                path = workdir / f"agreement-{name}.jsonl"
                export(store, path, "jsonl", ExportFilters(annotator=name), overwrite=True)
                files.append(path)
        finally:
            store.close()
        size = sum(f.stat().st_size for f in files) / 1e6
        # The command as the user runs it (parts in worker processes from 16 MB of files), and the
        # one-process route as the baseline, alternating.
        times, alone_times = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            from_files = review_files(files)
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            alone = review_files(files, workers=1)
            alone_times.append(time.perf_counter() - t0)
        got = from_files.to_json()
        assert got == alone.to_json(), "parts and one process differ"
        expected = report.to_json()
        for data in (got, expected):
            data.pop("annotators")  # the sources: two files, or the database
        assert got == expected, "files and database differ"
        m, base = median(times), median(alone_times)
        out.append(
            Result(
                f"  same, from the two exported files ({size:,.0f} MB of JSON lines)", m,
                "s", "< 3 s", m < 3, base, m / base, "x base", times,
                ("read, checked and counted in parts (this process and a worker process per"
                 " further CPU)" if size * 1e6 >= PARALLEL_MIN_BYTES else
                 f"read, checked and counted in one process (under {PARALLEL_MIN_BYTES >> 20} MiB)")
                + "; baseline: the same in one process; the same report as from the database",
            )
        )
    return out
