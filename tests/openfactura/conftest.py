"""Fixtures for the OpenFactura tests: respx-mocked sandbox, and both clients behind one helper."""

from __future__ import annotations

import inspect
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer

BASE_URL = "https://dev-api.haulmer.com"
API_KEY = "0123456789abcdef0123456789abcdef"


async def resolve(value: Any) -> Any:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(page: Any) -> list[Any]:
    """Every item of every page, iterating a SyncPage or an AsyncPage."""
    page = await resolve(page)
    if hasattr(page, "__aiter__"):
        return [item async for item in page]
    return list(page)


SSL_CONTEXT = ssl.create_default_context()


def _no_sleep(seconds: float) -> None:
    return None


async def _no_async_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    """respx routes for Haulmer's sandbox base URL; every request must match one."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture(scope="session")
def _httpx_client() -> Iterator[httpx.Client]:
    # One pool for the session: building an SSL context per test costs more than the test.
    with httpx.Client() as pool:
        yield pool


@pytest.fixture
def sync_client(_httpx_client: httpx.Client) -> Haulmer:
    return Haulmer(
        api_key=API_KEY, environment="sandbox", sleep=_no_sleep, http_client=_httpx_client
    )


@pytest.fixture
async def async_client() -> AsyncIterator[AsyncHaulmer]:
    async with httpx.AsyncClient(verify=SSL_CONTEXT) as pool:
        yield AsyncHaulmer(
            api_key=API_KEY, environment="sandbox", sleep=_no_async_sleep, http_client=pool
        )


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, mock: respx.MockRouter) -> Any:
    """The sync and the async client in turn (the test awaits calls through ``resolve``)."""
    name = "sync_client" if request.param == "sync" else "async_client"
    return request.getfixturevalue(name)


@pytest.fixture
def of(client: Any) -> Any:
    """``client.openfactura`` of the client under test."""
    return client.openfactura
