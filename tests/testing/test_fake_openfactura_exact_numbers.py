"""Quantities and prices of 12 integer and 6 decimal digits travel and are issued exactly."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from fake_bodies import START

import haulmer.dte as dte
from haulmer.openfactura.emission import build_emission
from haulmer.testing import FakeHaulmer

QUANTITY = Decimal("123456789012.123456")
"""18 significant digits, as QtyItem allows: a float keeps 17 at most."""
PRICE = Decimal("0.654321")


def _factura() -> dte.Document:
    emisor = {
        "rut": "76795561-8",
        "razon_social": "HAULMER SPA",
        "giro": "VENTA AL POR MENOR EN EMPRESAS DE VENTA A DISTANCIA VIA INTERNET",
        "actecos": [479100],
        "direccion": "ARTURO PRAT 527 CURICO",
        "comuna": "Curicó",
    }
    receptor = {
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "ACTIVIDADES DE CONSULTORIA DE INFORMATIC",
        "direccion": "ARTURO PRAT 527 3 PISO OF 1",
        "comuna": "Curicó",
    }
    return dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "item", "cantidad": QUANTITY, "precio": PRICE}],
        fecha=START.date(),
        forma_pago=1,
    )


def test_the_emission_body_carries_the_exact_digits_of_a_quantity() -> None:
    body = build_emission(_factura()).body
    wire = json.dumps(body["dte"]["Detalle"][0]["QtyItem"], default=str)
    assert wire == '"123456789012.123456"'  # a Decimal, not a float that lost digits
    assert body["dte"]["Detalle"][0]["PrcItem"] == PRICE


@pytest.mark.parametrize("face", ["sync", "async"])
async def test_the_fake_issues_the_quantity_and_price_as_sent(fake: FakeHaulmer, face: str) -> None:
    if face == "sync":
        fake.client().openfactura.documents.emit(_factura())
    else:
        await fake.async_client().openfactura.documents.emit(_factura())
    sent = fake.requests.for_route("openfactura.documents.emit")[-1].content
    assert b'"QtyItem":123456789012.123456,"PrcItem":0.654321,' in sent
    issued = fake.openfactura_state.documents[-1]
    xml = issued.xml.decode("iso-8859-1")
    assert re.search(r"<QtyItem>123456789012\.123456</QtyItem>", xml)
    assert re.search(r"<PrcItem>0\.654321</PrcItem>", xml)
    assert issued.dte["Detalle"][0]["QtyItem"] == QUANTITY


def test_the_json_read_of_the_document_gives_the_exact_quantity(fake: FakeHaulmer) -> None:
    client = fake.client()
    emitted = client.openfactura.documents.emit(_factura())
    stored = client.openfactura.documents.json(emitted.token)
    assert Decimal(stored.dte["Detalle"][0]["QtyItem"]) == QUANTITY
    assert stored.to_document().detalle[0].cantidad == QUANTITY
