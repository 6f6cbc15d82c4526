"""docs/scale.md: its ```python blocks run as written, and its Celery recipe is the tested one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.test_docs import DOCS, runnable_blocks

RECIPE = Path(__file__).resolve().parents[2] / "examples" / "celery_emission" / "emission_tasks.py"


def test_the_guide_examples_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    blocks = runnable_blocks("scale.md")
    assert len(blocks) >= 2
    namespace: dict[str, object] = {"__name__": "docs_scale"}
    for index, code in enumerate(blocks, start=1):
        exec(compile(code, f"{DOCS / 'scale.md'}#block{index}", "exec"), namespace)


def test_the_celery_recipe_in_the_guide_is_the_tested_one() -> None:
    text = (DOCS / "scale.md").read_text(encoding="utf-8")
    recipes = [b for b in re.findall(r"^```py\n(.*?)^```", text, re.M | re.S) if "Celery(" in b]
    assert recipes == [RECIPE.read_text(encoding="utf-8")]
