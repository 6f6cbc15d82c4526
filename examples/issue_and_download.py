"""Issue a factura through OpenFactura, then download its signed XML and its PDF.

Runs against the embedded fake by default (no network, no account). With ``--sandbox`` it talks
to Haulmer's public sandbox instead, with the documented sandbox key (HAULMER SPA's test company).
In production, drop ``environment=`` and set ``HAULMER_API_KEY`` to your company's key.

    python examples/issue_and_download.py [--sandbox] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import haulmer
import haulmer.dte as dte
from haulmer import sii


def issue_and_download(client: haulmer.Haulmer, out_dir: Path, today: dt.date) -> list[Path]:
    """Issue one factura (33), save its XML and PDF, and check the XML's signature and timbre."""
    factura = dte.factura(
        emisor={
            "rut": "76795561-8",
            "razon_social": "HAULMER SPA",
            "giro": "Software",
            "actecos": [620200],
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        receptor={
            "rut": "76430498-5",
            "razon_social": "HOSTY SPA",
            "giro": "Informática",
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        lines=[{"nombre": "Plan anual", "cantidad": 1, "precio": 120000}],
        fecha=today,
    )
    documents = client.openfactura.documents
    emitted = documents.emit(
        factura, response=["FOLIO", "XML", "PDF"], idempotency_key=f"invoice-{today:%Y%m%d}-0001"
    )
    folio = emitted.require_folio()
    xml = emitted.xml or documents.xml(emitted.token)  # both ways give the same bytes
    pdf = emitted.pdf or documents.pdf(emitted.token)
    verification = sii.verify(xml)
    if not verification.ok:
        raise SystemExit(f"the signed XML did not verify: {verification.failures}")
    xml_path, pdf_path = out_dir / f"factura-33-{folio}.xml", out_dir / f"factura-33-{folio}.pdf"
    xml_path.write_bytes(xml)
    pdf_path.write_bytes(pdf)
    print(f"factura folio {folio}: {documents.status(emitted.token).estado}")
    print(f"total {factura.totals.mnt_total} CLP; wrote {xml_path.name} and {pdf_path.name}")
    return [xml_path, pdf_path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", action="store_true", help="use Haulmer's public sandbox")
    parser.add_argument("--out", type=Path, help="folder for the files (default: a temp folder)")
    args = parser.parse_args(argv)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="haulmer-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.sandbox:
        # The SII's day is Chile's, not this machine's: a server on UTC is a day ahead after
        # 21:00 in Chile, and a factura dated then is refused as dated in the future.
        today_in_chile = dt.datetime.now(ZoneInfo("America/Santiago")).date()
        with haulmer.Haulmer(environment="sandbox", api_key=haulmer.SANDBOX_API_KEY) as client:
            issue_and_download(client, out_dir, today_in_chile)
        return 0
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    with fake.client() as client:
        issue_and_download(client, out_dir, fake.clock.today())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
