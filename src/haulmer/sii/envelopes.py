"""Envelopes: EnvioDTE (up to 2000 signed DTEs) and EnvioBOLETA v1.1 (up to 500 boletas).

The signed DTEs go into ``SetDTE ID="SetDoc"`` byte for byte, then ``#SetDoc`` is signed. The
root declares ``xmlns:xsi`` (for ``xsi:schemaLocation``), so inclusive C14N carries it into the
envelope's SignedInfo, which declares it explicitly as the SII and its peers do.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from lxml import etree

from haulmer._numbers import own_arithmetic
from haulmer._shown import cut, shown
from haulmer.dte.checked import CheckedDocument
from haulmer.dte.document import Document
from haulmer.errors import DocumentError, ErrorDetail, InvalidRutError, ValidationError, XMLError
from haulmer.rut import Rut
from haulmer.sii._xml import (
    SII_NS,
    XSI_NS,
    c14n_inclusive,
    descend,
    local_name,
    ns_prefix,
    parse_xml,
    stripped_text,
)
from haulmer.sii.issued_memory import ISSUED_HEAD, IssuedFacts, recall
from haulmer.sii.issuing import check_certificate_at, signing_time
from haulmer.sii.keys import SII_IDKS
from haulmer.sii.signature import SigningCertificate, signature_over_digest, signing_certificate
from haulmer.sii.sii_dict import BOLETA_TYPES
from haulmer.sii.verification import reencoding_failure, verify_tree

__all__ = ["MAX_BOLETAS", "MAX_DTES", "SII_RUT", "Caratula", "envelope"]

MAX_DTES: Final = 2000
MAX_BOLETAS: Final = 500
SII_RUT: Final = "60803000-K"
"""The SII's RUT: the RutReceptor of an envelope sent to the SII."""

_SET_ID: Final = "SetDoc"
_BOLETAS: Final = frozenset(int(code) for code in BOLETA_TYPES)
"""The boleta types as numbers, as a signed document's ``dte_type`` holds them."""
_MAX_SUBTOTALS: Final = {"EnvioDTE": 20, "EnvioBOLETA": 2}
_MAX_NRO_RESOL: Final = 999_999
"""NroResol is a nonNegativeInteger of at most 6 digits (EnvioDTE_v10 and EnvioBOLETA_v11)."""
_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


@dataclass(frozen=True, init=False)
class Caratula:
    """The envelope's cover: issuer, sender (the certificate holder), receptor and resolution.

    RUTs may be given as text; each is parsed (check digit included) when the Caratula is made,
    raising ``InvalidRutError`` that names the field. ``rut_envia`` defaults to the
    certificate's holder RUT; ``rut_receptor`` to the SII's. ``fecha_resolucion`` is a date (or
    its ISO text, ``"2014-08-22"``); ``numero_resolucion`` an int, 0 in certification.
    """

    rut_emisor: Rut
    fecha_resolucion: dt.date
    numero_resolucion: int
    rut_receptor: Rut
    rut_envia: Rut | None

    def __init__(
        self,
        rut_emisor: str | Rut,
        fecha_resolucion: dt.date | str,
        numero_resolucion: int,
        rut_receptor: str | Rut = SII_RUT,
        rut_envia: str | Rut | None = None,
    ) -> None:
        object.__setattr__(self, "rut_emisor", _caratula_rut(rut_emisor, "rut_emisor"))
        object.__setattr__(self, "fecha_resolucion", _resolution_date(fecha_resolucion))
        if not isinstance(numero_resolucion, int) or isinstance(numero_resolucion, bool):
            raise TypeError(
                "Caratula.numero_resolucion must be an int (0 in certification, else the SII "
                f"resolution's number), got {type(numero_resolucion).__name__} "
                f"{shown(numero_resolucion)}"
            )
        object.__setattr__(self, "numero_resolucion", numero_resolucion)
        object.__setattr__(self, "rut_receptor", _caratula_rut(rut_receptor, "rut_receptor"))
        envia = None if rut_envia is None else _caratula_rut(rut_envia, "rut_envia")
        object.__setattr__(self, "rut_envia", envia)


def _resolution_date(value: dt.date | str) -> dt.date:
    """FchResol as a date: a date, or its ISO text; a datetime or anything else is refused."""
    if isinstance(value, str):
        try:
            if not _ISO_DATE.fullmatch(value.strip()):
                raise ValueError(value)
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DocumentError(
                f"Caratula.fecha_resolucion {shown(value)} is no date; write it AAAA-MM-DD",
                [ErrorDetail("FchResol", "not a date")],
            ) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(
            "Caratula.fecha_resolucion must be a datetime.date (the SII resolution's date), "
            f"got {type(value).__name__} {shown(value)}"
        )
    return value


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _caratula_rut(value: str | Rut, field: str) -> Rut:
    """``value`` as a Rut, check digit verified, or InvalidRutError naming the Caratula field."""
    if isinstance(value, Rut) and value.is_dv_valid:
        return value
    try:
        return Rut(value)
    except InvalidRutError as exc:
        raise InvalidRutError(f"Caratula.{field}: {exc}") from None


@dataclass(frozen=True)
class _SignedDte:
    xml: bytes | memoryview
    """The DTE as it goes into the SetDTE (a view of the bytes given when they need no change)."""
    dte_type: int
    rut_emisor: str
    document_id: str
    canonical: bytes | None
    """The DTE's inclusive C14N as it reads inside the SetDTE, or None when its namespace context
    would make that differ from its standalone form (the envelope is then canonicalized whole)."""
    failures: tuple[str, ...] = ()
    """Why :func:`verify` refuses a DTE this process did not issue (none for one it did)."""
    caf_idk: int | None = None
    """The IDK of the CAF in its timbre: 100 for the SII's certification, 300 for production."""
    ids: tuple[str, ...] = ()
    """Every ID attribute the DTE holds, when that is more than its Documento's ID."""
    rut_receptor: str = ""
    """The DTE's Receptor/RUTRecep as written, empty when it has none."""


_LATIN1_NAMES: Final = frozenset({"ISO-8859-1", "ISO8859-1", "LATIN-1", "LATIN1", "L1"})
_DECLARATION_BYTES: Final = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")
_SII_DEFAULT: Final = f' xmlns="{SII_NS}"'.encode("ascii")
_VERSION_1: Final = re.compile(r"\+?0*1(?:\.0*)?")
"""1.0 as an xs:decimal may be written (``1``, ``1.00``, ``+01.0``): the schemas' fixed version."""
_XML_SPACE: Final = " \t\r\n"
_TIPO_DTE: Final = re.compile(r"[0-9]{1,3}")
"""A TipoDTE as the schema writes it: ASCII digits (``str.isdigit`` takes ``²``), at most 3."""


def _read_signed(data: bytes | str, index: int) -> _SignedDte:
    if not isinstance(data, (bytes, str, bytearray, memoryview)):
        unsigned = (
            " (a Document is stamped and signed first)"
            if isinstance(data, (Document, CheckedDocument))
            else ""
        )
        raise TypeError(
            f"signed_documents[{index}] is {type(data).__name__}, not a signed DTE{unsigned}: "
            "give the bytes haulmer.sii.issue(document, caf=..., certificate=...) returns, or "
            "their text"
        )
    if isinstance(data, bytes) and data.startswith(_OWN_HEAD) and data.endswith(b"</DTE>"):
        facts = recall(data)
        if facts is not None:
            return _as_issued(data, facts)
    return _read_parsed(data, index)


_OWN_HEAD: Final = ISSUED_HEAD
_OWN_SIGNED_INFO: Final = b'<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#">'


def _as_issued(data: bytes, facts: IssuedFacts) -> _SignedDte:
    """A DTE this process signed, read from its bytes: ``issue`` writes the canonical form but
    for the SII's ``&quot;``/``&apos;`` in text and the SignedInfo's own namespace declaration
    (the Signature declares the same), so its form inside the SetDTE follows without a parse."""
    body = data[len(_OWN_HEAD) :].replace(_OWN_SIGNED_INFO, b"<SignedInfo>", 1)
    if b"&quot;" in body:
        body = body.replace(b"&quot;", b'"')
    if b"&apos;" in body:
        body = body.replace(b"&apos;", b"'")
    if not body.isascii():
        body = body.decode("iso-8859-1").encode("utf-8")
    return _SignedDte(
        memoryview(data)[data.index(b"\n") + 1 :],
        facts.dte_type,
        facts.rut_emisor,
        facts.document_id,
        b'<DTE version="1.0">' + body,
        caf_idk=facts.caf_idk,
        rut_receptor=facts.rut_receptor,
    )


def _read_parsed(data: bytes | str, index: int) -> _SignedDte:
    root = parse_xml(data)
    if local_name(root) != "DTE":
        raise XMLError(f"signed_documents[{index}] is <{local_name(root)}>, not a signed <DTE>")
    if root.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None:
        raise XMLError(f"signed_documents[{index}] is not signed; sign it with haulmer.sii.issue()")
    version = root.get("version")
    if version is None or not _VERSION_1.fullmatch(version.strip(_XML_SPACE)):
        raise XMLError(
            f"signed_documents[{index}]'s DTE has "
            + ("no version" if version is None else f"the version {shown(version)}")
            + ", but EnvioDTE and "
            "EnvioBOLETA fix a DTE's version at 1.0: the SII would refuse the envelope. The "
            'attribute is outside the signed Documento: write version="1.0" on the DTE '
            "element (its signature still holds), or issue it again"
        )
    ns = ns_prefix(root)
    documento = next((child for child in root if isinstance(child.tag, str)), None)
    encabezado = descend(documento, ns + "Encabezado")
    tipo = descend(encabezado, ns + "IdDoc", ns + "TipoDTE")
    rut = descend(encabezado, ns + "Emisor", ns + "RUTEmisor")
    receptor = descend(encabezado, ns + "Receptor", ns + "RUTRecep")
    if tipo is None or rut is None:  # elements in other namespaces: search any
        tipo = root.find("{*}*/{*}Encabezado/{*}IdDoc/{*}TipoDTE")
        rut = root.find("{*}*/{*}Encabezado/{*}Emisor/{*}RUTEmisor")
        receptor = root.find("{*}*/{*}Encabezado/{*}Receptor/{*}RUTRecep")
    tipo_text = stripped_text(tipo) or ""  # around comments, as the signature covers it
    if not _TIPO_DTE.fullmatch(tipo_text) or rut is None:
        raise XMLError(
            f"signed_documents[{index}] has no IdDoc/TipoDTE of 1 to 3 digits (0-9) or no "
            "Emisor/RUTEmisor"
        )
    encoding = (root.getroottree().docinfo.encoding or "utf-8").upper()
    if root.getprevious() is not None or root.getnext() is not None:
        # A comment or PI beside the root, and the line breaks around it, would be inside the
        # SetDTE, and all but the comment in its C14N: only the DTE element goes in.
        _refuse_unwritable(root, index)
        body = _element_bytes(root)
    elif isinstance(data, (bytes, bytearray)) and encoding in _LATIN1_NAMES:
        # Already ISO-8859-1 (what issue() writes): the bytes go in as they are.
        body = _DECLARATION_BYTES.sub(b"", bytes(data).removeprefix(b"\xef\xbb\xbf"), count=1)
    elif not isinstance(data, str) and not _python_knows(encoding):
        # An encoding the XML parser knows by a name Python's codecs lack (ISO-LATIN-1): the
        # DTE is written from its tree.
        _refuse_unwritable(root, index)
        body = _element_bytes(root)
    else:
        text = data if isinstance(data, str) else bytes(data).decode(encoding)
        # A byte order mark (UTF-8 saved by Windows tools) would keep the declaration inside
        # SetDTE.
        text = _DECLARATION.sub("", text.lstrip("\ufeff"))
        try:
            body = text.encode("iso-8859-1")
        except UnicodeEncodeError:
            body = _beyond_latin1(text, root, index)
    document_id = (documento.get("ID") if documento is not None else None) or f"#{index}"
    return _SignedDte(
        body.strip(),
        int(tipo_text),
        stripped_text(rut) or "",
        document_id,
        _canonical_in_set(root, body),
        _failures(root, data),
        _caf_idk(root),
        _other_ids(root, document_id),
        stripped_text(receptor) or "",
    )


def _python_knows(encoding: str) -> bool:
    """Whether Python's codecs read ``encoding`` (the XML parser knows more names)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _beyond_latin1(text: str, root: etree._Element, index: int) -> bytes:
    """A DTE holding characters ISO-8859-1 lacks, with each written as a character reference,
    which is the same character in text and attributes; a CDATA section would read it as its
    letters, so a DTE holding one is written from its tree, where the section is plain text."""
    _refuse_unwritable(root, index)
    if "<![CDATA[" in text:
        return _element_bytes(root)
    return text.encode("iso-8859-1", errors="xmlcharrefreplace")


def _refuse_unwritable(root: etree._Element, index: int) -> None:
    """Raise ``XMLError`` when the DTE names an element or attribute, or holds a processing
    instruction, with a character ISO-8859-1 lacks: no reference can stand for it there, so
    the envelope would not be well-formed XML, or its C14N (and the DTE's) would change."""
    for node in root.iter():
        if isinstance(node.tag, str):
            local = (etree.QName(key).localname for key in (node.tag, *node.attrib))
            for name in (*local, node.prefix or ""):
                if not _latin1(name):
                    raise XMLError(
                        f"signed_documents[{index}] names {cut(name, 40)!r} "
                        + _UNWRITABLE.format(what="a name")
                    )
        elif node.tag is etree.PI:
            written = etree.tostring(node, encoding="unicode", with_tail=False)
            if not _latin1(written):
                raise XMLError(
                    f"signed_documents[{index}] holds the processing instruction "
                    f"{cut(written, 48)} " + _UNWRITABLE.format(what="an instruction")
                )


_UNWRITABLE: Final = (
    "with characters ISO-8859-1 (the envelope's encoding) cannot carry, and {what} cannot hold "
    "a character reference: enveloped, the DTE would be no XML or no longer verify; issue it "
    "again without them"
)


def _latin1(text: str) -> bool:
    """Whether ISO-8859-1 writes ``text`` as it is."""
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    return True


def _element_bytes(root: etree._Element) -> bytes:
    """The root element alone, in ISO-8859-1 (characters beyond it as references)."""
    written = etree.tostring(root, encoding="ISO-8859-1", xml_declaration=False, with_tail=False)
    return written if isinstance(written, bytes) else written.encode("iso-8859-1")


def _beside_root_instruction(root: etree._Element) -> bool:
    """Whether a processing instruction (an ``xml-stylesheet``) sits before or after the DTE's
    root element: no part of the DTE, it must stay out of the set the envelope signs."""
    return any(
        isinstance(node, etree._ProcessingInstruction)
        for node in itertools.chain(root.itersiblings(preceding=True), root.itersiblings())
    )


def _failures(root: etree._Element, data: bytes | str) -> tuple[str, ...]:
    """Why :func:`verify` refuses the DTE, with the reason when its bytes were re-encoded."""
    failures = [str(failure) for failure in verify_tree(root).failures]
    hint = reencoding_failure(data) if failures else None
    return (*failures, str(hint)) if hint is not None else tuple(failures)


def _other_ids(root: etree._Element, document_id: str) -> tuple[str, ...]:
    """Every ID attribute in the DTE, or none when its Documento's ID is the only one."""
    ids = tuple(str(an_id) for an_id in _ID_ATTRIBUTES(root))  # type: ignore[union-attr]
    return () if ids == (document_id,) else ids


_ID_ATTRIBUTES: Final = etree.XPath("//*/@ID", smart_strings=False)


def _caf_idk(root: etree._Element) -> int | None:
    """The IDK of the CAF in a DTE's timbre, None when it has none that reads as a number."""
    idk = root.find("{*}*/{*}TED/{*}DD/{*}CAF/{*}DA/{*}IDK")
    if idk is None:
        idk = root.find("*/TED/DD/CAF/DA/IDK")
    text = stripped_text(idk) or ""
    return int(text) if _IDK.fullmatch(text) else None


_IDK: Final = re.compile(r"[0-9]{1,9}")


def _refuse_unverified(documents: list[_SignedDte]) -> None:
    """Raise ``DocumentError`` when a DTE this process did not issue fails :func:`verify` (its
    signature or its timbre): the SII would reject it, so it must not leave in an envelope.
    Bytes stored and read back are where this happens (re-encoded, trimmed, edited)."""
    failing = [(i, d) for i, d in enumerate(documents) if d.failures]
    if not failing:
        return
    index, first = failing[0]
    more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
    raise DocumentError(
        f"signed_documents[{index}]{more} does not verify ({'; '.join(first.failures)}): the SII "
        "would reject it; envelope the bytes issue() returned, unchanged, or issue it again",
        [
            ErrorDetail(f"signed_documents[{i}]", failure)
            for i, document in failing
            for failure in document.failures
        ],
    )


def _refuse_other_receptors(
    documents: Sequence[_SignedDte], receptor: Rut, kind: Literal["EnvioDTE", "EnvioBOLETA"]
) -> None:
    """Raise ``DocumentError`` when an envelope to a receiver (intercambio: a Caratula whose
    RutReceptor is not the SII's) holds a DTE addressed to someone else, which the receiver
    answers "DTE No Recibido - Error en RUT Receptor", or is an EnvioBOLETA (boletas are
    declared to the SII, not exchanged); an envelope to the SII holds any."""
    wanted = str(receptor)
    if wanted == SII_RUT:
        return
    if kind == "EnvioBOLETA":
        raise DocumentError(
            f"Caratula.rut_receptor is {wanted} but an EnvioBOLETA goes to the SII only "
            f"(boletas are not exchanged): leave rut_receptor out, its default is {SII_RUT}",
            [ErrorDetail("RutReceptor", f"is not the SII's {SII_RUT}")],
        )
    canonical: dict[str, str] = {}  # one parse per distinct RUTRecep text
    others: list[tuple[int, str]] = []
    for index, document in enumerate(documents):
        text = document.rut_receptor
        if text not in canonical:
            try:
                canonical[text] = str(Rut.parse(text, validate_dv=False))
            except ValidationError:
                canonical[text] = shown(text)
        if canonical[text] != wanted:
            others.append((index, canonical[text]))
    if not others:
        return
    listed = ", ".join(f"signed_documents[{i}]" for i, _ in others[:5])
    more = f" and {len(others) - 5} more" if len(others) > 5 else ""
    theirs = " and ".join(sorted({rut for _, rut in others}))
    raise DocumentError(
        f"Caratula.rut_receptor is {wanted} but {listed}{more} "
        f"{'is' if len(others) == 1 else 'are'} addressed to {theirs}: an envelope to a "
        "receiver carries only the DTEs addressed to it (the receiver answers any other one "
        "'DTE No Recibido - Error en RUT Receptor'); send each receptor its own envelope, or "
        f"send them to the SII with rut_receptor={SII_RUT!r} (the default)",
        [
            ErrorDetail(f"signed_documents[{i}].RUTRecep", f"is {rut}, not {wanted}")
            for i, rut in others
        ],
    )


def _refuse_clashing_ids(documents: Sequence[_SignedDte]) -> None:
    """Raise ``DocumentError`` when two elements of the envelope would share an ID (the same
    DTE twice, or another producer's IDs clashing with each other's or the SetDTE's): a
    signature's reference would not say which one it signs, and verify() refuses that."""
    seen: dict[str, int] = {_SET_ID: -1}
    for index, document in enumerate(documents):
        for an_id in document.ids or (document.document_id,):
            first = seen.setdefault(an_id, index)
            if first == index:
                continue
            if first >= 0 and an_id == document.document_id == documents[first].document_id:
                raise DocumentError(
                    f"signed_documents[{index}] repeats the document {shown(an_id)} of "
                    f"signed_documents[{first}]; each DTE goes once",
                    [ErrorDetail("SetDTE", f"duplicate ID {shown(an_id)}")],
                )
            other = (
                "the ID of the envelope's SetDTE"
                if first < 0
                else f"as signed_documents[{first}] does"
            )
            raise DocumentError(
                f"signed_documents[{index}] gives the ID {shown(an_id)} to an element, {other}: "
                "an envelope holding two elements with one ID is refused by the SII and by "
                "verify(), as a signature would not say which it signs; issue the document "
                "again (issue() names its Documento F<folio>T<type>)",
                [ErrorDetail(f"signed_documents[{index}]", f"ID {shown(an_id)} given twice")],
            )


def _canonical_in_set(root: etree._Element, body: bytes) -> bytes | None:
    """The inclusive C14N of a DTE as it reads inside a SetDTE that declares the SII's default
    namespace (and ``xmlns:xsi``): its standalone form without its own ``xmlns`` declaration.

    That holds when the DTE declares nothing but the SII's default namespace (or nothing), no
    element below its root declares one the SetDTE declares (the SII's default namespace,
    ``xmlns:xsi``), none below a root without namespace undeclares the default one
    (``xmlns=""``, which C14N writes only inside the set: ``body`` is searched for it) and no
    processing instruction sits beside it; otherwise None.
    """
    if root.nsmap not in ({None: SII_NS}, {}):
        return None
    if not root.nsmap and _UNDECLARED_DEFAULT.search(body):
        return None
    canonical: bytes
    if root.getprevious() is None and root.getnext() is None:
        canonical = etree.tostring(root, method="c14n", with_comments=False, with_tail=False)
    elif _beside_root_instruction(root):
        return None  # left out of the set, the instruction would still be in the tree's C14N
    else:
        # Beside a comment, lxml canonicalizes the root as a subtree, writing a spurious
        # xmlns="" on its children; the document's C14N (comments left out) is the root's.
        canonical = etree.tostring(root.getroottree(), method="c14n", with_comments=False)
    if root.nsmap:
        head = b"<DTE" + _SII_DEFAULT
        if not canonical.startswith(head):  # pragma: no cover - C14N writes the xmlns first
            return None
        canonical = b"<DTE" + canonical[len(head) :]
    if _SII_DEFAULT in canonical or _XSI_DECLARATION in canonical:
        return None  # declared below the root: inside the set, its C14N leaves that out
    return canonical


_XSI_DECLARATION: Final = f' xmlns:xsi="{XSI_NS}"'.encode("ascii")
_UNDECLARED_DEFAULT: Final = re.compile(rb"""\sxmlns\s*=\s*(?:""|'')""")
"""``xmlns=""`` (spaces and quotes as XML allows): meaningless standalone without a default
namespace, meaningful inside the SetDTE."""


def _canonical_set(
    documents: Sequence[_SignedDte], caratula_xml: bytes
) -> tuple[bytes, ...] | None:
    """The SetDTE's inclusive C14N in the envelope, as its parts in order, assembled from the
    parts already in canonical form (the opening tag with the namespaces in scope, the Caratula
    as written, each DTE's form inside the set) instead of parsing the whole envelope again;
    None when a DTE has none. The parts are hashed one by one, never joined: a full envelope's
    set is megabytes."""
    parts = [d.canonical for d in documents]
    if any(part is None for part in parts):
        return None
    opening = f'<SetDTE xmlns="{SII_NS}" xmlns:xsi="{XSI_NS}" ID="{_SET_ID}">'.encode("ascii")
    return (opening, caratula_xml, *(p for p in parts if p is not None), b"</SetDTE>")


def _rut(value: str | Rut, field: str) -> str:
    try:
        return str(Rut.parse(value, validate_dv=False))
    except ValidationError as exc:
        raise DocumentError(f"Caratula.{field}: {exc}", [ErrorDetail(field, str(exc))]) from None


_FIRST_RESOLUTION: Final = dt.date(2000, 1, 1)
"""FechaType's first day: no SII resolution for electronic documents is older."""


def _check_resolution_date(fecha: dt.date, local_time: dt.datetime) -> None:
    """FchResol is a day the schema carries and not after the envelope is signed."""
    if fecha < _FIRST_RESOLUTION or fecha > local_time.date():
        later = fecha > local_time.date()
        raise DocumentError(
            f"Caratula.fecha_resolucion {fecha.isoformat()} is "
            + (
                f"after the envelope is signed ({local_time.isoformat()}): the resolution that "
                "authorizes the emisor comes before its envelopes"
                if later
                else "before 2000, which the SII's schema cannot carry"
            )
            + "; use the date of the SII resolution (in certification, the day the SII "
            "authorized the certification environment)",
            [ErrorDetail("FchResol", "after the signing date" if later else "before 2000")],
        )


def _check_resolution_number(documents: Sequence[_SignedDte], numero: int) -> None:
    """NroResol fits the SII environment the documents' CAFs come from: 0 in certification
    (IDK 100), the emisor's resolution number in production (IDK 300); one environment only."""
    environments = {
        SII_IDKS[d.caf_idk]: index
        for index, d in reversed(list(enumerate(documents)))
        if d.caf_idk in SII_IDKS
    }
    if len(environments) > 1:
        raise DocumentError(
            f"signed_documents[{environments['certification']}] is stamped with a CAF of the "
            f"SII's certification environment (IDK 100) and signed_documents"
            f"[{environments['production']}] with one of production (IDK 300): each environment "
            "gets its own envelope",
            [ErrorDetail("SetDTE", "certification and production documents mixed")],
        )
    if "production" in environments and numero == 0:
        raise DocumentError(
            "Caratula.numero_resolucion is 0, the certification environment's, but the "
            "documents are stamped with production CAFs (IDK 300): set it to the number of the "
            "SII resolution that authorizes the emisor (and fecha_resolucion to its date)",
            [ErrorDetail("NroResol", "0 with production documents")],
        )
    if "certification" in environments and numero != 0:
        raise DocumentError(
            f"Caratula.numero_resolucion is {numero} but the documents are stamped with CAFs of "
            "the SII's certification environment (IDK 100), where NroResol is always 0: set "
            "numero_resolucion=0 (and fecha_resolucion to the day the SII authorized the "
            "certification environment)",
            [ErrorDetail("NroResol", "not 0 with certification documents")],
        )


@own_arithmetic
def envelope(
    signed_documents: Sequence[bytes | str],
    *,
    certificate: SigningCertificate,
    caratula: Caratula,
    timestamp: dt.datetime | None = None,
) -> bytes:
    """Wrap signed DTEs (from :func:`haulmer.sii.issue`) in a signed envelope, ISO-8859-1.

    Boletas (39/41) go in an EnvioBOLETA, everything else in an EnvioDTE; they cannot be mixed.
    Every document must belong to ``caratula.rut_emisor``.
    """
    if isinstance(signed_documents, (bytes, bytearray, memoryview, str)):
        raise TypeError("signed_documents must be a sequence of signed DTEs, not one document")
    if not isinstance(caratula, Caratula):
        raise TypeError(
            "caratula must be a haulmer.sii.Caratula(rut_emisor=..., fecha_resolucion=..., "
            f"numero_resolucion=...), got {type(caratula).__name__}"
        )
    signing_certificate(certificate)
    if not isinstance(signed_documents, Sequence):  # a generator: read one past the limit
        signed_documents = list(itertools.islice(signed_documents, MAX_DTES + 1))
    if not signed_documents:
        raise DocumentError("an envelope needs at least one signed DTE", [])
    if len(signed_documents) > MAX_DTES:
        raise DocumentError(
            f"an envelope holds at most {MAX_DTES} documents, got {len(signed_documents)}; "
            "split it",
            [ErrorDetail("SetDTE", f"more than {MAX_DTES} DTE")],
        )
    documents = [_read_signed(data, i) for i, data in enumerate(signed_documents)]
    boletas = {d.dte_type in _BOLETAS for d in documents}
    if len(boletas) > 1:
        raise DocumentError(
            "boletas (39/41) travel in EnvioBOLETA and the rest in EnvioDTE; send them apart",
            [ErrorDetail("TipoDTE", "boletas mixed with other types")],
        )
    kind: Literal["EnvioDTE", "EnvioBOLETA"] = "EnvioBOLETA" if boletas == {True} else "EnvioDTE"
    limit = MAX_BOLETAS if kind == "EnvioBOLETA" else MAX_DTES
    if len(documents) > limit:
        raise DocumentError(
            f"an {kind} holds at most {limit} documents, got {len(documents)}; split it",
            [ErrorDetail("SetDTE", f"more than {limit} DTE")],
        )
    rut_emisor = str(caratula.rut_emisor)
    canonical_ruts: dict[str, str] = {}  # one parse per distinct RUTEmisor text
    for document in documents:
        if document.rut_emisor not in canonical_ruts:
            canonical_ruts[document.rut_emisor] = _rut(document.rut_emisor, "RUTEmisor")
    issuers = [canonical_ruts[d.rut_emisor] for d in documents]
    foreign = [i for i, issuer in enumerate(issuers) if issuer != rut_emisor]
    if foreign:
        theirs = sorted({issuers[i] for i in foreign})
        listed = ", ".join(f"signed_documents[{i}] ({issuers[i]})" for i in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise DocumentError(
            f"Caratula.rut_emisor is {rut_emisor} but {listed}{more} "
            f"{'is' if len(foreign) == 1 else 'are'} issued by {' and '.join(theirs)}: an "
            "envelope carries the documents of one issuer; set Caratula(rut_emisor=...) to "
            "their RUTEmisor, or send each issuer's documents in its own envelope",
            [
                ErrorDetail(
                    f"signed_documents[{i}].RUTEmisor",
                    f"is {issuers[i]}, not the Caratula's rut_emisor {rut_emisor}",
                )
                for i in foreign
            ],
        )
    _refuse_clashing_ids(documents)
    _refuse_other_receptors(documents, caratula.rut_receptor, kind)
    counts = Counter(d.dte_type for d in documents)
    if len(counts) > _MAX_SUBTOTALS[kind]:
        raise DocumentError(
            f"an {kind} holds at most {_MAX_SUBTOTALS[kind]} document types",
            [ErrorDetail("SubTotDTE", "too many types")],
        )
    holder = getattr(certificate, "holder_rut", None)
    envia_value = caratula.rut_envia if caratula.rut_envia is not None else holder
    if envia_value is None:
        raise DocumentError(
            "Caratula.rut_envia is required: the certificate carries no RUT",
            [ErrorDetail("RutEnvia", "required")],
        )
    if not 0 <= caratula.numero_resolucion <= _MAX_NRO_RESOL:
        raise DocumentError(
            "Caratula.numero_resolucion must be 0 (certification) or the resolution number "
            f"(at most 6 digits), got {caratula.numero_resolucion}",
            [
                ErrorDetail(
                    "NroResol",
                    "negative" if caratula.numero_resolucion < 0 else "more than 6 digits",
                )
            ],
        )
    if holder is not None and caratula.rut_envia is not None and caratula.rut_envia != holder:
        raise DocumentError(
            f"Caratula.rut_envia is {caratula.rut_envia} but the certificate that signs the "
            f"envelope is {holder}'s: RutEnvia is the RUT of the person whose certificate signs "
            "the envelope; leave rut_envia out (it defaults to the "
            "certificate's holder) or sign with that person's certificate",
            [ErrorDetail("RutEnvia", f"is not the certificate holder {holder}")],
        )
    _check_resolution_number(documents, caratula.numero_resolucion)
    _refuse_unverified(documents)
    local_time = signing_time(timestamp, "TmstFirmaEnv")
    _check_resolution_date(caratula.fecha_resolucion, local_time)
    check_certificate_at(certificate, local_time)

    subtotals = "".join(
        f"<SubTotDTE><TpoDTE>{tipo}</TpoDTE><NroDTE>{count}</NroDTE></SubTotDTE>"
        for tipo, count in sorted(counts.items())
    )
    caratula_xml = (
        '<Caratula version="1.0">'
        f"<RutEmisor>{rut_emisor}</RutEmisor>"
        f"<RutEnvia>{_rut(envia_value, 'rut_envia')}</RutEnvia>"
        f"<RutReceptor>{_rut(caratula.rut_receptor, 'rut_receptor')}</RutReceptor>"
        f"<FchResol>{caratula.fecha_resolucion.isoformat()}</FchResol>"
        f"<NroResol>{caratula.numero_resolucion}</NroResol>"
        f"<TmstFirmaEnv>{local_time.isoformat()}</TmstFirmaEnv>"
        f"{subtotals}</Caratula>"
    ).encode("ascii")
    version = "1.0"
    schema = "EnvioBOLETA_v11.xsd" if kind == "EnvioBOLETA" else "EnvioDTE_v10.xsd"
    opening = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<{kind} xmlns="{SII_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{SII_NS} {schema}" version="{version}">'
    ).encode("ascii")
    set_dte = (
        f'<SetDTE ID="{_SET_ID}">'.encode("ascii"),
        caratula_xml,
        *(d.xml for d in documents),
        b"</SetDTE>",
    )
    closing = f"</{kind}>".encode("ascii")
    parts = _canonical_set(documents, caratula_xml)
    if parts is None:
        unsigned = parse_xml(b"".join((opening, *set_dte, closing)), max_bytes=1 << 31)
        parts = (c14n_inclusive(unsigned[0]),)
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    signature = signature_over_digest(digest.digest(), _SET_ID, certificate, with_xsi=True)
    return b"".join((opening, *set_dte, signature, closing))
