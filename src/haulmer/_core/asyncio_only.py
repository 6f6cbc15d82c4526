"""The asyncio client runs on asyncio only: the running loop, or an error saying so at the call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from haulmer.errors import ConfigurationError

if TYPE_CHECKING:
    import asyncio

__all__ = ["running_loop"]


def running_loop(owner: str = "AsyncHaulmer") -> asyncio.AbstractEventLoop:
    """The asyncio loop this call runs in (uvloop's too); awaited under trio, or a coroutine
    driven by hand, a ``ConfigurationError`` saying what to do instead of asyncio's "no running
    event loop" from deep inside (its pool, sleeps and worker threads are asyncio's)."""
    import asyncio  # here: the blocking face never needs it

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise ConfigurationError(
            f"This {owner} call is awaited outside an asyncio event loop (under trio or another "
            f"async library?): {owner} runs on asyncio only (asyncio.run(), uvloop, anyio's "
            "asyncio backend). Under trio, call the blocking haulmer.Haulmer in a worker thread "
            "(await trio.to_thread.run_sync(...)), or run this code under asyncio"
        ) from None
