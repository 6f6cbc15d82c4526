"""Liquidación-factura (43): sales liquidated for a consignor, commissions deducted, its rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import haulmer.dte as dte
from haulmer.dte import Document, DTEType
from haulmer.dte.models import Comision
from haulmer.dte.totals import comision_iva, comisiones_totales, compute_totals, round_peso
from haulmer.errors import DocumentError

EMISOR: dict[str, Any] = {
    "RUTEmisor": "76192083-9",
    "RznSoc": "Feria Agrícola SpA",
    "GiroEmis": "Comisionista de productos agrícolas",
    "Acteco": [461001],
    "DirOrigen": "Ruta 5 km 200",
    "CmnaOrigen": "Curicó",
}
CONSIGNADOR: dict[str, Any] = {
    "RUTRecep": "16291998-9",
    "RznSocRecep": "Agrícola Los Robles",
    "GiroRecep": "Agricultura",
    "DirRecep": "Fundo Los Robles",
    "CmnaRecep": "Molina",
}


def _liquidacion(neto: int, exento: int, comisiones: list[dict[str, Any]]) -> Document:
    return dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[
            {"NmbItem": "Venta de manzanas", "PrcItem": neto},
            {"NmbItem": "Venta exenta", "PrcItem": exento, "IndExe": 1, "TpoDocLiq": "34"},
        ],
        comisiones=comisiones,
    )


def _problems(document: Document) -> dict[str, str]:
    with pytest.raises(DocumentError) as info:
        document.check()
    return {detail.field: detail.issue for detail in info.value.details}


# Hand-checked: the SII certification set 43 as facturacion_electronica's tests expect it.
@pytest.mark.parametrize(
    ("neto", "exento", "comision", "iva", "com_iva", "total"),
    [
        (506765, 180844, None, 96285, None, 783894),
        (341244, 77353, 6927, 64836, 1316, 475190),
        (694760, 1098416, -3301, 132004, -627, 1929108),
    ],
)
def test_liquidacion_totals_deduct_the_commissions(
    neto: int, exento: int, comision: int | None, iva: int, com_iva: int | None, total: int
) -> None:
    charges = (
        []
        if comision is None
        else [{"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": comision}]
    )
    doc = _liquidacion(neto, exento, charges)
    totales = doc.encabezado.totales
    assert totales is not None
    assert (totales.mnt_neto, totales.mnt_exe, totales.iva, totales.mnt_total) == (
        neto,
        exento,
        iva,
        total,
    )
    if comision is None:
        assert totales.comisiones is None
    else:
        assert totales.comisiones is not None
        assert (totales.comisiones.val_com_neto, totales.comisiones.val_com_iva) == (
            comision,
            com_iva,
        )
        assert totales.comisiones.val_com_exe is None
        assert doc.comisiones[0].val_com_iva == com_iva
        assert doc.comisiones[0].nro_lin_com == 1
    assert doc.totals == totales


def test_lines_carry_the_type_they_liquidate() -> None:
    doc = _liquidacion(1000, 500, [])
    assert [line.tpo_doc_liq for line in doc.detalle] == ["33", "34"]
    sii = doc.to_sii_dict()
    assert list(sii["Detalle"][0])[:3] == ["NroLinDet", "TpoDocLiq", "NmbItem"]
    assert doc.tipo_dte is DTEType.LIQUIDACION_FACTURA


def test_commissions_render_after_the_references_with_their_totals() -> None:
    doc = dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[{"NmbItem": "Venta", "PrcItem": 100000}],
        comisiones=[
            {"TipoMovim": "C", "Glosa": "Comisión 10%", "TasaComision": 10, "ValComNeto": 10000},
            Comision(tipo_movim="O", glosa="Flete", val_com_neto=0, val_com_exe=2500),
        ],
        referencias=[{"TpoDocRef": "801", "FolioRef": "OC-7", "FchRef": "2026-11-01"}],
    )
    sii = doc.to_sii_dict()
    assert list(sii) == ["Encabezado", "Detalle", "Referencia", "Comisiones"]
    assert sii["Comisiones"][1] == {
        "NroLinCom": 2,
        "TipoMovim": "O",
        "Glosa": "Flete",
        "ValComNeto": 0,
        "ValComExe": 2500,
        "ValComIVA": 0,
    }
    totales = sii["Encabezado"]["Totales"]
    assert totales["Comisiones"] == {"ValComNeto": 10000, "ValComExe": 2500, "ValComIVA": 1900}
    # 100000 + 19000 - (10000 + 2500 + 1900)
    assert totales["MntTotal"] == 104600
    assert list(totales) == ["MntNeto", "TasaIVA", "IVA", "Comisiones", "MntTotal"]


def test_commission_iva_is_rounded_half_up_away_from_zero() -> None:
    assert comision_iva(Comision(tipo_movim="C", glosa="x", val_com_neto=50)) == 10  # 9.5
    assert comision_iva(Comision(tipo_movim="C", glosa="x", val_com_neto=-50)) == -10
    assert comisiones_totales([]) is None


def test_liquidacion_rules() -> None:
    doc = dte.liquidacion_factura(
        emisor=EMISOR,
        receptor={**CONSIGNADOR, "Extranjero": {"NumId": "1"}},
        lines=[{"NmbItem": "Venta", "PrcItem": 1000, "DescuentoPct": 10, "TpoDocLiq": "3333"}],
        comisiones=[{"TipoMovim": "C", "Glosa": "x", "ValComNeto": 100, "ValComIVA": 20}],
        id_doc={"TipoDespacho": 1},
        check=False,
    )
    problems = _problems(doc)
    assert "no such element" in problems["Encabezado.Receptor.Extranjero"]
    assert "no such element" in problems["Detalle[1].DescuentoPct"]
    assert "no such element" in problems["Encabezado.IdDoc.TipoDespacho"]
    assert "at most 3" in problems["Detalle[1].TpoDocLiq"]
    assert problems["Comisiones[1].ValComIVA"].startswith("is 20, expected 19")


def test_liquidacion_refuses_global_discounts_and_needs_tpo_doc_liq() -> None:
    doc = dte.build(
        43,
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[{"NmbItem": "Venta", "PrcItem": 1000}],
        descuentos_recargos=[{"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}],
        check=False,
    )
    problems = _problems(doc)
    assert "TpoDocLiq" in str(problems)
    assert "Detalle[1].TpoDocLiq" in problems
    assert "DscRcgGlobal" in problems


def test_wrong_commission_totals_are_named() -> None:
    doc = _liquidacion(1000, 0, [{"TipoMovim": "C", "Glosa": "x", "ValComNeto": 100}])
    totales = doc.encabezado.totales
    assert totales is not None
    assert totales.comisiones is not None
    wrong = doc.model_copy(
        update={
            "encabezado": doc.encabezado.model_copy(
                update={
                    "totales": totales.model_copy(
                        update={
                            "comisiones": totales.comisiones.model_copy(
                                update={"val_com_neto": 99}
                            ),
                            "mnt_total": 1,
                        }
                    )
                }
            )
        }
    )
    problems = _problems(wrong)
    assert problems["Encabezado.Totales.Comisiones.ValComNeto"].startswith("is 99, expected 100")
    assert problems["Encabezado.Totales.MntTotal"] == "is 1, expected 1071"


@settings(max_examples=50, deadline=None)
@given(
    neto=st.integers(min_value=1, max_value=10**9),
    exento=st.integers(min_value=0, max_value=10**9),
    charges=st.lists(
        st.tuples(st.integers(min_value=-(10**6), max_value=10**6), st.integers(0, 10**6)),
        max_size=5,
    ),
)
def test_liquidacion_total_is_the_sale_minus_every_charge(
    neto: int, exento: int, charges: list[tuple[int, int]]
) -> None:
    comisiones = [
        Comision(tipo_movim="C", glosa="x", val_com_neto=com_neto, val_com_exe=com_exe)
        for com_neto, com_exe in charges
    ]
    lines = [dte.Detalle(nombre="venta", precio=neto, tpo_doc_liq="33")]
    if exento:
        lines.append(dte.Detalle(nombre="exenta", precio=exento, ind_exe=1, tpo_doc_liq="34"))
    sale = neto + exento + round_peso(Decimal(neto) * 19 / 100)
    deducted = sum(n + e + comision_iva(c) for (n, e), c in zip(charges, comisiones, strict=True))
    if sale - deducted < 0:
        with pytest.raises(DocumentError):
            compute_totals(43, lines, comisiones=comisiones)
        return
    totales = compute_totals(43, lines, comisiones=comisiones)
    assert totales.mnt_total == sale - deducted
    sums = (
        sum(n for n, _ in charges) or None,
        sum(e for _, e in charges) or None,
        sum(comision_iva(c) for c in comisiones) or None,
    )
    if sums == (None, None, None):  # no charges, or charges that sum to zero: left out
        assert totales.comisiones is None
    else:
        assert totales.comisiones is not None
        shown = totales.comisiones
        assert (shown.val_com_neto, shown.val_com_exe, shown.val_com_iva) == sums


def test_commissions_above_the_sale_say_why_the_total_is_negative_and_what_to_check() -> None:
    with pytest.raises(DocumentError) as info:
        _liquidacion(1000, 0, [{"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": 6927}])
    # sale 1000 + IVA 190 = 1190; charges 6927 + IVA 1316 = 8243
    assert str(info.value).startswith(
        "the liquidación's commissions and charges (8243, IVA included) exceed what was sold "
        "(1190), so the total would be -7053"
    )
    assert "check the Comisiones amounts (val_com_neto, val_com_exe)" in str(info.value)
    assert [(d.field, d.issue) for d in info.value.details] == [
        ("Encabezado.Totales.MntTotal", "would be -7053: the charges (8243) exceed the sale (1190)")
    ]


def test_a_nota_annulling_a_liquidacion_copies_its_lines_without_tpo_doc_liq() -> None:
    # TpoDocLiq exists only under Liquidacion: the copied lines of a 43 leave it behind, so the
    # nota is a valid Documento instead of being refused for a field the caller never gave.
    liquidacion = _liquidacion(341244, 77353, []).with_folio(7)
    nota = dte.nota_credito(liquidacion, cod_ref="anula")
    assert [line.tpo_doc_liq for line in nota.detalle] == [None, None]
    assert nota.totals.mnt_total == liquidacion.totals.mnt_total
    nota.check()


def test_a_nota_cannot_annul_a_liquidacion_with_commissions_by_copying_its_lines() -> None:
    # The 43's total deducts its Comisiones, which a nota does not carry: copying the lines
    # would credit the whole sale. The refusal says what to give instead.
    comision = {"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": 6927}
    liquidacion = _liquidacion(341244, 77353, [comision]).with_folio(7)
    with pytest.raises(DocumentError, match=r"pass lines= with the amounts this nota credits"):
        dte.nota_credito(liquidacion, cod_ref="anula")
    nota = dte.nota_credito(
        liquidacion, cod_ref="corrige_montos", lines=[{"nombre": "Ajuste", "precio": 1000}]
    )
    assert nota.referencias[0].tipo_doc_ref == "43"


def test_a_nota_de_credito_crediting_more_than_a_liquidacion_sold_is_refused() -> None:
    # A 43 with Comisiones was left out of the nota de crédito's bound, so a nota crediting a
    # hundred times the sale passed. Its bound is what the liquidación sold: its total plus the
    # charges deducted from it (341244 + 77353 + 64836 = 483433).
    comision = {"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": 6927}
    liquidacion = _liquidacion(341244, 77353, [comision]).with_folio(7)
    assert liquidacion.totals.mnt_total == 475190
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(
            liquidacion, cod_ref="corrige_montos", lines=[{"nombre": "Ajuste", "precio": 406281}]
        )
    assert [detail.field for detail in info.value.details] == ["Encabezado.Totales.MntTotal"]
    assert "(483433)" in str(info.value)
    whole_sale = dte.nota_credito(
        liquidacion,
        cod_ref="corrige_montos",
        lines=[
            {"nombre": "Venta de manzanas", "precio": 341244},
            {"nombre": "Venta exenta", "precio": 77353, "IndExe": 1},
        ],
    )
    assert whole_sale.totals.mnt_total == 483433
    refund = {"TipoMovim": "C", "Glosa": "Devolución", "ValComNeto": -3301}
    refunded = _liquidacion(341244, 77353, [refund]).with_folio(8)
    paid = refunded.totals.mnt_total  # the sale and the refund of 3928
    credited = dte.nota_credito(
        refunded,
        cod_ref="corrige_montos",
        lines=[{"nombre": "Ajuste", "precio": paid, "IndExe": 1}],
    )
    assert credited.totals.mnt_total == paid == 487361


@pytest.mark.parametrize("written", ["033", "061", "046"])
def test_a_tpo_doc_liq_written_with_zeros_before_it_is_refused(written: str) -> None:
    # As a reference's TpoDocRef: "033" is no type in the SII's tables.
    liquidacion = dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[{"NmbItem": "Venta de manzanas", "PrcItem": 1000, "TpoDocLiq": written}],
        check=False,
    )
    problems = _problems(liquidacion)
    assert list(problems) == ["Detalle[1].TpoDocLiq"]
    assert f"write it {int(written)}" in problems["Detalle[1].TpoDocLiq"]
    with pytest.raises(DocumentError):
        dte.liquidacion_factura(
            emisor=EMISOR,
            receptor=CONSIGNADOR,
            lines=[{"NmbItem": "Venta de manzanas", "PrcItem": 1000}],
            tipo_doc_liq=written,
        )


def test_a_liquidacions_period_total_and_total_to_pay_that_do_not_add_up_are_named() -> None:
    # VlrPagar = MontoPeriodo + SaldoAnterior on a 43 too, whose MntTotal deducts its charges.
    comision = {"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": 6927}
    liquidacion = dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[{"NmbItem": "Venta de manzanas", "PrcItem": 341244}],
        comisiones=[comision],
        saldo_anterior=100,
    )
    totales = liquidacion.encabezado.totales
    assert totales is not None
    assert totales.vlr_pagar == totales.mnt_total + 100
    wrong = totales.model_copy(update={"monto_periodo": 7, "vlr_pagar": 5})
    document = liquidacion.model_copy(
        update={"encabezado": liquidacion.encabezado.model_copy(update={"totales": wrong})}
    )
    assert _problems(document) == {
        "Encabezado.Totales.MontoPeriodo": f"is 7, expected {totales.mnt_total}",
        "Encabezado.Totales.VlrPagar": (
            f"is 5, expected {totales.mnt_total + 100}: the total to pay is the period's total "
            f"({totales.mnt_total}: MntTotal + MontoNF) plus SaldoAnterior (100)"
        ),
    }


def test_a_bad_commission_is_named_by_its_place() -> None:
    """The error said "Comisiones.ValComNeto: required" without saying which of the
    commissions lacked it."""
    with pytest.raises(DocumentError) as info:
        _liquidacion(
            1000,
            0,
            [
                {"TipoMovim": "C", "Glosa": "Comisión 8%", "ValComNeto": 80},
                {"TipoMovim": "X", "Glosa": "Flete", "ValComExe": 500},
            ],
        )
    fields = {detail.field for detail in info.value.details}
    assert fields == {"Comisiones[2].TipoMovim", "Comisiones[2].ValComNeto"}
    assert "Comisiones[2].ValComNeto: required" in str(info.value)


def _with_line_ind_exe(ind_exe: int) -> Document:
    return dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[
            {"NmbItem": "Venta de manzanas", "PrcItem": 100_000},
            {"NmbItem": "Cajas", "PrcItem": 5_000, "IndExe": ind_exe, "TpoDocLiq": "33"},
        ],
        comisiones=[],
    )


@pytest.mark.parametrize("ind_exe", [2, 3, 6])
def test_a_line_whose_amount_liquidacion_has_no_total_for_is_refused_by_check(
    ind_exe: int,
) -> None:
    """Liquidacion's Totales has no MontoNF or GrntDep: a non-billable line (IndExe 2, 6) or a
    deposit (3) is named by check(), not issued into a document the SII's schema refuses."""
    data = _with_line_ind_exe(1).to_sii_dict()
    del data["Encabezado"]["Totales"]
    data["Detalle"][1]["IndExe"] = ind_exe
    problems = _problems(Document.from_sii_dict(data))
    assert list(problems) == ["Detalle[2].IndExe"]
    assert "MontoNF or GrntDep" in problems["Detalle[2].IndExe"]
    with pytest.raises(DocumentError) as built:
        _with_line_ind_exe(ind_exe)
    assert "Detalle[2].IndExe" in [d.field for d in built.value.details]


@pytest.mark.parametrize("ind_exe", [1, 4, 5])
def test_a_liquidacion_line_exempt_or_not_for_sale_is_accepted(ind_exe: int) -> None:
    document = _with_line_ind_exe(ind_exe)
    document.check()
    assert document.totales.mnt_total == 119_000 + (5_000 if ind_exe == 1 else 0)


def test_a_liquidacions_tax_written_twice_in_totales_is_named() -> None:
    liquidacion = dte.liquidacion_factura(
        emisor=EMISOR,
        receptor=CONSIGNADOR,
        lines=[{"NmbItem": "Vino", "PrcItem": 10000, "CodImpAdic": ["25"]}],
    )
    totales = liquidacion.encabezado.totales
    assert totales is not None
    twice = totales.model_copy(update={"impto_reten": totales.impto_reten * 2})
    document = liquidacion.model_copy(
        update={"encabezado": liquidacion.encabezado.model_copy(update={"totales": twice})}
    )
    assert _problems(document) == {
        "Encabezado.Totales.ImptoReten[TipoImp=25]": (
            "is written 2 times; each tax or retention goes once in Totales, with the sum of its "
            "lines: keep one"
        )
    }
