"""Blank text in a document: a required one is refused by ``check()``, naming the field, before
``issue()`` writes an empty element its own reading refuses; an optional one is no value."""

from __future__ import annotations

import pytest

from haulmer.dte.document import Document
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, validate_schema
from signers import SIGNED_AT

from .conftest import SUPPORTED_TYPES, document_dict


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
@pytest.mark.parametrize(
    ("code", "field"), [("TpoCodigo", "TpoCodigo"), ("VlrCodigo", "VlrCodigo")]
)
@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_a_blank_item_code_is_refused_by_check_naming_it(
    tipo: int, code: str, field: str, blank: str
) -> None:
    data = document_dict(tipo, lines=2)
    codigos = [
        {"TpoCodigo": "INT1", "VlrCodigo": "SKU-1"},
        {"TpoCodigo": "EAN13", "VlrCodigo": "7"},
    ]
    codigos[1][code] = blank
    data["Detalle"][1]["CdgItem"] = codigos
    document = Document.model_validate(data)
    with pytest.raises(DocumentError) as caught:
        document.check()
    fields = [detail.field for detail in caught.value.details]
    assert f"Detalle[2].CdgItem[2].{field}" in fields


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_guia_whose_driver_has_a_blank_name_is_refused_by_check(blank: str) -> None:
    data = document_dict(52)
    data["Encabezado"]["Transporte"] = {"Chofer": {"RUTChofer": "1-9", "NombreChofer": blank}}
    document = Document.model_validate(data)
    with pytest.raises(DocumentError) as caught:
        document.check()
    fields = [detail.field for detail in caught.value.details]
    assert fields == ["Encabezado.Transporte.Chofer.NombreChofer"]


@pytest.mark.parametrize("phones", [[""], ["  "], "  ", ["+56 2 2345 6789", " "]])
def test_a_blank_phone_of_the_emisor_is_no_phone_and_the_issued_document_parses_back(
    certificate: Certificate, cafs: dict[int, Caf], phones: object
) -> None:
    data = document_dict(33)
    data["Encabezado"]["Emisor"]["Telefono"] = phones
    document = Document.model_validate(data)
    assert all(phone.strip() for phone in document.encabezado.emisor.telefonos)
    xml = issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    assert b"<Telefono></Telefono>" not in xml
    assert parse(xml) == document.completed()
