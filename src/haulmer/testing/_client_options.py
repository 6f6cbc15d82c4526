"""The options ``FakeHaulmer.client()`` and ``async_client()`` pass on to the clients: the
keywords of ``Haulmer.__init__`` and ``AsyncHaulmer.__init__``, so a type checker refuses a
misspelt or wrongly typed one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from pydantic import SecretStr

from haulmer._core.ratelimit_choice import RateLimitArg
from haulmer._core.types import HTTPXTimeout, Timeout
from haulmer._lazy import LazyModule

if TYPE_CHECKING:
    import httpx
else:  # annotations resolve at run time (typing.get_type_hints), loading httpx only then
    httpx = LazyModule("httpx")

__all__ = ["AsyncClientOptions", "ClientOptions"]


class _CommonOptions(TypedDict, total=False):
    """The keywords both clients take alike."""

    api_key: str | SecretStr | None
    environment: str | None
    base_urls: Mapping[str, str] | None
    timeout: float | Timeout | HTTPXTimeout | None
    max_retries: int
    default_headers: Mapping[str, str] | None
    rate_limit: RateLimitArg
    access_token: str | SecretStr | None
    clock: Callable[[], float] | None
    now: Callable[[], datetime] | None


class ClientOptions(_CommonOptions, total=False):
    """What ``FakeHaulmer.client(**options)`` takes: ``haulmer.Haulmer``'s keywords."""

    http_client: httpx.Client | None
    sleep: Callable[[float], None] | None


class AsyncClientOptions(_CommonOptions, total=False):
    """What ``FakeHaulmer.async_client(**options)`` takes: ``haulmer.AsyncHaulmer``'s keywords."""

    http_client: httpx.AsyncClient | None
    sleep: Callable[[float], Awaitable[None]] | None
