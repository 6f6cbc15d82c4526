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


def _occurrences() -> dict[str, set[tuple[str, int | None]]]:
    """Every element name of the DTE schemas, with its parent's name and maxOccurs there."""
    from haulmer.dte.schema.elements import Element
    from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION

    found: dict[str, set[tuple[str, int | None]]] = {}

    def walk(element: Element, parent: str) -> None:
        found.setdefault(element.name, set()).add((parent, element.max_occurs))
        for child in element.children:
            walk(child, element.name)

    for root in (BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION):
        walk(root, "")
    return found


def _repeats(max_occurs: int | None) -> bool:
    return max_occurs is None or max_occurs > 1


def test_the_dict_reads_as_lists_exactly_the_elements_the_schema_repeats_everywhere() -> None:
    from haulmer.sii.sii_dict import REPEATED

    always = {
        name for name, places in _occurrences().items() if all(_repeats(most) for _, most in places)
    }
    assert always == REPEATED


def test_the_only_element_repeated_in_some_places_only_is_comisiones_of_a_document() -> None:
    from haulmer.sii.sii_dict import DOCUMENT_TAGS

    sometimes = {
        name: places
        for name, places in _occurrences().items()
        if any(_repeats(most) for _, most in places)
        and not all(_repeats(most) for _, most in places)
    }
    assert set(sometimes) == {"Comisiones"}
    repeated_under = {parent for parent, most in sometimes["Comisiones"] if _repeats(most)}
    assert repeated_under <= set(DOCUMENT_TAGS)
