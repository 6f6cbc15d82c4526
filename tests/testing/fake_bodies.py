"""Document bodies and constants for the fake's tests (OpenFactura wire format)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from haulmer.testing import FakeClock, FakeHaulmer

HAULMER_KEY = "928e15a2d14d4a6292345f04960f4bd3"
HOSTY_KEY = "41eb78998d444dbaa4922c410ef14057"
START = dt.datetime(2026, 11, 27, 10, 0, 0)

EMISOR_HAULMER = {
    "RUTEmisor": "76795561-8",
    "RznSoc": "HAULMER SPA",
    "GiroEmis": "VENTA AL POR MENOR POR INTERNET",
    "Acteco": 479100,
    "DirOrigen": "ARTURO PRAT 527 CURICO",
    "CmnaOrigen": "Curicó",
    "CdgSIISucur": "81303347",
}
RECEPTOR_HOSTY = {
    "RUTRecep": "76430498-5",
    "RznSocRecep": "HOSTY SPA",
    "GiroRecep": "SERVICIOS INFORMATICOS",
    "DirRecep": "ARTURO PRAT 527",
    "CmnaRecep": "Curicó",
}


def factura(
    *, neto: int = 2000, fecha: str = "2026-11-27", response: list[str] | None = None
) -> dict[str, Any]:
    """A factura 33 from HAULMER SPA to HOSTY SPA with one line of ``neto`` pesos."""
    iva = round(neto * 0.19)
    return {
        "response": response or ["FOLIO"],
        "dte": {
            "Encabezado": {
                "IdDoc": {"TipoDTE": 33, "Folio": 0, "FchEmis": fecha, "FmaPago": 1},
                "Emisor": dict(EMISOR_HAULMER),
                "Receptor": dict(RECEPTOR_HOSTY),
                "Totales": {"MntNeto": neto, "TasaIVA": "19", "IVA": iva, "MntTotal": neto + iva},
            },
            "Detalle": [
                {
                    "NroLinDet": 1,
                    "NmbItem": "Hosting",
                    "QtyItem": 1,
                    "PrcItem": neto,
                    "MontoItem": neto,
                }
            ],
        },
    }


def boleta(*, total: int = 1000, fecha: str = "2026-11-27") -> dict[str, Any]:
    """A boleta 39 (gross prices) from HAULMER SPA to the generic consumer."""
    neto = round(total / 1.19)
    return {
        "response": ["FOLIO"],
        "dte": {
            "Encabezado": {
                "IdDoc": {"TipoDTE": 39, "Folio": 0, "FchEmis": fecha, "IndServicio": 3},
                "Emisor": {
                    "RUTEmisor": "76795561-8",
                    "RznSocEmisor": "HAULMER SPA",
                    "GiroEmisor": "VENTA POR INTERNET",
                    "CdgSIISucur": "81303347",
                    "DirOrigen": "ARTURO PRAT 527",
                    "CmnaOrigen": "Curicó",
                },
                "Receptor": {"RUTRecep": "66666666-6"},
                "Totales": {"MntNeto": neto, "IVA": total - neto, "MntTotal": total},
            },
            "Detalle": [
                {
                    "NroLinDet": 1,
                    "NmbItem": "Item 1",
                    "QtyItem": 1,
                    "PrcItem": total,
                    "MontoItem": total,
                }
            ],
        },
    }


def nota_credito(folio_ref: int, *, neto: int = 2000, fecha: str = "2026-11-27") -> dict[str, Any]:
    """A nota de crédito 61 annulling factura ``folio_ref`` (CodRef 1)."""
    body = factura(neto=neto, fecha=fecha)
    body["dte"]["Encabezado"]["IdDoc"] = {"TipoDTE": 61, "Folio": 0, "FchEmis": fecha}
    body["dte"]["Referencia"] = [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": str(folio_ref),
            "FchRef": fecha,
            "CodRef": 1,
            "RazonRef": "Anula factura",
        }
    ]
    return body


def guia(*, neto: int = 1000, fecha: str = "2026-11-27") -> dict[str, Any]:
    """A guía de despacho 52 (traslado, no venta)."""
    body = factura(neto=neto, fecha=fecha)
    body["dte"]["Encabezado"]["IdDoc"] = {
        "TipoDTE": 52,
        "Folio": 0,
        "FchEmis": fecha,
        "TipoDespacho": 2,
        "IndTraslado": 5,
    }
    return body


def exenta(*, total: int = 5000, fecha: str = "2026-11-27") -> dict[str, Any]:
    """A factura exenta 34."""
    body = factura(fecha=fecha)
    enc = body["dte"]["Encabezado"]
    enc["IdDoc"]["TipoDTE"] = 34
    enc["Totales"] = {"MntExe": total, "MntTotal": total}
    body["dte"]["Detalle"] = [
        {
            "NroLinDet": 1,
            "NmbItem": "Curso",
            "QtyItem": 1,
            "PrcItem": total,
            "MontoItem": total,
            "IndExe": 1,
        }
    ]
    return body


@contextmanager
def exporter_wire(
    key: str, rut: str, dte_types: Iterable[int], at: dt.datetime
) -> Iterator[httpx.Client]:
    """A raw wire client of a fake taxpayer (an exporter, EXPORTADORA SPA) that issues
    ``dte_types``, its clock at ``at`` and no rate limit."""
    fake = FakeHaulmer(clock=FakeClock(at))
    fake.control.rate_limit(None)
    fake.add_openfactura_tenant(
        key,
        rut=rut,
        razon_social="EXPORTADORA SPA",
        direccion="ARTURO PRAT 527",
        comuna="Curicó",
        dte_types=list(dte_types),
    )
    with httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": key}
    ) as client:
        yield client
