"""The platform contract is one document: the fake serves it, follows it, and the client too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.testing import FakeHaulmer
from haulmer.testing.platform._routes import openapi_document
from journey.story import ready_workspace, setup_with_certificate

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _problems(value: Any, schema: dict[str, Any], document: dict[str, Any], at: str) -> list[str]:
    """A small JSON Schema check: types, enums, required and no undocumented properties."""
    schema = _resolve(schema, document)
    if "anyOf" in schema:
        options = [_problems(value, option, document, at) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else min(options, key=len)
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} not in {schema['enum']}"]
    kind = schema.get("type")
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if kind is not None and not checks[kind](value):
        return [f"{at}: {value!r} is not {kind}"]
    found: list[str] = []
    if kind == "array":
        for index, item in enumerate(value):
            found += _problems(item, schema["items"], document, f"{at}[{index}]")
    if kind == "object" and "properties" in schema:
        properties = schema["properties"]
        found += [f"{at}.{key}: undocumented" for key in value if key not in properties]
        found += [f"{at}.{key}: missing" for key in schema["required"] if key not in value]
        for key, item in value.items():
            if key in properties:
                found += _problems(item, properties[key], document, f"{at}.{key}")
    return found


def test_the_docs_copy_is_the_document_the_fake_serves(fake: FakeHaulmer) -> None:
    on_disk = json.loads((DOCS / "platform-openapi.json").read_text("utf-8"))
    assert on_disk == openapi_document()
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        answer = http.get("/v1/openapi.json")
    assert answer.status_code == 200
    assert answer.json() == on_disk
    assert on_disk["openapi"] == "3.1.0"


def test_every_route_of_the_fake_is_documented_and_every_documented_route_exists(
    fake: FakeHaulmer,
) -> None:
    document = openapi_document()
    documented = {
        (method.upper(), path, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    served = {
        (route.method, route.template, route.name)
        for route in fake.router.routes
        if route.template.startswith("/v1/")
    }
    assert documented == served


def test_the_markdown_contract_names_every_path() -> None:
    text = (DOCS / "platform-api.md").read_text("utf-8")
    for path in openapi_document()["paths"]:
        assert f"`{path}`" in text or path in text, path


@pytest.fixture
def journey_log(fake: FakeHaulmer, client: Haulmer) -> list[Any]:
    """Walk the journey (with some refusals) and return the request log."""
    ready = ready_workspace(fake, client)
    setup = setup_with_certificate(fake, ready)
    admin = ready.admin.openfactura
    with pytest.raises(Exception):  # noqa: B017 - any refusal: only its body matters here
        admin.setup.choose_dte_types(setup.id, [33, 61])  # not the preset: the platform's 400
    admin.setup.choose_dte_types(setup, [33, 39])
    admin.certification.wait(setup.id, poll_interval=86400)
    admin.certification.create_api_key(setup.id)
    ready.owner.workspace.list()
    client.checkout.catalog()
    with pytest.raises(Exception):  # noqa: B017
        client.accounts.login("nadie@example.com", "Nadie2026x")
    return [entry for entry in fake.requests if entry.path.startswith("/v1/")]


def test_every_answer_of_the_journey_matches_the_documented_schema(
    journey_log: list[Any],
) -> None:
    document = openapi_document()
    operations = {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
    }
    statuses = set()
    for entry in journey_log:
        operation = operations[entry.route]
        responses = operation["responses"]
        assert str(entry.status) in responses, f"{entry.route} answered undocumented {entry.status}"
        schema = responses[str(entry.status)]["content"]["application/json"]["schema"]
        assert _problems(entry.response, schema, document, entry.route) == []
        statuses.add(entry.status)
    assert {200, 201, 400, 401} <= statuses


def test_every_request_the_client_sends_matches_the_documented_schema(
    journey_log: list[Any],
) -> None:
    document = openapi_document()
    checked = 0
    for entry in journey_log:
        operation = next(
            op
            for item in document["paths"].values()
            for op in item.values()
            if op["operationId"] == entry.route
        )
        if "requestBody" not in operation:
            assert not entry.content
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert _problems(entry.json(), schema, document, entry.route) == []
        checked += 1
    assert checked > 10


@pytest.fixture
def platforms_log(fake: FakeHaulmer, client: Haulmer) -> list[Any]:
    """MyHaulmer, Catalogue and Point through the SDK (with refusals); the request log."""
    from journey.story import certified_shop

    shop = certified_shop(fake, client)
    owner = shop.ready.owner
    start = len(fake.requests)
    client.accounts.resend_link("ana.rojas@example.com", "choose_tax_document")
    (order,) = owner.myhaulmer.list_orders(status="paid", per_page=5)
    owner.myhaulmer.retrieve_order(order.id)
    ticket = owner.myhaulmer.open_ticket(
        subject="Ayuda", category="point", message="Hola", attachment=("a.txt", b"hola")
    )
    fake.clock.advance(hours=2)
    owner.myhaulmer.reply_ticket(ticket.id, "Gracias")
    owner.myhaulmer.close_ticket(ticket.id)
    with pytest.raises(Exception):  # noqa: B017 - a refusal: only its body matters here
        owner.myhaulmer.reply_ticket(ticket.id, "Otra")
    owner.myhaulmer.reopen_ticket(ticket.id)
    list(owner.myhaulmer.list_tickets(status="open"))
    owner.myhaulmer.retrieve_ticket(ticket.id)
    (catalogue,) = owner.catalogue.list_catalogues()
    pan = owner.catalogue.create_product(
        catalogue.id, {"name": "Pan", "sku": "PAN", "price": 1990, "unit": "KG"}
    )
    vino = owner.catalogue.create_product(
        catalogue.id,
        {
            "name": "Vino",
            "sku": "VINO",
            "price": 3000,
            "price_basis": "net",
            "additional_taxes": 25,
        },
    )
    with pytest.raises(Exception):  # noqa: B017
        owner.catalogue.create_product(catalogue.id, {"name": "Pan", "sku": "PAN", "price": 1})
    owner.catalogue.update_product(catalogue.id, pan.id, {"description": "Del día"})
    owner.catalogue.retrieve_product(catalogue.id, pan.id)
    list(owner.catalogue.list_products(catalogue.id, search="pan", active=True, tax="afecto"))
    (point,) = owner.point.list()
    owner.point.configure(point.id, catalogue_id=catalogue.id, sucursal=None, paper="letter")
    owner.point.retrieve(point.id)
    sale = owner.point.sell(point.id, [(pan, "1.5"), (vino, 1)], payment="cash", amount=20000)
    owner.point.retrieve_sale(point.id, sale.id)
    owner.catalogue.deactivate_product(catalogue.id, vino.id)
    return [entry for entry in fake.requests[start:] if entry.path.startswith("/v1/")]


def test_every_answer_and_request_of_the_three_platforms_matches_the_document(
    platforms_log: list[Any],
) -> None:
    document = openapi_document()
    operations = {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
    }
    routes = set()
    for entry in platforms_log:
        operation = operations[entry.route]
        routes.add(entry.route)
        assert str(entry.status) in operation["responses"], (entry.route, entry.status)
        schema = operation["responses"][str(entry.status)]["content"]["application/json"]
        assert _problems(entry.response, schema["schema"], document, entry.route) == []
        if "requestBody" in operation and entry.content:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert _problems(entry.json(), body, document, entry.route) == []
        elif "requestBody" not in operation:
            assert not entry.content
    prefixes = ("myhaulmer.", "catalogue.", "point.")
    documented = {name for name in operations if name.startswith(prefixes)}
    assert documented <= routes


def _max_length(schema: dict[str, Any]) -> int:
    return int(schema["anyOf"][0]["maxLength"] if "anyOf" in schema else schema["maxLength"])


@pytest.mark.parametrize(
    ("schema", "field", "model", "base"),
    [
        ("ProductInput", "name", "haulmer.catalogue.ProductInput", {"sku": "A", "price": 1}),
        (
            "ProductInput",
            "unit",
            "haulmer.catalogue.ProductInput",
            {"name": "P", "sku": "A", "price": 1},
        ),
        (
            "ProductInput",
            "description",
            "haulmer.catalogue.ProductInput",
            {"name": "P", "sku": "A", "price": 1},
        ),
        ("SaleReceptor", "razon_social", "haulmer.point.SaleReceptor", {"rut": "76086428-5"}),
        ("SaleReceptor", "giro", "haulmer.point.SaleReceptor", {"rut": "76086428-5"}),
        ("SaleReceptor", "direccion", "haulmer.point.SaleReceptor", {"rut": "76086428-5"}),
        ("SaleReceptor", "comuna", "haulmer.point.SaleReceptor", {"rut": "76086428-5"}),
        (
            "CreateOrganization",
            "razon_social",
            "haulmer.openfactura.setup.NewOrganization",
            {"rut": "76086428-5"},
        ),
    ],
)
def test_the_documented_text_limits_are_the_ones_the_sdk_checks(
    schema: str, field: str, model: str, base: dict[str, Any]
) -> None:
    import importlib

    module, _, name = model.rpartition(".")
    checked = getattr(importlib.import_module(module), name)
    limit = _max_length(openapi_document()["components"]["schemas"][schema]["properties"][field])
    assert getattr(checked.model_validate({**base, field: "x" * limit}), field) == "x" * limit
    with pytest.raises(ValueError, match=field):
        checked.model_validate({**base, field: "x" * (limit + 1)})


def test_a_sale_with_a_json_number_quantity_or_none_is_sold_and_documented(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from journey.story import BUYER_EMAIL, PASSWORD, certified_shop, point_with_catalogue

    shop = certified_shop(fake, client)
    point_id, catalogue_id = point_with_catalogue(shop)
    pan = shop.ready.owner.catalogue.create_product(
        catalogue_id, {"name": "Pan", "sku": "PAN", "price": 1990, "unit": "KG"}
    )
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    body = {
        "items": [{"product_id": pan.id, "quantity": 1.5}, {"product_id": pan.id}],
        "payment": {"method": "debit_card"},
    }
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        answer = http.post(
            f"/v1/points/{point_id}/sales",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 201
    assert [item["quantity"] for item in answer.json()["items"]] == ["1.5", "1"]
    document = openapi_document()
    operation = document["paths"]["/v1/points/{point_id}/sales"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert _problems(body, schema, document, "point.sell") == []


def test_every_route_taking_an_email_links_token_documents_its_validation_failed() -> None:
    """A weak password, a factura without its receiver or a missing token is 400
    validation_failed; the routes' 400 said only token_invalid, token_expired and token_used."""
    document = openapi_document()
    for path in (
        "/v1/accounts/password",
        "/v1/orders/tax-document",
        "/v1/workspaces/activate",
        "/v1/openfactura/setups",
    ):
        described = document["paths"][path]["post"]["responses"]["400"]["description"]
        assert "validation_failed" in described, path
        assert "token_expired" in described, path
    policy = document["components"]["schemas"]["CreatePassword"]["properties"]["password"]
    assert "control character" in policy["description"]
