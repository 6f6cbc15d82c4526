"""docs/dte.md: its ```python blocks run as written, in order, sharing one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "dte.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_the_dte_guide_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 3


def test_the_dte_guide_examples_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "dte_guide"}
    for index, code in enumerate(BLOCKS):
        exec(compile(code, f"{DOC}#block{index + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "did you mean 'nombre' (NmbItem)?" in out
    assert "giro[:40]" in out
