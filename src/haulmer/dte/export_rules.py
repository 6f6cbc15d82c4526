"""The rules of the export documents (110, 111, 112), checked locally against ``Exportaciones``.

The export schema (DTE_v10.xsd) is a subset of ``Documento`` with its own enumerations and
amounts in the sale's currency, so exports get their own walk over the models: elements the
schema lacks, lengths, codes' digits, decimals, enumerations; then what the SII requires of an
export (the foreign receptor's RUT 55555555-5, TpoMoneda, the customs data of a goods export,
a reference to the export document a note modifies) and the totals in the document's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

from haulmer.dte._reference_rules import blank, reference_field_problems
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.exports import EXPORT_RECEPTOR_RUT, Moneda
from haulmer.dte.models import (
    Aduana,
    Detalle,
    Emisor,
    Encabezado,
    Extranjero,
    IdDoc,
    OtraMoneda,
    Receptor,
    Referencia,
    Totales,
    Transporte,
)
from haulmer.dte.totals import LineAmounts, compute_otra_moneda, export_totals, line_amounts
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte.document import Document
    from haulmer.dte.rules import DocumentCheck

__all__ = ["SchemaSubset", "check_export_document", "export_problems", "subset_problems"]

_NOT_IN_EXPORTS: Mapping[type[BaseModel], frozenset[str]] = {
    Encabezado: frozenset({"RUTMandante", "RUTSolicita"}),
    IdDoc: frozenset(
        {
            "IndNoRebaja",
            "IndTraslado",
            "TpoImpresion",
            "MntBruto",
            "IndMntNeto",
            "TpoTranCompra",
            "TpoTranVenta",
        }
    ),
    Emisor: frozenset({"GuiaExport"}),
    Receptor: frozenset({"TelefonoRecep"}),
    Extranjero: frozenset({"TipoDocID"}),
    Transporte: frozenset({"PatenteCarro"}),
    Totales: frozenset(
        {
            "MntNeto",
            "MntBase",
            "MntMargenCom",
            "TasaIVA",
            "IVA",
            "IVAProp",
            "IVATerc",
            "ImptoReten",
            "IVANoRet",
            "CredEC",
            "GrntDep",
            "MontoNF",
            "MontoPeriodo",
            "SaldoAnterior",
            "VlrPagar",
        }
    ),
    Detalle: frozenset({"Retenedor", "CodImpAdic"}),
    Referencia: frozenset({"CodVndor", "CodCaja"}),
}
"""Elements the models have that ``Exportaciones`` does not (Documento or boleta only)."""

_MAX_LENGTHS: Mapping[str, int] = {
    "TpoCtaPago": 10,
    "NumCtaPago": 20,
    "BcoPago": 40,
    "TermPagoCdg": 4,
    "TermPagoGlosa": 100,
    "GlosaPagos": 40,
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
    "CdgIntRecep": 20,
    "RznSocRecep": 100,
    "NumId": 20,
    "Nacionalidad": 3,
    "IdAdicRecep": 20,
    "GiroRecep": 40,
    "Contacto": 80,
    "CorreoRecep": 80,
    "DirRecep": 70,
    "CmnaRecep": 20,
    "CiudadRecep": 20,
    "DirPostal": 70,
    "CmnaPostal": 20,
    "CiudadPostal": 20,
    "Patente": 8,
    "NombreChofer": 30,
    "DirDest": 70,
    "CmnaDest": 20,
    "CiudadDest": 20,
    "NombreTransp": 40,
    "NomCiaTransp": 40,
    "IdAdicTransp": 20,
    "Booking": 20,
    "Operador": 20,
    "IdAdicPtoEmb": 20,
    "IdAdicPtoDesemb": 20,
    "Marcas": 255,
    "IdContainer": 25,
    "Sello": 20,
    "EmisorSello": 70,
    "TpoCodigo": 10,
    "VlrCodigo": 35,
    "NmbItem": 80,
    "DscItem": 1000,
    "UnmdRef": 4,
    "UnmdItem": 4,
    "GlosaDR": 45,
    "TpoDocRef": 3,
    "FolioRef": 18,
    "RazonRef": 90,
    "TpoDocLiq": 3,
    "CodImpAdic": 3,
    "TipoImp": 3,
    "Glosa": 60,
}
"""Text lengths of the Exportaciones (and Liquidacion) schema, by element name."""

_MAX_DIGITS: Mapping[str, int] = {
    "Folio": 10,
    "FmaPagExp": 2,
    "TermPagoDias": 3,
    "Acteco": 6,
    "CdgSIISucur": 9,
    "CodModVenta": 2,
    "CodClauVenta": 2,
    "CodViaTransp": 2,
    "CodPtoEmbarque": 4,
    "CodPtoDesemb": 4,
    "Tara": 7,
    "CodUnidMedTara": 2,
    "CodUnidPesoBruto": 2,
    "CodUnidPesoNeto": 2,
    "TotItems": 18,
    "TotBultos": 18,
    "CodTpoBultos": 3,
    "CantBultos": 10,
    "CodPaisRecep": 3,
    "CodPaisDestin": 3,
    "NroLinDet": 2,
    "NroLinRef": 2,
    "DescuentoMonto": 18,
    "RecargoMonto": 18,
    "NroLinCom": 2,
}
"""Integer codes and counts: the most digits each may have (XSD totalDigits)."""

_DECIMALS: Mapping[str, tuple[int, int]] = {
    "QtyItem": (12, 6),
    "PrcItem": (12, 6),
    "QtyRef": (12, 6),
    "PrcRef": (12, 6),
    "DescuentoPct": (3, 2),
    "RecargoPct": (3, 2),
    "ValorDR": (16, 2),
    "TotClauVenta": (16, 2),
    "PesoBruto": (8, 2),
    "PesoNeto": (8, 2),
    "MntFlete": (14, 4),
    "MntSeguro": (14, 4),
    "TpoCambio": (6, 4),
    "MntExeOtrMnda": (14, 4),
    "MntTotOtrMnda": (14, 4),
    "MontoItem": (14, 4),
    "MntExe": (14, 4),
    "MntTotal": (14, 4),
    "TasaIVA": (3, 2),
    "TasaImp": (3, 2),
    "TasaComision": (3, 2),
}
"""Decimal elements: (integer digits, fraction digits) of their XSD types."""

_ENUMS: Mapping[str, frozenset[Any]] = {
    "TipoDespacho": frozenset({1, 2, 3}),
    "IndServicio": frozenset({3, 4, 5, 6}),
    "FmaPago": frozenset({1, 2, 3}),
    "MedioPago": frozenset({"CH", "LT", "EF", "PE", "TC", "CF", "OT"}),
    "TpoCtaPago": frozenset({"AHORRO", "CORRIENTE", "VISTA"}),
    "IndExe": frozenset({1}),
    "IndExeDR": frozenset({1}),
    "IndGlobal": frozenset({1}),
}
"""Enumerations of the export schema (IndExe: every export line is exempt, and its Totales has
no MontoNF for non-billable lines)."""

_MIN_DATE = date(2000, 1, 1)
_MIN_REFERENCE_DATE = date(1950, 1, 1)
_MAX_DATE = date(2050, 12, 31)
_EXPORT_TYPES = frozenset({"110", "111", "112"})

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


class SchemaSubset(NamedTuple):
    """What a root's schema lacks of the shared models and its own enumerations."""

    name: str
    refused: Mapping[type[BaseModel], frozenset[str]]
    enums: Mapping[str, frozenset[Any]]


_EXPORTACIONES = SchemaSubset("Exportaciones", _NOT_IN_EXPORTS, _ENUMS)


class _Field(NamedTuple):
    attribute: str
    alias: str


@cache
def _fields(model: type[BaseModel]) -> tuple[_Field, ...]:
    return tuple(_Field(name, info.alias or name) for name, info in model.model_fields.items())


def subset_problems(model: BaseModel, path: str, schema: SchemaSubset) -> list[ErrorDetail]:
    """Elements ``schema`` lacks, lengths, digits, decimals and enumerations of ``model``."""
    problems: list[ErrorDetail] = []
    _section(model, path, problems, schema)
    return problems


def _section(
    model: BaseModel, path: str, problems: list[ErrorDetail], schema: SchemaSubset = _EXPORTACIONES
) -> None:
    refused = schema.refused.get(type(model), frozenset())
    for field in _fields(type(model)):
        value = getattr(model, field.attribute)
        if value is None or value == []:
            continue
        where = f"{path}.{field.alias}"
        if field.alias in refused:
            problems.append(ErrorDetail(where, f"{schema.name} has no such element; remove it"))
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            shown = f"{where}[{index + 1}]" if isinstance(value, list) else where
            _value(item, field.alias, shown, problems, schema)


def _value(
    item: Any, alias: str, where: str, problems: list[ErrorDetail], schema: SchemaSubset
) -> None:
    if isinstance(item, BaseModel):
        _section(item, where, problems, schema)
        return
    choices = schema.enums.get(alias)
    code = item.value if hasattr(item, "value") else item
    if choices is not None and code not in choices:
        shown = ", ".join(str(v) for v in sorted(choices, key=str))
        problems.append(ErrorDetail(where, f"{code!r} is not one of {shown} in {schema.name}"))
    if isinstance(item, str) and alias in _MAX_LENGTHS and len(item) > _MAX_LENGTHS[alias]:
        limit = _MAX_LENGTHS[alias]
        problems.append(
            ErrorDetail(where, f"is {len(item)} characters long; the SII allows at most {limit}")
        )
    elif isinstance(item, int) and not isinstance(item, bool) and alias in _MAX_DIGITS:
        if len(str(abs(item))) > _MAX_DIGITS[alias]:
            problems.append(ErrorDetail(where, f"has more than {_MAX_DIGITS[alias]} digits"))
    elif isinstance(item, Decimal) and alias in _DECIMALS:
        issue = _decimal_issue(item, *_DECIMALS[alias])
        if issue:
            problems.append(ErrorDetail(where, issue))
    elif isinstance(item, date):
        low = _MIN_REFERENCE_DATE if alias == "FchRef" else _MIN_DATE
        if not low <= item <= _MAX_DATE:
            problems.append(ErrorDetail(where, f"must be between {low} and {_MAX_DATE}"))


def _decimal_issue(value: Decimal, integer_digits: int, fraction_digits: int) -> str | None:
    if not value.is_finite():
        return f"{value} is not a number"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > fraction_digits:
        return f"{value} has more than {fraction_digits} decimals; round it"
    if abs(value) >= Decimal(10) ** integer_digits:
        return f"{value} has more than {integer_digits} integer digits"
    return None


def _required(doc: Document) -> list[ErrorDetail]:
    enc = doc.encabezado
    emisor, receptor, id_doc = enc.emisor, enc.receptor, enc.id_doc
    problems: list[ErrorDetail] = []
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


def _lines(doc: Document) -> list[ErrorDetail]:
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
    if len(doc.descuentos_recargos) > 20:
        problems.append(ErrorDetail("DscRcgGlobal", "at most 20 global discounts or surcharges"))
    for index, item in enumerate(doc.descuentos_recargos):
        where = f"DscRcgGlobal[{index + 1}]"
        if item.nro_lin_dr is not None and item.nro_lin_dr != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinDR", f"must be {index + 1}"))
        if item.tipo_valor == "%" and item.valor > 100 and item.tipo_mov == "D":
            problems.append(ErrorDetail(f"{where}.ValorDR", "over 100%"))
    return problems


def _references(doc: Document) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    refs = doc.referencias
    if len(refs) > 40:
        problems.append(ErrorDetail("Referencia", f"{len(refs)} references; at most 40"))
    if doc.tipo_dte.is_note:
        main = [r for r in refs if isinstance(r.cod_ref, CodRef)]
        if not main:
            problems.append(
                ErrorDetail(
                    "Referencia",
                    "an export note needs a Referencia to the export document it modifies "
                    "(TpoDocRef 110, 111 or 112) with CodRef 1 (anula), 2 (corrige texto) "
                    "or 3 (corrige montos)",
                )
            )
        elif not any((r.tipo_doc_ref or "").strip() in _EXPORT_TYPES for r in main):
            index = refs.index(main[0])
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].TpoDocRef",
                    "an export note modifies an export document: 110, 111 or 112",
                )
            )
    for index, ref in enumerate(refs):
        where = f"Referencia[{index + 1}]"
        if ref.nro_lin_ref is not None and ref.nro_lin_ref != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinRef", f"must be {index + 1}"))
        problems += reference_field_problems(ref, where, "110, 813")
    return problems


def _moneda(doc: Document) -> Moneda | None:
    totales = doc.encabezado.totales
    return totales.tpo_moneda if totales is not None else None


def _totals(doc: Document) -> tuple[list[ErrorDetail], list[LineAmounts] | None, Totales | None]:
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
                        f"is {line.monto_item}, expected {computed.monto_item} (qty x price "
                        "rounded half up to the currency's decimals - discount + surcharge)",
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
        for alias, have, want in (
            ("MntExe", given.mnt_exe, expected.mnt_exe),
            ("MntTotal", given.mnt_total, expected.mnt_total),
        ):
            if (have or 0) != (want or 0):
                problems.append(
                    ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {want}")
                )
    otra = doc.encabezado.otra_moneda
    if otra is not None and otra.tpo_cambio is not None:
        problems.extend(_otra_moneda_problems(otra, compute_otra_moneda(expected, otra)))
    return problems, amounts, expected


def _otra_moneda_problems(given: OtraMoneda, expected: OtraMoneda) -> list[ErrorDetail]:
    problems = []
    for alias, have, want in (
        ("MntExeOtrMnda", given.mnt_exe_otr_mnda, expected.mnt_exe_otr_mnda),
        ("MntTotOtrMnda", given.mnt_tot_otr_mnda, expected.mnt_tot_otr_mnda),
    ):
        if have is not None and have != want:
            problems.append(
                ErrorDetail(
                    f"Encabezado.OtraMoneda.{alias}",
                    f"is {have}, expected {want} (the total x TpoCambio {given.tpo_cambio}, "
                    f"rounded to {given.tpo_moneda.value}'s decimals)",
                )
            )
    return problems


def export_problems(doc: Document) -> list[ErrorDetail]:
    """Every broken rule and wrong amount of an export document (folio 0 accepted)."""
    return check_export_document(doc).problems


def check_export_document(doc: Document) -> DocumentCheck:
    """The export counterpart of ``rules.check_document``: problems, line amounts, totals."""
    from haulmer.dte.rules import DocumentCheck

    problems: list[ErrorDetail] = []
    _section(doc.encabezado, "Encabezado", problems)
    for name, items in (
        ("Detalle", doc.detalle),
        ("DscRcgGlobal", doc.descuentos_recargos),
        ("Referencia", doc.referencias),
    ):
        for index, item in enumerate(items):
            _section(item, f"{name}[{index + 1}]", problems)
    problems.extend(_required(doc))
    problems.extend(_lines(doc))
    problems.extend(_references(doc))
    totals_problems, amounts, totals = _totals(doc)
    problems.extend(totals_problems)
    return DocumentCheck(problems, amounts, totals)
