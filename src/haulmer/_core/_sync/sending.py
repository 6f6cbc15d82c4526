# Generated from src/haulmer/_core/_async/sending.py by scripts/unasync.py: do not edit.
"""One attempt of one call over an httpx pool: the limiter's slot, send, read, typed errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from haulmer._core.ratelimit import Booking, RateLimiter
from haulmer._core.ratelimit_choice import counts_in_real_time
from haulmer._core.sending import (
    MAX_ANSWER_BYTES,
    MIN_LIMITER_WAIT,
    UNSLEPT_SLACK,
    UNSLEPT_WAIT,
    PoolKeeper,
    RequestMemo,
    answer_too_large,
    build_request,
    checked_booking,
    checked_confirmation,
    client_closed,
    failed_attempt,
    hold_after_429,
    httpx_lines_redacted,
    limited_bucket,
    limiter_clock_not_slept,
    log_request,
    read_answer,
    turn_not_given_back,
    unusable_pool,
)
from haulmer._core.stopping import batch_stopped, stopped_batch_error
from haulmer.errors import APIConnectionError, ClientClosedError, RateLimitError

if TYPE_CHECKING:  # a first client makes its sender without the request and answer modules
    from haulmer._core.prepare import PreparedRequest
    from haulmer._core.responses import RawResponse

__all__ = ["SyncSender"]


class SyncSender:
    """Sends single attempts over the pool ``pools`` keeps; the runner's retry loop decides what
    comes next.

    ``owns_pool``: close the pool on ``close()`` (a user's ``http_client`` is never closed, but
    the sender refuses further calls either way).
    """

    def __init__(
        self,
        pools: PoolKeeper,
        *,
        owns_pool: bool,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        limiter: RateLimiter | None = None,
        wall_clock: Callable[[], float] = time.time,
        client_name: str = "client",
    ) -> None:
        self._pools = pools
        self._owns_pool = owns_pool
        self._sleep = sleep
        self._clock = clock
        self._limiter = limiter
        self._wall_clock = wall_clock
        self._client_name = client_name
        self._closed = False
        self._memo = RequestMemo()

    @property
    def is_closed(self) -> bool:
        """Whether calls are refused: this sender or its pool was closed."""
        return self._closed or self._pools.is_closed

    def closed_error(self) -> ClientClosedError:
        """The error for a call on the closed client, naming what closes this face's client."""
        return client_closed(self._client_name, "close() or the end of its with block")

    def refuse_calls(self) -> None:
        """Refuse further calls, closing nothing (a copy of a closed client's)."""
        self._closed = True

    def close(self) -> None:
        """Refuse further calls; close the pool if this sender made it."""
        self._closed = True
        if self._owns_pool:
            self._pools.close()

    def attempt(self, prepared: PreparedRequest, attempt: int) -> RawResponse:
        """Send ``prepared`` once (after the limiter's wait) and read its answer; the pool is
        leased for the attempt, so a close meanwhile waits for it to end (see the keeper)."""
        if self.is_closed:
            raise self.closed_error()
        if attempt > 1 and batch_stopped():  # a retry of a sale in flight of a stopped batch
            raise stopped_batch_error()  # (a first attempt goes out, as a sale in flight's)
        self._pools.check_runtime()
        booking = None if self._limiter is None else self._wait_for_slot(prepared)
        try:
            if attempt > 1 and batch_stopped():  # stopped while this retry waited its slot
                raise stopped_batch_error()
            pool = None if self.is_closed else self._pools.lease()
            if pool is None:  # closed (or its pool) while this call waited for its slot
                raise self.closed_error()
        except BaseException:
            if booking is not None:  # nothing was sent on it
                self._give_back(booking)
            raise
        try:
            return self._exchange(pool, prepared, attempt)
        finally:
            self._pools.release(pool)

    def _exchange(self, pool: httpx.Client, prepared: PreparedRequest, attempt: int) -> RawResponse:
        """One request and its answer over ``pool``."""
        request = build_request(pool, prepared, self._memo)
        log_request(request, attempt)
        started = self._clock()
        # A failed attempt's error is raised after its except block, so that the httpx error
        # (which carries the request, its API key and body) is not its context.
        failure: APIConnectionError | None = None
        try:
            # Never follow a redirect, even with a user's follow_redirects=True pool: httpx drops
            # only Authorization when a redirect leaves the host, not the apikey header.
            with httpx_lines_redacted():
                response = pool.send(request, stream=True, follow_redirects=False)
        except httpx.RequestError as exc:
            failure = failed_attempt(exc, prepared, attempt)
        except RuntimeError as exc:
            if self.is_closed:  # closed by another task while this one was sending
                raise self.closed_error() from None
            unusable = unusable_pool(exc, self._client_name, prepared)
            if unusable is not None:
                raise unusable from exc
            raise
        if failure is not None:
            raise failure
        try:
            content = self._read(prepared, response)
        except httpx.RequestError as exc:
            if response.status_code < 300:
                failure = failed_attempt(exc, prepared, attempt)
            else:  # the status says what happened; only its body was cut or undecodable
                content = b""
        finally:
            response.close()
        if failure is not None:
            raise failure
        try:
            return read_answer(
                prepared,
                request,
                response,
                content,
                elapsed=self._clock() - started,
                attempt=attempt,
                now=self._wall_clock(),
            )
        except RateLimitError as error:
            bucket = limited_bucket(self._limiter, prepared)
            hold = hold_after_429(error)
            if self._limiter is not None and bucket is not None and hold is not None:
                # Every client sharing the limiter waits out the server's word, not only this one.
                self._limiter.hold(bucket, hold)
            raise
        finally:
            # The body as it came: an error answer's echo of the API key or a password, which
            # read_answer hides from the error, stays out of this frame's locals.
            del content

    def _read(self, prepared: PreparedRequest, response: httpx.Response) -> bytes:
        """The body of ``response``, decompressed, read a chunk at a time and refused (an
        ``APIResponseValidationError``) past ``MAX_ANSWER_BYTES``: a compressed answer of a
        megabyte may hold gigabytes."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise answer_too_large(prepared, response)
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_for_slot(self, prepared: PreparedRequest) -> Booking | None:
        """Keep to Haulmer's published limits (OpenFactura only, per API key) when the client
        has a limiter: the turn this attempt sends on, once its moment has come."""
        bucket = limited_bucket(self._limiter, prepared)
        if self._limiter is None or bucket is None:
            return None
        booking = checked_booking(self._limiter, self._limiter.book(bucket))
        while not booking.reserved:  # a shared store books only when the send may go now
            self._wait_out(max(booking.wait, MIN_LIMITER_WAIT))
            booking = checked_booking(self._limiter, self._limiter.book(bucket))
        wait = booking.wait
        if wait > 0:
            try:
                # A turn booked ahead asks again when its moment comes: a hold recorded
                # meanwhile (another call's 429) moves it past the hold.
                while wait > 0:
                    self._wait_out(wait)
                    more = checked_confirmation(self._limiter, self._limiter.confirm(booking))
                    wait = max(more, MIN_LIMITER_WAIT) if more > 0 else 0.0
            except BaseException:
                self._give_back(booking)  # interrupted (or refused) before sending
                raise
        return booking

    def _wait_out(self, seconds: float) -> None:
        """Sleep a limiter's wait with the client's sleep. A limiter counting on a real clock
        (the machine's, Redis's) never sees a wait pass that the sleep did not take in real
        time (a fake's sleep, a recorder): each turn would be booked later than the last, for
        ever, so that is a ConfigurationError saying what to pair instead."""
        started = time.monotonic()
        self._sleep(seconds)
        limiter = self._limiter
        if (
            limiter is not None
            and seconds >= UNSLEPT_WAIT
            and time.monotonic() - started < UNSLEPT_SLACK
            and counts_in_real_time(limiter)
        ):
            raise limiter_clock_not_slept(limiter)

    def _give_back(self, booking: Booking) -> None:
        """Give an unused turn back to the limiter, if its store still takes it (else log it:
        the interruption that stopped the send goes on)."""
        if self._limiter is None:
            return
        try:
            self._limiter.release(booking)
        except Exception as lost:
            turn_not_given_back(self._limiter, lost)
