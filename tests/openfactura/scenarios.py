"""Flows through the OpenFactura document API, written once for any backend (respx or the fake).

Each scenario takes a ``Backend``: the ``openfactura`` namespace of a sync or async client, and
the one hook a backend must offer, losing the answer to the next emission after acting on it.
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from haulmer.dte import CodRef
from haulmer.errors import AlreadyIssuedError

from . import samples
from .conftest import collect, resolve


class Backend(Protocol):
    """What a scenario needs from the server side."""

    openfactura: Any

    def lose_next_emission_answer(self) -> None:
        """The next emission is processed, but its answer never reaches the client."""


async def emit_then_fetch_by_token_and_by_folio(backend: Backend) -> None:
    documents = backend.openfactura.documents
    emitted = await resolve(documents.emit(samples.factura(), response=["FOLIO", "PDF"]))
    assert emitted.folio is not None
    assert emitted.folio >= 1
    assert emitted.pdf is not None
    assert emitted.pdf.startswith(b"%PDF")
    assert not emitted.already_issued

    status = await resolve(documents.status(emitted.token))
    assert status.estado
    stored = await resolve(documents.json(emitted.token))
    assert stored.document_folio == emitted.folio
    assert stored.to_document().totals.mnt_total == 2380
    by_folio = await resolve(
        documents.status(rut=samples.EMISOR["rut"], dte_type=33, folio=emitted.folio)
    )
    assert by_folio.estado == status.estado
    pdf = await resolve(documents.pdf(emitted.token))
    assert pdf.startswith(b"%PDF")


async def lost_answer_then_retry_yields_one_document(backend: Backend) -> None:
    documents = backend.openfactura.documents
    backend.lose_next_emission_answer()
    emitted = await resolve(documents.emit(samples.boleta(price=1500)))
    assert emitted.already_issued
    assert emitted.folio is not None

    # A later run emitting the same content meets OF-06 on its first attempt: not this call's
    # retry, so it raises, naming the document already issued, and issues nothing.
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(documents.emit(samples.boleta(price=1500)))
    assert caught.value.token == emitted.token
    status = await resolve(documents.status(caught.value.token))
    assert status.estado
    boletas = await collect(documents.list_issued(tipo_dte=39))
    assert [(row.folio, row.token) for row in boletas] == [(emitted.folio, emitted.token)]


async def a_second_identical_sale_needs_its_own_key(backend: Backend) -> None:
    documents = backend.openfactura.documents
    first = await resolve(documents.emit(samples.boleta(price=2500)))
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(documents.emit(samples.boleta(price=2500)))
    assert caught.value.token == first.token
    assert "idempotency_key=" in str(caught.value)
    second = await resolve(documents.emit(samples.boleta(price=2500), idempotency_key="sale-2"))
    assert not second.already_issued
    assert second.token != first.token
    assert second.folio != first.folio
    boletas = await collect(documents.list_issued(tipo_dte=39))
    assert sorted(row.folio for row in boletas) == sorted([first.folio, second.folio])


async def the_callers_key_after_a_lost_answer_and_a_restart_yields_one_document(
    backend: Backend,
) -> None:
    documents = backend.openfactura.documents
    backend.lose_next_emission_answer()
    emitted = await resolve(documents.emit(samples.factura(), idempotency_key="invoice-9"))
    again = await resolve(documents.emit(samples.factura(), idempotency_key="invoice-9"))
    assert emitted.already_issued
    assert again.already_issued
    assert (again.token, again.folio) == (emitted.token, emitted.folio)
    assert len(await collect(documents.list_issued(tipo_dte=33))) == 1


async def the_same_key_never_issues_twice(backend: Backend) -> None:
    documents = backend.openfactura.documents
    first = await resolve(documents.emit(samples.boleta(), idempotency_key="pos-42-ticket-7"))
    again = await resolve(documents.emit(samples.boleta(), idempotency_key="pos-42-ticket-7"))
    assert not first.already_issued
    assert again.already_issued
    assert (again.token, again.folio) == (first.token, first.folio)
    assert len(await collect(documents.list_issued(tipo_dte=39))) == 1


async def a_key_reused_for_another_sale_raises_and_names_the_first_document(
    backend: Backend,
) -> None:
    documents = backend.openfactura.documents
    first = await resolve(documents.emit(samples.boleta(), idempotency_key="pos-42-ticket-7"))
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(documents.emit(samples.boleta(price=900), idempotency_key="pos-42-ticket-7"))
    assert caught.value.token == first.token
    message = str(caught.value)
    assert "already belongs to another document" in message
    assert "MntTotal" in message
    assert "1000 there, 900 in this call" in message
    assert "new idempotency_key=" in message
    assert len(await collect(documents.list_issued(tipo_dte=39))) == 1


async def lists_page_lazily_past_thirty(backend: Backend) -> None:
    documents = backend.openfactura.documents
    for price in range(1000, 1031):
        await resolve(documents.emit(samples.boleta(price=price)))
    page = await resolve(documents.list_issued(tipo_dte=39))
    assert len(page.items) == 30
    assert page.has_next_page()
    rows = await collect(page)
    assert sorted(row.folio for row in rows) == list(range(1, 32))


async def a_credit_note_anuls_an_issued_factura(backend: Backend) -> None:
    documents = backend.openfactura.documents
    factura = await resolve(documents.emit(samples.factura()))
    note = await resolve(
        documents.credit_note(factura, code=CodRef.ANULA, reason="Anula", fecha=samples.FECHA)
    )
    assert note.token != factura.token
    stored = await resolve(documents.json(note.token))
    referencia = stored.dte["Referencia"]
    referencia = referencia[0] if isinstance(referencia, list) else referencia
    assert int(referencia["CodRef"]) == 1
    assert str(referencia["TpoDocRef"]) == "33"
    assert int(referencia["FolioRef"]) == factura.folio
    assert len(await collect(documents.list_issued(tipo_dte=61))) == 1


SCENARIOS = [
    emit_then_fetch_by_token_and_by_folio,
    lost_answer_then_retry_yields_one_document,
    a_second_identical_sale_needs_its_own_key,
    the_callers_key_after_a_lost_answer_and_a_restart_yields_one_document,
    the_same_key_never_issues_twice,
    a_key_reused_for_another_sale_raises_and_names_the_first_document,
    lists_page_lazily_past_thirty,
    a_credit_note_anuls_an_issued_factura,
]
