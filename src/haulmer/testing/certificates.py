"""Self-signed test signatures (.pfx) shaped like the ones Chilean CAs issue, for tests only.

The holder's RUT goes where real certificates carry it: the SubjectAltName otherName OID
1.3.6.1.4.1.8321.1 (an IA5String), or the subject serialNumber, or nowhere. These certificates are
issued by nobody: the SII and every real verifier would refuse them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from haulmer._chile import from_chile
from haulmer._forks import ForkSafeLock
from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.rut import Rut

if TYPE_CHECKING:
    from haulmer import pfx as _pfx
else:  # ``_pfx.Name`` in an annotation loads haulmer.pfx when resolved
    _pfx = LazyModule("haulmer.pfx")

__all__ = [
    "RUT_OTHER_NAME_OID",
    "TEST_PASSWORD",
    "TEST_RUT",
    "KeyKind",
    "RutPlacement",
    "make_test_certificate",
    "make_test_pfx",
]

RUT_OTHER_NAME_OID = "1.3.6.1.4.1.8321.1"
"""SubjectAltName otherName type id under which Chilean CAs write the holder's RUT."""

TEST_RUT = "11111111-1"
"""The holder RUT used when a test does not choose one."""

TEST_PASSWORD = "test-password"
"""The password of a test .pfx when a test does not choose one."""

KeyKind = Literal["rsa2048", "rsa1024", "ec"]
RutPlacement = Literal["san", "serial", "both", "none"]

_DEFAULT_VALIDITY = dt.timedelta(days=365)
_DEFAULT_BACKDATE = dt.timedelta(days=1)


def make_test_pfx(
    *,
    rut: str | Rut | None = TEST_RUT,
    rut_in: RutPlacement = "san",
    password: str | bytes | None = TEST_PASSWORD,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: KeyKind = "rsa2048",
    common_name: str = "HAULMER TEST HOLDER",
    fresh_key: bool = False,
) -> bytes:
    """A PKCS#12 (.pfx) holding a self-signed certificate and its private key.

    ``rut`` is written in canonical form without checking its check digit (real fixtures carry
    wrong ones); ``rut_in`` says where: "san" (otherName), "serial" (subject serialNumber), "both"
    or "none"; ``rut=None`` means nowhere. Validity defaults to yesterday .. a year from now
    (naive datetimes are read as Chilean local time, as everywhere in the SDK).
    ``password=None`` writes an unencrypted file. Keys are generated once per kind and reused
    unless ``fresh_key=True``, to keep test suites fast.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    private_key = _new_key(key) if fresh_key else _cached_key(key)
    certificate = _build_certificate(
        private_key,
        rut=None if rut is None else Rut.parse(rut, validate_dv=False),
        rut_in=rut_in,
        not_before=not_before,
        not_after=not_after,
        common_name=common_name,
    )
    encryption: serialization.KeySerializationEncryption
    if password is None or password in ("", b""):
        encryption = serialization.NoEncryption()
    else:
        secret = password.encode("utf-8") if isinstance(password, str) else password
        encryption = serialization.BestAvailableEncryption(secret)
    return pkcs12.serialize_key_and_certificates(
        common_name.encode("utf-8"), private_key, certificate, None, encryption
    )


def make_test_certificate(
    *,
    rut: str | Rut | None = TEST_RUT,
    rut_in: RutPlacement = "san",
    password: str | bytes | None = TEST_PASSWORD,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: KeyKind = "rsa2048",
    common_name: str = "HAULMER TEST HOLDER",
    fresh_key: bool = False,
) -> _pfx.Certificate:
    """What :func:`haulmer.pfx.load_pfx` gives for :func:`make_test_pfx` with these arguments.

    Built without the PKCS#12 round trip when the key is RSA (loading costs tens of ms). An EC
    key cannot be loaded (the SII signs with RSA only): ``key="ec"`` raises
    ``CertificateError(reason="key_not_rsa")`` here; use :func:`make_test_pfx` for that case.
    """
    from haulmer.pfx import Certificate, load_pfx

    if key == "ec":
        data = make_test_pfx(
            rut=rut,
            rut_in=rut_in,
            password=password,
            not_before=not_before,
            not_after=not_after,
            key=key,
            common_name=common_name,
            fresh_key=fresh_key,
        )
        return load_pfx(data, password, at=None)
    private_key = _new_key(key) if fresh_key else _cached_key(key)
    certificate = _build_certificate(
        private_key,
        rut=None if rut is None else Rut.parse(rut, validate_dv=False),
        rut_in=rut_in,
        not_before=not_before,
        not_after=not_after,
        common_name=common_name,
    )
    return Certificate(certificate, private_key)


_KEYS: dict[str, Any] = {}
"""The key of each kind, the first made (see ``_cached_key``)."""
_KEYS_LOCK = ForkSafeLock()


def _cached_key(kind: KeyKind) -> Any:
    """The key of ``kind``, made once per process: threads asking at once for a new kind all
    get the first key made, as the key is said to be reused."""
    known = _KEYS.get(kind)
    if known is not None:
        return known
    made = _new_key(kind)
    with _KEYS_LOCK:
        return _KEYS.setdefault(kind, made)


def _new_key(kind: KeyKind) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if kind == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key kind {shown(kind)}; use 'rsa2048', 'rsa1024' or 'ec'")


def _as_utc(when: dt.datetime, name: str) -> dt.datetime:
    """``when`` in UTC (naive: read as Chilean local time, as ``issue()``'s timestamp and the
    fake clock read it), or a TypeError naming the argument: a date has no time of day to start
    or end a certificate's validity at."""
    if not isinstance(when, dt.datetime):
        raise TypeError(
            f"{name} must be a datetime.datetime (naive datetimes are read as Chilean local "
            "time), such as datetime.datetime(2027, 1, 1) or datetime.datetime(2027, 1, 1, "
            f"tzinfo=datetime.timezone.utc); got {type(when).__name__} {when!r:.40}"
        )
    return from_chile(when)


def _ia5_der(text: str) -> bytes:
    """DER encoding of an ASN.1 IA5String (tag 0x16)."""
    body = text.encode("ascii")
    if len(body) < 0x80:
        return b"\x16" + bytes([len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return b"\x16" + bytes([0x80 | len(size)]) + size + body


def _build_certificate(
    private_key: Any,
    *,
    rut: Rut | None,
    rut_in: RutPlacement,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    common_name: str,
) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    if rut_in not in ("san", "serial", "both", "none"):
        raise ValueError(f"unknown rut_in {shown(rut_in)}; use 'san', 'serial', 'both' or 'none'")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start = _as_utc(not_before, "not_before") if not_before is not None else now - _DEFAULT_BACKDATE
    end = _as_utc(not_after, "not_after") if not_after is not None else start + _DEFAULT_VALIDITY
    if end <= start:
        raise ValueError("not_after must be later than not_before")

    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "haulmer test certificates"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if rut is not None and rut_in in ("serial", "both"):
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, str(rut)))
    name = x509.Name(attributes)

    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if rut is not None and rut_in in ("san", "both"):
        other_name = x509.OtherName(x509.ObjectIdentifier(RUT_OTHER_NAME_OID), _ia5_der(str(rut)))
        builder = builder.add_extension(x509.SubjectAlternativeName([other_name]), critical=False)
    return builder.sign(private_key, hashes.SHA256())
