"""Importing haulmer and its pure domain modules loads no XML or crypto library.

Checked with ``python -X importtime`` in a fresh interpreter, as the acceptance criteria state.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"lxml", "signxml", "cryptography"}


def _imported_top_level_modules(statement: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        name = line.rsplit("|", 1)[1].strip()
        if name and name != "imported package":
            names.add(name.split(".")[0])
    return names


def test_importtime_sees_haulmer_itself() -> None:
    assert "haulmer" in _imported_top_level_modules("import haulmer")


@pytest.mark.parametrize(
    "statement",
    [
        "import haulmer",
        "import haulmer.rut",
        "import haulmer.passwords",
        "import haulmer.pfx",
        "import haulmer.testing.certificates",
        "from haulmer import Rut; Rut('76795561-8')",
    ],
)
def test_import_loads_neither_lxml_signxml_nor_cryptography(statement: str) -> None:
    assert _imported_top_level_modules(statement) & HEAVY == set()


def test_loading_a_pfx_is_what_brings_cryptography_in() -> None:
    statement = (
        "from haulmer.testing.certificates import make_test_pfx; "
        "from haulmer.pfx import load_pfx; load_pfx(make_test_pfx(), 'test-password')"
    )
    assert "cryptography" in _imported_top_level_modules(statement)


def test_a_sync_client_and_its_first_call_plan_load_no_asyncio() -> None:
    statement = (
        "import haulmer; client = haulmer.Haulmer('k'); client.openfactura.taxpayer; client.close()"
    )
    assert "asyncio" not in _imported_top_level_modules(statement)
