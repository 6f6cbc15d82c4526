"""An opt-in client-side limiter keeping to Haulmer's 3 requests/s and 100 requests/min.

It only computes waits (``reserve`` says how long to sleep before sending); the send loops sleep
with the client's injectable sleep, so tests drive it with a fake clock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Final

from haulmer.errors import ConfigurationError

__all__ = ["HAULMER_LIMITS", "SLOT_MARGIN", "RateLimiter"]

HAULMER_LIMITS: Final = ((3, 1.0), (100, 60.0))
"""OpenFactura's documented limits: (requests, per seconds)."""

SLOT_MARGIN: Final = 0.001
"""Seconds added past a window's edge, so a send never lands exactly on it (clock rounding)."""


class RateLimiter:
    """Sliding windows over reserved send times; thread-safe; first come, first served."""

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = HAULMER_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not limits or any(count < 1 or period <= 0 for count, period in limits):
            raise ConfigurationError("rate limits must be (count >= 1, period > 0) pairs")
        self._limits = tuple((int(count), float(period)) for count, period in limits)
        self._clock = clock
        self._sent: tuple[deque[float], ...] = tuple(deque() for _ in self._limits)
        self._last = float("-inf")
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next send slot and return how many seconds to wait before using it."""
        return self.book()[1]

    def book(self) -> tuple[float, float]:
        """Book the next send slot: its time on the clock, and the seconds to wait until then."""
        with self._lock:
            now = self._clock()
            at = max(now, self._last)
            changed = True
            while changed:
                changed = False
                for (count, period), sent in zip(self._limits, self._sent, strict=True):
                    # Forget only what no slot from now on can share a window with: slots
                    # booked ahead stay, in case one is released.
                    while sent and sent[0] <= now - period:
                        sent.popleft()
                    if len(sent) >= count and sent[-count] > at - period:
                        at = sent[-count] + period + SLOT_MARGIN
                        changed = True
            for sent in self._sent:
                sent.append(at)
            self._last = at
            return at, at - now

    def release(self, slot: float) -> None:
        """Give back a booked slot that was never used (its caller was cancelled while waiting),
        so it does not hold back later sends; the last booked slot frees its place in the queue.
        """
        with self._lock:
            for sent in self._sent:
                for index in range(len(sent) - 1, -1, -1):
                    if sent[index] == slot:
                        del sent[index]
                        break
            if slot == self._last:
                self._last = max((sent[-1] for sent in self._sent if sent), default=float("-inf"))
