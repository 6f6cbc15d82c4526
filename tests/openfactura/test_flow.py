"""``send_noting_retry``: the emission's retries, driven by hand without any transport."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer._resource import APIRequest
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    RateLimitError,
    ServerError,
)
from haulmer.openfactura._flow import CallFailed, Pause, may_have_acted, send_noting_retry

REQUEST: APIRequest[dict[str, Any]] = APIRequest(
    method="POST",
    path="/v2/dte/document",
    product="openfactura",
    cast_to=dict,
    idempotency_key="k",
)

FAILURES: dict[str, APIError] = {
    "refused": APIConnectionError("refused", request_sent=False),
    "connect_timeout": APITimeoutError("connect timeout", request_sent=False),
    "read_timeout": APITimeoutError("no answer", request_sent=True),
    "broken": APIConnectionError("reset", request_sent=True),
    "500": ServerError("boom", status_code=500),
    "503_wait": ServerError("busy", status_code=503, retry_after=4.0),
    "429": RateLimitError("slow down", status_code=429, retry_after=2.0),
    "of_21": BadRequestError("BD no disponible", status_code=400, code="OF-21"),
}
ACTED = {"read_timeout", "broken", "500", "503_wait"}


def _drive(failures: list[str], max_retries: int, final: Any) -> tuple[Any, list[Any], int]:
    """Run the plan: each attempt fails with the next failure, then answers ``final``.

    Returns (the result or the CallFailed raised, the pauses seen, the attempts made).
    """
    plan = send_noting_retry(REQUEST, max_retries)
    pauses: list[float] = []
    attempts = 0
    queue = list(failures)
    try:
        step = next(plan)
        while True:
            if isinstance(step, Pause):
                pauses.append(step.seconds)
                step = plan.send(None)
                continue
            assert step.max_retries == 0
            attempts += 1
            if queue:
                step = plan.throw(FAILURES[queue.pop(0)])
            elif isinstance(final, APIError):
                step = plan.throw(final)
            else:
                step = plan.send(final)
    except StopIteration as stop:
        return stop.value, pauses, attempts
    except CallFailed as failed:
        return failed, pauses, attempts


def test_an_answer_on_the_first_attempt_is_returned_without_pauses() -> None:
    assert _drive([], 2, {"TOKEN": "t"}) == ({"TOKEN": "t"}, [], 1)


def test_the_servers_wait_is_honoured_before_the_retry() -> None:
    result, pauses, attempts = _drive(["503_wait", "429"], 2, {"TOKEN": "t"})
    assert (result, pauses, attempts) == ({"TOKEN": "t"}, [4.0, 2.0], 3)


def test_a_client_error_is_not_retried() -> None:
    refused = BadRequestError("Validación", status_code=400, code="OF-10")
    failed, pauses, attempts = _drive([], 3, refused)
    assert isinstance(failed, CallFailed)
    assert (failed.error, failed.after_lost_answer, pauses, attempts) == (refused, False, [], 1)


def test_no_retries_means_one_attempt() -> None:
    failed, pauses, attempts = _drive(["broken"], 0, {"TOKEN": "t"})
    assert isinstance(failed, CallFailed)
    assert failed.error is FAILURES["broken"]
    assert (failed.after_lost_answer, pauses, attempts) == (False, [], 1)


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_may_have_acted_only_when_the_server_could_have_done_the_work(name: str) -> None:
    assert may_have_acted(FAILURES[name]) is (name in ACTED)


@given(
    failures=st.lists(st.sampled_from(sorted(FAILURES)), max_size=5),
    max_retries=st.integers(min_value=0, max_value=5),
)
def test_a_final_of_06_knows_whether_an_earlier_attempt_may_have_issued(
    failures: list[str], max_retries: int
) -> None:
    replay = BadRequestError("ya emitido", status_code=400, code="OF-06")
    outcome, pauses, attempts = _drive(failures, max_retries, replay)
    assert isinstance(outcome, CallFailed)
    assert attempts == min(len(failures), max_retries) + 1
    assert len(pauses) == attempts - 1
    assert all(pause >= 0 for pause in pauses)
    tried = failures[: attempts - 1]
    if len(failures) > max_retries:
        # Retries ran out on a failure: that failure is raised, and the flag covers those before.
        assert outcome.error is FAILURES[failures[max_retries]]
    else:
        assert outcome.error is replay
    assert outcome.after_lost_answer is any(name in ACTED for name in tried)


def test_other_errors_pass_through_as_they_are() -> None:
    odd = APIStatusError("teapot", status_code=418)
    failed, _, attempts = _drive([], 2, odd)
    assert isinstance(failed, CallFailed)
    assert failed.error is odd
    assert attempts == 1
