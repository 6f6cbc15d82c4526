"""Rows for ``haulmer.testing``: emission through the fake, and listing as the fake grows.

What a user's test suite pays: ``emit()`` through ``FakeHaulmer().client()`` against the local
``sii.issue()`` the fake performs for it, and iterating ``list_issued()`` per row at a large N
against the same at 1,000 documents.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
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

    timing: dict[str, Any] = {
        "rounds": 5 if quick else 15,
        "seconds": 1.0 if quick else 6.0,
        "clock": time.process_time,
    }
    measured = interleaved(ours, reference, **timing)
    floor = interleaved(_emission_floor(document, caf, certificate), reference, **timing)
    bare_http = interleaved(_bare_httpx_post(document), reference, **timing)
    return Measurement(
        measured.ours,
        measured.reference,
        note="ours: the SDK's check, HTTP through httpx, the fake's reading and check, one "
        "stamp and signature; the two checks and the stamp alone, without HTTP: "
        f"{statistics.median(floor.ratios):.2f}x; a bare httpx POST of the body to a transport "
        f"that answers at once: {statistics.median(bare_http.ratios):.2f}x",
    )


def _bare_httpx_post(document: Any) -> Callable[[], object]:
    """The HTTP round trip alone: ``httpx.Client.post`` of the emission's JSON body to a
    transport that answers a fixed TOKEN, and the answer's JSON read."""
    import httpx

    from haulmer.openfactura.emission import build_emission

    body = build_emission(document, idempotency_key="bare").body
    answer = httpx.Response(200, json={"TOKEN": "t"})
    client = httpx.Client(
        transport=httpx.MockTransport(lambda request: answer), base_url="http://haulmer.fake"
    )

    def post() -> object:
        return client.post("/v2/dte/document", json=body, headers={"apikey": "k"}).json()

    return post


def _emission_floor(document: Any, caf: Any, certificate: Any) -> Callable[[], object]:
    """What an emission through the fake does at the least: the SDK's check of the document
    into the request's body, the fake's check of that body as OpenFactura reads it, and one
    stamp and signature of the checked document. No JSON, no HTTP, no request log, no state."""
    from haulmer.openfactura.emission import build_emission
    from haulmer.sii import issue
    from haulmer.testing.openfactura._emission import Emission

    def floor() -> object:
        dte = build_emission(document, idempotency_key="floor").body["dte"]
        checked = Emission._check_document(dte, 39)
        return issue(checked, caf=caf, certificate=certificate, folio=1)

    return floor


def measure_fake_listing(quick: bool) -> Measurement:
    """Per-row cost of listing at 100,000 documents against the same at 1,000 (quick: 10,000).

    The documents go straight into the fake's index (``bench_fake.fill_issued``), unsigned: what
    is measured is the listing, not the signing.
    """
    from benchmarks.bench_fake import _iterate_listing

    small, large = (1_000, 10_000) if quick else (1_000, 100_000)
    rounds = 1 if quick else 3
    _iterate_listing(small)  # imports and caches
    ours = [_iterate_listing(large)[0] for _ in range(rounds)]
    reference = [_iterate_listing(small)[0] for _ in range(rounds)]
    peak_small = _iterate_listing(small, trace=True)[1]
    peak_large = _iterate_listing(large, trace=True)[1]
    return Measurement(
        ours,
        reference,
        note=f"{large:,} vs {small:,} documents; peak memory {peak_large / 1024:,.0f} KiB "
        f"vs {peak_small / 1024:,.0f} KiB",
    )


def measure_server_latency(quick: bool) -> Measurement:
    """Sequential keep-alive GETs to ``serve()`` against a bare http.server's fixed answer."""
    from benchmarks.bench_fake import server_latency

    rounds = 3 if quick else 7
    requests = 100 if quick else 300
    ours, reference, worst = [], [], []
    for _ in range(rounds):
        numbers = server_latency(requests=requests, clients=100)
        ours.append(numbers["ours_ms"] / 1000)
        reference.append(numbers["reference_ms"] / 1000)
        worst.append(numbers["concurrent_worst_ms"])
    return Measurement(
        ours, reference, note=f"100 concurrent clients: slowest answer {max(worst):.0f} ms"
    )


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
        "the same at 1,000 documents",
        1.2,
        measure_fake_listing,
        group="fake",
    ),
    Row(
        "serve(): one keep-alive GET over loopback",
        "a bare http.server's fixed answer",
        3.0,
        measure_server_latency,
        group="fake",
    ),
]
