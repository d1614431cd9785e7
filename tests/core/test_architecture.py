"""The architecture holds: layers import downwards only, no module circles, Qt only in gui/.

Checked on the syntax tree of every module of the ``annotator`` package. napari enforces similar
contracts with import-linter (on grimp's graph); this scan is written here instead because it
must also see modules imported by name (below), which grimp does not, and say where each import
sits, while the graph work itself (components, shortest circles) is networkx's. Every import
counts, wherever it is: at module level, inside a function, under ``if TYPE_CHECKING:``; relative
imports are resolved; ``from package import module`` is an import of that module; and a string
constant that is exactly a module's dotted name (``"annotator.formats.prodigy:read_prodigy"``,
loaded by ``importlib``) counts too. Importing ``a.b.c`` is counted as an import of ``a.b.c``
only, not of the packages ``a`` and ``a.b`` that Python initialises on the way (a package's
``__init__`` importing its own modules would otherwise make every package a circle).

The rules, one test each:

1. No import cycles between modules (``test_no_import_cycles``): two modules never import each
   other, directly or around a longer circle; each is reported as ``a → b → c → a``.
2. Layers, lowest first (``test_no_upward_imports``); a module may import its own layer's unit
   and any lower layer, never a higher one:

   - base: ``annotator`` (the package ``__init__``: the version), ``annotator.resources``
     (where the packaged files are) and ``annotator.terminal`` (text from files made safe to
     print on a terminal). They import nothing of the package; core reads the built-in schema
     files through ``resources``.
   - core: plain Python domain objects and rules.
   - store, nlp, formats: the adapters to SQLite, spaCy and files.
   - settings: the user's configuration file. Above the adapters so that core, store, nlp and
     formats never read the user's settings behind the caller's back (their callers pass the
     values in, and tests never touch the user's configuration); below services, which may read
     it. It imports nothing of the package today.
   - services: the use cases the GUI and the command line share.
   - gui, cli: the two front ends.
   - ``annotator.__main__``: ``python -m annotator``, which runs the command line.

   A new top-level module or package must be given a place (``test_every_module_has_a_layer``).
3. Within a layer, different units do not import each other (``test_no_sideways_imports``).
   Today store, nlp and formats share nothing but core, and this keeps them so: what two of them
   need belongs in core, or in a service that calls both. The base's modules are independent
   too. The front ends have their own two rules:
4. gui never imports cli (``test_gui_never_imports_cli``): what both need lives below them.
5. cli imports gui only to launch it (``test_cli_imports_gui_only_to_launch_it``): the one
   allowed import is ``annotator.gui.app``, inside a function, so every other command runs
   without loading Qt.
6. Nothing outside gui/ imports PySide6; core imports no Qt, SQL or spaCy.

The cycle finder and the layer rules are tried on planted, synthetic graphs and a small package
written to a temporary folder, and the scan of the real package is checked to have found it, so
none of these tests can pass because it looked at nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
ROOT = PACKAGE.name

# Lowest first. A unit is a top-level module or package of ``annotator``; ``annotator`` itself
# stands for the package's ``__init__``.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("base", frozenset({"annotator", "resources", "terminal"})),
    ("core", frozenset({"core"})),
    ("store/nlp/formats", frozenset({"store", "nlp", "formats"})),
    ("settings", frozenset({"settings"})),
    ("services", frozenset({"services"})),
    ("front ends", frozenset({"gui", "cli"})),
    ("entry point", frozenset({"__main__"})),
)
LAUNCH_GUI = "annotator.gui.app"  # what cli may import from gui, inside a function


@dataclass(frozen=True, slots=True)
class Edge:
    """One import of a module of the package by another."""

    source: str  # the importing module, dotted
    target: str  # the imported module, dotted
    file: str  # the importing file, relative to the checkout
    line: int
    where: str = "module level"  # or "in a function", "under TYPE_CHECKING", "by name"

    def __str__(self) -> str:
        where = "" if self.where == "module level" else f" ({self.where})"
        return f"{self.file}:{self.line} imports {self.target}{where}"


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    file: str
    external: frozenset[str]  # top-level names of the packages outside ours that it imports
    edges: tuple[Edge, ...]


# -- the scan -------------------------------------------------------------------------------------


def module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _ImportVisitor(ast.NodeVisitor):
    """Every import of one module with where it sits (module level, function, TYPE_CHECKING)."""

    def __init__(self, module: str, is_package: bool, known: set[str], root: str) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.known = known
        self.root = root
        self.context: list[str] = []
        self.found: list[tuple[str, int, str]] = []  # (target, line, where)
        self.external: set[str] = set()

    @property
    def where(self) -> str:
        return self.context[-1] if self.context else "module level"

    def _resolve(self, dotted: str) -> str | None:
        """The module ``dotted`` is or lies in (``a.b.Name`` -> ``a.b``), if it is one of ours."""
        while dotted and dotted not in self.known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    def _add(self, dotted: str, line: int, where: str | None = None) -> None:
        if dotted.split(".")[0] != self.root:
            self.external.add(dotted.split(".")[0])
            return
        target = self._resolve(dotted)
        if target is None or target == self.module:
            return
        found = (target, line, where or self.where)
        if found not in self.found:
            self.found.append(found)

    def _nested(self, node: ast.AST, where: str) -> None:
        self.context.append(where)
        self.generic_visit(node)
        self.context.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._nested(node, "in a function")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._nested(node, "in a function")

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self.visit(node.test)
        self.context.append("under TYPE_CHECKING")
        for child in node.body:
            self.visit(child)
        self.context.pop()
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            full = f"{base}.{node.module}" if node.module else base
        else:
            full = node.module or ""
        for alias in node.names:
            submodule = f"{full}.{alias.name}"
            self._add(submodule if submodule in self.known else full, node.lineno)

    def visit_Constant(self, node: ast.Constant) -> None:
        # "annotator.formats.prodigy:read_prodigy", imported by name with importlib.
        # (A dotted name only: the bare "annotator" is the application's name in many places.)
        if isinstance(node.value, str):
            name = node.value.partition(":")[0]
            if "." in name and name in self.known:
                self._add(name, node.lineno, "by name")


def scan_package(package_dir: Path) -> dict[str, Module]:
    """Every module of the package at ``package_dir`` with its imports."""
    files = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    known = set(files)
    modules: dict[str, Module] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visitor = _ImportVisitor(name, path.name == "__init__.py", known, package_dir.name)
        visitor.visit(tree)
        file = str(path.relative_to(package_dir.parent))
        edges = tuple(Edge(name, t, file, line, where) for t, line, where in visitor.found)
        modules[name] = Module(name, file, frozenset(visitor.external), edges)
    return modules


@cache
def _package() -> dict[str, Module]:
    return scan_package(PACKAGE)


def _edges() -> list[Edge]:
    return [edge for module in _package().values() for edge in module.edges]


def import_graph(edges: Iterable[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    return graph


# -- cycles ---------------------------------------------------------------------------------------


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Import circles: for every module on one, the shortest circle through it, each circle once
    (rotated to start at its first module in sorted order). Each is a list of modules, the first
    importing the second and so on, the last importing the first. networkx finds the strongly
    connected components (the modules that reach each other) and the shortest paths in them."""
    digraph = nx.DiGraph()
    for source in sorted(graph):
        digraph.add_node(source)
        digraph.add_edges_from((source, target) for target in sorted(graph[source]))
    cycles: set[tuple[str, ...]] = set()
    for component in nx.strongly_connected_components(digraph):
        if len(component) < 2:
            continue
        inside = digraph.subgraph(component)
        for node in sorted(component):
            paths = [nx.shortest_path(inside, succ, node) for succ in sorted(inside.successors(node))]
            cycle = [node, *min(paths, key=len)[:-1]]
            first = cycle.index(min(cycle))
            cycles.add(tuple(cycle[first:] + cycle[:first]))
    return [list(c) for c in sorted(cycles, key=lambda c: (len(c), c))]


def chain(cycle: Sequence[str]) -> str:
    return " → ".join([*cycle, cycle[0]])


def _cycle_report(cycles: list[list[str]], edges: Iterable[Edge]) -> str:
    first_edge: dict[tuple[str, str], Edge] = {}
    for edge in sorted(edges, key=lambda e: e.line):
        first_edge.setdefault((edge.source, edge.target), edge)
    lines = [f"{len(cycles)} import cycle(s) between modules of {ROOT}; import downwards only:"]
    for cycle in cycles:
        lines.append(f"  {chain(cycle)}")
        for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            lines.append(f"      {first_edge[(a, b)]}")
    return "\n".join(lines)


# -- layers ---------------------------------------------------------------------------------------


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_of(module: str) -> int | None:
    unit = unit_of(module)
    for rank, (_name, units) in enumerate(LAYERS):
        if unit in units:
            return rank
    return None


def upward_imports(edges: Iterable[Edge]) -> list[str]:
    out = []
    for edge in edges:
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source is not None and target is not None and target > source:
            out.append(
                f"{edge}: {unit_of(edge.source)} (layer {LAYERS[source][0]!r}) may not import "
                f"{unit_of(edge.target)} (layer {LAYERS[target][0]!r}, above it)"
            )
    return out


def sideways_imports(edges: Iterable[Edge]) -> list[str]:
    """Imports between different units of one layer (the front ends have their own rules)."""
    out = []
    for edge in edges:
        source, target = layer_of(edge.source), layer_of(edge.target)
        a, b = unit_of(edge.source), unit_of(edge.target)
        if source is None or source != target or a == b or {a, b} == {"gui", "cli"}:
            continue
        out.append(f"{edge}: {a} and {b} share layer {LAYERS[source][0]!r} and stay independent")
    return out


# -- self-tests: the checks find what they are meant to find --------------------------------------


def test_cycle_finder_finds_planted_cycles() -> None:
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},  # a → b → c → a
        "d": {"e"},
        "e": set(),  # d, e: on no cycle
        "x": {"y", "a"},
        "y": {"x"},  # x → y → x, leading into the first circle without closing one with it
    }
    assert [chain(c) for c in find_cycles(graph)] == ["x → y → x", "a → b → c → a"]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_scan_counts_lazy_type_checking_relative_and_by_name_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A planted package."""\n')
    (package / "sub" / "__init__.py").write_text("from .b import B\n")
    (package / "top.py").write_text(
        "from typing import TYPE_CHECKING\nimport json\nif TYPE_CHECKING:\n    from pkg.sub.b import B\n"
    )
    (package / "sub" / "a.py").write_text("def f():\n    from .. import top\n    return top\n")
    (package / "sub" / "b.py").write_text("from . import a\nB = 1\n")
    (package / "sub" / "c.py").write_text('READER = "pkg.top:read"\n')
    modules = scan_package(package)
    edges = [e for m in modules.values() for e in m.edges]
    found = {(e.source, e.target, e.where) for e in edges}
    assert found == {
        ("pkg.sub", "pkg.sub.b", "module level"),
        ("pkg.top", "pkg.sub.b", "under TYPE_CHECKING"),
        ("pkg.sub.a", "pkg.top", "in a function"),
        ("pkg.sub.b", "pkg.sub.a", "module level"),
        ("pkg.sub.c", "pkg.top", "by name"),
    }
    assert modules["pkg.top"].external == {"typing", "json"}
    assert [chain(c) for c in find_cycles(import_graph(edges))] == [
        "pkg.sub.a → pkg.top → pkg.sub.b → pkg.sub.a"
    ]


def test_layer_rules_flag_planted_violations() -> None:
    def edge(source: str, target: str) -> Edge:
        return Edge(source, target, "planted.py", 1)

    assert len(upward_imports([edge("annotator.core.model", "annotator.store.tables")])) == 1
    assert len(upward_imports([edge("annotator.store.tables", "annotator.services.review")])) == 1
    assert len(upward_imports([edge("annotator.core.schema", "annotator.settings")])) == 1
    assert upward_imports([edge("annotator.gui.app", "annotator.core.model")]) == []
    assert len(sideways_imports([edge("annotator.store.engine", "annotator.nlp.lang")])) == 1
    assert sideways_imports([edge("annotator.store.engine", "annotator.store.tables")]) == []


def test_the_scan_found_the_package() -> None:
    # Guard against the checks passing because they found nothing.
    modules = _package()
    assert len(modules) > 20
    assert "annotator.gui.main_window" in modules
    assert {unit_of(m) for m in modules} >= {"core", "store", "nlp", "formats", "services", "gui", "cli"}
    edges = _edges()
    assert len(edges) > 200
    assert "annotator.core.spans" in {e.target for e in edges if e.source == "annotator.core.model"}
    assert any(e.source == "annotator.cli" and e.where == "in a function" for e in edges)
    assert any(e.where == "under TYPE_CHECKING" for e in edges)
    assert any(e.source == "annotator.formats.registry" and e.where == "by name" for e in edges)


# -- the rules ------------------------------------------------------------------------------------


def _fail_unless_empty(found: Sequence[str], why: str) -> None:
    if found:
        pytest.fail(why + ":\n" + "\n".join(f"  {line}" for line in found), pytrace=False)


def test_no_import_cycles() -> None:
    edges = _edges()
    cycles = find_cycles(import_graph(edges))
    if cycles:
        pytest.fail(_cycle_report(cycles, edges), pytrace=False)


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({unit_of(m) for m in _package() if layer_of(m) is None})
    _fail_unless_empty(unplaced, "give these a place in LAYERS (and in this file's docstring)")


def test_no_upward_imports() -> None:
    order = " < ".join(name for name, _ in LAYERS)
    _fail_unless_empty(upward_imports(_edges()), f"imports up the layers ({order})")


def test_no_sideways_imports() -> None:
    _fail_unless_empty(sideways_imports(_edges()), "imports between units of one layer")


def test_gui_never_imports_cli() -> None:
    found = [str(e) for e in _edges() if unit_of(e.source) == "gui" and unit_of(e.target) == "cli"]
    _fail_unless_empty(found, "the window depends on the command line; move what both need below them")


def test_cli_imports_gui_only_to_launch_it() -> None:
    found = [
        str(e)
        for e in _edges()
        if unit_of(e.source) == "cli"
        and unit_of(e.target) == "gui"
        and (e.target != LAUNCH_GUI or e.where != "in a function")
    ]
    _fail_unless_empty(found, f"cli may import only {LAUNCH_GUI}, inside the function that launches it")


def test_only_gui_imports_qt() -> None:
    found = [
        f"{m.file} imports PySide6"
        for m in _package().values()
        if unit_of(m.name) != "gui" and "PySide6" in m.external
    ]
    _fail_unless_empty(found, "Qt outside annotator/gui")


def test_core_imports_no_qt_sql_or_spacy() -> None:
    forbidden = {"PySide6", "sqlalchemy", "sqlmodel", "sqlite3", "spacy"}
    found = [
        f"{m.file} imports {', '.join(sorted(m.external & forbidden))}"
        for m in _package().values()
        if unit_of(m.name) == "core" and m.external & forbidden
    ]
    _fail_unless_empty(found, "core is plain Python: no Qt, SQL or spaCy")
