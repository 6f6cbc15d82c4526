"""An artisan's boleta without IVA, OpenFactura's ``ivaExceptional: ["ARTESANO"]``: the option,
the conditions a document shows (a boleta, the artisans' Acteco) and its Totales (the lines'
amounts as the neto, IVA 0)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.dte.models import Totales
from haulmer.dte.rules.periodo import period_problems
from haulmer.dte.totals import LineAmounts, valor_a_pagar
from haulmer.errors import DocumentError, ErrorDetail, ValidationError
from haulmer.openfactura.enums import IvaExceptional

__all__ = [
    "ARTESANO_ACTECO",
    "boleta_without_iva",
    "check_artesano",
    "is_issued_without_iva",
    "normalize_iva_exceptional",
]

ARTESANO_ACTECO = 477396
"""The actividad económica (artisans) that ``iva_exceptional=ARTESANO`` is for."""

_BOLETA_TYPES = frozenset({DTEType.BOLETA, DTEType.BOLETA_EXENTA})

_ARTESANO_SHAPE = "IVA 0, MntTotal = MntNeto + MntExe, the lines' amounts being the neto"

_ARTESANO_AMOUNTS: tuple[tuple[str, str], ...] = (
    ("mnt_neto", "MntNeto"),
    ("mnt_exe", "MntExe"),
    ("iva", "IVA"),
    ("mnt_total", "MntTotal"),
    ("monto_nf", "MontoNF"),
)


def normalize_iva_exceptional(value: IvaExceptional | str | None) -> IvaExceptional | None:
    """Check ``iva_exceptional``: None, or ARTESANO (in any case), the one IVA exception
    OpenFactura takes."""
    if value is None:
        return None
    given: Any = value  # callers without a type checker may pass anything
    if isinstance(given, str):
        try:
            return IvaExceptional(given.upper())
        except ValueError:
            pass
    hint = " (one value, not a list)" if isinstance(given, list | tuple) else ""
    raise ValidationError(
        f"iva_exceptional must be 'ARTESANO' (IvaExceptional.ARTESANO){hint}, the only IVA "
        f"exception OpenFactura takes; got {shown(value)}"
    )


def check_artesano(tipo: int, actecos: Sequence[int]) -> None:
    """What the document itself shows of ARTESANO's conditions: a boleta (39, 41), and an emisor
    whose declared activities, when it declares any, include the artisans' (477396)."""
    if tipo not in _BOLETA_TYPES:
        label = DTEType(tipo).label
        raise DocumentError(
            f"iva_exceptional=ARTESANO is for boletas (39, 41) only, and this is a {label} "
            f"({tipo}): issue the artisan's sale as a boleta, or leave iva_exceptional out",
            [ErrorDetail("Encabezado.IdDoc.TipoDTE", f"{tipo} is not a boleta (39, 41)")],
        )
    if actecos and ARTESANO_ACTECO not in actecos:
        listed = ", ".join(str(acteco) for acteco in actecos)
        raise DocumentError(
            f"iva_exceptional=ARTESANO is for the artisans' activity (Acteco {ARTESANO_ACTECO}) "
            f"only, and the emisor declares {shown(listed)}: add {ARTESANO_ACTECO} to its "
            "actecos if the company has that activity, or leave iva_exceptional out",
            [
                ErrorDetail(
                    "Encabezado.Emisor.Acteco",
                    f"{shown(listed)} does not include {ARTESANO_ACTECO}",
                )
            ],
        )


def _artesano_totals(computed: Totales, given: Totales | None) -> Totales:
    """An ARTESANO boleta's Totales from those computed on its net lines: IVA 0,
    MntTotal = MntNeto + MntExe and, from it, TotalPeriodo and VlrPagar (the given Totales'
    other fields, SaldoAnterior among them, kept). A boleta has no additional taxes or
    deposits (its rules refuse CodImpAdic and IndExe 3), so that is all."""
    total = (computed.mnt_neto or 0) + (computed.mnt_exe or 0)
    base = given if given is not None else computed
    nf = computed.monto_nf
    periodo = total + (nf or 0) if base.monto_periodo is not None or nf is not None else None
    totales = base.model_copy(
        update={
            "mnt_neto": computed.mnt_neto,
            "mnt_exe": computed.mnt_exe,
            "tasa_iva": None,
            "iva": 0,
            "mnt_total": total,
            "monto_nf": nf,
            "monto_periodo": periodo,
        }
    )
    if base.saldo_anterior is None and base.vlr_pagar is None:
        return totales
    return totales.model_copy(update={"vlr_pagar": valor_a_pagar(totales)})


def _totals_differences(given: Totales, expected: Totales) -> list[ErrorDetail]:
    """Each amount of ``given`` that differs from ``expected`` (absent counts as 0), and a given
    TotalPeriodo or VlrPagar that ``expected`` (with the given SaldoAnterior) does not make."""
    problems = [
        ErrorDetail(f"Encabezado.Totales.{alias}", f"is {have}, expected {want}")
        for name, alias in _ARTESANO_AMOUNTS
        if (have := getattr(given, name) or 0) != (want := getattr(expected, name) or 0)
    ]
    return problems + period_problems(given, expected, boleta=True)


def boleta_without_iva(
    document: Document, *, validate: bool
) -> tuple[Document, Sequence[LineAmounts], Totales]:
    """An ARTESANO boleta 39 as OpenFactura takes it, with its line amounts and Totales: the
    lines' amounts are its neto (IndMntNeto 2), IVA 0, MntTotal = MntNeto + MntExe, and
    TotalPeriodo and VlrPagar follow from that MntTotal.

    Its rules run once (``validate``), on its lines as net amounts. Given Totales must have that
    shape, or the usual IVA split a builder computes (which this one replaces); any other
    amount is a DocumentError.
    """
    encabezado = document.encabezado
    given = encabezado.totales
    id_doc = encabezado.id_doc
    if id_doc.ind_mnt_neto != 2:
        id_doc = id_doc.model_copy(update={"ind_mnt_neto": 2})
    net = document.model_copy(
        update={"encabezado": encabezado.model_copy(update={"id_doc": id_doc, "totales": None})}
    )
    if validate:
        checked = net.checked()
        amounts, computed = checked.line_amounts, checked.computed_totals
    else:
        amounts = net.amounts_by_line()
        computed = net.totals_from(amounts)
    totales = _artesano_totals(computed, given)
    if validate and given is not None:
        problems = _totals_differences(given, totales)
        if problems and _totals_differences(given, document.totals_from(amounts)):
            raise DocumentError(
                f"the boleta's Totales fit neither iva_exceptional=ARTESANO ({_ARTESANO_SHAPE}) "
                "nor the usual IVA split: " + "; ".join(map(str, problems)),
                problems,
            )
    final = net.model_copy(
        update={"encabezado": net.encabezado.model_copy(update={"totales": totales})}
    )
    return final, amounts, totales


def is_issued_without_iva(document: Document) -> bool:
    """Whether ``document`` is a boleta 39 as an ARTESANO emission leaves it: MntNeto above 0,
    IVA 0 and MntTotal = MntNeto + MntExe, where its lines would carry IVA."""
    given = document.encabezado.totales
    if document.tipo_dte is not DTEType.BOLETA or given is None or given.iva:
        return False
    neto = given.mnt_neto or 0
    if neto <= 0 or given.mnt_total != neto + (given.mnt_exe or 0):
        return False
    try:
        return bool(document.totals.iva)
    except DocumentError:
        return False
