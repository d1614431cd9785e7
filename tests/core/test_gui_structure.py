"""Nothing below the main window imports it: a part that needs the window gets a protocol of
what it uses (``gui/window_protocols.py``), not the ``MainWindow`` class. Only ``gui/app.py``,
which builds the window, imports ``gui/main_window.py``.

Read from the import statements of every module, at any depth: inside functions and under
``if TYPE_CHECKING:`` too. (Import circles in general, gui included, are
``tests/core/test_architecture.py``'s; this is the rule that keeps the window from becoming
their hub again.)"""

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


def test_nothing_below_the_window_imports_it() -> None:
    graph = import_graph(GUI)
    assert WINDOW in graph
    importers = sorted(name for name, targets in graph.items() if WINDOW in targets)
    assert set(importers) <= ABOVE_WINDOW, importers


def test_the_check_sees_an_import_of_the_window_at_any_depth(tmp_path: Path) -> None:
    # Guard against the check above passing because it cannot see what it looks for.
    gui = tmp_path / "annotator" / "gui"
    (gui / "review").mkdir(parents=True)
    (gui / "__init__.py").write_text("")
    (gui / "review" / "__init__.py").write_text("")
    (gui / "main_window.py").write_text("from annotator.gui.review.view import View\n")
    (gui / "review" / "view.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from annotator.gui.main_window import MainWindow\n"
    )
    (gui / "review" / "pane.py").write_text("def f():\n    from .. import main_window\n")
    (gui / "review" / "bar.py").write_text("from annotator.gui import main_window as w\n")
    (gui / "review" / "keys.py").write_text("from . import pane\n")
    graph = import_graph(gui)
    importers = sorted(n for n, t in graph.items() if WINDOW in t)
    assert importers == ["annotator.gui.review.bar", "annotator.gui.review.pane", "annotator.gui.review.view"]
