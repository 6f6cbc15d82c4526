"""The rules of a period's totals, shared by Documento, boletas and the liquidación-factura:
MontoPeriodo (a boleta's TotalPeriodo) and VlrPagar, each checked against the one rule of
``haulmer.dte.totals`` that also fills them."""

from __future__ import annotations

from haulmer.dte.models import Totales
from haulmer.dte.totals import total_del_periodo, valor_a_pagar
from haulmer.errors import ErrorDetail

__all__ = ["period_problems"]


def period_problems(given: Totales, expected: Totales, *, boleta: bool) -> list[ErrorDetail]:
    """A given MontoPeriodo (TotalPeriodo) or VlrPagar that differs from the one the computed
    totals (and the given SaldoAnterior) make, with the expected amount."""
    problems: list[ErrorDetail] = []
    want_p = total_del_periodo(expected)
    have_p = given.monto_periodo
    if have_p is not None and have_p != want_p:
        name = "TotalPeriodo" if boleta else "MontoPeriodo"
        problems.append(
            ErrorDetail(f"Encabezado.Totales.{name}", f"is {have_p}, expected {want_p}")
        )
    if given.vlr_pagar is not None:
        saldo = given.saldo_anterior or 0
        want_v = valor_a_pagar(expected.model_copy(update={"saldo_anterior": saldo}))
        if given.vlr_pagar != want_v:
            problems.append(
                ErrorDetail(
                    "Encabezado.Totales.VlrPagar",
                    f"is {given.vlr_pagar}, expected {want_v}: the total to pay is the "
                    f"period's total ({want_p}: MntTotal + MontoNF) plus SaldoAnterior "
                    f"({saldo})",
                )
            )
    return problems
