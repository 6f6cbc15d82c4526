"""Issue a DTE locally: render it, stamp its timbre with the CAF and sign it with the certificate.

The result is the signed ``<DTE>`` in ISO-8859-1, ready for an EnvioDTE/EnvioBOLETA envelope.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Final

from lxml import etree

from haulmer.errors import CertificateError, DocumentError, ErrorDetail
from haulmer.sii._time import chile_now, from_chile, to_chile
from haulmer.sii._xml import SII_NS, c14n_quick, to_latin1
from haulmer.sii.render import render_documento
from haulmer.sii.signature import SigningCertificate, signature_xml
from haulmer.sii.ted import TimbreData, stamp

if TYPE_CHECKING:
    from haulmer.dte import Document
    from haulmer.sii.caf import Caf

__all__ = ["check_certificate_at", "document_id", "issue"]

_NS: Final = "{" + SII_NS + "}"
_HEADER: Final = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
_QUOTED_TEXT: Final = re.compile(rb">([^<\"']*[\"'][^<]*)<")


def document_id(dte_type: int, folio: int) -> str:
    """The ``Documento/@ID`` the signature references: ``F<folio>T<type>``, as the SII's sample."""
    return f"F{folio}T{dte_type}"


def _escape_quotes(text: re.Match[bytes]) -> bytes:
    body = text.group(1).replace(b'"', b"&quot;").replace(b"'", b"&apos;")
    return b">" + body + b"<"


def check_certificate_at(certificate: SigningCertificate, local_time: dt.datetime) -> None:
    """Raise ``CertificateError`` unless the certificate is valid at that Chilean local time."""
    if not certificate.is_valid_at(from_chile(local_time)):
        not_before = getattr(certificate, "not_before", None)
        reason = (
            "not_yet_valid"
            if isinstance(not_before, dt.datetime) and from_chile(local_time) < not_before
            else "expired"
        )
        raise CertificateError(
            f"the signing certificate is not valid at {local_time.isoformat()} ({reason}); "
            "use a current .pfx",
            reason=reason,
        )


def _dig(data: Any, *path: str) -> Any:
    for key in path:
        if isinstance(data, list):
            data = data[0] if data else None
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def issue(
    document: Document,
    *,
    caf: Caf,
    certificate: SigningCertificate,
    timestamp: dt.datetime | None = None,
    folio: int | None = None,
) -> bytes:
    """Render, stamp (TED) and sign ``document``; return the signed ``<DTE>`` in ISO-8859-1.

    ``folio`` assigns one from the CAF's range (otherwise IdDoc/Folio must already hold it).
    ``timestamp`` (TSTED and TmstFirma) defaults to now in Chile; aware datetimes are converted.
    Raises ``DocumentError`` (rules, totals, CAF mismatch) or ``CertificateError``.
    """
    if folio is not None:
        document = document.with_folio(folio)
    document.check_for_stamping()
    local_time = to_chile(timestamp) if timestamp is not None else chile_now()
    check_certificate_at(certificate, local_time)

    sii = document.to_sii_dict()
    dte_type = int(document.tipo_dte)
    number = document.folio
    rut_emisor = str(_dig(sii, "Encabezado", "Emisor", "RUTEmisor"))
    caf.check_for_stamping(dte_type=dte_type, folio=number, rut_emisor=rut_emisor)
    monto_total = _dig(sii, "Encabezado", "Totales", "MntTotal")
    first_item = _dig(sii, "Detalle", "NmbItem")
    if monto_total is None or first_item is None:
        raise DocumentError(
            "the document needs Totales/MntTotal and at least one Detalle to be stamped",
            [ErrorDetail("Totales.MntTotal", "required"), ErrorDetail("Detalle", "required")],
        )
    razon_social = _dig(sii, "Encabezado", "Receptor", "RznSocRecep")
    data = TimbreData(
        rut_emisor=rut_emisor,
        dte_type=dte_type,
        folio=number,
        fecha_emision=document.fecha_emision,
        rut_receptor=str(_dig(sii, "Encabezado", "Receptor", "RUTRecep")),
        razon_social_receptor=str(razon_social) if razon_social is not None else "",
        monto_total=int(monto_total),
        primer_item=str(first_item),
    )

    identifier = document_id(dte_type, number)
    documento = render_documento(sii, document_id=identifier, root_tag=document.tipo_dte.xml_root)
    ted = stamp(data, caf, timestamp=local_time)
    documento.append(ted)
    for node in ted.iter():
        node.tag = _NS + node.tag
    etree.SubElement(documento, _NS + "TmstFirma").text = local_time.isoformat()

    signature = signature_xml(c14n_quick(documento), identifier, certificate)
    body = to_latin1(documento)
    # The DTE root declares the namespace; drop the Documento's now redundant declaration.
    tag = documento.tag[len(_NS) :]
    opening = f'<{tag} xmlns="{SII_NS}" '.encode("ascii")
    if not body.startswith(opening):  # pragma: no cover - lxml always writes it this way
        raise AssertionError("unexpected serialization of the Documento")
    body = f"<{tag} ".encode("ascii") + body[len(opening) :]
    body = _QUOTED_TEXT.sub(_escape_quotes, body)
    return b"".join(
        (
            _HEADER,
            f'<DTE xmlns="{SII_NS}" version="1.0">'.encode("ascii"),
            body,
            signature,
            b"</DTE>",
        )
    )
