"""The nota de crédito (61) that anuls or corrects an issued document, built locally.

OpenFactura voids only guías (52); every other document is cancelled or corrected with a 61 whose
Referencia points at it: CodRef 1 anula (all lines again), 2 corrige texto (one line, amount 0),
3 corrige montos (the lines to credit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.errors import DocumentError, ErrorDetail, ValidationError
from haulmer.openfactura._checks import check_date

__all__ = ["RAZON_REF_MAX", "build_credit_note"]

RAZON_REF_MAX = 90
"""The SII's limit for Referencia/RazonRef."""

_SANTIAGO = "America/Santiago"


def _today_in_chile() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(_SANTIAGO)).date()


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
) -> Any:
    """A ``haulmer.dte.Document`` of type 61 referencing ``original`` (a Document or SII dict).

    ``folio`` is the original's folio when the document does not carry it (documents sent to
    OpenFactura carry 0; the folio comes back in ``EmittedDocument.folio``).
    """
    from haulmer.dte.document import Document
    from haulmer.dte.models import Detalle, IdDoc, Referencia

    cod_ref = _code(code)
    doc = original if isinstance(original, Document) else Document.from_sii_dict(original)
    folio_ref = folio if folio is not None else doc.folio
    if isinstance(folio_ref, bool) or not isinstance(folio_ref, int) or folio_ref < 1:
        raise DocumentError(
            "the folio of the document to amend is unknown: pass folio= (EmittedDocument.folio)",
            [ErrorDetail("Referencia.FolioRef", "required")],
        )
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(
            "say why the note is issued (reason=), it goes in Referencia/RazonRef",
            [ErrorDetail("Referencia.RazonRef", "required")],
        )
    if len(reason) > RAZON_REF_MAX:
        raise DocumentError(
            f"reason is {len(reason)} characters; RazonRef admits {RAZON_REF_MAX}",
            [ErrorDetail("Referencia.RazonRef", f"longer than {RAZON_REF_MAX}")],
        )
    if doc.tipo_dte is DTEType.GUIA_DESPACHO and cod_ref is CodRef.ANULA:
        raise DocumentError(
            "a guía de despacho is voided with documents.void_guia(folio, fecha), not a note",
            [ErrorDetail("Referencia.TpoDocRef", "52")],
        )
    when = _today_in_chile() if fecha is None else check_date(fecha, "fecha")

    try:
        if cod_ref is CodRef.ANULA:
            detalle = [line.model_copy() for line in doc.detalle]
            globales = list(doc.descuentos_recargos)
        elif lines:
            detalle = [Detalle.model_validate(dict(line)) for line in lines]
            globales = []
        elif cod_ref is CodRef.CORRIGE_TEXTO:
            detalle = [Detalle.model_validate({"NmbItem": reason[:80], "MontoItem": 0})]
            globales = []
        else:
            raise DocumentError(
                "a note that corrects amounts (CodRef 3) needs lines= with the amounts to credit",
                [ErrorDetail("Detalle", "required for CodRef 3")],
            )
        id_doc = IdDoc.model_validate(
            {
                "TipoDTE": DTEType.NOTA_CREDITO,
                "Folio": 0,
                "FchEmis": when,
                "MntBruto": 1 if doc.montos_brutos and cod_ref is CodRef.ANULA else None,
            }
        )
        referencia = Referencia.model_validate(
            {
                "NroLinRef": 1,
                "TpoDocRef": str(int(doc.tipo_dte)),
                "FolioRef": str(folio_ref),
                "FchRef": doc.fecha_emision,
                "CodRef": cod_ref,
                "RazonRef": reason,
            }
        )
    except pydantic.ValidationError as exc:
        from haulmer.dte.document import document_error

        raise document_error(exc, "the nota de crédito") from None
    encabezado = doc.encabezado.model_copy(
        update={"id_doc": id_doc, "totales": None, "transporte": None}
    )
    note = doc.model_copy(
        update={
            "encabezado": encabezado,
            "detalle": detalle,
            "descuentos_recargos": globales,
            "referencias": [referencia],
        }
    )
    return note.completed()
