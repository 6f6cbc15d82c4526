"""The rules of boletas (39, 41) that the SII's format states and EnvioBOLETA_v11.xsd does not:
what each kind of service (IndServicio) must carry, and the days a boleta may be dated.

From the SII's "Formato Boletas Electrónicas" (v4.2, 2025): a boleta of servicios periódicos
(IndServicio 1) or periódicos domiciliarios (2) names the address where the service is given
(DirRecep) and a customer, as the generic RUT 66666666-6 is for boletas de ventas y servicios no
periódicos ni domiciliarios; a 2 says when payment is due (FchVenc); a show's boleta (4) says
what each line sells (ItemEspectaculo) and a ticket's line (01) carries its ticket (InfoTicket);
a reference naming a document's type (TpoDocRef) gives its folio (FolioRef); FchEmis lies from
2002-08-01 to 2050-12-31.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from haulmer._lazy import LazyModule
from haulmer.dte.rules.outcome import blank
from haulmer.errors import ErrorDetail
from haulmer.rut import GENERIC_RECEPTOR_RUT

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["boleta_problems"]

_PERIODIC: Final = {1: "servicios periódicos", 2: "servicios periódicos domiciliarios"}
"""The IndServicio of a periodic service's boleta, which names its customer and their address."""
_FIRST_DAY: Final = dt.date(2002, 8, 1)
_LAST_DAY: Final = dt.date(2050, 12, 31)


def boleta_problems(doc: _document.Document) -> list[ErrorDetail]:
    """What a boleta ``doc`` lacks for its IndServicio or its references, and an FchEmis the SII
    does not take."""
    problems: list[ErrorDetail] = []
    id_doc, receptor = doc.encabezado.id_doc, doc.encabezado.receptor
    servicio = id_doc.ind_servicio
    if servicio in _PERIODIC:
        kind = f"a boleta of {_PERIODIC[servicio]} (IndServicio {servicio})"
        if receptor.rut == GENERIC_RECEPTOR_RUT:
            problems.append(
                ErrorDetail(
                    "Encabezado.Receptor.RUTRecep",
                    f"is {GENERIC_RECEPTOR_RUT}, the generic RUT the SII allows on boletas de "
                    f"ventas y servicios (IndServicio 3) only; {kind} names its customer: give "
                    "the customer's RUT",
                )
            )
        if blank(receptor.direccion):
            problems.append(
                ErrorDetail(
                    "Encabezado.Receptor.DirRecep",
                    f"required on {kind}: the address where the service is given",
                )
            )
        if servicio == 2 and id_doc.fecha_vencimiento is None:
            problems.append(
                ErrorDetail(
                    "Encabezado.IdDoc.FchVenc",
                    f"required on {kind}: the day payment is due",
                )
            )
    if servicio == 4:
        for index, line in enumerate(doc.detalle):
            where = f"Detalle[{index + 1}]"
            if blank(line.item_espectaculo):
                problems.append(
                    ErrorDetail(
                        f"{where}.ItemEspectaculo",
                        "required on a show's boleta (IndServicio 4): 01 for a ticket, 02 for "
                        "the service's charge",
                    )
                )
            elif _is_ticket(line.item_espectaculo) and line.info_ticket is None:
                problems.append(
                    ErrorDetail(
                        f"{where}.InfoTicket",
                        "required on a ticket's line (ItemEspectaculo 01): the event, its date, "
                        "place and seat",
                    )
                )
    for index, referencia in enumerate(doc.referencias):
        if not blank(referencia.tipo_doc_ref) and blank(referencia.folio_ref):
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].FolioRef",
                    f"required when TpoDocRef is given ({referencia.tipo_doc_ref}): the folio "
                    "of the document referenced",
                )
            )
    fecha = id_doc.fecha_emision
    if not _FIRST_DAY <= fecha <= _LAST_DAY:
        problems.append(
            ErrorDetail(
                "Encabezado.IdDoc.FchEmis",
                f"is {fecha.isoformat()}; the SII takes a boleta dated from "
                f"{_FIRST_DAY.isoformat()} to {_LAST_DAY.isoformat()}",
            )
        )
    return problems


def _is_ticket(code: str | None) -> bool:
    """Whether ItemEspectaculo says a ticket: 01, or 1 (the schema's number is the same)."""
    text = (code or "").strip()
    return text.isascii() and text.isdigit() and int(text) == 1
