"""Shared pieces for the sii tests: a test certificate, test CAFs and one document per type.

``xmlsec1_verify``, ``EMISOR_RUT`` and ``SIGNED_AT`` come from ``tests/signers.py``, shared with
the reliability suites.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from signers import EMISOR_RUT, SIGNED_AT, emisor_cafs, signer_certificate

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DTES = sorted(FIXTURES.glob("DTE--*.xml"))
SUPPORTED_TYPES = (33, 34, 39, 41, 43, 46, 52, 56, 61, 110, 111, 112)
EXPORT_TYPES = (110, 111, 112)
EXPORT_RATE = Decimal("950.25")


def _emisor(tipo: int) -> dict[str, Any]:
    emisor: dict[str, Any] = {
        "RUTEmisor": EMISOR_RUT,
        "RznSoc": 'Comercial Ñandú & Hijos "El Ñato" Ltda.',
        "GiroEmis": "Venta de artículos de ferretería",
        "Acteco": [475201],
        "DirOrigen": "Av. O'Higgins 1234",
        "CmnaOrigen": "Ñuñoa",
        "CiudadOrigen": "Santiago",
    }
    if tipo in (39, 41):
        del emisor["Acteco"]  # boletas carry no Acteco
    return emisor


def _receptor(tipo: int) -> dict[str, Any]:
    if tipo in (39, 41):
        return {"RUTRecep": "66666666-6"}
    if tipo in EXPORT_TYPES:
        return {
            "RUTRecep": "55555555-5",
            "RznSocRecep": 'Importadora "Ñandú" & Sons Trading Company Limited of Hong Kong',
            "Extranjero": {"NumId": "HK-1234567", "Nacionalidad": "342"},
            "GiroRecep": "Importación de herramientas",
            "DirRecep": "1 Queen's Road Central",
            "CiudadRecep": "Hong Kong",
        }
    return {
        "RUTRecep": "96790240-3",
        "RznSocRecep": 'Minera Los Pelambres & Cía. "Ltda" con un nombre largo de más de 40',
        "GiroRecep": "Extracción de cobre",
        "DirRecep": "Av. Apoquindo 4001",
        "CmnaRecep": "Las Condes",
        "CiudadRecep": "Santiago",
    }


def document_dict(tipo: int, *, folio: int = 1, lines: int = 3) -> dict[str, Any]:
    """An SII-shaped dict for a plausible document of type ``tipo``."""
    id_doc: dict[str, Any] = {"TipoDTE": tipo, "Folio": folio, "FchEmis": "2026-11-27"}
    if tipo in (39, 41):
        id_doc["IndServicio"] = 3
    if tipo == 52:
        id_doc["IndTraslado"] = 1
    detalle = []
    for index in range(lines):
        line: dict[str, Any] = {
            "NmbItem": f"Martillo N°{index + 1} & 'clavos' \"Ñ\"",
            "QtyItem": index + 1,
            "PrcItem": 1190 + 10 * index,
        }
        if tipo in (34, 41):
            line["IndExe"] = 1
        if tipo == 43:  # a liquidación-factura: the type each sale was made with
            line["TpoDocLiq"] = "33" if index else "39"
        if tipo in EXPORT_TYPES:  # dollars with cents: MontoItem in the document's currency
            line.update(IndExe=1, PrcItem=Decimal("12.25") + index)
            line["MontoItem"] = line["QtyItem"] * line["PrcItem"]
        detalle.append(line)
    data: dict[str, Any] = {
        "Encabezado": {"IdDoc": id_doc, "Emisor": _emisor(tipo), "Receptor": _receptor(tipo)},
        "Detalle": detalle,
    }
    if tipo in EXPORT_TYPES:
        _export_parts(tipo, data)
    if tipo == 43:
        data["Comisiones"] = [
            {
                "TipoMovim": "C",
                "Glosa": "Comisión 8% & 'flete'",
                "TasaComision": "8",
                "ValComNeto": 800,
                "ValComExe": 0,
                "ValComIVA": 152,
            },
            {"TipoMovim": "O", "Glosa": "Bodegaje", "ValComNeto": 0, "ValComExe": 350},
        ]
    if tipo in (56, 61):
        data["Referencia"] = [
            {
                "TpoDocRef": "33",
                "FolioRef": "120",
                "FchRef": "2026-11-20",
                "CodRef": 3,
                "RazonRef": "Corrige montos",
            }
        ]
    return data


def _export_parts(tipo: int, data: dict[str, Any]) -> None:
    """Totales in dollars, OtraMoneda in pesos, Aduana for the factura, the note's reference."""
    total = sum((line["MontoItem"] for line in data["Detalle"]), Decimal(0))
    pesos = (total * EXPORT_RATE).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    header = data["Encabezado"]
    header["Totales"] = {"TpoMoneda": "DOLAR USA", "MntExe": total, "MntTotal": total}
    header["OtraMoneda"] = {
        "TpoMoneda": "PESO CL",
        "TpoCambio": EXPORT_RATE,
        "MntExeOtrMnda": pesos,
        "MntTotOtrMnda": pesos,
    }
    if tipo == 110:
        header["IdDoc"]["FmaPagExp"] = 32
        header["Transporte"] = {
            "Aduana": {
                "CodModVenta": 1,
                "CodClauVenta": 5,
                "TotClauVenta": total,
                "CodViaTransp": 1,
                "NombreTransp": "MSC Valparaíso",
                "CodPtoEmbarque": 906,
                "CodPtoDesemb": 343,
                "TotBultos": 3,
                "TipoBultos": [{"CodTpoBultos": 22, "CantBultos": 3, "Marcas": "ÑANDÚ & CO"}],
                "CodPaisRecep": 342,
                "CodPaisDestin": 342,
            }
        }
    else:
        data["Referencia"] = [
            {
                "TpoDocRef": "110",
                "FolioRef": "120",
                "FchRef": "2026-11-20",
                "CodRef": 3,
                "RazonRef": "Corrige montos",
            }
        ]


def make_document(tipo: int, *, folio: int = 1, lines: int = 3) -> Document:
    return Document.from_sii_dict(document_dict(tipo, folio=folio, lines=lines))


@pytest.fixture(scope="session")
def certificate() -> Certificate:
    return signer_certificate()


@pytest.fixture(scope="session")
def cafs() -> dict[int, Caf]:
    return emisor_cafs(SUPPORTED_TYPES, folio_to=100)


@pytest.fixture(scope="session")
def issued(certificate: Certificate, cafs: dict[int, Caf]) -> dict[int, bytes]:
    """One stamped and signed document per supported type."""
    from haulmer.sii import issue

    return {
        tipo: issue(
            make_document(tipo), caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT
        )
        for tipo in SUPPORTED_TYPES
    }
