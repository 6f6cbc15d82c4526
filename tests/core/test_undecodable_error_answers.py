"""An error answer whose body cannot be decompressed (a gateway's broken gzip) or is cut midway
is still the error its status says (401, 429, 400...), on both faces: the status was read, only
the body was not, so it is no lost answer, and a 429's Retry-After is still honoured. (An
``httpx.MockTransport``, as respx decompresses the body before the client reads it.)"""

from __future__ import annotations

import httpx
import pytest

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIConnectionError, AuthenticationError, BadRequestError, RateLimitError

from .conftest import API_KEY, Sleeps
from .helpers import asend, emit, get_org, send

BROKEN_GZIP = b"\x1f\x8b\x08not really gzip"


def _broken(status: int, **headers: str) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            stream=httpx.ByteStream(BROKEN_GZIP),
            headers={"content-encoding": "gzip", **headers},
        )

    return httpx.MockTransport(answer)


def _client(transport: httpx.MockTransport, sleeps: Sleeps) -> Haulmer:
    pool = httpx.Client(transport=transport)
    return Haulmer(API_KEY, environment="sandbox", http_client=pool, sleep=sleeps)


def test_a_401_whose_body_cannot_be_decompressed_is_an_authentication_error(
    sleeps: Sleeps,
) -> None:
    with _client(_broken(401), sleeps) as client, pytest.raises(AuthenticationError) as caught:
        send(client, get_org())
    assert caught.value.status_code == 401
    assert sleeps == []  # not retried as a lost answer


def test_a_429_whose_body_cannot_be_decompressed_waits_its_retry_after(sleeps: Sleeps) -> None:
    transport = _broken(429, **{"retry-after": "7"})
    with _client(transport, sleeps) as client, pytest.raises(RateLimitError) as caught:
        send(client, get_org())
    assert caught.value.retry_after == 7.0
    assert sleeps == [7.0, 7.0]


def test_a_200_whose_body_cannot_be_decompressed_is_still_an_unread_answer(
    sleeps: Sleeps,
) -> None:
    with _client(_broken(200), sleeps) as client, pytest.raises(APIConnectionError) as caught:
        send(client, emit(idempotency_key="k-1"))
    assert caught.value.may_have_been_carried_out  # the work was done, its answer unread


async def test_async_a_400_to_an_unkeyed_post_whose_body_cannot_be_decompressed_was_not_done(
    sleeps: Sleeps,
) -> None:
    pool = httpx.AsyncClient(transport=_broken(400))
    async with AsyncHaulmer(
        API_KEY, environment="sandbox", http_client=pool, sleep=sleeps.async_sleep
    ) as client:
        with pytest.raises(BadRequestError) as caught:
            await asend(client, emit())
    await pool.aclose()
    assert caught.value.may_have_been_carried_out is False


class _CutStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A chunked body whose connection breaks after its first chunk."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield b'{"error": {"message": "Valida'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b'{"error": {"message": "Valida'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _cut(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, stream=_CutStream()))


def test_a_400_whose_body_is_cut_midway_is_a_bad_request_that_did_nothing(sleeps: Sleeps) -> None:
    with _client(_cut(400), sleeps) as client, pytest.raises(BadRequestError) as caught:
        send(client, emit())
    assert caught.value.may_have_been_carried_out is False


async def test_async_a_429_whose_body_is_cut_midway_is_a_rate_limit_error(
    sleeps: Sleeps,
) -> None:
    pool = httpx.AsyncClient(transport=_cut(429))
    async with AsyncHaulmer(
        API_KEY, environment="sandbox", http_client=pool, sleep=sleeps.async_sleep
    ) as client:
        with pytest.raises(RateLimitError):
            await asend(client, get_org())
    await pool.aclose()


def test_a_200_whose_body_is_cut_midway_is_an_answer_lost(sleeps: Sleeps) -> None:
    with _client(_cut(200), sleeps) as client, pytest.raises(APIConnectionError) as caught:
        send(client, emit(idempotency_key="k-2"))
    assert caught.value.may_have_been_carried_out
