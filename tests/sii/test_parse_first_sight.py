"""parse(): the reading at first sight (a tree without indentation, one walk into the models'
input) gives exactly what the general reading gives, or steps aside for it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer.dte import Document
from haulmer.dte.reading import FieldReading, document_reading
from haulmer.errors import HaulmerError
from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, parse_all
from haulmer.sii.document_input import _document_walk
from haulmer.sii.parsing import _read_at_first_sight, _read_the_general_way
from haulmer.sii.sii_dict import SKIPPED

from .conftest import EMISOR_RUT, REAL_DTES
from .mutations import edited

_MAX = 64 * 1024 * 1024


def _general(xml: bytes) -> list[Document] | tuple[type[Exception], str]:
    try:
        return _read_the_general_way(xml, _MAX)
    except HaulmerError as error:
        return type(error), str(error)


def _public(xml: bytes) -> list[Document] | tuple[type[Exception], str]:
    try:
        return parse_all(xml)
    except HaulmerError as error:
        return type(error), str(error)


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_documents_are_read_at_first_sight_as_the_general_way_reads_them(path) -> None:  # type: ignore[no-untyped-def]
    xml = path.read_bytes()
    assert _read_at_first_sight(xml, _MAX) == _read_the_general_way(xml, _MAX)


def test_issued_documents_of_every_type_are_read_at_first_sight_alike(
    issued: dict[int, bytes],
) -> None:
    for tipo, xml in issued.items():
        assert _read_at_first_sight(xml, _MAX) == _read_the_general_way(xml, _MAX), tipo


def test_an_envelope_is_read_at_first_sight_alike(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    caratula = Caratula(
        rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
    )
    xml = envelope([issued[33], issued[61]], caratula=caratula, certificate=certificate)
    read = _read_at_first_sight(xml, _MAX)
    assert read is not None
    assert read == _read_the_general_way(xml, _MAX)


def test_text_around_comments_is_left_to_the_general_way(issued: dict[int, bytes]) -> None:
    # Without indentation the blank between two comments would be lost: "x y" would read "xy".
    xml = issued[33].replace(b"<NmbItem>", b"<NmbItem><!--a-->x<!--b--> <!--c-->y", 1)
    assert _read_at_first_sight(xml, _MAX) is None
    assert parse_all(xml)[0].detalle[0].nombre.startswith("x y")


def _readings(reading: dict[str, FieldReading], seen: list[int]) -> list[dict[str, FieldReading]]:
    if id(reading) in seen:
        return []
    seen.append(id(reading))
    found = [reading]
    for field in reading.values():
        if field.model is not None:
            found += _readings(field.model, seen)
    return found


def test_no_model_reads_an_element_the_sii_dict_skips() -> None:
    for reading in _readings(document_reading(), []):
        assert not SKIPPED & set(reading)


def test_every_model_field_is_followed_by_the_walk() -> None:
    assert all(
        not field.opaque
        for reading in _readings(document_reading(), [])
        for field in reading.values()
    )


def test_ever_new_tags_do_not_grow_what_the_walk_remembers(issued: dict[int, bytes]) -> None:
    # Left-out elements (a timbre) in ever new namespaces: each is a new tag to the walk.
    left_out = b"".join(
        b'<t%d:TmstFirma xmlns:t%d="urn:%d">x</t%d:TmstFirma>' % ((n,) * 4) for n in range(3000)
    )
    xml = issued[33].replace(b"<IdDoc>", b"<IdDoc>" + left_out, 1)
    assert _read_at_first_sight(xml, _MAX) == _read_the_general_way(xml, _MAX)
    walks, seen = [_document_walk()], []
    while walks:
        walk = walks.pop()
        if id(walk) not in seen:
            seen.append(id(walk))
            assert len(walk) <= 1024
            walks += [field[2] for field in walk.values() if field and field[2] is not None]


_SOURCES = [path.read_bytes() for path in REAL_DTES]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SOURCES).flatmap(edited))
def test_edited_real_documents_read_at_first_sight_as_the_general_way(xml: bytes) -> None:
    general = _general(xml)
    quick = _read_at_first_sight(xml, _MAX)
    if quick is not None:
        assert quick == general
    assert _public(xml) == general


@pytest.mark.parametrize(
    "section",
    [b"<Transporte><!--x--></Transporte>", b"<Transporte><Foo>1</Foo></Transporte>"],
    ids=["only-a-comment", "only-unknown-elements"],
)
def test_a_section_without_known_elements_reads_as_the_general_way(
    issued: dict[int, bytes], section: bytes
) -> None:
    xml = issued[33].replace(b"</Receptor>", b"</Receptor>" + section, 1)
    quick = _read_at_first_sight(xml, _MAX)
    general = _general(xml)
    assert quick is None or quick == general
    assert _public(xml) == general


_NOT_WELL_FORMED = [
    b"<DTE><Documento>",
    b"<DTE>\n  <Documento></Documentos>\n</DTE>",
    b"<DTE>\n  <Documento>\x01</Documento>\n</DTE>",
    b"<DTE/><DTE/>",
    b"<?xml version='1.0'?><!DOCTYPE DTE><DTE/>",
    b"<DTE>\n  &bogus;\n</DTE>",
    b"<a>" * 3000,
]


@pytest.mark.parametrize("xml", _NOT_WELL_FORMED)
def test_xml_that_is_not_well_formed_is_parsed_once_and_refused_as_the_full_tree_refuses_it(
    xml: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import haulmer.sii.parsing as parsing

    expected = _general(xml)
    assert not isinstance(expected, list)
    calls: list[bool] = []
    parse_xml = parsing.parse_xml

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(True)
        return parse_xml(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parsing, "parse_xml", counted)
    assert _public(xml) == expected
    assert len(calls) == 1


@pytest.mark.parametrize("tipo", [33, 110], ids=["factura", "export"])
@pytest.mark.parametrize(
    "amount",
    ["1200", "0001200", "0" * 20 + "1200", "9" * 18, "9" * 19, "1200.00", "+1200", "12e2", "²200"],
)
def test_an_amount_read_at_first_sight_reads_as_the_general_way(
    issued: dict[int, bytes], tipo: int, amount: str
) -> None:
    # Plain digits are handed to the models as the int their union makes of them; any other
    # text is left to the union's text checks (decimals, signs, digits past the schema's 18).
    xml = issued[tipo]
    start = xml.index(b"<MntTotal>") + len(b"<MntTotal>")
    xml = xml[:start] + amount.encode("latin-1") + xml[xml.index(b"</MntTotal>") :]
    general = _general(xml)
    quick = _read_at_first_sight(xml, _MAX)
    assert quick is None or quick == general
    assert _public(xml) == general
