"""Steps of the customer journey through the public SDK, for tests that need a later state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from haulmer import Haulmer
from haulmer.checkout import Order, PaymentMedium, PaymentMethod
from haulmer.openfactura.setup import OpenFacturaSetup
from haulmer.testing import FakeClock, FakeHaulmer
from haulmer.testing.certificates import make_test_pfx
from haulmer.workspace import Organization, WorkspaceDetails

START = datetime(2026, 12, 3, 10, 0)
"""A Thursday: seven business days later crosses a weekend and 8 December (a holiday)."""

BUYER_EMAIL = "ana.rojas@example.com"
ADMIN_EMAIL = "soporte@panaderia-ana.example"
PASSWORD = "Panaderia2026"
ADMIN_PASSWORD = "Admin2026x"
PFX_PASSWORD = "firma-ana"
BUYER = {
    "name": "Ana Rojas",
    "email": BUYER_EMAIL,
    "rut": "12.345.678-5",
    "phone": "+56 9 8765 4321",
}
ORGANIZATION = {"razon_social": "PANADERIA ANA SPA", "rut": "76.086.428-5"}
"""The bakery: a RUT of its own, not one of the fake's preloaded sandbox companies."""
SECOND_ORGANIZATION = {"razon_social": "PASTELERIA ANA SPA", "rut": "76111222-8"}
"""A second company of the same owner, created in the OpenFactura setup's step 1."""
COMPANY = {
    "giro": "Elaboración de pan",
    "acteco": 107100,
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}

FIVE_PURCHASE_SUBJECTS = [
    "Compra exitosa",
    "Pago Confirmado",
    "¿Boleta o factura? Obtén tu documento tributario por la compra en HAULMER",
    "[Haulmer Accounts] Crea tu nueva contraseña",
    "[Workspace] ¡Bienvenido a Haulmer! Crea tu nuevo espacio de trabajo",
]


def new_fake() -> FakeHaulmer:
    """A fake starting on the Thursday of ``START``."""
    return FakeHaulmer(clock=FakeClock(START))


@cache
def legal_representative_pfx() -> bytes:
    """A .pfx with the holder's RUT, valid across the fake's dates and today."""
    return make_test_pfx(
        rut="12345678-5",
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )


def place_order(client: Haulmer, *, point_of_sale: bool = True) -> Order:
    """Step 1 of checkout: an order for OpenFactura (and a point of sale) and a plan."""
    products = {"openfactura": 1, "pos_device": 1} if point_of_sale else {"openfactura": 1}
    return client.checkout.create_order(
        buyer=BUYER, products=products, plans=[{"code": "emprendedor", "months": 12}]
    )


def buy_and_pay(fake: FakeHaulmer, client: Haulmer, *, point_of_sale: bool = True) -> Order:
    """Place and pay an order, then let the fake bank validate it."""
    order = place_order(client, point_of_sale=point_of_sale)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.DEBIT_CARD)
    fake.clock.advance(minutes=5)
    return client.checkout.retrieve_order(order.id)


def log_in(client: Haulmer, email: str, password: str) -> Haulmer:
    """A client carrying the access token of a fresh login."""
    session = client.accounts.login(email, password)
    return client.with_options(access_token=session.access_token)


def owner_with_password(fake: FakeHaulmer, client: Haulmer) -> Haulmer:
    """Buy, pay, create the buyer's password and log in."""
    buy_and_pay(fake, client)
    link = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva contraseña").token
    client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    return log_in(client, BUYER_EMAIL, PASSWORD)


def activated_workspace(fake: FakeHaulmer, owner: Haulmer) -> WorkspaceDetails:
    """Activate the workspace from the welcome e-mail."""
    welcome = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Workspace]")
    return owner.workspace.activate(welcome.token)


@dataclass
class ReadyWorkspace:
    """A workspace through its three steps, with a logged-in administrator."""

    workspace: WorkspaceDetails
    organization: Organization
    owner: Haulmer
    admin: Haulmer


def ready_workspace(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    """Through workspace step 3, the administrator (another e-mail) logged in."""
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=ADMIN_EMAIL, name="Soporte Ana")
    owner.workspace.rename(workspace.id, "Panadería Ana")
    organization = owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    link = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="Crea tu nueva contraseña").token
    client.accounts.create_password(link, password=ADMIN_PASSWORD, confirmation=ADMIN_PASSWORD)
    admin = log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    return ReadyWorkspace(owner.workspace.retrieve(workspace.id), organization, owner, admin)


def started_setup(fake: FakeHaulmer, ready: ReadyWorkspace) -> OpenFacturaSetup:
    """The OpenFactura setup opened from the administrator's e-mail."""
    invitation = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="[OpenFactura] Configura")
    return ready.admin.openfactura.setup.start(invitation.token)


def setup_with_certificate(fake: FakeHaulmer, ready: ReadyWorkspace) -> OpenFacturaSetup:
    """Setup steps 1 and 2 done: organization chosen, signature uploaded."""
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    return ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )


@dataclass
class CertifiedShop:
    """A certified bakery with its OpenFactura API key: it can sell at its point of sale."""

    ready: ReadyWorkspace
    setup: OpenFacturaSetup
    api_key: str


def certified_shop(fake: FakeHaulmer, client: Haulmer) -> CertifiedShop:
    """Through the SII certification (preset 33 and 39) and the API key."""
    ready = ready_workspace(fake, client)
    setup = setup_with_certificate(fake, ready)
    setup = ready.admin.openfactura.setup.choose_dte_types(setup)
    ready.admin.openfactura.certification.wait(setup.id, poll_interval=86400)
    key = ready.admin.openfactura.certification.create_api_key(setup.id)
    return CertifiedShop(ready, setup, key.api_key)


def point_with_catalogue(shop: CertifiedShop) -> tuple[str, str]:
    """The shop's point of sale set to sell its catalogue: (point id, catalogue id)."""
    owner = shop.ready.owner
    (catalogue,) = owner.catalogue.list_catalogues()
    (point,) = owner.point.list()
    owner.point.configure(point.id, catalogue_id=catalogue.id)
    return point.id, catalogue.id
