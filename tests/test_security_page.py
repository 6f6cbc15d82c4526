"""SECURITY.md (also docs/security.md): every test its table names exists, and the only API keys
the documentation shows are the two public sandbox keys Haulmer publishes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECURITY = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_test_the_security_page_names_exists() -> None:
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", SECURITY)
    assert len(named) >= 14
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^(?:async )?def {name}\(", (ROOT / path).read_text("utf-8"), re.M)
    ]
    assert missing == []


def test_the_only_keys_in_the_documentation_are_the_public_sandbox_keys() -> None:
    from haulmer.openfactura import SANDBOX_API_KEY, SANDBOX_HOSTY_API_KEY

    pages = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").rglob("*.md"),
        *(ROOT / "examples").rglob("*.py"),
        *(ROOT / "examples").rglob("*.md"),
    ]
    keys = {
        key
        for page in pages
        for key in re.findall(r"\b[0-9a-f]{32}\b", page.read_text(encoding="utf-8"))
    }
    assert keys <= {SANDBOX_API_KEY, SANDBOX_HOSTY_API_KEY}
    assert "`haulmer.openfactura.SANDBOX_HOSTY_API_KEY`" in SECURITY
    assert "`haulmer.SANDBOX_API_KEY`" in SECURITY
    assert "(`haulmer.sii.parse`)" in SECURITY
    assert "64 MiB" in SECURITY
    from haulmer.sii._xml import MAX_XML_BYTES

    assert MAX_XML_BYTES == 64 * 1024 * 1024
