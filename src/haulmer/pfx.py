"""Loading and checking a .pfx/.p12 electronic signature (firma electrónica) before using it.

``load_pfx(data_or_path, password)`` returns a :class:`Certificate` that can sign for the SII
(RSA PKCS#1 v1.5 with SHA-1). Every failure is a ``CertificateError`` whose ``reason`` is one of
:class:`CertificateErrorReason`. Neither the password nor key material ever appears in a message
or a repr. ``cryptography`` is imported lazily so that ``import haulmer`` stays cheap.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from haulmer._enums import StrEnum
from haulmer._files import read_limited
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer._lazy import LazyModule
from haulmer.errors import CertificateError, InvalidRutError, ValidationError
from haulmer.rut import Rut

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa
else:  # annotations resolve at run time (typing.get_type_hints), loading cryptography only then
    x509 = LazyModule("cryptography.x509")
    rsa = LazyModule("cryptography.hazmat.primitives.asymmetric.rsa")

__all__ = [
    "RUT_OTHER_NAME_OID",
    "Certificate",
    "CertificateErrorReason",
    "ValidityMoment",
    "holder_rut_of",
    "load_pfx",
    "quoted_path",
    "stray_blanks_hint",
    "windows_1252_text",
]

RUT_OTHER_NAME_OID = "1.3.6.1.4.1.8321.1"
"""SubjectAltName otherName type id under which Chilean CAs write the holder's RUT."""

_SERIAL_NUMBER_OID = "2.5.4.5"
_RUT_WRITTEN = re.compile(r"\d{1,3}(?:\.?\d{3})*-[\dkK]")
"""A RUT as written on its own: digits (with or without thousands dots), a hyphen, the check
digit."""
_RUT_IN_TEXT = re.compile(r"(?<![\d.])(\d{1,2}(?:\.?\d{3}){2})-([\dkK])(?![\w])")
_PKCS7_DATA_OID_DER = bytes.fromhex("06092a864886f70d010701")
_SURROGATE = re.compile("[\ud800-\udfff]")


class CertificateErrorReason(StrEnum):
    """Why a signature cannot be used: the stable value of ``CertificateError.reason``."""

    FILE_NOT_FOUND = "file_not_found"
    FILE_UNREADABLE = "file_unreadable"
    NOT_PKCS12 = "not_pkcs12"
    WRONG_PASSWORD = "wrong_password"
    NO_PRIVATE_KEY = "no_private_key"
    NO_CERTIFICATE = "no_certificate"
    KEY_MISMATCH = "key_mismatch"
    KEY_NOT_RSA = "key_not_rsa"
    KEY_TOO_SMALL = "key_too_small"
    """The RSA key has fewer than 1024 bits (512): it can be factored, and no signature the
    SII accepts is made with one."""
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NO_RUT = "no_rut"
    """The certificate names no holder's RUT (``setup.upload_certificate`` needs one)."""
    COMPANY_RUT = "company_rut"
    """The certificate names a company's RUT (50.000.000 or more), not a person's: the SII
    takes the signature of a person, the legal representative (``setup.upload_certificate``)."""
    PASSWORD_MISSING = "password_missing"
    """No password was given where one is required (``setup.upload_certificate``)."""
    UNSUPPORTED_ENCRYPTION = "unsupported_encryption"
    """The .pfx is encrypted with RC2 or RC4 and ``cryptography`` runs without OpenSSL's legacy
    provider, which alone decrypts them."""
    UNREADABLE_CERTIFICATE = "unreadable_certificate"
    """The .pfx opens, but a certificate in it (often an old CA's, in its chain) is not one
    ``cryptography`` can read."""


def _fail(reason: CertificateErrorReason, message: str) -> CertificateError:
    return CertificateError(message, reason=reason)


class Certificate:
    """A holder's X.509 certificate with its RSA private key, loaded from a .pfx/.p12.

    Dates are aware UTC datetimes. ``private_key`` is for the signing layer only; the repr
    shows who holds the certificate and until when, never key material. Built directly (from
    PEM files, say), it refuses a key that is not the certificate's RSA key.
    """

    __slots__ = ("_cert", "_holder_rut", "_key", "_not_after", "_not_before")

    def __init__(self, certificate: x509.Certificate, private_key: rsa.RSAPrivateKey) -> None:
        _check_pair(certificate, private_key)
        self._cert = certificate
        self._key = private_key
        self._holder_rut = holder_rut_of(certificate)
        # Read once: every signature checks the validity window.
        self._not_before = certificate.not_valid_before_utc
        self._not_after = certificate.not_valid_after_utc

    # -- identity -------------------------------------------------------------------------------

    @property
    def subject_name(self) -> str:
        """The subject as an RFC 4514 string, e.g. ``CN=JUAN PEREZ,O=...,C=CL``."""
        return _name_text(self._cert.subject)

    @property
    def issuer_name(self) -> str:
        """The issuer (the CA) as an RFC 4514 string."""
        return _name_text(self._cert.issuer)

    @property
    def common_name(self) -> str | None:
        """The subject's common name (usually the holder's name), if any."""
        from cryptography.x509.oid import NameOID

        values = self._cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(values[0].value) if values else None

    @property
    def serial_number(self) -> int:
        """The certificate's serial number as the CA assigned it."""
        return int(self._cert.serial_number)

    @property
    def holder_rut(self) -> Rut | None:
        """The holder's RUT: SAN otherName 1.3.6.1.4.1.8321.1, else a subject serialNumber
        that writes one with its hyphen ("16477752-9"; digits alone are no RUT).

        Read without checking the check digit (real certificates carry wrong ones); None when
        the certificate names no RUT.
        """
        return self._holder_rut

    # -- validity -------------------------------------------------------------------------------

    @property
    def not_before(self) -> dt.datetime:
        """Start of validity (aware, UTC)."""
        return self._not_before

    @property
    def not_after(self) -> dt.datetime:
        """End of validity (aware, UTC)."""
        return self._not_after

    def is_valid_at(self, when: dt.datetime) -> bool:
        """Whether ``when`` (an aware datetime) falls inside the validity window."""
        moment = _aware(when, "is_valid_at(when)")
        return self._not_before <= moment <= self._not_after

    def check_validity(self, at: dt.datetime | None = None) -> Certificate:
        """Return self if valid at ``at`` (default: now), else raise expired / not_yet_valid."""
        moment = _aware(at, "at=") if at is not None else dt.datetime.now(dt.timezone.utc)
        if moment > self.not_after:
            raise _fail(
                CertificateErrorReason.EXPIRED,
                f"the certificate expired on {self.not_after:%Y-%m-%d %H:%M} UTC; renew your "
                "electronic signature with your certification authority and export a new .pfx",
            )
        if moment < self.not_before:
            raise _fail(
                CertificateErrorReason.NOT_YET_VALID,
                f"the certificate is not valid until {self.not_before:%Y-%m-%d %H:%M} UTC; "
                "wait until then or check the computer's clock",
            )
        return self

    # -- key ------------------------------------------------------------------------------------

    @property
    def key_size(self) -> int:
        """The RSA modulus size in bits (2048 for current Chilean signatures)."""
        return int(self._key.key_size)

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The RSA private key (cryptography object); for the signing layer only."""
        return self._key

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        """The RSA public key of the certificate."""
        return self._key.public_key()

    def sign_sha1(self, data: bytes) -> bytes:
        """Sign ``data`` with RSA PKCS#1 v1.5 and SHA-1, as the SII's XML signatures require."""
        return bytes(self._key.sign(data, *_pkcs1_sha1()))

    # -- encodings ------------------------------------------------------------------------------

    @property
    def x509(self) -> x509.Certificate:
        """The certificate as a cryptography ``x509.Certificate``."""
        return self._cert

    @property
    def certificate_der(self) -> bytes:
        """The certificate in DER (what goes, base64-encoded, into ``X509Certificate``)."""
        from cryptography.hazmat.primitives.serialization import Encoding

        return bytes(self._cert.public_bytes(Encoding.DER))

    @property
    def certificate_pem(self) -> bytes:
        """The certificate in PEM."""
        from cryptography.hazmat.primitives.serialization import Encoding

        return bytes(self._cert.public_bytes(Encoding.PEM))

    @property
    def sha1_fingerprint(self) -> str:
        """SHA-1 of the DER certificate, upper-case hex pairs joined by colons."""
        from cryptography.hazmat.primitives import hashes

        return _hex_pairs(self._cert.fingerprint(hashes.SHA1()))

    @property
    def sha256_fingerprint(self) -> str:
        """SHA-256 of the DER certificate, upper-case hex pairs joined by colons."""
        from cryptography.hazmat.primitives import hashes

        return _hex_pairs(self._cert.fingerprint(hashes.SHA256()))

    def __repr__(self) -> str:
        rut = str(self._holder_rut) if self._holder_rut is not None else None
        return (
            f"Certificate(subject={self.subject_name!r}, holder_rut={rut!r}, "
            f"not_after={self.not_after.isoformat()!r})"
        )

    def __reduce__(self) -> Any:
        """Refused: pickled, the private key would be written out unencrypted."""
        raise TypeError(
            "a Certificate holds a private key and cannot be pickled (its key would be written "
            "out unencrypted): load the .pfx with haulmer.pfx.load_pfx(path, password) in the "
            "process that signs, or send it the certificate's public parts (certificate_pem)"
        )

    def __copy__(self) -> Certificate:
        """The certificate itself: it is never changed, so a copy would be the same."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Certificate:
        return self


def _check_pair(certificate: Any, private_key: Any) -> None:
    """Refuse what cannot sign as this certificate's holder: no cryptography objects (a
    TypeError), a key that is not RSA or not the certificate's (a ``CertificateError``)."""
    from cryptography import x509 as x509_module
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    if not isinstance(certificate, x509_module.Certificate):
        raise TypeError(
            "certificate must be a cryptography x509.Certificate (x509.load_pem_x509_certificate"
            f"(data) reads one from PEM), got {type(certificate).__name__}; or load the .pfx "
            "with haulmer.pfx.load_pfx(path, password)"
        )
    if not isinstance(private_key, RSAPrivateKey):
        kind = _other_key_kind(private_key)
        if kind is not None:
            raise _fail(
                CertificateErrorReason.KEY_NOT_RSA,
                f"the key is {kind}, but the SII only accepts RSA keys; ask your "
                "certification authority for an RSA electronic signature",
            )
        raise TypeError(
            "private_key must be a cryptography RSA private key (serialization."
            "load_pem_private_key(data, password) reads one from PEM), got "
            f"{type(private_key).__name__}"
        )
    if private_key.key_size < MIN_KEY_BITS:
        raise _fail(
            CertificateErrorReason.KEY_TOO_SMALL,
            f"the signature's key is a {private_key.key_size}-bit RSA key, which can be "
            f"factored: signatures for the SII are made with keys of {MIN_KEY_BITS} bits or "
            "more (2048 today); ask your certification authority for a current electronic "
            "signature",
        )
    if _public_der(private_key.public_key()) != _public_der_of(certificate):
        raise _fail(
            CertificateErrorReason.KEY_MISMATCH,
            "the private key does not belong to the certificate (their public keys differ), so "
            "nothing it signs would verify; pass the key the certificate was issued for",
        )


class ValidityMoment(Enum):
    """``load_pfx``'s default for ``at``: check the certificate's validity at the current time."""

    NOW = "now"


def load_pfx(
    data_or_path: bytes | str | os.PathLike[str],
    password: str | bytes | None,
    *,
    at: dt.datetime | ValidityMoment | None = ValidityMoment.NOW,
) -> Certificate:
    """Load a PKCS#12 (.pfx/.p12) from bytes or a file path and check it can sign.

    It also refuses a certificate that is expired or not yet valid now, or at ``at`` (an aware
    datetime), so the mistake surfaces where the file is loaded; ``at=None`` skips the validity
    check (to read an old signature, say). Raises ``CertificateError`` with a
    :class:`CertificateErrorReason` on any problem.
    """
    try:
        with LocalsForgottenOnRefusal():
            return _load(data_or_path, password, at)
    finally:
        del data_or_path, password  # not in this frame's locals, which error trackers record


def _load(
    data_or_path: bytes | str | os.PathLike[str],
    password: str | bytes | None,
    at: dt.datetime | ValidityMoment | None,
) -> Certificate:
    """``load_pfx``'s work, whose frames a refusal leaves without locals."""
    if isinstance(at, dt.datetime):
        _aware(at, "at=")  # before any work: a naive ``at`` is the caller's mistake, not the file's
    elif at is not None and at is not ValidityMoment.NOW:
        raise TypeError(f"at= must be an aware datetime or None, got {type(at).__name__}")
    data = _read(data_or_path)
    key, certificate, others, more_keys = _parse(data, password)
    moment = dt.datetime.now(dt.timezone.utc) if at is ValidityMoment.NOW else at
    key, certificate = _matching_certificate(key, certificate, others, moment, more_keys)

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    if not isinstance(key, RSAPrivateKey):
        raise _fail(
            CertificateErrorReason.KEY_NOT_RSA,
            f"the signature's key is {_key_kind(key)}, but the SII only accepts RSA keys; "
            "ask your certification authority for an RSA electronic signature",
        )
    loaded = Certificate(certificate, key)
    if moment is not None:
        loaded.check_validity(moment)
    return loaded


MIN_KEY_BITS = 1024
"""The smallest RSA signing key accepted: every document the SII accepted is signed with a
key of 1024 or 2048 bits; a 512-bit one can be factored. (A CAF's own key, which stamps the
timbre, is the SII's and has 512 bits: that is no signature's key.)"""

MAX_PFX_BYTES = 1024 * 1024
"""The largest signature file read (1 MiB): a .pfx holds a key and a few certificates, a few
kilobytes; anything larger is not one (a device, a wrong file)."""


def _read(data_or_path: bytes | str | os.PathLike[str]) -> bytes:
    if isinstance(data_or_path, bytes | bytearray | memoryview):
        data = bytes(data_or_path)
        if len(data) > MAX_PFX_BYTES:  # as a file that large is refused unread
            raise _fail(
                CertificateErrorReason.NOT_PKCS12,
                f"the data holds {len(data):,} bytes, more than the {MAX_PFX_BYTES:,} any "
                ".pfx/.p12 signature needs (a key and a few certificates take a few kilobytes); "
                "pass the signature file's own bytes",
            )
        return data
    if not isinstance(data_or_path, str | os.PathLike):
        raise TypeError(
            f"load_pfx takes the file's bytes or its path, got {type(data_or_path).__name__}"
        )
    path = os.fspath(data_or_path)
    shown = quoted_path(path, text=isinstance(data_or_path, str))
    hint = stray_blanks_hint(path) or {UNSHOWN_PATH: _BASE64_HINT, UNSHOWN_NAME: _SWAPPED_HINT}.get(
        shown, ""
    )
    # The error is raised after the except block: the OSError (whose filename is the "path",
    # perhaps a .pfx in base64) would otherwise stay on as its __context__.
    failure: CertificateError
    try:
        return read_limited(path, MAX_PFX_BYTES)
    except FileNotFoundError:
        failure = _fail(
            CertificateErrorReason.FILE_NOT_FOUND,
            f"no file at {shown}; give the path of your .pfx or .p12 signature file{hint}",
        )
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        failure = _fail(
            CertificateErrorReason.FILE_UNREADABLE,
            f"cannot read {shown} ({why}); check that it is a file you may read{hint}",
        )
    raise failure


def stray_blanks_hint(path: str) -> str:
    """What to say of a path that names no file only for the line break or blanks around it
    (as a path read from a file or an .env line keeps), when without them it names one; "" for
    any other path."""
    stripped = path.strip()
    if stripped == path or not stripped or not os.path.isfile(stripped):
        return ""
    return (
        f" (it has a line break or blanks around it; without them, {stripped!r} is a file: "
        "pass path.strip())"
    )


UNSHOWN_PATH = "the given path"
"""What a message says instead of a "path" that looks like a signature's contents."""
_BASE64_HINT = (
    " (a str is read as a path; if you hold the .pfx itself, e.g. in base64, pass its bytes)"
)


UNSHOWN_NAME = "the given name"
"""What a message says instead of a "path" given as text that looks like no path: no folder and
no file extension, such as the password given where the .pfx goes."""
_SWAPPED_HINT = (
    " (it is not shown: it may be the password, given where the .pfx goes; the .pfx comes "
    "first and its password second, load_pfx(data_or_path, password))"
)
_FILE_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}\Z")


def quoted_path(path: str, *, text: bool = False) -> str:
    """The path quoted for a message, unless it looks like file contents or a password (which
    are secret): a .pfx in base64 passed where its path goes is ``UNSHOWN_PATH``; ``text`` (a
    str, not a ``Path``) with no folder and no file extension is ``UNSHOWN_NAME``."""
    if len(path) > 200 or any(c in path for c in "\n\r\0"):
        return UNSHOWN_PATH
    if text and not any(mark in path for mark in "/\\") and not _FILE_EXTENSION.search(path):
        return UNSHOWN_NAME
    return repr(path)


def _parse(
    data: bytes, password: str | bytes | None
) -> tuple[Any, Any, list[Any], Callable[[], list[Any]]]:
    """Decrypt the PKCS#12 into (key, certificate, other certificates, and what reads the file's
    other private keys: a file may hold several signatures, of which ``cryptography`` gives the
    first key only)."""
    if not _looks_like_pkcs12(data):
        raise _fail(
            CertificateErrorReason.NOT_PKCS12,
            f"the data is not a PKCS#12 file; {_what_instead_of_pkcs12(data)}",
        )

    end = _outer_end(data)
    if end is not None and end < len(data):
        data = data[:end]  # what follows (a line break a copy added, padding) is not the file
    secret = _password_bytes(password)
    opened = _opened(data, secret)
    if opened is not None and secret and not _has_mac(data) and _opened(data, None) is not None:
        raise _fail(CertificateErrorReason.WRONG_PASSWORD, _NOT_PROTECTED)  # any password opens it
    if opened is not None:
        loaded, opener = opened
        certificate = loaded.cert.certificate if loaded.cert is not None else None
        others = [extra.certificate for extra in loaded.additional_certs]
        return loaded.key, certificate, others, lambda: _keys_in(data, opener)
    if secret and secret.startswith(_BYTE_ORDER_MARK):
        bare = secret[len(_BYTE_ORDER_MARK) :]
        if (bare and _opened(data, bare) is not None) or (
            bare.strip() != bare and bare.strip() and _opened(data, bare.strip()) is not None
        ):
            raise _fail(
                CertificateErrorReason.WRONG_PASSWORD,
                "the password starts with a byte order mark (U+FEFF, which Notepad writes at "
                "the start of a UTF-8 file), and opens this .pfx without it: read the password "
                "file with encoding='utf-8-sig' (and strip() its line break)",
            )
    stripped = secret.strip() if secret else secret
    if stripped != secret and stripped and _opened(data, stripped) is not None:
        blanks = (
            "ends with a line break (as a password file read whole, an .env line or a Docker "
            "secret, does)"
            if secret and secret.rstrip(b" \t") != secret.rstrip()
            else "starts or ends with blanks"
        )
        raise _fail(
            CertificateErrorReason.WRONG_PASSWORD,
            f"the password {blanks}, and opens this .pfx without them: pass password.strip()",
        )
    if _legacy_encryption_unavailable(data):
        raise _fail(
            CertificateErrorReason.UNSUPPORTED_ENCRYPTION,
            "this .pfx is encrypted with RC2 or RC4, as Windows and older tools export it, and "
            "this Python's cryptography runs without OpenSSL's legacy provider, which alone "
            "decrypts them (CRYPTOGRAPHY_OPENSSL_NO_LEGACY is set, or the provider is not "
            "installed); load it where that provider is available, or export the signature "
            "again with AES encryption (Windows: AES256-SHA256; openssl pkcs12 -export)",
        )
    if not secret:
        raise _fail(
            CertificateErrorReason.WRONG_PASSWORD,
            "this .pfx is protected by a password, and none was given; pass the password you "
            "chose when exporting the signature",
        )
    if _opened(data, None) is not None:
        raise _fail(CertificateErrorReason.WRONG_PASSWORD, _NOT_PROTECTED)
    raise _fail(
        CertificateErrorReason.WRONG_PASSWORD,
        "the password does not open this .pfx (or the file is damaged); check the password "
        "you chose when exporting the signature",
    ) from None


_NOT_PROTECTED = (
    "this .pfx is not protected by a password (it opens without one, so any key in it is "
    "unencrypted): pass password=None, or export it again with a password"
)


def _has_mac(data: bytes) -> bool:
    """Whether the PKCS#12 carries a MAC, which only its password verifies: without one and
    without encryption, a file opens with any password."""
    pfx = _der_items(data, 0, len(data))
    return bool(pfx) and len(_der_items(data, pfx[0][1], pfx[0][2])) > 2


_LEGACY_PBE_OIDS = tuple(bytes.fromhex("060a2a864886f70d010c01") + bytes([n]) for n in (1, 2, 5, 6))
"""The DER of PKCS#12's RC4 and RC2 encryptions (1.2.840.113549.1.12.1.1, .2, .5, .6), written
plainly in the file ahead of what each encrypts."""


def _legacy_encryption_unavailable(data: bytes) -> bool:
    """Whether the .pfx is encrypted with RC2 or RC4 and this process's OpenSSL cannot decrypt
    them (its legacy provider is not loaded): its password is then not what is wrong."""
    if not any(oid in data for oid in _LEGACY_PBE_OIDS):
        return False
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import RC2
    except ImportError:  # cryptography before 43 has no RC2, but RC4 of the same legacy provider
        return _rc4_unavailable()
    try:
        Cipher(RC2(bytes(16)), modes.CBC(bytes(8))).encryptor()
    except UnsupportedAlgorithm:
        return True
    return False


def _rc4_unavailable() -> bool:
    """Whether this process's OpenSSL cannot encrypt with RC4, which its legacy provider holds
    as it holds RC2: the probe for a cryptography before 43, which offers RC4 but no RC2."""
    import warnings

    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.ciphers import Cipher

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated there from 43 on, where RC2 is tried instead
        try:
            from cryptography.hazmat.primitives.ciphers.algorithms import ARC4
        except ImportError:
            return False
    try:
        Cipher(ARC4(bytes(16)), None).encryptor()
    except UnsupportedAlgorithm:
        return True
    return False


_BYTE_ORDER_MARK = "\ufeff".encode()


def _what_instead_of_pkcs12(data: bytes) -> str:
    """What the data seems to be instead of a .pfx, and how to get the .pfx from it."""
    if b"-----BEGIN" in data[:4096]:  # openssl pkcs12 -nodes writes "Bag Attributes" first
        return "this is a PEM file; export the signature as .pfx/.p12 (with its private key)"
    text = b"".join(data.split())
    url = _DATA_URL.match(text)
    if url is not None:
        text = text[url.end() :]
    base64_text = len(text) % 4 == 0 and _BASE64_TEXT.fullmatch(text) is not None
    if base64_text and _looks_like_pkcs12(base64.b64decode(text)):
        if url is not None:
            return (
                "this is the .pfx as a data URL (data:...;base64,..., as a web page reads a "
                "file); pass the file's own bytes, base64.b64decode(data.split(b',', 1)[1])"
            )
        return (
            "this is the .pfx written in base64 text (as a web form or an API shows it); "
            "pass the file's own bytes, base64.b64decode(data)"
        )
    if _is_path(data):
        return (
            "these bytes are a file's path, and bytes are read as the file's contents; give "
            "the path as a str or pathlib.Path (os.fsdecode(path) turns bytes into one)"
        )
    if _is_der_certificate(data):
        return (
            "this is a certificate alone (.cer/.crt), without its private key; export the "
            "signature as .pfx/.p12 including its private key"
        )
    return "export your electronic signature as a .pfx or .p12 file (with its private key)"


_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_DATA_URL = re.compile(rb"data:[^,;]*(?:;[^,;]*)*;base64,", re.IGNORECASE)


_SIGNATURE_FILE_NAME = re.compile(rb"\.(?:pfx|p12)\Z", re.IGNORECASE)


def _is_path(data: bytes) -> bool:
    """Whether the data is a path rather than a file's contents: one line naming a file, or a
    .pfx/.p12 file's name."""
    text = data.strip()
    if not text or len(text) > 4096 or any(byte < 0x20 for byte in text):
        return False
    if _SIGNATURE_FILE_NAME.search(text):
        return True
    try:
        return os.path.isfile(os.fsdecode(text))
    except (OSError, ValueError):
        return False


def _is_der_certificate(data: bytes) -> bool:
    """Whether the data is one X.509 certificate in DER."""
    from cryptography import x509 as x509_module

    try:
        x509_module.load_der_x509_certificate(data)
    except x509_module.InvalidVersion:  # a certificate still, of a version cryptography refuses
        return True
    except ValueError:
        return False
    return True


def _opened(data: bytes, secret: bytes | None) -> tuple[Any, bytes | None] | None:
    """The PKCS#12 opened with ``secret`` as OpenSSL reads it (its old one-byte-per-character
    form too for a non-ASCII one; an empty one as no password and as ""), with the form that
    opened it; None when none does."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509 import InvalidVersion

    attempts: list[bytes | None] = [secret or None]
    if not secret:
        attempts.append(b"")
    elif not secret.isascii():
        attempts.extend(_legacy_passwords(secret))
    for attempt in attempts:
        try:
            return pkcs12.load_pkcs12(data, attempt), attempt
        except InvalidVersion:  # not a ValueError: it had escaped as cryptography's own error
            why = "its X.509 version is none of the three RFC 5280 defines"
        except (ValueError, TypeError) as error:
            if not str(error).startswith(_CERTIFICATE_PARSE_ERROR):
                continue  # the password does not open it (or the file is damaged)
            why = "it is not valid DER, as some old certification authorities wrote theirs"
        raise _fail(  # outside the except block: cryptography's error is not kept as context
            CertificateErrorReason.UNREADABLE_CERTIFICATE,
            f"the .pfx opens, but a certificate in it cannot be read ({why}); export the "
            "signature again without its certification path (only your certificate and its "
            "private key), or ask your certification authority for a new one",
        )
    return None


_CERTIFICATE_PARSE_ERROR = "error parsing asn1 value"
"""How ``cryptography`` begins the error for a certificate in a PKCS#12 it cannot parse, once
the password has opened the file (a wrong password is "Invalid password or PKCS12 data")."""


def _password_bytes(password: str | bytes | bytearray | memoryview | None) -> bytes | None:
    """The password as the bytes OpenSSL reads, refusing what no .pfx password can hold.

    A NUL ends a C string (``cryptography`` panics on it, quoting the password) and a lone
    surrogate is not text; both are refused here without ever quoting the password.
    """
    if password is None:
        return None
    if isinstance(password, str):
        if _SURROGATE.search(password):  # checked, not caught: the error would hold the text
            raise _fail(
                CertificateErrorReason.WRONG_PASSWORD,
                "the password is not valid text (it holds a lone surrogate, as a wrongly "
                "decoded byte string does); pass it as the str the holder typed, or as bytes",
            )
        secret = password.encode("utf-8")
    elif isinstance(password, bytes | bytearray | memoryview):
        secret = bytes(password)
    else:
        held = (
            ": pass its text, password.get_secret_value()"
            if callable(getattr(password, "get_secret_value", None))  # pydantic's SecretStr
            else ""
        )
        raise TypeError(
            f"the .pfx password must be a str, bytes or None, got {type(password).__name__}{held}"
        )
    if b"\0" in secret:
        raise _fail(
            CertificateErrorReason.WRONG_PASSWORD,
            "the password holds a NUL character, which no .pfx password can contain; check how "
            "it was read (a C string's terminator or a padded field often leaves one behind)",
        )
    return secret


def _legacy_passwords(secret: bytes) -> list[bytes]:
    """The UTF-8 that OpenSSL 3 turns into the same PKCS#12 (BMPString) password as ``secret``
    read one byte per character, as OpenSSL before 1.1 wrote every .pfx and as ``openssl pkcs12``
    retries: a .pfx exported by an old OpenSSL from a UTF-8 password (ñ, é), or a password given
    as bytes in Latin-1, as read from a file a Windows tool saved; and, for bytes that are no
    UTF-8 and hold one of Windows-1252's own characters (– € “ ”, bytes 0x80-0x9F), ``secret``
    read as Windows-1252, which is how that tool wrote them."""
    forms = [secret.decode("latin-1").encode("utf-8")]
    windows = windows_1252_text(secret)
    if windows is not None:
        forms.append(windows.encode("utf-8"))
    return forms


def windows_1252_text(secret: bytes) -> str | None:
    """The password bytes read as Windows-1252, when they are no UTF-8 and that differs from
    reading them as Latin-1 (they hold one of – € “ ” and the like), else None."""
    try:
        secret.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    if not any(0x80 <= byte <= 0x9F for byte in secret):
        return None
    try:
        return secret.decode("cp1252")
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        return None


def _looks_like_pkcs12(data: bytes) -> bool:
    """Cheap DER sniff: SEQUENCE { INTEGER 3, ContentInfo { id-data ... } ... }."""
    if len(data) < 16 or data[0] != 0x30:
        return False
    offset = _skip_length(data, 1)
    if offset is None or data[offset : offset + 3] != b"\x02\x01\x03":
        return False
    offset += 3
    if data[offset] != 0x30:
        return False
    inner = _skip_length(data, offset + 1)
    if inner is None:
        return False
    return data[inner : inner + len(_PKCS7_DATA_OID_DER)] == _PKCS7_DATA_OID_DER


def _outer_end(data: bytes) -> int | None:
    """Where the outer DER SEQUENCE ends, None for an indefinite (BER) length."""
    if len(data) < 2 or data[1] == 0x80:
        return None
    start = _skip_length(data, 1)
    if start is None:
        return None
    first = data[1]
    if first < 0x80:
        return start + first
    return start + int.from_bytes(data[2:start], "big")


def _skip_length(data: bytes, offset: int) -> int | None:
    """Offset just past a DER length starting at ``offset`` (None if truncated)."""
    if offset >= len(data):
        return None
    first = data[offset]
    if first < 0x80:
        return offset + 1
    count = first & 0x7F
    if first == 0x80 or count > 4:
        return offset + 1  # indefinite length (BER), still PKCS#12-shaped
    end = offset + 1 + count
    return end if end <= len(data) else None


def _matching_certificate(
    key: Any,
    certificate: Any,
    others: list[Any],
    moment: dt.datetime | None,
    more_keys: Callable[[], list[Any]],
) -> tuple[Any, Any]:
    """The key and certificate to sign with: ``key`` and its certificate, the main one, else one
    of the extra ones that matches; of several for the key (an expired one and its renewal over
    the same key), the first valid at ``moment``, when one is given and one is. When none for
    ``key`` is, the first of the file's other keys (an expired signature and its renewal
    exported together) with a certificate valid then."""
    if key is None:
        raise _fail(
            CertificateErrorReason.NO_PRIVATE_KEY,
            "the .pfx holds no private key; export the signature again including the private "
            "key (in Windows: 'Yes, export the private key')",
        )
    candidates = ([certificate] if certificate is not None else []) + others
    if not candidates:
        raise _fail(
            CertificateErrorReason.NO_CERTIFICATE,
            "the .pfx holds a private key but no certificate; export the signature again "
            "including its certificate",
        )
    matching = _certificates_of(key, candidates)
    if moment is not None:
        valid = _valid_at(matching, moment)
        if valid is not None:
            return key, valid
        if matching:
            for other_key in more_keys():
                valid = _valid_at(_certificates_of(other_key, candidates), moment)
                if valid is not None:
                    return other_key, valid
    if matching:
        return key, matching[0]
    raise _fail(
        CertificateErrorReason.KEY_MISMATCH,
        "the private key in the .pfx does not belong to its certificate; export the "
        "signature again from the computer or browser where it was installed",
    )


def _certificates_of(key: Any, candidates: list[Any]) -> list[Any]:
    """The certificates among ``candidates`` issued for ``key`` (over its public key)."""
    wanted = _public_der(key.public_key())
    return [c for c in candidates if _public_der_of(c) == wanted]


def _valid_at(certificates: list[Any], moment: dt.datetime) -> Any:
    """The first of ``certificates`` valid at ``moment``, else None."""
    for certificate in certificates:
        if certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
            return certificate
    return None


_KEY_BAG_OID_DER = bytes.fromhex("060b2a864886f70d010c0a0101")
_SHROUDED_KEY_BAG_OID_DER = bytes.fromhex("060b2a864886f70d010c0a0102")
_KEY_BAG_OIDS_DER = (_KEY_BAG_OID_DER, _SHROUDED_KEY_BAG_OID_DER)
_MAX_KEYS_READ = 16
"""The most keys of one file decrypted (each costs its key derivation): a keychain exports a
person's few signatures together, not more."""


def _keys_in(data: bytes, secret: bytes | None) -> list[Any]:
    """The private keys of the PKCS#12's unencrypted SafeContents (where key bags go: each is
    shrouded by itself), decrypted with ``secret``, the password form that opened the file; the
    keys that cannot be read are left out. ``cryptography`` gives only a file's first key."""
    keys = []
    key_bags = [bag for bag in _safe_bags(data) if bag[0] in _KEY_BAG_OIDS_DER]
    for bag_id, value in key_bags[:_MAX_KEYS_READ]:
        key = _private_key_of(value, secret if bag_id == _SHROUDED_KEY_BAG_OID_DER else None)
        if key is not None:
            keys.append(key)
    return keys


def _private_key_of(der: bytes, secret: bytes | None) -> Any:
    """The (shrouded) PKCS#8 key in ``der`` decrypted with ``secret``, None when it is not one."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    for attempt in [secret] if secret else [None, b""]:
        try:
            return load_der_private_key(der, attempt)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
    return None


def _safe_bags(data: bytes) -> list[tuple[bytes, bytes]]:
    """(bag type's OID in DER, bag value) of each SafeBag in the PKCS#12's SafeContents that are
    not encrypted as a whole; none for a file in a shape other than DER's."""
    pfx = _der_items(data, 0, len(data))
    if not pfx or pfx[0][0] != 0x30:
        return []
    body = _der_items(data, pfx[0][1], pfx[0][2])
    if len(body) < 2:
        return []
    authenticated_safe = _data_content(data, body[1])
    if authenticated_safe is None:
        return []
    infos = [
        info
        for sequence in _der_items(data, authenticated_safe[0], authenticated_safe[1])
        for info in _der_items(data, sequence[1], sequence[2])
    ]
    bags = []
    for info in infos:
        contents = _data_content(data, info)
        if contents is None:
            continue  # encryptedData (certificates, as a rule) or another kind
        for safe_contents in _der_items(data, contents[0], contents[1]):
            for bag in _der_items(data, safe_contents[1], safe_contents[2]):
                parts = _der_items(data, bag[1], bag[2])
                if len(parts) < 2 or parts[0][0] != 0x06 or parts[1][0] != 0xA0:
                    continue
                bag_id = data[parts[0][3] : parts[0][2]]
                bags.append((bag_id, data[parts[1][1] : parts[1][2]]))
    return bags


def _data_content(data: bytes, info: tuple[int, int, int, int]) -> tuple[int, int] | None:
    """Where the content of a ContentInfo of type id-data lies in ``data``, None for another."""
    parts = _der_items(data, info[1], info[2])
    if len(parts) < 2 or data[parts[0][3] : parts[0][2]] != _PKCS7_DATA_OID_DER:
        return None
    octets = _der_items(data, parts[1][1], parts[1][2])
    if parts[1][0] != 0xA0 or len(octets) != 1 or octets[0][0] != 0x04:
        return None
    return octets[0][1], octets[0][2]


def _der_items(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, body start, body end, item start) of each DER item from ``start`` to ``end``; none
    when one is not DER (an indefinite length, one past ``end``)."""
    items = []
    offset = start
    while offset < end:
        body = _skip_length(data, offset + 1)
        if body is None or data[offset + 1] == 0x80:
            return []
        first = data[offset + 1]
        size = first if first < 0x80 else int.from_bytes(data[offset + 2 : body], "big")
        if first > 0x84 or body + size > end:
            return []
        items.append((data[offset], body, body + size, offset))
        offset = body + size
    return items


def _public_der_of(certificate: Any) -> bytes | None:
    """The certificate's public key in DER, None when ``cryptography`` does not know its
    algorithm (a CA's in the chain, say): no key of the holder's then."""
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        return _public_der(certificate.public_key())
    except (UnsupportedAlgorithm, ValueError):
        return None


def _public_der(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def _key_kind(key: Any) -> str:
    """What kind of key ``key`` is, in words, for a refusal of a key that is not RSA."""
    return _other_key_kind(key) or f"a {type(key).__name__}"


def _other_key_kind(key: Any) -> str | None:
    """``key`` in words when it is a private key of another kind than RSA, else None. DSA is
    told by its class's name: reading ``dsa.DSAPrivateKey`` warns (deprecated) in newer
    ``cryptography``, which ``-W error`` turns into an exception."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519

    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"an elliptic-curve key ({key.curve.name})"
    if any(kind.__name__ == "DSAPrivateKey" for kind in type(key).__mro__):
        return "a DSA key"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return "an EdDSA key"
    return None


def holder_rut_of(certificate: x509.Certificate) -> Rut | None:
    """The RUT of the person an X.509 certificate names (its SubjectAltName's otherName, else its
    serialNumber), None when it names none: a loaded .pfx's holder, or whose certificate signed
    a received XML."""
    from cryptography import x509 as x509_module

    try:
        san: x509.SubjectAlternativeName | None = certificate.extensions.get_extension_for_class(
            x509_module.SubjectAlternativeName
        ).value
    except (x509_module.ExtensionNotFound, x509_module.DuplicateExtension, ValueError):
        san = None  # none, or none cryptography reads (one repeated): the serialNumber may say
    if san is not None:
        for other in san.get_values_for_type(x509_module.OtherName):
            if other.type_id.dotted_string == RUT_OTHER_NAME_OID:
                rut = _rut_from_text(_der_string(other.value))
                if rut is not None:
                    return rut
    for attribute in certificate.subject:
        if attribute.oid.dotted_string == _SERIAL_NUMBER_OID:
            value = attribute.value
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            rut = _rut_from_serial_number(text)
            if rut is not None:
                return rut
    return None


def _der_string(value: bytes) -> str | None:
    """Decode a DER string (IA5/UTF8/Printable/...), unwrapping one explicit [0] tag."""
    if len(value) < 2:
        return None
    tag = value[0]
    start = _skip_length(value, 1)
    if start is None:
        return None
    if tag == 0xA0:
        return _der_string(value[start:])
    if tag not in (0x0C, 0x13, 0x14, 0x16, 0x1A, 0x1E):
        return None
    body = value[start:]
    if tag == 0x1E:
        return body.decode("utf-16-be", errors="replace")
    return body.decode("utf-8", errors="replace")


def _rut_from_serial_number(text: str) -> Rut | None:
    """The RUT a subject serialNumber writes as one, its check digit after a hyphen, as Chilean
    CAs write it ("16477752-9"), alone or among other text; digits alone (a serial number,
    another country's id) are no RUT: their last digit is no check digit."""
    if _RUT_WRITTEN.fullmatch(text.strip()) or _RUT_IN_TEXT.search(text):
        return _rut_from_text(text)
    return None


def _rut_from_text(text: str | None) -> Rut | None:
    if not text:
        return None
    try:
        return Rut.parse(text.strip(), validate_dv=False)
    except InvalidRutError:
        pass
    match = _RUT_IN_TEXT.search(text)
    if match is None:
        return None
    try:
        return Rut.parse(f"{match.group(1)}-{match.group(2)}", validate_dv=False)
    except InvalidRutError:
        return None


@cache
def _pkcs1_sha1() -> tuple[Any, Any]:
    """The padding and hash of every signature, made once (cryptography loads on first use)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15(), hashes.SHA1()


def _aware(when: dt.datetime, name: str) -> dt.datetime:
    """``when`` if it is an aware datetime; a ValidationError for a naive one (no time zone)."""
    if not isinstance(when, dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(when).__name__}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(
            f"{name} must be an aware datetime (with a time zone), got the naive {when}; pass "
            "e.g. datetime.now(timezone.utc) or datetime(2026, 3, 1, tzinfo=ZoneInfo("
            "'America/Santiago'))"
        )
    return when


def _name_text(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    return str(name.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"}))


def _hex_pairs(digest: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in digest)
