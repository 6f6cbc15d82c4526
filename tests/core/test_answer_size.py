"""An answer's body is read up to a bound: a compressed answer of a few kilobytes that
decompresses to gigabytes (a broken proxy's, a hostile server's) is refused as it grows, not
held in memory whole."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.sending import MAX_ANSWER_BYTES
from haulmer.errors import APIResponseValidationError

from .conftest import SANDBOX
from .helpers import asend, emit, get_org, send

ORG_URL = f"{SANDBOX}/v2/dte/organization"
DOC_URL = f"{SANDBOX}/v2/dte/document"
_MIB = 1024 * 1024


def _gzip_of_zeros(mebibytes: int) -> list[bytes]:
    """A gzip body of ``mebibytes`` MiB of zeros, in the 64 KiB pieces a socket gives."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(_MIB)
    body = b"".join(squeeze.compress(zeros) for _ in range(mebibytes)) + squeeze.flush()
    return [body[i : i + 65_536] for i in range(0, len(body), 65_536)]


class Bomb(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A gzip body that decompresses past the bound; counts the pieces it gave."""

    def __init__(self, mebibytes: int) -> None:
        self.pieces = _gzip_of_zeros(mebibytes)
        self.given = 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.given += 1
            yield piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            self.given += 1
            yield piece


def _bomb_answer(bomb: Bomb, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        headers={"content-encoding": "gzip", "content-type": "application/json"},
        stream=bomb,
    )


def test_the_bound_is_64_mebibytes() -> None:
    assert MAX_ANSWER_BYTES == 64 * _MIB


def test_a_compressed_answer_past_the_bound_is_refused_while_it_is_read(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    bomb = Bomb(mebibytes=2 * MAX_ANSWER_BYTES // _MIB)
    route = mock.get(ORG_URL).mock(return_value=_bomb_answer(bomb))
    with pytest.raises(APIResponseValidationError, match="more than 64 MiB") as caught:
        send(client, get_org())
    assert caught.value.status_code == 200
    assert bomb.given < len(bomb.pieces)  # the rest was never read
    assert route.call_count == 1  # not retried: the same answer would come again
    assert not caught.value.may_have_been_carried_out  # a read names no key


async def test_async_a_compressed_answer_past_the_bound_is_refused(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    bomb = Bomb(mebibytes=2 * MAX_ANSWER_BYTES // _MIB)
    mock.get(ORG_URL).mock(return_value=_bomb_answer(bomb))
    with pytest.raises(APIResponseValidationError, match="more than 64 MiB"):
        await asend(aclient, get_org())
    assert bomb.given < len(bomb.pieces)


def test_an_error_answer_past_the_bound_is_refused_too(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    bomb = Bomb(mebibytes=MAX_ANSWER_BYTES // _MIB + 1)
    mock.get(ORG_URL).mock(return_value=_bomb_answer(bomb, status=400))
    with pytest.raises(APIResponseValidationError, match="HTTP 400 with a body of more than"):
        send(client, get_org())


def test_a_keyed_call_answered_2xx_past_the_bound_names_its_key(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    bomb = Bomb(mebibytes=MAX_ANSWER_BYTES // _MIB + 1)
    mock.post(DOC_URL).mock(return_value=_bomb_answer(bomb))
    with pytest.raises(APIResponseValidationError) as caught:
        send(client, emit(idempotency_key="sale-9"))
    assert caught.value.may_have_been_carried_out
    assert "pass idempotency_key='sale-9' (the key it sent)" in str(caught.value)


def test_an_answer_at_the_bound_is_read_whole(client: Haulmer, mock: respx.MockRouter) -> None:
    body = b'"' + b"a" * (MAX_ANSWER_BYTES - 2) + b'"'
    mock.get(ORG_URL).respond(200, content=body, headers={"content-type": "application/json"})
    from haulmer._core.request import APIRequest

    text = send(client, APIRequest("GET", "/v2/dte/organization", "openfactura", str))
    assert len(text) == MAX_ANSWER_BYTES
