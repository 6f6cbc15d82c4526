"""Running many plans at once and yielding their results in order: tasks on the asyncio face,
threads on the blocking one (the one part of a face that token substitution cannot write)."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from haulmer._core.blocking import run_blocking
from haulmer._core.plans import Blocking, Plan
from haulmer._core.stopping import run_in_batch

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["AsyncBatchResults", "AsyncOrderedRunner", "BatchResults", "OrderedRunner"]

T = TypeVar("T")


class AsyncBatchResults(AsyncIterator[T]):
    """A batch's results, in order (``async for``); ``aclose()``, or leaving an ``async with``
    block, stops it at once: the plans still running are cancelled, their blocking work (a
    journal's writes) ends first, and the journal the batch opened is closed."""

    def __init__(self, results: AsyncGenerator[T, None]) -> None:
        self._results = results

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        return await self._results.__anext__()

    async def aclose(self) -> None:
        """Stop the batch: no further plan starts, those running are cancelled (idempotent)."""
        await self._results.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class BatchResults(Iterator[T]):
    """A batch's results, in order (``for``); ``close()``, or leaving a ``with`` block, stops
    it at once: no further plan starts, those running end, and the journal the batch opened is
    closed."""

    def __init__(
        self, results: Generator[T, None, None], *, close: Callable[[], None] | None = None
    ) -> None:
        self._results = results
        self._close_unstarted = close
        """What closes the batch when it is stopped before its first result was asked for:
        the results' own ``finally`` never runs then (the journal opened by the call)."""

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        self._close_unstarted = None  # started: the results close the batch themselves
        return next(self._results)

    def close(self) -> None:
        """Stop the batch: no further plan starts; those running end first (idempotent)."""
        close, self._close_unstarted = self._close_unstarted, None
        self._results.close()
        if close is not None:
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class AsyncOrderedRunner(Generic[T]):
    """Runs plans as asyncio tasks, at most ``concurrency`` at a time, yielding results in the
    plans' order; ``start`` runs before the first plan and ``close`` when the stream ends, both
    blocking work (a journal's file) run in a worker thread; ``finish`` sees each result first.
    """

    def __init__(
        self,
        run: Callable[[Plan[T]], Awaitable[T]],
        concurrency: int,
        *,
        start: Callable[[], None],
        finish: Callable[[T], T],
        close: Callable[[], None],
    ) -> None:
        self._run = run
        self._concurrency = concurrency
        self._start = start
        self._finish = finish
        self._close = close

    def results(self, plans: Iterator[Plan[T]]) -> AsyncBatchResults[T]:
        """The results, in order; stopping early (``aclose()``, an ``async with`` block's end)
        cancels what is still running.

        Nothing runs before the first result is asked for. When the plans cannot be read on
        (the caller's iterable raised) or a plan raises, no further plan starts, the results of
        every plan already started come first, and then that error: nothing already sent goes
        unreported.
        """
        return AsyncBatchResults(self._results(plans))

    async def _results(self, plans: Iterator[Plan[T]]) -> AsyncGenerator[T, None]:
        pending: deque[asyncio.Future[T]] = deque()
        failures: list[Exception] = []
        try:
            await run_blocking(Blocking(self._start))
            for plan in _until_failure(plans, failures):
                pending.append(asyncio.ensure_future(self._run(plan)))
                if len(pending) >= self._concurrency:
                    try:
                        result = await pending.popleft()
                    except Exception as exc:  # raised after the results of the others
                        failures.append(exc)
                        break
                    yield self._finish(result)
            while pending:
                try:
                    result = await pending.popleft()
                except Exception as exc:  # raised after the results of the others
                    failures.append(exc)
                    continue
                yield self._finish(result)
            if failures:
                raise failures[0]
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            await run_blocking(Blocking(self._close))


class OrderedRunner(Generic[T]):
    """Runs plans on a pool of ``concurrency`` threads, yielding results in the plans' order;
    ``start`` runs at once (an error opening a journal is raised by the call itself) and
    ``close`` when the stream ends; ``finish`` sees each result first."""

    def __init__(
        self,
        run: Callable[[Plan[T]], T],
        concurrency: int,
        *,
        start: Callable[[], None],
        finish: Callable[[T], T],
        close: Callable[[], None],
    ) -> None:
        self._run = run
        self._concurrency = concurrency
        self._start = start
        self._finish = finish
        self._close = close

    def results(self, plans: Iterator[Plan[T]]) -> BatchResults[T]:
        """``start`` run, then the results, in order; stopping early cancels what has not
        started.

        When the plans cannot be read on (the caller's iterable raised) or a plan raises, no
        further plan starts, the results of every plan already started come first, and then
        that error: nothing already sent goes unreported.
        """
        self._start()
        return BatchResults(self._results(plans), close=self._close)

    def _results(self, plans: Iterator[Plan[T]]) -> Generator[T, None, None]:
        pending: deque[Future[T]] = deque()
        failures: list[Exception] = []
        pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="haulmer-batch")
        stop = threading.Event()  # set as the stream ends: no sale in flight sends again
        try:
            for plan in _until_failure(plans, failures):
                pending.append(pool.submit(run_in_batch, stop, self._run, plan))
                if len(pending) >= self._concurrency:
                    try:
                        result = pending.popleft().result()
                    except Exception as exc:  # raised after the results of the others
                        failures.append(exc)
                        break
                    yield self._finish(result)
            while pending:
                try:
                    result = pending.popleft().result()
                except Exception as exc:  # raised after the results of the others
                    failures.append(exc)
                    continue
                yield self._finish(result)
            if failures:
                raise failures[0]
        finally:
            stop.set()
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            self._close()


def _until_failure(plans: Iterator[Plan[T]], failures: list[Exception]) -> Iterator[Plan[T]]:
    """The plans, until reading the next one raises: the error goes into ``failures``."""
    while True:
        try:
            plan = next(plans)
        except StopIteration:
            return
        except Exception as exc:  # raised after the started plans' results
            failures.append(exc)
            return
        yield plan
