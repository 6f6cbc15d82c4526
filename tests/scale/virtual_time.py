"""Virtual time for threads: sleeps return at once, and the clock jumps to the earliest wake-up
only when every thread is asleep or done, as a real clock would order them."""

from __future__ import annotations

import threading


class VirtualTime:
    """A clock (``time()``) and a ``sleep()`` shared by ``threads`` threads, each ``done()`` at its
    end: a discrete-event scheduler, so tests keep the order of wake-ups without waiting."""

    def __init__(self, threads: int, start: float = 1000.0) -> None:
        self._now = start
        self._running = threads
        self._wakes: list[float] = []
        self._changed = threading.Condition()

    def time(self) -> float:
        """Now, in virtual seconds."""
        with self._changed:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of virtual time: until every other thread sleeps longer or is done."""
        with self._changed:
            wake = self._now + max(seconds, 0.0)
            self._wakes.append(wake)
            self._running -= 1
            self._advance_if_idle()
            self._changed.wait_for(lambda: self._now >= wake)

    def done(self) -> None:
        """This thread is finished: the clock no longer waits for it."""
        with self._changed:
            self._running -= 1
            self._advance_if_idle()

    def _advance_if_idle(self) -> None:
        if self._running or not self._wakes:
            return
        self._now = max(self._now, min(self._wakes))
        woken = [wake for wake in self._wakes if wake <= self._now]
        self._wakes = [wake for wake in self._wakes if wake > self._now]
        self._running += len(woken)
        self._changed.notify_all()
