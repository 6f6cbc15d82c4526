"""OpenFactura has one account per RUT: the setup refuses a RUT that already has one (409)."""

from __future__ import annotations

import pytest

from haulmer import Haulmer
from haulmer._demo import ORGANIZATION as DEMO_ORGANIZATION
from haulmer.errors import ConflictError
from haulmer.openfactura.setup import SetupStatus
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    COMPANY,
    ORGANIZATION,
    PFX_PASSWORD,
    ReadyWorkspace,
    activated_workspace,
    buy_and_pay,
    legal_representative_pfx,
    ready_workspace,
    setup_with_certificate,
    started_setup,
)

HAULMER_SPA = {"razon_social": "HAULMER SPA", "rut": "76795561-8"}
"""A preloaded sandbox company of the fake: its RUT already has an OpenFactura account."""


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


def _wire_codes(fake: FakeHaulmer) -> list[tuple[int | None, str]]:
    return [
        (entry.status, entry.response["error"]["code"])
        for entry in fake.requests.for_route("openfactura.setup.choose_organization")
        if entry.status is not None and entry.status >= 400
    ]


def test_the_customers_own_rut_is_not_one_of_the_fakes_accounts(fake: FakeHaulmer) -> None:
    assert DEMO_ORGANIZATION["rut"] == ORGANIZATION["rut"] == "76.086.428-5"
    assert fake.openfactura_state.tenant_for_rut(ORGANIZATION["rut"]) is None


def test_choosing_an_organization_whose_rut_has_an_account_is_a_409_naming_the_company(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    sandbox = ready.owner.workspace.add_organization(ready.workspace.id, **HAULMER_SPA)
    setup = started_setup(fake, ready)
    with pytest.raises(ConflictError) as info:
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=sandbox.id, company=COMPANY
        )
    error = info.value
    assert error.status_code == 409
    assert error.code == "rut_already_registered"
    assert "RUT 76795561-8 already has an OpenFactura account (HAULMER SPA)" in str(error)
    assert "one account per RUT" in error.hint
    assert [d.field for d in error.details] == ["organization_id"]
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is (
        SetupStatus.PENDING_ORGANIZATION
    )
    chosen = ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    assert chosen.status is SetupStatus.PENDING_CERTIFICATE


def test_a_new_organization_with_a_registered_rut_is_refused_and_not_created(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(ConflictError, match="HOSTY SPA"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            new_organization={"razon_social": "HOSTY SPA", "rut": "76.430.498-5"},
            company=COMPANY,
        )
    assert _wire_codes(fake) == [(409, "rut_already_registered")]
    organizations = ready.owner.workspace.retrieve(ready.workspace.id).organizations
    assert [str(o.rut) for o in organizations] == ["76086428-5"]


def test_a_rut_another_workspace_is_setting_up_is_refused(
    fake: FakeHaulmer, client: Haulmer, ready: ReadyWorkspace
) -> None:
    first = setup_with_certificate(fake, ready)
    buy_and_pay(fake, client)
    second = activated_workspace(fake, ready.owner)
    ready.owner.workspace.set_administrator(second.id, email=BUYER_EMAIL, name="Ana")
    ready.owner.workspace.rename(second.id, "Panadería Ana 2")
    same_rut = ready.owner.workspace.add_organization(second.id, **ORGANIZATION)
    setup = ready.owner.openfactura.setup.start(workspace_id=second.id)
    with pytest.raises(ConflictError, match="already being set up for OpenFactura") as info:
        ready.owner.openfactura.setup.choose_organization(
            setup.id, organization_id=same_rut.id, company=COMPANY
        )
    assert info.value.code == "rut_already_registered"
    assert first.id not in str(info.value)
    assert ready.workspace.id not in str(info.value)


def test_the_api_key_is_refused_when_the_rut_got_an_account_meanwhile(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    ready.admin.openfactura.setup.choose_dte_types(setup, [33, 39])
    fake.clock.advance(days=12)
    other = fake.add_openfactura_tenant("f" * 32, rut="76086428-5", razon_social="OTRA SPA")
    with pytest.raises(ConflictError, match=r"account \(OTRA SPA\)") as info:
        ready.admin.openfactura.certification.create_api_key(setup.id)
    assert info.value.code == "rut_already_registered"
    assert fake.openfactura_state.tenant_for_rut("76086428-5") is other
    assert ready.admin.openfactura.setup.retrieve(setup.id).api_key_created_at is None


async def test_the_async_client_gets_the_same_409(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    sandbox = ready.owner.workspace.add_organization(ready.workspace.id, **HAULMER_SPA)
    setup = started_setup(fake, ready)
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        with pytest.raises(ConflictError, match="HAULMER SPA") as info:
            await admin.openfactura.setup.choose_organization(
                setup.id, organization_id=sandbox.id, company=COMPANY
            )
        assert info.value.code == "rut_already_registered"
        chosen = await admin.openfactura.setup.choose_organization(
            setup.id, organization_id=ready.organization.id, company=COMPANY
        )
        chosen = await admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    assert chosen.status is SetupStatus.PENDING_DTE_TYPES
