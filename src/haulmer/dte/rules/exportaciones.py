"""The rules of the export documents (110, 111, 112), checked locally against ``Exportaciones``.

The export schema (DTE_v10.xsd) is a subset of ``Documento`` with its own enumerations and
amounts in the sale's currency; the facet checker walks the models with it. These rules add
what the SII requires of an export (the foreign receptor's RUT 55555555-5, TpoMoneda, the
customs data of a goods export, exempt lines) and the totals in the document's currency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.dte.exports import EXPORT_RECEPTOR_RUT, Moneda
from haulmer.dte.models import Aduana, OtraMoneda, Totales
from haulmer.dte.rules.documento import (
    discount_percentage_problems,
    global_discount_issue,
    line_part_problems,
    percentage_amount_problems,
    zero_percentage_problems,
)
from haulmer.dte.rules.outcome import DocumentCheck, blank, blank_required_text_problems
from haulmer.dte.rules.referencias import (
    export_reference_problems,
    text_correction_amount_problems,
)
from haulmer.dte.rules.ruts import emisor_stand_in_problems
from haulmer.dte.rules.subtotales import subtotal_problems
from haulmer.dte.schema.checker import EXPORTACIONES_ROOT, schema_problems, shown_int
from haulmer.dte.totals import LineAmounts, compute_otra_moneda, export_totals, line_amounts
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "check_export_document",
    "export_problems",
    "export_rules",
    "export_totals_problems",
]

_ADUANA_FOR_GOODS: tuple[tuple[str, str], ...] = (
    ("cod_mod_venta", "CodModVenta"),
    ("cod_clau_venta", "CodClauVenta"),
    ("tot_clau_venta", "TotClauVenta"),
    ("cod_via_transp", "CodViaTransp"),
    ("cod_pto_embarque", "CodPtoEmbarque"),
    ("cod_pto_desemb", "CodPtoDesemb"),
    ("cod_pais_recep", "CodPaisRecep"),
    ("cod_pais_destin", "CodPaisDestin"),
)
"""What a factura de exportación of goods (no IndServicio) declares for the DUS."""


def _required(doc: _document.Document) -> list[ErrorDetail]:
    enc = doc.encabezado
    emisor, receptor, id_doc = enc.emisor, enc.receptor, enc.id_doc
    problems = emisor_stand_in_problems(doc)
    for value, path, issue in (
        (emisor.razon_social, "Encabezado.Emisor.RznSoc", "the issuer's razón social is required"),
        (emisor.giro, "Encabezado.Emisor.GiroEmis", "the issuer's giro is required"),
        (emisor.actecos, "Encabezado.Emisor.Acteco", "at least one actividad económica"),
        (emisor.direccion, "Encabezado.Emisor.DirOrigen", "the issuer's address is required"),
        (receptor.razon_social, "Encabezado.Receptor.RznSocRecep", "required (razón social)"),
    ):
        if blank(value):
            problems.append(ErrorDetail(path, issue))
    if len(emisor.actecos) > 4:
        problems.append(ErrorDetail("Encabezado.Emisor.Acteco", "at most 4 actividades"))
    if len(emisor.telefonos) > 2:
        problems.append(ErrorDetail("Encabezado.Emisor.Telefono", "at most 2 phone numbers"))
    if receptor.rut != EXPORT_RECEPTOR_RUT:
        problems.append(
            ErrorDetail(
                "Encabezado.Receptor.RUTRecep",
                f"is {receptor.rut}; the foreign receptor of an export is {EXPORT_RECEPTOR_RUT} "
                "(identify it in Receptor.Extranjero: NumId, Nacionalidad)",
            )
        )
    totales = enc.totales
    if totales is None or totales.tpo_moneda is None:
        problems.append(
            ErrorDetail(
                "Encabezado.Totales.TpoMoneda",
                "required on exports: the currency of the amounts (e.g. DOLAR USA, EURO)",
            )
        )
    otra = enc.otra_moneda
    sold_in = totales.tpo_moneda if totales is not None else None
    if otra is not None and sold_in is not None and otra.tpo_moneda is sold_in:
        problems.append(
            ErrorDetail(
                "Encabezado.OtraMoneda.TpoMoneda",
                f"is {sold_in.value}, the currency the totals are already in: OtraMoneda "
                "restates them in another one, so give otra_moneda= that currency (PESO CL for "
                "a sale in dollars, DOLAR USA for one in pesos), or leave tipo_cambio out",
            )
        )
    if otra is not None and otra.tpo_cambio is None and otra.mnt_tot_otr_mnda is None:
        problems.append(
            ErrorDetail(
                "Encabezado.OtraMoneda.MntTotOtrMnda",
                "required; give TpoCambio and the builders compute it",
            )
        )
    if doc.tipo_dte is DTEType.FACTURA_EXPORTACION and id_doc.ind_servicio is None:
        problems.extend(_aduana_for_goods(enc.transporte.aduana if enc.transporte else None))
    aduana = enc.transporte.aduana if enc.transporte else None
    if aduana is not None and (aduana.cod_clau_venta is None) != (aduana.tot_clau_venta is None):
        problems.append(
            ErrorDetail(
                "Encabezado.Transporte.Aduana.TotClauVenta",
                "CodClauVenta and TotClauVenta go together: the clause and the sale's value "
                "under it",
            )
        )
    return problems


def _aduana_for_goods(aduana: Aduana | None) -> list[ErrorDetail]:
    where = "Encabezado.Transporte.Aduana"
    if aduana is None:
        return [
            ErrorDetail(
                where,
                "a factura de exportación of goods needs the customs data (CodModVenta, "
                "CodClauVenta, TotClauVenta, CodViaTransp, ports, countries); a service export "
                "sets IdDoc.IndServicio (3, 4 hotel, 5 transporte internacional)",
            )
        ]
    return [
        ErrorDetail(f"{where}.{alias}", "required on a factura de exportación of goods")
        for attribute, alias in _ADUANA_FOR_GOODS
        if getattr(aduana, attribute) is None
    ]


def _lines(doc: _document.Document) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    lines = doc.detalle
    if not lines:
        problems.append(ErrorDetail("Detalle", "a document needs at least one line"))
    if len(lines) > doc.tipo_dte.max_lines:
        problems.append(ErrorDetail("Detalle", f"{len(lines)} lines; the SII allows at most 60"))
    for index, line in enumerate(lines):
        where = f"Detalle[{index + 1}]"
        if line.nro_lin_det is not None and line.nro_lin_det != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDet", f"must be {index + 1}"))
        if not line.nombre.strip():
            problems.append(ErrorDetail(f"{where}.NmbItem", "the item name is required"))
        if len(line.codigos) > 5:
            problems.append(ErrorDetail(f"{where}.CdgItem", "at most 5 codes"))
        if line.descuento_pct is not None or line.recargo_pct is not None:
            moneda = _moneda(doc)
            unit = f"units of {moneda.value}" if moneda is not None else "units"
            problems.extend(zero_percentage_problems(line, where, unit))
            problems.extend(percentage_amount_problems(line, where, unit))
        if line.descuento_pct is not None or line.sub_dscto:
            problems.extend(discount_percentage_problems(line, where))
        if line.subcantidades or line.sub_dscto or line.sub_recargo:
            problems.extend(line_part_problems(line, where))
        if line.otra_moneda is not None and line.otra_moneda.monto_item is None:
            problems.append(
                ErrorDetail(
                    f"{where}.OtrMnda.MontoItemOtrMnda",
                    "an export's line in another currency needs its amount in it: give "
                    "MontoItemOtrMnda, or leave OtrMnda out",
                )
            )
        if line.ind_exe not in (None, 1):
            problems.append(
                ErrorDetail(
                    f"{where}.IndExe",
                    f"{shown(line.ind_exe)} is not one of 1: every line of an export is exempt "
                    "(Exportaciones has no MontoNF for other kinds); use 1 or leave it out",
                )
            )
    if len(doc.descuentos_recargos) > 20:
        problems.append(ErrorDetail("DscRcgGlobal", "at most 20 global discounts or surcharges"))
    for index, item in enumerate(doc.descuentos_recargos):
        where = f"DscRcgGlobal[{index + 1}]"
        if item.nro_lin_dr is not None and item.nro_lin_dr != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDR", f"must be {index + 1}"))
        if item.tipo_valor == "%" and item.valor > 100 and item.tipo_mov == "D":
            problems.append(ErrorDetail(f"{where}.ValorDR", global_discount_issue(item.valor)))
        if item.ind_exe not in (None, 1):
            problems.append(
                ErrorDetail(
                    f"{where}.IndExeDR",
                    f"{shown(item.ind_exe)} is not one of 1: an export's discounts and surcharges "
                    "apply to its exempt amount; use 1 or leave it out",
                )
            )
    return problems


def _moneda(doc: _document.Document) -> Moneda | None:
    totales = doc.encabezado.totales
    return totales.tpo_moneda if totales is not None else None


def _totals(
    doc: _document.Document,
) -> tuple[list[ErrorDetail], list[LineAmounts] | None, Totales | None]:
    moneda = _moneda(doc)
    problems: list[ErrorDetail] = []
    amounts: list[LineAmounts] = []
    try:
        for index, line in enumerate(doc.detalle):
            where = f"Detalle[{index + 1}]"
            computed = line_amounts(line, field=where, moneda=moneda, export=True)
            amounts.append(computed)
            if line.monto_item is not None and line.monto_item != computed.monto_item:
                problems.append(
                    ErrorDetail(
                        f"{where}.MontoItem",
                        f"is {shown_int(line.monto_item)}, expected {computed.monto_item} "
                        "(qty x price rounded half up to the currency's decimals - discount + "
                        "surcharge)",
                    )
                )
        expected = export_totals(
            doc.detalle,
            doc.descuentos_recargos,
            moneda=moneda,
            montos=[amount.monto_item for amount in amounts],
        )
    except DocumentError as exc:
        return problems + exc.details, None, None
    given = doc.encabezado.totales
    if given is not None:
        if given.mnt_exe is None:
            problems.append(
                ErrorDetail(
                    "Encabezado.Totales.MntExe",
                    f"required on exports, {expected.mnt_exe} here: every amount of an export "
                    "is exempt (MntExe is its lines after global discounts, and MntTotal)",
                )
            )
        for alias, have, want in (
            ("MntExe", given.mnt_exe, expected.mnt_exe),
            ("MntTotal", given.mnt_total, expected.mnt_total),
        ):
            if have is not None and (have or 0) != (want or 0):
                problems.append(
                    ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {want}")
                )
    otra = doc.encabezado.otra_moneda
    if otra is not None and otra.tpo_cambio is not None:
        problems.extend(_otra_moneda_problems(otra, compute_otra_moneda(expected, otra)))
    return problems, amounts, expected


def _otra_moneda_problems(given: OtraMoneda, expected: OtraMoneda) -> list[ErrorDetail]:
    problems = []
    if given.mnt_tot_otr_mnda is None:  # required by the schema; builders compute it
        problems.append(
            ErrorDetail(
                "Encabezado.OtraMoneda.MntTotOtrMnda",
                f"required, {expected.mnt_tot_otr_mnda} at TpoCambio {given.tpo_cambio} (the "
                f"total in {given.tpo_moneda.value}, rounded to its decimals; the builders "
                "compute it)",
            )
        )
    for alias, have, want in (
        ("MntExeOtrMnda", given.mnt_exe_otr_mnda, expected.mnt_exe_otr_mnda),
        ("MntTotOtrMnda", given.mnt_tot_otr_mnda, expected.mnt_tot_otr_mnda),
    ):
        if have is not None and have != want:
            problems.append(
                ErrorDetail(
                    f"Encabezado.OtraMoneda.{alias}",
                    f"is {have}, expected {want} (the total at TpoCambio {given.tpo_cambio}, "
                    f"rounded to {given.tpo_moneda.value}'s decimals)",
                )
            )
    return problems


def export_totals_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every given line amount or total of an export that differs from the computed one."""
    return _totals(doc)[0]


def export_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every broken rule and wrong amount of an export document (folio 0 accepted)."""
    return check_export_document(doc).problems


def check_export_document(doc: _document.Document) -> DocumentCheck:
    """An export: the Exportaciones facets, its requirements, lines, references and totals."""
    rules = export_rules(doc)
    problems = schema_problems(doc, EXPORTACIONES_ROOT)
    problems.extend(rules.problems)
    return rules._replace(problems=problems)


def export_rules(doc: _document.Document) -> DocumentCheck:
    """``check_export_document`` but the Exportaciones facets: required data, lines, references
    and totals."""
    problems = _required(doc)
    problems.extend(_lines(doc))
    problems.extend(subtotal_problems(doc))
    problems.extend(blank_required_text_problems(doc))
    problems.extend(export_reference_problems(doc))
    totals_problems, amounts, totals = _totals(doc)
    problems.extend(totals_problems)
    problems.extend(text_correction_amount_problems(doc, totals))
    return DocumentCheck(problems, amounts, totals)
