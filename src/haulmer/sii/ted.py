"""The timbre electrónico (TED): the DD summary of a document, signed (FRMT) with the CAF's key.

The signed bytes are the DD without namespaces, flattened and in ISO-8859-1; text is escaped the
SII's way (``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&apos;``). RSR and IT1 are cut to 40.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from haulmer.errors import ValidationError, XMLError
from haulmer.rut import Rut
from haulmer.sii._xml import timbre_bytes
from haulmer.sii.caf import Caf

__all__ = ["TED_TEXT_LIMIT", "TimbreData", "check_ted", "stamp"]

TED_TEXT_LIMIT: Final = 40
"""RSR (razón social receptor) and IT1 (first item name) are cut to this many characters."""


@dataclass(frozen=True)
class TimbreData:
    """What a timbre summarizes: issuer, type, folio, date, receptor, total, first item."""

    rut_emisor: str
    dte_type: int
    folio: int
    fecha_emision: dt.date
    rut_receptor: str
    razon_social_receptor: str
    monto_total: int
    primer_item: str


def _format_timestamp(when: dt.datetime) -> str:
    return when.replace(microsecond=0, tzinfo=None).isoformat()


def stamp(data: TimbreData, caf: Caf, *, timestamp: dt.datetime) -> etree._Element:
    """A complete ``<TED>`` (namespace-free) for ``data``, signed with the CAF's private key.

    The caller has checked with :meth:`Caf.check_for_stamping` that the CAF fits the document.
    """
    if caf.private_key is None:
        raise XMLError("the CAF has no private key (RSASK); load the full CAF file")
    ted = etree.Element("TED", version="1.0")
    dd = etree.SubElement(ted, "DD")
    fields = (
        ("RE", str(Rut(data.rut_emisor, validate_dv=False))),
        ("TD", str(data.dte_type)),
        ("F", str(data.folio)),
        ("FE", data.fecha_emision.isoformat()),
        ("RR", str(Rut(data.rut_receptor, validate_dv=False))),
        ("RSR", _cut(data.razon_social_receptor)),
        ("MNT", str(data.monto_total)),
        ("IT1", _cut(data.primer_item)),
    )
    for tag, text in fields:
        etree.SubElement(dd, tag).text = text
    dd.append(_copy_flat(caf.element))
    etree.SubElement(dd, "TSTED").text = _format_timestamp(timestamp)
    signed = timbre_bytes(dd)
    frmt = caf.private_key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
    node = etree.SubElement(ted, "FRMT", algoritmo="SHA1withRSA")
    node.text = base64.b64encode(frmt).decode("ascii")
    return ted


def _cut(text: str) -> str:
    """Trim and cut to 40 characters; the XSD wants at least one character."""
    text = " ".join(text.split())[:TED_TEXT_LIMIT].rstrip()
    return text or "-"


def _copy_flat(element: etree._Element) -> etree._Element:
    """A copy of the CAF element with the whitespace between its tags removed."""
    copy = etree.fromstring(etree.tostring(element, with_tail=False))
    for node in copy.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node is not copy and node.tail is not None and not node.tail.strip():
            node.tail = None
    copy.tail = None
    return copy


def _find_text(parent: etree._Element, path: str) -> str | None:
    node = parent.find(path)
    if node is None or node.text is None:
        return None
    return node.text.strip()


def check_ted(documento: etree._Element) -> tuple[list[tuple[str, str]], Caf | None]:
    """Check the timbre of a ``Documento``: FRMT against the CAF key and DD against the document.

    Returns the problems found and the CAF embedded in the timbre (None if unreadable).
    """
    problems: list[tuple[str, str]] = []
    ted = documento.find("{*}TED")
    dd = ted.find("{*}DD") if ted is not None else None
    if ted is None or dd is None:
        return [("ted", "the document has no timbre (TED/DD)")], None
    caf_element = dd.find("{*}CAF")
    if caf_element is None:
        return [("ted", "the timbre has no CAF")], None
    try:
        caf = Caf.from_element(caf_element)
    except XMLError as exc:
        return [("ted", f"the timbre's CAF is unreadable: {exc}")], None
    frmt_text = _find_text(ted, "{*}FRMT")
    try:
        frmt = base64.b64decode("".join((frmt_text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        frmt = b""
    if not frmt:
        problems.append(("ted", "FRMT is missing or not base64"))
    elif not _frmt_verifies(caf, frmt, dd):
        problems.append(("ted", "FRMT does not verify with the CAF key over DD"))

    header = "{*}Encabezado/"
    pairs = (
        ("RE", header + "{*}Emisor/{*}RUTEmisor"),
        ("TD", header + "{*}IdDoc/{*}TipoDTE"),
        ("F", header + "{*}IdDoc/{*}Folio"),
        ("FE", header + "{*}IdDoc/{*}FchEmis"),
        ("MNT", header + "{*}Totales/{*}MntTotal"),
    )
    for dd_tag, path in pairs:
        in_dd, in_document = _find_text(dd, "{*}" + dd_tag), _find_text(documento, path)
        if in_dd != in_document:
            problems.append(
                ("ted", f"DD/{dd_tag} is {in_dd!r} but the document says {in_document!r}")
            )
    dd_type, dd_folio, dd_rut = (_find_text(dd, "{*}" + t) for t in ("TD", "F", "RE"))
    if dd_type != str(caf.dte_type):
        problems.append(("ted", f"DD/TD {dd_type!r} is not the CAF's type {caf.dte_type}"))
    if dd_folio is None or not dd_folio.isdigit() or not caf.contains(int(dd_folio)):
        problems.append(
            ("ted", f"folio {dd_folio!r} is outside the CAF range {caf.folio_from}..{caf.folio_to}")
        )
    if not _same_rut(dd_rut, caf.rut_emisor):
        problems.append(("ted", f"DD/RE {dd_rut!r} is not the CAF's issuer {caf.rut_emisor}"))
    return problems, caf


def _same_rut(text: str | None, rut: Rut) -> bool:
    if text is None:
        return False
    try:
        return Rut(text, validate_dv=False) == rut
    except ValidationError:
        return False


def _frmt_verifies(caf: Caf, frmt: bytes, dd: etree._Element) -> bool:
    for quote_entities in (True, False):
        try:
            signed = timbre_bytes(dd, quote_entities=quote_entities)
            caf.public_key.verify(frmt, signed, padding.PKCS1v15(), hashes.SHA1())
        except (InvalidSignature, UnicodeEncodeError, ValueError):
            continue
        return True
    return False
