"""Safe with untrusted files: no code execution on data, SQL only through bound parameters, and
nothing read from a file decides where anything is written.

The first checks read the source of every module of ``annotator/`` (an AST scan, like the
architecture test): no ``pickle``/``marshal``/``shelve``, no ``eval``/``exec``/``compile``, no
``shell=True``, no archive unpacking; and every string with SQL that is built by formatting
interpolates only module constants, literal choices, or helper arguments that every call site
passes as a string literal. A line that formats SQL from values the code itself builds (column
names of a table, ``?`` marks) says so with a ``# safe-sql: why`` comment, which is then reviewed
with the change. The last test writes brat files for records whose file names and titles try to
climb out of the target folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from annotator.core.model import AnnotationRecord, DocumentMeta, Span, Status

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WHERE|VALUES|MATCH)\b")
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle"}
# No archive is unpacked: a member named ../../x could not decide where anything is written.
FORBIDDEN_MODULES |= {"zipfile", "tarfile"}
# Modules that may open a zip to read its directory (a .docx's sizes, checked against zip bombs
# before python-docx inflates it) — never to extract: extract()/extractall() are refused anywhere.
ZIP_READERS = {"formats/word.py"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}

# Helper parameters interpolated into SQL: (file, function, parameter) -> the parameter must be a
# string literal at every call site in that file (column names chosen by the code, not data).
LITERAL_PARAMETERS = {
    ("store/corpus.py", "_ids_clause", "column"),
}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(PACKAGE)), ast.parse(p.read_text(encoding="utf-8"), filename=str(p)))
        for p in sorted(PACKAGE.rglob("*.py"))
    ]


def _reviewed_lines(name: str) -> set[int]:
    """Lines marked ``# safe-sql: why`` (SQL formatted from code-built values, reviewed)."""
    lines = (PACKAGE / name).read_text(encoding="utf-8").splitlines()
    return {n for n, line in enumerate(lines, start=1) if re.search(r"#\s*safe-sql:\s*\S", line)}


def test_no_pickle_eval_exec_or_shell() -> None:
    offenders: list[str] = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                bad = {a.name.split(".")[0] for a in node.names} & FORBIDDEN_MODULES
            elif isinstance(node, ast.ImportFrom) and node.module:
                bad = {node.module.split(".")[0]} & FORBIDDEN_MODULES
            else:
                bad = set()
            if name in ZIP_READERS:
                bad -= {"zipfile"}
            offenders += [f"{name}:{node.lineno}: imports {m}" for m in sorted(bad)]
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and (
                func.attr == "extractall" or (func.attr == "extract" and name in ZIP_READERS)
            ):
                offenders.append(f"{name}:{node.lineno}: extracts from an archive")
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                offenders.append(f"{name}:{node.lineno}: calls {func.id}()")
            if isinstance(func, ast.Attribute) and func.attr in ("system", "popen") and (
                isinstance(func.value, ast.Name) and func.value.id == "os"
            ):
                offenders.append(f"{name}:{node.lineno}: calls os.{func.attr}()")
            if isinstance(func, ast.Attribute) and func.attr == "unpack_archive":
                offenders.append(f"{name}:{node.lineno}: unpacks an archive")
            if isinstance(func, ast.Attribute) and func.attr == "load" and (
                isinstance(func.value, ast.Name) and func.value.id == "yaml"
            ):
                offenders.append(f"{name}:{node.lineno}: yaml.load (use safe_load)")
            for keyword in node.keywords:
                if keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    offenders.append(f"{name}:{node.lineno}: shell=True")
    assert offenders == []


def _trusted(expr: ast.expr, params: set[str]) -> bool:
    """An interpolated expression that cannot carry data: a constant, a module constant
    (UPPER_CASE name), a choice between such, or a parameter checked at every call site."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Name):
        return expr.id.isupper() or expr.id in params
    if isinstance(expr, ast.IfExp):
        return _trusted(expr.body, params) and _trusted(expr.orelse, params)
    return False


def _formatted_sql(tree: ast.Module) -> list[tuple[int, str, list[ast.expr]]]:
    """(line, literal text, interpolated expressions) of every formatted string holding SQL."""
    found: list[tuple[int, str, list[ast.expr]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
            exprs = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            text = node.func.value.value
            exprs = [*node.args, *(k.value for k in node.keywords)]
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
        ):
            text, exprs = node.left.value, [node.right]
        else:
            continue
        if SQL.search(text):
            found.append((node.lineno, text, exprs))
    return found


def _literal_at_every_call(tree: ast.Module, function: str, parameter: str) -> bool:
    definition = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function
    )
    position = [a.arg for a in definition.args.args].index(parameter)
    calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == function
    ]
    for call in calls:
        arg = next((k.value for k in call.keywords if k.arg == parameter), None)
        if arg is None and position < len(call.args):
            arg = call.args[position]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return False
    return bool(calls)


def test_sql_is_never_formatted_with_data() -> None:
    offenders: list[str] = []
    for name, tree in _modules():
        params = {p for f, _, p in LITERAL_PARAMETERS if f == name}
        reviewed = _reviewed_lines(name)
        for line, _text, exprs in _formatted_sql(tree):
            if line in reviewed:
                continue
            for expr in exprs:
                if not _trusted(expr, params):
                    offenders.append(f"{name}:{line}: SQL formatted with {ast.unparse(expr)}")
    # Data goes in through bound parameters. If these values are built by the code (never from
    # a file or a user), mark the line with "# safe-sql: why".
    assert offenders == []


def test_sql_helper_parameters_are_literals_at_every_call_site() -> None:
    trees = dict(_modules())
    for file, function, parameter in sorted(LITERAL_PARAMETERS):
        assert _literal_at_every_call(trees[file], function, parameter), (file, function, parameter)


def test_the_scan_finds_what_it_forbids() -> None:
    """The scanner itself is not blind: planted offences are reported."""
    planted = ast.parse(
        "import pickle\n"
        "def f(conn, title):\n"
        "    eval(title)\n"
        "    conn.execute(f\"SELECT * FROM document WHERE title = '{title}'\")\n"
        "    conn.execute(\"DELETE FROM span WHERE label = '%s'\" % title)\n"
    )
    lines = [line for line, _, exprs in _formatted_sql(planted) if not all(
        _trusted(e, set()) for e in exprs
    )]
    assert lines == [4, 5]
    imports = [n for n in ast.walk(planted) if isinstance(n, ast.Import)]
    assert imports and imports[0].names[0].name in FORBIDDEN_MODULES


def test_file_names_from_records_never_leave_the_export_folder(tmp_path: Path) -> None:
    from annotator.formats.brat import write_brat

    hostile = ["../../escaped", "/etc/cron.d/evil", "..", "C:\\Windows\\evil", "a/../../b", "\x00x"]
    records = [
        AnnotationRecord(
            text=f"Tehran hosted the talks, part {i}.",
            meta=DocumentMeta(title=name, filename=name),
            annotator="ana",
            status=Status.DONE,
            spans=[Span(0, 6, "GPE")],
        )
        for i, name in enumerate(hostile)
    ]
    out = tmp_path / "export" / "brat"
    write_brat(out, records)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(out in p.parents for p in written)
    assert len([p for p in written if p.suffix == ".ann"]) == len(records)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]
