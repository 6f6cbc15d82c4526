"""docs/glossary.md's tables name what the SDK names: every DTE type code with its
``haulmer.DTEType`` member and ``haulmer.dte`` builder, the paper codes of
``ReferenceDocumentType``, and every state of ``IssuedStatus`` and ``ReceivedStatus``."""

from __future__ import annotations

import re
from pathlib import Path

import haulmer
import haulmer.dte as dte
from haulmer.openfactura import IssuedStatus, ReceivedStatus

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
TEXT = GLOSSARY.read_text(encoding="utf-8")


def _section(title: str) -> str:
    return TEXT.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_type_codes_table_is_every_dte_type_with_its_builder() -> None:
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| `(\w+)` \|", _section("Document type codes"), re.M)
    assert sorted(int(code) for code, _, _ in rows) == sorted(t.value for t in haulmer.DTEType)
    for code, _, builder in rows:
        assert builder.upper() == haulmer.DTEType(int(code)).name
        assert callable(getattr(dte, builder)), builder


def test_the_paper_reference_codes_quoted_are_reference_document_types() -> None:
    quoted = re.search(r"\(30 factura, 35 boleta, 50\s+guía, 60 nota de crédito, 801", TEXT)
    assert quoted is not None
    for code in ("30", "35", "50", "60", "801"):
        dte.ReferenceDocumentType(code)


def test_the_states_tables_name_every_issued_and_received_status() -> None:
    section = _section("OpenFactura's document states")
    issued = re.findall(r"^\| `([^`]+)` \| (?!meaning)", section, re.M)
    assert sorted(issued) == sorted(status.value for status in IssuedStatus)
    received = section.split("Received documents (`ReceivedStatus`)", 1)[1]
    assert sorted(re.findall(r"`([A-Z][\w ]+)`", received)) == sorted(
        status.value for status in ReceivedStatus
    )
