"""The rules of a Documento (33, 34, 46, 52, 56, 61) and of a boleta (39, 41).

Fields are named by their SII path (``Encabezado.Emisor.RznSoc``, ``Detalle[3].NmbItem``) and
each issue says what is expected. The schema's facets come from the facet checker
(``haulmer.dte.schema``); these rules add what needs more than one field: required data per
type (the schema's plus what the SII rejects without, such as CmnaOrigen, and the receptor's
giro, address and own RUT on facturas), line and discount counts, and the totals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from haulmer._lazy import LazyModule
from haulmer.dte.catalogue import DTEType
from haulmer.dte.models import Detalle, Totales, Transporte
from haulmer.dte.rules.boletas import boleta_problems
from haulmer.dte.rules.outcome import DocumentCheck, blank, blank_required_text_problems
from haulmer.dte.rules.periodo import period_problems
from haulmer.dte.rules.referencias import (
    documento_reference_problems,
    text_correction_amount_problems,
)
from haulmer.dte.rules.ruts import emisor_stand_in_problems
from haulmer.dte.rules.subtotales import subtotal_problems
from haulmer.dte.schema.checker import (
    BOLETA_ROOT,
    DOCUMENTO_ROOT,
    SchemaRoot,
    schema_problems,
    shown_int,
)
from haulmer.dte.totals import (
    RETAINED_CODES,
    LineAmounts,
    line_amounts,
    plain_line_amounts,
    round_peso,
)
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import GENERIC_RECEPTOR_RUT

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "check_documento",
    "check_totals",
    "discount_percentage_problems",
    "documento_root",
    "documento_rules",
    "global_discount_issue",
    "line_amounts_at",
    "line_part_problems",
    "percentage_amount_problems",
    "repeated_totals_tax_problems",
    "stamping_problems",
    "totals_problems",
    "zero_percentage_problems",
]


def line_amounts_at(line: Detalle, where: str) -> LineAmounts:
    """``line_amounts`` of the line at ``where``; a discount percentage over 100 is named as such.

    The calculator finds the line amount negative; when the discount came from DescuentoPct,
    that percentage is what to fix, not the DescuentoMonto derived from it.
    """
    try:
        return line_amounts(line, field=where)
    except DocumentError as exc:
        pct = line.descuento_pct
        if line.descuento_monto is not None or pct is None or pct <= 100 or line.precio is None:
            raise
        raise DocumentError(
            f"{where}: a discount of {pct}% is larger than the line amount",
            [ErrorDetail(f"{where}.DescuentoPct", f"is {pct}; a discount is at most 100 (%)")],
        ) from exc


LINE_PARTS: Final = (
    ("subcantidades", "Subcantidad", "parts of the quantity"),
    ("sub_dscto", "SubDscto", "parts of the discount"),
    ("sub_recargo", "SubRecargo", "parts of the surcharge"),
)
"""A line's repeated sections the SII allows at most 5 of: attribute, element, what they are."""


def line_part_problems(line: Detalle, where: str) -> list[ErrorDetail]:
    """A line's Subcantidad, SubDscto or SubRecargo given more than the 5 times the schema
    allows."""
    values = line.__dict__
    return [
        ErrorDetail(
            f"{where}.{name}",
            f"{len(values[attribute])} {what}; the SII allows at most 5: join some",
        )
        for attribute, name, what in LINE_PARTS
        if len(values[attribute]) > 5
    ]


def global_discount_issue(percent: Decimal) -> str:
    """What is wrong with a global discount (DscRcgGlobal ``D``, ``%``) of ``percent`` over 100."""
    return f"is {percent}%; a discount is at most 100 (%) of the amount it applies to: lower it"


def discount_percentage_problems(line: Detalle, where: str) -> list[ErrorDetail]:
    """A line's DescuentoPct, or a part of it in percent (SubDscto ``%``), over 100: the schema's
    PctType takes up to 999.99, but a discount takes at most the whole line (a DescuentoPct of
    100.01 rounds to the line's amount, and the document would state a discount it did not
    make)."""
    problems = []
    pct = line.descuento_pct
    if pct is not None and pct > 100:
        problems.append(
            ErrorDetail(f"{where}.DescuentoPct", f"is {pct}; a discount is at most 100 (%)")
        )
    for index, part in enumerate(line.sub_dscto):
        if part.tipo == "%" and part.valor > 100:
            problems.append(
                ErrorDetail(
                    f"{where}.SubDscto[{index + 1}].ValorDscto",
                    f"is {part.valor}%; a part of a discount is at most 100 (%)",
                )
            )
    return problems


def percentage_amount_problems(line: Detalle, where: str, unit: str = "pesos") -> list[ErrorDetail]:
    """A line's DescuentoMonto or RecargoMonto given with a DescuentoPct or RecargoPct it is not
    (qty x price x percentage, rounded half up to whole ``unit``): the document would state one
    discount printed and take off another."""
    if line.precio is None:
        return []
    exact = (line.cantidad if line.cantidad is not None else Decimal(1)) * line.precio
    problems = []
    for percent, amount, name, what in (
        (line.descuento_pct, line.descuento_monto, "Descuento", "discount"),
        (line.recargo_pct, line.recargo_monto, "Recargo", "surcharge"),
    ):
        if percent is None or amount is None:
            continue
        expected = round_peso(exact * percent / 100)
        if amount != expected:
            problems.append(
                ErrorDetail(
                    f"{where}.{name}Monto",
                    f"is {amount}, but {name}Pct {percent.normalize():f}% of "
                    f"{exact.normalize():f} {unit} is {expected}: give the {what} once (the "
                    "percentage or the amount), or make them agree",
                )
            )
    return problems


def zero_percentage_problems(line: Detalle, where: str, unit: str = "pesos") -> list[ErrorDetail]:
    """A line's DescuentoPct or RecargoPct that comes to 0 once rounded to whole ``unit`` (an
    export's DescuentoMonto is whole units of its currency too): its amount, which the SII takes
    from 1, cannot be written, so the percentage would stand for nothing."""
    if line.precio is None or (line.descuento_pct is None and line.recargo_pct is None):
        return []
    exact = (line.cantidad if line.cantidad is not None else Decimal(1)) * line.precio
    problems = []
    for percent, amount, name, what in (
        (line.descuento_pct, line.descuento_monto, "DescuentoPct", "discount"),
        (line.recargo_pct, line.recargo_monto, "RecargoPct", "surcharge"),
    ):
        if percent is None or percent <= 0 or amount is not None or exact <= 0:
            continue
        if round_peso(exact * percent / 100) == 0:
            problems.append(
                ErrorDetail(
                    f"{where}.{name}",
                    f"{percent}% of {exact.normalize():f} {unit} rounds to 0, and the SII takes "
                    f"an amount from 1: leave this line without the {what}, or give it in {unit}",
                )
            )
    return problems


def _required_problems(doc: _document.Document) -> list[ErrorDetail]:
    tipo = doc.tipo_dte
    enc = doc.encabezado
    emisor, receptor, id_doc = enc.emisor, enc.receptor, enc.id_doc
    problems: list[ErrorDetail] = []

    def need(value: Any, path: str, issue: str) -> None:
        if blank(value):
            problems.append(ErrorDetail(path, issue))

    problems.extend(emisor_stand_in_problems(doc))
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
        if receptor.rut == GENERIC_RECEPTOR_RUT:
            problems.append(
                ErrorDetail(
                    "Encabezado.Receptor.RUTRecep",
                    f"is {GENERIC_RECEPTOR_RUT}, the generic RUT of a boleta's anonymous buyer; "
                    "a factura goes to a contribuyente: give the receptor's own RUT, or issue a "
                    "boleta",
                )
            )
    if tipo is DTEType.FACTURA_COMPRA and receptor.rut == emisor.rut:
        problems.append(
            ErrorDetail(
                "Encabezado.Receptor.RUTRecep",
                f"is the emisor's RUT ({emisor.rut}): a factura de compra is issued by the buyer "
                "to the seller who sold to it, so the receptor is the seller's RUT",
            )
        )
    if tipo is DTEType.GUIA_DESPACHO:
        need(id_doc.ind_traslado, "Encabezado.IdDoc.IndTraslado", "required on guías (1..9)")
    problems.extend(_transport_date_problems(enc.transporte))
    otra = enc.otra_moneda
    if otra is not None and otra.mnt_tot_otr_mnda is None:
        problems.append(
            ErrorDetail(
                "Encabezado.OtraMoneda.MntTotOtrMnda",
                f"required: OtraMoneda gives the total in {otra.tpo_moneda.value}, which the "
                "builders compute for exports only; give MntTotOtrMnda, or leave OtraMoneda out",
            )
        )
    if len(emisor.actecos) > 4:
        problems.append(
            ErrorDetail(
                "Encabezado.Emisor.Acteco",
                f"{len(emisor.actecos)} actividades económicas; the SII allows at most 4: "
                "keep the ones this sale belongs to",
            )
        )
    if len(emisor.telefonos) > 2:
        problems.append(
            ErrorDetail(
                "Encabezado.Emisor.Telefono",
                f"{len(emisor.telefonos)} phone numbers; the SII allows at most 2: keep two",
            )
        )
    return problems


def _transport_date_problems(transporte: Transporte | None) -> list[ErrorDetail]:
    """Transporte's arrival (FchLlegada) before its departure (FchSalida): the two dates
    swapped, as goods arrive on or after the day they leave."""
    if transporte is None or transporte.fecha_salida is None or transporte.fecha_llegada is None:
        return []
    if transporte.fecha_llegada >= transporte.fecha_salida:
        return []
    return [
        ErrorDetail(
            "Encabezado.Transporte.FchLlegada",
            f"is {transporte.fecha_llegada}, before FchSalida ({transporte.fecha_salida}): the "
            "goods arrive on or after the day they leave; give the arrival's date, or check "
            "whether the two dates were swapped",
        )
    ]


def _line_problems(doc: _document.Document) -> list[ErrorDetail]:
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
        # The line's path is written only for a problem: most lines have none.
        values = line.__dict__  # one attribute read instead of six through pydantic's hook
        number = values["nro_lin_det"]
        if number is not None and number != index + 1:
            problems.append(ErrorDetail(f"Detalle[{index + 1}].NroLinDet", f"must be {index + 1}"))
        if not values["nombre"].strip():
            problems.append(
                ErrorDetail(f"Detalle[{index + 1}].NmbItem", "the item name is required")
            )
        codigos = values["codigos"]
        if len(codigos) > 5:
            problems.append(
                ErrorDetail(
                    f"Detalle[{index + 1}].CdgItem",
                    f"{len(codigos)} item codes; the SII allows at most 5: keep five",
                )
            )
        if values["descuento_pct"] is not None or values["recargo_pct"] is not None:
            problems.extend(zero_percentage_problems(line, f"Detalle[{index + 1}]"))
            problems.extend(percentage_amount_problems(line, f"Detalle[{index + 1}]"))
        if values["descuento_pct"] is not None or values["sub_dscto"]:
            problems.extend(discount_percentage_problems(line, f"Detalle[{index + 1}]"))
        if values["subcantidades"] or values["sub_dscto"] or values["sub_recargo"]:
            problems.extend(line_part_problems(line, f"Detalle[{index + 1}]"))
        taxes = values["cod_imp_adic"]
        if not taxes or boleta:  # a boleta has none: the schema's facets name a given one
            continue
        if len(taxes) > 2:
            problems.append(
                ErrorDetail(
                    f"Detalle[{index + 1}].CodImpAdic",
                    f"{len(taxes)} tax codes; the SII allows at most 2 per line: split the line",
                )
            )
        problems.extend(_repeated_tax_problems(taxes, f"Detalle[{index + 1}].CodImpAdic"))
        if exempt or values["ind_exe"] is not None:
            problems.append(
                ErrorDetail(
                    f"Detalle[{index + 1}].CodImpAdic",
                    "additional taxes and retenciones apply to afecto lines only; remove it",
                )
            )
    if doc.comisiones:  # the schema has them, but only a 43's totals deduct them
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
            problems.append(
                ErrorDetail(f"DscRcgGlobal[{index + 1}].ValorDR", global_discount_issue(item.valor))
            )
    return problems


def _repeated_tax_problems(taxes: list[str], where: str) -> list[ErrorDetail]:
    """A line's code given twice (it would be levied twice) or two IVA retentions on one line
    (each retains a share of the same IVA, so together they would retain more than it)."""
    repeated = sorted({code for code in taxes if taxes.count(code) > 1})
    if repeated:
        return [
            ErrorDetail(where, f"gives {code} twice; a tax is levied once: give it once")
            for code in repeated
        ]
    retentions = [code for code in taxes if code in RETAINED_CODES]
    if len(retentions) > 1:
        return [
            ErrorDetail(
                where,
                f"retains IVA twice ({' and '.join(retentions)}): a line's IVA is retained once, "
                "so keep the one retention that applies",
            )
        ]
    return []


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


def totals_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every given line amount or total that differs from the computed one, with the expected."""
    return check_totals(doc).problems


def check_totals(doc: _document.Document) -> DocumentCheck:
    """Each line's amounts and the totals computed, and every given one that differs."""
    problems: list[ErrorDetail] = []
    amounts: list[LineAmounts] = []
    try:
        for index, line in enumerate(doc.detalle):
            computed = plain_line_amounts(line) or line_amounts_at(line, f"Detalle[{index + 1}]")
            amounts.append(computed)
            stated = line.monto_item
            if stated is not None and stated != computed.monto_item:
                problems.append(
                    ErrorDetail(
                        f"Detalle[{index + 1}].MontoItem",
                        f"is {shown_int(stated)}, expected {computed.monto_item} "
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
        if boleta and name == "grnt_dep":
            continue  # a boleta has no GrntDep: the schema's facets name a given one
        have, want = getattr(given, name), getattr(expected, name)
        if _amount(have) != _amount(want):
            problems.append(
                ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {_amount(want)}")
            )
    problems.extend(period_problems(given, expected, boleta=boleta))
    if given.iva_prop is not None or given.iva_terc is not None:
        split = (given.iva_prop or 0) + (given.iva_terc or 0)
        if split != _amount(expected.iva):
            problems.append(
                ErrorDetail(
                    "Encabezado.Totales.IVATerc",
                    f"IVAProp ({given.iva_prop or 0}) + IVATerc ({given.iva_terc or 0}) is "
                    f"{split}, but the IVA is {_amount(expected.iva)}: they split the IVA between "
                    "the issuer's own and third parties', so they add up to it",
                )
            )
    given_taxes = {t.tipo: t.monto for t in given.impto_reten}
    if len(given_taxes) < len(given.impto_reten):
        problems.extend(repeated_totals_tax_problems([t.tipo for t in given.impto_reten]))
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


def repeated_totals_tax_problems(codes: list[str]) -> list[ErrorDetail]:
    """Each TipoImp that Totales/ImptoReten states more than once: a reader adding them up would
    count the tax or retention twice, though MntTotal holds it once."""
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return [
        ErrorDetail(
            f"Encabezado.Totales.ImptoReten[TipoImp={code}]",
            f"is written {count} times; each tax or retention goes once in Totales, with the "
            "sum of its lines: keep one",
        )
        for code, count in counts.items()
        if count > 1
    ]


def check_documento(doc: _document.Document) -> DocumentCheck:
    """A Documento or a boleta: its schema's facets, required data, lines, references, totals."""
    rules = documento_rules(doc)
    problems = schema_problems(doc, documento_root(doc))
    problems.extend(rules.problems)
    return rules._replace(problems=problems)


def documento_root(doc: _document.Document) -> SchemaRoot:
    """The schema root whose facets a Documento or a boleta must fit."""
    return BOLETA_ROOT if doc.tipo_dte.is_boleta else DOCUMENTO_ROOT


def documento_rules(doc: _document.Document) -> DocumentCheck:
    """``check_documento`` but the schema's facets: required data, lines, references, totals."""
    problems = _required_problems(doc)
    if doc.tipo_dte.is_boleta:
        problems.extend(boleta_problems(doc))
    problems.extend(_line_problems(doc))
    problems.extend(subtotal_problems(doc))
    problems.extend(blank_required_text_problems(doc))
    problems.extend(documento_reference_problems(doc))
    totals = check_totals(doc)
    # a discount over 100% the line rules named may also leave its line below 0: named once
    problems.extend(problem for problem in totals.problems if problem not in problems)
    problems.extend(text_correction_amount_problems(doc, totals.totals))
    return DocumentCheck(problems, totals.line_amounts, totals.totals)


def stamping_problems(doc: _document.Document) -> list[ErrorDetail]:
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
