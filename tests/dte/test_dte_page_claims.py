"""docs/dte.md, claim by claim: the builders' defaults and required arguments, the line limits,
the rates it names and the prices a catalogue product's line gets are what haulmer.dte does."""

from __future__ import annotations

import inspect
from decimal import Decimal
from pathlib import Path

import pytest

import haulmer.dte as dte
from haulmer.dte import totals
from haulmer.errors import DocumentError

PAGE = " ".join(
    (Path(__file__).resolve().parents[2] / "docs" / "dte.md").read_text("utf-8").split()
)
EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "actecos": [620200],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
HOSTY = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def _required(function: object, name: str) -> bool:
    parameter = inspect.signature(function).parameters[name]  # type: ignore[arg-type]
    return parameter.default is inspect.Parameter.empty


def test_the_builders_defaults_and_required_arguments_are_the_pages() -> None:
    assert '`factura_compra(..., retencion="15")` | 46 | IVA retenido total by default' in PAGE
    assert inspect.signature(dte.factura_compra).parameters["retencion"].default == "15"
    assert "`ind_traslado` is required, no default" in PAGE
    assert _required(dte.guia_despacho, "ind_traslado")
    assert "(`moneda` is required, no default)" in PAGE
    assert _required(dte.factura_exportacion, "moneda")
    assert "`nota_debito(documento, cod_ref=...)` | 56 | same arguments; default" in PAGE
    factura = dte.factura(
        emisor=EMISOR, receptor=HOSTY, lines=[{"nombre": "Plan", "cantidad": 1, "precio": 1000}]
    ).with_folio(5)
    debito = dte.nota_debito(
        factura, razon="Intereses", lines=[{"nombre": "Intereses", "cantidad": 1, "precio": 10}]
    )
    assert debito.referencias[-1].cod_ref == dte.CodRef.CORRIGE_MONTOS


def test_a_boleta_takes_up_to_1000_lines_and_every_other_type_60() -> None:
    assert "line limits (60, or 1000 on boletas)" in PAGE
    line = {"nombre": "Pan", "cantidad": 1, "precio": 100}
    dte.boleta(emisor=EMISOR, lines=[line] * 1000)
    with pytest.raises(DocumentError, match="1000"):
        dte.boleta(emisor=EMISOR, lines=[line] * 1001)
    dte.factura(emisor=EMISOR, receptor=HOSTY, lines=[line] * 60)
    with pytest.raises(DocumentError, match="60"):
        dte.factura(emisor=EMISOR, receptor=HOSTY, lines=[line] * 61)


def test_the_rates_the_page_names_are_the_totals_tables() -> None:
    assert "bebidas 27 at 10% and 271 (high in sugar) at 18%" in PAGE
    assert totals.ADDITIONAL_TAX_RATES["27"] == Decimal(10)
    assert totals.ADDITIONAL_TAX_RATES["271"] == Decimal(18)
    assert "IVA retenido total 15, trigo 34" in PAGE
    assert totals.RETENTION_RATES["15"] == Decimal(19)
    assert totals.RETENTION_RATES["34"] == Decimal(4)
    assert "IVA 19% (net)" in PAGE


def test_a_catalogue_product_is_priced_as_the_document_reads_it() -> None:
    assert "a boleta with `montos_netos=True` (IndMntNeto 2) gets net prices, and a" in PAGE
    assert "factura with `montos_brutos=True` (MntBruto 1) gross ones" in PAGE
    from haulmer.catalogue import Product

    pan = Product.model_validate(
        {"id": "prd_1", "catalogue_id": "cat_1", "name": "Pan", "sku": "PAN", "price": 1190}
        | {"price_basis": "gross", "tax": "afecto"}
    )
    boletas = [dte.boleta(emisor=EMISOR, lines=[pan], montos_netos=net) for net in (False, True)]
    facturas = [
        dte.factura(emisor=EMISOR, receptor=HOSTY, lines=[pan], montos_brutos=gross)
        for gross in (False, True)
    ]
    assert [b.detalle[0].precio for b in boletas] == [Decimal(1190), Decimal(1000)]
    assert [f.detalle[0].precio for f in facturas] == [Decimal(1000), Decimal(1190)]
    assert {document.totals.mnt_total for document in (*boletas, *facturas)} == {1190}
