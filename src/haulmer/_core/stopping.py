"""Whether the blocking batch a worker thread sends a sale of was stopped: the sales in flight
then send no further retry, as the asyncio face's are cancelled (a thread cannot be)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from haulmer.errors import ClientClosedError

__all__ = [
    "batch_stopped",
    "retrying",
    "run_in_batch",
    "stop_ending_waits",
    "stopped_batch_error",
]

T = TypeVar("T")
R = TypeVar("R")

_STOP: ContextVar[threading.Event | None] = ContextVar("haulmer_batch_stop", default=None)
"""The stop of the batch whose sale the current thread runs (None: no batch's)."""


def run_in_batch(stop: threading.Event, work: Callable[[T], R], argument: T) -> R:
    """``work(argument)`` as a sale of the batch that ``stop`` stops, in a worker thread."""
    token = _STOP.set(stop)
    try:
        return work(argument)
    finally:
        _STOP.reset(token)


_RETRYING: ContextVar[bool] = ContextVar("haulmer_retrying", default=False)
"""Whether the current call is past its first attempt (see :func:`retrying`)."""


@contextmanager
def retrying() -> Iterator[None]:
    """Mark the current call as past its first attempt: its waits are the ones a batch's stop
    ends (a first attempt goes out, as a sale in flight's)."""
    token = _RETRYING.set(True)
    try:
        yield
    finally:
        _RETRYING.reset(token)


def stop_ending_waits() -> threading.Event | None:
    """The stop of the batch whose sale the current thread retries, or None: outside a batch,
    or before its first attempt went out."""
    return _STOP.get() if _RETRYING.get() else None


def batch_stopped() -> bool:
    """Whether the current thread runs a sale of a batch that was stopped."""
    stop = _STOP.get()
    return stop is not None and stop.is_set()


def stopped_batch_error() -> ClientClosedError:
    """The error ending a sale whose batch was stopped before its next attempt was sent."""
    return ClientClosedError(
        "The batch was stopped (close(), the end of its with block, or an interruption) while "
        "this sale waited to retry: nothing more was sent for it. Run the "
        "batch again with its journal to send it under the same key"
    )
