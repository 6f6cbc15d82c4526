"""Independent verifiers as oracles: signxml and xmlsec1 accept what the SDK signs, the SDK
accepts what signxml signs with the SII profile, and they agree on tampered documents."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, parse, verify
from haulmer.sii._xml import DSIG_NS
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, REAL_DTES, SIGNED_AT, TYPES

signxml = pytest.importorskip("signxml")

CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
)
_SIGNATURE = re.compile(rb"<Signature xmlns=\"[^\"]*\">.*</Signature>", re.S)


def signxml_verify(xml: bytes, *, certificate_pem: bytes | None = None, at: dt.datetime) -> Any:
    """signxml's verification of the one signature that is a child of the root, SII profile."""
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True  # the lxml subtree C14N bug (signxml#193)
    root = etree.fromstring(xml)
    signature = root.find(f"{{{DSIG_NS}}}Signature")
    assert signature is not None
    return verifier.verify(
        root,
        x509_cert=certificate_pem.decode("ascii") if certificate_pem else None,
        expect_config=SignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
            require_x509=certificate_pem is None,
        ),
        ignore_ambiguous_key_info=True,
        id_attribute="ID",
        verification_time=at.replace(tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    )


def signxml_sign(unsigned_dte: bytes, certificate: Certificate, reference_id: str) -> bytes:
    """Sign a DTE with signxml the way the SII's profile asks: a detached Signature beside the
    Documento, inclusive C14N 1.0, RSA-SHA1, SHA-1, KeyValue and X509Certificate."""
    from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner
    from signxml.signer import SignatureConstructionMethod

    class SiiSigner(XMLSigner):  # type: ignore[misc]
        def check_deprecated_methods(self) -> None:
            """The SII requires SHA-1; signxml refuses it unless told otherwise."""

    signer = SiiSigner(
        method=SignatureConstructionMethod.detached,
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    signer.namespaces = {None: DSIG_NS}
    root = etree.fromstring(unsigned_dte)
    signature = signer.sign(
        root,
        key=certificate.private_key,
        cert=[certificate.x509],
        reference_uri=f"#{reference_id}",
        id_attribute="ID",
        always_add_key_value=True,
    )
    root.append(signature)
    return bytes(etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True))


def _unsigned(xml: bytes) -> bytes:
    return _SIGNATURE.sub(b"", xml, count=1)


# -- what the SDK signs, the oracles accept -------------------------------------------------------


@pytest.mark.parametrize("tipo", TYPES)
def test_documents_signed_by_the_sdk_verify_with_signxml_and_xmlsec1(
    tipo: int, issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    xml = issued[tipo]
    result = signxml_verify(xml, certificate_pem=certificate.certificate_pem, at=SIGNED_AT)
    assert result.signed_xml.get("ID") == f"F1T{tipo}"
    oracle = xmlsec1_verify(
        xml, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode == 0, oracle.stderr


@pytest.mark.parametrize("kinds", [(33, 34, 46, 52, 56, 61), (39, 41)], ids=["dte", "boleta"])
def test_envelopes_signed_by_the_sdk_verify_with_xmlsec1(
    kinds: tuple[int, ...], issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    envio = envelope(
        [issued[t] for t in kinds], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    # signxml checks the first Signature in document order (a DTE's, which the SII's recipe signs
    # standalone), so xmlsec1, which can be pointed at the envelope's, is the oracle here.
    assert verify(envio).ok
    oracle = xmlsec1_verify(
        envio,
        tmp_path,
        id_attr="SetDTE",
        certificate_pem=certificate.certificate_pem,
        node_xpath="/*/*[local-name()='Signature']",
    )
    assert oracle.returncode == 0, oracle.stderr


# -- what signxml signs with the SII profile, the SDK accepts -------------------------------------


@pytest.mark.parametrize("tipo", TYPES)
def test_documents_signed_by_signxml_with_the_sii_profile_verify_with_the_sdk(
    tipo: int, issued: dict[int, bytes], certificate: Certificate
) -> None:
    signed = signxml_sign(_unsigned(issued[tipo]), certificate, f"F1T{tipo}")
    assert signed != issued[tipo]
    result = verify(signed)
    assert result.ok, str(result)
    assert parse(signed) == parse(issued[tipo])


def test_a_document_signed_by_signxml_and_then_tampered_fails_everywhere(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    signed = signxml_sign(_unsigned(issued[33]), certificate, "F1T33")
    tampered = re.sub(rb"<MntTotal>\d+</MntTotal>", b"<MntTotal>1</MntTotal>", signed, count=1)
    assert {f.check for f in verify(tampered).failures} >= {"digest"}
    with pytest.raises(signxml.exceptions.InvalidSignature):
        signxml_verify(tampered, certificate_pem=certificate.certificate_pem, at=SIGNED_AT)
    oracle = xmlsec1_verify(
        tampered, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode != 0


# -- the real documents: the oracles and the SDK agree --------------------------------------------


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_documents_verify_with_signxml_and_the_sdk(path: Path) -> None:
    xml = path.read_bytes()
    if b"MiPE" in xml:  # MiPyme files lost the xmlns they were signed with
        xml = xml.replace(
            b'<DTE version="1.0">', b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0">', 1
        )
    stamp = re.search(rb"<TmstFirma>([^<]+)</TmstFirma>", xml)
    assert stamp is not None
    at = dt.datetime.fromisoformat(stamp.group(1).decode())
    # No CA list is bundled: the document's own certificate is the trust anchor, as in verify().
    der = re.search(rb"<X509Certificate>(.*?)</X509Certificate>", xml, re.S)
    assert der is not None
    pem = (
        b"-----BEGIN CERTIFICATE-----\n"
        + b"".join(der.group(1).split())
        + b"\n-----END CERTIFICATE-----\n"
    )
    signxml_verify(xml, certificate_pem=pem, at=at)
    assert verify(xml).ok


@pytest.mark.parametrize(
    "change",
    [
        (rb"<MntTotal>(\d+)</MntTotal>", rb"<MntTotal>\g<1>1</MntTotal>"),
        (rb"<Detalle>", rb'<Detalle xmlns="urn:other">'),
        (rb"<RznSocRecep>", rb"<RznSocRecep>X"),
    ],
    ids=["amount", "foreign-namespace", "name"],
)
@pytest.mark.parametrize("tipo", [33, 61])
def test_the_sdk_and_xmlsec1_agree_on_tampered_documents(
    tipo: int,
    change: tuple[bytes, bytes],
    issued: dict[int, bytes],
    certificate: Certificate,
    tmp_path: Path,
) -> None:
    tampered = re.sub(change[0], change[1], issued[tipo], count=1)
    assert tampered != issued[tipo]
    oracle = xmlsec1_verify(
        tampered, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode != 0
    assert "digest" in {f.check for f in verify(tampered).failures}
