"""The builders by family share one written list of options and one note builder."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.dte import builders
from haulmer.dte.builders import DocumentOptions, LineDict, NoteOptions, PaymentOptions
from haulmer.errors import DocumentError

PACKAGE = Path(builders.__file__).resolve().parent
SHARED = DocumentOptions.__optional_keys__
PUBLIC = [name for name in builders.__all__ if name[0].islower() and name != "nota"]


def _functions() -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    for path in PACKAGE.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = node
    return found


def test_no_builder_restates_the_shared_options_by_hand() -> None:
    functions = _functions()
    for name in PUBLIC:
        node = functions[name]
        explicit = {a.arg for a in node.args.args + node.args.kwonlyargs}
        assert not explicit & SHARED, (name, explicit & SHARED)
        assert node.args.kwarg is not None, name
        assert "Unpack[" in ast.unparse(node.args.kwarg.annotation or ast.Constant("")), name


def test_the_four_notas_are_one_builder() -> None:
    functions = _functions()
    for name in (
        "nota_credito",
        "nota_debito",
        "nota_credito_exportacion",
        "nota_debito_exportacion",
    ):
        calls = [
            node.func.id
            for node in ast.walk(functions[name])
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        ]
        assert "nota" in calls, name
    assert {"_note", "_export_note"}.isdisjoint(functions)


def test_the_options_are_written_once_and_extend_each_other() -> None:
    assert {
        "fecha",
        "folio",
        "descuentos_recargos",
        "referencias",
        "id_doc",
        "tasas_adicionales",
        "credito_constructoras",
        "saldo_anterior",
        "subtotales",
        "geo_ref_emision",
        "manejo_madera",
        "check",
    } == SHARED
    assert PaymentOptions.__optional_keys__ > SHARED
    assert NoteOptions.__optional_keys__ > SHARED


@pytest.mark.parametrize("name", PUBLIC)
def test_an_unknown_keyword_is_refused_as_python_refuses_one(
    name: str, emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    builder = getattr(dte, name)
    with pytest.raises(TypeError, match=rf"{name}\(\) got an unexpected keyword argument 'folo'"):
        if "documento" in inspect.signature(builder).parameters:
            builder(None, folo=1)
        elif name == "build":
            builder(33, emisor=emisor, receptor=receptor, lines=[], folo=1)
        else:
            required = {"ind_traslado": 1, "moneda": "EURO"}
            wanted = inspect.signature(builder).parameters
            extra = {key: value for key, value in required.items() if key in wanted}
            builder(emisor=emisor, receptor=receptor, lines=[], **extra, folo=1)


def test_a_plain_line_dict_is_a_line(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    line: LineDict = {"nombre": "Plan anual", "cantidad": 2, "precio": 1000, "unidad": "UN"}
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=[line], folio=5)
    assert (factura.folio, factura.totals.mnt_neto) == (5, 2000)


def _call_with(name: str, emisor: dict[str, Any], receptor: dict[str, Any], **given: Any) -> Any:
    """Call the builder ``name`` with valid parties, no lines (unless given) and ``given``."""
    builder = getattr(dte, name)
    if "documento" in inspect.signature(builder).parameters:
        return builder(None, **given)
    arguments: dict[str, Any] = {"emisor": emisor, "receptor": receptor, "lines": [], **given}
    if name == "build":
        return builder(33, **arguments)
    required = {"ind_traslado": 1, "moneda": "EURO"}
    wanted = inspect.signature(builder).parameters
    return builder(**arguments, **{k: v for k, v in required.items() if k in wanted})


def _amended(name: str, emisor: dict[str, Any], receptor: dict[str, Any]) -> dte.Document:
    """A document with its folio that the nota builder ``name`` can amend."""
    line = {"nombre": "Servicio", "precio": 1000}
    if name.endswith("exportacion"):
        foreign = {"razon_social": "ACME GMBH", "extranjero": {"nacionalidad": "225"}}
        export = dte.factura_exportacion(
            emisor=emisor, receptor=foreign, lines=[line], moneda="EURO", ind_servicio=3
        )
        return export.with_folio(7)
    return dte.factura(emisor=emisor, receptor=receptor, lines=[line]).with_folio(7)


WRONG_LISTS = {
    "subtotales as one dict": ("subtotales", {"NroSTI": 1}, "SubTotInfo", "dict"),
    "referencias as one dict": ("referencias", {"TpoDocRef": "801"}, "Referencia", "dict"),
    "descuentos_recargos as text": ("descuentos_recargos", "10%", "DscRcgGlobal", "str"),
    "subtotales as None": ("subtotales", None, "SubTotInfo", "None"),
    "referencias as a number": ("referencias", 5, "Referencia", "int"),
}


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize(
    ("option", "value", "field", "kind"), WRONG_LISTS.values(), ids=WRONG_LISTS.keys()
)
def test_a_list_option_of_the_wrong_kind_is_a_document_error_naming_it(
    name: str,
    option: str,
    value: object,
    field: str,
    kind: str,
    emisor: dict[str, Any],
    receptor: dict[str, Any],
) -> None:
    with pytest.raises(DocumentError, match=rf"^{option} is a list of .*, got {kind}: ") as info:
        _call_with(name, emisor, receptor, **{option: value})
    assert isinstance(info.value, TypeError)  # as before, for callers that catch TypeError
    assert [detail.field for detail in info.value.details] == [field]


WRONG_MAPPINGS = {
    "id_doc as text": ("id_doc", "x", "Encabezado.IdDoc", "str"),
    "geo_ref_emision as text": ("geo_ref_emision", "x", "GeoRefEmision", "str"),
    "manejo_madera as a list": ("manejo_madera", [{"RolOrigen": "1"}], "ManejoMadera", "list"),
}


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize(
    ("option", "value", "field", "kind"), WRONG_MAPPINGS.values(), ids=WRONG_MAPPINGS.keys()
)
def test_a_dict_option_of_the_wrong_kind_is_a_document_error_naming_it(
    name: str,
    option: str,
    value: object,
    field: str,
    kind: str,
    emisor: dict[str, Any],
    receptor: dict[str, Any],
) -> None:
    with pytest.raises(
        DocumentError, match=rf"^{option}: expected a mapping .*, got {kind}$"
    ) as info:
        _call_with(name, emisor, receptor, **{option: value})
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == [field]


# A boleta's receptor left out (None) is the anonymous buyer, 66666666-6; notas copy theirs.
NAMED_PARTIES = [
    (name, party)
    for name in PUBLIC
    if not name.startswith("nota")
    for party in ("emisor", "receptor")
    if not (name.startswith("boleta") and party == "receptor")
]


@pytest.mark.parametrize(("name", "party"), NAMED_PARTIES)
def test_a_party_given_as_none_is_a_document_error_naming_it(
    name: str, party: str, emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # boleta(emisor=None) said the issuer held "a number of thousands of digits".
    field = {"emisor": "Encabezado.Emisor", "receptor": "Encabezado.Receptor"}[party]
    with pytest.raises(DocumentError, match=rf"^{party}: expected a mapping .*, got None$") as info:
        _call_with(name, **{"emisor": emisor, "receptor": receptor, party: None})
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == [field]


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize("lines", [{"nombre": "Servicio", "precio": 1000}, "Servicio", 3])
def test_lines_of_the_wrong_kind_are_a_document_error_naming_them(
    name: str, lines: object, emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    kind = type(lines).__name__
    with pytest.raises(
        DocumentError, match=rf"^lines is a list of lines, .*, got {kind}: "
    ) as info:
        _call_with(name, emisor, receptor, lines=lines)
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == ["Detalle"]


WRONG_VALUES = {
    "tasas_adicionales as a list": (
        "tasas_adicionales",
        [("28", 5)],
        r"tasas_adicionales is a mapping of tax codes to rates .*, got list",
        "tasas_adicionales",
    ),
    "tasas_adicionales as text": (
        "tasas_adicionales",
        "28",
        r"tasas_adicionales is a mapping of tax codes to rates .*, got str",
        "tasas_adicionales",
    ),
    "saldo_anterior as text": (
        "saldo_anterior",
        "100",
        r"saldo_anterior is the SaldoAnterior in whole pesos .*, got str",
        "Encabezado.Totales.SaldoAnterior",
    ),
    "saldo_anterior as True": (
        "saldo_anterior",
        True,
        r"saldo_anterior is the SaldoAnterior in whole pesos .*, got bool",
        "Encabezado.Totales.SaldoAnterior",
    ),
    "credito_constructoras as a float": (
        "credito_constructoras",
        1.5,
        r"credito_constructoras is the CredEC in whole pesos \(an int\), got float",
        "Encabezado.Totales.CredEC",
    ),
    "check as text": ("check", "no", r"check is True or False, got 'no'", "check"),
}


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize(
    ("option", "value", "message", "field"), WRONG_VALUES.values(), ids=WRONG_VALUES.keys()
)
def test_an_option_of_the_wrong_kind_is_a_document_error_naming_it(
    name: str,
    option: str,
    value: object,
    message: str,
    field: str,
    emisor: dict[str, Any],
    receptor: dict[str, Any],
) -> None:
    with pytest.raises(DocumentError, match=rf"^{message}") as info:
        _call_with(name, emisor, receptor, **{option: value})
    assert isinstance(info.value, TypeError)  # as before, for callers that catch TypeError
    assert [detail.field for detail in info.value.details] == [field]


@pytest.mark.parametrize(
    ("name", "option", "field"),
    [
        ("factura", "montos_brutos", "Encabezado.IdDoc.MntBruto"),
        ("nota_credito", "montos_brutos", "Encabezado.IdDoc.MntBruto"),
        ("liquidacion_factura", "montos_brutos", "Encabezado.IdDoc.MntBruto"),
        ("boleta", "montos_netos", "Encabezado.IdDoc.IndMntNeto"),
    ],
)
def test_a_yes_or_no_argument_of_the_wrong_kind_is_a_document_error_naming_it(
    name: str, option: str, field: str, emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError, match=rf"^{option} is True or False, got 'no'") as info:
        _call_with(name, emisor, receptor, **{option: "no"})
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == [field]


WRONG_ITEMS = {
    "a line as text": ("lines", [{"nombre": "x", "precio": 1}, "x"], "lines[1]", "Detalle[2]"),
    "a line as None": ("lines", [None], "lines[0]", "Detalle[1]"),
    "a reference as a number": ("referencias", [5], "referencias[0]", "Referencia[1]"),
    "a discount as text": (
        "descuentos_recargos",
        [{"TpoMov": "D", "TpoValor": "%", "ValorDR": 5}, "10%"],
        "descuentos_recargos[1]",
        "DscRcgGlobal[2]",
    ),
    "a subtotal as text": ("subtotales", ["x"], "subtotales[0]", "SubTotInfo[1]"),
}


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize(
    ("option", "value", "argument", "field"), WRONG_ITEMS.values(), ids=WRONG_ITEMS.keys()
)
def test_an_item_of_the_wrong_kind_in_a_list_is_named_by_its_list_and_place(
    name: str,
    option: str,
    value: object,
    argument: str,
    field: str,
    emisor: dict[str, Any],
    receptor: dict[str, Any],
) -> None:
    kind = "None" if value[-1] is None else type(value[-1]).__name__  # type: ignore[index]
    if name.startswith("nota") and option == "referencias":
        field = "Referencia[2]"  # after the nota's own reference to its document
    with pytest.raises(
        DocumentError, match=rf"^{re.escape(argument)}: expected a mapping .*, got {kind}$"
    ) as info:
        if name.startswith("nota"):
            source = _amended(name, emisor, receptor)
            given = {"lines": [{"nombre": "Servicio", "precio": 100}], option: value}
            getattr(dte, name)(source, cod_ref="corrige_montos", **given)
        else:
            _call_with(name, emisor, receptor, **{option: value})
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == [field]


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ("receptor", "Encabezado.Receptor"),
        ("transporte", "Encabezado.Transporte"),
        ("aduana", "Encabezado.Transporte.Aduana"),
    ],
)
def test_an_export_party_or_section_of_the_wrong_kind_is_named(
    option: str, field: str, emisor: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {
        "emisor": emisor,
        "receptor": {"razon_social": "ACME GMBH"},
        "lines": [{"nombre": "Servicio", "precio": 10}],
        "moneda": "EURO",
        "ind_servicio": 3,
        option: "x",
    }
    with pytest.raises(DocumentError, match=rf"^{option}: expected a mapping .*, got str$") as info:
        dte.factura_exportacion(**arguments)
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == [field]


def test_a_liquidacion_s_tipo_doc_liq_of_the_wrong_kind_is_a_document_error(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError, match="tipo_doc_liq must be a document type") as info:
        dte.liquidacion_factura(
            emisor=emisor,
            receptor=receptor,
            lines=[{"nombre": "Venta", "precio": 10}],
            tipo_doc_liq=33.0,  # type: ignore[arg-type]
        )
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == ["Detalle.TpoDocLiq"]


@pytest.mark.parametrize("name", ["nota_credito", "nota_debito_exportacion"])
def test_a_nota_of_something_that_is_no_document_is_a_document_error(name: str) -> None:
    with pytest.raises(DocumentError, match=r"is a haulmer\.dte\.Document, got dict") as info:
        getattr(dte, name)({"TipoDTE": 33})
    assert isinstance(info.value, TypeError)
    assert [detail.field for detail in info.value.details] == ["documento"]
