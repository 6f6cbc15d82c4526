"""parse(): received XML into haulmer.dte models, leniently, without trusting the input."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import typing
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, TypeAdapter

from haulmer.dte import Document, DTEType, models
from haulmer.dte.models import Aduana, Chofer, Referencia, Transporte
from haulmer.dte.number_text import text_digits
from haulmer.dte.reading import rut_paths
from haulmer.dte.schema.checker import ROOTS, field_checks
from haulmer.dte.schema.elements import Element
from haulmer.errors import DocumentError, XMLError
from haulmer.rut import Rut
from haulmer.sii import parse, validate_schema
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


def _with_text(xml: bytes, tag: str, text: str) -> bytes:
    """``xml`` (windows-1252, as the factura declares) with the first ``<tag>``'s text replaced."""
    start = xml.index(f"<{tag}>".encode()) + len(tag) + 2
    end = xml.index(b"<", start)
    return xml[:start] + text.encode("cp1252") + xml[end:]


_FACTURA = next(p for p in REAL_DTES if "60910000" in p.name).read_bytes()


def _refused_as_the_schema_refuses(tag: str, text: str, field: str, said: str) -> None:
    """The real factura with ``text`` in its first ``tag``: the SII's schema refuses it, and
    parse() refuses it naming ``field``, the text, and saying ``said``."""
    xml = _with_text(_FACTURA, tag, text)
    with pytest.raises(XMLError):  # the SII's schema refuses it too
        validate_schema(xml, restore_namespace=True)
    with pytest.raises(DocumentError) as raised:
        parse(xml)
    (detail,) = raised.value.details
    assert detail.field == field
    assert said in detail.issue
    assert repr(text) in detail.issue


@pytest.mark.parametrize(
    ("tag", "text", "field", "said"),
    [
        ("MntNeto", "8943.0", "Encabezado.Totales.MntNeto", "is not a whole number as the SII"),
        ("IVA", "1.699e3", "Encabezado.Totales.IVA", "without a decimal point, exponent"),
        ("MntTotal", "10642.4", "Encabezado.Totales.MntTotal", "only whole pesos here in a"),
        ("MntTotal", "10642.0", "Encabezado.Totales.MntTotal", "(only exports, 110, 111"),
        ("MntTotal", "1.0642e4", "Encabezado.Totales.MntTotal", "without an exponent"),
        ("MontoItem", "8943.5", "Detalle[1].MontoItem", "'8943.5' is written with decimals"),
        ("PrcItem", "8.94286e3", "Detalle[1].PrcItem", "'8.94286e3' is not a number as"),
        ("QtyItem", "1_0", "Detalle[1].QtyItem", "without an exponent or separators"),
        ("MntNeto", "8943\u00b2", "Encabezado.Totales.MntNeto", "ASCII digits"),
    ],
)
def test_parse_refuses_a_number_the_sii_schema_does_not_write_naming_field_and_value(
    tag: str, text: str, field: str, said: str
) -> None:
    _refused_as_the_schema_refuses(tag, text, field, said)


@pytest.mark.parametrize("text", ["+10642", "010642", " 10642 ", "10642"])
def test_parse_reads_an_integer_written_as_the_sii_schema_allows(text: str) -> None:
    # xs:integer is digits with an optional sign (leading zeros and "+" included): the SII's
    # schema, and so validate_schema(), accept these, and parse reads the number they write.
    xml = _with_text(_FACTURA, "MntTotal", text)
    validate_schema(xml, restore_namespace=True)
    assert parse(xml).encabezado.totales is not None
    assert parse(xml).encabezado.totales.mnt_total == 10642


@pytest.mark.parametrize(
    ("tag", "text", "field", "said"),
    [
        ("Folio", "12345678901", "Encabezado.IdDoc.Folio", "has 11 digits; the SII's schema"),
        ("Folio", "+012345678901", "Encabezado.IdDoc.Folio", "allows at most 10 here"),
        ("TasaIVA", "19.001", "Encabezado.Totales.TasaIVA", "has 3 decimals; the SII's schema"),
        ("TasaIVA", "123456", "Encabezado.Totales.TasaIVA", "allows at most 5 here"),
        ("QtyItem", "1.0000001", "Detalle[1].QtyItem", "allows at most 6 decimals here"),
        ("PrcItem", "8942.8600001", "Detalle[1].PrcItem", "has 7 decimals"),
        ("Acteco", "1234567", "Encabezado.Emisor.Acteco[1]", "allows at most 6 here"),
    ],
)
def test_parse_refuses_a_number_with_more_digits_than_its_element_allows(
    tag: str, text: str, field: str, said: str
) -> None:
    _refused_as_the_schema_refuses(tag, text, field, said)


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        ("Folio", "0002336600"),
        ("Folio", "+00000000002336600"),
        ("TasaIVA", "19.000"),
        ("TasaIVA", "0019.00"),
        ("QtyItem", "1.00000000"),
        ("PrcItem", "0008942.860000000"),
    ],
)
def test_parse_counts_digits_on_the_value_as_the_sii_schema_does(tag: str, text: str) -> None:
    # totalDigits and fractionDigits count neither leading zeros nor trailing decimal zeros.
    xml = _with_text(_FACTURA, tag, text)
    validate_schema(xml, restore_namespace=True)
    assert parse(xml) == parse(_FACTURA)


def test_parse_refuses_an_export_amount_with_more_than_four_decimals(
    issued: dict[int, bytes],
) -> None:
    xml = issued[110]
    start = xml.index(b"<MontoItem>") + len(b"<MontoItem>")
    end = xml.index(b"<", start)
    amount = xml[start:end].decode()
    edited = xml[:start] + f"{Decimal(amount):.5f}".encode()[:-1] + b"1" + xml[end:]
    with pytest.raises(DocumentError) as raised:
        parse(edited)
    (detail,) = raised.value.details
    assert detail.field == "Detalle[1].MontoItem"
    assert "has 5 decimals; the SII's schema allows at most 4 decimals here" in detail.issue


def test_each_number_field_counts_the_digits_the_schema_facts_give_its_elements() -> None:
    # The loosest of the roots that have the element (an export's MontoItem has 4 decimals).
    expected: dict[tuple[str, str], tuple[int | None, int | None]] = {}

    def walk(model: type[BaseModel], section: Element, names: tuple[str, ...], root: Any) -> None:
        for check in field_checks(model, section, names, root):
            element = check.element
            if element is None:
                continue
            annotation = model.model_fields[check.attribute].annotation
            if element.kind == "section":
                for held in _models_in(annotation):
                    walk(held, element, (*names, check.shown), root)
            elif annotation in (str, str | None):
                continue  # a code kept as written (ItemEspectaculo's '01'): its enumeration decides
            elif element.kind in ("integer", "decimal"):
                key = (model.__name__, check.attribute)
                digits, fraction = element.total_digits, element.fraction_digits or 0
                if key in found:
                    digits = _looser(found[key][0], digits)
                    fraction = max(found[key][1], fraction)
                found[key] = (digits, fraction)

    found: dict[tuple[str, str], tuple[int | None, int]] = {}
    for root in ROOTS:
        walk(Document, root.element, (), root)
    for key, (digits, fraction) in found.items():
        if fraction:
            expected[key] = (digits, fraction)
        else:  # integers: 18 digits, which every SII integer fits in, the models' bound keeps
            expected[key] = (digits if digits is not None and digits < 18 else None, None)
    counted = {key: _text_digits(getattr(models, key[0]), key[1]) for key in expected}
    assert counted == expected
    assert counted[("IdDoc", "folio")] == (10, None)
    assert counted[("Totales", "tasa_iva")] == (5, 2)


def _looser(one: int | None, other: int | None) -> int | None:
    return None if one is None or other is None else max(one, other)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found = [model for argument in typing.get_args(annotation) for model in _models_in(argument)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    return found


def _text_digits(model: type[BaseModel], attribute: str) -> tuple[int | None, int | None]:
    """The digits the outermost text check of a field counts (its type's or its union's)."""
    info = model.model_fields[attribute]
    pending: list[Any] = [info.annotation]
    for meta in info.metadata:  # a type of its own: pydantic keeps its metadata here
        if isinstance(meta, BeforeValidator):
            return text_digits(meta.func)  # type: ignore[arg-type]
    while pending:
        current = pending.pop(0)
        for meta in getattr(current, "__metadata__", ()):
            if isinstance(meta, BeforeValidator):
                return text_digits(meta.func)  # type: ignore[arg-type]
        pending.extend(typing.get_args(current))
    return (None, None)


@pytest.mark.parametrize(
    ("tag", "text", "field", "right"),
    [
        ("RUTEmisor", "60910000-2", "Encabezado.Emisor.RUTEmisor", "60910000-1"),
        ("RUTRecep", "76555835-3", "Encabezado.Receptor.RUTRecep", "76555835-2"),
    ],
)
def test_parse_refuses_a_rut_whose_check_digit_is_wrong_naming_the_right_one(
    tag: str, text: str, field: str, right: str
) -> None:
    with pytest.raises(DocumentError) as raised:
        parse(_with_text(_FACTURA, tag, text))
    (detail,) = raised.value.details
    assert detail.field == field
    assert detail.issue.startswith(f"{text} has a wrong check digit")
    assert f"({right})" in detail.issue


def test_parse_refuses_a_wrong_check_digit_in_every_rut_of_a_document() -> None:
    # Each RUT field the models have, RUTOtr of a reference and the transport's included.
    xml = _with_text(_FACTURA, "RUTRecep", "76555835-2").replace(
        b"</Receptor>",
        b"</Receptor><RUTSolicita>12345678-9</RUTSolicita>",
        1,
    )
    with pytest.raises(DocumentError) as raised:
        parse(xml)
    assert [d.field for d in raised.value.details] == ["Encabezado.RUTSolicita"]
    assert "the check digit of 12345678 is 5" in raised.value.details[0].issue


def _rut_aliases(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    """The SII names of every ``Rut`` field of ``model`` and the models it holds."""
    found: set[str] = set()
    seen.add(model)
    for info in model.model_fields.values():
        for held in (info.annotation, *typing.get_args(info.annotation)):
            for inner in (held, *typing.get_args(held)):
                if inner is Rut and info.alias:
                    found.add(info.alias)
                elif isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in seen:
                    found |= _rut_aliases(inner, seen)
    return found


def test_every_rut_field_of_the_models_is_checked_when_read() -> None:
    document = parse(_FACTURA)
    transporte = Transporte(
        rut_transportista="76555835-2",
        chofer=Chofer(rut="76555835-2", nombre="Juan"),
        aduana=Aduana(rut_cia_transp="76555835-2"),
    )
    encabezado = document.encabezado.model_copy(update={"transporte": transporte})
    document = document.model_copy(
        update={"encabezado": encabezado, "referencias": [Referencia(rut_otro="76555835-2")]}
    )
    checked = {path.rpartition(".")[2] for path, _ in rut_paths(document)}
    assert checked == _rut_aliases(Document, set())


@pytest.mark.parametrize(
    "number_type",
    [models.Whole, models.Number, models.Whole10, models.Rate, models.Measure],
    ids=["Whole", "Number", "Whole10", "Rate", "Measure"],
)
def test_a_number_type_keeps_its_bound_in_pydantic_core_beneath_its_text_check(
    number_type: object,
) -> None:
    # Listed after the text check, the bound would be two Python validators a number (pydantic
    # cannot push a bound through a before-validator): about a tenth more per parse.
    schema = TypeAdapter(number_type).core_schema
    assert schema["type"] == "function-before"
    inner = schema["schema"]
    assert inner["type"] in ("int", "decimal")
    assert {"gt", "lt"} <= inner.keys()


def _python_bounds(schema: object) -> list[str]:
    """The bound checks pydantic left to Python in a core schema (``ge=0`` as a partial)."""
    found: list[str] = []
    if isinstance(schema, dict):
        function = schema.get("function") if schema.get("type") == "function-after" else None
        check = function.get("function") if isinstance(function, dict) else None
        if isinstance(check, functools.partial) and check.func.__name__.endswith("_validator"):
            found.append(f"{check.func.__name__}{check.keywords}")
        for value in schema.values():
            found += _python_bounds(value)
    elif isinstance(schema, (list, tuple)):
        for value in schema:
            found += _python_bounds(value)
    return found


def test_the_models_bounds_are_checked_in_pydantic_core_but_an_amounts_sign() -> None:
    # A field's own ge=0 on a number type with a text check is one more Python call a value;
    # the bounded types keep it in pydantic's core. Only Amount (int | Decimal: MontoItem,
    # MntExe, MntTotal) keeps its sign check after the union, whose refusal it words as one.
    bounds = _python_bounds(Document.__pydantic_core_schema__)
    assert bounds == ["greater_than_or_equal_validator{'ge': 0}"] * 3
