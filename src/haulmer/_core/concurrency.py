"""Running many plans at once and yielding their results in order: tasks on the asyncio face,
threads on the blocking one (the one part of a face that token substitution cannot write)."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from haulmer._core.blocking import run_blocking
from haulmer._core.plans import Blocking, Plan
from haulmer._core.self_type import Self
from haulmer._core.stopping import run_in_batch
from haulmer._forks import ForkSafeLock
from haulmer.errors import ConfigurationError

__all__ = ["AsyncBatchResults", "AsyncOrderedRunner", "BatchResults", "OrderedRunner"]

T = TypeVar("T")


class AsyncBatchResults(AsyncIterator[T]):
    """A batch's results, in order (``async for``); ``aclose()``, or leaving an ``async with``
    block, stops it at once: the plans still running are cancelled, their blocking work (a
    journal's writes) ends first, and the journal the batch opened is closed."""

    def __init__(self, results: AsyncGenerator[T, None], stop: _AsyncStop | None = None) -> None:
        self._results = results
        self._stop = stop
        self._turn: asyncio.Lock | None = None
        """Held while a result is asked for or the batch is closed: one of them at a time."""

    def __aiter__(self) -> Self:
        return self

    def _lock(self) -> asyncio.Lock:
        if self._turn is None:
            self._turn = asyncio.Lock()
        return self._turn

    async def __anext__(self) -> T:
        async with self._lock():
            try:
                return await self._results.__anext__()
            except StopAsyncIteration:
                if self._stop is not None and self._stop.interrupted is not None:
                    raise _interrupted(self._stop.interrupted) from None
                raise

    async def aclose(self) -> None:
        """Stop the batch: no further plan starts, those running are cancelled (idempotent),
        also while another task awaits its next result (whose loop then ends)."""
        turn = self._lock()
        if self._stop is not None:
            self._stop.closing = True
        if turn.locked() and self._stop is not None:  # another task awaits a result
            await self._stop.stop()
            return
        async with turn:  # a result asked for meanwhile waits, then finds the batch ended
            await self._results.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


_INTERRUPTIONS = {
    "loop": (
        "closed when the event loop it ran in ended (asyncio.run() returned)",
        "Iterate a batch to its end in one event loop (inside an async with block)",
    ),
    "cancelled": (
        "cancelled while a result was awaited (a timeout, such as asyncio.wait_for's, the task "
        "awaiting it cancelled, or the end of its event loop)",
        "Await each result whole, in one event loop, without a timeout that cancels it",
    ),
}
"""How a batch's results were stopped from outside, and what to do instead."""


def _interrupted(how: str) -> ConfigurationError:
    """The error for a result asked of a batch stopped from outside before its last one."""
    what, instead = _INTERRUPTIONS[how]
    return ConfigurationError(
        f"This batch was {what} before its last result was read: the sales not reported yet "
        f"were stopped, some perhaps while being sent. {instead}, and to send the rest run "
        "emit_many again with the same sales and its journal, which answers those already "
        "issued"
    )


class BatchResults(Iterator[T]):
    """A batch's results, in order (``for``); ``close()``, or leaving a ``with`` block, stops
    it at once: no further plan starts, those running end, and the journal the batch opened is
    closed."""

    def __init__(
        self,
        results: Generator[T, None, None],
        *,
        close: Callable[[], None] | None = None,
        stop: _Stop | None = None,
    ) -> None:
        self._results = results
        self._close_unstarted = close
        """What closes the batch when it is stopped before its first result was asked for:
        the results' own ``finally`` never runs then (the journal opened by the call)."""
        self._stop = stop
        self._turn = ForkSafeLock()
        """Held while a result is asked for or the batch is closed: one of them at a time."""

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        with self._turn:
            self._close_unstarted = None  # started: the results close the batch themselves
            if self._stop is not None:
                self._stop.consumer = threading.get_ident()
            return next(self._results)

    def close(self) -> None:
        """Stop the batch: no further plan starts; those running end first (idempotent), also
        while another thread waits for its next result (whose loop then ends)."""
        stop = self._stop
        if not self._turn.acquire(blocking=stop is None):  # a result is being asked for
            assert stop is not None
            stop.request()
            if stop.consumer != threading.get_ident():  # not a signal handler of its own
                stop.ended.wait()
            return
        try:  # a result asked for meanwhile waits, then finds the batch ended
            close, self._close_unstarted = self._close_unstarted, None
            self._results.close()
            if close is not None:
                close()
        finally:
            self._turn.release()

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
        stop = _AsyncStop()
        return AsyncBatchResults(self._results(plans, stop), stop)

    async def _results(self, plans: Iterator[Plan[T]], stop: _AsyncStop) -> AsyncGenerator[T, None]:
        pending = stop.pending
        failures: list[Exception] = []
        try:
            await run_blocking(Blocking(self._start))
            for plan in _until_failure(plans, failures):
                if stop.requested:
                    return
                pending.append(asyncio.ensure_future(self._run(plan)))
                if len(pending) >= self._concurrency:
                    try:
                        result = await stop.first_of(pending)
                    except Exception as exc:  # raised after the results of the others
                        failures.append(exc)
                        break
                    if stop.requested:
                        return
                    yield self._finish(result)
            while pending:
                try:
                    result = await stop.first_of(pending)
                except Exception as exc:  # raised after the results of the others
                    failures.append(exc)
                    continue
                if stop.requested:
                    return
                yield self._finish(result)
            if failures:
                raise failures[0]
        except asyncio.CancelledError:
            if stop.requested and not _cancelling():
                return  # stopped by aclose() from another task: the consumer's loop ends
            stop.interrupted = "cancelled"
            raise
        except GeneratorExit:
            # Closed, not by the batch's aclose(): by the end of its event loop, which closes
            # the async generators left (asyncio.run(), loop.shutdown_asyncgens()).
            if not stop.closing:
                stop.interrupted = "loop"
            raise
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            try:
                await run_blocking(Blocking(self._close))
            finally:
                stop.ended.set()


class _AsyncStop:
    """What stops an ``AsyncOrderedRunner``'s results from another task while the consumer
    awaits the next one (an async generator cannot be closed while it runs): the plans running
    are cancelled, the results end, and ``stop()`` returns once the batch is closed."""

    def __init__(self) -> None:
        self.requested = False
        self.closing = False
        """Whether the batch's ``aclose()`` was called."""
        self.interrupted: str | None = None
        """How the results were stopped from outside, not by ``aclose()``: ``"loop"`` (the end
        of their event loop) or ``"cancelled"`` (the task awaiting a result), else None."""
        self.pending: deque[asyncio.Future[Any]] = deque()
        """The plans running, the first awaited kept here until it is done."""
        self.ended = asyncio.Event()

    async def first_of(self, pending: deque[asyncio.Future[T]]) -> T:
        """The result of the first plan of ``pending``, which leaves it once done."""
        try:
            return await pending[0]
        finally:
            if pending and pending[0].done():
                pending.popleft()

    async def stop(self) -> None:
        """Cancel the plans running and wait for the results to end (idempotent)."""
        self.requested = True
        for task in self.pending:
            task.cancel()
        await self.ended.wait()


def _cancelling() -> bool:
    """Whether the current task itself is being cancelled (not only a plan it awaited)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11 on
    return bool(cancelling()) if callable(cancelling) else False


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
        stop = _Stop()
        return BatchResults(self._results(plans, stop), close=self._close, stop=stop)

    def _results(self, plans: Iterator[Plan[T]], stop: _Stop) -> Generator[T, None, None]:
        pending: deque[Future[T]] = deque()
        failures: list[Exception] = []
        pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="haulmer-batch")
        try:
            for plan in _until_failure(plans, failures):
                if stop.requested.is_set():
                    return
                pending.append(pool.submit(run_in_batch, stop.requested, self._run, plan))
                if len(pending) >= self._concurrency:
                    try:
                        result = pending.popleft().result()
                    except Exception as exc:  # raised after the results of the others
                        if stop.requested.is_set():
                            return  # the sale stopped with its batch
                        failures.append(exc)
                        break
                    if stop.requested.is_set():
                        return
                    yield self._finish(result)
            while pending:
                try:
                    result = pending.popleft().result()
                except Exception as exc:  # raised after the results of the others
                    if stop.requested.is_set():
                        return  # the sale stopped with its batch
                    failures.append(exc)
                    continue
                if stop.requested.is_set():
                    return
                yield self._finish(result)
            if failures:
                raise failures[0]
        finally:
            stop.requested.set()  # as the stream ends: no sale in flight sends again
            for future in pending:
                future.cancel()
            try:
                pool.shutdown(wait=True)
                self._close()
            finally:
                stop.ended.set()


class _Stop:
    """What stops an ``OrderedRunner``'s results from another thread while the consumer waits
    for the next one (a generator cannot be closed while it runs): the sales in flight send
    no further retry, the results end, and ``close()`` returns once the batch is closed."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        """Set when the batch is stopped, or its results end."""
        self.ended = threading.Event()
        """Set once the pool is shut down and the batch closed."""
        self.consumer: int | None = None
        """The thread that last asked for a result."""

    def request(self) -> None:
        """Stop the batch: its results end after the result awaited now."""
        self.requested.set()


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
