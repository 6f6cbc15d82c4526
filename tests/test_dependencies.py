"""The declared runtime dependencies are the ones the package imports, and no more."""

from __future__ import annotations

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
