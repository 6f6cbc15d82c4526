"""The whole life of a new customer, through the public SDK only (the outbox and clock aside)."""

from __future__ import annotations

from datetime import date

import pytest

import haulmer.dte as dte
from haulmer.accounts import Platform
from haulmer.checkout import OrderStatus, PaymentMedium, PaymentMethod, TaxDocumentType
from haulmer.errors import StepOutOfOrderError
from haulmer.openfactura.certification import CertificationStage
from haulmer.openfactura.setup import SetupStatus
from haulmer.testing import FakeHaulmer
from haulmer.workspace import WorkspaceStatus
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER,
    BUYER_EMAIL,
    COMPANY,
    FIVE_PURCHASE_SUBJECTS,
    ORGANIZATION,
    PASSWORD,
    PFX_PASSWORD,
    legal_representative_pfx,
    new_fake,
)

RECEIVER = {
    "rut": "76.430.498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Servicios integrales de informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
PROGRESS = [
    "[OpenFactura] Avance de tu certificación ante el SII: Postulación recibida",
    "[OpenFactura] Avance de tu certificación ante el SII: Set de pruebas aprobado",
    "[OpenFactura] Avance de tu certificación ante el SII: Simulación aprobada",
    "[OpenFactura] Avance de tu certificación ante el SII: Intercambio de información aprobado",
    "[OpenFactura] Avance de tu certificación ante el SII: Muestras de impresión aprobadas",
    "[OpenFactura] ¡Tu empresa está certificada ante el SII!",
]
CERTIFIED_ON = date(2026, 12, 15)
"""Thursday 3 Dec + 7 business days, skipping the weekends and Tuesday 8 Dec (a holiday)."""


def _assert_purchase_emails(fake: FakeHaulmer, order_number: int) -> None:
    inbox = fake.outbox.for_address(BUYER_EMAIL)
    assert len(inbox) == 5
    for email, expected in zip(inbox, FIVE_PURCHASE_SUBJECTS, strict=True):
        assert email.subject.startswith(expected)
    assert str(order_number) in inbox[1].subject
    assert [email.sent_at for email in inbox] == sorted(email.sent_at for email in inbox)


def test_the_whole_journey_from_purchase_to_an_issued_document() -> None:
    fake = new_fake()
    client = fake.client()

    # 1. Purchase: buyer, products, a plan, payment method then medium; the bank validates.
    order = client.checkout.create_order(
        buyer=BUYER,
        products={"openfactura": 1, "pos_device": 1},
        plans=[{"code": "emprendedor", "quantity": 1, "months": 12}],
    )
    assert order.status is OrderStatus.CREATED
    assert order.number > 0
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    order = client.checkout.choose_payment_medium(
        order.id, PaymentMedium.CREDIT_CARD, method=PaymentMethod.WEBPAY
    )
    assert order.status is OrderStatus.AWAITING_BANK_VALIDATION
    assert not order.is_paid
    assert fake.outbox.subjects(to=BUYER_EMAIL) == []  # nothing before the bank validates
    fake.clock.advance(minutes=5)
    order = client.checkout.retrieve_order(order.id)
    assert order.is_paid
    assert [change.status for change in order.status_history] == [
        "created",
        "payment_method_selected",
        "awaiting_bank_validation",
        "paid",
    ]

    # 2. The five e-mails, in order, each with the link of its next step.
    _assert_purchase_emails(fake, order.number)
    inbox = fake.outbox.for_address(BUYER_EMAIL)
    order = client.checkout.choose_tax_document(
        inbox[2].link("choose_tax_document"), document=TaxDocumentType.FACTURA, receiver=RECEIVER
    )
    assert order.tax_document is not None
    assert order.tax_document.type is TaxDocumentType.FACTURA
    assert str(order.tax_document.receiver.rut) == "76430498-5"  # type: ignore[union-attr]

    # 3. Haulmer Accounts: the password from the e-mail's link, then one login for every platform.
    account = client.accounts.create_password(
        inbox[3].link("create_password").url, password=PASSWORD, confirmation=PASSWORD
    )
    assert account.has_password
    assert set(account.platforms) == set(Platform)
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    assert "access_token" not in repr(session)
    assert session.access_token not in repr(session)
    owner = client.with_options(access_token=session.access_token)
    assert owner.accounts.me().email == BUYER_EMAIL

    # 4. Workspace: activate, administrator (another e-mail), name, organization.
    workspace = owner.workspace.activate(inbox[4].link("activate_workspace"))
    assert workspace.status is WorkspaceStatus.PENDING_ADMINISTRATOR
    owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte Ana")
    owner.workspace.rename(workspace.id, "Panadería")
    workspace = owner.workspace.rename(workspace.id, "Panadería Ana")
    organization = owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    workspace = owner.workspace.retrieve(workspace.id)
    assert workspace.is_active
    assert workspace.name == "Panadería Ana"
    assert str(organization.rut) == "76086428-5"
    # From the administrator on, instructions go to the administrator, not the buyer.
    assert len(fake.outbox.for_address(BUYER_EMAIL)) == 5
    assert fake.outbox.subjects(to=ADMIN_EMAIL) == [
        "[Haulmer Accounts] Crea tu nueva contraseña",
        "[OpenFactura] Configura tu empresa y carga firma electrónica",
    ]
    admin_link = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="Crea tu nueva").token
    client.accounts.create_password(
        admin_link, password=ADMIN_PASSWORD, confirmation=ADMIN_PASSWORD
    )
    admin_session = client.accounts.login(
        ADMIN_EMAIL, ADMIN_PASSWORD, platform=Platform.OPENFACTURA
    )
    admin = client.with_options(access_token=admin_session.access_token)

    # 5. OpenFactura setup from the administrator's e-mail: organization, signature, DTE types.
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    setup = admin.openfactura.setup.start(invitation.link("start_openfactura_setup"))
    assert setup.mandatory_dte_types == [33, 39]
    admin.openfactura.setup.choose_organization(
        setup.id, organization_id=organization.id, company=COMPANY
    )
    setup = admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    assert setup.certificate is not None
    assert str(setup.certificate.holder_rut) == "12345678-5"
    assert setup.dte_types_preset  # shown before step 3
    assert setup.dte_types == [33, 39]
    setup = admin.openfactura.setup.choose_dte_types(setup)  # preset with a point of sale
    assert setup.status is SetupStatus.CERTIFYING

    # The SII certification: 7 business days across a weekend and a Chilean holiday.
    status = admin.openfactura.certification.retrieve(setup.id)
    assert status.estimated_completion == CERTIFIED_ON
    assert status.stage is CertificationStage.POSTULACION
    with pytest.raises(StepOutOfOrderError):
        admin.openfactura.certification.create_api_key(setup.id)
    fake.clock.advance(days=4)  # Monday 7 Dec: two business days (Friday, Monday) have passed
    status = admin.openfactura.certification.retrieve(setup.id)
    assert status.stage is CertificationStage.SET_DE_PRUEBAS
    assert status.business_days_elapsed == 2
    status = admin.openfactura.certification.wait(setup.id, poll_interval=3600)
    assert status.is_certified
    assert status.certified_at is not None
    assert status.certified_at.date() == CERTIFIED_ON
    assert fake.outbox.subjects(to=ADMIN_EMAIL)[2:] == PROGRESS
    assert len(fake.outbox.for_address(BUYER_EMAIL)) == 5

    # The API key, created once certified, works against the fake OpenFactura document API.
    key = admin.openfactura.certification.create_api_key(setup.id)
    assert len(key.api_key) == 32
    assert key.api_key not in repr(key)
    issuer = client.with_options(api_key=key.api_key)
    company = issuer.openfactura.organization.retrieve()
    assert str(company.rut) == "76086428-5"
    boleta = dte.boleta(
        emisor={
            "rut": ORGANIZATION["rut"],
            "razon_social": ORGANIZATION["razon_social"],
            "giro": COMPANY["giro"],
            "direccion": COMPANY["direccion"],
            "comuna": COMPANY["comuna"],
        },
        lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
        fecha=fake.clock.today(),
    )
    issued = issuer.openfactura.documents.emit(boleta, response=["FOLIO"])
    assert issued.token
    assert issued.folio is not None
    assert issued.folio >= 1


async def test_the_whole_journey_with_the_async_client() -> None:
    fake = new_fake()
    client = fake.async_client()

    order = await client.checkout.create_order(
        buyer=BUYER,
        products={"openfactura": 1, "pos_device": 2},
        plans=[{"code": "pyme", "quantity": 1, "months": 6}],
    )
    await client.checkout.choose_payment_method(order.id, "bank_transfer")
    await client.checkout.choose_payment_medium(order.id, "bank_account")
    fake.clock.advance(minutes=5)
    order = await client.checkout.retrieve_order(order.id)
    assert order.is_paid
    _assert_purchase_emails(fake, order.number)
    inbox = fake.outbox.for_address(BUYER_EMAIL)
    order = await client.checkout.choose_tax_document(inbox[2].token, document="boleta")
    assert order.tax_document is not None
    assert order.tax_document.type is TaxDocumentType.BOLETA

    await client.accounts.create_password(inbox[3].token, password=PASSWORD, confirmation=PASSWORD)
    session = await client.accounts.login(BUYER_EMAIL, PASSWORD)
    owner = client.with_options(access_token=session.access_token)
    workspace = await owner.workspace.activate(inbox[4].token)
    await owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte")
    await owner.workspace.rename(workspace.id, "Panadería Ana")
    organization = await owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    assert [w.id for w in await owner.workspace.list()] == [workspace.id]

    admin_link = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="Crea tu nueva").token
    await client.accounts.create_password(
        admin_link, password=ADMIN_PASSWORD, confirmation=ADMIN_PASSWORD
    )
    admin_session = await client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    admin = client.with_options(access_token=admin_session.access_token)
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    setup = await admin.openfactura.setup.start(invitation.token)
    await admin.openfactura.setup.choose_organization(
        setup.id, organization_id=organization.id, company=COMPANY
    )
    await admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    setup = await admin.openfactura.setup.choose_dte_types(setup.id, [33, 39])
    assert setup.dte_types == [33, 39]

    status = await admin.openfactura.certification.retrieve(setup.id)
    assert status.estimated_completion == CERTIFIED_ON
    status = await admin.openfactura.certification.wait(setup.id, poll_interval=6 * 3600)
    assert status.certified_at is not None
    assert status.certified_at.date() == CERTIFIED_ON
    assert [stage.stage for stage in status.history] == list(CertificationStage)
    assert fake.outbox.subjects(to=ADMIN_EMAIL)[2:] == PROGRESS

    key = await admin.openfactura.certification.create_api_key(setup.id)
    issuer = client.with_options(api_key=key.api_key)
    company = await issuer.openfactura.organization.retrieve()
    assert str(company.rut) == "76086428-5"
    await client.aclose()
