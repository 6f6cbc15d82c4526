"""Importing haulmer or haulmer.sii loads no XML or crypto library; using it does."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("lxml", "cryptography", "signxml")


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return [name for name in result.stdout.strip().split(",") if name]


def test_importing_haulmer_sii_loads_nothing_heavy() -> None:
    assert _loaded_after("import haulmer, haulmer.sii") == []


def test_using_haulmer_sii_loads_lxml_and_cryptography() -> None:
    assert _loaded_after("import haulmer.sii as s; s.verify") == ["lxml", "cryptography"]
