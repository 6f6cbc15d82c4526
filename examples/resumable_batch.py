"""A batch of boletas that survives a crash: ``emit_many`` with a journal, run twice.

Each sale's id is its idempotency key, and the journal (a SQLite file) records every attempt
before it is sent and every result after. The first run stops halfway, as a crash would; the
second issues only what is missing and returns the rest from the journal.

    python examples/resumable_batch.py
"""

from __future__ import annotations

import tempfile
from itertools import islice
from pathlib import Path

import haulmer.dte as dte
from haulmer.openfactura.batch import BatchProgress
from haulmer.testing import FakeHaulmer

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def show(progress: BatchProgress) -> None:
    """The progress callback: one line per sale."""
    last = progress.last
    print(f"  {progress.done}/{progress.total} {last.sale_id}: {last.status}")


def main() -> None:
    fake = FakeHaulmer()
    sales = [
        {
            "id": f"pos-1-{n:04d}",
            "document": dte.boleta(
                emisor=EMISOR,
                lines=[{"nombre": "Marraqueta", "cantidad": n, "precio": 150}],
                fecha=fake.clock.today(),
            ),
        }
        for n in range(1, 9)
    ]
    with tempfile.TemporaryDirectory() as folder, fake.client(rate_limit=True) as client:
        journal = Path(folder) / "emissions.db"
        print("first run, stopped after 5 sales:")
        batch = client.openfactura.documents.emit_many(
            sales, journal=journal, concurrency=2, on_progress=show
        )
        for _ in islice(batch, 5):  # stop halfway, as a crash would
            pass
        del batch  # stopping cancels what has not started; what was in flight still ends
        print("second run:")
        done = list(
            client.openfactura.documents.emit_many(sales, journal=journal, on_progress=show)
        )
    issued = len(fake.openfactura_state.documents)
    from_journal = sum(result.from_journal for result in done)
    print(f"{issued} boletas issued for {len(sales)} sales; {from_journal} came from the journal")


if __name__ == "__main__":
    main()
