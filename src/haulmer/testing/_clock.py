"""A controllable clock in Chile's time zone: after start, the fake never reads real time.

Except when asked to: :meth:`FakeClock.follow_real_time` (what ``serve()`` does) makes it also move
with the real time that passes, so that clients which really wait see the fake's time pass too.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from haulmer._chile import santiago
from haulmer._forks import ForkSafeLock

__all__ = ["SANTIAGO", "FakeClock", "elapsed", "later", "reached"]

SANTIAGO = santiago()
_MICROSECOND = 1e-6
"""The clock's resolution (a datetime's), in seconds: the least a sleep moves it."""


def later(when: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``when`` plus ``delta`` of elapsed time, in Chile.

    ``when + delta`` on a datetime in America/Santiago adds to the wall clock, which is an hour
    off across a DST change: a "24 h" window would last 23 or 25 hours.
    """
    return (when.astimezone(dt.timezone.utc) + delta).astimezone(SANTIAGO)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The time that passed from ``start`` to ``end`` (not their wall clocks' difference)."""
    return end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)


def reached(now: dt.datetime, moment: dt.datetime) -> bool:
    """Whether ``now`` is at or past ``moment``, also in the hour Chile lives twice in April
    (two datetimes of one time zone compare by their wall clocks)."""
    return elapsed(moment, now) >= dt.timedelta(0)


class FakeClock:
    """Fake time that moves only when told (``advance``/``set``/``sleep``); starts at ``start``.

    Safe to share between threads: every read and move takes the clock's lock.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = (
            self._aware(start)
            if start is not None
            else dt.datetime.now(SANTIAGO).replace(microsecond=0)
        )
        self._now = self._start
        self._lock = ForkSafeLock()
        self._real_mark: float | None = None
        self._servers = 0
        """How many ``serve()`` blocks hold this clock on real time (see :meth:`served`)."""
        self._followed_before_serving = False
        self._sleeping: dict[Any, list[dt.datetime]] = {}
        """Per event loop (held while it has sleepers: uvloop's takes no weak reference), the
        moments its tasks sleeping in :meth:`asleep` are due."""

    @staticmethod
    def _aware(when: dt.datetime) -> dt.datetime:
        if not isinstance(when, dt.datetime):
            raise TypeError(f"the fake clock takes a datetime.datetime, got {type(when).__name__}")
        if when.tzinfo is None:
            when = when.replace(tzinfo=SANTIAGO)
        # Through UTC: a wall time the clocks skipped (00:30 on 6 September 2026) becomes the
        # one of that instant (01:30-03:00), never a time Chile does not have.
        return when.astimezone(dt.timezone.utc).astimezone(SANTIAGO)

    def _catch_up(self) -> None:
        """Add the real time passed since the last reading (only while following real time)."""
        if self._real_mark is None:
            return
        mark = time.monotonic()
        elapsed = mark - self._real_mark
        self._real_mark = mark
        if elapsed > 0:
            utc = self._now.astimezone(dt.timezone.utc) + dt.timedelta(seconds=elapsed)
            self._now = utc.astimezone(SANTIAGO)

    def now(self) -> dt.datetime:
        """The current fake time, an aware datetime in America/Santiago."""
        with self._lock:
            self._catch_up()
            return self._now

    def today(self) -> dt.date:
        """The current fake date in Chile."""
        return self.now().date()

    def timestamp(self) -> float:
        """The current fake time as a POSIX timestamp."""
        return self.now().timestamp()

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> dt.datetime:
        """Move time forward (never backwards) and return the new time.

        A move past what ``datetime`` holds (the year 9999) or by NaN is a ``ValueError``, and
        leaves the clock where it was.
        """
        try:
            delta = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        except (OverflowError, ValueError):
            raise ValueError(
                "FakeClock.advance() takes a finite move of less than 999,999,999 days"
            ) from None
        if delta < dt.timedelta(0):
            raise ValueError("FakeClock.advance() only moves forward; use set() to go back")
        with self._lock:
            self._catch_up()
            # Elapsed time, not wall-clock arithmetic: correct across DST changes.
            try:
                moved = (self._now.astimezone(dt.timezone.utc) + delta).astimezone(SANTIAGO)
            except OverflowError:
                raise ValueError(
                    f"FakeClock.advance() by {delta} would pass the year 9999 from {self._now}"
                ) from None
            self._now = moved
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to ``when`` (naive datetimes are read as Chilean local time; one in the hour
        Chile skips in September at the offset before it, one in the hour it lives twice in
        April as its first time unless ``fold=1``)."""
        with self._lock:
            self._catch_up()
            self._now = self._aware(when)

    def sleep(self, seconds: float) -> None:
        """A sleep that advances fake time instead of waiting (give it to clients as sleep).

        Any positive sleep moves the clock, by at least the microsecond it keeps: a wait's last
        sleep (what its deadline has left after float rounding, 1e-7 s) must let time pass, or
        the wait would poll forever at the same instant.
        """
        if seconds > 0:
            self.advance(seconds=max(seconds, _MICROSECOND))

    async def asleep(self, seconds: float) -> None:
        """The async twin of :meth:`sleep`, and like ``asyncio.sleep`` a point where the event
        loop runs other tasks and delivers a cancellation (an async ``wait()`` on the fake
        would otherwise poll to its end without letting either happen). Outside an asyncio
        loop (a coroutine driven by hand, another async library) it only moves the clock.

        Tasks of one event loop sleeping at once wake in the order of their moments, each at
        its own, as on a real clock: a sleep waits for those of the loop due earlier to wake
        before it moves the clock to its moment, so the clock ends at the latest moment, not at
        the sum of the waits, and a task never wakes later than one due after it.
        """
        await self._asleep_then(seconds, None)

    async def _asleep_then(
        self, seconds: float, then: Callable[[], Awaitable[object]] | None
    ) -> None:
        """:meth:`asleep`, and at its moment ``then()`` awaited before the sleep counts as over:
        a client's own sleep, which may let other tasks run, runs before any task due later
        moves the clock past this one's moment."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.sleep(seconds)
            if then is not None:
                await then()
            return
        if not seconds > 0:
            await asyncio.sleep(0)
            if then is not None:
                await then()
            return
        with self._lock:
            self._catch_up()
            due = self._later(self._now, max(seconds, _MICROSECOND))
            sleeping = self._sleeping.setdefault(loop, [])
            sleeping.append(due)
        try:
            await asyncio.sleep(0)  # the tasks ready now sleep too: the earliest moment goes first
            turns = 0
            while self._sleeps_due_before(loop, due):
                turns += 1  # past a few turns, an earlier task is in a real wait: do not spin
                await asyncio.sleep(0 if turns < 100 else 0.001)
            with self._lock:
                self._catch_up()
                if elapsed(self._now, due) > dt.timedelta(0):
                    self._now = due
            await asyncio.sleep(0)
            if then is not None:
                await then()
        finally:
            with self._lock:
                sleeping.remove(due)
                if not sleeping and self._sleeping.get(loop) is sleeping:
                    del self._sleeping[loop]

    def _sleeps_due_before(self, loop: object, due: dt.datetime) -> bool:
        """Whether a sleep of ``loop`` is due before ``due`` and has not woken yet."""
        with self._lock:
            return any(elapsed(other, due) > dt.timedelta(0) for other in self._sleeping[loop])

    @staticmethod
    def _later(now: dt.datetime, seconds: float) -> dt.datetime:
        """``now`` plus ``seconds``, as :meth:`advance` moves it."""
        try:
            return later(now, dt.timedelta(seconds=seconds))
        except (OverflowError, ValueError):
            raise ValueError(
                f"FakeClock.asleep({seconds}) would pass the year 9999 from {now}"
            ) from None

    def follow_real_time(self, follow: bool = True) -> None:
        """Also move with real time from now on (``False``: stop, keeping the time reached).

        ``serve()`` turns this on so that a client in another process, which really waits (on a
        rate limit's "Try again in 1 seconds", on a status), sees the fake's time pass.
        """
        with self._lock:
            self._catch_up()
            self._real_mark = time.monotonic() if follow else None

    def served(self, serving: bool) -> None:
        """A ``serve()`` block starts (``True``) or ends (``False``) holding this clock on real
        time: it follows real time until the last such block of the clock ends, and then goes
        back to what it did before the first began."""
        with self._lock:
            self._catch_up()
            if serving:
                if self._servers == 0:
                    self._followed_before_serving = self._real_mark is not None
                self._servers += 1
                if self._real_mark is None:
                    self._real_mark = time.monotonic()
                return
            self._servers = max(0, self._servers - 1)
            if self._servers == 0 and not self._followed_before_serving:
                self._real_mark = None

    @property
    def follows_real_time(self) -> bool:
        """Whether real time passing also moves this clock (see :meth:`follow_real_time`)."""
        return self._real_mark is not None

    def reset(self) -> None:
        """Back to the time the clock started at."""
        with self._lock:
            if self._real_mark is not None:
                self._real_mark = time.monotonic()
            self._now = self._start

    def __getstate__(self) -> dict[str, Any]:
        """The clock's times (a copy or an unpickled clock gets a lock of its own)."""
        with self._lock:
            return {
                name: value
                for name, value in vars(self).items()
                if name not in ("_lock", "_sleeping")
            }

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._lock = ForkSafeLock()
        self._sleeping = {}

    def __repr__(self) -> str:
        return f"FakeClock({self.now().isoformat()})"
