"""The rules of the informative subtotals (SubTotInfo), shared by every kind of document: how
many, their label where the schema requires it, and lines they name that the document has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["subtotal_problems"]

_MAX_SUBTOTALS = 20


def subtotal_problems(doc: _document.Document) -> list[ErrorDetail]:
    """What the SII refuses in a document's SubTotInfo that the schema's facets do not say."""
    subtotales = doc.subtotales
    if not subtotales:
        return []
    problems = []
    if len(subtotales) > _MAX_SUBTOTALS:
        problems.append(
            ErrorDetail(
                "SubTotInfo",
                f"{len(subtotales)} subtotals; the SII allows at most {_MAX_SUBTOTALS}: join some",
            )
        )
    tipo = doc.tipo_dte
    lines = len(doc.detalle)
    for index, subtotal in enumerate(subtotales):
        where = f"SubTotInfo[{index + 1}]"
        if not tipo.is_boleta and (subtotal.glosa is None or not subtotal.glosa.strip()):
            problems.append(
                ErrorDetail(f"{where}.GlosaSTI", "a subtotal needs its label (GlosaSTI)")
            )
        named = subtotal.lineas_deta
        if len(named) > tipo.max_lines:
            problems.append(
                ErrorDetail(
                    f"{where}.LineasDeta",
                    f"{len(named)} lines; the SII allows at most {tipo.max_lines}",
                )
            )
        missing = sorted({n for n in named if n > lines})
        if missing:
            shown = ", ".join(str(n) for n in missing)
            problems.append(
                ErrorDetail(
                    f"{where}.LineasDeta",
                    f"names line {shown}, but the document has {lines} line"
                    f"{'' if lines == 1 else 's'}: name lines it has",
                )
            )
    return problems
