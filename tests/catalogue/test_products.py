"""Catalogue products on the platform: create, update, list with filters and search, deactivate;
SKU unique per catalogue; checked before any I/O; sync and async."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from haulmer import Haulmer
from haulmer.catalogue import PriceBasis, ProductInput, TaxTreatment
from haulmer.errors import (
    NotFoundError,
    SkuTakenError,
    ValidationError,
)
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    PASSWORD,
    ReadyWorkspace,
    log_in,
    ready_workspace,
)


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


def _catalogue_id(ready: ReadyWorkspace) -> str:
    (catalogue,) = ready.owner.catalogue.list_catalogues()
    assert catalogue.organization_id == ready.organization.id
    assert catalogue.name == "PANADERIA ANA SPA"
    return catalogue.id


def _fake_refusal(
    fake: FakeHaulmer, ready: ReadyWorkspace, method: str, path: str, **request: Any
) -> list[dict[str, Any]]:
    """The details of the fake platform's 400 to a request made raw with the owner's token
    (one the SDK refuses before sending): the fake refuses it too, naming the same field."""
    import httpx

    token = ready.owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(transport=fake.transport, base_url="http://fake", headers=bearer) as http:
        answer = http.request(method, path, **request)
    assert answer.status_code == 400, answer.text
    details: list[dict[str, Any]] = answer.json()["error"]["details"]
    return details


def test_a_product_is_created_updated_deactivated_and_read(ready: ReadyWorkspace) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    pan = catalogue.create_product(
        cid, {"name": "Pan amasado", "sku": "PAN-AMA", "price": 1990, "unit": "KG"}
    )
    assert (pan.price_basis, pan.tax, pan.active) == (PriceBasis.GROSS, TaxTreatment.AFECTO, True)
    updated = catalogue.update_product(cid, pan.id, {"price": 2190, "description": "Horneado hoy"})
    assert (updated.price, updated.description, updated.sku) == (2190, "Horneado hoy", "PAN-AMA")
    off = catalogue.deactivate_product(cid, pan.id)
    assert not off.active
    assert catalogue.deactivate_product(cid, pan.id).active is False  # repeating changes nothing
    assert catalogue.retrieve_product(cid, pan.id).active is False
    assert catalogue.update_product(cid, pan.id, {"active": True}).active
    assert ready.owner.catalogue.list_catalogues()[0].product_count == 1


def test_the_sku_is_unique_in_the_catalogue(ready: ReadyWorkspace) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    catalogue.create_product(cid, {"name": "Pan", "sku": "PAN-1", "price": 100})
    with pytest.raises(SkuTakenError) as caught:
        catalogue.create_product(cid, {"name": "Otro pan", "sku": "pan-1", "price": 100})
    assert caught.value.details[0].field == "sku"
    other = catalogue.create_product(cid, {"name": "Queque", "sku": "QUE-1", "price": 3000})
    with pytest.raises(SkuTakenError):
        catalogue.update_product(cid, other.id, {"sku": "PAN-1"})


def test_products_are_listed_by_name_filtered_searched_and_paginated(
    ready: ReadyWorkspace,
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    for index in range(7):
        catalogue.create_product(cid, {"name": f"Pan {index}", "sku": f"PAN-{index}", "price": 100})
    clase = catalogue.create_product(
        cid,
        {
            "name": "Clase de repostería",
            "sku": "CLASE",
            "price": 5000,
            "tax": "exento",
            "description": "Aprende a hacer pan",
        },
    )
    catalogue.deactivate_product(cid, catalogue.list_products(cid, search="PAN-6").items[0].id)
    page = catalogue.list_products(cid, per_page=3)
    assert (page.total, page.last_page) == (8, 3)
    assert [p.name for p in page][:2] == ["Clase de repostería", "Pan 0"]
    assert [p.id for p in catalogue.list_products(cid, tax="exento")] == [clase.id]
    assert len(list(catalogue.list_products(cid, active=True))) == 7
    assert [p.sku for p in catalogue.list_products(cid, active=False)] == ["PAN-6"]
    found = [p.sku for p in catalogue.list_products(cid, search="hacer pan")]
    assert found == ["CLASE"]  # the description is searched too


def test_a_product_created_while_the_list_is_read_repeats_no_product_of_it(
    ready: ReadyWorkspace,
) -> None:
    # Listed by name: "Aceite", created between two pages, pushes every product down a place,
    # so the second page begins with the one the first ended on; iterating gives it once.
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    for index in range(6):
        catalogue.create_product(cid, {"name": f"Pan {index}", "sku": f"PAN-{index}", "price": 100})
    first = catalogue.list_products(cid, per_page=3)
    catalogue.create_product(cid, {"name": "Aceite", "sku": "ACE", "price": 100})
    assert first.get_next_page().items[0].sku == "PAN-2"  # as the platform sent it
    assert [p.sku for p in first] == [f"PAN-{index}" for index in range(6)]


def test_a_product_is_checked_before_anything_is_sent(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    bad = [
        ({"name": "", "sku": "A", "price": 1}, "name"),
        ({"name": "x" * 81, "sku": "A", "price": 1}, "name"),
        ({"name": "Pan", "sku": "CON ESPACIO", "price": 1}, "sku"),
        ({"name": "Pan", "sku": "A" * 36, "price": 1}, "sku"),
        ({"name": "Pan", "sku": "A", "price": 0}, "price"),
        ({"name": "Pan", "sku": "A", "price": True}, "price"),
        ({"name": "Pan", "sku": "A", "price": 1990.5}, "price"),
        ({"name": "Pan", "sku": "A", "price": 1, "tax_treatment": "exento"}, "tax_treatment"),
        ({"name": "Pan", "sku": "A", "price": 1, "active": "yes"}, "active"),
        ({"name": "Pan", "sku": "A", "price": 1, "unit": "KILOS"}, "unit"),
        ({"name": "Pan", "sku": "A", "price": 1, "price_basis": "iva"}, "price_basis"),
        ({"name": "Vino", "sku": "A", "price": 1, "additional_taxes": ["99"]}, "additional"),
        ({"name": "Vino", "sku": "A", "price": 1, "additional_taxes": ["25", "25"]}, "once"),
        ({"name": "Vino", "sku": "A", "price": 1, "additional_taxes": ["15"]}, "additional"),
        (
            {"name": "Libro", "sku": "A", "price": 1, "tax": "exento", "additional_taxes": "24"},
            "exento",
        ),
    ]
    for product, word in bad:
        with pytest.raises(ValidationError, match=word):
            catalogue.create_product(cid, product)
    with pytest.raises(ValidationError, match="say what to change"):
        catalogue.update_product(cid, "prd_x", {})
    with pytest.raises(ValidationError, match="per_page"):
        catalogue.list_products(cid, per_page=101)
    with pytest.raises(ValidationError, match="catalogue_id"):
        catalogue.list_products("")
    assert len(fake.requests) == sent


def test_the_platform_checks_a_product_with_the_same_rules(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    import httpx

    token = ready.owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token  # a raw request
    cid = _catalogue_id(ready)
    made = ready.owner.catalogue.create_product(cid, {"name": "P", "sku": "P", "price": 1})
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        exento_with_tax = http.post(
            f"/v1/catalogues/{cid}/products",
            json={
                "name": "Vino",
                "sku": "V",
                "price": 1,
                "tax": "exento",
                "additional_taxes": [24],
            },
            headers=headers,
        )
        unknown_field = http.patch(
            f"/v1/catalogues/{cid}/products/{made.id}", json={"unknown": 1}, headers=headers
        )
        bool_price = http.patch(
            f"/v1/catalogues/{cid}/products/{made.id}", json={"price": True}, headers=headers
        )
    for answer in (exento_with_tax, unknown_field, bool_price):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "validation_failed"
    assert [d["field"] for d in bool_price.json()["error"]["details"]] == ["price"]
    with pytest.raises(ValidationError, match="unknown"):  # the SDK refuses it before sending
        ready.owner.catalogue.update_product(cid, made.id, {"unknown": 1})


def test_catalogues_and_products_are_the_workspaces_own(
    client: Haulmer, fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    cid = _catalogue_id(ready)
    product = ready.owner.catalogue.create_product(cid, {"name": "P", "sku": "P", "price": 1})
    admin = log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)  # a member of the workspace
    assert admin.catalogue.retrieve_product(cid, product.id).id == product.id
    stranger = _another_buyer(fake, client)
    assert stranger.catalogue.list_catalogues() == []
    with pytest.raises(NotFoundError):
        stranger.catalogue.retrieve_product(cid, product.id)
    with pytest.raises(NotFoundError):
        stranger.catalogue.create_product(cid, {"name": "X", "sku": "X", "price": 1})
    with pytest.raises(NotFoundError):
        ready.owner.catalogue.retrieve_product(cid, "prd_0000000000000000")
    with pytest.raises(NotFoundError):
        ready.owner.catalogue.list_products("cat_0000000000000000")


def _another_buyer(fake: FakeHaulmer, client: Haulmer) -> Haulmer:
    """Someone else who bought and logged in: no workspace in common with the bakery."""
    buyer = {
        "name": "Luis Soto",
        "email": "luis@example.com",
        "rut": "11111111-1",
        "phone": "+56 9 1111 1111",
    }
    order = client.checkout.create_order(buyer=buyer, products={"openfactura": 1})
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "debit_card")
    fake.clock.advance(minutes=5)
    link = fake.outbox.last(to="luis@example.com", subject_contains="Crea tu nueva").token
    client.accounts.create_password(link, password="Soto2026xx", confirmation="Soto2026xx")
    return log_in(client, "luis@example.com", "Soto2026xx")


def test_the_async_client_manages_products(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    cid = _catalogue_id(ready)

    async def manage() -> list[str]:
        async with fake.async_client() as anonymous:
            session = await anonymous.accounts.login(BUYER_EMAIL, PASSWORD, platform="catalogue")
            me = anonymous.with_options(access_token=session.access_token)
            (catalogue,) = await me.catalogue.list_catalogues()
            made = await me.catalogue.create_product(
                catalogue.id, ProductInput(name="Pan", sku="PAN", price=1990)
            )
            await me.catalogue.update_product(catalogue.id, made.id, {"price": 2090})
            await me.catalogue.deactivate_product(catalogue.id, made.id)
            read = await me.catalogue.retrieve_product(catalogue.id, made.id)
            assert (read.price, read.active) == (2090, False)
            return [p.sku async for p in me.catalogue.list_products(catalogue.id)]

    assert asyncio.run(manage()) == ["PAN"]
    assert cid


def test_an_update_that_meets_a_server_error_is_retried(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    cid = _catalogue_id(ready)
    made = ready.owner.catalogue.create_product(cid, {"name": "P", "sku": "P", "price": 1})
    fake.control.fail_next("catalogue.update_product", status=503)
    assert ready.owner.catalogue.update_product(cid, made.id, {"price": 2}).price == 2
    assert len(fake.requests.for_route("catalogue.update_product")) == 2


@pytest.mark.parametrize(
    ("fields", "element", "character"),
    [
        ({"name": "Pan 🍞"}, "NmbItem", "U+1F35E"),
        ({"name": "Café “de grano”"}, "NmbItem", "U+201C"),
        ({"unit": "m\u2083"}, "UnmdItem", "U+2083"),
        ({"description": "Cerveza – 5 € la unidad"}, "DscItem", "U+2013"),
        ({"sku": "PAN\u00adAMA\u2011X"}, "VlrCodigo", "U+2011"),
    ],
)
def test_text_a_dte_cannot_carry_is_refused_before_it_is_sent_and_by_the_platform(
    fake: FakeHaulmer,
    ready: ReadyWorkspace,
    fields: dict[str, str],
    element: str,
    character: str,
) -> None:

    product = {"name": "Pan", "sku": "PAN", "price": 1990, **fields}
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    refused = rf"\({re.escape(character)}\) cannot be written in a DTE's {element}"
    with pytest.raises(ValidationError, match=refused):
        ready.owner.catalogue.create_product(cid, product)
    with pytest.raises(ValidationError, match=element):
        ready.owner.catalogue.update_product(cid, "prd_x", fields)
    assert len(fake.requests) == sent
    (detail,) = _fake_refusal(fake, ready, "POST", f"/v1/catalogues/{cid}/products", json=product)
    assert detail["field"] == next(iter(fields))
    assert "ISO-8859-1" in detail["issue"]


@pytest.mark.parametrize(
    ("fields", "element"),
    [
        ({"name": "Ban\u0303o " * 16}, "NmbItem"),  # 79 letters, 95 code points
        ({"unit": "n\u0303n\u0303n\u0303"}, "UnmdItem"),
        ({"sku": "N\u0303" * 18}, "VlrCodigo"),
        ({"description": "An\u0303ejo. " * 130}, "DscItem"),
    ],
)
def test_a_decomposed_accent_is_named_before_the_text_s_length_is_counted(
    fake: FakeHaulmer, ready: ReadyWorkspace, fields: dict[str, str], element: str
) -> None:
    """A text within its length in letters but past it in code points (each ñ an n and
    U+0303, as macOS and web forms may give it) was refused for its length, hiding that no DTE
    writes U+0303 and how to compose the text; the decomposed accent is named first."""
    product = {"name": "Pan", "sku": "PAN", "price": 1990, **fields}
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    refused = rf"\(U\+0303\) cannot be written in a DTE's {element}.*NFC"
    with pytest.raises(ValidationError, match=refused):
        ready.owner.catalogue.create_product(cid, product)
    with pytest.raises(ValidationError, match=refused):
        ready.owner.catalogue.update_product(cid, "prd_x", fields)
    assert len(fake.requests) == sent
    (detail,) = _fake_refusal(fake, ready, "POST", f"/v1/catalogues/{cid}/products", json=product)
    assert "U+0303" in detail["issue"]


def test_spanish_letters_and_latin1_signs_make_a_product() -> None:
    product = ProductInput(name="Ñandú de ½ kg, 10% más «rico»", sku="ÑANDÚ-½", price=1, unit="m²")
    assert product.name == "Ñandú de ½ kg, 10% más «rico»"


def test_a_blank_name_or_unit_is_refused_before_sending_in_a_new_product_and_an_update(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="unit"):
        catalogue.create_product(cid, {"name": "Pan", "sku": "PAN", "price": 1, "unit": "   "})
    with pytest.raises(ValidationError, match="name"):
        catalogue.update_product(cid, "prd_x", {"name": "   "})
    with pytest.raises(ValidationError, match="unit"):
        catalogue.update_product(cid, "prd_x", {"unit": " "})
    assert len(fake.requests) == sent
    made = catalogue.create_product(cid, {"name": " Pan ", "sku": "PAN", "price": 1, "unit": "KG "})
    assert (made.name, made.unit) == ("Pan", "KG")


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "Pan\namasado"}, "product's name holds a control character \\(U\\+000A\\)"),
        ({"name": "Pan\tamasado"}, "a control character \\(U\\+0009\\)"),
        ({"name": "Pan\x7f"}, "a control character \\(U\\+007F\\)"),
        # C1 controls: U+0085 is a line break (NEL), U+0090 shows nothing
        ({"name": "Pan\x85amasado"}, "a control character \\(U\\+0085\\) at position 4"),
        ({"unit": "K\x90G"}, "product's unit holds a control character \\(U\\+0090\\)"),
        ({"sku": "PAN\x90"}, "product's sku holds a control character \\(U\\+0090\\)"),
        ({"name": "Pan\ud800"}, "a lone surrogate"),
        ({"unit": "K\tG"}, "product's unit holds a control character"),
    ],
)
def test_a_product_name_with_a_control_character_is_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace, fields: dict[str, str], says: str
) -> None:
    import json

    product = {"name": "Pan", "sku": "PAN", "price": 1990, **fields}
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        ready.owner.catalogue.create_product(cid, product)
    with pytest.raises(ValidationError, match=says):
        ready.owner.catalogue.update_product(cid, "prd_x", fields)
    assert len(fake.requests) == sent
    (detail,) = _fake_refusal(
        fake,
        ready,
        "POST",
        f"/v1/catalogues/{cid}/products",
        content=json.dumps(product),
        headers={"Content-Type": "application/json"},
    )
    assert detail["field"] == next(iter(fields))
    assert re.search(says, detail["issue"])


def test_a_description_may_still_hold_line_breaks() -> None:
    product = ProductInput(name="Pan", sku="PAN", price=1, description="Horneado hoy.\nSin sal.")
    assert product.description == "Horneado hoy.\nSin sal."


def test_a_price_beyond_the_sii_s_twelve_integer_digits_is_refused_before_sending(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # PrcItem has 12 integer digits: a product of $1.000.000.000.000 could never be sold
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="price"):
        catalogue.create_product(cid, {"name": "Enorme", "sku": "BIG", "price": 10**12})
    with pytest.raises(ValidationError, match="price"):
        catalogue.update_product(cid, "prd_x", {"price": 10**12})
    assert len(fake.requests) == sent
    largest = catalogue.create_product(cid, {"name": "Enorme", "sku": "BIG", "price": 10**12 - 1})
    assert largest.price == 999_999_999_999


@pytest.mark.parametrize(
    "field", ["name", "sku", "price", "price_basis", "tax", "additional_taxes", "active"]
)
def test_null_for_a_field_every_product_has_is_refused_before_sending_as_the_platform_does(
    fake: FakeHaulmer, ready: ReadyWorkspace, field: str
) -> None:

    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    made = catalogue.create_product(cid, {"name": "Pan", "sku": "PAN", "price": 1990})
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=rf"{field}: every product has one.*leave it out"):
        catalogue.update_product(cid, made.id, {field: None})
    assert len(fake.requests) == sent
    details = _fake_refusal(
        fake, ready, "PATCH", f"/v1/catalogues/{cid}/products/{made.id}", json={field: None}
    )
    assert [d["field"] for d in details] == [field]


def test_null_clears_a_product_s_unit_and_description(ready: ReadyWorkspace) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    made = catalogue.create_product(
        cid, {"name": "Pan", "sku": "PAN", "price": 1990, "unit": "KG", "description": "Hoy"}
    )
    cleared = catalogue.update_product(cid, made.id, {"unit": None, "description": None})
    assert (cleared.unit, cleared.description) == (None, None)


def test_an_update_that_changes_nothing_keeps_the_product_s_updated_at(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    made = catalogue.create_product(cid, {"name": "Pan", "sku": "PAN", "price": 1990})
    fake.clock.advance(minutes=5)
    same = catalogue.update_product(cid, made.id, {"price": 1990, "name": " Pan ", "sku": "PAN"})
    assert same.updated_at == made.updated_at
    fake.clock.advance(minutes=5)
    changed = catalogue.update_product(cid, made.id, {"price": 2090})
    assert changed.updated_at is not None
    assert made.updated_at is not None
    assert changed.updated_at > made.updated_at


def test_a_search_with_a_lone_surrogate_is_a_validation_error_before_sending(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    """Text decoded with the wrong encoding (``b"Pan \\xf3".decode("utf-8",
    "surrogateescape")``) raised a bare UnicodeEncodeError from inside the URL's encoding."""
    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=r"search holds a lone surrogate \(U\+DCF3\)"):
        ready.owner.catalogue.list_products(cid, search="Pan \udcf3")
    assert len(fake.requests) == sent


def test_a_search_longer_than_80_characters_is_refused_by_the_sdk_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:

    cid = _catalogue_id(ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="up to 80 characters"):
        ready.owner.catalogue.list_products(cid, search="x" * 81)
    assert len(fake.requests) == sent
    assert list(ready.owner.catalogue.list_products(cid, search=" " + "x" * 80 + " ")) == []
    details = _fake_refusal(
        fake, ready, "GET", f"/v1/catalogues/{cid}/products", params={"q": "x" * 81}
    )
    assert [d["field"] for d in details] == ["q"]


def test_products_are_listed_in_spanish_alphabetical_order_and_found_without_accents(
    ready: ReadyWorkspace,
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    names = ["Zapallo", "árbol", "Arroz", "Ñandú", "Nuez", "Oreja", "Éclair", "ensalada", "abeja"]
    for index, name in enumerate(names):
        catalogue.create_product(cid, {"name": name, "sku": f"N-{index}", "price": 1})
    listed = [p.name for p in catalogue.list_products(cid, per_page=4)]
    # case and accents aside; ñ is a letter of its own, after n
    assert listed == [
        "abeja",
        "árbol",
        "Arroz",
        "Éclair",
        "ensalada",
        "Nuez",
        "Ñandú",
        "Oreja",
        "Zapallo",
    ]
    assert [p.name for p in catalogue.list_products(cid, search="ARBOL")] == ["árbol"]
    assert [p.name for p in catalogue.list_products(cid, search="eclair")] == ["Éclair"]
    assert [p.name for p in catalogue.list_products(cid, search="ñan")] == ["Ñandú"]
    assert [p.name for p in catalogue.list_products(cid, search="nandu")] == []


def test_a_search_ending_in_n_does_not_find_words_where_an_n_is_followed_by_n_tilde(
    ready: ReadyWorkspace,
) -> None:
    """ñ is a letter of its own, so "pan" found "Paño de cocina" (its ñ read as n and more)
    while "pano" did not."""
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    names = ["Pan amasado", "Paño de cocina", "Pañales", "Sartén"]
    for index, name in enumerate(names):
        catalogue.create_product(cid, {"name": name, "sku": f"P-{index}", "price": 1})
    assert [p.name for p in catalogue.list_products(cid, search="pan")] == ["Pan amasado"]
    assert [p.name for p in catalogue.list_products(cid, search="PAÑ")] == [
        "Pañales",
        "Paño de cocina",
    ]
    assert [p.name for p in catalogue.list_products(cid, search="an")] == ["Pan amasado"]
    assert [p.name for p in catalogue.list_products(cid, search="ño")] == ["Paño de cocina"]


@pytest.mark.parametrize("codes", [["25", "27"], ["27", "271"], ["24", "26"]])
def test_two_art_42_drink_taxes_on_one_product_are_refused_before_sending_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace, codes: list[str]
) -> None:

    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    product = {"name": "Bebida", "sku": "BEB", "price": 1290, "additional_taxes": codes}
    sent = len(fake.requests)
    both = (
        rf"codes {codes[0]} and {codes[1]} are both Art\. 42 taxes on drinks, and a drink pays one"
    )
    with pytest.raises(ValidationError, match=both):
        catalogue.create_product(cid, product)
    with pytest.raises(ValidationError, match="a drink pays one"):
        catalogue.update_product(cid, "prd_x", {"additional_taxes": codes})
    assert len(fake.requests) == sent
    details = _fake_refusal(fake, ready, "POST", f"/v1/catalogues/{cid}/products", json=product)
    assert [d["field"] for d in details] == ["additional_taxes"]


class _WatchedProducts(dict[str, object]):
    """A catalogue's products that count the times they are scanned."""

    scans = 0

    def values(self) -> Any:
        type(self).scans += 1
        return super().values()

    def __iter__(self) -> Any:
        type(self).scans += 1
        return super().__iter__()


def test_a_new_or_renamed_sku_is_checked_without_scanning_the_catalogue(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    made = [
        catalogue.create_product(cid, {"name": f"P{i}", "sku": f"S-{i}", "price": 1})
        for i in range(30)
    ]
    stored = fake.platform_state.catalogues[cid]
    stored.products = _WatchedProducts(stored.products)  # type: ignore[assignment]
    catalogue.create_product(cid, {"name": "Nuevo", "sku": "NUEVO", "price": 1})
    catalogue.update_product(cid, made[0].id, {"sku": "S-0-B"})  # frees S-0
    assert _WatchedProducts.scans == 0
    with pytest.raises(SkuTakenError):
        catalogue.create_product(cid, {"name": "Otro", "sku": "nuevo", "price": 1})
    with pytest.raises(SkuTakenError):
        catalogue.update_product(cid, made[1].id, {"sku": "s-0-b"})
    assert catalogue.create_product(cid, {"name": "Cero", "sku": "s-0", "price": 1}).sku == "s-0"
    assert catalogue.update_product(cid, made[2].id, {"sku": "s-2"}).sku == "s-2"  # its own


def test_paging_a_catalogue_folds_each_product_s_texts_once(
    fake: FakeHaulmer, ready: ReadyWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.testing.platform import _products

    catalogue = ready.owner.catalogue
    cid = _catalogue_id(ready)
    for i in range(40):
        catalogue.create_product(cid, {"name": f"Pan {i:02}", "sku": f"S-{i}", "price": 1})
    assert len(list(catalogue.list_products(cid, per_page=10))) == 40
    folded: list[str] = []
    original = _products.alphabetical

    def counting(text: str) -> str:
        folded.append(text)
        return original(text)

    monkeypatch.setattr(_products, "alphabetical", counting)
    names = [p.name for p in catalogue.list_products(cid, per_page=10, search="pan")]
    assert names == [f"Pan {i:02}" for i in range(40)]
    assert folded == ["pan"] * 4  # the search of each page; the products were folded before
    catalogue.update_product(
        cid, catalogue.list_products(cid, search="Pan 07").items[0].id, {"name": "Ñoqui"}
    )
    folded.clear()
    assert [p.name for p in catalogue.list_products(cid, search="ñoq")] == ["Ñoqui"]
    assert folded == ["ñoq", "Ñoqui", "S-7", ""]  # the changed product alone, folded again
