"""The two clients, ``Haulmer`` and ``AsyncHaulmer``: configuration, connection pool, resources.

Both share one configuration value (``ClientConfig``) and the pure request/response logic; only
their send loops differ. Resources hang off them as cached properties, imported lazily.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from haulmer._config import ClientConfig
from haulmer._http import (
    AsyncTransport,
    SyncTransport,
    async_client_class,
    default_async_client,
    default_sync_client,
    sync_client_class,
)
from haulmer._logging import setup_from_env
from haulmer._ratelimit import RateLimiter
from haulmer._types import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    Product,
    Timeout,
)
from haulmer.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

    from haulmer.accounts import Accounts, AsyncAccounts
    from haulmer.catalogue import AsyncCatalogue, Catalogue
    from haulmer.checkout import AsyncCheckout, Checkout
    from haulmer.myhaulmer import AsyncMyHaulmer, MyHaulmer
    from haulmer.openfactura import AsyncOpenFactura, OpenFactura
    from haulmer.point import AsyncPoint, Point
    from haulmer.workspace import AsyncWorkspace, Workspace

__all__ = ["AsyncHaulmer", "Haulmer"]

_C = TypeVar("_C", bound="_ClientCommon")


def _utc_now() -> datetime:
    """The real time, aware, in UTC (a client's default wall clock)."""
    return datetime.now(timezone.utc)


class _ClientCommon(ABC):
    """What both clients share: setup, ``with_options()``, views of the settings, a safe repr.

    Only the connection pool's type, the transport (blocking or async) and closing differ.
    """

    _config: ClientConfig
    _clock: Callable[[], float]
    _now: Callable[[], datetime]
    """The wall clock the client judges validity by (a .pfx's dates): one time source per client."""
    _limiter: RateLimiter | None
    _sleep: Any
    _http_client: Any
    _owns_http_client: bool

    @property
    def environment(self) -> str:
        """ "production", "sandbox" or "local": where each product not in ``base_urls`` lives."""
        return self._config.environment

    @property
    def base_urls(self) -> dict[Product, str | None]:
        """The base URL of each product (None: no public endpoint in this environment)."""
        return dict(self._config.base_urls)

    @property
    def timeout(self) -> Timeout | None:
        """The default timeout of every call."""
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried by default."""
        return self._config.max_retries

    @property
    def rate_limit(self) -> bool:
        """Whether the client keeps to Haulmer's 3 requests/s and 100/min on its own."""
        return self._config.rate_limit

    def _start(
        self,
        *,
        http_client: Any,
        sleep: Any,
        clock: Callable[[], float] | None,
        now: Callable[[], datetime] | None = None,
        **settings: Any,
    ) -> None:
        """Validate ``settings`` into the configuration and install the transport."""
        expected = self._http_client_class()
        if http_client is not None and not isinstance(http_client, expected):
            raise ConfigurationError(
                f"{type(self).__name__}(http_client=...) takes an httpx.{expected.__name__}, "
                f"got {type(http_client).__module__}.{type(http_client).__qualname__}"
            )
        setup_from_env()
        config = ClientConfig.create(**settings)
        self._clock = time.monotonic if clock is None else clock
        self._now = _utc_now if now is None else now
        self._sleep = sleep
        self._owns_http_client = http_client is None
        self._http_client = http_client if http_client is not None else self._default_http_client()
        self._install(config, RateLimiter(clock=self._clock) if config.rate_limit else None)

    @abstractmethod
    def _http_client_class(self) -> type[Any]:
        """The httpx client class this client sends with (``Client`` or ``AsyncClient``)."""

    @abstractmethod
    def _default_http_client(self) -> Any:
        """The pooled httpx client made when the user brings none."""

    @abstractmethod
    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        """Take ``config`` and ``limiter`` and build the transport over the connection pool."""

    def with_options(
        self: _C,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        environment: str | NotGiven = NOT_GIVEN,
        base_urls: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        access_token: str | NotGiven | None = NOT_GIVEN,
        rate_limit: bool | NotGiven = NOT_GIVEN,
    ) -> _C:
        """A copy with some settings changed, sharing this client's connection pool."""
        old = self._config
        overrides = dict(old.base_url_overrides)
        if not isinstance(base_urls, NotGiven):
            overrides.update(base_urls or {})

        def pick(new: Any, current: Any) -> Any:
            return current if isinstance(new, NotGiven) else new

        config = ClientConfig.create(
            api_key=pick(api_key, old.api_key),
            environment=pick(environment, old.environment),
            base_urls=overrides,
            timeout=pick(timeout, old.timeout),
            max_retries=pick(max_retries, old.max_retries),
            default_headers={**old.default_headers, **(pick(default_headers, None) or {})},
            access_token=pick(access_token, old.access_token),
            rate_limit=pick(rate_limit, old.rate_limit),
        )
        limiter = self._limiter if config.rate_limit == old.rate_limit else None
        if config.rate_limit and limiter is None:
            limiter = RateLimiter(clock=self._clock)
        copy = object.__new__(type(self))
        copy._clock = self._clock
        copy._now = self._now
        copy._sleep = self._sleep
        copy._owns_http_client = False
        copy._http_client = self._http_client
        copy._install(config, limiter)
        return copy

    @property
    def is_closed(self) -> bool:
        """Whether the connection pool is closed."""
        closed: bool = self._http_client.is_closed
        return closed

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._config.describe()})"


class Haulmer(_ClientCommon):
    """The blocking client. ``api_key`` defaults to HAULMER_API_KEY; use it as a context manager.

    ``sleep``/``clock``/``now`` are injectable (tests never wait; the fake's clients live on its
    clock); a user's ``http_client`` is never closed.
    """

    _http_client: httpx.Client
    _sleep: Callable[[float], None]

    def __init__(
        self,
        api_key: str | None = None,
        *,
        environment: str = "production",
        base_urls: Mapping[str, str] | None = None,
        timeout: float | Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        rate_limit: bool = False,
        access_token: str | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
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
            sleep=time.sleep if sleep is None else sleep,
            clock=clock,
            now=now,
        )

    def _http_client_class(self) -> type[httpx.Client]:
        return sync_client_class()

    def _default_http_client(self) -> httpx.Client:
        return default_sync_client()

    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        self._config = config
        self._limiter = limiter
        self._transport = SyncTransport(
            config, self._http_client, sleep=self._sleep, clock=self._clock, limiter=limiter
        )

    def close(self) -> None:
        """Close the connection pool the client created (copies and user clients are left)."""
        if self._owns_http_client:
            self._http_client.close()

    def __enter__(self) -> Haulmer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @cached_property
    def openfactura(self) -> OpenFactura:
        """OpenFactura: documents, registry, organization, taxpayer, setup, certification."""
        from haulmer.openfactura import OpenFactura

        return OpenFactura(self)

    @cached_property
    def checkout(self) -> Checkout:
        """Buying a Haulmer plan (platform API)."""
        from haulmer.checkout import Checkout

        return Checkout(self)

    @cached_property
    def accounts(self) -> Accounts:
        """Haulmer Accounts: passwords, login (platform API)."""
        from haulmer.accounts import Accounts

        return Accounts(self)

    @cached_property
    def workspace(self) -> Workspace:
        """Workspace setup and organizations (platform API)."""
        from haulmer.workspace import Workspace

        return Workspace(self)

    @cached_property
    def myhaulmer(self) -> MyHaulmer:
        """MyHaulmer: the account's orders and support tickets (platform API, logged in)."""
        from haulmer.myhaulmer import MyHaulmer

        return MyHaulmer(self)

    @cached_property
    def catalogue(self) -> Catalogue:
        """Catalogue: the organizations' products, prices and taxes (platform API, logged in)."""
        from haulmer.catalogue import Catalogue

        return Catalogue(self)

    @cached_property
    def point(self) -> Point:
        """Point: points of sale, their settings and sales (platform API, logged in)."""
        from haulmer.point import Point

        return Point(self)


class AsyncHaulmer(_ClientCommon):
    """The async client: the same as ``Haulmer``, awaited; use ``async with`` or ``aclose()``."""

    _http_client: httpx.AsyncClient
    _sleep: Callable[[float], Awaitable[None]]

    def __init__(
        self,
        api_key: str | None = None,
        *,
        environment: str = "production",
        base_urls: Mapping[str, str] | None = None,
        timeout: float | Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        rate_limit: bool = False,
        access_token: str | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
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
            sleep=asyncio.sleep if sleep is None else sleep,
            clock=clock,
            now=now,
        )

    def _http_client_class(self) -> type[httpx.AsyncClient]:
        return async_client_class()

    def _default_http_client(self) -> httpx.AsyncClient:
        return default_async_client()

    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        self._config = config
        self._limiter = limiter
        self._transport = AsyncTransport(
            config, self._http_client, sleep=self._sleep, clock=self._clock, limiter=limiter
        )

    async def aclose(self) -> None:
        """Close the connection pool the client created (copies and user clients are left)."""
        if self._owns_http_client:
            await self._http_client.aclose()

    async def __aenter__(self) -> AsyncHaulmer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @cached_property
    def openfactura(self) -> AsyncOpenFactura:
        """OpenFactura: documents, registry, organization, taxpayer, setup, certification."""
        from haulmer.openfactura import AsyncOpenFactura

        return AsyncOpenFactura(self)

    @cached_property
    def checkout(self) -> AsyncCheckout:
        """Buying a Haulmer plan (platform API)."""
        from haulmer.checkout import AsyncCheckout

        return AsyncCheckout(self)

    @cached_property
    def accounts(self) -> AsyncAccounts:
        """Haulmer Accounts: passwords, login (platform API)."""
        from haulmer.accounts import AsyncAccounts

        return AsyncAccounts(self)

    @cached_property
    def workspace(self) -> AsyncWorkspace:
        """Workspace setup and organizations (platform API)."""
        from haulmer.workspace import AsyncWorkspace

        return AsyncWorkspace(self)

    @cached_property
    def myhaulmer(self) -> AsyncMyHaulmer:
        """MyHaulmer: the account's orders and support tickets (platform API, logged in)."""
        from haulmer.myhaulmer import AsyncMyHaulmer

        return AsyncMyHaulmer(self)

    @cached_property
    def catalogue(self) -> AsyncCatalogue:
        """Catalogue: the organizations' products, prices and taxes (platform API, logged in)."""
        from haulmer.catalogue import AsyncCatalogue

        return AsyncCatalogue(self)

    @cached_property
    def point(self) -> AsyncPoint:
        """Point: points of sale, their settings and sales (platform API, logged in)."""
        from haulmer.point import AsyncPoint

        return AsyncPoint(self)
