"""Verify a received DTE, envelope or receiver's answer (RespuestaDTE, EnvioRecibos): every
signature, every timbre and, optionally, every CAF.

The result lists each failed check with its reason instead of raising: received XML is often
slightly off, and a caller needs to know what exactly failed. Hostile input is a failure too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from lxml import etree

from haulmer._chile import read_timestamp
from haulmer._numbers import own_arithmetic
from haulmer._shown import cut, shown
from haulmer.errors import XMLError
from haulmer.rut import Rut
from haulmer.sii._options import yes_or_no
from haulmer.sii._xml import (
    DSIG_NS,
    SII_NS,
    descend,
    leaf_text,
    local_name,
    ns_prefix,
    parse_xml,
    stripped_text,
)
from haulmer.sii.answer_parties import party_problems
from haulmer.sii.caratula_check import (
    caratula_problems,
    caratula_rut_problems,
    envelope_kind_problem,
    sender_problem,
)
from haulmer.sii.root_advice import root_advice
from haulmer.sii.signature import SignatureCheck, check_signature
from haulmer.sii.ted import check_ted

__all__ = ["Failure", "Verification", "reencoding_failure", "verify"]

_DOCUMENT_TAGS: Final = frozenset({"Documento", "Liquidacion", "Exportaciones"})
_ENVELOPES: Final = frozenset({"EnvioDTE", "EnvioBOLETA"})
_ANSWERS: Final = {"RespuestaDTE": "Resultado", "EnvioRecibos": "SetRecibos"}
"""A receiver's answers and the one part each signs (RespuestaEnvioDTE_v10, EnvioRecibos_v10)."""
_SIGNATURE: Final = "{" + DSIG_NS + "}Signature"
_ID_ATTRIBUTES: Final = etree.XPath("//*/@ID", smart_strings=False)  # = //@ID, walks elements only
_XINCLUDE_PREFIX: Final = "{http://www.w3.org/2001/XInclude}"
_DOCUMENT_PARTS: Final = tuple(
    "{*}" + tag
    for tag in (
        "Encabezado",
        "Detalle",
        "SubTotInfo",
        "DscRcgGlobal",
        "Referencia",
        "TED",
        "TmstFirma",
    )
)
"""What a Documento holds directly: found anywhere else, a reader could take it for its own."""
_COUNTED: Final = {
    "Caratula": "Caratula",
    "SetDTE": "SetDTE",
    "DTE": "DTE",
    **dict.fromkeys(_DOCUMENT_TAGS, "Documento"),
}
_WATCHED: Final = (
    *("{*}" + name for name in sorted(_COUNTED)),
    *_DOCUMENT_PARTS,
    _XINCLUDE_PREFIX + "*",
)


@dataclass(frozen=True)
class Failure:
    """One failed check: ``check`` names it (signature, digest, key, certificate, ted, rut, caf,
    xml, structure, caratula, answer), ``where`` says which document or envelope, ``reason``
    says why."""

    check: str
    reason: str
    where: str = ""

    def __str__(self) -> str:
        place = f" [{self.where}]" if self.where else ""
        return f"{self.check}{place}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: ``ok`` when nothing failed; ``passed`` lists what held."""

    failures: tuple[Failure, ...] = ()
    passed: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether every check passed (and at least one was made)."""
        return not self.failures and bool(self.passed)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return "verified: " + ", ".join(self.passed)
        return "not verified: " + "; ".join(str(f) for f in self.failures)


def _timestamp_reader(*names: str) -> Callable[[etree._Element], dt.datetime | None]:
    qualified: dict[str, tuple[str, ...]] = {}  # the tags in each namespace, made once

    def read(element: etree._Element) -> dt.datetime | None:
        ns = ns_prefix(element)
        tags = qualified.get(ns)
        if tags is None:
            tags = tuple(ns + name for name in names)
            if len(qualified) < _REMEMBERED_NAMESPACES:
                qualified[ns] = tags
        node = descend(element, *tags)
        text = None if node is None else leaf_text(node)  # comments skipped, as C14N does
        if not text:
            return None
        return _chile_time(text)

    return read


_REMEMBERED_NAMESPACES: Final = 8
"""Namespaces whose tags a timestamp reader keeps: the SII's and none, a hostile file's few more."""


@lru_cache(maxsize=256)
def _chile_time(text: str) -> dt.datetime | None:
    """A TmstFirma's text as an aware UTC datetime, None if it is no xs:dateTime; an envelope's
    documents are often signed in the same second, so each text is read once."""
    return read_timestamp(text)


def as_python_iso(text: str) -> str:
    """An xs:dateTime as every supported Python's ``fromisoformat`` reads it: ``Z`` as
    ``+00:00`` and the fraction of a second in 6 digits (Python 3.10 takes neither otherwise)."""
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    match = _FRACTION.search(text)
    if match is not None:
        digits = (match.group(1) + "000000")[:6]
        text = text[: match.start()] + "." + digits + text[match.end() :]
    return text


_FRACTION: Final = re.compile(r"(?<=T\d\d:\d\d:\d\d)\.(\d+)")


_document_signed_at = _timestamp_reader("TmstFirma")
_envelope_signed_at = _timestamp_reader("Caratula", "TmstFirmaEnv")
_respuesta_signed_at = _timestamp_reader("Caratula", "TmstFirmaResp")
_recibo_signed_at = _timestamp_reader("TmstFirmaRecibo")
_ANSWER_SIGNED_AT: Final = {"Resultado": _respuesta_signed_at, "SetRecibos": _envelope_signed_at}


class _Collector:
    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.passed: list[str] = []

    def fail(self, check: str, reason: str, where: str) -> None:
        self.failures.append(Failure(check, reason, where))

    def result(self) -> Verification:
        return Verification(tuple(self.failures), tuple(self.passed))


_LONGEST_LABEL: Final = 60
"""How much of a document's or set's ID the failures and passes name its place by: a hostile
megabyte-long ID cannot swell every message."""


@own_arithmetic
def verify(
    xml: bytes | str,
    *,
    check_caf: bool = False,
    allow_test_cafs: bool = False,
) -> Verification:
    """Check every signature (documents and envelope), every timbre and, with ``check_caf``,
    every CAF's FRMA against the SII's keys (test keys count only with ``allow_test_cafs``).

    An envelope's Caratula must agree with its SetDTE (one issuer, the count of each type) and
    name as RutEnvia the holder of the certificate that signs the envelope.
    A receiver's answer (RespuestaDTE, EnvioRecibos) is checked the same way: its signature and
    each Recibo's, that each Recibo's RutFirma is the RUT of the certificate that signs it, and
    that its RutResponde is the receptor and its RutRecibe the issuer of each DTE it accepts,
    acknowledges or receives (failures of kind ``answer``).

    Certificates are judged at the signing time (TmstFirma), so old documents still verify. The
    certificate chain is not checked: no CA list is bundled.
    """
    check_caf = yes_or_no(check_caf, "check_caf", "checks each CAF's FRMA against the SII's keys")
    allow_test_cafs = yes_or_no(
        allow_test_cafs, "allow_test_cafs", "accepts CAFs signed with a test key, not the SII's"
    )
    try:
        root = parse_xml(xml, decode_windows_1252=True)
    except XMLError as exc:
        return Verification((Failure("xml", str(exc)),))
    result = verify_tree(root, check_caf=check_caf, allow_test_cafs=allow_test_cafs)
    hint = reencoding_failure(xml) if result.failures else None
    if hint is not None:
        return Verification((*result.failures, hint), result.passed)
    return result


_EIGHT_BIT_DECLARATION: Final = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']"
    rb"(iso-?8859-1|latin-?1|l1|windows-1252|cp1252)[\"']",
    re.IGNORECASE,
)


def reencoding_failure(xml: bytes | str | bytearray | memoryview) -> Failure | None:
    """Why XML that failed verification may have: bytes declared ISO-8859-1 (or windows-1252)
    that are UTF-8, re-encoded after signing, so every accented letter reads as two. Only a
    failing verification asks, so the bytes are looked at again only then."""
    if isinstance(xml, str):
        return None
    data = bytes(xml)
    match = _EIGHT_BIT_DECLARATION.match(data, 0, 512)
    if match is None or data.isascii():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    declared = match.group(1).decode("ascii")
    return Failure(
        "xml",
        f"the bytes are UTF-8 but the XML declaration says {declared}: they were re-encoded "
        f"after signing (stored as UTF-8 text?); give xml.decode('utf-8').encode('{declared}'), "
        "or the bytes issue() returned",
    )


@own_arithmetic
def verify_tree(
    root: etree._Element, *, check_caf: bool = False, allow_test_cafs: bool = False
) -> Verification:
    """:func:`verify` of XML already parsed (safely) into ``root``, for a caller that parsed it
    for its own reasons (``envelope()`` reading a DTE it did not issue)."""
    collector = _Collector()
    try:
        _check_structure(root, collector)
        _verify_root(root, collector, check_caf=check_caf, allow_test_cafs=allow_test_cafs)
    except etree.C14NError:
        collector.fail(
            "xml",
            "cannot be canonicalized (C14N refuses relative namespace URIs such as "
            'xmlns="x"); SII documents declare xmlns="http://www.sii.cl/SiiDte"',
            "",
        )
    except Exception as exc:  # never crash on hostile input; report it instead
        collector.fail("xml", f"cannot be verified: {type(exc).__name__}: {exc}", "")
    except BaseException as exc:
        # A panic in cryptography's Rust code is a BaseException; hostile bytes must not take
        # the host down with it. KeyboardInterrupt, SystemExit and the like go on.
        if type(exc).__name__ != "PanicException":
            raise
        collector.fail("xml", "cannot be verified: the cryptography library failed on it", "")
    return collector.result()


def _check_structure(root: etree._Element, collector: _Collector) -> None:
    """Fail when something beside the signed content could be read as the document.

    Any reader (XPath, another library) must find exactly what the signatures cover: IDs are
    unique; a DTE holds one Documento, an envelope one SetDTE holding only its Caratula and
    DTEs; and no DTE, Documento, SetDTE or part of a Documento (Encabezado, Detalle, TED...)
    sits anywhere else (inside a Signature, beside the signed element, in a foreign namespace).
    ``xmlsec1`` and the schema refuse the same. Other elements beside a DTE's Documento (the
    ``DocPersonalizado`` some producers append) are no document and are let be.
    """
    name = local_name(root)
    if name == "DTE":
        dtes = [root]
        sets = 0
    elif name in _ENVELOPES:
        sets = len(_one_of_kind(root, collector, frozenset({"SetDTE"}), name))
        dtes = []
        set_dte = next(root.iterchildren(ns_prefix(root) + "SetDTE"), None)
        if sets == 1 and set_dte is not None:
            dtes = _set_contents(set_dte, collector, name)
    elif name in _ANSWERS:
        _one_of_kind(root, collector, frozenset({_ANSWERS[name]}), name)
        _unique_ids(root, collector, name)
        return
    else:
        return  # _verify_root says what is wrong
    _unique_ids(root, collector, name)
    holders: list[etree._Element] = []
    for dte in dtes:
        holders += _one_of_kind(dte, collector, _DOCUMENT_TAGS, "DTE")
    _check_placement(root, collector, holders, len(dtes), sets, name)


def _unique_ids(root: etree._Element, collector: _Collector, where: str) -> None:
    """Fail when two elements share an ID: a reference would not say which one is signed."""
    ids: list[Any] = _ID_ATTRIBUTES(root)  # type: ignore[assignment]
    if len(ids) != len(set(ids)):
        repeated = sorted(str(i) for i, count in Counter(ids).items() if count > 1)
        named = ", ".join(repr(i[:40]) for i in repeated[:3])
        collector.fail("structure", f"the ID {named} is given to more than one element", where)


def _check_placement(
    root: etree._Element,
    collector: _Collector,
    holders: list[etree._Element],
    dtes: int,
    sets: int,
    where: str,
) -> None:
    """In one pass over the tree: how many SetDTE, Caratula, DTE and Documento elements there are
    in any namespace, whether a Documento's part sits outside a placed Documento (one of
    ``holders``, the Documento-named children of the DTEs checked), and XInclude."""
    placed = set(holders)  # lxml hands back the same proxy for a node while one is alive
    counts = dict.fromkeys(("SetDTE", "Caratula", "DTE", "Documento"), 0)
    misplaced: str | None = None
    included = False
    for node in root.iter(*_WATCHED):
        tag: str = node.tag  # iter() with tags yields elements only
        if tag.startswith(_XINCLUDE_PREFIX):
            included = True
            continue
        name = tag.rpartition("}")[2]
        kind = _COUNTED.get(name)
        if kind is not None:
            counts[kind] += 1
        elif misplaced is None and node.getparent() not in placed:
            misplaced = name
    expected_counts = (
        ("SetDTE", max(sets, 0)),
        ("DTE", dtes),
        ("Documento", dtes),
        ("Caratula", min(counts["Caratula"], 1 if sets == 1 else 0)),  # missing: the schema's
    )
    for kind, expected in expected_counts:
        if counts[kind] != expected:
            collector.fail(
                "structure",
                f"{counts[kind]} {kind} elements where {expected} "
                f"{'is' if expected == 1 else 'are'} expected: a reader could take one that no "
                "signature covers for the document",
                where,
            )
    if included:
        collector.fail(
            "structure",
            "an XInclude element asks readers to pull content from elsewhere; SII documents "
            "never hold one",
            where,
        )
    if misplaced is not None:
        collector.fail(
            "structure",
            f"a <{misplaced}> sits outside the signed Documento: a reader could take it for "
            "part of the document",
            where,
        )


def _one_of_kind(
    parent: etree._Element, collector: _Collector, kinds: frozenset[str], where: str
) -> list[etree._Element]:
    """The children of ``parent`` with a name in ``kinds``, in any namespace; fails unless there
    is one, in the parent's own namespace."""
    namespace = ns_prefix(parent)
    found = [child for child in parent if local_name(child) in kinds]
    if len(found) > 1:
        collector.fail(
            "structure",
            f"the {local_name(parent)} holds {len(found)} {' or '.join(sorted(kinds))} elements "
            "where one is expected: a reader could take an unsigned one for the signed one",
            where,
        )
    elif found and not str(found[0].tag).startswith(namespace):
        collector.fail(
            "structure",
            f"the {local_name(parent)} holds {_tag_of(found[0])}, not in its own namespace",
            where,
        )
    return found


def _set_contents(
    set_dte: etree._Element, collector: _Collector, where: str
) -> list[etree._Element]:
    """The DTEs of a SetDTE; fails when it holds anything but one Caratula and DTEs in its
    own namespace (the envelope signs it all, but a reader would see other documents)."""
    namespace = ns_prefix(set_dte)
    dtes: list[etree._Element] = []
    caratulas = 0
    for child in set_dte:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == namespace + "DTE":
            dtes.append(child)
            continue
        if tag == namespace + "Caratula" and not caratulas:
            caratulas += 1
            continue
        collector.fail(
            "structure",
            f"the SetDTE holds {_tag_of(child)} beside its Caratula and DTEs in the envelope's "
            "namespace; nothing else may be there",
            where,
        )
        break
    return dtes


def _tag_of(element: etree._Element) -> str:
    tag = element.tag
    name = local_name(element)
    if isinstance(tag, str) and tag.startswith("{") and not tag.startswith("{" + SII_NS):
        return f"<{name}> in the namespace {tag[1 : tag.index('}')][:80]!r}"
    return f"<{name}>"


def _verify_root(
    root: etree._Element, collector: _Collector, *, check_caf: bool, allow_test_cafs: bool
) -> None:
    name = local_name(root)
    if name == "DTE":
        _verify_dte(root, collector, check_caf=check_caf, allow_test_cafs=allow_test_cafs)
        return
    if name in _ANSWERS:
        _verify_answer(root, name, collector)
        return
    if name not in _ENVELOPES:
        collector.fail(
            "structure",
            f"expected DTE, EnvioDTE, EnvioBOLETA, RespuestaDTE or EnvioRecibos, got <{name}>"
            f"{root_advice(name)}",
            "",
        )
        return
    set_dte = root.find("{*}SetDTE")
    if set_dte is None:
        collector.fail("structure", f"{name} has no SetDTE", name)
        return
    where = f"{name} {cut(set_dte.get('ID') or '', _LONGEST_LABEL)}".strip()
    _check_envelope_signature(root, set_dte, collector, where)
    documents = set_dte.findall("{*}DTE")
    if not documents:
        collector.fail("structure", "the envelope holds no DTE", where)
    kind_problem = envelope_kind_problem(name, documents)
    if kind_problem is not None:
        collector.fail("structure", kind_problem, where)
    for problem in caratula_problems(set_dte, documents):
        collector.fail("caratula", problem, where)
    for problem in caratula_rut_problems(set_dte):
        collector.fail("rut", problem, where)
    for dte in documents:
        _verify_dte(dte, collector, check_caf=check_caf, allow_test_cafs=allow_test_cafs)


def _signatures(
    root: etree._Element, collector: _Collector, where: str, signed: str
) -> list[etree._Element]:
    """The Signatures of an envelope or an answer (``signed`` names it); fails unless there is
    one, as the SII's schemas have it. Each is still checked, to say what else is wrong."""
    signatures = list(root.iterchildren(_SIGNATURE))
    if not signatures:
        collector.fail("signature", f"{signed} is not signed", where)
    elif len(signatures) > 1:
        collector.fail("signature", f"{len(signatures)} signatures, expected 1", where)
    return signatures


def _verify_answer(root: etree._Element, name: str, collector: _Collector) -> None:
    """A receiver's answer: its one signed part, signed, and each Recibo in it signed by the
    person its RutFirma names."""
    part_name = _ANSWERS[name]
    part = root.find(ns_prefix(root) + part_name)
    if part is None:
        collector.fail("structure", f"{name} has no {part_name}", name)
        return
    where = f"{name} {cut(part.get('ID') or '', _LONGEST_LABEL)}".strip()
    signatures = _signatures(root, collector, where, f"the {name}")
    for signature in signatures:
        _record_signature(
            signature, collector, where, signed_at=_ANSWER_SIGNED_AT[part_name], covers=part
        )
    for problem in party_problems(part):
        collector.fail("answer", problem, where)
    if name == "EnvioRecibos":
        recibos = part.findall(ns_prefix(part) + "Recibo")
        if not recibos:
            collector.fail("structure", "the SetRecibos holds no Recibo", where)
        for recibo in recibos:
            _verify_recibo(recibo, collector)


def _verify_recibo(recibo: etree._Element, collector: _Collector) -> None:
    """One Recibo: its DocumentoRecibo signed, by the certificate of the RutFirma it names."""
    documentos = _one_of_kind(recibo, collector, frozenset({"DocumentoRecibo"}), "Recibo")
    if not documentos:
        collector.fail("structure", "the Recibo holds no DocumentoRecibo", "Recibo")
        return
    documento = documentos[0]
    where = f"Recibo {cut(documento.get('ID') or '(no ID)', _LONGEST_LABEL)}"
    signatures = list(recibo.iterchildren(_SIGNATURE))
    if len(signatures) != 1:
        collector.fail(
            "signature",
            "the Recibo is not signed" if not signatures else f"{len(signatures)} signatures",
            where,
        )
        return
    check = _record_signature(
        signatures[0], collector, where, signed_at=_recibo_signed_at, covers=documento
    )
    if check.certificate is None:
        return
    from haulmer.pfx import holder_rut_of

    holder = holder_rut_of(check.certificate)
    firma = documento.find(ns_prefix(documento) + "RutFirma")
    text = stripped_text(firma) or ""
    try:
        named: Rut | None = Rut(text)
    except ValueError:
        named = None
    if holder is not None and named != holder:
        collector.fail(
            "certificate",
            f"RutFirma {shown(text)} is not {holder}, whose certificate signs the Recibo: the "
            "acuse de recibo is signed by the person it names",
            where,
        )


def _record_signature(
    signature: etree._Element,
    collector: _Collector,
    where: str,
    *,
    signed_at: Callable[[etree._Element], dt.datetime | None] = _document_signed_at,
    covers: etree._Element | None = None,
) -> SignatureCheck:
    """Check one signature, judging its certificate at the time ``signed_at`` reads (a
    document's TmstFirma by default); with ``covers``, it must sign that very element."""
    check = check_signature(signature, signed_at=signed_at)
    for kind, reason in check.problems:
        collector.fail(kind, reason, where)
    if covers is not None:
        _check_order(signature, covers, collector, where)
    wrong_target = (
        covers is not None and check.referenced is not None and check.referenced is not covers
    )
    if wrong_target and covers is not None:
        collector.fail(
            "signature",
            f"signs {shown('#' + str(check.reference_id))}, not the {local_name(covers)} whose "
            "content is read",
            where,
        )
    if check.ok and not wrong_target:
        collector.passed.append(f"signature {where}")
    return check


def _check_order(
    signature: etree._Element, signed: etree._Element, collector: _Collector, where: str
) -> None:
    """Fail when ``signature`` stands before ``signed``, its sibling: every SII schema has the
    signed element first (Documento, SetDTE, Resultado...) and the Signature after it, as
    ``validate_schema`` and the SII read them. What follows the Signature is let be (the
    ``DocPersonalizado`` some producers append)."""
    if any(sibling is signed for sibling in signature.itersiblings()):
        collector.fail(
            "structure",
            f"the Signature stands before the {local_name(signed)} it signs: the SII's schema "
            "has it after",
            where,
        )


def signature_failures(element: etree._Element) -> tuple[Failure, ...]:
    """Why the signature of a DTE or an envelope (``element``, read in its document) does not
    prove that its signer made it as it is: what :func:`verify` finds of that one signature,
    without the timbre and, for an envelope, without its DTEs' own. Empty when it holds."""
    collector = _Collector()
    name = local_name(element)
    try:
        if name == "DTE":
            documento = next(
                (child for child in element if local_name(child) in _DOCUMENT_TAGS), None
            )
            if documento is None:
                collector.fail("structure", "the DTE holds no Documento", "DTE")
            else:
                where = f"DTE {cut(documento.get('ID') or '(no ID)', _LONGEST_LABEL)}"
                _check_dte_signature(element, documento, collector, where)
        elif name in _ENVELOPES:
            set_dte = element.find("{*}SetDTE")
            if set_dte is None:
                collector.fail("structure", f"{name} has no SetDTE", name)
            else:
                where = f"{name} {cut(set_dte.get('ID') or '', _LONGEST_LABEL)}".strip()
                _check_envelope_signature(element, set_dte, collector, where)
        else:
            collector.fail("structure", f"<{cut(name, _LONGEST_LABEL)}> is no DTE or envelope", "")
    except Exception as exc:  # never crash on hostile input; report it instead
        collector.fail("xml", f"cannot be verified: {type(exc).__name__}: {exc}", "")
    return tuple(collector.failures)


def _check_envelope_signature(
    root: etree._Element, set_dte: etree._Element, collector: _Collector, where: str
) -> None:
    """The envelope's one signature, over its SetDTE, by the RutEnvia its Caratula names."""
    signatures = _signatures(root, collector, where, "the envelope")
    for signature in signatures:
        # The documents read are set_dte's: a signature over another element (a second
        # SetDTE, a copy) must not vouch for them.
        check = _record_signature(
            signature, collector, where, signed_at=_envelope_signed_at, covers=set_dte
        )
        if check.certificate is not None and check.referenced is set_dte:
            sender = sender_problem(set_dte, check.certificate)
            if sender is not None:
                collector.fail("certificate", sender, where)


def _check_dte_signature(
    dte: etree._Element, documento: etree._Element, collector: _Collector, where: str
) -> None:
    """The DTE's one signature, after its Documento and over it."""
    document_id = documento.get("ID")
    signatures = list(dte.iterchildren(_SIGNATURE))
    if not signatures:
        collector.fail("signature", "the document is not signed", where)
    elif len(signatures) > 1:
        collector.fail("signature", f"{len(signatures)} signatures, expected 1", where)
    else:
        _check_order(signatures[0], documento, collector, where)
        check = _record_signature(signatures[0], collector, where)
        if check.reference_id is not None:  # the one Reference's URI, "#" + this id
            uri: str | None = "#" + check.reference_id
        else:  # the signature was refused early: look at its first Reference's URI anyway
            reference = descend(
                signatures[0], f"{{{DSIG_NS}}}SignedInfo", f"{{{DSIG_NS}}}Reference"
            )
            uri = reference.get("URI") if reference is not None else None
        if uri is not None and uri != f"#{document_id}":
            collector.fail("signature", f"signs {shown(uri)}, not the Documento", where)


def _verify_dte(
    dte: etree._Element, collector: _Collector, *, check_caf: bool, allow_test_cafs: bool
) -> None:
    documento = None
    for child in dte:  # the first Documento, Liquidacion or Exportaciones, in any namespace
        tag = child.tag
        if isinstance(tag, str) and tag.rpartition("}")[2] in _DOCUMENT_TAGS:
            documento = child
            break
    if documento is None:
        collector.fail("structure", "the DTE holds no Documento", "DTE")
        return
    where = f"DTE {cut(documento.get('ID') or '(no ID)', _LONGEST_LABEL)}"
    _check_dte_signature(dte, documento, collector, where)
    problems, caf = check_ted(documento)
    for kind, reason in problems:
        collector.fail(kind, reason, where)
    if not any(kind == "ted" for kind, _ in problems):
        collector.passed.append(f"ted {where}")
    if check_caf and caf is not None:
        problem = caf.frma_problem(allow_test_keys=allow_test_cafs)
        if problem is not None:
            collector.fail("caf", problem, where)
        else:
            collector.passed.append(f"caf {where}")
