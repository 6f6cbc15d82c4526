"""The fake platform checks what the SDK checks, again, and forgets everything on reset."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.errors import AuthenticationError, NotFoundError
from haulmer.passwords import check_password
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER,
    BUYER_EMAIL,
    PASSWORD,
    PFX_PASSWORD,
    buy_and_pay,
    legal_representative_pfx,
    ready_workspace,
    setup_with_certificate,
    started_setup,
)


def _post(fake: FakeHaulmer, path: str, body: Any, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        return http.post(path, json=body, headers=headers)


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert response.headers["X-Request-Id"].startswith("req_")
    return error


@pytest.mark.parametrize(
    ("password", "confirmation", "field"),
    [
        ("abc", "abc", "password"),
        ("Panaderia2026", "Panaderia2027", "password_confirmation"),
    ],
)
def test_the_server_refuses_weak_or_mismatched_passwords_too(
    fake: FakeHaulmer, client: Haulmer, password: str, confirmation: str, field: str
) -> None:
    buy_and_pay(fake, client)
    token = fake.outbox.last(subject_contains="Crea tu nueva contraseña").token
    answer = _post(
        fake,
        "/v1/accounts/password",
        {"token": token, "password": password, "password_confirmation": confirmation},
    )
    assert answer.status_code == 400
    error = _error(answer)
    assert error["code"] == "validation_failed"
    assert {d["field"] for d in error["details"]} == {field}
    assert password not in answer.text.replace(f'"{field}"', "")
    # The failed attempt did not use the link up.
    client.accounts.create_password(token, password=PASSWORD, confirmation=PASSWORD)


@pytest.mark.parametrize(
    ("password", "confirmation"),
    [("abc", "abd"), ("abcdefgh", "abcdefgh"), ("Panaderia2026", "Panaderia2025"), ("", "")],
)
def test_the_server_applies_the_rules_of_haulmer_passwords_with_their_messages(
    fake: FakeHaulmer, client: Haulmer, password: str, confirmation: str
) -> None:
    buy_and_pay(fake, client)
    token = fake.outbox.last(subject_contains="Crea tu nueva contraseña").token
    answer = _post(
        fake,
        "/v1/accounts/password",
        {"token": token, "password": password, "password_confirmation": confirmation},
    )
    wire = {"password": "password", "confirmation": "password_confirmation"}
    expected = [
        {"field": wire[v.field], "issue": v.message} for v in check_password(password, confirmation)
    ]
    assert answer.status_code == 400
    assert _error(answer)["details"] == expected


def test_the_server_asks_for_a_missing_confirmation(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    token = fake.outbox.last(subject_contains="Crea tu nueva contraseña").token
    answer = _post(fake, "/v1/accounts/password", {"token": token, "password": PASSWORD})
    assert answer.status_code == 400
    assert [d["field"] for d in _error(answer)["details"]] == ["password_confirmation"]


def test_the_server_refuses_a_bad_rut_with_a_detail(fake: FakeHaulmer) -> None:
    answer = _post(
        fake,
        "/v1/orders",
        {"buyer": {**BUYER, "rut": "12345678-9"}, "products": [{"code": "openfactura"}]},
    )
    error = _error(answer)
    assert answer.status_code == 400
    fields = {d["field"] for d in error["details"]}
    assert fields == {"buyer.rut", "products[0].quantity"}


def test_the_server_refuses_a_bad_signature_and_a_missing_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id,
        organization_id=ready.organization.id,
        company={"giro": "Pan", "acteco": 107100, "direccion": "Prat 1", "comuna": "Curicó"},
    )
    token = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD).access_token
    path = f"/v1/openfactura/setups/{setup.id}/certificate"
    garbage = base64.b64encode(b"not a pfx").decode()
    answer = _post(fake, path, {"pfx_base64": garbage, "password": "x"}, token)
    assert _error(answer)["details"] == [{"field": "pfx_base64", "issue": "not_pkcs12"}]
    answer = _post(fake, path, {"pfx_base64": garbage}, token)
    assert _error(answer)["details"][0]["field"] == "password"


def test_the_server_reads_a_signature_in_base64_with_line_breaks_and_names_one_that_is_not(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # base64 as MIME tools write it (76 characters a line) was refused as "the .pfx file is
    # missing", and so was text that is no base64 at all
    ready = ready_workspace(fake, client)
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id,
        organization_id=ready.organization.id,
        company={"giro": "Pan", "acteco": 107100, "direccion": "Prat 1", "comuna": "Curicó"},
    )
    token = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD).access_token
    path = f"/v1/openfactura/setups/{setup.id}/certificate"
    answer = _post(fake, path, {"pfx_base64": "not base64!", "password": PFX_PASSWORD}, token)
    error = _error(answer)
    assert error["details"] == [{"field": "pfx_base64", "issue": "not valid base64"}]
    assert "missing" not in error["message"]
    wrapped = base64.encodebytes(legal_representative_pfx()).decode()  # lines of 76
    assert "\n" in wrapped
    answer = _post(fake, path, {"pfx_base64": wrapped, "password": PFX_PASSWORD}, token)
    assert answer.status_code == 200
    assert answer.json()["status"] == "pending_dte_types"


def test_the_server_refuses_a_setup_started_with_both_a_link_and_a_workspace(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # The workspace_id was dropped unsaid and the link's workspace set up, where the SDK asks
    # for one of the two; the link stays unused.
    ready = ready_workspace(fake, client)
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    token = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD).access_token
    body = {"token": invitation.token, "workspace_id": ready.workspace.id}
    answer = _post(fake, "/v1/openfactura/setups", body, token)
    error = _error(answer)
    assert (answer.status_code, error["code"]) == (400, "validation_failed")
    assert "one of the two" in error["message"]
    assert {detail["field"] for detail in error["details"]} == {"token", "workspace_id"}
    assert started_setup(fake, ready).status == "pending_organization"  # the link still works


def test_the_server_refuses_step_one_naming_both_an_organization_and_a_new_one(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # The new organization was dropped unsaid and the workspace's one chosen, where the SDK
    # asks for exactly one of the two.
    ready = ready_workspace(fake, client)
    setup = started_setup(fake, ready)
    token = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD).access_token
    body = {
        "organization_id": ready.organization.id,
        "new_organization": {"razon_social": "PASTELERIA ANA SPA", "rut": "76111222-8"},
        "company": {"giro": "Pan", "acteco": 107100, "direccion": "Prat 1", "comuna": "Curicó"},
    }
    answer = _post(fake, f"/v1/openfactura/setups/{setup.id}/organization", body, token)
    error = _error(answer)
    assert (answer.status_code, error["code"]) == (400, "validation_failed")
    assert "exactly one" in error["message"]
    assert {detail["field"] for detail in error["details"]} == {
        "organization_id",
        "new_organization",
    }
    assert ready.admin.openfactura.setup.retrieve(setup.id).status == "pending_organization"
    assert len(ready.owner.workspace.retrieve(ready.workspace.id).organizations) == 1


def test_body_that_is_not_json_is_a_validation_error(fake: FakeHaulmer) -> None:
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        answer = http.post("/v1/orders", content=b"{nope")
    assert answer.status_code == 400
    assert _error(answer)["code"] == "validation_failed"


def test_reset_forgets_orders_accounts_workspaces_and_emails(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    setup_with_certificate(fake, ready)
    order_id = client.checkout.create_order(buyer=BUYER, products={"openfactura": 1}).id
    fake.reset()
    assert len(fake.outbox) == 0
    with pytest.raises(NotFoundError):
        client.checkout.retrieve_order(order_id)
    with pytest.raises(AuthenticationError):
        ready.owner.accounts.me()
    assert client.accounts.forgot_password(BUYER_EMAIL).status == "accepted"
    assert len(fake.outbox) == 0
    fresh = client.checkout.create_order(buyer=BUYER, products={"openfactura": 1})
    assert fresh.number == 100_001


def test_the_platform_is_served_over_loopback_http_for_any_client(fake: FakeHaulmer) -> None:
    from haulmer.testing import serve

    with serve(fake) as url, Haulmer(base_urls={"platform": url}, max_retries=0) as sdk:
        order = sdk.checkout.create_order(buyer=BUYER, products={"openfactura": 1})
        assert sdk.checkout.retrieve_order(order.id).number == order.number
        with httpx.Client(base_url=url) as http:
            assert http.get("/v1/openapi.json").json()["openapi"] == "3.1.0"
