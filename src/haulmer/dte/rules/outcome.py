"""What checking a document yields, shared by every family's rules: problems and arithmetic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NamedTuple

from haulmer._lazy import LazyModule
from haulmer.dte.models import Detalle, Totales
from haulmer.dte.totals import LineAmounts
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports the rules: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

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


def blank_required_text_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Each item code, driver's name and required text of a line's or the document's sections
    (SubCod, Moneda, InfoTicket, GeoRefEmision, ManejoMadera) that is blank: the schema
    requires their elements, and an empty one says nothing (reading it back refuses it), so
    the user must give the text."""
    problems: list[ErrorDetail] = []
    for index, line in enumerate(doc.detalle):
        if line.subcantidades or line.otra_moneda is not None or line.info_ticket is not None:
            problems.extend(_blank_line_section_problems(line, f"Detalle[{index + 1}]"))
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
    geo = doc.geo_ref_emision
    if geo is not None:
        problems.extend(_blank_texts(geo, "GeoRefEmision", _GEO_REF_TEXTS, "GeoRefEmision"))
    madera = doc.manejo_madera
    if madera is not None:
        problems.extend(_blank_texts(madera, "ManejoMadera", _MADERA_TEXTS, "ManejoMadera"))
    return problems


_TICKET_TEXTS: Final = (
    ("nombre_evento", "NmbEvento", "the event's name"),
    ("tipo_ticket", "TpoTicket", "the ticket's type"),
    ("codigo_evento", "CdgEvento", "the event's code"),
    ("lugar_evento", "LugarEvento", "where the event takes place"),
    ("ubicacion", "UbicEvento", "the seat's area"),
)
_GEO_REF_TEXTS: Final = (
    ("latitud", "LatitudEmision", "the latitude"),
    ("longitud", "LongitudEmision", "the longitude"),
)
_MADERA_TEXTS: Final = (
    ("codigo_plan_conaf", "CodPlanConaf", "the CONAF plan's code"),
    ("latitud_origen", "LatitudOrigenMadera", "the origin's latitude"),
    ("longitud_origen", "LongitudOrigenMadera", "the origin's longitude"),
)
"""(field, SII element, what it holds) of each required text of a section."""


def _blank_texts(
    section: Any, where: str, texts: tuple[tuple[str, str, str], ...], section_name: str
) -> list[ErrorDetail]:
    """A problem per required text of ``section`` that is blank."""
    return [
        ErrorDetail(f"{where}.{element}", f"is blank: give {what} or leave {section_name} out")
        for field, element, what in texts
        if not getattr(section, field).strip()
    ]


def _blank_line_section_problems(line: Detalle, where: str) -> list[ErrorDetail]:
    """A line's Subcantidad SubCod, OtrMnda Moneda and InfoTicket texts that are blank."""
    problems = [
        ErrorDetail(
            f"{where}.Subcantidad[{number}].SubCod",
            "is blank: give the code (lot, serial number) the quantity is of, or leave "
            "this Subcantidad out",
        )
        for number, part in enumerate(line.subcantidades, start=1)
        if not part.codigo.strip()
    ]
    if line.otra_moneda is not None and not line.otra_moneda.moneda.strip():
        problems.append(
            ErrorDetail(
                f"{where}.OtrMnda.Moneda",
                "is blank: give the currency's code (USD, EUR...) or leave OtrMnda out",
            )
        )
    if line.info_ticket is not None:
        problems.extend(
            _blank_texts(line.info_ticket, f"{where}.InfoTicket", _TICKET_TEXTS, "InfoTicket")
        )
    return problems
