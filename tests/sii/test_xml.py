"""Safe parsing and the canonicalization helpers under the signatures and timbres."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from haulmer.errors import XMLError
from haulmer.sii._xml import (
    c14n_exclusive,
    c14n_inclusive,
    c14n_quick,
    c14n_stripped,
    c14n_without_namespaces,
    first_children,
    parse_xml,
    timbre_bytes,
    timbre_forms,
)
from haulmer.sii.canonical_forms import in_context, signed_forms

from .conftest import REAL_DTES

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<DTE>&lol3;</DTE>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE DTE [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><DTE>&xxe;</DTE>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE DTE SYSTEM "http://127.0.0.1:9/evil.dtd"><DTE/>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_documents_with_a_doctype_are_refused(xml: bytes) -> None:
    with pytest.raises(XMLError, match="DOCTYPE"):
        parse_xml(xml)


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(XMLError, match="more than the 100 allowed"):
        parse_xml(b"<DTE>" + b" " * 200 + b"</DTE>", max_bytes=100)


def test_malformed_xml_reports_its_line() -> None:
    with pytest.raises(XMLError, match="not well formed") as info:
        parse_xml(b"<DTE>\n<Documento>\n</DTE>")
    assert info.value.line == 3


@pytest.mark.parametrize("data", [b"", b"   ", ""])
def test_empty_input_is_refused(data: bytes | str) -> None:
    with pytest.raises(XMLError, match="empty"):
        parse_xml(data)


def test_windows_1252_declaration_is_honoured() -> None:
    path = next(p for p in REAL_DTES if "60910000" in p.name)
    root = parse_xml(path.read_bytes())
    contacto = root.find("Documento/Encabezado/Receptor/Contacto")
    assert contacto is not None
    assert contacto.text == "Germán Enrique Larraín Muñoz"


def test_iso_8859_1_bytes_and_str_input_read_the_same() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><A>Ñuñoa</A>'
    assert parse_xml(text.encode("iso-8859-1")).text == parse_xml(text).text == "Ñuñoa"


@pytest.mark.parametrize(
    ("head", "named"),
    [
        (b"", "UTF-8, as no encoding is declared"),
        (b'<?xml version="1.0" encoding="UTF-8"?>', "the declared UTF-8"),
    ],
)
def test_latin_1_bytes_read_as_utf_8_are_refused_naming_the_encoding_to_declare(
    head: bytes, named: str
) -> None:
    data = head + "<A>Ñuñoa</A>".encode("iso-8859-1")
    with pytest.raises(XMLError) as info:
        parse_xml(data)
    message = str(info.value)
    assert message.startswith("XML is not well formed: Invalid bytes in character encoding")
    assert f"the bytes are not in {named}" in message
    assert '<?xml version="1.0" encoding="ISO-8859-1"?>' in message


OLDER_LIBXML2_WORDING = (
    "Input is not proper UTF-8, indicate encoding !\nBytes: 0xD1 0x75 0xF1 0x6F, line 1, column 4"
)
"""What libxml2 before 2.13 (the one lxml 5 ships in its wheels) says of bytes that are not in
the encoding it reads them in, where later ones say "Invalid bytes in character encoding"."""


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ("<A>Ñuñoa</A>".encode("iso-8859-1"), "the bytes are not in UTF-8"),
        (
            b'\xef\xbb\xbf<?xml version="1.0" encoding="ISO-8859-1"?><A>\xd1u\xf1oa</A>',
            "starts with a UTF-8 byte order mark",
        ),
    ],
)
def test_bytes_not_in_the_encoding_read_get_the_hint_in_every_libxml2s_words(
    monkeypatch: pytest.MonkeyPatch, data: bytes, hint: str
) -> None:
    """lxml 5's libxml2 words the error otherwise, and the hint naming the encoding to declare
    was left out with it."""

    def older_libxml2(*args: object, **kwargs: object) -> None:
        raise etree.XMLSyntaxError(OLDER_LIBXML2_WORDING, 9, 1, 4)

    monkeypatch.setattr(etree, "fromstring", older_libxml2)
    with pytest.raises(XMLError) as info:
        parse_xml(data)
    message = str(info.value)
    assert message.startswith("XML is not well formed: Input is not proper UTF-8")
    assert hint in message


@pytest.mark.parametrize("encoding", ["windows-1252", "ISO-8859-1"])
def test_an_eight_bit_file_behind_a_utf8_byte_order_mark_is_told_to_drop_the_mark(
    encoding: str,
) -> None:
    data = b"\xef\xbb\xbf" + f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    with pytest.raises(XMLError) as info:
        parse_xml(data + "<A>Ñuñoa</A>".encode("iso-8859-1"))
    message = str(info.value)
    assert "starts with a UTF-8 byte order mark" in message
    assert f"declares {encoding}" in message
    assert "the bytes are not in the declared" not in message


def test_a_not_well_formed_message_holds_no_line_break() -> None:
    with pytest.raises(XMLError) as info:
        parse_xml(b"<A>\x00</A>")
    assert str(info.value) == (
        "XML is not well formed: Invalid character: Char 0x0 out of allowed range, line 1, column 4"
    )


@pytest.mark.parametrize("before", [b"\n", b"\r\n\r\n", b"  \t\n", b"\xef\xbb\xbf\n"])
def test_blank_lines_before_the_declaration_are_named_with_what_to_remove(before: bytes) -> None:
    data = before + REAL_DTES[0].read_bytes()
    with pytest.raises(XMLError) as info:
        parse_xml(data)
    assert "come before <?xml, which must be the first thing in the file; remove them" in str(
        info.value
    )


def test_text_before_the_declaration_is_named_too() -> None:
    with pytest.raises(XMLError, match="<\\?xml must be the first thing in the file"):
        parse_xml(b"<a/>" + REAL_DTES[0].read_bytes())


@pytest.mark.parametrize("encoding", ["Latin-1", "made-up"])
def test_an_encoding_the_parser_does_not_know_is_refused_naming_the_names_to_declare(
    encoding: str,
) -> None:
    data = REAL_DTES[0].read_bytes()
    declared = data.replace(b'encoding="', f'encoding="{encoding}" x="'.encode(), 1)
    declared = declared.replace(b' x="' + data.split(b'encoding="')[1].split(b'"')[0], b"", 1)
    assert f'encoding="{encoding}"'.encode() in declared[:80]
    with pytest.raises(XMLError) as info:
        parse_xml(declared)
    message = str(info.value)
    assert f"Unsupported encoding: {encoding}" in message
    assert "declare the one the bytes are in by its usual name: " in message
    assert 'encoding="ISO-8859-1"' in message


@given(st.binary(max_size=200))
def test_parse_raises_only_xml_error(data: bytes) -> None:
    with contextlib.suppress(XMLError):
        parse_xml(data)


SUBTREE = (
    b'<DTE xmlns="http://www.sii.cl/SiiDte" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    b'<Documento ID="F1T33"><Encabezado><IdDoc>1</IdDoc></Encabezado></Documento></DTE>'
)


def test_inclusive_c14n_of_a_subtree_avoids_the_lxml_empty_xmlns_trap() -> None:
    documento = parse_xml(SUBTREE)[0]
    # lxml's own subtree C14N writes xmlns="" on the grandchild: the trap.
    assert b'xmlns=""' in etree.tostring(documento, method="c14n")
    assert c14n_inclusive(documento) == (
        b'<Documento xmlns="http://www.sii.cl/SiiDte" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="F1T33">'
        b"<Encabezado><IdDoc>1</IdDoc></Encabezado></Documento>"
    )
    assert c14n_exclusive(documento) == (
        b'<Documento xmlns="http://www.sii.cl/SiiDte" ID="F1T33">'
        b"<Encabezado><IdDoc>1</IdDoc></Encabezado></Documento>"
    )


def test_quick_c14n_equals_inclusive_when_only_the_default_namespace_is_in_scope() -> None:
    root = parse_xml(
        SUBTREE.replace(b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', b"")
    )
    assert c14n_quick(root[0]) == c14n_inclusive(root[0])
    with_xsi = parse_xml(SUBTREE)[0]
    assert c14n_quick(with_xsi) == c14n_inclusive(with_xsi)


def test_stripped_c14n_can_restore_the_default_namespace() -> None:
    bare = parse_xml(b'<DTE><Documento ID="A"><X>1</X></Documento></DTE>')[0]
    assert c14n_stripped(bare) == b'<Documento ID="A"><X>1</X></Documento>'
    assert (
        c14n_stripped(bare, default_ns="urn:x")
        == b'<Documento xmlns="urn:x" ID="A"><X>1</X></Documento>'
    )


def test_timbre_bytes_are_flat_iso_8859_1_with_the_sii_escaping() -> None:
    dd = parse_xml(
        '<DD xmlns="http://www.sii.cl/SiiDte">\n  <RSR>Ñandú &amp; "Cía" O\'Neil &lt;x&gt;</RSR>\n'
        '  <CAF version="1.0"><DA>\n<RS>A</RS></DA></CAF>\n</DD>'
    )
    expected = (
        "<DD><RSR>Ñandú &amp; &quot;Cía&quot; O&apos;Neil &lt;x&gt;</RSR>"
        '<CAF version="1.0"><DA><RS>A</RS></DA></CAF></DD>'
    ).encode("iso-8859-1")
    assert timbre_bytes(dd) == expected
    assert timbre_bytes(dd, quote_entities=False) == expected.replace(b"&quot;", b'"').replace(
        b"&apos;", b"'"
    )


_TIMBRE_TEXT = st.text(alphabet=st.sampled_from("aZ 9&<>\"'ÑúŁ\t"), max_size=12)


@given(rsr=_TIMBRE_TEXT, it1=_TIMBRE_TEXT, attribute=_TIMBRE_TEXT)
def test_timbre_forms_are_both_quote_conventions_once(rsr: str, it1: str, attribute: str) -> None:
    dd = etree.Element("DD")
    etree.SubElement(dd, "RSR").text = rsr
    caf = etree.SubElement(dd, "CAF", version=attribute)
    caf.text = "\n  "
    etree.SubElement(caf, "IT1").text = it1
    expected: list[bytes] = []
    for quote_entities in (True, False):
        with contextlib.suppress(UnicodeEncodeError):
            form = timbre_bytes(dd, quote_entities=quote_entities)
            if form not in expected:
                expected.append(form)
    assert timbre_forms(dd) == expected


def test_timbre_bytes_refuse_text_outside_iso_8859_1() -> None:
    with pytest.raises(UnicodeEncodeError):
        timbre_bytes(parse_xml("<DD><RSR>\u20ac</RSR></DD>"))


def test_absurdly_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(XMLError, match="not well formed"):
        parse_xml(deep)


@pytest.mark.parametrize(
    "hostile",
    [
        b"<EnvioDTE>" + b"<a>" * 300 + b"</a>" * 300 + b"</EnvioDTE>",
        b"<EnvioDTE><a>" + b"x" * (11 * 1024 * 1024) + b"</a></EnvioDTE>",
        b'<EnvioDTE a="' + b"x" * (11 * 1024 * 1024) + b'"/>',
    ],
    ids=["nested 300 deep", "11 MB text", "11 MB attribute"],
)
def test_input_past_the_parser_s_limits_is_refused_without_advice_to_lift_them(
    hostile: bytes,
) -> None:
    with pytest.raises(XMLError) as info:
        parse_xml(hostile)
    message = str(info.value)
    assert "XML_PARSE_HUGE" not in message  # an option of libxml2 no caller can set
    assert "no SII document comes near" in message


def test_windows_1252_only_characters_are_read() -> None:
    data = '<?xml version="1.0" encoding="windows-1252"?><A>Precio €5 – “oferta”</A>'
    assert parse_xml(data.encode("windows-1252")).text == "Precio €5 – “oferta”"


def test_first_children_finds_what_find_finds() -> None:
    root = etree.fromstring(
        b'<r xmlns="urn:a"><!-- c --><x>1</x><y/><x>2</x><?pi z?><b:y xmlns:b="urn:b"/></r>'
    )
    children = first_children(root)
    assert set(children) == {"{urn:a}x", "{urn:a}y", "{urn:b}y"}
    for tag, element in children.items():
        assert element is root.find(tag)
    assert first_children(None) == {}


_CP1252_BYTES = st.binary(max_size=24).map(lambda raw: raw.replace(b"\x00", b""))


def _outcome(
    data: bytes, *, decode_windows_1252: bool, decode_latin1: bool = False
) -> tuple[str, object, object]:
    try:
        root = parse_xml(data, decode_windows_1252=decode_windows_1252, decode_latin1=decode_latin1)
    except XMLError as exc:
        return "error", str(exc), exc.line
    return "tree", etree.tostring(root, method="c14n"), [e.sourceline for e in root.iter()]


@given(
    payload=_CP1252_BYTES,
    name=st.sampled_from(["windows-1252", "WINDOWS-1252", "cp1252", "ISO-8859-1"]),
    quote=st.sampled_from(['"', "'"]),
)
def test_windows_1252_decoded_by_python_reads_as_libxml2_reads_it(
    payload: bytes, name: str, quote: str
) -> None:
    data = (
        f"<?xml version={quote}1.0{quote} encoding={quote}{name}{quote}?>\n<A>\n<B x='é'>".encode()
        + payload
        + b"</B>\n</A>"
    )
    assert _outcome(data, decode_windows_1252=True) == _outcome(data, decode_windows_1252=False)


@given(
    payload=_CP1252_BYTES,
    name=st.sampled_from(["ISO-8859-1", "iso-8859-1", "windows-1252", "cp1252", "UTF-8"]),
    quote=st.sampled_from(['"', "'"]),
    ascii_only=st.booleans(),
)
def test_latin1_decoded_by_python_reads_as_libxml2_reads_it(
    payload: bytes, name: str, quote: str, ascii_only: bool
) -> None:
    attribute = "e" if ascii_only else "é"
    data = (
        f"<?xml version={quote}1.0{quote} encoding={quote}{name}{quote}?>\n<A>\n"
        f"<B x='{attribute}'>".encode("latin-1")
        + (bytes(b & 0x7F for b in payload) if ascii_only else payload)
        + b"</B>\n</A>"
    )
    native = _outcome(data, decode_windows_1252=False)
    assert _outcome(data, decode_windows_1252=False, decode_latin1=True) == native
    assert _outcome(data, decode_windows_1252=True, decode_latin1=True) == native


def test_latin1_in_ascii_bytes_is_read_without_conversion() -> None:
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<A>\n  <B>x</C>\n</A>'
    with pytest.raises(XMLError) as by_python:
        parse_xml(data, decode_latin1=True)
    with pytest.raises(XMLError) as by_libxml2:
        parse_xml(data)
    assert str(by_python.value) == str(by_libxml2.value)
    readable = data.replace(b"</C>", b"</B>")
    assert parse_xml(readable, decode_latin1=True)[0].text == "x"


def test_windows_1252_decoded_by_python_keeps_line_and_column_of_errors() -> None:
    data = '<?xml version="1.0" encoding="windows-1252"?><A>€ “x”</B>'.encode("windows-1252")
    with pytest.raises(XMLError) as by_python:
        parse_xml(data, decode_windows_1252=True)
    with pytest.raises(XMLError) as by_libxml2:
        parse_xml(data)
    assert str(by_python.value) == str(by_libxml2.value)


_NOT_ELEMENTS = {
    "comment": b'<DTE xmlns="http://www.sii.cl/SiiDte"><!--x--><Documento/></DTE>',
    "processing instruction": b'<DTE xmlns="http://www.sii.cl/SiiDte"><?pi x?><Documento/></DTE>',
}


@pytest.mark.parametrize("kind", sorted(_NOT_ELEMENTS))
@pytest.mark.parametrize(
    "canonicalize",
    [
        c14n_exclusive,
        c14n_inclusive,
        c14n_quick,
        c14n_stripped,
        c14n_without_namespaces,
        timbre_bytes,
        timbre_forms,
        lambda node: in_context(node, []),
        lambda node: in_context(node, ["#default"]),
        lambda node: list(signed_forms(node, stripped=True)),
    ],
)
def test_canonical_forms_refuse_a_node_that_is_no_element(canonicalize, kind) -> None:
    # lxml's C14N of a comment or processing instruction kills the process: each helper must
    # refuse one with XMLError before it gets there.
    node = parse_xml(_NOT_ELEMENTS[kind])[0]
    assert not isinstance(node.tag, str)
    with pytest.raises(XMLError, match="only an element can be canonicalized"):
        canonicalize(node)


@pytest.mark.parametrize(
    "body",
    [
        b"<A><B>  \r\n x</B></A>",
        b"<A><B> \r\n</B></A>",
        b"<A><B>\t\t\r\nx</B></A>",
        b"<A><B>  \r x</B></A>",
        b'<A><B c="1\r\n2">  \r\n</B>\r\n  <C/></A>',
        b"<A><B><![CDATA[  \r\n x]]></B></A>",
    ],
)
def test_the_tree_without_indentation_keeps_every_value_beside_a_carriage_return(
    body: bytes,
) -> None:
    # libxml2 cuts text at a CR and took the blanks before it, at the start of a value, for
    # indentation: "<Sucursal>  \r\n NIC" lost its first two spaces on that tree only.
    full = parse_xml(body)
    blankless = parse_xml(body, keep_blank_text=False)
    assert [(e.tag, e.text, dict(e.attrib)) for e in blankless.iter("B")] == [
        (e.tag, e.text, dict(e.attrib)) for e in full.iter("B")
    ]


def test_markup_that_is_not_ascii_keeps_its_blanks_rather_than_have_its_line_ends_rewritten() -> (
    None
):
    body = "<A><B>  \r\n x\u0d0a</B></A>".encode("utf-16")
    assert parse_xml(body, keep_blank_text=False).findtext("B") == "  \n x\u0d0a"


@pytest.mark.parametrize("name", ["factura.xml", "C:\\DTE\\recibidos\\F33.xml", b"DTE.xml"])
def test_a_file_name_given_as_the_xml_says_to_pass_the_file_s_bytes(name: str | bytes) -> None:
    # sii.parse("factura.xml") said only that '<' was not found at line 1, column 1.
    from haulmer.sii import parse, verify

    with pytest.raises(XMLError, match=r"holds no '<'.*read_bytes\(\)"):
        parse(name)
    assert "read_bytes()" in str(verify(name))
