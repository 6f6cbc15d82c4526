"""A list read while documents are issued gives each document once, item by item.

OpenFactura lists newest first, 30 a page: a document issued between two pages pushes every row
down a place, so the next page begins with the row the page before ended on. Iterating item by
item skips such a repeat (each document is named by its type and folio, a received one by its
issuer too); ``page.items`` stays as the server sent it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import respx

import haulmer.dte as dte
from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.pagination import RecentItems
from haulmer.testing import FakeClock, FakeHaulmer

from .samples import EMISOR

START = dt.datetime(2026, 11, 27, 10, 0, 0)
RECEIVED = "https://dev-api.haulmer.com/v2/dte/document/received"


def _boleta(number: int) -> dte.Document:
    lines = [{"nombre": "Pan", "precio": 150 + number}]
    return dte.boleta(emisor=EMISOR, lines=lines, fecha=START.date())


def _fake_with(boletas: int) -> FakeHaulmer:
    fake = FakeHaulmer(clock=FakeClock(START))
    fake.control.rate_limit(None)
    documents = fake.client().openfactura.documents
    for number in range(boletas):
        documents.emit(_boleta(number), idempotency_key=f"boleta-{number}")
    return fake


def test_documents_issued_between_two_pages_do_not_repeat_rows_of_the_sync_list() -> None:
    fake = _fake_with(60)
    client = fake.client()
    first = client.openfactura.documents.list_issued()
    for number in (60, 61):  # a shop goes on selling while the list is read
        client.openfactura.documents.emit(_boleta(number), idempotency_key=f"later-{number}")
    rows = [(row.tipo_dte, row.folio) for row in first]
    assert len(rows) == len(set(rows)) == 60
    assert {folio for _, folio in rows} == set(range(1, 61))
    second = first.get_next_page()
    assert [row.folio for row in second.items[:2]] == [32, 31]  # as the server sent it
    assert [row.folio for row in first.items[-2:]] == [32, 31]


async def test_documents_issued_between_two_pages_do_not_repeat_rows_of_the_async_list() -> None:
    fake = _fake_with(60)
    client: AsyncHaulmer = fake.async_client()
    first = await client.openfactura.documents.list_issued()
    for number in (60, 61):
        await client.openfactura.documents.emit(_boleta(number), idempotency_key=f"later-{number}")
    rows = [(row.tipo_dte, row.folio) async for row in first]
    assert len(rows) == len(set(rows)) == 60
    assert {folio for _, folio in rows} == set(range(1, 61))


def _received_row(rut: int, dv: str, folio: int) -> dict[str, object]:
    return {
        "RUTEmisor": rut,
        "DV": dv,
        "RznSoc": f"EMISOR {rut}",
        "TipoDTE": 33,
        "Folio": folio,
        "FchEmis": "2026-11-27",
        "MntExe": 0,
        "MntNeto": 1000,
        "IVA": 190,
        "MntTotal": 1190,
        "Acuses": [],
        "FmaPago": 1,
        "TpoTranCompra": 1,
        "FchRecepOF": "2026-11-27 10:00:00",
        "FchRecepSII": "2026-11-27 10:00:00",
    }


def test_a_received_document_repeated_on_the_next_page_is_given_once_but_another_issuers_same_folio_is_kept(  # noqa: E501
    respx_mock: respx.MockRouter,
) -> None:
    pages = {
        1: [_received_row(76795561, "8", 7), _received_row(76430498, "5", 5)],
        2: [
            _received_row(76430498, "5", 5),  # pushed down by a document received meanwhile
            _received_row(76795561, "8", 5),  # the same type and folio from another issuer
        ],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(json.loads(request.content).get("Page", 1))
        body = {"current_page": number, "last_page": 2, "total": 4, "data": pages[number]}
        return httpx.Response(200, json=body)

    respx_mock.post(RECEIVED).mock(side_effect=answer)
    with Haulmer(api_key="x" * 32, environment="sandbox", max_retries=0) as client:
        rows = [
            (row.rut_emisor_number, row.folio)
            for row in client.openfactura.documents.list_received()
        ]
    assert rows == [(76795561, 7), (76430498, 5), (76795561, 5)]


def test_a_received_document_listed_twice_is_given_once_wherever_the_pages_split(
    respx_mock: respx.MockRouter,
) -> None:
    # A document OpenFactura lists twice (received twice) was given twice when both rows fell
    # on one page and once when they fell on two, so a month's total depended on where its
    # pages split.
    twice = _received_row(76430498, "5", 5)
    for pages in (
        {1: [twice, twice, _received_row(76795561, "8", 7)]},
        {1: [_received_row(76795561, "8", 7), twice], 2: [twice]},
    ):

        def answer(request: httpx.Request, pages: dict[int, list[Any]] = pages) -> httpx.Response:
            number = int(json.loads(request.content).get("Page", 1))
            body = {"current_page": number, "last_page": len(pages), "total": 3}
            return httpx.Response(200, json={**body, "data": pages[number]})

        respx_mock.post(RECEIVED).mock(side_effect=answer)
        with Haulmer(api_key="x" * 32, environment="sandbox", max_retries=0) as client:
            rows = [
                (row.rut_emisor_number, row.folio)
                for row in client.openfactura.documents.list_received()
            ]
        assert sorted(rows) == [(76430498, 5), (76795561, 7)]


def test_recent_items_are_remembered_page_by_page_in_bounded_memory() -> None:
    recent = RecentItems(lambda item: item, size=3)
    assert recent.new_items(["a", "b", "b"]) == ["a", "b"]  # a page's own repeat too
    assert recent.new_items(["b", "c"]) == ["c"]
    assert recent.new_items(["d", "a"]) == ["d"]
    # past three, the oldest ("a") is forgotten, so the memory stays within size
    assert recent.new_items(["a", "b", "e"]) == ["a", "e"]
    unnamed = RecentItems(lambda item: None)
    assert unnamed.new_items(["a"]) == ["a"]
    assert unnamed.new_items(["a"]) == ["a"]
