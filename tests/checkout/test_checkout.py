"""Checkout: orders, payment method then medium, bank validation, the tax-document choice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from haulmer import Haulmer
from haulmer.checkout import Order, OrderStatus, PaymentMedium, PaymentMethod, TaxDocumentType
from haulmer.errors import (
    APIStatusError,
    ConfigurationError,
    ConflictError,
    InvalidRutError,
    NotFoundError,
    ServerError,
    StepOutOfOrderError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    ValidationError,
    WaitTimeoutError,
)
from haulmer.testing import FakeHaulmer
from journey.story import BUYER, BUYER_EMAIL, buy_and_pay, place_order

FACTURA_RECEIVER = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def _platform_refusal(fake: FakeHaulmer, path: str, body: Any) -> list[dict[str, Any]]:
    """The details of the fake platform's 400 to ``body`` posted raw to ``path`` (one the SDK
    refuses before sending): the platform refuses it too."""
    import json

    import httpx

    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            path, content=json.dumps(body), headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 400, answer.text
    details: list[dict[str, Any]] = answer.json()["error"]["details"]
    return details


def test_the_catalog_lists_products_plans_and_payment_methods(client: Haulmer) -> None:
    catalog = client.checkout.catalog()
    assert {p.code for p in catalog.products} == {"openfactura", "pos_device"}
    assert all(plan.durations == [1, 6, 12] for plan in catalog.plans)
    assert {m.code for m in catalog.payment_methods} == {m.value for m in PaymentMethod}


def test_an_order_gets_a_number_a_total_and_its_first_status(client: Haulmer) -> None:
    first = place_order(client)
    second = place_order(client, point_of_sale=False)
    assert second.number == first.number + 1
    assert first.total == 59_990 + 12 * 9_990
    assert first.status is OrderStatus.CREATED
    assert [c.status for c in first.status_history] == ["created"]
    assert str(first.buyer.rut) == "12345678-5"


def test_the_order_is_effective_only_once_the_bank_validates(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    order = client.checkout.choose_payment_medium(order.id, PaymentMedium.PREPAID_CARD)
    assert order.status is OrderStatus.AWAITING_BANK_VALIDATION
    assert order.bank_validation_expected_at is not None
    fake.clock.advance(minutes=1)
    assert not client.checkout.retrieve_order(order.id).is_paid
    assert fake.outbox.subjects(to=BUYER_EMAIL) == []  # "Compra exitosa" waits for the bank
    fake.clock.advance(minutes=1)
    order = client.checkout.retrieve_order(order.id)
    assert order.is_paid
    assert order.paid_at == order.bank_validation_expected_at
    assert len(fake.outbox.for_address(BUYER_EMAIL)) == 5


def test_a_payment_the_bank_rejects_leaves_the_order_unpaid(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    fake.platform_state.reject_next_payment = True
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, "webpay")
    client.checkout.choose_payment_medium(order.id, "credit_card")
    fake.clock.advance(minutes=5)
    order = client.checkout.retrieve_order(order.id)
    assert order.status is OrderStatus.PAYMENT_REJECTED
    assert fake.outbox.subjects(to=BUYER_EMAIL)[-1].startswith("Pago rechazado")
    assert not any("Contraseña" in s for s in fake.outbox.subjects())


def test_choosing_the_medium_before_the_method_is_refused_as_out_of_order(
    client: Haulmer,
) -> None:
    order = place_order(client)
    with pytest.raises(StepOutOfOrderError) as caught:
        client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
    assert caught.value.status_code == 409
    assert "payment method first" in caught.value.message


def test_paying_an_order_twice_is_a_conflict(fake: FakeHaulmer, client: Haulmer) -> None:
    order = buy_and_pay(fake, client)
    with pytest.raises(ConflictError) as caught:
        client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    assert caught.value.code == "already_done"


def test_a_medium_that_does_not_suit_the_method_is_refused_locally(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = place_order(client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="bank_transfer does not take credit_card"):
        client.checkout.choose_payment_medium(
            order.id, PaymentMedium.CREDIT_CARD, method=PaymentMethod.BANK_TRANSFER
        )
    with pytest.raises(ValidationError, match="unknown payment method"):
        client.checkout.choose_payment_method(order.id, "cash")
    with pytest.raises(ValidationError, match="unknown payment method 'cash'; use one of webpay"):
        client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD, method="cash")
    with pytest.raises(ValidationError, match="unknown payment medium 'coins'"):
        client.checkout.choose_payment_medium(order.id, "coins")
    assert len(fake.requests) == sent


def test_a_bad_buyer_rut_is_refused_before_any_request(fake: FakeHaulmer, client: Haulmer) -> None:
    with pytest.raises(InvalidRutError):
        client.checkout.create_order(
            buyer={**BUYER, "rut": "12.345.678-9"}, products={"openfactura": 1}
        )
    assert len(fake.requests) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "ana.example.com"}, "e-mail"),
        ({"phone": "12"}, "phone"),
        ({"name": ""}, "name"),
        ({"name": "Ana\nRojas"}, "buyer's name holds a control character \\(U\\+000A\\)"),
        ({"name": "Ana Rojas\x7f"}, "a control character \\(U\\+007F\\)"),
        ({"name": "Ana\ud83d Rojas"}, "a lone surrogate"),
    ],
)
def test_bad_buyer_data_is_refused_locally(
    fake: FakeHaulmer, client: Haulmer, change: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        client.checkout.create_order(buyer={**BUYER, **change}, products={"openfactura": 1})
    assert len(fake.requests) == 0


def test_the_platform_refuses_a_buyer_name_with_a_control_character(fake: FakeHaulmer) -> None:

    body = {
        "buyer": {**BUYER, "name": "Ana\x00Rojas"},
        "products": [{"code": "openfactura", "quantity": 1}],
    }
    details = _platform_refusal(fake, "/v1/orders", body)
    (detail,) = details
    assert detail["field"] == "buyer.name"
    assert "control character (U+0000)" in detail["issue"]


def test_a_buyer_name_longer_than_a_boleta_can_name_is_refused_here_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # The buyer's name is the one a boleta naming its buyer carries as RznSocRecep (100).

    long_name = "Ana " + "R" * 97  # 101 characters
    with pytest.raises(ValidationError, match="has 101 characters; at most 100"):
        client.checkout.create_order(
            buyer={**BUYER, "name": long_name}, products={"openfactura": 1}
        )
    assert len(fake.requests) == 0
    body = {
        "buyer": {**BUYER, "name": long_name},
        "products": [{"code": "openfactura", "quantity": 1}],
    }
    details = _platform_refusal(fake, "/v1/orders", body)
    (detail,) = details
    assert detail["field"] == "buyer.name"
    assert "at most 100" in detail["issue"]
    order = client.checkout.create_order(
        buyer={**BUYER, "name": long_name[:100]}, products={"openfactura": 1}
    )
    assert order.buyer.name == long_name[:100]


@pytest.mark.parametrize("months", ["12", " 6 "])
def test_a_plans_months_written_as_text_are_read_as_its_quantity_is(
    client: Haulmer, months: str
) -> None:
    # "12" was refused with pydantic's two-part union message, while a quantity "2" is read.
    order = client.checkout.create_order(
        buyer=BUYER, plans=[{"code": "pyme", "months": months, "quantity": "2"}]
    )
    assert [(plan.months, plan.quantity) for plan in order.plans] == [(int(months), 2)]


@pytest.mark.parametrize("months", ["3", "doce", "12.5"])
def test_a_plans_months_text_that_is_no_plan_length_says_the_lengths(
    client: Haulmer, months: str
) -> None:
    with pytest.raises(ValidationError, match="a plan lasts 1, 6 or 12 months") as caught:
        client.checkout.create_order(buyer=BUYER, plans=[{"code": "pyme", "months": months}])
    assert "literal" not in str(caught.value)


def test_plans_last_one_six_or_twelve_months(client: Haulmer) -> None:
    with pytest.raises(ValidationError, match="months"):
        client.checkout.create_order(buyer=BUYER, plans=[{"code": "pyme", "months": 3}])
    with pytest.raises(ValidationError, match="at least one product or plan"):
        client.checkout.create_order(buyer=BUYER)


def test_an_empty_product_code_or_zero_quantity_is_refused_locally(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    with pytest.raises(ValidationError, match="code"):
        client.checkout.create_order(buyer=BUYER, products={"": 1})
    with pytest.raises(ValidationError, match="quantity"):
        client.checkout.create_order(buyer=BUYER, products={"pos_device": 0})
    assert len(fake.requests) == 0


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ({"products": None}, r"products maps a product code to a quantity .*got NoneType"),
        ({"products": 5}, r"products maps a product code to a quantity .*got int"),
        ({"products": "pos_device"}, r"products maps a product code to a quantity .*got str"),
        ({"plans": None}, r"plans is a list of plan lines .*got NoneType"),
        ({"plans": "pyme"}, r"plans is a list of plan lines .*got str"),
        ({"plans": {"code": "pyme", "months": 12}}, r"one plan line: put it in a list"),
        ({"products": {"code": "pos_device", "quantity": 2}}, r"one product line: put it in"),
    ],
)
def test_products_or_plans_of_the_wrong_kind_are_refused_locally_saying_what_goes_there(
    fake: FakeHaulmer, client: Haulmer, lines: dict[str, Any], said: str
) -> None:
    """``plans=None`` and ``products=None`` raised a bare TypeError ("'NoneType' object is not
    iterable"), and one plan line not put in a list was read key by key, each refused as "a
    valid dictionary" though it was one."""
    with pytest.raises(ValidationError, match=said):
        client.checkout.create_order(buyer=BUYER, **lines)
    assert len(fake.requests) == 0


def test_an_unknown_product_is_a_bad_request_with_details(client: Haulmer) -> None:
    from haulmer.errors import BadRequestError

    with pytest.raises(BadRequestError) as caught:
        client.checkout.create_order(buyer=BUYER, products={"laptop": 1})
    assert caught.value.code == "validation_failed"
    assert caught.value.details[0].field == "products[0].code"


def test_a_factura_needs_the_receivers_data(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    with pytest.raises(ValidationError, match="razon_social"):
        client.checkout.choose_tax_document(link, document="factura", receiver={"rut": "1-9"})
    with pytest.raises(InvalidRutError):
        client.checkout.choose_tax_document(
            link, document="factura", receiver={**FACTURA_RECEIVER, "rut": "76430498-4"}
        )
    order = client.checkout.choose_tax_document(
        link, document=TaxDocumentType.FACTURA, receiver=FACTURA_RECEIVER
    )
    assert order.tax_document is not None
    assert order.tax_document.receiver is not None
    assert order.tax_document.receiver.razon_social == "HOSTY SPA"
    assert order.status_history[-1].note == "tax document: factura"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "razon_social",
            "R" * 101,
            "razon_social has 101 characters, more than the 100 the SII's RznSocRecep",
        ),
        ("giro", "G" * 41, "giro has 41 characters, more than the 40 the SII's GiroRecep"),
        ("direccion", "D" * 71, "direccion has 71 characters, more than the 70 the SII's DirRecep"),
        ("comuna", "C" * 21, "comuna has 21 characters, more than the 20 the SII's CmnaRecep"),
        (
            "email",
            "a" * 76 + "@x.cl",
            "email has 81 characters, more than the 80 the SII's CorreoRecep",
        ),
        ("comuna", "Curicó ✓", r"comuna: '✓' \(U\+2713\) cannot be written in a DTE's CmnaRecep"),
        ("direccion", "Arturo Prat\n527", "direccion holds a control character \\(U\\+000A\\)"),
        (
            "rut",
            "66666666-6",
            "the RUT 66666666-6 is the SII's generic RUT of a boleta's anonymous buyer, no "
            "company's",
        ),
        ("rut", "55.555.555-5", "the RUT 55555555-5 is the RUT the SII has an export carry"),
    ],
)
def test_a_factura_receiver_the_sii_would_refuse_is_refused_before_sending_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, field: str, value: str, says: str
) -> None:

    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    receiver = {**FACTURA_RECEIVER, field: value}
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        client.checkout.choose_tax_document(link, document="factura", receiver=receiver)
    assert len(fake.requests) == sent
    body = {"token": link, "type": "factura", "receiver": receiver}
    details = _platform_refusal(fake, "/v1/orders/tax-document", body)
    (detail,) = details
    assert detail["field"] == f"receiver.{field}"
    assert re.search(says.removeprefix(f"{field}: "), detail["issue"])
    order = client.checkout.choose_tax_document(link, document="factura", receiver=FACTURA_RECEIVER)
    assert order.issued_document is not None  # the link still works once corrected


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"reciever": {"rut": "76430498-5"}}, "reciever"),
        ({"receiver": {"rut": "76430498-5", "razon_socal": "HOSTY SPA"}}, "receiver.razon_socal"),
    ],
)
def test_the_platform_refuses_a_field_the_tax_document_choice_does_not_have_and_keeps_the_link(
    fake: FakeHaulmer, client: Haulmer, extra: dict[str, Any], field: str
) -> None:
    """A misspelt receiver (or field of it) was dropped unsaid, and the boleta issued without
    it, spending the link."""
    order = buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    details = _platform_refusal(
        fake, "/v1/orders/tax-document", {"token": link, "type": "boleta", **extra}
    )
    assert [detail["field"] for detail in details] == [field]
    assert client.checkout.retrieve_order(order.id).tax_document is None
    chosen = client.checkout.choose_tax_document(link, document="boleta")
    assert chosen.issued_document is not None  # the link still works once corrected


def test_a_boleta_for_the_purchase_may_name_the_generic_receiver(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    order = client.checkout.choose_tax_document(
        link, document="boleta", receiver={"rut": "66666666-6"}
    )
    assert order.tax_document is not None
    assert order.tax_document.receiver is not None
    assert str(order.tax_document.receiver.rut) == "66666666-6"


def test_a_factura_receiver_at_the_sii_s_lengths_is_taken(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    longest = {
        "rut": "76430498-5",
        "razon_social": "R" * 100,
        "giro": "G" * 40,
        "direccion": "D" * 70,
        "comuna": "C" * 20,
        "email": "a" * 75 + "@x.cl",
    }
    order = client.checkout.choose_tax_document(link, document="factura", receiver=longest)
    assert order.tax_document is not None
    assert order.tax_document.receiver is not None
    assert order.tax_document.receiver.email == longest["email"]


def test_the_tax_document_link_works_once(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").link("choose_tax_document")
    client.checkout.choose_tax_document(link, document="boleta")
    with pytest.raises(TokenAlreadyUsedError) as caught:
        client.checkout.choose_tax_document(link, document="boleta")
    assert link.token not in str(caught.value)
    assert "retrieve_order(order_id).tax_document" in caught.value.hint
    assert "forgot_password" not in caught.value.hint


def test_the_tax_document_link_expires_after_72_hours(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    fake.clock.advance(hours=72)
    with pytest.raises(TokenExpiredError):
        client.checkout.choose_tax_document(link, document="boleta")


def test_the_72_hours_of_a_link_are_elapsed_time_across_a_dst_change(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # 5 September 2027 loses an hour (midnight is 01:00): 72 h later is 13:00 by the wall clock.
    fake.clock.set(datetime(2027, 9, 2, 12, 0))
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    fake.clock.advance(hours=71, minutes=30)
    order = client.checkout.choose_tax_document(link, document="boleta")
    assert order.tax_document is not None


def test_wait_for_payment_polls_on_the_client_clock_until_the_bank_answers(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    with pytest.raises(WaitTimeoutError) as caught:
        client.checkout.wait_for_payment(order.id, timeout=0)
    assert caught.value.last.status is OrderStatus.PAYMENT_METHOD_SELECTED
    client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
    before = fake.clock.now()
    order = client.checkout.wait_for_payment(order.id, poll_interval=30)
    assert order.is_paid
    assert fake.clock.now() - before == timedelta(minutes=2)


def test_a_wait_for_an_order_that_never_reached_the_bank_names_the_choice_still_missing(
    client: Haulmer,
) -> None:
    order = place_order(client)
    with pytest.raises(WaitTimeoutError) as caught:
        client.checkout.wait_for_payment(order.id, timeout=0)
    assert "no payment method nor medium was chosen yet" in str(caught.value)
    assert "choose_payment_method()" in str(caught.value)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    with pytest.raises(WaitTimeoutError) as caught:
        client.checkout.wait_for_payment(order.id, timeout=0)
    assert "no payment medium was chosen yet" in str(caught.value)
    assert "the bank has not validated" not in str(caught.value)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
    with pytest.raises(WaitTimeoutError) as caught:
        client.checkout.wait_for_payment(order.id, timeout=0)
    assert "the bank has not validated the payment yet" in str(caught.value)


def test_wait_for_payment_passes_extra_headers_and_max_retries_to_each_poll(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)
    polls_before = len(fake.requests.for_route("checkout.retrieve_order"))
    client.checkout.wait_for_payment(
        order.id, poll_interval=30, extra_headers={"X-Trace": "erp-7"}, max_retries=0
    )
    polls = fake.requests.for_route("checkout.retrieve_order")[polls_before:]
    assert len(polls) == 5
    assert all(poll.headers["X-Trace"] == "erp-7" for poll in polls)


def _paying_order(client: Haulmer) -> Order:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    return client.checkout.choose_payment_medium(order.id, PaymentMedium.CREDIT_CARD)


def test_wait_for_payment_rides_out_server_errors_until_the_bank_answers(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = _paying_order(client)
    fake.control.fail_next("checkout.retrieve_order", status=503, times=3)
    before = fake.clock.now()
    order = client.checkout.wait_for_payment(order.id, poll_interval=30, max_retries=0)
    assert order.is_paid
    assert fake.clock.now() - before == timedelta(minutes=2)


def test_wait_for_payment_times_out_naming_the_last_failure(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    order = _paying_order(client)
    fake.control.fail_next("checkout.retrieve_order", status=503, times=1000)
    with pytest.raises(WaitTimeoutError, match="The last poll failed: HTTP 503") as caught:
        client.checkout.wait_for_payment(order.id, timeout=300, poll_interval=30, max_retries=0)
    assert caught.value.last is None
    assert caught.value.waited == 300
    assert isinstance(caught.value.__cause__, ServerError)
    assert "apikey" not in str(caught.value).lower()


def test_wait_for_payment_keeps_the_last_status_seen_when_failures_end_the_wait(
    fake: FakeHaulmer, client: Haulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    sleep = client._sleep

    def connection_drops_after_the_first_poll(seconds: float) -> None:
        fake.control.drop_connection("checkout.retrieve_order", times=1000)
        sleep(seconds)

    monkeypatch.setattr(client, "_sleep", connection_drops_after_the_first_poll)
    with pytest.raises(WaitTimeoutError, match="the connection failed") as caught:
        client.checkout.wait_for_payment(order.id, timeout=60, poll_interval=30, max_retries=0)
    assert caught.value.last.status is OrderStatus.PAYMENT_METHOD_SELECTED
    assert "still 'payment_method_selected' after 60 s" in str(caught.value)


@pytest.mark.parametrize("status", [401, 404, 409])
def test_wait_for_payment_fails_at_once_on_an_error_that_will_not_go_away(
    fake: FakeHaulmer, client: Haulmer, status: int
) -> None:
    order = _paying_order(client)
    fake.control.fail_next("checkout.retrieve_order", status=status, times=1000)
    polls_before = len(fake.requests.for_route("checkout.retrieve_order"))
    before = fake.clock.now()
    with pytest.raises(APIStatusError) as caught:
        client.checkout.wait_for_payment(order.id, poll_interval=30)
    assert caught.value.status_code == status
    assert len(fake.requests.for_route("checkout.retrieve_order")) == polls_before + 1
    assert fake.clock.now() == before


async def test_the_async_wait_for_payment_rides_out_dropped_connections_and_rate_limits(
    fake: FakeHaulmer,
) -> None:
    async with fake.async_client(max_retries=0) as client:
        order = await client.checkout.create_order(buyer=BUYER, products={"pos_device": 1})
        await client.checkout.choose_payment_method(order.id, "webpay")
        await client.checkout.choose_payment_medium(order.id, "credit_card")
        fake.control.drop_connection("checkout.retrieve_order", times=2)
        fake.control.fail_next("checkout.retrieve_order", status=429, retry_after=90)
        before = fake.clock.now()
        order = await client.checkout.wait_for_payment(order.id, poll_interval=30)
    assert order.is_paid
    assert fake.clock.now() - before == timedelta(seconds=30 + 30 + 90)


async def test_the_async_wait_for_payment_fails_at_once_on_an_unknown_order(
    fake: FakeHaulmer,
) -> None:
    async with fake.async_client() as client:
        with pytest.raises(NotFoundError):
            await client.checkout.wait_for_payment("ord_missing", poll_interval=30)


async def test_wait_for_payment_reports_a_rejection(fake: FakeHaulmer) -> None:
    fake.platform_state.reject_next_payment = True
    async with fake.async_client() as client:
        order = await client.checkout.create_order(buyer=BUYER, products={"pos_device": 1})
        await client.checkout.choose_payment_method(order.id, "bank_transfer")
        await client.checkout.choose_payment_medium(order.id, "bank_account")
        order = await client.checkout.wait_for_payment(order.id)
    assert order.status is OrderStatus.PAYMENT_REJECTED


def test_a_retry_after_a_dropped_connection_does_not_buy_twice(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    fake.control.drop_connection("checkout.create_order", when="after")
    order = client.checkout.create_order(buyer=BUYER, products={"openfactura": 1})
    attempts = fake.requests.for_route("checkout.create_order")
    assert len(attempts) == 2
    assert attempts[0].headers["Idempotency-Key"] == attempts[1].headers["Idempotency-Key"]
    assert attempts[1].status == 201
    assert attempts[1].response == attempts[0].response  # the first answer, replayed
    assert order.number == 100_001
    assert client.checkout.create_order(buyer=BUYER, products={"openfactura": 1}).number == 100_002


def test_the_same_idempotency_key_answers_the_same_order_for_24_hours(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    first = client.checkout.create_order(
        buyer=BUYER, products={"openfactura": 1}, idempotency_key="k1"
    )
    again = client.checkout.create_order(
        buyer=BUYER, products={"openfactura": 1}, idempotency_key="k1"
    )
    assert again.id == first.id
    fake.clock.advance(hours=24)
    later = client.checkout.create_order(
        buyer=BUYER, products={"openfactura": 1}, idempotency_key="k1"
    )
    assert later.id != first.id


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_haulmer_has_no_public_platform_url_so_the_sdk_does_not_invent_one(
    environment: str,
) -> None:
    with (
        Haulmer(api_key="0" * 32, environment=environment) as sdk,
        pytest.raises(ConfigurationError, match="publishes no public API"),
    ):
        sdk.checkout.catalog()


@pytest.mark.parametrize("suffix", ["#", "?x=1", "%2F..%2F..%2Faccounts%2Fme"])
def test_an_order_id_that_would_reach_another_path_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer, suffix: str
) -> None:
    order = place_order(client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="order_id must be an order's id"):
        client.checkout.choose_payment_method(order.id + suffix, PaymentMethod.WEBPAY)
    with pytest.raises(ValidationError, match="order_id must be an order's id"):
        client.checkout.retrieve_order(order.id + suffix)
    assert len(fake.requests) == sent


def test_true_is_no_quantity_nor_duration_for_the_sdk(fake: FakeHaulmer, client: Haulmer) -> None:
    with pytest.raises(ValidationError, match="quantity: a whole number, not True"):
        client.checkout.create_order(buyer=BUYER, products={"pos_device": True})
    with pytest.raises(ValidationError, match="months: a whole number, not True"):
        client.checkout.create_order(buyer=BUYER, plans=[{"code": "pyme", "months": True}])
    with pytest.raises(ValidationError, match="quantity: a whole number, not True"):
        client.checkout.create_order(
            buyer=BUYER, plans=[{"code": "pyme", "months": 12, "quantity": True}]
        )
    assert len(fake.requests) == 0


def test_true_is_no_duration_for_the_platform(fake: FakeHaulmer) -> None:

    body = {
        "buyer": {**BUYER, "rut": "12345678-5"},
        "plans": [{"code": "pyme", "quantity": 1, "months": True}],
    }
    details = _platform_refusal(fake, "/v1/orders", body)
    assert [d["field"] for d in details] == ["plans[0].months"]


def test_an_order_buys_at_most_a_thousand_of_each_product_before_sending(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    too_many = "at most 1000 of each product or plan; 'pos_device' has 1000000000"
    with pytest.raises(ValidationError, match=too_many):
        client.checkout.create_order(buyer=BUYER, products={"pos_device": 10**9})
    halves = [{"code": "pos_device", "quantity": 600}, {"code": "pos_device", "quantity": 600}]
    with pytest.raises(ValidationError, match="'pos_device' has 1200"):
        client.checkout.create_order(buyer=BUYER, products=halves)
    assert len(fake.requests) == 0
    order = client.checkout.create_order(buyer=BUYER, products={"pos_device": 1000})
    assert order.products[0].quantity == 1000


def test_the_platform_refuses_more_than_a_thousand_devices_in_one_order(fake: FakeHaulmer) -> None:

    body = {
        "buyer": {**BUYER, "rut": "12345678-5"},
        "products": [
            {"code": "pos_device", "quantity": 999},
            {"code": "pos_device", "quantity": 2},
        ],
    }
    details = _platform_refusal(fake, "/v1/orders", body)
    (detail,) = details
    assert detail == {
        "field": "products[1].quantity",
        "issue": "at most 1000 pos_device in one order",
    }


def test_a_buyer_name_of_blanks_is_refused_locally(fake: FakeHaulmer, client: Haulmer) -> None:
    with pytest.raises(ValidationError, match="name"):
        client.checkout.create_order(buyer={**BUYER, "name": "   "}, products={"openfactura": 1})
    assert len(fake.requests) == 0


def test_the_buyer_name_is_sent_trimmed(fake: FakeHaulmer, client: Haulmer) -> None:
    order = client.checkout.create_order(
        buyer={**BUYER, "name": "  Ana Rojas  "}, products={"openfactura": 1}
    )
    assert order.buyer.name == "Ana Rojas"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"giro": "   "}, "giro is blank"),
        ({"email": "contabilidad.example.cl"}, "not an e-mail address"),
    ],
)
def test_a_blank_receiver_text_or_an_e_mail_that_is_none_is_refused_locally(
    fake: FakeHaulmer, client: Haulmer, change: dict[str, str], message: str
) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=message):
        client.checkout.choose_tax_document(
            link, document="factura", receiver={**FACTURA_RECEIVER, **change}
        )
    with pytest.raises(ValidationError, match="blank"):
        client.checkout.choose_tax_document(
            link, document="boleta", receiver={"rut": "76430498-5", "razon_social": ""}
        )
    assert len(fake.requests) == sent


def test_the_receivers_e_mail_may_have_a_plus_and_subdomains(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    link = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    email = "conta+dte@facturas.sub.example.cl"
    order = client.checkout.choose_tax_document(
        link, document="factura", receiver={**FACTURA_RECEIVER, "email": f" {email} "}
    )
    assert order.tax_document is not None
    assert order.tax_document.receiver is not None
    assert order.tax_document.receiver.email == email


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"products": [{"code": ["pos_device"], "quantity": 1}]}, "products[0].code"),
        ({"products": [{"code": {"pos_device": 1}, "quantity": 1}]}, "products[0].code"),
        ({"plans": [{"code": ["pyme"], "quantity": 1, "months": 12}]}, "plans[0].code"),
        ({"plans": [{"code": "pyme", "quantity": 1, "months": 12.0}]}, "plans[0].months"),
    ],
)
def test_the_platform_refuses_a_line_whose_code_is_not_text_or_months_not_whole(
    fake: FakeHaulmer, line: dict[str, object], field: str
) -> None:

    details = _platform_refusal(fake, "/v1/orders", {"buyer": BUYER, **line})
    assert [detail["field"] for detail in details] == [field]


@pytest.mark.parametrize("value", [["webpay"], {"webpay": 1}, 1])
def test_the_platform_refuses_a_payment_method_or_medium_that_is_not_text(
    fake: FakeHaulmer, client: Haulmer, value: object
) -> None:
    import httpx

    order = place_order(client)
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        method = http.post(f"/v1/orders/{order.id}/payment-method", json={"method": value})
        assert method.status_code == 400
        assert method.json()["error"]["details"][0]["field"] == "method"
        http.post(f"/v1/orders/{order.id}/payment-method", json={"method": "webpay"})
        medium = http.post(f"/v1/orders/{order.id}/payment-medium", json={"medium": value})
    assert medium.status_code == 400
    assert medium.json()["error"]["details"][0]["field"] == "medium"


@pytest.mark.parametrize(
    ("lines", "unknown"),
    [
        ({"products": [{"code": "pos_device", "qty": 5}]}, "qty"),
        ({"plans": [{"code": "pyme", "months": 12, "cantidad": 3}]}, "cantidad"),
        (
            {"products": {"openfactura": 1}, "buyer": {**BUYER, "card_number": "4111"}},
            "card_number",
        ),
    ],
)
def test_a_misspelt_or_unknown_field_of_an_order_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer, lines: dict[str, object], unknown: str
) -> None:
    before = len(fake.requests)
    with pytest.raises(ValidationError, match=f"no field '{unknown}'") as caught:
        client.checkout.create_order(**{"buyer": BUYER, **lines})  # type: ignore[arg-type]
    assert "4111" not in str(caught.value)
    assert len(fake.requests) == before


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ({"products": [{"code": "pos_device", "quantity": 2, "unit_price": 49990}]}, "unit_price"),
        ({"plans": [{"code": "pyme", "months": 12, "monthly_price": 9990}]}, "monthly_price"),
        ({"plans": [{"code": "pyme", "months": 12, "name": "Plan Pyme rebajado"}]}, "name"),
    ],
)
def test_a_price_or_name_given_in_an_order_line_is_refused_not_dropped_unsaid(
    fake: FakeHaulmer, client: Haulmer, lines: dict[str, Any], field: str
) -> None:
    """A line's price and name are the catalog's, which the platform sets: given in a dict, the
    SDK dropped them unsaid, and the order charged the catalog's price instead."""
    with pytest.raises(ValidationError, match=f"{field} is the catalog's.*leave it out"):
        client.checkout.create_order(buyer=BUYER, **lines)
    assert len(fake.requests) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"products": [{"code": "pos_device", "quantity": 2, "unit_price": 49990}]},
            ["products[0].unit_price"],
        ),
        (
            {"plans": [{"code": "pyme", "months": 12, "monthly_price": 1}]},
            ["plans[0].monthly_price"],
        ),
        ({"products": [{"code": "pos_device", "qty": 2, "quantity": 1}]}, ["products[0].qty"]),
        ({"products": [{"code": "openfactura", "quantity": 1}], "coupon": "X"}, ["coupon"]),
    ],
)
def test_the_platform_refuses_a_field_an_order_does_not_have_naming_it(
    fake: FakeHaulmer, body: dict[str, Any], fields: list[str]
) -> None:
    """The fake dropped such a field unsaid (a price that was not charged, a misspelt field),
    where the SDK refuses it before sending and a point's sale refuses it on the platform."""
    details = _platform_refusal(fake, "/v1/orders", {"buyer": BUYER, **body})
    assert [detail["field"] for detail in details] == fields
    assert not fake.platform_state.orders


def test_the_lines_of_an_order_read_back_buy_the_same_again(client: Haulmer) -> None:
    first = client.checkout.create_order(
        buyer=BUYER, products={"pos_device": 2}, plans=[{"code": "pyme", "months": 6}]
    )
    again = client.checkout.create_order(buyer=BUYER, products=first.products, plans=first.plans)
    assert (again.total, again.products, again.plans) == (first.total, first.products, first.plans)


def test_a_buyer_model_sends_only_the_contract_fields(fake: FakeHaulmer, client: Haulmer) -> None:
    import json

    from haulmer.checkout import Buyer

    buyer = Buyer.model_validate({**BUYER, "card_number": "4111111111111111"})
    client.checkout.create_order(buyer=buyer, products={"openfactura": 1})
    sent = json.loads(fake.requests[-1].content)["buyer"]
    assert set(sent) == {"name", "email", "rut", "phone"}


def test_a_misspelt_receiver_field_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    email = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Boleta o factura")
    before = len(fake.requests)
    with pytest.raises(ValidationError, match="no field 'correo'"):
        client.checkout.choose_tax_document(
            email,
            document="factura",
            receiver={**FACTURA_RECEIVER, "correo": "pagos@hosty.cl"},
        )
    assert len(fake.requests) == before


@pytest.mark.parametrize("phone", ["()()()()()", "--------", "+ ( ) - ( ) -", "1234-()()()"])
def test_a_phone_with_fewer_than_eight_digits_is_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, phone: str
) -> None:

    with pytest.raises(ValidationError, match="phone"):
        client.checkout.create_order(buyer={**BUYER, "phone": phone}, products={"openfactura": 1})
    assert len(fake.requests) == 0
    body = {
        "buyer": {**BUYER, "phone": phone},
        "products": [{"code": "openfactura", "quantity": 1}],
    }
    details = _platform_refusal(fake, "/v1/orders", body)
    assert [d["field"] for d in details] == ["buyer.phone"]


@pytest.mark.parametrize(
    "phone", ["+56 9 8765 4321", "(2) 2345 6789", "912345678", "+1-202-555-0143"]
)
def test_a_phone_of_eight_digits_or_more_is_taken(client: Haulmer, phone: str) -> None:
    order = client.checkout.create_order(
        buyer={**BUYER, "phone": phone}, products={"openfactura": 1}
    )
    assert order.buyer.phone == phone


@pytest.mark.parametrize("retry_after", [50, 3600])
def test_wait_for_payment_retries_a_poll_no_later_than_its_deadline(
    fake: FakeHaulmer, client: Haulmer, retry_after: int
) -> None:
    """The poll's own retries (max_retries) keep to the whole wait's timeout: a Retry-After
    that ends past it is the WaitTimeoutError at once, not slept first (50 s, then 50 more)."""
    order = _paying_order(client)
    fake.control.fail_next(
        "checkout.retrieve_order", status=503, retry_after=retry_after, times=1000
    )
    before = fake.clock.now()
    with pytest.raises(WaitTimeoutError, match="asked to retry in") as caught:
        client.checkout.wait_for_payment(order.id, timeout=60, poll_interval=10)
    waited = (fake.clock.now() - before).total_seconds()
    assert waited <= 60
    assert caught.value.waited <= 60


async def test_the_async_wait_for_payment_retries_a_poll_no_later_than_its_deadline(
    fake: FakeHaulmer,
) -> None:
    async with fake.async_client() as client:
        order = await client.checkout.create_order(buyer=BUYER, products={"pos_device": 1})
        await client.checkout.choose_payment_method(order.id, "webpay")
        await client.checkout.choose_payment_medium(order.id, "credit_card")
        fake.control.fail_next("checkout.retrieve_order", status=429, retry_after=45, times=1000)
        before = fake.clock.now()
        with pytest.raises(WaitTimeoutError):
            await client.checkout.wait_for_payment(order.id, timeout=60, poll_interval=10)
    assert (fake.clock.now() - before).total_seconds() <= 60


def _read_timeouts(fake: FakeHaulmer, **options: Any) -> tuple[Haulmer, list[float | None]]:
    """A client of ``fake`` and the read timeout of each request it sends, as httpx got it."""
    import httpx

    seen: list[float | None] = []
    http = httpx.Client(
        transport=fake.transport,
        event_hooks={"request": [lambda r: seen.append(r.extensions["timeout"]["read"])]},
    )
    return fake.client(http_client=http, **options), seen


def test_a_waits_polls_get_no_more_http_timeout_than_is_left_of_it(fake: FakeHaulmer) -> None:
    """A poll that hangs ends near the wait's deadline: its HTTP timeout (120 s, the client's)
    is cut to what is left of the wait, so wait_for_payment(timeout=60) cannot take 60 + 120 s."""
    client, seen = _read_timeouts(fake, timeout=120)
    with client:
        order = _paying_order(client)
        seen.clear()
        with pytest.raises(WaitTimeoutError):
            client.checkout.wait_for_payment(order.id, timeout=60, poll_interval=25)
        assert client.checkout.retrieve_order(order.id).id == order.id  # not a wait: untouched
    # Polls at 0, 25, 50 and 60 s (the last one at the deadline, given the shortest time);
    # then the plain call, with the client's timeout.
    assert seen == [60, 35, 10, 1, 120]


def test_a_poll_near_its_deadline_still_gets_a_second_to_answer(fake: FakeHaulmer) -> None:
    client, seen = _read_timeouts(fake, timeout=None)
    with client:
        order = _paying_order(client)
        seen.clear()
        with pytest.raises(WaitTimeoutError):
            client.checkout.wait_for_payment(order.id, timeout=0)
    assert seen == [1.0]


async def test_an_async_waits_polls_get_no_more_http_timeout_than_is_left_of_it(
    fake: FakeHaulmer,
) -> None:
    import httpx

    seen: list[float | None] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request.extensions["timeout"]["read"])

    http = httpx.AsyncClient(transport=fake.transport, event_hooks={"request": [record]})
    async with fake.async_client(http_client=http, timeout=120) as client:
        order = await client.checkout.create_order(buyer=BUYER, products={"pos_device": 1})
        await client.checkout.choose_payment_method(order.id, "webpay")
        await client.checkout.choose_payment_medium(order.id, "credit_card")
        seen.clear()
        with pytest.raises(WaitTimeoutError):
            await client.checkout.wait_for_payment(order.id, timeout=60, poll_interval=25)
    assert seen == [60, 35, 10, 1]
