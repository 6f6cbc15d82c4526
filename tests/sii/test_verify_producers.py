"""verify() and envelope() with DTEs as other conforming signers write them: a ``ds:``-prefixed
Signature (Java's XMLDSig libraries), namespaces declared again below the DTE's root. Each DTE is
signed on its own, as the SII's recipe has it, then put into an envelope byte for byte."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree

from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, parse_all, verify
from haulmer.sii._xml import DSIG_NS, c14n_inclusive
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT
from .resigning import resign_envelope

CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
)
_DS = "{" + DSIG_NS + "}"
_XSI = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def _signed_alone(xml: bytes, certificate: Certificate) -> bytes:
    """``xml`` (a DTE) with its signature made again over the document as it now reads, alone:
    the Documento's and the SignedInfo's inclusive C14N in this very file."""
    root = etree.fromstring(xml)
    signature = root.find(_DS + "Signature")
    assert signature is not None
    signed_info = signature.find(_DS + "SignedInfo")
    digest = signature.find(f"{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    value = signature.find(_DS + "SignatureValue")
    assert signed_info is not None
    assert digest is not None
    assert value is not None
    digest.text = base64.b64encode(hashlib.sha1(c14n_inclusive(root[0])).digest()).decode()
    value.text = base64.b64encode(certificate.sign_sha1(c14n_inclusive(signed_info))).decode()
    return bytes(etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True))


def _with_ds_prefix(xml: bytes) -> bytes:
    """The DTE with its Signature written ``<ds:Signature xmlns:ds=...>``, every part prefixed."""
    start = xml.index(b"<Signature ")
    end = xml.index(b"</Signature>") + len(b"</Signature>")
    signature = xml[start:end].replace(f' xmlns="{DSIG_NS}"'.encode(), b"")
    signature = re.sub(rb"<(/?)([A-Za-z])", rb"<\1ds:\2", signature)
    declared = f'<ds:Signature xmlns:ds="{DSIG_NS}">'.encode()
    signature = signature.replace(b"<ds:Signature>", declared, 1)
    return xml[:start] + signature + xml[end:]


def test_a_dte_with_a_ds_prefixed_signature_verifies_inside_an_envelope(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    # Java's XMLDSig libraries write <ds:Signature>; the DTE is signed alone, where the SII's
    # default namespace is in scope at its SignedInfo, and then goes into the envelope.
    prefixed = _signed_alone(_with_ds_prefix(issued[33]), certificate)
    assert b"<ds:SignedInfo>" in prefixed
    oracle = xmlsec1_verify(
        prefixed, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode == 0, oracle.stderr
    assert verify(prefixed).ok
    envio = envelope([prefixed, issued[61]], certificate=certificate, caratula=CARATULA)
    result = verify(envio)
    assert result.ok, str(result)
    assert parse_all(envio)[0] == parse_all(issued[33])[0]


def test_a_dte_declaring_a_namespace_again_below_its_root_verifies_inside_an_envelope(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # Alone, the Encabezado's xmlns:xsi is part of the Documento's C14N; inside an envelope that
    # declares xmlns:xsi on its root it is not, so the digest is of the DTE as it was alone.
    declaring = _signed_alone(
        issued[33].replace(b"<Encabezado>", b"<Encabezado " + _XSI + b">", 1), certificate
    )
    assert verify(declaring).ok
    envio = envelope([issued[33]], certificate=certificate, caratula=CARATULA)
    lone_body = issued[33].split(b"?>", 1)[1].strip()
    declaring_body = declaring.split(b"?>", 1)[1].strip()
    holding = resign_envelope(
        envio, certificate, lambda xml: xml.replace(lone_body, declaring_body)
    )
    assert declaring_body in holding
    result = verify(holding)
    assert result.ok, str(result)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"<Documento ID", b"<Documento " + _XSI + b" ID"),
        (b"<Encabezado>", b"<Encabezado " + _XSI + b">"),
        (b'<DTE xmlns="http://www.sii.cl/SiiDte"', b"<DTE"),
    ],
    ids=["xsi-on-documento", "xsi-on-encabezado", "sii-namespace-on-documento-only"],
)
def test_an_envelope_of_a_dte_declaring_namespaces_below_its_root_is_signed_as_it_reads(
    issued: dict[int, bytes],
    certificate: Certificate,
    tmp_path: Path,
    before: bytes,
    after: bytes,
) -> None:
    # Inside the SetDTE, a declaration the envelope already makes (xmlns:xsi, the SII's default
    # namespace) is no part of the set's C14N: the envelope's digest must leave it out too.
    edited = issued[33].replace(before, after, 1)
    if before.startswith(b"<DTE"):
        edited = edited.replace(b"<Documento ID", b'<Documento xmlns="http://www.sii.cl/SiiDte" ID')
    declaring = _signed_alone(edited, certificate)
    assert verify(declaring).ok
    envio = envelope([declaring, issued[61]], certificate=certificate, caratula=CARATULA)
    oracle = xmlsec1_verify(
        envio,
        tmp_path,
        id_attr="SetDTE",
        certificate_pem=certificate.certificate_pem,
        node_xpath="/*/*[local-name()='Signature']",
    )
    assert oracle.returncode == 0, oracle.stderr
    result = verify(envio)
    assert result.ok, str(result)


def _pretty(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    etree.indent(root)
    return bytes(etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True))


def _in_utf8(xml: bytes, *, declared: bool) -> bytes:
    return bytes(etree.tostring(etree.fromstring(xml), encoding="UTF-8", xml_declaration=declared))


def _sii_prefixed(xml: bytes) -> bytes:
    """The DTE with its own elements written ``sii:`` (the Signature keeps its default)."""
    start, end = xml.index(b"<DTE "), xml.index(b"<Signature ")
    head = re.sub(rb"<(/?)([A-Za-z])", rb"<\1sii:\2", xml[start:end])
    head = head.replace(
        b'xmlns="http://www.sii.cl/SiiDte"', b'xmlns:sii="http://www.sii.cl/SiiDte"'
    )
    return xml[:start] + head + xml[end:].replace(b"</DTE>", b"</sii:DTE>")


_SCHEMA_LOCATION = b' xsi:schemaLocation="http://www.sii.cl/SiiDte DTE_v10.xsd"'
_AS_IS = lambda xml: xml  # noqa: E731
_VALID_VARIANTS = {  # what the signer signs, and how its file writes the signed document
    "xsi-and-schema-location": (
        lambda xml: xml.replace(b"<DTE ", b"<DTE " + _XSI + _SCHEMA_LOCATION + b" ", 1),
        _AS_IS,
    ),
    "utf-8-declared": (_AS_IS, lambda xml: _in_utf8(xml, declared=True)),
    "utf-8-undeclared": (_AS_IS, lambda xml: _in_utf8(xml, declared=False)),
    "pretty-printed": (_pretty, _AS_IS),
    "pretty-printed-crlf": (_pretty, lambda xml: xml.replace(b"\n", b"\r\n")),
    "comment-and-instruction-in-documento": (
        lambda xml: xml.replace(b"<Detalle>", b"<!-- linea --><?erp linea?><Detalle>", 1),
        _AS_IS,
    ),
    "ds-prefix": (_with_ds_prefix, _AS_IS),
    "ds-declared-on-the-root": (
        lambda xml: (
            _with_ds_prefix(xml)
            .replace(f' xmlns:ds="{DSIG_NS}"'.encode(), b"", 1)
            .replace(b"<DTE ", f'<DTE xmlns:ds="{DSIG_NS}" '.encode(), 1)
        ),
        _AS_IS,
    ),
    "sii-prefix": (_sii_prefixed, _AS_IS),
    "namespace-on-the-documento-only": (
        lambda xml: xml.replace(b'<DTE xmlns="http://www.sii.cl/SiiDte"', b"<DTE", 1).replace(
            b"<Documento ID", b'<Documento xmlns="http://www.sii.cl/SiiDte" ID', 1
        ),
        _AS_IS,
    ),
}


@pytest.mark.parametrize("variant", sorted(_VALID_VARIANTS))
def test_a_dte_as_another_conforming_signer_writes_it_verifies_reads_and_prints_the_same(
    issued: dict[int, bytes], certificate: Certificate, variant: str
) -> None:
    from haulmer.sii.printed.source import read_sources

    signed, written = _VALID_VARIANTS[variant]
    xml = written(_signed_alone(signed(issued[33]), certificate))
    assert xml != issued[33]
    result = verify(xml)
    assert result.ok, str(result)
    assert parse_all(xml) == parse_all(issued[33])
    assert read_sources(xml) == read_sources(issued[33])  # printed facts and timbre bytes
    envio = envelope([xml, issued[61]], certificate=certificate, caratula=CARATULA)
    result = verify(envio)
    assert result.ok, str(result)
    assert parse_all(envio)[0] == parse_all(issued[33])[0]


@pytest.mark.parametrize(
    "declared",
    [_XSI + _SCHEMA_LOCATION, f'xmlns:ds="{DSIG_NS}"'.encode()],
    ids=["xsi-and-schema-location", "ds"],
)
def test_a_dte_signed_without_the_sii_namespace_but_with_another_verifies_inside_an_envelope(
    issued: dict[int, bytes], certificate: Certificate, declared: bytes
) -> None:
    # Signed alone in no namespace, its Documento's C14N carries the root's other declaration;
    # inside the envelope the DTE takes the SII's namespace, which the stripped forms leave out.
    bare = issued[33].replace(b'<DTE xmlns="http://www.sii.cl/SiiDte"', b"<DTE " + declared, 1)
    signed = _signed_alone(bare, certificate)
    assert verify(signed).ok
    envio = envelope([signed, issued[61]], certificate=certificate, caratula=CARATULA)
    result = verify(envio)
    assert result.ok, str(result)
    assert parse_all(envio)[0] == parse_all(issued[33])[0]
    changed = envio.replace(b"<MntTotal>8592</MntTotal>", b"<MntTotal>8593</MntTotal>", 1)
    assert "digest" in {failure.check for failure in verify(changed).failures}
