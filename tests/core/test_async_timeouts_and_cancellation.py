"""AsyncHaulmer under timeouts and cancellation: the timeout error names the phase that ran out,
a slow body is a typed timeout, and a cancelled call propagates CancelledError unchanged with
its pool lease and limiter turn given back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import haulmer
from haulmer import AsyncHaulmer
from haulmer.errors import APITimeoutError, RateLimiterUnavailableError
from haulmer.ratelimit import Booking, RateLimiter

from .conftest import API_KEY
from .helpers import asend, emit, get_org, send


class StalledBody(httpx.AsyncByteStream):
    """A body whose server sends the headers and a first chunk, then stalls: ``release`` lets it
    finish, ``timeout`` has it time out as httpcore's read does."""

    def __init__(self, *, timeout: bool = False) -> None:
        self.timeout = timeout
        self.release = asyncio.Event()
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"rut": '
        if self.timeout:
            raise httpx.ReadTimeout("the server stalled")
        await self.release.wait()
        yield b'"1-9"}'

    async def aclose(self) -> None:
        self.closed = True


class Scripted(httpx.AsyncBaseTransport):
    """Answers each request as ``answer`` says; ``held`` keeps a request in flight."""

    def __init__(self, answer: str, *, body: StalledBody | None = None) -> None:
        self.answer = answer
        self.body = body or StalledBody()
        self.held = asyncio.Event()
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.answer == "in_flight":
            await self.held.wait()
        if self.answer == "503_then_ok" and self.sent == 1:
            return httpx.Response(503)
        if self.answer == "stalled_body":
            return httpx.Response(200, stream=self.body)
        if self.answer in ("read_timeout", "write_timeout"):
            kind = httpx.ReadTimeout if self.answer == "read_timeout" else httpx.WriteTimeout
            raise kind("timed out", request=request)
        return httpx.Response(200, json={"rut": "1-9"})


def client_on(transport: Scripted, **options: Any) -> AsyncHaulmer:
    options.setdefault("environment", "sandbox")
    return AsyncHaulmer(API_KEY, http_client=httpx.AsyncClient(transport=transport), **options)


async def never_wakes(seconds: float) -> None:
    """A sleep that waits until cancelled, as a long back-off or limiter wait does."""
    await asyncio.Event().wait()


@pytest.mark.parametrize(
    ("answer", "timeout", "said"),
    [
        ("read_timeout", haulmer.Timeout(total=30, read=120), "no answer after 120 s"),
        ("read_timeout", httpx.Timeout(10, read=90), "no answer after 90 s"),
        ("read_timeout", 5, "no answer after 5 s"),
        ("write_timeout", httpx.Timeout(10, read=90, write=2), "could not be sent within 2 s"),
        ("write_timeout", haulmer.Timeout(total=30, read=120), "could not be sent within 30 s"),
    ],
)
async def test_a_timeout_names_the_limit_of_the_phase_that_ran_out(
    answer: str, timeout: Any, said: str
) -> None:
    """It named the total (or the read limit, for a write) whatever phase ran out."""
    async with client_on(Scripted(answer), max_retries=0, timeout=timeout) as client:
        with pytest.raises(APITimeoutError) as error:
            await asend(client, get_org())
    assert said in str(error.value)


async def test_a_body_that_stalls_after_the_headers_is_a_timeout_the_post_may_have_done() -> None:
    body = StalledBody(timeout=True)
    transport = Scripted("stalled_body", body=body)
    async with client_on(transport, max_retries=0) as client:
        with pytest.raises(APITimeoutError) as error:
            await asend(client, emit(idempotency_key="sale-7", creates="the document"))
        assert client._pools._active == 0
    assert error.value.request_sent
    assert error.value.may_have_been_carried_out
    assert "idempotency_key='sale-7'" in str(error.value)
    assert body.closed


async def in_flight(client: AsyncHaulmer, transport: Scripted) -> asyncio.Task[Any]:
    """A call started and held where ``transport.answer`` holds it."""
    task = asyncio.ensure_future(asend(client, get_org()))
    for _ in range(20):  # a few turns of the loop: the call reaches its hold point
        await asyncio.sleep(0)
    assert not task.done()
    return task


@pytest.mark.parametrize("phase", ["in_flight", "stalled_body", "503_then_ok"])
async def test_a_call_cancelled_in_any_phase_raises_cancelled_error_and_frees_its_lease(
    phase: str,
) -> None:
    transport = Scripted(phase)
    async with client_on(transport, sleep=never_wakes) as client:
        task = await in_flight(client, transport)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert client._pools._active == 0
        transport.answer = "ok"
        assert (await asend(client, get_org())).rut == "1-9"
    if phase == "stalled_body":
        assert transport.body.closed


async def test_a_deadline_around_a_call_is_asyncios_timeout_error_not_an_api_error() -> None:
    transport = Scripted("in_flight")
    async with client_on(transport) as client:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asend(client, get_org()), timeout=0)
        assert client._pools._active == 0
    assert transport.sent <= 1


async def test_a_call_cancelled_waiting_for_its_turn_leaves_the_turn_to_the_next() -> None:
    transport = Scripted("ok")
    async with client_on(transport, rate_limit=True, clock=lambda: 0.0) as client:
        client._sleep = never_wakes
        for _ in range(3):
            await asend(client, get_org())  # the second's three requests, sent at once
        waiting = asyncio.ensure_future(asend(client, get_org()))
        for _ in range(20):
            await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        waits: list[float] = []

        async def record(seconds: float) -> None:
            waits.append(seconds)

        client._sleep = record
        await asend(client, get_org())
    assert transport.sent == 4
    assert len(waits) == 1
    assert 1.0 <= waits[0] < 1.1  # the first free turn, not the one after the cancelled call's


class _StoreLostAtRelease(RateLimiter):
    """A limiter of one's own that books a turn a second ahead and whose store is gone by the
    time a cancelled call gives the turn back."""

    def book(self, bucket: str) -> Booking:
        return Booking(bucket, "turn", 1.0)

    def release(self, booking: Booking) -> None:
        raise RateLimiterUnavailableError("the store is gone")

    def hold(self, bucket: str, seconds: float) -> None:
        pass


async def test_a_call_cancelled_waiting_for_its_turn_stays_cancelled_if_the_turn_is_not_taken_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """asyncio.timeout() and wait_for() turn a CancelledError into TimeoutError; an error of the
    limiter's raised in its place would escape them."""
    transport = Scripted("ok")
    async with client_on(transport, rate_limit=_StoreLostAtRelease(), sleep=never_wakes) as client:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asend(client, get_org()), timeout=0.01)
    assert transport.sent == 0
    assert "could not be given back" in caplog.text


def test_a_blocking_call_interrupted_for_its_turn_stays_interrupted_if_it_is_not_taken_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with (
        haulmer.Haulmer(
            API_KEY, environment="sandbox", rate_limit=_StoreLostAtRelease(), sleep=interrupted
        ) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        send(client, get_org())
    assert "could not be given back" in caplog.text
