"""Countries of a document that are no code of Aduana's table of countries.

The SII's Nacionalidad is the receptor's country as Aduana numbers it (225 the United States),
as CodPaisRecep and CodPaisDestin are; its schema takes any text of 1 to 3 characters, so an
ISO code (``ARG``, ``USA``), which names no country there, passed, and the integers any number
of up to 3 digits (5), though every code has three, from 101.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["country_problems"]

_LOWEST_COUNTRY = 101
"""Aduana's country codes have three digits, from 101 (Senegal) to 999 (otros)."""


def _nacionalidad_problems(document: _document.Document) -> list[ErrorDetail]:
    """Receptor/Extranjero/Nacionalidad when given and not three digits from 101 (a longer one
    is the schema's facets' to name)."""
    extranjero = document.encabezado.receptor.extranjero
    code = extranjero.nacionalidad if extranjero is not None else None
    if code is None or not code.strip() or len(code) > 3:
        return []
    if code.isascii() and code.isdigit() and len(code) == 3 and int(code) >= _LOWEST_COUNTRY:
        return []
    return [
        ErrorDetail(
            "Encabezado.Receptor.Extranjero.Nacionalidad",
            f"{shown(code)} is not Aduana's country code, which the SII's Nacionalidad is: "
            "give the country's number in Aduana's table (225 for the United States), not an "
            "ISO code or a name",
        )
    ]


def country_problems(document: _document.Document) -> list[ErrorDetail]:
    """Nacionalidad, and Aduana's CodPaisRecep and CodPaisDestin, when given and no country
    code of Aduana's (three digits from 101; a longer one is the facets' to name)."""
    problems = _nacionalidad_problems(document)
    transporte = document.encabezado.transporte
    aduana = transporte.aduana if transporte is not None else None
    if aduana is None:
        return problems
    for element, code in (
        ("CodPaisRecep", aduana.cod_pais_recep),
        ("CodPaisDestin", aduana.cod_pais_destin),
    ):
        if code is None or not 0 < code < _LOWEST_COUNTRY:
            continue
        problems.append(
            ErrorDetail(
                f"Encabezado.Transporte.Aduana.{element}",
                f"{code} is not Aduana's country code, which has three digits from "
                f"{_LOWEST_COUNTRY}: give the country's number in Aduana's table (225 for the "
                "United States)",
            )
        )
    return problems
