"""verify() against signature wrapping, foreign namespaces, unreadable certificates, transforms
outside the SII profile, comments in signed content and text that is no XML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from haulmer.errors import XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, parse, parse_all, validate_schema, verify
from haulmer.sii._xml import SII_NS, parse_xml
from haulmer.sii.signature import C14N_10, ENVELOPED
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, FIXTURES, SIGNED_AT
from .resigning import resign, resign_with_transform

CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
)
_DOCUMENTO = re.compile(rb"<Documento .*?</Documento>", re.S)
_XMLNS = f'<DTE xmlns="{SII_NS}" '.encode()


def _reasons(xml: bytes | str) -> list[tuple[str, str]]:
    result = verify(xml)
    assert not result.ok
    return [(f.check, f.reason) for f in result.failures]


def _forged_copy(xml: bytes) -> bytes:
    """The signed Documento with its total changed: what an attacker wants read."""
    documento = _DOCUMENTO.search(xml)
    assert documento is not None
    forged = re.sub(rb"<MntTotal>\d+</MntTotal>", b"<MntTotal>1</MntTotal>", documento.group(0))
    assert forged != documento.group(0)
    return forged


# -- unsigned content beside signed content -------------------------------------------------------


def test_a_second_documento_with_the_same_id_after_the_signed_one_is_refused(
    issued: dict[int, bytes],
) -> None:
    xml = issued[33]
    end = xml.index(b"</Documento>") + len(b"</Documento>")
    wrapped = xml[:end] + _forged_copy(xml) + xml[end:]
    reasons = _reasons(wrapped)
    assert any(check == "structure" and "ID 'F1T33'" in reason for check, reason in reasons)
    assert any("2 Documento" in reason for _, reason in reasons), reasons


def test_a_second_documento_after_the_signature_is_refused(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    wrapped = xml.replace(b"</DTE>", _forged_copy(xml) + b"</DTE>")
    assert "structure" in {check for check, _ in _reasons(wrapped)}


def test_a_documento_hidden_inside_the_signature_is_refused(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    forged = _forged_copy(xml).replace(b'ID="F1T33"', b"")
    wrapped = xml.replace(b"</Signature>", b"<Object>" + forged + b"</Object></Signature>")
    reasons = _reasons(wrapped)
    assert ("signature", "the Signature holds <Object>, which the SII profile does not allow") in (
        reasons
    )
    assert any("Documento elements" in reason for _, reason in reasons), reasons


def test_a_documento_in_a_foreign_namespace_beside_the_signed_one_is_refused(
    issued: dict[int, bytes],
) -> None:
    xml = issued[33]
    forged = _forged_copy(xml).replace(b"<Documento ", b'<Documento xmlns="urn:evil" ', 1)
    wrapped = xml.replace(b"</DTE>", forged + b"</DTE>")
    assert "structure" in {check for check, _ in _reasons(wrapped)}


def test_document_parts_outside_the_documento_are_refused(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    encabezado = re.search(rb"<Encabezado>.*?</Encabezado>", xml, re.S)
    assert encabezado is not None
    wrapped = xml.replace(b"</DTE>", b"<Extra>" + encabezado.group(0) + b"</Extra></DTE>")
    reasons = _reasons(wrapped)
    assert (
        "structure",
        "a <Encabezado> sits outside the signed Documento: a reader could take "
        "it for part of the document",
    ) in reasons


def test_a_foreign_element_after_the_signature_that_is_no_document_is_let_be(
    issued: dict[int, bytes],
) -> None:
    # Real producers append a DocPersonalizado; it is no document and verify lets it be.
    extra = b'<DocPersonalizado dteID="1"><campoString name="x">y</campoString></DocPersonalizado>'
    result = verify(issued[33].replace(b"</DTE>", extra + b"</DTE>"))
    assert result.ok, str(result)


def test_a_second_set_dte_after_the_signed_one_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    envio = envelope([issued[33]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    start, end = envio.index(b"<SetDTE"), envio.index(b"</SetDTE>") + len(b"</SetDTE>")
    second = envio[start:end].replace(b'ID="SetDoc"', b'ID="SetDoc2"')
    wrapped = envio[:end] + second + envio[end:]
    reasons = _reasons(wrapped)
    assert any("2 SetDTE elements" in reason for _, reason in reasons), reasons
    assert any("ID 'F1T33'" in reason for _, reason in reasons), reasons


def test_an_envelope_signed_twice_is_refused_as_the_sii_schema_allows_one_signature(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    envio = envelope([issued[33]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    start = envio.rindex(b"<Signature ")
    end = envio.rindex(b"</Signature>") + len(b"</Signature>")
    doubled = envio[:end] + envio[start:end] + envio[end:]
    assert ("signature", "2 signatures, expected 1") in _reasons(doubled)


def test_a_dte_in_a_foreign_namespace_inside_the_set_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    envio = envelope([issued[33]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    other = issued[34].split(b"?>", 1)[1].replace(b'xmlns="' + SII_NS.encode(), b'xmlns="urn:x', 1)
    wrapped = envio.replace(b"</SetDTE>", other + b"</SetDTE>")
    reasons = _reasons(wrapped)
    assert any("the SetDTE holds <DTE> in the namespace 'urn:x" in r for _, r in reasons), reasons


def test_duplicate_ids_are_refused_as_xmlsec1_refuses_them(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    xml = issued[33]
    another = xml.replace(b"</DTE>", b'<Extra ID="F1T33"/></DTE>')
    assert any("ID 'F1T33'" in reason for _, reason in _reasons(another))
    end = xml.index(b"</Documento>") + len(b"</Documento>")
    twice = xml[:end] + _forged_copy(xml) + xml[end:]
    assert any("ID 'F1T33'" in reason for _, reason in _reasons(twice))
    oracle = xmlsec1_verify(
        twice, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode != 0


# -- foreign namespaces inside signed content ---------------------------------------------------


def test_an_element_moved_to_a_foreign_namespace_does_not_pass_through_the_stripped_form(
    issued: dict[int, bytes],
) -> None:
    xml = issued[33]
    moved = xml.replace(b"<Detalle>", b'<Detalle xmlns="urn:other">', 1)
    assert moved != xml
    # A namespace-aware reader now sees one SII line fewer.
    root = parse_xml(moved)
    assert len(root.findall(f"{{{SII_NS}}}Documento/{{{SII_NS}}}Detalle")) == 2
    reasons = _reasons(moved)
    assert ("digest", "the content of 'F1T33' changed after it was signed") in reasons


def test_an_element_moved_out_of_the_sii_namespace_in_a_bare_document_is_refused(
    issued: dict[int, bytes],
) -> None:
    # A MiPyme-style file (no xmlns on the root) verifies through the stripped form; moving one
    # element to another namespace must not.
    bare = issued[33].replace(f'<DTE xmlns="{SII_NS}" '.encode(), b"<DTE ", 1)
    assert verify(bare).ok, str(verify(bare))
    moved = bare.replace(b"<Detalle>", b'<x:Detalle xmlns:x="urn:other">', 1).replace(
        b"</Detalle>", b"</x:Detalle>", 1
    )
    assert ("digest", "the content of 'F1T33' changed after it was signed") in _reasons(moved)


@pytest.mark.parametrize("namespaced", [True, False], ids=["sii-namespace", "bare"])
def test_an_element_moved_between_the_sii_namespace_and_none_is_refused(
    issued: dict[int, bytes], namespaced: bool
) -> None:
    # Stripped forms stand for a file that gained or lost its xmlns as a whole; a document
    # whose elements are split between the SII's namespace and none is another document to a
    # namespace-aware reader (and to the schema), though its stripped form is the signed one.
    xml = issued[33] if namespaced else issued[33].replace(_XMLNS, b"<DTE ", 1)
    assert verify(xml).ok, str(verify(xml))
    declaration = b'xmlns=""' if namespaced else f'xmlns="{SII_NS}"'.encode()
    second = xml.index(b"<Detalle>", xml.index(b"<Detalle>") + 1)
    moved = xml[:second] + b"<Detalle " + declaration + b">" + xml[second + len(b"<Detalle>") :]
    lines = parse_xml(moved).findall("{*}Documento/{*}Detalle")
    assert len({str(line.tag) for line in lines}) == 2  # one line is read in another namespace
    assert ("digest", "the content of 'F1T33' changed after it was signed") in _reasons(moved)


# -- the certificate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [b"", b"   \n ", b"!!! not base64 !!!", b"QUJD="], ids=["empty", "blank", "junk", "pad"]
)
def test_an_unreadable_x509_certificate_fails_naming_the_certificate(
    issued: dict[int, bytes], text: bytes
) -> None:
    broken = re.sub(
        rb"<X509Certificate>.*?</X509Certificate>",
        b"<X509Certificate>" + text + b"</X509Certificate>",
        issued[33],
        flags=re.S,
    )
    reasons = _reasons(broken)
    assert [check for check, _ in reasons] == ["certificate"], reasons


def test_an_x509_data_without_its_certificate_fails_naming_the_certificate(
    issued: dict[int, bytes],
) -> None:
    broken = re.sub(rb"<X509Certificate>.*?</X509Certificate>", b"", issued[33], flags=re.S)
    assert _reasons(broken) == [("certificate", "X509Certificate is empty or not base64")]


# -- algorithms outside the profile ---------------------------------------------------------------

_XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
_XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
_C14N_COMMENTS = C14N_10 + "#WithComments"
_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


@pytest.mark.parametrize(
    ("transforms", "body"),
    [
        ((_XPATH,), "<XPath>not(ancestor-or-self::Detalle)</XPath>"),
        ((_XSLT,), ""),
        ((C14N_10, _XPATH), "<XPath>1</XPath>"),
        ((_C14N_COMMENTS,), ""),
        ((C14N_10, C14N_10), ""),
        (("http://www.w3.org/2000/09/xmldsig#base64",), ""),
    ],
    ids=["xpath", "xslt", "c14n+xpath", "with-comments", "twice", "base64"],
)
def test_a_transform_outside_the_sii_profile_is_refused_even_when_validly_signed(
    issued: dict[int, bytes], certificate: Certificate, transforms: tuple[str, ...], body: str
) -> None:
    forged = resign(issued[33], certificate, transforms=transforms, transform_body=body)
    reasons = _reasons(forged)
    assert all(check == "signature" for check, _ in reasons), reasons
    assert any("outside the SII profile" in reason for _, reason in reasons), reasons


@pytest.mark.parametrize(
    ("transforms", "body"),
    [((ENVELOPED, C14N_10), ""), ((C14N_10, ENVELOPED), ""), ((), "")],
    ids=["enveloped+c14n", "c14n+enveloped", "empty"],
)
def test_transforms_must_hold_exactly_one_transform(
    issued: dict[int, bytes], certificate: Certificate, transforms: tuple[str, ...], body: str
) -> None:
    # xmldsignature_v10.xsd: Transforms is optional, and when present holds one Transform. What
    # generic XMLDSig libraries write by default (enveloped-signature then C14N) fails there.
    forged = resign(issued[33], certificate, transforms=transforms, empty_transforms=not transforms)
    count = len(transforms)
    assert _reasons(forged) == [
        (
            "signature",
            f"the Transforms holds {count} elements where the SII's schema allows one Transform "
            "(inclusive or exclusive C14N 1.0, or enveloped-signature)",
        )
    ]


@pytest.mark.parametrize("transforms", [(), (C14N_10,), (ENVELOPED,), (_EXC_C14N,)])
def test_the_profiles_transforms_verify(
    issued: dict[int, bytes], certificate: Certificate, transforms: tuple[str, ...]
) -> None:
    result = verify(resign(issued[33], certificate, transforms=transforms))
    assert result.ok, str(result)


def test_an_envelope_whose_signatures_declare_exclusive_c14n_verifies_and_validates(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # Some producers' XMLDSig libraries write the exclusive C14N transform, which the SII's
    # schema allows and the SII accepts; its digests leave out the envelope's xmlns:xsi.
    envio = envelope(
        [issued[33], issued[61]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    resigned = resign_with_transform(envio, certificate, _EXC_C14N)
    assert resigned.count(_EXC_C14N.encode()) == 3
    result = verify(resigned)
    assert result.ok, str(result)
    validate_schema(resigned)
    assert parse_all(resigned) == parse_all(envio)


def test_a_dte_its_producer_signed_inside_the_envelope_verifies_once_taken_out_of_it(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # An XMLDSig library signing each DTE in the whole EnvioDTE canonicalizes it with the
    # envelope's xmlns:xsi in scope; a receiver that files each DTE on its own loses that.
    envio = envelope(
        [issued[33], issued[61]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    signed_there = resign_with_transform(envio, certificate, C14N_10)
    assert verify(signed_there).ok
    dtes = re.findall(rb"<DTE [^>]*>.*?</DTE>", signed_there, re.S)
    assert len(dtes) == 2
    for dte in dtes:
        body = dte if SII_NS.encode() in dte[:80] else dte.replace(b"<DTE ", _XMLNS, 1)
        lone = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body
        assert b"xmlns:xsi" not in lone
        result = verify(lone)
        assert result.ok, str(result)
        changed = re.sub(rb"<MntTotal>(\d+)</MntTotal>", rb"<MntTotal>1\1</MntTotal>", lone)
        assert "digest" in {failure.check for failure in verify(changed).failures}


def test_a_changed_document_under_an_exclusive_c14n_transform_fails_its_digest(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    resigned = resign_with_transform(issued[33], certificate, _EXC_C14N)
    changed = re.sub(rb"<MntTotal>(\d+)</MntTotal>", rb"<MntTotal>1\1</MntTotal>", resigned)
    assert ("digest", "the content of 'F1T33' changed after it was signed") in _reasons(changed)


@pytest.mark.parametrize("algorithm", [_C14N_COMMENTS, _EXC_C14N, "urn:made-up"])
def test_a_canonicalization_outside_the_sii_profile_is_refused(
    issued: dict[int, bytes], certificate: Certificate, algorithm: str
) -> None:
    forged = resign(issued[33], certificate, canonicalization=algorithm)
    reasons = _reasons(forged)
    assert [check for check, _ in reasons] == ["signature"], reasons
    assert "is not the SII's inclusive C14N 1.0" in reasons[0][1]


# -- comments and processing instructions in signed content ---------------------------------------


def test_a_comment_between_elements_of_signed_content_verifies_as_with_xmlsec1(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    xml = issued[33]
    commented = xml.replace(b"<Detalle>", b"<!-- linea --><Detalle>", 1).replace(
        b"</Totales>", b"</Totales><!--x-->", 1
    )
    assert commented != xml
    oracle = xmlsec1_verify(
        commented, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert oracle.returncode == 0, oracle.stderr
    result = verify(commented)
    assert result.ok, str(result)
    assert parse(commented) == parse(xml)


def test_a_comment_inside_a_text_value_verifies_and_parses_to_the_same_document(
    issued: dict[int, bytes],
) -> None:
    xml = issued[33]
    name = re.search(rb"<NmbItem>([^<]{4,})</NmbItem>", xml)
    assert name is not None
    text = name.group(1)
    split = b"<NmbItem>" + text[:3] + b"<!-- c -->" + text[3:] + b"</NmbItem>"
    commented = xml.replace(name.group(0), split, 1)
    assert verify(commented).ok
    assert parse(commented) == parse(xml)


@pytest.mark.parametrize(
    "tag", ["TmstFirma", "DigestValue", "SignatureValue", "X509Certificate", "Modulus"]
)
def test_a_comment_inside_the_signing_time_or_a_signature_value_is_read_around(
    tag: str,
) -> None:
    # SignedInfo is canonicalized without comments, TmstFirma is digested without them and
    # KeyInfo is not signed: xmlsec1 reads each text whole, around the comment.
    xml = (FIXTURES / "DTE--60910000-1--33--2336600.xml").read_bytes()
    start = xml.index(f"<{tag}>".encode()) + len(tag) + 2
    commented = xml[: start + 12] + b"<!-- c -->" + xml[start + 12 :]
    assert verify(commented, check_caf=True).ok


def test_a_processing_instruction_in_signed_content_breaks_the_digest(
    issued: dict[int, bytes],
) -> None:
    # C14N keeps processing instructions: one added after signing changes what was signed.
    with_pi = issued[33].replace(b"<Detalle>", b"<?evil x?><Detalle>", 1)
    assert ("digest", "the content of 'F1T33' changed after it was signed") in _reasons(with_pi)


# -- text that is no XML --------------------------------------------------------------------------


def test_text_with_a_lone_surrogate_is_a_failure_or_an_xml_error(issued: dict[int, bytes]) -> None:
    text = issued[33].decode("iso-8859-1").split("?>", 1)[1].replace("Martillo", "Mart\udcc3illo")
    assert any("lone surrogate" in reason for _, reason in _reasons(text))
    for reader in (parse, parse_all, validate_schema):
        with pytest.raises(XMLError, match="lone surrogate"):
            reader(text)


def test_parse_refuses_a_dte_with_two_documentos_as_ambiguous(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    twice = xml.replace(b"<Documento ", _forged_copy(xml) + b"<Documento ", 1)
    with pytest.raises(XMLError, match="2 Documento elements"):
        parse(twice)


def test_a_second_caratula_outside_the_set_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    envio = envelope([issued[33]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    caratula = re.search(rb"<Caratula .*?</Caratula>", envio, re.S)
    assert caratula is not None
    forged = caratula.group(0).replace(b"<NroResol>0</NroResol>", b"<NroResol>99</NroResol>")
    wrapped = envio.replace(b"</EnvioDTE>", forged + b"</EnvioDTE>")
    reasons = _reasons(wrapped)
    assert any("2 Caratula elements where 1 is expected" in r for _, r in reasons), reasons


def test_sha256_signatures_and_digests_are_outside_the_sii_profile(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # The SII's xmldsignature_v10.xsd fixes DigestMethod to SHA-1 and allows rsa-sha1 (or
    # dsa-sha1) only: a document validly signed with SHA-256 is one the SII rejects.
    forged = resign(issued[33], certificate, sha256=True)
    assert _reasons(forged) == [
        ("digest", "unsupported DigestMethod (the SII uses SHA-1)"),
        ("signature", "unsupported SignatureMethod (the SII uses RSA-SHA1)"),
    ]
    assert verify(resign(issued[33], certificate)).ok  # the same re-signing with SHA-1 holds
