"""XMLDSig as the SII profile demands it: inclusive C14N, RSA-SHA1, one Reference, KeyValue+X509.

Signing writes the ``<Signature>`` from a fixed template (its SignedInfo is already canonical), so
the only canonicalization left is the referenced element's. Verification is lenient about how the
producer canonicalized (inclusive, exclusive, namespaces stripped) and strict about everything
that matters: the digest, the signature value, the key and the certificate's validity.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from haulmer._shown import shown
from haulmer.errors import CertificateError
from haulmer.sii._xml import DSIG_NS, XSI_NS, descend, first_children, leaf_text
from haulmer.sii.canonical_forms import signed_forms

__all__ = [
    "C14N_10",
    "RSA_SHA1",
    "SHA1",
    "SignatureCheck",
    "SigningCertificate",
    "check_signature",
    "signature_over_digest",
    "signature_xml",
    "signing_certificate",
]

C14N_10: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED: Final = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXC_C14N: Final = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA1: Final = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA1: Final = "http://www.w3.org/2000/09/xmldsig#sha1"

_DIGESTS: Final[dict[str, Callable[[bytes], bytes]]] = {
    SHA1: lambda data: hashlib.sha1(data).digest(),
}
"""The SII's xmldsignature_v10.xsd fixes DigestMethod to SHA-1."""
_SIGNATURE_HASHES: Final[dict[str, hashes.HashAlgorithm]] = {
    RSA_SHA1: hashes.SHA1(),
}
"""The schema allows rsa-sha1 and dsa-sha1; the SII's certificates are RSA, so rsa-sha1."""
_PKCS1: Final = padding.PKCS1v15()
_ID_PATTERN: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]{0,79}$")
_DS = "{" + DSIG_NS + "}"
_SIGNED_INFO: Final = f"{_DS}SignedInfo"
_SIGNATURE_VALUE: Final = f"{_DS}SignatureValue"
_KEY_INFO: Final = f"{_DS}KeyInfo"
_REFERENCE: Final = f"{_DS}Reference"
_DIGEST_METHOD: Final = f"{_DS}DigestMethod"
_DIGEST_VALUE: Final = f"{_DS}DigestValue"
_KEY_VALUE: Final = f"{_DS}KeyValue"
_RSA_KEY_VALUE: Final = f"{_DS}RSAKeyValue"
_MODULUS: Final = f"{_DS}Modulus"
_EXPONENT: Final = f"{_DS}Exponent"
_X509_DATA: Final = f"{_DS}X509Data"
_X509_CERTIFICATE: Final = f"{_DS}X509Certificate"
_SIGNATURE_METHOD: Final = f"{_DS}SignatureMethod"
_CANONICALIZATION_METHOD: Final = f"{_DS}CanonicalizationMethod"
_TRANSFORMS: Final = f"{_DS}Transforms"
_TRANSFORM: Final = f"{_DS}Transform"
_SIGNATURE_PARTS: Final = frozenset({_SIGNED_INFO, _SIGNATURE_VALUE, _KEY_INFO})
_TRANSFORM_ALGORITHMS: Final = frozenset({C14N_10, EXC_C14N, ENVELOPED})
"""The SII profile's transforms: inclusive C14N 1.0 (what peers write), exclusive C14N (what some
producers' XMLDSig libraries write, and the SII accepts) and enveloped-signature, which changes
nothing for a Signature beside the element it signs. The schema leaves the Transform's Algorithm
free; none of these selects content, and the digest is checked against every canonical form."""


class SigningCertificate(Protocol):
    """What signing needs from ``haulmer.pfx.Certificate``."""

    @property
    def certificate_der(self) -> bytes:
        """The certificate in DER, written base64-encoded into ``X509Certificate``."""
        ...

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        """The RSA public key, written into ``KeyValue`` (Modulus and Exponent)."""
        ...

    def sign_sha1(self, data: bytes) -> bytes:
        """``data`` signed with RSA PKCS#1 v1.5 and SHA-1, as the SII's XML signatures require."""
        ...

    def is_valid_at(self, when: dt.datetime) -> bool:
        """Whether ``when`` (an aware datetime) falls inside the certificate's validity window."""
        ...


def signing_certificate(value: object) -> SigningCertificate:
    """``value`` if it can sign (a loaded ``haulmer.pfx.Certificate``), else the TypeError
    saying what to pass: checked first, so no other message blames what it lacks."""
    if all(callable(getattr(value, name, None)) for name in ("sign_sha1", "is_valid_at")):
        return value  # type: ignore[return-value]
    raise TypeError(
        "certificate must be a loaded .pfx (haulmer.pfx.load_pfx(path_or_bytes, password)), "
        f"got {type(value).__name__}"
    )


def _b64(data: bytes, width: int = 64) -> str:
    text = binascii.b2a_base64(data, newline=False).decode("ascii")
    if len(text) <= width:
        return text
    return "\n" + "\n".join([text[i : i + width] for i in range(0, len(text), width)]) + "\n"


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def _signed_info_c14n(reference_id: str, digest: bytes, *, with_xsi: bool = False) -> bytes:
    """The canonical SignedInfo for a reference to ``#reference_id`` with that SHA-1 digest.

    ``with_xsi`` declares the ``xsi`` namespace on it, as inclusive C14N sees it inside an
    envelope whose root declares ``xmlns:xsi``.
    """
    if not _ID_PATTERN.match(reference_id):
        raise ValueError(f"{shown(reference_id)} is not a valid XML ID for a signature reference")
    return b"".join(
        (
            _SIGNED_INFO_XSI_HEAD if with_xsi else _SIGNED_INFO_HEAD,
            reference_id.encode("ascii"),
            _SIGNED_INFO_MIDDLE,
            binascii.b2a_base64(digest, newline=False),
            _SIGNED_INFO_TAIL,
        )
    )


_SIGNED_INFO_OPENING: Final = f'<SignedInfo xmlns="{DSIG_NS}"'
_SIGNED_INFO_METHODS: Final = (
    f'><CanonicalizationMethod Algorithm="{C14N_10}"></CanonicalizationMethod>'
    f'<SignatureMethod Algorithm="{RSA_SHA1}"></SignatureMethod>'
    '<Reference URI="#'
)
_SIGNED_INFO_HEAD: Final = (_SIGNED_INFO_OPENING + _SIGNED_INFO_METHODS).encode("ascii")
_SIGNED_INFO_XSI_HEAD: Final = (
    f'{_SIGNED_INFO_OPENING} xmlns:xsi="{XSI_NS}"{_SIGNED_INFO_METHODS}'
).encode("ascii")
_SIGNED_INFO_MIDDLE: Final = (
    '">'
    f'<Transforms><Transform Algorithm="{C14N_10}"></Transform></Transforms>'
    f'<DigestMethod Algorithm="{SHA1}"></DigestMethod>'
    "<DigestValue>"
).encode("ascii")
_SIGNED_INFO_TAIL: Final = b"</DigestValue></Reference></SignedInfo>"
"""SignedInfo's constant parts: only the reference and the digest change."""


def signature_xml(
    canonical_referenced: bytes,
    reference_id: str,
    certificate: SigningCertificate,
    *,
    with_xsi: bool = False,
) -> bytes:
    """A complete ``<Signature>`` over the canonical bytes of the element with ``ID=reference_id``.

    ``canonical_referenced`` must be the inclusive C14N of that element in its final context.
    """
    return signature_over_digest(
        hashlib.sha1(canonical_referenced).digest(), reference_id, certificate, with_xsi=with_xsi
    )


def signature_over_digest(
    digest: bytes,
    reference_id: str,
    certificate: SigningCertificate,
    *,
    with_xsi: bool = False,
) -> bytes:
    """:func:`signature_xml` from the SHA-1 ``digest`` of the canonical referenced element, for a
    caller that hashed it part by part."""
    signed_info = _signed_info_c14n(reference_id, digest, with_xsi=with_xsi)
    key_info = _key_info(certificate)
    signature_value = certificate.sign_sha1(signed_info)
    return b"".join(
        (
            f'<Signature xmlns="{DSIG_NS}">'.encode("ascii"),
            # Written in canonical form: what is signed is exactly what is written.
            signed_info,
            f"<SignatureValue>{_b64(signature_value)}</SignatureValue>".encode("ascii"),
            key_info,
            b"</Signature>",
        )
    )


def _key_info(certificate: SigningCertificate) -> bytes:
    """KeyValue then X509Data for ``certificate``; remembered per X.509 object when it has one
    (hashing a cryptography certificate hashes its DER, so it is looked up by identity)."""
    x509_certificate = getattr(certificate, "x509", None)
    if not isinstance(x509_certificate, x509.Certificate):
        return _key_info_xml(certificate.public_key, certificate.certificate_der)
    known = _KEY_INFOS.get(id(x509_certificate))
    if known is not None and known[0] is x509_certificate:
        return known[1]
    key_info = _key_info_of(x509_certificate)
    if len(_KEY_INFOS) >= _KEY_INFOS_KEPT:
        _KEY_INFOS.clear()
    # The entry holds the certificate, so its id cannot be reused while it is remembered.
    _KEY_INFOS[id(x509_certificate)] = (x509_certificate, key_info)
    return key_info


_KEY_INFOS: dict[int, tuple[x509.Certificate, bytes]] = {}
_KEY_INFOS_KEPT: Final = 64


def _key_info_of(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateError("the SII accepts RSA signatures only", reason="key_not_rsa")
    return _key_info_xml(public_key, certificate.public_bytes(Encoding.DER))


def _key_info_xml(public_key: object, certificate_der: bytes) -> bytes:
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateError("the SII accepts RSA signatures only", reason="key_not_rsa")
    from haulmer.pfx import MIN_KEY_BITS

    if public_key.key_size < MIN_KEY_BITS:  # a signer of its own kind (an HSM's), not a pfx
        raise CertificateError(
            f"the signature's key is a {public_key.key_size}-bit RSA key, which can be "
            f"factored: signatures for the SII are made with keys of {MIN_KEY_BITS} bits or "
            "more (2048 today); sign with a current electronic signature",
            reason="key_too_small",
        )
    numbers = public_key.public_numbers()
    return (
        f"<KeyInfo><KeyValue><RSAKeyValue>"
        f"<Modulus>{_int_b64(numbers.n)}</Modulus>"
        f"<Exponent>{_int_b64(numbers.e)}</Exponent>"
        f"</RSAKeyValue></KeyValue>"
        f"<X509Data><X509Certificate>{_b64(certificate_der)}</X509Certificate>"
        f"</X509Data></KeyInfo>"
    ).encode("ascii")


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking one ``<Signature>``: the reference and every problem found."""

    reference_id: str | None
    problems: tuple[tuple[str, str], ...]
    certificate: x509.Certificate | None = None
    referenced: etree._Element | None = None

    @property
    def ok(self) -> bool:
        """Whether the signature, its digest, key and certificate all check out."""
        return not self.problems


def _decode_b64(node: etree._Element | None) -> bytes | None:
    return _b64_text(_text_of(node))


def _usable_key(numbers: rsa.RSAPublicNumbers | None) -> rsa.RSAPublicKey | None:
    if numbers is None:
        return None
    try:
        return numbers.public_key()
    except ValueError:
        return None


def _certificate_from_der(der: bytes) -> tuple[x509.Certificate, object]:
    """The certificate and its public key; raises ValueError when it cannot be read.

    Read once per distinct certificate (a sender signs every document with the same one);
    oversized ones are not kept.
    """
    if len(der) > _CACHED_CERTIFICATE_BYTES:
        return _read_certificate(der)
    return _cached_certificate(der)


def _read_certificate(der: bytes) -> tuple[x509.Certificate, object]:
    certificate = x509.load_der_x509_certificate(der)
    return certificate, certificate.public_key()


_CACHED_CERTIFICATE_BYTES: Final = 16 * 1024
_cached_certificate = lru_cache(maxsize=64)(_read_certificate)


class _Signer(NamedTuple):
    """What a KeyInfo says about the signer: its certificate and key, or why they are unusable."""

    certificate: x509.Certificate | None
    public_key: rsa.RSAPublicKey | None
    problems: tuple[tuple[str, str], ...]
    valid_from: dt.datetime | None
    """The certificate's notBefore (UTC), read once with the certificate."""
    valid_until: dt.datetime | None
    key_value_key: rsa.RSAPublicKey | None = None
    """The KeyValue's key when it is usable and differs from the certificate's, to tell a
    signature made with it (the certificate then names someone else) from a broken one."""


_NO_KEY_INFO: Final = _Signer(None, None, (("key", "no KeyInfo"),), None, None)


def _signer_of(key_info: etree._Element) -> _Signer:
    """The signer a KeyInfo names, judged from the texts of its X509Certificate and RSAKeyValue.

    The judgement depends on those texts only, so it is remembered per distinct texts (a sender
    signs every document with the same certificate); oversized ones are judged and not kept.
    """
    in_key_info = first_children(key_info)
    in_rsa_key_value = first_children(descend(in_key_info.get(_KEY_VALUE), _RSA_KEY_VALUE))
    modulus = _text_of(in_rsa_key_value.get(_MODULUS))
    exponent = _text_of(in_rsa_key_value.get(_EXPONENT))
    x509_data = in_key_info.get(_X509_DATA)
    der = None if x509_data is None else _text_of(descend(x509_data, _X509_CERTIFICATE)) or ""
    size = len(modulus or "") + len(exponent or "") + len(der or "")
    if size > _CACHED_KEY_INFO_CHARS:
        signer = _judge_signer(der, modulus, exponent)
    else:
        signer = _cached_signer(der, modulus, exponent)
    if x509_data is not None and len(x509_data) > 1:
        certificates = sum(1 for child in x509_data if child.tag == _X509_CERTIFICATE)
        if certificates > 1:
            chain = (
                "certificate",
                f"X509Data holds {certificates} X509Certificate elements; the SII's schema "
                "allows one, the signer's (send no chain); the first is taken for the signer's",
            )
            return signer._replace(problems=(chain, *signer.problems))
    return signer


def _text_of(node: etree._Element | None) -> str | None:
    """The text of a signature's part as C14N reads it: comments inside it are skipped."""
    return leaf_text(node) if node is not None else None


def _b64_text(text: str | None) -> bytes | None:
    """The bytes of base64 text (whitespace ignored), None when absent or not base64."""
    if not text:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _judge_signer(
    der_text: str | None, modulus_text: str | None, exponent_text: str | None
) -> _Signer:
    problems: list[tuple[str, str]] = []
    certificate: x509.Certificate | None = None
    public_key: rsa.RSAPublicKey | None = None
    modulus, exponent = _b64_text(modulus_text), _b64_text(exponent_text)
    numbers = (
        None
        if modulus is None or exponent is None
        else rsa.RSAPublicNumbers(int.from_bytes(exponent, "big"), int.from_bytes(modulus, "big"))
    )
    der = _b64_text(der_text)
    if der_text is not None and not der:
        # Present but unreadable is not absent: the KeyValue alone would skip the validity check.
        problems.append(("certificate", "X509Certificate is empty or not base64"))
    elif der is not None:
        try:
            certificate, candidate = _certificate_from_der(der)
        except ValueError:
            problems.append(("certificate", "X509Certificate cannot be read"))
        else:
            if not isinstance(candidate, rsa.RSAPublicKey):
                problems.append(("certificate", "the certificate's key is not RSA"))
            else:
                public_key = candidate
    # Equal numbers are the certificate's own (usable) key: the KeyValue key is only built
    # when it differs, to tell a different key from an unusable one.
    key_value_key = None
    if public_key is not None and numbers is not None and public_key.public_numbers() != numbers:
        key_value_key = _usable_key(numbers)
        if key_value_key is not None:
            problems.append(("key", "X509Certificate and KeyValue hold different keys"))
    if public_key is None and der_text is None:
        public_key = _usable_key(numbers)
    if public_key is None and not problems:
        problems.append(("key", "no usable RSA key in KeyInfo"))
    if der_text is None:
        problems.append(("certificate", _NO_CERTIFICATE))
    elif modulus_text is None or exponent_text is None:
        problems.append(("key", _NO_KEY_VALUE))
    valid_from = valid_until = None
    if certificate is not None:
        valid_from, valid_until = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    return _Signer(certificate, public_key, tuple(problems), valid_from, valid_until, key_value_key)


_NO_CERTIFICATE: Final = (
    "KeyInfo has no X509Certificate: the SII's schema requires the signer's certificate, "
    "without which nobody can tell who signed or whether the certificate was valid then"
)
_NO_KEY_VALUE: Final = (
    "KeyInfo has no KeyValue with RSAKeyValue's Modulus and Exponent, which the SII's schema "
    "requires beside the certificate"
)
_CACHED_KEY_INFO_CHARS: Final = 24 * 1024
_cached_signer = lru_cache(maxsize=64)(_judge_signer)


def check_signature(
    signature: etree._Element,
    *,
    signed_at: Callable[[etree._Element], dt.datetime | None] | None = None,
) -> SignatureCheck:
    """Check one ``<Signature>``; the referenced element must be one of its siblings.

    ``signed_at`` reads the signing time (TmstFirma) from the referenced element, so that an
    expired certificate is judged at the moment it signed, not today. Algorithms and parts
    outside the SII's profile are refused: its canonicalization is inclusive C14N 1.0 without
    comments, its one Reference carries at most one transform (inclusive or exclusive C14N, or
    enveloped-signature), and it signs with RSA-SHA1 over a SHA-1 digest.
    """
    problems: list[tuple[str, str]] = []
    in_signature = _signature_parts(signature, problems)
    signed_info = in_signature.get(_SIGNED_INFO)
    if signed_info is None:
        return SignatureCheck(None, (*problems, ("signature", "no SignedInfo")))
    references, method, canonicalization = _signed_info_parts(signed_info)
    if len(references) != 1:
        return SignatureCheck(
            None, (*problems, ("signature", f"{len(references)} References, expected 1"))
        )
    reference = references[0]
    uri = reference.get("URI") or ""
    reference_id = uri[1:] if uri.startswith("#") else None
    if not reference_id:
        return SignatureCheck(
            None, (*problems, ("signature", f"Reference URI {shown(uri)} is not '#ID'"))
        )
    parent = signature.getparent()
    referenced, problem = _referenced_sibling(parent, reference_id)
    if referenced is None:
        return SignatureCheck(reference_id, (*problems, ("signature", problem)))

    algorithm = canonicalization.get("Algorithm") if canonicalization is not None else None
    if algorithm != C14N_10:
        problems.append(
            (
                "signature",
                f"CanonicalizationMethod {shown(algorithm)} is not the SII's inclusive C14N 1.0 "
                f"({C14N_10})",
            )
        )
    problems.extend(_reference_problems(reference, referenced, parent, reference_id))

    key_info = in_signature.get(_KEY_INFO)
    signer = _NO_KEY_INFO if key_info is None else _signer_of(key_info)
    problems.extend(signer.problems)
    value_problem = _signature_value_problem(
        method,
        in_signature.get(_SIGNATURE_VALUE),
        signer.public_key,
        signed_info,
        parent,
        other_key=signer.key_value_key,
    )
    if value_problem is not None:
        problems.append(("signature", value_problem))
    certificate = signer.certificate
    if certificate is not None and signed_at is not None:
        validity_problem = _validity_problem(signer, certificate, signed_at(referenced))
        if validity_problem is not None:
            problems.append(("certificate", validity_problem))
    return SignatureCheck(reference_id, tuple(problems), certificate, referenced)


def _signature_parts(
    signature: etree._Element, problems: list[tuple[str, str]]
) -> dict[str, etree._Element]:
    """The Signature's first child of each tag; adds a problem for each child outside the SII
    profile (anything but one SignedInfo, SignatureValue and KeyInfo)."""
    in_signature: dict[str, etree._Element] = {}
    for child in signature:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag not in _SIGNATURE_PARTS or tag in in_signature:
            problems.append(
                (
                    "signature",
                    f"the Signature holds {_shown_tag(tag)}, which the SII profile does not allow",
                )
            )
        in_signature.setdefault(tag, child)
    return in_signature


def _signed_info_parts(
    signed_info: etree._Element,
) -> tuple[list[etree._Element], etree._Element | None, etree._Element | None]:
    """Every Reference of a SignedInfo, its first SignatureMethod and its first
    CanonicalizationMethod, read in one pass."""
    references: list[etree._Element] = []
    method: etree._Element | None = None
    canonicalization: etree._Element | None = None
    for child in signed_info:
        tag = child.tag
        if tag == _REFERENCE:
            references.append(child)
        elif tag == _SIGNATURE_METHOD and method is None:
            method = child
        elif tag == _CANONICALIZATION_METHOD and canonicalization is None:
            canonicalization = child
    return references, method, canonicalization


def _referenced_sibling(
    parent: etree._Element | None, reference_id: str
) -> tuple[etree._Element | None, str]:
    """The one sibling element with ``ID=reference_id``, or None and why there is none."""
    referenced: etree._Element | None = None
    if parent is not None:
        for sibling in parent:
            if isinstance(sibling.tag, str) and sibling.get("ID") == reference_id:
                if referenced is not None:
                    return None, f"more than one element has ID {shown(reference_id)}"
                referenced = sibling
    if referenced is None:
        return None, f"no sibling element has ID {shown(reference_id)}"
    return referenced, ""


def _reference_problems(
    reference: etree._Element,
    referenced: etree._Element,
    parent: etree._Element | None,
    reference_id: str,
) -> list[tuple[str, str]]:
    """Why the Reference's transforms leave the SII profile, and why its digest does not hold
    for ``referenced`` (signed inside ``parent``)."""
    in_reference: dict[str, etree._Element] = {}
    containers: list[etree._Element] = []  # every Transforms, to refuse a second one
    for child in reference:  # one pass for the first of each tag and findall(Transforms)
        tag = child.tag
        if isinstance(tag, str):
            if tag == _TRANSFORMS:
                containers.append(child)
            in_reference.setdefault(tag, child)
    problems = _transform_problems(containers) if containers else []
    digest_method = in_reference.get(_DIGEST_METHOD)
    algorithm = digest_method.get("Algorithm", "") if digest_method is not None else ""
    digest_function = _DIGESTS.get(algorithm)
    expected_digest = _decode_b64(in_reference.get(_DIGEST_VALUE))
    if digest_function is None:
        problems.append(("digest", "unsupported DigestMethod (the SII uses SHA-1)"))
    elif expected_digest is None:
        problems.append(("digest", "DigestValue is missing or not base64"))
    elif not any(
        digest_function(form) == expected_digest
        for form in signed_forms(referenced, signed_in=parent, stripped=True)
    ):
        problems.append(
            ("digest", f"the content of {shown(reference_id)} changed after it was signed")
        )
    return problems


def _signature_value_problem(
    method: etree._Element | None,
    value_node: etree._Element | None,
    public_key: rsa.RSAPublicKey | None,
    signed_info: etree._Element,
    parent: etree._Element | None,
    *,
    other_key: rsa.RSAPublicKey | None = None,
) -> str | None:
    """Why the SignatureValue does not prove that the signer's key signed the SignedInfo, None
    when it does (or when there is no usable key, which the signer's problems say).

    ``other_key`` is the KeyValue's key when it differs from the certificate's: a signature made
    with it is told apart from one made with no key the document names."""
    algorithm = _SIGNATURE_HASHES.get(method.get("Algorithm", "") if method is not None else "")
    if algorithm is None:
        return "unsupported SignatureMethod (the SII uses RSA-SHA1)"
    signature_value = _decode_b64(value_node)
    if signature_value is None:
        return "SignatureValue is missing or not base64"
    if public_key is not None and not _verifies(
        public_key, signature_value, signed_info, parent, algorithm
    ):
        if other_key is not None and _verifies(
            other_key, signature_value, signed_info, parent, algorithm
        ):
            return _SIGNED_WITH_KEY_VALUE
        return "SignatureValue does not verify with the signer's key"
    return None


_SIGNED_WITH_KEY_VALUE: Final = (
    "SignatureValue verifies with the KeyValue's key, not with the certificate's: the "
    "X509Certificate does not name who signed"
)


def _validity_problem(
    signer: _Signer, certificate: x509.Certificate, signed_at: dt.datetime | None
) -> str | None:
    """Why the signer's certificate was not valid at ``signed_at`` (now when it is unknown)."""
    when = signed_at if signed_at is not None else dt.datetime.now(dt.timezone.utc)
    not_before, not_after = signer.valid_from, signer.valid_until
    if not_before is None or not_after is None or not (not_before <= when <= not_after):
        valid = (
            f"(valid {certificate.not_valid_before_utc.date()}.."
            f"{certificate.not_valid_after_utc.date()})"
        )
        if signed_at is None:
            return (
                "the signing time (TmstFirma, TmstFirmaEnv) is missing or not a date and time, "
                f"so the certificate was judged now, {when.replace(microsecond=0).isoformat()}: "
                f"not valid then {valid}"
            )
        return f"not valid at the signing time {when.isoformat()} {valid}"
    return None


def _shown_tag(tag: str) -> str:
    """``<Object>`` for an XMLDSig element, ``<{uri}Name>`` (cut short) for any other."""
    if tag.startswith(_DS):
        return f"<{tag[len(_DS) :]}>"
    return f"<{tag[:80]}>"


def _transform_problems(containers: list[etree._Element]) -> list[tuple[str, str]]:
    """Why a Reference's Transforms (``containers``, all of them) leave the SII profile: at most
    one Transforms holding one Transform, inclusive or exclusive C14N 1.0 or enveloped-signature,
    nothing else (no XPath, XSLT, comments)."""
    problems: list[tuple[str, str]] = []
    if len(containers) > 1:
        problems.append(("signature", f"the Reference holds {len(containers)} Transforms"))
    seen: set[str] = set()
    for container in containers:
        count = sum(1 for transform in container if isinstance(transform.tag, str))
        if count != 1:
            problems.append(
                (
                    "signature",
                    f"the Transforms holds {count} elements where the SII's schema allows one "
                    "Transform (inclusive or exclusive C14N 1.0, or enveloped-signature)",
                )
            )
        for transform in container:
            if not isinstance(transform.tag, str):
                continue
            algorithm = transform.get("Algorithm") if transform.tag == _TRANSFORM else None
            if algorithm not in _TRANSFORM_ALGORITHMS or algorithm in seen:
                named = _shown_tag(transform.tag) if algorithm is None else repr(algorithm[:120])
                problems.append(
                    (
                        "signature",
                        f"Transform {named} is outside the SII profile (only inclusive or "
                        "exclusive C14N 1.0 and enveloped-signature, once each)",
                    )
                )
            else:
                seen.add(algorithm)
    return problems


def _verifies(
    key: rsa.RSAPublicKey,
    value: bytes,
    signed_info: etree._Element,
    signed_in: etree._Element | None,
    algorithm: hashes.HashAlgorithm,
) -> bool:
    for form in signed_forms(signed_info, signed_in=signed_in):
        try:
            key.verify(value, form, _PKCS1, algorithm)
        except InvalidSignature:
            continue
        return True
    return False
