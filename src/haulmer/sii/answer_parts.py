"""What the receiver's answers (RespuestaDTE, EnvioRecibos) share: a result, the checks of
their texts, numbers and RUTs, and the signing of one part in the answer's context.

Each answer's root declares the SII's namespace and ``xmlns:xsi``; inclusive C14N carries
both into every signed part and every SignedInfo, which declares them as the envelope's does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape

from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail, InvalidRutError
from haulmer.rut import Rut
from haulmer.sii._xml import SII_NS, XSI_NS, c14n_inclusive, parse_xml
from haulmer.sii.signature import SigningCertificate, signature_over_digest, signing_certificate

__all__ = [
    "Resultado",
    "answer_document",
    "checked_code",
    "checked_number",
    "checked_text",
    "contact_elements",
    "receiver_rut",
    "signed_part",
    "signer_rut",
    "signing_certificate",
    "text",
]

_MAX_GLOSA: Final = 256
_CONTACT_FIELDS: Final = (
    ("nmb_contacto", "NmbContacto", 40, "name"),
    ("fono_contacto", "FonoContacto", 40, "phone number"),
    ("mail_contacto", "MailContacto", 80, "e-mail address"),
)
"""The Caratula's optional contact, in the schema's order: NombreType, FonoType, MailType."""
_MAIL: Final = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
"""``name@domain.tld`` without blanks, the domain's labels non-empty between dots (each repeat
starts with its dot, so a long text that is no address is refused in linear time)."""
_XML_CHARACTERS: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_C1_CONTROLS: Final = re.compile("[\x7f-\x9f]")
"""DEL and the C1 controls: XML carries them, but they stand for no character."""
_CONTEXT: Final = f'<Answer xmlns="{SII_NS}" xmlns:xsi="{XSI_NS}">'


@dataclass(frozen=True)
class Resultado:
    """One result in an answer: its ``estado`` (a code of the SII's schema), a ``glosa`` (up to
    256 characters; required for every code but 0, which defaults to the schema's wording) and,
    for a commercial rejection or discrepancy only, ``cod_rch_dsc`` (-1 to -999)."""

    estado: int
    glosa: str = ""
    cod_rch_dsc: int | None = None


def checked_code(
    resultado: object, codes: dict[int, str], field: str, *, with_reason_code: bool = False
) -> tuple[int, str, int | None]:
    """``resultado``'s code, glosa and reason code, or the error saying which rule it breaks."""
    if not isinstance(resultado, Resultado):
        raise TypeError(
            f"{field} must be a haulmer.sii.Resultado(estado, glosa), got "
            f"{type(resultado).__name__}"
        )
    estado = resultado.estado
    if isinstance(estado, bool) or not isinstance(estado, int) or estado not in codes:
        listed = ", ".join(f"{code} ({meaning})" for code, meaning in codes.items())
        raise DocumentError(
            f"{field}.estado {shown(estado)} is not one of the SII's codes: {listed}",
            [ErrorDetail(field, "unknown code")],
        )
    glosa = checked_text(
        resultado.glosa,
        f"{field}.glosa",
        _MAX_GLOSA,
        required=estado != 0,
        what="say why (a rejection or a discrepancy needs its reason)",
    )
    code = resultado.cod_rch_dsc
    if code is not None:
        if not with_reason_code or estado == 0:
            raise DocumentError(
                f"{field}.cod_rch_dsc is given but only a DTE accepted with discrepancies or "
                "rejected carries a reason code (CodRchDsc); leave it out",
                [ErrorDetail(field, "reason code without a discrepancy or rejection")],
            )
        if isinstance(code, bool) or not isinstance(code, int) or not -999 <= code <= -1:
            raise DocumentError(
                f"{field}.cod_rch_dsc {shown(code)} is not a negative whole number of at most "
                "3 digits (-1 to -999), as CodRchDsc must be",
                [ErrorDetail(field, "reason code out of range")],
            )
    return estado, glosa or codes[estado], code


def checked_text(
    value: object, field: str, max_length: int, *, required: bool, what: str = ""
) -> str:
    """``value`` as text the schema carries: a str of at most ``max_length`` characters, every
    one XML allows; non-blank when ``required`` (``what`` says what to give)."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, got {type(value).__name__}")
    if required and not value.strip():
        raise DocumentError(
            f"{field} is required" + (f": {what}" if what else ""),
            [ErrorDetail(field, "required")],
        )
    if len(value) > max_length:
        raise DocumentError(
            f"{field} has {len(value)} characters, more than the {max_length} the SII's schema "
            f"allows: {shown(value)}",
            [ErrorDetail(field, f"longer than {max_length}")],
        )
    bad = _XML_CHARACTERS.search(value)
    if bad is not None:
        raise DocumentError(
            f"{field} holds the character U+{ord(bad.group()):04X}, which XML cannot carry",
            [ErrorDetail(field, "a character XML cannot carry")],
        )
    bad = _C1_CONTROLS.search(value)
    if bad is not None:
        raise DocumentError(
            f"{field} holds the character U+{ord(bad.group()):04X}, a control character that "
            "stands for no character (the answer's ISO-8859-1 would carry it as that byte, "
            "shown as nothing or garbage; a Windows-1252 quote or dash read as ISO-8859-1 "
            "becomes one): remove it, or read the text as cp1252",
            [ErrorDetail(field, "a control character")],
        )
    return value


def contact_elements(nmb_contacto: object, fono_contacto: object, mail_contacto: object) -> str:
    """The Caratula's NmbContacto, FonoContacto and MailContacto for those given (None leaves
    one out), each checked against the schema's length and the mail's shape."""
    written = []
    for value, (field, element, max_length, meaning) in zip(
        (nmb_contacto, fono_contacto, mail_contacto), _CONTACT_FIELDS, strict=True
    ):
        if value is None:
            continue
        if isinstance(value, str) and not value.strip():
            raise DocumentError(
                f"{field} is blank: give the contact's {meaning} or leave it out (None)",
                [ErrorDetail(field, "blank")],
            )
        checked = checked_text(value, field, max_length, required=True)
        if element == "MailContacto" and not _MAIL.fullmatch(checked):
            raise DocumentError(
                f"mail_contacto {shown(checked)} is not an e-mail address (name@domain.cl)",
                [ErrorDetail(field, "not an e-mail address")],
            )
        written.append(f"<{element}>{text(checked)}</{element}>")
    return "".join(written)


def checked_number(value: object, field: str, digits: int) -> int:
    """``value`` as a positive whole number of at most ``digits`` digits (IdRespuesta,
    CodEnvio)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, got {type(value).__name__} {shown(value)}")
    if not 1 <= value < 10**digits:
        raise DocumentError(
            f"{field} {value} is not a positive whole number of at most {digits} digits",
            [ErrorDetail(field, f"not 1 to {digits} digits")],
        )
    return value


def receiver_rut(value: object) -> Rut:
    """The receiver's RUT (the company answering), check digit verified."""
    if isinstance(value, Rut) and value.is_dv_valid:
        return value
    if not isinstance(value, (str, Rut)):
        raise TypeError(f"rut_receptor must be a RUT (str or Rut), got {type(value).__name__}")
    try:
        return Rut(value)
    except InvalidRutError as exc:
        raise InvalidRutError(f"rut_receptor: {exc}") from None


def signer_rut(certificate: SigningCertificate, given: str | Rut | None, field: str) -> Rut:
    """The RUT of the person who signs: the certificate holder's; ``given`` must match it."""
    holder = getattr(certificate, "holder_rut", None)
    if given is not None:
        try:
            rut = given if isinstance(given, Rut) and given.is_dv_valid else Rut(given)
        except InvalidRutError as exc:
            raise InvalidRutError(f"{field}: {exc}") from None
        if holder is not None and rut != holder:
            raise DocumentError(
                f"{field} is {rut} but the certificate that signs is {holder}'s: it is the RUT "
                "of the person whose certificate signs; leave it out or sign with that "
                "person's certificate",
                [ErrorDetail(field, f"is not the certificate holder {holder}")],
            )
        return rut
    if holder is None:
        raise DocumentError(
            f"{field} is required: the certificate carries no RUT",
            [ErrorDetail(field, "required")],
        )
    return Rut(str(holder))


def text(value: str) -> str:
    """``value`` escaped for element content; a carriage return as a reference, which keeps it
    (a parser reads a bare one as a line feed)."""
    return escape(value, {"\r": "&#13;"})


def signed_part(part: str, reference_id: str, certificate: SigningCertificate) -> str:
    """``part`` (an element with ``ID=reference_id`` that goes inside the answer, where only the
    root declares namespaces) followed by its Signature, computed over the part's inclusive C14N
    with the root's namespaces in scope."""
    wrapper = parse_xml((_CONTEXT + part + "</Answer>").encode("utf-8"))
    canonical = c14n_inclusive(wrapper[0])
    signature = signature_over_digest(
        hashlib.sha1(canonical).digest(), reference_id, certificate, with_xsi=True
    )
    return part + signature.decode("ascii")


def answer_document(root: str, schema: str, body: str) -> bytes:
    """The answer's bytes: ISO-8859-1 with its declaration, the root declaring the SII's
    namespace, ``xsi`` and the schema's location (characters outside Latin-1 as references)."""
    opening = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<{root} xmlns="{SII_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{SII_NS} {schema}" version="1.0">'
    )
    return (opening + body + f"</{root}>").encode("iso-8859-1", errors="xmlcharrefreplace")
