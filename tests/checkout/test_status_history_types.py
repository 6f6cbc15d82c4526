"""An order's status history speaks ``OrderStatus``, keeping a status the SDK does not know."""

from __future__ import annotations

from typing_extensions import assert_type

from haulmer.checkout import OrderStatus, StatusChange


def test_a_known_status_in_the_history_is_an_order_status() -> None:
    change = StatusChange.model_validate({"status": "paid", "at": "2026-11-27T10:00:00Z"})
    assert_type(change.status, OrderStatus | str)
    assert change.status is OrderStatus.PAID
    assert f"{change.status}" == "paid"


def test_an_unknown_status_stays_text() -> None:
    change = StatusChange.model_validate({"status": "under_review", "at": "2026-11-27T10:00:00Z"})
    assert change.status == "under_review"
    assert not isinstance(change.status, OrderStatus)
