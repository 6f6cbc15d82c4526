"""issue() on documents a Chilean business issues beyond the plain sale: what it signs must
pass the SII's schema, with the totals the SII computes."""

from __future__ import annotations

from typing import Any

from haulmer import dte
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, validate_schema

from .conftest import EMISOR_RUT, SIGNED_AT

EMISOR: dict[str, Any] = {
    "RUTEmisor": EMISOR_RUT,
    "RznSoc": "Constructora Ñandú Ltda.",
    "GiroEmis": "Construcción de viviendas",
    "Acteco": [410010],
    "DirOrigen": "Av. O'Higgins 1234",
    "CmnaOrigen": "Ñuñoa",
}
RECEPTOR: dict[str, Any] = {
    "RUTRecep": "96790240-3",
    "RznSocRecep": "Inmobiliaria Los Andes",
    "GiroRecep": "Inmobiliaria",
    "DirRecep": "Av. Apoquindo 4001",
    "CmnaRecep": "Las Condes",
}


def test_constructora_factura_with_credec_is_signed_valid_and_reads_back(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    doc = dte.factura(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "Vivienda lote 12", "precio": 100_000_000}],
        folio=1,
        credito_constructoras=12_350_000,
        fecha=SIGNED_AT.date(),
    )
    xml = issue(doc, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    assert b"<CredEC>12350000</CredEC><MntTotal>106650000</MntTotal>" in xml
    parse(xml).check()
