"""``CallAttempts``: what the one retry loop remembers of a call, driven by hand without I/O.

Formerly the emission's own retry plan: the same failures, waits and flags, now kept for every
call the runners make.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer._core.retry import CallAttempts, may_have_acted
from haulmer.errors import (
    AlreadyIssuedError,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    RateLimitError,
    ServerError,
)


def failure(name: str) -> APIError:
    """A fresh error of the kind ``name`` (errors are marked by the loop: never share one)."""
    return {
        "refused": lambda: APIConnectionError("refused", request_sent=False),
        "connect_timeout": lambda: APITimeoutError("connect timeout", request_sent=False),
        "read_timeout": lambda: APITimeoutError("no answer", request_sent=True),
        "broken": lambda: APIConnectionError("reset", request_sent=True),
        "500": lambda: ServerError("boom", status_code=500),
        "503_wait": lambda: ServerError("busy", status_code=503, retry_after=4.0),
        "429": lambda: RateLimitError("slow down", status_code=429, retry_after=2.0),
        "of_21": lambda: BadRequestError("BD no disponible", status_code=400, code="OF-21"),
    }[name]()


NAMES = ["refused", "connect_timeout", "read_timeout", "broken", "500", "503_wait", "429", "of_21"]
ACTED = {"read_timeout", "broken", "500", "503_wait"}


def drive(
    failures: list[str], max_retries: int, final: APIError | None, key: str | None = "k"
) -> tuple[APIError | None, list[float], int]:
    """Each attempt fails with the next failure, then ends with ``final`` (None: an answer).

    Returns (the error that ended the call or None, the waits between attempts, attempts made).
    """
    attempts = CallAttempts(
        max_retries=max_retries, retry_safe=True, idempotency_key=key, creates="the document"
    )
    waits: list[float] = []
    made = 0
    queue = [failure(name) for name in failures]
    while True:
        made += 1
        error = queue.pop(0) if queue else final
        if error is None:
            return None, waits, made
        wait = attempts.after_failure(error, jitter=0.0)
        if wait is None:
            return error, waits, made
        waits.append(wait)


def test_an_answer_on_the_first_attempt_is_returned_without_waits() -> None:
    assert drive([], 2, None) == (None, [], 1)


def test_the_servers_wait_is_honoured_before_the_retry() -> None:
    assert drive(["503_wait", "429"], 2, None) == (None, [4.0, 2.0], 3)


def test_a_client_error_is_not_retried_and_says_nothing_was_done() -> None:
    refused = BadRequestError("Validación", status_code=400, code="OF-10")
    error, waits, made = drive([], 3, refused)
    assert (error, error.may_have_been_carried_out, waits, made) == (refused, False, [], 1)
    assert "may exist" not in str(refused)


def test_no_retries_means_one_attempt_which_may_have_been_carried_out() -> None:
    error, waits, made = drive(["broken"], 0, None)
    assert isinstance(error, APIConnectionError)
    assert (error.may_have_been_carried_out, waits, made) == (True, [], 1)
    assert "idempotency_key='k'" in str(error)


@pytest.mark.parametrize("name", NAMES)
def test_may_have_acted_only_when_the_server_could_have_done_the_work(name: str) -> None:
    assert may_have_acted(failure(name)) is (name in ACTED)


@given(
    failures=st.lists(st.sampled_from(NAMES), max_size=5),
    max_retries=st.integers(min_value=0, max_value=5),
)
def test_the_final_error_knows_whether_any_attempt_may_have_been_carried_out(
    failures: list[str], max_retries: int
) -> None:
    replay = AlreadyIssuedError("ya emitido", status_code=400, code="OF-06", token="tok-1")
    error, waits, made = drive(failures, max_retries, replay)
    assert error is not None
    assert made == min(len(failures), max_retries) + 1
    assert len(waits) == made - 1
    assert all(wait >= 0 for wait in waits)
    tried = failures[:made]
    if len(failures) > max_retries:
        # Retries ran out on a failure: that failure ends the call, and knows about all of them.
        assert type(error) is type(failure(failures[max_retries]))
    else:
        assert error is replay
    acted = any(name in ACTED for name in tried)
    assert error.may_have_been_carried_out is acted
    assert ("idempotency_key='k'" in str(error)) is acted
    assert ("the document" in str(error) and "may exist" in str(error)) is acted
    if acted and isinstance(error, APIConnectionError):
        assert error.request_sent  # never "nothing reached the server" after a lost answer
    if acted and error is replay:
        assert "token tok-1" in str(error)


def test_a_call_without_a_key_is_not_marked() -> None:
    error, _, _ = drive(["broken"], 0, None, key=None)
    assert error is not None
    assert not error.may_have_been_carried_out


def test_other_errors_pass_through_as_they_are() -> None:
    odd = APIStatusError("teapot", status_code=418)
    error, _, made = drive([], 2, odd)
    assert error is odd
    assert made == 1


def test_a_key_of_the_sdks_own_on_a_call_that_makes_nothing_is_not_named() -> None:
    attempts = CallAttempts(max_retries=0, retry_safe=True, idempotency_key="internal", creates="")
    error = failure("500")
    assert attempts.after_failure(error, jitter=0.0) is None
    assert "idempotency_key" not in str(error)
