"""Workspace: activation from the welcome e-mail, then administrator, name and organization."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.errors import (
    ConfigurationError,
    ConflictError,
    InvalidRutError,
    NotFoundError,
    PermissionDeniedError,
    StepOutOfOrderError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    ValidationError,
)
from haulmer.testing import FakeHaulmer
from haulmer.workspace import WorkspaceStatus
from journey.story import (
    ADMIN_EMAIL,
    BUYER_EMAIL,
    ORGANIZATION,
    PASSWORD,
    activated_workspace,
    buy_and_pay,
    owner_with_password,
    ready_workspace,
)

OPENFACTURA_SUBJECT = "[OpenFactura] Configura tu empresa y carga firma electrónica"


def test_the_three_steps_in_order_activate_the_workspace(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    assert workspace.status is WorkspaceStatus.PENDING_ADMINISTRATOR
    assert workspace.owner_email == BUYER_EMAIL
    workspace = owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
    assert workspace.status is WorkspaceStatus.PENDING_NAME
    workspace = owner.workspace.rename(workspace.id, "Panadería Ana")
    assert workspace.status is WorkspaceStatus.PENDING_ORGANIZATION
    organization = owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    workspace = owner.workspace.retrieve(workspace.id)
    assert workspace.is_active
    assert [o.id for o in workspace.organizations] == [organization.id]
    assert fake.outbox[-1].subject == OPENFACTURA_SUBJECT
    assert fake.outbox[-1].to == BUYER_EMAIL  # the buyer is their own administrator here


def test_with_another_administrator_instructions_go_to_the_administrator(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    assert ready.workspace.administrator is not None
    assert ready.workspace.administrator.email == ADMIN_EMAIL
    assert fake.outbox.last(subject_contains="[OpenFactura]").to == ADMIN_EMAIL
    assert len(fake.outbox.for_address(BUYER_EMAIL)) == 5
    # The administrator has its own login and sees the workspace.
    assert [w.id for w in ready.admin.workspace.list()] == [ready.workspace.id]


def test_the_administrators_login_works_the_workspace_as_the_guide_says(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # The guide said every call needs the buyer's login; the administrator's does as well
    from pathlib import Path

    ready = ready_workspace(fake, client)
    admin = ready.admin.workspace
    assert admin.rename(ready.workspace.id, "Panadería Ana Centro").name == "Panadería Ana Centro"
    added = admin.add_organization(ready.workspace.id, razon_social="OTRA SPA", rut="76111222-8")
    assert [o.id for o in admin.retrieve(ready.workspace.id).organizations][-1] == added.id
    page = Path(__file__).parents[2] / "docs" / "guides" / "workspace.md"
    text = " ".join(page.read_text("utf-8").split())
    assert "Every call needs the buyer's login." not in text
    assert "the administrator's login too" in text


def test_the_workspace_can_be_renamed_later(fake: FakeHaulmer, client: Haulmer) -> None:
    ready = ready_workspace(fake, client)
    renamed = ready.owner.workspace.rename(ready.workspace.id, "Panadería y Pastelería Ana")
    assert renamed.name == "Panadería y Pastelería Ana"
    assert renamed.is_active


def test_naming_before_the_administrator_is_out_of_order(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    with pytest.raises(StepOutOfOrderError, match=r"administrator \(step 1\)"):
        owner.workspace.rename(workspace.id, "Panadería")


@pytest.mark.parametrize("with_administrator", [False, True])
def test_the_organization_before_the_earlier_steps_is_out_of_order(
    fake: FakeHaulmer, client: Haulmer, with_administrator: bool
) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    if with_administrator:
        owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")
    missing = "name" if with_administrator else "administrator"
    with pytest.raises(StepOutOfOrderError, match=missing):
        owner.workspace.add_organization(workspace.id, **ORGANIZATION)


def test_the_administrator_is_set_once(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")
    with pytest.raises(ConflictError) as caught:
        owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
    assert caught.value.code == "already_done"


def test_a_second_administrator_is_refused_with_the_step_the_workspace_waits_for(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """The refusal pointed at step 2 even when the workspace was named, or set up, already."""
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")

    def refusal() -> str:
        with pytest.raises(ConflictError) as caught:
            owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
        return str(caught.value)

    assert "continue with step 2, the name" in refusal()
    owner.workspace.rename(workspace.id, "Panadería")
    assert "continue with step 3, the organization" in refusal()
    owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    message = refusal()
    assert "step 2" not in message
    assert "the workspace is set up" in message


def _named_workspace(fake: FakeHaulmer, client: Haulmer) -> tuple[Haulmer, Any]:
    """The buyer's client and an activated workspace with its administrator and name, ready
    for its organization (the step the tests below try with bad values)."""
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")
    owner.workspace.rename(workspace.id, "Panadería")
    return owner, workspace


def test_a_bad_organization_rut_is_refused_before_any_request(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner, workspace = _named_workspace(fake, client)
    sent = len(fake.requests)
    with pytest.raises(InvalidRutError):
        owner.workspace.add_organization(workspace.id, razon_social="X SPA", rut="76086428-4")
    with pytest.raises(ValidationError, match="razón social"):
        owner.workspace.add_organization(workspace.id, razon_social=" ", rut="76086428-5")
    assert len(fake.requests) == sent


def test_the_same_rut_twice_in_a_workspace_is_a_conflict(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)
    with pytest.raises(ConflictError, match="76086428-5"):
        ready.owner.workspace.add_organization(ready.workspace.id, **ORGANIZATION)


def test_the_same_rut_twice_names_the_organization_it_already_is(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # It had said "This step was done before and cannot be repeated", naming no organization.
    ready = ready_workspace(fake, client)
    with pytest.raises(ConflictError) as caught:
        ready.owner.workspace.add_organization(
            ready.workspace.id, razon_social="OTRA RAZON SPA", rut="76.086.428-5"
        )
    message = str(caught.value)
    assert ready.organization.id in message
    assert ORGANIZATION["razon_social"] in message
    assert "This step was done before" not in message
    assert "client.workspace.retrieve(workspace_id).organizations" in message


def test_the_welcome_link_works_once(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    activated_workspace(fake, owner)
    with pytest.raises(TokenAlreadyUsedError):
        activated_workspace(fake, owner)


def test_the_welcome_link_expires(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    fake.clock.advance(days=4)
    with pytest.raises(TokenExpiredError):
        activated_workspace(fake, owner)


def test_only_the_buyer_activates_the_workspace(fake: FakeHaulmer, client: Haulmer) -> None:
    ready = ready_workspace(fake, client)
    # A second purchase by the same buyer: its welcome link cannot be used by the administrator.
    buy_and_pay(fake, client)
    welcome = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]").token
    with pytest.raises(PermissionDeniedError):
        ready.admin.workspace.activate(welcome)


def test_workspace_calls_need_a_login(fake: FakeHaulmer, client: Haulmer) -> None:
    with pytest.raises(ConfigurationError, match="access token"):
        client.workspace.list()
    assert len(fake.requests) == 0


def test_someone_elses_workspace_is_not_found(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    with pytest.raises(NotFoundError):
        owner.workspace.retrieve("wsp_0000000000000000")
    with pytest.raises(ValidationError, match="workspace_id"):
        owner.workspace.retrieve("../orders")


def test_bad_administrator_or_name_is_refused_locally(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    with pytest.raises(ValidationError, match="e-mail"):
        owner.workspace.set_administrator(workspace.id, email="soporte", name="Soporte")
    with pytest.raises(ValidationError, match="at most 60"):
        owner.workspace.rename(workspace.id, "x" * 61)


@pytest.mark.parametrize(
    "pasted",
    ["<contador@example.com>", "mailto:contador@example.com", "contador@example.com,"],
)
def test_an_administrator_address_with_the_marks_around_it_is_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, pasted: str
) -> None:
    """The administrator is set once and receives every instruction: an address copied with a
    mail header's brackets, a mailto link's scheme or a list's comma was taken, its account and
    e-mails made for a mailbox that does not exist."""
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    sent = len(fake.outbox)
    with pytest.raises(ValidationError, match="not an e-mail address"):
        owner.workspace.set_administrator(workspace.id, email=pasted, name="Luis Soto")
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        refused = http.post(
            f"/v1/workspaces/{workspace.id}/administrator",
            json={"email": pasted, "name": "Luis Soto"},
            headers={"Authorization": f"Bearer {session.access_token}"},
        )
    assert refused.status_code == 400
    assert owner.workspace.retrieve(workspace.id).administrator is None
    assert len(fake.outbox) == sent


def test_an_administrator_name_longer_than_100_is_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    import httpx

    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    long_name = "S" * 101
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="administrator's name has 101 characters"):
        owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name=long_name)
    assert len(fake.requests) == sent
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        body = json.dumps({"email": ADMIN_EMAIL, "name": long_name})
        answer = http.post(
            f"/v1/workspaces/{workspace.id}/administrator", content=body, headers=headers
        )
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == "name"
    assert "at most 100" in detail["issue"]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Panadería\nAna", r"name holds a control character \(U\+000A\) at position 10"),
        ("\x00Panadería", "a control character \\(U\\+0000\\)"),
        ("Panadería\x1b[31m", "a control character \\(U\\+001B\\)"),
        ("Panadería\udc80", "a lone surrogate"),
    ],
)
def test_a_name_with_a_control_character_is_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, name: str, says: str
) -> None:
    import httpx

    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says) as caught:
        owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name=name)
    assert "the administrator's name holds" in str(caught.value)
    with pytest.raises(ValidationError, match=says) as caught:
        owner.workspace.rename(workspace.id, name)
    assert "the workspace's name holds" in str(caught.value)
    assert len(fake.requests) == sent
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        path = f"/v1/workspaces/{workspace.id}"
        body = json.dumps({"email": ADMIN_EMAIL, "name": name})
        answer = http.post(f"{path}/administrator", content=body, headers=headers)
        assert answer.status_code == 400
        (detail,) = answer.json()["error"]["details"]
        assert detail["field"] == "name"
        assert "administrator's name holds" in detail["issue"]
        owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")
        answer = http.put(f"{path}/name", content=json.dumps({"name": name}), headers=headers)
        assert answer.status_code == 400
        (detail,) = answer.json()["error"]["details"]
        assert detail["field"] == "name"
        assert "workspace's name holds" in detail["issue"]
    assert owner.workspace.retrieve(workspace.id).name is None


@pytest.mark.parametrize(
    ("razon_social", "says"),
    [
        ("PANADERIA " + "X" * 91, "101 characters; the SII's RznSoc takes at most 100"),
        ("PANADERÍA “ANA” SPA", r"U\+201C\) cannot be written in a DTE's RznSoc"),
        ("PANADERIA\tANA SPA", r"social holds a control character \(U\+0009\) at position 10"),
        ("PANADERIA ANA\x7f SPA", "a control character \\(U\\+007F\\)"),
        ("PANADERIA ANA\ud800 SPA", "a lone surrogate"),
    ],
)
def test_a_razon_social_no_document_can_carry_is_refused_before_sending_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, razon_social: str, says: str
) -> None:
    import httpx

    owner, workspace = _named_workspace(fake, client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        owner.workspace.add_organization(workspace.id, razon_social=razon_social, rut="76086428-5")
    assert len(fake.requests) == sent
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            f"/v1/workspaces/{workspace.id}/organizations",
            # JSON's escapes carry even a lone surrogate, which UTF-8 cannot
            content=json.dumps({"razon_social": razon_social, "rut": "76086428-5"}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == "razon_social"
    assert owner.workspace.retrieve(workspace.id).organizations == []


def test_a_new_organization_of_the_setup_is_checked_the_same_way() -> None:
    from haulmer.openfactura.setup import NewOrganization

    with pytest.raises(ValueError, match="RznSoc takes at most 100"):
        NewOrganization(razon_social="X" * 101, rut="76086428-5")
    assert NewOrganization(razon_social=" PANADERIA ANA SPA ", rut="76086428-5").razon_social == (
        "PANADERIA ANA SPA"
    )
