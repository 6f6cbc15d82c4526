"""docs/scale.md shows the Celery recipe that tests/scale/test_celery_recipe.py runs (its ```python
blocks run in tests/test_docs.py with every page's)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_docs import DOCS

RECIPE = Path(__file__).resolve().parents[2] / "examples" / "celery_emission" / "emission_tasks.py"


def test_the_celery_recipe_in_the_guide_is_the_tested_one() -> None:
    text = (DOCS / "scale.md").read_text(encoding="utf-8")
    recipes = [b for b in re.findall(r"^```py\n(.*?)^```", text, re.M | re.S) if "Celery(" in b]
    assert recipes == [RECIPE.read_text(encoding="utf-8")]
