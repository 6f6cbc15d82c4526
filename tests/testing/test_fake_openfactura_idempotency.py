"""Idempotency-Key: remembered 24 h on the fake clock, OF-06 carrying the token on replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
from fake_bodies import factura

from haulmer.testing import FakeHaulmer

Issue = Callable[..., dict[str, Any]]


def test_replay_within_24h_answers_of06_with_the_token(wire: httpx.Client, issue: Issue) -> None:
    token = issue(factura(), **{"Idempotency-Key": "order-1"})["TOKEN"]
    replay = wire.post("/v2/dte/document", json=factura(), headers={"Idempotency-Key": "order-1"})
    assert replay.status_code == 400
    assert replay.json() == {
        "error": {
            "message": "Este DTE ya fue emitido (Idempotency-Key)",
            "code": "OF-06",
            "token": token,
        }
    }


def test_replay_after_24h_issues_a_new_document(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    first = issue(factura(), **{"Idempotency-Key": "order-1"})
    fake.clock.advance(hours=23, minutes=59, seconds=59)
    assert (
        wire.post(
            "/v2/dte/document", json=factura(), headers={"Idempotency-Key": "order-1"}
        ).status_code
        == 400
    )
    fake.clock.advance(seconds=1)
    second = issue(factura(), **{"Idempotency-Key": "order-1"})
    assert second["TOKEN"] != first["TOKEN"]
    assert second["FOLIO"] == 2


def test_failed_emission_does_not_burn_the_key(wire: httpx.Client, issue: Issue) -> None:
    bad = factura()
    bad["dte"]["Encabezado"]["Totales"]["IVA"] = 0
    headers = {"Idempotency-Key": "order-9"}
    assert wire.post("/v2/dte/document", json=bad, headers=headers).json()["error"]["code"] == (
        "OF-10"
    )
    assert issue(factura(), **headers)["FOLIO"] == 1


def test_keys_are_per_taxpayer(fake: FakeHaulmer, issue: Issue) -> None:
    issue(factura(), **{"Idempotency-Key": "shared"})
    fake.add_openfactura_tenant("o" * 32, rut="76086428-5", razon_social="OTRA SPA")
    body = factura()
    body["dte"]["Encabezado"]["Emisor"].update(RUTEmisor="76086428-5", RznSoc="OTRA SPA")
    other = httpx.Client(transport=fake.transport, base_url="http://f").post(
        "/v2/dte/document", json=body, headers={"apikey": "o" * 32, "Idempotency-Key": "shared"}
    )
    assert other.status_code == 200


def test_a_drop_after_the_server_acted_then_a_retry_meets_of06(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    headers = {"Idempotency-Key": "order-7"}
    try:
        wire.post("/v2/dte/document", json=factura(), headers=headers)
    except httpx.ReadError:
        pass
    else:  # pragma: no cover - the fault must fire
        raise AssertionError("the connection should have dropped")
    replay = wire.post("/v2/dte/document", json=factura(), headers=headers).json()
    assert replay["error"]["code"] == "OF-06"
    assert replay["error"]["token"] == fake.openfactura_state.documents[0].token


def test_the_24_hours_are_elapsed_time_across_chiles_dst_changes(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    # 3 April 2027: at midnight Chile's clocks go back to 23:00, so the day lasts 25 hours.
    fake.clock.set(dt.datetime(2027, 4, 3, 12, 0))
    body = factura(fecha="2027-04-03")
    issue(body, **{"Idempotency-Key": "order-dst"})
    fake.clock.advance(hours=24, minutes=30)  # 11:30 on the 4th by the wall clock
    again = wire.post("/v2/dte/document", json=body, headers={"Idempotency-Key": "order-dst"})
    assert again.status_code == 200, again.text
    # 4 September 2027: the clocks jump from midnight to 01:00, a day of 23 hours.
    fake.clock.set(dt.datetime(2027, 9, 4, 12, 0))
    body = factura(fecha="2027-09-04")
    issue(body, **{"Idempotency-Key": "order-dst-2"})
    fake.clock.advance(hours=23, minutes=30)  # 12:30 on the 5th by the wall clock
    replay = wire.post("/v2/dte/document", json=body, headers={"Idempotency-Key": "order-dst-2"})
    assert replay.json()["error"]["code"] == "OF-06"


def test_a_document_is_accepted_three_minutes_after_it_was_issued_across_a_dst_change(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    fake.clock.set(dt.datetime(2027, 4, 3, 23, 58))  # two minutes before the clocks go back
    token = issue(factura(fecha="2027-04-03"))["TOKEN"]
    fake.clock.advance(minutes=5)  # 23:03 again, an hour earlier by the wall clock
    assert wire.get(f"/v2/dte/document/{token}/status").json()["estado"] == "Aceptado"
