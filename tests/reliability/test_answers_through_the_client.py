"""Whatever a server answers (status, headers, body), a call ends in a value or a typed
``HaulmerError``: the whole path (sending, reading, retry loop, decoding, plans) is fuzzed
through both clients with an ``httpx.MockTransport`` that answers what hypothesis draws.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import HaulmerError

from .test_response_decoding import bodies, headers

CALLS: dict[str, Callable[[Any], Any]] = {
    "organization.retrieve": lambda c: c.openfactura.organization.retrieve(),
    "taxpayer.retrieve": lambda c: c.openfactura.taxpayer.retrieve("76795561-8"),
    "documents.status": lambda c: c.openfactura.documents.status("tok"),
    "documents.accuse": lambda c: c.openfactura.documents.accuse("76795561-8", 33, 1, "ACD"),
    "registry.purchases": lambda c: c.openfactura.registry.purchases(2026, 11),
    "checkout.retrieve_order": lambda c: c.checkout.retrieve_order("ord_1"),
}
ANSWERS = st.lists(
    st.tuples(st.integers(min_value=100, max_value=599), bodies(), headers), min_size=1, max_size=3
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _transport(answers: list[tuple[int, bytes, dict[str, str]]]) -> httpx.MockTransport:
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        status, body, head = queue.pop(0) if len(queue) > 1 else queue[0]
        raw = [
            (name.encode(), value.encode("utf-8", "surrogatepass")) for name, value in head.items()
        ]
        return httpx.Response(status, content=body, headers=raw)  # bytes, as on the wire

    return httpx.MockTransport(answer)


def _no_sleep(seconds: float) -> None:
    assert seconds >= 0


async def _no_async_sleep(seconds: float) -> None:
    assert seconds >= 0


SETTINGS: dict[str, Any] = {"environment": "sandbox", "base_urls": {"platform": "https://p.test"}}


@FUZZ
@given(answers=ANSWERS, call=st.sampled_from(sorted(CALLS)), list_page=st.booleans())
def test_any_answer_ends_a_sync_call_in_a_value_or_a_typed_error(
    answers: list[tuple[int, bytes, dict[str, str]]], call: str, list_page: bool
) -> None:
    pool = httpx.Client(transport=_transport(answers))
    with (
        Haulmer("k", http_client=pool, sleep=_no_sleep, **SETTINGS) as client,
        contextlib.suppress(HaulmerError),
    ):
        if list_page:
            list(client.openfactura.documents.list_issued())
        else:
            CALLS[call](client)


@FUZZ
@given(answers=ANSWERS, call=st.sampled_from(sorted(CALLS)))
def test_any_answer_ends_an_async_call_in_a_value_or_a_typed_error(
    answers: list[tuple[int, bytes, dict[str, str]]], call: str
) -> None:
    async def run() -> None:
        pool = httpx.AsyncClient(transport=_transport(answers))
        async with AsyncHaulmer("k", http_client=pool, sleep=_no_async_sleep, **SETTINGS) as c:
            with contextlib.suppress(HaulmerError):
                await CALLS[call](c)

    asyncio.run(run())


def test_the_fuzzed_bodies_reach_the_client() -> None:
    seen: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path.encode())
        return httpx.Response(200, content=json.dumps({"rut": "76795561-8"}).encode())

    pool = httpx.Client(transport=httpx.MockTransport(answer))
    with Haulmer("k", http_client=pool, sleep=_no_sleep, **SETTINGS) as client:
        assert str(client.openfactura.organization.retrieve().rut) == "76795561-8"
    assert seen == [b"/v2/dte/organization"]
