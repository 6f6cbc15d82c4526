"""Hostile XML to parse, verify, validate_schema and Caf.from_xml: each ends in a typed error or
``ok=False`` with a reason, in bounded time and memory, and nothing outside the input is read."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from haulmer.sii import Caf, parse, parse_all, validate_schema, verify
from haulmer.sii._xml import MAX_XML_BYTES, SII_NS

from .conftest import LONG, REAL_DTES, attempt, bounded

DEPTH = 200_000 if LONG else 20_000
_DOCUMENTO = re.compile(rb"<Documento .*?</Documento>", re.S)
_SECRET_FILE = "/etc/hostname"


def _forged(xml: bytes) -> bytes:
    documento = _DOCUMENTO.search(xml)
    assert documento is not None
    return re.sub(rb"<MntTotal>\d+</MntTotal>", b"<MntTotal>1</MntTotal>", documento.group(0))


def _after_documento(xml: bytes, extra: bytes) -> bytes:
    end = xml.index(b"</Documento>") + len(b"</Documento>")
    return xml[:end] + extra + xml[end:]


def _body(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1]


# Each attack: a name and a function of the SDK-signed factura (33) that builds the bytes or text.
ATTACKS: dict[str, Callable[[bytes], bytes | str]] = {
    # -- entities and DTDs
    "xxe-file": lambda x: (
        f'<?xml version="1.0"?><!DOCTYPE DTE [<!ENTITY x SYSTEM "file://{_SECRET_FILE}">]>'
        "<DTE><Documento ID='a'>&x;</Documento></DTE>"
    ).encode(),
    "xxe-parameter": lambda x: (
        b'<?xml version="1.0"?><!DOCTYPE DTE [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">'
        b"%p;]><DTE/>"
    ),
    "external-dtd": lambda x: b'<!DOCTYPE DTE SYSTEM "http://127.0.0.1:9/dte.dtd"><DTE/>',
    "billion-laughs": lambda x: (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b"]><DTE>&j;</DTE>"
    ),
    "quadratic-blowup": lambda x: (
        b'<!DOCTYPE DTE [<!ENTITY a "' + b"A" * 50_000 + b'">]><DTE>' + b"&a;" * 5_000 + b"</DTE>"
    ),
    "xinclude": lambda x: _after_documento(
        x,
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{_SECRET_FILE}"'
        ' parse="text"/>'.encode(),
    ),
    "doctype-inside-text": lambda x: x.replace(b"<DTE ", b"<!DOCTYPE DTE><DTE ", 1),
    # -- size and shape
    "deep-nesting": lambda x: b"<DTE>" + b"<a>" * DEPTH + b"</a>" * DEPTH + b"</DTE>",
    "deep-nesting-in-signed-content": lambda x: x.replace(
        b"</Encabezado>", b"</Encabezado>" + b"<x>" * 300 + b"</x>" * 300, 1
    ),
    "wide-attributes": lambda x: (
        b"<DTE " + b" ".join(f'a{i}="{i}"'.encode() for i in range(20_000)) + b"/>"
    ),
    "many-namespaces": lambda x: (
        b"<DTE " + b" ".join(f'xmlns:n{i}="urn:n{i}"'.encode() for i in range(20_000)) + b"/>"
    ),
    "huge-text-node": lambda x: (
        b"<DTE><Documento>" + b"x" * (11 * 1024 * 1024) + b"</Documento></DTE>"
    ),
    "oversized": lambda x: b"<DTE>" + b" " * MAX_XML_BYTES + b"</DTE>",
    "truncated": lambda x: x[: len(x) // 2],
    "empty": lambda x: b"",
    "only-declaration": lambda x: b'<?xml version="1.0"?>',
    "nul-bytes": lambda x: x.replace(b"<Folio>", b"<Folio>\x00", 1),
    # -- encodings
    "utf16-declared-latin1-bytes": lambda x: x.replace(b"ISO-8859-1", b"UTF-16", 1),
    "unknown-encoding": lambda x: x.replace(b"ISO-8859-1", b"x-no-such-encoding", 1),
    "ebcdic-declared": lambda x: x.replace(b"ISO-8859-1", b"IBM037", 1),
    "utf8-declared-invalid-bytes": lambda x: x.replace(b"ISO-8859-1", b"UTF-8", 1),
    "bom-with-latin1-declaration": lambda x: b"\xef\xbb\xbf" + x,
    "lone-surrogate-text": lambda x: _body(x).decode("iso-8859-1").replace("Martillo", "\udcc3"),
    # -- signature wrapping (XSW) in its known forms
    "duplicate-documento-after": lambda x: _after_documento(x, _forged(x)),
    "duplicate-documento-before": lambda x: x.replace(
        b"<Documento ", _forged(x) + b"<Documento ", 1
    ),
    "documento-after-signature": lambda x: x.replace(b"</DTE>", _forged(x) + b"</DTE>"),
    "documento-in-signature-object": lambda x: x.replace(
        b"</Signature>", b"<Object>" + _forged(x) + b"</Object></Signature>"
    ),
    "documento-in-key-info": lambda x: x.replace(b"</KeyInfo>", _forged(x) + b"</KeyInfo>"),
    "signed-documento-moved-into-wrapper": lambda x: x.replace(
        _DOCUMENTO.search(x).group(0),  # type: ignore[union-attr]
        _forged(x).replace(b'ID="F1T33"', b'ID="F1T34"')
        + b"<Wrapper>"
        + _DOCUMENTO.search(x).group(0)  # type: ignore[union-attr]
        + b"</Wrapper>",
    ),
    "reference-to-other-sibling": lambda x: _after_documento(
        x.replace(b'URI="#F1T33"', b'URI="#Other"'), b'<Other ID="Other"/>'
    ),
    "second-signature": lambda x: x.replace(
        b"</DTE>",
        re.search(rb"<Signature .*</Signature>", x, re.S).group(0) + b"</DTE>",  # type: ignore[union-attr]
    ),
    "reference-uri-xpointer": lambda x: x.replace(
        b'URI="#F1T33"', b"URI=\"#xpointer(//*[@ID='F1T33'])\""
    ),
    "reference-uri-empty": lambda x: x.replace(b'URI="#F1T33"', b'URI=""'),
    "reference-uri-external": lambda x: x.replace(b'URI="#F1T33"', b'URI="http://127.0.0.1:9/"'),
    "documento-in-foreign-namespace-beside": lambda x: _after_documento(
        x, _forged(x).replace(b"<Documento ", b'<Documento xmlns="urn:evil" ', 1)
    ),
    "encabezado-outside-documento": lambda x: x.replace(
        b"</DTE>",
        b"<X>" + re.search(rb"<Encabezado>.*?</Encabezado>", x, re.S).group(0) + b"</X></DTE>",  # type: ignore[union-attr]
    ),
    # -- duplicate IDs and foreign namespaces
    "duplicate-id-elsewhere": lambda x: x.replace(b"</DTE>", b'<Extra ID="F1T33"/></DTE>'),
    "element-moved-to-foreign-namespace": lambda x: x.replace(
        b"<Detalle>", b'<Detalle xmlns="urn:other">', 1
    ),
    "signature-in-foreign-namespace": lambda x: x.replace(
        b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">',
        b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig-more#">',
    ),
    "root-in-foreign-namespace": lambda x: x.replace(SII_NS.encode(), b"urn:not-the-sii"),
    "relative-namespace-uri": lambda x: x.replace(SII_NS.encode(), b"relative", 1),
    "relative-namespace-inside": lambda x: x.replace(
        b"<Encabezado>", b'<Encabezado xmlns:r="rel/ative">', 1
    ),
    # -- comments and processing instructions
    "processing-instruction-in-signed-content": lambda x: x.replace(
        b"<Detalle>", b"<?php system('id'); ?><Detalle>", 1
    ),
    "comment-hiding-a-total": lambda x: x.replace(b"<MntTotal>", b"<MntTotal><!--", 1).replace(
        b"</MntTotal>", b"-->1</MntTotal>", 1
    ),
    # -- unusual transforms and algorithms (not re-signed: the profile check speaks first)
    "xslt-transform": lambda x: x.replace(
        b'<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">',
        b'<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116">'
        b'<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
        b'<xsl:template match="/"><xsl:copy-of select="document(\'file:///etc/hostname\')"/>'
        b"</xsl:template></xsl:stylesheet>",
    ),
    "xpath-transform": lambda x: x.replace(
        b'<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">',
        b'<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">'
        b"<XPath>count(//. | //@* | //namespace::*)</XPath>",
    ),
    "canonicalization-with-comments": lambda x: x.replace(
        b'<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">',
        b'<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
        b'#WithComments">',
    ),
    "hmac-signature-method": lambda x: x.replace(b"xmldsig#rsa-sha1", b"xmldsig#hmac-sha1"),
    "md5-digest": lambda x: x.replace(b"xmldsig#sha1", b"xmldsig-more#md5"),
    "empty-certificate": lambda x: re.sub(
        rb"<X509Certificate>.*?</X509Certificate>", b"<X509Certificate/>", x, flags=re.S
    ),
    "huge-modulus-without-certificate": lambda x: re.sub(
        rb"<Modulus>.*?</Modulus>",
        b"<Modulus>" + b"A" * 400_000 + b"</Modulus>",
        re.sub(rb"<X509Data>.*?</X509Data>", b"", x, flags=re.S),
        flags=re.S,
    ),
    "huge-caf-number": lambda x: x.replace(b"<D>1</D>", b"<D>" + b"9" * 5_000 + b"</D>", 1),
    "superscript-folio": lambda x: x.replace(b"<F>1</F>", b"<F>&#178;</F>", 1),
}


def _readers() -> dict[str, Callable[[Any], object]]:
    return {
        "parse": parse,
        "parse_all": parse_all,
        "validate_schema": validate_schema,
        "Caf.from_xml": Caf.from_xml,
    }


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_xml_fails_verification_with_a_reason(
    attack: str, issued: dict[int, bytes]
) -> None:
    data = ATTACKS[attack](issued[33])
    with bounded():
        result = verify(data)
    assert not result.ok, f"{attack} verified: {result}"
    assert result.failures, attack
    assert all(failure.reason.strip() for failure in result.failures)
    assert not any("cannot be verified" in failure.reason for failure in result.failures), (
        f"{attack} reached the last-resort handler: {result}"
    )
    _nothing_read_from_outside(str(result))


@pytest.mark.parametrize("reader", sorted(_readers()))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_xml_gives_readers_a_typed_error_or_the_signed_document(
    attack: str, reader: str, issued: dict[int, bytes]
) -> None:
    data = ATTACKS[attack](issued[33])
    with bounded():
        outcome, error = attempt(_readers()[reader], data)
    if error is not None:
        assert str(error).strip()
    _nothing_read_from_outside(repr(outcome) + repr(error))
    if reader == "parse" and error is None and verify(data).ok:
        assert outcome == parse(issued[33]), f"{attack} verifies but parses to another document"


def _nothing_read_from_outside(text: str) -> None:
    try:
        with open(_SECRET_FILE, encoding="utf-8") as handle:
            secret = handle.read().strip()
    except OSError:
        return
    if len(secret) >= 4:
        assert secret not in text


BENIGN: dict[str, Callable[[bytes], bytes | str]] = {
    "as-text": lambda x: x.decode("iso-8859-1"),
    "utf-8": lambda x: x.decode("iso-8859-1").replace("ISO-8859-1", "UTF-8").encode("utf-8"),
    "utf-32": lambda x: x.decode("iso-8859-1").replace("ISO-8859-1", "UTF-32").encode("utf-32"),
    "windows-1252": lambda x: x.replace(b"ISO-8859-1", b"windows-1252", 1),
    "comment-between-elements": lambda x: x.replace(b"<Detalle>", b"<!-- l --><Detalle>", 1),
    "pi-outside-the-root": lambda x: x + b"<?after x?>",
}


@pytest.mark.parametrize("change", sorted(BENIGN))
def test_a_change_that_keeps_the_signed_document_verifies_and_parses_the_same(
    change: str, issued: dict[int, bytes]
) -> None:
    changed = BENIGN[change](issued[33])
    result = verify(changed)
    assert result.ok, str(result)
    assert parse(changed) == parse(issued[33])


@pytest.mark.parametrize("tipo", [33, 39, 61])
def test_the_unattacked_documents_verify(tipo: int, issued: dict[int, bytes]) -> None:
    # The attacks above start from these: they verify and parse before anything is changed.
    assert verify(issued[tipo]).ok
    parse(issued[tipo])


@pytest.mark.parametrize(
    "value",
    [b"A" * 1_000_000, b"A " * 500_000, "Ñ".encode("latin-1") * 300_000],
    ids=["one-word", "many-words", "latin-1"],
)
def test_a_megabyte_item_name_in_a_received_dte_prints_in_bounded_work(value: bytes) -> None:
    # The printed DTE cut a long word by trying each shorter length: cubic work, hours for a
    # 100 KB NmbItem a supplier could send. Now one pass per line.
    from haulmer.sii import render_pdf

    source = REAL_DTES[2].read_bytes()
    xml, count = re.subn(
        rb"<NmbItem>[^<]*</NmbItem>", b"<NmbItem>" + value + b"</NmbItem>", source, count=1
    )
    assert count == 1
    with bounded():
        pdf = render_pdf(xml)
    assert pdf.startswith(b"%PDF-")
