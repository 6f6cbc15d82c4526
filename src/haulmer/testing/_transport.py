"""One httpx transport, sync and async, that serves requests from a FakeHaulmer in-process."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from haulmer._core.sleeping import awaited_sleep, check_async_sleep, checked_blocking_sleep, slept
from haulmer.testing._control import ConnectionDropped
from haulmer.testing._fake import FakeHaulmer, Outcome
from haulmer.testing._wire import MAX_BODY, FakeRequest, FakeResponse, Headers, body_too_large

if TYPE_CHECKING:
    from haulmer._async.client import AsyncHaulmer
    from haulmer._sync.client import Haulmer

__all__ = ["FAKE_BASE_URL", "FakeTransport", "build_async_client", "build_client"]

FAKE_BASE_URL = "http://haulmer.fake"
"""The base URL the fake's clients use for every product (the host is ignored by the fake)."""


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Routes ``httpx.Client`` and ``httpx.AsyncClient`` requests to a :class:`FakeHaulmer`.

    Faults become what a client would see on a real network: ``httpx.ConnectError`` for a
    connection dropped before the server acted, ``httpx.ReadError`` after, and
    ``httpx.ReadTimeout`` when a slow answer outlasts the request's read timeout (on the fake
    clock: nothing sleeps for real).
    """

    def __init__(self, fake: FakeHaulmer) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve a sync request."""
        request.read()
        if len(request.content) > MAX_BODY:  # refused before the fake sees it, as serve() does
            return _response(body_too_large(), request)
        outcome = self._serve(request)
        if outcome.delay:
            self.fake.clock.sleep(self._wait(request, outcome))
        return self._answer(request, outcome)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve an async request; a slow answer's delay is an async sleep on the fake clock, so
        the slow answers to requests sent at once overlap as they would on a network."""
        await request.aread()
        if len(request.content) > MAX_BODY:  # refused before the fake sees it, as serve() does
            return _response(body_too_large(), request)
        outcome = self._serve(request)
        if outcome.delay:
            await self.fake.clock.asleep(self._wait(request, outcome))
        return self._answer(request, outcome)

    def _serve(self, request: httpx.Request) -> Outcome:
        url = request.url
        fake_request = FakeRequest(
            method=request.method,
            path=url.path,
            query=dict(url.params.multi_items()) if url.query else {},
            headers=_fake_headers(request.headers),
            content=request.content,
            arrived_at=self.fake.clock.now(),  # before it waits its turn (other threads)
        )
        try:
            outcome = self.fake.handle(fake_request)
        except ConnectionDropped as drop:
            if drop.after:
                raise httpx.ReadError(str(drop), request=request) from None
            raise httpx.ConnectError(str(drop), request=request) from None
        return outcome

    def _wait(self, request: httpx.Request, outcome: Outcome) -> float:
        """How long the client waits for a slow answer: its delay, or the request's read
        timeout when the delay reaches it (the timeout is then raised by :meth:`_answer`)."""
        read_timeout = _read_timeout(request)
        if read_timeout is not None and outcome.delay >= read_timeout:
            return read_timeout
        return outcome.delay

    def _answer(self, request: httpx.Request, outcome: Outcome) -> httpx.Response:
        """The httpx response for ``outcome``, once its delay has passed; ``httpx.ReadTimeout``
        when the delay reached the request's read timeout (after the server acted)."""
        read_timeout = _read_timeout(request)
        if outcome.delay and read_timeout is not None and outcome.delay >= read_timeout:
            self.fake.mark_timed_out(outcome.entry)
            raise httpx.ReadTimeout(
                f"the fake answered after {outcome.delay} s, past the read timeout",
                request=request,
            )
        return _response(outcome.response, request)

    def close(self) -> None:
        """Nothing to release: the fake lives in memory."""

    async def aclose(self) -> None:
        """Nothing to release: the fake lives in memory."""


def _response(response: FakeResponse, request: httpx.Request) -> httpx.Response:
    """``response`` as httpx's, with its Content-Length, as a server sends it; unread, as a
    network transport answers: the client reads it once (Response(content=) would read it here,
    and the client's reading would go over it again)."""
    headers, body = response.encoded()
    if request.method == "HEAD":  # its headers only, as serve() sends it (RFC 9110 9.3.2)
        body = b""
    return httpx.Response(
        response.status, headers=headers, stream=httpx.ByteStream(body), request=request
    )


def _fake_headers(headers: httpx.Headers) -> Headers:
    """``headers`` as the fake reads them: ``multi_items()`` (names lowercase, decoded as httpx
    decodes them), each pair decoded once instead of asking httpx for its encoding twice."""
    encoding = headers.encoding
    return Headers(
        [(name.lower().decode(encoding), value.decode(encoding)) for name, value in headers.raw]
    )


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read")
    return float(value) if value is not None else None


def _client_kwargs(fake: FakeHaulmer, cls: type[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Defaults for a client on the fake: sandbox key, fake base URLs, the fake's environment,
    no shared rate limiter and the fake clock. None comes from the HAULMER_* variables, which
    describe the real service a test suite must not reach (nor fail on when they are wrong)."""
    from haulmer.testing._fake import ENVIRONMENTS, SANDBOX_API_KEY

    kwargs.setdefault("api_key", SANDBOX_API_KEY)
    given = kwargs.get("environment")
    wanted = given.strip().lower() if isinstance(given, str) else given
    if wanted in ENVIRONMENTS and wanted != fake.environment:
        raise ValueError(
            f"this fake answers as OpenFactura's {fake.environment}, whatever its client says: "
            f"for a client of {wanted}, make the fake so, FakeHaulmer(environment={wanted!r}), "
            "and leave environment= out of its clients"
        )
    if "base_urls" not in kwargs and (given is None or wanted == fake.environment):
        # The fake's own environment too: neither has a public platform URL.
        kwargs["base_urls"] = {"openfactura": FAKE_BASE_URL, "platform": FAKE_BASE_URL}
        kwargs["environment"] = fake.environment
    kwargs.setdefault("rate_limit", False)
    params = inspect.signature(cls).parameters
    if "sleep" in params:
        is_async = inspect.iscoroutinefunction(
            getattr(cls, "close", None)
        ) or cls.__name__.startswith("Async")
        given = kwargs.get("sleep")
        if given is None:
            kwargs["sleep"] = fake.clock.asleep if is_async else fake.clock.sleep
        elif is_async:
            check_async_sleep(given)
            kwargs["sleep"] = _async_sleep_on_clock(fake, given)
        else:
            kwargs["sleep"] = _sleep_on_clock(fake, checked_blocking_sleep(given))
    # None is "the default", as for sleep: the fake's clock, not the machine's.
    if "clock" in params and kwargs.get("clock") is None:
        kwargs["clock"] = fake.clock.timestamp
    if "now" in params and kwargs.get("now") is None:
        kwargs["now"] = fake.clock.now
    return kwargs


def _sleep_on_clock(fake: FakeHaulmer, sleep: Callable[[float], None]) -> Callable[[float], None]:
    """A caller's sleep that also moves the fake clock: the fake's rate limit and statuses see
    the wait the SDK meant, whatever the caller's sleep does (a recorder, a no-op)."""

    def sleep_and_advance(seconds: float) -> None:
        fake.clock.sleep(seconds)
        slept(sleep, seconds)

    return sleep_and_advance


def _async_sleep_on_clock(
    fake: FakeHaulmer, sleep: Callable[[float], Awaitable[None]]
) -> Callable[[float], Awaitable[None]]:
    """The async twin of :func:`_sleep_on_clock`; the clock moves as ``fake.clock.asleep``
    moves it (tasks sleeping at once wake at their own moments), then the caller's sleep runs."""

    async def sleep_and_advance(seconds: float) -> None:
        await fake.clock._asleep_then(seconds, lambda: awaited_sleep(sleep, seconds))

    return sleep_and_advance


def _check_own_http_client(fake: FakeHaulmer, kwargs: dict[str, Any], class_name: str) -> None:
    """Refuse a caller's ``http_client`` that sends to the network while the client's base URLs
    are the fake's: its requests would go to ``http://haulmer.fake`` for real (a DNS failure,
    retried), never to the fake. A client built on ``fake.transport`` (or on a transport of the
    caller's that wraps it) is taken, and so is any client given ``base_urls`` of its own (a
    ``serve()`` URL). One built on another fake's transport is refused: that fake would serve
    it while the client's waits moved this fake's clock."""
    http_client = kwargs.get("http_client")
    transport = getattr(http_client, "_transport", None)
    if isinstance(transport, FakeTransport) and transport.fake is not fake:
        raise ValueError(
            f"http_client= is built on another FakeHaulmer's transport, so that fake would serve "
            f"its requests (its documents, its request log) while its waits moved this fake's "
            f"clock: build it on this fake's, httpx.{class_name}(transport=fake.transport, ...), "
            f"or call other_fake.client(...)"
        )
    network = (httpx.HTTPTransport, httpx.AsyncHTTPTransport)
    on_fake_urls = FAKE_BASE_URL in (kwargs.get("base_urls") or {}).values()
    if on_fake_urls and isinstance(getattr(http_client, "_transport", None), network):
        raise ValueError(
            f"http_client= sends through httpx's network transport, so its requests would "
            f"never reach the fake: build it on the fake's transport, "
            f"httpx.{class_name}(transport=fake.transport, ...), with your timeouts or hooks"
        )


def build_client(fake: FakeHaulmer, **kwargs: Any) -> Haulmer:
    """A ``haulmer.Haulmer`` whose every request is served by ``fake``."""
    from haulmer._sync.client import Haulmer

    kwargs = _client_kwargs(fake, Haulmer, kwargs)
    _check_own_http_client(fake, kwargs, "Client")
    kwargs.setdefault("http_client", httpx.Client(transport=fake.transport))
    return Haulmer(**kwargs)


def build_async_client(fake: FakeHaulmer, **kwargs: Any) -> AsyncHaulmer:
    """A ``haulmer.AsyncHaulmer`` whose every request is served by ``fake``."""
    from haulmer._async.client import AsyncHaulmer

    kwargs = _client_kwargs(fake, AsyncHaulmer, kwargs)
    _check_own_http_client(fake, kwargs, "AsyncClient")
    kwargs.setdefault("http_client", httpx.AsyncClient(transport=fake.transport))
    return AsyncHaulmer(**kwargs)
