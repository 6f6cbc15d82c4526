"""Stamp and sign a factura locally with a CAF and a .pfx, then verify it as its receiver would.

No network and no Haulmer account: ``haulmer.sii`` writes the DTE's XML, stamps the timbre (TED)
with the CAF's key and signs the document with the certificate, as the SII requires. This example
makes a test CAF and a test .pfx so that it runs anywhere; in production you read the CAF file the
SII gave you and your firma electrónica from disk:

    caf = sii.Caf.from_xml(Path("FoliosSII7679556133.xml").read_bytes())
    certificate = load_pfx("firma.pfx", os.environ["PFX_PASSWORD"])

    python examples/sign_and_verify.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import haulmer.dte as dte
from haulmer import sii
from haulmer.pfx import load_pfx
from haulmer.testing.caf import make_test_caf_xml
from haulmer.testing.certificates import make_test_pfx


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="haulmer-sign-"))
    caf_path, pfx_path = folder / "caf-33.xml", folder / "firma.pfx"
    caf_path.write_bytes(
        make_test_caf_xml(
            rut="76795561-8", razon_social="HAULMER SPA", dte_type=33, folio_from=101, folio_to=200
        )
    )
    pfx_path.write_bytes(make_test_pfx(rut="12345678-5", password="example-only"))

    caf = sii.Caf.from_xml(caf_path.read_bytes())
    certificate = load_pfx(pfx_path, "example-only")  # refuses an expired or wrong .pfx
    print(
        f"CAF for type {caf.dte_type}, folios {caf.folio_from}-{caf.folio_to}; "
        f"signature of RUT {certificate.holder_rut}"
    )

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
        lines=[{"nombre": "Soporte mensual", "cantidad": 3, "precio": 45000}],
    )  # dated today in Chile, the SII's calendar (a machine's date.today() may be tomorrow)
    xml = sii.issue(factura, caf=caf, certificate=certificate, folio=caf.folio_from)
    sii.validate_schema(xml)  # the SII's own XSD, bundled
    envio = sii.envelope(
        [xml],
        certificate=certificate,
        caratula=sii.Caratula(
            rut_emisor="76795561-8", fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80
        ),
    )
    sii.validate_schema(envio)
    (folder / "envio.xml").write_bytes(envio)

    # The receiver's side: verify signatures and timbre, then read the document.
    result = sii.verify(envio)
    assert result.ok, result.failures
    received = sii.parse(xml)
    print(result)
    print(f"folio {received.encabezado.id_doc.folio}, total {received.totals.mnt_total} CLP")

    tampered = xml.replace(b"<MntTotal>160650</MntTotal>", b"<MntTotal>16065</MntTotal>")
    assert tampered != xml
    failures = sii.verify(tampered).failures  # verify never raises on bad input
    assert failures
    print(f"a changed total is caught: {failures[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
