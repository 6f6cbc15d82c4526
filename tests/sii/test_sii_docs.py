"""docs/sii.md: its ```python blocks run as written, in order, sharing one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "sii.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_the_sii_guide_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 2


def test_the_sii_guide_examples_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "sii_guide"}
    for index, code in enumerate(BLOCKS):
        exec(compile(code, f"{DOC}#block{index + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("verified: signature EnvioDTE SetDoc, signature DTE F1T33, ted DTE F1T33")
    assert list(tmp_path.iterdir()) == []  # the examples write no files
