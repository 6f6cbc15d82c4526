"""The receiver's RespuestaDTE (RespuestaEnvioDTE_v10.xsd): the reception result of a received
EnvioDTE (``RecepcionEnvio``) or the commercial result of its DTEs (``ResultadoDTE``).

Both are signed over ``Resultado ID="ResultadoEnvio"`` with the receiver's certificate and come
back in ISO-8859-1. Every input is checked against the schema and the received envelope first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import Rut
from haulmer.sii.answer_parts import (
    Resultado,
    answer_document,
    checked_code,
    checked_number,
    checked_text,
    contact_elements,
    receiver_rut,
    signed_part,
    signing_certificate,
    text,
)
from haulmer.sii.issuing import check_certificate_at, signing_time
from haulmer.sii.received import (
    ReceivedDte,
    ReceivedEnvelope,
    read_received_once,
    read_received_with_repeats,
    require_addressed,
    require_envelope_addressed,
    require_issued_by,
    require_issuer_named,
    require_nameable,
    require_signed,
)
from haulmer.sii.signature import SigningCertificate

__all__ = [
    "ESTADOS_DTE",
    "ESTADOS_RECEPCION_DTE",
    "ESTADOS_RECEPCION_ENVIO",
    "respuesta_recepcion",
    "resultado_comercial",
]

ESTADOS_RECEPCION_ENVIO: Final = {
    0: "Envio Recibido Conforme",
    1: "Envio Rechazado - Error de Schema",
    2: "Envio Rechazado - Error de Firma",
    3: "Envio Rechazado - RUT Receptor No Corresponde",
    90: "Envio Rechazado - Archivo Repetido",
    91: "Envio Rechazado - Archivo Ilegible",
    99: "Envio Rechazado - Otros",
}
"""EstadoRecepEnv: the codes of the SII's schema and their meaning."""
ESTADOS_RECEPCION_DTE: Final = {
    0: "DTE Recibido OK",
    1: "DTE No Recibido - Error de Firma",
    2: "DTE No Recibido - Error en RUT Emisor",
    3: "DTE No Recibido - Error en RUT Receptor",
    4: "DTE No Recibido - DTE Repetido",
    99: "DTE No Recibido - Otros",
}
"""EstadoRecepDTE: the codes of the SII's schema and their meaning."""
ESTADOS_DTE: Final = {
    0: "DTE Aceptado OK",
    1: "DTE Aceptado con Discrepancias",
    2: "DTE Rechazado",
}
"""EstadoDTE (the commercial result): the codes of the SII's schema and their meaning."""

_SCHEMA: Final = "RespuestaEnvioDTE_v10.xsd"
_RESULT_ID: Final = "ResultadoEnvio"
_MAX_NAME: Final = 80
_WRONG_EMISOR: Final = 2
_WRONG_RECEPTOR: Final = 3
_REPEATED: Final = 4
_REJECTED: Final = 2
"""EstadoDTE 2, DTE Rechazado: the one commercial result a DTE dated after the answer takes."""


@own_arithmetic
def respuesta_recepcion(
    received: bytes | str,
    *,
    certificate: SigningCertificate,
    rut_receptor: str | Rut,
    id_respuesta: int,
    cod_envio: int,
    nombre_envio: str,
    fecha_recepcion: dt.datetime | None = None,
    envio: Resultado | None = None,
    documentos: Mapping[tuple[int, int], Resultado] | None = None,
    timestamp: dt.datetime | None = None,
    nmb_contacto: str | None = None,
    fono_contacto: str | None = None,
    mail_contacto: str | None = None,
) -> bytes:
    """The signed RespuestaDTE telling the issuer how its EnvioDTE was received.

    ``envio`` is the envelope's result (``Resultado(0)``, received, by default); ``documentos``
    each DTE's, by ``(tipo, folio)`` (``Resultado(0)`` for those not named). A DTE's result is
    listed only when the envelope is received. A DTE whose RUTRecep is not ``rut_receptor`` can
    only be answered with code 3, one of another issuer than the envelope's with code 2 (either
    RUT with a wrong check digit too, written as the DTE writes it), and an
    envelope whose RutReceptor is not ``rut_receptor`` with code 3. A ``(tipo, folio)`` the
    envelope holds more than once is answered for its first DTE; each later one is listed with
    code 4 (DTE Repetido). An envelope holding a DTE no RespuestaDTE can name (a boleta, a
    liquidación-factura or an export; no RUTRecep or no whole MntTotal; one the models cannot
    read), or holding no DTE or more than 2000, can only be rejected, as can an envelope whose
    signature does not verify (code 2) or whose Caratula counts (SubTotDTE) other DTEs than it
    holds (code 99); a DTE whose signature does not verify is not received (code 1).
    ``cod_envio`` is the receiver's own number for the envelope, ``nombre_envio`` its file's
    name, and ``fecha_recepcion`` when it arrived (Chilean time; now when None).
    ``nmb_contacto`` (up to 40 characters), ``fono_contacto`` (40) and ``mail_contacto`` (80,
    an e-mail address) name whom the issuer may ask, when given.
    """
    certificate = signing_certificate(certificate)
    receiver = receiver_rut(rut_receptor)
    read = read_received_with_repeats(received)
    cod_envio = checked_number(cod_envio, "cod_envio", 10)
    id_respuesta = checked_number(id_respuesta, "id_respuesta", 10)
    contact = contact_elements(nmb_contacto, fono_contacto, mail_contacto)
    nombre = checked_text(
        nombre_envio,
        "nombre_envio",
        _MAX_NAME,
        required=True,
        what="the name of the received envelope's file (up to 80 characters)",
    )
    estado_envio, glosa_envio, _ = checked_code(
        envio if envio is not None else Resultado(0), ESTADOS_RECEPCION_ENVIO, "envio"
    )
    if read.rut_receptor != receiver and estado_envio != _WRONG_RECEPTOR:
        raise DocumentError(
            f"the received envelope is addressed to {read.rut_receptor}, not to rut_receptor "
            f"{receiver}: answer it with envio=Resultado(3, ...) (RUT Receptor No Corresponde)",
            [ErrorDetail("RutReceptor", f"is not {receiver}")],
        )
    if estado_envio != 0 and documentos:
        raise DocumentError(
            f"envio is rejected (code {estado_envio}) but documentos gives DTE results: a "
            "rejected envelope's DTEs are not received, so none is listed; leave documentos out "
            "or receive the envelope (code 0)",
            [ErrorDetail("documentos", "given with a rejected envelope")],
        )
    if estado_envio == 0:
        require_issuer_named(
            read,
            "it cannot be received: answer it with envio=Resultado(99, glosa) (Envio Rechazado - "
            "Otros)",
        )
        require_nameable(
            read,
            "; its envelope can only be rejected: envio=Resultado(code, glosa), which lists no DTE",
        )
        if read.signature_problems:
            shown_problems = "; ".join(read.signature_problems[:3])
            raise DocumentError(
                f"the received envelope's signature does not verify ({shown_problems}): it was "
                "not received as its issuer sent it, so it cannot be answered as received; "
                "answer it with envio=Resultado(2, glosa) (Envio Rechazado - Error de Firma)",
                [ErrorDetail("Signature", problem) for problem in read.signature_problems],
            )
        if read.count_problems:
            raise DocumentError(
                f"the received envelope does not hold what its Caratula says "
                f"({'; '.join(read.count_problems)}): it cannot be answered as received; "
                "answer it with envio=Resultado(99, glosa) (Envio Rechazado - Otros)",
                [ErrorDetail("Caratula/SubTotDTE", problem) for problem in read.count_problems],
            )
    results = _dte_results(read, receiver, documentos) if estado_envio == 0 else []
    local_time = signing_time(timestamp, "TmstFirmaResp")
    if fecha_recepcion is not None and not isinstance(fecha_recepcion, dt.datetime):
        raise TypeError(
            "fecha_recepcion must be a datetime.datetime (when the envelope arrived, Chilean "
            f"time or aware), got {type(fecha_recepcion).__name__}; or None for now"
        )
    received_at = signing_time(fecha_recepcion or local_time, "FchRecep")
    if received_at > local_time:
        raise DocumentError(
            f"fecha_recepcion {received_at.isoformat()} is after the answer is signed "
            f"({local_time.isoformat()}): an envelope is answered after it arrives",
            [ErrorDetail("FchRecep", "after TmstFirmaResp")],
        )
    check_certificate_at(certificate, local_time)
    digest = f"<Digest>{read.digest}</Digest>" if read.digest else ""
    receptor = (  # a RutReceptor with a wrong check digit names no one: left out (optional)
        f"<RutReceptor>{read.rut_receptor}</RutReceptor>" if read.rut_receptor.is_dv_valid else ""
    )
    details = "".join(
        f"<RecepcionDTE>{_identity(dte)}<EstadoRecepDTE>{estado}</EstadoRecepDTE>"
        f"<RecepDTEGlosa>{text(glosa)}</RecepDTEGlosa></RecepcionDTE>"
        for dte, estado, glosa in results
    )
    count = f"<NroDTE>{len(results)}</NroDTE>" if results else ""
    recepcion = (
        f"<RecepcionEnvio><NmbEnvio>{text(nombre)}</NmbEnvio>"
        f"<FchRecep>{received_at.isoformat()}</FchRecep>"
        f"<CodEnvio>{cod_envio}</CodEnvio>"
        f"<EnvioDTEID>{text(read.set_id)}</EnvioDTEID>{digest}"
        f"<RutEmisor>{read.rut_emisor}</RutEmisor>{receptor}"
        f"<EstadoRecepEnv>{estado_envio}</EstadoRecepEnv>"
        f"<RecepEnvGlosa>{text(glosa_envio)}</RecepEnvGlosa>{count}{details}</RecepcionEnvio>"
    )
    return _respuesta(
        receiver, read.rut_emisor, id_respuesta, 1, local_time, recepcion, certificate, contact
    )


@own_arithmetic
def resultado_comercial(
    received: bytes | str,
    *,
    certificate: SigningCertificate,
    rut_receptor: str | Rut,
    id_respuesta: int,
    cod_envio: int,
    resultados: Resultado | Mapping[tuple[int, int], Resultado],
    timestamp: dt.datetime | None = None,
    nmb_contacto: str | None = None,
    fono_contacto: str | None = None,
    mail_contacto: str | None = None,
) -> bytes:
    """The signed RespuestaDTE telling the issuer whether its DTEs are accepted commercially.

    ``resultados`` is one ``Resultado`` for every DTE of the envelope, or one per DTE answered,
    by ``(tipo, folio)``: 0 accepted, 1 accepted with discrepancies, 2 rejected (those two with
    their ``glosa``, and optionally ``cod_rch_dsc``). Every DTE answered must be addressed to
    ``rut_receptor`` and come from the envelope's issuer; a ``(tipo, folio)`` the envelope holds
    more than once is answered for its first DTE, the one received. A DTE is accepted (0, 1)
    only on or after its FchEmis, by ``timestamp``'s day, and only when its signature
    verifies; it can be rejected at any time.
    ``cod_envio`` is the number the reception answer gave the envelope. The contact is
    optional, as in :func:`respuesta_recepcion`.
    """
    certificate = signing_certificate(certificate)
    receiver = receiver_rut(rut_receptor)
    read = read_received_once(received)
    cod_envio = checked_number(cod_envio, "cod_envio", 10)
    id_respuesta = checked_number(id_respuesta, "id_respuesta", 10)
    contact = contact_elements(nmb_contacto, fono_contacto, mail_contacto)
    if isinstance(resultados, Resultado):
        chosen = [(dte, resultados) for dte in read.documents]
    elif isinstance(resultados, Mapping):
        _known_keys(read, resultados, "resultados")
        if not resultados:
            raise DocumentError(
                "resultados is empty: answer at least one DTE", [ErrorDetail("resultados", "empty")]
            )
        chosen = [(dte, resultados[dte.key]) for dte in read.documents if dte.key in resultados]
    else:
        raise TypeError(
            "resultados must be a haulmer.sii.Resultado or a mapping of (tipo, folio) to one, got "
            f"{type(resultados).__name__}"
        )
    require_envelope_addressed(read, receiver, "answers")
    local_time = signing_time(timestamp, "TmstFirmaResp")
    rows = []
    for dte, resultado in chosen:
        where = f"resultados[{dte.key}]"
        require_addressed(dte, read, receiver, where, "answers", "resultados")
        estado, glosa, code = checked_code(resultado, ESTADOS_DTE, where, with_reason_code=True)
        if estado != _REJECTED:
            require_signed(dte, "its acceptance", f"reject it: {where} = Resultado(2, glosa)")
            require_issued_by(
                dte,
                local_time,
                "TmstFirmaResp",
                "its acceptance",
                f", or reject it: {where} = Resultado(2, glosa)",
            )
        reason = f"<CodRchDsc>{code}</CodRchDsc>" if code is not None else ""
        rows.append(
            f"<ResultadoDTE>{_identity(dte)}<CodEnvio>{cod_envio}</CodEnvio>"
            f"<EstadoDTE>{estado}</EstadoDTE><EstadoDTEGlosa>{text(glosa)}</EstadoDTEGlosa>"
            f"{reason}</ResultadoDTE>"
        )
    check_certificate_at(certificate, local_time)
    return _respuesta(
        receiver,
        read.rut_emisor,
        id_respuesta,
        len(rows),
        local_time,
        "".join(rows),
        certificate,
        contact,
    )


def _known_keys(
    read: ReceivedEnvelope, given: Mapping[tuple[int, int], Resultado], field: str
) -> None:
    """Every ``(tipo, folio)`` in ``given`` names a DTE of the received envelope."""
    keys = {dte.key for dte in read.documents}
    unknown = [key for key in given if key not in keys]
    if unknown:
        raise DocumentError(
            f"{field} names {shown(unknown[0])}, which is no (tipo, folio) of the received "
            f"envelope (it holds {', '.join(repr(k) for k in sorted(keys)[:10])})",
            [ErrorDetail(field, f"{shown(key)} not in the envelope") for key in unknown[:10]],
        )


def _dte_results(
    read: ReceivedEnvelope, receiver: Rut, given: Mapping[tuple[int, int], Resultado] | None
) -> list[tuple[ReceivedDte, int, str]]:
    """Each DTE's reception code and glosa; a wrong RUT must be answered with its code, and a
    (tipo, folio) met again is not received: code 4, DTE Repetido."""
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        raise TypeError(
            "documentos must be a mapping of (tipo, folio) to a haulmer.sii.Resultado, got "
            f"{type(given).__name__}"
        )
    _known_keys(read, given, "documentos")
    results = []
    seen: set[tuple[int, int]] = set()
    for dte in read.documents:
        where = f"documentos[{dte.key}]"
        if dte.key in seen:
            results.append((dte, *_repeat_code(dte, read, receiver)))
            continue
        seen.add(dte.key)
        estado, glosa, _ = checked_code(
            given.get(dte.key, Resultado(0)), ESTADOS_RECEPCION_DTE, where
        )
        if dte.rut_receptor != receiver and estado != _WRONG_RECEPTOR:
            raise DocumentError(
                f"the DTE {dte.key} is addressed to {dte.rut_receptor}, not to rut_receptor "
                f"{receiver}: answer it with documentos={{{dte.key}: Resultado(3, ...)}} "
                "(Error en RUT Receptor)",
                [ErrorDetail(where, f"RUTRecep is not {receiver}")],
            )
        if dte.rut_emisor != read.rut_emisor and estado not in (_WRONG_EMISOR, _WRONG_RECEPTOR):
            raise DocumentError(
                f"the DTE {dte.key} is issued by {dte.rut_emisor}, not by the envelope's "
                f"RutEmisor {read.rut_emisor}: answer it with documentos={{{dte.key}: "
                "Resultado(2, ...)} (Error en RUT Emisor)",
                [ErrorDetail(where, f"RUTEmisor is not {read.rut_emisor}")],
            )
        if estado == 0:
            require_signed(
                dte,
                "its reception",
                f"answer it with documentos={{{dte.key}: Resultado(1, glosa)}} "
                "(DTE No Recibido - Error de Firma)",
            )
        results.append((dte, estado, glosa))
    return results


def _repeat_code(dte: ReceivedDte, read: ReceivedEnvelope, receiver: Rut) -> tuple[int, str]:
    """The code of a DTE whose (tipo, folio) came earlier in the envelope: its wrong RUT first,
    as for any DTE, else DTE Repetido."""
    if dte.rut_receptor != receiver:
        estado = _WRONG_RECEPTOR
    elif dte.rut_emisor != read.rut_emisor:
        estado = _WRONG_EMISOR
    else:
        estado = _REPEATED
    return estado, ESTADOS_RECEPCION_DTE[estado]


def _identity(dte: ReceivedDte) -> str:
    """TipoDTE to MntTotal: how a result names its DTE."""
    return (
        f"<TipoDTE>{dte.tipo}</TipoDTE><Folio>{dte.folio}</Folio>"
        f"<FchEmis>{dte.fecha_emision.isoformat()}</FchEmis>"
        f"<RUTEmisor>{dte.rut_emisor}</RUTEmisor><RUTRecep>{dte.rut_receptor}</RUTRecep>"
        f"<MntTotal>{dte.monto_total}</MntTotal>"
    )


def _respuesta(
    receiver: Rut,
    issuer: Rut,
    id_respuesta: int,
    count: int,
    local_time: dt.datetime,
    results: str,
    certificate: SigningCertificate,
    contact: str,
) -> bytes:
    caratula = (
        f'<Caratula version="1.0"><RutResponde>{receiver}</RutResponde>'
        f"<RutRecibe>{issuer}</RutRecibe><IdRespuesta>{id_respuesta}</IdRespuesta>"
        f"<NroDetalles>{count}</NroDetalles>{contact}"
        f"<TmstFirmaResp>{local_time.isoformat()}</TmstFirmaResp></Caratula>"
    )
    resultado = f'<Resultado ID="{_RESULT_ID}">{caratula}{results}</Resultado>'
    return answer_document("RespuestaDTE", _SCHEMA, signed_part(resultado, _RESULT_ID, certificate))
