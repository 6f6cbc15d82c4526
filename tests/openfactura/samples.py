"""Documents of each DTE family, built with ``haulmer.dte`` from the sandbox's demo companies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import haulmer.dte as dte
from haulmer.openfactura.sandbox import HAULMER_DEMO, HOSTY_DEMO

FECHA = dt.date(2026, 2, 10)

EMISOR: dict[str, Any] = {
    "rut": str(HAULMER_DEMO.rut),
    "razon_social": HAULMER_DEMO.razon_social,
    "giro": HAULMER_DEMO.giro,
    "actecos": [HAULMER_DEMO.acteco],
    "direccion": HAULMER_DEMO.direccion,
    "comuna": HAULMER_DEMO.comuna,
    "cdg_sii_sucur": int(HAULMER_DEMO.cdg_sii_sucur),
}

RECEPTOR: dict[str, Any] = {
    "rut": str(HOSTY_DEMO.rut),
    "razon_social": HOSTY_DEMO.razon_social,
    "giro": HOSTY_DEMO.giro[:40],
    "direccion": HOSTY_DEMO.direccion,
    "comuna": HOSTY_DEMO.comuna,
}


def factura(price: int = 2000, fecha: dt.date = FECHA) -> dte.Document:
    """Factura afecta 33 of the reference's example: one line of 2000 net."""
    return dte.factura(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "item", "cantidad": 1, "precio": price}],
        fecha=fecha,
        forma_pago=1,
    )


def factura_exenta() -> dte.Document:
    """Factura exenta 34: exempt lines, MntExe + MntTotal only."""
    return dte.factura_exenta(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "Curso de capacitación", "cantidad": 2, "precio": 2500}],
        fecha=FECHA,
    )


def boleta(price: int = 1000, nombre: str = "Item 1") -> dte.Document:
    """Boleta 39 of the reference's example: one line of 1000 gross, generic receptor."""
    return dte.boleta(
        emisor=EMISOR,
        lines=[{"nombre": nombre, "cantidad": 1, "precio": price}],
        fecha=FECHA,
    )


def guia() -> dte.Document:
    """Guía de despacho 52 with Transporte."""
    return dte.guia_despacho(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "Servidor", "cantidad": 1, "precio": 100000}],
        ind_traslado=1,
        tipo_despacho=2,
        transporte={"DirDest": "Av. Siempre Viva 742", "CmnaDest": "Talca", "CiudadDest": "Talca"},
        fecha=FECHA,
    )


def nota_credito(folio_ref: int = 106) -> dte.Document:
    """Nota de crédito 61 correcting the amounts of factura ``folio_ref``."""
    return dte.nota_credito(
        factura().with_folio(folio_ref),
        cod_ref=dte.CodRef.CORRIGE_MONTOS,
        razon="Descuento por pronto pago",
        lines=[{"nombre": "Descuento", "cantidad": 1, "precio": 500}],
        fecha=FECHA,
    )


SUPPLIER: dict[str, Any] = {
    "rut": str(HOSTY_DEMO.rut),
    "razon_social": HOSTY_DEMO.razon_social,
    "giro": HOSTY_DEMO.giro,
    "actecos": [HOSTY_DEMO.acteco],
    "direccion": HOSTY_DEMO.direccion,
    "comuna": HOSTY_DEMO.comuna,
}

BUYER: dict[str, Any] = {
    "rut": str(HAULMER_DEMO.rut),
    "razon_social": HAULMER_DEMO.razon_social,
    "giro": HAULMER_DEMO.giro[:40],
    "direccion": HAULMER_DEMO.direccion,
    "comuna": HAULMER_DEMO.comuna,
}


def supplier_factura(price: int = 10000) -> dte.Document:
    """A factura HOSTY SPA issues to HAULMER SPA: a received document for the sandbox key."""
    return dte.factura(
        emisor=SUPPLIER,
        receptor=BUYER,
        lines=[{"nombre": "Hosting", "cantidad": 1, "precio": price}],
        fecha=FECHA,
        forma_pago=2,
    )
