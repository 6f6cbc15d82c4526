"""What ``with_raw_response`` returns: the HTTP answer of a call beside its parsed value.

A call runs as always; the runner reports each answer it reads to the collector of the current
context, so the engine, not each method, knows the status, headers and request id.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, ParamSpec, TypeVar

from haulmer._core.responses import RawResponse

__all__ = [
    "APIResponse",
    "AsyncMethod",
    "AsyncRawCall",
    "AsyncRawMethod",
    "Method",
    "RawCall",
    "RawMethod",
    "collecting_responses",
    "no_raw_response",
    "report_response",
    "stamp_request_id",
]

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])

NO_RAW_RESPONSE = "_haulmer_no_raw_response"
"""The attribute naming why a method has no ``with_raw_response`` form."""


def no_raw_response(why: str) -> Callable[[F], F]:
    """Mark a method that answers no one response (it sends its requests later, one per item,
    as its results are read), so ``with_raw_response`` refuses it by name, saying ``why``."""

    def mark(method: F) -> F:
        setattr(method, NO_RAW_RESPONSE, why)
        return method

    return mark


_COLLECTOR: contextvars.ContextVar[list[RawResponse] | None] = contextvars.ContextVar(
    "haulmer_raw_responses", default=None
)


@contextmanager
def collecting_responses() -> Iterator[list[RawResponse]]:
    """Collect, in order, every answer the runner reads in this context while the block runs."""
    seen: list[RawResponse] = []
    token = _COLLECTOR.set(seen)
    try:
        yield seen
    finally:
        _COLLECTOR.reset(token)


def report_response(raw: RawResponse) -> None:
    """Called by the runner for each answer it reads; kept only inside ``collecting_responses``."""
    seen = _COLLECTOR.get()
    if seen is not None:
        seen.append(raw)


def stamp_request_id(value: Any, request_id: str | None, *, missing_only: bool = False) -> None:
    """Give a returned model (or each model of a returned list) the request id of its answer;
    with ``missing_only``, only those that have none yet."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        setter = getattr(item, "_set_request_id", None)
        if callable(setter) and not (missing_only and item.request_id is not None):
            setter(request_id)


class APIResponse(Generic[T]):
    """The answer to a call: ``status_code``, ``headers``, ``request_id``, the raw ``content``,
    and ``parse()`` for the value the method returns without ``with_raw_response``.

    For a call of several requests (an emission that fetches the document already issued), the
    answer is the last one read; ``responses`` holds every answer read, in order, error answers
    (an OF-06, a 503 retried) included.
    """

    def __init__(self, responses: list[RawResponse], parsed: T) -> None:
        self.responses: list[RawResponse] = list(responses)
        self._parsed = parsed
        self._last = responses[-1]

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self._last.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The answer's headers, read whatever the case of a name (``headers["Retry-After"]``);
        kept as data, never shown in the repr."""
        return self._last.headers

    @property
    def request_id(self) -> str | None:
        """Haulmer's id of this request (``X-Request-Id``): quote it in a support ticket."""
        return self._last.request_id

    @property
    def content(self) -> bytes:
        """The body as it came."""
        return self._last.content

    @property
    def method(self) -> str:
        return self._last.method

    @property
    def url(self) -> str:
        return self._last.url

    @property
    def elapsed(self) -> float:
        """Seconds the exchange took."""
        return self._last.elapsed

    def parse(self) -> T:
        """The value the method returns without ``with_raw_response`` (a model, a page...)."""
        return self._parsed

    def __repr__(self) -> str:
        return (
            f"<APIResponse {self.method} {self.url.split('?')[0]} "
            f"status_code={self.status_code} request_id={self.request_id!r}>"
        )


RawCall = Callable[..., APIResponse[Any]]
"""A method of ``with_raw_response`` on the blocking face: the method's arguments, an answer."""
AsyncRawCall = Callable[..., Awaitable[APIResponse[Any]]]
"""A method of ``with_raw_response`` on the async face."""

Method = Callable[P, T]
"""A resource method of the blocking face."""
AsyncMethod = Callable[P, Awaitable[T]]
"""A resource method of the async face (a coroutine, or a list's paginator, awaited for a page)."""
RawMethod = Callable[P, APIResponse[T]]
"""A method of ``with_raw_response`` on the blocking face: the method's own parameters, and an
answer whose ``parse()`` gives what the method returns."""
AsyncRawMethod = Callable[P, Awaitable[APIResponse[T]]]
"""A method of ``with_raw_response`` on the async face, typed as its method is."""
