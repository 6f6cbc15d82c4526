"""Choosing a limiter: ``Haulmer(rate_limit=...)`` and ``HAULMER_RATE_LIMIT_URL``."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from haulmer._core.ratelimit import InProcessRateLimiter, RateLimiter
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer._shown import shown_unless_credential
from haulmer.errors import ConfigurationError

__all__ = [
    "RATE_LIMIT_URL_ENV",
    "RateLimitArg",
    "counts_in_real_time",
    "rate_limiter_from_url",
    "resolve_rate_limit",
]

RATE_LIMIT_URL_ENV: Final = "HAULMER_RATE_LIMIT_URL"
"""The environment variable naming the shared limiter (``redis://...``) or ``memory://``."""

RateLimitArg = bool | str | RateLimiter | None
"""What ``rate_limit=`` takes: True (in-process), False, a limiter, a URL, or None (from the
environment: ``HAULMER_RATE_LIMIT_URL`` if set, else off)."""


def rate_limiter_from_url(url: str, *, clock: Callable[[], float] = time.monotonic) -> RateLimiter:
    """A limiter from a URL: ``redis://``, ``rediss://`` or ``unix://`` (shared through Redis),
    or ``memory://`` (in-process)."""
    try:
        with LocalsForgottenOnRefusal():
            return _limiter_from_url(url, clock)
    finally:
        del url  # its password is not in this frame's locals, which error trackers record


def _limiter_from_url(url: str, clock: Callable[[], float]) -> RateLimiter:
    """``rate_limiter_from_url``'s work, whose frames a refusal leaves without locals."""
    if not isinstance(url, str):
        raise ConfigurationError(
            "A rate limiter is named by its URL as text, such as 'redis://host:6379/0' or "
            f"'memory://', got a {type(url).__name__}"
        )
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # "redis://[::1": the scheme is all that is read here
        scheme = url.strip().partition("://")[0].lower()
    if scheme == "memory":
        return InProcessRateLimiter(clock=clock)
    # The shared limiter (and asyncio, which it needs) loads only when a URL may name one.
    from haulmer._core.redis_ratelimit import RedisRateLimiter, redact_store_url

    if scheme in ("redis", "rediss", "unix"):
        return RedisRateLimiter(url.strip())
    raise ConfigurationError(
        f"Unknown rate limiter URL {shown_unless_credential(redact_store_url(url))}: use "
        "redis://host:6379/0 "
        "(shared by every process using that Redis), rediss:// or unix:// for Redis, or "
        "memory:// (this process only)"
    )


def resolve_rate_limit(
    rate_limit: RateLimitArg, *, clock: Callable[[], float] = time.monotonic
) -> RateLimiter | None:
    """The limiter a client uses for ``rate_limit=`` (see ``RateLimitArg``)."""
    try:
        with LocalsForgottenOnRefusal():
            return _resolved(rate_limit, clock)
    finally:
        del rate_limit  # a URL's password is not in this frame's locals (error trackers)


def _resolved(rate_limit: RateLimitArg, clock: Callable[[], float]) -> RateLimiter | None:
    """``resolve_rate_limit``'s work, whose frames a refusal leaves without locals."""
    if rate_limit is None:
        url = os.environ.get(RATE_LIMIT_URL_ENV, "").strip()
        if not url:
            return None
        try:
            return rate_limiter_from_url(url, clock=clock)
        except ConfigurationError as exc:  # a shell's stale variable: say where it came from
            if type(exc) is not ConfigurationError:  # the redis extra missing keeps its class
                raise
            raise ConfigurationError(f"{RATE_LIMIT_URL_ENV}: {exc}; fix or unset it") from None
    if rate_limit is True:
        return InProcessRateLimiter(clock=clock)
    if rate_limit is False:
        return None
    if isinstance(rate_limit, RateLimiter):
        return rate_limit
    if isinstance(rate_limit, str):
        return rate_limiter_from_url(rate_limit, clock=clock)
    raise ConfigurationError(
        "rate_limit= takes True (this client keeps to Haulmer's limits), False, a "
        "haulmer.ratelimit.RateLimiter (RedisRateLimiter shares them between processes) or a "
        f"URL such as 'redis://localhost:6379/0'; got {type(rate_limit).__name__}"
    )


def counts_in_real_time(rate_limit: RateLimitArg) -> bool:
    """Whether ``rate_limit`` names a limiter on a clock only real time moves (the machine's
    monotonic clock, Redis's TIME), not the client's: under a sleep that never waits for real
    (the fake's), none of its turns would come, and each wait would be longer than the last."""
    if isinstance(rate_limit, str):
        scheme = rate_limit.strip().partition("://")[0].lower()
        return scheme in ("redis", "rediss", "unix")
    if isinstance(rate_limit, InProcessRateLimiter):
        return rate_limit._clock is time.monotonic
    from haulmer._core.redis_ratelimit import RedisRateLimiter

    return isinstance(rate_limit, RedisRateLimiter) and rate_limit._clock is None
