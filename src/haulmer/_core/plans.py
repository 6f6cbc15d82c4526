"""Plans: the logic of a resource call written once, run by the sync or the async runner.

A plan is a generator that yields steps and receives their answers, then returns the call's
result. It yields an ``APIRequest`` (answered with its decoded value, or its ``APIError`` thrown
in after the runner's retries), a ``Pause`` (the runner sleeps), ``CLOCK`` (answered with the
client's monotonic clock) or ``Blocking`` work (answered with its result, or its exception thrown
in). It holds every decision; the runners only send, sleep, retry and run the blocking work.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from haulmer._core.request import APIRequest
from haulmer._core.waits import Poll
from haulmer.errors import APIError

__all__ = ["CLOCK", "Blocking", "ClockStep", "Pause", "Plan", "WithinDeadline", "poll", "send"]

R = TypeVar("R")
S = TypeVar("S")


@dataclass(frozen=True)
class Pause:
    """A plan step: wait ``seconds`` with the client's sleep before the next request."""

    seconds: float


@dataclass(frozen=True)
class ClockStep:
    """A plan step answered with the client's monotonic clock (a ``() -> float``)."""


CLOCK = ClockStep()


@dataclass(frozen=True)
class Blocking:
    """A plan step: blocking work (a journal's SQLite file) that the asyncio runner runs in a
    worker thread, so the event loop serves other tasks meanwhile; the sync runner calls it."""

    run: Callable[[], Any]


@dataclass(frozen=True)
class WithinDeadline:
    """A plan step: send ``request`` as an ``APIRequest`` step is sent, but retry it only when
    the retry's wait ends by ``deadline`` (on the client's clock): a ``wait...()``'s polls keep
    to its timeout, whatever their ``max_retries`` and the server's Retry-After."""

    request: APIRequest[Any]
    deadline: float


Plan = Generator[APIRequest[Any] | WithinDeadline | Pause | ClockStep | Blocking, Any, R]
"""A resource call: yields requests (and pauses), receives their answers, returns the result."""


def send(request: APIRequest[R]) -> Plan[R]:
    """The plan of a single request: send it (with the runner's retries), return its answer."""
    answer: R = yield request
    return answer


def poll(
    request: APIRequest[S],
    *,
    timeout: float,
    poll_interval: float,
    done: Callable[[S], bool],
    timed_out: Callable[[S | None, float], str],
) -> Plan[S]:
    """Send ``request`` until ``done`` says its answer is the awaited one, pausing in between.

    Failed polls the retry policy calls transient are ridden out until the deadline (then a
    WaitTimeoutError naming the last failure); any other failure is raised at once.
    """
    clock: Callable[[], float] = yield CLOCK
    waits: Poll[S] = Poll(
        timeout=timeout, poll_interval=poll_interval, clock=clock, done=done, timed_out=timed_out
    )
    step = request if math.isinf(waits.deadline) else WithinDeadline(request, waits.deadline)
    while True:
        try:
            answer: S = yield step
        except APIError as error:
            delay = waits.sleep_after_error(error)
            if delay is None:
                raise
        else:
            delay = waits.next_sleep(answer)
            if delay is None:
                return answer
        yield Pause(delay)
