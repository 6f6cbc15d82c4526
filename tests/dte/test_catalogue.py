"""haulmer.dte.catalogue: DTE types and their properties, reference-only codes, CodRef."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer.dte.catalogue import (
    IVA_RATE,
    CodRef,
    DTEType,
    ReferenceDocumentType,
    lookup_document_code,
)
from haulmer.errors import DocumentError

# The table of the domain reference (section 2): code, label, xml root, envelope, exempt, cedible.
TABLE = [
    (33, "Factura electrónica", "Documento", "EnvioDTE", False, True),
    (34, "Factura no afecta o exenta electrónica", "Documento", "EnvioDTE", True, True),
    (39, "Boleta electrónica", "Documento", "EnvioBOLETA", False, False),
    (41, "Boleta no afecta o exenta electrónica", "Documento", "EnvioBOLETA", True, False),
    (43, "Liquidación-factura electrónica", "Liquidacion", "EnvioDTE", False, True),
    (46, "Factura de compra electrónica", "Documento", "EnvioDTE", False, True),
    (52, "Guía de despacho electrónica", "Documento", "EnvioDTE", False, True),
    (56, "Nota de débito electrónica", "Documento", "EnvioDTE", False, False),
    (61, "Nota de crédito electrónica", "Documento", "EnvioDTE", False, False),
    (110, "Factura de exportación electrónica", "Exportaciones", "EnvioDTE", True, False),
    (111, "Nota de débito de exportación electrónica", "Exportaciones", "EnvioDTE", True, False),
    (112, "Nota de crédito de exportación electrónica", "Exportaciones", "EnvioDTE", True, False),
]


def test_the_catalogue_holds_exactly_the_twelve_electronic_types() -> None:
    assert [int(t) for t in DTEType] == [row[0] for row in TABLE]


@pytest.mark.parametrize(("code", "label", "root", "envelope", "exempt", "cedible"), TABLE)
def test_each_type_matches_the_reference_table(
    code: int, label: str, root: str, envelope: str, exempt: bool, cedible: bool
) -> None:
    tipo = DTEType(code)
    assert tipo.label == label
    assert tipo.xml_root == root
    assert tipo.envelope == envelope
    assert tipo.is_exempt is exempt
    assert tipo.is_cedible is cedible
    assert tipo.default_iva_rate == (None if exempt else Decimal("19"))


def test_iva_rate_is_nineteen_percent() -> None:
    assert Decimal("19") == IVA_RATE


def test_boletas() -> None:
    assert {t for t in DTEType if t.is_boleta} == {DTEType.BOLETA, DTEType.BOLETA_EXENTA}
    assert all(t.envelope == "EnvioBOLETA" for t in DTEType if t.is_boleta)
    assert DTEType.BOLETA.max_lines == 1000
    assert DTEType.FACTURA.max_lines == 60


def test_notes_require_a_reference() -> None:
    notes = {DTEType(56), DTEType(61), DTEType(111), DTEType(112)}
    assert {t for t in DTEType if t.is_note} == notes
    assert {t for t in DTEType if t.requires_reference} == notes


def test_exports() -> None:
    assert {int(t) for t in DTEType if t.is_export} == {110, 111, 112}
    assert all(t.is_exempt for t in DTEType if t.is_export)


def test_types_compare_as_their_codes() -> None:
    assert DTEType.FACTURA == 33
    assert int(DTEType.NOTA_CREDITO) == 61
    assert sorted([DTEType(61), DTEType(33)]) == [33, 61]


@pytest.mark.parametrize("value", [33, "33", " 33 ", "033", DTEType.FACTURA])
def test_parse_accepts_codes_as_int_or_text(value: int | str) -> None:
    assert DTEType.parse(value) is DTEType.FACTURA


@pytest.mark.parametrize("value", [35, "35", "801", "SET", "", "factura", True, 3.0, None])
def test_parse_refuses_what_is_not_an_electronic_type(value: object) -> None:
    with pytest.raises(DocumentError, match="not an electronic document type") as caught:
        DTEType.parse(value)  # type: ignore[arg-type]
    assert "33" in str(caught.value)
    assert caught.value.details[0].field == "TipoDTE"


@given(st.integers())
def test_parse_agrees_with_the_enum(code: int) -> None:
    if code in {int(t) for t in DTEType}:
        assert DTEType.parse(code) == DTEType(code) == DTEType.parse(str(code))
    else:
        with pytest.raises(DocumentError):
            DTEType.parse(code)


def test_reference_only_codes() -> None:
    assert ReferenceDocumentType.ORDEN_DE_COMPRA == "801"
    assert ReferenceDocumentType("SET") is ReferenceDocumentType.SET_DE_PRUEBAS
    assert ReferenceDocumentType.ORDEN_DE_COMPRA.label == "Orden de compra"
    assert all(r.label for r in ReferenceDocumentType)
    electronic = {str(int(t)) for t in DTEType}
    assert not electronic & {r.value for r in ReferenceDocumentType}


def test_reference_codes_cover_the_800_series_and_paper_documents() -> None:
    values = {r.value for r in ReferenceDocumentType}
    assert {str(c) for c in range(801, 816)} | {"820"} <= values
    assert {"30", "32", "35", "38", "40", "45", "50", "55", "60"} <= values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (33, DTEType.FACTURA),
        ("61", DTEType.NOTA_CREDITO),
        ("801", ReferenceDocumentType.ORDEN_DE_COMPRA),
        (801, ReferenceDocumentType.ORDEN_DE_COMPRA),
        ("set", ReferenceDocumentType.SET_DE_PRUEBAS),
        (" 30 ", ReferenceDocumentType.FACTURA_PAPEL),
        ("052", DTEType.GUIA_DESPACHO),
        (ReferenceDocumentType.CONTRATO, ReferenceDocumentType.CONTRATO),
        (DTEType.BOLETA, DTEType.BOLETA),
        ("999", None),
        ("HES", None),
        ("", None),
    ],
)
def test_lookup_document_code(value: int | str, expected: object) -> None:
    assert lookup_document_code(value) == expected


def test_cod_ref() -> None:
    assert [int(c) for c in CodRef] == [1, 2, 3]
    assert CodRef(1) is CodRef.ANULA
    assert CodRef.ANULA.label == "Anula documento de referencia"
    assert CodRef.CORRIGE_TEXTO.label.startswith("Corrige texto")
    assert CodRef.CORRIGE_MONTOS.label == "Corrige montos"
