"""Per-type rules checked locally, before any XML or network: each returns ``ErrorDetail``s.

Fields are named by their SII path (``Encabezado.Emisor.RznSoc``, ``Detalle[3].NmbItem``) and
each issue says what is expected. Lengths and enumerations come from DTE_v10.xsd and
EnvioBOLETA_v11.xsd; required fields are the schema's plus what the SII rejects without
(CmnaOrigen) or what the SII's format requires on facturas (receptor's giro and address).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.models import (
    CdgItem,
    Chofer,
    Detalle,
    DscRcgGlobal,
    Emisor,
    Extranjero,
    IdDoc,
    ImptoReten,
    MntPago,
    Receptor,
    Referencia,
    Totales,
    Transporte,
)
from haulmer.dte.sii_dict import BOLETA_ELEMENTS, BOLETA_RENAMES, DTE_ONLY_BOLETA_ELEMENTS
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte.document import Document

__all__ = ["document_problems", "stamping_problems", "totals_problems"]

_MIN_DATE = date(2000, 1, 1)
_MAX_DATE = date(2050, 12, 31)
_MAX_FOLIO = 9_999_999_999

# Maximum text lengths by section and SII name (DTE_v10.xsd; EnvioBOLETA_v11 agrees where shared).
_MAX_LENGTHS: Mapping[type[BaseModel], Mapping[str, int]] = {
    IdDoc: {
        "TpoImpresion": 1,
        "MedioPago": 2,
        "TpoCtaPago": 10,
        "NumCtaPago": 20,
        "BcoPago": 40,
        "TermPagoCdg": 4,
        "TermPagoGlosa": 100,
    },
    Emisor: {
        "RznSoc": 100,
        "GiroEmis": 80,
        "Telefono": 20,
        "CorreoEmisor": 80,
        "Sucursal": 20,
        "DirOrigen": 70,
        "CmnaOrigen": 20,
        "CiudadOrigen": 20,
        "CdgVendedor": 60,
        "IdAdicEmisor": 20,
    },
    Receptor: {
        "CdgIntRecep": 20,
        "RznSocRecep": 100,
        "GiroRecep": 40,
        "Contacto": 80,
        "CorreoRecep": 80,
        "TelefonoRecep": 20,
        "DirRecep": 70,
        "CmnaRecep": 20,
        "CiudadRecep": 20,
        "DirPostal": 70,
        "CmnaPostal": 20,
        "CiudadPostal": 20,
    },
    Transporte: {
        "Patente": 8,
        "PatenteCarro": 8,
        "DirDest": 70,
        "CmnaDest": 20,
        "CiudadDest": 20,
    },
    Detalle: {
        "NmbItem": 80,
        "DscItem": 1000,
        "UnmdRef": 4,
        "UnmdItem": 4,
        "CodImpAdic": 3,
    },
    CdgItem: {"TpoCodigo": 10, "VlrCodigo": 35},
    Chofer: {"NombreChofer": 30},
    Extranjero: {"NumId": 20, "Nacionalidad": 3},
    MntPago: {"GlosaPagos": 40},
    DscRcgGlobal: {"GlosaDR": 45},
    Referencia: {
        "TpoDocRef": 3,
        "FolioRef": 18,
        "RazonRef": 90,
        "CodVndor": 8,
        "CodCaja": 8,
    },
    ImptoReten: {"TipoImp": 3},
}

# Decimal elements: (integer digits, fraction digits) from the XSD types Dec12_6, PctType, Dec16_2.
_DECIMALS: Mapping[str, tuple[int, int]] = {
    "QtyItem": (12, 6),
    "PrcItem": (12, 6),
    "QtyRef": (12, 6),
    "PrcRef": (12, 6),
    "DescuentoPct": (3, 2),
    "RecargoPct": (3, 2),
    "TasaIVA": (3, 2),
    "TasaImp": (3, 2),
    "ValorDR": (16, 2),
}

_UNSUPPORTED_TYPES = frozenset({43, 110, 111, 112})

_ENUMS_DTE: Mapping[str, frozenset[Any]] = {
    "IndNoRebaja": frozenset({1}),
    "TipoDespacho": frozenset({1, 2, 3}),
    "IndTraslado": frozenset(range(1, 10)),
    "TpoImpresion": frozenset({"N", "T"}),
    "IndServicio": frozenset({1, 2, 3}),
    "MntBruto": frozenset({1}),
    "TpoTranCompra": frozenset(range(1, 8)),
    "TpoTranVenta": frozenset(range(1, 5)),
    "FmaPago": frozenset({1, 2, 3}),
    "MedioPago": frozenset({"CH", "LT", "EF", "PE", "TC", "CF", "OT"}),
    "TpoCtaPago": frozenset({"AHORRO", "CORRIENTE", "VISTA"}),
    "IndExe": frozenset({1, 2, 3, 4, 5}),
    "IndExeDR": frozenset({1, 2}),
    "IndGlobal": frozenset({1}),
}
_ENUMS_BOLETA: Mapping[str, frozenset[Any]] = {
    "IndServicio": frozenset({1, 2, 3, 4}),
    "IndMntNeto": frozenset({2}),
    "MedioPago": frozenset({"1", "2", "3", "4", "5"}),
    "IndExe": frozenset({1, 2, 6}),
    "IndExeDR": frozenset({1, 2}),
}

_RUTOTR_TYPES = frozenset({46, 56, 61, 110, 111, 112})


def _fields(model: BaseModel) -> Iterable[tuple[str, Any]]:
    """(SII name, value) of every field of ``model`` that holds something."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or value == []:
            continue
        yield info.alias or name, value


def _shown_name(alias: str, boleta: bool) -> str:
    return BOLETA_RENAMES.get(alias, alias) if boleta else alias


def _section_problems(model: BaseModel, path: str, boleta: bool) -> list[ErrorDetail]:
    """Lengths, enumerations and elements the type's schema lacks, recursively."""
    problems: list[ErrorDetail] = []
    limits = _MAX_LENGTHS.get(type(model), {})
    enums = _ENUMS_BOLETA if boleta else _ENUMS_DTE
    allowed = BOLETA_ELEMENTS.get(type(model)) if boleta else None
    dte_only = DTE_ONLY_BOLETA_ELEMENTS.get(type(model), frozenset())
    for alias, value in _fields(model):
        shown = _shown_name(alias, boleta)
        where = f"{path}.{shown}" if path else shown
        if allowed is not None and alias not in allowed:
            problems.append(
                ErrorDetail(where, "a boleta has no such element (EnvioBOLETA_v11); remove it")
            )
            continue
        if not boleta and alias in dte_only:
            problems.append(ErrorDetail(where, "only boletas have this element; remove it"))
            continue
        if alias in enums and not isinstance(value, list):
            plain = value.value if hasattr(value, "value") else value
            if plain not in enums[alias]:
                choices = ", ".join(str(v) for v in sorted(enums[alias], key=str))
                problems.append(ErrorDetail(where, f"{plain!r} is not one of {choices}"))
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            item_where = f"{where}[{index + 1}]" if isinstance(value, list) else where
            if isinstance(item, BaseModel):
                problems.extend(_section_problems(item, item_where, boleta))
            elif alias in limits and isinstance(item, str) and len(item) > limits[alias]:
                problems.append(
                    ErrorDetail(
                        item_where,
                        f"is {len(item)} characters long; the SII allows at most {limits[alias]}",
                    )
                )
            elif isinstance(item, Decimal) and alias in _DECIMALS:
                issue = _decimal_issue(item, *_DECIMALS[alias])
                if issue:
                    problems.append(ErrorDetail(item_where, issue))
            elif isinstance(item, date) and not _MIN_DATE <= item <= _MAX_DATE:
                problems.append(
                    ErrorDetail(item_where, "must be between 2000-01-01 and 2050-12-31")
                )
    return problems


def _decimal_issue(value: Decimal, integer_digits: int, fraction_digits: int) -> str | None:
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > fraction_digits:
        return f"{value} has more than {fraction_digits} decimals; round it"
    if abs(value) >= Decimal(10) ** integer_digits:
        return f"{value} has more than {integer_digits} integer digits"
    return None


def _required(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _required_problems(doc: Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    enc = doc.encabezado
    emisor, receptor, id_doc = enc.emisor, enc.receptor, enc.id_doc
    problems: list[ErrorDetail] = []

    def need(value: Any, path: str, issue: str) -> None:
        if _required(value):
            problems.append(ErrorDetail(path, issue))

    if tipo.is_boleta:
        need(id_doc.ind_servicio, "Encabezado.IdDoc.IndServicio", "required on boletas (3 ventas)")
        return problems
    need(emisor.razon_social, "Encabezado.Emisor.RznSoc", "the issuer's razón social is required")
    need(emisor.giro, "Encabezado.Emisor.GiroEmis", "the issuer's giro is required")
    need(emisor.actecos, "Encabezado.Emisor.Acteco", "at least one actividad económica is required")
    need(emisor.direccion, "Encabezado.Emisor.DirOrigen", "the issuer's address is required")
    need(emisor.comuna, "Encabezado.Emisor.CmnaOrigen", "the SII rejects DTEs without comuna")
    need(receptor.razon_social, "Encabezado.Receptor.RznSocRecep", "required (razón social)")
    if tipo in (DTEType.FACTURA, DTEType.FACTURA_EXENTA, DTEType.FACTURA_COMPRA):
        need(receptor.giro, "Encabezado.Receptor.GiroRecep", "the receptor's giro is required")
        need(
            receptor.direccion, "Encabezado.Receptor.DirRecep", "the receptor's address is required"
        )
        need(receptor.comuna, "Encabezado.Receptor.CmnaRecep", "the receptor's comuna is required")
    if tipo is DTEType.GUIA_DESPACHO:
        need(id_doc.ind_traslado, "Encabezado.IdDoc.IndTraslado", "required on guías (1..9)")
    if len(emisor.actecos) > 4:
        problems.append(ErrorDetail("Encabezado.Emisor.Acteco", "at most 4 actividades"))
    for index, acteco in enumerate(emisor.actecos):
        if not 1 <= acteco <= 999_999:
            problems.append(
                ErrorDetail(f"Encabezado.Emisor.Acteco[{index + 1}]", "must have up to 6 digits")
            )
    if len(emisor.telefonos) > 2:
        problems.append(ErrorDetail("Encabezado.Emisor.Telefono", "at most 2 phone numbers"))
    return problems


def _reference_problems(doc: Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    refs = doc.referencias
    problems: list[ErrorDetail] = []
    if len(refs) > 40:
        problems.append(ErrorDetail("Referencia", f"{len(refs)} references; at most 40"))
    if tipo.requires_reference:
        with_code = [r for r in refs if isinstance(r.cod_ref, CodRef)]
        if not with_code:
            problems.append(
                ErrorDetail(
                    "Referencia",
                    "a nota needs a Referencia to the document it modifies, with CodRef "
                    "1 (anula), 2 (corrige texto) or 3 (corrige montos)",
                )
            )
    for index, ref in enumerate(refs):
        where = f"Referencia[{index + 1}]"
        if tipo.is_boleta:
            continue  # boleta references: every element optional, CodRef free text
        if _required(ref.tipo_doc_ref):
            problems.append(ErrorDetail(f"{where}.TpoDocRef", "required (e.g. 33, 801)"))
        if _required(ref.folio_ref):
            problems.append(ErrorDetail(f"{where}.FolioRef", "required"))
        if ref.fecha_ref is None:
            problems.append(ErrorDetail(f"{where}.FchRef", "required (the referenced date)"))
        if isinstance(ref.cod_ref, str):
            problems.append(ErrorDetail(f"{where}.CodRef", "must be 1, 2 or 3"))
        if ref.rut_otro is not None and int(tipo) not in _RUTOTR_TYPES:
            problems.append(
                ErrorDetail(f"{where}.RUTOtr", f"not allowed on type {int(tipo)} (46, 56, 61 only)")
            )
    return problems


def _line_problems(doc: Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    lines = doc.detalle
    problems: list[ErrorDetail] = []
    if not lines:
        problems.append(ErrorDetail("Detalle", "a document needs at least one line"))
    if len(lines) > tipo.max_lines:
        problems.append(
            ErrorDetail("Detalle", f"{len(lines)} lines; the SII allows at most {tipo.max_lines}")
        )
    for index, line in enumerate(lines):
        where = f"Detalle[{index + 1}]"
        if line.nro_lin_det is not None and line.nro_lin_det != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDet", f"must be {index + 1}"))
        if not line.nombre.strip():
            problems.append(ErrorDetail(f"{where}.NmbItem", "the item name is required"))
        if len(line.codigos) > 5:
            problems.append(ErrorDetail(f"{where}.CdgItem", "at most 5 codes"))
        if len(line.cod_imp_adic) > 2:
            problems.append(ErrorDetail(f"{where}.CodImpAdic", "at most 2 codes"))
        for alias, pct in (("DescuentoPct", line.descuento_pct), ("RecargoPct", line.recargo_pct)):
            if tipo.is_boleta and pct is not None and pct > 100:
                problems.append(ErrorDetail(f"{where}.{alias}", "at most 100 on a boleta"))
        if line.cod_imp_adic and tipo.is_boleta:
            problems.append(ErrorDetail(f"{where}.CodImpAdic", "boletas carry no CodImpAdic"))
        elif line.cod_imp_adic and (tipo.is_exempt or line.ind_exe is not None):
            problems.append(
                ErrorDetail(
                    f"{where}.CodImpAdic",
                    "additional taxes and retenciones apply to afecto lines only; remove it",
                )
            )
    if len(doc.descuentos_recargos) > 20:
        problems.append(ErrorDetail("DscRcgGlobal", "at most 20 global discounts or surcharges"))
    for index, item in enumerate(doc.descuentos_recargos):
        if item.nro_lin_dr is not None and item.nro_lin_dr != index + 1:
            problems.append(
                ErrorDetail(f"DscRcgGlobal[{index + 1}].NroLinDR", f"must be {index + 1}")
            )
        if item.tipo_valor == "%" and item.valor > 100 and item.tipo_mov == "D":
            problems.append(ErrorDetail(f"DscRcgGlobal[{index + 1}].ValorDR", "over 100%"))
    return problems


def _section_checks(doc: Document) -> list[ErrorDetail]:
    boleta = doc.tipo_dte.is_boleta
    problems = _section_problems(doc.encabezado, "Encabezado", boleta)
    for name, items in (
        ("Detalle", doc.detalle),
        ("DscRcgGlobal", doc.descuentos_recargos),
        ("Referencia", doc.referencias),
    ):
        for index, item in enumerate(items):
            problems.extend(_section_problems(item, f"{name}[{index + 1}]", boleta))
    return problems


def _amount(value: int | None) -> int:
    return value or 0


_COMPARED: tuple[tuple[str, str], ...] = (
    ("mnt_neto", "MntNeto"),
    ("mnt_exe", "MntExe"),
    ("iva", "IVA"),
    ("iva_no_ret", "IVANoRet"),
    ("grnt_dep", "GrntDep"),
    ("mnt_total", "MntTotal"),
    ("monto_nf", "MontoNF"),
)


def totals_problems(doc: Document) -> list[ErrorDetail]:
    """Every given line amount or total that differs from the computed one, with the expected."""
    from haulmer.dte.totals import line_amounts

    problems: list[ErrorDetail] = []
    try:
        for index, line in enumerate(doc.detalle):
            where = f"Detalle[{index + 1}]"
            amounts = line_amounts(line, field=where)
            if line.monto_item is not None and line.monto_item != amounts.monto_item:
                problems.append(
                    ErrorDetail(
                        f"{where}.MontoItem",
                        f"is {line.monto_item}, expected {amounts.monto_item} "
                        "(qty x price - discount + surcharge, rounded half up)",
                    )
                )
        expected = doc.totals
    except DocumentError as exc:  # the calculator refused the lines: report why
        return problems + exc.details
    given = doc.encabezado.totales
    if given is None:
        return problems
    problems.extend(_compare_totals(given, expected, doc.tipo_dte.is_boleta))
    return problems


def _compare_totals(given: Totales, expected: Totales, boleta: bool) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    for name, alias in _COMPARED:
        have, want = getattr(given, name), getattr(expected, name)
        if _amount(have) != _amount(want):
            problems.append(
                ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {_amount(want)}")
            )
    have_p, want_p = given.monto_periodo, expected.monto_periodo
    if have_p is not None and want_p is not None and have_p != want_p:
        name = "TotalPeriodo" if boleta else "MontoPeriodo"
        problems.append(
            ErrorDetail(f"Encabezado.Totales.{name}", f"is {have_p}, expected {want_p}")
        )
    given_taxes = {t.tipo: t.monto for t in given.impto_reten}
    want_taxes = {t.tipo: t.monto for t in expected.impto_reten}
    for code in sorted(set(given_taxes) | set(want_taxes)):
        have_t, want_t = given_taxes.get(code), want_taxes.get(code)
        if have_t != want_t:
            problems.append(
                ErrorDetail(
                    f"Encabezado.Totales.ImptoReten[TipoImp={code}].MontoImp",
                    f"is {have_t}, expected {want_t}"
                    if want_t is not None
                    else f"is {have_t}, but no line carries CodImpAdic {code}",
                )
            )
    if (
        not boleta
        and expected.tasa_iva is not None
        and given.tasa_iva is not None
        and given.tasa_iva != expected.tasa_iva
    ):
        problems.append(
            ErrorDetail(
                "Encabezado.Totales.TasaIVA",
                f"is {given.tasa_iva}, expected {expected.tasa_iva}",
            )
        )
    return problems


def document_problems(doc: Document) -> list[ErrorDetail]:
    """Every broken per-type rule and every wrong amount of ``doc`` (folio 0 accepted)."""
    problems: list[ErrorDetail] = []
    if int(doc.tipo_dte) in _UNSUPPORTED_TYPES:
        problems.append(
            ErrorDetail(
                "Encabezado.IdDoc.TipoDTE",
                f"{doc.tipo_dte.label} ({int(doc.tipo_dte)}) has its own structure "
                "(Liquidacion/Exportaciones) that haulmer.dte does not build or check yet",
            )
        )
    if doc.folio > _MAX_FOLIO:
        problems.append(ErrorDetail("Encabezado.IdDoc.Folio", "at most 10 digits"))
    problems.extend(_required_problems(doc))
    problems.extend(_section_checks(doc))
    problems.extend(_line_problems(doc))
    problems.extend(_reference_problems(doc))
    problems.extend(totals_problems(doc))
    return problems


def stamping_problems(doc: Document) -> list[ErrorDetail]:
    """What local stamping needs beyond ``document_problems``: a folio from the CAF."""
    if doc.folio <= 0:
        return [
            ErrorDetail(
                "Encabezado.IdDoc.Folio",
                "local stamping needs the folio from your CAF (> 0); Folio 0 is only for "
                "OpenFactura, which assigns it",
            )
        ]
    return []
