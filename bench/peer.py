"""Side-by-side figures against another annotation tool, on the bench's generated data.

    python -m bench.peer labelstudio --url http://localhost:8080 --token TOKEN
    python -m bench.peer labelstudio --url ... --token ... --count 10000 --repeat 3 --json out.json

Two steps of ``issues show 19``'s table, each timed the way the bench times annotator (wall
clock around the whole step, the median of ``--repeat`` runs, the two tools alternating):

- import: ``--count`` short texts (``bench.corpus.short_texts``, the texts of the bench's import
  figure). Annotator: the whole ``annotator import FILE --no-preannotate`` command in a new
  process (start-up, language detection and the full-text index included). Label Studio: one
  ``POST /api/projects/{id}/import`` of the same texts as tasks into a new project, until the
  server has answered (and, when it imports in the background, until the import is completed).
- export: the same texts with 6 spans each (``bench.corpus.word_spans``, the same spans on
  both sides). Annotator: the whole ``annotator export OUT --format jsonl`` command. Label
  Studio: ``GET /api/projects/{id}/export?exportType=JSON``, until the body is read; the tasks
  were imported with the spans as annotations beforehand (not timed).

Label Studio's documented REST API is used through ``urllib`` (no client library): create a
project, import tasks, export them, delete the project. ``--token`` is a legacy API token (start
the server with ``--enable-legacy-api-token`` or ``LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true``)
or a personal access token, which is exchanged for an access token first. Nothing here runs in
the test suite against a server; ``tests/bench/test_peer.py`` checks the data both sides get.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import corpus

SPANS_PER_TEXT = 6
ANNOTATOR_NAME = "bench"


# -- the data both tools get ----------------------------------------------------------------------


@dataclass(frozen=True)
class PeerData:
    """The texts and, for the export step, each text's spans (start, end, label)."""

    texts: list[str]
    spans: list[list[tuple[int, int, str]]]


def peer_data(count: int, seed: int = 5) -> PeerData:
    texts = corpus.short_texts(count, random.Random(seed))
    rng = random.Random(seed + 1)
    return PeerData(texts, [corpus.word_spans(t, SPANS_PER_TEXT, rng) for t in texts])


def label_config(labels: Sequence[str] = corpus.LABELS) -> str:
    """Label Studio's labeling interface for named entities over a text field."""
    choices = "".join(f'<Label value="{label}"/>' for label in labels)
    return (
        '<View><Labels name="label" toName="text">'
        f'{choices}</Labels><Text name="text" value="$text"/></View>'
    )


def labelstudio_tasks(data: PeerData, with_spans: bool) -> list[dict[str, Any]]:
    """Label Studio tasks: the text, and (``with_spans``) one annotation holding the spans."""
    tasks: list[dict[str, Any]] = []
    for text, spans in zip(data.texts, data.spans, strict=True):
        task: dict[str, Any] = {"data": {"text": text}}
        if with_spans:
            task["annotations"] = [{
                "result": [
                    {
                        "id": f"s{n}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": a, "end": b, "text": text[a:b], "labels": [label]},
                    }
                    for n, (a, b, label) in enumerate(spans)
                ],
            }]
        tasks.append(task)
    return tasks


def write_annotator_files(data: PeerData, folder: Path) -> tuple[Path, Path]:
    """The texts as ``annotator import`` reads them (JSON lines, a title each), and the same
    texts with their spans as native records (for ``annotator import-annotations``)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = folder / "texts.jsonl"
    records = folder / "records.jsonl"
    with texts.open("w", encoding="utf-8") as plain, records.open("w", encoding="utf-8") as marked:
        for i, (text, spans) in enumerate(zip(data.texts, data.spans, strict=True)):
            meta = {"title": f"Item {i}"}
            plain.write(json.dumps({"text": text, "meta": meta}, ensure_ascii=False) + "\n")
            record = {
                "text": text, "meta": meta, "annotator": ANNOTATOR_NAME, "status": "done",
                "spans": [
                    {"start": a, "end": b, "label": label, "text": text[a:b]} for a, b, label in spans
                ],
            }
            marked.write(json.dumps(record, ensure_ascii=False) + "\n")
    return texts, records


# -- Label Studio's REST API ----------------------------------------------------------------------


class LabelStudio:
    """The few calls of Label Studio's REST API the figures need."""

    def __init__(self, url: str, token: str, timeout: float = 3600) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.authorization = f"Token {token}"
        if token.count(".") == 2:  # a personal access token (JWT): exchange it for an access one
            access = self.call("POST", "/api/token/refresh", {"refresh": token}, auth=False)
            self.authorization = f"Bearer {access['access']}"

    def call(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", self.authorization)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise SystemExit(f"Label Studio: {method} {path}: HTTP {exc.code} {detail}") from None
        return json.loads(raw) if raw else None

    def create_project(self, title: str) -> int:
        return int(self.call("POST", "/api/projects", {"title": title, "label_config": label_config()})["id"])

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """Import ``tasks``; when the server imports in the background, wait until it is done."""
        answer = self.call("POST", f"/api/projects/{project}/import", tasks) or {}
        job = answer.get("import")
        while job is not None:
            state = self.call("GET", f"/api/projects/{project}/imports/{job}")
            if state.get("status") in ("completed", "failed"):
                if state["status"] == "failed":
                    raise SystemExit(f"Label Studio: the import failed: {state}")
                return dict(state)
            time.sleep(0.05)
        return dict(answer)

    def export(self, project: int) -> list[dict[str, Any]]:
        query = "exportType=JSON&download_all_tasks=true"
        return list(self.call("GET", f"/api/projects/{project}/export?{query}"))

    def delete_project(self, project: int) -> None:
        self.call("DELETE", f"/api/projects/{project}")


# -- the figures -----------------------------------------------------------------------------------


@dataclass
class Figure:
    step: str
    count: int
    annotator_s: list[float]
    peer_s: list[float]

    @property
    def annotator_rate(self) -> float:
        return self.count / statistics.median(self.annotator_s)

    @property
    def peer_rate(self) -> float:
        return self.count / statistics.median(self.peer_s)

    def row(self) -> str:
        ratio = self.annotator_rate / self.peer_rate
        spread = "–".join(f"{self.count / s:,.0f}" for s in (max(self.annotator_s), min(self.annotator_s)))
        peer_spread = "–".join(f"{self.count / s:,.0f}" for s in (max(self.peer_s), min(self.peer_s)))
        return (
            f"| {self.step} | {self.annotator_rate:,.0f} docs/s ({spread}) | {self.peer_rate:,.0f}"
            f" docs/s ({peer_spread}) | {ratio:.2f}x ({'ahead' if ratio >= 1 else 'behind'}) |"
        )


def _annotator(*args: str) -> float:
    """Run an ``annotator`` command in a new process; the seconds it took."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator", *args], check=True, capture_output=True)
    return time.perf_counter() - t0


def run_labelstudio(ls: LabelStudio, data: PeerData, workdir: Path, repeat: int) -> list[Figure]:
    texts_file, records_file = write_annotator_files(data, workdir)
    count = len(data.texts)
    plain_tasks = labelstudio_tasks(data, with_spans=False)
    marked_tasks = labelstudio_tasks(data, with_spans=True)
    imports = Figure(f"import {count:,} short texts", count, [], [])
    exports = Figure(f"export them with {SPANS_PER_TEXT} spans each", count, [], [])
    projects: list[int] = []
    try:
        for k in range(repeat):
            db = workdir / f"import-{k}.sqlite"
            imports.annotator_s.append(
                _annotator("import", str(texts_file), "--db", str(db), "--no-preannotate")
            )
            project = ls.create_project(f"bench import {k}")
            projects.append(project)
            t0 = time.perf_counter()
            ls.import_tasks(project, plain_tasks)
            imports.peer_s.append(time.perf_counter() - t0)
        db = workdir / "export.sqlite"
        _annotator("import-annotations", str(records_file), "--db", str(db))
        project = ls.create_project("bench export")
        projects.append(project)
        ls.import_tasks(project, marked_tasks)
        for k in range(repeat):
            out = workdir / f"export-{k}.jsonl"
            exports.annotator_s.append(
                _annotator("export", str(out), "--db", str(db), "--format", "jsonl", "--force")
            )
            t0 = time.perf_counter()
            exported = ls.export(project)
            exports.peer_s.append(time.perf_counter() - t0)
            assert len(exported) == count, (len(exported), count)
            spans = sum(len(t["annotations"][0]["result"]) for t in exported if t.get("annotations"))
            assert spans == sum(len(s) for s in data.spans), "Label Studio lost spans"
            assert sum(1 for _ in out.open(encoding="utf-8")) == count
    finally:
        for project in projects:
            ls.delete_project(project)
    return [imports, exports]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.split("\n")[0])
    parser.add_argument("tool", choices=["labelstudio"])
    parser.add_argument("--url", required=True, help="the server, e.g. http://localhost:8080")
    parser.add_argument("--token", required=True, help="an API token of a user of that server")
    parser.add_argument("--count", type=int, default=10_000, help="short texts (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median)")
    parser.add_argument("--json", type=Path, help="also write the timings as JSON")
    args = parser.parse_args(argv)
    ls = LabelStudio(args.url, args.token)
    version = ls.call("GET", "/api/version") or {}
    peer = f"Label Studio {version.get('release', '?')}"
    data = peer_data(args.count)
    with tempfile.TemporaryDirectory(prefix="annotator-peer-") as tmp:
        figures = run_labelstudio(ls, data, Path(tmp), args.repeat)
    print(f"medians of {args.repeat} alternating runs (range in brackets)")
    print(f"| step | annotator | {peer} | ratio |")
    print("|---|---|---|---|")
    for figure in figures:
        print(figure.row())
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
