"""A document dated after today in Chile, by the client's clock, is refused before it is sent:
the SII refuses a DTE dated after it receives it, and OpenFactura (and the fake) answer OF-10."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.errors import DocumentError
from haulmer.openfactura.emission import build_emission
from haulmer.testing import FakeClock, FakeHaulmer

from . import samples
from .conftest import resolve

TODAY = samples.FECHA
TOMORROW = TODAY + dt.timedelta(days=1)
START = dt.datetime.combine(TODAY, dt.time(10, 0))


@pytest.fixture(params=["sync", "async"])
def fake_client(request: pytest.FixtureRequest) -> Any:
    """A client of a fake whose clock is on ``TODAY`` in Chile, sync and async in turn."""
    fake = FakeHaulmer(clock=FakeClock(START))
    fake.control.rate_limit(None)
    if request.param == "sync":
        return fake, fake.client()
    return fake, fake.async_client()


def _names_the_day(error: DocumentError, day: dt.date) -> None:
    assert [detail.field for detail in error.details] == ["IdDoc.FchEmis"]
    assert day.isoformat() in str(error)
    assert f"today in Chile ({TODAY.isoformat()})" in str(error)


async def test_emit_refuses_a_document_dated_tomorrow_before_sending_it(fake_client: Any) -> None:
    fake, client = fake_client
    with pytest.raises(DocumentError) as caught:
        await resolve(client.openfactura.documents.emit(samples.factura(fecha=TOMORROW)))
    _names_the_day(caught.value, TOMORROW)
    assert fake.requests == []


async def test_emit_sends_a_document_dated_today_by_the_fakes_clock(fake_client: Any) -> None:
    _fake, client = fake_client
    emitted = await resolve(client.openfactura.documents.emit(samples.factura(fecha=TODAY)))
    assert emitted.folio == 1


async def test_self_service_link_refuses_a_boleta_dated_tomorrow_before_sending_it(
    fake_client: Any,
) -> None:
    fake, client = fake_client
    boleta = dte.boleta(
        emisor=samples.EMISOR,
        lines=[{"nombre": "Pan", "cantidad": 1, "precio": 990}],
        fecha=TOMORROW,
    )
    with pytest.raises(DocumentError) as caught:
        await resolve(
            client.openfactura.documents.self_service_link(
                boleta,
                order={"id": 1, "date": TODAY.isoformat()},
                issue_boleta=True,
                allow_factura=False,
            )
        )
    _names_the_day(caught.value, TOMORROW)
    assert fake.requests == []


async def test_credit_note_refuses_a_fecha_after_today(fake_client: Any) -> None:
    _fake, client = fake_client
    documents = client.openfactura.documents
    factura = samples.factura(fecha=TODAY)
    emitted = await resolve(documents.emit(factura))
    with pytest.raises(DocumentError) as caught:
        await resolve(
            documents.credit_note(
                factura, folio=emitted.folio, reason="Anula", fecha=TOMORROW, idempotency_key="nc"
            )
        )
    _names_the_day(caught.value, TOMORROW)


async def test_emit_many_fails_the_sale_dated_tomorrow_and_issues_the_others(
    fake_client: Any,
) -> None:
    fake, client = fake_client
    sales = [
        {"id": "sale-1", "document": samples.factura(price=1000, fecha=TODAY)},
        {"id": "sale-2", "document": samples.factura(price=2000, fecha=TOMORROW)},
        {"id": "sale-3", "document": samples.factura(price=3000, fecha=TODAY)},
    ]
    results = client.openfactura.documents.emit_many(sales, concurrency=1)
    if hasattr(results, "__aiter__"):
        outcome = [result async for result in results]
    else:
        outcome = list(results)
    assert [result.status for result in outcome] == ["issued", "failed", "issued"]
    error = outcome[1].error
    assert isinstance(error, DocumentError)
    _names_the_day(error, TOMORROW)
    assert len(fake.requests) == 2


async def test_today_is_the_day_in_chile_not_in_utc() -> None:
    """At 02:00 UTC on the 11th it is still the 10th in Chile: a document of the 11th waits."""
    late = dt.datetime.combine(TOMORROW, dt.time(2, 0), tzinfo=dt.timezone.utc)
    fake = FakeHaulmer(clock=FakeClock(START))
    client = fake.client(now=lambda: late)
    with pytest.raises(DocumentError) as caught:
        client.openfactura.documents.emit(samples.factura(fecha=TOMORROW))
    _names_the_day(caught.value, TOMORROW)


def test_build_emission_checks_the_day_only_when_given_one() -> None:
    document = samples.factura(fecha=TOMORROW)
    assert build_emission(document).body["dte"]["Encabezado"]["IdDoc"]["FchEmis"] == (
        TOMORROW.isoformat()
    )
    with pytest.raises(DocumentError) as caught:
        build_emission(document, today=TODAY)
    _names_the_day(caught.value, TOMORROW)
    build_emission(document, today=TOMORROW)


def test_build_emission_refuses_a_dict_dated_tomorrow() -> None:
    sii = samples.factura(fecha=TOMORROW).to_sii_dict()
    with pytest.raises(DocumentError) as caught:
        build_emission(sii, today=TODAY)
    _names_the_day(caught.value, TOMORROW)


async def test_void_guia_refuses_a_fecha_after_today_before_sending_it(fake_client: Any) -> None:
    fake, client = fake_client
    with pytest.raises(DocumentError) as caught:
        await resolve(client.openfactura.documents.void_guia(1, TOMORROW))
    assert [detail.field for detail in caught.value.details] == ["fecha"]
    assert TOMORROW.isoformat() in str(caught.value)
    assert f"today in Chile ({TODAY.isoformat()})" in str(caught.value)
    assert fake.requests == []


async def test_void_guia_voids_a_guia_dated_today_by_the_fakes_clock(fake_client: Any) -> None:
    _fake, client = fake_client
    documents = client.openfactura.documents
    guia = await resolve(documents.emit(samples.guia(), response=["FOLIO"]))
    voided = await resolve(documents.void_guia(guia.require_folio(), TODAY))
    assert str(guia.require_folio()) in voided.success
