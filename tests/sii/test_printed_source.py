"""What a printed DTE is read from: a DTE this process issued is taken as written, and a
Documento's lines are read from its elements, to exactly the facts and timbre bytes that parsing
it and reading its SII dict give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue
from haulmer.sii._xml import parse_xml
from haulmer.sii.issued_memory import recall
from haulmer.sii.parsing import element_to_dict
from haulmer.sii.printed import source
from haulmer.sii.printed.content import PrintedDocument, printed_document
from haulmer.sii.printed.facts import documento_facts
from haulmer.sii.printed.source import read_source, read_sources, ted_barcode_bytes

from .conftest import REAL_DTES, SIGNED_AT, SUPPORTED_TYPES, document_dict, make_document


def _parsed(xml: bytes) -> source.PrintSource:
    """The source read by parsing the whole file: the text form never takes the issued path."""
    return read_source(xml.decode("iso-8859-1"), ted=None)


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_a_dte_issued_here_is_read_to_what_parsing_it_gives(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = issue(
        make_document(tipo, lines=4), caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT
    )
    expected = _parsed(xml)
    assert recall(xml) is not None
    # the issued path cuts the timbre out of the bytes: it never canonicalizes a parsed TED
    monkeypatch.setattr(source, "ted_barcode_bytes", _never)
    assert read_source(xml, ted=None) == expected
    office = read_source(xml, ted=None, sii_office="SANTIAGO ORIENTE")
    assert office == (expected[0]._replace(sii_office="SANTIAGO ORIENTE"), expected[1])
    assert read_sources(xml) == [expected]


def test_an_issued_dte_whose_timbre_is_not_where_expected_is_parsed(
    certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = issue(make_document(33), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    monkeypatch.setattr(source, "_ISSUED_TED", b'<TED version="2.0">')
    assert recall(xml) is not None
    assert read_source(xml, ted=None) == _parsed(xml)


def _never(*_: object) -> bytes:
    raise AssertionError("the TED of a DTE issued here was canonicalized again")


def test_bytes_like_an_issued_dte_but_not_issued_here_are_parsed(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    xml = issue(make_document(33), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    changed = xml.replace(b"<NmbItem>Martillo", b"<NmbItem>Serrucho", 1)
    assert recall(changed) is None
    doc, ted = read_source(changed, ted=None)
    assert doc.lines[0].name.startswith("Serrucho")
    assert ted == _parsed(changed)[1] == _parsed(xml)[1]


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_a_real_dte_is_parsed_and_reads_the_same_from_its_bytes_and_its_path(path: Path) -> None:
    data = path.read_bytes()
    assert recall(data) is None
    doc, ted = read_source(data, ted=None)
    assert (doc, ted) == read_source(path, ted=None)
    assert doc.lines
    assert ted.startswith(b'<TED version="1.0"><DD>')


def _received_factura(certificate: Certificate, caf: Caf) -> bytes:
    """A factura whose timbre has no quote in its text, as most do, from elsewhere: a byte more
    than issued, so it is parsed whole (a quote has two signed forms: see ted_barcode_bytes)."""
    sii = document_dict(33)
    sii["Encabezado"]["Receptor"]["RznSocRecep"] = "Minera Los Pelambres & Cía."
    sii["Detalle"][0]["NmbItem"] = "Martillo N°1 & clavos"
    xml = issue(Document.from_sii_dict(sii), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert recall(xml + b"\n") is None
    return xml + b"\n"


def _canonicalized(xml: bytes) -> bytes:
    """The timbre's barcode bytes as canonicalizing the parsed TED gives them."""
    documento = source._documentos(parse_xml(xml))[0]
    return ted_barcode_bytes(next(documento.iterchildren("{*}TED")))


def test_a_received_dte_with_a_flat_timbre_has_it_cut_out_of_its_bytes(
    certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    received = _received_factura(certificate, cafs[33])
    expected = _parsed(received)
    monkeypatch.setattr(source, "ted_barcode_bytes", _never)
    assert read_source(received, ted=None) == expected
    assert read_sources(received) == [expected]


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_a_real_dte_timbre_cut_out_of_its_bytes_is_the_canonical_one(path: Path) -> None:
    data = path.read_bytes()
    documento = source._documentos(parse_xml(data))[0]
    ted = next(documento.iterchildren("{*}TED"))
    assert source._ted_as_written(data, ted) in (None, ted_barcode_bytes(ted))


_TED = b'<TED version="1.0">'
_SII_NS = b"http://www.sii.cl/SiiDte"
_NOT_AS_WRITTEN = {
    "attribute quoted and spaced otherwise": [(_TED, b"<TED  version='1.0'>")],
    "a space in a tag": [(b"<DD>", b"<DD >")],
    "a line break in an end tag": [(b"</DD>", b"</DD\n>")],
    "indented": [(b"><", b">\n  <")],
    "a comment in the timbre": [(b"<RSR>", b"<RSR><!-- a comment -->")],
    "a CDATA section": [(b"<RSR>", b"<RSR><![CDATA[<x>]]>")],
    "a character reference": [(b"<RSR>", b"<RSR>&#77;")],
    "a quote as an entity": [(b"<RSR>", b"<RSR>&quot;")],
    "a raw quote": [(b"<RSR>", b'<RSR>"')],
    "a raw greater-than": [(b"<RSR>", b"<RSR>></RSR><RSR>")],
    "a CR as a reference": [(b"<RSR>", b"<RSR>&#13;")],
    "an empty element": [(b"<TD>33</TD>", b"<TD/>")],
    "another attribute": [(b"<FRMA ", b'<FRMA x="1" ')],
    "its namespace declared again": [(_TED, b'<TED xmlns="%s" version="1.0">' % _SII_NS)],
    "a decoy TED in a comment before": [(_TED, b"<!-- " + _TED + b"</TED> -->" + _TED)],
    "a decoy TED in a comment after": [(b"</TED>", b"</TED><!-- " + _TED + b"</TED> -->")],
    "a prefixed TED": [
        (_TED, b'<s:TED xmlns:s="%s" version="1.0">' % _SII_NS),
        (b"</TED>", b"</s:TED>"),
    ],
    "a prefixed TED beside a decoy": [
        (_TED, b'<!-- <TED version="1.0"></TED> --><s:TED xmlns:s="x:y" version="1.0">'),
        (b"</TED>", b"</s:TED>"),
    ],
}


@pytest.mark.parametrize("edits", _NOT_AS_WRITTEN.values(), ids=list(_NOT_AS_WRITTEN))
def test_a_received_timbre_not_written_flat_and_canonical_is_canonicalized(
    edits: list[tuple[bytes, bytes]], certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    xml = _received_factura(certificate, cafs[33])
    documento = source._documentos(parse_xml(xml))[0]
    assert source._ted_as_written(xml, next(documento.iterchildren("{*}TED"))) is not None
    start, end = xml.index(_TED), xml.index(b"</TED>") + len(b"</TED>")
    ted = xml[start:end]
    for old, new in edits:
        ted = ted.replace(old, new)
    edited = xml[:start] + ted + xml[end:]
    documento = source._documentos(parse_xml(edited))[0]
    assert source._ted_as_written(edited, next(documento.iterchildren("{*}TED"))) is None
    assert read_source(edited, ted=None)[1] == _canonicalized(edited)


@pytest.mark.parametrize("encoding", ["UTF-8", "windows-1252"])
def test_a_received_timbre_is_cut_out_of_a_file_in_another_encoding(
    encoding: str, certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = _received_factura(certificate, cafs[33])
    text = xml.decode("iso-8859-1").replace('encoding="ISO-8859-1"', f'encoding="{encoding}"')
    received = text.encode(encoding)
    expected = _canonicalized(received)
    assert not expected.isascii()  # the CAF's razón social: Ñ and ú, in ISO-8859-1
    monkeypatch.setattr(source, "ted_barcode_bytes", _never)
    assert read_source(received, ted=None)[1] == expected


def _documento(xml: bytes | str) -> etree._Element:
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    return next(child for child in root if etree.QName(child).localname == "Documento")


def _facts_both_ways(documento: etree._Element) -> tuple[PrintedDocument, PrintedDocument]:
    return (
        documento_facts(documento, sii_office=None),
        printed_document(element_to_dict(documento)),
    )


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_the_facts_read_from_elements_are_those_of_the_sii_dict(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    xml = issue(
        make_document(tipo, lines=5), caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT
    )
    root = etree.fromstring(xml)
    documento = next(child for child in root if etree.QName(child).localname != "Signature")
    fast, generic = _facts_both_ways(documento)
    assert fast == generic
    assert len(fast.lines) == 5


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_the_facts_of_a_real_dte_read_from_elements_are_those_of_the_sii_dict(
    path: Path,
) -> None:
    root = etree.fromstring(path.read_bytes())
    documento = source._documentos(root)[0]
    fast, generic = _facts_both_ways(documento)
    assert fast == generic
    assert fast.lines


_LEAVES = st.sampled_from(
    [
        "<NroLinDet>{}</NroLinDet>",
        "<NmbItem>{}</NmbItem>",
        "<DscItem>{}</DscItem>",
        "<QtyItem>{}</QtyItem>",
        "<UnmdItem>{}</UnmdItem>",
        "<PrcItem>{}</PrcItem>",
        "<MontoItem>{}</MontoItem>",
        "<IndExe>{}</IndExe>",
        "<DescuentoMonto>{}</DescuentoMonto>",
        "<RecargoPct>{}</RecargoPct>",
        "<CodImpAdic>{}</CodImpAdic>",
        "<TED>{}</TED>",
        "<CdgItem><TpoCodigo>INT</TpoCodigo><VlrCodigo>{}</VlrCodigo></CdgItem>",
        "<SubDscto><TipoDscto>%</TipoDscto><ValorDscto>{}</ValorDscto></SubDscto>",
        "<NmbItem>{}<!-- a comment --> tail</NmbItem>",
        "<!-- {} -->",
        "<?pi {}?>",
        "<NmbItem><Nested>{}</Nested></NmbItem>",
    ]
)
_TEXTS = st.sampled_from(["", " ", "12", " 1234567 ", "2.5", "Martillo Ñandú &amp; Cía", "x"])


@given(
    st.lists(st.lists(st.tuples(_LEAVES, _TEXTS), max_size=9), max_size=4),
    st.sampled_from(["", "<TpoMoneda>DOLAR USA</TpoMoneda>"]),
)
def test_any_detalle_prints_from_its_elements_as_from_the_sii_dict(
    detalles: list[list[tuple[str, str]]], moneda: str
) -> None:
    body = "".join(
        "<Detalle>" + "".join(leaf.format(text) for leaf, text in detalle) + "</Detalle>"
        for detalle in detalles
    )
    xml = (
        '<DTE xmlns="http://www.sii.cl/SiiDte"><Documento><Encabezado><IdDoc><TipoDTE>33'
        "</TipoDTE><Folio>7</Folio></IdDoc><Totales>" + moneda + "<MntTotal>10</MntTotal>"
        "</Totales></Encabezado>" + body + "<Detalle>texto</Detalle><Comisiones><Glosa>g"
        "</Glosa><ValComNeto>5</ValComNeto></Comisiones></Documento></DTE>"
    )
    fast, generic = _facts_both_ways(_documento(xml))
    assert fast == generic


_FLAT_TED_REFERENCE = re.compile(
    source._TED_LAYOUT.replace(b".", rb"\.")
    .replace(b"_", rb"""[^<>&"'\r]*""")
    .replace(b"@", rb"""(?:[^<>&"'\r]|&(?:amp|lt|gt);)*""")
)
"""The flat TED's check written as one pattern of its whole text (slower): the reference the
quicker check (tags matched, the text's characters counted) must agree with."""
_CLEAN_PIECES = st.sampled_from([b"a", b"7", b"-", b" ", b"\n", b"\xd1", b"=", b"/", b"&amp;"])
_ANY_PIECES = st.sampled_from(
    [
        *(b"<", b">", b'"', b"'", b"\r", b"&", b"a"),
        *(b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;", b"&#209;", b"&amp", b"&ampx;"),
    ]
)


@given(
    st.lists(st.lists(_CLEAN_PIECES, max_size=4).map(b"".join), min_size=20, max_size=20),
    st.lists(
        st.tuples(st.integers(0, 19), st.lists(_ANY_PIECES, max_size=3).map(b"".join)),
        max_size=2,
    ),
)
def test_the_flat_timbre_check_agrees_with_one_pattern_of_its_whole_text(
    texts: list[bytes], changes: list[tuple[int, bytes]]
) -> None:
    for at, text in changes:  # a field or two with anything in it, before or after its text
        texts[at] = text + texts[at] if at % 2 else texts[at] + text
    pieces = iter(texts)
    ted = re.sub(rb"[_@]", lambda _: next(pieces), source._TED_LAYOUT)
    assert source._is_flat_ted(ted) == (_FLAT_TED_REFERENCE.fullmatch(ted) is not None)


def test_the_flat_timbre_check_takes_names_with_references_and_nothing_else() -> None:
    layout = source._TED_LAYOUT
    plain = layout.replace(b"_", b"12").replace(b"@", b"Comercial &amp; Cia &lt;1&gt;")
    assert source._is_flat_ted(plain)
    assert not source._is_flat_ted(plain.replace(b"<TD>12</TD>", b"<TD>1&amp;2</TD>", 1))
    assert not source._is_flat_ted(plain.replace(b"&lt;1", b"&#60;1", 1))
    assert not source._is_flat_ted(plain.replace(b"<RSR>", b"<RSR>a>b", 1))


@pytest.mark.parametrize("path", REAL_DTES[:1], ids=lambda p: p.name)
def test_a_dte_read_as_text_with_its_byte_order_mark_reads_as_without_it(path: Path) -> None:
    """A file a Windows editor saved starts with a byte order mark, which ``read_text("utf-8")``
    keeps: such text was refused as no XML, and told to pass a pathlib.Path."""
    text = path.read_bytes().decode("iso-8859-1")
    assert read_source("\ufeff" + text, ted=None) == read_source(text, ted=None)
    assert read_sources("\ufeff" + text) == read_sources(text)
    from haulmer import sii

    assert sii.timbre_png("\ufeff" + text) == sii.timbre_png(text)
