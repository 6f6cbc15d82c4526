"""haulmer.dte.totals: line amounts, IVA, gross split, discounts, exempt mix and retenciones.

Expected values come from hand calculation and, where marked, from LibreDTE's YAML test cases
(``tests/fixtures/yaml/documentos_ok``, ``Test.ExpectedValues``), used as facts only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.dte import DTEType, Moneda
from haulmer.dte.models import Detalle, DscRcgGlobal
from haulmer.dte.schema.facts import DOCUMENTO
from haulmer.dte.totals import (
    ADDITIONAL_TAX_RATES,
    RETAINED_CODES,
    RETENTION_RATES,
    SII_TAX_CODES,
    compute_totals,
    line_amounts,
    round_peso,
    split_gross,
)
from haulmer.errors import DocumentError


def _lines(*items: dict[str, Any]) -> list[Detalle]:
    return [Detalle.model_validate(item) for item in items]


def _globals(*items: dict[str, Any]) -> list[DscRcgGlobal]:
    return [DscRcgGlobal.model_validate(item) for item in items]


# -- rounding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.5", 3), ("3.5", 4), ("0.5", 1), ("2.4999", 2), ("1.5", 2), ("8942.86", 8943), ("7", 7)],
)
def test_round_peso_rounds_half_up_not_half_even(value: str, expected: int) -> None:
    assert round_peso(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("total", "neto", "iva"),
    [(1190, 1000, 190), (1000, 840, 160), (5000, 4202, 798), (1071, 900, 171), (1, 1, 0)],
)
def test_split_gross_gives_neto_rounded_and_iva_as_the_rest(
    total: int, neto: int, iva: int
) -> None:
    assert split_gross(total) == (neto, iva)


def test_iva_half_peso_rounds_up() -> None:
    # 150 x 19% = 28.5: the SII rounds half up to 29 (round-half-even would say 28).
    totals = compute_totals(33, _lines({"nombre": "x", "precio": 150}))
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (150, 29, 179)


def test_line_amount_half_peso_rounds_up() -> None:
    # 1.5 x 3 = 4.5 -> 5
    amounts = line_amounts(Detalle(nombre="x", cantidad=Decimal("1.5"), precio=Decimal(3)))
    assert amounts.monto_item == 5


def test_line_percentage_discount_rounds_half_up() -> None:
    # 1% of 250 = 2.5 -> 3, so MontoItem = 247
    amounts = line_amounts(Detalle(nombre="x", precio=Decimal(250), descuento_pct=Decimal(1)))
    assert (amounts.descuento_monto, amounts.monto_item) == (3, 247)


def test_line_surcharge_amount_and_percentage() -> None:
    pct = line_amounts(Detalle(nombre="x", cantidad=2, precio=1000, recargo_pct=Decimal("12.5")))
    assert (pct.recargo_monto, pct.monto_item) == (250, 2250)
    fixed = line_amounts(Detalle(nombre="x", cantidad=2, precio=1000, recargo_monto=99))
    assert fixed.monto_item == 2099


def test_line_with_only_monto_item_keeps_it() -> None:
    assert line_amounts(Detalle(nombre="x", monto_item=35000)).monto_item == 35000


def test_line_without_price_is_zero() -> None:
    assert line_amounts(Detalle(nombre="Corrige giro")).monto_item == 0


def test_real_factura_line_with_cents_price() -> None:
    # Universidad de Chile factura 2336600 (fixture): 1.0 x 8942.86 -> 8943, IVA 1699, total 10642.
    totals = compute_totals(33, _lines({"QtyItem": "1.0", "PrcItem": "8942.86", "NmbItem": "d"}))
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (8943, 1699, 10642)


# -- per type, hand-checked and LibreDTE oracles --------------------------------------------------

RJ45 = {"NmbItem": "Conectores RJ45", "QtyItem": 450, "PrcItem": 70}
CERT = {"NmbItem": "Certificación set básico", "QtyItem": 1, "PrcItem": 104090}


@pytest.mark.parametrize(
    ("case", "tipo", "lines", "globales", "expected"),
    [
        ("033_001", 33, [RJ45], [], {"mnt_neto": 31500, "iva": 5985, "mnt_total": 37485}),
        (
            "033_004 descuento global",
            33,
            [CERT],
            [{"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}],
            {"mnt_neto": 93681, "iva": 17799, "mnt_total": 111480},
        ),
        (
            "033_005 descuento ítem monto",
            33,
            [{**CERT, "PrcItem": 104097, "DescuentoMonto": 10000}],
            [],
            {"mnt_neto": 94097, "iva": 17878, "mnt_total": 111975},
        ),
        (
            "033_006 descuento ítem %",
            33,
            [{**CERT, "DescuentoPct": 10}],
            [],
            {"mnt_neto": 93681, "iva": 17799, "mnt_total": 111480},
        ),
        (
            "034_004 exenta con descuento %",
            34,
            [{"IndExe": 1, "NmbItem": "Horas", "QtyItem": 5, "PrcItem": 25000, "DescuentoPct": 10}],
            [],
            {"mnt_exe": 112500, "mnt_total": 112500, "mnt_neto": None, "iva": None},
        ),
        (
            "034_005 exento + no facturable",
            34,
            [
                {"IndExe": 1, "NmbItem": "Horas", "QtyItem": 1, "PrcItem": 20000},
                {"IndExe": 2, "NmbItem": "NF", "QtyItem": 1, "PrcItem": 35000},
            ],
            [],
            {"mnt_exe": 20000, "mnt_total": 20000, "monto_nf": 35000, "monto_periodo": 55000},
        ),
        (
            "039_002 boleta descuento global",
            39,
            [{"NmbItem": "Producto", "QtyItem": 1, "PrcItem": 1190}],
            [{"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}],
            {"mnt_neto": 900, "iva": 171, "mnt_total": 1071, "tasa_iva": None},
        ),
        (
            "039_004 boleta varios ítems",
            39,
            [
                {"NmbItem": "A", "QtyItem": 2, "PrcItem": 1000},
                {"NmbItem": "B", "QtyItem": 1, "PrcItem": 1500},
                {"NmbItem": "C", "QtyItem": 3, "PrcItem": 500},
            ],
            [],
            {"mnt_neto": 4202, "iva": 798, "mnt_total": 5000},
        ),
        (
            "041_002 boleta exenta descuento global",
            41,
            [{"IndExe": 1, "NmbItem": "Servicio", "QtyItem": 1, "PrcItem": 1000}],
            [{"IndExeDR": 1, "TpoMov": "D", "TpoValor": "%", "ValorDR": 10}],
            {"mnt_exe": 900, "mnt_total": 900, "mnt_neto": None},
        ),
        (
            "041_003 boleta exenta",
            41,
            [{"IndExe": 1, "NmbItem": "Agua", "QtyItem": 1, "PrcItem": 24500}],
            [],
            {"mnt_exe": 24500, "mnt_total": 24500},
        ),
        (
            "046_001 compra afecta sin retención",
            46,
            [{"NmbItem": "Anillo", "QtyItem": 1, "PrcItem": 45000}],
            [],
            {"mnt_neto": 45000, "iva": 8550, "mnt_total": 53550},
        ),
        (
            "046_002 compra exenta",
            46,
            [{"IndExe": 1, "NmbItem": "Anillo", "QtyItem": 1, "PrcItem": 45000}],
            [],
            {"mnt_exe": 45000, "mnt_total": 45000},
        ),
        (
            "046_003 IVA retenido total",
            46,
            [{"NmbItem": "P1", "QtyItem": 1, "PrcItem": 100000, "CodImpAdic": "15"}],
            [],
            {"mnt_neto": 100000, "iva": 19000, "mnt_total": 100000, "iva_no_ret": None},
        ),
        (
            "046_004 IVA retenido parcial (trigo)",
            46,
            [{"NmbItem": "Trigo", "QtyItem": 2, "PrcItem": 5000, "CodImpAdic": 34}],
            [],
            {"mnt_neto": 10000, "iva": 1900, "iva_no_ret": 1500, "mnt_total": 11500},
        ),
        (
            "033_008 impuesto adicional licores",
            33,
            [{"NmbItem": "Pisco", "QtyItem": 1, "PrcItem": 1000, "CodImpAdic": "24"}],
            [],
            {"mnt_neto": 1000, "iva": 190, "mnt_total": 1505},
        ),
        (
            "033_003 IVA anticipado harina",
            33,
            [{"NmbItem": "Harina", "QtyItem": "2.5", "PrcItem": 280000, "CodImpAdic": "19"}],
            [],
            {"mnt_neto": 700000, "iva": 133000, "mnt_total": 917000},
        ),
        ("052_005 guía", 52, [RJ45], [], {"mnt_neto": 31500, "iva": 5985, "mnt_total": 37485}),
        ("056_001 ND anula NC", 56, [RJ45], [], {"mnt_total": 37485}),
        (
            "061_003 NC corrige monto",
            61,
            [{**RJ45, "PrcItem": 20}],
            [],
            {"mnt_neto": 9000, "iva": 1710, "mnt_total": 10710},
        ),
        (
            "061_002 NC corrige texto",
            61,
            [{"NmbItem": "Corrige Giro", "QtyItem": 1, "PrcItem": False}],
            [],
            {"mnt_neto": 0, "iva": 0, "mnt_total": 0, "tasa_iva": Decimal(19)},
        ),
    ],
)
def test_totals_match_hand_checked_and_libredte_cases(
    case: str,
    tipo: int,
    lines: list[dict[str, Any]],
    globales: list[dict[str, Any]],
    expected: dict[str, Any],
) -> None:
    totals = compute_totals(tipo, _lines(*lines), _globals(*globales))
    for name, value in expected.items():
        assert getattr(totals, name) == value, f"{case}: {name}"


def test_retencion_entries_carry_code_rate_and_amount() -> None:
    parcial = compute_totals(46, _lines({"NmbItem": "T", "PrcItem": 10000, "CodImpAdic": "34"}))
    assert [(t.tipo, t.tasa, t.monto) for t in parcial.impto_reten] == [("34", Decimal(4), 400)]
    total = compute_totals(46, _lines({"NmbItem": "P", "PrcItem": 100000, "CodImpAdic": "15"}))
    assert [(t.tipo, t.tasa, t.monto) for t in total.impto_reten] == [("15", Decimal(19), 19000)]


def test_harina_anticipado_entry() -> None:
    totals = compute_totals(
        33, _lines({"NmbItem": "Harina", "QtyItem": "2.5", "PrcItem": 280000, "CodImpAdic": "19"})
    )
    assert [(t.tipo, t.tasa, t.monto) for t in totals.impto_reten] == [("19", Decimal(12), 84000)]


def test_factura_with_exempt_and_afecto_lines() -> None:
    totals = compute_totals(
        33,
        _lines(
            {"NmbItem": "afecto", "QtyItem": 3, "PrcItem": 1000},
            {"NmbItem": "exento", "IndExe": 1, "PrcItem": 500},
        ),
        _globals(
            {"TpoMov": "D", "TpoValor": "$", "ValorDR": 100},
            {"TpoMov": "R", "TpoValor": "%", "ValorDR": 10, "IndExeDR": 1},
        ),
    )
    # afecto 3000 - 100 = 2900, IVA 551; exento 500 + 10% = 550; total 4001.
    assert (totals.mnt_neto, totals.mnt_exe, totals.iva, totals.mnt_total) == (2900, 550, 551, 4001)
    assert totals.tasa_iva == Decimal(19)


def test_global_percentages_apply_to_the_line_sum_not_compounded() -> None:
    totals = compute_totals(
        33,
        _lines({"NmbItem": "x", "PrcItem": 1000}),
        _globals(
            {"TpoMov": "D", "TpoValor": "%", "ValorDR": 10},
            {"TpoMov": "D", "TpoValor": "%", "ValorDR": 10},
        ),
    )
    assert totals.mnt_neto == 800


def test_global_discount_on_no_facturable() -> None:
    totals = compute_totals(
        33,
        _lines({"NmbItem": "a", "PrcItem": 100}, {"NmbItem": "nf", "IndExe": 2, "PrcItem": 1000}),
        _globals({"TpoMov": "D", "TpoValor": "$", "ValorDR": 200, "IndExeDR": 2}),
    )
    assert (totals.monto_nf, totals.mnt_total, totals.monto_periodo) == (800, 119, 919)


@pytest.mark.parametrize("tipo", [33, 39])
def test_a_global_discount_above_the_no_facturable_lines_is_refused(tipo: int) -> None:
    """1500 off 1000 non-billable pesos would take 500 off what the sale itself charges
    (MontoPeriodo 690 for a sale of 1190), as one above the afecto lines is refused."""
    lines = _lines(
        {"NmbItem": "a", "PrcItem": 1190 if tipo == 39 else 1000},
        {"NmbItem": "nf", "IndExe": 2, "PrcItem": 1000},
    )
    with pytest.raises(DocumentError) as info:
        compute_totals(
            tipo, lines, _globals({"TpoMov": "D", "TpoValor": "$", "ValorDR": 1500, "IndExeDR": 2})
        )
    assert [d.field for d in info.value.details] == ["DscRcgGlobal[1].ValorDR"]
    assert "the no facturable lines add up to 1000" in info.value.details[0].issue
    assert "would leave -500" in info.value.details[0].issue


def test_a_global_discount_on_no_facturable_lines_already_below_zero_is_refused() -> None:
    lines = _lines(
        {"NmbItem": "a", "PrcItem": 1000},
        {"NmbItem": "nf", "IndExe": 2, "PrcItem": 100},
        {"NmbItem": "nf-", "IndExe": 6, "PrcItem": 300},
    )
    with pytest.raises(DocumentError) as info:
        compute_totals(
            33, lines, _globals({"TpoMov": "D", "TpoValor": "$", "ValorDR": 1, "IndExeDR": 2})
        )
    assert "the no facturable lines add up to -200" in info.value.details[0].issue
    surcharged = compute_totals(
        33, lines, _globals({"TpoMov": "R", "TpoValor": "$", "ValorDR": 50, "IndExeDR": 2})
    )
    assert surcharged.monto_nf == -150


def test_factura_with_gross_prices_splits_like_a_boleta() -> None:
    totals = compute_totals(33, _lines({"NmbItem": "x", "PrcItem": 1190}), montos_brutos=True)
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (1000, 190, 1190)


def test_boleta_with_net_prices_adds_iva() -> None:
    totals = compute_totals(39, _lines({"NmbItem": "x", "PrcItem": 1000}), montos_brutos=False)
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (1000, 190, 1190)


def test_boleta_mixed_afecto_and_exempt() -> None:
    totals = compute_totals(
        39, _lines({"NmbItem": "a", "PrcItem": 1190}, {"NmbItem": "e", "IndExe": 1, "PrcItem": 300})
    )
    assert (totals.mnt_neto, totals.iva, totals.mnt_exe, totals.mnt_total) == (1000, 190, 300, 1490)


def test_boleta_no_facturable_negativo() -> None:
    totals = compute_totals(
        39,
        _lines({"NmbItem": "a", "PrcItem": 1190}, {"NmbItem": "nf-", "IndExe": 6, "PrcItem": 90}),
    )
    assert (totals.monto_nf, totals.mnt_total, totals.monto_periodo) == (-90, 1190, 1100)


def test_garantia_por_deposito_and_no_venta_lines() -> None:
    totals = compute_totals(
        33,
        _lines(
            {"NmbItem": "bebida", "PrcItem": 1000},
            {"NmbItem": "envase", "IndExe": 3, "PrcItem": 200},
            {"NmbItem": "no venta", "IndExe": 4, "PrcItem": 5000},
            {"NmbItem": "a rebajar", "IndExe": 5, "PrcItem": 7000},
        ),
    )
    assert (totals.mnt_neto, totals.grnt_dep, totals.mnt_total) == (1000, 200, 1390)


def test_unknown_additional_tax_code_uses_given_rate() -> None:
    lines = _lines({"NmbItem": "gas", "PrcItem": 1000, "CodImpAdic": "28"})
    totals = compute_totals(33, lines, tasas_adicionales={"28": Decimal("2.5")})
    assert totals.mnt_total == 1000 + 190 + 25


def test_sugary_drinks_271_take_their_fixed_18_percent() -> None:
    totals = compute_totals(
        33, _lines({"NmbItem": "bebida", "PrcItem": 10000, "CodImpAdic": "271"})
    )
    assert [(t.tipo, t.tasa, t.monto) for t in totals.impto_reten] == [("271", Decimal(18), 1800)]
    assert totals.mnt_total == 10000 + 1900 + 1800


@pytest.mark.parametrize("code", ["301", "321", "331", "341", "361", "371", "481"])
def test_the_total_retention_variants_retain_the_whole_iva(code: str) -> None:
    totals = compute_totals(46, _lines({"NmbItem": "x", "PrcItem": 10000, "CodImpAdic": code}))
    assert [(t.tipo, t.tasa, t.monto) for t in totals.impto_reten] == [(code, Decimal(19), 1900)]
    assert (totals.iva, totals.mnt_total, totals.iva_no_ret) == (1900, 10000, None)


@pytest.mark.parametrize("code", ["16", "40", "53"])
def test_a_retention_whose_rate_the_document_gives_is_subtracted_not_added(code: str) -> None:
    lines = _lines({"NmbItem": "x", "PrcItem": 10000, "CodImpAdic": code})
    totals = compute_totals(46, lines, tasas_adicionales={code: Decimal(10)})
    assert totals.mnt_total == 10000 + 1900 - 1000
    # 53 retains the suplementero's income tax, not IVA: no IVA goes unretained
    assert totals.iva_no_ret == (None if code == "53" else 900)


def test_iva_retenido_total_after_a_global_discount_retains_the_iva_the_document_carries() -> None:
    totals = compute_totals(
        46,
        _lines({"NmbItem": "trigo", "PrcItem": 1000, "CodImpAdic": "15"}),
        _globals({"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}),
    )
    assert (totals.mnt_neto, totals.iva) == (900, 171)
    assert [(t.tipo, t.monto) for t in totals.impto_reten] == [("15", 171)]
    assert (totals.mnt_total, totals.iva_no_ret) == (900, None)


def test_additional_taxes_are_levied_on_the_lines_after_global_discounts_and_surcharges() -> None:
    totals = compute_totals(
        33,
        _lines(
            {"NmbItem": "vino", "PrcItem": 1000, "CodImpAdic": "25"},
            {"NmbItem": "pan", "PrcItem": 3000},
        ),
        _globals(
            {"TpoMov": "D", "TpoValor": "$", "ValorDR": 1000},
            {"TpoMov": "R", "TpoValor": "%", "ValorDR": 10},
        ),
    )
    # afecto 4000 - 1000 + 400 = 3400: the wine's share is 1000 x 3400 / 4000 = 850.
    assert totals.mnt_neto == 3400
    assert [(t.tipo, t.monto) for t in totals.impto_reten] == [("25", 174)]  # 850 x 20.5%
    assert totals.mnt_total == 3400 + 646 + 174


@pytest.mark.parametrize("code", ["16", "40"])
def test_a_retention_rate_above_the_iva_rate_is_refused(code: str) -> None:
    lines = _lines({"NmbItem": "x", "PrcItem": 1000, "CodImpAdic": code})
    with pytest.raises(DocumentError) as info:
        compute_totals(46, lines, tasas_adicionales={code: Decimal(25)})
    assert [d.field for d in info.value.details] == ["Detalle.CodImpAdic"]
    assert f"retention {code} at 25%" in str(info.value)
    assert "more than the IVA (19%)" in str(info.value)
    assert compute_totals(46, lines, tasas_adicionales={code: Decimal(19)}).mnt_total == 1000


def test_the_tax_code_classes_cover_exactly_the_sii_table() -> None:
    def find(elements: Any, name: str) -> Any:
        for element in elements:
            if element.name == name:
                return element
            found = find(element.children, name)
            if found is not None:
                return found
        return None

    assert set(find([DOCUMENTO], "CodImpAdic").enumeration) == SII_TAX_CODES
    assert set(find([DOCUMENTO], "TipoImp").enumeration) == SII_TAX_CODES
    assert set(RETENTION_RATES) <= RETAINED_CODES
    assert not RETAINED_CODES & set(ADDITIONAL_TAX_RATES)


# -- error paths ----------------------------------------------------------------------------------


def test_line_discount_larger_than_amount_is_an_error() -> None:
    with pytest.raises(DocumentError) as info:
        line_amounts(Detalle(nombre="x", precio=100, descuento_monto=101), field="Detalle[1]")
    assert info.value.details[0].field == "Detalle[1].DescuentoMonto"


def test_global_discount_on_afecto_without_afecto_lines_is_an_error() -> None:
    with pytest.raises(DocumentError) as info:
        compute_totals(
            33,
            _lines({"NmbItem": "e", "IndExe": 1, "PrcItem": 100}),
            _globals({"TpoMov": "D", "TpoValor": "$", "ValorDR": 10}),
        )
    assert info.value.details[0].field == "DscRcgGlobal[1].IndExeDR"


@pytest.mark.parametrize(
    ("tipo", "ind_exe_dr", "tpo_mov", "names"),
    [
        (39, 2, "D", "no facturable"),
        (39, 2, "R", "no facturable"),
        (39, 1, "R", "exempt"),
        (39, 1, "D", "exempt"),
        (33, 2, "D", "no facturable"),
        (33, 1, "R", "exempt"),
    ],
)
def test_a_global_on_an_amount_no_line_makes_up_is_an_error_not_dropped(
    tipo: int, ind_exe_dr: int, tpo_mov: str, names: str
) -> None:
    # A surcharge on the exempt amount, or anything on the no facturable one, of a document
    # whose lines are all afecto used to vanish from the totals: the sale lost it unseen.
    with pytest.raises(DocumentError) as info:
        compute_totals(
            tipo,
            _lines({"NmbItem": "a", "PrcItem": 1000}),
            _globals({"TpoMov": tpo_mov, "TpoValor": "$", "ValorDR": 100, "IndExeDR": ind_exe_dr}),
        )
    assert [detail.field for detail in info.value.details] == ["DscRcgGlobal[1].IndExeDR"]
    assert f"no line is {names}" in str(info.value)


def test_exempt_document_discount_must_say_it_applies_to_the_exempt_amount() -> None:
    # LibreDTE's 034_002 case leaves IndExeDR out and expects the discount ignored (125000);
    # we refuse it instead, and the exempt builders write IndExeDR 1 (see the builder tests).
    lines = _lines({"IndExe": 1, "NmbItem": "Horas", "QtyItem": 5, "PrcItem": 25000})
    with pytest.raises(DocumentError):
        compute_totals(34, lines, _globals({"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}))
    totals = compute_totals(
        34, lines, _globals({"TpoMov": "D", "TpoValor": "%", "ValorDR": 10, "IndExeDR": 1})
    )
    assert (totals.mnt_exe, totals.mnt_total) == (112500, 112500)


def test_global_discount_larger_than_amount_is_an_error() -> None:
    with pytest.raises(DocumentError) as info:
        compute_totals(
            33,
            _lines({"NmbItem": "a", "PrcItem": 100}),
            _globals({"TpoMov": "D", "TpoValor": "$", "ValorDR": 101}),
        )
    assert [detail.field for detail in info.value.details] == ["DscRcgGlobal[1].ValorDR"]
    assert "afecto lines add up to 100" in info.value.details[0].issue
    assert "would leave -1" in info.value.details[0].issue
    assert "lower the discount" in info.value.details[0].issue


def test_every_global_discount_on_an_overdrawn_amount_is_named_by_its_index() -> None:
    with pytest.raises(DocumentError) as info:
        compute_totals(
            33,
            _lines({"NmbItem": "a", "PrcItem": 100}, {"NmbItem": "b", "PrcItem": 50, "IndExe": 1}),
            _globals(
                {"TpoMov": "D", "TpoValor": "$", "ValorDR": 10},
                {"TpoMov": "D", "TpoValor": "$", "ValorDR": 30, "IndExeDR": 1},
                {"TpoMov": "R", "TpoValor": "$", "ValorDR": 5, "IndExeDR": 1},
                {"TpoMov": "D", "TpoValor": "$", "ValorDR": 30, "IndExeDR": 1},
            ),
        )
    fields = [detail.field for detail in info.value.details]
    assert fields == ["DscRcgGlobal[2].ValorDR", "DscRcgGlobal[4].ValorDR"]
    assert "exempt amount they apply to (50): it would be -5" in str(info.value)


def test_unknown_tax_code_without_rate_is_an_error() -> None:
    with pytest.raises(DocumentError) as info:
        compute_totals(33, _lines({"NmbItem": "gas", "PrcItem": 1000, "CodImpAdic": "28"}))
    assert "tasas_adicionales" in info.value.details[0].issue


def test_a_code_outside_the_sii_table_is_refused_even_with_a_rate() -> None:
    lines = _lines({"NmbItem": "x", "PrcItem": 1000, "CodImpAdic": "99"})
    with pytest.raises(DocumentError) as info:
        compute_totals(33, lines, tasas_adicionales={"99": Decimal(5)})
    assert "'99' is not a tax code of the SII's table" in str(info.value)
    assert info.value.details[0].field == "Detalle.CodImpAdic"
    assert "271" in info.value.details[0].issue


def test_additional_taxes_with_gross_prices_is_an_error() -> None:
    with pytest.raises(DocumentError) as info:
        compute_totals(
            33, _lines({"NmbItem": "p", "PrcItem": 1190, "CodImpAdic": "24"}), montos_brutos=True
        )
    assert [detail.field for detail in info.value.details] == ["Detalle[1].CodImpAdic"]
    assert "montos_brutos=False" in info.value.details[0].issue


def test_a_retention_that_would_make_the_total_negative_is_an_error() -> None:
    """Refused for its rate, above the IVA's, before it could take the total below 0."""
    with pytest.raises(DocumentError) as info:
        compute_totals(
            46,
            _lines({"NmbItem": "p", "PrcItem": 1000, "CodImpAdic": "15"}),
            tasas_adicionales={"15": Decimal(500)},
        )
    assert info.value.details[0].field == "Detalle.CodImpAdic"
    assert "retention 15 at 500%" in str(info.value)
    assert "CodImpAdic" in str(info.value)


# -- properties -----------------------------------------------------------------------------------

_money = st.integers(min_value=0, max_value=5_000_000)
_qty = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3)
_line = st.fixed_dictionaries(
    {
        "NmbItem": st.just("item"),
        "QtyItem": _qty,
        "PrcItem": st.decimals(min_value=0, max_value=Decimal(100000), places=2),
        "IndExe": st.sampled_from([None, None, 1, 2]),
        "DescuentoPct": st.sampled_from([None, Decimal(5), Decimal("12.5")]),
        "CodImpAdic": st.sampled_from([[], [], ["24"], ["15"], ["34"]]),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _sum_taxes(totals: Any) -> tuple[int, int]:
    added = sum(t.monto for t in totals.impto_reten if t.tipo in ADDITIONAL_TAX_RATES)
    retained = sum(t.monto for t in totals.impto_reten if t.tipo in RETENTION_RATES)
    return added, retained


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, min_size=1, max_size=12), st.sampled_from([33, 34, 46, 52, 56, 61]))
def test_property_neto_iva_exento_taxes_add_up_to_the_total(
    items: list[dict[str, Any]], tipo: int
) -> None:
    totals = compute_totals(tipo, _lines(*items))
    added, retained = _sum_taxes(totals)
    parts = (totals.mnt_neto or 0) + (totals.mnt_exe or 0) + (totals.iva or 0)
    assert parts + added - retained == totals.mnt_total
    if totals.iva is not None and totals.mnt_neto is not None:
        assert abs(totals.iva * 100 - totals.mnt_neto * 19) <= 50  # IVA rounded to the peso
    if totals.monto_nf is not None:
        assert totals.monto_periodo == totals.mnt_total + totals.monto_nf


@settings(max_examples=100, deadline=None)
@given(st.lists(_line, min_size=1, max_size=10), st.data())
def test_property_totals_do_not_depend_on_line_order(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(items))
    assert compute_totals(33, _lines(*items)) == compute_totals(33, _lines(*shuffled))


@settings(max_examples=200, deadline=None)
@given(_money)
def test_property_gross_split_is_exact_and_close_to_19_percent(total: int) -> None:
    neto, iva = split_gross(total)
    assert neto + iva == total
    assert abs(Decimal(neto) * Decimal("1.19") - total) <= Decimal("0.6")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=10))
def test_property_boleta_total_is_the_sum_of_gross_lines(prices: list[int]) -> None:
    lines = _lines(*({"NmbItem": "x", "PrcItem": p} for p in prices))
    totals = compute_totals(DTEType.BOLETA, lines)
    assert totals.mnt_total == sum(prices)
    assert (totals.mnt_neto or 0) + (totals.iva or 0) == sum(prices)


@settings(max_examples=150, deadline=None)
@given(_qty, st.decimals(min_value=0, max_value=Decimal(10**6), places=6))
def test_property_line_amount_is_qty_times_price_rounded_half_up(
    qty: Decimal, price: Decimal
) -> None:
    amount = line_amounts(Detalle(nombre="x", cantidad=qty, precio=price)).monto_item
    exact = qty * price
    assert abs(amount - exact) <= Decimal("0.5")
    if exact - int(exact) == Decimal("0.5"):
        assert amount == int(exact) + 1


@pytest.mark.parametrize("code", ["15", "301", "341", "481"])
@pytest.mark.parametrize("rate", ["10", "18.99"])
def test_a_total_iva_retention_at_another_rate_than_the_ivas_is_refused(
    code: str, rate: str
) -> None:
    """A total retention retains the whole IVA: another rate would write a document that says
    so and retains part of it (IVA retenido parcial is 16, whose rate the document gives)."""
    lines = _lines({"NmbItem": "trigo", "PrcItem": 10000, "CodImpAdic": code})
    with pytest.raises(DocumentError) as info:
        compute_totals(46, lines, tasas_adicionales={code: Decimal(rate)})
    assert [d.field for d in info.value.details] == ["Detalle.CodImpAdic"]
    issue = info.value.details[0].issue
    assert f"retains the whole IVA (19%), not {rate}%" in issue
    assert "16" in issue
    assert compute_totals(46, lines, tasas_adicionales={code: Decimal(19)}).mnt_total == 10000


def test_factura_de_compra_sin_retencion_49_retains_nothing() -> None:
    """Code 49 is the factura de compra without retention: its entry retains 0 (no TasaImp,
    which the SII writes from 0.01) and the seller is paid the IVA."""
    totals = compute_totals(46, _lines({"NmbItem": "trigo", "PrcItem": 10000, "CodImpAdic": "49"}))
    assert [(t.tipo, t.tasa, t.monto) for t in totals.impto_reten] == [("49", None, 0)]
    assert (totals.iva, totals.iva_no_ret, totals.mnt_total) == (1900, None, 11900)


def test_a_rate_given_to_factura_de_compra_sin_retencion_49_is_refused() -> None:
    lines = _lines({"NmbItem": "trigo", "PrcItem": 10000, "CodImpAdic": "49"})
    with pytest.raises(DocumentError) as info:
        compute_totals(46, lines, tasas_adicionales={"49": Decimal(19)})
    assert [d.field for d in info.value.details] == ["Detalle.CodImpAdic"]
    assert "49 (factura de compra sin retención) retains nothing" in info.value.details[0].issue


def test_the_suplementeros_retention_is_no_iva_retention() -> None:
    """Code 53 retains income tax (Art. 74 N°5 LIR) from a newspaper seller, not IVA: it is
    taken off MntTotal, but no IVA goes unretained (IVANoRet) because of it."""
    lines = _lines({"NmbItem": "Diarios", "PrcItem": 10000, "CodImpAdic": "53"})
    totals = compute_totals(46, lines, tasas_adicionales={"53": Decimal("0.5")})
    assert [(t.tipo, t.monto) for t in totals.impto_reten] == [("53", 50)]
    assert (totals.iva, totals.iva_no_ret, totals.mnt_total) == (1900, None, 10000 + 1900 - 50)


def test_iva_no_retenido_counts_only_the_iva_retentions() -> None:
    lines = _lines(
        {"NmbItem": "Trigo", "PrcItem": 10000, "CodImpAdic": "34"},
        {"NmbItem": "Diarios", "PrcItem": 10000, "CodImpAdic": "53"},
    )
    totals = compute_totals(46, lines, tasas_adicionales={"53": Decimal("0.5")})
    # IVA 3800, trigo's 4% retained (400): 3400 not retained; the 50 of code 53 is no IVA
    assert (totals.iva_no_ret, totals.mnt_total) == (3400, 20000 + 3800 - 400 - 50)


@pytest.mark.parametrize(
    ("precio", "fix"),
    [
        ("0.6209", "leave DescuentoMonto out"),
        ("1.8256", "give a discount of at most 1"),
    ],
)
def test_an_export_discount_above_its_line_is_bounded_in_whole_units(precio: str, fix: str) -> None:
    """DescuentoMonto is a whole number from 1: an export's line of 0.6209 dollars given a
    discount of 2 was told to give one of at most 0.6209, which no DescuentoMonto can be."""
    line = Detalle.model_validate({"NmbItem": "Muestra", "PrcItem": precio, "DescuentoMonto": 2})
    with pytest.raises(DocumentError) as info:
        line_amounts(line, field="Detalle[1]", moneda=Moneda.DOLAR_USA, export=True)
    (detail,) = info.value.details
    assert detail.field == "Detalle[1].DescuentoMonto"
    assert f"line amount ({precio})" in detail.issue
    assert fix in detail.issue
    assert fix in str(info.value)


@pytest.mark.parametrize("cred_ec", [-50, True, 1.5])
def test_a_credec_that_is_no_whole_number_of_pesos_is_refused_by_name(cred_ec: Any) -> None:
    with pytest.raises(DocumentError) as error:
        compute_totals(33, _lines({"nombre": "casa", "precio": 1000}), cred_ec=cred_ec)
    assert "CredEC" in str(error.value)
    assert "whole number of pesos" in str(error.value)
    assert "quantities and prices" not in str(error.value)
