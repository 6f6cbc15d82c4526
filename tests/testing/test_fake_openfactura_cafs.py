"""The fake's CAFs: dated by the fake clock, renewed when they expire or run out of folios."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, START, boleta, factura
from lxml import etree

from haulmer import sii
from haulmer.testing import FakeClock, FakeHaulmer

Issue = Callable[..., dict[str, Any]]
EIGHT_MONTHS_LATER = dt.datetime(2027, 7, 27, 10, 0, 0)


def _caf_of(answer: dict[str, Any]) -> dict[str, str]:
    """FA and folio range of the CAF embedded in the TED of an emission's XML."""
    root = etree.fromstring(base64.b64decode(answer["XML"]))
    da = root.find(".//{*}TED/{*}DD/{*}CAF/{*}DA")
    assert da is not None
    return {
        "FA": da.findtext("{*}FA") or "",
        "D": da.findtext("{*}RNG/{*}D") or "",
        "H": da.findtext("{*}RNG/{*}H") or "",
    }


def _xml(answer: dict[str, Any]) -> bytes:
    return base64.b64decode(answer["XML"])


def _dated(body: dict[str, Any], day: dt.date) -> dict[str, Any]:
    body["dte"]["Encabezado"]["IdDoc"]["FchEmis"] = day.isoformat()
    body["response"] = ["FOLIO", "XML"]
    return body


def _folios(wire: httpx.Client) -> dict[int, dict[str, Any]]:
    rows = wire.get("/v2/dte/organization/document").json()["documentos"]
    return {row["dte"]: row for row in rows}


def test_a_fake_clock_months_ahead_gets_a_caf_dated_by_that_clock() -> None:
    fake = FakeHaulmer(clock=FakeClock(EIGHT_MONTHS_LATER))
    with httpx.Client(
        transport=fake.transport, base_url="http://f", headers={"apikey": HAULMER_KEY}
    ) as wire:
        answer = wire.post("/v2/dte/document", json=_dated(factura(), EIGHT_MONTHS_LATER.date()))
    assert answer.status_code == 200, answer.text
    assert _caf_of(answer.json()) == {"FA": "2027-07-27", "D": "1", "H": "1000"}
    assert sii.verify(_xml(answer.json())).ok


def test_an_expired_caf_is_replaced_and_folios_continue(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    first = issue(_dated(factura(), START.date()))
    assert _caf_of(first)["FA"] == START.date().isoformat()
    fake.clock.set(EIGHT_MONTHS_LATER)
    later = issue(_dated(factura(), EIGHT_MONTHS_LATER.date()))
    assert later["FOLIO"] == first["FOLIO"] + 1 == 2
    assert _caf_of(later) == {"FA": "2027-07-27", "D": "2", "H": "1001"}
    verification = sii.verify(_xml(later), check_caf=True, allow_test_cafs=True)
    assert verification.ok, verification
    assert _folios(wire)[33]["vencimiento"] == "2028-01-27"


def test_a_caf_is_used_up_to_its_last_day(fake: FakeHaulmer, issue: Issue) -> None:
    issue(_dated(factura(), START.date()))
    last_day = dt.datetime(2027, 5, 27, 23, 0, 0)
    fake.clock.set(last_day)
    answer = issue(_dated(factura(), last_day.date()))
    assert _caf_of(answer)["FA"] == START.date().isoformat()


def test_boleta_cafs_do_not_expire(fake: FakeHaulmer, wire: httpx.Client, issue: Issue) -> None:
    first = issue(_dated(boleta(), START.date()))
    fake.clock.set(EIGHT_MONTHS_LATER)
    later = issue(_dated(boleta(), EIGHT_MONTHS_LATER.date()))
    assert _caf_of(later) == _caf_of(first)
    assert later["FOLIO"] == 2
    assert _folios(wire)[39]["vencimiento"] is None


def test_a_used_up_caf_is_followed_by_one_starting_at_the_next_folio(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    tenant = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    tenant.folios_per_type = 2
    answers = [issue(_dated(factura(), START.date())) for _ in range(3)]
    assert [a["FOLIO"] for a in answers] == [1, 2, 3]
    assert [(_caf_of(a)["D"], _caf_of(a)["H"]) for a in answers] == [
        ("1", "2"),
        ("1", "2"),
        ("3", "4"),
    ]
    assert all(sii.verify(_xml(a)).ok for a in answers)
    assert _folios(wire)[33]["disponibles"] == 1


def test_disponibles_goes_down_as_folios_are_used(wire: httpx.Client, issue: Issue) -> None:
    before = _folios(wire)
    issue(factura())
    issue(factura())
    issue(boleta())
    after = _folios(wire)
    assert before[33]["disponibles"] - after[33]["disponibles"] == 2
    assert before[39]["disponibles"] - after[39]["disponibles"] == 1
    assert after[34]["disponibles"] == before[34]["disponibles"]


def test_a_refused_document_uses_no_folio(wire: httpx.Client, issue: Issue) -> None:
    before = _folios(wire)[33]["disponibles"]
    body = factura()
    body["dte"]["Encabezado"]["Totales"]["IVA"] = 1
    assert wire.post("/v2/dte/document", json=body).status_code == 400
    assert _folios(wire)[33]["disponibles"] == before
    assert issue(factura())["FOLIO"] == 1


def test_a_folio_limit_still_ends_in_of07_with_nothing_available(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    tenant = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    tenant.set_folio_limit(33, 2)
    issue(factura())
    issue(factura())
    assert _folios(wire)[33] == {"dte": 33, "disponibles": 0, "vencimiento": None}
    refused = wire.post("/v2/dte/document", json=factura())
    assert refused.json()["error"]["code"] == "OF-07"


async def test_the_sdk_clients_issue_months_ahead_and_after_a_caf_expired() -> None:
    import haulmer.dte as dte
    from haulmer.openfactura.sandbox import HAULMER_DEMO, HOSTY_DEMO

    fake = FakeHaulmer(clock=FakeClock(START))

    def factura_on(day: dt.date) -> dte.Document:
        return dte.factura(
            emisor={
                "rut": str(HAULMER_DEMO.rut),
                "razon_social": HAULMER_DEMO.razon_social,
                "giro": HAULMER_DEMO.giro,
                "actecos": [HAULMER_DEMO.acteco],
                "direccion": HAULMER_DEMO.direccion,
                "comuna": HAULMER_DEMO.comuna,
            },
            receptor={
                "rut": str(HOSTY_DEMO.rut),
                "razon_social": HOSTY_DEMO.razon_social,
                "giro": HOSTY_DEMO.giro[:40],
                "direccion": HOSTY_DEMO.direccion,
                "comuna": HOSTY_DEMO.comuna,
            },
            lines=[{"nombre": "Hosting", "cantidad": 1, "precio": 2000}],
            fecha=day,
        )

    with fake.client() as client:
        first = client.openfactura.documents.emit(factura_on(START.date()), response=["XML"])
    fake.clock.set(EIGHT_MONTHS_LATER)
    async with fake.async_client() as aclient:
        later = await aclient.openfactura.documents.emit(
            factura_on(EIGHT_MONTHS_LATER.date()), response=["FOLIO", "XML"]
        )
        folios = await aclient.openfactura.organization.folios()
    assert later.folio == 2
    assert sii.verify(later.xml, check_caf=True, allow_test_cafs=True).ok
    assert first.xml is not None
    assert b"<FA>2026-11-27</FA>" in first.xml
    assert later.xml is not None
    assert b"<FA>2027-07-27</FA>" in later.xml
    by_type = {row.dte: row for row in folios.documentos}
    assert by_type[33].vencimiento == dt.date(2028, 1, 27)


@pytest.mark.parametrize(
    ("dte_type", "last_folio", "error", "message"),
    [
        ("33", 2, TypeError, "dte_type must be an int"),
        (33, "2", TypeError, "last_folio must be an int"),
        (33, 2.0, TypeError, "last_folio must be an int"),
        (33, -1, ValueError, "last_folio must be >= 0"),
        (110, 2, ValueError, "does not issue DTE type 110"),
    ],
)
def test_a_folio_limit_the_tenant_cannot_apply_is_refused_when_set(
    fake: FakeHaulmer,
    wire: httpx.Client,
    dte_type: Any,
    last_folio: Any,
    error: type[Exception],
    message: str,
) -> None:
    tenant = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    with pytest.raises(error, match=message):
        tenant.set_folio_limit(dte_type, last_folio)
    assert tenant.folio_limits == {}
    assert _folios(wire)[33]["disponibles"] == 1000  # the next request is served as before


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        ("5", TypeError, "folios_per_type must be an int"),
        (5.0, TypeError, "folios_per_type must be an int"),
        (0, ValueError, r"folios_per_type must be >= 1, got 0: .*set_folio_limit"),
        (-3, ValueError, "folios_per_type must be >= 1"),
    ],
)
def test_a_tenant_whose_cafs_could_not_be_granted_is_refused_when_added(
    fake: FakeHaulmer, count: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        fake.add_openfactura_tenant(
            "k" * 32, rut="11111111-1", razon_social="ACME SPA", folios_per_type=count
        )
    assert fake.openfactura_state.tenant_for_key("k" * 32) is None
    added = fake.add_openfactura_tenant(
        "k" * 32, rut="11111111-1", razon_social="ACME SPA", folios_per_type=2
    )
    assert added.folios_per_type == 2


def test_a_caf_size_past_ten_digit_folios_stops_at_the_last_folio_the_schema_takes(
    fake: FakeHaulmer, issue: Issue
) -> None:
    """The SII's FolioType has 10 digits: the fake's CAFs, which every document it stamps
    carries, end at 9999999999 however many folios each one is asked to hold."""
    tenant = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    tenant.folios_per_type = 10**11
    answer = issue(_dated(factura(), START.date()))
    assert _caf_of(answer) == {"FA": START.date().isoformat(), "D": "1", "H": "9999999999"}
    sii.validate_schema(_xml(answer))


def test_after_folio_9999999999_a_type_has_no_folios_left(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    tenant = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    tenant.next_folio[33] = 9_999_999_999
    assert issue(factura())["FOLIO"] == 9_999_999_999
    assert _folios(wire)[33] == {"dte": 33, "disponibles": 0, "vencimiento": None}
    refused = wire.post("/v2/dte/document", json=factura())
    assert refused.json()["error"]["code"] == "OF-07"
