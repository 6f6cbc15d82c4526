"""What a ``wait...()`` helper's deadline holds is typed: ``WaitTimeoutError.last`` is the last
answer polled, an ``Order`` or a ``CertificationStatus`` (None when none came), never ``Any``.

mypy --strict checks this file; pytest runs the same code against the fake.
"""

from __future__ import annotations

from typing_extensions import assert_type

from haulmer import WaitTimeoutError
from haulmer.checkout import Order, OrderStatus, PaymentMethod
from haulmer.openfactura.certification import CertificationStatus
from haulmer.testing import FakeHaulmer

_BUYER = {
    "name": "Ana Rojas",
    "email": "ana.rojas@example.com",
    "rut": "12.345.678-5",
    "phone": "+56 9 8765 4321",
}


def _status_when_the_wait_ended(error: WaitTimeoutError) -> OrderStatus | str | None:
    """What an ERP reads of a wait that timed out: the order's status, once narrowed."""
    assert_type(error.last, Order | CertificationStatus | None)
    return error.last.status if isinstance(error.last, Order) else None


def _a_wait_timeouts_last_answer_is_narrowed_before_reading(error: WaitTimeoutError) -> object:
    """Never run: mypy must refuse reading it unnarrowed (else the ignore is unused, an error)."""
    return error.last.status  # type: ignore[union-attr]


def test_a_payment_wait_that_times_out_holds_the_order_polled_last() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        order = client.checkout.create_order(buyer=_BUYER, products={"openfactura": 1})
        client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
        try:
            client.checkout.wait_for_payment(order.id, timeout=0)
        except WaitTimeoutError as error:
            status = _status_when_the_wait_ended(error)
    assert status is OrderStatus.PAYMENT_METHOD_SELECTED
