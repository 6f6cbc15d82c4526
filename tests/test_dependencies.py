"""The declared runtime dependencies are the ones the package imports, and no more."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
IMPORT_NAMES = {"pydantic": "pydantic", "tzdata": None}
"""Distribution name -> import name where they differ (None: data only, never imported)."""


def _runtime_dependencies() -> list[str]:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib arrived in Python 3.11")
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0] for spec in project["dependencies"]]


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "src" / "haulmer").rglob("*.py")
    )
    unused = [
        name
        for name in _runtime_dependencies()
        if (module := IMPORT_NAMES.get(name, name.replace("-", "_"))) is not None
        and not re.search(rf"^\s*(?:from|import) {module}\b", sources, re.M)
    ]
    assert not unused, f"declared but never imported: {unused}"


WORKS_FROM = {"pydantic": (2, 10, 2), "redis": (5, 0, 1)}
"""The lowest version of a dependency (or an extra's) the package works with, where it is above
the oldest published one: pydantic before 2.9 refuses real DTEs (a whole-peso MntTotal read as
written with decimals, the union of ``int`` and ``Decimal`` taking the text as ``Decimal``), and
before 2.10.2 cannot dump a model holding a secret (a Session, an ApiKey) to JSON; redis-py 5.0.0
has no ``aclose()``, which the asyncio face of ``RedisRateLimiter`` calls."""


def _lowest_declared(name: str) -> tuple[int, ...]:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib arrived in Python 3.11")
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["redis"]]
    (spec,) = [spec for spec in specs if re.match(rf"{name}\b", spec)]
    lowest = re.search(r">=\s*([0-9.]+)", spec)
    assert lowest is not None, f"{spec} declares no lowest version"
    return tuple(int(part) for part in lowest.group(1).split("."))


@pytest.mark.parametrize(("name", "works_from"), WORKS_FROM.items())
def test_a_dependency_is_declared_no_lower_than_the_version_the_package_works_with(
    name: str, works_from: tuple[int, ...]
) -> None:
    """pyproject declared pydantic>=2.6, with which a real factura read from XML is refused."""
    assert _lowest_declared(name) >= works_from


def test_signxml_is_a_test_oracle_not_a_runtime_dependency() -> None:
    assert "signxml" not in _runtime_dependencies()


@pytest.mark.parametrize(
    ("page", "opening"),
    [("README.md", "Depends on "), ("docs/quickstart.md", "The package brings ")],
)
def test_the_pages_that_list_the_dependencies_name_the_declared_ones(
    page: str, opening: str
) -> None:
    """The quickstart named signxml, a test oracle, among what the package brings."""
    text = " ".join((ROOT / page).read_text(encoding="utf-8").split())
    listed = text.split(opening, 1)[1].split(";", 1)[0]
    named = {word.split()[0].lower() for word in re.split(r",\s*|\s+and\s+", listed)}
    declared = {name for name in _runtime_dependencies() if IMPORT_NAMES.get(name, name)}
    assert named == declared


DISTRIBUTIONS = {"PIL": "pillow", "zint": "zint-bindings"}
"""Import name -> distribution name where they differ."""
BROUGHT_ALONG = {
    "pydantic_core": "pydantic pins the pydantic-core it is built on",
    "typing_extensions": "pydantic requires it (imported on Python 3.10 only, for Unpack and Self)",
    "pytest": "only haulmer.testing.pytest_plugin imports it, which pytest itself loads",
}
"""Third-party modules the package imports without declaring them, and why they are there."""


def test_every_third_party_module_the_package_imports_is_declared() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib arrived in Python 3.11")
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"]]
    for extra in ("pdf", "redis"):
        specs.extend(project["optional-dependencies"][extra])
    declared = {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower() for spec in specs}
    imported = set()
    for path in (ROOT / "src" / "haulmer").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"haulmer", "__future__"}
    undeclared = sorted(
        module
        for module in third_party
        if DISTRIBUTIONS.get(module, module).replace("_", "-").lower() not in declared
        and module not in BROUGHT_ALONG
    )
    assert undeclared == []
