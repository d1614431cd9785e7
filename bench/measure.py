"""Timing helpers and the result table of the benchmarks.

Each figure is measured several times and reported as the median, next to a baseline measured in
the same run on the same data (the floor the toolkit itself sets), their ratio, the target and
whether the target is met.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """Resident set size and its peak (VmHWM) of a process, in MB (Linux /proc)."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


@dataclass
class Result:
    """One row of the table. ``unit`` says how to print the values: "ms", "s", "/s", "MB"."""

    figure: str
    value: float | None
    unit: str
    target: str
    ok: bool | None  # None: nothing to judge (not available, or informational)
    baseline: float | None = None
    ratio: float | None = None
    ratio_text: str = ""  # how the ratio is defined, e.g. "x base" or "of base"
    samples: list[float] = field(default_factory=list)
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.figure,
            fmt(self.value, self.unit),
            fmt(self.baseline, self.unit),
            "" if self.ratio is None else f"{self.ratio:.2f}{self.ratio_text}",
            self.target,
            {True: "pass", False: "MISS", None: "—"}[self.ok],
        ]


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms" and value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if unit == "ms":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value * 1000:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


HEADERS = ["figure", "median", "baseline", "ratio", "target", "result"]


def table(results: list[Result]) -> str:
    """A Markdown table (readable in a terminal, pasteable into docs/PERFORMANCE.md)."""
    rows = [HEADERS] + [r.cells() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"

    out = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows[1:]]
    notes = [f"- {r.figure}: {r.note}" for r in results if r.note]
    if notes:
        out += ["", *notes]
    return "\n".join(out)


def machine() -> str:
    """One line naming the machine, for the record."""
    import platform

    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor()
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kb = int(handle.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = [f"Python {platform.python_version()}"]
    for name, module in (("PySide6", "PySide6"), ("Qt", None), ("spaCy", "spacy"), ("SQLite", None)):
        try:
            if name == "Qt":
                from PySide6 import QtCore

                versions.append(f"Qt {QtCore.qVersion()}")
            elif name == "SQLite":
                import sqlite3

                versions.append(f"SQLite {sqlite3.sqlite_version}")
            else:
                mod = __import__(module or name)
                versions.append(f"{name} {mod.__version__}")
        except ImportError:
            pass
    load = ""
    try:
        load = "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    parts = [f"{os.cpu_count()} CPUs ({cpu})", mem, platform.platform(), ", ".join(versions), load]
    return "; ".join(p for p in parts if p)
