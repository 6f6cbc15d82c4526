"""A sale's total: a boleta and a factura of the same products come to the same amount (but for
the rounding of additional taxes), and ``sale_total`` is the MntTotal of the document
``sale_document`` builds, for every mix of prices, taxes and quantities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.catalogue import PriceBasis, Product, sale_document, sale_prices, sale_total
from haulmer.errors import DocumentError

from .parties import EMISOR, RECEPTOR


def product(index: int = 1, **fields: Any) -> Product:
    base = {
        "id": f"prd_{index}",
        "catalogue_id": "cat_1",
        "name": f"Producto {index}",
        "sku": f"SKU-{index}",
        "price": 1190,
        "price_basis": "gross",
        "tax": "afecto",
    }
    return Product.model_validate({**base, **fields})


@st.composite
def products(draw: st.DrawFn, index: int, taxed: bool) -> Product:
    exento = draw(st.booleans()) and draw(st.booleans())
    codes: list[str] = []
    if taxed and not exento:
        codes = draw(st.sampled_from([[], ["27"], ["271"], ["24"], ["45"], ["25", "27"]]))
    return product(
        index,
        price=draw(st.integers(min_value=1, max_value=5_000_000)),
        price_basis=draw(st.sampled_from(["gross", "net"])),
        tax="exento" if exento else "afecto",
        additional_taxes=codes,
    )


QUANTITIES = st.one_of(
    st.integers(min_value=1, max_value=500),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3),
)


@st.composite
def carts(draw: st.DrawFn, taxed: bool = True) -> list[tuple[Product, Decimal]]:
    size = draw(st.integers(min_value=1, max_value=6))
    return [(draw(products(i, taxed)), Decimal(draw(QUANTITIES))) for i in range(size)]


def _total_of_document(tipo: int, cart: list[tuple[Product, Decimal]]) -> int:
    receptor = RECEPTOR if tipo == 33 else None
    document = sale_document(tipo, emisor=EMISOR, items=cart, receptor=receptor)
    return int(document.totals.mnt_total)


@settings(max_examples=150, deadline=None)
@given(cart=carts(taxed=False))
def test_a_boleta_and_a_factura_of_the_same_products_come_to_the_same_total(
    cart: list[tuple[Product, Decimal]],
) -> None:
    assert sale_total(39, cart) == sale_total(33, cart)


@settings(max_examples=150, deadline=None)
@given(cart=carts())
def test_sale_total_is_the_mnt_total_of_the_document_built_from_the_same_products(
    cart: list[tuple[Product, Decimal]],
) -> None:
    for tipo in (39, 33):
        assert sale_total(tipo, cart) == _total_of_document(tipo, cart)


@settings(max_examples=150, deadline=None)
@given(cart=carts())
def test_with_additional_taxes_the_two_documents_differ_by_their_rounding_at_most(
    cart: list[tuple[Product, Decimal]],
) -> None:
    afecto = [p for p, _ in cart if not p.is_exento]
    codes = {code for p in afecto for code in p.additional_taxes}
    # a peso per afecto line (each document rounds its own line amounts), one for the IVA and
    # one per additional tax (the factura rounds each on its net sum)
    assert abs(sale_total(39, cart) - sale_total(33, cart)) <= len(afecto) + 1 + len(codes)


def test_a_gross_priced_factura_says_mnt_bruto_and_pays_what_the_boleta_pays() -> None:
    # net lines would make a factura of one $2.490 item 2.092 + IVA 397 = $2.489, and of two
    # $1.990 items 3.345 + IVA 636 = $3.981: a peso off the boleta each time
    for price, quantity in ((2490, 1), (1990, 2)):
        cart = [(product(price=price), Decimal(quantity))]
        factura = sale_document(33, emisor=EMISOR, items=cart, receptor=RECEPTOR)
        boleta = sale_document(39, emisor=EMISOR, items=cart)
        assert factura.encabezado.id_doc.mnt_bruto == 1
        assert factura.detalle[0].precio == Decimal(price)
        assert factura.totals.mnt_total == boleta.totals.mnt_total == price * quantity
    # the factura's neto and IVA split from its gross total, as a boleta's: 3.345 + 635
    assert (factura.totals.mnt_neto, factura.totals.iva) == (3345, 635)


def test_a_net_priced_boleta_says_ind_mnt_neto_and_pays_what_the_factura_pays() -> None:
    servicio = product(price=1001, price_basis="net")
    cart = [(servicio, Decimal(3)), (product(2, price=2999, price_basis="net"), Decimal(7))]
    boleta = sale_document(39, emisor=EMISOR, items=cart)
    factura = sale_document(33, emisor=EMISOR, items=cart, receptor=RECEPTOR)
    assert boleta.encabezado.id_doc.ind_mnt_neto == 2
    assert boleta.detalle[0].precio == Decimal(1001)
    # neto 3.003 + 20.993 = 23.996, IVA round(4.559,24) = 4.559
    assert boleta.totals.mnt_total == factura.totals.mnt_total == 28_555
    assert (boleta.totals.mnt_neto, boleta.totals.iva) == (23_996, 4_559)


def test_the_basis_of_a_sale_follows_its_afecto_products() -> None:
    gross, net = product(1), product(2, price_basis="net")
    exento = product(3, tax="exento", price_basis="net")
    bebida = product(4, price_basis="net", additional_taxes=["27"])
    assert [sale_prices(t, [(gross, 1), (net, 1)]) for t in (39, 33)] == [PriceBasis.GROSS] * 2
    assert [sale_prices(t, [(net, 1), (exento, 1)]) for t in (39, 33)] == [PriceBasis.NET] * 2
    assert [sale_prices(t, [(net, 1), (bebida, 1)]) for t in (39, 33)] == [
        PriceBasis.GROSS,
        PriceBasis.NET,
    ]
    assert [sale_prices(t, [(exento, 1)]) for t in (39, 33)] == [PriceBasis.GROSS, PriceBasis.NET]


def test_a_sale_too_large_for_the_sii_s_amounts_is_a_document_error_for_both() -> None:
    huge = product(price=10**12)
    for tipo in (39, 33):
        with pytest.raises(DocumentError):
            sale_total(tipo, [(huge, Decimal("999999999999"))])


@pytest.mark.parametrize("precision", [2, 6, 12])
def test_a_callers_decimal_precision_changes_no_price_line_nor_total(precision: int) -> None:
    from decimal import localcontext

    dear = product(1, price=1_234_567)
    net = product(2, price=999, price_basis="net", additional_taxes=["271"])
    items = [(dear, 3), (net, "1.5")]
    expected = (sale_total(39, items), sale_total(33, items), net.unit_price("gross"))
    assert expected[0] == 3 * 1_234_567 + 2_053  # 1.5 x $1.368,63 = $2.052,945
    with localcontext() as context:
        context.prec = precision
        assert (sale_total(39, items), sale_total(33, items), net.unit_price("gross")) == expected
        assert net.dte_line(7, prices="gross")["precio"] == Decimal("1368.63")


@pytest.mark.parametrize("tipo", [41, 61, 34])
def test_sale_total_refuses_a_type_sale_document_refuses_instead_of_answering_a_total(
    tipo: int,
) -> None:
    from haulmer.errors import ValidationError

    items = [(product(1), 1)]
    with pytest.raises(ValidationError, match=rf"boleta \(39\) or factura \(33\), not {tipo}"):
        sale_document(tipo, emisor=EMISOR, receptor=RECEPTOR, items=items)
    with pytest.raises(ValidationError, match=rf"boleta \(39\) or factura \(33\), not {tipo}"):
        sale_total(tipo, items)


@pytest.mark.parametrize("tipo", ["33", " 33 "])
def test_a_type_as_text_is_read_alike_by_sale_total_and_sale_document(tipo: str) -> None:
    items = [(product(1), 2)]
    document = sale_document(tipo, emisor=EMISOR, receptor=RECEPTOR, items=items)  # type: ignore[arg-type]
    assert int(document.tipo_dte) == 33
    assert sale_total(tipo, items) == document.totals.mnt_total == 2_380  # type: ignore[arg-type]


@pytest.mark.parametrize("tipo", [True, None, 39.0, 99])
def test_what_is_no_dte_type_is_refused_by_each_sale_function(tipo: object) -> None:
    from haulmer.catalogue import prices_for

    items = [(product(1), 1)]
    for call in (
        lambda: sale_total(tipo, items),  # type: ignore[arg-type]
        lambda: sale_prices(tipo, items),  # type: ignore[arg-type]
        lambda: prices_for(tipo),  # type: ignore[arg-type]
        lambda: sale_document(tipo, emisor=EMISOR, receptor=RECEPTOR, items=items),  # type: ignore[arg-type]
    ):
        with pytest.raises(DocumentError, match="is not an electronic document type"):
            call()


@pytest.mark.parametrize(
    ("items", "said"),
    [
        (5, r"items is a list of sale items .*, got int"),
        (None, r"items is a list of sale items .*, got NoneType"),
        ("pan", r"items is a list of sale items .*, got str"),
        ({"product": product(), "quantity": 1}, r"one sale item: put it in a list"),
        ([(product(), 1, 2)], r"sale item 1 is a \(product, quantity\) pair, got 3 values"),
        ([(product(),)], r"sale item 1 is a \(product, quantity\) pair, got 1 value"),
        ((product(), 1), r"one \(product, quantity\) pair: put it in a list"),
        ((product(), "1.5"), r"one \(product, quantity\) pair: put it in a list"),
        ([product()], r"sale item 1 is a product without its quantity: give \(product, quantity\)"),
    ],
)
def test_items_that_are_no_list_of_sale_items_are_a_validation_error_saying_so(
    items: Any, said: str
) -> None:
    """They were a TypeError ("'int' object is not iterable") or a bare ValueError ("too many
    values to unpack") from deep inside, or a complaint about the keys of a dict given alone."""
    from haulmer.catalogue import sale_lines
    from haulmer.errors import ValidationError

    with pytest.raises(ValidationError, match=said):
        sale_total(39, items)
    with pytest.raises(ValidationError, match=said):
        sale_lines(items, prices="gross")
    with pytest.raises(ValidationError, match=said):
        sale_document(39, emisor=EMISOR, items=items)


@pytest.mark.parametrize(
    "value", ["abc", "1,5", 0, -1, True, Decimal("NaN"), Decimal("1e-7"), 10**12], ids=repr
)
def test_sale_quantity_refuses_with_the_sdks_validation_error(value: object) -> None:
    # A plain ValueError came out, which an ``except HaulmerError`` around a sale let through.
    from haulmer.catalogue import sale_quantity
    from haulmer.errors import ValidationError

    with pytest.raises(ValidationError):
        sale_quantity(value)
