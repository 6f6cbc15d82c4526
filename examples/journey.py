"""A new Haulmer customer's whole journey, from buying a plan to its first factura.

The same story as ``python -m haulmer demo``, written with the public API only so that you can
copy the steps you need. It runs against ``haulmer.testing.FakeHaulmer``: the payment, the e-mails,
the SII certification (seven business days on a fake clock) and OpenFactura are all simulated in
this process. Against a real platform, each step is the same call on ``haulmer.Haulmer``; the
e-mail links arrive in the customer's inbox instead of ``fake.outbox``.

    python examples/journey.py
"""

from __future__ import annotations

import datetime as dt

import haulmer.dte as dte
from haulmer.testing import FakeClock, FakeHaulmer
from haulmer.testing.certificates import make_test_pfx

BUYER = {
    "name": "Ana Rojas",
    "email": "ana@example.com",
    "rut": "12345678-5",
    "phone": "+56 9 8765 4321",
}
PASSWORD = "Panaderia2026"  # checked locally against Haulmer's policy before it is sent
PFX_PASSWORD = "firma-ana"  # the .pfx file's password; real ones stay out of your code


def main() -> int:
    fake = FakeHaulmer(clock=FakeClock(dt.datetime(2026, 12, 3, 10, 0)))  # a Thursday
    client = fake.client(api_key=None)  # no OpenFactura key yet: the journey makes one

    # 1. Buy OpenFactura with a 12-month plan; pay with Webpay.
    order = client.checkout.create_order(
        buyer=BUYER,
        products={"openfactura": 1},
        plans=[{"code": "emprendedor", "months": 12}],
    )
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    order = client.checkout.wait_for_payment(order.id)  # polls; sleeps on the fake clock
    print(f"1. order #{order.number} paid: {order.total} CLP")

    # 2. The e-mails: each one carries the link (and its single-use token) for the next step.
    print("2. e-mails:", "; ".join(fake.outbox.subjects()))

    # 3. Haulmer Accounts: create the password from the e-mail's link, then log in.
    link = fake.outbox.last(subject_contains="Crea tu nueva contraseña").link("create_password")
    client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    session = client.accounts.login(BUYER["email"], PASSWORD)
    me = client.with_options(access_token=session.access_token)
    print(f"3. logged in as {me.accounts.me().email}")

    # 4. Workspace: activate it, name it, add the company (its razón social and RUT).
    welcome = fake.outbox.last(subject_contains="[Workspace]").link("activate_workspace")
    workspace = me.workspace.activate(welcome)
    me.workspace.set_administrator(workspace.id, email=BUYER["email"], name=BUYER["name"])
    me.workspace.rename(workspace.id, "Panadería Ana")
    organization = me.workspace.add_organization(
        workspace.id, razon_social="PANADERIA ANA SPA", rut="76086428-5"
    )
    name = me.workspace.retrieve(workspace.id).name
    print(f"4. workspace {name!r}: {organization.razon_social} ({organization.rut})")

    # 5. OpenFactura setup: the company's giro and address, the legal representative's .pfx,
    #    the document types; then the SII certifies the company in up to 7 business days.
    invitation = fake.outbox.last(subject_contains="[OpenFactura]").link("start_openfactura_setup")
    setup = me.openfactura.setup.start(invitation)
    me.openfactura.setup.choose_organization(
        setup.id,
        organization_id=organization.id,
        company={
            "giro": "Panadería",
            "acteco": 107100,
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
    )
    pfx = make_test_pfx(
        rut="12345678-5",
        password=PFX_PASSWORD,  # in real life: the file
        not_before=dt.datetime(2026, 1, 1),
        not_after=dt.datetime(2028, 1, 1),
    )
    me.openfactura.setup.upload_certificate(setup.id, pfx, password=PFX_PASSWORD)
    setup = me.openfactura.setup.choose_dte_types(setup, [33, 39, 61])
    status = me.openfactura.certification.wait(setup.id)
    print(
        f"5. certified by the SII on {fake.clock.today()} "
        f"after {status.business_days_elapsed} business days"
    )

    # 6. The company's OpenFactura API key, then its first factura.
    key = me.openfactura.certification.create_api_key(setup.id)
    issuer = client.with_options(api_key=key.api_key)
    factura = dte.factura(
        emisor={
            "rut": "76086428-5",
            "razon_social": "PANADERIA ANA SPA",
            "giro": "Panadería",
            "actecos": [107100],
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        receptor={
            "rut": "76430498-5",
            "razon_social": "HOSTY SPA",
            "giro": "Informática",
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        lines=[{"nombre": "Pan amasado (kg)", "cantidad": 12, "precio": 2100}],
        fecha=fake.clock.today(),
    )
    emitted = issuer.openfactura.documents.emit(factura, idempotency_key="first-invoice")
    print(
        f"6. factura folio {emitted.require_folio()} issued, total {factura.totals.mnt_total} CLP"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
