"""Every ```python block of the README runs as written (```py blocks need the network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip()


def test_the_configuration_table_names_every_variable_the_sdk_reads() -> None:
    import haulmer.openfactura
    import haulmer.ratelimit

    source = README.parent / "src" / "haulmer"
    literals = {
        name
        for path in source.rglob("*.py")
        for name in re.findall(r"[\"'](HAULMER_[A-Z_]+)[\"']", path.read_text(encoding="utf-8"))
    }
    python_names = {n for n in literals if hasattr(haulmer.openfactura, n)} | {
        n for n in literals if hasattr(haulmer.ratelimit, n)
    }
    variables = literals - python_names
    assert {"HAULMER_API_KEY", "HAULMER_RATE_LIMIT_URL"} <= variables
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    assert sorted(v for v in variables if f"`{v}`" not in section) == []
