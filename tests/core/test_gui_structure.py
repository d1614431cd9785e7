"""The GUI is a house without circles: no two of its modules import each other (directly or round
a loop), and nothing below the main window imports it — a part that needs the window gets a
protocol (``gui/window_protocols.py``) instead.

Read from the import statements of every module, at any depth: inside functions and under
``if TYPE_CHECKING:`` too, since a circle there is still a circle for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
GUI = PACKAGE / "gui"
WINDOW = "annotator.gui.main_window"
ABOVE_WINDOW = {"annotator.gui.app"}  # builds the window; nothing else may import it


def module_name(path: Path, root: Path) -> str:
    """``annotator.gui.review.view`` for ``<root>/review/view.py`` (``root``: the gui folder)."""
    parts = list(path.relative_to(root.parent.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of ``known`` that the module at ``path`` imports, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    found.add(full)
                elif base in known:
                    found.add(base)
    found.discard(name)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    known = set(paths)
    return {name: imports_of(path, name, known) for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_circles_between_gui_modules() -> None:
    assert circles(import_graph(GUI)) == []


def test_nothing_below_the_window_imports_it() -> None:
    graph = import_graph(GUI)
    assert WINDOW in graph
    importers = sorted(name for name, targets in graph.items() if WINDOW in targets)
    assert set(importers) <= ABOVE_WINDOW, importers


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    # Guard against the checks above passing because they cannot see what they look for.
    gui = tmp_path / "annotator" / "gui"
    (gui / "review").mkdir(parents=True)
    (gui / "__init__.py").write_text("")
    (gui / "review" / "__init__.py").write_text("")
    (gui / "main_window.py").write_text("from annotator.gui.review.view import View\n")
    (gui / "review" / "view.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from annotator.gui.main_window import MainWindow\n"
        "def f():\n"
        "    from . import pane\n"
    )
    (gui / "review" / "pane.py").write_text("from .view import View\n")
    graph = import_graph(gui)
    assert circles(graph) == [
        ["annotator.gui.main_window", "annotator.gui.review.pane", "annotator.gui.review.view"]
    ]
    assert [n for n, t in graph.items() if WINDOW in t] == ["annotator.gui.review.view"]
