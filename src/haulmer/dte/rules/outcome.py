"""What checking a document yields, shared by every family's rules: problems and arithmetic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from haulmer._lazy import LazyModule
from haulmer.dte.models import Totales
from haulmer.dte.totals import LineAmounts
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer import dte
else:  # haulmer.dte.document imports the rules: ``dte.Document`` resolves once both are loaded
    dte = LazyModule("haulmer.dte")

__all__ = ["DocumentCheck", "blank", "blank_required_text_problems"]


class DocumentCheck(NamedTuple):
    """What checking a document found, with the arithmetic it did on the way.

    ``line_amounts`` and ``totals`` are None when the calculator refused the lines (the
    reason is among the problems); the renderer reuses them instead of computing them again.
    """

    problems: list[ErrorDetail]
    line_amounts: list[LineAmounts] | None
    totals: Totales | None


def blank(value: Any) -> bool:
    """Missing for the SII: None, an empty list, or text that is only spaces."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def blank_required_text_problems(doc: dte.Document) -> list[ErrorDetail]:
    """Each item code and driver's name that is blank: the schema requires their elements, and
    an empty one says nothing (reading it back refuses it), so the user must give the text."""
    problems: list[ErrorDetail] = []
    for index, line in enumerate(doc.detalle):
        if not line.codigos:
            continue  # (most lines: no enumerate made for them)
        for number, codigo in enumerate(line.codigos, start=1):
            if codigo.tipo.strip() and codigo.valor.strip():
                continue  # (every code but a faulty one: no path written)
            where = f"Detalle[{index + 1}].CdgItem[{number}]"
            if not codigo.tipo.strip():
                problems.append(
                    ErrorDetail(
                        f"{where}.TpoCodigo",
                        "is blank: give the codification (INT1, EAN13, PLU...) or leave the "
                        "code out",
                    )
                )
            if not codigo.valor.strip():
                problems.append(
                    ErrorDetail(f"{where}.VlrCodigo", "is blank: give the code or leave it out")
                )
    transporte = doc.encabezado.transporte
    chofer = transporte.chofer if transporte is not None else None
    if chofer is not None and not chofer.nombre.strip():
        problems.append(
            ErrorDetail(
                "Encabezado.Transporte.Chofer.NombreChofer",
                "is blank: give the driver's name or leave Chofer out",
            )
        )
    return problems
