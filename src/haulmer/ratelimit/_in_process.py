"""The in-process limiter: sliding windows over booked send times, per bucket, thread-safe.

It shares the limit between the threads and asyncio tasks of one process; processes that share a
key need a shared store (``RedisRateLimiter``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from haulmer.ratelimit._limiter import (
    HAULMER_LIMITS,
    SLOT_MARGIN,
    Booking,
    RateLimiter,
    check_limits,
)

__all__ = ["InProcessRateLimiter"]


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
        self.limits = check_limits(limits)
        self._clock = clock
        self._buckets: dict[str, _Windows] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InProcessRateLimiter(limits={self.limits!r})"

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
