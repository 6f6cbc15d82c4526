"""A controllable clock in Chile's time zone: after start, the fake never reads real time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["SANTIAGO", "FakeClock"]

SANTIAGO = ZoneInfo("America/Santiago")


class FakeClock:
    """Fake time that moves only when told (``advance``/``set``/``sleep``); starts at ``start``."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = (
            self._aware(start) if start else dt.datetime.now(SANTIAGO).replace(microsecond=0)
        )
        self._now = self._start

    @staticmethod
    def _aware(when: dt.datetime) -> dt.datetime:
        if when.tzinfo is None:
            return when.replace(tzinfo=SANTIAGO)
        return when.astimezone(SANTIAGO)

    def now(self) -> dt.datetime:
        """The current fake time, an aware datetime in America/Santiago."""
        return self._now

    def today(self) -> dt.date:
        """The current fake date in Chile."""
        return self._now.date()

    def timestamp(self) -> float:
        """The current fake time as a POSIX timestamp."""
        return self._now.timestamp()

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> dt.datetime:
        """Move time forward (never backwards) and return the new time."""
        delta = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if delta < dt.timedelta(0):
            raise ValueError("FakeClock.advance() only moves forward; use set() to go back")
        # Elapsed time, not wall-clock arithmetic: correct across DST changes.
        self._now = (self._now.astimezone(dt.timezone.utc) + delta).astimezone(SANTIAGO)
        return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to ``when`` (naive datetimes are read as Chilean local time)."""
        self._now = self._aware(when)

    def sleep(self, seconds: float) -> None:
        """A sleep that advances fake time instead of waiting (give it to clients as sleep)."""
        if seconds > 0:
            self.advance(seconds=seconds)

    async def asleep(self, seconds: float) -> None:
        """The async twin of :meth:`sleep`."""
        self.sleep(seconds)

    def reset(self) -> None:
        """Back to the time the clock started at."""
        self._now = self._start

    def __repr__(self) -> str:
        return f"FakeClock({self._now.isoformat()})"
