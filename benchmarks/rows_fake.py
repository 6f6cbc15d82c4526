"""Rows for ``haulmer.testing``: emission through the fake, and listing as the fake grows.

What a user's test suite pays: ``emit()`` through ``FakeHaulmer().client()`` against the local
``sii.issue()`` the fake performs for it, and iterating ``list_issued()`` per row at a large N
against the same at 1,000 documents.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.harness import Measurement, Row, interleaved


def _boleta(fake: Any, line: int) -> Any:
    import haulmer.dte as dte

    return dte.boleta(
        emisor={
            "rut": "76795561-8",
            "razon_social": "HAULMER SPA",
            "giro": "Software",
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        lines=[{"nombre": f"Producto {line}", "cantidad": 1 + line % 3, "precio": 1_000 + line}],
        fecha=fake.clock.today(),
    )


def _fake() -> Any:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    return fake


def measure_fake_emit(quick: bool) -> Measurement:
    """``documents.emit()`` of a boleta through the fake against ``sii.issue()`` of it."""
    from haulmer.sii import issue
    from haulmer.testing.caf import make_test_caf
    from haulmer.testing.certificates import make_test_certificate

    fake = _fake()
    client = fake.client()
    document = _boleta(fake, 1)
    certificate = make_test_certificate(key="rsa2048")
    caf = make_test_caf(
        rut="76795561-8",
        razon_social="HAULMER SPA",
        dte_type=39,
        folio_to=1_000_000,
        issued_on=fake.clock.today(),
    )
    stamped = document.with_folio(1)
    counter = iter(range(10**9))

    def ours() -> None:
        client.openfactura.documents.emit(document, idempotency_key=f"bench-{next(counter)}")

    def reference() -> None:
        issue(stamped, caf=caf, certificate=certificate)

    return interleaved(
        ours,
        reference,
        rounds=5 if quick else 15,
        seconds=1.0 if quick else 6.0,
        clock=time.process_time,
    )


def _listing_per_row(count: int) -> float:
    """Seconds per row to iterate ``list_issued()`` over ``count`` issued boletas."""
    fake = _fake()
    client = fake.client()
    documents = client.openfactura.documents
    document = _boleta(fake, 1)
    for number in range(count):
        documents.emit(document, idempotency_key=f"fill-{number}")
    start = time.process_time()
    seen = sum(1 for _ in documents.list_issued())
    elapsed = time.process_time() - start
    assert seen == count, (seen, count)
    return elapsed / count


def measure_fake_listing(quick: bool) -> Measurement:
    """Per-row cost of listing at N documents against the same at 1,000 (quick: 200 vs 2,000)."""
    small, large = (200, 2_000) if quick else (1_000, 20_000)
    rounds = 1 if quick else 3
    ours = [_listing_per_row(large) for _ in range(rounds)]
    reference = [_listing_per_row(small) for _ in range(rounds)]
    return Measurement(ours, reference, note=f"{large:,} vs {small:,} documents")


ROWS = [
    Row(
        "emit() through FakeHaulmer().client()",
        "sii.issue() of the same boleta",
        1.5,
        measure_fake_emit,
        group="fake",
    ),
    Row(
        "iterate list_issued() in the fake, per row",
        "the same at a tenth of the documents",
        1.2,
        measure_fake_listing,
        group="fake",
    ),
]
