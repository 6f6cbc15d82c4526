"""One fake shared by threads and asyncio tasks: no folio twice, none skipped, nothing lost.

Real threads, no sleeps: a barrier starts them together so their requests overlap.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer import AsyncHaulmer, Haulmer
from haulmer.testing import FakeHaulmer, serve

THREADS = 16
BOLETAS = 200
EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}


def _boleta(fake: FakeHaulmer, number: int) -> dte.Document:
    return dte.boleta(
        emisor=EMISOR,
        lines=[{"nombre": f"Venta {number}", "cantidad": 1, "precio": 1000 + number}],
        fecha=fake.clock.today(),
    )


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` for i in range(count) on THREADS threads released together."""
    barrier = threading.Barrier(THREADS)

    def start(index: int) -> list[Any]:
        barrier.wait()
        return [work(i) for i in range(index, count, THREADS)]

    with ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(start, range(THREADS)))
    return [item for batch in batches for item in batch]


def _assert_gapless(fake: FakeHaulmer, folios: list[int]) -> None:
    assert sorted(folios) == list(range(1, BOLETAS + 1))
    stored = [d.folio for d in fake.openfactura_state.documents if d.dte_type == 39]
    assert sorted(stored) == list(range(1, BOLETAS + 1))
    assert len({d.token for d in fake.openfactura_state.documents}) == BOLETAS


def _fake() -> FakeHaulmer:
    fake = FakeHaulmer()
    fake.control.rate_limit(None)  # about sharing, not about the limit
    return fake


def test_one_sync_client_shared_by_16_threads_issues_200_distinct_gapless_folios() -> None:
    fake = _fake()
    with fake.client() as client:
        emitted = _in_threads(
            BOLETAS,
            lambda i: client.openfactura.documents.emit(
                _boleta(fake, i), idempotency_key=f"sale-{i}", response=["FOLIO"]
            ),
        )
    _assert_gapless(fake, [e.require_folio() for e in emitted])
    assert len(fake.requests) == BOLETAS
    assert all(entry.status == 200 for entry in fake.requests)


def test_a_client_per_thread_issues_distinct_gapless_folios() -> None:
    fake = _fake()
    local = threading.local()

    def emit(i: int) -> int:
        if not hasattr(local, "client"):
            local.client = fake.client()
        client: Haulmer = local.client
        doc = client.openfactura.documents.emit(
            _boleta(fake, i), idempotency_key=f"sale-{i}", response=["FOLIO"]
        )
        return doc.require_folio()

    _assert_gapless(fake, _in_threads(BOLETAS, emit))


def test_async_tasks_on_event_loops_in_several_threads_issue_distinct_folios() -> None:
    fake = _fake()
    loops = 4

    async def batch(start: int) -> list[int]:
        async with fake.async_client() as client:
            return await asyncio.gather(
                *(_emit_async(client, fake, i) for i in range(start, BOLETAS, loops))
            )

    def run_loop(start: int) -> list[int]:
        return asyncio.run(batch(start))

    with ThreadPoolExecutor(loops) as pool:
        folios = [f for chunk in pool.map(run_loop, range(loops)) for f in chunk]
    _assert_gapless(fake, folios)


async def _emit_async(client: AsyncHaulmer, fake: FakeHaulmer, i: int) -> int:
    doc = await client.openfactura.documents.emit(
        _boleta(fake, i), idempotency_key=f"sale-{i}", response=["FOLIO"]
    )
    return doc.require_folio()


def test_threads_through_serve_issue_distinct_gapless_folios() -> None:
    fake = _fake()
    with serve(fake) as url:
        urls = {"openfactura": url, "platform": url}
        with Haulmer(api_key="928e15a2d14d4a6292345f04960f4bd3", base_urls=urls) as client:
            emitted = _in_threads(
                BOLETAS,
                lambda i: client.openfactura.documents.emit(
                    _boleta(fake, i), idempotency_key=f"sale-{i}", response=["FOLIO"]
                ),
            )
    _assert_gapless(fake, [e.require_folio() for e in emitted])


def test_threads_moving_the_clock_while_others_emit_lose_no_time() -> None:
    fake = _fake()
    start = fake.clock.now()
    _in_threads(THREADS * 50, lambda i: fake.clock.sleep(1))
    assert (fake.clock.now() - start).total_seconds() == THREADS * 50


def test_the_request_log_keeps_every_request_of_concurrent_threads() -> None:
    fake = _fake()
    fake.requests.maxlen = None
    with fake.client() as client:
        _in_threads(THREADS * 20, lambda i: client.openfactura.organization.retrieve())
    assert fake.requests.total == len(fake.requests) == THREADS * 20


def test_reading_the_outbox_while_threads_emit_sends_each_copy_once() -> None:
    fake = _fake()
    fake.clock.advance(minutes=5)
    with fake.client() as client:

        def emit_or_read(i: int) -> None:
            if i % 2:
                len(fake.outbox)
                fake.clock.advance(minutes=5)
                return
            client.openfactura.documents.emit(
                _boleta(fake, i),
                idempotency_key=f"mail-{i}",
                send_email={"to": f"cliente{i}@example.cl"},
            )

        _in_threads(THREADS * 10, emit_or_read)
    fake.clock.advance(minutes=5)
    recipients = [email.to for email in fake.outbox]
    assert sorted(recipients) == sorted(
        {f"cliente{i}@example.cl" for i in range(0, THREADS * 10, 2)}
    )


def test_the_outbox_delivers_due_copies_under_the_fakes_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from haulmer.testing.openfactura._emission import Emission

    fake = _fake()
    held: list[bool] = []
    original = Emission.deliver_emails

    def watched(self: Emission) -> None:
        held.append(fake.lock._is_owned())  # type: ignore[attr-defined]
        original(self)

    monkeypatch.setattr(Emission, "deliver_emails", watched)
    len(fake.outbox)
    assert held == [True]
