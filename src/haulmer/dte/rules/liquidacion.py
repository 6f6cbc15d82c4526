"""The rules of the liquidación-factura (43), checked locally against ``Liquidacion``.

A consignee (comisionista) sells on behalf of the consignor and issues the liquidación to them:
the lines are the sales it liquidates (each with TpoDocLiq, the type of the document it sold
with), taxed like a factura, and ``Comisiones`` lists the commissions and other charges it keeps,
deducted from MntTotal (``haulmer.dte.totals``). Its schema is a subset of ``Documento``'s: no
Transporte, DscRcgGlobal, line discounts or Extranjero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.dte.models import Comision, Totales
from haulmer.dte.rules.documento import line_part_problems, repeated_totals_tax_problems
from haulmer.dte.rules.outcome import DocumentCheck, blank, blank_required_text_problems
from haulmer.dte.rules.periodo import period_problems
from haulmer.dte.rules.referencias import document_code_issue, liquidacion_reference_problems
from haulmer.dte.rules.ruts import emisor_stand_in_problems
from haulmer.dte.rules.subtotales import subtotal_problems
from haulmer.dte.schema.checker import LIQUIDACION_ROOT, schema_problems, shown_int
from haulmer.dte.totals import LineAmounts, comision_iva, line_amounts
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "check_liquidacion_document",
    "liquidacion_problems",
    "liquidacion_rules",
    "liquidacion_totals_problems",
]


def _comisiones(doc: _document.Document) -> list[Comision]:
    found: list[Comision] = getattr(doc, "comisiones", [])
    return found


def _required(doc: _document.Document) -> list[ErrorDetail]:
    enc = doc.encabezado
    emisor, receptor = enc.emisor, enc.receptor
    problems = [
        ErrorDetail(path, issue)
        for value, path, issue in (
            (emisor.razon_social, "Encabezado.Emisor.RznSoc", "the issuer's razón social"),
            (emisor.giro, "Encabezado.Emisor.GiroEmis", "the issuer's giro is required"),
            (emisor.actecos, "Encabezado.Emisor.Acteco", "at least one actividad económica"),
            (emisor.direccion, "Encabezado.Emisor.DirOrigen", "the issuer's address"),
            (emisor.comuna, "Encabezado.Emisor.CmnaOrigen", "the SII rejects DTEs without it"),
            (receptor.razon_social, "Encabezado.Receptor.RznSocRecep", "required"),
            (receptor.giro, "Encabezado.Receptor.GiroRecep", "the receptor's giro is required"),
            (receptor.direccion, "Encabezado.Receptor.DirRecep", "the receptor's address"),
            (receptor.comuna, "Encabezado.Receptor.CmnaRecep", "the receptor's comuna"),
        )
        if blank(value)
    ]
    problems[:0] = emisor_stand_in_problems(doc)
    if len(emisor.actecos) > 4:
        problems.append(ErrorDetail("Encabezado.Emisor.Acteco", "at most 4 actividades"))
    if len(emisor.telefonos) > 2:
        problems.append(ErrorDetail("Encabezado.Emisor.Telefono", "at most 2 phone numbers"))
    return problems


def _zero_led(code: str | None) -> bool:
    """A type code written with zeros before its digits ("033")."""
    text = (code or "").strip()
    return len(text) > 1 and text.startswith("0") and text.isdigit()


_UNTOTALLED = frozenset({2, 3, 6})
"""IndExe of lines totalled in MontoNF (2, 6) or GrntDep (3), which Liquidacion lacks."""


def _lines(doc: _document.Document) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    if not doc.detalle:
        problems.append(ErrorDetail("Detalle", "a document needs at least one line"))
    if len(doc.detalle) > doc.tipo_dte.max_lines:
        problems.append(ErrorDetail("Detalle", f"{len(doc.detalle)} lines; at most 60"))
    for index, line in enumerate(doc.detalle):
        where = f"Detalle[{index + 1}]"
        if line.nro_lin_det is not None and line.nro_lin_det != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDet", f"must be {index + 1}"))
        if blank(line.tpo_doc_liq):
            problems.append(
                ErrorDetail(
                    f"{where}.TpoDocLiq",
                    "required: the type of the document the sale was made with (33, 39...)",
                )
            )
        elif _zero_led(line.tpo_doc_liq):
            liquidated = (line.tpo_doc_liq or "").strip()
            problems.append(
                ErrorDetail(
                    f"{where}.TpoDocLiq",
                    f"{shown(liquidated)}: write it {int(liquidated)}, without zeros before it "
                    "(no type in the SII's tables is written so)",
                )
            )
        else:
            issue = document_code_issue((line.tpo_doc_liq or "").strip(), letters=False)
            if issue is not None:
                problems.append(ErrorDetail(f"{where}.TpoDocLiq", issue))
        if not line.nombre.strip():
            problems.append(ErrorDetail(f"{where}.NmbItem", "the item name is required"))
        if line.ind_exe in _UNTOTALLED:
            problems.append(
                ErrorDetail(
                    f"{where}.IndExe",
                    f"{shown(line.ind_exe)}: Liquidacion's Totales has no MontoNF or GrntDep "
                    "to total a non-billable line (2, 6) or a deposit (3), so the SII's schema "
                    "would refuse the document; use 1 (exento) or leave it out",
                )
            )
        if len(line.codigos) > 5:
            problems.append(ErrorDetail(f"{where}.CdgItem", "at most 5 codes"))
        if len(line.cod_imp_adic) > 2:
            problems.append(ErrorDetail(f"{where}.CodImpAdic", "at most 2 codes"))
        if line.subcantidades:
            problems.extend(line_part_problems(line, where))
    comisiones = _comisiones(doc)
    if len(comisiones) > 20:
        problems.append(ErrorDetail("Comisiones", f"{len(comisiones)} charges; at most 20"))
    for index, comision in enumerate(comisiones):
        where = f"Comisiones[{index + 1}]"
        if comision.nro_lin_com is not None and comision.nro_lin_com != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinCom", f"must be {index + 1}"))
        if not comision.glosa.strip():
            problems.append(ErrorDetail(f"{where}.Glosa", "required: what the charge is for"))
        expected = comision_iva(comision.model_copy(update={"val_com_iva": None}))
        if comision.val_com_iva is not None and comision.val_com_iva != expected:
            problems.append(
                ErrorDetail(
                    f"{where}.ValComIVA",
                    f"is {comision.val_com_iva}, expected {expected} (19% of ValComNeto)",
                )
            )
    return problems


_COMPARED: tuple[tuple[str, str], ...] = (
    ("mnt_neto", "MntNeto"),
    ("mnt_exe", "MntExe"),
    ("iva", "IVA"),
    ("mnt_total", "MntTotal"),
)
_COMPARED_CHARGES: tuple[tuple[str, str], ...] = (
    ("val_com_neto", "ValComNeto"),
    ("val_com_exe", "ValComExe"),
    ("val_com_iva", "ValComIVA"),
)


def _compare(
    given: BaseModel | None, expected: BaseModel | None, fields: tuple[tuple[str, str], ...]
) -> Mapping[str, tuple[Any, Any]]:
    wrong = {}
    for attribute, alias in fields:
        have = getattr(given, attribute, None) if given is not None else None
        want = getattr(expected, attribute, None) if expected is not None else None
        if (have or 0) != (want or 0):
            wrong[alias] = (have, want or 0)
    return wrong


def _totals(
    doc: _document.Document,
) -> tuple[list[ErrorDetail], list[LineAmounts] | None, Totales | None]:
    problems: list[ErrorDetail] = []
    amounts: list[LineAmounts] = []
    try:
        for index, line in enumerate(doc.detalle):
            where = f"Detalle[{index + 1}]"
            computed = line_amounts(line, field=where)
            amounts.append(computed)
            if line.monto_item is not None and line.monto_item != computed.monto_item:
                problems.append(
                    ErrorDetail(
                        f"{where}.MontoItem",
                        f"is {shown_int(line.monto_item)}, expected {computed.monto_item} "
                        "(qty x price, rounded half up)",
                    )
                )
        expected = doc.totals_from(amounts)
    except DocumentError as exc:
        return problems + exc.details, None, None
    given = doc.encabezado.totales
    if given is not None:
        for alias, (have, want) in _compare(given, expected, _COMPARED).items():
            problems.append(
                ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {want}")
            )
        problems.extend(period_problems(given, expected, boleta=False))
        wrong_charges = _compare(given.comisiones, expected.comisiones, _COMPARED_CHARGES)
        for alias, (have, want) in wrong_charges.items():
            problems.append(
                ErrorDetail(
                    f"Encabezado.Totales.Comisiones.{alias}",
                    f"is {have}, expected {want} (the sum of Comisiones)",
                )
            )
        given_taxes = {t.tipo: t.monto for t in given.impto_reten}
        if len(given_taxes) < len(given.impto_reten):
            problems.extend(repeated_totals_tax_problems([t.tipo for t in given.impto_reten]))
        want_taxes = {t.tipo: t.monto for t in expected.impto_reten}
        for code in sorted(set(given_taxes) | set(want_taxes)):
            if given_taxes.get(code) != want_taxes.get(code):
                problems.append(
                    ErrorDetail(
                        f"Encabezado.Totales.ImptoReten[TipoImp={code}].MontoImp",
                        f"is {given_taxes.get(code)}, expected {want_taxes.get(code)}",
                    )
                )
    return problems, amounts, expected


def liquidacion_totals_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every given line amount, total or commission of a liquidación-factura that differs from
    the computed one."""
    return _totals(doc)[0]


def liquidacion_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every broken rule and wrong amount of a liquidación-factura (folio 0 accepted)."""
    return check_liquidacion_document(doc).problems


def check_liquidacion_document(doc: _document.Document) -> DocumentCheck:
    """A liquidación-factura: the Liquidacion facets, required data, lines, references, totals."""
    rules = liquidacion_rules(doc)
    problems = schema_problems(doc, LIQUIDACION_ROOT)
    problems.extend(rules.problems)
    return rules._replace(problems=problems)


def liquidacion_rules(doc: _document.Document) -> DocumentCheck:
    """``check_liquidacion_document`` but the Liquidacion facets: required data, lines,
    references and totals."""
    problems = _required(doc)
    problems.extend(_lines(doc))
    problems.extend(subtotal_problems(doc))
    problems.extend(blank_required_text_problems(doc))
    problems.extend(liquidacion_reference_problems(doc))
    totals_problems, amounts, totals = _totals(doc)
    problems.extend(totals_problems)
    return DocumentCheck(problems, amounts, totals)
