"""Liquidación-factura (43) through the XML layer: Liquidacion root, commissions, envelope."""

from __future__ import annotations

import datetime as dt

from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, parse, parse_all, validate_schema, verify
from haulmer.sii._xml import parse_xml

from .conftest import EMISOR_RUT, SIGNED_AT, make_document

SII = "{http://www.sii.cl/SiiDte}"


def test_liquidacion_is_rooted_at_liquidacion_with_its_commissions_last(
    issued: dict[int, bytes],
) -> None:
    root = parse_xml(issued[43])[0]
    assert root.tag == f"{SII}Liquidacion"
    assert root.get("ID") == "F1T43"
    tags = [child.tag.removeprefix(SII) for child in root]
    assert tags[-4:] == ["Comisiones", "Comisiones", "TED", "TmstFirma"]
    totales = root.find(f"{SII}Encabezado/{SII}Totales")
    assert totales is not None
    assert totales.findtext(f"{SII}Comisiones/{SII}ValComExe") == "350"


def test_liquidacion_timbre_total_is_after_the_commissions(issued: dict[int, bytes]) -> None:
    document = make_document(43)
    mnt = parse_xml(issued[43]).findtext(f"{SII}Liquidacion/{SII}TED/{SII}DD/{SII}MNT")
    totals = document.totals
    assert totals.comisiones is not None
    # neto 7220 (1190 + 2400 + 3630) + IVA 1372 - (800 + 350 + 152)
    assert (totals.mnt_neto, totals.iva) == (7220, 1372)
    assert mnt == str(totals.mnt_total) == "7290"
    assert parse(issued[43]).comisiones == document.completed().comisiones


def test_liquidacion_travels_in_an_envio_dte(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    caratula = Caratula(
        rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80
    )
    xml = envelope(
        [issued[33], issued[43], issued[110]],
        certificate=certificate,
        caratula=caratula,
        timestamp=SIGNED_AT,
    )
    validate_schema(xml)
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok
    assert [int(d.tipo_dte) for d in parse_all(xml)] == [33, 43, 110]
