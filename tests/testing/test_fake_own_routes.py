"""The fake's own routes over HTTP: a tool in another language reads the e-mails (and their
links' tokens) of a served fake and moves its clock, as a Python test uses ``fake.outbox`` and
``fake.clock``."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from haulmer.accounts import token_from_link
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, serve

BUYER = {
    "name": "Ana Rojas",
    "email": "ana@example.com",
    "rut": "12345678-5",
    "phone": "+56 9 8765 4321",
}


def _buy_a_plan(fake: FakeHaulmer) -> None:
    """The purchase that sends the journey's first e-mails (to ana@example.com)."""
    with fake.client(api_key=None) as client:
        order = client.checkout.create_order(
            buyer=BUYER, products={"openfactura": 1}, plans=[{"code": "emprendedor", "months": 1}]
        )
        client.checkout.choose_payment_method(order.id, "webpay")
        client.checkout.choose_payment_medium(order.id, "credit_card")
        client.checkout.wait_for_payment(order.id)


def test_a_served_fake_lists_its_outbox_with_every_link_and_token(fake: FakeHaulmer) -> None:
    _buy_a_plan(fake)
    with serve(fake, port=0, real_time=False) as url:
        answer = httpx.get(f"{url}/_fake/outbox")
    assert answer.status_code == 200
    emails = answer.json()["emails"]
    assert [email["subject"] for email in emails] == fake.outbox.subjects()
    for sent, email in zip(fake.outbox, emails, strict=True):
        assert email["to"] == sent.to
        assert email["body"] == sent.body
        assert email["sent_at"] == sent.sent_at.isoformat()
        assert email["links"] == [
            {"url": link.url, "purpose": link.purpose, "token": link.token} for link in sent.links
        ]
    welcome = next(email for email in emails if "[Workspace]" in email["subject"])
    link = welcome["links"][0]
    assert link["purpose"] == "activate_workspace"
    assert token_from_link(link["url"]) == link["token"]


def test_the_outbox_over_http_filters_by_address_and_subject_as_outbox_last_does(
    fake: FakeHaulmer,
) -> None:
    _buy_a_plan(fake)
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    mine = http.get("/_fake/outbox", params={"to": "ANA@example.com"}).json()["emails"]
    assert [email["subject"] for email in mine] == fake.outbox.subjects(to="ana@example.com")
    assert mine
    workspace = http.get(
        "/_fake/outbox", params={"to": "ana@example.com", "subject_contains": "[Workspace]"}
    ).json()["emails"]
    assert [email["subject"] for email in workspace] == [
        fake.outbox.last(to="ana@example.com", subject_contains="[Workspace]").subject
    ]
    nobody = http.get("/_fake/outbox", params={"to": "nadie@example.com"})
    assert nobody.status_code == 200
    assert nobody.json() == {"emails": []}


def test_the_outbox_over_http_finds_a_subject_however_its_accents_are_encoded(
    fake: FakeHaulmer,
) -> None:
    # A test in another language may send "contraseña" decomposed (n + combining tilde, as
    # macOS file names and some editors write it): outbox.last() finds it, and so must the route.
    _buy_a_plan(fake)
    decomposed = "Crea tu nueva contrasen\u0303a"
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    found = http.get("/_fake/outbox", params={"subject_contains": decomposed}).json()["emails"]
    assert [email["subject"] for email in found] == [
        fake.outbox.last(subject_contains=decomposed).subject
    ]


@pytest.mark.parametrize("query", [{"too": "ana@example.com"}, {"subject": "Workspace"}])
def test_the_outbox_over_http_refuses_a_filter_it_does_not_know(
    fake: FakeHaulmer, query: dict[str, str]
) -> None:
    # A misspelt filter would list every e-mail and let a test pass on the wrong one.
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    answer = http.get("/_fake/outbox", params=query)
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert next(iter(query)) in message
    assert "'to'" in message
    assert "'subject_contains'" in message


def test_the_outbox_over_http_needs_no_api_key_and_is_empty_on_a_fresh_fake(
    fake: FakeHaulmer,
) -> None:
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    answer = http.get("/_fake/outbox")
    assert answer.status_code == 200
    assert answer.json() == {"emails": []}


def test_reading_the_outbox_over_http_is_not_logged_nor_met_by_a_fault(
    fake: FakeHaulmer,
) -> None:
    # A test's side channel, as fake.outbox is in Python: a fault scripted for the SDK's next
    # call, or an assertion on fake.requests.last, is not spent on reading the e-mails.
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    fake.control.fail_next("*", status=503)
    assert http.get("/_fake/outbox").status_code == 200
    assert len(fake.requests) == 0
    organization = http.get("/v2/dte/organization", headers={"apikey": SANDBOX_API_KEY})
    assert organization.status_code == 503
    assert fake.requests.last.route == "openfactura.organization.retrieve"


def test_a_served_fake_tells_and_moves_its_clock_over_http(fake: FakeHaulmer) -> None:
    # Over `haulmer serve`, a test in another language waits for the bank (2 minutes) and the
    # SII's certification (business days) only if it can move the fake's clock.
    start = fake.clock.now()
    with serve(fake, port=0, real_time=False) as url:
        told = httpx.get(f"{url}/_fake/clock").json()
        assert told == {"now": start.isoformat(), "today": start.date().isoformat()}
        moved = httpx.post(f"{url}/_fake/clock/advance", json={"days": 2, "minutes": 30})
    assert moved.status_code == 200
    assert fake.clock.now() - start == dt.timedelta(days=2, minutes=30)
    assert moved.json() == {
        "now": fake.clock.now().isoformat(),
        "today": fake.clock.today().isoformat(),
    }


def test_moving_the_clock_over_http_sends_the_e_mails_then_due(fake: FakeHaulmer) -> None:
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    with fake.client(api_key=None) as client:
        order = client.checkout.create_order(
            buyer=BUYER, products={"openfactura": 1}, plans=[{"code": "emprendedor", "months": 1}]
        )
        client.checkout.choose_payment_method(order.id, "webpay")
        client.checkout.choose_payment_medium(order.id, "credit_card")
    assert http.get("/_fake/outbox").json() == {"emails": []}  # the bank takes 2 minutes
    assert http.post("/_fake/clock/advance", json={"minutes": 2}).status_code == 200
    subjects = [email["subject"] for email in http.get("/_fake/outbox").json()["emails"]]
    assert "Compra exitosa" in subjects


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": -1}, "days"),
        ({"hours": "1"}, "hours"),
        ({"minutes": True}, "minutes"),
        ({"weeks": 1}, "weeks"),
        ([1], "body"),
        ({"seconds": 1e300}, "seconds"),
    ],
)
def test_moving_the_clock_over_http_refuses_a_move_it_cannot_make(
    fake: FakeHaulmer, body: object, field: str
) -> None:
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    start = fake.clock.now()
    answer = http.post("/_fake/clock/advance", json=body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "validation_failed"
    assert [detail["field"] for detail in error["details"]] == [field]
    assert fake.clock.now() == start


def test_moving_the_clock_over_http_refuses_a_body_that_is_no_json(fake: FakeHaulmer) -> None:
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    answer = http.post("/_fake/clock/advance", content=b"{days: 1")
    assert answer.status_code == 400
    assert "JSON" in answer.json()["error"]["message"]
