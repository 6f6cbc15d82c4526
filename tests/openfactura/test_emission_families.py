"""One test per DTE family: the JSON ``emit`` sends, field by field, against the reference.

Reference section 4.10 (factura 33, boleta 39, nota 61) and its per-type deltas (34: MntExe and
MntTotal only, lines IndExe 1; 52: TipoDespacho, IndTraslado, Transporte; 56/61: Referencia).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from haulmer.openfactura.sandbox import HAULMER_DEMO

from . import samples
from .conftest import resolve

EMISOR_FACTURA = {
    "RUTEmisor": "76795561-8",
    "RznSoc": "HAULMER SPA",
    "GiroEmis": HAULMER_DEMO.giro,
    "Acteco": 479100,
    "CdgSIISucur": "81303347",
    "DirOrigen": "ARTURO PRAT 527   CURICO",
    "CmnaOrigen": "Curicó",
}
RECEPTOR_FACTURA = {
    "RUTRecep": "76430498-5",
    "RznSocRecep": "HOSTY SPA",
    "GiroRecep": "EMPRESAS DE SERVICIOS INTEGRALES DE INFO",
    "DirRecep": "ARTURO PRAT 527 3 pis OF 1",
    "CmnaRecep": "Curicó",
}


async def _sent(of: Any, mock: respx.MockRouter, document: Any, **kwargs: Any) -> dict[str, Any]:
    route = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "f" * 64, "FOLIO": 3130})
    )
    emitted = await resolve(of.documents.emit(document, **kwargs))
    assert emitted.token == "f" * 64
    assert emitted.folio == 3130
    request = route.calls.last.request
    assert request.headers["apikey"]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"].startswith("haulmer-")
    body: dict[str, Any] = json.loads(request.content)
    return body


async def test_factura_33_matches_the_reference_example(of: Any, mock: respx.MockRouter) -> None:
    body = await _sent(of, mock, samples.factura(), response=["FOLIO", "PDF"])
    assert body["response"] == ["FOLIO", "PDF"]
    dte = body["dte"]
    assert list(dte) == ["Encabezado", "Detalle"]
    encabezado = dte["Encabezado"]
    assert list(encabezado) == ["IdDoc", "Emisor", "Receptor", "Totales"]
    assert encabezado["IdDoc"] == {"TipoDTE": 33, "Folio": 0, "FchEmis": "2026-02-10", "FmaPago": 1}
    assert encabezado["Emisor"] == EMISOR_FACTURA
    assert encabezado["Receptor"] == RECEPTOR_FACTURA
    assert encabezado["Totales"] == {"MntNeto": 2000, "TasaIVA": "19", "IVA": 380, "MntTotal": 2380}
    assert dte["Detalle"] == [
        {"NroLinDet": 1, "NmbItem": "item", "QtyItem": 1, "PrcItem": 2000, "MontoItem": 2000}
    ]


async def test_factura_exenta_34_sends_only_exempt_totals(of: Any, mock: respx.MockRouter) -> None:
    body = await _sent(of, mock, samples.factura_exenta())
    assert body["response"] == ["FOLIO"]
    encabezado = body["dte"]["Encabezado"]
    assert encabezado["IdDoc"] == {"TipoDTE": 34, "Folio": 0, "FchEmis": "2026-02-10"}
    assert encabezado["Emisor"] == EMISOR_FACTURA
    assert encabezado["Totales"] == {"MntExe": 5000, "MntTotal": 5000}
    assert body["dte"]["Detalle"] == [
        {
            "NroLinDet": 1,
            "IndExe": 1,
            "NmbItem": "Curso de capacitación",
            "QtyItem": 2,
            "PrcItem": 2500,
            "MontoItem": 5000,
        }
    ]


async def test_boleta_39_uses_boleta_emisor_names_and_minimal_receptor(
    of: Any, mock: respx.MockRouter
) -> None:
    body = await _sent(of, mock, samples.boleta(), response=["FOLIO"])
    encabezado = body["dte"]["Encabezado"]
    assert encabezado["IdDoc"] == {
        "TipoDTE": 39,
        "Folio": 0,
        "FchEmis": "2026-02-10",
        "IndServicio": 3,
    }
    assert encabezado["Emisor"] == {
        "RUTEmisor": "76795561-8",
        "RznSocEmisor": "HAULMER SPA",
        "GiroEmisor": HAULMER_DEMO.giro,
        "CdgSIISucur": "81303347",
        "DirOrigen": "ARTURO PRAT 527   CURICO",
        "CmnaOrigen": "Curicó",
    }
    assert "Acteco" not in encabezado["Emisor"]
    assert encabezado["Receptor"] == {"RUTRecep": "66666666-6"}
    assert encabezado["Totales"] == {"MntNeto": 840, "IVA": 160, "MntTotal": 1000}
    assert "TasaIVA" not in encabezado["Totales"]
    assert body["dte"]["Detalle"] == [
        {"NroLinDet": 1, "NmbItem": "Item 1", "QtyItem": 1, "PrcItem": 1000, "MontoItem": 1000}
    ]


async def test_nota_credito_61_carries_the_referencia(of: Any, mock: respx.MockRouter) -> None:
    body = await _sent(of, mock, samples.nota_credito(folio_ref=106))
    dte = body["dte"]
    assert list(dte) == ["Encabezado", "Detalle", "Referencia"]
    assert dte["Encabezado"]["IdDoc"] == {"TipoDTE": 61, "Folio": 0, "FchEmis": "2026-02-10"}
    assert dte["Encabezado"]["Emisor"] == EMISOR_FACTURA
    assert dte["Encabezado"]["Receptor"] == RECEPTOR_FACTURA
    assert dte["Encabezado"]["Totales"] == {
        "MntNeto": 500,
        "TasaIVA": "19",
        "IVA": 95,
        "MntTotal": 595,
    }
    assert dte["Referencia"] == [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "106",
            "FchRef": "2026-02-10",
            "CodRef": 3,
            "RazonRef": "Descuento por pronto pago",
        }
    ]


async def test_guia_52_carries_despacho_traslado_and_transporte(
    of: Any, mock: respx.MockRouter
) -> None:
    body = await _sent(of, mock, samples.guia())
    encabezado = body["dte"]["Encabezado"]
    assert list(encabezado) == ["IdDoc", "Emisor", "Receptor", "Transporte", "Totales"]
    assert encabezado["IdDoc"] == {
        "TipoDTE": 52,
        "Folio": 0,
        "FchEmis": "2026-02-10",
        "TipoDespacho": 2,
        "IndTraslado": 1,
    }
    assert encabezado["Transporte"] == {
        "DirDest": "Av. Siempre Viva 742",
        "CmnaDest": "Talca",
        "CiudadDest": "Talca",
    }
    assert encabezado["Totales"] == {
        "MntNeto": 100000,
        "TasaIVA": "19",
        "IVA": 19000,
        "MntTotal": 119000,
    }
