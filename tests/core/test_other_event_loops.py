"""AsyncHaulmer runs on asyncio only: awaited under another loop (trio), a clear error at the
first call, before anything is sent; any asyncio loop (uvloop is one) serves it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

import haulmer.dte as dte
from haulmer import ConfigurationError
from haulmer.testing import FakeHaulmer

T = TypeVar("T")

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def drive_without_asyncio(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` as trio (or any loop but asyncio's) does: steps sent by hand, with no
    asyncio loop running. The fake answers in memory, so only the SDK's own waits need a loop."""
    try:
        while True:
            coroutine.send(None)
    except StopIteration as done:
        result: T = done.value
        return result


def boleta(fake: FakeHaulmer) -> dte.Document:
    return dte.boleta(
        emisor=EMISOR,
        fecha=fake.clock.today(),
        lines=[{"nombre": "Marraqueta", "cantidad": 2, "precio": 150}],
    )


def assert_asyncio_only(error: pytest.ExceptionInfo[ConfigurationError]) -> None:
    message = str(error.value)
    assert "outside an asyncio event loop" in message
    assert "AsyncHaulmer runs on asyncio only" in message
    assert "trio.to_thread.run_sync" in message  # what to do instead


def test_a_call_awaited_outside_asyncio_says_the_client_runs_on_asyncio_only() -> None:
    fake = FakeHaulmer()
    client = fake.async_client()
    with pytest.raises(ConfigurationError) as error:
        drive_without_asyncio(client.openfactura.organization.retrieve())
    assert_asyncio_only(error)
    assert fake.requests.total == 0


def test_a_rate_limited_call_awaited_outside_asyncio_is_refused_before_its_turn() -> None:
    fake = FakeHaulmer()
    client = fake.async_client(rate_limit=True)
    with pytest.raises(ConfigurationError) as error:
        drive_without_asyncio(client.openfactura.organization.retrieve())
    assert_asyncio_only(error)
    assert fake.requests.total == 0


def test_a_list_awaited_outside_asyncio_says_the_client_runs_on_asyncio_only() -> None:
    fake = FakeHaulmer()
    client = fake.async_client()

    async def first_page() -> object:
        return await client.openfactura.documents.list_issued(tipo_dte=39)

    with pytest.raises(ConfigurationError) as error:
        drive_without_asyncio(first_page())
    assert_asyncio_only(error)


def test_emit_many_iterated_outside_asyncio_says_the_client_runs_on_asyncio_only() -> None:
    """Its journal's work runs in asyncio's worker threads: asyncio said "await wasn't used with
    future" before."""
    fake = FakeHaulmer()
    client = fake.async_client()
    sales = [{"id": "sale-1", "document": boleta(fake)}]

    async def issue_all() -> list[object]:
        return [result async for result in client.openfactura.documents.emit_many(sales)]

    with pytest.raises(ConfigurationError) as error:
        drive_without_asyncio(issue_all())
    assert_asyncio_only(error)
    assert fake.requests.total == 0


def test_closing_a_client_outside_asyncio_still_works() -> None:
    client = FakeHaulmer().async_client()
    drive_without_asyncio(client.aclose())
    assert client.is_closed


def test_any_asyncio_loop_serves_the_client_as_uvloop_does() -> None:
    class OtherLoop(asyncio.SelectorEventLoop):
        """A loop of another class, as uvloop's Loop is."""

    fake = FakeHaulmer()

    async def issue() -> int | None:
        async with fake.async_client() as client:
            return (await client.openfactura.documents.emit(boleta(fake))).folio

    loop = OtherLoop()
    try:
        assert loop.run_until_complete(issue()) == 1
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()


def test_an_async_batch_its_event_loop_ended_says_so_instead_of_ending_short() -> None:
    """``asyncio.run()`` returning closes the async generators it leaves: a batch iterated on
    in a second loop ended as if its sales were done."""
    fake = FakeHaulmer()
    client = fake.async_client()
    sales = [{"id": f"sale-{n}", "document": boleta(fake)} for n in range(1, 4)]
    batch = client.openfactura.documents.emit_many(sales, concurrency=1)

    async def next_result() -> object:
        return await batch.__anext__()

    assert asyncio.run(next_result()).ok  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError) as error:
        asyncio.run(next_result())
    message = str(error.value)
    assert "event loop" in message
    assert "ended" in message
    assert "journal" in message  # how the sales not reported are sent
    with pytest.raises(ConfigurationError):  # and again, not StopAsyncIteration later
        asyncio.run(next_result())


def test_an_async_batch_closed_or_done_ends_as_usual() -> None:
    fake = FakeHaulmer()
    client = fake.async_client()
    sales = [{"id": f"sale-{n}", "document": boleta(fake)} for n in range(1, 4)]

    async def all_then_more() -> tuple[int, bool]:
        batch = client.openfactura.documents.emit_many(sales)
        results = [result async for result in batch]
        try:
            await batch.__anext__()
        except StopAsyncIteration:
            ended = True
        return len(results), ended

    async def closed_then_more() -> bool:
        batch = client.openfactura.documents.emit_many(sales)
        await batch.__anext__()
        await batch.aclose()
        try:
            await batch.__anext__()
        except StopAsyncIteration:
            return True
        return False

    assert asyncio.run(all_then_more()) == (3, True)
    assert asyncio.run(closed_then_more())


def test_an_async_batch_whose_consumer_was_cancelled_says_so_instead_of_ending_short() -> None:
    """A result awaited under a timeout that expired (``asyncio.wait_for``) cancels the batch's
    results: read on, the batch ended as if its sales were done."""
    fake = FakeHaulmer()
    client = fake.async_client()
    sales = [{"id": f"sale-{n}", "document": boleta(fake)} for n in range(1, 4)]

    async def cancelled_then_more() -> None:
        batch = client.openfactura.documents.emit_many(sales, concurrency=1)
        waiting = asyncio.ensure_future(batch.__anext__())
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        with pytest.raises(ConfigurationError, match="cancelled") as error:
            await batch.__anext__()
        assert "journal" in str(error.value)

    asyncio.run(cancelled_then_more())
