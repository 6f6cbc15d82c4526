"""The document's way to the wire: ``sii.issue()`` and ``documents.emit()`` through the fake.

Each measurement is a function returning its numbers (microseconds per call, best of
interleaved rounds of process CPU time, as ``bench_sii.best_seconds`` times them), so a table
of every benchmark can gather them; ``main`` prints them. Informational: nothing here gates.

- ``measure_issue``: ``sii.issue()`` of the ten-line factura of ``bench_sii`` (check, totals,
  XML, TED, XMLDSig), and the document half alone (the check and the SII dict or checked form).
- ``measure_emit``: ``client.openfactura.documents.emit()`` of that factura (with folio 0)
  through ``haulmer.testing.FakeHaulmer`` (the SDK's request, the fake's checks, folio, timbre,
  signature), and ``build_emission()`` alone (the SDK's pure part of emit).

Run: python benchmarks/bench_dte_paths.py [--seconds 1] [--rounds 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
from collections.abc import Callable

from bench_sii import RUT, TIMESTAMP, best_seconds, ten_line_factura

from haulmer.openfactura.emission import build_emission
from haulmer.sii import issue
from haulmer.testing import FakeHaulmer
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate

_MICRO = 1e6


def _document_half() -> Callable[[], object]:
    """What ``issue`` does before the XML: the document checked and rendered as an SII dict."""
    document = ten_line_factura()
    return lambda: document.checked_sii_dict(for_stamping=True)


def measure_issue(seconds: float = 1.0, rounds: int = 9) -> dict[str, float]:
    """Microseconds per ``sii.issue()`` of the ten-line factura, and per its document half."""
    certificate = make_test_certificate(
        key="rsa2048",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    caf = make_test_caf(
        rut=RUT, razon_social="Comercial Ñandú & Hijos Ltda.", dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )  # fmt: skip
    document = ten_line_factura()

    def sdk_issue() -> None:
        issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP)

    best = best_seconds({"issue": sdk_issue, "document_half": _document_half()}, seconds, rounds)
    return {name: value * _MICRO for name, value in best.items()}


def measure_emit(seconds: float = 1.0, rounds: int = 9) -> dict[str, float]:
    """Microseconds per ``documents.emit()`` through the fake, and per ``build_emission()``."""
    fake = FakeHaulmer()
    client = fake.client()
    rut = "76795561-8"  # HAULMER SPA, the tenant of the fake client's default key
    base = ten_line_factura().with_folio(0)
    emisor = base.encabezado.emisor.model_copy(update={"rut": rut})
    fecha = fake.clock.today()
    id_doc = base.encabezado.id_doc.model_copy(update={"fecha_emision": fecha})
    document = base.model_copy(
        update={
            "encabezado": base.encabezado.model_copy(update={"emisor": emisor, "id_doc": id_doc})
        }
    )
    keys = itertools.count()

    def emit() -> None:
        client.openfactura.documents.emit(document, idempotency_key=f"bench-{next(keys)}")

    def build() -> None:
        build_emission(document, idempotency_key="bench")

    best = best_seconds({"emit_through_fake": emit, "build_emission": build}, seconds, rounds)
    return {name: value * _MICRO for name, value in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU time per operation")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (best counts)")
    args = parser.parse_args(argv)
    for title, numbers in (
        ("sii.issue()", measure_issue(args.seconds, args.rounds)),
        ("documents.emit()", measure_emit(args.seconds, args.rounds)),
    ):
        for name, micros in numbers.items():
            print(f"{title:<18} {name:<18} {micros:9.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
