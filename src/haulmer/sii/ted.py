"""The timbre electrónico (TED): the DD summary of a document, signed (FRMT) with the CAF's key.

The signed bytes are the DD without namespaces, flattened and in ISO-8859-1; text is escaped the
SII's way (``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&apos;``). RSR and IT1 are cut to 40.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from haulmer._chile import chile_today, read_timestamp, to_chile
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail, ValidationError, XMLError
from haulmer.sii._xml import (
    descend,
    first_children,
    ns_prefix,
    parse_xml,
    stripped_text,
    timbre_forms,
)
from haulmer.sii.caf import Caf, lenient_rut, names_rut
from haulmer.sii.check_digits import check_digit_problems
from haulmer.sii.render import clean_latin1, escape_text, quote_entities
from haulmer.sii.sii_dict import BOLETA_TYPES

__all__ = [
    "TED_TEXT_LIMIT",
    "TimbreData",
    "check_caf_fits",
    "check_not_dated_after",
    "check_ted",
    "check_timbre_fields",
    "stamp",
    "stamped_forms",
]

TED_TEXT_LIMIT: Final = 40
"""RSR (razón social receptor) and IT1 (first item name) are cut to this many characters."""


class TimbreData(NamedTuple):
    """What a timbre summarizes: issuer, type, folio, date, receptor, total, first item.

    A named tuple: made for every document stamped, it costs half a frozen dataclass."""

    rut_emisor: str
    dte_type: int
    folio: int
    fecha_emision: dt.date
    rut_receptor: str
    razon_social_receptor: str
    monto_total: int | Decimal
    """Pesos; an export's MntTotal in its currency (up to 4 decimals)."""
    primer_item: str


def _format_timestamp(when: dt.datetime) -> str:
    """TSTED as the SII writes it: Chilean local time to the second, without offset (an aware
    ``when`` is converted to it, not stripped of its zone)."""
    return to_chile(when).isoformat()


def stamp(data: TimbreData, caf: Caf, *, timestamp: dt.datetime) -> str:
    """The ``<TED>`` for ``data`` in canonical form (unqualified names), FRMT made with the CAF.

    The DD is signed exactly as it is written: flattened, quotes as entities, ISO-8859-1.
    Raises ``DocumentError`` when the CAF does not cover it (:func:`check_caf_fits`: type,
    folio, issuer, its dates at ``timestamp`` in Chile), when FE is after that day, or when
    RSR, IT1 or MNT holds what no timbre can carry (a character outside ISO-8859-1, a control
    character, a total that is NaN or negative); ``TypeError`` for a total that is no int or
    Decimal, or a RUT that is no text.
    """
    if not isinstance(timestamp, dt.datetime):
        raise TypeError(
            "timestamp must be a datetime.datetime (naive Chilean local time, or aware), got "
            f"{type(timestamp).__name__}"
        )
    day = to_chile(timestamp).date()
    check_caf_fits(data, caf, day)
    check_not_dated_after(data, day)
    check_timbre_fields(data)
    return stamped_forms(data, caf, timestamp=timestamp)[0]


def check_caf_fits(data: TimbreData, caf: Caf, day: dt.date) -> None:
    """Raise ``DocumentError`` unless ``caf`` covers this timbre (type, folio, issuer) and its
    folios are authorized and not expired on ``day`` (the timbre's, in Chile)."""
    caf.check_for_stamping(dte_type=data.dte_type, folio=data.folio, rut_emisor=data.rut_emisor)
    if caf.is_not_yet_authorized(day):
        raise DocumentError(
            f"the CAF was authorized on {caf.authorized_on}, after the timbre's date "
            f"{day} (TSTED, Chilean time): no folio of it may be stamped before the "
            "SII authorizes it; pass the time of signing as timestamp (None for now) and check "
            "the computer's clock",
            [ErrorDetail("caf", f"authorized on {caf.authorized_on}, after {day}")],
        )
    if caf.is_expired(day):
        raise DocumentError(
            f"the CAF's folios expired on {caf.expires_on} (the SII's validity for a CAF "
            f"authorized on {caf.authorized_on}); request a new CAF from the SII",
            [ErrorDetail("caf", f"expired on {caf.expires_on}")],
        )


def check_not_dated_after(data: TimbreData, day: dt.date) -> None:
    """Raise ``DocumentError`` when FchEmis (FE) is after ``day``, the timbre's in Chile: the SII
    refuses a DTE dated after it receives it (as ``emit()`` refuses one dated after today)."""
    fecha = data.fecha_emision
    if isinstance(fecha, dt.date) and not isinstance(fecha, dt.datetime) and fecha > day:
        issue = f"{fecha.isoformat()} is after the day it is stamped ({day.isoformat()}, Chile)"
        raise DocumentError(
            f"IdDoc.FchEmis {issue}: the SII refuses a DTE dated after it receives it; date the "
            "document on the day of signing or earlier, or pass that day's time as timestamp",
            [ErrorDetail("IdDoc.FchEmis", issue)],
        )


def check_timbre_fields(data: TimbreData) -> None:
    """Refuse RSR or IT1 text that a timbre (XML in ISO-8859-1) cannot carry, a total that is
    no int or finite Decimal or is below zero (MNT is unsigned), a RUT that is no text and an
    FE that is no day, naming the DD's element."""
    fecha = data.fecha_emision
    if not isinstance(fecha, dt.date) or isinstance(fecha, dt.datetime):
        raise TypeError(
            "fecha_emision must be a datetime.date (FE is the issue day, YYYY-MM-DD), got "
            f"{type(fecha).__name__} {shown(fecha)}"
        )
    for name, rut in (("rut_emisor", data.rut_emisor), ("rut_receptor", data.rut_receptor)):
        if not isinstance(rut, str):
            raise TypeError(
                f"{name} must be a str (the RUT as 76086428-5), got {type(rut).__name__} "
                f"{shown(rut)}"
            )
    for field, text in (("RSR", data.razon_social_receptor), ("IT1", data.primer_item)):
        if not isinstance(text, str):
            raise TypeError(f"DD/{field} must be a str, got {type(text).__name__}")
        written = _cut(text)
        if clean_latin1(written):
            continue
        bad = next(c for c in written if ord(c) > 0xFF or not clean_latin1(c))
        what = (
            "a character outside ISO-8859-1, the timbre's encoding"
            if ord(bad) > 0xFF
            else "a control character XML cannot carry"
        )
        raise DocumentError(
            f"DD/{field} holds {shown(bad)} (U+{ord(bad):04X}), {what}; write it without it "
            "(plain quotes and letters; Ñ and accents are fine)",
            [ErrorDetail(f"DD/{field}", f"holds U+{ord(bad):04X}")],
        )
    total = data.monto_total
    if isinstance(total, bool) or not isinstance(total, int | Decimal):
        raise TypeError(
            "monto_total must be an int (pesos) or a Decimal (an export's amount in its "
            f"currency), as MNT is written; got {type(total).__name__} {shown(total)}"
        )
    if isinstance(total, Decimal) and not total.is_finite():
        raise DocumentError(
            f"DD/MNT {total} is no amount; a timbre's total is MntTotal, a finite number",
            [ErrorDetail("DD/MNT", "not a finite number")],
        )
    if total < 0:
        raise DocumentError(
            f"DD/MNT {data.monto_total} is negative; a timbre's total is MntTotal, 0 or more",
            [ErrorDetail("DD/MNT", "negative")],
        )


def stamped_forms(data: TimbreData, caf: Caf, *, timestamp: dt.datetime) -> tuple[str, str]:
    """:func:`stamp`'s ``<TED>`` twice: in canonical form (what the document's digest covers)
    and with the quotes of its text as entities (what the DTE file carries and FRMT signs).

    Nothing is checked: the caller has checked the CAF (:func:`check_caf_fits`) and the text."""
    if caf.private_key is None:
        raise XMLError("the CAF has no private key (RSASK); load the full CAF file")
    fields = (
        f"<RE>{escape_text(str(lenient_rut(data.rut_emisor)))}</RE>"
        f"<TD>{data.dte_type}</TD><F>{data.folio}</F>"
        f"<FE>{data.fecha_emision.isoformat()}</FE>"
        f"<RR>{escape_text(str(lenient_rut(data.rut_receptor)))}</RR>"
        f"<RSR>{escape_text(_cut(data.razon_social_receptor))}</RSR>"
        f"<MNT>{_amount_text(data.monto_total)}</MNT>"
        f"<IT1>{escape_text(_cut(data.primer_item))}</IT1>"
    )
    stamped_at = f"<TSTED>{_format_timestamp(timestamp)}</TSTED></DD>"
    dd = f"<DD>{fields}{caf.canonical_xml}{stamped_at}"
    # The fields are elements and text only: their quotes are all in text.
    quoted_dd = f"<DD>{quote_entities(fields)}{caf.sii_quoted_xml}{stamped_at}"
    frmt = caf.private_key.sign(quoted_dd.encode("iso-8859-1"), _PKCS1, _SHA1)
    frmt_text = binascii.b2a_base64(frmt, newline=False).decode("ascii")
    signed = f'<FRMT algoritmo="SHA1withRSA">{frmt_text}</FRMT></TED>'
    return f'<TED version="1.0">{dd}{signed}', f'<TED version="1.0">{quoted_dd}{signed}'


_PKCS1: Final = padding.PKCS1v15()
_SHA1: Final = hashes.SHA1()


def _amount_text(amount: int | Decimal) -> str:
    """MNT's text: pesos as they are; an export's Decimal without exponent (``1E+2`` -> 100)."""
    return format(amount, "f") if isinstance(amount, Decimal) else str(amount)


def _cut(text: str) -> str:
    """Trim and cut to 40 characters; the XSD wants at least one character."""
    return text.strip()[:TED_TEXT_LIMIT] or "-"


def check_ted(documento: etree._Element) -> tuple[list[tuple[str, str]], Caf | None]:
    """Check the timbre of a ``Documento``: FRMT against the CAF key and DD against the document,
    and the check digits of the RUTs they write (problems of kind ``rut``).

    Returns the problems found and the CAF embedded in the timbre (None if unreadable).
    """
    problems: list[tuple[str, str]] = []
    ns = ns_prefix(documento)
    # Only the two children needed: Detalle lines (up to 1000) are skipped without a proxy each.
    in_documento: dict[str, etree._Element] = {}
    for child in documento.iterchildren(ns + "Encabezado", ns + "TED"):
        in_documento.setdefault(child.tag, child)
    ted = in_documento.get(ns + "TED")
    in_ted = first_children(ted)
    dd = in_ted.get(ns + "DD")
    if ted is None or dd is None:
        return [("ted", "the document has no timbre (TED/DD)")], None
    in_dd = first_children(dd)
    caf_element = in_dd.get(ns + "CAF")
    if caf_element is None:
        return [("ted", "the timbre has no CAF")], None
    try:
        caf = _caf_of(caf_element)
    except XMLError as exc:
        return [("ted", f"the timbre's CAF is unreadable: {exc}")], None
    frmt_text = stripped_text(in_ted.get(ns + "FRMT"))
    try:
        frmt = base64.b64decode("".join((frmt_text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        frmt = b""
    if not frmt:
        problems.append(("ted", "FRMT is missing or not base64"))
    else:
        frmt_problem = _frmt_problem(caf, frmt, dd)
        if frmt_problem is not None:
            problems.append(("ted", frmt_problem))

    dd_texts = {tag: stripped_text(in_dd.get(qualified)) for qualified, tag in _dd_tags(ns)}
    encabezado = in_documento.get(ns + "Encabezado")
    header = _Header.of(encabezado, ns)
    problems.extend(
        ("ted", reason) for reason in _disagreements(dd_texts, documento, encabezado, header, ns)
    )
    problems.extend(
        ("rut", reason) for reason in _check_digit_problems(dd_texts, documento, header, ns, caf)
    )
    dd_type, dd_folio, dd_rut = dd_texts["TD"], dd_texts["F"], dd_texts["RE"]
    if dd_type != str(caf.dte_type):
        problems.append(("ted", f"DD/TD {shown(dd_type)} is not the CAF's type {caf.dte_type}"))
    if dd_folio is None or not _FOLIO.fullmatch(dd_folio) or not caf.contains(int(dd_folio)):
        problems.append(
            (
                "ted",
                f"folio {shown(dd_folio)} is outside the CAF range "
                f"{caf.folio_from}..{caf.folio_to}",
            )
        )
    if not names_rut(dd_rut, caf.rut_emisor):
        problems.append(("ted", f"DD/RE {shown(dd_rut)} is not the CAF's issuer {caf.rut_emisor}"))
    stamped_on = _date_of(stripped_text(in_dd.get(ns + "TSTED")))
    if stamped_on is not None and caf.is_not_yet_authorized(stamped_on):
        problems.append(
            (
                "ted",
                f"stamped on {stamped_on}, before the CAF was authorized on {caf.authorized_on}",
            )
        )
    if stamped_on is not None and caf.is_expired(stamped_on):
        problems.append(
            ("ted", f"stamped on {stamped_on} but the CAF's folios expired on {caf.expires_on}")
        )
    return problems, caf


_FOLIO: Final = re.compile(r"[0-9]{1,18}")
"""A folio as the DD may write it: ASCII digits (``str.isdigit`` takes ``²``), never thousands."""
_DD_FIELDS: Final = ("RE", "TD", "F", "FE", "RR", "RSR", "MNT", "IT1")


@lru_cache(maxsize=32)
def _qualified(ns: str, names: tuple[str, ...]) -> dict[str, str]:
    """Each of ``names`` in the namespace ``ns`` -> the name, made once per namespace (a
    caller that changes it takes a copy)."""
    return {ns + name: name for name in names}


def _dd_tags(ns: str) -> Iterable[tuple[str, str]]:
    """The DD's fields in ``ns`` and their names, in the DD's order."""
    return _qualified(ns, _DD_FIELDS).items()


_EXPORT_TYPES: Final = frozenset({"110", "111", "112"})
_GENERIC_RECEPTOR: Final = "66666666-6"
_EXPORT_RECEPTOR: Final = "55555555-5"


class _Header(NamedTuple):
    """What the timbre's checks read from the Encabezado, read once for both: its first child
    of each tag, the issuer's RUTEmisor and the receptor's RUTRecep and RznSocRecep."""

    children: dict[str, etree._Element]
    rut_emisor: str | None
    receptor: dict[str, str | None]

    @classmethod
    def of(cls, encabezado: etree._Element | None, ns: str) -> _Header:
        children = first_children(encabezado)
        return cls(
            children,
            stripped_text(descend(children.get(ns + "Emisor"), ns + "RUTEmisor")),
            _leading_texts(children.get(ns + "Receptor"), ns, ("RUTRecep", "RznSocRecep")),
        )


def _disagreements(
    dd: dict[str, str | None],
    documento: etree._Element,
    encabezado: etree._Element | None,
    header: _Header,
    ns: str,
) -> list[str]:
    """Where the DD says something else than the document it stamps, field by field, compared
    the way :func:`stamp` writes the DD (RUTs as RUTs, amounts as numbers, RSR and IT1 cut)."""
    in_header = header.children
    id_doc = _leading_texts(in_header.get(ns + "IdDoc"), ns, ("TipoDTE", "Folio", "FchEmis"))
    document_type = id_doc["TipoDTE"]
    reasons: list[str] = []
    exact = {
        "RE": header.rut_emisor,
        "TD": document_type,
        "F": id_doc["Folio"],
        "FE": id_doc["FchEmis"],
    }
    for tag, value in exact.items():
        if dd[tag] != value:
            reasons.append(f"DD/{tag} is {shown(dd[tag])} but the document says {shown(value)}")
    total = stripped_text(descend(in_header.get(ns + "Totales"), ns + "MntTotal"))
    if dd["MNT"] != total and not _same_amount(dd["MNT"], total):
        reasons.append(
            f"DD/MNT is {shown(dd['MNT'])} but the document's MntTotal is {shown(total)}"
        )
    reasons.extend(_receptor_disagreements(dd, header.receptor, document_type))
    first_item = stripped_text(descend(_first_detalle(documento, encabezado, ns), ns + "NmbItem"))
    if first_item is None:
        reasons.append(f"DD/IT1 is {shown(dd['IT1'])} but the document has no Detalle with NmbItem")
    elif dd["IT1"] != _cut_as_stamped(first_item):
        reasons.append(
            f"DD/IT1 is {shown(dd['IT1'])} but the first NmbItem, cut to {TED_TEXT_LIMIT}, "
            f"is {shown(_cut_as_stamped(first_item))}"
        )
    return reasons


def _check_digit_problems(
    dd: dict[str, str | None],
    documento: etree._Element,
    header: _Header,
    ns: str,
    caf: Caf,
) -> list[str]:
    """Each RUT of the document (every RUT field ``parse()`` reads), of its DD (RE, RR) and of
    the DD's CAF (RE) whose check digit is wrong, once per RUT with every field that writes it:
    the SII checks each one."""
    in_header = header.children
    transporte = in_header.get(ns + "Transporte")
    texts = {
        "RUTEmisor": header.rut_emisor,
        "DD/RE": dd["RE"],
        "CAF/DA/RE": str(caf.rut_emisor),
        "RUTRecep": header.receptor["RUTRecep"],
        "DD/RR": dd["RR"],
        "RUTMandante": stripped_text(in_header.get(ns + "RUTMandante")),
        "RUTSolicita": stripped_text(in_header.get(ns + "RUTSolicita")),
        "Transporte/RUTTrans": stripped_text(descend(transporte, ns + "RUTTrans")),
        "Transporte/Chofer/RUTChofer": stripped_text(
            descend(transporte, ns + "Chofer", ns + "RUTChofer")
        ),
        "Transporte/Aduana/RUTCiaTransp": stripped_text(
            descend(transporte, ns + "Aduana", ns + "RUTCiaTransp")
        ),
    }
    for index, referencia in enumerate(documento.iterchildren(ns + "Referencia")):
        texts[f"Referencia[{index + 1}]/RUTOtr"] = stripped_text(descend(referencia, ns + "RUTOtr"))
    return check_digit_problems(texts)


def _leading_texts(
    parent: etree._Element | None, ns: str, names: tuple[str, ...]
) -> dict[str, str | None]:
    """The trimmed text of the first child named each of ``names`` (None when missing). The
    schema puts these children first, so the walk stops once all are found."""
    found: dict[str, str | None] = {}
    if parent is not None:
        wanted = dict(_qualified(ns, names))
        for child in parent:
            name = wanted.pop(child.tag, None)  # a comment's tag is a function: no match
            if name is not None:
                found[name] = stripped_text(child)
                if not wanted:
                    break
    return {name: found.get(name) for name in names}


def _first_detalle(
    documento: etree._Element, encabezado: etree._Element | None, ns: str
) -> etree._Element | None:
    """The first Detalle: the element after Encabezado in a valid document, searched for
    otherwise."""
    following = encabezado.getnext() if encabezado is not None else None
    if following is not None and following.tag == ns + "Detalle":
        return following
    return descend(documento, ns + "Detalle")


def _receptor_disagreements(
    dd: dict[str, str | None],
    receptor: dict[str, str | None],
    document_type: str | None,
) -> list[str]:
    """RR against RUTRecep (an export's RR may be 55555555-5, a boleta with no receptor's must be
    66666666-6) and RSR against RznSocRecep cut to 40; with no RznSocRecep, RSR is not compared."""
    reasons: list[str] = []
    rut_receptor = receptor["RUTRecep"]
    rr = dd["RR"]
    if rut_receptor is not None:
        agrees = _same_rut_text(rr, rut_receptor) or (
            document_type in _EXPORT_TYPES and _same_rut_text(rr, _EXPORT_RECEPTOR)
        )
        if not agrees:
            reasons.append(
                f"DD/RR is {shown(rr)} but the document's RUTRecep is {shown(rut_receptor)}"
            )
    elif document_type in BOLETA_TYPES:
        if not _same_rut_text(rr, _GENERIC_RECEPTOR):
            reasons.append(
                f"DD/RR is {shown(rr)} but a boleta with no RUTRecep is stamped {_GENERIC_RECEPTOR}"
            )
    else:
        reasons.append(f"DD/RR is {shown(rr)} but the document has no RUTRecep")
    razon_social = receptor["RznSocRecep"]
    if razon_social is not None and dd["RSR"] != _cut_as_stamped(razon_social):
        reasons.append(
            f"DD/RSR is {shown(dd['RSR'])} but RznSocRecep, cut to {TED_TEXT_LIMIT}, "
            f"is {shown(_cut_as_stamped(razon_social))}"
        )
    return reasons


def _cut_as_stamped(text: str) -> str:
    """What a DD read back holds for ``text``: :func:`_cut`, and the DD's text is read trimmed."""
    return _cut(text).rstrip()


def _same_rut_text(text: str | None, other: str) -> bool:
    """Whether two RUT texts name the same RUT (``76086428-5`` and ``76.086.428-5``)."""
    if text is None:
        return False
    if text == other:
        return True
    try:
        return lenient_rut(text) == lenient_rut(other)
    except ValidationError:
        return False


def _caf_of(element: etree._Element) -> Caf:
    """The CAF a timbre carries, read once per distinct CAF: every document stamped from one CAF
    file carries the same ``<CAF>``, and reading it (key, dates, RUT) costs more than the rest of
    the timbre check."""
    # As text: lxml writes it about a fifth cheaper than as bytes, and it names the same CAF.
    serialized = etree.tostring(element, with_tail=False, encoding="unicode")
    if len(serialized) > _REMEMBERED_CAF_CHARS:  # no real CAF is this large: read, do not keep
        return Caf.from_element(element)
    return _caf_from_xml(serialized)


_REMEMBERED_CAF_CHARS: Final = 16 * 1024


@lru_cache(maxsize=64)
def _caf_from_xml(serialized: str) -> Caf:
    # A detached copy: the cached Caf must not keep the received document's tree alive.
    return Caf.from_element(parse_xml(serialized))


def _date_of(timestamp: str | None) -> dt.date | None:
    """TSTED's day in Chile, the calendar a CAF's dates go by (a ``Z`` or an offset is
    converted); None when it is no xs:dateTime."""
    moment = read_timestamp(timestamp) if timestamp else None
    return None if moment is None else chile_today(moment)


def _same_amount(one: str | None, other: str | None) -> bool:
    """Whether two amounts are equal as numbers (an export's ``50`` and ``50.00``)."""
    try:
        return one is not None and other is not None and Decimal(one) == Decimal(other)
    except InvalidOperation:
        return False


def _frmt_problem(caf: Caf, frmt: bytes, dd: etree._Element) -> str | None:
    """Why FRMT does not verify with the CAF key over the DD, or None when it does."""
    forms = timbre_forms(dd)
    for signed in forms:
        try:
            caf.public_key.verify(frmt, signed, padding.PKCS1v15(), hashes.SHA1())
        except (InvalidSignature, ValueError):
            continue
        return None
    if not forms:
        markup = etree.tostring(dd, encoding="unicode")
        outside = next((c for c in markup if ord(c) > 0xFF), "")
        named = f"{shown(outside)} (U+{ord(outside):04X}), " if outside else ""
        return (
            f"FRMT cannot verify: the DD holds {named}a character outside ISO-8859-1, which a "
            "timbre's signed bytes cannot carry"
        )
    return "FRMT does not verify with the CAF key over DD"
