"""``python -m haulmer demo``: a new customer's whole story, run against the embedded fake.

It buys a plan, reads the e-mails, creates the password, sets up the workspace and OpenFactura,
waits for the SII certification on the fake clock, then issues a factura, a boleta and a nota de
crédito that annuls the factura, checking and writing their signed XML and PDF files.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")

BUYER = {
    "name": "Ana Rojas",
    "email": "ana.rojas@example.com",
    "rut": "12.345.678-5",
    "phone": "+56 9 8765 4321",
}
ADMIN = {"email": "soporte@panaderia-ana.example", "name": "Soporte Panadería Ana"}
ORGANIZATION = {"razon_social": "PANADERIA ANA SPA", "rut": "76.086.428-5"}
COMPANY = {
    "giro": "Elaboración y venta de pan",
    "acteco": 107100,
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
CUSTOMER = {
    "rut": "76.430.498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Servicios integrales de informática",
    "direccion": "Arturo Prat 527, oficina 1",
    "comuna": "Curicó",
}
BUYER_PASSWORD = "Panaderia2026"
ADMIN_PASSWORD = "Soporte2026x"
PFX_PASSWORD = "firma-ana-2026"
LEGAL_REPRESENTATIVE_RUT = "12345678-5"
START = datetime(2026, 12, 3, 10, 0)
"""A Thursday: the seven business days of certification cross a weekend and 8 December."""
SHOP_PRODUCTS = [
    {"name": "Pan amasado", "sku": "PAN-AMA", "unit": "KG", "price": 1990},
    {
        "name": "Bebida 1,5 L",
        "sku": "BEB-15",
        "unit": "UN",
        "price": 1000,
        "price_basis": "net",
        "additional_taxes": ["27"],
    },
    {"name": "Clase de repostería", "sku": "CLASE-1", "price": 5000, "tax": "exento"},
]
"""The bakery's catalogue: by the kilo with IVA included, a drink with the 10% additional tax
(code 27) priced net, and an exempt class."""

TERMS = (
    ("Webpay", "Chile's card payment gateway, run by Transbank"),
    ("SII", "Servicio de Impuestos Internos, Chile's tax authority; it receives every document"),
    ("RUT", "Rol Único Tributario, the tax id of a person or company: 76.086.428-5"),
    ("razón social", "a company's registered legal name: PANADERIA ANA SPA"),
    ("giro", "the business activity a company declares to the SII"),
    ("DTE", "Documento Tributario Electrónico, a tax document as signed XML"),
    ("factura / boleta", "a DTE to a company (type 33) / to a consumer (type 39)"),
    ("nota de crédito", "a DTE (type 61) that annuls or lowers an earlier one"),
    ("folio", "a document's number within its type, authorized by the SII"),
    ("IVA", "Impuesto al Valor Agregado, the 19% value-added tax"),
    ("neto", "an amount before IVA"),
    ("afecto / exento", "what bears IVA / what carries none"),
    ("timbre (TED)", "the signed summary of a document, printed as a barcode"),
    ("firma electrónica", "the legal representative's certificate (.pfx) that signs each DTE"),
)
"""The Chilean words the story uses, one line each, printed before it starts."""

READ_NEXT = (
    ("the quickstart, from install to production", "docs/quickstart.md"),
    ("this story as a program to copy", "examples/journey.py"),
    ("issuing each document type", "docs/guides/issuing.md"),
    ("testing your integration with pytest", "docs/guides/testing.md"),
    ("every Chilean word and type code", "docs/glossary.md"),
)
"""Where to go after the demo: the documentation site's pages, by their source path."""


@dataclass
class DemoLog:
    """Prints each step for a person, or collects them for ``--json``."""

    as_json: bool
    out: IO[str]
    steps: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def section(self, title: str, explanation: str) -> None:
        if not self.as_json:
            print(f"\n== {title}", file=self.out)
            print(f"   {explanation}", file=self.out)

    def say(self, text: str) -> None:
        if not self.as_json:
            print(f"   {text}", file=self.out)

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        """One step: its details go into the yielded dict; an exception marks it failed."""
        record: dict[str, Any] = {"step": name, "ok": False}
        self.steps.append(record)
        started = time.perf_counter()
        try:
            yield record
        except Exception as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            if not self.as_json:
                print(f" x {name}: FAILED: {record['error']}", file=self.out)
            raise
        record["ok"] = True
        record["seconds"] = round(time.perf_counter() - started, 3)
        if not self.as_json:
            summary = record.get("summary")
            print(f" ok {name}" + (f": {summary}" if summary else ""), file=self.out)


def run(out_dir: Path, *, as_json: bool = False, out: IO[str] | None = None) -> int:
    """Run the story; 0 when every step worked, 1 otherwise. Files go to ``out_dir``."""
    stream = out or sys.stdout
    log = DemoLog(as_json=as_json, out=stream)
    ok = True
    error = None  # what stopped the story outside any step (a step records its own)
    try:
        _story(log, out_dir)
    except BrokenPipeError:
        raise
    except Exception as exc:
        ok = False
        if all(step["ok"] for step in log.steps):
            error = f"{type(exc).__name__}: {exc}"
    if as_json:
        payload: dict[str, Any] = {"ok": ok, "steps": log.steps, "files": log.files}
        if error is not None:
            payload["error"] = error
        from haulmer._json_output import json_text

        print(json_text(payload, stream, indent=2, default=str), file=stream)
    elif ok:
        print(f"\nEverything worked. Files written to {out_dir}/", file=stream)
        print(
            "\nWhat to read next (pages of the documentation site, whose sources are in the\n"
            "SDK's repository):",
            file=stream,
        )
        for what, where in READ_NEXT:
            print(f"   {what}: {where}", file=stream)
    elif error is not None:
        print(f"\nThe demo stopped: {error}", file=stream)
    else:
        print("\nThe demo stopped at the failed step above.", file=stream)
    return 0 if ok else 1


def _make_folder(out_dir: Path) -> None:
    """Create ``--out`` if new; a RuntimeError names the file in its way, or why it cannot be
    created, instead of ``[Errno 17] File exists``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(
            (path for path in (out_dir, *out_dir.parents) if path.exists() and not path.is_dir()),
            out_dir,
        )
        raise RuntimeError(
            f"--out {out_dir}: {blocker} is a file, not a folder; give a folder (created if new)"
        ) from None
    except OSError as exc:
        raise RuntimeError(
            f"--out {out_dir}: cannot create it ({exc.strerror or exc}); give a folder you can "
            "write to"
        ) from None


def _story(log: DemoLog, out_dir: Path) -> None:
    import haulmer.dte as dte
    from haulmer import sii
    from haulmer.accounts import Platform
    from haulmer.checkout import PaymentMedium, PaymentMethod, TaxDocumentType
    from haulmer.testing import FakeClock, FakeHaulmer
    from haulmer.testing.certificates import make_test_pfx

    fake = FakeHaulmer(clock=FakeClock(START))
    # everything stays in this process: no shared rate limiter named by HAULMER_RATE_LIMIT_URL
    client = fake.client(api_key=None, rate_limit=False)
    if not log.as_json:
        print(
            "haulmer demo: a new Haulmer customer, from the purchase to its first tax documents.\n"
            "Everything runs in this process against haulmer.testing.FakeHaulmer, a faithful fake\n"
            "of the Haulmer platform: no network, no real money, no real SII. Its clock is fake\n"
            f"too, and starts on {START:%A %d %B %Y, %H:%M}.",
            file=log.out,
        )
        print("\nChilean words you will meet:", file=log.out)
        width = max(len(term) for term, _ in TERMS)
        for term, meaning in TERMS:
            print(f"   {term:<{width}}  {meaning}", file=log.out)

    # 1. The purchase.
    log.section(
        "1. Purchase",
        "Ana buys OpenFactura (electronic invoicing), a point-of-sale device and a 12-month plan.",
    )
    with log.step("create the order") as s:
        order = client.checkout.create_order(
            buyer=BUYER,
            products={"openfactura": 1, "pos_device": 1},
            plans=[{"code": "emprendedor", "quantity": 1, "months": 12}],
        )
        s["order_number"] = order.number
        total = f"{order.total:,}".replace(",", ".")
        s["summary"] = f"order #{order.number}, total ${total} CLP"
    with log.step("choose the payment method, then the medium") as s:
        client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
        order = client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
        s["status"] = str(order.status)
        s["summary"] = f"Webpay, credit card; status {order.status}"
    with log.step("wait for the bank to validate the payment") as s:
        waited = 0
        while not order.is_paid:
            fake.clock.advance(minutes=1)
            waited += 1
            order = client.checkout.retrieve_order(order.id)
            log.say(f"... {waited} min on the fake clock: {order.status}")
            if waited > 60:
                raise RuntimeError("the bank did not validate the payment within an hour")
        s["summary"] = f"paid after {waited} minutes; the purchase is effective"

    # 2. The e-mails.
    log.section("2. E-mails to the buyer", "Each one carries the link for the next step.")
    with log.step("read the buyer's inbox") as s:
        inbox = list(fake.outbox.for_address(BUYER["email"]))
        s["emails"] = [email.subject for email in inbox]
        for number, email in enumerate(inbox, 1):
            purposes = ", ".join(link.purpose for link in email.links) or "no link"
            log.say(f"{number}. {email.subject}  [{purposes}]")
        if len(inbox) != 5:
            raise RuntimeError(f"expected the five purchase e-mails, got {len(inbox)}")
        s["summary"] = "5 e-mails, in order"
    with log.step("ask for a factura for the purchase") as s:
        order = client.checkout.choose_tax_document(
            inbox[2].link("choose_tax_document"),
            document=TaxDocumentType.FACTURA,
            receiver={
                **ORGANIZATION,
                "giro": COMPANY["giro"],
                "direccion": COMPANY["direccion"],
                "comuna": COMPANY["comuna"],
            },
        )
        s["summary"] = "factura to PANADERIA ANA SPA"

    # 3. Haulmer Accounts.
    log.section(
        "3. Haulmer Accounts",
        "One account opens MyHaulmer, OpenFactura, Point and the Catalogue.",
    )
    with log.step("create the password from the e-mail's link") as s:
        account = client.accounts.create_password(
            inbox[3].link("create_password"),
            password=BUYER_PASSWORD,
            confirmation=BUYER_PASSWORD,
        )
        s["platforms"] = [str(platform) for platform in account.platforms]
        s["summary"] = "checked locally (8+ characters, upper, lower, digit), then set"
    with log.step("log in") as s:
        session = client.accounts.login(BUYER["email"], BUYER_PASSWORD)
        owner = client.with_options(access_token=session.access_token)
        s["summary"] = f"logged in as {owner.accounts.me().email}"

    # 4. Workspace.
    log.section(
        "4. Workspace",
        "The workspace groups Haulmer's services; its administrator may be someone else.",
    )
    with log.step("activate the workspace from the welcome e-mail") as s:
        workspace = owner.workspace.activate(inbox[4].link("activate_workspace"))
        s["summary"] = f"workspace {workspace.id}"
    with log.step("step 1: the administrator") as s:
        owner.workspace.set_administrator(workspace.id, email=ADMIN["email"], name=ADMIN["name"])
        s["summary"] = f"{ADMIN['email']} (from now on the e-mails go there)"
    with log.step("step 2: the workspace's name") as s:
        owner.workspace.rename(workspace.id, "Panadería Ana")
        s["summary"] = "Panadería Ana"
    with log.step("step 3: the organization (razón social and RUT, checked locally)") as s:
        organization = owner.workspace.add_organization(
            workspace.id,
            razon_social=ORGANIZATION["razon_social"],
            rut=ORGANIZATION["rut"],
        )
        s["summary"] = f"{organization.razon_social}, RUT {organization.rut}"
    with log.step("the administrator creates a password and logs in") as s:
        link = fake.outbox.last(to=ADMIN["email"], subject_contains="Crea tu nueva contraseña")
        client.accounts.create_password(
            link.link("create_password"), password=ADMIN_PASSWORD, confirmation=ADMIN_PASSWORD
        )
        admin_session = client.accounts.login(
            ADMIN["email"], ADMIN_PASSWORD, platform=Platform.OPENFACTURA
        )
        admin = client.with_options(access_token=admin_session.access_token)
        s["summary"] = ADMIN["email"]

    # 5. OpenFactura setup and certification.
    log.section(
        "5. OpenFactura setup",
        "Pick the organization, upload the legal representative's signature (.pfx),\n"
        "   then choose the documents to issue.",
    )
    with log.step("open the setup from the administrator's e-mail") as s:
        invitation = fake.outbox.last(to=ADMIN["email"], subject_contains="[OpenFactura]")
        setup = admin.openfactura.setup.start(invitation.link("start_openfactura_setup"))
        s["summary"] = f"mandatory with a point of sale: {setup.mandatory_dte_types}"
    with log.step("step 1: choose the organization") as s:
        admin.openfactura.setup.choose_organization(
            setup.id, organization_id=organization.id, company=COMPANY
        )
        s["summary"] = ORGANIZATION["razon_social"]
    with log.step("step 2: upload the digital signature") as s:
        pfx = make_test_pfx(
            rut=LEGAL_REPRESENTATIVE_RUT,
            password=PFX_PASSWORD,
            not_before=datetime(2026, 1, 1),
            not_after=datetime(2028, 1, 1),
        )
        setup = admin.openfactura.setup.upload_certificate(setup.id, pfx, password=PFX_PASSWORD)
        holder = setup.certificate.holder_rut if setup.certificate else None
        s["summary"] = f"test .pfx of RUT {holder}, loaded and checked locally first"
    with log.step("step 3: the document types, preset with a point of sale") as s:
        setup = admin.openfactura.setup.choose_dte_types(setup)
        s["dte_types"] = setup.dte_types
        s["summary"] = "33 factura and 39 boleta, preset with no choice (a point of sale)"

    log.section(
        "6. SII certification",
        "The SII certifies the company in up to 7 business days (weekends and Chilean\n"
        "   holidays do not count). The fake clock runs a day at a time.",
    )
    with log.step("wait for the SII certification") as s:
        status = admin.openfactura.certification.retrieve(setup.id)
        log.say(f"estimated completion: {status.estimated_completion:%A %d %B %Y}")
        last_stage = None
        for _ in range(30):
            if status.stage != last_stage:
                log.say(
                    f"{fake.clock.today():%a %d %b}: business day "
                    f"{status.business_days_elapsed}/{status.business_days_required}, "
                    f"{getattr(status.stage, 'label', status.stage)}"
                )
                last_stage = status.stage
            if status.is_certified:
                break
            fake.clock.advance(days=1)
            status = admin.openfactura.certification.retrieve(setup.id)
        if not status.is_certified:
            raise RuntimeError("certification did not finish within 30 days")
        s["certified_on"] = str(fake.clock.today())
        s["summary"] = f"certified on {fake.clock.today():%A %d %B %Y}"
    with log.step("create the OpenFactura API key") as s:
        key = admin.openfactura.certification.create_api_key(setup.id)
        issuer = client.with_options(api_key=key.api_key)
        s["summary"] = f"a 32-character key for RUT {key.organization_rut} (kept secret)"

    # 7. Documents.
    log.section(
        "7. Issuing documents",
        "Each document is checked locally (RUTs, totals), sent to OpenFactura, stamped with\n"
        "   the timbre (TED) and signed; the SDK verifies the signed XML it gets back.",
    )
    with log.step("create the output folder") as s:
        _make_folder(out_dir)
        s["summary"] = str(out_dir)
    emisor = {
        **ORGANIZATION,
        "giro": COMPANY["giro"],
        "actecos": [COMPANY["acteco"]],
        "direccion": COMPANY["direccion"],
        "comuna": COMPANY["comuna"],
    }
    today = fake.clock.today()

    def issue(name: str, stem: str, send: Callable[[], Any]) -> Any:
        with log.step(name) as s:
            issued = send()
            verification = sii.verify(issued.xml)
            if not verification.ok:
                raise RuntimeError(f"the signed XML did not verify: {verification.failures}")
            xml_path = out_dir / f"{stem}-folio-{issued.folio}.xml"
            pdf_path = out_dir / f"{stem}-folio-{issued.folio}.pdf"
            xml_path.write_bytes(issued.xml)
            pdf_path.write_bytes(issued.pdf)
            log.files.extend([str(xml_path), str(pdf_path)])
            s["folio"] = issued.folio
            s["files"] = [str(xml_path), str(pdf_path)]
            s["summary"] = f"folio {issued.folio}, signature and timbre verified"
            log.say(f"wrote {xml_path} and {pdf_path}")
            return issued

    factura = dte.factura(
        emisor=emisor,
        receptor=CUSTOMER,
        lines=[
            {"nombre": "Pan amasado (kg)", "cantidad": 12, "precio": 2100},
            {"nombre": "Torta de mil hojas", "cantidad": 1, "precio": 18900, "descuento_pct": 10},
        ],
        fecha=today,
    )
    log.say(
        f"factura totals computed locally: neto {factura.totals.mnt_neto}, "
        f"IVA {factura.totals.iva}, total {factura.totals.mnt_total}"
    )
    issued_factura = issue(
        "issue a factura (33) to HOSTY SPA",
        "factura-33",
        lambda: issuer.openfactura.documents.emit(factura, response=["FOLIO", "XML", "PDF"]),
    )
    boleta = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
        fecha=today,
    )
    issue(
        "issue a boleta (39) to a walk-in customer",
        "boleta-39",
        lambda: issuer.openfactura.documents.emit(
            boleta,
            response=["FOLIO", "XML", "PDF", "80MM"],  # a receipt on an 80 mm roll
        ),
    )
    issue(
        "issue a nota de crédito (61) that annuls the factura",
        "nota-credito-61",
        lambda: issuer.openfactura.documents.credit_note(
            issued_factura.token,
            reason="Anula factura por error en el pedido",
            fecha=today,
            response=["FOLIO", "XML", "PDF"],
        ),
    )

    log.section("8. Mailboxes", "Every e-mail the platform sent, by recipient.")
    with log.step("count the e-mails") as s:
        counts: dict[str, int] = {}
        for email in fake.outbox:
            counts[email.to] = counts.get(email.to, 0) + 1
        for address, count in counts.items():
            log.say(f"{address}: {count} e-mails")
        s["emails"] = counts
        s["summary"] = f"{sum(counts.values())} e-mails in all"

    log.section(
        "9. The first sale at the point of sale",
        "The catalogue gets the bakery's products (one exento, one with an additional tax),\n"
        "   the point bought at checkout sells them, and its boleta comes back issued.",
    )
    with log.step("fill the catalogue") as s:
        (catalogue,) = owner.catalogue.list_catalogues()
        products = [
            owner.catalogue.create_product(catalogue.id, product) for product in SHOP_PRODUCTS
        ]
        for product in products:
            extra = (
                f", additional tax {product.additional_taxes}" if product.additional_taxes else ""
            )
            log.say(
                f"{product.sku}: {product.name}, ${product.price} {product.price_basis}"
                f", {product.tax}{extra}"
            )
        s["summary"] = f"{len(products)} products in {catalogue.name}'s catalogue"
    with log.step("configure the point of sale") as s:
        (point,) = owner.point.list()
        point = owner.point.configure(
            point.id, name="Caja 1", sucursal="Casa matriz", catalogue_id=catalogue.id
        )
        s["summary"] = f"{point.name} ({point.sucursal}): {point.default_document}, " + (
            f"{point.paper} paper"
        )
    with log.step("sell at the point of sale") as s:
        pan, bebida, clase = products
        sale = owner.point.sell(
            point.id, [(pan, "1.5"), (bebida, 2), (clase, 1)], payment="cash", amount=20_000
        )
        xml = issuer.openfactura.documents.xml(sale.document.token)
        if not sii.verify(xml).ok:
            raise RuntimeError("the sale's boleta did not verify")
        totals = sale.document.totals
        log.say(
            f"boleta {sale.document.type} folio {sale.folio}: neto {totals.get('MntNeto')}, "
            f"IVA {totals.get('IVA')}, exento {totals.get('MntExe')}, total {sale.total}; "
            f"change ${sale.payment.change}"
        )
        s["folio"] = sale.folio
        s["total"] = sale.total
        s["summary"] = f"boleta folio {sale.folio} for ${sale.total}, signature and timbre verified"

    log.section(
        "10. A support ticket in MyHaulmer",
        "The customer asks for help; support's answer arrives in the thread and by e-mail.",
    )
    with log.step("open a support ticket") as s:
        ticket = owner.myhaulmer.open_ticket(
            subject="¿Cómo imprimo en papel carta?",
            category="point",
            message="Quiero imprimir las boletas de la Caja 1 en papel carta.",
        )
        s["summary"] = f"ticket N° {ticket.number}: {ticket.subject}"
    with log.step("read support's answer") as s:
        fake.platform_state.support_reply(
            ticket.id, "En Point, configura la Caja 1 con papel carta (letter)."
        )
        owner.point.configure(point.id, paper="letter")
        ticket = owner.myhaulmer.retrieve_ticket(ticket.id)
        email = fake.outbox.last(to=BUYER["email"], subject_contains="[Soporte Haulmer]")
        log.say(f"e-mail: {email.subject}")
        owner.myhaulmer.close_ticket(ticket.id)
        s["messages"] = len(ticket.messages)
        s["summary"] = f"{ticket.messages[-1].author_name}: {ticket.messages[-1].body}"
