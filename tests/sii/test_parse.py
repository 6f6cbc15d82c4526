"""parse(): received XML into haulmer.dte models, leniently, without trusting the input."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer.dte import DTEType
from haulmer.errors import DocumentError, XMLError
from haulmer.sii import parse
from haulmer.sii._xml import parse_xml
from haulmer.sii.parsing import element_to_dict

from .conftest import REAL_DTES


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_every_real_document_parses(path) -> None:  # type: ignore[no-untyped-def]
    document = parse(path.read_bytes())
    assert document.folio == int(path.stem.split("--")[3])
    assert int(document.tipo_dte) == int(path.stem.split("--")[2])
    assert document.detalle


def test_real_nota_de_credito_keeps_its_reference_and_totals() -> None:
    path = next(p for p in REAL_DTES if "--61--" in p.name)
    document = parse(path.read_bytes())
    assert document.tipo_dte is DTEType.NOTA_CREDITO
    assert document.fecha_emision == dt.date(2019, 8, 2)
    (referencia,) = document.referencias
    assert (referencia.tipo_doc_ref, referencia.folio_ref) == ("33", "115885")
    assert document.encabezado.totales is not None
    assert document.encabezado.totales.mnt_total == 57347078
    assert document.detalle[0].precio == Decimal("48190822")


def test_windows_1252_text_is_decoded() -> None:
    path = next(p for p in REAL_DTES if "60910000" in p.name)
    assert parse(path.read_bytes()).receptor.contacto == "Germán Enrique Larraín Muñoz"


def test_repeated_elements_are_lists_even_when_single() -> None:
    root = parse_xml(
        b"<Documento><Encabezado><Emisor><Acteco>1</Acteco></Emisor></Encabezado>"
        b"<Detalle><NmbItem>a</NmbItem></Detalle><TED/><TmstFirma>x</TmstFirma>"
        b"<Empty></Empty></Documento>"
    )
    assert element_to_dict(root) == {
        "Encabezado": {"Emisor": {"Acteco": ["1"]}},
        "Detalle": [{"NmbItem": "a"}],
    }


def test_parse_refuses_foreign_xml() -> None:
    with pytest.raises(XMLError, match="expected DTE, EnvioDTE or EnvioBOLETA, got <Foo>"):
        parse(b"<Foo/>")


def test_parse_reports_content_that_does_not_fit_the_models() -> None:
    with pytest.raises(DocumentError):
        parse(
            b"<DTE><Documento><Encabezado><IdDoc><TipoDTE>33</TipoDTE></IdDoc></Encabezado></Documento></DTE>"
        )


def test_parse_refuses_an_entity_bomb() -> None:
    with pytest.raises(XMLError, match="DOCTYPE"):
        parse(b'<!DOCTYPE DTE [<!ENTITY a "aaaa">]><DTE>&a;</DTE>')


@given(st.binary(max_size=200))
def test_parse_raises_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(XMLError, DocumentError):
        parse(data)
