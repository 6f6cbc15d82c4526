"""The CAF (Código de Autorización de Folios): the SII's grant of a folio range and its key pair.

A CAF file holds ``<CAF>`` (DA: issuer, type, folio range, date, public key, IDK; FRMA: the SII's
signature over DA) plus the private key (RSASK) that stamps each document's timbre.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import codecs
import datetime as dt
import os
import re
import traceback
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from haulmer._chile import chile_date, chile_today
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail, ValidationError, XMLError
from haulmer.rut import Rut
from haulmer.sii._options import yes_or_no
from haulmer.sii._xml import (
    descend,
    leaf_text,
    local_name,
    ns_prefix,
    parse_xml,
    strip_namespaces,
    timbre_bytes,
    to_latin1,
)
from haulmer.sii.keys import caf_signer_key
from haulmer.sii.render import sii_quotes
from haulmer.sii.root_advice import root_advice

__all__ = ["EXPIRING_TYPES", "FIRST_FA", "LAST_FA", "Caf", "lenient_rut"]

EXPIRING_TYPES: Final = frozenset({33, 43, 46, 56, 61})
"""Types whose folios expire six months after the CAF's authorization date (FA)."""

FIRST_FA: Final = dt.date(2000, 1, 1)
LAST_FA: Final = dt.date(2050, 12, 31)
"""The dates a CAF's FA may have (the SII's FechaType); its folios' expiry is counted from it."""

_VALIDITY_MONTHS: Final = 6
_SIX_MONTHS_FROM: Final = dt.date(2018, 7, 1)
"""Res. Ex. SII 58/2017: CAFs authorized from this day are valid six months; older ones kept
eighteen months (Res. Ex. 24/2016), to 31 December 2018 at most, and those authorized before
2016 until 30 June 2017."""
_OLD_VALIDITY_MONTHS: Final = 18
_OLD_VALIDITY_END: Final = dt.date(2018, 12, 31)
_FIRST_RULE_FROM: Final = dt.date(2016, 1, 1)
_BEFORE_2016_END: Final = dt.date(2017, 6, 30)


def _last_valid_day(authorized_on: dt.date) -> dt.date:
    """The last day the folios of an expiring type's CAF authorized on ``authorized_on`` may be
    used, as the SII's resolutions say for a CAF of that date."""
    if authorized_on >= _SIX_MONTHS_FROM:
        return _add_months(authorized_on, _VALIDITY_MONTHS)
    if authorized_on >= _FIRST_RULE_FROM:
        return min(_add_months(authorized_on, _OLD_VALIDITY_MONTHS), _OLD_VALIDITY_END)
    return _BEFORE_2016_END


def _day_in_chile(on: object) -> dt.date:
    """The day a CAF's dates are compared with: today in Chile, or ``on`` as its day there."""
    if on is None:
        return chile_today()
    try:
        return chile_date(on)
    except ValueError as exc:
        raise ValidationError(f"on must be a datetime.date: {exc}") from None


@dataclass(frozen=True, eq=False, repr=False)
class Caf:
    """A loaded CAF. ``private_key`` is None when only the public ``<CAF>`` part was given."""

    rut_emisor: Rut
    razon_social: str
    dte_type: int
    folio_from: int
    folio_to: int
    authorized_on: dt.date
    idk: int
    public_key: rsa.RSAPublicKey
    frma: bytes
    element: etree._Element = field(compare=False)
    private_key: rsa.RSAPrivateKey | None = field(default=None, compare=False)

    @classmethod
    def from_xml(cls, data: bytes | str) -> Caf:
        """Load a CAF file (``<AUTORIZACION>``) or a bare ``<CAF>`` element, e.g. from a timbre.

        The SII ships CAF files as ISO-8859-1 under a bare ``<?xml version="1.0"?>``; such bytes
        that are not UTF-8 (an Ñ or an accent in RS) are read as ISO-8859-1; bytes declared
        ISO-8859-1 that are UTF-8 (an ERP's copy) as UTF-8 when the SII's FRMA says so; and
        blank lines before the declaration are left out, as in text. A ``bytearray`` or
        ``memoryview`` is read as its bytes.
        Raises ``XMLError`` naming the missing or malformed part.
        """
        if isinstance(data, os.PathLike) or (
            isinstance(data, str) and data.strip() and "<" not in data
        ):
            raise XMLError(
                "Caf.from_xml takes the CAF file's contents, not its path (text with no '<' "
                "holds no XML): pass Path(path).read_bytes(), the file as the SII handed it out"
            )
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)  # a buffer (a file read into one, an mmap's) is read as its bytes
        if isinstance(data, bytes) and data[:1].isspace():
            # Blank lines an ERP or a PHP page wrote before <?xml: read as the same text is
            # (nothing signs what is outside <CAF>), not refused as XML with a late declaration.
            data = data.lstrip(b" \t\r\n")
        try:
            caf = cls.from_element(parse_xml(_undeclared_latin1(data)))
            if isinstance(data, bytes):
                caf = _as_utf8_when_signed_so(caf, data)
            return caf
        except Exception as exc:
            # The frames a refusal passed through held the file and its RSASK: error trackers
            # that record locals would show the private key. This frame lets go of it too.
            data = b""
            traceback.clear_frames(exc.__traceback__)
            raise

    @classmethod
    def from_element(cls, root: etree._Element) -> Caf:
        """Load a CAF from a parsed ``<AUTORIZACION>`` or ``<CAF>`` element (any namespace)."""
        if not isinstance(root, etree._Element):
            raise TypeError(f"expected the CAF's lxml element, got {type(root).__name__}")
        name = local_name(root)
        if name == "AUTORIZACION":
            caf = root.find(ns_prefix(root) + "CAF")
            if caf is None:
                raise XMLError("CAF file has no <CAF> element inside <AUTORIZACION>")
        elif name == "CAF":
            caf = root
        else:
            advice = root_advice(name, readable=_CAF_ROOTS)
            raise XMLError(f"expected a CAF file (<AUTORIZACION> or <CAF>), got <{name}>{advice}")
        da = caf.find(ns_prefix(caf) + "DA")
        if da is None:
            raise XMLError("CAF has no <DA> (datos de autorización)")
        try:
            private_key = _private_key(root) if name == "AUTORIZACION" else None
        except XMLError as exc:
            traceback.clear_frames(exc.__traceback__)  # its frame held the RSASK text
            raise
        folio_from = _int(da, "RNG", "D")
        folio_to = _int(da, "RNG", "H")
        if folio_from < 1 or folio_to < folio_from:
            raise XMLError(f"CAF folio range {folio_from}..{folio_to} is not a valid range")
        try:
            rut = Rut(_text(da, "RE"), validate_dv=False)
        except ValidationError as exc:
            raise XMLError(f"CAF <RE> is not a RUT: {exc}") from None
        try:
            authorized_on = dt.date.fromisoformat(_text(da, "FA"))
        except ValueError:
            raise XMLError(f"CAF <FA> is not a date: {shown(_text(da, 'FA'))}") from None
        if not FIRST_FA <= authorized_on <= LAST_FA:
            raise XMLError(
                f"CAF <FA> {authorized_on} is outside {FIRST_FA} to {LAST_FA}, the dates the "
                "SII's schema gives it (FechaType): the file was changed after the SII made it; "
                "download the CAF again from the SII"
            )
        return cls(
            rut_emisor=rut,
            razon_social=_text(da, "RS"),
            dte_type=_int(da, "TD"),
            folio_from=folio_from,
            folio_to=folio_to,
            authorized_on=authorized_on,
            idk=_int(da, "IDK"),
            public_key=_public_key(da),
            frma=_b64(caf, "FRMA"),
            element=caf,
            private_key=private_key,
        )

    def __repr__(self) -> str:
        return (
            f"Caf(rut_emisor={str(self.rut_emisor)!r}, dte_type={self.dte_type}, "
            f"folios={self.folio_from}..{self.folio_to}, idk={self.idk}, "
            f"authorized_on={self.authorized_on.isoformat()!r})"
        )

    def __reduce__(self) -> Any:
        """A public CAF (from a timbre) pickles as its ``<CAF>``; one with its private key is
        refused, as a ``Certificate`` is: the key would travel and be stored wherever the
        pickle goes."""
        if self.private_key is not None:
            raise TypeError(
                "a Caf with its private key (RSASK) cannot be pickled: pass the CAF file's "
                "bytes and load them with Caf.from_xml() where they are needed"
            )
        return (Caf.from_xml, (self.to_xml(),))

    def __copy__(self) -> Caf:
        return self  # frozen: a copy would be the same CAF

    def __deepcopy__(self, memo: dict[int, Any]) -> Caf:
        return self

    @property
    def folio_count(self) -> int:
        """How many folios the range authorizes."""
        return self.folio_to - self.folio_from + 1

    @cached_property
    def expires_on(self) -> dt.date | None:
        """Last day the folios may be used (six months after FA for facturas and notes; for a
        CAF authorized before July 2018, what the SII gave it then)."""
        if self.dte_type not in EXPIRING_TYPES:
            return None
        return _last_valid_day(self.authorized_on)

    def is_expired(self, on: dt.date | None = None) -> bool:
        """Whether the folios may no longer be used on ``on`` (by default today in Chile, the day
        the SII goes by, whatever the machine's time zone; a datetime: its day in Chile)."""
        expiry = self.expires_on
        return expiry is not None and _day_in_chile(on) > expiry

    def is_not_yet_authorized(self, on: dt.date | None = None) -> bool:
        """Whether ``on`` (by default today in Chile) comes before the SII authorized the folios
        (FA): a timbre stamped then is one no CAF allowed, a clock or timestamp gone wrong."""
        return _day_in_chile(on) < self.authorized_on

    def contains(self, folio: int) -> bool:
        """Whether ``folio`` is inside the authorized range (a ``TypeError`` for a folio that is
        no int)."""
        _require_int("folio", folio)
        return self.folio_from <= folio <= self.folio_to

    @property
    def is_official(self) -> bool:
        """Whether the IDK is one of the SII's (100 certification, 300 production)."""
        signer = caf_signer_key(self.idk)
        return signer is not None and signer.official

    def keys_match(self) -> bool:
        """Whether RSASK is the private half of RSAPK (False when there is no RSASK)."""
        return self._keys_match

    @cached_property
    def _keys_match(self) -> bool:
        # Both keys are immutable, so the comparison is made once per loaded CAF.
        if self.private_key is None:
            return False
        ours = self.private_key.public_key().public_numbers()
        theirs = self.public_key.public_numbers()
        return ours.n == theirs.n and ours.e == theirs.e

    def frma_problem(self, *, allow_test_keys: bool = False) -> str | None:
        """Why FRMA does not prove the SII authorized this CAF, or None when it does.

        A key registered for tests counts only with ``allow_test_keys``.
        """
        allow_test_keys = yes_or_no(
            allow_test_keys, "allow_test_keys", "accepts a CAF signed with a test key"
        )
        signer = caf_signer_key(self.idk)
        if signer is None:
            return f"no known key signs CAFs with IDK {self.idk}"
        if not signer.official and not allow_test_keys:
            return f"IDK {self.idk} is a {signer.label}, not the SII's; not accepted here"
        da = self.element.find(ns_prefix(self.element) + "DA")
        if da is None:  # pragma: no cover - checked at load
            return "CAF has no DA"
        for quote_entities in (True, False):
            try:
                signed = timbre_bytes(da, quote_entities=quote_entities)
                signer.public_key.verify(self.frma, signed, padding.PKCS1v15(), hashes.SHA1())
            except (InvalidSignature, UnicodeEncodeError, ValueError):
                continue
            return None
        return f"FRMA does not verify with the {signer.label} (IDK {self.idk})"

    @cached_property
    def _altered_since_signed(self) -> bool:
        """Whether a known key (the SII's, or a registered test key) signs this IDK and the
        FRMA does not verify with it; checked once per loaded CAF. An unknown IDK says nothing."""
        signer = caf_signer_key(self.idk)
        return signer is not None and self.frma_problem(allow_test_keys=True) is not None

    def check_for_stamping(self, *, dte_type: int, folio: int, rut_emisor: str | Rut) -> None:
        """Raise ``DocumentError`` unless this CAF may stamp that folio of that type and issuer
        (``TypeError`` for a type or folio that is no int)."""
        _require_int("dte_type", dte_type)
        _require_int("folio", folio)
        details: list[ErrorDetail] = []
        if self.private_key is None:
            details.append(ErrorDetail("caf", "has no private key (RSASK); load the CAF file"))
        elif not self.keys_match():
            details.append(ErrorDetail("caf", "RSASK does not match RSAPK; the file is damaged"))
        if dte_type != self.dte_type:
            details.append(
                ErrorDetail("TipoDTE", f"is {dte_type} but the CAF authorizes {self.dte_type}")
            )
        if not self.contains(folio):
            details.append(
                ErrorDetail(
                    "Folio",
                    f"{folio} is outside the CAF range {self.folio_from}..{self.folio_to}",
                )
            )
        if lenient_rut(str(rut_emisor)) != self.rut_emisor:
            details.append(
                ErrorDetail("RUTEmisor", f"is {rut_emisor} but the CAF is for {self.rut_emisor}")
            )
        unwritable = self._text_latin1_cannot_write
        if unwritable is not None:
            details.append(ErrorDetail("caf", unwritable))
        if self._altered_since_signed:
            details.append(
                ErrorDetail(
                    "caf",
                    f"its FRMA does not verify with the key of IDK {self.idk}: the CAF was "
                    "changed after it was signed, and the SII rejects every document stamped "
                    "with it; download the CAF again from the SII",
                )
            )
        if details:
            summary = "; ".join(str(d) for d in details)
            raise DocumentError(f"the CAF cannot stamp this document: {summary}", details)

    @cached_property
    def _text_latin1_cannot_write(self) -> str | None:
        """What in the ``<CAF>`` ISO-8859-1 cannot write, or None: the timbre copies the CAF and
        is signed in ISO-8859-1, so such a CAF (a file edited and saved as UTF-8) stamps nothing."""
        try:
            self.sii_quoted_xml.encode("iso-8859-1")
        except UnicodeEncodeError as exc:
            character = exc.object[exc.start]
        else:
            return None
        holder = next(
            (
                local_name(node)
                for node in self.element.iter()
                if isinstance(node.tag, str)
                and any(character in (value or "") for value in (node.text, *node.values()))
            ),
            "CAF",
        )
        return (
            f"its <{holder}> holds {character!r} (U+{ord(character):04X}), which ISO-8859-1, the "
            "encoding of the timbre that copies the CAF, cannot write: the file was changed "
            "after the SII made it; download the CAF again from the SII"
        )

    @cached_property
    def canonical_xml(self) -> str:
        """The ``<CAF>`` element in C14N form, flattened and namespace-free, as timbres carry it.

        Comments and processing instructions in the file are left out: they are no part of
        what the SII signed, and a DTE's digest is taken over its C14N without comments.
        """
        flat = strip_namespaces(self.element)
        etree.strip_tags(flat, etree.Comment, etree.ProcessingInstruction)
        for node in flat.iter():
            if len(node) and node.text is not None and not node.text.strip():
                node.text = None
            if node is not flat and node.tail is not None and not node.tail.strip():
                node.tail = None
        return etree.tostring(flat, method="c14n", with_comments=False).decode("utf-8")

    @cached_property
    def sii_quoted_xml(self) -> str:
        """``canonical_xml`` with quotes in its text as ``&quot;``/``&apos;``: as the timbre's DD
        is signed and written into a DTE file."""
        return sii_quotes(self.canonical_xml)

    def to_xml(self) -> bytes:
        """The public ``<CAF>`` element (DA and FRMA), as it goes into every timbre, as a file."""
        return to_latin1(strip_namespaces(self.element), declaration=True)


_CAF_ROOTS: Final = frozenset({"AUTORIZACION", "CAF"})


def _require_int(name: str, value: object) -> None:
    """``TypeError`` naming ``name`` unless ``value`` is an int (not a bool): a number read as
    text would otherwise compare unequal to the CAF's, or not at all."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {shown(value)}")


def lenient_rut(text: str) -> Rut:
    """``Rut(text, validate_dv=False)``, remembered: the same few RUTs come back on every document
    (a ``Rut`` is immutable, and a text that is no RUT raises every time). Long texts, which no
    real RUT needs, are parsed without being kept."""
    if len(text) > _REMEMBERED_RUT_LENGTH:
        return Rut(text, validate_dv=False)
    return _remembered_rut(text)


def rut_named(text: str | None) -> Rut | None:
    """The RUT ``text`` names (dots, case and a missing check digit aside; the check digit not
    judged), None for no text or text that is no RUT."""
    if not text:
        return None
    try:
        return lenient_rut(text)
    except ValidationError:
        return None


def names_rut(text: str | None, rut: Rut) -> bool:
    """Whether ``text`` names ``rut`` (dots, case and a missing check digit aside); False for no
    text or text that is no RUT."""
    if text is None:
        return False
    try:
        return lenient_rut(text) == rut
    except ValidationError:
        return False


@lru_cache(maxsize=1024)
def _remembered_rut(text: str) -> Rut:
    return Rut(text, validate_dv=False)


_REMEMBERED_RUT_LENGTH: Final = 24


_ENCODING_DECLARED: Final = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.ASCII)
_UNICODE_BOMS: Final = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF8,
)


def _undeclared_latin1(data: bytes | str) -> bytes | str:
    """``data`` as text when it is bytes with no declared encoding that are not UTF-8: the SII
    writes CAF files in ISO-8859-1 without saying so, and XML would otherwise assume UTF-8."""
    if not isinstance(data, (bytes, bytearray)) or _ENCODING_DECLARED.match(data[:200]):
        return data
    if bytes(data[:4]).startswith(_UNICODE_BOMS):  # saved as "Unicode": the BOM says how to read
        return data
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return bytes(data).decode("iso-8859-1")
    return data


_DECLARED_LATIN1: Final = re.compile(
    rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"'](?:ISO[-_]?8859[-_]1|latin-?1)[\"']",
    re.ASCII | re.IGNORECASE,
)


def _as_utf8_when_signed_so(caf: Caf, data: bytes) -> Caf:
    """``caf``, or the same file read as UTF-8 when that is what the SII signed: an ERP that
    keeps CAF files as UTF-8 text writes them back under the SII's ``encoding="ISO-8859-1"``,
    and read as declared an Ñ in RS becomes two characters. Only bytes declared ISO-8859-1
    that are UTF-8 too, and only when a known key's FRMA verifies over the UTF-8 reading and
    not over the declared one."""
    if data.isascii() or not _DECLARED_LATIN1.match(data[:200]):
        return caf
    if not caf._altered_since_signed:  # the declared reading is the signed one, or no key says
        return caf
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return caf
    as_utf8 = Caf.from_element(parse_xml(text))
    return caf if as_utf8._altered_since_signed else as_utf8


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _text(parent: etree._Element, *names: str) -> str:
    prefix = ns_prefix(parent)
    node = descend(parent, *(prefix + name for name in names))
    text = None if node is None else leaf_text(node)  # read as C14N reads it, comments aside
    if text is None or not text.strip():
        raise XMLError(f"CAF has no <{'/'.join(names)}>")
    return text.strip()


def _int(parent: etree._Element, *names: str) -> int:
    """A CAF number: ASCII digits only (``str.isdigit`` takes ``²``) and at most 18 of them."""
    text = _text(parent, *names)
    if _NUMBER.fullmatch(text) is None:
        shown = repr(text[:20]) + ("..." if len(text) > 20 else "")
        raise XMLError(
            f"CAF <{'/'.join(names)}> is not a number of at most 18 digits (0-9): {shown}"
        )
    return int(text)


_NUMBER: Final = re.compile(r"[0-9]{1,18}")


def _b64(parent: etree._Element, *names: str) -> bytes:
    text = _text(parent, *names)
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise XMLError(f"CAF <{'/'.join(names)}> is not base64") from None


def _public_key(da: etree._Element) -> rsa.RSAPublicKey:
    if da.find(ns_prefix(da) + "RSAPK") is None:
        raise XMLError("CAF has no <RSAPK>; only RSA CAFs are supported")
    modulus = int.from_bytes(_b64(da, "RSAPK", "M"), "big")
    exponent = int.from_bytes(_b64(da, "RSAPK", "E"), "big")
    try:
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError as exc:
        raise XMLError(f"CAF <RSAPK> is not a usable RSA key: {exc}") from None


def _private_key(root: etree._Element) -> rsa.RSAPrivateKey | None:
    node = root.find(ns_prefix(root) + "RSASK")
    pem = (leaf_text(node) or "").strip() if node is not None else ""
    if not pem:
        return None
    # One line each, blank ones left out: a file through unix2dos twice parts them with blank
    # lines (CR CR LF), which PEM readers take as the end of headers. RSASK is outside FRMA, and
    # the key still has to match RSAPK.
    lines = "\n".join(line.strip() for line in pem.splitlines() if line.strip())
    try:
        key = serialization.load_pem_private_key(lines.encode("ascii"), None)
    except (ValueError, TypeError, UnicodeEncodeError):
        if "ENCRYPTED" in pem:  # "BEGIN ENCRYPTED PRIVATE KEY", or Proc-Type: 4,ENCRYPTED
            raise XMLError(
                "CAF <RSASK> holds a private key encrypted with a password, which the SII never "
                "does: use the CAF file as the SII handed it out (download it again from sii.cl)"
            ) from None
        raise XMLError("CAF <RSASK> is not a readable PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise XMLError("CAF <RSASK> is not an RSA key")
    return key
