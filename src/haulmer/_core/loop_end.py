"""Closing what belongs to an event loop in that loop: when the loop ends, or soon after its
owner is dropped unclosed while the loop runs."""

from __future__ import annotations

import contextlib
import warnings
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

__all__ = ["LoopEnd"]

_PENDING: set[LoopEnd] = set()
"""Every ``LoopEnd`` not yet run: held here rather than only by its owner, so that what its work
closes stays reachable until it is closed. Collected with its owner, an open connection of
asyncio would be finalized by the garbage collector, which warns of each unclosed transport."""


class LoopEnd:
    """``work()`` awaited in the running loop when that loop ends (``asyncio.run()`` shuts down
    its async generators), or soon after ``owner`` is collected while the loop runs; at most once.

    Connections of asyncio (httpx's, redis.asyncio's) can be closed only in their own loop.
    """

    def __init__(
        self,
        work: Callable[[], Awaitable[object]],
        *,
        owner: object,
        unclosed_warning: str | None = None,
    ) -> None:
        import asyncio  # here: the blocking face never needs it

        self._loop = asyncio.get_running_loop()
        self._unclosed_warning = unclosed_warning
        """A ``ResourceWarning`` for an owner collected after its loop closed without ending
        (no ``asyncio.run()``, no ``shutdown_asyncgens()``): the work can run nowhere then."""
        self._task: asyncio.Task[None] | None = None
        self._watcher = self._waits_for_loop_end(work)
        step = self._watcher.__anext__()  # which the loop's asyncio hooks note
        with contextlib.suppress(StopIteration):  # how the step ends when the body reaches yield
            step.send(None)
        _PENDING.add(self)
        self._owner_gone = weakref.finalize(owner, self._close_soon)
        self._owner_gone.atexit = False

    async def _waits_for_loop_end(
        self, work: Callable[[], Awaitable[object]]
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            try:
                await work()
            finally:
                self.forget()

    def _close_soon(self) -> None:
        """The owner was collected: run the work in its loop, if that loop still runs."""
        loop = self._loop
        if loop.is_closed():
            self.forget()
            if self._unclosed_warning is not None:
                warnings.warn(self._unclosed_warning, ResourceWarning, stacklevel=1)
            return
        with contextlib.suppress(RuntimeError):  # closed meanwhile, in another thread
            loop.call_soon_threadsafe(self._start_closing)

    def _start_closing(self) -> None:
        self._task = self._loop.create_task(self._close())

    async def _close(self) -> None:
        await self._watcher.aclose()

    def forget(self) -> None:
        """Never run the work (it ran, or its loop ended without running it)."""
        _PENDING.discard(self)
        self._owner_gone.detach()

    def __repr__(self) -> str:
        return f"<LoopEnd of {self._loop!r}>"
