"""The asyncio client's injected sleep, awaited with a clear error when it is no async sleep."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["awaited_sleep", "check_async_sleep"]

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
