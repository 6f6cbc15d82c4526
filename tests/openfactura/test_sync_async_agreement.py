"""The same calls through Haulmer and AsyncHaulmer give equal results and equal errors.

Two fakes, in the same state on the same clock, each serve one face; every call (lists with
their filters and pages, document retrieval, the taxpayer lookup, the registries, bad input)
is made through both and what comes back is compared: values field by field, errors by class
and message (request ids, which differ by design, aside).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer import AsyncHaulmer, Haulmer
from haulmer.openfactura import SANDBOX_HOSTY_API_KEY, between, gte, lt, ne
from haulmer.testing import FakeClock, FakeHaulmer

from .samples import EMISOR, RECEPTOR

START = dt.datetime(2026, 11, 27, 10, 0, 0)
KEY = "76795561-8"

Call = tuple[str, str, tuple[Any, ...], dict[str, Any]]

CALLS: list[Call] = [
    ("documents", "list_issued", (), {}),
    ("documents", "list_issued", (), {"page": 2}),
    ("documents", "list_issued", (), {"page": 9}),
    ("documents", "list_issued", (), {"page": 0}),
    ("documents", "list_issued", (), {"page": "x"}),
    ("documents", "list_issued", (), {"tipo_dte": 33}),
    ("documents", "list_issued", (), {"tipo_dte": ne(39), "rut_recep": "76.430.498-5"}),
    ("documents", "list_issued", (), {"fch_emis": between("2026-11-27", "2026-11-27")}),
    ("documents", "list_issued", (), {"fch_emis": between("2026-11-28", "2026-11-27")}),
    ("documents", "list_issued", (), {"filters": {"TipoDTE": {"gte": 39}}}),
    ("documents", "list_issued", (), {"filters": {"Folio": {"eq": 1}}}),
    ("documents", "list_issued", (), {"tipo_dte": [33, 39]}),
    ("documents", "list_issued", (), {"rut_recep": "76430498-0"}),
    ("documents", "list_received", (), {}),
    ("documents", "list_received", (), {"rut_emisor": gte(1) & lt(99_999_999)}),
    ("documents", "status", (), {"rut": KEY, "dte_type": 39, "folio": 1}),
    ("documents", "status", (), {"rut": KEY, "dte_type": 39, "folio": 999}),
    ("documents", "status", (), {}),
    ("documents", "status", ("not a token",), {}),
    ("documents", "json", (), {"rut": KEY, "dte_type": 33, "folio": 1}),
    ("documents", "xml", (), {"rut": KEY, "dte_type": 39, "folio": 2}),
    ("documents", "pdf", (), {"rut": KEY, "dte_type": 39, "folio": 2}),
    ("documents", "cedible", (), {"rut": KEY, "dte_type": 33, "folio": 1}),
    ("documents", "cedible", (), {"rut": KEY, "dte_type": 39, "folio": 1}),
    ("documents", "xml", ("0" * 64,), {}),
    ("taxpayer", "retrieve", ("76.430.498-5",), {}),
    ("taxpayer", "retrieve", ("11111111-1",), {}),
    ("taxpayer", "retrieve", ("76430498-0",), {}),
    ("taxpayer", "retrieve", (76430498,), {}),
    ("organization", "retrieve", (), {}),
    ("organization", "folios", (), {}),
    ("registry", "sales", (2026, 11), {}),
    ("registry", "sales", (2026, 11, 27), {}),
    ("registry", "sales", (2026, 13), {}),
    ("registry", "purchases", (2026, 11), {"status": "pending"}),
    ("registry", "purchases", (2026, 11), {"status": "bogus"}),
]
"""Calls made as HAULMER SPA; the received lists are also read as HOSTY SPA below."""


def _fake() -> FakeHaulmer:
    fake = FakeHaulmer(clock=FakeClock(START))
    fake.control.rate_limit(None)
    documents = fake.client().openfactura.documents
    documents.emit(
        dte.factura(
            emisor=EMISOR,
            receptor=RECEPTOR,
            lines=[{"nombre": "Hosting", "precio": 2000}],
            fecha=START.date(),
        ),
        idempotency_key="factura",
    )
    for number in range(31):  # two pages of the issued list
        lines = [{"nombre": "Pan", "precio": 150 + number}]
        boleta = dte.boleta(emisor=EMISOR, lines=lines, fecha=START.date())
        documents.emit(boleta, idempotency_key=f"boleta-{number}")
    return fake


def _comparable(value: Any) -> Any:
    """What a call gave, as plain data: errors by class and message without request ids."""
    if isinstance(value, Exception):
        return ("error", type(value).__name__, re.sub(r" \[request id \S+\]", "", str(value)))
    if hasattr(value, "model_dump"):
        return (type(value).__name__, value.model_dump())
    if isinstance(value, list | tuple):
        return [_comparable(item) for item in value]
    return value


def _sync_results(client: Haulmer, calls: list[Call]) -> list[Any]:
    results = []
    for resource, method, args, kwargs in calls:
        try:
            value = getattr(getattr(client.openfactura, resource), method)(*args, **kwargs)
            if method.startswith("list_"):
                first = value
                value = (first.current_page, first.last_page, first.total, list(first))
        except Exception as exc:  # errors are what is compared
            value = exc
        results.append(_comparable(value))
    return results


async def _async_results(client: AsyncHaulmer, calls: list[Call]) -> list[Any]:
    results = []
    for resource, method, args, kwargs in calls:
        try:
            value = getattr(getattr(client.openfactura, resource), method)(*args, **kwargs)
            if method.startswith("list_"):
                first = await value
                value = (first.current_page, first.last_page, first.total)
                value += ([row async for row in first],)
            elif inspect.isawaitable(value):
                value = await value
        except Exception as exc:  # errors are what is compared
            value = exc
        results.append(_comparable(value))
    return results


@pytest.mark.parametrize("api_key", [None, SANDBOX_HOSTY_API_KEY], ids=["haulmer", "hosty"])
async def test_every_call_gives_the_same_result_or_error_on_both_faces(
    api_key: str | None,
) -> None:
    options = {} if api_key is None else {"api_key": api_key}
    sync_results = _sync_results(_fake().client(**options), CALLS)
    async_results = await _async_results(_fake().async_client(**options), CALLS)
    assert len(sync_results) == len(async_results) == len(CALLS)
    for call, on_sync, on_async in zip(CALLS, sync_results, async_results, strict=True):
        assert on_sync == on_async, call
    errors = [
        result for result in sync_results if isinstance(result, tuple) and result[0] == "error"
    ]
    assert errors  # values and errors were both compared
    assert len(errors) < len(CALLS)
