"""A receiver's answers read back by the company that sent the EnvioDTE: a RespuestaDTE (the
reception of the envelope and its DTEs, or each DTE's commercial result) and an EnvioRecibos
(the acuse de recibo of Ley 19.983, one signed Recibo per DTE).

Every signature is checked with :func:`haulmer.sii.verify` and the XML against the SII's schema
before anything is read, and only what a signature covers is read. Timestamps come back as the
answer writes them: naive Chilean local time (aware when the text carries an offset).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from lxml import etree

from haulmer._numbers import own_arithmetic
from haulmer._shown import cut, shown
from haulmer.errors import DocumentError, ErrorDetail, InvalidRutError, XMLError
from haulmer.rut import Rut
from haulmer.sii._options import yes_or_no
from haulmer.sii._xml import leaf_text, local_name, parse_xml
from haulmer.sii.answer_parts import Resultado
from haulmer.sii.received import ReceivedDte
from haulmer.sii.root_advice import root_advice
from haulmer.sii.schema import validate_schema
from haulmer.sii.verification import Verification, as_python_iso, verify_tree

__all__ = [
    "Contacto",
    "RecepcionDte",
    "RecepcionEnvio",
    "Recibo",
    "Recibos",
    "Respuesta",
    "ResultadoDte",
    "read_recibos",
    "read_respuesta",
]

_SHOWN_FAILURES: Final = 3
"""Failed checks named in the message; its details list every one."""


@dataclass(frozen=True)
class Contacto:
    """Whom the answering company names for questions (NmbContacto, FonoContacto,
    MailContacto), each None when the answer leaves it out."""

    nombre: str | None = None
    fono: str | None = None
    mail: str | None = None


@dataclass(frozen=True)
class RecepcionDte:
    """How one DTE of the envelope was received: ``estado`` 0 received, otherwise not (1 its
    signature, 2 its RUTEmisor, 3 its RUTRecep, 4 repeated, 99 other), and why (``glosa``)."""

    dte: ReceivedDte
    estado: int
    glosa: str

    @property
    def recibido(self) -> bool:
        """Whether the DTE was received (EstadoRecepDTE 0)."""
        return self.estado == 0


@dataclass(frozen=True)
class RecepcionEnvio:
    """How an envelope was received: ``estado`` 0 received, otherwise rejected (1 schema,
    2 signature, 3 RutReceptor, 90 repeated, 91 unreadable, 99 other), and each DTE's result
    (none when the envelope is rejected). ``envio_dte_id`` and ``digest`` name the envelope
    sent: its SetDTE's ID and its signature's DigestValue."""

    nombre_envio: str
    fecha_recepcion: dt.datetime
    cod_envio: int
    envio_dte_id: str
    digest: str | None
    rut_emisor: Rut | None
    rut_receptor: Rut | None
    estado: int
    glosa: str
    documentos: tuple[RecepcionDte, ...]

    @property
    def recibido(self) -> bool:
        """Whether the envelope was received (EstadoRecepEnv 0)."""
        return self.estado == 0


@dataclass(frozen=True)
class ResultadoDte:
    """The commercial result of one DTE: ``estado`` 0 accepted, 1 accepted with discrepancies,
    2 rejected; ``glosa`` says why and ``cod_rch_dsc`` (-1 to -999) is the reason's code."""

    dte: ReceivedDte
    cod_envio: int
    estado: int
    glosa: str
    cod_rch_dsc: int | None = None

    @property
    def aceptado(self) -> bool:
        """Whether the DTE was accepted (with discrepancies or not)."""
        return self.estado in (0, 1)

    @property
    def resultado(self) -> Resultado:
        """The result as ``resultado_comercial`` takes it."""
        return Resultado(self.estado, self.glosa, self.cod_rch_dsc)


@dataclass(frozen=True)
class Respuesta:
    """A RespuestaDTE read back: who answers (``rut_responde``, the DTEs' receptor) whom
    (``rut_recibe``, their issuer), and either the reception of envelopes (``recepciones``)
    or the commercial result of DTEs (``resultados``). ``verification`` is what
    :func:`haulmer.sii.verify` found."""

    rut_responde: Rut
    rut_recibe: Rut
    id_respuesta: int
    firmada: dt.datetime
    contacto: Contacto | None
    recepciones: tuple[RecepcionEnvio, ...]
    resultados: tuple[ResultadoDte, ...]
    verification: Verification

    def resultado(self, tipo: int, folio: int) -> ResultadoDte | None:
        """The commercial result of the DTE ``(tipo, folio)``, None when it is not answered."""
        return next((r for r in self.resultados if r.dte.key == (tipo, folio)), None)

    def recepcion(self, tipo: int, folio: int) -> RecepcionDte | None:
        """How the DTE ``(tipo, folio)`` was received, None when it is not listed."""
        return next(
            (d for e in self.recepciones for d in e.documentos if d.dte.key == (tipo, folio)),
            None,
        )


@dataclass(frozen=True)
class Recibo:
    """One acuse de recibo (Ley 19.983): the DTE whose goods or services were received, where
    (``recinto``), who signed (``rut_firma``, the holder of the certificate that signs it),
    the Declaracion and when (``firmado``)."""

    dte: ReceivedDte
    recinto: str
    rut_firma: Rut
    declaracion: str
    firmado: dt.datetime


@dataclass(frozen=True)
class Recibos:
    """An EnvioRecibos read back: who acknowledges (``rut_responde``) to whom (``rut_recibe``)
    and each ``Recibo``. ``verification`` is what :func:`haulmer.sii.verify` found."""

    rut_responde: Rut
    rut_recibe: Rut
    firmado: dt.datetime
    contacto: Contacto | None
    recibos: tuple[Recibo, ...]
    verification: Verification

    def recibo(self, tipo: int, folio: int) -> Recibo | None:
        """The Recibo of the DTE ``(tipo, folio)``, None when it is not acknowledged."""
        return next((r for r in self.recibos if r.dte.key == (tipo, folio)), None)


_REQUIRED_MEANING = "refuses an answer whose signatures do not verify"


@own_arithmetic
def read_respuesta(xml: bytes | str, *, require_verified: bool = True) -> Respuesta:
    """A received RespuestaDTE: its signature checked, its schema checked, its results read.

    Raises ``DocumentError`` naming each failed check when the signature does not verify
    (with ``require_verified=False`` it is read anyway and ``.verification`` says what failed),
    and ``XMLError`` when it is not a schema-valid RespuestaDTE.
    """
    require_verified = yes_or_no(require_verified, "require_verified", _REQUIRED_MEANING)
    root, verification = _checked(xml, "RespuestaDTE", require_verified)
    resultado = _child(root, "Resultado")
    caratula = _child(resultado, "Caratula")
    return Respuesta(
        rut_responde=_rut(caratula, "RutResponde"),
        # a rejection answers an issuer whose RUT has a wrong check digit as it wrote it
        rut_recibe=_rut(caratula, "RutRecibe", validate_dv=False),
        id_respuesta=int(_text(caratula, "IdRespuesta")),
        firmada=_datetime(caratula, "TmstFirmaResp"),
        contacto=_contacto(caratula),
        recepciones=tuple(_recepcion_envio(e) for e in _children(resultado, "RecepcionEnvio")),
        resultados=tuple(_resultado_dte(e) for e in _children(resultado, "ResultadoDTE")),
        verification=verification,
    )


@own_arithmetic
def read_recibos(xml: bytes | str, *, require_verified: bool = True) -> Recibos:
    """A received EnvioRecibos: every signature checked (the set's and each Recibo's, signed by
    the RutFirma it names), its schema checked, its Recibos read.

    Raises as :func:`read_respuesta` does.
    """
    require_verified = yes_or_no(require_verified, "require_verified", _REQUIRED_MEANING)
    root, verification = _checked(xml, "EnvioRecibos", require_verified)
    set_recibos = _child(root, "SetRecibos")
    caratula = _child(set_recibos, "Caratula")
    return Recibos(
        rut_responde=_rut(caratula, "RutResponde"),
        rut_recibe=_rut(caratula, "RutRecibe"),
        firmado=_datetime(caratula, "TmstFirmaEnv"),
        contacto=_contacto(caratula),
        recibos=tuple(
            _recibo(_child(recibo, "DocumentoRecibo"))
            for recibo in _children(set_recibos, "Recibo")
        ),
        verification=verification,
    )


def _checked(
    xml: bytes | str, expected: str, require_verified: bool
) -> tuple[etree._Element, Verification]:
    """The answer's root, its signatures verified (or their failures raised) and its schema
    checked."""
    if isinstance(xml, (bytearray, memoryview)):
        xml = bytes(xml)  # a buffer (a socket's, an mmap's) is read as its bytes
    if not isinstance(xml, (bytes, str)):
        raise TypeError(f"xml must be the {expected}'s bytes (or text), got {type(xml).__name__}")
    root = parse_xml(xml, decode_windows_1252=True)
    name = local_name(root)
    if name != expected:
        article = "an" if expected.startswith("E") else "a"
        raise XMLError(f"the XML is <{cut(name, 60)}>, not {article} {expected}{root_advice(name)}")
    verification = verify_tree(root)
    if require_verified and not verification.ok:
        failures = verification.failures
        shown_failures = "; ".join(str(f) for f in failures[:_SHOWN_FAILURES])
        more = (
            f" (and {len(failures) - _SHOWN_FAILURES} more)"
            if len(failures) > _SHOWN_FAILURES
            else ""
        )
        raise DocumentError(
            f"the {expected} does not verify, so what it says cannot be trusted: "
            f"{shown_failures}{more}. Ask its sender for the file as signed; "
            "require_verified=False reads it anyway, its .verification saying what failed",
            [ErrorDetail(f.where, f"{f.check}: {f.reason}") for f in failures],
        )
    validate_schema(root)
    return root, verification


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return parent.findall("{*}" + name)


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.find("{*}" + name)
    if found is None:  # the schema requires it; a schema-valid answer always has it
        raise XMLError(f"the {local_name(parent)} has no {name}")
    return found


def _optional_text(parent: etree._Element, name: str) -> str | None:
    found = parent.find("{*}" + name)
    return None if found is None else leaf_text(found) or ""


def _text(parent: etree._Element, name: str) -> str:
    """The text of ``name`` as its signature covers it: comments inside it (which C14N leaves
    out of the digest) are skipped, not taken for its end."""
    return leaf_text(_child(parent, name)) or ""


def _rut(parent: etree._Element, name: str, *, validate_dv: bool = True) -> Rut:
    text = _text(parent, name).strip()
    try:
        return Rut(text, validate_dv=validate_dv)
    except InvalidRutError as exc:
        raise DocumentError(
            f"the answer's {name} {shown(text)} is no RUT: {exc}",
            [ErrorDetail(name, "check digit or form")],
        ) from None


def _optional_rut(parent: etree._Element, name: str) -> Rut | None:
    """An envelope's RUT as the answer repeats it, its check digit not judged: an envelope is
    rejected for a wrong one (``is_dv_valid`` says)."""
    if parent.find("{*}" + name) is None:
        return None
    return _rut(parent, name, validate_dv=False)


def _datetime(parent: etree._Element, name: str) -> dt.datetime:
    """An xs:dateTime as Python reads it (a ``Z`` or a fraction of a second included)."""
    text = _text(parent, name).strip()
    try:
        return dt.datetime.fromisoformat(as_python_iso(text))
    except ValueError:
        raise DocumentError(
            f"the answer's {name} {shown(text)} is not a date and time Python can hold",
            [ErrorDetail(name, "not a date and time")],
        ) from None


def _date(parent: etree._Element, name: str) -> dt.date:
    """An xs:date without the time zone it may carry (the SII writes none)."""
    text = _text(parent, name).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise DocumentError(
            f"the answer's {name} {shown(text)} is not a date Python can hold",
            [ErrorDetail(name, "not a date")],
        ) from None


def _contacto(caratula: etree._Element) -> Contacto | None:
    contacto = Contacto(
        _optional_text(caratula, "NmbContacto"),
        _optional_text(caratula, "FonoContacto"),
        _optional_text(caratula, "MailContacto"),
    )
    return None if contacto == Contacto() else contacto


def _dte(element: etree._Element, tipo: str) -> ReceivedDte:
    """TipoDTE (or TipoDoc) to MntTotal: how an answer names a DTE. Its RUTs are read as the
    DTE wrote them: one not received for a wrong check digit (Error en RUT Emisor or Receptor)
    repeats it, and ``is_dv_valid`` says so."""
    return ReceivedDte(
        tipo=int(_text(element, tipo)),
        folio=int(_text(element, "Folio")),
        fecha_emision=_date(element, "FchEmis"),
        rut_emisor=_rut(element, "RUTEmisor", validate_dv=False),
        rut_receptor=_rut(element, "RUTRecep", validate_dv=False),
        monto_total=int(_text(element, "MntTotal")),
    )


def _recepcion_envio(element: etree._Element) -> RecepcionEnvio:
    digest = _optional_text(element, "Digest")
    return RecepcionEnvio(
        nombre_envio=_text(element, "NmbEnvio"),
        fecha_recepcion=_datetime(element, "FchRecep"),
        cod_envio=int(_text(element, "CodEnvio")),
        envio_dte_id=_text(element, "EnvioDTEID"),
        digest="".join(digest.split()) if digest is not None else None,
        rut_emisor=_optional_rut(element, "RutEmisor"),
        rut_receptor=_optional_rut(element, "RutReceptor"),
        estado=int(_text(element, "EstadoRecepEnv")),
        glosa=_text(element, "RecepEnvGlosa"),
        documentos=tuple(
            RecepcionDte(
                _dte(dte, "TipoDTE"),
                int(_text(dte, "EstadoRecepDTE")),
                _text(dte, "RecepDTEGlosa"),
            )
            for dte in _children(element, "RecepcionDTE")
        ),
    )


def _resultado_dte(element: etree._Element) -> ResultadoDte:
    code = _optional_text(element, "CodRchDsc")
    return ResultadoDte(
        dte=_dte(element, "TipoDTE"),
        cod_envio=int(_text(element, "CodEnvio")),
        estado=int(_text(element, "EstadoDTE")),
        glosa=_text(element, "EstadoDTEGlosa"),
        cod_rch_dsc=int(code) if code is not None else None,
    )


def _recibo(documento: etree._Element) -> Recibo:
    return Recibo(
        dte=_dte(documento, "TipoDoc"),
        recinto=_text(documento, "Recinto"),
        rut_firma=_rut(documento, "RutFirma"),
        declaracion=_text(documento, "Declaracion"),
        firmado=_datetime(documento, "TmstFirmaRecibo"),
    )
