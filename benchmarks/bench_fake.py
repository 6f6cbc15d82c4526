"""The fake Haulmer at scale and over loopback, each figure against its reference in the same run.

- ``list_issued_scaling``: iterating ``documents.list_issued()`` over N documents, the time per
  row at 100,000 against the time per row at 1,000 (target <= 1.2x), and the memory the
  iteration allocates at its peak (growing far slower than the list: about 1.3 MiB at 100,000
  against 0.6 MiB at 1,000).
- ``emit_through_fake``: ``emit()`` through ``FakeHaulmer().client()`` against ``sii.issue()`` of
  the same 10-line factura (target <= 1.5x), and the fake's own share (``fake.handle()`` alone).
- ``server_latency``: sequential requests to ``serve()`` on one keep-alive connection against a
  bare standard-library HTTP server answering the same bytes (the 40 ms delayed-ACK stall shows
  as a ratio in the tens), and 100 concurrent clients (the slowest answer, in ms).

Each measurement is a function returning its numbers (a dict), so another script can gather
them into one table; ``python benchmarks/bench_fake.py`` prints them. Nothing here gates.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

import haulmer.dte as dte
from haulmer.testing import FakeClock, FakeHaulmer, FakeRequest, serve
from haulmer.testing._wire import Headers
from haulmer.testing.openfactura import IssuedDocument

SANDBOX_KEY = "928e15a2d14d4a6292345f04960f4bd3"
START = dt.datetime(2026, 11, 27, 10, 0, 0)
EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "actecos": [479100],
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}
RECEPTOR = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}


def _quiet_fake() -> FakeHaulmer:
    fake = FakeHaulmer(clock=FakeClock(START), request_log_size=10)
    fake.control.rate_limit(None)
    return fake


def fill_issued(fake: FakeHaulmer, count: int) -> None:
    """Put ``count`` facturas in HAULMER SPA's issued index without signing them (fast)."""
    state = fake.openfactura_state
    at = fake.clock.now()
    for number in range(1, count + 1):
        state.add_document(
            IssuedDocument(
                token=f"{number:064x}",
                issuer_rut="76795561-8",
                dte_type=33,
                folio=number,
                fch_emis=(START.date() - dt.timedelta(days=number % 365)).isoformat(),
                receptor_rut="76430498-5",
                receptor_razon_social="HOSTY SPA",
                totals={"MntExe": 0, "MntNeto": 1000, "IVA": 190, "MntTotal": 1190, "OtrosImp": 0},
                fma_pago=1,
                tpo_tran_compra=1,
                dte={},
                xml=b"",
                ted=b"",
                pdf_format="LETTER",
                issued_at=at,
                decided_at=at,
            )
        )


def _iterate_listing(count: int, *, trace: bool = False) -> tuple[float, int]:
    """Seconds per row (CPU) and, with ``trace``, the peak bytes allocated while iterating."""
    fake = _quiet_fake()
    fill_issued(fake, count)
    with fake.client() as client:
        gc.collect()
        if trace:
            tracemalloc.start()
        started = time.process_time()
        rows = sum(1 for _ in client.openfactura.documents.list_issued())
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
    assert rows == count, (rows, count)
    return elapsed / count, peak


def list_issued_scaling(small: int = 1_000, large: int = 100_000) -> dict[str, Any]:
    """Per-row cost of iterating the issued list at ``large`` documents against ``small``."""
    _iterate_listing(small)  # warm up imports and caches
    per_row_small = min(_iterate_listing(small)[0] for _ in range(3))
    per_row_large = _iterate_listing(large)[0]
    peak_small = _iterate_listing(small, trace=True)[1]
    peak_large = _iterate_listing(large, trace=True)[1]
    return {
        "what": f"iterate list_issued() over {large:,} documents (per row)",
        "reference": f"the same at {small:,} documents",
        "ours_us": per_row_large * 1e6,
        "reference_us": per_row_small * 1e6,
        "ratio": per_row_large / per_row_small,
        "target": 1.2,
        "peak_kib_small": peak_small / 1024,
        "peak_kib_large": peak_large / 1024,
    }


def _factura(number: int, today: dt.date) -> dte.Document:
    lines = [
        {"nombre": f"Producto {line}", "cantidad": line + 1, "precio": 1000 + number + line}
        for line in range(10)
    ]
    return dte.factura(emisor=EMISOR, receptor=RECEPTOR, lines=lines, fecha=today)


def emit_through_fake(documents: int = 150, rounds: int = 5) -> dict[str, Any]:
    """``emit()`` through the fake's client against ``sii.issue()`` of the same documents."""
    from haulmer import sii
    from haulmer.testing.openfactura._emission import _test_caf, _test_certificate

    fake = _quiet_fake()
    today = fake.clock.today()
    tenant = fake.openfactura_state.tenant_for_key(SANDBOX_KEY)
    assert tenant is not None
    folio, grant = tenant.take_folio(33, today)
    caf, certificate, now = (
        _test_caf(tenant.rut, tenant.razon_social, grant),
        _test_certificate(),
        fake.clock.now(),
    )
    counter = iter(range(10**9))
    emit_s: list[float] = []
    issue_s: list[float] = []
    handle_s: list[float] = []
    with fake.client() as client:
        for _ in range(rounds + 1):  # the first round warms up
            batch = [_factura(next(counter), today) for _ in range(documents)]
            started = time.process_time()
            for document in batch:
                sii.issue(document, caf=caf, certificate=certificate, timestamp=now, folio=folio)
            issue_s.append((time.process_time() - started) / documents)
            batch = [_factura(next(counter), today) for _ in range(documents)]
            started = time.process_time()
            for document in batch:
                client.openfactura.documents.emit(document, response=["FOLIO"])
            emit_s.append((time.process_time() - started) / documents)
            logged = [json.loads(entry.content) for entry in fake.requests][-10:]
            requests = [
                FakeRequest(
                    "POST",
                    "/v2/dte/document",
                    headers=Headers({"apikey": SANDBOX_KEY, "Content-Type": "application/json"}),
                    content=json.dumps(body).encode(),
                )
                for body in logged
            ]
            started = time.process_time()
            for request in requests:
                assert fake.handle(request).response.status == 200
            handle_s.append((time.process_time() - started) / len(requests))
    ours, reference, handle = (statistics.median(s[1:]) for s in (emit_s, issue_s, handle_s))
    ratios = [e / i for e, i in zip(emit_s[1:], issue_s[1:], strict=True)]
    return {
        "what": "emit() through FakeHaulmer().client(), 10-line factura",
        "reference": "sii.issue() of the same document",
        "ours_us": ours * 1e6,
        "reference_us": reference * 1e6,
        "ratio": ours / reference,
        "ratio_spread": (min(ratios), max(ratios)),
        "target": 1.5,
        "fake_handle_ratio": handle / reference,
    }


class _Bare(BaseHTTPRequestHandler):
    """The reference server: http.server answering a fixed JSON body, one write, Nagle off."""

    protocol_version = "HTTP/1.1"
    body = b'{"rut": "76430498-5"}'

    def setup(self) -> None:
        super().setup()
        import socket

        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(self.body)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + self.body)

    def log_message(self, format: str, *args: object) -> None:
        return None


def _sequential_ms(url: str, path: str, count: int) -> float:
    with httpx.Client(base_url=url, headers={"apikey": SANDBOX_KEY}) as client:
        client.get(path)
        started = time.perf_counter()
        for _ in range(count):
            client.get(path)
        return (time.perf_counter() - started) / count * 1000


def _concurrent_worst_ms(url: str, path: str, clients: int) -> float:
    barrier = threading.Barrier(clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(
        base_url=url, headers={"apikey": SANDBOX_KEY}, limits=limits, timeout=60
    ) as client:

        def one(_: int) -> float:
            barrier.wait()
            started = time.perf_counter()
            client.get(path)
            return (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(clients) as pool:
            return max(pool.map(one, range(clients)))


def server_latency(requests: int = 200, clients: int = 100) -> dict[str, Any]:
    """Loopback latency of ``serve()`` against a bare server answering fixed bytes."""
    path = "/v2/dte/taxpayer/76430498-5"
    bare = ThreadingHTTPServer(("127.0.0.1", 0), _Bare)
    bare.request_queue_size = 1024
    thread = threading.Thread(target=bare.serve_forever, daemon=True)
    thread.start()
    try:
        bare_url = f"http://127.0.0.1:{bare.server_address[1]}"
        reference = _sequential_ms(bare_url, path, requests)
    finally:
        bare.shutdown()
        bare.server_close()
    fake = _quiet_fake()
    with serve(fake) as url:
        ours = _sequential_ms(url, path, requests)
        worst = _concurrent_worst_ms(url, path, clients)
    return {
        "what": "sequential GET over loopback to serve(), keep-alive",
        "reference": "a bare http.server answering fixed bytes",
        "ours_ms": ours,
        "reference_ms": reference,
        "ratio": ours / reference,
        "concurrent_clients": clients,
        "concurrent_worst_ms": worst,
    }


MEASUREMENTS: tuple[Callable[[], dict[str, Any]], ...] = (
    list_issued_scaling,
    emit_through_fake,
    server_latency,
)


def main() -> int:
    """Run every measurement and print its numbers (no gate)."""
    for measure in MEASUREMENTS:
        result = measure()
        print(f"{result.pop('what')}  vs  {result.pop('reference')}")
        for name, value in result.items():
            shown = f"{value:.2f}" if isinstance(value, float) else str(value)
            print(f"    {name}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
