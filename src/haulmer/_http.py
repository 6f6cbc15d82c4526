"""Send prepared requests over httpx, with retries; the only module that imports httpx.

Everything decided here comes from pure modules: ``_request`` (what to send), ``_retry`` (whether
and when to retry), ``_responses`` (what the answer means). Only the send and sleep loops exist
twice, once blocking and once async.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import tenacity

from haulmer._config import ClientConfig
from haulmer._logging import logger, redact_headers, redact_url
from haulmer._pagination import AsyncPage, PageInfo, SyncPage
from haulmer._ratelimit import RateLimiter
from haulmer._request import PreparedRequest, prepare_request
from haulmer._resource import APIRequest
from haulmer._responses import (
    RawResponse,
    decode_page,
    error_from_response,
    parse_response,
)
from haulmer._retry import Failure, should_retry, wait_before_retry
from haulmer._types import DEFAULT_TIMEOUT, Timeout
from haulmer.errors import APIConnectionError, APIStatusError, APITimeoutError

__all__ = [
    "AsyncTransport",
    "SyncTransport",
    "async_client_class",
    "default_async_client",
    "default_sync_client",
    "httpx_timeout",
    "sync_client_class",
]

T = TypeVar("T")


def httpx_timeout(timeout: Timeout | None) -> httpx.Timeout:
    """The httpx form of our Timeout (None: wait forever)."""
    if timeout is None:
        return httpx.Timeout(None)
    return httpx.Timeout(timeout.total, connect=timeout.connect)


def sync_client_class() -> type[httpx.Client]:
    """The httpx class a Haulmer sends with (``http_client=`` must be one)."""
    return httpx.Client


def async_client_class() -> type[httpx.AsyncClient]:
    """The httpx class an AsyncHaulmer sends with (``http_client=`` must be one)."""
    return httpx.AsyncClient


def default_sync_client() -> httpx.Client:
    """The pooled httpx client a Haulmer makes when the user brings none."""
    return httpx.Client(timeout=httpx_timeout(DEFAULT_TIMEOUT), follow_redirects=False)


def default_async_client() -> httpx.AsyncClient:
    """The pooled httpx client an AsyncHaulmer makes when the user brings none."""
    return httpx.AsyncClient(timeout=httpx_timeout(DEFAULT_TIMEOUT), follow_redirects=False)


def _connection_error(exc: httpx.RequestError, prepared: PreparedRequest) -> APIConnectionError:
    url = redact_url(prepared.url)
    what = f"{prepared.method} {url}"
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return APITimeoutError(
            f"{what}: timed out connecting; check the network or raise timeout=",
            request_sent=False,
        )
    if isinstance(exc, httpx.TimeoutException):
        total = prepared.timeout.total if prepared.timeout else None
        limit = f" after {total:g} s" if total else ""
        return APITimeoutError(
            f"{what}: no answer{limit}; pass timeout= to wait longer", request_sent=True
        )
    if isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.ProxyError)):
        return APIConnectionError(
            f"{what}: could not connect ({type(exc).__name__}: {exc}); check the URL and network",
            request_sent=False,
        )
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(
            f"{what}: the connection broke before the answer ({type(exc).__name__}); "
            + _how_to_repeat(prepared),
            request_sent=True,
        )
    return APIConnectionError(
        f"{what}: the answer could not be read ({type(exc).__name__}); " + _how_to_repeat(prepared),
        request_sent=True,
    )


def _how_to_repeat(prepared: PreparedRequest) -> str:
    """How to repeat a call whose answer was lost: with the key it sent, freely, or after a check.

    The argument is named only for calls that take ``idempotency_key=`` (they alone set
    ``prepared.idempotency_key``), so the advice is one the call can follow.
    """
    if prepared.idempotency_key:
        return (
            "the call may have been carried out: to repeat it without doing it twice, pass "
            f"idempotency_key={prepared.idempotency_key!r} (the key it sent)"
        )
    header = next((v for k, v in prepared.headers.items() if k.lower() == "idempotency-key"), None)
    if header:
        return (
            "the call may have been carried out: repeat it with the same Idempotency-Key header "
            f"({header!r}) so it is not done twice"
        )
    if prepared.method in ("GET", "HEAD", "OPTIONS"):
        return "it only reads, so repeating it is safe"
    return (
        "the call may have been carried out: check whether it was (retrieve what it changes) "
        "before repeating it"
    )


def _decide(exc: BaseException, retry_safe: bool) -> bool:
    if isinstance(exc, APIStatusError):
        return should_retry(status_code=exc.status_code, code=exc.code, retry_safe=retry_safe)
    if isinstance(exc, APITimeoutError):
        failure = Failure.TIMEOUT if exc.request_sent else Failure.CONNECT
        return should_retry(failure=failure, retry_safe=retry_safe)
    if isinstance(exc, APIConnectionError):
        failure = Failure.NETWORK if exc.request_sent else Failure.CONNECT
        return should_retry(failure=failure, retry_safe=retry_safe)
    return False


def _wait(state: tenacity.RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome is not None else None
    server = exc.retry_after if isinstance(exc, APIStatusError) else None
    return wait_before_retry(state.attempt_number, server=server, jitter=random.random())


def _log_retry(prepared: PreparedRequest) -> Callable[[tenacity.RetryCallState], None]:
    def log(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after %s",
            prepared.method,
            redact_url(prepared.url),
            wait,
            state.attempt_number,
            prepared.max_retries,
            type(exc).__name__,
        )

    return log


def _retry_options(prepared: PreparedRequest) -> dict[str, Any]:
    return {
        "stop": tenacity.stop_after_attempt(prepared.max_retries + 1),
        "retry": tenacity.retry_if_exception(lambda e: _decide(e, prepared.retry_safe)),
        "wait": _wait,
        "before_sleep": _log_retry(prepared),
        "reraise": True,
    }


class _TransportBase:
    """What both send loops share: config, limiter, clocks, building and reading one exchange."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        limiter: RateLimiter | None,
        clock: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._limiter = limiter
        self._clock = clock
        self._wall_clock = wall_clock

    def _prepare(self, request: APIRequest[Any]) -> PreparedRequest:
        return prepare_request(self.config, request)

    def _limiter_slot(self, prepared: PreparedRequest) -> tuple[float, float] | None:
        """The limiter's slot for this attempt and the wait until it (None: no limiter)."""
        if self._limiter is None or prepared.product != "openfactura":
            return None
        return self._limiter.book()

    def _release(self, slot: float) -> None:
        """Give an unused slot back (the wait before it was interrupted: nothing was sent)."""
        assert self._limiter is not None
        self._limiter.release(slot)

    def _build(self, client: httpx.Client | httpx.AsyncClient, p: PreparedRequest) -> httpx.Request:
        return client.build_request(
            p.method,
            p.url,
            params=dict(p.params),
            headers=dict(p.headers),
            content=p.content,
            timeout=httpx_timeout(p.timeout),
        )

    def _log_request(self, request: httpx.Request, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "Request %s %s (attempt %d) headers=%s",
                request.method,
                redact_url(str(request.url)),
                attempt,
                redact_headers(dict(request.headers)),
            )

    def _finish(
        self,
        prepared: PreparedRequest,
        request: httpx.Request,
        response: httpx.Response,
        started: float,
        attempt: int,
    ) -> RawResponse:
        elapsed = self._clock() - started
        raw = RawResponse(
            status_code=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=response.content,
            method=request.method,
            url=redact_url(str(request.url)),
            elapsed=elapsed,
        )
        logger.info(
            "%s %s -> %d (attempt %d, %.0f ms)",
            raw.method,
            raw.url,
            raw.status_code,
            attempt,
            elapsed * 1000,
        )
        if raw.status_code >= 400:
            raise error_from_response(
                raw,
                now=self._wall_clock(),
                attempts=attempt,
                retry_safe=prepared.retry_safe,
                hints=prepared.error_hints,
            )
        return raw

    def _failed(
        self, exc: httpx.RequestError, prepared: PreparedRequest, attempt: int
    ) -> APIConnectionError:
        error = _connection_error(exc, prepared)
        logger.info("%s (attempt %d)", error.message, attempt)
        return error


class SyncTransport(_TransportBase):
    """The blocking send loop over an ``httpx.Client``."""

    def __init__(
        self,
        config: ClientConfig,
        client: httpx.Client,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(config, limiter=limiter, clock=clock)
        self._client = client
        self._sleep = sleep

    def request(self, request: APIRequest[T]) -> T:
        """Send with retries and decode the answer as ``request.cast_to`` says."""
        return parse_response(request, self._send(self._prepare(request)))

    def get_page(self, request: APIRequest[T], *, after: PageInfo | None = None) -> SyncPage[T]:
        """Send a list request; the page fetches its successors through this same method, each
        checked to move on from the page ``after`` which it was asked for."""
        raw = self._send(self._prepare(request))
        items, info, following = decode_page(request, raw, after=after)
        return SyncPage(items, info, following, lambda next_: self.get_page(next_, after=info))

    def _send(self, prepared: PreparedRequest) -> RawResponse:
        retrying = tenacity.Retrying(sleep=self._sleep, **_retry_options(prepared))
        result: RawResponse | None = None
        for attempt in retrying:
            with attempt:
                result = self._attempt(prepared, attempt.retry_state.attempt_number)
        assert result is not None
        return result

    def _attempt(self, prepared: PreparedRequest, attempt: int) -> RawResponse:
        booked = self._limiter_slot(prepared)
        if booked is not None and booked[1] > 0:
            try:
                self._sleep(booked[1])
            except BaseException:
                self._release(booked[0])
                raise
        request = self._build(self._client, prepared)
        self._log_request(request, attempt)
        started = self._clock()
        try:
            # Never follow a redirect, even with a user's follow_redirects=True pool: httpx drops
            # only Authorization when a redirect leaves the host, not the apikey header.
            response = self._client.send(request, follow_redirects=False)
        except httpx.RequestError as exc:
            raise self._failed(exc, prepared, attempt) from exc
        try:
            response.read()
        except httpx.RequestError as exc:
            raise self._failed(exc, prepared, attempt) from exc
        finally:
            response.close()
        return self._finish(prepared, request, response, started, attempt)


class AsyncTransport(_TransportBase):
    """The async send loop over an ``httpx.AsyncClient``."""

    def __init__(
        self,
        config: ClientConfig,
        client: httpx.AsyncClient,
        *,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(config, limiter=limiter, clock=clock)
        self._client = client
        self._sleep = sleep

    async def request(self, request: APIRequest[T]) -> T:
        """Send with retries and decode the answer as ``request.cast_to`` says."""
        return parse_response(request, await self._send(self._prepare(request)))

    async def get_page(
        self, request: APIRequest[T], *, after: PageInfo | None = None
    ) -> AsyncPage[T]:
        """Send a list request; the page fetches its successors through this same method, each
        checked to move on from the page ``after`` which it was asked for."""
        raw = await self._send(self._prepare(request))
        items, info, following = decode_page(request, raw, after=after)
        return AsyncPage(items, info, following, lambda next_: self.get_page(next_, after=info))

    async def _send(self, prepared: PreparedRequest) -> RawResponse:
        retrying = tenacity.AsyncRetrying(sleep=self._sleep, **_retry_options(prepared))
        result: RawResponse | None = None
        async for attempt in retrying:
            with attempt:
                result = await self._attempt(prepared, attempt.retry_state.attempt_number)
        assert result is not None
        return result

    async def _attempt(self, prepared: PreparedRequest, attempt: int) -> RawResponse:
        booked = self._limiter_slot(prepared)
        if booked is not None and booked[1] > 0:
            try:
                await self._sleep(booked[1])
            except BaseException:
                self._release(booked[0])
                raise
        request = self._build(self._client, prepared)
        self._log_request(request, attempt)
        started = self._clock()
        try:
            response = await self._client.send(request, follow_redirects=False)
        except httpx.RequestError as exc:
            raise self._failed(exc, prepared, attempt) from exc
        try:
            await response.aread()
        except httpx.RequestError as exc:
            raise self._failed(exc, prepared, attempt) from exc
        finally:
            await response.aclose()
        return self._finish(prepared, request, response, started, attempt)
