"""What both clients share: settings, ``with_options()``, views of the settings, a safe repr.

``AsyncHaulmer`` is written in ``haulmer._async.client``; ``Haulmer`` is generated from it. Both
are served by ``haulmer`` lazily.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

import pydantic  # SecretStr named in annotations only: taking it loads pydantic.types

from haulmer._core.config import ClientConfig, checked_mapping
from haulmer._core.log import setup_from_env
from haulmer._core.ratelimit import RateLimiter
from haulmer._core.ratelimit_choice import RateLimitArg, resolve_rate_limit
from haulmer._core.types import (
    NOT_GIVEN,
    NotGiven,
    Product,
    Timeout,
    TimeoutArg,
)
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.errors import ConfigurationError

__all__ = ["ClientCommon"]

_C = TypeVar("_C", bound="ClientCommon")


def _utc_now() -> datetime:
    """The real time, aware, in UTC (a client's default wall clock)."""
    return datetime.now(timezone.utc)


_WHAT_EACH_TAKES = {
    "sleep": "a function that waits the seconds it is given (time.sleep, asyncio.sleep)",
    "clock": "a function returning seconds that only grow (time.monotonic)",
    "now": (
        "a function returning the current datetime, such as lambda: datetime.now(timezone.utc); "
        "to hold the time still, pass lambda: <that datetime>"
    ),
}


def _check_callables(client: str, **given: object) -> None:
    """A TypeError, where the client is made, for a ``sleep=``, ``clock=`` or ``now=`` that is no
    function (a datetime given as ``now``), which would fail at the first wait or emission."""
    for name, value in given.items():
        if value is not None and not callable(value):
            raise TypeError(
                f"{client}({name}=...) takes {_WHAT_EACH_TAKES[name]}, got {type(value).__name__}"
            )


def _checked_now(now: Callable[[], datetime]) -> Callable[[], datetime]:
    """``now`` whose answer is checked to be a datetime each time it is read (a date or text
    would fail deep in an emission as an AttributeError)."""

    def checked() -> datetime:
        value = now()
        if not isinstance(value, datetime):
            raise TypeError(f"now= must return a datetime, returned {type(value).__name__}")
        return value

    return checked


class ClientCommon(ABC):
    """What both clients share: setup, ``with_options()``, views of the settings, a safe repr.

    Only the connection pool's type, the transport (blocking or async) and closing differ.
    """

    _config: ClientConfig
    _clock: Callable[[], float]
    _now: Callable[[], datetime]
    """The wall clock the client judges validity by (a .pfx's dates): one time source per client."""
    _limiter: RateLimiter | None
    _sleep: Any
    _pools: Any
    """The keeper of the connection pool, shared with ``with_options()`` copies."""
    _owns_http_client: bool
    _owns_limiter: bool
    """Whether the client made its limiter (from True or a URL), so closes it; a user's
    ``RateLimiter`` is shared, and left open."""
    _sender: Any
    """What sends the client's attempts over the pool, and refuses them once it is closed."""

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

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The limiter the client books its OpenFactura calls with (None: no limit kept)."""
        return self._limiter

    def _start(self, **settings: Any) -> None:
        """Validate ``settings`` into the configuration and install the transport; a refusal
        leaves the API key, the access token and a limiter's URL in none of the frames it
        passed through, which error trackers record."""
        try:
            with LocalsForgottenOnRefusal():
                self._set_up(**settings)
        finally:
            settings.clear()

    def _set_up(
        self,
        *,
        http_client: Any,
        sleep: Any,
        clock: Callable[[], float] | None,
        now: Callable[[], datetime] | None = None,
        **settings: Any,
    ) -> None:
        """What ``_start`` does."""
        expected = self._http_client_class()
        if http_client is not None and not isinstance(http_client, expected):
            raise ConfigurationError(
                f"{type(self).__name__}(http_client=...) takes an httpx.{expected.__name__}, "
                f"got {type(http_client).__module__}.{type(http_client).__qualname__}"
            )
        _check_callables(type(self).__name__, sleep=sleep, clock=clock, now=now)
        setup_from_env()
        self._clock = time.monotonic if clock is None else clock
        rate_limit = settings.pop("rate_limit")
        limiter = resolve_rate_limit(rate_limit, clock=self._clock)
        self._owns_limiter = limiter is not None and limiter is not rate_limit
        config = ClientConfig.create(**settings, rate_limit=limiter is not None)
        self._now = _utc_now if now is None else _checked_now(now)
        self._sleep = sleep
        self._owns_http_client = http_client is None
        self._pools = self._keep_pool(http_client)
        self._install(config, limiter)

    @abstractmethod
    def _http_client_class(self) -> type[Any]:
        """The httpx client class this client sends with (``Client`` or ``AsyncClient``)."""

    @abstractmethod
    def _keep_pool(self, http_client: Any) -> Any:
        """The keeper of the pool the client sends with: ``http_client``, or (None) a pooled
        httpx client of its own, made again where its connections cannot be used."""

    @abstractmethod
    def _install(self, config: ClientConfig, limiter: RateLimiter | None) -> None:
        """Take ``config`` and ``limiter`` and build the transport over the connection pool."""

    def with_options(
        self: _C,
        *,
        api_key: str | pydantic.SecretStr | NotGiven | None = NOT_GIVEN,
        environment: str | NotGiven = NOT_GIVEN,
        base_urls: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        access_token: str | pydantic.SecretStr | NotGiven | None = NOT_GIVEN,
        rate_limit: RateLimitArg | NotGiven = NOT_GIVEN,
    ) -> _C:
        """A copy with some settings changed, sharing this client's connection pool."""
        try:
            with LocalsForgottenOnRefusal():
                old = self._config
                overrides = dict(old.base_url_overrides)
                if isinstance(environment, NotGiven):
                    # The copy keeps what the original read from the environment variables.
                    overrides = {**old.base_urls_from_env, **overrides}
                if not isinstance(base_urls, NotGiven):
                    overrides.update(checked_mapping("base_urls", base_urls) or {})
                if not isinstance(default_headers, NotGiven):
                    checked_mapping("default_headers", default_headers)

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
                    rate_limit=False,
                )
                limiter = self._limiter
                owns_limiter = False  # the original's is the original's to close
                if not isinstance(rate_limit, NotGiven) and not (rate_limit is True and limiter):
                    limiter = resolve_rate_limit(rate_limit, clock=self._clock)
                    owns_limiter = limiter is not None and limiter is not rate_limit
                config = dataclasses.replace(config, rate_limit=limiter is not None)
                copy = object.__new__(type(self))
                copy.__dict__.update(self._attributes_a_copy_keeps())
                copy._clock = self._clock
                copy._now = self._now
                copy._sleep = self._sleep
                copy._owns_http_client = False
                copy._owns_limiter = owns_limiter
                copy._pools = self._pools
                copy._install(config, limiter)
                if self.is_closed:  # a closed client's copy is closed too, whoever owns the pool
                    copy._sender.refuse_calls()
                return copy
        finally:
            del api_key, access_token, rate_limit  # not in this frame's locals either

    def _attributes_a_copy_keeps(self) -> dict[str, Any]:
        """The attributes a ``with_options()`` copy starts from, shared as they are: those a
        subclass set (an ERP's tenant), but not the resources and runner cached on this client,
        which call through it. The copy's own settings are set over them."""
        cached = {
            name
            for cls in type(self).__mro__
            for name, member in vars(cls).items()
            if isinstance(member, functools.cached_property)
        }
        return {name: value for name, value in vars(self).items() if name not in cached}

    def __copy__(self: _C) -> _C:
        """``with_options()``: a client with the same settings, sharing the pool and limiter."""
        return self.with_options()

    def __deepcopy__(self: _C, memo: dict[int, Any]) -> _C:
        """``with_options()`` too: a pool's open connections cannot be copied, and the settings
        are never changed in place, so a copy that shares them is as good as a deep one."""
        copied = self.with_options()
        memo[id(self)] = copied
        return copied

    def __reduce__(self) -> Any:
        """Refused: a client holds open connections (and its key), which stay in their process."""
        name = type(self).__name__
        raise TypeError(
            f"a {name} cannot be pickled: its connection pool and rate limiter belong to this "
            f"process. Make a {name}(...) where it is used (in each worker process, after the "
            "fork, from the environment or your settings), and send it only plain values: ids, "
            "sales, documents (models pickle)"
        )

    @property
    def is_closed(self) -> bool:
        """Whether the client refuses calls: it was closed, or its connection pool was."""
        closed: bool = self._sender.is_closed
        return closed

    def __repr__(self) -> str:
        config: ClientConfig | None = getattr(self, "_config", None)
        if config is None:  # refused while being made: what a traceback's locals show of it
            return f"{type(self).__name__}(<not made: its settings were refused>)"
        return f"{type(self).__name__}({config.describe()})"
