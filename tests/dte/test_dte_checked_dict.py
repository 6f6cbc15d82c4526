"""checked_sii_dict, to_sii_dict and the totals do the arithmetic once and agree with the long way.

``checked_sii_dict`` must give what ``check_for_stamping()`` then ``to_sii_dict()`` give (the same
dict or the same error), ``to_sii_dict`` what the ``completed()`` copy holds, and ``totals_from``
what ``totals`` computes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.dte import Document
from haulmer.errors import DocumentError

_good_line = st.fixed_dictionaries(
    {
        "NmbItem": st.sampled_from(["Tornillo", 'Ñandú & <Cía> "x"']),
        "PrcItem": st.decimals(min_value=Decimal(1), max_value=Decimal(9999), places=2),
    },
    optional={
        "QtyItem": st.decimals(min_value=Decimal("0.5"), max_value=Decimal(50), places=3),
        "DescuentoPct": st.sampled_from([Decimal(10), Decimal("12.5")]),
        "IndExe": st.just(1),
    },
)
_odd_line = st.fixed_dictionaries(
    {"NmbItem": st.sampled_from(["Tornillo", " ", "x" * 81])},
    optional={
        "QtyItem": st.decimals(min_value=Decimal("0.5"), max_value=Decimal(50), places=3),
        "PrcItem": st.decimals(min_value=Decimal(1), max_value=Decimal(9999), places=2),
        "DescuentoMonto": st.integers(min_value=0, max_value=5000),
        "IndExe": st.sampled_from([1, 2, 7]),
        "MontoItem": st.integers(min_value=0, max_value=10**6),
        "NroLinDet": st.integers(min_value=1, max_value=3),
    },
)
_line = st.one_of(_good_line, _good_line, _good_line, _good_line, _odd_line)
_global = st.fixed_dictionaries(
    {
        "TpoMov": st.sampled_from(["D", "R"]),
        "TpoValor": st.sampled_from(["%", "$"]),
        "ValorDR": st.sampled_from([Decimal(5), Decimal("12.5"), Decimal(100000)]),
    },
    optional={"IndExeDR": st.sampled_from([1, 2])},
)


def _document(
    tipo: int,
    folio: int,
    lines: list[dict[str, Any]],
    globales: list[dict[str, Any]],
    totales: dict[str, Any] | None,
) -> Document:
    boleta = tipo in (39, 41)
    id_doc: dict[str, Any] = {"TipoDTE": tipo, "Folio": folio, "FchEmis": "2026-11-27"}
    emisor: dict[str, Any] = {
        "RUTEmisor": "76086428-5",
        "RznSoc": "Comercial Ñandú Ltda.",
        "GiroEmis": "Ferretería",
        "DirOrigen": "Av. O'Higgins 1234",
        "CmnaOrigen": "Ñuñoa",
    }
    if boleta:
        id_doc["IndServicio"] = 3
    else:
        emisor["Acteco"] = [475201]
    data: dict[str, Any] = {
        "Encabezado": {
            "IdDoc": id_doc,
            "Emisor": emisor,
            "Receptor": {
                "RUTRecep": "96790240-3",
                "RznSocRecep": "Minera",
                "GiroRecep": "Cobre",
                "DirRecep": "Apoquindo 4001",
                "CmnaRecep": "Las Condes",
            },
        },
        "Detalle": lines,
        "DscRcgGlobal": globales,
    }
    if boleta:
        del data["Encabezado"]["Receptor"]["GiroRecep"]
    if totales is not None:
        data["Encabezado"]["Totales"] = totales
    return Document.from_sii_dict(data)


_documents = st.builds(
    _document,
    tipo=st.sampled_from([33, 34, 39, 41]),
    folio=st.sampled_from([0, 7, 7]),
    lines=st.lists(_line, max_size=4),
    globales=st.lists(_global, max_size=2) | st.just([]),
    totales=st.none() | st.none() | st.fixed_dictionaries({"MntTotal": st.integers(0, 10**6)}),
)


def _outcome(action: Any) -> Any:
    try:
        return "ok", action()
    except DocumentError as exc:
        return "error", str(exc), exc.details


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_property_checked_dict_is_check_for_stamping_then_to_sii_dict(doc: Document) -> None:
    long_way = _outcome(lambda: (doc.check_for_stamping(), doc.to_sii_dict())[1])
    assert _outcome(lambda: doc.checked_sii_dict(for_stamping=True)) == long_way


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_property_checked_dict_without_stamping_is_check_then_to_sii_dict(doc: Document) -> None:
    long_way = _outcome(lambda: (doc.check(), doc.to_sii_dict())[1])
    assert _outcome(lambda: doc.checked_sii_dict()) == long_way


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_property_to_sii_dict_renders_the_completed_copy(doc: Document) -> None:
    completed = _outcome(lambda: doc.completed())
    if completed[0] == "error":
        assert _outcome(doc.to_sii_dict) == completed
    else:
        assert doc.to_sii_dict() == completed[1].to_sii_dict()


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_property_totals_from_line_amounts_are_the_totals(doc: Document) -> None:
    expected = _outcome(lambda: doc.totals)
    assert _outcome(lambda: doc.totals_from(doc.amounts_by_line())) == expected


def test_checked_dict_names_every_problem_like_check_for_stamping() -> None:
    doc = _document(33, 0, [{"NmbItem": "x" * 81, "PrcItem": 10}], [], {"MntTotal": 1})
    with pytest.raises(DocumentError) as info:
        doc.checked_sii_dict(for_stamping=True)
    fields = [detail.field for detail in info.value.details]
    assert fields == [
        "Encabezado.IdDoc.Folio",
        "Detalle[1].NmbItem",
        "Encabezado.Totales.MntNeto",
        "Encabezado.Totales.IVA",
        "Encabezado.Totales.MntTotal",
    ]
