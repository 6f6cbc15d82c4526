"""``Poll``: the decisions of a wait...() call (deadline, intervals, failures ridden out)."""

from __future__ import annotations

import math

import pytest

from haulmer._core.waits import Poll
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
    WaitTimeoutError,
)


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _poll(clock: Clock, *, timeout: float = 60.0, poll_interval: float = 25.0) -> Poll[str]:
    def timed_out(answer: str | None, waited: float) -> str:
        return f"still {answer} after {waited:.0f} s."

    return Poll(
        timeout=timeout,
        poll_interval=poll_interval,
        clock=clock,
        done=lambda answer: answer == "done",
        timed_out=timed_out,
    )


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


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("timeout", float("nan")),  # compared with nothing, it never ran out: polled forever
        ("timeout", "60"),
        ("timeout", None),
        ("poll_interval", float("nan")),
        ("poll_interval", float("inf")),
        pytest.param("poll_interval", 10**400, id="poll_interval-an int past floats"),
        ("poll_interval", "10"),
    ],
)
def test_a_wait_refuses_seconds_that_are_not_a_number_of_seconds(
    argument: str, value: object
) -> None:
    with pytest.raises(ValidationError, match=argument):
        _poll(Clock(), **{argument: value})


def test_a_wait_without_a_deadline_sleeps_a_servers_years_as_the_retry_loop_does() -> None:
    from haulmer._core.retry import MAX_SERVER_WAIT
    from haulmer._core.types import LONGEST_TIMEOUT

    for timeout in (math.inf, 10**400):
        poll = _poll(Clock(), timeout=timeout)
        assert poll.next_sleep("pending") == 25.0
        for asked in (1e300, 86_400.0):  # years, a day: never slept, only a minute, then polled
            slow = RateLimitError("slow down", status_code=429, retry_after=asked)
            assert poll.sleep_after_error(slow) == MAX_SERVER_WAIT
        slow = RateLimitError("slow down", status_code=429, retry_after=40)
        assert poll.sleep_after_error(slow) == 40.0  # within the cap: the server's word
    for interval in (3600.0, LONGEST_TIMEOUT):  # the caller's own interval stays theirs
        poll = _poll(Clock(), timeout=math.inf, poll_interval=interval)
        slow = RateLimitError("slow down", status_code=429, retry_after=1e300)
        assert poll.sleep_after_error(slow) == interval


def test_the_last_answer_is_not_read_before_one_arrives() -> None:
    with pytest.raises(RuntimeError, match="before any answer"):
        _ = _poll(Clock()).last


TRANSIENT = [
    APIConnectionError("refused", request_sent=False),
    APIConnectionError("connection reset"),
    APITimeoutError("read timeout"),
    ServerError("unavailable", status_code=503),
    ServerError("bad gateway", status_code=502),
    RateLimitError("slow down", status_code=429),
]
PERMANENT = [
    AuthenticationError("bad key", status_code=401),
    NotFoundError("no such order", status_code=404),
    ConflictError("conflict", status_code=409),
    APIResponseValidationError("not JSON", status_code=200),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_a_poll_rides_out_a_transient_failure_for_one_interval(error: APIError) -> None:
    assert _poll(Clock()).sleep_after_error(error) == 25.0


@pytest.mark.parametrize("error", PERMANENT, ids=lambda e: type(e).__name__)
def test_a_poll_gives_up_at_once_on_a_failure_that_will_not_go_away(error: APIError) -> None:
    assert _poll(Clock()).sleep_after_error(error) is None


def test_a_poll_honours_the_servers_retry_after_within_the_deadline() -> None:
    poll = _poll(Clock(), timeout=600)
    assert poll.sleep_after_error(RateLimitError("x", status_code=429, retry_after=90)) == 90.0
    assert poll.sleep_after_error(RateLimitError("x", status_code=429, retry_after=3)) == 25.0


def test_a_poll_stops_at_once_when_the_server_asks_to_come_back_after_the_deadline() -> None:
    clock = Clock()
    poll = _poll(clock)
    assert poll.next_sleep("pending") == 25.0
    clock.now += 25.0
    with pytest.raises(WaitTimeoutError, match="retry in 120 s") as caught:
        poll.sleep_after_error(RateLimitError("x", status_code=429, retry_after=120))
    assert caught.value.waited == 25.0
    assert caught.value.last == "pending"


def test_a_poll_that_only_failed_times_out_naming_the_last_failure() -> None:
    clock = Clock()
    poll = _poll(clock)
    for _ in range(3):
        delay = poll.sleep_after_error(ServerError("down", status_code=503, code="E-1"))
        assert delay is not None
        clock.now += delay
    last = APITimeoutError("read timeout")
    with pytest.raises(WaitTimeoutError) as caught:
        poll.sleep_after_error(last)
    assert str(caught.value) == (
        "still None after 60 s. The last poll failed: the request timed out."
    )
    assert caught.value.last is None
    assert caught.value.waited == 60.0
    assert caught.value.__cause__ is last


def test_an_answer_after_a_failure_clears_it_from_the_timeout_message() -> None:
    clock = Clock()
    poll = _poll(clock)
    poll.sleep_after_error(ServerError("down", status_code=503))
    clock.now += 60.0
    with pytest.raises(WaitTimeoutError) as caught:
        poll.next_sleep("pending")
    assert str(caught.value) == "still pending after 60 s."
    assert caught.value.__cause__ is None
