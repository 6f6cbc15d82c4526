"""Rate limiters: the interface (book a send slot per API key, give it back, honour a Retry-After)
and the in-process one, which shares the limit between the threads and tasks of one process.

A limiter only computes waits; the SDK sleeps them with the client's own (injectable) sleep.
Buckets are fingerprints of API keys (``api_key_fingerprint``): no limiter ever sees a key.
"""

from __future__ import annotations

import functools
import hashlib
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from haulmer._forks import ForkSafeLock
from haulmer._shown import shown
from haulmer.errors import ConfigurationError

__all__ = [
    "HAULMER_LIMITS",
    "SLOT_MARGIN",
    "Booking",
    "InProcessRateLimiter",
    "Limits",
    "RateLimiter",
    "api_key_fingerprint",
    "check_limits",
]

Limits = tuple[tuple[int, float], ...]
"""Sliding windows as (requests, per seconds) pairs."""

HAULMER_LIMITS: Final[Limits] = ((3, 1.0), (100, 60.0))
"""OpenFactura's documented limits per API key: 3 requests a second and 100 a minute."""

SLOT_MARGIN: Final = 0.05
"""Seconds added past a window's edge. The gateway counts requests as they arrive, and a request
sent at its slot arrives a little after it: the first of a window later than the rest when it
opens a connection (a handshake, a server starting its thread), so a margin of a millisecond
still met 429s on loopback. 50 ms costs 5% of the throughput at the limit; a 429 costs a second."""


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
            f"((3, 1.0), (100, 60.0)); got {shown(limits)}"
        )
    return pairs


@functools.lru_cache(maxsize=64)
def api_key_fingerprint(api_key: str) -> str:
    """The bucket of an API key: 32 hex digits of a salted SHA-256, from which the key cannot
    be recovered; what a shared store or a journal may keep instead of the key."""
    digest = hashlib.sha256(b"haulmer-api-key:" + api_key.encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Booking:
    """A limiter's answer for ``bucket``. ``reserved``: a slot is yours, send after ``wait``
    seconds (``slot`` is the limiter's handle for giving it back with ``release``). Not
    reserved: nothing was booked; wait ``wait`` seconds and ask again."""

    bucket: str
    slot: object
    wait: float
    reserved: bool = True


class RateLimiter(ABC):
    """Keeps every client sharing it (threads, tasks, processes, hosts: as far as its store
    reaches) within ``limits`` per bucket.

    Implement ``book``, ``release`` and ``hold``; the async ``abook``, ``arelease`` and ``ahold``
    call them unless a store has an async client of its own (as ``RedisRateLimiter`` does).
    """

    limits: Limits = HAULMER_LIMITS

    @abstractmethod
    def book(self, bucket: str) -> Booking:
        """Book a send slot that keeps ``bucket`` within every window (and after any hold) and
        say how long to wait for it; or, not reserving one, how long to wait before asking
        again."""

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

    async def aclose(self) -> None:
        """``close`` for the asyncio client (a store with an async client closes that one)."""
        self.close()


class _Windows:
    """One bucket's booked slots (one deque per window) and its hold."""

    def __init__(self, count: int) -> None:
        self.sent: tuple[deque[float], ...] = tuple(deque() for _ in range(count))
        self.last = float("-inf")
        self.held_until = float("-inf")


class InProcessRateLimiter(RateLimiter):
    """Sliding windows over booked send times, per bucket; first come, first served.

    ``clock`` is monotonic seconds (injectable, so tests drive it without waiting).
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = HAULMER_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits: Limits = check_limits(limits)
        self._clock = clock
        self._buckets: dict[str, _Windows] = {}
        self._lock = ForkSafeLock()

    def __repr__(self) -> str:
        return f"InProcessRateLimiter(limits={self.limits!r})"

    def __reduce__(self) -> Any:
        """Refused (pickling and copying alike): a copy would count apart from this one."""
        raise TypeError(
            "an InProcessRateLimiter cannot be copied or pickled: it paces the sends of this "
            "process only, and a copy would count apart from it, letting both send at the full "
            "rate. Share the limiter itself between threads and tasks; to share the limit "
            "between processes, pass rate_limit='redis://...' (a RedisRateLimiter)"
        )

    def _windows(self, bucket: str) -> _Windows:
        windows = self._buckets.get(bucket)
        if windows is None:
            windows = self._buckets[bucket] = _Windows(len(self.limits))
        return windows

    def book(self, bucket: str) -> Booking:
        with self._lock:
            now = self._clock()
            windows = self._windows(bucket)
            at = max(now, windows.last, windows.held_until)
            changed = True
            while changed:
                changed = False
                for (count, period), sent in zip(self.limits, windows.sent, strict=True):
                    # Forget only what no slot from now on can share a window with: slots
                    # booked ahead stay, in case one is released.
                    while sent and sent[0] <= now - period:
                        sent.popleft()
                    if len(sent) >= count and sent[-count] > at - period:
                        at = sent[-count] + period + SLOT_MARGIN
                        changed = True
            for sent in windows.sent:
                sent.append(at)
            windows.last = at
            return Booking(bucket, at, at - now)

    def release(self, booking: Booking) -> None:
        """Give back an unused slot; the last booked one frees its place in the queue."""
        slot = booking.slot
        with self._lock:
            windows = self._buckets.get(booking.bucket)
            if windows is None:
                return
            for sent in windows.sent:
                for index in range(len(sent) - 1, -1, -1):
                    if sent[index] == slot:
                        del sent[index]
                        break
            if slot == windows.last:
                windows.last = max(
                    (sent[-1] for sent in windows.sent if sent), default=float("-inf")
                )

    def hold(self, bucket: str, seconds: float) -> None:
        with self._lock:
            windows = self._windows(bucket)
            windows.held_until = max(windows.held_until, self._clock() + max(0.0, seconds))
