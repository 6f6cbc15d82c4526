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


def test_the_command_line_section_shows_every_command_as_a_line_that_parses() -> None:
    import argparse
    import shlex

    from haulmer.cli import build_parser

    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    shown = set()
    for line in block.splitlines():
        words = shlex.split(line.split("  #", 1)[0])
        assert words[0] == "haulmer", line
        build_parser().parse_args(words[1:])  # a usage error would exit
        shown.add(words[1])
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) - {"demo"} == shown  # demo: the sentence under the block
    assert "python -m haulmer demo" in section.split("\n## ", 1)[0]
