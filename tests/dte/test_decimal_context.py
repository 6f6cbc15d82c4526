"""``haulmer.dte`` computes alike whatever decimal context its caller set: the builders, the
totals, the line amounts, the checks and the SII dict give the default context's results and
errors under a low or high precision, another rounding, traps on Inexact, Rounded or
FloatOperation, and a small exponent limit."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Context, Decimal, getcontext, localcontext
from typing import Any

import pytest

import built_documents
import plausible_documents
from haulmer import dte
from haulmer.dte.models import Detalle
from haulmer.errors import DocumentError
from hostile_contexts import HOSTILE_CONTEXTS, in_context, outcome
from plausible_documents import PLAUSIBLE_TYPES, plausible_document

SEEDS = range(8)


def _everything_of(seed: int, tipo: int, context: Callable[[], Context]) -> tuple[str, Any]:
    """What the builder of ``tipo`` answers for the plausible inputs of ``seed`` (drawn in the
    default context), and what the document it makes says of itself in ``context()``."""

    def work() -> tuple[str, ...]:
        document = plausible_document(random.Random(seed), tipo)
        with localcontext(context()):
            return (
                repr(document),
                repr(document.to_sii_dict()),
                repr(document.totals),
                repr(document.amounts_by_line()),
                repr(outcome(document.check)),
                repr(outcome(lambda: document.checked_sii_dict(for_stamping=True))),
                repr(document.completed()),
                repr(outcome(lambda: document.mnt_total)),
            )

    return outcome(work)


@pytest.fixture(scope="module")
def expected() -> dict[tuple[int, int], tuple[str, Any]]:
    """Every seed's and type's outcome in Python's default context."""
    return {
        (seed, tipo): _everything_of(seed, tipo, Context)
        for seed in SEEDS
        for tipo in PLAUSIBLE_TYPES
    }


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
def test_the_builders_and_documents_answer_alike_in_any_callers_decimal_context(
    name: str, expected: dict[tuple[int, int], tuple[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    context = HOSTILE_CONTEXTS[name]
    hostile_dte = in_context(dte, context)  # the inputs are drawn in the default context
    monkeypatch.setattr(plausible_documents, "dte", hostile_dte)
    monkeypatch.setattr(built_documents, "dte", hostile_dte)
    differing = []
    for (seed, tipo), answer in expected.items():
        got = _everything_of(seed, tipo, context)
        if got != answer:
            differing.append((seed, tipo, answer, got))
    assert differing == []


def test_a_line_of_three_dear_items_comes_to_the_exact_peso_at_a_precision_of_six() -> None:
    line = Detalle(nombre="x", cantidad=3, precio=1_234_567)
    with localcontext() as context:
        context.prec = 6
        totals = dte.compute_totals(39, [line])
        amounts = dte.line_amounts(line)
    assert totals.mnt_total == 3_703_701
    assert amounts.monto_item == 3_703_701


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
@pytest.mark.parametrize(
    ("function", "arguments"),
    [
        (dte.round_peso, (Decimal("3703700.5"),)),
        (dte.split_gross, (3_703_701,)),
        (dte.split_gross, (10**17, Decimal("19.5"))),
    ],
)
def test_the_peso_helpers_answer_alike_in_any_callers_decimal_context(
    name: str, function: Callable[..., Any], arguments: tuple[Any, ...]
) -> None:
    answer = outcome(lambda: function(*arguments))
    with localcontext(HOSTILE_CONTEXTS[name]()):
        assert outcome(lambda: function(*arguments)) == answer


def test_a_document_read_in_a_callers_low_precision_keeps_its_totals_each_time_it_is_read() -> None:
    document = dte.boleta(
        emisor={"rut": "76086428-5", "razon_social": "Ñandú", "giro": "Ventas"},
        lines=[{"nombre": "Horno", "cantidad": 3, "precio": 1_234_567}],
    )
    with localcontext() as context:
        context.prec = 3
        assert document.totals.mnt_total == 3_703_701
        assert document.to_sii_dict()["Encabezado"]["Totales"]["MntTotal"] == 3_703_701  # type: ignore[index,call-overload]
    assert getcontext().prec == 28  # the caller's context is theirs again


@pytest.mark.parametrize("rate", [2.5, "2.5", 2])
def test_a_rate_given_as_a_float_text_or_int_is_read_as_the_builders_read_it(rate: Any) -> None:
    line = Detalle(nombre="Harina", cantidad=1, precio=1_000, cod_imp_adic=["28"])
    expected = 1_190 + (25 if rate != 2 else 20)
    assert dte.compute_totals(33, [line], tasas_adicionales={"28": rate}).mnt_total == expected
    built = dte.factura(
        emisor={"rut": "76086428-5", "razon_social": "Ñandú", "giro": "Ventas"}
        | {"actecos": [726000], "direccion": "Av. 1", "comuna": "Ñuñoa"},
        receptor={"rut": "96790240-3", "razon_social": "Molino", "giro": "Harinas"}
        | {"direccion": "Av. 2", "comuna": "Maipú"},
        lines=[line],
        tasas_adicionales={"28": Decimal(str(rate))},
    )
    encabezado = built.encabezado.model_copy(update={"totales": None})
    document = built.model_copy(update={"encabezado": encabezado})
    amounts = document.amounts_by_line()
    assert document.totals_from(amounts, {"28": rate}).mnt_total == expected
    assert document.completed(tasas_adicionales={"28": rate}).totales.mnt_total == expected


@pytest.mark.parametrize("rate", [float("nan"), "abc", 101, None])
def test_a_rate_no_tax_takes_is_a_document_error_naming_it(rate: Any) -> None:
    line = Detalle(nombre="Harina", cantidad=1, precio=1_000, cod_imp_adic=["28"])
    with pytest.raises(DocumentError, match=r"tasas_adicionales\['28'\].*not a rate in percent"):
        dte.compute_totals(33, [line], tasas_adicionales={"28": rate})
