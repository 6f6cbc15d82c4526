"""Work done when an event loop ends: closing connections that belong to that loop, in it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, cast

__all__ = ["at_loop_end"]


async def _waits_for_loop_end(work: Callable[[], Awaitable[object]]) -> AsyncIterator[None]:
    """Suspended in its loop until the loop shuts down its async generators (at the end of
    ``asyncio.run()``, of a test's loop), then runs ``work`` there, while the loop still runs."""
    try:
        yield
    finally:
        await work()


def at_loop_end(work: Callable[[], Awaitable[object]]) -> AsyncIterator[None]:
    """Have the running loop await ``work()`` when it ends; called from inside that loop.

    Keep what this returns as long as ``work`` should wait: dropped while the loop runs, the
    loop runs ``work`` then. Connections of asyncio (httpx's, redis.asyncio's) can be closed
    only in their own loop, and a loop that ended without closing them leaves them to the
    garbage collector, which warns of each unclosed transport.
    """
    watcher = _waits_for_loop_end(work)
    step = cast("Coroutine[Any, Any, None]", watcher.__anext__())  # noted by the loop's hooks
    with contextlib.suppress(StopIteration):  # how the step ends when the body reaches yield
        step.send(None)
    return watcher
