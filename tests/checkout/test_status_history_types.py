"""An order's status history speaks ``OrderStatus``, keeping a status the SDK does not know."""

from __future__ import annotations

import pydantic
import pytest
import respx
from typing_extensions import assert_type

from haulmer import Haulmer
from haulmer.checkout.business import (
    Buyer,
    Order,
    OrderStatus,
    PaymentMedium,
    PaymentMethod,
    PlanLine,
    StatusChange,
    TaxDocumentType,
    _still_waiting,
)


def test_a_known_status_in_the_history_is_an_order_status() -> None:
    change = StatusChange.model_validate({"status": "paid", "at": "2026-11-27T10:00:00Z"})
    assert_type(change.status, OrderStatus | str)
    assert change.status is OrderStatus.PAID
    assert f"{change.status}" == "paid"


def test_an_unknown_status_stays_text() -> None:
    change = StatusChange.model_validate({"status": "under_review", "at": "2026-11-27T10:00:00Z"})
    assert change.status == "under_review"
    assert not isinstance(change.status, OrderStatus)


def _order(**changes: object) -> dict[str, object]:
    answered: dict[str, object] = {
        "id": "ord_1",
        "number": 1001,
        "status": "paid",
        "buyer": {
            "name": "Ana Pérez",
            "email": "ana@example.cl",
            "rut": "76430498-5",
            "phone": "+56 9 1234 5678",
        },
        "total": 11900,
        "payment_method": "webpay",
        "payment_medium": "credit_card",
        "tax_document": {"type": "boleta"},
        "created_at": "2026-11-27T10:00:00Z",
    }
    return {**answered, **changes}


def test_an_order_in_a_status_the_sdk_does_not_know_still_reads() -> None:
    order = Order.model_validate(_order(status="refunded"))
    assert order.status == "refunded"
    assert not isinstance(order.status, OrderStatus)
    assert not order.is_paid


def test_an_order_keeps_known_values_typed_and_unknown_ones_as_text() -> None:
    known = Order.model_validate(_order())
    assert known.status is OrderStatus.PAID
    assert known.payment_method is PaymentMethod.WEBPAY
    assert known.payment_medium is PaymentMedium.CREDIT_CARD
    assert known.tax_document is not None
    assert known.tax_document.type is TaxDocumentType.BOLETA
    later = Order.model_validate(
        _order(
            payment_method="mach",
            payment_medium="qr_code",
            tax_document={"type": "factura_exenta"},
        )
    )
    assert (later.payment_method, later.payment_medium) == ("mach", "qr_code")
    assert later.tax_document is not None
    assert later.tax_document.type == "factura_exenta"


def test_waiting_on_an_order_in_an_unknown_status_says_which() -> None:
    order = Order.model_validate(_order(status="under_review"))
    assert "is still 'under_review' after 30 s" in _still_waiting("ord_1", order, 30)


def test_an_order_answered_with_values_the_sdk_refuses_to_send_still_reads() -> None:
    """The checks of what the SDK sends (a buyer's phone of 8 digits, plans of 1, 6 or 12
    months) are not applied to what the platform answers: an order placed before a check was
    tightened, or a plan length added later, must not make the order unreadable."""
    answered = _order(
        buyer={
            "name": "Ana\tPérez",
            "email": "ana@example.cl",
            "rut": "76430498-5",
            "phone": "()()()()()",
        },
        plans=[{"code": "pyme", "quantity": 1, "months": 24}],
    )
    with (
        respx.mock(base_url="https://platform.example.test") as mock,
        Haulmer(
            api_key="k" * 32,
            base_urls={"platform": "https://platform.example.test"},
            max_retries=0,
        ) as client,
    ):
        mock.get("/v1/orders/ord_1").respond(200, json=answered)
        order = client.checkout.retrieve_order("ord_1")
    assert order.buyer.phone == "()()()()()"
    assert order.plans[0].months == 24
    with pytest.raises(pydantic.ValidationError, match="months"):
        PlanLine.model_validate({"code": "pyme", "months": 24})
    with pytest.raises(pydantic.ValidationError, match="phone"):
        Buyer.model_validate(answered["buyer"])
