"""Issue a DTE locally: render it, stamp its timbre with the CAF and sign it with the certificate.

The result is the signed ``<DTE>`` in ISO-8859-1, ready for an EnvioDTE/EnvioBOLETA envelope.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from haulmer._chile import chile_now, from_chile, to_chile
from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.dte.checked import CheckedDocument
from haulmer.dte.document import Document
from haulmer.dte.rules import check_document_rules, facet_root, stamping_problems
from haulmer.errors import CertificateError, DocumentError, ErrorDetail
from haulmer.sii._xml import SII_NS
from haulmer.sii.caf import Caf
from haulmer.sii.issued_memory import IssuedFacts, remember
from haulmer.sii.render import canonical_text, quote_entities
from haulmer.sii.section_writer import canonical_sections
from haulmer.sii.signature import SigningCertificate, signature_over_digest, signing_certificate
from haulmer.sii.ted import (
    TimbreData,
    check_caf_fits,
    check_not_dated_after,
    check_timbre_fields,
    stamped_forms,
)

__all__ = ["check_certificate_at", "document_id", "issue", "signing_time", "stamp_and_sign"]

_HEADER: Final = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
_EARLIEST: Final = dt.datetime(2000, 1, 1)
_LATEST: Final = dt.datetime(2050, 12, 31, 23, 59, 59)
"""The range of the SII's FechaHoraType (TSTED, TmstFirma, TmstFirmaEnv)."""


def document_id(dte_type: int, folio: int) -> str:
    """The ``Documento/@ID`` the signature references: ``F<folio>T<type>``, as the SII's sample."""
    return f"F{folio}T{dte_type}"


def signing_time(timestamp: dt.datetime | None, field: str) -> dt.datetime:
    """``timestamp`` as naive Chilean local time to the second (now when None); refused before
    anything is signed unless it is a datetime the SII's FechaHoraType can carry in ``field``."""
    if timestamp is None:
        return chile_now()
    if not isinstance(timestamp, dt.datetime):
        raise TypeError(
            "timestamp must be a datetime.datetime (naive Chilean local time, or aware), got "
            f"{type(timestamp).__name__} {shown(timestamp)}; or None for now"
        )
    try:
        local = to_chile(timestamp)
    except OverflowError:  # year 1 UTC is year 0 in Chile: no datetime holds it
        local = None
    if local is None or not _EARLIEST <= local <= _LATEST:
        when = (
            f"{local.isoformat()} (Chilean time)"
            if local is not None
            else f"{timestamp.isoformat()} (before year 1 or after 9999 in Chilean time)"
        )
        raise DocumentError(
            f"timestamp {when} is outside what the SII's schema allows in {field} "
            f"({_EARLIEST.isoformat()} to {_LATEST.isoformat()}); pass the time of signing, or "
            "None for now",
            [ErrorDetail(field, f"{when} is outside 2000-2050")],
        )
    return local


def check_certificate_at(certificate: SigningCertificate, local_time: dt.datetime) -> None:
    """Raise ``CertificateError`` unless the certificate is valid at that Chilean local time
    (``TypeError`` when it is no loaded .pfx: checked first, before any use of it)."""
    signing_certificate(certificate)
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


def _amount(value: Any) -> int | Decimal:
    """MntTotal as the timbre's MNT: pesos, or an export's amount in its currency (Decimal)."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    amount = Decimal(str(value).strip())
    if not amount.is_finite():
        return amount  # refused by the timbre's check, naming DD/MNT
    return int(amount) if amount == amount.to_integral_value() else amount.normalize()


@own_arithmetic
def issue(
    document: Document | CheckedDocument,
    *,
    caf: Caf,
    certificate: SigningCertificate,
    timestamp: dt.datetime | None = None,
    folio: int | None = None,
) -> bytes:
    """Render, stamp (TED) and sign ``document``; return the signed ``<DTE>`` in ISO-8859-1.

    ``folio`` assigns one from the CAF's range (otherwise IdDoc/Folio must already hold it).
    ``timestamp`` (TSTED and TmstFirma) defaults to now in Chile; aware datetimes are converted.
    A FchEmis after its day in Chile is refused, as the SII refuses a DTE dated after it
    receives it (``emit()`` does the same with ``today``).
    A ``Document`` is checked once (``check_for_stamping``); a ``CheckedDocument``
    (``document.checked()``) is not checked again, only its folio. The timbre is read from the
    checked document's typed fields. Raises ``DocumentError`` (rules, totals, CAF mismatch) or
    ``CertificateError``.
    """
    text: str | None
    if not isinstance(document, Document | CheckedDocument):
        raise TypeError(
            "issue() takes a haulmer.dte.Document (or its .checked()), got "
            f"{type(document).__name__}"
        )
    if not isinstance(caf, Caf):
        raise TypeError(
            f"caf must be a haulmer.sii.Caf (Caf.from_xml(the CAF file's bytes)), got "
            f"{type(caf).__name__}"
        )
    if folio is not None and (not isinstance(folio, int) or isinstance(folio, bool)):
        raise TypeError(f"folio must be an int from the CAF's range, got {type(folio).__name__}")
    local_time = signing_time(timestamp, "TSTED")
    if isinstance(document, CheckedDocument):
        checked = document.with_folio(folio) if folio is not None else document
        if not checked.for_stamping:
            problems = stamping_problems(checked.document)
            if problems:
                raise DocumentError(f"{problems[0].field}: {problems[0].issue}", problems)
        text = _canonical_document(checked)
    else:
        if folio is not None:
            document = document.with_folio(folio)
        checked, text = _checked_and_written(document)
    check_certificate_at(certificate, local_time)
    doc = checked.document
    encabezado = doc.encabezado
    id_doc, receptor = encabezado.id_doc, encabezado.receptor
    data = TimbreData(
        rut_emisor=str(encabezado.emisor.rut),
        dte_type=int(id_doc.tipo_dte),
        folio=id_doc.folio,
        fecha_emision=id_doc.fecha_emision,
        rut_receptor=str(receptor.rut),
        razon_social_receptor=receptor.razon_social or "",
        monto_total=checked.monto_total,
        primer_item=checked.primer_item,
    )
    _check_caf(data, caf, local_time)
    if text is None:  # some text XML or ISO-8859-1 cannot carry: name the field
        text = canonical_text(checked.sii_dict())
    return _write(text, data, caf, certificate, local_time)


def _checked_and_written(document: Document) -> tuple[CheckedDocument, str | None]:
    """``document.checked(for_stamping=True)`` and its canonical text, the rules run once and the
    facets judged as each value is written: one walk over the elements instead of two.

    When anything is wrong the long way runs: ``checked()`` raises the same ``DocumentError``
    (every problem, the facets' first). The text is None when some text is not clean XML in
    ISO-8859-1, which ``canonical_text`` then names.
    """
    outcome = check_document_rules(document)
    amounts, totals = outcome.line_amounts, outcome.totals
    walked = False
    if (
        not outcome.problems
        and amounts is not None
        and totals is not None
        and not stamping_problems(document)
    ):
        text = canonical_sections(document.rendered_sections(amounts, totals), facet_root(document))
        if text is not None:
            return CheckedDocument(document, amounts, totals, for_stamping=True), text
        walked = True
    checked = document.checked(for_stamping=True)  # raises what the walk found wrong
    if walked:  # it met no broken facet then, only text that is no clean XML
        return checked, None
    return checked, _canonical_document(checked)


def _canonical_document(checked: CheckedDocument) -> str | None:
    """The checked document's canonical text, each value judged against its schema's facets
    as it is written; None on any doubt (a broken facet, text that is no clean XML)."""
    doc = checked.document
    sections = doc.rendered_sections(checked.line_amounts, checked.computed_totals)
    return canonical_sections(sections, facet_root(doc))


@own_arithmetic
def stamp_and_sign(
    sii: Mapping[str, Any],
    *,
    caf: Caf,
    certificate: SigningCertificate,
    timestamp: dt.datetime | None = None,
) -> bytes:
    """Stamp and sign an SII dict already checked by the models (``Document.to_sii_dict()``),
    read as a dict: what :func:`issue` does from a checked document's typed fields.

    Checks only what stamping needs: the CAF fits (type, folio, issuer), the document is not
    dated after ``timestamp``'s day, MntTotal is a finite amount of 0 or more and the
    certificate is valid at ``timestamp``; the document rules are :func:`issue`'s job.
    """
    if not isinstance(caf, Caf):
        raise TypeError(f"caf must be a haulmer.sii.Caf, got {type(caf).__name__}")
    local_time = signing_time(timestamp, "TSTED")
    check_certificate_at(certificate, local_time)
    tipo, folio = (
        _dig(sii, "Encabezado", "IdDoc", "TipoDTE"),
        _dig(sii, "Encabezado", "IdDoc", "Folio"),
    )
    fecha = _dig(sii, "Encabezado", "IdDoc", "FchEmis")
    rut_emisor = _dig(sii, "Encabezado", "Emisor", "RUTEmisor")
    rut_receptor = _dig(sii, "Encabezado", "Receptor", "RUTRecep")
    monto_total = _dig(sii, "Encabezado", "Totales", "MntTotal")
    first_item = _dig(sii, "Detalle", "NmbItem")
    missing = [
        ErrorDetail(field, "required to stamp the document")
        for field, value in (
            ("Encabezado.IdDoc.TipoDTE", tipo),
            ("Encabezado.IdDoc.Folio", folio),
            ("Encabezado.IdDoc.FchEmis", fecha),
            ("Encabezado.Emisor.RUTEmisor", rut_emisor),
            ("Encabezado.Receptor.RUTRecep", rut_receptor),
            ("Encabezado.Totales.MntTotal", monto_total),
            ("Detalle[1].NmbItem", first_item),
        )
        if value is None
    ]
    if missing:
        summary = ", ".join(d.field for d in missing)
        raise DocumentError(f"the document cannot be stamped without {summary}", missing)
    try:
        dte_type, number = int(tipo), int(folio)
        issued_on = fecha if isinstance(fecha, dt.date) else dt.date.fromisoformat(str(fecha))
        total = _amount(monto_total)
    except (ValueError, InvalidOperation):
        given = (
            f"TipoDTE {shown(tipo)}, Folio {shown(folio)}, FchEmis {shown(fecha)}, "
            f"MntTotal {shown(monto_total)}"
        )
        raise DocumentError(
            f"{given}: one is malformed; TipoDTE and Folio are whole numbers, FchEmis a date "
            "(AAAA-MM-DD) and MntTotal a number without thousands separators",
            [ErrorDetail("IdDoc", given)],
        ) from None
    razon_social = _dig(sii, "Encabezado", "Receptor", "RznSocRecep")
    data = TimbreData(
        rut_emisor=str(rut_emisor),
        dte_type=dte_type,
        folio=number,
        fecha_emision=issued_on,
        rut_receptor=str(rut_receptor),
        razon_social_receptor=str(razon_social) if razon_social is not None else "",
        monto_total=total,
        primer_item=str(first_item),
    )

    _check_caf(data, caf, local_time)
    text = canonical_text(sii)  # names a document's field that holds text XML cannot carry
    check_timbre_fields(data)
    return _write(text, data, caf, certificate, local_time)


def _check_caf(data: TimbreData, caf: Caf, local_time: dt.datetime) -> None:
    """The CAF covers this timbre, its folios are authorized and not expired that day, and the
    document is not dated after it."""
    check_caf_fits(data, caf, local_time.date())
    check_not_dated_after(data, local_time.date())


def _write(
    document_text: str,
    data: TimbreData,
    caf: Caf,
    certificate: SigningCertificate,
    local_time: dt.datetime,
) -> bytes:
    """Write the stamped and signed ``<DTE>`` (the CAF checked by ``_check_caf``)."""
    identifier = document_id(data.dte_type, data.folio)
    root_tag = DTEType(data.dte_type).xml_root
    ted, quoted_ted = stamped_forms(data, caf, timestamp=local_time)
    closing = f"<TmstFirma>{local_time.isoformat()}</TmstFirma></{root_tag}>".encode("ascii")
    # Written in C14N form from the start: the digest is over these very characters plus the
    # namespace declaration that inclusive C14N puts on the apex. Hashed part by part, so the
    # document's text is copied only to be encoded.
    digest = hashlib.sha1(f'<{root_tag} xmlns="{SII_NS}" ID="{identifier}">'.encode("ascii"))
    digest.update(document_text.encode("utf-8"))
    digest.update(ted.encode("utf-8"))
    digest.update(closing)
    signature = signature_over_digest(digest.digest(), identifier, certificate)
    # The file carries the SII's quote entities; the document's text has no attributes.
    signed = b"".join(
        (
            _HEADER,
            f'<DTE xmlns="{SII_NS}" version="1.0"><{root_tag} ID="{identifier}">'.encode("ascii"),
            quote_entities(document_text).encode("iso-8859-1"),
            quoted_ted.encode("iso-8859-1"),
            closing,
            signature,
            b"</DTE>",
        )
    )
    remember(
        signed,
        IssuedFacts(data.dte_type, data.rut_emisor, identifier, caf.idk, data.rut_receptor),
    )
    return signed
