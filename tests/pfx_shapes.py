"""PKCS#12 files in shapes ``cryptography`` does not write (several signatures in one file, no
MAC), built from DER by hand as other tools write them (macOS Keychain, ``openssl -nomac``)."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def pfx_of_signatures(
    pairs: Sequence[tuple[rsa.RSAPrivateKey, x509.Certificate]], password: str | None
) -> bytes:
    """A .p12 holding several signatures, each a key and its certificate, in this order, as
    macOS Keychain exports the identities chosen together (no MAC: cryptography writes no such
    file; the keys shrouded with ``password``)."""
    data_oid = bytes.fromhex("06092a864886f70d010701")
    bags = []
    for key, cert in pairs:
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        x509_cert_oid = bytes.fromhex("060a2a864886f70d01091601")
        cert_value = _der(0xA0, _der(0x30, x509_cert_oid + _der(0xA0, _der(0x04, cert_der))))
        bags.append(_der(0x30, bytes.fromhex("060b2a864886f70d010c0a0103") + cert_value))
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password.encode())
            if password
            else serialization.NoEncryption()
        )
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, encryption
        )
        bag_oid = "060b2a864886f70d010c0a01" + ("02" if password else "01")
        bags.append(_der(0x30, bytes.fromhex(bag_oid) + _der(0xA0, key_der)))
    safe = _der(0x30, b"".join(bags))
    authenticated = _der(0x30, _der(0x30, data_oid + _der(0xA0, _der(0x04, safe))))
    auth_safe = _der(0x30, data_oid + _der(0xA0, _der(0x04, authenticated)))
    return _der(0x30, b"\x02\x01\x03" + auth_safe)
