"""What the SII suites stamp and sign with, and ``xmlsec1`` as an independent oracle."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate

EMISOR_RUT = "76086428-5"
SIGNED_AT = dt.datetime(2026, 11, 27, 10, 30, 0)


def signed_at_for(document: Document) -> dt.datetime:
    """``SIGNED_AT``, or 10:30 on the document's FchEmis when it is later: no DTE is stamped
    before the day it is dated."""
    fecha = document.encabezado.id_doc.fecha_emision
    return max(SIGNED_AT, dt.datetime.combine(fecha, SIGNED_AT.time()))


def signer_certificate() -> Certificate:
    """The signer's test certificate, valid 2026-2036."""
    return make_test_certificate(
        rut="11111111-1",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )


def emisor_cafs(types: Iterable[int], *, folio_to: int) -> dict[int, Caf]:
    """A test CAF per type for ``EMISOR_RUT``, folios 1 to ``folio_to``."""
    return {
        tipo: make_test_caf(
            rut=EMISOR_RUT,
            razon_social="Comercial Ñandú & Hijos Ltda.",
            dte_type=tipo,
            folio_from=1,
            folio_to=folio_to,
            issued_on=dt.date(2026, 11, 1),
        )
        for tipo in types
    }


def xmlsec1_verify(
    xml: bytes,
    tmp_path: Path,
    *,
    id_attr: str,
    certificate_pem: bytes | None,
    node_xpath: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the independent ``xmlsec1 --verify`` on ``xml``; the key is the given certificate's,
    or the one in the signature's KeyInfo when ``certificate_pem`` is None."""
    binary = shutil.which("xmlsec1")
    assert binary is not None, "xmlsec1 must be installed (Debian package xmlsec1)"
    document = tmp_path / "signed.xml"
    document.write_bytes(xml)
    command = [binary, "--verify", "--id-attr:ID", id_attr]
    if certificate_pem is not None:
        key = tmp_path / "signer.pem"
        key.write_bytes(certificate_pem)
        command += ["--pubkey-cert-pem", str(key)]
    if node_xpath is not None:
        command += ["--node-xpath", node_xpath]
    command.append(str(document))
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
