"""What a resource method hands to the transport: a pure request description, and the bases.

A resource method is its signature plus one line: build an ``APIRequest`` (ideally with a pure
function shared by the sync and async faces) and pass it to ``self._request`` or ``self._get_page``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from haulmer._types import NOT_GIVEN, Auth, Headers, Product, TimeoutArg
from haulmer.errors import APIError, ValidationError

if TYPE_CHECKING:
    from haulmer._client import AsyncHaulmer, Haulmer
    from haulmer._pagination import AsyncPage, Pagination, SyncPage
    from haulmer._platform import Poll

__all__ = [
    "APIRequest",
    "AsyncAPIResource",
    "SyncAPIResource",
    "call_options",
    "idempotency_key_or_new",
    "new_idempotency_key",
]

T = TypeVar("T")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def call_options(
    extra_headers: Headers | None, timeout: TimeoutArg, max_retries: int | None
) -> dict[str, Any]:
    """The per-call options every resource method takes, as ``APIRequest`` keyword arguments."""
    return {"extra_headers": extra_headers, "timeout": timeout, "max_retries": max_retries}


def new_idempotency_key() -> str:
    """A fresh random idempotency key, for creating calls whose caller gave none."""
    return uuid.uuid4().hex


MAX_IDEMPOTENCY_KEY_LENGTH = 255


def idempotency_key_or_new(key: str | None) -> str:
    """The caller's ``idempotency_key=`` (checked: text of 1 to 255 characters), else a new one.

    Built into the request description, so every retry of the call sends the same key.
    """
    if key is None:
        return new_idempotency_key()
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationError(
            f"idempotency_key must be text of 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters, such "
            f"as your own id for this operation; got {key!r:.60}"
        )
    return key


@dataclass(frozen=True)
class APIRequest(Generic[T]):
    """One API call and how to decode its answer (no I/O, no client state). ``cast_to``: any type
    pydantic validates, ``bytes``, ``str`` or ``type(None)``; for pages, the type of one item.
    """

    method: str
    path: str
    product: Product
    cast_to: type[T]
    params: Mapping[str, Any] | None = None
    json: Any = field(default=None, repr=False)
    """The body; hidden from repr because it may carry passwords, a .pfx or its password."""
    content: bytes | None = field(default=None, repr=False)
    headers: Headers | None = field(default=None, repr=False)
    auth: Auth | None = None
    """None: "api_key" for openfactura; for platform "bearer" when the client has a token."""
    access_token: str | None = field(default=None, repr=False)
    """A bearer token for this call only (overrides the client's ``access_token``)."""
    idempotency_key: str | None = None
    safe: bool | None = None
    """True when the call changes nothing (retried like a GET); None: only GET/HEAD/OPTIONS."""
    pagination: Pagination | None = None
    timeout: TimeoutArg = NOT_GIVEN
    max_retries: int | None = None
    extra_headers: Headers | None = field(default=None, repr=False)
    error_hints: Mapping[str, str] | None = None
    """Advice for this call's error codes (``{"token_used": ...}``), instead of the general one:
    the way out of a used e-mail link depends on which link it was."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        if not self.path.startswith("/"):
            raise ValidationError(f"APIRequest.path must start with '/', got {self.path!r}")
        if self.json is not None and self.content is not None:
            raise ValidationError("APIRequest takes json= or content=, not both")

    @property
    def retry_safe(self) -> bool:
        """Whether a timeout or 5xx may be retried: safe methods, or an idempotency key."""
        if self.idempotency_key:
            return True
        if self.safe is not None:
            return self.safe
        return self.method in _SAFE_METHODS

    def replace(self, **changes: Any) -> APIRequest[T]:
        """A copy with some fields changed (used by pagination for the next page)."""
        return dataclasses.replace(self, **changes)


class SyncAPIResource:
    """Base of every synchronous resource: holds the client, sends request descriptions."""

    def __init__(self, client: Haulmer) -> None:
        self._client = client

    def _request(self, request: APIRequest[T]) -> T:
        """Send ``request`` (with retries) and return its decoded answer."""
        return self._client._transport.request(request)

    def _get_page(self, request: APIRequest[T]) -> SyncPage[T]:
        """Send a list request and return its first page; iterating fetches the rest lazily."""
        return self._client._transport.get_page(request)

    def _sleep(self, seconds: float) -> None:
        """Wait using the client's sleep (tests inject one that does not really sleep)."""
        self._client._sleep(seconds)

    def _poll(self, fetch: Callable[[], T], poll: Poll[T]) -> T:
        """Fetch, and sleep as ``poll`` decides, until it has the awaited answer; return it.

        A failed fetch is ridden out while ``poll`` calls it transient, re-raised otherwise.
        """
        while True:
            try:
                answer = fetch()
            except APIError as error:
                delay = poll.sleep_after_error(error)
                if delay is None:
                    raise
            else:
                delay = poll.next_sleep(answer)
                if delay is None:
                    return answer
            self._sleep(delay)

    def _clock(self) -> float:
        """The client's monotonic clock, in seconds."""
        return self._client._clock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AsyncAPIResource:
    """Base of every asynchronous resource: the same as SyncAPIResource, awaited."""

    def __init__(self, client: AsyncHaulmer) -> None:
        self._client = client

    async def _request(self, request: APIRequest[T]) -> T:
        """Send ``request`` (with retries) and return its decoded answer."""
        return await self._client._transport.request(request)

    async def _get_page(self, request: APIRequest[T]) -> AsyncPage[T]:
        """Send a list request and return its first page; iterating fetches the rest lazily."""
        return await self._client._transport.get_page(request)

    async def _sleep(self, seconds: float) -> None:
        """Wait using the client's sleep (tests inject one that does not really sleep)."""
        await self._client._sleep(seconds)

    async def _poll(self, fetch: Callable[[], Awaitable[T]], poll: Poll[T]) -> T:
        """Fetch, and sleep as ``poll`` decides, until it has the awaited answer; return it.

        A failed fetch is ridden out while ``poll`` calls it transient, re-raised otherwise.
        """
        while True:
            try:
                answer = await fetch()
            except APIError as error:
                delay = poll.sleep_after_error(error)
                if delay is None:
                    raise
            else:
                delay = poll.next_sleep(answer)
                if delay is None:
                    return answer
            await self._sleep(delay)

    def _clock(self) -> float:
        """The client's monotonic clock, in seconds."""
        return self._client._clock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
