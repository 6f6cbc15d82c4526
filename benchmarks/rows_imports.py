"""Rows for start-up: ``import haulmer`` (and a first client) against httpx and pydantic.

Each figure is taken in a fresh interpreter (``python -c``), timing only the statements, so
the interpreter's own start-up is not counted; rounds alternate the two programs. haulmer's
modules are compiled to bytecode first, as pip compiles an installed package (and as httpx and
pydantic were): an editable checkout run with PYTHONDONTWRITEBYTECODE would otherwise time the
compiler.
"""

from __future__ import annotations

import compileall
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Measurement, Row

_TIMED = "import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"


def _seconds(code: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", _TIMED.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def _compile_haulmer() -> None:
    """Write the bytecode of every haulmer module, as installing the package does."""
    import haulmer

    compileall.compile_dir(Path(haulmer.__file__).parent, quiet=1)


def _pair(ours: str, reference: str, quick: bool) -> Measurement:
    _compile_haulmer()
    rounds = 5 if quick else 21
    ours_times, reference_times = [], []
    for index in range(rounds):
        if index % 2:
            reference_times.append(_seconds(reference))
            ours_times.append(_seconds(ours))
        else:
            ours_times.append(_seconds(ours))
            reference_times.append(_seconds(reference))
    return Measurement(ours_times, reference_times)


def measure_import(quick: bool) -> Measurement:
    """``import haulmer`` against ``import httpx, pydantic``."""
    return _pair("import haulmer", "import httpx, pydantic", quick)


def measure_first_client(quick: bool) -> Measurement:
    """``import haulmer`` and a first ``Haulmer(...)`` against httpx's import and client."""
    return _pair(
        "import haulmer; haulmer.Haulmer(api_key='k')",
        "import httpx, pydantic; httpx.Client()",
        quick,
    )


ROWS = [
    Row(
        "import haulmer + first Haulmer(...)",
        "import httpx, pydantic + httpx.Client()",
        1.2,
        measure_first_client,
        group="imports",
    ),
    Row("import haulmer", "import httpx, pydantic", 0.3, measure_import, group="imports"),
]
