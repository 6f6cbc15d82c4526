"""E-mail addresses: what the SDK and the fake accept, and when two spellings are one account."""

from __future__ import annotations

import unicodedata
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.checkout import PaymentMedium, PaymentMethod
from haulmer.errors import ValidationError
from haulmer.testing import FakeHaulmer
from journey.story import BUYER, PASSWORD

CREATE_PASSWORD = "[Haulmer Accounts] Crea tu nueva contraseña"

UNDELIVERABLE = [
    "ana@example.cl.",  # a trailing dot
    "ana@example..cl",  # an empty label
    "ana@.example.cl",  # a leading dot
    "ana\x00@example.cl",  # a NUL
    "ana@example.cl\u200b",  # a zero-width space, invisible where it is typed
    "ana\u202e@example.cl",  # a direction override
    "ana@" + "b" * 250 + ".cl",  # an address over SMTP's 254 characters
    "<ana@example.cl>",  # as a mail header writes it
    "ana@example.cl>",
    "ana@example.cl,",  # copied from a list of addresses
    "ana@example.cl;",
    "mailto:ana@example.cl",  # a mailto link's address, copied as the link
    "ana@example.cl)",
    '"ana"@example.cl',
    "ana@exam_ple.cl",  # no host name holds an underscore
]


def _pay(fake: FakeHaulmer, client: Haulmer, email: str) -> None:
    order = client.checkout.create_order(
        buyer={**BUYER, "email": email}, products={"openfactura": 1}
    )
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
    client.checkout.wait_for_payment(order.id)


def _post(fake: FakeHaulmer, path: str, body: Any) -> httpx.Response:
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        return http.post(path, json=body)


@pytest.mark.parametrize("email", UNDELIVERABLE)
def test_an_address_no_mail_reaches_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer, email: str
) -> None:
    with pytest.raises(ValidationError, match="not an e-mail address"):
        client.checkout.create_order(buyer={**BUYER, "email": email}, products={"openfactura": 1})
    with pytest.raises(ValidationError, match="not an e-mail address"):
        client.accounts.forgot_password(email)
    with pytest.raises(ValidationError, match="not an e-mail address"):
        client.accounts.resend_link(email, "create_password")
    assert fake.requests.total == 0


@pytest.mark.parametrize("email", UNDELIVERABLE)
def test_the_fake_refuses_an_address_no_mail_reaches_as_the_sdk_does(
    fake: FakeHaulmer, email: str
) -> None:
    order = _post(
        fake,
        "/v1/orders",
        {"buyer": {**BUYER, "email": email}, "products": [{"code": "openfactura", "quantity": 1}]},
    )
    assert order.status_code == 400
    assert {"field": "buyer.email", "issue": "not an e-mail address"} in order.json()["error"][
        "details"
    ]
    for path, body in [
        ("/v1/accounts/password/forgot", {"email": email}),
        ("/v1/accounts/links/resend", {"email": email, "purpose": "create_password"}),
    ]:
        answer = _post(fake, path, body)
        assert answer.status_code == 400
        assert [d["field"] for d in answer.json()["error"]["details"]] == ["email"]
    assert len(fake.outbox) == 0


def test_plus_addressing_and_an_accented_domain_are_addresses(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    for email in ["ana+haulmer@example.cl", "ana@panadería.cl"]:
        _pay(fake, client, email)
        assert fake.outbox.last(to=email, subject_contains=CREATE_PASSWORD).to == email


@pytest.mark.parametrize(
    "spelling",
    [
        "ANA@PANADERÍA.CL",
        "  ana@panadería.cl\t",
        unicodedata.normalize("NFD", "ana@panadería.cl"),  # the í as i and a combining accent
        "ana@xn--panadera-i2a.cl",  # the domain as DNS writes it (punycode)
        "ANA@XN--PANADERA-I2A.CL",  # punycode typed in capitals: its prefix has no case either
    ],
)
def test_every_spelling_of_one_mailbox_is_one_account(
    fake: FakeHaulmer, client: Haulmer, spelling: str
) -> None:
    _pay(fake, client, "Ana@Panadería.cl")
    client.accounts.forgot_password(spelling)
    emails = fake.outbox.for_address(spelling)
    assert [e.subject for e in emails].count(CREATE_PASSWORD) == 2  # at payment, and again
    client.accounts.create_password(
        emails[-1].link("create_password"), password=PASSWORD, confirmation=PASSWORD
    )
    session = client.accounts.login(spelling, PASSWORD)
    assert session.account.email == "Ana@Panadería.cl"
    me = client.with_options(access_token=session.access_token)
    assert len(me.myhaulmer.list_orders().items) == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "", "password": PASSWORD}, ["email"]),
        ({"email": "ana.rojas", "password": PASSWORD}, ["email"]),
        ({"email": "ana@example.cl", "password": ""}, ["password"]),
        ({"email": "ana@example.cl"}, ["password"]),
        ({"password": PASSWORD}, ["email"]),
        ({"email": 5, "password": None}, ["email", "password"]),
    ],
)
def test_the_fake_refuses_a_login_the_sdk_refuses_naming_each_field_wrong(
    fake: FakeHaulmer, body: dict[str, Any], fields: list[str]
) -> None:
    answer = _post(fake, "/v1/accounts/login", body)
    assert answer.status_code == 400
    assert [d["field"] for d in answer.json()["error"]["details"]] == fields
