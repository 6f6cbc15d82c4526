"""What printing a DTE costs next to issuing it: render_pdf() against issue() on a 10-line factura.

The question is whether printing a document costs less than stamping and signing it. Issuing
is two RSA signatures plus the XML work (about 1 ms on a 2-core Xeon); printing lays out the
page with fpdf2, encodes the 1 KB timbre as a PDF417 symbol (zxing-cpp's zint encoder, about
2 ms of it) and compresses the PDF. The figures printed say which is cheaper on this machine;
nothing is gated on them.

- ``render letter``: ``sii.render_pdf(xml)``, the letter page a factura is usually printed on;
- ``render 80mm``: the same on an 80 mm roll (laid out twice: once to measure the strip);
- ``timbre only``: the PDF417 symbol of the TED, the part of printing that no layout avoids;
- ``issue()``: model checks, totals, XML, TED and XMLDSig, as in bench_sii.py;
- ``stamp+sign``: only the XML half of issue() (the timbre and the signature).

Timing: warmed up, interleaved rounds, best round, process CPU time (see bench_sii.py).

Run: python benchmarks/bench_pdf.py [--seconds 1] [--rounds 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from bench_sii import RUT, TIMESTAMP, best_seconds, ten_line_factura

from haulmer.sii import issue, render_pdf
from haulmer.sii.issuing import stamp_and_sign
from haulmer.sii.printed.barcode import symbol
from haulmer.sii.printed.source import read_source
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate


def measure(seconds: float = 1.0, rounds: int = 9) -> dict[str, float]:
    """Seconds per call of each operation (best round), plus ``render_over_issue``, the ratio
    of the letter rendering to issue() (below 1: printing costs less than issuing)."""
    certificate = make_test_certificate(
        key="rsa2048",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    caf = make_test_caf(
        rut=RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    document = ten_line_factura()
    xml = issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP)
    ted = read_source(xml, ted=None)[1]
    sii = document.checked_sii_dict(for_stamping=True)
    result = best_seconds(
        {
            "render_letter": lambda: render_pdf(xml),
            "render_80mm": lambda: render_pdf(xml, paper="80mm"),
            "timbre_only": lambda: symbol(ted),
            "issue": lambda: issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP),
            "stamp_sign": lambda: stamp_and_sign(
                sii, caf=caf, certificate=certificate, timestamp=TIMESTAMP
            ),
        },
        seconds,
        rounds,
    )
    result["render_over_issue"] = result["render_letter"] / result["issue"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU time per operation")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (best counts)")
    args = parser.parse_args(argv)
    numbers = measure(args.seconds, args.rounds)
    print(f"10-line factura; best of {args.rounds} interleaved rounds")
    for label, key in (
        ("render_pdf() letter", "render_letter"),
        ("render_pdf() 80 mm", "render_80mm"),
        ("  timbre (PDF417) only", "timbre_only"),
        ("issue() end to end", "issue"),
        ("  stamp+sign only", "stamp_sign"),
    ):
        print(f"{label:<24}{numbers[key] * 1e3:>9.2f} ms")
    ratio = numbers["render_over_issue"]
    verdict = "less" if ratio < 1 else "more"
    print(f"printing a factura costs {ratio:.2f}x issuing it: {verdict} than stamping and signing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
