"""docs/clients.md, testing.md, openfactura.md, platform-api.md and pdf.md: every ```python block
runs as written, in order, sharing one namespace per document (```py blocks need the network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("clients.md", "testing.md", "openfactura.md", "platform-api.md", "pdf.md")
_PYTHON_BLOCK = re.compile(r"^[ \t]*```python\n(.*?)^[ \t]*```", re.M | re.S)


def runnable_blocks(guide: str) -> list[str]:
    """The ```python blocks of a guide, dedented when they sit inside a list item."""
    text = (DOCS / guide).read_text(encoding="utf-8")
    return [_dedent(block) for block in _PYTHON_BLOCK.findall(text)]


def _dedent(block: str) -> str:
    lines = block.splitlines(keepends=True)
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    margin = min(indents, default=0)
    return "".join(line[margin:] if line.strip() else line for line in lines)


@pytest.mark.parametrize("guide", GUIDES)
def test_each_guide_has_runnable_examples(guide: str) -> None:
    assert runnable_blocks(guide), f"docs/{guide} has no ```python block"


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_examples_run_in_order(
    guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.delenv("HAULMER_LOG", raising=False)
    namespace: dict[str, object] = {"__name__": f"docs_{Path(guide).stem.replace('-', '_')}"}
    for index, code in enumerate(runnable_blocks(guide), start=1):
        exec(compile(code, f"{DOCS / guide}#block{index}", "exec"), namespace)
    assert list(tmp_path.iterdir()) == []  # the examples leave no files behind
