"""A foreign receptor's Nacionalidad that is no code of Aduana's table of countries.

The SII's Nacionalidad is the receptor's country as Aduana numbers it (225 the United States),
as CodPaisRecep and CodPaisDestin are; its schema takes any text of 1 to 3 characters, so an
ISO code (``ARG``, ``USA``), which names no country there, passed.
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

__all__ = ["nacionalidad_problems"]

_LOWEST_COUNTRY = 101
"""Aduana's country codes have three digits, from 101 (Senegal) to 999 (otros)."""


def nacionalidad_problems(document: _document.Document) -> list[ErrorDetail]:
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
