"""``build_emission`` checks a Document once and writes the wire from its checked form."""

from __future__ import annotations

from typing import Any

import pytest

import haulmer.dte as dte
import haulmer.dte.document as document_module
from haulmer.dte.document import Document
from haulmer.errors import DocumentError
from haulmer.openfactura import emission
from haulmer.openfactura.emission import TEXT_CUTS, build_emission, to_openfactura_dte

from . import samples


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = document_module.check_document

    def counted(doc: Any) -> Any:
        calls.append(int(doc.tipo_dte))
        return original(doc)

    monkeypatch.setattr(document_module, "check_document", counted)
    return calls


@pytest.mark.parametrize(
    "make", [samples.factura, samples.factura_exenta, samples.boleta, samples.guia,
             samples.nota_credito],
)  # fmt: skip
def test_a_document_is_checked_once_and_never_parsed_back(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = make()
    calls = _counting(monkeypatch)

    def no_parse(*_: Any, **__: Any) -> Document:
        raise AssertionError("emit parsed its own wire form back into a Document")

    monkeypatch.setattr(Document, "from_sii_dict", no_parse)
    body = build_emission(document).body
    assert calls == [int(document.tipo_dte)]
    assert body["dte"]["Encabezado"]["IdDoc"]["Folio"] == 0


def test_a_dict_is_read_and_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    data = to_openfactura_dte(samples.factura())
    calls = _counting(monkeypatch)
    build_emission(data)
    assert calls == [33]


def test_openfactura_cuts_come_before_the_check_so_a_long_text_is_sent_cut() -> None:
    factura = samples.factura()
    emisor = factura.emisor.model_copy(update={"direccion": "D" * 70, "razon_social": "R" * 100})
    receptor = factura.receptor.model_copy(update={"giro": "G" * 55})
    encabezado = factura.encabezado.model_copy(update={"emisor": emisor, "receptor": receptor})
    document = factura.model_copy(update={"encabezado": encabezado})
    with pytest.raises(DocumentError, match="GiroRecep"):
        document.check()
    dte_body = build_emission(document).body["dte"]["Encabezado"]
    assert len(dte_body["Emisor"]["DirOrigen"]) == TEXT_CUTS["Emisor"]["DirOrigen"] == 60
    assert len(dte_body["Receptor"]["GiroRecep"]) == 40


@pytest.mark.parametrize("make", [samples.factura, samples.boleta])
def test_a_receptor_razon_social_over_100_characters_is_refused_never_sent_cut(make: Any) -> None:
    document = make()
    receptor = document.receptor.model_copy(update={"razon_social": "R" * 101})
    encabezado = document.encabezado.model_copy(update={"receptor": receptor})
    with pytest.raises(DocumentError) as caught:
        build_emission(document.model_copy(update={"encabezado": encabezado}))
    (detail,) = caught.value.details
    assert detail.field == "Encabezado.Receptor.RznSocRecep"
    assert "is 101 characters long; the SII allows at most 100" in detail.issue


def test_a_boleta_keeps_what_its_schema_has_and_leaves_out_the_rest() -> None:
    boleta = dte.boleta(
        emisor={**samples.EMISOR, "actecos": [479100]},
        receptor={"rut": "76430498-5", "razon_social": "HOSTY SPA", "giro": "Informática",
                  "correo": "pagos@hosty.cl"},
        lines=[{"nombre": "Item", "precio": 1190}],
        check=False,
    )  # fmt: skip
    encabezado = build_emission(boleta).body["dte"]["Encabezado"]
    assert "Acteco" not in encabezado["Emisor"]
    assert encabezado["Receptor"]["CorreoRecep"] == "pagos@hosty.cl"  # EnvioBOLETA_v11 has it
    assert "GiroRecep" not in encabezado["Receptor"]
    assert emission._BOLETA_RECEPTOR[:3] == ("RUTRecep", "CdgIntRecep", "RznSocRecep")
