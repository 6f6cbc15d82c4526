"""Plans: the logic of a resource call written once, run by a sync or an async driver.

A plan is a generator that yields ``APIRequest`` objects and receives their decoded answers (or
has their ``APIError`` thrown into it), then returns the call's result. It may also yield a
``Pause`` (the driver waits with the client's sleep). It holds every decision (paths, bodies,
what to fetch next after an OF-06, whether an answer came on a retry); the drivers only send.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from haulmer._config import normalize_max_retries
from haulmer._logging import logger
from haulmer._retry import Failure, should_retry, wait_before_retry
from haulmer._types import Headers, TimeoutArg
from haulmer.errors import APIConnectionError, APIError, APIStatusError, APITimeoutError

if TYPE_CHECKING:
    from haulmer._resource import APIRequest, AsyncAPIResource, SyncAPIResource

__all__ = [
    "CallFailed",
    "Pause",
    "Plan",
    "call_options",
    "effective_retries",
    "get",
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
    """What ``send_noting_retry`` raises: the call's final error, and whether a retry met it.

    Plans that use ``send_noting_retry`` catch it and raise ``error`` (or what it means) instead.
    """

    def __init__(self, error: APIError, *, retried: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.retried = retried


def _first_retry_wait(error: APIError, *, jitter: float) -> float | None:
    """Seconds before retrying a failed first attempt of a keyed call, or None: not retried.

    The same rules the transport applies (``haulmer._retry``), for a request that carries an
    Idempotency-Key and is therefore safe to send again.
    """
    server: float | None = None
    if isinstance(error, APIStatusError):
        again = should_retry(status_code=error.status_code, code=error.code, retry_safe=True)
        server = error.retry_after
    elif isinstance(error, APIConnectionError):
        if not error.request_sent:
            failure = Failure.CONNECT
        elif isinstance(error, APITimeoutError):
            failure = Failure.TIMEOUT
        else:
            failure = Failure.NETWORK
        again = should_retry(failure=failure, retry_safe=True)
    else:
        return None
    return wait_before_retry(1, server=server, jitter=jitter) if again else None


def effective_retries(max_retries: int | None, client_default: int) -> int:
    """The retries a call may make: its own ``max_retries=``, else the client's."""
    return client_default if max_retries is None else normalize_max_retries(max_retries)


def send_noting_retry(request: APIRequest[R], max_retries: int) -> Plan[R]:
    """Send a keyed ``request`` with up to ``max_retries`` retries, knowing which attempt failed.

    The first attempt goes alone (the transport retries nothing), its retry is decided and waited
    for here, and the transport makes any further retries. A failure is raised as ``CallFailed``,
    telling whether it came from a retry: an OF-06 then means this very call issued the
    document, on an attempt whose answer was lost.
    """
    try:
        return (yield from send(request.replace(max_retries=0)))
    except APIError as first:
        wait = _first_retry_wait(first, jitter=random.random()) if max_retries > 0 else None
        if wait is None:
            raise CallFailed(first, retried=False) from first
        logger.info(
            "Retrying %s %s in %.2f s (retry 1 of %d) after %s",
            request.method,
            request.path,
            wait,
            max_retries,
            type(first).__name__,
        )
    yield Pause(wait)
    try:
        return (yield from send(request.replace(max_retries=max_retries - 1)))
    except APIError as later:
        raise CallFailed(later, retried=True) from later


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


def call_options(
    timeout: TimeoutArg, max_retries: int | None, extra_headers: Headers | None
) -> dict[str, Any]:
    """The per-call options every method takes, as ``APIRequest`` keyword arguments."""
    return {"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers}


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
