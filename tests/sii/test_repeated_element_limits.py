"""Elements the SII's schema repeats a bounded number of times: check() refuses one more, so
issue() never writes XML the schema refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haulmer.dte import Document
from haulmer.errors import DocumentError

from .conftest import document_dict


def _pagos(data: dict[str, Any], count: int) -> None:
    data["Encabezado"]["IdDoc"].update(
        FmaPago=2, MntPagos=[{"FchPago": "2026-12-01", "MntPago": 1}] * count
    )


def _otra_moneda_taxes(data: dict[str, Any], count: int) -> None:
    data["Encabezado"]["OtraMoneda"] = {
        "TpoMoneda": "DOLAR USA",
        "TpoCambio": "950",
        "MntTotOtrMnda": "10",
        "ImpRetOtrMnda": [{"TipoImpOtrMnda": "15", "VlrImpOtrMnda": "1"}] * count,
    }


def _bultos(data: dict[str, Any], count: int) -> None:
    aduana = data["Encabezado"]["Transporte"]["Aduana"]
    aduana["TipoBultos"] = aduana["TipoBultos"][:1] * count
    aduana["TotBultos"] = 3 * count


_BOUNDED: list[tuple[str, int, Callable[[dict[str, Any], int], None], int]] = [
    ("Encabezado.IdDoc.MntPagos", 33, _pagos, 30),
    ("Encabezado.IdDoc.MntPagos", 43, _pagos, 30),
    ("Encabezado.OtraMoneda.ImpRetOtrMnda", 33, _otra_moneda_taxes, 20),
    ("Encabezado.Transporte.Aduana.TipoBultos", 110, _bultos, 10),
]


@pytest.mark.parametrize(("path", "tipo", "put", "most"), _BOUNDED)
def test_one_more_repeat_than_the_schema_allows_is_refused_naming_the_element(
    path: str, tipo: int, put: Callable[[dict[str, Any], int], None], most: int
) -> None:
    data = document_dict(tipo)
    put(data, most)
    Document.from_sii_dict(data).check()
    put(data, most + 1)
    with pytest.raises(DocumentError, match=f"at most {most}") as refused:
        Document.from_sii_dict(data).check()
    assert [d.field for d in refused.value.details] == [path]


def test_given_totals_with_more_additional_taxes_than_the_schema_allows_are_refused() -> None:
    data = document_dict(33)
    taxes = [{"TipoImp": str(code), "TasaImp": "10", "MontoImp": 1} for code in range(23, 44)]
    data["Encabezado"]["Totales"] = {
        "MntNeto": 100,
        "IVA": 19,
        "MntTotal": 140,
        "ImptoReten": taxes,
    }
    with pytest.raises(DocumentError, match="at most 20") as refused:
        Document.from_sii_dict(data).check()
    assert "Encabezado.Totales.ImptoReten" in [d.field for d in refused.value.details]
