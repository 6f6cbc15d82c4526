"""The scenarios of ``scenarios.py`` against respx (an in-test emulator) and the fake platform.

The same functions run on both backends and both clients: the SDK's own OpenFactura flows are
what ``haulmer.testing.FakeHaulmer`` must serve.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.openfactura.emission import to_openfactura_dte
from haulmer.openfactura.sandbox import HOSTY_DEMO

from .conftest import API_KEY, BASE_URL, SSL_CONTEXT
from .emulator import RespxOpenFactura
from .scenarios import SCENARIOS, Backend

UNKNOWN_KEY = "f" * 32


@dataclass
class _RespxBackend:
    openfactura: Any
    unauthorized: Any
    server: RespxOpenFactura

    def lose_next_emission_answer(self) -> None:
        self.server.lose_next_answer = True

    def receive_from_supplier(self, document: Any) -> None:
        self.server.issue_as(HOSTY_DEMO, to_openfactura_dte(document))


@dataclass
class _FakeBackend:
    openfactura: Any
    unauthorized: Any
    fake: Any

    def lose_next_emission_answer(self) -> None:
        self.fake.control.drop_connection("openfactura.documents.emit", when="after")

    def receive_from_supplier(self, document: Any) -> None:
        self.fake.issue_from_supplier(document)


def _no_sleep(seconds: float) -> None:
    return None


async def _no_async_sleep(seconds: float) -> None:
    return None


@pytest.fixture(params=["respx-sync", "respx-async", "fake-sync", "fake-async"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    kind, face = request.param.split("-")
    if kind == "fake":
        from haulmer.testing import FakeHaulmer

        fake = FakeHaulmer()
        if face == "sync":
            with (
                fake.client(sleep=_no_sleep) as client,
                fake.client(api_key=UNKNOWN_KEY, sleep=_no_sleep) as stranger,
            ):
                yield _FakeBackend(client.openfactura, stranger.openfactura, fake)
        else:
            async with (
                fake.async_client(sleep=_no_async_sleep) as aclient,
                fake.async_client(api_key=UNKNOWN_KEY, sleep=_no_async_sleep) as astranger,
            ):
                yield _FakeBackend(aclient.openfactura, astranger.openfactura, fake)
        return
    server = RespxOpenFactura()
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        server.install(router)
        if face == "sync":
            # The session's pool: building an SSL context per client costs more than the test.
            pool = request.getfixturevalue("_httpx_client")
            client, stranger = (
                Haulmer(api_key=key, environment="sandbox", sleep=_no_sleep, http_client=pool)
                for key in (API_KEY, UNKNOWN_KEY)
            )
            yield _RespxBackend(client.openfactura, stranger.openfactura, server)
        else:
            async with httpx.AsyncClient(verify=SSL_CONTEXT) as apool:
                aclient, astranger = (
                    AsyncHaulmer(
                        api_key=key, environment="sandbox", sleep=_no_async_sleep, http_client=apool
                    )
                    for key in (API_KEY, UNKNOWN_KEY)
                )
                yield _RespxBackend(aclient.openfactura, astranger.openfactura, server)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_scenario(backend: Backend, scenario: Callable[[Backend], Awaitable[None]]) -> None:
    await scenario(backend)
