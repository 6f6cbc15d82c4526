"""The builders by family share one written list of options and one note builder."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.dte import builders
from haulmer.dte.builders import DocumentOptions, LineDict, NoteOptions, PaymentOptions

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
