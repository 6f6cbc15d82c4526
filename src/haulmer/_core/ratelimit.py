"""Rate limiters: the interface (book a send slot per API key, give it back, honour a Retry-After)
and the in-process one, which shares the limit between the threads and tasks of one process.

A limiter only computes waits; the SDK sleeps them with the client's own (injectable) sleep.
Buckets are fingerprints of API keys (``api_key_fingerprint``): no limiter ever sees a key.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import hashlib
import math
import numbers
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from haulmer._core.types import LONGEST_TIMEOUT, is_wait_seconds
from haulmer._forks import ForkSafeLock
from haulmer._shown import shown
from haulmer.errors import ConfigurationError, ValidationError

__all__ = [
    "HAULMER_LIMITS",
    "LONGEST_HOLD",
    "SLOT_MARGIN",
    "Booking",
    "InProcessRateLimiter",
    "Limits",
    "RateLimiter",
    "api_key_fingerprint",
    "check_clock",
    "check_hold",
    "check_limits",
    "clock_seconds",
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


LONGEST_HOLD: Final = LONGEST_TIMEOUT
"""The longest window or hold, in seconds (31 years): the longest wait a sleep can keep (a
socket's timeout, ``LONGEST_TIMEOUT``); a longer one would make every send wait forever."""


def check_limits(limits: Sequence[tuple[int, float]]) -> Limits:
    """``limits`` as a tuple of (int, float) pairs; anything else is a ConfigurationError."""
    try:
        pairs = tuple((int(count), float(period)) for count, period in limits)
        valid = bool(pairs) and all(
            count >= 1
            and period > 0
            and count == raw_count
            and not isinstance(raw_count, bool)
            and is_wait_seconds(raw_period)
            for (count, period), (raw_count, raw_period) in zip(pairs, limits, strict=True)
        )
    except (TypeError, ValueError, OverflowError):
        valid = False
    if not valid:
        raise ConfigurationError(
            f"rate limits must be (whole count >= 1, period in seconds above 0 and up to "
            f"{LONGEST_HOLD:g} (31 years)) pairs, such as ((3, 1.0), (100, 60.0)); got "
            f"{shown(limits)}"
        )
    return pairs


def check_hold(seconds: float) -> float:
    """``seconds`` of a hold as a float (none when not above 0); a ValidationError when it is no
    number of seconds a sleep can keep (NaN, infinity, past ``LONGEST_HOLD``, text)."""
    if not is_wait_seconds(seconds):
        raise ValidationError(
            f"A rate limiter's hold is a number of seconds up to {LONGEST_HOLD:g}, such as a "
            f"429's Retry-After; got {shown(seconds)}"
        )
    return max(0.0, float(seconds))


def check_clock(clock: object, like: str) -> None:
    """Refuse a ``clock=`` that is not callable, where the limiter is made (not at its first
    call, as Python's "'int' object is not callable")."""
    if not callable(clock):
        raise ConfigurationError(
            f"clock= is a callable returning seconds, like {like}, got {shown(clock)}"
        )


def clock_seconds(reading: object, like: str) -> float:
    """A ``clock=`` reading as float seconds; a ConfigurationError when it is no finite number
    (NaN, infinity, text, None, a bool), which no window can be counted on."""
    seconds = math.nan
    if not isinstance(reading, bool) and isinstance(reading, (numbers.Real, decimal.Decimal)):
        with contextlib.suppress(ValueError, ArithmeticError):  # an int past a float's range
            seconds = float(reading)
    if not math.isfinite(seconds):
        raise ConfigurationError(
            f"clock= returned {shown(reading)}, which is no finite number of seconds: give a "
            f"clock like {like}"
        )
    return seconds


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

    Implement ``book``, ``release`` and ``hold``, and ``confirm`` if ``book`` reserves turns
    ahead; the async ``abook``, ``arelease``, ``ahold`` and ``aconfirm`` call them unless a
    store has an async client of its own (as ``RedisRateLimiter`` does).
    """

    limits: Limits = HAULMER_LIMITS

    @abstractmethod
    def book(self, bucket: str) -> Booking:
        """Book a send slot that keeps ``bucket`` within every window (and after any hold) and
        say how long to wait for it; or, not reserving one, how long to wait before asking
        again."""

    @abstractmethod
    def release(self, booking: Booking) -> None:
        """Give back a slot that was never used (its caller was cancelled while waiting, or its
        client closed meanwhile)."""

    @abstractmethod
    def hold(self, bucket: str, seconds: float) -> None:
        """Book nothing in ``bucket`` for ``seconds`` from now: the server answered 429 with a
        Retry-After, and every client sharing the limiter waits it out, not only the one told."""

    def confirm(self, booking: Booking) -> float:
        """The moment a reserved ``booking`` waited for has come: the seconds to wait more
        before sending (0: send now), when a hold recorded since it was booked reaches that
        moment; the caller waits them and confirms again. By default 0, for a limiter that
        books only for now (as ``RedisRateLimiter``): no turn of it is ahead of a hold."""
        return 0.0

    async def abook(self, bucket: str) -> Booking:
        """``book`` for the asyncio client."""
        return self.book(bucket)

    async def arelease(self, booking: Booking) -> None:
        """``release`` for the asyncio client."""
        self.release(booking)

    async def ahold(self, bucket: str, seconds: float) -> None:
        """``hold`` for the asyncio client."""
        self.hold(bucket, seconds)

    async def aconfirm(self, booking: Booking) -> float:
        """``confirm`` for the asyncio client."""
        return self.confirm(booking)

    def close(self) -> None:  # noqa: B027 (optional for stores without connections)
        """Close the store's connections, if the limiter opened any."""

    async def aclose(self) -> None:
        """``close`` for the asyncio client (a store with an async client closes that one)."""
        self.close()


class _Turn:
    """A send booked in a bucket: the moment it may go, moved past a hold that reaches it
    before it goes (``InProcessRateLimiter.confirm``). A ``Booking``'s ``slot``."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at

    def __repr__(self) -> str:
        return f"<turn at {self.at:.3f}>"


class _Windows:
    """One bucket's booked turns (one deque per window) and its hold."""

    def __init__(self, count: int) -> None:
        self.sent: tuple[deque[_Turn], ...] = tuple(deque() for _ in range(count))
        self.last = float("-inf")
        self.held_until = float("-inf")

    def remove(self, turn: _Turn) -> None:
        """Forget ``turn`` (the very one, not another booked for the same moment)."""
        for sent in self.sent:
            for index in range(len(sent) - 1, -1, -1):
                if sent[index] is turn:
                    del sent[index]
                    break
        if turn.at == self.last:
            self.last = max((sent[-1].at for sent in self.sent if sent), default=float("-inf"))

    def add(self, turn: _Turn) -> None:
        """Count ``turn``, the latest booked."""
        for sent in self.sent:
            sent.append(turn)
        self.last = turn.at


class InProcessRateLimiter(RateLimiter):
    """Sliding windows over booked send times, per bucket; first come, first served. A turn
    booked for a later moment that a hold reaches before it goes is moved past the hold, behind
    the turns booked meanwhile (``confirm``).

    ``clock`` is monotonic seconds (injectable, so tests drive it without waiting); one stepped
    back (``fake.clock.set()`` to an earlier time) moves the booked turns and holds back with it.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = HAULMER_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits: Limits = check_limits(limits)
        check_clock(clock, "time.monotonic")
        self._clock = clock
        self._buckets: dict[str, _Windows] = {}
        self._lock = ForkSafeLock()
        self._longest = max(period for _, period in self.limits) + SLOT_MARGIN
        self._booked_since_sweep = 0
        self._last_reading = float("-inf")
        """The clock's last reading, to tell when it was stepped back."""

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

    def _now(self) -> float:
        """The clock's reading, refused when it is no finite number of seconds; read under the
        lock. A reading before the last one (a clock of the caller's stepped back: a fake's
        ``set()``) moves every booked moment and hold back by the step, as each keeps its
        distance from now: kept, the next turn would wait out the whole step."""
        reading = self._clock()
        now = (
            reading
            if type(reading) is float and math.isfinite(reading)  # time.monotonic's, at once
            else clock_seconds(reading, "time.monotonic")
        )
        step = self._last_reading - now
        if step > 0:
            self._step_back(step)
        self._last_reading = now
        return now

    def _step_back(self, seconds: float) -> None:
        """Move every booked turn, last moment and hold ``seconds`` earlier."""
        turns = {
            id(turn): turn
            for windows in self._buckets.values()
            for sent in windows.sent
            for turn in sent
        }
        for turn in turns.values():
            turn.at -= seconds
        for windows in self._buckets.values():
            windows.last -= seconds
            windows.held_until -= seconds

    def _windows(self, bucket: str) -> _Windows:
        windows = self._buckets.get(bucket)
        if windows is None:
            windows = self._buckets[bucket] = _Windows(len(self.limits))
        return windows

    def _forget_quiet_buckets(self, now: float) -> None:
        """Forget, now and then, the buckets whose every turn has left the longest window and
        whose hold is over: nothing of theirs can delay a send any more. Kept, a process serving
        many API keys would keep each key's last minute of turns for good. Swept once per as
        many bookings as there are buckets, so a booking costs the same whatever their number."""
        self._booked_since_sweep += 1
        if self._booked_since_sweep < max(64, len(self._buckets)):
            return
        self._booked_since_sweep = 0
        gone = now - self._longest
        for bucket in [
            bucket
            for bucket, windows in self._buckets.items()
            if windows.last <= gone and windows.held_until <= now
        ]:
            del self._buckets[bucket]

    def _next_moment(self, windows: _Windows, now: float) -> float:
        """The first moment from ``now`` after every booked turn and the hold at which each
        window has room for one more send."""
        at = max(now, windows.last, windows.held_until)
        changed = True
        while changed:
            changed = False
            for (count, period), sent in zip(self.limits, windows.sent, strict=True):
                # Forget only what no turn from now on can share a window with: turns booked
                # ahead stay, in case one is released.
                while sent and sent[0].at <= now - period:
                    sent.popleft()
                if len(sent) >= count and sent[-count].at > at - period:
                    at = sent[-count].at + period + SLOT_MARGIN
                    changed = True
        return at

    def book(self, bucket: str) -> Booking:
        with self._lock:
            now = self._now()
            self._forget_quiet_buckets(now)
            windows = self._windows(bucket)
            turn = _Turn(self._next_moment(windows, now))
            windows.add(turn)
            return Booking(bucket, turn, turn.at - now)

    def release(self, booking: Booking) -> None:
        """Give back an unused turn; the last booked one frees its place in the queue. A turn
        given back twice, or not this limiter's, changes nothing."""
        turn = booking.slot
        with self._lock:
            windows = self._buckets.get(booking.bucket)
            if windows is not None and isinstance(turn, _Turn):
                windows.remove(turn)

    def confirm(self, booking: Booking) -> float:
        """0 when ``booking``'s turn may go now; when a hold recorded after it was booked
        reaches its moment, the turn is moved to the first free moment after the hold (behind
        the turns booked meanwhile) and the answer is the wait until then."""
        turn = booking.slot
        with self._lock:
            now = self._now()
            windows = self._buckets.get(booking.bucket)
            if (
                windows is None
                or not isinstance(turn, _Turn)
                or max(now, turn.at) >= windows.held_until
            ):
                return 0.0
            windows.remove(turn)
            turn.at = self._next_moment(windows, now)
            windows.add(turn)
            return turn.at - now

    def hold(self, bucket: str, seconds: float) -> None:
        seconds = check_hold(seconds)
        with self._lock:
            windows = self._windows(bucket)
            windows.held_until = max(windows.held_until, self._now() + seconds)
