"""The source distribution holds what its own test suite reads, as it ships the suite."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOT_SOURCES = {".git", ".venv", "dist", "site", "build", ".mypy_cache", ".ruff_cache"}
"""Top-level entries of a checkout that are made by tools, not written."""


def _sdist_include() -> list[str]:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib arrived in Python 3.11")
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include: list[str] = pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    return include


def _read_by_the_suite() -> list[str]:
    """The checkout's top-level files and folders that a test names (``ROOT / "CONTRIBUTING.md"``,
    ``".ci/run"``)."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py"))
    return sorted(
        entry.name
        for entry in ROOT.iterdir()
        if entry.name not in NOT_SOURCES
        and not entry.name.endswith("_cache")
        and re.search(rf"""["']{re.escape(entry.name)}["'/]""", sources)
    )


def test_the_suite_reads_files_of_the_checkout_beside_its_sources() -> None:
    assert {"README.md", "pyproject.toml", "CONTRIBUTING.md", ".ci"} <= set(_read_by_the_suite())


def test_the_sdist_includes_every_top_level_file_its_tests_read() -> None:
    """The sdist shipped tests/ without CONTRIBUTING.md and .ci/run, which tests read: run from
    the unpacked sdist, the suite stopped at collecting with a FileNotFoundError."""
    include = [*_sdist_include(), "pyproject.toml", "LICENSE"]  # hatchling adds those two
    left_out = [
        name
        for name in _read_by_the_suite()
        if not any(path == name or path.startswith(f"{name}/") for path in include)
    ]
    assert left_out == []
