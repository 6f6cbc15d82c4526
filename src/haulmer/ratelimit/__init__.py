"""Keeping to Haulmer's 3 requests/s and 100/min per API key, in one process or shared by many.

``Haulmer(rate_limit=True)`` limits one client and its copies (clients given one
``InProcessRateLimiter()`` share it within a process); ``RedisRateLimiter(url)``, a ``redis://``
URL or ``HAULMER_RATE_LIMIT_URL`` share the limit through Redis. Any store can implement
``RateLimiter``. See docs/scale.md.
"""

from haulmer._core.ratelimit import (
    HAULMER_LIMITS,
    SLOT_MARGIN,
    Booking,
    InProcessRateLimiter,
    Limits,
    RateLimiter,
    api_key_fingerprint,
)
from haulmer._core.ratelimit_choice import (
    RATE_LIMIT_URL_ENV,
    RateLimitArg,
    rate_limiter_from_url,
    resolve_rate_limit,
)
from haulmer._core.redis_ratelimit import RedisRateLimiter

__all__ = [
    "HAULMER_LIMITS",
    "RATE_LIMIT_URL_ENV",
    "SLOT_MARGIN",
    "Booking",
    "InProcessRateLimiter",
    "Limits",
    "RateLimitArg",
    "RateLimiter",
    "RedisRateLimiter",
    "api_key_fingerprint",
    "rate_limiter_from_url",
    "resolve_rate_limit",
]
