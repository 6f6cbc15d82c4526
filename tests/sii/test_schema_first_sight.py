"""validate_schema(): the check at first sight (a tree without indentation, the DTE schema
chosen without walking to TipoDTE) accepts only what the general check accepts, and leaves
every error to it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer.errors import HaulmerError, XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, validate_schema
from haulmer.sii._xml import parse_xml
from haulmer.sii.schema import (
    _blanks_only_between_elements,
    _markup_among_elements,
    _valid_at_first_sight,
)

from .conftest import EMISOR_RUT, REAL_DTES
from .mutations import edited

SII_XMLNS = b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0">'


def _with_xmlns(xml: bytes) -> bytes:
    return xml.replace(b'<DTE version="1.0">', SII_XMLNS, 1)


def _general(xml: bytes) -> tuple[type[Exception], str] | None:
    """What the general check (on the full tree) says of ``xml``: None when it is valid."""
    try:
        validate_schema(parse_xml(xml, decode_windows_1252=True))
    except HaulmerError as error:
        return type(error), str(error)
    return None


def _public(xml: bytes) -> tuple[type[Exception], str] | None:
    try:
        validate_schema(xml)
    except HaulmerError as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_documents_are_judged_at_first_sight_as_in_general(path) -> None:  # type: ignore[no-untyped-def]
    xml = _with_xmlns(path.read_bytes())
    valid = _general(xml) is None
    assert valid == ("--61--" not in path.name)  # the 61 carries a DocPersonalizado
    assert _valid_at_first_sight(xml) is valid


def test_issued_documents_of_every_type_are_valid_at_first_sight(
    issued: dict[int, bytes],
) -> None:
    for tipo, xml in issued.items():
        assert _valid_at_first_sight(xml), tipo


def test_an_envelope_is_valid_at_first_sight(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    caratula = Caratula(
        rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
    )
    facturas = envelope([issued[33], issued[61]], caratula=caratula, certificate=certificate)
    boletas = envelope([issued[39], issued[41]], caratula=caratula, certificate=certificate)
    assert _valid_at_first_sight(facturas)
    assert _valid_at_first_sight(boletas)


@pytest.mark.parametrize(
    "value",
    [b" <!--c-->" + b"X" * 80, b"<?pi x?> " + b"X" * 80, b" <![CDATA[" + b"X" * 80 + b"]]>"],
    ids=["comment", "pi", "cdata"],
)
def test_a_blank_that_is_part_of_a_value_counts(issued: dict[int, bytes], value: bytes) -> None:
    # NmbItem takes at most 80 characters: the blank makes 81, though indentation it is not.
    start = issued[33].index(b"<NmbItem>") + len(b"<NmbItem>")
    end = issued[33].index(b"</NmbItem>", start)
    xml = issued[33][:start] + value + issued[33][end:]
    assert not _valid_at_first_sight(xml)
    assert _public(xml) == _general(xml) is not None
    assert "NmbItem" in _general(xml)[1]  # type: ignore[index]


@pytest.mark.parametrize("written", [b"39", b" 39 ", b"039", b"41", b"33"])
def test_a_boleta_is_checked_with_the_schema_its_tipo_dte_names(
    issued: dict[int, bytes], written: bytes
) -> None:
    xml = issued[39].replace(b"<TipoDTE>39</TipoDTE>", b"<TipoDTE>" + written + b"</TipoDTE>")
    assert _public(xml) == _general(xml)
    if _valid_at_first_sight(xml):
        assert _general(xml) is None


@pytest.mark.parametrize(
    ("xml", "among"),
    [
        (b"<A><!--c--><B/></A>", True),
        (b"<A>\n  <?pi x?>\n  <B>1</B></A>", True),
        (b'<?xml version="1.0"?>\n<A><B/></A>', True),
        (b'<A b="Hola! &#191;Qu&#233;?">Hola!</A>', True),
        (b"<A><B/><!--c--></A>", False),
        (b"<A> <!--c-->x</A>", False),
        (b"<A><!--c--> <!--d--><B/></A>", False),
        (b"<A><![CDATA[x]]><B/></A>", False),
    ],
)
def test_comments_and_pis_are_found_among_elements_from_the_bytes(xml: bytes, among: bool) -> None:
    assert _markup_among_elements(xml) is among
    if among:
        assert _blanks_only_between_elements(parse_xml(xml, keep_blank_text=False))


def _claims(xml: bytes) -> None:
    """What the byte check says of comments and PIs, the tree check says too."""
    if _markup_among_elements(xml):
        try:
            root = parse_xml(xml, decode_windows_1252=True, keep_blank_text=False)
        except HaulmerError:
            return
        assert _blanks_only_between_elements(root)


_SOURCES = [_with_xmlns(path.read_bytes()) for path in REAL_DTES]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SOURCES).flatmap(edited))
def test_edited_real_documents_are_judged_at_first_sight_as_in_general(xml: bytes) -> None:
    _claims(xml)
    general = _general(xml)
    if _valid_at_first_sight(xml):
        assert general is None
    assert _public(xml) == general


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edited_issued_documents_are_judged_at_first_sight_as_in_general(
    issued: dict[int, bytes], data: st.DataObject
) -> None:
    xml = data.draw(st.sampled_from(sorted(issued.values())).flatmap(edited))
    _claims(xml)
    general = _general(xml)
    if _valid_at_first_sight(xml):
        assert general is None
    assert _public(xml) == general


def test_markup_in_other_byte_forms_is_left_to_the_general_check(
    issued: dict[int, bytes],
) -> None:
    text = issued[33].decode("iso-8859-1").replace('encoding="ISO-8859-1"', 'encoding="UTF-16"')
    xml = text.encode("utf-16")
    assert not _valid_at_first_sight(xml)
    assert _public(xml) is None


@pytest.mark.parametrize(
    "xml",
    [
        b"<DTE><Documento>",
        b"<DTE>\n  <Documento></Documentos>\n</DTE>",
        b"<?xml version='1.0'?><!DOCTYPE DTE><DTE/>",
        b"<DTE>\n  &bogus;\n</DTE>",
    ],
)
def test_xml_that_is_not_well_formed_is_parsed_once_and_refused_as_the_full_tree_refuses_it(
    xml: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import haulmer.sii.schema as schema
    from haulmer.errors import XMLError
    from haulmer.sii._xml import parse_xml

    with pytest.raises(XMLError) as full_tree:
        parse_xml(xml, decode_windows_1252=True)
    calls: list[bool] = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(True)
        return parse_xml(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(schema, "parse_xml", counted)
    with pytest.raises(XMLError) as refused:
        schema.validate_schema(xml)
    assert (str(refused.value), refused.value.line) == (str(full_tree.value), full_tree.value.line)
    assert len(calls) == 1


def test_a_value_that_starts_with_blanks_before_a_crlf_is_judged_as_in_general() -> None:
    # Found by hypothesis: on the tree without indentation "  \r\n NIC Chile ..." lost its
    # first two spaces, so a Sucursal one character too long passed at first sight.
    source = _with_xmlns(REAL_DTES[0].read_bytes())
    assert b"<Sucursal>NIC Chile</Sucursal>" in source
    xml = source.replace(
        b"<Sucursal>NIC Chile</Sucursal>", b"<Sucursal>  \r\n NIC Chile  \r\n   \r\n </Sucursal>"
    )
    general = _general(xml)
    assert general is not None
    assert "Sucursal" in general[1]
    assert "length of '21'" in general[1]
    assert not _valid_at_first_sight(xml)
    assert _public(xml) == general


@pytest.mark.parametrize("cdata", [False, True], ids=["plain", "cdata"])
def test_a_value_the_validator_cannot_judge_is_an_xml_error_not_lxmls(
    issued: dict[int, bytes], cdata: bool
) -> None:
    """A FchEmis whose year has 18 digits made libxml2's validator fail with an "internal
    error" (one of 40 digits it calls invalid), which validate_schema() let out as lxml's
    XMLSchemaValidateError."""
    xml = issued[33].replace(b"<FchEmis>2026", b"<FchEmis>123456712345672026", 1)
    if cdata:
        xml = xml.replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE><![CDATA[33]]></TipoDTE>", 1)
    assert not _valid_at_first_sight(xml)
    with pytest.raises(XMLError, match="could not judge a value at line 2") as refused:
        validate_schema(xml)
    assert refused.value.line == 2
    assert _public(xml) == _general(xml)
