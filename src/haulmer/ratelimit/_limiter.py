"""The rate limiter interface: book a send slot per API key, give it back, honour a Retry-After.

A limiter only computes waits; the SDK sleeps them with the client's own (injectable) sleep.
Buckets are fingerprints of API keys (``api_key_fingerprint``): no limiter ever sees a key.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from haulmer.errors import ConfigurationError

__all__ = [
    "HAULMER_LIMITS",
    "SLOT_MARGIN",
    "Booking",
    "Limits",
    "RateLimiter",
    "api_key_fingerprint",
    "check_limits",
]

Limits = tuple[tuple[int, float], ...]
"""Sliding windows as (requests, per seconds) pairs."""

HAULMER_LIMITS: Final[Limits] = ((3, 1.0), (100, 60.0))
"""OpenFactura's documented limits per API key: 3 requests a second and 100 a minute."""

SLOT_MARGIN: Final = 0.001
"""Seconds added past a window's edge, so a send never lands exactly on it (clock rounding)."""


def check_limits(limits: Sequence[tuple[int, float]]) -> Limits:
    """``limits`` as a tuple of (int, float) pairs; anything else is a ConfigurationError."""
    try:
        pairs = tuple((int(count), float(period)) for count, period in limits)
        valid = bool(pairs) and all(
            count >= 1 and period > 0 and count == raw_count
            for (count, period), (raw_count, _) in zip(pairs, limits, strict=True)
        )
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ConfigurationError(
            f"rate limits must be (count >= 1, period in seconds > 0) pairs, such as "
            f"((3, 1.0), (100, 60.0)); got {limits!r}"
        )
    return pairs


def api_key_fingerprint(api_key: str) -> str:
    """The bucket of an API key: 32 hex digits of a salted SHA-256, from which the key cannot
    be recovered; what a shared store or a journal may keep instead of the key."""
    digest = hashlib.sha256(b"haulmer-api-key:" + api_key.encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Booking:
    """A send slot booked in ``bucket``: wait ``wait`` seconds, then send; ``slot`` is the
    limiter's own handle for giving it back (``release``)."""

    bucket: str
    slot: object
    wait: float


class RateLimiter(ABC):
    """Keeps every client sharing it (threads, tasks, processes, hosts: as far as its store
    reaches) within ``limits`` per bucket.

    Implement ``book``, ``release`` and ``hold``; the async ``abook``, ``arelease`` and ``ahold``
    call them unless a store has an async client of its own (as ``RedisRateLimiter`` does).
    """

    limits: Limits = HAULMER_LIMITS

    @abstractmethod
    def book(self, bucket: str) -> Booking:
        """Book the earliest send slot that keeps ``bucket`` within every window (and after any
        hold), first come first served, and say how long to wait for it."""

    @abstractmethod
    def release(self, booking: Booking) -> None:
        """Give back a slot that was never used (its caller was cancelled while waiting)."""

    @abstractmethod
    def hold(self, bucket: str, seconds: float) -> None:
        """Book nothing in ``bucket`` for ``seconds`` from now: the server answered 429 with a
        Retry-After, and every client sharing the limiter waits it out, not only the one told."""

    async def abook(self, bucket: str) -> Booking:
        """``book`` for the asyncio client."""
        return self.book(bucket)

    async def arelease(self, booking: Booking) -> None:
        """``release`` for the asyncio client."""
        self.release(booking)

    async def ahold(self, bucket: str, seconds: float) -> None:
        """``hold`` for the asyncio client."""
        self.hold(bucket, seconds)

    def close(self) -> None:  # noqa: B027 (optional for stores without connections)
        """Close the store's connections, if the limiter opened any."""
