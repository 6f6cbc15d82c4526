"""The house's rules, read from the source's imports (the ``ast`` of every module in src/).

Layers point downwards: the core imports no product and no client; the domain layer imports no
transport; no module imports another package's private module; httpx is imported only where
requests are sent, and the one retry loop lives in the runners.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
DOMAIN = ("haulmer.rut", "haulmer.passwords", "haulmer.pfx", "haulmer.dte", "haulmer.sii")
CORE_MAY_IMPORT = (
    "haulmer._core",
    "haulmer.errors",
    "haulmer._raw_response",
    "haulmer._version",
    "haulmer._models",
    "haulmer._shown",
    "haulmer._forks",
    "haulmer._frames",
)
PRODUCTS = (
    "haulmer.accounts",
    "haulmer.catalogue",
    "haulmer.checkout",
    "haulmer.myhaulmer",
    "haulmer.openfactura",
    "haulmer.point",
    "haulmer.workspace",
)
FACES = ("haulmer._async", "haulmer._sync")
SENDERS = {"haulmer._core.sending", "haulmer._core._async.sending", "haulmer._core._sync.sending"}
RUNNERS = {"haulmer._core._async.runner", "haulmer._core._sync.runner"}


@dataclass(frozen=True)
class Import:
    module: str
    """The importing module."""
    target: str
    """What it imports: a module, or ``module.name`` for ``from module import name``."""
    typing_only: bool
    """Inside ``if TYPE_CHECKING:``."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> list[Import]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_nodes: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                typing_nodes.update(id(child) for child in ast.walk(node))
        for node in ast.walk(tree):
            typing_only = id(node) in typing_nodes
            if isinstance(node, ast.Import):
                found += [Import(module, alias.name, typing_only) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append(Import(module, node.module, typing_only))
                found += [
                    Import(module, f"{node.module}.{alias.name}", typing_only)
                    for alias in node.names
                ]
    return found


IMPORTS = _imports()


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_source_tree_is_read() -> None:
    assert any(i.module == "haulmer._core._async.runner" for i in IMPORTS)


@pytest.mark.parametrize("typing_too", [False, True], ids=["at run time", "for typing too"])
def test_the_core_imports_no_product_and_no_client(typing_too: bool) -> None:
    """Not even under ``if TYPE_CHECKING:``: a type named there is an arrow up the house."""
    wrong = [
        f"{i.module} -> {i.target}"
        for i in IMPORTS
        if _is_within(i.module, "haulmer._core")
        and (typing_too or not i.typing_only)
        and i.target.startswith("haulmer")
        and not any(_is_within(i.target, allowed) for allowed in CORE_MAY_IMPORT)
        and i.target not in ("haulmer._lazy", "haulmer._lazy.LazyNames", "haulmer._lazy.LazyModule")
    ]
    assert wrong == []


def test_no_module_imports_another_packages_private_module() -> None:
    wrong = []
    for i in IMPORTS:
        parts = i.target.split(".")
        for index in range(1, len(parts)):
            if parts[index].startswith("_") and not parts[index].startswith("__"):
                owner = ".".join(parts[:index])
                importer_package = (
                    i.module if _is_package(i.module) else i.module.rpartition(".")[0]
                )
                if not _is_within(importer_package, owner):
                    wrong.append(f"{i.module} -> {i.target}")
                break
    assert wrong == []


def _is_package(module: str) -> bool:
    return (SRC / module.replace(".", "/") / "__init__.py").exists()


@pytest.mark.parametrize("layer", DOMAIN)
def test_the_domain_layer_imports_no_transport_client_product_or_fake(layer: str) -> None:
    allowed = (
        *DOMAIN,
        "haulmer.errors",
        "haulmer._chile",
        "haulmer._decomposed",
        "haulmer._dte_text",
        "haulmer._enums",
        "haulmer._lazy",
        "haulmer._files",
        "haulmer._forks",
        "haulmer._frames",
        "haulmer._numbers",
        "haulmer._shown",
        "haulmer._version",
    )
    wrong = [
        f"{i.module} -> {i.target}"
        for i in IMPORTS
        if _is_within(i.module, layer)
        and i.target.startswith("haulmer")
        and i.target != "haulmer"
        and not any(_is_within(i.target, ok) for ok in allowed)
    ]
    assert wrong == []


def _import_graph(*, leave_out: Callable[[Import], bool]) -> dict[str, set[str]]:
    """Each module of src/ -> the modules it imports, ``if TYPE_CHECKING:`` ones included."""
    modules = {_module_name(path) for path in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {module: set() for module in modules}
    named = {(i.module, i.target.rpartition(".")[0], i.typing_only) for i in IMPORTS}
    for i in IMPORTS:
        if (i.module, i.target, i.typing_only) in named:
            continue  # ``from package import name``: the arrow goes where ``name`` is
        target = i.target
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != i.module and not leave_out(i):
            graph[i.module].add(target)
    return graph


def _import_cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import one another in a circle (Tarjan's strong components)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []
    for root in sorted(graph):
        if root in order:
            continue
        work = [(root, iter(sorted(graph[root])))]
        order[root] = low[root] = len(order)
        stack.append(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in order:
                    order[target] = low[target] = len(order)
                    stack.append(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in stack:
                    low[module] = min(low[module], order[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == order[module]:
                group = set()
                while True:
                    member = stack.pop()
                    group.add(member)
                    if member == module:
                        break
                if len(group) > 1:
                    cycles.append(group)
    return cycles


def _errors_payload_types(i: Import) -> bool:
    """``haulmer.errors`` names the types some errors carry (``WaitTimeoutError.last`` is an
    ``Order`` or a ``CertificationStatus``) for a type checker only: the modules defining them
    raise its errors, so that arrow up the house is the one kept."""
    return i.module == "haulmer.errors" and i.typing_only


def test_an_import_cycle_is_found_when_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _import_cycles(graph) == [{"a", "b", "c"}]


def test_no_product_or_face_is_in_an_import_cycle() -> None:
    """A product's faces import its business module; the product's public module only re-exports
    (the faces by name, for a type checker), so no circle runs product -> face -> product."""
    graph = _import_graph(leave_out=_errors_payload_types)
    circled = [
        sorted(group)
        for group in _import_cycles(graph)
        if any(_is_within(m, layer) for m in group for layer in (*PRODUCTS, *FACES))
    ]
    assert circled == []


def test_no_module_imports_a_package_that_contains_it() -> None:
    """A package's ``__init__`` imports its modules, so a module naming its own package (even
    under ``if TYPE_CHECKING:``, to write ``dte.Document``) closes a circle: it imports the
    module that defines the name instead. The root ``haulmer`` is the users' facade, which the
    CLI and the pytest plugin use as users do; the next test keeps it out of every circle."""
    graph = _import_graph(leave_out=lambda i: False)
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if target != "haulmer" and _is_package(target) and module.startswith(target + ".")
    )
    assert wrong == []


@pytest.mark.parametrize(
    "package", ["haulmer", "haulmer.dte", "haulmer.dte.builders", "haulmer.testing"]
)
def test_a_package_its_modules_import_is_in_no_import_cycle(package: str) -> None:
    """``import haulmer`` names ``haulmer.testing`` for a type checker, ``haulmer.dte`` imports
    the documents and their builders: none of them is imported back by what it imports."""
    graph = _import_graph(leave_out=_errors_payload_types)
    circled = [sorted(group) for group in _import_cycles(graph) if package in group]
    assert circled == []


def test_the_cores_modules_import_one_another_in_no_circle() -> None:
    """Within ``_core/`` imports point one way: a request carries its ``Pagination``, defined
    beside ``APIRequest``, so the pages import the request and not the other way round."""
    graph = _import_graph(leave_out=lambda i: False)
    core = {
        module: {target for target in targets if _is_within(target, "haulmer._core")}
        for module, targets in graph.items()
        if _is_within(module, "haulmer._core")
    }
    assert [sorted(group) for group in _import_cycles(core)] == []


def test_the_errors_are_in_no_import_cycle_but_through_the_types_they_carry() -> None:
    """``haulmer.errors`` binds its annotations' modules with ``DeferredModule``, which imports
    nothing, while ``LazyModule`` imports the errors to raise ``MissingDependencyError``."""
    graph = _import_graph(leave_out=_errors_payload_types)
    circled = [sorted(group) for group in _import_cycles(graph) if "haulmer.errors" in group]
    assert circled == []


def test_the_faces_import_a_products_business_not_its_public_module() -> None:
    public = {
        _module_name(path.parent)
        for path in (SRC / "haulmer").rglob("business.py")
        if (path.parent / "__init__.py").exists()
    }
    assert len(public) >= 11
    wrong = [
        f"{i.module} -> {i.target}"
        for i in IMPORTS
        if any(_is_within(i.module, face) for face in FACES) and i.target in public
    ]
    assert wrong == []


def test_httpx_is_imported_only_where_requests_are_sent() -> None:
    importers = {
        i.module
        for i in IMPORTS
        if not i.typing_only
        and _is_within(i.target, "httpx")
        and not _is_within(i.module, "haulmer.testing")
    }
    assert importers == SENDERS


def test_the_one_retry_loop_is_the_runners() -> None:
    importers = {i.module for i in IMPORTS if _is_within(i.target, "tenacity")}
    assert importers == RUNNERS


def test_only_the_chile_module_reads_the_machines_day() -> None:
    """CONTRIBUTING.md: "now" and "today" in Chile come from ``haulmer._chile``; ``date.today()``,
    a naive ``datetime.now()`` or ``time.localtime()`` would read the machine's zone instead."""
    readers = []
    for path in SRC.rglob("*.py"):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = ast.unparse(node.func.value).rsplit(".", 1)[-1]
            reads_the_day = (
                (node.func.attr == "today" and owner in ("date", "datetime"))
                or (
                    node.func.attr == "now"
                    and owner == "datetime"
                    and not node.args
                    and not node.keywords
                )
                or (node.func.attr == "localtime" and owner == "time")
            )
            if reads_the_day and module != "haulmer._chile":
                readers.append(f"{module}:{node.lineno} {ast.unparse(node)}")
    assert readers == []


def test_contributings_drawing_names_every_module_of_the_core() -> None:
    """CONTRIBUTING.md draws the house as it is: each module of ``_core/`` is in its drawing."""
    contributing = (SRC.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    drawing = contributing.split("## The layers", 1)[1].split("```", 2)[1]
    core = SRC / "haulmer" / "_core"
    modules = [p.name for p in core.glob("*.py") if p.name != "__init__.py"]
    assert len(modules) >= 15
    assert sorted(m for m in modules if not re.search(rf"\b{re.escape(m)}", drawing)) == []
    for package in ("_async/", "_sync/"):
        assert package in drawing


def test_the_sii_engine_reads_the_boleta_types_from_one_constant() -> None:
    """``haulmer.sii.sii_dict.BOLETA_TYPES`` is the one place the boleta types live in the SII
    engine: a literal ``(39, 41)`` or ``{"39", "41"}`` elsewhere is a copy that can drift."""
    boletas = ({39, 41}, {"39", "41"})
    copies = []
    for path in (SRC / "haulmer" / "sii").rglob("*.py"):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        if module == "haulmer.sii.sii_dict":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Tuple, ast.Set, ast.List)):
                continue
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) == len(node.elts) == 2 and set(values) in boletas:
                copies.append(f"{module}:{node.lineno} {ast.unparse(node)}")
    assert copies == []
