"""Running many plans at once and yielding their results in order: tasks on the asyncio face,
threads on the blocking one (the one part of a face that token substitution cannot write)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from haulmer._core.plans import Plan

__all__ = ["AsyncOrderedRunner", "OrderedRunner"]

T = TypeVar("T")


class AsyncOrderedRunner(Generic[T]):
    """Runs plans as asyncio tasks, at most ``concurrency`` at a time, yielding results in the
    plans' order; ``finish`` sees each result first and ``close`` runs when the stream ends."""

    def __init__(
        self,
        run: Callable[[Plan[T]], Awaitable[T]],
        concurrency: int,
        *,
        finish: Callable[[T], T],
        close: Callable[[], None],
    ) -> None:
        self._run = run
        self._concurrency = concurrency
        self._finish = finish
        self._close = close

    async def results(self, plans: Iterator[Plan[T]]) -> AsyncIterator[T]:
        """The results, in order; stopping early cancels what is still running."""
        pending: deque[asyncio.Future[T]] = deque()
        try:
            for plan in plans:
                pending.append(asyncio.ensure_future(self._run(plan)))
                if len(pending) >= self._concurrency:
                    yield self._finish(await pending.popleft())
            while pending:
                yield self._finish(await pending.popleft())
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            self._close()


class OrderedRunner(Generic[T]):
    """Runs plans on a pool of ``concurrency`` threads, yielding results in the plans' order;
    ``finish`` sees each result first and ``close`` runs when the stream ends."""

    def __init__(
        self,
        run: Callable[[Plan[T]], T],
        concurrency: int,
        *,
        finish: Callable[[T], T],
        close: Callable[[], None],
    ) -> None:
        self._run = run
        self._concurrency = concurrency
        self._finish = finish
        self._close = close

    def results(self, plans: Iterator[Plan[T]]) -> Iterator[T]:
        """The results, in order; stopping early cancels what has not started."""
        pending: deque[Future[T]] = deque()
        pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="haulmer-batch")
        try:
            for plan in plans:
                pending.append(pool.submit(self._run, plan))
                if len(pending) >= self._concurrency:
                    yield self._finish(pending.popleft().result())
            while pending:
                yield self._finish(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            self._close()
