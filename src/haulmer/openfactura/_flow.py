"""Plans: the logic of a resource call written once, run by a sync or an async driver.

A plan is a generator that yields ``APIRequest`` objects and receives their decoded answers (or
has their ``APIError`` thrown into it), then returns the call's result. It may also yield a
``Pause`` (the driver waits with the client's sleep). It holds every decision (paths, bodies,
what to fetch next after an OF-06, whether an earlier attempt was lost); the drivers only send.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from haulmer._config import normalize_max_retries
from haulmer._logging import logger
from haulmer._retry import Failure, should_retry, wait_before_retry
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ServerError,
    server_error_hint,
)

if TYPE_CHECKING:
    from haulmer._resource import APIRequest, AsyncAPIResource, SyncAPIResource

__all__ = [
    "CallFailed",
    "Pause",
    "Plan",
    "effective_retries",
    "get",
    "may_have_acted",
    "retry_wait",
    "run_async",
    "run_sync",
    "send",
    "send_noting_retry",
]

R = TypeVar("R")


@dataclass(frozen=True)
class Pause:
    """A plan step: wait ``seconds`` with the client's sleep before the next request."""

    seconds: float


Plan = Generator["APIRequest[Any] | Pause", Any, R]
"""A resource call: yields requests (and pauses), receives their answers, returns the result."""


def send(request: APIRequest[R]) -> Plan[R]:
    """The plan of a single request: send it, return its decoded answer."""
    answer: R = yield request
    return answer


class CallFailed(Exception):
    """What ``send_noting_retry`` raises: the call's final error, and what came before it.

    ``after_lost_answer`` is True when an earlier attempt may have been carried out by the server
    without its answer reaching us (a timeout or broken connection after sending, a 5xx). Plans
    that use ``send_noting_retry`` catch this and raise ``error`` (or what it means) instead.
    """

    def __init__(self, error: APIError, *, after_lost_answer: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.after_lost_answer = after_lost_answer


def _failure(error: APIConnectionError) -> Failure:
    if not error.request_sent:
        return Failure.CONNECT
    return Failure.TIMEOUT if isinstance(error, APITimeoutError) else Failure.NETWORK


def retry_wait(error: APIError, attempt: int, *, jitter: float) -> float | None:
    """Seconds before retry ``attempt`` of a call carrying an Idempotency-Key, or None: give up.

    The transport's own rules (``haulmer._retry``) for a request that is safe to send again.
    """
    server: float | None = None
    if isinstance(error, APIStatusError):
        again = should_retry(status_code=error.status_code, code=error.code, retry_safe=True)
        server = error.retry_after
    elif isinstance(error, APIConnectionError):
        again = should_retry(failure=_failure(error), retry_safe=True)
    else:
        return None
    return wait_before_retry(attempt, server=server, jitter=jitter) if again else None


def may_have_acted(error: APIError) -> bool:
    """Whether the server may have done the work of a request that failed with ``error``.

    Not when nothing was sent, nor for 408, 429 and OF-21 (the server says it did nothing);
    yes for a timeout or a broken connection after sending, and for a 5xx.
    """
    if isinstance(error, APIStatusError):
        return error.status_code >= 500 and error.code != "OF-21"
    if isinstance(error, APIConnectionError):
        return error.request_sent
    return False


def effective_retries(max_retries: int | None, client_default: int) -> int:
    """The retries a call may make: its own ``max_retries=``, else the client's."""
    return client_default if max_retries is None else normalize_max_retries(max_retries)


def send_noting_retry(request: APIRequest[R], max_retries: int) -> Plan[R]:
    """Send a keyed ``request`` with up to ``max_retries`` retries, knowing what each one met.

    The retries are made here, one attempt per request (the transport's rules and waits), so a
    failure is raised as ``CallFailed`` saying whether an earlier attempt may have been carried
    out: an OF-06 then means this very call issued the document and its answer was lost.
    """
    maybe_acted = False
    attempt = 0
    while True:
        attempt += 1
        try:
            return (yield from send(request.replace(max_retries=0)))
        except APIError as error:
            wait = (
                retry_wait(error, attempt, jitter=random.random())
                if attempt <= max_retries
                else None
            )
            if wait is None:
                if isinstance(error, ServerError) and attempt > 1:
                    # Each attempt went out with max_retries=0: say how many there were.
                    error._hint = server_error_hint(attempts=attempt, retry_safe=True)
                raise CallFailed(error, after_lost_answer=maybe_acted) from error
            maybe_acted = maybe_acted or may_have_acted(error)
            logger.info(
                "Retrying %s %s in %.2f s (retry %d of %d) after %s",
                request.method,
                request.path,
                wait,
                attempt,
                max_retries,
                type(error).__name__,
            )
        yield Pause(wait)


def get(
    path: str,
    cast_to: type[R],
    options: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
) -> APIRequest[R]:
    """A GET to OpenFactura."""
    from haulmer._resource import APIRequest

    return APIRequest(
        method="GET", path=path, product="openfactura", cast_to=cast_to, params=params, **options
    )


def run_sync(resource: SyncAPIResource, plan: Plan[R]) -> R:
    """Run ``plan`` with a synchronous resource's transport."""
    try:
        step = next(plan)
        while True:
            if isinstance(step, Pause):
                resource._sleep(step.seconds)
                step = plan.send(None)
                continue
            try:
                answer = resource._request(step)
            except APIError as exc:
                step = plan.throw(exc)
            else:
                step = plan.send(answer)
    except StopIteration as stop:
        result: R = stop.value
        return result
    finally:
        plan.close()


async def run_async(resource: AsyncAPIResource, plan: Plan[R]) -> R:
    """Run ``plan`` with an asynchronous resource's transport."""
    try:
        step = next(plan)
        while True:
            if isinstance(step, Pause):
                await resource._sleep(step.seconds)
                step = plan.send(None)
                continue
            try:
                answer = await resource._request(step)
            except APIError as exc:
                step = plan.throw(exc)
            else:
                step = plan.send(answer)
    except StopIteration as stop:
        result: R = stop.value
        return result
    finally:
        plan.close()
