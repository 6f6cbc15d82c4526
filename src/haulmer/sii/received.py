"""A received EnvioDTE as its receiver answers it: the envelope's facts and each DTE's.

The documents are read with :func:`haulmer.sii.parse_all`; the envelope's own facts (the
SetDTE's ID, its Caratula's RUTs, the DigestValue of its signature) from the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final

from lxml import etree

from haulmer._numbers import own_arithmetic
from haulmer._shown import cut, shown
from haulmer.errors import DocumentError, ErrorDetail, InvalidRutError, XMLError
from haulmer.rut import Rut
from haulmer.sii._xml import DSIG_NS, local_name, parse_xml, stripped_text
from haulmer.sii.caratula_check import count_problems
from haulmer.sii.parsing import parse, parse_all
from haulmer.sii.verification import signature_failures

__all__ = [
    "ANSWERABLE_TYPES",
    "MAX_RECEIVED",
    "ReceivedDte",
    "ReceivedEnvelope",
    "read_received",
    "read_received_once",
    "read_received_with_repeats",
    "require_addressed",
    "require_envelope_addressed",
    "require_issued_by",
    "require_issuer_named",
    "require_nameable",
    "require_signed",
]

ANSWERABLE_TYPES: Final = frozenset({33, 34, 46, 52, 56, 61})
"""The types a RespuestaDTE and a Recibo can name (``DTEType`` and ``DocType`` of the SII)."""
_MAX_ID: Final = 80
"""EnvioDTEID is a string of at most 80 characters (RespuestaEnvioDTE_v10.xsd)."""
MAX_RECEIVED: Final = 2000
"""An EnvioDTE holds at most 2000 DTEs (EnvioDTE_v10.xsd); NroDTE carries at most 4 digits."""
_MAX_FOLIO: Final = 10**10 - 1
_MAX_MONTO: Final = 10**18 - 1
"""FolioType and MontoType: at most 10 and 18 digits."""
_DS: Final = "{" + DSIG_NS + "}"
_BASE64: Final = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


@dataclass(frozen=True)
class ReceivedDte:
    """What an answer repeats of one received DTE."""

    tipo: int
    folio: int
    fecha_emision: dt.date
    rut_emisor: Rut
    rut_receptor: Rut
    monto_total: int
    signature_problems: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Why the received DTE's own signature does not verify (empty when it does): what it says
    may not be what its issuer signed. Answers read back name DTEs without it."""

    @property
    def key(self) -> tuple[int, int]:
        """``(tipo, folio)``: how a caller names this DTE in its answers."""
        return (self.tipo, self.folio)


@dataclass(frozen=True)
class ReceivedEnvelope:
    """A received EnvioDTE: its SetDTE's ID, its Caratula's RUTs, its digest and its DTEs."""

    set_id: str
    rut_emisor: Rut
    """As the Caratula writes it, its check digit not checked (``is_dv_valid`` says)."""
    rut_receptor: Rut
    """As the Caratula writes it, its check digit not checked (``is_dv_valid`` says)."""
    digest: str | None
    documents: tuple[ReceivedDte, ...]
    unnameable: tuple[DocumentError, ...] = ()
    """Why each DTE an answer cannot name (its type, folio, MntTotal or RUTRecep; a DTE that
    cannot be read) is left out of ``documents``, or why none is read (no DTE, more than
    :data:`MAX_RECEIVED`): such an envelope can only be rejected, which lists no DTE."""
    signature_problems: tuple[str, ...] = ()
    """Why the envelope's own signature does not verify (empty when it does): such an envelope
    is not received as sent (Envio Rechazado - Error de Firma)."""
    count_problems: tuple[str, ...] = ()
    """Where the Caratula's SubTotDTE counts other DTEs than the envelope holds (empty when it
    counts them right): such an envelope says something else than what it carries."""


@own_arithmetic
def read_received(received: bytes | str) -> ReceivedEnvelope:
    """The facts of a received EnvioDTE; ``XMLError`` or ``DocumentError`` saying what is wrong,
    also when it holds a DTE (tipo, folio) more than once: an answer names each DTE once."""
    read = read_received_with_repeats(received)
    require_nameable(read)
    seen: set[tuple[int, int]] = set()
    for document in read.documents:
        if document.key in seen:
            raise DocumentError(
                f"the received EnvioDTE holds the DTE {document.key} (tipo, folio) more than "
                "once; an answer names each DTE once",
                [ErrorDetail("SetDTE", f"{document.key} repeated")],
            )
        seen.add(document.key)
    return read


@own_arithmetic
def read_received_once(received: bytes | str) -> ReceivedEnvelope:
    """:func:`read_received` keeping the first DTE of a (tipo, folio) the envelope holds more
    than once: the one its reception answer received (a later one is answered "DTE Repetido",
    not received), which the commercial answer and the acuse de recibo then name."""
    read = read_received_with_repeats(received)
    require_nameable(read)
    seen: set[tuple[int, int]] = set()
    firsts = []
    for document in read.documents:
        if document.key not in seen:
            seen.add(document.key)
            firsts.append(document)
    return replace(read, documents=tuple(firsts))


@own_arithmetic
def read_received_with_repeats(received: bytes | str) -> ReceivedEnvelope:
    """:func:`read_received` keeping every DTE in the envelope's order, a (tipo, folio) that
    comes again included: the reception answer lists each one (a repeat as "DTE Repetido").
    A DTE no answer can name is left in ``unnameable``, as is an envelope holding no DTE or more
    than :data:`MAX_RECEIVED`: such an envelope can still be rejected."""
    if isinstance(received, (bytearray, memoryview)):
        received = bytes(received)  # a buffer (a socket's, an mmap's) is read as its bytes
    if not isinstance(received, (bytes, str)):
        raise TypeError(
            f"received must be the EnvioDTE's bytes (or text), got {type(received).__name__}"
        )
    root = parse_xml(received, decode_windows_1252=True)
    name = local_name(root)
    if name != "EnvioDTE":
        raise XMLError(
            f"received is <{name}>, not an EnvioDTE: a RespuestaDTE or EnvioRecibos answers the "
            "EnvioDTE a supplier sent"
        )
    set_dte = root.find("{*}SetDTE")
    if set_dte is None:
        raise XMLError("the received EnvioDTE has no SetDTE")
    set_id = set_dte.get("ID") or ""
    if not set_id or len(set_id) > _MAX_ID:
        raise XMLError(
            f"the received SetDTE's ID {shown(set_id)} is "
            + ("missing" if not set_id else f"longer than the {_MAX_ID} characters")
            + " EnvioDTEID can carry"
        )
    rut_emisor = _caratula_rut(
        stripped_text(set_dte.find("{*}Caratula/{*}RutEmisor")), "RutEmisor", validate_dv=False
    )
    rut_receptor = _caratula_rut(
        stripped_text(set_dte.find("{*}Caratula/{*}RutReceptor")), "RutReceptor", validate_dv=False
    )
    digest_node = root.find(f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    digest = _digest(digest_node)
    envelope_problems = _problems(root)
    dte_elements = set_dte.findall("{*}DTE")
    miscounted = tuple(count_problems(set_dte, dte_elements))
    count = len(dte_elements)
    if not count or count > MAX_RECEIVED:
        problem = DocumentError(
            f"the received EnvioDTE holds {count} DTEs, more than the {MAX_RECEIVED} the SII's "
            "schema allows in one envelope: it cannot be answered as received"
            if count
            else "the received EnvioDTE holds no DTE, which the SII's schema requires",
            [ErrorDetail("SetDTE", f"more than {MAX_RECEIVED} DTE" if count else "no DTE")],
        )
        return ReceivedEnvelope(
            set_id, rut_emisor, rut_receptor, digest, (), (problem,), envelope_problems, miscounted
        )
    parsed = _documents(received, set_dte)
    documents: list[ReceivedDte] = []
    unnameable: list[DocumentError] = []
    for index, (document, element) in enumerate(zip(parsed, dte_elements, strict=True)):
        if isinstance(document, DocumentError):
            unnameable.append(document)
            continue
        try:
            documents.append(_received_dte(document, index, _problems(element)))
        except DocumentError as exc:
            unnameable.append(exc)
    return ReceivedEnvelope(
        set_id,
        rut_emisor,
        rut_receptor,
        digest,
        tuple(documents),
        tuple(unnameable),
        envelope_problems,
        miscounted,
    )


def _problems(element: etree._Element) -> tuple[str, ...]:
    """Why the signature of the received envelope or DTE ``element`` does not verify."""
    return tuple(f"{failure.check}: {failure.reason}" for failure in signature_failures(element))


def require_nameable(read: ReceivedEnvelope, hint: str = "") -> None:
    """Refuse an envelope holding a DTE that an answer cannot name, saying why (and ``hint``,
    what the caller may do instead)."""
    if read.unnameable:
        first = read.unnameable[0]
        raise DocumentError(str(first) + hint, first.details)


def require_issuer_named(read: ReceivedEnvelope, advice: str) -> None:
    """Refuse an envelope whose Caratula's RutEmisor has a wrong check digit: it names no issuer
    an answer could be received by, other than the rejection ``advice`` names."""
    issuer = read.rut_emisor
    if not issuer.is_dv_valid:
        right = Rut.compute_dv(issuer.number)
        raise DocumentError(
            f"the received envelope's RutEmisor {issuer} has a wrong check digit (for "
            f"{issuer.number} it is {right}): it names no issuer; {advice}",
            [ErrorDetail("RutEmisor", f"check digit is not {right}")],
        )


def require_envelope_addressed(read: ReceivedEnvelope, receiver: Rut, verb: str) -> None:
    """Refuse an envelope whose Caratula names another RutReceptor or, with a wrong check digit,
    no issuer: only its receiver ``verb`` (answers, acknowledges) its DTEs, to its issuer."""
    require_issuer_named(
        read, "reject it with respuesta_recepcion(..., envio=Resultado(99, glosa)) instead"
    )
    if read.rut_receptor != receiver:
        raise DocumentError(
            f"the received envelope is addressed to {read.rut_receptor}, not to rut_receptor "
            f"{receiver}: only its receiver {verb} its DTEs",
            [ErrorDetail("RutReceptor", f"is not {receiver}")],
        )


def require_addressed(
    dte: ReceivedDte, read: ReceivedEnvelope, receiver: Rut, where: str, verb: str, field: str
) -> None:
    """Refuse a DTE addressed to another RUT or issued by another than the envelope's issuer:
    only its receiver ``verb`` it, and an answer goes to one issuer. The error names the DTEs
    the caller may list in ``field`` instead."""
    if dte.rut_receptor != receiver:
        raise DocumentError(
            f"the DTE {dte.key} is addressed to {dte.rut_receptor}, not to rut_receptor "
            f"{receiver}: only its receiver {verb} it{_leave_out(read, receiver, field)}",
            [ErrorDetail(where, f"RUTRecep is not {receiver}")],
        )
    if dte.rut_emisor != read.rut_emisor:
        raise DocumentError(
            f"the DTE {dte.key} is issued by {dte.rut_emisor}, not by the envelope's RutEmisor "
            f"{read.rut_emisor}: an answer goes to one issuer{_leave_out(read, receiver, field)}",
            [ErrorDetail(where, f"RUTEmisor is not {read.rut_emisor}")],
        )


def require_signed(dte: ReceivedDte, act: str, advice: str) -> None:
    """Refuse an ``act`` (receiving it, accepting it, its Recibo) on a DTE whose own signature
    does not verify: what it says may not be what its issuer signed. ``advice`` says what the
    caller may do instead."""
    if dte.signature_problems:
        shown_problems = "; ".join(dte.signature_problems[:3])
        raise DocumentError(
            f"the DTE {dte.key}'s signature does not verify ({shown_problems}): what it says "
            f"may not be what its issuer signed, so {act} cannot be signed; {advice}",
            [ErrorDetail(f"DTE {dte.key}", problem) for problem in dte.signature_problems],
        )


def require_issued_by(
    dte: ReceivedDte, local_time: dt.datetime, field: str, act: str, advice: str = ""
) -> None:
    """Refuse an ``act`` (the Recibo, the acceptance) signed at ``local_time`` (Chilean time,
    written in ``field``) on a day before the DTE's FchEmis: no one answers a DTE before it is
    issued. ``advice`` says what else the caller may do."""
    if local_time.date() < dte.fecha_emision:
        raise DocumentError(
            f"the DTE {dte.key} was issued on {dte.fecha_emision.isoformat()} (FchEmis) but "
            f"{act} is signed at {local_time.isoformat()} (Chilean time, {field}), before that "
            f"day: pass the time of signing as timestamp, or None for now{advice}",
            [ErrorDetail(field, f"before the FchEmis {dte.fecha_emision} of {dte.key}")],
        )


def _leave_out(read: ReceivedEnvelope, receiver: Rut, field: str) -> str:
    """How to answer without a DTE that is not the receiver's: the DTEs ``field`` may name."""
    ours = [
        dte.key
        for dte in read.documents
        if dte.rut_receptor == receiver and dte.rut_emisor == read.rut_emisor
    ]
    listed = ", ".join(repr(key) for key in ours[:10]) + (", ..." if len(ours) > 10 else "")
    whose = f"addressed to {receiver} from its issuer"
    return f"; leave it out of {field} " + (
        f"(the envelope's DTEs {whose}: {listed})"
        if ours
        else f"(none of the envelope's DTEs is {whose})"
    )


def _documents(received: bytes | str, set_dte: etree._Element) -> list[object]:
    """Every DTE of the envelope read, in order; one that cannot be read (its content refused by
    the models, no Documento) as the ``DocumentError`` saying which and why, so that its
    envelope can still be rejected."""
    try:
        return list(parse_all(received))
    except (DocumentError, XMLError):
        pass  # read each DTE alone to name the one that cannot be read
    documents: list[object] = []
    for index, dte in enumerate(set_dte.findall("{*}DTE")):
        try:
            documents.append(parse(etree.tostring(dte, encoding="utf-8")))  # names: Ñ, accents
        except (DocumentError, XMLError) as exc:
            misdigited = _misdigited(dte, exc)
            if misdigited is not None:
                documents.append(misdigited)
                continue
            id_doc = dte.find("*/{*}Encabezado/{*}IdDoc")
            tipo = stripped_text(id_doc.find("{*}TipoDTE")) if id_doc is not None else None
            folio = stripped_text(id_doc.find("{*}Folio")) if id_doc is not None else None
            named = f" ({cut(tipo or '?', 10)} {cut(folio or '?', 12)})"
            documents.append(
                DocumentError(
                    f"the received DTE [{index}]{named} cannot be read: {exc}",
                    [ErrorDetail(f"SetDTE/DTE[{index}]", "cannot be read"), *_details(exc)],
                )
            )
    return documents


@dataclass(frozen=True)
class _Misdigited:
    """A DTE the models refuse for a wrong check digit in its RUTEmisor or RUTRecep and nothing
    else: read with those mended, and its RUTs as written, which its answer repeats (Error en
    RUT Emisor, Error en RUT Receptor) while the envelope's other DTEs are received."""

    document: object
    rut_emisor: Rut
    rut_receptor: Rut


_PARTY_RUTS: Final = {
    "Encabezado.Emisor.RUTEmisor": "{*}Emisor/{*}RUTEmisor",
    "Encabezado.Receptor.RUTRecep": "{*}Receptor/{*}RUTRecep",
}
"""Where the models name a party's RUT, and where the DTE's Encabezado writes it."""


def _misdigited(dte: etree._Element, error: DocumentError | XMLError) -> _Misdigited | None:
    """The DTE ``error`` refuses read again with its parties' check digits mended, when a wrong
    check digit in RUTEmisor or RUTRecep is all that is wrong with it; else None."""
    details = _details(error)
    if not details or any(
        detail.field not in _PARTY_RUTS or "wrong check digit" not in detail.issue
        for detail in details
    ):
        return None
    mended = etree.fromstring(etree.tostring(dte))  # a copy: the envelope's tree stays as sent
    encabezado = mended.find("*/{*}Encabezado")
    if encabezado is None:
        return None
    written: dict[str, Rut] = {}
    for name, path in _PARTY_RUTS.items():
        node = encabezado.find(path)
        try:
            rut = Rut(stripped_text(node) or "", validate_dv=False)
        except InvalidRutError:
            return None
        written[name] = rut
        if node is not None:  # (always: a missing one is no RUT, refused above)
            node.text = str(Rut.from_parts(rut.number))
    try:
        document = parse(etree.tostring(mended, encoding="utf-8"))
    except (DocumentError, XMLError):
        return None
    return _Misdigited(
        document, written["Encabezado.Emisor.RUTEmisor"], written["Encabezado.Receptor.RUTRecep"]
    )


def _details(error: DocumentError | XMLError) -> list[ErrorDetail]:
    return error.details if isinstance(error, DocumentError) else []


def _digest(node: etree._Element | None) -> str | None:
    """The envelope signature's DigestValue without blanks, None when absent or not base64."""
    text = "".join((stripped_text(node) or "").split())
    return text if _BASE64.fullmatch(text) else None


def _caratula_rut(text: str | None, field: str, *, validate_dv: bool = True) -> Rut:
    """The Caratula's RUT; its RutReceptor's check digit is not checked: one that is wrong names
    no receiver, so the envelope is answered as not addressed to it (RUT Receptor No
    Corresponde)."""
    if not text:
        raise XMLError(f"the received EnvioDTE's Caratula has no {field}")
    try:
        return Rut(text, validate_dv=validate_dv)
    except InvalidRutError as exc:
        raise XMLError(f"the received EnvioDTE's Caratula/{field}: {exc}") from None


def _received_dte(document: object, index: int, signature_problems: tuple[str, ...]) -> ReceivedDte:
    from haulmer.dte.document import Document

    written = document if isinstance(document, _Misdigited) else None
    if written is not None:
        document = written.document
    assert isinstance(document, Document)
    encabezado = document.encabezado
    id_doc = encabezado.id_doc
    tipo = int(id_doc.tipo_dte)
    where = f"the received DTE [{index}] ({tipo} {id_doc.folio})"
    if tipo not in ANSWERABLE_TYPES:
        raise DocumentError(
            f"{where} is of type {tipo}, which a RespuestaDTE or a Recibo cannot name: the SII's "
            f"schema takes types {', '.join(str(t) for t in sorted(ANSWERABLE_TYPES))} only",
            [ErrorDetail(f"SetDTE/DTE[{index}]/TipoDTE", f"{tipo} is not answerable")],
        )
    folio = int(id_doc.folio)
    if not 1 <= folio <= _MAX_FOLIO:
        raise DocumentError(
            f"{where} has the folio {folio}, which the SII's FolioType (1 to 10 digits) cannot "
            "carry",
            [ErrorDetail(f"SetDTE/DTE[{index}]/Folio", "not 1 to 10 digits")],
        )
    total = encabezado.totales.mnt_total if encabezado.totales is not None else None
    if (
        total is None
        or Decimal(total) != Decimal(total).to_integral_value()
        or not 0 <= total <= _MAX_MONTO
    ):
        raise DocumentError(
            f"{where} has no whole MntTotal in pesos of at most 18 digits ({shown(total)}): an "
            "answer repeats it as one",
            [ErrorDetail(f"SetDTE/DTE[{index}]/MntTotal", "not a whole number of pesos")],
        )
    receptor = encabezado.receptor
    if receptor is None or receptor.rut is None:
        raise DocumentError(
            f"{where} names no RUTRecep", [ErrorDetail(f"SetDTE/DTE[{index}]/RUTRecep", "missing")]
        )
    return ReceivedDte(
        tipo,
        folio,
        id_doc.fecha_emision,
        written.rut_emisor if written is not None else Rut(str(encabezado.emisor.rut)),
        written.rut_receptor if written is not None else Rut(str(receptor.rut)),
        int(total),
        signature_problems,
    )
