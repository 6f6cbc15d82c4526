"""docs/pdf.md's prose, claim by claim: the types with a cedible copy and its legends, and the
default SII office printed under the red box (the timbre's size and position are held by
test_printed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from haulmer.dte import DTEType
from haulmer.errors import DocumentError
from haulmer.sii.printed.content import cedible_legend, sii_office_of

PAGE = " ".join(
    (Path(__file__).resolve().parents[2] / "docs" / "pdf.md").read_text("utf-8").split()
)


def test_only_the_pages_types_have_a_cedible_copy_with_its_legends() -> None:
    assert "Only types 33, 34, 43, 46 and 52 have one" in PAGE
    assert '"CEDIBLE CON SU FACTURA" for a guía de despacho (52)' in PAGE
    assert {int(t) for t in DTEType if t.is_cedible} == {33, 34, 43, 46, 52}
    assert cedible_legend(33) == "CEDIBLE"
    assert cedible_legend(52) == "CEDIBLE CON SU FACTURA"
    with pytest.raises(DocumentError, match="has no cedible copy"):
        cedible_legend(39)


def test_the_default_sii_office_is_the_comuna_in_capitals_without_accents() -> None:
    assert "the emisor's comuna (`CmnaOrigen`) in capitals, without accents" in PAGE
    assert sii_office_of("Curicó") == "CURICO"
