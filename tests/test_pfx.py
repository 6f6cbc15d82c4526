"""haulmer.pfx: loading a .pfx/.p12, reading the holder's RUT, signing, and every failure reason.

The PKCS#12 files here are built with ``cryptography`` directly (not with the test helper) so that
odd real-world shapes can be made: RUT in SAN or serialNumber, no key, no certificate, EC keys...
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from haulmer.errors import CertificateError, ValidationError
from haulmer.pfx import RUT_OTHER_NAME_OID, Certificate, CertificateErrorReason, load_pfx
from haulmer.rut import Rut
from pfx_shapes import pfx_of_signatures

PASSWORD = "S3cr3t-Pa55word!"
UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(microsecond=0)


@cache
def rsa_key(index: int = 0, size: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


@cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def ia5(text: str) -> bytes:
    return b"\x16" + bytes([len(text)]) + text.encode("ascii")


def build_cert(
    key: Any,
    *,
    san: Sequence[x509.GeneralName] = (),
    serial_text: str | None = None,
    common_name: str = "JUAN PEREZ",
    not_before: dt.datetime = NOW - dt.timedelta(days=1),
    not_after: dt.datetime = NOW + dt.timedelta(days=365),
) -> x509.Certificate:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CL"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial_text is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_text))
    subject = x509.Name(attributes)
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST CA")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(123456789)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(san)), critical=False)
    return builder.sign(key, hashes.SHA256())


def build_pfx(
    key: Any,
    cert: x509.Certificate | None,
    *,
    extra: Sequence[x509.Certificate] = (),
    password: str | None = PASSWORD,
) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"firma", key, cert, list(extra) or None, encryption
    )


def rut_san(text: str) -> x509.OtherName:
    return x509.OtherName(x509.ObjectIdentifier(RUT_OTHER_NAME_OID), ia5(text))


def reason_of(data: Any, password: Any = PASSWORD, **kwargs: Any) -> str:
    with pytest.raises(CertificateError) as caught:
        load_pfx(data, password, **kwargs)
    return str(caught.value.reason)


# -- the holder's RUT ----------------------------------------------------------------------------


def test_holder_rut_comes_from_the_san_other_name() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, san=[rut_san("13185095-6")])), PASSWORD)
    assert cert.holder_rut == Rut("13185095-6")


def test_holder_rut_comes_from_the_subject_serial_number() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, serial_text="13185095-6")), PASSWORD)
    assert cert.holder_rut == Rut("13185095-6")


def test_holder_rut_is_found_inside_a_decorated_serial_number() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, serial_text="RUT: 13.185.095-6")), PASSWORD)
    assert cert.holder_rut == Rut("13185095-6")


@pytest.mark.parametrize("serial_text", ["12345678", "131850956", "CL12345678", "12.345.678"])
def test_a_serial_number_of_digits_only_is_no_rut(serial_text: str) -> None:
    """Chilean CAs write the holder's RUT in the serialNumber with its hyphen (Acepta:
    "16477752-9"); digits alone (a serial, another country's id) were read as a RUT whose last
    digit was taken for the check digit: 12345678 as 1234567-8."""
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, serial_text=serial_text)), PASSWORD)
    assert cert.holder_rut is None


@pytest.mark.parametrize(
    ("serial_text", "rut"),
    [("13185095-6", "13185095-6"), ("13.185.095-k", "13185095-K"), (" 999999-K ", "999999-K")],
)
def test_a_serial_number_written_as_a_rut_is_the_holder_s(serial_text: str, rut: str) -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, serial_text=serial_text)), PASSWORD)
    assert str(cert.holder_rut) == rut


def test_san_wins_over_the_serial_number() -> None:
    key = rsa_key()
    cert_obj = build_cert(key, san=[rut_san("76795561-8")], serial_text="13185095-6")
    assert load_pfx(build_pfx(key, cert_obj), PASSWORD).holder_rut == Rut("76795561-8")


def test_holder_rut_is_none_when_the_certificate_names_none() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert cert.holder_rut is None


def test_holder_rut_keeps_a_wrong_check_digit() -> None:
    # cl-sii's own test certificate holds 13185095-K; the right digit is 6.
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, san=[rut_san("13185095-K")])), PASSWORD)
    assert cert.holder_rut is not None
    assert str(cert.holder_rut) == "13185095-K"
    assert not cert.holder_rut.is_dv_valid


def test_other_san_entries_are_ignored() -> None:
    key = rsa_key()
    san = [
        x509.RFC822Name("juan@example.cl"),
        x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.8321.2"), ia5("60803000-K")),
    ]
    cert = load_pfx(build_pfx(key, build_cert(key, san=san, serial_text="9.999.999-3")), PASSWORD)
    assert cert.holder_rut == Rut("9999999-3")


def test_a_utf8_or_explicitly_tagged_san_value_is_read() -> None:
    key = rsa_key()
    utf8 = x509.OtherName(x509.ObjectIdentifier(RUT_OTHER_NAME_OID), b"\x0c\x0a13185095-6")
    tagged = x509.OtherName(
        x509.ObjectIdentifier(RUT_OTHER_NAME_OID), b"\xa0\x0c" + ia5("13185095-6")
    )
    for other in (utf8, tagged):
        cert = load_pfx(build_pfx(key, build_cert(key, san=[other])), PASSWORD)
        assert cert.holder_rut == Rut("13185095-6")


def test_a_certificate_with_two_subject_alt_names_loads_its_rut_from_the_serial_number() -> None:
    # cryptography refuses to read the extensions of a certificate that repeats one, with its
    # own DuplicateExtension, which load_pfx let escape untyped.
    from haulmer.pfx import holder_rut_of

    key = rsa_key()
    names = [rut_san("76795561-8")]
    subject = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, "13185095-6")])
    der = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(5)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.IssuerAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    issuer_alt_name, subject_alt_name = b"\x06\x03\x55\x1d\x12", b"\x06\x03\x55\x1d\x11"
    assert der.count(issuer_alt_name) == 1
    repeated = der.replace(issuer_alt_name, subject_alt_name)
    assert holder_rut_of(x509.load_der_x509_certificate(repeated)) == Rut("13185095-6")

    original = x509.load_der_x509_certificate(der)
    pfx = without_mac(
        pkcs12.serialize_key_and_certificates(
            b"firma", key, original, None, serialization.NoEncryption()
        )
    )
    loaded = load_pfx(pfx.replace(der, repeated), None)
    assert loaded.holder_rut == Rut("13185095-6")


def test_an_unreadable_san_rut_falls_back_to_the_serial_number() -> None:
    key = rsa_key()
    cert_obj = build_cert(key, san=[rut_san("not a rut")], serial_text="13185095-6")
    assert load_pfx(build_pfx(key, cert_obj), PASSWORD).holder_rut == Rut("13185095-6")


# -- what a Certificate exposes -----------------------------------------------------------------


def test_a_certificate_built_from_a_key_and_certificate_that_do_not_match_is_refused() -> None:
    # Certificate(cert, key) from PEM files took a key of another certificate (or an EC key,
    # or a PEM text) and signed with it, every signature then failing at the SII.
    key = rsa_key()
    cert = build_cert(key)
    assert Certificate(cert, key).key_size == 2048
    with pytest.raises(CertificateError, match="does not belong") as caught:
        Certificate(cert, rsa_key(1))
    assert caught.value.reason == "key_mismatch"
    with pytest.raises(CertificateError) as caught:
        Certificate(build_cert(ec_key()), ec_key())
    assert caught.value.reason == "key_not_rsa"
    pem = cert.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(TypeError, match=r"x509\.load_pem_x509_certificate"):
        Certificate(pem, key)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="load_pem_private_key"):
        Certificate(cert, b"-----BEGIN PRIVATE KEY-----")  # type: ignore[arg-type]


def _prime(start: int) -> int:
    """The first prime from ``start`` (Miller-Rabin with fixed bases: enough for a test key)."""
    candidate = start | 1
    while True:
        d, r = candidate - 1, 0
        while d % 2 == 0:
            d, r = d // 2, r + 1
        for base in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
            x = pow(base, d, candidate)
            if x in (1, candidate - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, candidate)
                if x == candidate - 1:
                    break
            else:
                break
        else:
            return candidate
        candidate += 2


@cache
def rsa_512_key() -> rsa.RSAPrivateKey:
    """A 512-bit RSA key, which cryptography loads but will not generate."""
    p, q = _prime(2**256 - 2**200), _prime(2**256 - 2**190)
    e = 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    return numbers.private_key()


def test_a_signature_with_a_512_bit_key_is_refused_saying_what_to_ask_for() -> None:
    """A 512-bit RSA key can be factored in hours; no document the SII accepted carries a
    signing key under 1024 bits, and cryptography would sign with it without a word."""
    key = rsa_512_key()
    assert key.key_size == 512
    cert = build_cert(key)
    with pytest.raises(CertificateError, match="512-bit") as caught:
        Certificate(cert, key)
    assert caught.value.reason == "key_too_small"
    assert "1024" in str(caught.value)
    assert reason_of(build_pfx(key, cert)) == "key_too_small"


def test_a_1024_bit_key_still_signs() -> None:
    key = rsa_key(2, 1024)
    assert Certificate(build_cert(key), key).key_size == 1024


def test_certificate_exposes_names_dates_and_serial() -> None:
    key = rsa_key()
    cert_obj = build_cert(key, serial_text="13185095-6", common_name="MARÍA PÉREZ")
    cert = load_pfx(build_pfx(key, cert_obj), PASSWORD)
    assert cert.subject_name == "serialNumber=13185095-6,CN=MARÍA PÉREZ,C=CL"
    assert cert.issuer_name == "CN=TEST CA"
    assert cert.common_name == "MARÍA PÉREZ"
    assert cert.serial_number == 123456789
    assert cert.not_before == NOW - dt.timedelta(days=1)
    assert cert.not_after == NOW + dt.timedelta(days=365)
    assert cert.not_before.tzinfo is not None
    assert cert.not_after.utcoffset() == dt.timedelta(0)
    assert cert.x509 == cert_obj


def test_key_size_reports_the_modulus_bits() -> None:
    assert load_pfx(build_pfx(rsa_key(), build_cert(rsa_key())), PASSWORD).key_size == 2048
    small = rsa_key(0, 1024)
    assert load_pfx(build_pfx(small, build_cert(small)), PASSWORD).key_size == 1024


def test_encodings_and_fingerprints_describe_the_same_certificate() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    der = cert.certificate_der
    assert x509.load_der_x509_certificate(der) == cert.x509
    assert x509.load_pem_x509_certificate(cert.certificate_pem) == cert.x509
    assert cert.certificate_pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert cert.sha1_fingerprint == ":".join(f"{b:02X}" for b in hashlib.sha1(der).digest())
    assert cert.sha256_fingerprint.replace(":", "").lower() == hashlib.sha256(der).hexdigest()


def test_sign_sha1_is_rsa_pkcs1v15_sha1_verifiable_with_the_public_key() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    signature = cert.sign_sha1(b"<SignedInfo/>")
    assert len(signature) == 256
    cert.public_key.verify(signature, b"<SignedInfo/>", padding.PKCS1v15(), hashes.SHA1())
    assert cert.sign_sha1(b"<SignedInfo/>") == signature  # PKCS#1 v1.5 is deterministic
    cert.x509.public_key().verify(  # type: ignore[union-attr, call-arg]
        signature,
        b"<SignedInfo/>",
        padding.PKCS1v15(),  # type: ignore[arg-type]
        hashes.SHA1(),  # type: ignore[arg-type]
    )


def test_private_key_is_the_one_in_the_file() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert cert.private_key.private_numbers() == key.private_numbers()
    assert cert.public_key.public_numbers() == key.public_key().public_numbers()


def test_a_certificate_cannot_be_pickled() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    with pytest.raises(TypeError, match="private key") as refused:
        pickle.dumps(cert)
    assert "load_pfx(path, password) in the process that signs" in str(refused.value)


def test_a_certificate_copies_as_itself_and_writes_no_key() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert copy.copy(cert) is cert
    assert copy.deepcopy({"firma": cert})["firma"] is cert  # in a settings dict deep-copied


# -- inputs ---------------------------------------------------------------------------------------


def test_loads_from_a_path_given_as_str_or_pathlike(tmp_path: Path) -> None:
    key = rsa_key()
    path = tmp_path / "firma.pfx"
    path.write_bytes(build_pfx(key, build_cert(key, san=[rut_san("13185095-6")])))
    assert load_pfx(path, PASSWORD).holder_rut == Rut("13185095-6")
    assert load_pfx(str(path), PASSWORD).holder_rut == Rut("13185095-6")


def test_password_may_be_bytes() -> None:
    key = rsa_key()
    assert load_pfx(build_pfx(key, build_cert(key)), PASSWORD.encode()).key_size == 2048


def test_a_file_without_password_opens_with_none_or_empty() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key), password=None)
    assert load_pfx(data, None).key_size == 2048
    assert load_pfx(data, "").key_size == 2048
    assert load_pfx(data, b"").key_size == 2048


def _pfx_with_password_bytes(secret: bytes, algorithm: pkcs12.PBES) -> bytes:
    """A .pfx whose password OpenSSL 3 reads from ``secret`` (UTF-8), encrypted with
    ``algorithm`` (3DES as Chilean CAs and Windows export, or AES-256)."""
    key = rsa_key()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(algorithm)
        .hmac_hash(
            hashes.SHA1()
            if algorithm is pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC
            else hashes.SHA256()
        )
        .build(secret)
    )
    return pkcs12.serialize_key_and_certificates(b"firma", key, build_cert(key), None, encryption)


_LEGACY_AND_MODERN = [
    pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC,
    pkcs12.PBES.PBESv2SHA256AndAES256CBC,
]


@pytest.mark.parametrize("algorithm", _LEGACY_AND_MODERN)
@pytest.mark.parametrize("password", ["contraseña", "café", "ÑANDÚ 2026"])
def test_a_non_ascii_password_opens_a_pfx_exported_by_windows_or_openssl_3(
    algorithm: pkcs12.PBES, password: str
) -> None:
    # PKCS#12 passwords are Unicode (BMPString): Windows and OpenSSL 3 write "ñ" as U+00F1.
    data = _pfx_with_password_bytes(password.encode("utf-8"), algorithm)
    assert load_pfx(data, password).key_size == 2048
    assert load_pfx(data, password.encode("utf-8")).key_size == 2048


@pytest.mark.parametrize("algorithm", _LEGACY_AND_MODERN)
def test_a_non_ascii_password_given_as_latin1_bytes_opens_the_pfx(algorithm: pkcs12.PBES) -> None:
    # Bytes read from a file a Windows tool saved (Windows-1252/Latin-1) are not UTF-8; read one
    # byte per character, as openssl pkcs12 does, they are the password the holder typed.
    data = _pfx_with_password_bytes("contraseña".encode(), algorithm)
    assert load_pfx(data, "contraseña".encode("latin-1")).key_size == 2048


@pytest.mark.parametrize("algorithm", _LEGACY_AND_MODERN)
@pytest.mark.parametrize("password", ["año–2026", "clave€ñ", "“firma”"])
def test_a_password_given_as_windows_1252_bytes_opens_the_pfx_windows_exported(
    algorithm: pkcs12.PBES, password: str
) -> None:
    # Windows-1252 writes – € “ ” (an en dash a word processor made of "-", say) as bytes
    # 0x80-0x9F, which Latin-1 reads as control characters: such a password file did not open.
    data = _pfx_with_password_bytes(password.encode("utf-8"), algorithm)
    assert load_pfx(data, password.encode("cp1252")).key_size == 2048
    assert reason_of(data, "año-2026".encode("cp1252")) == "wrong_password"


@pytest.mark.parametrize("algorithm", _LEGACY_AND_MODERN)
def test_a_pfx_exported_by_an_old_openssl_from_a_utf8_password_opens_with_that_password(
    algorithm: pkcs12.PBES,
) -> None:
    # OpenSSL before 1.1 took the password's bytes one per character: UTF-8 "ñ" became U+00C3
    # U+00B1. openssl pkcs12 still retries that way; so does load_pfx.
    old_form = "contraseña".encode().decode("latin-1").encode("utf-8")
    data = _pfx_with_password_bytes(old_form, algorithm)
    assert load_pfx(data, "contraseña").key_size == 2048
    assert reason_of(data, "contrasena") == "wrong_password"


def test_an_encrypted_file_does_not_open_without_password() -> None:
    key = rsa_key()
    data = pkcs12.serialize_key_and_certificates(
        b"firma", key, build_cert(key), None, serialization.BestAvailableEncryption(b"x")
    )
    assert reason_of(data, None) == "wrong_password"


@pytest.mark.parametrize("password", [None, "", b""])
def test_a_protected_pfx_given_no_password_says_one_is_needed_not_that_it_is_wrong(
    password: str | bytes | None,
) -> None:
    # It was told "the password does not open this .pfx", though none was given.
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with pytest.raises(CertificateError, match="protected by a password, and none was given") as (
        caught
    ):
        load_pfx(data, password)
    assert caught.value.reason == "wrong_password"
    assert "does not open" not in str(caught.value)


@pytest.mark.parametrize("tail", [b"\n", b"\r\n", b"\x00" * 16], ids=["lf", "crlf", "nul-padding"])
def test_bytes_after_the_pfx_are_left_out_without_a_warning(tail: bytes) -> None:
    # A line break a copy appended, or a field's padding, made cryptography warn (an error
    # under -W error) that it fell back to BER, which "may become an exception".
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_pfx(data + tail, PASSWORD).key_size == 2048


def test_bytearray_and_memoryview_are_read_as_data() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    assert load_pfx(bytearray(data), PASSWORD).key_size == 2048
    assert load_pfx(memoryview(data), PASSWORD).key_size == 2048  # type: ignore[arg-type]


def test_other_input_types_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="bytes or its path"):
        load_pfx(12345, PASSWORD)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "password",
    ["S3cr3t\x00Pa55", b"S3cr3t\x00Pa55", "S3cr3t\x00", "\x00", bytearray(b"S3cr3t\x00Pa55")],
    ids=["str", "bytes", "trailing", "only-nul", "bytearray"],
)
def test_a_password_with_a_nul_is_refused_without_quoting_it(
    password: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    # cryptography panics on a NUL (a BaseException that `except Exception` misses) and prints
    # the password's bytes on stderr; the SDK refuses it first.
    with pytest.raises(CertificateError, match="NUL") as caught:
        load_pfx(data, password)
    assert caught.value.reason == "wrong_password"
    assert "S3cr3t" not in str(caught.value)
    assert "S3cr3t" not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    out, err = capfd.readouterr()
    assert "S3cr3t" not in out + err
    assert "panicked" not in err


def test_a_password_with_a_lone_surrogate_is_refused_without_quoting_it() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with pytest.raises(CertificateError, match="surrogate") as caught:
        load_pfx(data, "S3cr3t\udcff")
    assert caught.value.reason == "wrong_password"
    assert "S3cr3t" not in str(caught.value)
    assert caught.value.__context__ is None


def test_a_password_that_is_neither_text_nor_bytes_is_a_type_error() -> None:
    key = rsa_key()
    with pytest.raises(TypeError, match="password must be a str, bytes or None, got int"):
        load_pfx(build_pfx(key, build_cert(key)), 1234)  # type: ignore[arg-type]


def test_the_certificate_is_found_among_the_extra_ones() -> None:
    key, stranger = rsa_key(), rsa_key(1)
    own = build_cert(key, san=[rut_san("13185095-6")])
    data = build_pfx(key, None, extra=[build_cert(stranger), own])
    assert load_pfx(data, PASSWORD).holder_rut == Rut("13185095-6")


def test_a_renewed_certificate_over_the_same_key_is_chosen_over_the_expired_one() -> None:
    key = rsa_key()
    expired = build_cert(
        key,
        san=[rut_san("13185095-6")],
        not_before=NOW - dt.timedelta(days=800),
        not_after=NOW - dt.timedelta(days=435),
    )
    renewed = build_cert(key, san=[rut_san("13185095-6")], not_after=NOW + dt.timedelta(days=300))
    for main, extra in ((expired, [renewed]), (None, [expired, renewed])):
        loaded = load_pfx(build_pfx(key, main, extra=extra), PASSWORD, at=NOW)
        assert loaded.not_after == renewed.not_valid_after_utc
    # at=None judges no dates: the file's own certificate stays the one read
    assert load_pfx(build_pfx(key, expired, extra=[renewed]), PASSWORD, at=None).not_after == (
        expired.not_valid_after_utc
    )


@pytest.mark.parametrize("password", [PASSWORD, None], ids=["shrouded-keys", "plain-keys"])
def test_a_file_holding_an_expired_signature_and_its_renewal_loads_the_renewal(
    password: str | None,
) -> None:
    # A .p12 holding the expired signature and the renewed one (a new key), as macOS Keychain
    # exports both together, had been refused as expired: only the first key was looked at.
    old_key, new_key = rsa_key(), rsa_key(1)
    expired = build_cert(
        old_key,
        san=[rut_san("13185095-6")],
        not_before=NOW - dt.timedelta(days=800),
        not_after=NOW - dt.timedelta(days=435),
    )
    renewed = build_cert(new_key, san=[rut_san("13185095-6")])
    data = pfx_of_signatures([(old_key, expired), (new_key, renewed)], password)
    loaded = load_pfx(data, password, at=NOW)
    assert loaded.not_after == renewed.not_valid_after_utc
    signature = loaded.sign_sha1(b"<DTE/>")
    new_key.public_key().verify(signature, b"<DTE/>", padding.PKCS1v15(), hashes.SHA1())
    # at=None judges no dates: the file's first signature stays the one read
    assert load_pfx(data, password, at=None).not_after == expired.not_valid_after_utc


def test_a_file_holding_two_valid_signatures_loads_the_first() -> None:
    first_key, second_key = rsa_key(), rsa_key(1)
    first = build_cert(first_key, san=[rut_san("13185095-6")])
    second = build_cert(second_key, san=[rut_san("16477752-9")])
    data = pfx_of_signatures([(first_key, first), (second_key, second)], PASSWORD)
    assert load_pfx(data, PASSWORD).holder_rut == Rut("13185095-6")


def test_a_file_holding_only_expired_signatures_is_refused_as_expired() -> None:
    keys = rsa_key(), rsa_key(1)
    old = [
        build_cert(
            key, not_before=NOW - dt.timedelta(days=800), not_after=NOW - dt.timedelta(days=435)
        )
        for key in keys
    ]
    data = pfx_of_signatures(list(zip(keys, old, strict=True)), PASSWORD)
    assert reason_of(data, at=NOW) == "expired"


def test_a_file_whose_only_certificates_for_its_key_expired_is_still_refused_as_expired() -> None:
    key = rsa_key()
    older = build_cert(
        key, not_before=NOW - dt.timedelta(days=800), not_after=NOW - dt.timedelta(days=435)
    )
    old = build_cert(
        key, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=35)
    )
    assert reason_of(build_pfx(key, older, extra=[old]), at=NOW) == "expired"


# -- every failure reason -------------------------------------------------------------------------


def test_reasons_are_the_documented_stable_strings() -> None:
    assert {r.value for r in CertificateErrorReason} == {
        "file_not_found",
        "file_unreadable",
        "not_pkcs12",
        "wrong_password",
        "no_private_key",
        "no_certificate",
        "key_mismatch",
        "key_not_rsa",
        "expired",
        "not_yet_valid",
        "no_rut",
        "company_rut",
        "key_too_small",
        "password_missing",
        "unreadable_certificate",
        "unsupported_encryption",
    }
    assert CertificateErrorReason.EXPIRED == "expired"
    assert str(CertificateErrorReason.EXPIRED) == "expired"


def test_missing_file(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "nope.pfx") == "file_not_found"


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    assert reason_of(tmp_path) == "file_unreadable"


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", b"\x00" * 64, b"0\x82\x01\x00" + b"\x01" * 300],
    ids=["empty", "text", "zeros", "der-junk"],
)
def test_garbage_is_not_pkcs12(data: bytes) -> None:
    assert reason_of(data) == "not_pkcs12"


def test_more_bytes_than_any_signature_holds_are_refused_unparsed_as_a_larger_file_is() -> None:
    # A signature followed by megabytes of anything had been parsed (with a warning from
    # cryptography about extra data) and accepted; a file of that size is refused unread.
    from haulmer.pfx import MAX_PFX_BYTES

    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    padded = data + b"\x00" * MAX_PFX_BYTES
    for given in (padded, bytearray(padded), memoryview(padded)):
        with pytest.raises(CertificateError, match="more than the 1,048,576") as caught:
            load_pfx(given, PASSWORD)
        assert caught.value.reason == "not_pkcs12"
        assert PASSWORD not in str(caught.value)


def test_a_der_certificate_is_not_pkcs12() -> None:
    key = rsa_key()
    der = build_cert(key).public_bytes(serialization.Encoding.DER)
    assert reason_of(der) == "not_pkcs12"


def test_a_pem_file_is_not_pkcs12_and_the_message_says_so() -> None:
    key = rsa_key()
    pem = build_cert(key).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(CertificateError, match="PEM") as caught:
        load_pfx(pem, PASSWORD)
    assert caught.value.reason == "not_pkcs12"


def without_mac(pfx: bytes) -> bytes:
    """The PKCS#12 with its MacData dropped, as ``openssl pkcs12 -nomac`` writes it."""

    def body(data: bytes, offset: int) -> tuple[int, int]:
        length, start = data[offset + 1], offset + 2
        if length & 0x80:
            count = length & 0x7F
            length, start = int.from_bytes(data[start : start + count], "big"), start + count
        return start, start + length

    start, _ = body(pfx, 0)
    _, version_end = body(pfx, start)
    _, auth_safe_end = body(pfx, version_end)
    inner = pfx[start:auth_safe_end]
    size = len(inner).to_bytes((len(inner).bit_length() + 7) // 8, "big")
    return b"\x30" + bytes([0x80 | len(size)]) + size + inner


def ca_certificate(key: Any) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST CA")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ((b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x03"), "X.509 version"),
        ((b"\x01\x01\xff\x04", b"\x01\x01\x01\x04"), "DER"),
    ],
    ids=["version-4", "ber-boolean"],
)
def test_a_chain_certificate_cryptography_cannot_read_is_named_not_blamed_on_the_password(
    damage: tuple[bytes, bytes], said: str
) -> None:
    # An old CA certificate in the .pfx's chain (an X.509 "v4", a BER boolean) made load_pfx
    # say the password was wrong, or crash with cryptography's InvalidVersion.
    key, ca_key = rsa_key(), rsa_key(1)
    ca = ca_certificate(ca_key)
    der = ca.public_bytes(serialization.Encoding.DER)
    found, replaced = damage
    assert der.count(found) == 1
    pfx = without_mac(
        pkcs12.serialize_key_and_certificates(
            b"firma", key, build_cert(key), [ca], serialization.NoEncryption()
        )
    )
    assert load_pfx(pfx, None).holder_rut is None  # opens before the damage
    damaged = pfx.replace(der, der.replace(found, replaced))
    with pytest.raises(CertificateError, match=said) as caught:
        load_pfx(damaged, None)
    assert caught.value.reason == "unreadable_certificate"
    assert "password" not in str(caught.value).split(";")[0]


@pytest.mark.parametrize(
    "encode",
    [base64.b64encode, base64.encodebytes, lambda data: b"  " + base64.b64encode(data) + b"\r\n"],
    ids=["one-line", "mime-wrapped", "blanks-around"],
)
def test_a_pfx_in_base64_given_as_bytes_is_named_with_how_to_decode_it(
    encode: Callable[[bytes], bytes],
) -> None:
    # The base64 of a .pfx copied from a web form was told to "export your signature as .pfx".
    key = rsa_key()
    text = encode(build_pfx(key, build_cert(key)))
    with pytest.raises(CertificateError, match=r"base64.*b64decode") as caught:
        load_pfx(text, PASSWORD)
    assert caught.value.reason == "not_pkcs12"
    assert text.strip().decode()[:40] not in str(caught.value)


def test_a_pfx_as_a_data_url_is_named_with_how_to_decode_it() -> None:
    # A web form reading the file with FileReader.readAsDataURL sends it this way.
    key = rsa_key()
    encoded = base64.b64encode(build_pfx(key, build_cert(key)))
    for media_type in (b"application/x-pkcs12", b"application/octet-stream"):
        url = b"data:" + media_type + b";base64," + encoded
        with pytest.raises(CertificateError, match=r"data URL.*b64decode") as caught:
            load_pfx(url, PASSWORD)
        assert caught.value.reason == "not_pkcs12"
        assert encoded.decode()[:40] not in str(caught.value)


def test_a_pem_after_openssl_bag_attributes_is_named_a_pem_file() -> None:
    # openssl pkcs12 -nodes writes "Bag Attributes" lines before each PEM block.
    key = rsa_key()
    pem = build_cert(key).public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    exported = b"Bag Attributes\n    localKeyID: 01 02 03\nsubject=CN = JUAN PEREZ\n" + pem
    with pytest.raises(CertificateError, match="PEM") as caught:
        load_pfx(exported, PASSWORD)
    assert caught.value.reason == "not_pkcs12"


def test_a_certificate_alone_is_named_as_lacking_its_private_key() -> None:
    key = rsa_key()
    der = build_cert(key).public_bytes(serialization.Encoding.DER)
    with pytest.raises(CertificateError, match=r"certificate alone.*without its private key"):
        load_pfx(der, PASSWORD)


@pytest.mark.parametrize("missing", [False, True], ids=["existing-file", "missing-file"])
def test_a_path_given_as_bytes_is_named_a_path_saying_to_pass_it_as_text(
    tmp_path: Path, missing: bool
) -> None:
    # A path given as bytes (os.fsencode, a bytes config value) had been refused as "not a
    # PKCS#12 file; export your electronic signature as a .pfx", the file being that very .pfx.
    key = rsa_key()
    path = tmp_path / "firma.pfx"
    if not missing:
        path.write_bytes(build_pfx(key, build_cert(key)))
    with pytest.raises(CertificateError, match=r"file's path.*str or pathlib\.Path") as caught:
        load_pfx(os.fsencode(path), PASSWORD)
    assert caught.value.reason == "not_pkcs12"
    assert str(tmp_path) not in str(caught.value)


def test_bytes_that_are_no_path_are_not_called_one() -> None:
    with pytest.raises(CertificateError) as caught:
        load_pfx(b"S3cr3t-Pa55word!", PASSWORD)
    assert "path" not in str(caught.value)


def test_wrong_password() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    assert reason_of(data, "wrong") == "wrong_password"
    assert reason_of(data, None) == "wrong_password"


def test_a_chain_certificate_with_a_key_cryptography_does_not_know_leaves_the_signer_loading() -> (
    None
):
    # Looking for the key's certificate, load_pfx read every certificate's public key, and one
    # of an algorithm cryptography does not know escaped as its UnsupportedAlgorithm.
    key, ca_key = rsa_key(), rsa_key(1)
    ca = ca_certificate(ca_key)
    der = ca.public_bytes(serialization.Encoding.DER)
    rsa_encryption = bytes.fromhex("06092a864886f70d010101")
    assert der.count(rsa_encryption) == 1
    unknown = der.replace(rsa_encryption, bytes.fromhex("06092a864886f70d01017f"))
    pfx = without_mac(
        pkcs12.serialize_key_and_certificates(
            b"firma",
            key,
            None,
            [ca, build_cert(key, serial_text="13185095-6")],
            serialization.NoEncryption(),
        )
    )
    loaded = load_pfx(pfx.replace(der, unknown), None)
    assert loaded.holder_rut == Rut("13185095-6")


def test_an_rc2_pfx_where_openssl_lacks_its_legacy_provider_is_not_blamed_on_the_password(
    tmp_path: Path,
) -> None:
    # Windows and old tools encrypt the .pfx with RC2; where cryptography runs without OpenSSL's
    # legacy provider (CRYPTOGRAPHY_OPENSSL_NO_LEGACY, as distributions lacking it require),
    # such a file failed to open as if its password were wrong. Here a 3DES .pfx relabelled RC2
    # (the labels are plain in the file) stands in: no OpenSSL decrypts it.
    key = rsa_key()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .build(PASSWORD.encode())
    )
    data = pkcs12.serialize_key_and_certificates(b"firma", key, build_cert(key), None, encryption)
    triple_des, rc2_40 = (
        bytes.fromhex("060a2a864886f70d010c0103"),
        bytes.fromhex("060a2a864886f70d010c0106"),
    )
    assert triple_des in data
    relabelled = tmp_path / "firma.pfx"
    relabelled.write_bytes(data.replace(triple_des, rc2_40))
    assert reason_of(relabelled) == "wrong_password"  # the legacy provider is loaded here

    script = (
        "import sys\n"
        "from haulmer.errors import CertificateError\n"
        "from haulmer.pfx import load_pfx\n"
        "try:\n"
        "    load_pfx(sys.argv[1], sys.argv[2])\n"
        "except CertificateError as error:\n"
        "    print(error.reason, error, sep='|')\n"
    )
    environment = {**os.environ, "CRYPTOGRAPHY_OPENSSL_NO_LEGACY": "1"}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parents[1] / "src"), environment.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(relabelled), PASSWORD],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=60,
    )
    reason, message = done.stdout.strip().split("|", 1)
    assert reason == "unsupported_encryption"
    assert "RC2" in message
    assert "legacy provider" in message
    assert PASSWORD not in message


def test_an_rc2_pfx_without_the_legacy_provider_is_told_so_by_a_cryptography_before_43(
    tmp_path: Path,
) -> None:
    """cryptography 42, the lowest the package takes, has no RC2 to try (it came in 43 with
    ``hazmat.decrepit``), and such a .pfx was blamed on its password there."""
    key = rsa_key()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .build(PASSWORD.encode())
    )
    data = pkcs12.serialize_key_and_certificates(b"firma", key, build_cert(key), None, encryption)
    relabelled = tmp_path / "firma.pfx"
    relabelled.write_bytes(
        data.replace(
            bytes.fromhex("060a2a864886f70d010c0103"), bytes.fromhex("060a2a864886f70d010c0106")
        )
    )
    script = (
        "import sys\n"
        "import builtins\n"
        "plain_import = builtins.__import__\n"
        "def before_43(name, globals=None, locals=None, fromlist=(), level=0):\n"
        "    if 'RC2' in (fromlist or ()):  # cryptography before 43 has no RC2 to import\n"
        "        raise ImportError(name)\n"
        "    return plain_import(name, globals, locals, fromlist, level)\n"
        "builtins.__import__ = before_43\n"
        "from haulmer.errors import CertificateError\n"
        "from haulmer.pfx import load_pfx\n"
        "try:\n"
        "    load_pfx(sys.argv[1], sys.argv[2])\n"
        "except CertificateError as error:\n"
        "    print(error.reason, error, sep='|')\n"
    )
    environment = {**os.environ, "CRYPTOGRAPHY_OPENSSL_NO_LEGACY": "1"}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parents[1] / "src"), environment.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script, str(relabelled), PASSWORD],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=60,
    )
    reason, message = done.stdout.strip().split("|", 1)
    assert reason == "unsupported_encryption"
    assert "legacy provider" in message
    assert PASSWORD not in message


def test_a_password_given_for_a_pfx_without_one_says_the_file_has_none() -> None:
    # It was told the password did not open the file, sending its holder after the password.
    key = rsa_key()
    bare = build_pfx(key, build_cert(key), password=None)
    assert load_pfx(bare, None).key_size == 2048
    with pytest.raises(CertificateError, match=r"not protected by a password.*password=None") as (
        caught
    ):
        load_pfx(bare, PASSWORD)
    assert caught.value.reason == "wrong_password"
    assert PASSWORD not in str(caught.value)


def test_a_password_given_for_a_pfx_without_one_or_a_mac_says_the_file_has_none() -> None:
    # A .pfx with neither encryption nor MAC (openssl pkcs12 -keypbe NONE -certpbe NONE -nomac)
    # opened with any password at all, so a password it does not have was taken without a word.
    key = rsa_key()
    bare = pfx_of_signatures([(key, build_cert(key))], None)
    assert load_pfx(bare, None).key_size == 2048
    assert load_pfx(bare, "").key_size == 2048
    with pytest.raises(CertificateError, match=r"not protected by a password.*password=None") as (
        caught
    ):
        load_pfx(bare, PASSWORD)
    assert caught.value.reason == "wrong_password"
    assert PASSWORD not in str(caught.value)


def test_a_pfx_without_a_mac_whose_key_is_encrypted_opens_only_with_its_password() -> None:
    key = rsa_key()
    data = pfx_of_signatures([(key, build_cert(key))], PASSWORD)
    assert load_pfx(data, PASSWORD).key_size == 2048
    assert reason_of(data, "another-password") == "wrong_password"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (PASSWORD + "\n", "ends with a line break"),
        (PASSWORD + "\r\n", "ends with a line break"),
        ((PASSWORD + "\n").encode(), "ends with a line break"),
        (" " + PASSWORD + " ", "starts or ends with blanks"),
    ],
)
def test_a_password_read_with_its_line_break_is_refused_saying_to_strip_it(
    given: str | bytes, said: str
) -> None:
    # a password file (a Docker secret, an .env line) read whole keeps its last line break
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with pytest.raises(CertificateError, match=said) as caught:
        load_pfx(data, given)
    assert caught.value.reason == "wrong_password"
    assert "strip()" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert "S3cr3t" not in repr(caught.value)


@pytest.mark.parametrize(
    "given",
    [
        "\ufeff" + PASSWORD,
        "\ufeff" + PASSWORD + "\r\n",
        b"\xef\xbb\xbf" + PASSWORD.encode(),
        b"\xef\xbb\xbf" + PASSWORD.encode() + b"\n",
    ],
    ids=["text", "text-line", "bytes", "bytes-line"],
)
def test_a_password_read_with_notepads_byte_order_mark_is_refused_saying_how_to_read_it(
    given: str | bytes,
) -> None:
    # Notepad saves UTF-8 with a byte order mark, which strip() keeps: the password file read
    # with encoding="utf-8" was told its password did not open the .pfx.
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with pytest.raises(CertificateError, match="byte order mark") as caught:
        load_pfx(data, given)
    assert caught.value.reason == "wrong_password"
    assert "utf-8-sig" in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_a_password_whose_blanks_are_its_own_still_opens_the_file() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key), password=" clave con espacios ")
    assert load_pfx(data, " clave con espacios ").holder_rut is None
    assert reason_of(data, "clave con espacios") == "wrong_password"


def test_a_truncated_file_reads_as_wrong_password_or_damaged() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    with pytest.raises(CertificateError, match="damaged") as caught:
        load_pfx(data[: len(data) // 2], PASSWORD)
    assert caught.value.reason == "wrong_password"


def test_certificate_without_key() -> None:
    data = pkcs12.serialize_key_and_certificates(
        b"firma", None, None, [build_cert(rsa_key())], serialization.BestAvailableEncryption(b"p")
    )
    assert reason_of(data, "p") == "no_private_key"


def test_key_without_certificate() -> None:
    assert reason_of(build_pfx(rsa_key(), None)) == "no_certificate"


def test_key_that_does_not_belong_to_the_certificate() -> None:
    # cryptography refuses to pair them as key+cert, so the stranger rides as an extra certificate.
    data = build_pfx(rsa_key(), None, extra=[build_cert(rsa_key(1))])
    assert reason_of(data) == "key_mismatch"


def test_ec_key() -> None:
    key = ec_key()
    with pytest.raises(CertificateError, match="RSA") as caught:
        load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert caught.value.reason == "key_not_rsa"


def test_a_dsa_key_is_refused_as_not_rsa_without_a_deprecation_warning() -> None:
    """Newer cryptography warns when its ``dsa.DSAPrivateKey`` is read, which ``-W error``
    makes an exception: every Certificate checked its key against it, RSA keys included."""
    import warnings

    from cryptography.hazmat.primitives.asymmetric import dsa

    from haulmer.pfx import Certificate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # making the test's DSA key may warn; the SDK may not
        dsa_key = dsa.generate_private_key(key_size=2048)
    key = rsa_key()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Certificate(build_cert(key), key).key_size == 2048
        with pytest.raises(CertificateError, match="a DSA key") as caught:
            Certificate(build_cert(key), dsa_key)
    assert caught.value.reason == "key_not_rsa"


def test_expired_certificate_is_refused_when_a_moment_is_given() -> None:
    key = rsa_key()
    data = build_pfx(
        key,
        build_cert(
            key, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1)
        ),
    )
    with pytest.raises(CertificateError, match="expired on") as caught:
        load_pfx(data, PASSWORD, at=NOW)
    assert caught.value.reason == CertificateErrorReason.EXPIRED


def test_an_expired_certificate_is_refused_by_default_where_it_is_loaded() -> None:
    key = rsa_key()
    expired = datetime_now() - dt.timedelta(days=1)
    data = build_pfx(
        key, build_cert(key, not_before=expired - dt.timedelta(days=400), not_after=expired)
    )
    with pytest.raises(CertificateError, match="expired on") as caught:
        load_pfx(data, PASSWORD)
    assert caught.value.reason == CertificateErrorReason.EXPIRED
    # at=None is the explicit way to read an old signature without judging its dates
    assert load_pfx(data, PASSWORD, at=None).not_after < datetime_now()


def test_a_not_yet_valid_certificate_is_refused_by_default() -> None:
    key = rsa_key()
    start = datetime_now() + dt.timedelta(days=2)
    data = build_pfx(key, build_cert(key, not_before=start, not_after=start + dt.timedelta(days=1)))
    with pytest.raises(CertificateError) as caught:
        load_pfx(data, PASSWORD)
    assert caught.value.reason == CertificateErrorReason.NOT_YET_VALID


def test_load_pfx_at_must_be_a_datetime_or_none() -> None:
    key = rsa_key()
    with pytest.raises(TypeError, match="at= must be"):
        load_pfx(build_pfx(key, build_cert(key)), PASSWORD, at="2026-01-01")  # type: ignore[arg-type]


def datetime_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def test_not_yet_valid_certificate_is_refused_when_a_moment_is_given() -> None:
    key = rsa_key()
    start = NOW + dt.timedelta(days=2)
    data = build_pfx(key, build_cert(key, not_before=start, not_after=start + dt.timedelta(days=1)))
    assert reason_of(data, at=NOW) == "not_yet_valid"
    assert load_pfx(data, PASSWORD, at=start + dt.timedelta(hours=1)).not_before == start


def test_check_validity_defaults_to_now_and_returns_the_certificate() -> None:
    key = rsa_key()
    good = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert good.check_validity() is good
    old = load_pfx(
        build_pfx(
            key,
            build_cert(
                key, not_before=NOW - dt.timedelta(days=9), not_after=NOW - dt.timedelta(days=2)
            ),
        ),
        PASSWORD,
        at=None,
    )
    with pytest.raises(CertificateError) as caught:
        old.check_validity()
    assert caught.value.reason == "expired"


def test_is_valid_at_includes_both_ends_and_needs_an_aware_datetime() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key)), PASSWORD)
    assert cert.is_valid_at(cert.not_before)
    assert cert.is_valid_at(cert.not_after)
    assert not cert.is_valid_at(cert.not_after + dt.timedelta(seconds=1))
    assert not cert.is_valid_at(cert.not_before - dt.timedelta(seconds=1))
    santiago = dt.timezone(dt.timedelta(hours=-3))
    assert cert.is_valid_at(NOW.astimezone(santiago))
    with pytest.raises(TypeError, match="datetime"):
        cert.is_valid_at(dt.date(2026, 1, 1))  # type: ignore[arg-type]


def test_a_naive_datetime_is_a_validation_error_saying_to_pass_an_aware_one() -> None:
    key = rsa_key()
    data = build_pfx(key, build_cert(key))
    cert = load_pfx(data, PASSWORD)
    naive = dt.datetime(2026, 1, 1)
    with pytest.raises(ValidationError, match=r"is_valid_at\(when\) must be an aware datetime"):
        cert.is_valid_at(naive)
    with pytest.raises(ValidationError, match=r"at= must be an aware datetime") as caught:
        cert.check_validity(naive)
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, CertificateError)
    assert "timezone.utc" in str(caught.value)


def test_load_pfx_refuses_a_naive_at_before_reading_anything() -> None:
    with pytest.raises(ValidationError, match=r"at= must be an aware datetime"):
        load_pfx(b"not a pfx at all", PASSWORD, at=dt.datetime(2026, 1, 1))


def test_certificate_error_is_a_validation_error_with_a_reason() -> None:
    with pytest.raises(ValidationError) as caught:
        load_pfx(b"junk", PASSWORD)
    assert isinstance(caught.value, CertificateError)
    assert isinstance(caught.value, ValueError)


# -- secrets ---------------------------------------------------------------------------------


def _failures() -> list[CertificateError]:
    key = rsa_key()
    good = build_pfx(key, build_cert(key))
    old = build_pfx(
        key,
        build_cert(
            key, not_before=NOW - dt.timedelta(days=9), not_after=NOW - dt.timedelta(days=2)
        ),
    )
    cases: list[tuple[Any, Any, dict[str, Any]]] = [
        (good, PASSWORD + "x", {}),
        (b"junk", PASSWORD, {}),
        (build_pfx(key, None), PASSWORD, {}),
        (build_pfx(key, None, extra=[build_cert(rsa_key(1))]), PASSWORD, {}),
        (build_pfx(ec_key(), build_cert(ec_key())), PASSWORD, {}),
        (old, PASSWORD, {"at": NOW}),
    ]
    errors = []
    for data, password, kwargs in cases:
        with pytest.raises(CertificateError) as caught:
            load_pfx(data, password, **kwargs)
        errors.append(caught.value)
    return errors


def test_no_message_or_repr_contains_the_password() -> None:
    for error in _failures():
        for text in (str(error), repr(error), repr(error.args)):
            assert PASSWORD not in text
            assert "S3cr3t" not in text


def _sdk_frames_showing(error: BaseException, *secrets: str) -> list[str]:
    """The SDK's frames along ``error``'s traceback (and what it chains) with a local whose repr
    shows a secret, as an error tracker recording locals (Sentry, rich tracebacks) sees them."""
    found, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
                for name, value in tb.tb_frame.f_locals.items():
                    if any(secret in repr(value) for secret in secrets):
                        found.append(f"{tb.tb_frame.f_code.co_name}: {name}")
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return found


def test_the_frames_of_a_refused_pfx_keep_neither_its_password_nor_its_bytes() -> None:
    pfx_text = repr(build_pfx(rsa_key(), build_cert(rsa_key())))[40:90]
    for error in _failures():
        assert _sdk_frames_showing(error, PASSWORD, pfx_text, "S3cr3t") == []


def test_messages_say_what_to_do() -> None:
    for error in _failures():
        assert len(str(error)) > 40
        assert ";" in str(error)  # what is wrong; what to do


def test_repr_and_str_hold_no_key_material() -> None:
    key = rsa_key()
    cert = load_pfx(build_pfx(key, build_cert(key, san=[rut_san("13185095-6")])), PASSWORD)
    numbers = key.private_numbers()
    for text in (repr(cert), str(cert)):
        assert "13185095-6" in text
        assert "JUAN PEREZ" in text
        assert PASSWORD not in text
        for secret in (numbers.d, numbers.p, numbers.q, numbers.public_numbers.n):
            assert str(secret) not in text
            assert f"{secret:x}" not in text.lower()
        assert "PRIVATE KEY" not in text


def test_certificate_is_the_public_type() -> None:
    key = rsa_key()
    assert isinstance(load_pfx(build_pfx(key, build_cert(key)), PASSWORD), Certificate)


def test_a_legacy_triple_des_sha1_file_loads() -> None:
    # What older Windows and CA tools export: PBES1 3DES encryption with a SHA-1 MAC.
    key = rsa_key()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(PASSWORD.encode())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"firma", key, build_cert(key, san=[rut_san("13185095-6")]), None, encryption
    )
    assert load_pfx(data, PASSWORD).holder_rut == Rut("13185095-6")
    assert reason_of(data, "nope") == "wrong_password"


@pytest.mark.parametrize("wrapped", [False, True])
def test_pfx_contents_passed_as_a_path_are_never_echoed(wrapped: bool) -> None:
    import base64

    key = rsa_key()
    encoded = base64.encodebytes(build_pfx(key, build_cert(key))).decode()
    text = encoded if wrapped else encoded.replace("\n", "")
    with pytest.raises(CertificateError) as caught:
        load_pfx(text, PASSWORD)
    assert caught.value.reason in ("file_not_found", "file_unreadable")
    message = str(caught.value)
    assert "pass its bytes" in message
    assert text[:40] not in message
    assert len(message) < 300
    # Nor does the OSError that names it (its filename) stay behind as the error's context.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


@pytest.mark.parametrize("around", ["{}\n", "{}\r\n", " {} "], ids=["lf", "crlf", "blanks"])
def test_a_path_read_with_its_line_break_says_to_strip_it(tmp_path: Path, around: str) -> None:
    # A path read from a file or an .env line keeps its line break; it was told it might be
    # the .pfx itself in base64, or the password.
    path = tmp_path / "firma.pfx"
    key = rsa_key()
    path.write_bytes(build_pfx(key, build_cert(key)))
    with pytest.raises(CertificateError, match=r"path\.strip\(\)") as caught:
        load_pfx(around.format(path), PASSWORD)
    assert caught.value.reason == "file_not_found"
    assert repr(str(path)) in str(caught.value)
    assert "base64" not in str(caught.value)


def test_a_password_given_where_the_pfx_goes_is_not_quoted_as_a_path() -> None:
    """load_pfx(password, data), the two swapped: a text with no folder and no file extension
    is named by its length and the order of the two is recalled."""
    with pytest.raises(CertificateError) as caught:
        load_pfx(PASSWORD, b"not the password")
    assert caught.value.reason == "file_not_found"
    message = str(caught.value)
    assert PASSWORD not in message
    assert "S3cr3t" not in repr(caught.value.args)
    assert "may be the password" in message
    assert "load_pfx(data_or_path, password)" in message


@pytest.mark.parametrize(
    "missing", ["firma.pfx", "firma.P12", "certs/firma", "./firma", "C:\\firmas\\ana"]
)
def test_a_missing_file_named_as_a_path_is_still_quoted(missing: str, tmp_path: Path) -> None:
    with pytest.raises(CertificateError) as caught:
        load_pfx(missing, PASSWORD)
    assert repr(missing) in str(caught.value)
    with pytest.raises(CertificateError) as as_path:
        load_pfx(tmp_path / "firma", PASSWORD)  # a Path is never a password
    assert "firma" in str(as_path.value)


def test_a_path_with_a_nul_byte_is_unreadable() -> None:
    assert reason_of("firma\0.pfx") == "file_unreadable"
