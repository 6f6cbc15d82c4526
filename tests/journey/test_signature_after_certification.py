"""The company's electronic signature after the SII certification: OpenFactura signs each document
with the .pfx uploaded in the setup, so once it expires nothing is issued (OF-04) until a valid
one is uploaded to the certified setup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

import haulmer.dte as dte
from haulmer import Haulmer
from haulmer.errors import BadRequestError, CertificateError
from haulmer.openfactura.setup import OpenFacturaSetup, SetupStatus
from haulmer.testing import FakeHaulmer
from haulmer.testing.certificates import make_test_pfx
from journey.story import COMPANY, PFX_PASSWORD, ReadyWorkspace, ready_workspace, started_setup

EXPIRES = datetime(2026, 12, 20)
"""The short-lived signature's end: after the certification (15 December), before Christmas."""

EMISOR = {
    "rut": "76086428-5",
    "razon_social": "PANADERIA ANA SPA",
    "giro": "Elaboración de pan",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


@dataclass
class SignedShop:
    """A certified bakery whose uploaded signature expires on ``EXPIRES``."""

    ready: ReadyWorkspace
    setup: OpenFacturaSetup
    issuer: Haulmer


def _pfx(not_after: datetime) -> bytes:
    return make_test_pfx(
        rut="12345678-5",
        password=PFX_PASSWORD,
        not_before=datetime(2026, 1, 1),
        not_after=not_after,
    )


@pytest.fixture
def shop(fake: FakeHaulmer, client: Haulmer) -> SignedShop:
    ready = ready_workspace(fake, client)
    admin = ready.admin.openfactura
    setup = started_setup(fake, ready)
    admin.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    setup = admin.setup.upload_certificate(setup.id, _pfx(EXPIRES), password=PFX_PASSWORD)
    setup = admin.setup.choose_dte_types(setup)
    admin.certification.wait(setup.id, poll_interval=86400)
    key = admin.certification.create_api_key(setup.id)
    return SignedShop(ready, setup, client.with_options(api_key=key.api_key))


def _boleta(fake: FakeHaulmer) -> dte.Document:
    return dte.boleta(
        emisor=EMISOR,
        lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
        fecha=fake.clock.today(),
    )


def _folios_left(issuer: Haulmer, dte_type: int) -> int | None:
    folios = issuer.openfactura.organization.folios().documentos
    return next((d.disponibles for d in folios if d.dte == dte_type), None)


def test_a_company_whose_signature_expired_is_refused_saying_to_upload_a_new_one(
    fake: FakeHaulmer, shop: SignedShop
) -> None:
    documents = shop.issuer.openfactura.documents
    assert documents.emit(_boleta(fake), idempotency_key="sale-1").folio == 1
    left = _folios_left(shop.issuer, 39)
    fake.clock.set(datetime(2026, 12, 21, 10, 0))
    with pytest.raises(BadRequestError) as caught:
        documents.emit(_boleta(fake), idempotency_key="sale-2")
    assert caught.value.code == "OF-04"
    assert "2026-12-20" in str(caught.value)
    assert "setup.upload_certificate" in str(caught.value)
    assert _folios_left(shop.issuer, 39) == left  # no folio was taken


def test_a_valid_signature_uploaded_to_the_certified_setup_lets_the_company_issue_again(
    fake: FakeHaulmer, shop: SignedShop
) -> None:
    fake.clock.set(datetime(2026, 12, 21, 10, 0))
    renewed = shop.ready.admin.openfactura.setup.upload_certificate(
        shop.setup.id, _pfx(datetime(2028, 12, 20)), password=PFX_PASSWORD
    )
    assert renewed.status == SetupStatus.CERTIFIED
    emitted = shop.issuer.openfactura.documents.emit(_boleta(fake), idempotency_key="sale-2")
    assert emitted.folio == 1


def test_an_expired_signature_is_still_refused_before_it_reaches_a_certified_setup(
    fake: FakeHaulmer, shop: SignedShop
) -> None:
    fake.clock.set(datetime(2026, 12, 21, 10, 0))
    with pytest.raises(CertificateError) as caught:
        shop.ready.admin.openfactura.setup.upload_certificate(
            shop.setup.id, _pfx(EXPIRES), password=PFX_PASSWORD
        )
    assert caught.value.reason == "expired"
    with pytest.raises(BadRequestError):
        shop.issuer.openfactura.documents.emit(_boleta(fake), idempotency_key="sale-2")
