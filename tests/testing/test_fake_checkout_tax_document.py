"""The fake's tax-document step checks the receiver as the contract says (§2: e-mail shapes)."""

from __future__ import annotations

import httpx

from haulmer import Haulmer
from haulmer.testing import FakeHaulmer
from journey.story import buy_and_pay

RECEIVER = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def _choose(fake: FakeHaulmer, receiver: dict[str, str]) -> httpx.Response:
    token = fake.outbox.last(subject_contains="¿Boleta o factura?").token
    body = {"token": token, "type": "factura", "receiver": receiver}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        return http.post("/v1/orders/tax-document", json=body)


def test_the_fake_refuses_a_receiver_e_mail_that_is_no_address(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    answer = _choose(fake, {**RECEIVER, "email": "contabilidad.example.cl"})
    assert answer.status_code == 400
    assert answer.json()["error"]["details"] == [
        {"field": "receiver.email", "issue": "not an e-mail address"}
    ]
    assert _choose(fake, {**RECEIVER, "email": "conta+dte@sub.example.cl"}).status_code == 200
