"""Rendering the models as the SII's nested dict: SII element names, SII element order.

The dict is what the XML renderer and the OpenFactura JSON both start from. Conventions:
keys are element names in schema order (dicts keep insertion order); a list value is a repeated
element (``Detalle``, ``Acteco``, ``CdgItem``...); leaves are ``int`` (amounts, codes),
``Decimal`` (quantities, prices, rates: no exponent, no trailing zeros, so ``str(v)`` is the
XML text), ``str`` (text, RUTs in canonical form, dates in ISO ``YYYY-MM-DD``). Absent values
and empty lists are left out.

Boletas (39/41) follow EnvioBOLETA_v11: the same models rendered with their own names
(RznSocEmisor, GiroEmisor, TotalPeriodo) and only the elements that schema has.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from haulmer.dte.models import (
    CdgItem,
    Detalle,
    DscRcgGlobal,
    Emisor,
    Encabezado,
    IdDoc,
    Receptor,
    Referencia,
    Totales,
)
from haulmer.rut import Rut

__all__ = [
    "BOLETA_ELEMENTS",
    "BOLETA_RENAMES",
    "DTE_ONLY_BOLETA_ELEMENTS",
    "SiiValue",
    "normalize_decimal",
    "render_section",
]

SiiValue = Any
"""A rendered value: int, Decimal, str, a nested dict or a list of those."""

BOLETA_ELEMENTS: Mapping[type[BaseModel], tuple[str, ...]] = {
    Encabezado: ("IdDoc", "Emisor", "Receptor", "Totales"),
    IdDoc: (
        "TipoDTE",
        "Folio",
        "FchEmis",
        "IndServicio",
        "IndMntNeto",
        "PeriodoDesde",
        "PeriodoHasta",
        "FchVenc",
        "MedioPago",
    ),
    Emisor: (
        "RUTEmisor",
        "RznSoc",
        "GiroEmis",
        "CdgSIISucur",
        "DirOrigen",
        "CmnaOrigen",
        "CiudadOrigen",
    ),
    Receptor: (
        "RUTRecep",
        "CdgIntRecep",
        "RznSocRecep",
        "Contacto",
        "CorreoRecep",
        "TelefonoRecep",
        "DirRecep",
        "CmnaRecep",
        "CiudadRecep",
        "DirPostal",
        "CmnaPostal",
        "CiudadPostal",
    ),
    Totales: (
        "MntNeto",
        "MntExe",
        "IVA",
        "MntTotal",
        "MontoNF",
        "MontoPeriodo",
        "SaldoAnterior",
        "VlrPagar",
    ),
    Detalle: (
        "NroLinDet",
        "CdgItem",
        "IndExe",
        "NmbItem",
        "DscItem",
        "QtyItem",
        "UnmdItem",
        "PrcItem",
        "DescuentoPct",
        "DescuentoMonto",
        "RecargoPct",
        "RecargoMonto",
        "MontoItem",
    ),
    DscRcgGlobal: ("NroLinDR", "TpoMov", "GlosaDR", "TpoValor", "ValorDR", "IndExeDR"),
    Referencia: (
        "NroLinRef",
        "TpoDocRef",
        "FolioRef",
        "CodRef",
        "RazonRef",
        "CodVndor",
        "CodCaja",
    ),
    CdgItem: ("TpoCodigo", "VlrCodigo"),
}
"""The elements each section has on a boleta, in EnvioBOLETA_v11 order (model alias names)."""

BOLETA_RENAMES: Mapping[str, str] = {
    "RznSoc": "RznSocEmisor",
    "GiroEmis": "GiroEmisor",
    "MontoPeriodo": "TotalPeriodo",
}
"""Model alias -> the boleta's element name."""

DTE_ONLY_BOLETA_ELEMENTS: Mapping[type[BaseModel], frozenset[str]] = {
    IdDoc: frozenset({"IndMntNeto"}),
    Receptor: frozenset({"TelefonoRecep"}),
    Referencia: frozenset({"CodVndor", "CodCaja"}),
}
"""Elements only boletas have: left out when rendering any other type."""

_ONE = Decimal(1)


def normalize_decimal(value: Decimal) -> Decimal:
    """``Decimal("2000.00") -> 2000``, ``Decimal("1.50") -> 1.5``: no exponent, no trailing 0s."""
    if value == value.to_integral_value():
        return value.quantize(_ONE)
    return value.normalize()


def _leaf(value: Any) -> SiiValue:
    if isinstance(value, Rut):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return normalize_decimal(value)
    return value


def _render(value: Any, boleta: bool) -> SiiValue:
    if isinstance(value, BaseModel):
        return render_section(value, boleta=boleta)
    if isinstance(value, list):
        return [_render(item, boleta) for item in value]
    return _leaf(value)


def _present(value: Any) -> bool:
    return value is not None and value != []


def render_section(model: BaseModel, *, boleta: bool) -> dict[str, SiiValue]:
    """One section as an ordered dict of SII names (boleta names and subset when ``boleta``)."""
    by_alias = {info.alias or name: name for name, info in type(model).model_fields.items()}
    if boleta and type(model) in BOLETA_ELEMENTS:
        keys: tuple[str, ...] = BOLETA_ELEMENTS[type(model)]
    else:
        excluded = frozenset() if boleta else DTE_ONLY_BOLETA_ELEMENTS.get(type(model), frozenset())
        keys = tuple(alias for alias in by_alias if alias not in excluded)
    out: dict[str, SiiValue] = {}
    for alias in keys:
        value = getattr(model, by_alias[alias])
        if not _present(value):
            continue
        rendered = _render(value, boleta)
        if boleta and alias == "MedioPago" and isinstance(rendered, str) and rendered.isdigit():
            rendered = int(rendered)
        out[BOLETA_RENAMES.get(alias, alias) if boleta else alias] = rendered
    return out
