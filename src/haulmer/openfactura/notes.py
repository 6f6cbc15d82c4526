"""The nota de crédito (61) that anuls or corrects an issued document, built with ``haulmer.dte``.

OpenFactura voids only guías (52); every other document is cancelled or corrected with a 61 whose
Referencia points at it: CodRef 1 anula (all lines again), 2 corrige texto (one line, amount 0),
3 corrige montos (the lines to credit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.errors import DocumentError, ErrorDetail, ValidationError
from haulmer.openfactura._checks import check_date

if TYPE_CHECKING:
    from haulmer.dte.document import Document

__all__ = ["build_credit_note"]


def _today_in_chile() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("America/Santiago")).date()


def _code(value: CodRef | int) -> CodRef:
    try:
        return CodRef(int(value))
    except (TypeError, ValueError):
        raise ValidationError(
            f"code must be CodRef.ANULA (1), CORRIGE_TEXTO (2) or CORRIGE_MONTOS (3), got {value!r}"
        ) from None


def build_credit_note(
    original: Any,
    *,
    reason: str,
    code: CodRef | int = CodRef.ANULA,
    folio: int | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    fecha: dt.date | str | None = None,
) -> Document:
    """A checked nota de crédito (61) referencing ``original`` (a Document or an SII dict).

    ``folio`` is the original's folio when the document does not carry it (documents sent to
    OpenFactura carry 0; the folio comes back in ``EmittedDocument.folio``). ``fecha`` defaults
    to today in Chile.
    """
    from haulmer.dte import Document, nota_credito

    cod_ref = _code(code)
    doc = original if isinstance(original, Document) else Document.from_sii_dict(original)
    folio_ref = folio if folio is not None else doc.folio
    if isinstance(folio_ref, bool) or not isinstance(folio_ref, int) or folio_ref < 1:
        raise DocumentError(
            "the folio of the document to amend is unknown: pass folio= (EmittedDocument.folio)",
            [ErrorDetail("Referencia.FolioRef", "required")],
        )
    if not isinstance(reason, str) or not reason.strip():
        raise DocumentError(
            "say why the note is issued (reason=); it goes in Referencia/RazonRef",
            [ErrorDetail("Referencia.RazonRef", "required")],
        )
    if doc.tipo_dte is DTEType.GUIA_DESPACHO and cod_ref is CodRef.ANULA:
        raise DocumentError(
            "a guía de despacho is voided with documents.void_guia(folio, fecha), not with a note",
            [ErrorDetail("Referencia.TpoDocRef", "52")],
        )
    when = _today_in_chile() if fecha is None else check_date(fecha, "fecha")
    return nota_credito(
        doc,
        cod_ref=cod_ref,
        razon=reason.strip(),
        lines=None if lines is None else [dict(line) for line in lines],
        folio_ref=folio_ref,
        fecha=when,
    )
