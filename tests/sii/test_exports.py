"""Exports through the XML layer: Exportaciones root, timbre, signature, envelope, parse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import haulmer.dte as dte
from haulmer.dte import Document, Moneda
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, Caratula, envelope, issue, parse, parse_all, validate_schema, verify
from haulmer.sii._xml import parse_xml
from haulmer.sii.issuing import stamp_and_sign
from haulmer.testing.caf import make_test_caf
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, SIGNED_AT, document_dict

SII = "{http://www.sii.cl/SiiDte}"
CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80
)


def _export_caf(tipo: int) -> Caf:
    return make_test_caf(
        rut=EMISOR_RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=tipo,
        folio_from=1,
        folio_to=50,
        issued_on=dt.date(2026, 11, 1),
    )


@pytest.fixture(scope="module")
def euro_factura() -> Document:
    """A goods export in euros with cents, customs data, packages and pesos at 1043.17."""
    data = document_dict(110)
    header = data["Encabezado"]
    return dte.factura_exportacion(
        emisor=header["Emisor"],
        receptor=header["Receptor"],
        lines=[
            {"NmbItem": "Cobre cátodo & 'grado A'", "QtyItem": "2.5", "PrcItem": "8123.4567"},
            {"NmbItem": "Flete interno", "PrcItem": "150.1", "DescuentoPct": 5},
        ],
        moneda=Moneda.EURO,
        tipo_cambio="1043.17",
        forma_pago_exportacion=32,
        aduana={
            **header["Transporte"]["Aduana"],
            "TotClauVenta": Decimal("20451.74"),
            "PesoBruto": Decimal("2500.5"),
            "CodUnidPesoBruto": 6,
            "MntFlete": Decimal("120.5"),
        },
        fecha=dt.date(2026, 11, 27),
        folio=5,
    )


@pytest.fixture(scope="module")
def euro_xml(euro_factura: Document, certificate: Certificate) -> bytes:
    return issue(euro_factura, caf=_export_caf(110), certificate=certificate, timestamp=SIGNED_AT)


def test_export_totals_in_euros_hand_checked(euro_factura: Document) -> None:
    # 2.5 x 8123.4567 = 20308.64175 -> 20308.6418; 150.1 - round(7.505) = 142.1
    assert [line.monto_item for line in euro_factura.detalle] == [
        Decimal("20308.6418"),
        Decimal("142.1"),
    ]
    otra = euro_factura.encabezado.otra_moneda
    assert otra is not None
    # 20450.7418 x 1043.17 = 20450741.8 + 882858.523506 = 21333600.323506 -> 21333600 pesos
    assert otra.mnt_tot_otr_mnda == Decimal(21333600)


def test_export_is_rooted_at_exportaciones_and_validates(euro_xml: bytes) -> None:
    validate_schema(euro_xml)
    root = parse_xml(euro_xml)
    assert root[0].tag == f"{SII}Exportaciones"
    assert root[0].get("ID") == "F5T110"


def test_export_timbre_has_the_foreign_receptor_and_the_decimal_total(euro_xml: bytes) -> None:
    dd = parse_xml(euro_xml).find(f"{SII}Exportaciones/{SII}TED/{SII}DD")
    assert dd is not None
    texts = {child.tag.removeprefix(SII): child.text for child in dd if len(child) == 0}
    assert texts["TD"] == "110"
    assert texts["RR"] == "55555555-5"
    assert texts["MNT"] == "20450.7418"
    assert texts["RSR"] == 'Importadora "Ñandú" & Sons Trading Compa'


def test_export_signature_verifies_with_xmlsec1_and_verify(
    euro_xml: bytes, certificate: Certificate, tmp_path: Path
) -> None:
    result = xmlsec1_verify(
        euro_xml, tmp_path, id_attr="Exportaciones", certificate_pem=certificate.certificate_pem
    )
    assert result.returncode == 0, result.stderr
    verification = verify(euro_xml, check_caf=True, allow_test_cafs=True)
    assert verification.ok, str(verification)


def test_export_parses_back_to_the_same_model(euro_xml: bytes, euro_factura: Document) -> None:
    assert parse(euro_xml) == euro_factura


def test_a_changed_export_amount_is_detected(euro_xml: bytes) -> None:
    tampered = euro_xml.replace(b"<MntTotal>20450.7418<", b"<MntTotal>20450.7419<")
    assert tampered != euro_xml
    result = verify(tampered, allow_test_cafs=True)
    assert not result.ok
    assert {failure.check for failure in result.failures} >= {"digest", "ted"}


NOTES_SIGNED_AT = dt.datetime(2026, 11, 28, 10, 30)
"""The notes are dated the 28th: stamped that day."""


def test_export_notes_issue_and_verify(
    euro_factura: Document, certificate: Certificate, tmp_path: Path
) -> None:
    factura = euro_factura
    nc = dte.nota_credito_exportacion(factura, cod_ref="anula", fecha=dt.date(2026, 11, 28))
    nd = dte.nota_debito_exportacion(nc.with_folio(2), cod_ref="anula", fecha=dt.date(2026, 11, 28))
    for note, tipo in ((nc, 112), (nd, 111)):
        xml = issue(
            note, caf=_export_caf(tipo), certificate=certificate, folio=2, timestamp=NOTES_SIGNED_AT
        )
        validate_schema(xml)
        assert verify(xml, check_caf=True, allow_test_cafs=True).ok
        assert (
            xmlsec1_verify(
                xml, tmp_path, id_attr="Exportaciones", certificate_pem=certificate.certificate_pem
            ).returncode
            == 0
        )
        assert parse(xml) == note.with_folio(2)
        assert parse(xml).totals.mnt_total == Decimal("20450.7418")


def test_exports_travel_in_an_envio_dte_with_other_documents(
    euro_xml: bytes, issued: dict[int, bytes], certificate: Certificate
) -> None:
    xml = envelope(
        [issued[33], euro_xml], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    validate_schema(xml)
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok
    assert [int(d.tipo_dte) for d in parse_all(xml)] == [33, 110]


def test_stamping_refuses_an_export_with_a_wrong_total(
    euro_factura: Document, certificate: Certificate
) -> None:
    totales = euro_factura.encabezado.totales
    assert totales is not None
    wrong = euro_factura.model_copy(
        update={
            "encabezado": euro_factura.encabezado.model_copy(
                update={"totales": totales.model_copy(update={"mnt_total": Decimal(1)})}
            )
        }
    )
    with pytest.raises(DocumentError) as info:
        issue(wrong, caf=_export_caf(110), certificate=certificate, timestamp=SIGNED_AT)
    assert "Encabezado.Totales.MntTotal" in {d.field for d in info.value.details}


def test_export_signature_verifies_with_signxml(euro_xml: bytes, certificate: Certificate) -> None:
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True  # the lxml subtree C14N bug (signxml#193)
    verifier.verify(
        euro_xml,
        x509_cert=certificate.certificate_pem.decode("ascii"),
        expect_config=SignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
        ),
        ignore_ambiguous_key_info=True,
        id_attribute="ID",
    )


def test_timbre_total_and_document_total_are_compared_as_numbers(
    euro_factura: Document, certificate: Certificate
) -> None:
    sii = euro_factura.to_sii_dict()
    sii["Encabezado"]["Totales"]["MntTotal"] = "20450.74180"  # written with a trailing zero
    xml = stamp_and_sign(sii, caf=_export_caf(110), certificate=certificate, timestamp=SIGNED_AT)
    dd_total = parse_xml(xml).find(f"{SII}Exportaciones/{SII}TED/{SII}DD/{SII}MNT")
    assert dd_total is not None
    assert dd_total.text == "20450.7418"
    assert b"<MntTotal>20450.74180</MntTotal>" in xml
    assert verify(xml, allow_test_cafs=True).ok
