"""``haulmer.dte`` imports form no circle, and none of its modules imports inside a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import haulmer.dte
from haulmer.dte.catalogue import DTEType
from haulmer.dte.rules import RULES_BY_TYPE
from haulmer.dte.rules.exportaciones import check_export_document
from haulmer.dte.rules.liquidacion import check_liquidacion_document

PACKAGE = Path(haulmer.dte.__file__).resolve().parent
PREFIX = "haulmer.dte"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.Module) -> Iterator[tuple[ast.stmt, bool]]:
    """Each import run when the module loads or a function runs, and whether it is at the top
    level (``if TYPE_CHECKING:`` blocks run for type checkers only)."""

    def walk(nodes: list[ast.stmt], top: bool) -> Iterator[tuple[ast.stmt, bool]]:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node, top
            elif isinstance(node, ast.If) and _is_type_checking(node):
                continue
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(node.body, False)
            elif isinstance(node, ast.ClassDef):
                yield from walk(node.body, top)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        yield from walk([n for n in inner if isinstance(n, ast.stmt)], top)
                for handler in getattr(node, "handlers", []):
                    yield from walk(handler.body, top)

    return walk(tree.body, True)


def _targets(node: ast.stmt, modules: set[str]) -> set[str]:
    """The ``haulmer.dte`` modules an import statement loads."""
    names: set[str] = set()
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    elif isinstance(node, ast.ImportFrom) and node.module:
        names = {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name in modules and name != PREFIX}


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = {}
    local: list[str] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node, top in _runtime_imports(tree):
            found = _targets(node, modules)
            edges |= found
            if found and not top:
                local.append(f"{name}:{node.lineno}")
        graph[name] = edges - {name}
    return graph, local


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_dte_package_has_no_import_circle() -> None:
    graph, _ = _graph()
    assert len(graph) > 10  # the walk found the package's modules
    assert "haulmer.dte.rules.documento" in graph["haulmer.dte.rules"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_no_dte_module_imports_another_inside_a_function() -> None:
    _, local = _graph()
    assert local == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_rules_table_names_a_family_for_every_type() -> None:
    assert set(RULES_BY_TYPE) == set(DTEType)
    exports = {t for t, rules in RULES_BY_TYPE.items() if rules is check_export_document}
    assert exports == {t for t in DTEType if t.is_export}
    assert RULES_BY_TYPE[DTEType.LIQUIDACION_FACTURA] is check_liquidacion_document
