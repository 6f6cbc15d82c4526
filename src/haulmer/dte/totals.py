"""The totals calculator: line amounts, global discounts, IVA, retenciones and MntTotal, as the SII.

Pure functions over the models. Rounding is half up to the peso (the SII's rule; Python's
``round`` rounds half to even and would be wrong). Rules, in order:

1. Line: ``round(qty x price)`` (qty 1 when only a price is given), minus DescuentoMonto (or
   ``round(qty x price x DescuentoPct / 100)``), plus RecargoMonto (likewise) = MontoItem.
2. Lines are split by IndExe: none -> afecto, 1 -> exento, 2 -> no facturable (MontoNF),
   6 -> no facturable negativo, 3 -> garantía por depósito de envases (GrntDep), 4/5 -> not
   summed (no venta, ítem a rebajar). On exempt types (34, 41) every summed line is exento.
   A boleta has no GrntDep (its IndExe is 1, 2 or 6): its IndExe 3, which the rules refuse,
   is summed as an unmarked line, so the refusal names the line alone.
3. Each DscRcgGlobal applies to the sums of step 2 (not compounded): IndExeDR none -> afecto,
   1 -> exento, 2 -> no facturable; ``%`` is rounded half up, ``$`` is taken as is. Discounts
   that would take an amount below 0 are refused, as is one on the afecto, exento or no
   facturable amount of a document without such lines (the exempt builders set IndExeDR 1
   for you).
4. IVA: net prices -> ``IVA = round(neto x 19%)``. Gross prices (boletas unless IndMntNeto 2,
   facturas with MntBruto 1) -> ``neto = round(total / 1.19)`` and ``IVA = total - neto``.
5. Additional taxes and retenciones by CodImpAdic on the afecto lines' MontoItem, each code's
   base scaled as the global discounts and surcharges scale the afecto amount (so IVA retenido
   total retains the IVA the document carries): additional ones (licores 24...) add to
   MntTotal; retenciones (IVA retenido total 15, trigo 34...) subtract, and IVANoRet = IVA -
   the IVA retained when positive (53, suplementeros' income tax, is retained but no IVA). A
   boleta has neither CodImpAdic nor ImptoReten: its codes, which the rules refuse, are not
   computed, so the refusal names the line alone.
6. MntTotal = MntNeto + MntExe + IVA + additional - retained - CredEC + GrntDep; MontoPeriodo
   (boletas: TotalPeriodo) = MntTotal + MontoNF when there are non-billable lines. CredEC, the
   crédito especial de empresas constructoras, is given (it depends on the dwelling's value), at
   most 65% of the IVA.

Exports (110/111/112) are in the currency of Totales/TpoMoneda: a line is ``qty x price``
rounded half up to that currency's decimals (4, the XSD's; 0 for PESO CL) minus its discount
plus its surcharge (whole units: the XSD's DescuentoMonto is an integer); MntExe is the sum of
the lines after global discounts and surcharges, and MntTotal = MntExe. ``compute_otra_moneda``
restates them at a TpoCambio.

A liquidación-factura (43) deducts its commissions and other charges (``Comisiones``): each
one's ValComIVA is ``round(ValComNeto x 19%)`` unless given, Totales/Comisiones sums them, and
MntTotal = MntNeto + MntExe + IVA (+ additional taxes) - ValComNeto - ValComExe - ValComIVA.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final, NamedTuple, TypeVar, cast

import pydantic
from pydantic import BaseModel

from haulmer._lazy import LazyModule
from haulmer._numbers import ANY_SIZE_HALF_UP, own_arithmetic
from haulmer._shown import shown
from haulmer.dte._base import CLEAN_CONTEXT
from haulmer.dte._field_paths import validation_details
from haulmer.dte.catalogue import IVA_RATE, DTEType
from haulmer.dte.exports import Moneda, round_currency
from haulmer.dte.models import (
    Comision,
    ComisionesTotales,
    Detalle,
    DscRcgGlobal,
    ImptoReten,
    OtraMoneda,
    Totales,
)
from haulmer.errors import DocumentError, ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "ADDITIONAL_TAX_RATES",
    "CRED_EC_SHARE",
    "RETAINED_CODES",
    "RETENTION_RATES",
    "SII_TAX_CODES",
    "LineAmounts",
    "comision_iva",
    "comisiones_totales",
    "compute_otra_moneda",
    "compute_totals",
    "document_line_amounts",
    "export_totals",
    "line_amounts",
    "round_peso",
    "split_gross",
    "tax_rates",
    "total_del_periodo",
    "totals_from_line_amounts",
    "valor_a_pagar",
]

ADDITIONAL_TAX_RATES: Mapping[str, Decimal] = {
    "17": Decimal("5"),  # IVA anticipado faenamiento carne
    "18": Decimal("5"),  # IVA anticipado carne
    "19": Decimal("12"),  # IVA anticipado harina
    "23": Decimal("15"),  # Art. 37 a, b, c: oro, joyas, pieles
    "24": Decimal("31.5"),  # Art. 42 a: licores, pisco, destilados
    "25": Decimal("20.5"),  # Art. 42 c: vinos
    "26": Decimal("20.5"),  # Art. 42 c: cervezas y bebidas alcohólicas
    "27": Decimal("10"),  # Art. 42 d, e: bebidas analcohólicas y minerales
    "271": Decimal("18"),  # Art. 42 a, inciso 2: the same with a high sugar content
    "44": Decimal("15"),  # Art. 37 e, h, i, l: alfombras, casas rodantes, caviar, armas
    "45": Decimal("50"),  # Art. 37 j: pirotecnia
}
"""Additional taxes (added to MntTotal) with a fixed rate, in percent, by TipoImp/CodImpAdic."""

RETENTION_RATES: Mapping[str, Decimal] = {
    "15": Decimal("19"),  # IVA retenido total
    "30": Decimal("10"),  # legumbres
    "31": Decimal("19"),  # silvestres
    "32": Decimal("8"),  # ganado
    "33": Decimal("8"),  # madera
    "34": Decimal("4"),  # trigo
    "36": Decimal("10"),  # arroz
    "37": Decimal("10"),  # hidrobiológicas
    "38": Decimal("19"),  # chatarra
    "39": Decimal("19"),  # PPA
    "41": Decimal("19"),  # construcción
    "46": Decimal("19"),  # oro
    "47": Decimal("19"),  # cartones
    "48": Decimal("14"),  # frambuesas y pasas
    "301": Decimal("19"),  # legumbres, retención total
    "321": Decimal("19"),  # ganado, retención total
    "331": Decimal("19"),  # madera, retención total
    "341": Decimal("19"),  # trigo, retención total
    "361": Decimal("19"),  # arroz, retención total
    "371": Decimal("19"),  # hidrobiológicas, retención total
    "481": Decimal("19"),  # frambuesas y pasas, retención total
}
"""IVA retenciones (subtracted from MntTotal; factura de compra 46 mostly), in percent."""

_TOTAL_RETENTION_CODES: frozenset[str] = frozenset(
    {"15", "301", "321", "331", "341", "361", "371", "481"}
)
"""The retentions of the whole IVA (IVA retenido total and its variants): their rate is the
IVA's, whatever rate a document gives (a partial retention is 16 or a product's code)."""

_INCOME_TAX_RETENTION_CODES: frozenset[str] = frozenset({"53"})
"""Retained codes that are no IVA: 53, the income tax retained from suplementeros (Art. 74
N°5 LIR). They are taken off MntTotal but leave no IVA unretained (IVANoRet)."""

_NO_RETENTION_CODE: Final = "49"
"""Factura de compra sin retención: the code of a factura de compra whose buyer retains
nothing; its entry's MontoImp is 0, without a TasaImp."""

RETAINED_CODES: frozenset[str] = frozenset(RETENTION_RATES) | {"16", "40", "49", "53"}
"""Every code that is retained, not added: those above, 49 (factura de compra sin retención,
which retains 0) and the ones whose rate the document gives (16 IVA retenido parcial, 40 IVA
retenido opcional, 53 suplementeros)."""

SII_TAX_CODES: frozenset[str] = (
    frozenset(ADDITIONAL_TAX_RATES)
    | RETAINED_CODES
    | {"14", "28", "35", "50", "51", "52", "54", "55"}
)
"""The SII's table of CodImpAdic/TipoImp codes (ImpAdicDTEType). Those without a fixed rate
(14 and 50 IVA de margen, 28 diésel, 35 gasolina, 51 and 52 gas...) take it from the document."""

_HUNDRED = Decimal(100)
_PESO = Decimal(1)
CRED_EC_SHARE: Final = Decimal("0.65")
"""The crédito especial de empresas constructoras is at most 65% of the IVA (DL 910 art. 21)."""


_Computed = TypeVar("_Computed", bound=BaseModel)


def _computed(model: type[_Computed], where: str, **values: object) -> _Computed:
    """``model(**values)`` for amounts this module computed: one past any SII number (lines
    with absurd quantities or prices) is a DocumentError naming it, not pydantic's error.
    Computed values hold no blank text, so the models take them as clean input."""
    try:
        return model.model_validate(values, context=CLEAN_CONTEXT)
    except pydantic.ValidationError as exc:
        details = validation_details(exc, prefix=where)
        raise DocumentError(
            "the computed totals cannot be written ("
            + "; ".join(str(d) for d in details)
            + "): check the lines' quantities and prices",
            details,
        ) from None


@own_arithmetic
def round_peso(value: Decimal | int) -> int:
    """Round to whole pesos, half up (``Decimal("2.5") -> 3``), as the SII does."""
    if type(value) is Decimal:
        exact = value
    elif isinstance(value, int) and not isinstance(value, bool):
        exact = Decimal(value)
    else:
        raise TypeError(f"round_peso takes a Decimal or an int, got {type(value).__name__}")
    return int(ANY_SIZE_HALF_UP.quantize(exact, _PESO))


@own_arithmetic
def split_gross(total: int, rate: Decimal = IVA_RATE) -> tuple[int, int]:
    """Split a gross amount into (neto, IVA): ``neto = round(total / 1.19)``, IVA the rest."""
    if isinstance(total, bool) or not isinstance(total, int) or not isinstance(rate, Decimal):
        raise TypeError(
            "split_gross takes the total as an int of pesos and the rate as a Decimal, got "
            f"{type(total).__name__} and {type(rate).__name__}"
        )
    neto = round_peso(Decimal(total) * _HUNDRED / (_HUNDRED + rate))
    return neto, total - neto


class LineAmounts(NamedTuple):
    """A line's computed amounts: the discount and surcharge in pesos and MontoItem.

    A named tuple: made for every line of every document checked, it costs half a frozen
    dataclass to build."""

    descuento_monto: int | None
    recargo_monto: int | None
    monto_item: int | Decimal
    """Pesos (``int``); on exports, the document's currency (``Decimal``)."""


_new_line_amounts: Final = tuple.__new__
"""Makes a ``LineAmounts`` from a tuple without the named tuple's Python ``__new__``."""


@own_arithmetic
def line_amounts(
    line: Detalle, *, field: str = "Detalle", moneda: Moneda | None = None, export: bool = False
) -> LineAmounts:
    """MontoItem of one line from qty, price, discount and surcharge (given amounts win).

    ``export=True``: qty x price is rounded to ``moneda``'s decimals instead of the peso.
    """
    if not isinstance(line, Detalle):
        raise TypeError(f"line_amounts takes a haulmer.dte.Detalle, got {type(line).__name__}")
    if export:
        return _export_line_amounts(line, field, moneda)
    if line.precio is None:
        if line.monto_item is not None:
            if line.monto_item and (line.descuento_pct is not None or line.recargo_pct is not None):
                raise _percentage_without_price(line, field, "in pesos")
            return LineAmounts(line.descuento_monto, line.recargo_monto, line.monto_item)
        exact = Decimal(0)
    else:
        qty = line.cantidad if line.cantidad is not None else Decimal(1)
        exact = qty * line.precio
    descuento = line.descuento_monto
    if descuento is None and line.descuento_pct is not None:  # 0 pesos: none to write
        descuento = round_peso(exact * line.descuento_pct / _HUNDRED) or None
    recargo = line.recargo_monto
    if recargo is None and line.recargo_pct is not None:
        recargo = round_peso(exact * line.recargo_pct / _HUNDRED) or None
    monto = round_peso(exact) - (descuento or 0) + (recargo or 0)
    if monto < 0:
        raise _discount_too_large(field, line, descuento, round_peso(exact) + (recargo or 0))
    return LineAmounts(descuento, recargo, monto)


def _percentage_without_price(line: Detalle, field: str, amount: str) -> DocumentError:
    """The error for a line given by its MontoItem with a DescuentoPct or RecargoPct and no
    PrcItem to apply it to: its amount would be taken as 0 and its MontoItem named as wrong."""
    details = [
        ErrorDetail(
            f"{field}.{name}",
            "a percentage applies to the line's quantity x price, and the line has no price "
            f"(PrcItem): give its price, or the {what} {amount}",
        )
        for name, what, percent in (
            ("DescuentoPct", "discount", line.descuento_pct),
            ("RecargoPct", "surcharge", line.recargo_pct),
        )
        if percent is not None
    ]
    return DocumentError(f"{field}: " + "; ".join(d.issue for d in details), details)


def _discount_too_large(
    field: str, line: Detalle, descuento: object, most: Decimal | int
) -> DocumentError:
    """The error for a line whose discount leaves its amount below 0: which line, and the most
    its discount can be, in whole units as DescuentoMonto is written (an export's line of 0.62
    dollars takes none); the percentage when the discount came from one (over 100)."""
    pct = line.descuento_pct
    if line.descuento_monto is None and pct is not None:
        return DocumentError(
            f"{field}: a discount of {pct}% is larger than the line amount",
            [ErrorDetail(f"{field}.DescuentoPct", f"is {pct}; a discount is at most 100 (%)")],
        )
    allowed = int(most)  # the whole units below the line amount, which is not negative
    fix = (
        f"give a discount of at most {allowed}"
        if allowed >= 1
        else "leave DescuentoMonto out: it is a whole number from 1, more than the line"
    )
    return DocumentError(
        f"{field}: a discount of {descuento} is larger than the line amount ({most}); {fix}",
        [
            ErrorDetail(
                f"{field}.DescuentoMonto", f"{descuento} exceeds the line amount ({most}): {fix}"
            )
        ],
    )


def plain_line_amounts(line: Detalle) -> LineAmounts | None:
    """:func:`line_amounts` of a priced line without discount or surcharge (most lines), or
    None for any other line, which :func:`line_amounts` computes and may refuse."""
    if not isinstance(line, Detalle):
        return None
    values = line.__dict__  # one attribute read instead of six through pydantic's hook
    precio = values["precio"]
    if (
        precio is None
        or values["descuento_pct"] is not None
        or values["recargo_pct"] is not None
        or values["descuento_monto"] is not None
        or values["recargo_monto"] is not None
    ):
        return None
    qty = values["cantidad"]
    exact = (qty if qty is not None else _PESO) * precio
    monto = (
        int(ANY_SIZE_HALF_UP.quantize(exact, _PESO))
        if type(exact) is Decimal
        else round_peso(exact)
    )
    return _new_line_amounts(LineAmounts, (None, None, monto)) if monto >= 0 else None


def _export_line_amounts(line: Detalle, field: str, moneda: Moneda | None) -> LineAmounts:
    if line.precio is None:
        if line.monto_item is not None:
            if line.monto_item and (line.descuento_pct is not None or line.recargo_pct is not None):
                raise _percentage_without_price(line, field, "as an amount")
            given = round_currency(line.monto_item, moneda)
            return LineAmounts(line.descuento_monto, line.recargo_monto, given)
        exact = Decimal(0)
    else:
        qty = line.cantidad if line.cantidad is not None else Decimal(1)
        exact = qty * line.precio
    descuento = line.descuento_monto
    if descuento is None and line.descuento_pct is not None:
        descuento = round_peso(exact * line.descuento_pct / _HUNDRED) or None
    recargo = line.recargo_monto
    if recargo is None and line.recargo_pct is not None:
        recargo = round_peso(exact * line.recargo_pct / _HUNDRED) or None
    monto = round_currency(exact, moneda) - (descuento or 0) + (recargo or 0)
    if monto < 0:
        most = round_currency(exact, moneda) + (recargo or 0)
        raise _discount_too_large(field, line, descuento, most)
    return LineAmounts(descuento, recargo, round_currency(monto, moneda))


@own_arithmetic
def document_line_amounts(document: _document.Document) -> list[LineAmounts]:
    """Each line's amounts as ``document``'s type computes them (exports: in its currency)."""
    export = document.tipo_dte.is_export
    given = document.encabezado.totales
    moneda = given.tpo_moneda if given is not None else None
    return [
        line_amounts(line, field=f"Detalle[{index + 1}]", moneda=moneda, export=export)
        for index, line in enumerate(document.detalle)
    ]


@own_arithmetic
def export_totals(
    detalle: Sequence[Detalle],
    descuentos_recargos: Iterable[DscRcgGlobal] = (),
    *,
    moneda: Moneda | None,
    montos: Sequence[int | Decimal] | None = None,
) -> Totales:
    """Totales of an export: TpoMoneda, MntExe (lines after global discounts) and MntTotal.

    Lines with IndExe 2 to 6 are not summed into MntExe (the export Totales has no MontoNF);
    the rules refuse them. ``montos``: each line's MontoItem when already computed.
    """
    if montos is None:
        montos = [
            _export_line_amounts(line, f"Detalle[{index + 1}]", moneda).monto_item
            for index, line in enumerate(detalle)
        ]
    exento = sum(
        (
            Decimal(monto)
            for line, monto in zip(detalle, montos, strict=True)
            if line.ind_exe in (None, 1)
        ),
        Decimal(0),
    )
    delta = Decimal(0)
    globales = list(descuentos_recargos)
    for item in globales:
        if item.tipo_valor == "%":
            amount = round_currency(exento * item.valor / _HUNDRED, moneda)
        else:
            amount = round_currency(item.valor, moneda)
        delta += -amount if item.tipo_mov == "D" else amount
    lines_total = exento
    exento = round_currency(exento + delta, moneda)
    if exento < 0:
        raise _globals_exceed("exempt", lines_total, exento, range(len(globales)), globales)
    return _computed(
        Totales, "Encabezado.Totales", tpo_moneda=moneda, mnt_exe=exento, mnt_total=exento
    )


@own_arithmetic
def compute_otra_moneda(totales: Totales, otra: OtraMoneda) -> OtraMoneda:
    """``otra`` with MntExeOtrMnda and MntTotOtrMnda: the totals at TpoCambio, rounded to its
    currency's decimals (whole pesos for PESO CL). Without TpoCambio, ``otra`` as it is.

    TpoCambio is the Banco Central's rate, pesos per unit of a foreign currency: a sale in
    pesos restated in another currency is divided by it (3002 pesos at 950 = 3.16 dollars);
    any other sale is multiplied (100 dollars at 950 = 95000 pesos; between two foreign
    currencies, TpoCambio is the units of the other per unit of the sale's).
    """
    if otra.tpo_cambio is None:
        return otra
    rate = otra.tpo_cambio
    divide = totales.tpo_moneda in (None, Moneda.PESO_CHILENO) and (
        otra.tpo_moneda is not Moneda.PESO_CHILENO
    )
    exe = totales.mnt_exe
    return otra.model_copy(
        update={
            "mnt_exe_otr_mnda": _restated(exe, rate, otra.tpo_moneda, divide=divide)
            if exe is not None
            else None,
            "mnt_tot_otr_mnda": _restated(totales.mnt_total, rate, otra.tpo_moneda, divide=divide),
        }
    )


def _restated(amount: int | Decimal, rate: Decimal, moneda: Moneda, *, divide: bool) -> Decimal:
    """``amount`` in ``moneda`` at ``rate``: divided by it or multiplied, then rounded."""
    exact = Decimal(amount) / rate if divide else Decimal(amount) * rate
    return round_currency(exact, moneda)


@own_arithmetic
def comision_iva(comision: Comision, rate: Decimal = IVA_RATE) -> int:
    """A commission's ValComIVA: the one given, else ValComNeto x 19% rounded half up."""
    if comision.val_com_iva is not None:
        return comision.val_com_iva
    return _round_signed(Decimal(comision.val_com_neto) * rate / _HUNDRED)


def _round_signed(value: Decimal) -> int:
    """Half up away from zero, so a refunded commission's IVA mirrors the charged one."""
    magnitude = round_peso(abs(value))
    return -magnitude if value < 0 else magnitude


@own_arithmetic
def comisiones_totales(
    comisiones: Iterable[Comision], rate: Decimal = IVA_RATE
) -> ComisionesTotales | None:
    """Totales/Comisiones: the commissions summed (each IVA per :func:`comision_iva`); None
    without commissions; zero sums are left out."""
    items = list(comisiones)
    if not items:
        return None
    neto = sum(c.val_com_neto for c in items)
    exe = sum(c.val_com_exe for c in items)
    iva = sum(comision_iva(c, rate) for c in items)
    return _computed(
        ComisionesTotales,
        "Encabezado.Totales.Comisiones",
        val_com_neto=neto or None,
        val_com_exe=exe or None,
        val_com_iva=iva or None,
    )


@dataclass
class _Sums:
    afecto: int = 0
    exento: int = 0
    no_facturable: int = 0
    garantia: int = 0
    has_afecto: bool = False
    has_exento: bool = False
    has_no_facturable: bool = False
    has_tax_codes: bool = False
    """Whether any line carries CodImpAdic."""


def _sum_lines(tipo: DTEType, lines: Sequence[Detalle], montos: Sequence[int]) -> _Sums:
    sums = _Sums()
    exempt = tipo.is_exempt
    garantia = not tipo.is_boleta  # EnvioBOLETA has no GrntDep
    for line, monto in zip(lines, montos, strict=True):
        if line.cod_imp_adic:
            sums.has_tax_codes = True
        ind = line.ind_exe
        if ind is None:  # most lines: the same branches as below, without comparing None
            if exempt:
                sums.exento += monto
                sums.has_exento = True
            else:
                sums.afecto += monto
                sums.has_afecto = True
            continue
        if ind in (4, 5):
            continue
        if ind == 2:
            sums.no_facturable += monto
            sums.has_no_facturable = True
        elif ind == 6:
            sums.no_facturable -= monto
            sums.has_no_facturable = True
        elif ind == 3 and garantia:
            sums.garantia += monto
        elif ind == 1 or exempt:
            sums.exento += monto
            sums.has_exento = True
        else:
            sums.afecto += monto
            sums.has_afecto = True
    return sums


def _apply_globals(sums: _Sums, globales: Sequence[DscRcgGlobal]) -> None:
    bases: dict[int | None, int] = {None: sums.afecto, 1: sums.exento, 2: sums.no_facturable}
    deltas: dict[int | None, int] = {None: 0, 1: 0, 2: 0}
    applied: dict[int | None, list[int]] = {None: [], 1: [], 2: []}
    for index, item in enumerate(globales):
        target = item.ind_exe if item.ind_exe in (1, 2) else None
        applied[target].append(index)
        if item.tipo_valor == "%":
            amount = round_peso(Decimal(bases[target]) * item.valor / _HUNDRED)
        else:
            amount = round_peso(item.valor)
        deltas[target] += -amount if item.tipo_mov == "D" else amount
        if target is None and not sums.has_afecto:
            raise DocumentError(
                "a global discount or surcharge applies to the afecto amount but no line is afecto",
                [ErrorDetail(f"DscRcgGlobal[{index + 1}].IndExeDR", "set 1 for exempt lines")],
            )
        if target == 1 and not sums.has_exento:
            raise _no_lines_for(index, "exempt", "IndExeDR 1", "2 for the no facturable ones")
        if target == 2 and not sums.has_no_facturable:
            raise _no_lines_for(index, "no facturable", "IndExeDR 2", "1 for the exempt ones")
    sums.afecto += deltas[None]
    sums.exento += deltas[1]
    sums.no_facturable += deltas[2]
    for name, target, value in (("afecto", None, sums.afecto), ("exempt", 1, sums.exento)):
        if value < 0:
            raise _globals_exceed(name, bases[target], value, applied[target], globales)
    # no facturable negativo lines (IndExe 6) may leave MontoNF below 0; discounts may not
    if deltas[2] < 0 and sums.no_facturable < 0:
        raise _globals_exceed("no facturable", bases[2], sums.no_facturable, applied[2], globales)


def _no_lines_for(index: int, name: str, marked: str, other: str) -> DocumentError:
    """The error for a global discount or surcharge on the exempt or no facturable amount of a
    document without such lines: its amount would change no total, and the sale would lose it."""
    issue = (
        f"applies to the {name} amount ({marked}) but no line is {name}: leave IndExeDR out "
        f"for the afecto lines, or set {other}"
    )
    return DocumentError(
        f"DscRcgGlobal[{index + 1}]: a global discount or surcharge {issue}",
        [ErrorDetail(f"DscRcgGlobal[{index + 1}].IndExeDR", issue)],
    )


def _globals_exceed(
    name: str,
    lines_total: int | Decimal,
    value: int | Decimal,
    indexes: Iterable[int],
    globales: Sequence[DscRcgGlobal],
) -> DocumentError:
    """The error for global discounts that take more than the lines they apply to add up to."""
    discounts = [index for index in indexes if globales[index].tipo_mov == "D"]
    issue = (
        f"the {name} lines add up to {lines_total} and the global discounts would leave "
        f"{value}: lower the discount (ValorDR) so the {name} amount stays at 0 or more"
    )
    return DocumentError(
        f"global discounts exceed the {name} amount they apply to ({lines_total}): "
        f"it would be {value}; lower the discounts (ValorDR) so it stays at 0 or more",
        [ErrorDetail(f"DscRcgGlobal[{index + 1}].ValorDR", issue) for index in discounts]
        or [ErrorDetail("DscRcgGlobal", issue)],
    )


def _negative_total(total: int, charges: ComisionesTotales | None, retained: int) -> DocumentError:
    """The error for a MntTotal below 0, saying which amounts caused it and what to change."""
    deducted = (
        (charges.val_com_neto or 0) + (charges.val_com_exe or 0) + (charges.val_com_iva or 0)
        if charges is not None
        else 0
    )
    if deducted:
        sold = total + deducted
        message = (
            f"the liquidación's commissions and charges ({deducted}, IVA included) exceed what was "
            f"sold ({sold}), so the total would be {total}: a "
            "liquidación-factura pays the sale minus its charges, so check the Comisiones "
            "amounts (val_com_neto, val_com_exe) and the lines' prices"
        )
        issue = f"would be {total}: the charges ({deducted}) exceed the sale ({sold})"
    else:
        message = (
            f"the document total would be {total}: the retenciones ({retained}) exceed the rest "
            "of the document; check the CodImpAdic codes of the lines and their prices"
        )
        issue = f"would be {total}: the retenciones ({retained}) exceed the rest"
    return DocumentError(message, [ErrorDetail("Encabezado.Totales.MntTotal", issue)])


def tax_rates(value: Mapping[str, Decimal | int | str] | None) -> dict[str, Decimal]:
    """``tasas_adicionales`` as rates by code, or a DocumentError naming each code of no SII
    table and each rate that is not a percentage the SII's TasaImp takes (0.01 to 100.00):
    the builders' reading, and the totals' of a rate that is no Decimal (``2.5``, ``"2.5"``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(
            'tasas_adicionales is a mapping of tax codes to rates ({"28": Decimal("2.5")}), '
            f"got {type(value).__name__}"
        )
    rates: dict[str, Decimal] = {}
    problems: list[ErrorDetail] = []
    for key, given in value.items():
        code = str(key).strip()
        where = f"tasas_adicionales[{shown(code)}]"
        if code not in SII_TAX_CODES:
            known = ", ".join(sorted(SII_TAX_CODES, key=lambda c: (len(c), c)))
            problems.append(ErrorDetail(where, f"not a tax code of the SII's table: use {known}"))
            continue
        try:
            rate = given if isinstance(given, Decimal) else Decimal(str(given).strip())
        except (InvalidOperation, ValueError):
            rate = None
        if (
            rate is None
            or isinstance(given, bool)
            or not rate.is_finite()
            or not Decimal("0.01") <= rate <= Decimal(100)
            or rate != rate.quantize(Decimal("0.01"))
        ):
            problems.append(
                ErrorDetail(
                    where, f"{shown(given)} is not a rate in percent from 0.01 to 100, in cents"
                )
            )
            continue
        rates[code] = rate
    if problems:
        raise DocumentError("tasas_adicionales: " + "; ".join(str(p) for p in problems), problems)
    return rates


def _taxes(
    lines: Sequence[Detalle],
    montos: Sequence[int],
    extra_rates: Mapping[str, Decimal],
    afecto: tuple[int, int],
    tasa_iva: Decimal,
) -> tuple[list[ImptoReten], int, int, int]:
    """ImptoReten entries by code, the added total, the retained total and the IVA of it
    (afecto lines only).

    ``afecto``: the afecto lines' sum and the afecto amount after global discounts and
    surcharges; each code's base is scaled by their ratio, as the sale the tax falls on is."""
    bases: dict[str, int] = {}
    for line, monto in zip(lines, montos, strict=True):
        if line.ind_exe is not None:
            continue
        for code in dict.fromkeys(line.cod_imp_adic):  # a repeat, which the rules refuse, once
            bases[code] = bases.get(code, 0) + monto
    lines_total, after_globals = afecto
    if lines_total and after_globals != lines_total:
        for code, base in bases.items():
            bases[code] = round_peso(Decimal(base) * after_globals / lines_total)
    entries: list[ImptoReten] = []
    added = retained = retained_iva = 0
    for code in sorted(bases, key=lambda c: (len(c), c)):
        if code not in SII_TAX_CODES:
            raise _unknown_tax_code(code)
        if code == _NO_RETENTION_CODE:
            if code in extra_rates:
                raise _rate_of_no_retention(extra_rates[code])
            # nothing retained: no TasaImp, which the SII writes from 0.01
            entries.append(
                _computed(ImptoReten, "Encabezado.Totales.ImptoReten", tipo=code, monto=0)
            )
            continue
        if code in extra_rates:
            rate = extra_rates[code]
        elif code in RETENTION_RATES:
            rate = RETENTION_RATES[code]
        elif code in ADDITIONAL_TAX_RATES:
            rate = ADDITIONAL_TAX_RATES[code]
        else:
            raise DocumentError(
                f"the tax code {code} has no fixed rate: the document must give it, with "
                f"tasas_adicionales={{{code!r}: rate}} (a builder's option) or as "
                "Totales/ImptoReten/TasaImp",
                [
                    ErrorDetail(
                        "Detalle.CodImpAdic",
                        f"code {code} has no fixed rate; give it with "
                        f"tasas_adicionales={{{code!r}: rate}} (a builder's option) or as "
                        "Totales/ImptoReten/TasaImp",
                    )
                ],
            )
        is_retention = code in RETAINED_CODES
        if is_retention and rate > tasa_iva:
            raise _retention_over_iva(code, rate, tasa_iva)
        if code in _TOTAL_RETENTION_CODES and rate != tasa_iva:
            raise _partial_total_retention(code, rate, tasa_iva)
        monto = round_peso(Decimal(bases[code]) * rate / _HUNDRED)
        entries.append(
            _computed(
                ImptoReten, "Encabezado.Totales.ImptoReten", tipo=code, tasa=rate, monto=monto
            )
        )
        if is_retention:
            retained += monto
            if code not in _INCOME_TAX_RETENTION_CODES:
                retained_iva += monto
        else:
            added += monto
    return entries, added, retained, retained_iva


def _retention_over_iva(code: str, rate: Decimal, tasa_iva: Decimal) -> DocumentError:
    """The error for an IVA retention whose rate is above the IVA's: it would retain more IVA
    than the line carries, leaving the seller less than the net price."""
    issue = (
        f"the retention {code} at {rate}% would retain more than the IVA ({tasa_iva}%) the "
        "line carries: give its rate (tasas_adicionales or Totales/ImptoReten/TasaImp) as at "
        f"most {tasa_iva}"
    )
    return DocumentError(f"CodImpAdic {code}: {issue}", [ErrorDetail("Detalle.CodImpAdic", issue)])


def _rate_of_no_retention(rate: Decimal) -> DocumentError:
    """The error for a rate given to code 49, the factura de compra without retention: a rate
    would retain IVA under the code that says none is retained."""
    issue = (
        f"49 (factura de compra sin retención) retains nothing, so it takes no rate ({rate}% "
        "given): leave its rate out (tasas_adicionales or Totales/ImptoReten/TasaImp), or use "
        "the retention that applies (15 IVA retenido total, 16 parcial...)"
    )
    return DocumentError(f"CodImpAdic {issue}", [ErrorDetail("Detalle.CodImpAdic", issue)])


def _partial_total_retention(code: str, rate: Decimal, tasa_iva: Decimal) -> DocumentError:
    """The error for a total IVA retention given a rate below the IVA's: the document would
    say the whole IVA is retained and retain part of it."""
    issue = (
        f"the retention {code} retains the whole IVA ({tasa_iva}%), not {rate}%: leave its "
        "rate out (tasas_adicionales or Totales/ImptoReten/TasaImp), or retain part of the "
        "IVA with 16 (IVA retenido parcial) and that rate"
    )
    return DocumentError(f"CodImpAdic {code}: {issue}", [ErrorDetail("Detalle.CodImpAdic", issue)])


def _credito_constructoras(cred_ec: int | None, iva: int | None) -> int:
    """CredEC as given (0 without one), or a DocumentError when it exceeds 65% of the IVA: the
    crédito is a share of the IVA of the sale of a dwelling, and a document without IVA has none."""
    if cred_ec is not None and (
        isinstance(cred_ec, bool) or not isinstance(cred_ec, int) or cred_ec < 0
    ):
        issue = f"is {shown(cred_ec)}: give it as a whole number of pesos, 0 or more"
        raise DocumentError(
            f"the crédito especial de empresas constructoras (CredEC) {issue}",
            [ErrorDetail("Encabezado.Totales.CredEC", issue)],
        )
    if not cred_ec:
        return 0
    most = round_peso(Decimal(iva or 0) * CRED_EC_SHARE)
    if cred_ec > most:
        issue = (
            f"is {cred_ec}, more than 65% of the IVA ({iva or 0}): at most {most}"
            if iva
            else f"is {cred_ec}, but the document has no IVA to take the crédito from"
        )
        raise DocumentError(
            "the crédito especial de empresas constructoras (CredEC) is at most 65% of the "
            f"document's IVA: {issue}",
            [ErrorDetail("Encabezado.Totales.CredEC", issue)],
        )
    return cred_ec


def _unknown_tax_code(code: str) -> DocumentError:
    """The error for a CodImpAdic that is not in the SII's table."""
    known = ", ".join(sorted(SII_TAX_CODES, key=lambda c: (len(c), c)))
    return DocumentError(
        f"{shown(code)} is not a tax code of the SII's table (CodImpAdic): use one of "
        "haulmer.dte.totals.SII_TAX_CODES",
        [ErrorDetail("Detalle.CodImpAdic", f"use one of {known}")],
    )


@own_arithmetic
def compute_totals(
    tipo_dte: DTEType | int,
    detalle: Sequence[Detalle],
    descuentos_recargos: Iterable[DscRcgGlobal] = (),
    *,
    montos_brutos: bool | None = None,
    tasa_iva: Decimal = IVA_RATE,
    tasas_adicionales: Mapping[str, Decimal] | None = None,
    moneda: Moneda | None = None,
    comisiones: Iterable[Comision] = (),
    cred_ec: int | None = None,
) -> Totales:
    """The Totales the SII expects for these lines and global discounts/surcharges.

    ``montos_brutos``: whether line amounts include IVA; None means the type's default (boletas
    gross, everything else net). ``moneda``: an export's TpoMoneda (see :func:`export_totals`).
    ``cred_ec``: an empresa constructora's CredEC in pesos (at most 65% of the IVA), deducted
    from MntTotal.
    """
    tipo = DTEType.parse(tipo_dte)
    if tipo.is_export:
        return export_totals(detalle, descuentos_recargos, moneda=moneda)
    montos = [
        line_amounts(line, field=f"Detalle[{index + 1}]").monto_item
        for index, line in enumerate(detalle)
    ]
    return totals_from_line_amounts(
        tipo,
        detalle,
        montos,
        descuentos_recargos,
        montos_brutos=montos_brutos,
        tasa_iva=tasa_iva,
        tasas_adicionales=tasas_adicionales,
        comisiones=comisiones,
        cred_ec=cred_ec,
    )


@own_arithmetic
def totals_from_line_amounts(
    tipo_dte: DTEType | int,
    detalle: Sequence[Detalle],
    montos: Sequence[int | Decimal],
    descuentos_recargos: Iterable[DscRcgGlobal] = (),
    *,
    montos_brutos: bool | None = None,
    tasa_iva: Decimal = IVA_RATE,
    tasas_adicionales: Mapping[str, Decimal] | None = None,
    moneda: Moneda | None = None,
    comisiones: Iterable[Comision] = (),
    cred_ec: int | None = None,
) -> Totales:
    """:func:`compute_totals` from each line's MontoItem already computed by :func:`line_amounts`
    (one per line, in order), so a caller that needs both computes the lines once.

    Exports recompute their lines in ``moneda`` (the given amounts may be rounded to the peso).
    """
    tipo = tipo_dte if type(tipo_dte) is DTEType else DTEType(tipo_dte)
    if tipo.is_export:
        return export_totals(detalle, descuentos_recargos, moneda=moneda)
    pesos = cast(Sequence[int], montos)  # only exports have Decimal line amounts
    gross = tipo.is_boleta if montos_brutos is None else montos_brutos
    sums = _sum_lines(tipo, detalle, pesos)
    globales = list(descuentos_recargos)
    afecto_lines = sums.afecto
    if globales or sums.afecto < 0 or sums.exento < 0:  # nothing to apply or refuse otherwise
        _apply_globals(sums, globales)

    neto = iva = None
    if sums.has_afecto and not tipo.is_exempt:
        if gross:
            neto, iva = split_gross(sums.afecto, tasa_iva)
        else:
            neto, iva = sums.afecto, round_peso(Decimal(sums.afecto) * tasa_iva / _HUNDRED)

    impuestos: list[ImptoReten] = []
    added = retained = retained_iva = 0
    if not tipo.is_exempt and not tipo.is_boleta and sums.has_tax_codes:
        if gross:
            raise DocumentError(
                "additional taxes and retenciones are computed on net line prices, and these "
                "prices include IVA (MntBruto): give net prices (montos_brutos=False), or leave "
                "CodImpAdic out",
                [
                    ErrorDetail(
                        f"Detalle[{index + 1}].CodImpAdic",
                        "needs net line prices: give net prices (montos_brutos=False)",
                    )
                    for index, line in enumerate(detalle)
                    if line.cod_imp_adic
                ],
            )
        rates = tasas_adicionales or {}
        if any(type(rate) is not Decimal for rate in rates.values()):  # 2.5, "2.5": read
            rates = tax_rates(rates)
        impuestos, added, retained, retained_iva = _taxes(
            detalle, pesos, rates, (afecto_lines, sums.afecto), tasa_iva
        )

    exento = sums.exento if sums.has_exento else None
    credito = _credito_constructoras(cred_ec, iva)
    total = (neto or 0) + (exento or 0) + (iva or 0) + added - retained - credito + sums.garantia
    charges = None
    if tipo is DTEType.LIQUIDACION_FACTURA:
        charges = comisiones_totales(comisiones, tasa_iva)
        if charges is not None:
            total -= (
                (charges.val_com_neto or 0)
                + (charges.val_com_exe or 0)
                + (charges.val_com_iva or 0)
            )
    if total < 0:
        raise _negative_total(total, charges, retained)
    iva_no_ret = (iva or 0) - retained_iva if retained_iva else 0
    monto_nf = sums.no_facturable if sums.has_no_facturable else None
    return _computed(
        Totales,
        "Encabezado.Totales",
        mnt_neto=neto,
        mnt_exe=exento,
        tasa_iva=tasa_iva if neto is not None and not tipo.is_boleta else None,
        iva=iva,
        impto_reten=impuestos,
        iva_no_ret=iva_no_ret if iva_no_ret > 0 else None,
        cred_ec=credito or None,
        grnt_dep=sums.garantia or None,
        comisiones=charges,
        mnt_total=total,
        monto_nf=monto_nf,
        monto_periodo=total + monto_nf if monto_nf is not None else None,
    )


@own_arithmetic
def total_del_periodo(totales: Totales) -> int:
    """Totales/MontoPeriodo (a boleta's TotalPeriodo), the period's total: as ``totales`` state
    it, else MntTotal + MontoNF (what it is also when nothing is non-billable)."""
    periodo = totales.monto_periodo
    if periodo is None:
        periodo = int(totales.mnt_total) + (totales.monto_nf or 0)
    return periodo


@own_arithmetic
def valor_a_pagar(totales: Totales) -> int:
    """Totales/VlrPagar, the total to pay: the period's total (:func:`total_del_periodo`) plus
    the balance carried over (SaldoAnterior, + or -). The one rule: ``completed()`` fills
    VlrPagar with it and the rules check a given one against it."""
    return total_del_periodo(totales) + (totales.saldo_anterior or 0)
