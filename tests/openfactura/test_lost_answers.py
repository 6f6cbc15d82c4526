"""An emission whose answer was lost never ends in an error saying nothing was done.

The fake issues the document and drops the connection after acting (a lost answer); the
retries that follow are refused (connection refused, 429, 5xx) or time out. Whatever error ends
the call says the document may exist and names the idempotency key to repeat with; repeating
with it returns that document, and nothing is issued twice. A single failed attempt
(``max_retries=0``) that may have acted says the same. Keyed platform POSTs behave alike.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientClosedError,
    RateLimitError,
    RateLimiterUnavailableError,
    ServerError,
)
from haulmer.openfactura.sandbox import HAULMER_DEMO
from haulmer.ratelimit import Booking, RateLimiter
from haulmer.testing import FakeHaulmer

FECHA = dt.date(2026, 11, 27)
EMIT = "openfactura.documents.emit"


def _boleta() -> dte.Document:
    return dte.boleta(
        emisor={
            "rut": str(HAULMER_DEMO.rut),
            "razon_social": HAULMER_DEMO.razon_social,
            "giro": HAULMER_DEMO.giro,
            "actecos": [HAULMER_DEMO.acteco],
            "direccion": HAULMER_DEMO.direccion,
            "comuna": HAULMER_DEMO.comuna,
            "cdg_sii_sucur": int(HAULMER_DEMO.cdg_sii_sucur),
        },
        lines=[{"nombre": "Marraqueta", "cantidad": 3, "precio": 150}],
        fecha=FECHA,
    )


def _refused(fake: FakeHaulmer) -> None:
    fake.control.drop_connection(EMIT, when="before", times=5)


def _rate_limited(fake: FakeHaulmer) -> None:
    fake.control.fail_next(EMIT, status=429, times=5, retry_after=1)


def _unavailable(fake: FakeHaulmer) -> None:
    fake.control.fail_next(EMIT, status=503, times=5)


def _timing_out(fake: FakeHaulmer) -> None:
    fake.control.slow(EMIT, seconds=120, times=5)


THEN: dict[str, tuple[Callable[[FakeHaulmer], None], type[APIError]]] = {
    "refused": (_refused, APIConnectionError),
    "rate_limited": (_rate_limited, RateLimitError),
    "unavailable": (_unavailable, ServerError),
    "timing_out": (_timing_out, APITimeoutError),
}


def _says_the_document_may_exist(
    error: APIError | ClientClosedError | RateLimiterUnavailableError, key: str
) -> None:
    text = str(error)
    assert "the document may exist" in text
    assert f"idempotency_key={key!r}" in text
    assert error.may_have_been_carried_out
    assert error.idempotency_key == key
    if isinstance(error, APIConnectionError):
        assert error.request_sent
        assert "could not connect" not in text or "may have been carried out" in text


@pytest.mark.parametrize("then", sorted(THEN))
def test_a_lost_answer_then_refused_retries_names_the_key_sync(then: str) -> None:
    fake = FakeHaulmer()
    fault, kind = THEN[then]
    fake.control.drop_connection(EMIT, when="after")
    fault(fake)
    with fake.client(timeout=30) as client:
        with pytest.raises(kind) as caught:
            client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
        _says_the_document_may_exist(caught.value, "sale-1")
        assert len(fake.openfactura_state.documents) == 1  # the lost answer's document
        fake.control.clear()
        again = client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
    assert again.already_issued
    assert again.token == fake.openfactura_state.documents[0].token
    assert len(fake.openfactura_state.documents) == 1


@pytest.mark.parametrize("then", sorted(THEN))
async def test_a_lost_answer_then_refused_retries_names_the_key_async(then: str) -> None:
    fake = FakeHaulmer()
    fault, kind = THEN[then]
    fake.control.drop_connection(EMIT, when="after")
    fault(fake)
    async with fake.async_client(timeout=30) as client:
        with pytest.raises(kind) as caught:
            await client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
    _says_the_document_may_exist(caught.value, "sale-1")
    assert len(fake.openfactura_state.documents) == 1


def test_a_client_closed_by_another_thread_while_the_call_waits_to_retry_names_the_key() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection(EMIT, when="after")
    waiting, closed = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:  # the retry's wait, while another thread shuts down
        waiting.set()
        closed.wait(timeout=30)

    client = fake.client(sleep=sleep)

    def shut_down() -> None:
        waiting.wait(timeout=30)
        client.close()
        closed.set()

    closer = threading.Thread(target=shut_down)
    closer.start()
    with pytest.raises(ClientClosedError) as caught:
        client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
    closer.join()
    assert str(caught.value).startswith("This Haulmer is closed")
    _says_the_document_may_exist(caught.value, "sale-1")
    assert len(fake.openfactura_state.documents) == 1


class _StoreGoneAfterOneBooking(RateLimiter):
    """A shared limiter whose store stops answering after the first booking."""

    def __init__(self) -> None:
        self.booked = 0

    def book(self, bucket: str) -> Booking:
        self.booked += 1
        if self.booked > 1:
            raise RateLimiterUnavailableError(
                "The shared rate limiter at redis://cache:6379/0 could not be used "
                "(ConnectionError): nothing was sent."
            )
        return Booking(bucket, self.booked, 0.0)

    def release(self, booking: Booking) -> None:
        return

    def hold(self, bucket: str, seconds: float) -> None:
        return


def test_a_rate_limiter_lost_between_attempts_names_the_key() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection(EMIT, when="after")
    limiter = _StoreGoneAfterOneBooking()
    client = fake.client(rate_limit=limiter)
    with pytest.raises(RateLimiterUnavailableError) as caught:
        client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
    _says_the_document_may_exist(caught.value, "sale-1")
    assert len(fake.openfactura_state.documents) == 1


def test_a_rate_limiter_lost_before_any_attempt_says_nothing_may_exist() -> None:
    fake = FakeHaulmer()
    limiter = _StoreGoneAfterOneBooking()
    limiter.booked = 1
    client = fake.client(rate_limit=limiter)
    with pytest.raises(RateLimiterUnavailableError) as caught:
        client.openfactura.documents.emit(_boleta(), idempotency_key="sale-1")
    assert not caught.value.may_have_been_carried_out
    assert "may exist" not in str(caught.value)
    assert fake.openfactura_state.documents == []


def test_a_derived_key_is_named_too() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection(EMIT, when="after")
    _refused(fake)
    with fake.client() as client, pytest.raises(APIConnectionError) as caught:
        client.openfactura.documents.emit(_boleta())
    key = caught.value.idempotency_key
    assert key
    assert f"idempotency_key={key!r}" in str(caught.value)
    assert fake.requests[-1].headers["Idempotency-Key"] == key


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (lambda fake: fake.control.fail_next(EMIT, status=500), ServerError),
        (lambda fake: fake.control.fail_next(EMIT, status=502), ServerError),
        (lambda fake: fake.control.slow(EMIT, seconds=120), APITimeoutError),
        (lambda fake: fake.control.drop_connection(EMIT, when="after"), APIConnectionError),
    ],
)
def test_one_attempt_that_may_have_acted_names_the_key(
    fault: Callable[[FakeHaulmer], Any], kind: type[APIError]
) -> None:
    fake = FakeHaulmer()
    fault(fake)
    with fake.client(timeout=30) as client, pytest.raises(kind) as caught:
        client.openfactura.documents.emit(_boleta(), idempotency_key="sale-2", max_retries=0)
    _says_the_document_may_exist(caught.value, "sale-2")


@pytest.mark.parametrize("status", [400, 429])
def test_an_attempt_the_server_refused_says_nothing_of_the_kind(status: int) -> None:
    fake = FakeHaulmer()
    fake.control.fail_next(EMIT, status=status, times=5, retry_after=1)
    with fake.client() as client, pytest.raises(APIError) as caught:
        client.openfactura.documents.emit(_boleta(), idempotency_key="sale-3")
    assert not caught.value.may_have_been_carried_out
    assert "may exist" not in str(caught.value)
    assert fake.openfactura_state.documents == []


def test_a_keyed_platform_post_says_what_may_exist() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection("checkout.create_order", when="after")
    fake.control.drop_connection("checkout.create_order", when="before", times=5)
    buyer = {
        "rut": "12345678-5",
        "name": "Ana Pérez",
        "email": "ana@example.com",
        "phone": "+56 9 1234 5678",
    }
    with fake.client() as client:
        with pytest.raises(APIConnectionError) as caught:
            client.checkout.create_order(
                buyer=buyer, products={"openfactura": 1}, idempotency_key="order-9"
            )
        assert "the order may exist" in str(caught.value)
        assert "idempotency_key='order-9'" in str(caught.value)
        assert caught.value.request_sent
        fake.control.clear()
        order = client.checkout.create_order(
            buyer=buyer, products={"openfactura": 1}, idempotency_key="order-9"
        )
    assert len(fake.platform_state.orders) == 1
    assert order.id in fake.platform_state.orders
