"""The pure helpers of the platform resources: id paths, enum input and wait-loop decisions."""

from __future__ import annotations

from enum import Enum

import pytest

from haulmer._platform import Poll, as_enum, as_model, id_path
from haulmer.errors import ValidationError, WaitTimeoutError


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _poll(clock: Clock, *, timeout: float = 60.0, poll_interval: float = 25.0) -> Poll[str]:
    def timed_out(answer: str, waited: float) -> Exception:
        return WaitTimeoutError(f"still {answer}", last=answer, waited=waited)

    return Poll(
        timeout=timeout,
        poll_interval=poll_interval,
        clock=clock,
        done=lambda answer: answer == "done",
        timed_out=timed_out,
    )


def test_id_path_joins_the_collection_the_id_and_the_suffix() -> None:
    kind = "an order's id"
    assert id_path("/v1/orders", "ord_1", name="order_id", kind=kind) == "/v1/orders/ord_1"
    assert (
        id_path("/v1/orders", "ord_1", name="order_id", kind=kind, suffix="/x")
        == "/v1/orders/ord_1/x"
    )


@pytest.mark.parametrize("value", ["", "a/b", None, 7])
def test_id_path_refuses_what_is_not_one_id(value: object) -> None:
    with pytest.raises(ValidationError, match=r"order_id must be an order's id, got"):
        id_path("/v1/orders", value, name="order_id", kind="an order's id")


def test_a_poll_stops_on_the_awaited_answer_and_keeps_it() -> None:
    poll = _poll(Clock())
    assert poll.next_sleep("done") is None
    assert poll.last == "done"


def test_a_poll_sleeps_the_interval_then_only_what_is_left_of_the_timeout() -> None:
    clock = Clock()
    poll = _poll(clock)
    assert poll.next_sleep("pending") == 25.0
    clock.now += 25.0
    assert poll.next_sleep("pending") == 25.0
    clock.now += 25.0
    assert poll.next_sleep("pending") == 10.0
    assert poll.last == "pending"


def test_a_poll_raises_at_its_deadline_with_the_last_answer_and_the_time_waited() -> None:
    clock = Clock()
    poll = _poll(clock)
    clock.now += 60.0
    with pytest.raises(WaitTimeoutError) as caught:
        poll.next_sleep("pending")
    assert caught.value.last == "pending"
    assert caught.value.waited == 60.0


def test_a_zero_timeout_polls_once() -> None:
    poll = _poll(Clock(), timeout=0)
    assert poll.next_sleep("done") is None
    with pytest.raises(WaitTimeoutError):
        _poll(Clock(), timeout=0).next_sleep("pending")


def test_a_poll_checks_its_arguments_before_any_call() -> None:
    with pytest.raises(ValidationError, match="timeout must be zero or more seconds"):
        _poll(Clock(), timeout=-1)
    with pytest.raises(ValidationError, match="poll_interval must be more than zero seconds"):
        _poll(Clock(), poll_interval=0)


def test_the_last_answer_is_not_read_before_one_arrives() -> None:
    with pytest.raises(RuntimeError, match="before any answer"):
        _ = _poll(Clock()).last


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


def test_as_enum_takes_a_member_or_its_value() -> None:
    assert as_enum(Colour, "red", "colour") is Colour.RED
    assert as_enum(Colour, Colour.BLUE, "colour") is Colour.BLUE


def test_as_enum_refuses_other_values_listing_the_accepted_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown colour 'green'; use one of red, blue$"):
        as_enum(Colour, "green", "colour")


def test_as_model_names_the_bad_field_without_pydantic_prefixes() -> None:
    from pydantic import BaseModel, field_validator

    class Buyer(BaseModel):
        email: str

        @field_validator("email")
        @classmethod
        def _email(cls, value: str) -> str:
            if "@" not in value:
                raise ValueError("not an e-mail address (name@example.com)")
            return value

    with pytest.raises(ValidationError) as caught:
        as_model(Buyer, {"email": "ana"}, "the buyer")
    assert str(caught.value) == (
        "the buyer is not valid: email: not an e-mail address (name@example.com)"
    )
