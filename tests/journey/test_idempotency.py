"""Idempotency-Key on the platform: every creating call sends one, the fake answers its first answer
for 24 hours, and the same key with another request is a typed error.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.errors import (
    BadRequestError,
    IdempotencyKeyReusedError,
    TokenAlreadyUsedError,
    ValidationError,
)
from haulmer.openfactura.setup import OpenFacturaSetup
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER,
    BUYER_EMAIL,
    COMPANY,
    ORGANIZATION,
    PASSWORD,
    SECOND_ORGANIZATION,
    ReadyWorkspace,
    activated_workspace,
    buy_and_pay,
    log_in,
    owner_with_password,
    ready_workspace,
    setup_with_certificate,
    started_setup,
)

ORDER = {
    "buyer": {**BUYER, "rut": "12345678-5"},
    "products": [{"code": "openfactura", "quantity": 1}],
}


def _post(fake: FakeHaulmer, path: str, body: Any, key: str | None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        return http.post(path, json=body, headers=headers)


# --- the fake platform's contract ------------------------------------------------------------


def test_a_repeated_key_answers_the_first_answer_for_24_hours_of_fake_time(
    fake: FakeHaulmer,
) -> None:
    first = _post(fake, "/v1/orders", ORDER, "order-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    fake.clock.advance(hours=23, minutes=59)
    again = _post(fake, "/v1/orders", ORDER, "order-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(fake.platform_state.orders) == 1
    fake.clock.advance(minutes=1)
    later = _post(fake, "/v1/orders", ORDER, "order-1")
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert len(fake.platform_state.orders) == 2


def test_the_replay_is_the_first_answer_not_the_current_state(fake: FakeHaulmer) -> None:
    first = _post(fake, "/v1/orders", ORDER, "order-1").json()
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        http.post(f"/v1/orders/{first['id']}/payment-method", json={"method": "webpay"})
    assert _post(fake, "/v1/orders", ORDER, "order-1").json() == first


def test_the_same_json_in_another_key_order_or_spacing_is_the_same_request(
    fake: FakeHaulmer,
) -> None:
    first = _post(fake, "/v1/orders", ORDER, "order-1")
    reordered = json.dumps(dict(reversed(list(ORDER.items()))), indent=2)
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        again = http.post(
            "/v1/orders",
            content=reordered,
            headers={"Idempotency-Key": "order-1", "Content-Type": "application/json"},
        )
    assert (again.status_code, again.json()) == (201, first.json())


def test_the_same_key_with_another_body_or_path_is_refused_with_422(fake: FakeHaulmer) -> None:
    _post(fake, "/v1/orders", ORDER, "order-1")
    other = {**ORDER, "products": [{"code": "openfactura", "quantity": 2}]}
    answer = _post(fake, "/v1/orders", other, "order-1")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "idempotency_key_reused"
    elsewhere = _post(fake, "/v1/accounts/password/forgot", {"email": BUYER_EMAIL}, "order-1")
    assert elsewhere.status_code == 422
    assert len(fake.platform_state.orders) == 1


def test_a_refused_request_is_not_remembered_so_the_corrected_one_goes_through(
    fake: FakeHaulmer,
) -> None:
    wrong = {**ORDER, "products": [{"code": "nothing", "quantity": 1}]}
    assert _post(fake, "/v1/orders", wrong, "order-1").status_code == 400
    assert _post(fake, "/v1/orders", ORDER, "order-1").status_code == 201


def test_keys_belong_to_the_caller(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    answer = _post(fake, "/v1/orders", ORDER, "shared-key")
    assert answer.status_code == 201
    # The same key from the logged-in owner, on another route, is another key (not a 422).
    owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
    owner.workspace.rename(workspace.id, "Ana")
    added = owner.workspace.add_organization(
        workspace.id, **ORGANIZATION, idempotency_key="shared-key"
    )
    assert added.razon_social == ORGANIZATION["razon_social"]


def test_an_overlong_key_is_refused(fake: FakeHaulmer) -> None:
    answer = _post(fake, "/v1/orders", ORDER, "k" * 256)
    assert answer.status_code == 400
    assert answer.json()["error"]["details"][0]["field"] == "Idempotency-Key"


def test_reset_forgets_the_keys(fake: FakeHaulmer) -> None:
    _post(fake, "/v1/orders", ORDER, "order-1")
    fake.reset()
    other = {**ORDER, "products": [{"code": "openfactura", "quantity": 2}]}
    assert _post(fake, "/v1/orders", other, "order-1").status_code == 201


# --- the SDK's creating calls ----------------------------------------------------------------


def test_reusing_a_key_for_another_order_is_a_typed_error_saying_what_to_do(
    client: Haulmer,
) -> None:
    client.checkout.create_order(buyer=BUYER, products={"openfactura": 1}, idempotency_key="k1")
    with pytest.raises(IdempotencyKeyReusedError) as caught:
        client.checkout.create_order(buyer=BUYER, products={"openfactura": 2}, idempotency_key="k1")
    assert isinstance(caught.value, BadRequestError)
    assert caught.value.status_code == 422
    assert "use a new key for a new operation" in str(caught.value)


@pytest.mark.parametrize("key", ["", "   ", "k" * 256, "venta-ñandú-1", "venta\n1", "venta\x001"])
def test_a_bad_idempotency_key_is_refused_before_anything_is_sent(
    fake: FakeHaulmer, client: Haulmer, key: str
) -> None:
    with pytest.raises(ValidationError, match="idempotency_key"):
        client.checkout.create_order(buyer=BUYER, products={"openfactura": 1}, idempotency_key=key)
    assert len(fake.requests) == 0


def test_activating_a_workspace_survives_a_lost_answer(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    welcome = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]")
    fake.control.drop_connection("workspace.activate", when="after")
    workspace = owner.workspace.activate(welcome.token)
    attempts = fake.requests.for_route("workspace.activate")
    assert len(attempts) == 2
    assert attempts[0].headers["Idempotency-Key"] == attempts[1].headers["Idempotency-Key"]
    assert [w.id for w in owner.workspace.list()] == [workspace.id]
    with pytest.raises(TokenAlreadyUsedError):
        owner.workspace.activate(welcome.token)  # a new call, a new key: the link is used


def test_adding_an_organization_survives_a_lost_answer_and_adds_it_once(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
    owner.workspace.rename(workspace.id, "Ana")
    fake.control.drop_connection("workspace.add_organization", when="after")
    organization = owner.workspace.add_organization(
        workspace.id, **ORGANIZATION, idempotency_key="org-76086428"
    )
    attempts = fake.requests.for_route("workspace.add_organization")
    assert [a.headers["Idempotency-Key"] for a in attempts] == ["org-76086428"] * 2
    assert [o.id for o in owner.workspace.retrieve(workspace.id).organizations] == [organization.id]


def test_creating_a_password_survives_a_lost_answer(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva contraseña").token
    fake.control.drop_connection("accounts.create_password", when="after")
    account = client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    assert account.has_password
    assert len(fake.requests.for_route("accounts.create_password")) == 2
    assert log_in(client, BUYER_EMAIL, PASSWORD).accounts.me().id == account.id


def test_a_new_organization_in_the_setup_survives_a_lost_answer_and_is_created_once(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    setup = started_setup(fake, ready)
    fake.control.drop_connection("openfactura.setup.choose_organization", when="after")
    chosen = ready.admin.openfactura.setup.choose_organization(
        setup.id,
        new_organization=SECOND_ORGANIZATION,
        company=COMPANY,
    )
    ruts = [str(o.rut) for o in ready.owner.workspace.retrieve(ready.workspace.id).organizations]
    assert ruts == ["76086428-5", SECOND_ORGANIZATION["rut"]]
    assert chosen.organization_id is not None


@pytest.fixture
def certified(fake: FakeHaulmer, client: Haulmer) -> tuple[ReadyWorkspace, OpenFacturaSetup]:
    ready = ready_workspace(fake, client)
    setup = ready.admin.openfactura.setup.choose_dte_types(
        setup_with_certificate(fake, ready), [33, 39]
    )
    fake.clock.advance(days=12)
    return ready, setup


def test_a_lost_api_key_answer_is_answered_again_with_the_same_key(
    fake: FakeHaulmer, certified: tuple[ReadyWorkspace, OpenFacturaSetup]
) -> None:
    ready, setup = certified
    fake.control.drop_connection("openfactura.certification.create_api_key", when="after")
    key = ready.admin.openfactura.certification.create_api_key(setup.id)
    attempts = fake.requests.for_route("openfactura.certification.create_api_key")
    assert [a.status for a in attempts] == [201, 201]
    assert attempts[0].response == attempts[1].response
    assert attempts[0].response["api_key"] == key.api_key
    with fake.client(api_key=key.api_key) as issuer:
        assert str(issuer.openfactura.organization.retrieve().rut) == "76086428-5"


def test_the_callers_key_gets_the_api_key_again_within_24_hours(
    fake: FakeHaulmer, certified: tuple[ReadyWorkspace, OpenFacturaSetup]
) -> None:
    ready, setup = certified
    certification = ready.admin.openfactura.certification
    first = certification.create_api_key(setup.id, idempotency_key="api-key-ana")
    again = certification.create_api_key(setup.id, idempotency_key="api-key-ana")
    assert again.api_key == first.api_key


def test_starting_the_setup_survives_a_lost_answer_and_opens_one_setup(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    fake.control.drop_connection("openfactura.setup.start", when="after")
    setup = ready.admin.openfactura.setup.start(invitation.token, idempotency_key="setup-ana")
    attempts = fake.requests.for_route("openfactura.setup.start")
    assert [a.headers["Idempotency-Key"] for a in attempts] == ["setup-ana"] * 2
    assert [a.status for a in attempts] == [201, 201]
    assert len(fake.platform_state.setups) == 1
    again = ready.admin.openfactura.setup.start(invitation.token, idempotency_key="setup-ana")
    assert again.id == setup.id


def test_a_used_setup_link_names_the_way_back_to_the_setup(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    setup = started_setup(fake, ready)
    with pytest.raises(TokenAlreadyUsedError) as caught:
        started_setup(fake, ready)  # a new call, a new key: the link is used
    hint = caught.value.hint
    assert "client.openfactura.setup.start(workspace_id=...) returns it" in hint
    assert "forgot_password" not in hint
    assert ready.admin.openfactura.setup.start(workspace_id=ready.workspace.id).id == setup.id


def test_a_used_workspace_link_names_the_way_back_to_the_workspace(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    welcome = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]")
    owner.workspace.activate(welcome.token)
    with pytest.raises(TokenAlreadyUsedError) as caught:
        owner.workspace.activate(welcome.token)
    assert "client.workspace.list()" in caught.value.hint
    assert "forgot_password" not in caught.value.hint


def test_a_used_password_link_still_points_at_forgot_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva contraseña").token
    client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    with pytest.raises(TokenAlreadyUsedError) as caught:
        client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    assert "forgot_password(email)" in caught.value.hint


async def test_the_async_setup_start_sends_the_key_and_names_the_way_back(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        fake.control.drop_connection("openfactura.setup.start", when="after")
        setup = await admin.openfactura.setup.start(invitation.token, idempotency_key="s-1")
        with pytest.raises(TokenAlreadyUsedError) as caught:
            await admin.openfactura.setup.start(invitation.token)
    attempts = fake.requests.for_route("openfactura.setup.start")
    assert [a.headers["Idempotency-Key"] for a in attempts[:2]] == ["s-1", "s-1"]
    assert "setup.start(workspace_id=...)" in caught.value.hint
    assert len(fake.platform_state.setups) == 1
    assert setup.workspace_id == ready.workspace.id
