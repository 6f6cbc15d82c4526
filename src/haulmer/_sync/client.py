# Generated from src/haulmer/_async/client.py by scripts/unasync.py: do not edit.
"""The client: configuration, connection pool, the runner, and the resources as properties."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import pydantic  # SecretStr named in annotations only: taking it loads pydantic.types

from haulmer._client import ClientCommon
from haulmer._core import SyncSender
from haulmer._core.config import ClientConfig
from haulmer._core.ratelimit import RateLimiter
from haulmer._core.ratelimit_choice import RateLimitArg
from haulmer._core.self_type import Self
from haulmer._core.sending import PoolKeeper, sync_client_class
from haulmer._core.sleeping import checked_blocking_sleep, slept
from haulmer._core.types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, HTTPXTimeout, Timeout
from haulmer._lazy import LazyModule

if TYPE_CHECKING:
    import httpx

    from haulmer._core import SyncRunner
    from haulmer._sync import accounts as _accounts
    from haulmer._sync import catalogue as _catalogue
    from haulmer._sync import checkout as _checkout
    from haulmer._sync import myhaulmer as _myhaulmer
    from haulmer._sync import openfactura as _openfactura
    from haulmer._sync import point as _point
    from haulmer._sync import workspace as _workspace
else:  # annotations resolve at run time (typing.get_type_hints), loading each module only then
    httpx = LazyModule("httpx")
    _openfactura = LazyModule("haulmer._sync.openfactura")
    _checkout = LazyModule("haulmer._sync.checkout")
    _accounts = LazyModule("haulmer._sync.accounts")
    _workspace = LazyModule("haulmer._sync.workspace")
    _myhaulmer = LazyModule("haulmer._sync.myhaulmer")
    _catalogue = LazyModule("haulmer._sync.catalogue")
    _point = LazyModule("haulmer._sync.point")

__all__ = ["Haulmer"]


class Haulmer(ClientCommon):
    """A client of every Haulmer service; use it as a context manager (a with block, or
    async-with for the asyncio client) or close it when done.

    What is not passed comes from the environment: ``api_key`` from HAULMER_API_KEY,
    ``environment`` from HAULMER_ENVIRONMENT (else "production") and, when ``environment`` is
    not passed, base URLs from HAULMER_BASE_URL, HAULMER_OPENFACTURA_BASE_URL and
    HAULMER_PLATFORM_BASE_URL; explicit ``base_urls`` entries win.

    ``sleep``/``clock``/``now`` are injectable (tests never wait; the fake's clients live on its
    clock); a user's ``http_client`` is never closed.
    """

    _pools: PoolKeeper
    _sleep: Callable[[float], None]

    def __init__(
        self,
        api_key: str | pydantic.SecretStr | None = None,
        *,
        environment: str | None = None,
        base_urls: Mapping[str, str] | None = None,
        timeout: float | Timeout | HTTPXTimeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        rate_limit: RateLimitArg = None,
        access_token: str | pydantic.SecretStr | None = None,
        sleep: Callable[[float], None] | None = None,
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
                sleep=time.sleep if sleep is None else checked_blocking_sleep(sleep),
                clock=clock,
                now=now,
            )
        finally:
            del api_key, access_token, rate_limit  # not in this frame's locals, which error
            # trackers record when the client is refused

    def _http_client_class(self) -> type[httpx.Client]:
        return sync_client_class()

    def _keep_pool(self, http_client: httpx.Client | None) -> PoolKeeper:
        return PoolKeeper(http_client, owner=type(self).__name__)

    @property
    def _http_client(self) -> httpx.Client:
        """The connection pool the client sends with now."""
        return self._pools.pool

    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        self._config = config
        self._limiter = limiter
        self._sender = SyncSender(
            self._pools,
            owns_pool=self._owns_http_client,
            sleep=self._pause,
            clock=self._clock,
            limiter=limiter,
            client_name=type(self).__name__,
        )

    @cached_property
    def _runner(self) -> SyncRunner:
        """The runner of the client's calls, made at the first: a client made and not used yet
        (a first one, a ``with_options()`` copy) loads no request, answer or paging module."""
        from haulmer._core import SyncRunner

        return SyncRunner(self._config, self._sender, sleep=self._pause, clock=self._clock)

    def _pause(self, seconds: float) -> None:
        """Wait with the client's ``sleep`` as it is now (a test may swap it on a live client)."""
        slept(self._sleep, seconds)

    def close(self) -> None:
        """Refuse further calls; close the connection pool and the rate limiter's connections
        the client created (copies, user clients and user limiters are left open)."""
        self._sender.close()
        if self._owns_limiter and self._limiter is not None:
            self._limiter.close()

    def __enter__(self) -> Self:
        if self.is_closed:  # a with block again after the first one closed it
            raise self._sender.closed_error()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @cached_property
    def openfactura(self) -> _openfactura.OpenFactura:
        """OpenFactura: documents, registry, organization, taxpayer, setup, certification."""
        from haulmer._sync.openfactura import OpenFactura

        return OpenFactura(self)

    @cached_property
    def checkout(self) -> _checkout.Checkout:
        """Buying a Haulmer plan (platform API)."""
        from haulmer._sync.checkout import Checkout

        return Checkout(self)

    @cached_property
    def accounts(self) -> _accounts.Accounts:
        """Haulmer Accounts: passwords, login (platform API)."""
        from haulmer._sync.accounts import Accounts

        return Accounts(self)

    @cached_property
    def workspace(self) -> _workspace.Workspace:
        """Workspace setup and organizations (platform API)."""
        from haulmer._sync.workspace import Workspace

        return Workspace(self)

    @cached_property
    def myhaulmer(self) -> _myhaulmer.MyHaulmer:
        """MyHaulmer: the account's orders and support tickets (platform API, logged in)."""
        from haulmer._sync.myhaulmer import MyHaulmer

        return MyHaulmer(self)

    @cached_property
    def catalogue(self) -> _catalogue.Catalogue:
        """Catalogue: the organizations' products, prices and taxes (platform API, logged in)."""
        from haulmer._sync.catalogue import Catalogue

        return Catalogue(self)

    @cached_property
    def point(self) -> _point.Point:
        """Point: points of sale, their settings and sales (platform API, logged in)."""
        from haulmer._sync.point import Point

        return Point(self)
