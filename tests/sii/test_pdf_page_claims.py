"""docs/pdf.md's prose, claim by claim: the types with a cedible copy and its legends, the
default SII office printed under the red box and what a boleta prints (the timbre's size and
position are held by test_printed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from haulmer.dte import DTEType
from haulmer.errors import DocumentError
from haulmer.sii.printed import content
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


def test_a_printed_boleta_names_its_medio_de_pago_and_prints_no_anonymous_rut() -> None:
    assert "a boleta's anonymous buyer, 66.666.666-6, prints no R.U.T." in PAGE
    assert 'a boleta\'s by name, "Efectivo" for 1' in PAGE
    assert 'a boleta (39, 41) its "Total del período" (TotalPeriodo)' in PAGE
    assert "66666666-6" in content._UNPRINTED_RUTS
    assert content._MEDIO_PAGO_BOLETA["1"] == "Efectivo"
    assert ("TotalPeriodo", "Total del período") in content._TOTALS_AFTER_TOTAL
