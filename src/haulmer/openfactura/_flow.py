"""Plans: the logic of a resource call written once, run by a sync or an async driver.

A plan is a generator that yields ``APIRequest`` objects and receives their decoded answers (or
has their ``APIError`` thrown into it), then returns the call's result. It holds every decision
(paths, bodies, what to fetch next after an OF-06); the drivers only send.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from haulmer._types import Headers, TimeoutArg
from haulmer.errors import APIError

if TYPE_CHECKING:
    from haulmer._resource import APIRequest, AsyncAPIResource, SyncAPIResource

__all__ = ["Plan", "call_options", "get", "run_async", "run_sync", "send"]

R = TypeVar("R")

Plan = Generator["APIRequest[Any]", Any, R]
"""A resource call: yields requests, receives their answers, returns the result."""


def send(request: APIRequest[R]) -> Plan[R]:
    """The plan of a single request: send it, return its decoded answer."""
    answer: R = yield request
    return answer


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
        request = next(plan)
        while True:
            try:
                answer = resource._request(request)
            except APIError as exc:
                request = plan.throw(exc)
            else:
                request = plan.send(answer)
    except StopIteration as stop:
        result: R = stop.value
        return result
    finally:
        plan.close()


async def run_async(resource: AsyncAPIResource, plan: Plan[R]) -> R:
    """Run ``plan`` with an asynchronous resource's transport."""
    try:
        request = next(plan)
        while True:
            try:
                answer = await resource._request(request)
            except APIError as exc:
                request = plan.throw(exc)
            else:
                request = plan.send(answer)
    except StopIteration as stop:
        result: R = stop.value
        return result
    finally:
        plan.close()
