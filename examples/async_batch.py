"""Issue a day's boletas concurrently with ``AsyncHaulmer``, within Haulmer's rate limits.

Each sale gets its own idempotency key (the sale's id), so running the batch twice issues
nothing twice: the second run gets the same documents back. ``rate_limit=True`` keeps the client
under Haulmer's 3 requests/s and 100 requests/min; the fake's clock stands in for real time.

    python examples/async_batch.py
"""

from __future__ import annotations

import asyncio
import datetime as dt

import haulmer
import haulmer.dte as dte
from haulmer.openfactura.models import EmittedDocument

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
SALES = [
    (f"sale-{n:04d}", [{"nombre": "Marraqueta", "cantidad": n, "precio": 150}])
    for n in range(1, 13)
]


async def issue_batch(client: haulmer.AsyncHaulmer, today: dt.date) -> list[EmittedDocument]:
    """Issue one boleta (39) per sale, at most four requests in flight at a time."""
    in_flight = asyncio.Semaphore(4)

    async def issue(sale_id: str, lines: list[dict[str, object]]) -> EmittedDocument:
        boleta = dte.boleta(emisor=EMISOR, lines=lines, fecha=today)
        async with in_flight:
            return await client.openfactura.documents.emit(boleta, idempotency_key=sale_id)

    return await asyncio.gather(*(issue(sale_id, lines) for sale_id, lines in SALES))


async def main() -> int:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    started = fake.clock.now()
    async with fake.async_client(rate_limit=True) as client:
        first = await issue_batch(client, fake.clock.today())
        again = await issue_batch(client, fake.clock.today())  # a rerun after a crash
    folios = sorted(document.require_folio() for document in first)
    assert folios == list(range(1, len(SALES) + 1))
    assert all(document.already_issued for document in again)
    assert [d.token for d in again] == [d.token for d in first]
    requests = len(fake.requests.for_route("openfactura.documents.emit"))
    seconds = (fake.clock.now() - started).total_seconds()
    assert requests / seconds <= 3  # the limiter paced them
    print(
        f"{len(first)} boletas issued (folios {folios[0]}-{folios[-1]}); "
        f"the rerun issued none again; {requests} emissions in {seconds:.0f} s of fake time"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
