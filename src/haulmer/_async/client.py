"""The client: configuration, connection pool, the runner, and the resources as properties."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import pydantic  # SecretStr named in annotations only: taking it loads pydantic.types

from haulmer._client import ClientCommon
from haulmer._core import AsyncSender
from haulmer._core.config import ClientConfig
from haulmer._core.ratelimit import RateLimiter
from haulmer._core.ratelimit_choice import RateLimitArg
from haulmer._core.self_type import Self
from haulmer._core.sending import AsyncPoolKeeper, async_client_class
from haulmer._core.sleeping import awaited_sleep, checked_async_sleep
from haulmer._core.types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, HTTPXTimeout, Timeout
from haulmer._lazy import LazyModule

if TYPE_CHECKING:
    import httpx

    from haulmer._async import accounts as _accounts
    from haulmer._async import catalogue as _catalogue
    from haulmer._async import checkout as _checkout
    from haulmer._async import myhaulmer as _myhaulmer
    from haulmer._async import openfactura as _openfactura
    from haulmer._async import point as _point
    from haulmer._async import workspace as _workspace
    from haulmer._core import AsyncRunner
else:  # annotations resolve at run time (typing.get_type_hints), loading each module only then
    httpx = LazyModule("httpx")
    _openfactura = LazyModule("haulmer._async.openfactura")
    _checkout = LazyModule("haulmer._async.checkout")
    _accounts = LazyModule("haulmer._async.accounts")
    _workspace = LazyModule("haulmer._async.workspace")
    _myhaulmer = LazyModule("haulmer._async.myhaulmer")
    _catalogue = LazyModule("haulmer._async.catalogue")
    _point = LazyModule("haulmer._async.point")

__all__ = ["AsyncHaulmer"]


class AsyncHaulmer(ClientCommon):
    """A client of every Haulmer service; use it as a context manager (a with block, or
    async-with for the asyncio client) or close it when done.

    What is not passed comes from the environment: ``api_key`` from HAULMER_API_KEY,
    ``environment`` from HAULMER_ENVIRONMENT (else "production") and, when ``environment`` is
    not passed, base URLs from HAULMER_BASE_URL, HAULMER_OPENFACTURA_BASE_URL and
    HAULMER_PLATFORM_BASE_URL; explicit ``base_urls`` entries win.

    ``sleep``/``clock``/``now`` are injectable (tests never wait; the fake's clients live on its
    clock); a user's ``http_client`` is never closed.
    """

    _pools: AsyncPoolKeeper
    _sleep: Callable[[float], Awaitable[None]]

    def __init__(
        self,
        api_key: str | pydantic.SecretStr | None = None,
        *,
        environment: str | None = None,
        base_urls: Mapping[str, str] | None = None,
        timeout: float | Timeout | HTTPXTimeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        rate_limit: RateLimitArg = None,
        access_token: str | pydantic.SecretStr | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        try:
            self._start(
                api_key=api_key,
                environment=environment,
                base_urls=base_urls,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                access_token=access_token,
                rate_limit=rate_limit,
                http_client=http_client,
                sleep=asyncio.sleep if sleep is None else checked_async_sleep(sleep),
                clock=clock,
                now=now,
            )
        finally:
            del api_key, access_token, rate_limit  # not in this frame's locals, which error
            # trackers record when the client is refused

    def _http_client_class(self) -> type[httpx.AsyncClient]:
        return async_client_class()

    def _keep_pool(self, http_client: httpx.AsyncClient | None) -> AsyncPoolKeeper:
        return AsyncPoolKeeper(http_client, owner=type(self).__name__)

    @property
    def _http_client(self) -> httpx.AsyncClient:
        """The connection pool the client sends with now."""
        return self._pools.pool

    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        self._config = config
        self._limiter = limiter
        self._sender = AsyncSender(
            self._pools,
            owns_pool=self._owns_http_client,
            sleep=self._pause,
            clock=self._clock,
            limiter=limiter,
            client_name=type(self).__name__,
        )

    @cached_property
    def _runner(self) -> AsyncRunner:
        """The runner of the client's calls, made at the first: a client made and not used yet
        (a first one, a ``with_options()`` copy) loads no request, answer or paging module."""
        from haulmer._core import AsyncRunner

        return AsyncRunner(self._config, self._sender, sleep=self._pause, clock=self._clock)

    async def _pause(self, seconds: float) -> None:
        """Wait with the client's ``sleep`` as it is now (a test may swap it on a live client)."""
        await awaited_sleep(self._sleep, seconds)

    async def aclose(self) -> None:
        """Refuse further calls; close the connection pool and the rate limiter's connections
        the client created (copies, user clients and user limiters are left open)."""
        await self._sender.aclose()
        if self._owns_limiter and self._limiter is not None:
            await self._limiter.aclose()

    async def __aenter__(self) -> Self:
        if self.is_closed:  # a with block again after the first one closed it
            raise self._sender.closed_error()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @cached_property
    def openfactura(self) -> _openfactura.AsyncOpenFactura:
        """OpenFactura: documents, registry, organization, taxpayer, setup, certification."""
        from haulmer._async.openfactura import AsyncOpenFactura

        return AsyncOpenFactura(self)

    @cached_property
    def checkout(self) -> _checkout.AsyncCheckout:
        """Buying a Haulmer plan (platform API)."""
        from haulmer._async.checkout import AsyncCheckout

        return AsyncCheckout(self)

    @cached_property
    def accounts(self) -> _accounts.AsyncAccounts:
        """Haulmer Accounts: passwords, login (platform API)."""
        from haulmer._async.accounts import AsyncAccounts

        return AsyncAccounts(self)

    @cached_property
    def workspace(self) -> _workspace.AsyncWorkspace:
        """Workspace setup and organizations (platform API)."""
        from haulmer._async.workspace import AsyncWorkspace

        return AsyncWorkspace(self)

    @cached_property
    def myhaulmer(self) -> _myhaulmer.AsyncMyHaulmer:
        """MyHaulmer: the account's orders and support tickets (platform API, logged in)."""
        from haulmer._async.myhaulmer import AsyncMyHaulmer

        return AsyncMyHaulmer(self)

    @cached_property
    def catalogue(self) -> _catalogue.AsyncCatalogue:
        """Catalogue: the organizations' products, prices and taxes (platform API, logged in)."""
        from haulmer._async.catalogue import AsyncCatalogue

        return AsyncCatalogue(self)

    @cached_property
    def point(self) -> _point.AsyncPoint:
        """Point: points of sale, their settings and sales (platform API, logged in)."""
        from haulmer._async.point import AsyncPoint

        return AsyncPoint(self)
