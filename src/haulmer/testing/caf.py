"""Test CAFs: folio authorizations shaped like the SII's, signed by a test key instead of the SII's.

Each test CAF has its own RSA key pair (RSASK/RSAPK, e=3 like the SII's) and an FRMA made with a
"test SII" key under a non-SII IDK (``TEST_IDK`` by default). So timbres stamped with it verify,
while ``verify(xml, check_caf=True)`` accepts the CAF only when told ``allow_test_cafs=True``: a
test CAF can never pass for a real one. The key of ``TEST_IDK`` ships with the package (its
public half in ``haulmer.sii``), so a CAF made in one process checks in another (``haulmer
verify --check-caf --allow-test-cafs``); another IDK gets a key generated for this process.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import OrderedDict
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from haulmer._chile import chile_date, chile_today
from haulmer._forks import ForkSafeLock
from haulmer._lazy import LazyModule
from haulmer.dte.catalogue import DTEType
from haulmer.rut import Rut

if TYPE_CHECKING:
    from haulmer import sii as _sii
else:  # ``_sii.Name`` in an annotation loads haulmer.sii when resolved
    _sii = LazyModule("haulmer.sii")

__all__ = ["TEST_IDK", "make_test_caf", "make_test_caf_xml"]

TEST_IDK: Final = 9999
"""The IDK of the generated test signer key (the SII uses 100 and 300)."""

_CAF_TYPES: Final = tuple(int(t) for t in DTEType)
"""The DTE types the SII hands out folios (a CAF) for: every type the SDK can issue."""

_RS_LIMIT: Final = 40

_LAST_FOLIO: Final = 9_999_999_999
"""The largest folio the SII's FolioType (10 digits) takes, in RNG/D and RNG/H as in IdDoc/Folio."""
_LAST_IDK: Final = 10**18 - 1
"""The largest IDK a CAF reader loads (at most 18 digits, like every number of a CAF)."""


def _test_signer_key(idk: int) -> Any:
    """The private key that signs test CAFs with this IDK; registered as a non-SII key.

    Threads asking at once for a new IDK all get the first key made, the one registered: a key
    made meanwhile by another thread is dropped, or its CAFs would not verify.

    ``TEST_IDK``'s is the shipped one, the same in every process; any other is generated.
    """
    known = _SIGNER_KEYS.get(idk)
    if known is not None:
        return known
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from haulmer.sii.keys import register_caf_signer_key

    key: rsa.RSAPrivateKey
    if idk == TEST_IDK:
        pem = (
            resources.files("haulmer.testing") / "data" / f"test-caf-signer-{idk}.pem"
        ).read_bytes()
        shipped = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(shipped, rsa.RSAPrivateKey):  # pragma: no cover - shipped data
            raise RuntimeError(f"the shipped test CAF key of IDK {idk} is not RSA")
        key = shipped
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with _SIGNER_KEYS_LOCK:
        first = _SIGNER_KEYS.setdefault(idk, key)
        if first is key:
            register_caf_signer_key(idk, key.public_key(), label="haulmer test CAF key")
    return first


_SIGNER_KEYS: dict[int, Any] = {}
"""The test signer key of each IDK, the first made (see ``_test_signer_key``)."""
_SIGNER_KEYS_LOCK: Final = ForkSafeLock()


_CAF_KEYS: OrderedDict[tuple[object, ...], Any] = OrderedDict()
"""The key pair of each CAF asked for, the first made, the most recently asked for last."""
_CAF_KEYS_LOCK: Final = ForkSafeLock()
_CAF_KEYS_KEPT: Final = 512
"""How many CAFs' key pairs are kept; the one asked for least recently is dropped first."""


def _caf_key_for(*identity: object) -> Any:
    """One key pair per distinct CAF; asking again for the same CAF gives the same key.

    Threads asking at once for a new CAF all get the first key made: a key made meanwhile by
    another thread is dropped, or the same CAF would be two files with two keys."""
    with _CAF_KEYS_LOCK:
        known = _CAF_KEYS.get(identity)
        if known is not None:
            _CAF_KEYS.move_to_end(identity)
            return known
    key = _new_caf_key()  # outside the lock: other CAFs' keys are made meanwhile
    with _CAF_KEYS_LOCK:
        first = _CAF_KEYS.setdefault(identity, key)
        _CAF_KEYS.move_to_end(identity)
        while len(_CAF_KEYS) > _CAF_KEYS_KEPT:
            _CAF_KEYS.popitem(last=False)
    return first


def _new_caf_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    # The SII's CAF keys are 512-bit with e=3; cryptography generates 1024 bits at least.
    return rsa.generate_private_key(public_exponent=3, key_size=1024)


def _b64_int(value: int) -> str:
    return base64.b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).decode("ascii")


def _razon_social(razon_social: str) -> str:
    """RS as the SII writes it: blanks collapsed, cut to 40 characters, in ISO-8859-1 (the file's
    and the timbre's encoding); ``ValueError`` for a name that is blank or that it cannot write."""
    if not isinstance(razon_social, str):
        raise TypeError(f"razon_social must be a str, got {type(razon_social).__name__}")
    text = " ".join(razon_social.split())[:_RS_LIMIT].rstrip()
    if not text:
        raise ValueError("razon_social is blank; give the issuer's razón social")
    unwritable = next((c for c in text if ord(c) > 0xFF), None)
    if unwritable is not None:
        raise ValueError(
            f"razon_social holds {unwritable!r} (U+{ord(unwritable):04X}), which ISO-8859-1, the "
            "encoding of CAF files and timbres, cannot write; the SII's razón social has none: "
            "use plain quotes and letters (Ñ and accents are fine)"
        )
    return text


def _authorization_day(issued_on: object) -> dt.date:
    """FA: ``issued_on`` as its day in Chile (a date, a datetime, ``'YYYY-MM-DD'``), by default
    today there."""
    if issued_on is None:
        return chile_today()
    try:
        return chile_date(issued_on)
    except ValueError as exc:
        raise ValueError(f"issued_on must be a datetime.date: {exc}") from None


def make_test_caf_xml(
    *,
    rut: str | Rut,
    razon_social: str,
    dte_type: int,
    folio_from: int = 1,
    folio_to: int = 1000,
    idk: int = TEST_IDK,
    issued_on: dt.date | None = None,
    fresh_key: bool = False,
) -> bytes:
    """A complete CAF file (``<AUTORIZACION>``, ISO-8859-1) for a test issuer.

    ``issued_on`` is the authorization date FA (by default today in Chile, the day a document
    issued now is dated, whatever the machine's time zone; a datetime: its day in Chile). Every
    distinct CAF (issuer, type, range, IDK, date) has its own key pair; asking again for the same
    CAF returns the same file, to keep test suites fast, unless ``fresh_key=True``.
    Folios past the SII's 10 digits and an IDK no reader loads are a ``ValueError``. The RUT's
    check digit is not checked, so that a test can stamp a CAF whose RE the SII would refuse.
    """
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from lxml import etree

    from haulmer.sii import timbre_bytes, to_latin1
    from haulmer.sii.caf import FIRST_FA, LAST_FA

    given = (
        ("dte_type", dte_type),
        ("folio_from", folio_from),
        ("folio_to", folio_to),
        ("idk", idk),
    )
    for name, number in given:
        if not isinstance(number, int) or isinstance(number, bool):
            raise TypeError(f"{name} must be an int, got {type(number).__name__}")
    if dte_type not in _CAF_TYPES:
        raise ValueError(
            f"dte_type must be a DTE type the SII authorizes folios for, one of "
            f"{', '.join(map(str, _CAF_TYPES))}; got {dte_type}"
        )
    if idk in (100, 300):
        raise ValueError("IDK 100 and 300 are the SII's; a test CAF needs another IDK")
    if not 0 <= idk <= _LAST_IDK:
        raise ValueError(
            f"idk must be a number from 0 to {_LAST_IDK} (a CAF's IDK is digits only), got {idk}"
        )
    if folio_from < 1 or folio_to < folio_from:
        raise ValueError(f"folio range {folio_from}..{folio_to} is not valid")
    if folio_to > _LAST_FOLIO:
        raise ValueError(
            f"folio range {folio_from}..{folio_to} goes past {_LAST_FOLIO}: folios have at most "
            "10 digits in the SII's schema, and every document stamped with the CAF carries it"
        )
    rs_text = _razon_social(razon_social)
    authorized_on = _authorization_day(issued_on)
    if not FIRST_FA <= authorized_on <= LAST_FA:
        raise ValueError(
            f"issued_on {authorized_on} is outside {FIRST_FA} to {LAST_FA}, the dates a CAF's FA "
            "may have in the SII's schema: no CAF reader loads such a CAF"
        )
    signer = _test_signer_key(idk)
    rut_text = str(Rut.parse(rut, validate_dv=False))
    caf_key = (
        _new_caf_key()
        if fresh_key
        else _caf_key_for(rut_text, int(dte_type), folio_from, folio_to, idk, authorized_on)
    )
    numbers = caf_key.public_key().public_numbers()

    root = etree.Element("AUTORIZACION")
    caf = etree.SubElement(root, "CAF", version="1.0")
    da = etree.SubElement(caf, "DA")
    etree.SubElement(da, "RE").text = rut_text
    etree.SubElement(da, "RS").text = rs_text
    etree.SubElement(da, "TD").text = str(int(dte_type))
    rng = etree.SubElement(da, "RNG")
    etree.SubElement(rng, "D").text = str(folio_from)
    etree.SubElement(rng, "H").text = str(folio_to)
    etree.SubElement(da, "FA").text = authorized_on.isoformat()
    rsapk = etree.SubElement(da, "RSAPK")
    etree.SubElement(rsapk, "M").text = _b64_int(numbers.n)
    etree.SubElement(rsapk, "E").text = _b64_int(numbers.e)
    etree.SubElement(da, "IDK").text = str(idk)
    frma = signer.sign(timbre_bytes(da), padding.PKCS1v15(), hashes.SHA1())
    etree.SubElement(caf, "FRMA", algoritmo="SHA1withRSA").text = base64.b64encode(frma).decode()
    private_pem = caf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public_pem = caf_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    etree.SubElement(root, "RSASK").text = private_pem.decode("ascii")
    etree.SubElement(root, "RSAPUBK").text = public_pem.decode("ascii")
    return to_latin1(root, declaration=True)


def make_test_caf(
    *,
    rut: str | Rut,
    razon_social: str,
    dte_type: int,
    folio_from: int = 1,
    folio_to: int = 1000,
    idk: int = TEST_IDK,
    issued_on: dt.date | None = None,
    fresh_key: bool = False,
) -> _sii.Caf:
    """The same as :func:`make_test_caf_xml`, loaded as a ``haulmer.sii.Caf``."""
    from haulmer.sii.caf import Caf

    return Caf.from_xml(
        make_test_caf_xml(
            rut=rut,
            razon_social=razon_social,
            dte_type=dte_type,
            folio_from=folio_from,
            folio_to=folio_to,
            idk=idk,
            issued_on=issued_on,
            fresh_key=fresh_key,
        )
    )
