"""The layers stay apart: Qt only in gui/, and core/ free of Qt, SQL and spaCy.

Checked on the import statements of every module (napari enforces the same with import-linter).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.startswith("annotator."):
                names.add(node.module)
    return names


def test_only_gui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "gui" not in p.relative_to(PACKAGE).parts and "PySide6" in _imports(p)
    ]
    assert offenders == []


def test_core_imports_no_qt_sql_or_spacy() -> None:
    forbidden = {"PySide6", "sqlalchemy", "sqlmodel", "sqlite3", "spacy"}
    offenders = {}
    for p in (PACKAGE / "core").rglob("*.py"):
        bad = _imports(p) & forbidden
        bad |= {n for n in _imports(p) if n.startswith(("annotator.gui", "annotator.store", "annotator.nlp"))}
        if bad:
            offenders[str(p.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}


def test_package_tree_is_checked() -> None:
    # Guard against the scans above passing because they found nothing.
    assert len(list(PACKAGE.rglob("*.py"))) > 20
    assert (PACKAGE / "gui" / "main_window.py").exists()
