"""What a printed DTE is made from: the document's printed facts and its timbre's barcode bytes.

The input is a signed ``<DTE>`` (bytes, text or a path), an envelope holding exactly one, or a
``haulmer.dte.Document`` with its ``<TED>`` given apart. The barcode carries the whole TED
flattened, without namespaces, in ISO-8859-1, exactly as the SII's verifier reads it back.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import os
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from lxml import etree

from haulmer._files import read_limited
from haulmer._lazy import LazyModule
from haulmer._shown import cut, shown
from haulmer.dte.catalogue import DTEType
from haulmer.errors import DocumentError, ErrorDetail, XMLError
from haulmer.sii._xml import (
    MAX_XML_BYTES,
    descend,
    first_children,
    local_name,
    ns_prefix,
    parse_xml,
    stripped_text,
    timbre_forms,
)
from haulmer.sii.issued_memory import ISSUED_HEAD, recall
from haulmer.sii.printed import numbers
from haulmer.sii.printed.content import PrintedDocument, printed_document
from haulmer.sii.printed.facts import documento_facts
from haulmer.sii.root_advice import root_advice
from haulmer.sii.sii_dict import DOCUMENT_TAGS

if TYPE_CHECKING:
    from haulmer import dte as _dte
else:  # ``_dte.Name`` in an annotation loads haulmer.dte when resolved
    _dte = LazyModule("haulmer.dte")

__all__ = [
    "PrintSource",
    "declared_resolution",
    "parse_fragment",
    "read_source",
    "read_sources",
    "ted_barcode_bytes",
]

PrintSource = tuple[PrintedDocument, bytes]
"""The printed facts of the document and the bytes its PDF417 timbre encodes."""


def read_source(
    xml_or_document: bytes | str | os.PathLike[str] | _dte.Document,
    *,
    ted: bytes | str | None,
    sii_office: str | None = None,
) -> PrintSource:
    """The printed facts and the timbre bytes of whatever :func:`render_pdf` was given;
    ``sii_office`` is printed under the red box (by default the emisor's comuna).

    Raises ``XMLError`` for XML that is hostile, malformed, not a DTE, or has no timbre, and
    ``DocumentError`` for a ``Document`` given without its ``ted``.
    """
    if type(xml_or_document) is bytes and ted is None:
        issued = _issued_here(xml_or_document, sii_office)
        if issued is not None:
            return issued
    if not isinstance(xml_or_document, _XML_INPUTS):  # no import for the usual bytes
        from haulmer.dte.document import Document

        if isinstance(xml_or_document, Document):
            if ted is None:
                raise DocumentError(
                    "a printed DTE carries its timbre, and a Document has none yet: pass the "
                    "signed XML from sii.issue() instead, or the document's <TED> as ted=...",
                    [ErrorDetail("ted", "required to print a Document")],
                )
            sii_dict = _as_text(xml_or_document.to_sii_dict())
            facts = printed_document(sii_dict, sii_office=sii_office)
            element = _ted_element(ted)
            totales = sii_dict.get("Encabezado", {}).get("Totales", {})
            _check_ted_is_of(element, facts, total=str(totales.get("MntTotal", "")))
            return facts, ted_barcode_bytes(element)
    if ted is not None:
        raise XMLError("ted= is only for a Document; signed XML carries its own <TED>")
    data = _xml_data(xml_or_document)
    root = parse_xml(data)
    documentos = _documentos(root)
    if len(documentos) != 1:
        raise XMLError(
            f"the envelope holds {len(documentos)} documents; print them all with "
            "render_pdfs(), or one <DTE> at a time"
        )
    return _source(documentos[0], sii_office, declared_resolution(root), data)


_XML_INPUTS: Final = (bytes, bytearray, memoryview, str, os.PathLike)
"""What XML is given as (``_xml_data`` reads each): never a ``Document``."""


def read_sources(
    xml: bytes | str | os.PathLike[str], *, sii_office: str | None = None
) -> list[PrintSource]:
    """The printed facts and timbre bytes of every DTE in ``xml`` (a DTE or an envelope), in
    order."""
    if type(xml) is bytes:
        issued = _issued_here(xml, sii_office)
        if issued is not None:
            return [issued]
    if not isinstance(xml, _XML_INPUTS):
        from haulmer.dte.document import Document

        if isinstance(xml, Document):  # _xml_data's advice, ted=, is render_pdf's alone
            raise XMLError(
                "render_pdfs prints signed XML (a DTE or an envelope), not a Document: print "
                "a Document with render_pdf(document, ted=...), or its signed XML here"
            )
    data = _xml_data(xml)
    root = parse_xml(data)
    resolution = declared_resolution(root)
    return [_source(documento, sii_office, resolution, data) for documento in _documentos(root)]


def _source(
    documento: etree._Element,
    sii_office: str | None,
    resolution: tuple[int, dt.date] | None = None,
    data: bytes | str = "",
) -> PrintSource:
    """The printed facts of ``documento`` and its timbre's bytes; ``data`` is the XML it was
    parsed from, where a timbre already written as its barcode carries it is cut out."""
    ted_element = next(documento.iterchildren("{*}TED"), None)  # matched in C, any namespace
    if ted_element is None:
        raise XMLError(
            "the document has no timbre (TED): only a stamped DTE can be printed; "
            "stamp and sign it with sii.issue() first"
        )
    facts = documento_facts(documento, sii_office=sii_office)
    if resolution is not None:
        facts = facts._replace(resolution=resolution)
    ted = _ted_as_written(data, ted_element) if type(data) is bytes else None
    return facts, ted if ted is not None else ted_barcode_bytes(ted_element)


def declared_resolution(root: etree._Element) -> tuple[int, dt.date] | None:
    """The NroResol and FchResol an envelope's Caratula declares, None for a lone DTE or when
    either is not what the schema allows (up to 6 digits, a YYYY-MM-DD date): the document
    then prints with the default, as a received document with a quirk still prints."""
    if local_name(root) not in ("EnvioDTE", "EnvioBOLETA"):
        return None
    ns = ns_prefix(root)
    texts = first_children(descend(root.find(ns + "SetDTE"), ns + "Caratula"))
    numero = stripped_text(texts.get(ns + "NroResol"))
    fecha = stripped_text(texts.get(ns + "FchResol"))
    if numero is None or fecha is None:
        return None
    if not (_NRO_RESOL.fullmatch(numero) and _ISO_DATE.fullmatch(fecha)):
        return None
    try:
        return int(numero), dt.date.fromisoformat(fecha)
    except ValueError:  # 2014-02-30
        return None


_NRO_RESOL: Final = re.compile(r"[0-9]{1,6}")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _issued_here(xml: bytes, sii_office: str | None) -> PrintSource | None:
    """The source of a DTE this process issued, byte for byte, else None.

    ``issue()`` writes the file's TED as its barcode carries it (flat, ISO-8859-1, the quotes of
    its text as the entities FRMT was signed over), so it is cut out of the bytes as it is; only
    the Documento before it is parsed, for the printed facts, not the TED nor the signature.
    """
    if not (xml.startswith(ISSUED_HEAD) and xml.endswith(b"</DTE>")):
        return None
    issued = recall(xml)
    if issued is None:
        return None
    start = xml.find(_ISSUED_TED)
    end = xml.find(b"</TED>", start)
    if start < 0 or end < 0:  # not as issue() writes it today: read it as any other DTE
        return None
    ted = xml[start : end + 6]
    root_tag = DTEType(issued.dte_type).xml_root
    documento = parse_xml(b"%s</%s></DTE>" % (xml[:start], root_tag.encode("ascii")))[0]
    return documento_facts(documento, sii_office=sii_office), ted


_ISSUED_TED: Final = b'<TED version="1.0">'


def _ted_as_written(xml: bytes, ted: etree._Element) -> bytes | None:
    """The barcode bytes of ``ted`` cut out of the file it was parsed from, when the file writes
    it flat and canonical, as sii.issue() and most producers do; else None.

    The file's only ``<TED`` is then ``ted``'s start tag (it has no prefix), whatever comments
    or other elements hold, and its bytes are what :func:`ted_barcode_bytes` would make of it:
    no C14N is needed.
    """
    start = xml.find(b"<TED")
    end = xml.find(b"</TED>", start)
    if start < 0 or end < 0 or xml.find(b"<TED", end) >= 0 or ted.prefix is not None:
        return None
    codec = _TED_CODECS.get((ted.getroottree().docinfo.encoding or "").upper())
    cut = xml[start : end + len(b"</TED>")]
    if codec is None or not _is_flat_ted(cut):
        return None
    try:
        return cut.decode(codec).encode("iso-8859-1")
    except UnicodeError:  # characters the barcode cannot carry: the general path says so
        return None


_TED_CODECS: Final = {"ISO-8859-1": "iso-8859-1", "UTF-8": "utf-8", "WINDOWS-1252": "cp1252"}
"""The declared encodings a TED is cut out of (the SII's, and the two others DTEs come in),
with Python's codec for each: all three write markup in ASCII bytes."""
_TED_LAYOUT: Final = (
    b'<TED version="1.0"><DD><RE>_</RE><TD>_</TD><F>_</F><FE>_</FE><RR>_</RR><RSR>@</RSR>'
    b'<MNT>_</MNT><IT1>@</IT1><CAF version="1.0"><DA><RE>_</RE><RS>@</RS><TD>_</TD>'
    b"<RNG><D>_</D><H>_</H></RNG><FA>_</FA><RSAPK><M>_</M><E>_</E></RSAPK><IDK>_</IDK></DA>"
    b'<FRMA algoritmo="SHA1withRSA">_</FRMA></CAF><TSTED>_</TSTED></DD>'
    b'<FRMT algoritmo="SHA1withRSA">_</FRMT></TED>'
)
"""A TED with an RSA key as C14N writes it without namespaces, flattened: every tag as the
schema orders them, ``_`` a code, number, date or base64, ``@`` a name (RSR, IT1, the CAF's
RS), which may hold ``&amp;``, ``&lt;`` and ``&gt;``."""
_FLAT_TED_TAGS: Final = re.compile(
    _TED_LAYOUT.replace(b".", rb"\.").replace(b"_", b"[^<]*").replace(b"@", b"([^<]*)")
)
# One byte class a step, no nested repeats: linear on any input. A single excluded byte is
# what re matches quickest, some 15 instructions a byte against 70 for the excluded
# characters and references of the text itself, which counts tell instead.
_TED_QUOTES: Final = _TED_LAYOUT.count(b'"')
_TED_TAG_ENDS: Final = _TED_LAYOUT.count(b">")


def _is_flat_ted(cut: bytes) -> bool:
    """Whether ``cut`` is ``_TED_LAYOUT`` with text that has no quotes, CR, ``>`` or
    references C14N would rewrite (``&#209;``, ``&quot;``): only ``&amp;``, ``&lt;`` and
    ``&gt;``, and only in the names. Quotes in text have two signed forms, which the general
    path tells.

    The tags are matched with any text but ``<`` between them; the text's other characters
    are then told by counting: the layout's own quotes and ``>``, and each ``&`` of the file
    one that starts a reference in a name.
    """
    found = _FLAT_TED_TAGS.fullmatch(cut)
    if (
        found is None
        or cut.count(b'"') != _TED_QUOTES
        or cut.count(b">") != _TED_TAG_ENDS
        or b"'" in cut
        or b"\r" in cut
    ):
        return False
    ampersands = cut.count(b"&")
    if not ampersands:
        return True
    in_names = 0
    for name in found.groups():
        count = name.count(b"&")
        if count != name.count(b"&amp;") + name.count(b"&lt;") + name.count(b"&gt;"):
            return False
        in_names += count
    return in_names == ampersands


_BOM: Final = "\ufeff"
"""The byte order mark a Windows editor writes first, read as a character."""


def _xml_data(source: bytes | str | os.PathLike[str]) -> bytes | str:
    """The XML text or bytes of what render_pdf was given: a file's read, bytes as they are."""
    if isinstance(source, os.PathLike):
        try:
            data: bytes | str = read_limited(source, MAX_XML_BYTES)
        except OSError as exc:
            raise XMLError(f"cannot read {shown(os.fspath(source))}: {exc.strerror}") from None
        except ValueError:  # a NUL byte in the path: no file has that name
            raise XMLError(f"no file can have the name {shown(os.fspath(source))}") from None
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        source = source.removeprefix(_BOM)  # a file read as UTF-8 (not utf-8-sig) keeps it
        if not source.lstrip().startswith("<"):
            raise XMLError(
                "expected the DTE's XML (bytes or text starting with '<'); "
                "to render a file, pass a pathlib.Path"
            )
        data = source
    else:
        raise XMLError(
            f"cannot print a {type(source).__name__}: pass the signed DTE's XML (bytes, text or "
            "a pathlib.Path) or a haulmer.dte.Document with ted=..."
        )
    return data


def _documentos(root: etree._Element) -> list[etree._Element]:
    """The Documento (Liquidacion, Exportaciones) of a DTE, or of every DTE in an envelope."""
    name = local_name(root)
    if name in ("EnvioDTE", "EnvioBOLETA"):
        set_dte = root.find("{*}SetDTE")
        dtes = set_dte.findall("{*}DTE") if set_dte is not None else []
        if not dtes:
            raise XMLError(f"the {name} holds no <DTE> to print")
        return [_documento_of(dte) for dte in dtes]
    if name == "DTE":
        return [_documento_of(root)]
    if name in DOCUMENT_TAGS:
        return [root]
    raise XMLError(f"expected a DTE, EnvioDTE or EnvioBOLETA, got <{name}>{root_advice(name)}")


def _documento_of(dte: etree._Element) -> etree._Element:
    """The DTE's first Documento, Liquidacion or Exportaciones child, in any namespace."""
    for child in dte:  # the first child, in a DTE: quicker than lxml's matcher of three tags
        tag = child.tag
        if isinstance(tag, str) and tag.rpartition("}")[2] in DOCUMENT_TAGS:
            return child
    raise XMLError("the DTE holds no Documento, Liquidacion or Exportaciones")


def _ted_element(ted: bytes | str) -> etree._Element:
    element = parse_fragment(ted)
    if local_name(element) != "TED":
        raise XMLError(f"ted= must be the document's <TED> element, got <{local_name(element)}>")
    return element


def _check_ted_is_of(ted: etree._Element, facts: PrintedDocument, *, total: str = "") -> None:
    """Refuse a ``<TED>`` whose DD names another document than ``facts`` (emisor RUT, type,
    folio) or says another issue date or total (``total``, its MntTotal): its barcode would
    contradict the red box or the amounts printed above it."""
    said = {
        local_name(element): stripped_text(element) or ""
        for element in first_children(next(ted.iterchildren("{*}DD"), None)).values()
    }
    rut, tipo, folio = said.get("RE", ""), said.get("TD", ""), said.get("F", "")
    fecha, monto = said.get("FE", ""), said.get("MNT", "")
    mismatches = []
    if fecha and facts.issued and fecha != facts.issued.strip():
        mismatches.append(f"date {cut(fecha, 20)} (the Document's is {cut(facts.issued, 20)})")
    if monto and total.strip() and not _same_amount(monto, total):
        mismatches.append(f"total {cut(monto, 20)} (the Document's is {cut(total.strip(), 20)})")
    if rut and numbers.rut(rut) != facts.emisor_rut:
        mismatches.append(f"emisor {cut(rut, 20)} (the Document's is {facts.emisor_rut})")
    if not _same_number(tipo, str(facts.dte_type)):
        mismatches.append(f"type {cut(tipo, 20)} (the Document's is {facts.dte_type})")
    if not _same_number(folio, facts.folio):
        mismatches.append(f"folio {cut(folio, 20)} (the Document's is {cut(facts.folio, 20)})")
    if mismatches:
        raise DocumentError(
            f"ted= is the timbre of another document: its DD says {', '.join(mismatches)}; "
            "pass the <TED> sii.issue() stamped this document with, or print its signed XML",
            [ErrorDetail("ted", "the timbre of another document")],
        )


def _same_amount(given: str, own: str) -> bool:
    """Whether a DD's MNT says the amount ``own`` (an export's may carry decimals)."""
    try:
        return Decimal(given) == Decimal(own.strip())
    except InvalidOperation:
        return given == own.strip()


def _same_number(given: str, own: str) -> bool:
    """Whether a DD number (TD, F) says ``own``, or is absent; leading zeros aside."""
    return not given or given.lstrip("0") == own.strip().lstrip("0")


_WIDE_STARTS: Final = (
    codecs.BOM_UTF16_LE,  # and UTF-32's little-endian mark, which begins with it
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_BE,
    b"\x00",  # "<" in UTF-16 or UTF-32 without a mark: big-endian
    b"<\x00",  # little-endian
)
"""How XML in UTF-16 or UTF-32 begins, which neither UTF-8 nor ISO-8859-1 reads."""


def parse_fragment(xml: bytes | str) -> etree._Element:
    """Parse XML that may lack a declaration, such as a ``<TED>`` cut out of its document:
    undeclared bytes are read as UTF-8, or else as the SII's ISO-8859-1; UTF-16 and UTF-32,
    told by their byte order mark or their zero bytes, as the XML parser reads them."""
    if (
        isinstance(xml, bytes | bytearray)
        and not xml.lstrip().startswith(b"<?xml")
        and not bytes(xml[:4]).startswith(_WIDE_STARTS)
    ):
        data = bytes(xml)
        try:
            return parse_xml(data.decode("utf-8"))
        except UnicodeDecodeError:
            return parse_xml(data.decode("iso-8859-1"))
    return parse_xml(xml)


def ted_barcode_bytes(ted: etree._Element) -> bytes:
    """The bytes the PDF417 timbre encodes: the TED without namespaces, flattened, ISO-8859-1.

    Quotes in text are written as the FRMT was signed (``&quot;`` by the SII's rule, raw by some
    producers), so that a scanner can check the signature over the bytes it reads.
    """
    forms = timbre_forms(ted)
    if not forms:
        raise XMLError(
            "the timbre holds characters outside ISO-8859-1, which its barcode cannot carry"
        )
    quoted = forms[0]
    if len(forms) == 1 or _signed_over(ted, quoted):
        return quoted
    return forms[1] if _signed_over(ted, forms[1]) else quoted


def _signed_over(ted: etree._Element, flattened: bytes) -> bool:
    """Whether the FRMT in ``ted`` verifies over the DD inside the flattened TED bytes."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from haulmer.sii.caf import Caf

    start, end = flattened.find(b"<DD>"), flattened.find(b"</DD>")
    caf_element = next((e for e in ted.iter() if local_name(e) == "CAF"), None)
    frmt = next((e for e in ted if local_name(e) == "FRMT"), None)
    if start < 0 or end < 0 or caf_element is None or frmt is None:
        return False
    try:
        caf = Caf.from_element(caf_element)
        signature = base64.b64decode("".join((stripped_text(frmt) or "").split()), validate=True)
        caf.public_key.verify(
            signature, flattened[start : end + 5], padding.PKCS1v15(), hashes.SHA1()
        )
    except (InvalidSignature, binascii.Error, ValueError, XMLError, DocumentError):
        return False
    return True


def _as_text(value: Any) -> Any:
    """A model's SII dict with every leaf as the text the XML would hold."""
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_text(item) for item in value]
    if isinstance(value, Enum):
        return _as_text(value.value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)
