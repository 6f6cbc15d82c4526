"""The journey walked step by step: preset DTE types, a way back for every e-mail link, the
purchase e-mails only once the bank decides, a rejected order paid again, one clock per client.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from haulmer import Haulmer
from haulmer.accounts import LinkPurpose
from haulmer.checkout import OrderStatus
from haulmer.errors import (
    BadRequestError,
    CertificateError,
    MandatoryDTETypeError,
    TokenExpiredError,
    ValidationError,
)
from haulmer.openfactura.setup import SetupStatus
from haulmer.testing import FakeClock, FakeHaulmer
from haulmer.testing.certificates import make_test_pfx
from journey.story import (
    BUYER_EMAIL,
    COMPANY,
    PFX_PASSWORD,
    ReadyWorkspace,
    buy_and_pay,
    legal_representative_pfx,
    owner_with_password,
    place_order,
    ready_workspace,
    setup_with_certificate,
    started_setup,
)


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


# -- a point of sale presets boleta 39 and factura 33, with no choice -------------------------


def test_with_a_point_of_sale_the_setup_shows_the_preset_before_step_3(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    assert setup.dte_types_preset is True
    assert setup.dte_types == [33, 39]
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    setup = ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    assert setup.status is SetupStatus.PENDING_DTE_TYPES
    assert setup.dte_types == [33, 39]


@pytest.mark.parametrize("chosen", [[33, 39, 56, 61], [33, 39, 61], [33, 34, 39]])
def test_with_a_point_of_sale_any_other_choice_is_refused(
    fake: FakeHaulmer, ready: ReadyWorkspace, chosen: list[int]
) -> None:
    setup = setup_with_certificate(fake, ready)
    sent = len(fake.requests)
    with pytest.raises(MandatoryDTETypeError, match=r"exactly .*33.*39"):
        ready.admin.openfactura.setup.choose_dte_types(setup, chosen)
    assert len(fake.requests) == sent  # refused before sending
    with pytest.raises(BadRequestError) as caught:  # given only the id, the platform refuses
        ready.admin.openfactura.setup.choose_dte_types(setup.id, chosen)
    assert caught.value.code == "mandatory_dte_type"
    assert "exactly" in caught.value.message
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is SetupStatus.PENDING_DTE_TYPES


def test_with_a_point_of_sale_step_3_completes_itself(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    done = ready.admin.openfactura.setup.choose_dte_types(setup.id)
    assert done.status is SetupStatus.CERTIFYING
    assert done.dte_types == [33, 39]
    assert fake.requests.for_route("openfactura.setup.choose_dte_types")[-1].json() == {}


def test_the_preset_itself_may_be_sent_in_any_order(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    assert ready.admin.openfactura.setup.choose_dte_types(setup, [39, 33]).dte_types == [33, 39]


# -- every e-mail link has a way back ----------------------------------------------------------


def test_a_late_buyer_gets_a_new_welcome_link_and_creates_the_workspace(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    old = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]").token
    fake.clock.advance(days=4)
    with pytest.raises(TokenExpiredError) as caught:
        owner.workspace.activate(old)
    assert "resend_link" in str(caught.value)
    before = len(fake.outbox)
    answer = client.accounts.resend_link(BUYER_EMAIL, LinkPurpose.ACTIVATE_WORKSPACE)
    assert answer.status == "accepted"
    assert len(fake.outbox) == before + 1
    email = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]")
    assert email.token != old
    assert owner.workspace.activate(email.token).order_id


def test_a_late_buyer_gets_a_new_tax_document_link(fake: FakeHaulmer, client: Haulmer) -> None:
    order = buy_and_pay(fake, client)
    old = fake.outbox.last(to=BUYER_EMAIL, subject_contains="¿Boleta o factura?").token
    fake.clock.advance(days=5)
    with pytest.raises(TokenExpiredError):
        client.checkout.choose_tax_document(old, document="boleta")
    client.accounts.resend_link(BUYER_EMAIL, "choose_tax_document")
    new = fake.outbox.last(to=BUYER_EMAIL, subject_contains="¿Boleta o factura?").token
    assert client.checkout.choose_tax_document(new, document="boleta").id == order.id


def test_a_resend_answers_the_same_for_unknown_addresses_and_done_steps(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    tax = fake.outbox.last(to=BUYER_EMAIL, subject_contains="¿Boleta o factura?").token
    client.checkout.choose_tax_document(tax, document="boleta")
    before = len(fake.outbox)
    assert client.accounts.resend_link("nadie@example.com", "activate_workspace").status == (
        "accepted"
    )
    client.accounts.resend_link(BUYER_EMAIL, "choose_tax_document")  # already chosen
    assert len(fake.outbox) == before


def test_a_resend_refuses_an_unknown_link_before_sending(
    client: Haulmer, fake: FakeHaulmer
) -> None:
    with pytest.raises(ValidationError, match="activate_workspace"):
        client.accounts.resend_link(BUYER_EMAIL, "view_order")
    with pytest.raises(ValidationError, match="e-mail"):
        client.accounts.resend_link("not-an-address", "activate_workspace")
    assert len(fake.requests) == 0


def test_a_resend_of_the_password_link_works_as_forgot_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    old = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva").token
    client.accounts.resend_link(BUYER_EMAIL, "create_password")
    assert fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva").token != old


# -- the purchase e-mails follow the bank ------------------------------------------------------


def test_compra_exitosa_is_sent_only_once_the_bank_validates(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    assert fake.outbox.subjects(to=BUYER_EMAIL) == []
    fake.clock.advance(minutes=2)
    assert fake.outbox.subjects(to=BUYER_EMAIL)[:2] == [
        "Compra exitosa",
        f"Pago Confirmado - Orden N° {order.number}",
    ]


def test_a_rejected_payment_sends_no_compra_exitosa(fake: FakeHaulmer, client: Haulmer) -> None:
    fake.platform_state.reject_next_payment = True
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    fake.clock.advance(minutes=2)
    assert fake.outbox.subjects(to=BUYER_EMAIL) == [f"Pago rechazado - Orden N° {order.number}"]


def test_compra_exitosa_formats_the_total_and_keeps_the_commas_of_the_text(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = buy_and_pay(fake, client)
    body = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Compra exitosa").body
    assert body.startswith("Hola Ana Rojas, ")
    assert f"N° {order.number}" in body
    assert "$179.870" in body  # 59.990 + 12 x 9.990


def test_a_rejected_order_accepts_a_new_payment_as_its_email_says(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    fake.platform_state.reject_next_payment = True
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    fake.clock.advance(minutes=2)
    rejected = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Pago rechazado")
    assert "choose_payment_method" not in rejected.body  # words for people, not code
    assert "elige nuevamente" in rejected.body
    assert rejected.link("pay_order").url.endswith(f"/orders/{order.id}/pay")
    again = client.checkout.choose_payment_method(order.id, "bank_transfer")
    assert again.status is OrderStatus.PAYMENT_METHOD_SELECTED
    client.checkout.choose_payment_medium(order.id, "bank_account")
    paid = client.checkout.wait_for_payment(order.id)
    assert paid.is_paid
    statuses = [change.status for change in paid.status_history]
    assert statuses.count("payment_rejected") == 1
    assert statuses[-1] == "paid"
    assert "Compra exitosa" in fake.outbox.subjects(to=BUYER_EMAIL)


# -- one time source per client ----------------------------------------------------------------


def test_the_fake_client_checks_a_signature_at_the_fake_clocks_time(client: Haulmer) -> None:
    fake = FakeHaulmer(clock=FakeClock(datetime(2031, 3, 4, 10, 0)))
    with fake.client() as sdk:
        ready = ready_workspace(fake, sdk)
        setup = started_setup(fake, ready)
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            organization_id=ready.organization.id,
            company={"giro": "Pan", "acteco": 107100, "direccion": "Prat 1", "comuna": "Curicó"},
        )
        valid_in_2031 = make_test_pfx(
            rut="12345678-5",
            password=PFX_PASSWORD,
            not_before=datetime(2031, 1, 1),
            not_after=datetime(2032, 1, 1),
        )
        uploaded = ready.admin.openfactura.setup.upload_certificate(
            setup.id, valid_in_2031, password=PFX_PASSWORD
        )
        assert uploaded.certificate is not None
    expired_in_2031 = make_test_pfx(
        rut="12345678-5",
        password=PFX_PASSWORD,
        not_before=datetime(2026, 1, 1),
        not_after=datetime(2030, 1, 1),
    )
    with fake.client() as sdk, pytest.raises(CertificateError) as caught:
        sdk.openfactura.setup.upload_certificate(setup.id, expired_in_2031, password=PFX_PASSWORD)
    assert caught.value.reason == "expired"


def test_a_credit_note_without_a_date_takes_the_fake_clocks_day() -> None:
    import haulmer.dte as dte
    from haulmer import sii

    fake = FakeHaulmer(clock=FakeClock(datetime(2031, 3, 4, 23, 30)))  # 4 March in Chile
    with fake.client() as client:
        factura = dte.factura(
            emisor={
                "rut": "76795561-8",
                "razon_social": "HAULMER SPA",
                "giro": "Software",
                "actecos": [620200],
                "direccion": "Arturo Prat 527",
                "comuna": "Curicó",
            },
            receptor={
                "rut": "76430498-5",
                "razon_social": "HOSTY SPA",
                "giro": "Hosting",
                "direccion": "Calle 1",
                "comuna": "Curicó",
            },
            lines=[{"nombre": "Plan", "cantidad": 1, "precio": 2000}],
            fecha=fake.clock.today(),
        )
        issued = client.openfactura.documents.emit(factura, response=["FOLIO"])
        note = client.openfactura.documents.credit_note(
            issued, reason="Anula", response=["FOLIO", "XML"]
        )
    parsed = sii.parse(note.xml)
    assert parsed.encabezado.id_doc.fecha_emision == fake.clock.today()


def test_a_late_administrator_gets_a_new_openfactura_invitation(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from haulmer.errors import TokenExpiredError as Expired
    from journey.story import ADMIN_EMAIL

    ready = ready_workspace(fake, client)
    old = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura").token
    fake.clock.advance(days=3, seconds=1)
    with pytest.raises(Expired):
        ready.admin.openfactura.setup.start(old)
    client.accounts.resend_link(BUYER_EMAIL, "start_openfactura_setup")  # not the one it goes to
    assert fake.outbox.last(subject_contains="[OpenFactura] Configura").token == old
    client.accounts.resend_link(ADMIN_EMAIL, LinkPurpose.START_OPENFACTURA_SETUP)
    new = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura").token
    assert new != old
    assert ready.admin.openfactura.setup.start(new).workspace_id == ready.workspace.id
    before = len(fake.outbox)
    client.accounts.resend_link(ADMIN_EMAIL, "start_openfactura_setup")  # the setup exists now
    assert len(fake.outbox) == before


def test_the_async_client_resends_a_link(fake: FakeHaulmer, client: Haulmer) -> None:
    import asyncio

    buy_and_pay(fake, client)
    old = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]").token

    async def resend() -> str:
        async with fake.async_client() as anonymous:
            answer = await anonymous.accounts.resend_link(BUYER_EMAIL, "activate_workspace")
            return answer.status

    assert asyncio.run(resend()) == "accepted"
    assert fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]").token != old


def test_a_preset_company_issues_its_facturas_notes_too(fake: FakeHaulmer, client: Haulmer) -> None:
    from journey.story import certified_shop

    shop = certified_shop(fake, client)
    assert shop.setup.dte_types == [33, 39]
    tenant = fake.openfactura_state.tenant_for_key(shop.api_key)
    assert tenant is not None
    assert sorted(tenant.dte_types) == [33, 39, 56, 61]  # the SII certifies them with the factura


def test_after_a_rejection_the_medium_waits_for_a_new_method(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from haulmer.errors import StepOutOfOrderError

    fake.platform_state.reject_next_payment = True
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    fake.clock.advance(minutes=2)
    with pytest.raises(StepOutOfOrderError, match="choose the payment method again"):
        client.checkout.choose_payment_medium(order.id, "credit_card")
