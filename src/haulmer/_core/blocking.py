"""Blocking plan steps on the asyncio face: run in a worker thread, and never cut off."""

from __future__ import annotations

import asyncio
from typing import Any

from haulmer._core.asyncio_only import running_loop
from haulmer._core.plans import Blocking

__all__ = ["run_blocking"]


async def run_blocking(step: Blocking) -> Any:
    """``step``'s work in a worker thread, so the event loop serves other tasks meanwhile.

    A caller cancelled meanwhile first waits for the work to end, then is cancelled: what the
    work writes (a journal's record of a document just issued) is written before the batch goes
    on to close that journal, instead of failing on a closed file in a forgotten thread.
    """
    running_loop()  # under trio: a clear error, not asyncio's "await wasn't used with future"
    work = asyncio.ensure_future(asyncio.to_thread(step.run))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait([work])
        if not work.cancelled():
            work.exception()  # retrieved: the caller's cancellation is what goes on
        raise
