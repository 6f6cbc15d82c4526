"""docs/platform-api.md, claim by claim: its error table, its e-mail table, its id prefixes, the
calls it says carry an Idempotency-Key, its lists of values, its stages and its limits are what
the SDK and the fake platform (haulmer.testing) do."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import haulmer.errors
from haulmer.testing import FakeHaulmer
from journey.story import BUYER, certified_shop, new_fake

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = (DOCS / "platform-api.md").read_text("utf-8")
FAKE_PLATFORM = Path(haulmer.errors.__file__).parent / "testing" / "platform"


def _section(number: int) -> str:
    """The text of the page's section ``number`` (``## <number>. ...``)."""
    return PAGE.split(f"\n## {number}. ", 1)[1].split("\n## ", 1)[0]


def _table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, each a list of its cells."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return [row for row in rows if not row[0].startswith(("status", "when", "method"))]


def _ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _error_table() -> list[tuple[int, str, str]]:
    return [
        (int(status), _ticked(code)[0], _ticked(exception)[0])
        for status, code, _meaning, exception in _table_rows(_section(2))
    ]


def test_each_code_of_the_error_table_raises_the_exception_it_names() -> None:
    table = _error_table()
    assert len(table) >= 17
    for status, code, name in table:
        assert haulmer.errors.error_class_for(status, code) is getattr(haulmer.errors, name), code


def test_the_error_table_lists_every_code_the_fake_platform_answers_with() -> None:
    source = "\n".join(path.read_text("utf-8") for path in FAKE_PLATFORM.glob("*.py"))
    answered = {
        (int(status), code)
        for status, code in re.findall(r"PlatformError\(\s*(\d{3}),\s*\"(\w+)\"", source)
    }
    assert len(answered) >= 17
    assert answered == {(status, code) for status, code, _ in _error_table()}


@dataclass
class Journey:
    """Everything the page describes, walked once on one fake: its outbox and request log."""

    fake: FakeHaulmer
    ids: dict[str, str]


@pytest.fixture(scope="module")
def journey() -> Journey:
    fake = new_fake()
    client = fake.client()
    shop = certified_shop(fake, client)
    owner = shop.ready.owner
    ticket = owner.myhaulmer.open_ticket(subject="Papel", category="point", message="Hola")
    fake.clock.advance(hours=1)
    owner.myhaulmer.reply_ticket(ticket.id, "Gracias")
    owner.myhaulmer.close_ticket(ticket.id)
    owner.myhaulmer.reopen_ticket(ticket.id)
    (catalogue,) = owner.catalogue.list_catalogues()
    pan = owner.catalogue.create_product(catalogue.id, {"name": "Pan", "sku": "PAN", "price": 990})
    (point,) = owner.point.list()
    owner.point.configure(point.id, catalogue_id=catalogue.id)
    sale = owner.point.sell(point.id, [(pan, 1)], payment="cash")
    owner.catalogue.deactivate_product(catalogue.id, pan.id)
    (order,) = owner.myhaulmer.list_orders()
    client.accounts.resend_link(BUYER["email"], "choose_tax_document")  # the first one expired
    tax_link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    client.checkout.choose_tax_document(tax_link, document="boleta")
    client.accounts.forgot_password(BUYER["email"])
    client.accounts.resend_link(shop.ready.admin.accounts.me().email, "start_openfactura_setup")
    fake.platform_state.reject_next_payment = True
    rejected = client.checkout.create_order(
        buyer={**BUYER, "email": "bruno@example.com"}, products={"openfactura": 1}
    )
    client.checkout.choose_payment_method(rejected.id, "webpay")
    client.checkout.choose_payment_medium(rejected.id, "credit_card")
    fake.clock.advance(minutes=2)
    ids = {
        "ord_": order.id,
        "acc_": owner.accounts.me().id,
        "wsp_": shop.ready.workspace.id,
        "org_": shop.ready.organization.id,
        "ofs_": shop.setup.id,
        "tkt_": ticket.id,
        "msg_": owner.myhaulmer.retrieve_ticket(ticket.id).messages[0].id,
        "cat_": catalogue.id,
        "prd_": pan.id,
        "pos_": point.id,
        "sal_": sale.id,
    }
    return Journey(fake, ids)


def test_ids_carry_the_prefixes_the_conventions_list(journey: Journey) -> None:
    line = next(line for line in _section(1).split("\n- ") if line.startswith("Ids are opaque"))
    prefixes = _ticked(line)
    assert prefixes == list(journey.ids)
    for prefix, value in journey.ids.items():
        assert value.startswith(prefix), (prefix, value)
    source = "\n".join(path.read_text("utf-8") for path in FAKE_PLATFORM.glob("*.py"))
    assert {f"{prefix}_" for prefix in re.findall(r"new_id\(\"(\w+)\"\)", source)} == set(prefixes)


def test_the_email_table_is_what_the_platform_sends_and_nothing_else(journey: Journey) -> None:
    rows = _table_rows(_section(3))
    subjects = [
        (re.escape(_ticked(subject)[0]).replace("<number>", r"\d+").replace("<stage>", ".+"), link)
        for _when, _to, subject, link in rows
        if _ticked(subject)
    ]
    assert len(subjects) >= 10
    prose = re.escape("Pago rechazado - Orden N° ") + r"\d+"
    assert "`Pago rechazado - Orden N° <number>`" in _section(3)
    assert "link\n`pay_order`" in PAGE
    sent = [
        (email.subject, [link.purpose for link in email.links]) for email in journey.fake.outbox
    ]
    for subject, purposes in sent:
        if re.fullmatch(prose, subject):
            assert purposes == ["pay_order"]
            continue
        documented = [link for pattern, link in subjects if re.fullmatch(pattern, subject)]
        assert documented, f"{subject!r} is sent but not in the table"
        assert _ticked(documented[0])[0] in purposes, subject
    for pattern, link in subjects:
        found = [purposes for subject, purposes in sent if re.fullmatch(pattern, subject)]
        assert found, f"{pattern} is in the table but the journey never sent it"
        assert all(_ticked(link)[0] in purposes for purposes in found), pattern


def test_the_calls_said_to_send_an_idempotency_key_are_the_ones_that_do(journey: Journey) -> None:
    paragraph = " ".join(_section(1).split("The SDK sends a key on every call")[1].split("\n"))
    named = set(_ticked(paragraph.split("instead of a second one")[0])) - {"idempotency_key="}
    keyed = {
        entry.route
        for entry in journey.fake.requests
        if entry.method != "GET" and "idempotency-key" in {name.lower() for name in entry.headers}
    }
    unkeyed = {
        entry.route
        for entry in journey.fake.requests
        if entry.method != "GET"
        and entry.path.startswith("/v1/")
        and "idempotency-key" not in {name.lower() for name in entry.headers}
    }
    assert keyed == named
    assert unkeyed
    assert not unkeyed & named


ENUMERATIONS = [
    ("`platform` is one of", "haulmer.accounts.Platform"),
    ("Categories:", "haulmer.myhaulmer.TicketCategory"),
    ("Order statuses, in order:", "haulmer.checkout.OrderStatus"),
    ("Setup statuses:", "haulmer.openfactura.setup.SetupStatus"),
    ("`payment.method` is", "haulmer.point.SalePaymentMethod"),
]


@pytest.mark.parametrize(("opening", "enum"), ENUMERATIONS)
def test_each_list_of_values_is_the_sdks(opening: str, enum: str) -> None:
    import importlib

    module, _, name = enum.rpartition(".")
    values = [member.value for member in getattr(importlib.import_module(module), name)]
    sentence = re.split(r"\.\s|;", PAGE.split(opening, 1)[1], maxsplit=1)[0]
    listed = [word for word in _ticked(sentence) if re.fullmatch(r"[a-z_]+", word)]
    assert listed == values


def test_the_payment_methods_and_media_of_checkout_are_the_sdks() -> None:
    from haulmer.checkout import MEDIA_BY_METHOD

    row = next(row for row in _table_rows(_section(4)) if "payment-medium" in row[0])
    said = re.findall(r"(\w+): ([\w, ]+)", row[2].split("(", 1)[1])
    assert {method: media.split(", ") for method, media in said} == {
        method.value: [medium.value for medium in media]
        for method, media in MEDIA_BY_METHOD.items()
    }


def test_the_certification_stages_and_their_business_days_are_the_sdks() -> None:
    from haulmer.openfactura.certification import CERTIFICATION_STAGES

    sentence = _section(8).split("Stages, with the business day", 1)[1].split("Each sends", 1)[0]
    said = [(int(day), stage) for stage, day in re.findall(r"`(\w+)` \((\d+)", sentence)]
    assert said == [(day, stage.value) for day, stage in CERTIFICATION_STAGES]
    assert "up to **7 business days**" in _section(8)
    assert said[-1][0] == 7


def test_the_lifetimes_and_limits_the_page_states_are_the_fakes() -> None:
    from haulmer._core.request import MAX_IDEMPOTENCY_KEY_LENGTH
    from haulmer.openfactura.certification import CERTIFICATION_BUSINESS_DAYS
    from haulmer.testing.platform import (
        _accounts,
        _checkout,
        _idempotency,
        _myhaulmer,
        _tokens,
    )

    claims = {
        "Access tokens last 30 days": timedelta(days=30) == _accounts.ACCESS_TOKEN_LIFETIME,
        "5 failed logins of one address within 15 minutes lock its logins for 15 minutes": (
            _accounts.FAILED_LOGINS_TO_LOCK == 5 and timedelta(minutes=15) == _accounts.LOGIN_LOCK
        ),
        "(1–255 printable ASCII characters)": _idempotency.MAX_KEY_LENGTH
        == MAX_IDEMPOTENCY_KEY_LENGTH
        == 255,
        "Repeating a key within 24 hours": timedelta(hours=24) == _idempotency.IDEMPOTENCY_WINDOW,
        "older than 72 hours": timedelta(hours=72) == _tokens.TOKEN_LIFETIME,
        "`?page=1&per_page=20` (1–100)": (_myhaulmer.DEFAULT_PER_PAGE, _myhaulmer.MAX_PER_PAGE)
        == (20, 100),
        "at most 1000 of each product or plan": _checkout.MAX_PER_CODE == 1000,
        "2 minutes after the medium is chosen": timedelta(minutes=2)
        == _checkout.BANK_VALIDATION_DELAY,
        "at most 5 MiB": _myhaulmer.MAX_ATTACHMENT_BYTES == 5 * 1024 * 1024,
        "`reopen_until` (7 days later)": timedelta(days=7) == _myhaulmer.REOPEN_WINDOW,
        "one hour (of fake time) after": timedelta(hours=1)
        == _myhaulmer.SUPPORT_ACKNOWLEDGES_AFTER,
        "7th business day": CERTIFICATION_BUSINESS_DAYS == 7,
    }
    assert [claim for claim in claims if claim not in PAGE] == []
    assert [claim for claim, holds in claims.items() if not holds] == []


TEXT_LIMITS = [
    ("`name` (1–80, the DTE's NmbItem)", "ProductInput", "name", 80),
    ("`unit` (≤4, UnmdItem)", "ProductInput", "unit", 4),
    ("`description` (≤1000)", "ProductInput", "description", 1000),
    ('"subject" (≤120)', "OpenTicket", "subject", 120),
    ('"message" (≤5000)', "OpenTicket", "message", 5000),
    ('`{"name"}` (1–60 characters)', "Rename", "name", 60),
    ("the razón social: 1–100 characters", "CreateOrganization", "razon_social", 100),
    ("giro 1–80", "Company", "giro", 80),
    ("direccion 1–70", "Company", "direccion", 70),
    ("comuna 1–20 characters", "Company", "comuna", 20),
    ("`razon_social` ≤100", "SaleReceptor", "razon_social", 100),
    ("`giro` ≤40", "SaleReceptor", "giro", 40),
    ("`direccion` ≤70", "SaleReceptor", "direccion", 70),
    ("`comuna` ≤20", "SaleReceptor", "comuna", 20),
]


@pytest.mark.parametrize(("claim", "schema", "field", "limit"), TEXT_LIMITS)
def test_the_text_limits_of_the_page_are_the_documents(
    claim: str, schema: str, field: str, limit: int
) -> None:
    """The OpenAPI document the fake serves is checked against the SDK and the fake by
    test_platform_contract.py; here the prose says the same."""
    document = json.loads((DOCS / "platform-openapi.json").read_text("utf-8"))
    found: Any = document["components"]["schemas"][schema]["properties"][field]
    assert claim in PAGE
    assert f'"maxLength": {limit}' in json.dumps(found)


def test_the_additional_tax_codes_a_product_takes_are_the_sdks() -> None:
    from haulmer.catalogue import ADDITIONAL_TAX_CODES

    sentence = _section(10).split("up to two SII codes (CodImpAdic) among", 1)[1].split("(", 1)[0]
    assert set(re.findall(r"\d+", sentence)) == set(ADDITIONAL_TAX_CODES)
