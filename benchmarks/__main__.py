"""``python -m benchmarks``: every row of the benchmark table, with its target.

``--quick`` takes smaller samples (for CI, where the table is printed and never gates);
``--check`` exits 1 when a row misses its target, for people on a quiet machine; ``--only``
picks rows whose group or text contains a word (``--only sii``).
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import (
    rows_dte,
    rows_fake,
    rows_imports,
    rows_pdf,
    rows_rut,
    rows_sii,
    rows_transport,
)
from benchmarks.harness import Row, RowResult, Skipped, machine, print_table

ALL_ROWS: list[Row] = [
    *rows_sii.ROWS,
    *rows_pdf.ROWS,
    *rows_dte.ROWS,
    *rows_rut.ROWS,
    *rows_transport.ROWS,
    *rows_fake.ROWS,
    *rows_imports.ROWS,
]


def run(rows: list[Row], *, quick: bool) -> list[RowResult]:
    """Measure each row; a row that cannot run here is kept with the reason."""
    results = []
    for row in rows:
        try:
            results.append(RowResult(row, row.measure(quick)))
        except Skipped as exc:
            results.append(RowResult(row, skipped=str(exc)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller samples, for CI")
    parser.add_argument("--check", action="store_true", help="exit 1 when a row misses its target")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="WORD",
        help="only rows whose group or text contains WORD (repeatable)",
    )
    args = parser.parse_args(argv)
    rows = [
        row
        for row in ALL_ROWS
        if not args.only
        or any(word in f"{row.group} {row.what} {row.reference}" for word in args.only)
    ]
    print(machine())
    started = time.perf_counter()
    results = run(rows, quick=args.quick)
    print_table(results)
    missed = [r for r in results if r.passed is False]
    print(
        f"{len(results)} rows in {time.perf_counter() - started:.0f} s: "
        f"{sum(r.passed is True for r in results)} met, {len(missed)} missed, "
        f"{sum(r.passed is None for r in results)} skipped"
        + ("" if args.check else " (informational; --check makes a miss fail)")
    )
    if args.check and missed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
