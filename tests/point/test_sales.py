"""A sale at a point of sale: catalogue products become a signed boleta or factura, with the
totals a hand calculation gives."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from haulmer import Haulmer, sii
from haulmer.catalogue import Product
from haulmer.errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    StepOutOfOrderError,
    ValidationError,
)
from haulmer.point import Paper, PointDocument
from haulmer.testing import FakeHaulmer
from journey.story import (
    BUYER_EMAIL,
    PASSWORD,
    CertifiedShop,
    certified_shop,
    point_with_catalogue,
)

BAKERY_PRODUCTS = [
    # 1.5 kg at $1.990 the kilo, IVA included: $2.985
    {"name": "Pan amasado", "sku": "PAN-AMA", "unit": "KG", "price": 1990},
    # $1.000 net + IVA 19% + bebidas analcohólicas 10% (code 27) = $1.290 a bottle
    {
        "name": "Bebida 1,5 L",
        "sku": "BEB-15",
        "unit": "UN",
        "price": 1000,
        "price_basis": "net",
        "additional_taxes": ["27"],
    },
    # an exempt educational service: $5.000, no IVA
    {"name": "Clase de repostería", "sku": "CLASE-1", "price": 5000, "tax": "exento"},
]


@pytest.fixture
def shop(fake: FakeHaulmer, client: Haulmer) -> CertifiedShop:
    return certified_shop(fake, client)


def _stock(shop: CertifiedShop) -> tuple[str, str, list[Product]]:
    owner = shop.ready.owner
    (catalogue,) = owner.catalogue.list_catalogues()
    products = [owner.catalogue.create_product(catalogue.id, p) for p in BAKERY_PRODUCTS]
    (point,) = owner.point.list()
    owner.point.configure(point.id, catalogue_id=catalogue.id, sucursal="Casa matriz")
    return point.id, catalogue.id, products


def test_three_catalogue_products_become_a_signed_boleta_with_hand_checked_totals(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, bebida, clase) = _stock(shop)
    sale = shop.ready.owner.point.sell(
        point_id,
        [(pan, "1.5"), (bebida, 2), (clase, 1)],
        payment="cash",
        amount=20_000,
    )
    # By hand: afecto lines 2.985 + 2 x 1.290 = 5.565 IVA (and the 10%) included;
    # neto = round(5.565 / 1.19) = 4.676, IVA = 5.565 - 4.676 = 889; exento 5.000.
    assert sale.document.type == 39
    assert sale.folio >= 1
    assert sale.total == 10_565
    # cash pays $10.560 (Ley 20.956: $5 rounds down), the boleta keeps its $10.565
    assert (sale.payment.rounding, sale.amount_due) == (-5, 10_560)
    assert sale.payment.change == 20_000 - 10_560
    assert sale.document.totals["MntNeto"] == 4_676
    assert sale.document.totals["IVA"] == 889
    assert sale.document.totals["MntExe"] == 5_000
    assert sale.document.totals["MntTotal"] == 10_565

    issuer = fake.client(api_key=shop.api_key)
    xml = issuer.openfactura.documents.xml(sale.document.token)
    assert sii.verify(xml).ok
    document = sii.parse(xml)
    lines = document.detalle
    assert [line.nombre for line in lines] == ["Pan amasado", "Bebida 1,5 L", "Clase de repostería"]
    assert [line.monto_item for line in lines] == [2_985, 2_580, 5_000]
    assert lines[2].ind_exe == 1
    assert lines[0].codigos[0].valor == "PAN-AMA"
    assert not any(line.cod_imp_adic for line in lines)  # a boleta carries no CodImpAdic


def test_a_factura_with_a_receptor_carries_the_additional_tax(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, bebida, _) = _stock(shop)
    sale = shop.ready.owner.point.sell(
        point_id,
        [(bebida, 10), (pan, 2)],
        payment="transfer",
        document=PointDocument.FACTURA,
        receptor={
            "rut": "76430498-5",
            "razon_social": "HOSTY SPA",
            "giro": "Hosting",
            "direccion": "Calle 1",
            "comuna": "Curicó",
        },
    )
    # Net lines: 10 x 1.000 = 10.000 with code 27; 2 x 1.990 / 1.19 = 2 x 1.672,268908 = 3.345.
    # neto 13.345, IVA 2.536 (19%), bebidas 10% of 10.000 = 1.000: total 16.881.
    totals = sale.document.totals
    assert sale.document.type == 33
    assert totals["MntNeto"] == 13_345
    assert totals["IVA"] == 2_536
    assert sale.total == 16_881
    xml = fake.client(api_key=shop.api_key).openfactura.documents.xml(sale.document.token)
    assert sii.verify(xml).ok
    parsed = sii.parse(xml)
    assert parsed.detalle[0].cod_imp_adic == ["27"]
    assert str(parsed.encabezado.receptor.rut) == "76430498-5"


def test_the_point_s_settings_change_and_its_default_document_is_used(
    shop: CertifiedShop,
) -> None:
    owner = shop.ready.owner
    point_id, catalogue_id, _ = _stock(shop)
    point = owner.point.configure(point_id, name="Caja 1", paper=Paper.LETTER)
    assert (point.name, point.paper, point.sucursal) == ("Caja 1", Paper.LETTER, "Casa matriz")
    assert point.catalogue_id == catalogue_id
    assert owner.point.retrieve(point_id).default_document is PointDocument.BOLETA
    with pytest.raises(ValidationError, match="unknown paper"):
        owner.point.configure(point_id, paper="A4")
    with pytest.raises(ValidationError, match="say what to change"):
        owner.point.configure(point_id)
    with pytest.raises(NotFoundError):
        owner.point.retrieve("pos_0000000000000000")


def test_a_sale_is_checked_before_anything_is_sent(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="above 0"):
        sell(point_id, [(pan, 0)], payment="cash")
    with pytest.raises(ValidationError, match="at least one item"):
        sell(point_id, [], payment="cash")
    with pytest.raises(ValidationError, match="receptor"):
        sell(point_id, [(pan, 1)], payment="cash", document="factura")
    with pytest.raises(ValidationError, match="unknown payment method"):
        sell(point_id, [(pan, 1)], payment="cheque")
    assert len(fake.requests) == sent


def test_a_sale_needs_a_catalogue_an_active_product_and_enough_cash(shop: CertifiedShop) -> None:
    owner = shop.ready.owner
    (point,) = owner.point.list()
    with pytest.raises(StepOutOfOrderError, match="no catalogue"):
        owner.point.sell(point.id, [("prd_x", 1)], payment="cash")
    point_id, catalogue_id, (pan, _, _) = _stock(shop)
    with pytest.raises(BadRequestError) as caught:  # by id: the platform knows the price
        owner.point.sell(point_id, [(pan.id, 1)], payment="cash", amount=100)
    assert caught.value.details[0].field == "payment.amount"
    owner.catalogue.deactivate_product(catalogue_id, pan.id)
    with pytest.raises(BadRequestError) as caught:
        owner.point.sell(point_id, [(pan.id, 1)], payment="cash")
    assert "deactivated" in caught.value.details[0].issue


def test_selling_before_the_company_is_certified_is_out_of_order(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from journey.story import ready_workspace

    ready = ready_workspace(fake, client)
    (catalogue,) = ready.owner.catalogue.list_catalogues()
    product = ready.owner.catalogue.create_product(catalogue.id, BAKERY_PRODUCTS[0])
    (point,) = ready.owner.point.list()
    ready.owner.point.configure(point.id, catalogue_id=catalogue.id)
    with pytest.raises(StepOutOfOrderError, match="OpenFactura setup"):
        ready.owner.point.sell(point.id, [(product, 1)], payment="debit_card")


def test_a_retried_sale_is_sold_and_issued_once(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    fake.control.drop_connection("point.sell", when="after")
    sale = shop.ready.owner.point.sell(point_id, [(pan, 1)], payment="cash")
    assert len(fake.requests.for_route("point.sell")) == 2
    again = shop.ready.owner.point.retrieve_sale(point_id, sale.id)
    assert again.folio == sale.folio == 1


def test_the_async_client_sells_too(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    _, _, (pan, bebida, clase) = _stock(shop)

    async def sell() -> int:
        async with fake.async_client() as anonymous:
            session = await anonymous.accounts.login(BUYER_EMAIL, PASSWORD, platform="point")
            owner = anonymous.with_options(access_token=session.access_token)
            (point,) = await owner.point.list()
            sale = await owner.point.sell(
                point.id, [(pan, Decimal("1.5")), (bebida, 2), (clase, 1)], payment="debit_card"
            )
            return sale.total

    assert asyncio.run(sell()) == 10_565


def test_a_sale_whose_document_openfactura_refuses_sells_nothing(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    owner = shop.ready.owner
    first = owner.point.sell(point_id, [(pan, 1)], payment="cash")
    tenant = fake.openfactura_state.tenant_for_key(shop.api_key)
    assert tenant is not None
    tenant.set_folio_limit(39, first.folio)  # no boleta folio left
    with pytest.raises(ConflictError) as caught:
        owner.point.sell(point_id, [(pan, 1)], payment="cash")
    assert caught.value.code == "document_refused"
    assert "folios" in str(caught.value)
    assert len(fake.platform_state.sales) == 1


def test_hostile_bodies_get_validation_errors_not_crashes(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}"}
    bodies = [
        ("POST", f"/v1/points/{point_id}/sales", {"items": [], "payment": [], "document": []}),
        ("POST", f"/v1/points/{point_id}/sales", {"items": [{"product_id": [], "quantity": {}}]}),
        (
            "POST",
            f"/v1/points/{point_id}/sales",
            {"items": [{"product_id": pan.id, "quantity": True}], "payment": {"method": "cash"}},
        ),
        ("PATCH", f"/v1/points/{point_id}", {"default_document": [], "paper": {}, "name": 5}),
        ("POST", "/v1/my/tickets", {"subject": [], "category": {}, "attachment": "x"}),
        ("POST", "/v1/accounts/links/resend", {"email": [], "purpose": {}}),
    ]
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        for method, path, body in bodies:
            answer = http.request(method, path, json=body, headers=headers)
            assert answer.status_code == 400, (path, answer.text)
            assert answer.json()["error"]["code"] == "validation_failed"


@pytest.mark.parametrize("quantity", ["1e30", Decimal("1E+40"), 10**15])
def test_a_quantity_beyond_the_sii_s_twelve_digits_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, quantity: object
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"item 1: the quantity must be below"):
        shop.ready.owner.point.sell(point_id, [(pan, quantity)], payment="cash")
    assert len(fake.requests) == sent


def test_the_fake_names_the_item_whose_quantity_cannot_be_a_dte_line(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    items = [{"product_id": pan.id, "quantity": q} for q in ("1", "1e30", "0.0000001")]
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json={"items": items, "payment": {"method": "cash"}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    details = answer.json()["error"]["details"]
    assert [d["field"] for d in details] == ["items[1].quantity", "items[2].quantity"]
    assert "below 1000000000000" in details[0]["issue"]
    assert "6 decimals" in details[1]["issue"]


FACTURA_RECEPTOR = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Hosting",
    "direccion": "Calle 1",
    "comuna": "Curicó",
}


def test_a_receptor_a_factura_cannot_carry_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    sent = len(fake.requests)
    curly = {**FACTURA_RECEPTOR, "razon_social": "HOSTY “SPA”"}
    with pytest.raises(
        ValidationError, match=r"U\+201C\) cannot be written in a DTE's RznSocRecep"
    ):
        sell(point_id, [(pan, 1)], payment="cash", document="factura", receptor=curly)
    blank = {**FACTURA_RECEPTOR, "giro": "   "}
    with pytest.raises(ValidationError, match="giro"):
        sell(point_id, [(pan, 1)], payment="cash", document="factura", receptor=blank)
    assert len(fake.requests) == sent


@pytest.mark.parametrize(("document", "most"), [("factura", 60), ("boleta", 1000), (None, 1000)])
def test_a_sale_of_more_items_than_its_dte_holds_lines_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, document: str | None, most: int
) -> None:
    """Each item is a line of the DTE; the fake refused a 61-item factura, after the SDK sent it."""
    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    receptor = FACTURA_RECEPTOR if document == "factura" else None
    with pytest.raises(ValidationError, match=f"{most + 1} items.*at most {most} lines"):
        shop.ready.owner.point.sell(
            point_id,
            [(pan, 1)] * (most + 1),
            payment="debit_card",
            document=document,
            receptor=receptor,
        )
    assert len(fake.requests) == sent


def test_a_receptor_s_decomposed_accent_is_named_before_its_length_is_counted(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    """Ñuñoa typed as N, U+0303, u, n, U+0303, o a few times passed CmnaRecep's 20 characters in
    code points, not in letters: the refusal counted them and hid the decomposed accent."""
    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    comuna = "N\u0303un\u0303oa " * 3  # 17 letters, 23 code points
    refused = r"\(U\+0303\) cannot be written in a DTE's CmnaRecep"
    with pytest.raises(ValidationError, match=refused):
        shop.ready.owner.point.sell(
            point_id,
            [(pan, 1)],
            payment="debit_card",
            document="factura",
            receptor={**FACTURA_RECEPTOR, "comuna": comuna},
        )
    assert len(fake.requests) == sent


def test_a_factura_of_60_items_is_sold(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sale = shop.ready.owner.point.sell(
        point_id,
        [(pan, 1)] * 60,
        payment="debit_card",
        document="factura",
        receptor=FACTURA_RECEPTOR,
    )
    assert sale.document.type == 33


def test_the_fake_refuses_a_receptor_naming_its_field_not_the_items(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    receptor = {**FACTURA_RECEPTOR, "razon_social": "HOSTY “SPA”", "giro": "x" * 41}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json={
                "items": [{"product_id": pan.id, "quantity": 1}],
                "payment": {"method": "cash"},
                "document": "factura",
                "receptor": receptor,
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    details = {d["field"]: d["issue"] for d in answer.json()["error"]["details"]}
    assert set(details) == {"receptor.razon_social", "receptor.giro"}
    assert "ISO-8859-1" in details["receptor.razon_social"]
    assert "at most 40 characters" in details["receptor.giro"]
    assert len(fake.platform_state.sales) == 0


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "razon_social",
            "HOSTY\nSPA",
            r"razon_social holds a control character \(U\+000A\) at position 6",
        ),
        ("giro", "Hos\tting", r"giro holds a control character \(U\+0009\) at position 4"),
        ("direccion", "Calle\x7f1", r"control character \(U\+007F\)"),
        ("comuna", "Curic\udcf3", r"comuna holds a lone surrogate \(U\+DCF3\) at position 6"),
    ],
)
def test_a_receptor_text_with_a_control_character_is_refused_here_and_by_the_fake(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop, field: str, value: str, says: str
) -> None:
    import json
    import re

    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    receptor = {**FACTURA_RECEPTOR, field: value}
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        shop.ready.owner.point.sell(
            point_id, [(pan, 1)], payment="cash", document="factura", receptor=receptor
        )
    assert len(fake.requests) == sent
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    body = {
        "items": [{"product_id": pan.id, "quantity": 1}],
        "payment": {"method": "cash"},
        "document": "factura",
        "receptor": receptor,
    }
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales", content=json.dumps(body), headers=headers
        )
    assert answer.status_code == 400
    details = {d["field"]: d["issue"] for d in answer.json()["error"]["details"]}
    assert re.search(says, details[f"receptor.{field}"])
    assert len(fake.platform_state.sales) == 0


def test_a_sale_refused_for_want_of_folios_says_so(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    tenant = fake.openfactura_state.tenant_for_key(shop.api_key)
    assert tenant is not None
    tenant.set_folio_limit(39, 0)
    with pytest.raises(ConflictError, match="no folio left") as caught:
        shop.ready.owner.point.sell(point_id, [(pan, 1)], payment="cash")
    assert caught.value.code == "document_refused"


def test_a_product_or_catalogue_id_with_blanks_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, catalogue_id, (pan, _, _) = _stock(shop)
    owner = shop.ready.owner
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"item 1: the product is a Product or its id"):
        owner.point.sell(point_id, [(f" {pan.id}", 1)], payment="cash")
    with pytest.raises(ValidationError, match="catalogue_id is a catalogue's id"):
        owner.point.configure(point_id, catalogue_id=f"{catalogue_id}\n")
    assert len(fake.requests) == sent


@pytest.mark.parametrize("method", ["debit_card", "credit_card", "transfer"])
@pytest.mark.parametrize("amount", [10_564, 10_566, 20_000])
def test_a_card_or_transfer_amount_other_than_the_total_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, method: str, amount: int
) -> None:
    point_id, _, (pan, bebida, clase) = _stock(shop)
    items = [(pan, "1.5"), (bebida, 2), (clase, 1)]  # a boleta of $10.565
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=rf"a {method} payment is exactly the sale's total, "):
        shop.ready.owner.point.sell(point_id, items, payment=method, amount=amount)
    assert len(fake.requests) == sent
    sale = shop.ready.owner.point.sell(point_id, items, payment=method, amount=10_565)
    assert (sale.total, sale.payment.amount, sale.payment.change) == (10_565, 10_565, 0)


def test_the_refusal_names_the_total_of_the_document_sold(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, bebida, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    items = [(bebida, 10), (pan, 2)]
    receptor = {
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "Hosting",
        "direccion": "Calle 1",
        "comuna": "Curicó",
    }
    with pytest.raises(ValidationError, match=r"total, \$16\.881, not \$16\.880"):
        sell(
            point_id,
            items,
            payment="transfer",
            amount=16_880,
            document="factura",
            receptor=receptor,
        )
    with pytest.raises(
        ValidationError,
        match=r"amount \$16\.870 does not cover the sale's total in cash, \$16\.880 "
        r"\(\$16\.881 rounded",
    ):
        sell(point_id, items, payment="cash", amount=16_870, document="factura", receptor=receptor)
    sale = sell(
        point_id, items, payment="transfer", amount=16_881, document="factura", receptor=receptor
    )
    assert sale.total == 16_881


def test_cash_below_the_total_is_refused_before_sending_and_cash_above_gets_change(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    with pytest.raises(
        ValidationError, match=r"amount \$100 does not cover the sale's total in cash, \$1\.990:"
    ):
        shop.ready.owner.point.sell(point_id, [(pan, 1)], payment="cash", amount=100)
    assert len(fake.requests) == sent
    sale = shop.ready.owner.point.sell(point_id, [(pan, 1)], payment="cash", amount=2_000)
    assert sale.payment.change == 10


def test_with_product_ids_the_platform_checks_a_card_amount(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    with pytest.raises(BadRequestError) as caught:
        shop.ready.owner.point.sell(point_id, [(pan.id, 1)], payment="debit_card", amount=2_000)
    assert caught.value.details[0].field == "payment.amount"
    assert "exactly 1990" in caught.value.details[0].issue


def test_sale_total_is_the_total_of_the_document_a_sale_issues(shop: CertifiedShop) -> None:
    from haulmer.catalogue import sale_total

    _, _, (pan, bebida, clase) = _stock(shop)
    assert sale_total(39, [(pan, "1.5"), (bebida, 2), (clase, 1)]) == 10_565
    assert sale_total(33, [(bebida, 10), (pan, 2)]) == 16_881


def test_a_boleta_and_a_factura_of_the_same_sale_charge_the_same_and_verify(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    from haulmer.catalogue import sale_total

    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    torta = owner.catalogue.create_product(
        catalogue_id, {"name": "Torta", "sku": "TORTA", "price": 2490}
    )
    asesoria = owner.catalogue.create_product(
        catalogue_id, {"name": "Asesoría", "sku": "ASES", "price": 2999, "price_basis": "net"}
    )
    receptor = {
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "Hosting",
        "direccion": "Calle 1",
        "comuna": "Curicó",
    }
    issuer = fake.client(api_key=shop.api_key)
    for items, total in (([(torta, 1)], 2490), ([(asesoria, 7)], 24_982)):
        assert sale_total(39, items) == sale_total(33, items) == total
        boleta = owner.point.sell(point_id, items, payment="debit_card", amount=total)
        factura = owner.point.sell(
            point_id,
            items,
            payment="debit_card",
            amount=total,
            document="factura",
            receptor=receptor,
        )
        assert boleta.total == factura.total == total
        for sale in (boleta, factura):
            assert sale.document.totals["MntTotal"] == total
            assert sii.verify(issuer.openfactura.documents.xml(sale.document.token)).ok


@pytest.mark.parametrize(
    ("total", "due"),
    [(10_561, 10_560), (10_565, 10_560), (10_566, 10_570), (10_569, 10_570), (10_560, 10_560)],
)
def test_cash_pays_the_total_rounded_to_the_ten_pesos(total: int, due: int) -> None:
    from haulmer.point import cash_due

    assert cash_due(total) == due


@pytest.mark.parametrize("total", [-5, -1_995])
def test_cash_due_refuses_a_negative_total_instead_of_rounding_it_away_from_zero(
    total: int,
) -> None:
    from haulmer.point import cash_due

    with pytest.raises(ValidationError, match=r"0 pesos or more, got -"):
        cash_due(total)


def test_cash_of_the_rounded_total_pays_a_sale_and_the_document_keeps_its_total(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    up = owner.catalogue.create_product(catalogue_id, {"name": "Queque", "sku": "Q", "price": 2496})
    down = owner.catalogue.create_product(
        catalogue_id, {"name": "Kuchen", "sku": "K", "price": 2494}
    )
    # $2.496 in cash is $2.500; $2.494 is $2.490, and $2.490 pays it exactly, here and at the fake
    sale = owner.point.sell(point_id, [(down, 1)], payment="cash", amount=2_490)
    assert (sale.total, sale.amount_due, sale.payment.rounding, sale.payment.change) == (
        2_494,
        2_490,
        -4,
        0,
    )
    assert sale.document.totals["MntTotal"] == 2_494
    by_id = owner.point.sell(point_id, [(down.id, 1)], payment="cash", amount=2_490)
    assert by_id.payment.change == 0
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"in cash, \$2\.500 \(\$2\.496 rounded"):
        owner.point.sell(point_id, [(up, 1)], payment="cash", amount=2_496 - 1)
    assert len(fake.requests) == sent
    with pytest.raises(BadRequestError, match=r"total of \$2\.?500"):
        owner.point.sell(point_id, [(up.id, 1)], payment="cash", amount=2_496)
    default = owner.point.sell(point_id, [(up, 1)], payment="cash")
    assert (default.payment.amount, default.payment.rounding, default.payment.change) == (
        2_500,
        4,
        0,
    )
    card = owner.point.sell(point_id, [(up, 1)], payment="credit_card")
    assert (card.payment.amount, card.payment.rounding, card.amount_due) == (2_496, 0, 2_496)


_BOLETA_BUYER = {"rut": "76430498-5", "razon_social": "HOSTY SPA"}


def _a_piano_above_135_uf(fake: FakeHaulmer, shop: CertifiedShop) -> tuple[Haulmer, str, Product]:
    """The shop's owner, its point selling its catalogue (its id), and a product whose sale is
    above 135 UF ($6.000.000 at a UF of $40.000)."""
    fake.openfactura_state.uf_value = 40_000
    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    piano = owner.catalogue.create_product(
        catalogue_id, {"name": "Piano de cola", "sku": "PIANO", "price": 6_000_000}
    )
    return owner, point_id, piano


@pytest.mark.parametrize(
    ("payment", "code"),
    [("cash", 1), ("debit_card", 2), ("credit_card", 2), ("transfer", 3)],
)
def test_a_boleta_above_135_uf_naming_its_buyer_is_issued_with_the_medio_de_pago(
    fake: FakeHaulmer, shop: CertifiedShop, payment: str, code: int
) -> None:
    # Above 135 UF (here $5.400.000 at a UF of $40.000) a boleta needs MedioPago, which the
    # platform knows from the payment: 1 efectivo, 2 pago electrónico, 3 transferencia
    owner, point_id, piano = _a_piano_above_135_uf(fake, shop)
    sale = owner.point.sell(point_id, [(piano, 1)], payment=payment, receptor=_BOLETA_BUYER)
    assert (sale.document.type, sale.total) == (39, 6_000_000)
    xml = fake.client(api_key=shop.api_key).openfactura.documents.xml(sale.document.token)
    assert sii.verify(xml).ok
    assert sii.parse(xml).encabezado.id_doc.medio_pago == str(code)


def test_a_boleta_above_135_uf_without_its_buyer_s_name_is_refused_naming_the_field(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    owner, point_id, piano = _a_piano_above_135_uf(fake, shop)
    for receptor in (None, {"rut": "76430498-5"}):
        with pytest.raises(BadRequestError, match="135 UF") as caught:
            owner.point.sell(point_id, [(piano, 1)], payment="cash", receptor=receptor)
        assert [d.field for d in caught.value.details] == ["receptor.razon_social"]
    assert len(fake.platform_state.sales) == 0


@pytest.mark.parametrize(
    "amount", [10**18, 10**40, 10**5000], ids=["19 digits", "41 digits", "5001 digits"]
)
def test_cash_beyond_what_the_sii_writes_is_refused_here_and_by_the_fake(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop, amount: int
) -> None:
    # No sale's total has more than 18 digits (MntTotal), and neither does the cash paying it.
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    sent = len(fake.requests)
    for item in (pan, pan.id):  # by id too: the limit needs no price
        with pytest.raises(ValidationError, match=r"more than any sale takes.*999\.999"):
            sell(point_id, [(item, 1)], payment="cash", amount=amount)
    assert len(fake.requests) == sent
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    body = {
        "items": [{"product_id": pan.id, "quantity": "1"}],
        "payment": {"method": "cash", "amount": 10**18},
    }
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == "payment.amount"
    assert "at most 999999999999999999" in detail["issue"]
    top = sell(point_id, [(pan, 1)], payment="cash", amount=10**18 - 1)
    assert top.payment.change == 10**18 - 1 - 1_990


def test_a_sold_items_misspelt_field_is_refused_here_and_by_the_fake_not_left_out(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    # {"product_id", "qty": 3} sold one: the quantity left out is 1, and "qty" was dropped.
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"item 1: 'qty' is not a field of a sold item"):
        shop.ready.owner.point.sell(point_id, [{"product_id": pan.id, "qty": 3}], payment="cash")
    assert len(fake.requests) == sent
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    body = {
        "items": [{"product_id": pan.id, "qty": "3"}],
        "payment": {"method": "cash", "amout": 10_000},
        "documento": "factura",
    }
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 400
    fields = sorted(d["field"] for d in answer.json()["error"]["details"])
    assert fields == ["documento", "items[0].qty", "payment.amout"]
    assert len(fake.platform_state.sales) == 0


def test_a_sale_that_comes_to_nothing_is_refused_before_sending_and_by_the_fake(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    # a gram of bread typed as 0.0001 kg: $1.990 x 0.0001 = $0,199, a line of 0 pesos
    point_id, _, (pan, _, clase) = _stock(shop)
    sell = shop.ready.owner.point.sell
    sent = len(fake.requests)
    for document in (None, "boleta", "factura"):
        receptor = FACTURA_RECEPTOR if document == "factura" else None
        with pytest.raises(ValidationError, match=r"comes to \$0 \('Pan amasado' x 0\.0001"):
            sell(point_id, [(pan, "0.0001")], payment="cash", document=document, receptor=receptor)
    assert len(fake.requests) == sent
    with pytest.raises(BadRequestError, match=r"comes to \$0") as caught:
        sell(point_id, [(pan.id, "0.0001")], payment="debit_card")
    assert caught.value.details[0].field == "items"
    assert len(fake.platform_state.sales) == 0
    sale = sell(point_id, [(pan, "0.0001"), (clase, 1)], payment="debit_card")
    assert sale.total == 5000


def test_the_fake_refuses_a_quantity_that_is_not_a_plain_number_and_writes_each_as_sent(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"item 1: the quantity must be a number above 0"):
        shop.ready.owner.point.sell(point_id, [(pan, "1_5")], payment="cash")
    assert len(fake.requests) == sent
    token = shop.ready.owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:

        def sell(*quantities: object) -> httpx.Response:
            items = [{"product_id": pan.id, "quantity": q} for q in quantities]
            return http.post(
                f"/v1/points/{point_id}/sales",
                json={"items": items, "payment": {"method": "debit_card"}},
                headers={"Authorization": f"Bearer {token}"},
            )

        refused = sell("1_5", "\u0663")
        sold = sell("1e1", "1.50", 2)
    assert refused.status_code == 400
    assert [d["field"] for d in refused.json()["error"]["details"]] == [
        "items[0].quantity",
        "items[1].quantity",
    ]
    assert sold.status_code == 201
    assert [item["quantity"] for item in sold.json()["items"]] == ["10", "1.5", "2"]


def test_a_sale_whose_receptor_carries_a_field_the_sdk_does_not_know_still_reads() -> None:
    # the sale is made and its document issued: failing to read the answer would invite a
    # second sale under a new key
    from haulmer.point import Sale

    answer = {
        "id": "sal_1",
        "point_id": "pos_1",
        "items": [{"product_id": "prd_1", "sku": "PAN", "name": "Pan", "quantity": "1"}],
        "payment": {"method": "cash", "amount": 2000, "change": 10, "rounding": 0},
        "document": {"type": 39, "folio": 7, "token": "t", "issuer_rut": "76086428-5"},
        "receptor": {
            "rut": "76430498-5",
            "razon_social": "HOSTY SPA",
            "email": "pagos@hosty.cl",
            "giro": "Servicios de alojamiento web, correo y dominios para empresas",
        },
        "total": 1990,
        "created_at": "2026-12-01T10:00:00Z",
    }
    sale = Sale.model_validate(answer)
    assert sale.receptor is not None
    assert str(sale.receptor.rut) == "76430498-5"
    assert sale.receptor.model_extra == {"email": "pagos@hosty.cl"}
    assert sale.receptor.giro is not None
    assert len(sale.receptor.giro) > 40


def test_a_product_with_terms_the_sdk_does_not_know_is_sold_and_priced_by_the_platform(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    # the same product as a newer platform might answer it: a tax the SDK does not know yet
    newer = Product.model_validate({**pan.model_dump(mode="json"), "tax": "no_afecto"})
    sale = shop.ready.owner.point.sell(point_id, [(newer, 1)], payment="cash", amount=2000)
    assert (sale.total, sale.payment.change) == (1990, 10)


def test_a_past_sale_s_receptor_makes_the_next_factura_to_the_same_buyer(
    shop: CertifiedShop,
) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    first = sell(
        point_id, [(pan, 1)], payment="debit_card", document="factura", receptor=FACTURA_RECEPTOR
    )
    assert first.receptor is not None
    again = sell(
        point_id, [(pan, 2)], payment="debit_card", document="factura", receptor=first.receptor
    )
    assert again.receptor == first.receptor
    assert again.document.type == 33


def test_a_boleta_to_a_buyer_with_a_giro_names_the_buyer_without_it(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    from haulmer import sii

    point_id, _, (pan, _, _) = _stock(shop)
    sale = shop.ready.owner.point.sell(
        point_id, [(pan, 1)], payment="cash", document="boleta", receptor=FACTURA_RECEPTOR
    )
    assert sale.document.type == 39
    assert sale.receptor is not None
    assert sale.receptor.giro is None
    assert (sale.receptor.razon_social, sale.receptor.comuna) == ("HOSTY SPA", "Curicó")
    xml = fake.client(api_key=shop.api_key).openfactura.documents.xml(sale.document.token)
    receptor = sii.parse(xml).encabezado.receptor
    assert str(receptor.rut) == "76430498-5"
    assert receptor.razon_social == "HOSTY SPA"
    assert b"GiroRecep" not in xml


def test_one_product_given_twice_at_two_prices_is_priced_by_the_platform_not_refused(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, catalogue_id, (pan, _, _) = _stock(shop)
    owner = shop.ready.owner
    dearer = owner.catalogue.update_product(catalogue_id, pan.id, {"price": 2_190})
    # the platform sells both lines at today's $2.190: the stale $1.990 is no total at all
    sale = owner.point.sell(point_id, [(pan, 1), (dearer, 1)], payment="debit_card", amount=4_380)
    assert (sale.total, sale.payment.amount) == (4_380, 4_380)


def test_a_refused_amount_says_its_total_comes_from_the_products_prices_as_given(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, catalogue_id, (pan, _, _) = _stock(shop)
    owner = shop.ready.owner
    owner.catalogue.update_product(catalogue_id, pan.id, {"price": 2_190})
    with pytest.raises(ValidationError, match=r"\$1\.990, not \$2\.190.*retrieve a product again"):
        owner.point.sell(point_id, [(pan, 1)], payment="debit_card", amount=2_190)
    with pytest.raises(ValidationError, match=r"retrieve a product again"):
        owner.point.sell(point_id, [(pan, 1)], payment="cash", amount=1_000)


def test_a_callers_decimal_precision_changes_no_sale_total(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    from decimal import localcontext

    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    horno = owner.catalogue.create_product(
        catalogue_id, {"name": "Horno", "sku": "HORNO", "price": 1_234_567}
    )
    with localcontext() as context:
        context.prec = 6  # the caller's arithmetic, not the SDK's nor the platform's
        sale = owner.point.sell(point_id, [(horno, 3)], payment="debit_card", amount=3_703_701)
    assert sale.total == sale.document.totals["MntTotal"] == 3_703_701


@pytest.mark.parametrize("payment", ["cash", "debit_card"])
def test_a_sale_whose_total_no_document_carries_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, payment: str
) -> None:
    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    grua = owner.catalogue.create_product(
        catalogue_id, {"name": "Grúa", "sku": "GRUA", "price": 999_999_999_999}
    )
    sent = len(fake.requests)
    # 1.000.001 x $999.999.999.999 = $1.000.000.999.998.999.999: 19 digits
    with pytest.raises(ValidationError, match=r"more than any document carries.*18 digits"):
        owner.point.sell(point_id, [(grua, 1_000_001)], payment=payment)
    with pytest.raises(ValidationError, match=r"more than any document carries"):
        owner.point.sell(
            point_id, [(grua, 1_000_001)], payment=payment, amount=999_999_999_999_999_999
        )
    assert len(fake.requests) == sent


@pytest.mark.parametrize("document", [None, "boleta", "factura"])
def test_a_sale_whose_net_no_document_carries_either_is_refused_as_too_large_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, document: str | None
) -> None:
    """A total far past 18 digits has a net and an IVA past them too: the refusal was the
    DocumentError of a document's totals (MntNeto, IVA) instead of saying the sale is more
    than any document carries."""
    owner = shop.ready.owner
    point_id, catalogue_id = point_with_catalogue(shop)
    grua = owner.catalogue.create_product(
        catalogue_id, {"name": "Grúa", "sku": "GRUA", "price": 999_999_999_999}
    )
    receptor = {
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "Hosting",
        "direccion": "Calle 1",
        "comuna": "Curicó",
    }
    sent = len(fake.requests)
    # 999.999.999 x $999.999.999.999: 21 digits, and its net 840.336.133.612.605.042.018 too
    with pytest.raises(ValidationError, match=r"^the sale is more than any document carries"):
        owner.point.sell(
            point_id,
            [(grua, 999_999_999)],
            payment="debit_card",
            document=document,
            receptor=receptor if document == "factura" else None,
        )
    assert len(fake.requests) == sent


def test_a_product_fetched_deactivated_and_activated_since_is_refused_saying_to_retrieve_it(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, catalogue_id, (pan, _, _) = _stock(shop)
    owner = shop.ready.owner
    stale = owner.catalogue.deactivate_product(catalogue_id, pan.id)
    owner.catalogue.update_product(catalogue_id, pan.id, {"active": True})
    with pytest.raises(ValidationError, match=r"when this Product was fetched.*retrieve it again"):
        owner.point.sell(point_id, [(stale, 1)], payment="cash")
    fresh = owner.catalogue.retrieve_product(catalogue_id, pan.id)
    assert owner.point.sell(point_id, [(fresh, 1)], payment="cash").total == 1_990


@pytest.mark.parametrize("items", [5, None, "pan", {"product_id": "prd_1", "quantity": 1}])
def test_items_that_are_no_list_of_sold_items_are_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop, items: Any
) -> None:
    """A number or None was a TypeError ("'int' object is not iterable"); text or a dict alone
    was read item by item (a letter, a key) and refused as a bad first item."""
    point_id, _, _ = _stock(shop)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"items is a list of sold items"):
        shop.ready.owner.point.sell(point_id, items, payment="cash")
    assert len(fake.requests) == sent


@pytest.mark.parametrize("stand_in", ["66666666-6", "55.555.555-5"])
def test_a_factura_to_a_stand_in_rut_is_refused_before_sending_and_by_the_fake_on_the_rut(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop, stand_in: str
) -> None:
    """A factura goes to a company: the SII's stand-in RUTs were sent, and the fake blamed the
    sale's items for them."""
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    receptor = {**FACTURA_RECEPTOR, "rut": stand_in}
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"a factura goes to a company.*no company's"):
        shop.ready.owner.point.sell(
            point_id, [(pan, 1)], payment="cash", document="factura", receptor=receptor
        )
    assert len(fake.requests) == sent
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    shop.ready.owner.point.configure(point_id, default_document="factura")
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json={
                "items": [{"product_id": pan.id, "quantity": 1}],
                "payment": {"method": "cash"},
                "receptor": receptor,
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    details = {d["field"]: d["issue"] for d in answer.json()["error"]["details"]}
    assert set(details) == {"receptor.rut"}
    assert "a factura goes to a company" in details["receptor.rut"]
    assert len(fake.platform_state.sales) == 0


def test_a_boleta_may_name_the_anonymous_buyer_s_stand_in_rut(shop: CertifiedShop) -> None:
    point_id, _, (pan, _, _) = _stock(shop)
    sale = shop.ready.owner.point.sell(
        point_id, [(pan, 1)], payment="cash", receptor={"rut": "66666666-6"}
    )
    assert sale.receptor is not None
    assert str(sale.receptor.rut) == "66666666-6"


def test_one_pair_given_as_the_items_or_a_product_without_its_quantity_is_refused_saying_so(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    """A sale of one item written ``sell(point, (pan, 1))`` was told to "give (product,
    quantity)", which it had given; a product without its quantity was told the same."""
    point_id, _, (pan, _, _) = _stock(shop)
    sell = shop.ready.owner.point.sell
    sent = len(fake.requests)
    for items in [(pan, 1), (pan.id, "1.5")]:
        with pytest.raises(ValidationError, match=r"one \(product, quantity\) pair: put it in a"):
            sell(point_id, items, payment="cash")  # type: ignore[arg-type]
    for items in [[pan], [pan.id]]:
        with pytest.raises(
            ValidationError, match=r"item 1 is a product without its quantity: give \(product"
        ):
            sell(point_id, items, payment="cash")  # type: ignore[arg-type]
    assert len(fake.requests) == sent


def test_cash_of_nothing_pays_a_sale_of_one_to_five_pesos_as_the_platform_takes_it(
    shop: CertifiedShop,
) -> None:
    """Cash pays $1 to $5 rounded down to $0 (Ley 20.956), and the platform takes an amount of
    0 for it; the SDK refused ``amount=0`` as "1 or more" before sending."""
    owner = shop.ready.owner
    point_id, catalogue_id, _ = _stock(shop)
    caramelo = owner.catalogue.create_product(
        catalogue_id, {"name": "Caramelo", "sku": "CAR-1", "price": 5}
    )
    for item in (caramelo, caramelo.id):
        sale = owner.point.sell(point_id, [(item, 1)], payment="cash", amount=0)
        assert (sale.total, sale.payment.amount, sale.payment.change) == (5, 0, 0)
        assert (sale.payment.rounding, sale.amount_due) == (-5, 0)
    with pytest.raises(ValidationError, match=r"amount is whole pesos received, 0 or more"):
        owner.point.sell(point_id, [(caramelo, 1)], payment="cash", amount=-1)
    with pytest.raises(ValidationError, match=r"amount is whole pesos received, 1 or more"):
        owner.point.sell(point_id, [(caramelo.id, 1)], payment="debit_card", amount=0)


def test_part_of_a_sale_returned_on_its_document_s_basis_credits_what_it_was_sold_for(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    """The point guide's recipe for a return: lines priced as the sale's document priced them
    credit what the buyer paid for the goods returned."""
    from haulmer.catalogue import sale_lines, sale_prices

    point_id, _, (pan, bebida, _) = _stock(shop)
    documents = fake.client(api_key=shop.api_key).openfactura.documents
    sold = [(pan, 10), (bebida, 2)]
    for document, receptor in (("factura", FACTURA_RECEPTOR), ("boleta", FACTURA_RECEPTOR)):
        sale = shop.ready.owner.point.sell(
            point_id, sold, payment="transfer", document=document, receptor=receptor
        )
        basis = sale_prices(sale.document.type, sold)
        nota = documents.credit_note(
            sale.document.token,
            reason="Devolución",
            code=3,
            lines=sale_lines([(pan, 4)], prices=basis),
            emisor={"actecos": [107100]},
        )
        totales = documents.json(nota.token).dte["Encabezado"]["Totales"]
        assert int(totales["MntTotal"]) == 4 * 1_990


def test_the_fake_refuses_a_field_a_receptor_does_not_have_naming_it(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    """A misspelt ``razon_socal`` was dropped unsaid: the boleta named its buyer by RUT alone."""
    import httpx

    point_id, _, (pan, _, _) = _stock(shop)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json={
                "items": [{"product_id": pan.id, "quantity": 1}],
                "payment": {"method": "cash"},
                "receptor": {"rut": "76430498-5", "razon_socal": "HOSTY SPA"},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400, answer.text
    details = answer.json()["error"]["details"]
    assert [d["field"] for d in details] == ["receptor.razon_socal"]
    assert len(fake.platform_state.sales) == 0
