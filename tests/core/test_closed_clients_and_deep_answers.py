"""Two ways an untyped exception used to escape every call: an answer of deeply nested JSON
(``RecursionError``), and a call on a closed client (httpx's ``RuntimeError``). Both are typed
now, sync and async, on the real transport and on the fake's clients alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import (
    APIResponseValidationError,
    APIStatusError,
    ClientClosedError,
    ConfigurationError,
    HaulmerError,
)
from haulmer.testing import FakeHaulmer

from .conftest import API_KEY

DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"error":' * 1000 + b"1" + b"}" * 1000

CALLS: dict[str, Callable[[Any], Any]] = {
    "organization": lambda c: c.openfactura.organization.retrieve(),
    "taxpayer": lambda c: c.openfactura.taxpayer.retrieve("76795561-8"),
    "list_issued": lambda c: c.openfactura.documents.list_issued(),
    "status": lambda c: c.openfactura.documents.status("tok"),
    "sales": lambda c: c.openfactura.registry.sales(2026, 11),
}


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize("status", [200, 400, 503])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_deeply_nested_json_is_a_typed_error_from_every_call(
    call: str, status: int, body: bytes, mock: respx.MockRouter, client: Haulmer
) -> None:
    mock.route(host="dev-api.haulmer.com").respond(status, content=body)
    with pytest.raises(HaulmerError) as caught:
        CALLS[call](client.with_options(max_retries=0))
    expected = APIResponseValidationError if status == 200 else APIStatusError
    assert isinstance(caught.value, expected)
    assert "deeper than" in str(caught.value)


async def test_deeply_nested_json_is_a_typed_error_async(
    mock: respx.MockRouter, aclient: AsyncHaulmer
) -> None:
    mock.route(host="dev-api.haulmer.com").respond(200, content=DEEP)
    with pytest.raises(APIResponseValidationError):
        await aclient.openfactura.organization.retrieve()
    with pytest.raises(APIResponseValidationError):
        await aclient.openfactura.documents.list_issued()


def test_deeply_nested_error_body_on_a_post_is_typed(
    mock: respx.MockRouter, client: Haulmer
) -> None:
    mock.route(host="dev-api.haulmer.com").respond(400, content=DEEP_OBJECT)
    with pytest.raises(APIStatusError) as caught:
        client.openfactura.documents.accuse("76795561-8", 33, 1, "ACD")
    assert caught.value.status_code == 400


def _sync_clients() -> dict[str, Callable[[], Haulmer]]:
    fake = FakeHaulmer()
    return {
        "own pool": lambda: Haulmer(API_KEY, environment="sandbox"),
        "user's pool": lambda: Haulmer(API_KEY, environment="sandbox", http_client=httpx.Client()),
        "fake": fake.client,
    }


@pytest.mark.parametrize("kind", ["own pool", "user's pool", "fake"])
def test_a_closed_client_refuses_calls_with_a_typed_error(kind: str) -> None:
    client = _sync_clients()[kind]()
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="dev-api.haulmer.com").respond(200, json={"rut": "76795561-8"})
        client.close()
        assert client.is_closed
        with pytest.raises(ClientClosedError) as caught:
            client.openfactura.organization.retrieve()
        assert not mock.calls  # refused before anything is sent
    assert isinstance(caught.value, ConfigurationError)
    assert "Haulmer is closed" in str(caught.value)


def test_a_context_managed_client_refuses_calls_after_its_block() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        client.openfactura.organization.retrieve()
    with pytest.raises(ClientClosedError):
        client.openfactura.organization.retrieve()
    with pytest.raises(ClientClosedError):
        client.openfactura.documents.list_issued()


def test_a_with_block_on_a_client_its_first_block_closed_is_refused_at_once() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        client.openfactura.organization.retrieve()
    with pytest.raises(ClientClosedError, match="make a new client"), client:
        pytest.fail("the block ran on a closed client")


async def test_an_async_with_block_on_a_closed_client_is_refused_at_once() -> None:
    fake = FakeHaulmer()
    async with fake.async_client() as client:
        await client.openfactura.organization.retrieve()
    with pytest.raises(ClientClosedError, match="make a new client"):
        async with client:
            pytest.fail("the block ran on a closed client")


def test_a_copy_of_a_closed_client_refuses_calls_and_a_closed_copy_leaves_its_parent() -> None:
    fake = FakeHaulmer()
    parent = fake.client()
    copy = parent.with_options(max_retries=5)
    copy.close()
    with pytest.raises(ClientClosedError):
        copy.openfactura.organization.retrieve()
    assert parent.openfactura.organization.retrieve().rut is not None
    parent_own = Haulmer(API_KEY, environment="sandbox")
    child = parent_own.with_options(timeout=3)
    parent_own.close()
    with pytest.raises(ClientClosedError):
        child.openfactura.organization.retrieve()


@pytest.mark.parametrize("kind", ["own pool", "user's pool", "fake"])
async def test_a_closed_async_client_refuses_calls_with_a_typed_error(kind: str) -> None:
    fake = FakeHaulmer()
    client = {
        "own pool": lambda: AsyncHaulmer(API_KEY, environment="sandbox"),
        "user's pool": lambda: AsyncHaulmer(
            API_KEY, environment="sandbox", http_client=httpx.AsyncClient()
        ),
        "fake": fake.async_client,
    }[kind]()
    async with client:
        await client.openfactura.organization.retrieve() if kind == "fake" else None
    with pytest.raises(ClientClosedError) as caught:
        await client.openfactura.organization.retrieve()
    assert "AsyncHaulmer is closed" in str(caught.value)
    with pytest.raises(ClientClosedError):
        await client.openfactura.documents.list_issued()


async def test_a_closed_async_client_names_aclose_and_async_with_as_what_closed_it() -> None:
    fake = FakeHaulmer()
    client = fake.async_client()
    await client.aclose()
    with pytest.raises(ClientClosedError) as caught:
        await client.openfactura.organization.retrieve()
    assert "(aclose() or the end of its async with block)" in str(caught.value)
    with pytest.raises(ClientClosedError) as again:
        async with client:
            pytest.fail("the block ran on a closed client")
    assert "(aclose() or the end of its async with block)" in str(again.value)


def test_a_closed_client_names_close_and_with_as_what_closed_it() -> None:
    client = FakeHaulmer().client()
    client.close()
    with pytest.raises(ClientClosedError) as caught:
        client.openfactura.organization.retrieve()
    assert "(close() or the end of its with block)" in str(caught.value)
