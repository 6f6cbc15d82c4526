"""Rows for the document's way to the wire, and the paths ``issue()`` and ``emit()`` take.

A document is checked once into its checked form, which the SII dict, the timbre and
OpenFactura's JSON are written from. The rows say what the check adds to rendering alone:

- ``issue()``'s document half as it was measured first (``checked(for_stamping=True)
  .sii_dict()``: the schema's facets, the family's rules, the totals, the dict) against
  ``to_sii_dict()`` of the same document. ``issue()`` itself no longer builds the dict: it runs
  the rules and writes its canonical text in one walk that judges the facets
  (``haulmer.sii.section_writer``), which the ``sii.issue()`` row measures;
- ``build_emission()`` (OpenFactura's differences, one check, the JSON, the key) against it too.

``measure_paths`` returns the microseconds of the whole paths, ``sii.issue()`` and
``documents.emit()`` through ``FakeHaulmer``, for comparing one version of the SDK with another
(``python -m benchmarks.rows_dte`` prints them).
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import Measurement, Row, interleaved
from benchmarks.rows_sii import TIMESTAMP, signing_material, ten_line_factura


def _rounds(quick: bool) -> dict[str, Any]:
    return {"rounds": 5 if quick else 15, "seconds": 1.0 if quick else 4.0}


def measure_document_half(quick: bool) -> Measurement:
    """``checked(for_stamping=True).sii_dict()`` against ``to_sii_dict()`` (render only)."""
    document = ten_line_factura()
    return interleaved(
        lambda: document.checked(for_stamping=True).sii_dict(),
        document.to_sii_dict,
        clock=time.process_time,
        **_rounds(quick),
    )


def measure_build_emission(quick: bool) -> Measurement:
    """``build_emission()`` of a document against its ``to_sii_dict()`` (render only)."""
    from haulmer.openfactura.emission import build_emission

    document = ten_line_factura(folio=0)
    return interleaved(
        lambda: build_emission(document, idempotency_key="bench"),
        document.to_sii_dict,
        clock=time.process_time,
        **_rounds(quick),
    )


def _best(operation: Callable[[], object], seconds: float, rounds: int) -> float:
    """Best microseconds per call over ``rounds`` slices of process CPU time."""
    for _ in range(20):
        operation()
    best = float("inf")
    for _ in range(rounds):
        count, start = 0, time.process_time()
        while time.process_time() - start < seconds / rounds:
            operation()
            count += 1
        best = min(best, (time.process_time() - start) / count)
    return best * 1e6


def measure_paths(seconds: float = 1.0, rounds: int = 9) -> dict[str, float]:
    """Microseconds per call of the paths a document takes to the wire: ``sii.issue()`` of the
    ten-line factura, its document half, ``documents.emit()`` through the fake, and
    ``build_emission()`` (the SDK's pure part of emit)."""
    from haulmer.openfactura.emission import build_emission
    from haulmer.sii import issue
    from haulmer.testing import FakeHaulmer

    certificate, caf = signing_material()
    document = ten_line_factura()
    fake = FakeHaulmer()
    client = fake.client()
    base = ten_line_factura(folio=0)
    header = base.encabezado
    emitted = base.model_copy(
        update={
            "encabezado": header.model_copy(
                update={
                    "emisor": header.emisor.model_copy(update={"rut": "76795561-8"}),
                    "id_doc": header.id_doc.model_copy(
                        update={"fecha_emision": fake.clock.today()}
                    ),
                }
            )
        }
    )
    keys = itertools.count()
    paths: dict[str, Callable[[], object]] = {
        "issue": lambda: issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP),
        "issue_document_half": lambda: document.checked_sii_dict(for_stamping=True),
        "emit_through_fake": lambda: client.openfactura.documents.emit(
            emitted, idempotency_key=f"bench-{next(keys)}"
        ),
        "build_emission": lambda: build_emission(emitted, idempotency_key="bench"),
    }
    return {name: _best(operation, seconds, rounds) for name, operation in paths.items()}


ROWS = [
    Row(
        "issue() document half, 10-line factura",
        "to_sii_dict() of it (render only)",
        2.0,
        measure_document_half,
        group="dte",
    ),
    Row(
        "build_emission(), 10-line factura",
        "to_sii_dict() of it (render only)",
        3.0,
        measure_build_emission,
        group="dte",
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU time per path")
    parser.add_argument("--rounds", type=int, default=9, help="slices (the best counts)")
    args = parser.parse_args(argv)
    for name, micros in measure_paths(args.seconds, args.rounds).items():
        print(f"{name:<22} {micros:9.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
