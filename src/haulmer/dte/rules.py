"""Per-type rules checked locally, before any XML or network: each returns ``ErrorDetail``s.

Fields are named by their SII path (``Encabezado.Emisor.RznSoc``, ``Detalle[3].NmbItem``) and
each issue says what is expected. Lengths and enumerations come from DTE_v10.xsd and
EnvioBOLETA_v11.xsd; required fields are the schema's plus what the SII rejects without
(CmnaOrigen) or what the SII's format requires on facturas (receptor's giro and address).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

from haulmer.dte._reference_rules import blank, reference_field_problems
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
from haulmer.dte.sii_dict import (
    BOLETA_ELEMENTS,
    BOLETA_RENAMES,
    DTE_ONLY_BOLETA_ELEMENTS,
    values_getter,
)
from haulmer.dte.totals import LineAmounts, line_amounts
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte.document import Document

__all__ = [
    "DocumentCheck",
    "check_document",
    "document_problems",
    "line_amounts_at",
    "stamping_problems",
    "totals_problems",
]

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
    # Whole pesos on a Documento; the models take decimals for the amounts of exports.
    "MntExe": (18, 0),
    "MntTotal": (18, 0),
    "MontoItem": (18, 0),
}

# Elements of the Exportaciones and Liquidacion schemas that a Documento does not have (the
# shared models carry them; exports and 43 are checked by their own rules).
_NOT_IN_DOCUMENTO: Mapping[type[BaseModel], Mapping[str, str]] = {
    Totales: {
        "TpoMoneda": "only exports (110, 111, 112) have TpoMoneda; remove it",
        "Comisiones": "only a liquidación-factura (43) has Totales/Comisiones; remove it",
    },
    Extranjero: {"IdAdicRecep": "only exports (110, 111, 112) have IdAdicRecep; remove it"},
    Detalle: {"TpoDocLiq": "only a liquidación-factura (43) has TpoDocLiq; remove it"},
}

# What OpenFactura's emission cuts to the limit by itself (haulmer.openfactura.emission).
_CUT_BY_OPENFACTURA = frozenset(
    {
        "RznSoc",
        "RznSocEmisor",
        "GiroEmis",
        "GiroEmisor",
        "CmnaOrigen",
        "RznSocRecep",
        "GiroRecep",
        "NmbItem",
        "DscItem",
    }
)

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


class _FieldRule(NamedTuple):
    """What the rules check on one field of a section, prepared once per model class."""

    attribute: str
    shown: str
    refusal: str | None
    """Set when the document's kind has no such element: any value is a problem."""
    choices: frozenset[Any] | None
    max_length: int | None
    digits: tuple[int, int, Decimal] | None
    """(integer digits, fraction digits, 10 ** integer digits) for Decimal elements."""
    plain: bool
    """Neither refused nor an enumeration: an int, or a str within ``max_length``, is fine."""


def _shown_name(alias: str, boleta: bool) -> str:
    return BOLETA_RENAMES.get(alias, alias) if boleta else alias


class _SectionRules(NamedTuple):
    rules: tuple[_FieldRule, ...]
    read: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    """Reads the fields' values from the model's ``__dict__``, in the order of ``rules``."""


@cache
def _section_rules(model: type[BaseModel], boleta: bool) -> _SectionRules:
    """The rules of each field of ``model`` on a boleta or on another type, in field order."""
    limits = _MAX_LENGTHS.get(model, {})
    enums = _ENUMS_BOLETA if boleta else _ENUMS_DTE
    allowed = BOLETA_ELEMENTS.get(model) if boleta else None
    dte_only = DTE_ONLY_BOLETA_ELEMENTS.get(model, frozenset())
    not_in_documento = _NOT_IN_DOCUMENTO.get(model, {})
    rules = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        refusal = None
        if allowed is not None and alias not in allowed:
            refusal = "a boleta has no such element (EnvioBOLETA_v11); remove it"
        elif not boleta and alias in dte_only:
            refusal = "only boletas have this element; remove it"
        elif alias in not_in_documento:
            refusal = not_in_documento[alias]
        digits = _DECIMALS.get(alias)
        rules.append(
            _FieldRule(
                attribute=name,
                shown=_shown_name(alias, boleta),
                refusal=refusal,
                choices=enums.get(alias),
                max_length=limits.get(alias),
                digits=(*digits, Decimal(10) ** digits[0]) if digits else None,
                plain=refusal is None and alias not in enums,
            )
        )
    return _SectionRules(tuple(rules), values_getter(tuple(rule.attribute for rule in rules)))


_MODEL, _TEXT, _DECIMAL, _DATE, _OTHER = range(5)
_KINDS: dict[type, int] = {str: _TEXT, int: _OTHER, Decimal: _DECIMAL, date: _DATE}
"""What the rules check on a value, by its exact type; filled as other types are met."""


def _kind(value: Any) -> int:
    kind = type(value)
    found = _KINDS.get(kind)
    if found is None:
        if issubclass(kind, BaseModel):
            found = _MODEL
        elif issubclass(kind, str):
            found = _TEXT
        elif issubclass(kind, Decimal):
            found = _DECIMAL
        elif issubclass(kind, date):
            found = _DATE
        else:
            found = _OTHER
        _KINDS[kind] = found
    return found


def _section_problems(model: BaseModel, path: str, boleta: bool) -> list[ErrorDetail]:
    """Lengths, enumerations and elements the type's schema lacks, recursively."""
    problems: list[ErrorDetail] = []
    rules, read = _section_rules(type(model), boleta)
    values = read(model.__dict__)
    # compress() skips the None values in C: most optional elements are absent.
    for rule, value in compress(zip(rules, values, strict=True), map(is_not, values, repeat(None))):
        if rule.plain:  # the usual values first, without building the path
            value_type = type(value)
            if value_type is int or (
                value_type is str and (rule.max_length is None or len(value) <= rule.max_length)
            ):
                continue
            if value_type is Decimal:
                issue = _decimal_issue(value, *rule.digits) if rule.digits is not None else None
                if issue:
                    where = f"{path}.{rule.shown}" if path else rule.shown
                    problems.append(ErrorDetail(where, issue))
                continue
        if isinstance(value, list):
            if value:
                where = f"{path}.{rule.shown}" if path else rule.shown
                if rule.refusal is not None:
                    problems.append(ErrorDetail(where, rule.refusal))
                    continue
                for index, item in enumerate(value):
                    _item_problems(item, f"{where}[{index + 1}]", rule, boleta, problems)
            continue
        if rule.refusal is not None:
            problems.append(
                ErrorDetail(f"{path}.{rule.shown}" if path else rule.shown, rule.refusal)
            )
            continue
        if rule.choices is not None:
            code = value.value if hasattr(value, "value") else value
            if code not in rule.choices:
                choices = ", ".join(str(v) for v in sorted(rule.choices, key=str))
                where = f"{path}.{rule.shown}" if path else rule.shown
                problems.append(ErrorDetail(where, f"{code!r} is not one of {choices}"))
        kind = _kind(value)
        if kind == _OTHER:
            continue
        if kind == _TEXT and (rule.max_length is None or len(value) <= rule.max_length):
            continue  # the usual case, without building the path
        _item_problems(
            value, f"{path}.{rule.shown}" if path else rule.shown, rule, boleta, problems
        )
    return problems


def _item_problems(
    item: Any, where: str, rule: _FieldRule, boleta: bool, problems: list[ErrorDetail]
) -> None:
    """Append what is wrong with one value (a section is checked recursively)."""
    kind = _kind(item)
    if kind == _MODEL:
        problems.extend(_section_problems(item, where, boleta))
    elif kind == _TEXT:
        if rule.max_length is not None and len(item) > rule.max_length:
            problems.append(_too_long(where, item, rule.max_length, rule))
    elif kind == _DECIMAL:
        if rule.digits is not None:
            issue = _decimal_issue(item, *rule.digits)
            if issue:
                problems.append(ErrorDetail(where, issue))
    elif kind == _DATE and not _MIN_DATE <= item <= _MAX_DATE:
        problems.append(ErrorDetail(where, "must be between 2000-01-01 and 2050-12-31"))


def _too_long(where: str, text: str, limit: int, rule: _FieldRule) -> ErrorDetail:
    name = rule.attribute
    issue = (
        f"is {len(text)} characters long; the SII allows at most {limit}: "
        f"cut it to {limit} characters (e.g. {name}[:{limit}])"
    )
    if rule.shown in _CUT_BY_OPENFACTURA:
        issue += ", as OpenFactura's emit does"
    return ErrorDetail(where, issue)


def line_amounts_at(line: Detalle, where: str) -> LineAmounts:
    """``line_amounts`` of the line at ``where``; a discount percentage over 100 is named as such.

    The calculator finds the line amount negative; when the discount came from DescuentoPct,
    that percentage is what to fix, not the DescuentoMonto derived from it.
    """
    try:
        return line_amounts(line, field=where)
    except DocumentError as exc:
        pct = line.descuento_pct
        if line.descuento_monto is not None or pct is None or pct <= 100:
            raise
        raise DocumentError(
            f"{where}: a discount of {pct}% is larger than the line amount",
            [ErrorDetail(f"{where}.DescuentoPct", f"is {pct}; a discount is at most 100 (%)")],
        ) from exc


def _decimal_issue(
    value: Decimal, integer_digits: int, fraction_digits: int, bound: Decimal
) -> str | None:
    # Whole numbers (most prices and quantities) have no decimals to count. Otherwise:
    # normalizing only ever raises the exponent, so a value already within the fraction digits
    # stays within them, and only the others need the (slower) normalized form.
    if not (value.is_finite() and value == value.to_integral_value()):
        exponent = value.as_tuple().exponent
        if not (isinstance(exponent, int) and exponent >= -fraction_digits):
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and -exponent > fraction_digits:
                if not fraction_digits:
                    return (
                        f"{value} is not a whole number of pesos (decimals are for the "
                        "currencies of exports); round it"
                    )
                return f"{value} has more than {fraction_digits} decimals; round it"
    if abs(value) >= bound:
        return (
            f"{value} has more than {integer_digits} integer digits; the SII allows at most "
            f"{integer_digits}: check the value"
        )
    return None


def _required_problems(doc: Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    enc = doc.encabezado
    emisor, receptor, id_doc = enc.emisor, enc.receptor, enc.id_doc
    problems: list[ErrorDetail] = []

    def need(value: Any, path: str, issue: str) -> None:
        if blank(value):
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
        problems.append(
            ErrorDetail(
                "Encabezado.Emisor.Acteco",
                f"{len(emisor.actecos)} actividades económicas; the SII allows at most 4: "
                "keep the ones this sale belongs to",
            )
        )
    for index, acteco in enumerate(emisor.actecos):
        if not 1 <= acteco <= 999_999:
            problems.append(
                ErrorDetail(f"Encabezado.Emisor.Acteco[{index + 1}]", "must have up to 6 digits")
            )
    if len(emisor.telefonos) > 2:
        problems.append(
            ErrorDetail(
                "Encabezado.Emisor.Telefono",
                f"{len(emisor.telefonos)} phone numbers; the SII allows at most 2: keep two",
            )
        )
    return problems


def _reference_problems(doc: Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    refs = doc.referencias
    problems: list[ErrorDetail] = []
    if len(refs) > 40:
        problems.append(
            ErrorDetail(
                "Referencia",
                f"{len(refs)} references; the SII allows at most 40: keep the 40 that matter "
                "(a nota references the document it modifies first)",
            )
        )
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
        problems += reference_field_problems(ref, where, "33, 801")
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
            ErrorDetail(
                "Detalle",
                f"{len(lines)} lines; the SII allows at most {tipo.max_lines}: group items into "
                f"fewer lines or split the sale into several documents",
            )
        )
    boleta, exempt = tipo.is_boleta, tipo.is_exempt
    for index, line in enumerate(lines):
        where = f"Detalle[{index + 1}]"
        if line.nro_lin_det is not None and line.nro_lin_det != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDet", f"must be {index + 1}"))
        if not line.nombre.strip():
            problems.append(ErrorDetail(f"{where}.NmbItem", "the item name is required"))
        if len(line.codigos) > 5:
            problems.append(
                ErrorDetail(
                    f"{where}.CdgItem",
                    f"{len(line.codigos)} item codes; the SII allows at most 5: keep five",
                )
            )
        if len(line.cod_imp_adic) > 2:
            problems.append(
                ErrorDetail(
                    f"{where}.CodImpAdic",
                    f"{len(line.cod_imp_adic)} tax codes; the SII allows at most 2 per line: "
                    "split the line",
                )
            )
        for alias, pct in (("DescuentoPct", line.descuento_pct), ("RecargoPct", line.recargo_pct)):
            if boleta and pct is not None and pct > 100:
                problems.append(ErrorDetail(f"{where}.{alias}", "at most 100 on a boleta"))
        if line.cod_imp_adic and boleta:
            problems.append(ErrorDetail(f"{where}.CodImpAdic", "boletas carry no CodImpAdic"))
        elif line.cod_imp_adic and (exempt or line.ind_exe is not None):
            problems.append(
                ErrorDetail(
                    f"{where}.CodImpAdic",
                    "additional taxes and retenciones apply to afecto lines only; remove it",
                )
            )
    if doc.comisiones:
        problems.append(
            ErrorDetail("Comisiones", "only a liquidación-factura (43) has Comisiones; remove them")
        )
    if len(doc.descuentos_recargos) > 20:
        problems.append(
            ErrorDetail(
                "DscRcgGlobal",
                f"{len(doc.descuentos_recargos)} global discounts or surcharges; the SII allows "
                "at most 20: merge those of the same kind",
            )
        )
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


class DocumentCheck(NamedTuple):
    """What checking a document found, with the arithmetic it did on the way.

    ``line_amounts`` and ``totals`` are None when the calculator refused the lines (the
    reason is among the problems); the renderer reuses them instead of computing them again.
    """

    problems: list[ErrorDetail]
    line_amounts: list[LineAmounts] | None
    totals: Totales | None


def totals_problems(doc: Document) -> list[ErrorDetail]:
    """Every given line amount or total that differs from the computed one, with the expected."""
    return _check_totals(doc).problems


def _check_totals(doc: Document) -> DocumentCheck:
    problems: list[ErrorDetail] = []
    amounts: list[LineAmounts] = []
    try:
        for index, line in enumerate(doc.detalle):
            where = f"Detalle[{index + 1}]"
            computed = line_amounts_at(line, where)
            amounts.append(computed)
            if line.monto_item is not None and line.monto_item != computed.monto_item:
                problems.append(
                    ErrorDetail(
                        f"{where}.MontoItem",
                        f"is {line.monto_item}, expected {computed.monto_item} "
                        "(qty x price - discount + surcharge, rounded half up)",
                    )
                )
        expected = doc.totals_from(amounts)
    except DocumentError as exc:  # the calculator refused the lines: report why
        return DocumentCheck(problems + exc.details, None, None)
    given = doc.encabezado.totales
    if given is not None:
        problems.extend(_compare_totals(given, expected, doc.tipo_dte.is_boleta))
    return DocumentCheck(problems, amounts, expected)


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
    return check_document(doc).problems


def check_document(doc: Document) -> DocumentCheck:
    """``document_problems`` with the line amounts and totals computed to check them."""
    if doc.tipo_dte.is_export:  # Exportaciones: its own schema, rules and currency (exports team)
        from haulmer.dte.export_rules import check_export_document

        return check_export_document(doc)
    if doc.tipo_dte is DTEType.LIQUIDACION_FACTURA:  # Liquidacion: its own schema and Comisiones
        from haulmer.dte.liquidacion import check_liquidacion_document

        return check_liquidacion_document(doc)
    problems: list[ErrorDetail] = []
    if doc.folio > _MAX_FOLIO:
        problems.append(
            ErrorDetail(
                "Encabezado.IdDoc.Folio",
                f"{doc.folio} has more than 10 digits, the SII's maximum: use a folio of your CAF",
            )
        )
    problems.extend(_required_problems(doc))
    problems.extend(_section_checks(doc))
    problems.extend(_line_problems(doc))
    problems.extend(_reference_problems(doc))
    totals = _check_totals(doc)
    problems.extend(totals.problems)
    return DocumentCheck(problems, totals.line_amounts, totals.totals)


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
