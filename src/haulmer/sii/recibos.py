"""The receiver's EnvioRecibos (EnvioRecibos_v10.xsd, Recibos_v10.xsd): the acuse de recibo of
the goods or services of received DTEs, Ley 19.983.

Each ``Recibo`` is signed over its ``DocumentoRecibo``, then the envelope over
``SetRecibos``, both with the certificate of the person who acknowledges (``RutFirma``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Final

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import Rut
from haulmer.sii.answer_parts import (
    answer_document,
    checked_text,
    contact_elements,
    receiver_rut,
    signed_part,
    signer_rut,
    signing_certificate,
    text,
)
from haulmer.sii.issuing import check_certificate_at, signing_time
from haulmer.sii.received import (
    ReceivedDte,
    read_received_once,
    require_addressed,
    require_envelope_addressed,
    require_issued_by,
    require_signed,
)
from haulmer.sii.signature import SigningCertificate

__all__ = ["DECLARACION", "envio_recibos"]

DECLARACION: Final = (
    "El acuse de recibo que se declara en este acto, de acuerdo a lo dispuesto en la letra b) "
    "del Art. 4, y la letra c) del Art. 5 de la Ley 19.983, acredita que la entrega de "
    "mercaderias o servicio(s) prestado(s) ha(n) sido recibido(s)."
)
"""The Declaracion every Recibo carries: the text Recibos_v10.xsd fixes, word for word."""

_SCHEMA: Final = "EnvioRecibos_v10.xsd"
_SET_ID: Final = "SetDteRecibidos"
_MAX_RECINTO: Final = 80


@own_arithmetic
def envio_recibos(
    received: bytes | str,
    *,
    certificate: SigningCertificate,
    rut_receptor: str | Rut,
    recinto: str,
    documentos: Collection[tuple[int, int]] | None = None,
    rut_firma: str | Rut | None = None,
    timestamp: dt.datetime | None = None,
    nmb_contacto: str | None = None,
    fono_contacto: str | None = None,
    mail_contacto: str | None = None,
) -> bytes:
    """The signed EnvioRecibos acknowledging the goods or services of the received DTEs.

    One Recibo per DTE of the envelope, or per ``(tipo, folio)`` in ``documentos``; each must be
    addressed to ``rut_receptor`` and issued by the envelope's issuer (a ``(tipo, folio)`` held
    more than once: its first DTE, the one received), signed as its issuer made it (its
    signature verifies), and issued (its FchEmis) on or before the day of ``timestamp``.
    ``recinto`` is where they were received (up to 80 characters); ``rut_firma`` defaults to the
    certificate's holder.
    ``nmb_contacto`` (up to 40 characters), ``fono_contacto`` (40) and ``mail_contacto`` (80, an
    e-mail address) name whom the issuer may ask, when given.
    """
    certificate = signing_certificate(certificate)
    receiver = receiver_rut(rut_receptor)
    read = read_received_once(received)
    place = checked_text(
        recinto,
        "recinto",
        _MAX_RECINTO,
        required=True,
        what="where the goods or services were received (up to 80 characters)",
    )
    firma = signer_rut(certificate, rut_firma, "rut_firma")
    contact = contact_elements(nmb_contacto, fono_contacto, mail_contacto)
    require_envelope_addressed(read, receiver, "acknowledges")
    chosen = _chosen(read.documents, documentos)
    for dte in chosen:
        require_addressed(
            dte, read, receiver, f"documentos[{dte.key}]", "acknowledges", "documentos"
        )
        require_signed(dte, "its Recibo", "leave it out of documentos and ask its issuer for it")
    local_time = signing_time(timestamp, "TmstFirmaEnv")
    for dte in chosen:
        require_issued_by(dte, local_time, "TmstFirmaRecibo", "its Recibo")
    check_certificate_at(certificate, local_time)
    when = local_time.isoformat()
    recibos = "".join(_recibo(dte, place, firma, when, certificate) for dte in chosen)
    caratula = (
        f'<Caratula version="1.0"><RutResponde>{receiver}</RutResponde>'
        f"<RutRecibe>{read.rut_emisor}</RutRecibe>{contact}<TmstFirmaEnv>{when}</TmstFirmaEnv></Caratula>"
    )
    set_recibos = f'<SetRecibos ID="{_SET_ID}">{caratula}{recibos}</SetRecibos>'
    return answer_document("EnvioRecibos", _SCHEMA, signed_part(set_recibos, _SET_ID, certificate))


def _chosen(
    documents: tuple[ReceivedDte, ...], keys: Collection[tuple[int, int]] | None
) -> list[ReceivedDte]:
    if keys is None:
        return list(documents)
    if isinstance(keys, (str, bytes)) or not isinstance(keys, Collection):
        raise TypeError(
            f"documentos must be a collection of (tipo, folio), got {type(keys).__name__}"
        )
    known = {dte.key for dte in documents}
    for key in keys:
        try:
            hash(key)
        except TypeError:
            raise TypeError(
                f"documentos names {shown(key)}, a {type(key).__name__}: name a DTE by a "
                "(tipo, folio) tuple, such as (33, 120)"
            ) from None
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise DocumentError(
            f"documentos names {shown(unknown[0])}, which is no (tipo, folio) of the received "
            f"envelope (it holds {', '.join(repr(k) for k in sorted(known)[:10])})",
            [
                ErrorDetail("documentos", f"{shown(key)} not in the envelope")
                for key in unknown[:10]
            ],
        )
    if not keys:
        raise DocumentError(
            "documentos is empty: acknowledge at least one DTE",
            [ErrorDetail("documentos", "empty")],
        )
    wanted = set(keys)
    return [dte for dte in documents if dte.key in wanted]


def _recibo(
    dte: ReceivedDte, recinto: str, firma: Rut, when: str, certificate: SigningCertificate
) -> str:
    reference = f"R{dte.folio}T{dte.tipo}"
    documento = (
        f'<DocumentoRecibo ID="{reference}"><TipoDoc>{dte.tipo}</TipoDoc>'
        f"<Folio>{dte.folio}</Folio><FchEmis>{dte.fecha_emision.isoformat()}</FchEmis>"
        f"<RUTEmisor>{dte.rut_emisor}</RUTEmisor><RUTRecep>{dte.rut_receptor}</RUTRecep>"
        f"<MntTotal>{dte.monto_total}</MntTotal><Recinto>{text(recinto)}</Recinto>"
        f"<RutFirma>{firma}</RutFirma><Declaracion>{DECLARACION}</Declaracion>"
        f"<TmstFirmaRecibo>{when}</TmstFirmaRecibo></DocumentoRecibo>"
    )
    return f'<Recibo version="1.0">{signed_part(documento, reference, certificate)}</Recibo>'
