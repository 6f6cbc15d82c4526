"""Documents made with the haulmer.dte builders, with optional sections, go through the whole
XML layer: XSD, xmlsec1, verify and parse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import haulmer.dte as dte
from haulmer.pfx import Certificate
from haulmer.sii import issue, parse, validate_schema, verify
from haulmer.testing.caf import make_test_caf
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, SIGNED_AT

EMISOR = {
    "rut": EMISOR_RUT,
    "razon_social": "Ferretería O'Higgins & Cía. Ltda.",
    "giro": "Ferretería",
    "actecos": [475201],
    "direccion": "Av. Matta 1",
    "comuna": "Santiago",
}
RECEPTOR = {
    "RUTRecep": "96790240-3",
    "RznSocRecep": 'Constructora "El Ñandú" S.A.',
    "GiroRecep": "Construcción",
    "DirRecep": "Av. Apoquindo 4001",
    "CmnaRecep": "Las Condes",
}
LINES = [
    {"nombre": 'Clavos 2" & tornillos', "cantidad": 3, "precio": 1250, "descuento_pct": 10},
    {"nombre": "Cemento Ñuble 25 kg", "cantidad": 10, "precio": 4990},
]
FECHA = dt.date(2026, 11, 27)


def _documents() -> dict[str, dte.Document]:
    factura = dte.factura(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=LINES,
        fecha=FECHA,
        folio=5,
        descuentos_recargos=[
            {"tipo_mov": "D", "glosa": "Cliente frecuente", "tipo_valor": "%", "valor": 5}
        ],
    )
    impuestos = dte.factura(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[
            {"nombre": "Bebida 3 L", "cantidad": 6, "precio": 1790, "cod_imp_adic": ["271"]},
            {"nombre": "Petróleo diésel", "cantidad": 40, "precio": 850, "cod_imp_adic": ["28"]},
        ],
        fecha=FECHA,
        folio=10,
        tasas_adicionales={"28": "6.25"},
    )
    return {
        "factura": factura,
        "factura_compra": dte.factura_compra(
            emisor=EMISOR, receptor=RECEPTOR, lines=LINES, fecha=FECHA, folio=6, retencion="15"
        ),
        "guia_despacho": dte.guia_despacho(
            emisor=EMISOR, receptor=RECEPTOR, lines=LINES, fecha=FECHA, folio=7, ind_traslado=1
        ),
        "boleta": dte.boleta(emisor=EMISOR, lines=LINES, fecha=FECHA, folio=8),
        "nota_credito": dte.nota_credito(
            factura, cod_ref="anula", razon="Anula", fecha=FECHA, folio=9
        ),
        "factura_impuestos": impuestos,
        "factura_compra_total": dte.factura_compra(
            emisor=EMISOR, receptor=RECEPTOR, lines=LINES, fecha=FECHA, folio=11, retencion="341"
        ),
        "nota_credito_impuestos": dte.nota_credito(impuestos, fecha=FECHA, folio=12),
    }


DOCUMENTS = _documents()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_builder_document_passes_the_whole_xml_layer(
    name: str, certificate: Certificate, tmp_path: Path
) -> None:
    document = DOCUMENTS[name]
    caf = make_test_caf(
        rut=EMISOR_RUT,
        razon_social="Ferretería",
        dte_type=int(document.tipo_dte),
        folio_to=50,
        issued_on=dt.date(2026, 11, 1),
    )
    xml = issue(document, caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    result = xmlsec1_verify(
        xml, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert result.returncode == 0, result.stderr
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok
    assert parse(xml) == document.completed()
