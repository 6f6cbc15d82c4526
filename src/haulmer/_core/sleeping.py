"""The clients' injected sleeps: the asyncio client's awaited, the blocking client's called, each
with a clear error when it is the other kind (which would not wait at all)."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from haulmer._core.stopping import stop_ending_waits, stopped_batch_error

__all__ = [
    "awaited_sleep",
    "check_async_sleep",
    "checked_async_sleep",
    "checked_blocking_sleep",
    "slept",
]

_AWAITED = (
    "an async client's sleep= is awaited, so it must be an async function "
    "(async def sleep(seconds): ...)"
)
"""What both refusals say first: what an async client does with its sleep, and what to write."""


def check_async_sleep(sleep: Any) -> None:
    """Refuse, where the client is made, a builtin such as ``waits.append`` as an async sleep:
    it can only return None. A plain function may return an awaitable (``lambda s:
    asyncio.sleep(s)``), so it is judged by what it returns (:func:`awaited_sleep`)."""
    if inspect.isbuiltin(sleep) and not inspect.iscoroutinefunction(sleep):
        raise TypeError(f"{_AWAITED}, got the builtin {_name(sleep)}")


def checked_async_sleep(sleep: Any) -> Any:
    """``AsyncHaulmer(sleep=...)``, refused where it is given when it is a builtin (see
    :func:`check_async_sleep`)."""
    check_async_sleep(sleep)
    return sleep


_CALLED = (
    "a blocking client's sleep= is called, not awaited, so it must be a blocking function "
    "(time.sleep, or def sleep(seconds): ...); asyncio.sleep is for AsyncHaulmer"
)


def checked_blocking_sleep(sleep: Any) -> Any:
    """``Haulmer(sleep=...)``, refused where it is given when it is an async function: calling
    ``asyncio.sleep`` only makes a coroutine, so every retry would go out at once."""
    if inspect.iscoroutinefunction(sleep):
        raise TypeError(f"{_CALLED}, got the async function {_name(sleep)}")
    return sleep


def slept(sleep: Callable[[float], object], seconds: float) -> None:
    """``sleep(seconds)`` for a blocking client; a sleep that returned an awaitable (``lambda s:
    asyncio.sleep(s)``) did not wait: a TypeError naming it, its coroutine closed unawaited.

    ``time.sleep`` in a retrying sale of a batch waits on the batch's stop instead, so that
    stopping the batch (Ctrl+C, ``close()``) ends a sale waiting to retry (or for its retry's
    turn under the rate limit) at once, as the asyncio face's cancelled sales end, rather than
    after its wait."""
    if sleep is time.sleep:
        stop = stop_ending_waits()
        if stop is not None:
            if stop.wait(seconds):
                raise stopped_batch_error()  # woken by the stop: send nothing more
            return
    waiting: Any = sleep(seconds)
    if inspect.isawaitable(waiting):
        close = getattr(waiting, "close", None)
        if callable(close):
            close()  # no "coroutine was never awaited" warning on top of the error
        raise TypeError(
            f"{_CALLED}; {_name(sleep)} returned {type(waiting).__name__}, which does not wait"
        )


async def awaited_sleep(sleep: Callable[[float], Awaitable[None]], seconds: float) -> None:
    """``await sleep(seconds)``; a sleep that returns no awaitable (a plain function) is a
    TypeError naming it, not Python's "object NoneType can't be used in 'await' expression"."""
    waiting: Any = sleep(seconds)
    if not inspect.isawaitable(waiting):
        raise TypeError(
            f"{_AWAITED}; {_name(sleep)} returned {type(waiting).__name__}, not an awaitable"
        )
    await waiting


def _name(sleep: Any) -> str:
    return str(getattr(sleep, "__qualname__", type(sleep).__name__))
