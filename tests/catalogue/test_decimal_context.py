"""The catalogue's prices, lines, totals and sale documents, and a point's sale request, are
the same whatever decimal context the caller set: the default context's results and errors
under a low or high precision, another rounding, traps and a small exponent limit."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from haulmer.catalogue import Product, sale_document, sale_prices, sale_total
from haulmer.point.business import sale_request
from hostile_contexts import HOSTILE_CONTEXTS, outcome

from .parties import EMISOR, RECEPTOR
from .test_sale_totals import carts


def _everything_of(cart: list[tuple[Product, Decimal]]) -> tuple[Any, ...]:
    """What the catalogue and a point's sale request make of ``cart``, in the current context."""
    return (
        outcome(lambda: [(p.unit_price("gross"), p.unit_price("net")) for p, _ in cart]),
        outcome(lambda: [p.dte_line(q, prices="gross") for p, q in cart]),
        outcome(lambda: [p.dte_line(q, prices="net") for p, q in cart]),
        outcome(lambda: (sale_prices(39, cart), sale_prices(33, cart))),
        outcome(lambda: (sale_total(39, cart), sale_total(33, cart))),
        outcome(lambda: repr(sale_document(39, emisor=EMISOR, items=cart).to_sii_dict())),
        outcome(
            lambda: repr(
                sale_document(33, emisor=EMISOR, receptor=RECEPTOR, items=cart).to_sii_dict()
            )
        ),
        outcome(
            lambda: sale_request("pos_1", cart, "debit_card", None, "boleta", None, "key-1").json
        ),
        outcome(lambda: sale_request("pos_1", cart, "cash", 10**9, None, None, "key-1").json),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cart=carts())
def test_a_cart_is_priced_and_sold_alike_in_any_callers_decimal_context(
    cart: list[tuple[Product, Decimal]],
) -> None:
    with localcontext(Context()):
        answer = _everything_of(cart)
    for name, context in HOSTILE_CONTEXTS.items():
        with localcontext(context()):
            assert _everything_of(cart) == answer, name


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
def test_a_dear_cart_of_decimal_quantities_is_the_same_in_any_callers_decimal_context(
    name: str,
) -> None:
    dear = Product.model_validate(
        {"id": "prd_1", "catalogue_id": "cat_1", "name": "Horno", "sku": "HORNO"}
        | {"price": 999_999_999_999, "price_basis": "net", "tax": "afecto"}
        | {"additional_taxes": ["271"]}
    )
    cart = [(dear, Decimal("123456.789"))]
    answer = _everything_of(cart)
    with localcontext(HOSTILE_CONTEXTS[name]()):
        assert _everything_of(cart) == answer
