"""Keeping to Haulmer's 3 requests/s and 100/min per API key, in one process or shared by many.

``Haulmer(rate_limit=True)`` limits one process; ``RedisRateLimiter(url)``, a ``redis://`` URL
or ``HAULMER_RATE_LIMIT_URL`` share the limit through Redis. Any store can implement
``RateLimiter``. See docs/scale.md.
"""

from haulmer.ratelimit._in_process import InProcessRateLimiter
from haulmer.ratelimit._limiter import (
    HAULMER_LIMITS,
    SLOT_MARGIN,
    Booking,
    Limits,
    RateLimiter,
    api_key_fingerprint,
)
from haulmer.ratelimit._redis import RedisRateLimiter
from haulmer.ratelimit._url import (
    RATE_LIMIT_URL_ENV,
    RateLimitArg,
    rate_limiter_from_url,
    resolve_rate_limit,
)

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
