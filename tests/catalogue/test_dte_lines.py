"""A catalogue product becomes a DTE line: IndExe, price basis, additional tax codes, SKU; a sale
of products becomes a boleta or factura with correct totals in one call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer.catalogue import PriceBasis, Product, prices_for, sale_document, sale_lines
from haulmer.errors import ValidationError

from .parties import EMISOR, RECEPTOR


def product(**fields: Any) -> Product:
    base = {
        "id": "prd_1",
        "catalogue_id": "cat_1",
        "name": "Pan amasado",
        "sku": "PAN",
        "price": 1190,
        "price_basis": "gross",
        "tax": "afecto",
    }
    return Product.model_validate({**base, **fields})


def test_an_afecto_gross_product_is_a_boleta_line_as_is_and_a_net_factura_line() -> None:
    pan = product(unit="KG", description="Horneado hoy")
    line = pan.dte_line(2, prices="gross")
    assert line == {
        "nombre": "Pan amasado",
        "cantidad": Decimal(2),
        "precio": Decimal(1190),
        "CdgItem": [{"TpoCodigo": "INT1", "VlrCodigo": "PAN"}],
        "unidad": "KG",
        "descripcion": "Horneado hoy",
    }
    assert pan.dte_line(2, prices="net")["precio"] == Decimal(1000)


def test_an_exento_product_gets_ind_exe_and_its_price_on_any_basis() -> None:
    clase = product(name="Clase", price=5000, tax="exento", price_basis="net")
    for basis in ("gross", "net"):
        line = clase.dte_line(1, prices=basis)
        assert line["IndExe"] == 1
        assert line["precio"] == Decimal(5000)
        assert "CodImpAdic" not in line


def test_additional_taxes_go_on_a_net_line_and_inside_a_gross_price() -> None:
    vino = product(name="Vino", sku="VINO", price=1000, price_basis="net", additional_taxes=["25"])
    net = vino.dte_line(1, prices="net")
    assert (net["precio"], net["CodImpAdic"]) == (Decimal(1000), ["25"])
    gross = vino.dte_line(1, prices="gross")
    assert gross["precio"] == Decimal("1395.000000")  # 1.000 + 19% + 20,5%
    assert "CodImpAdic" not in gross  # a boleta carries none


@given(
    price=st.integers(min_value=1, max_value=10_000_000),
    quantity=st.integers(min_value=1, max_value=1000),
    codes=st.sampled_from([[], ["27"], ["271"], ["24"], ["25", "27"]]),
)
def test_a_gross_price_converted_to_net_gives_back_the_gross_amount(
    price: int, quantity: int, codes: list[str]
) -> None:
    item = product(price=price, additional_taxes=codes)
    net = item.dte_line(quantity, prices="net")["precio"]
    rate = item.tax_rate()
    factor = (100 + rate) / 100
    back = quantity * net * factor
    # the net price keeps 6 decimals: half a millionth per unit, grossed up, is all it may lose
    assert abs(back - quantity * price) <= Decimal("0.0000005") * quantity * factor


def test_a_boleta_of_products_has_the_totals_of_a_hand_calculation() -> None:
    pan = product(price=1990, unit="KG")
    bebida = product(
        name="Bebida", sku="BEB", price=1000, price_basis="net", additional_taxes=["27"]
    )
    clase = product(name="Clase", sku="CLASE", price=5000, tax="exento")
    boleta = sale_document(39, emisor=EMISOR, items=[(pan, "1.5"), (bebida, 2), (clase, 1)])
    totals = boleta.totals
    # 2.985 + 2 x 1.290 = 5.565 gross afecto: neto 4.676, IVA 889; exento 5.000
    assert (totals.mnt_neto, totals.iva, totals.mnt_exe, totals.mnt_total) == (
        4676,
        889,
        5000,
        10565,
    )


def test_a_factura_of_products_carries_iva_and_the_additional_tax() -> None:
    pan = product(price=1190)
    bebida = product(name="Bebida", sku="BEB", price=1290, additional_taxes=["27"])
    factura = sale_document(33, emisor=EMISOR, receptor=RECEPTOR, items=[(pan, 1), (bebida, 10)])
    totals = factura.totals
    # net: 1.000 + 10 x 1.000 = 11.000; IVA 2.090; code 27: 10% of 10.000 = 1.000
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (11000, 2090, 14090)
    assert [(t.tipo, t.monto) for t in totals.impto_reten] == [("27", 1000)]


def test_a_sugary_drink_carries_its_18_percent_on_a_factura() -> None:
    bebida = product(name="Bebida", sku="BEB", price=1370, additional_taxes=["271"])
    factura = sale_document(33, emisor=EMISOR, receptor=RECEPTOR, items=[(bebida, 10)])
    totals = factura.totals
    # gross 1.370 = net 1.000 + IVA 190 + 18% 180
    assert (totals.mnt_neto, totals.iva, totals.mnt_total) == (10000, 1900, 13700)
    assert [(t.tipo, t.tasa, t.monto) for t in totals.impto_reten] == [("271", 18, 1800)]


def test_a_sale_is_refused_when_it_cannot_be_a_boleta_or_factura() -> None:
    pan = product()
    with pytest.raises(ValidationError, match="receptor"):
        sale_document(33, emisor=EMISOR, items=[(pan, 1)])
    with pytest.raises(ValidationError, match=r"boleta \(39\) or factura \(33\)"):
        sale_document(61, emisor=EMISOR, items=[(pan, 1)])
    with pytest.raises(ValidationError, match="at least one product"):
        sale_lines([], prices="gross")
    with pytest.raises(ValidationError, match="deactivated"):
        sale_lines([(product(active=False), 1)], prices="gross")
    with pytest.raises(ValidationError, match="greater than 0"):
        sale_lines([(pan, "-1")], prices="gross")
    with pytest.raises(ValidationError, match="6 decimals"):
        sale_lines([(pan, "0.0000001")], prices="gross")
    with pytest.raises(ValidationError, match="unknown price basis"):
        pan.dte_line(1, prices="bruto")


def test_boletas_take_gross_lines_and_other_documents_net_ones() -> None:
    assert [prices_for(t) for t in (39, 41)] == [PriceBasis.GROSS, PriceBasis.GROSS]
    assert [prices_for(t) for t in (33, 34, 56, 61)] == [PriceBasis.NET] * 4


def test_the_dte_builders_take_catalogue_products_as_lines() -> None:
    from haulmer import dte

    pan = product(price=1990, unit="KG")
    bebida = product(
        name="Bebida", sku="BEB", price=1000, price_basis="net", additional_taxes=["27"]
    )
    clase = product(name="Clase", sku="CLASE", price=5000, tax="exento")
    # a boleta: gross prices, the additional tax inside the price, the exento product IndExe 1
    boleta = dte.boleta(emisor=EMISOR, lines=[(pan, "1.5"), (bebida, 2), clase])
    assert (boleta.totals.mnt_neto, boleta.totals.iva, boleta.totals.mnt_exe) == (4676, 889, 5000)
    assert boleta.totals.mnt_total == 10565
    assert boleta == sale_document(39, emisor=EMISOR, items=[(pan, "1.5"), (bebida, 2), (clase, 1)])
    # a factura of the same products: net prices with CodImpAdic
    factura = dte.factura(emisor=EMISOR, receptor=RECEPTOR, lines=[(bebida, 10), pan])
    assert [(t.tipo, t.monto) for t in factura.totals.impto_reten] == [("27", 1000)]
    assert factura.detalle[0].cod_imp_adic == ["27"]
    # build() decides the basis by type, and product lines mix with dict lines
    mixed = dte.build(
        39,
        emisor={k: v for k, v in EMISOR.items() if k != "actecos"},
        receptor={"rut": "66666666-6"},
        lines=[pan, {"nombre": "Bolsa", "cantidad": 1, "precio": 50}],
        id_doc={"IndServicio": 3},
    )
    assert mixed.totals.mnt_total == 1990 + 50


def test_an_exempt_document_takes_products_too() -> None:
    from haulmer import dte

    clase = product(name="Clase", sku="CLASE", price=5000, tax="exento")
    exenta = dte.factura_exenta(emisor=EMISOR, receptor=RECEPTOR, lines=[(clase, 3)])
    assert (exenta.totals.mnt_exe, exenta.totals.mnt_total) == (15000, 15000)
    boleta = dte.boleta_exenta(emisor=EMISOR, lines=[clase])
    assert boleta.totals.mnt_total == 5000


@pytest.mark.parametrize("quantity", ["1e30", Decimal("1E+40"), 10**15, "1000000000000"])
def test_a_quantity_beyond_the_sii_s_twelve_digits_is_refused_with_a_validation_error(
    quantity: object,
) -> None:
    with pytest.raises(ValidationError, match=r"quantity of 'Pan amasado' must be below"):
        sale_lines([(product(), quantity)], prices="gross")


def test_the_largest_quantity_the_sii_takes_makes_a_line() -> None:
    (line,) = sale_lines([(product(), "999999999999.999999")], prices="gross")
    assert line["cantidad"] == Decimal("999999999999.999999")


def test_product_lines_follow_a_document_s_mnt_bruto_or_ind_mnt_neto() -> None:
    from haulmer import dte

    pan = product(price=1190)  # gross: net 1.000
    gross_factura = dte.factura(
        emisor=EMISOR, receptor=RECEPTOR, lines=[(pan, 2)], montos_brutos=True
    )
    assert gross_factura.detalle[0].precio == Decimal(1190)
    assert gross_factura.totals.mnt_total == 2380
    net_boleta = dte.boleta(emisor=EMISOR, lines=[(pan, 2)], montos_netos=True)
    assert net_boleta.detalle[0].precio == Decimal(1000)
    assert net_boleta.totals.mnt_total == 2380
    by_id_doc = dte.build(
        33, emisor=EMISOR, receptor=RECEPTOR, lines=[pan], id_doc={"mnt_bruto": 1}
    )
    assert by_id_doc.totals.mnt_total == 1190


@pytest.mark.parametrize("quantity", ["1_5", "1_000", "\u0663", "１", "1 000", "0x10", "1,5"])
def test_a_quantity_written_other_than_as_a_plain_number_is_refused_not_misread(
    quantity: str,
) -> None:
    # Decimal() reads "1_5" as 15 and "٣" (an Arabic-Indic three) as 3
    with pytest.raises(ValidationError, match="must be a number above 0"):
        sale_lines([(product(), quantity)], prices="gross")


@pytest.mark.parametrize(
    ("quantity", "read"),
    [(" 2 ", "2"), ("1.50", "1.50"), ("1e3", "1000"), (".5", "0.5"), (1e-05, "0.00001")],
)
def test_a_plain_number_as_text_or_a_float_is_a_quantity(quantity: object, read: str) -> None:
    (line,) = sale_lines([(product(), quantity)], prices="gross")
    assert line["cantidad"] == Decimal(read)


def test_a_product_with_terms_the_sdk_does_not_know_still_reads_but_makes_no_line_here() -> None:
    newer = product(tax="no_afecto", price_basis="bruto", additional_taxes=["27", "99"])
    assert (newer.tax, newer.price_basis) == ("no_afecto", "bruto")
    assert newer.unknown_terms() == [
        "tax 'no_afecto'",
        "price basis 'bruto'",
        "additional tax code(s) 99",
    ]
    assert product().unknown_terms() == []
    says = r"'Pan amasado' \(PAN\) has tax 'no_afecto' and .*upgrade haulmer"
    with pytest.raises(ValidationError, match=says):
        newer.dte_line(1, prices="gross")
    with pytest.raises(ValidationError, match=r"additional tax code\(s\) 99, which this version"):
        sale_document(39, emisor=EMISOR, items=[(product(additional_taxes=["99"]), 1)])
    with pytest.raises(ValidationError, match="upgrade haulmer"):
        product(additional_taxes=["99"]).tax_rate()
