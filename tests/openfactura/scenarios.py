"""Flows through every OpenFactura endpoint, written once for any backend (respx or the fake).

Each scenario takes a ``Backend``: the ``openfactura`` namespace of a sync or async client (and
of one whose API key the server does not know), and the hooks a backend must offer: losing the
answer to the next emission after acting on it, and a supplier issuing a DTE to the sandbox
company.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import pytest

from haulmer.dte import CodRef
from haulmer.errors import (
    AlreadyIssuedError,
    AuthenticationError,
    BadRequestError,
    DocumentError,
    DocumentRejectedError,
    RateLimitError,
)
from haulmer.openfactura import HAULMER_DEMO, HOSTY_DEMO, AcuseCode, IssuedStatus
from haulmer.rut import Rut

from . import samples
from .conftest import collect, resolve

SANDBOX_ORGANIZATION_NAME = "HAULMER CHILE SPA"
"""What ``GET /v2/dte/organization`` answers for the public sandbox key (verified live)."""


class Backend(Protocol):
    """What a scenario needs from the server side."""

    openfactura: Any
    unauthorized: Any
    """``openfactura`` of a client whose API key the server does not know."""

    def lose_next_emission_answer(self) -> None:
        """The next emission is processed, but its answer never reaches the client."""

    def receive_from_supplier(self, document: Any) -> None:
        """HOSTY SPA issues ``document`` to HAULMER SPA (the client's company)."""


async def _items(listing: Any) -> list[Any]:
    """Every item of an SDK list, iterated as users do: ``for`` or ``async for`` (no await)."""
    if hasattr(listing, "__aiter__"):
        return [item async for item in listing]
    return list(listing)


async def emit_then_fetch_every_value_by_token_and_by_folio(backend: Backend) -> None:
    documents = backend.openfactura.documents
    emitted = await resolve(documents.emit(samples.factura(), response=["FOLIO", "PDF", "XML"]))
    folio = emitted.require_folio()
    assert folio >= 1
    assert emitted.pdf is not None
    assert emitted.pdf.startswith(b"%PDF")
    assert emitted.xml is not None
    assert f"<Folio>{folio}</Folio>".encode() in emitted.xml
    assert not emitted.already_issued

    by_folio = {"rut": str(HAULMER_DEMO.rut), "dte_type": 33, "folio": folio}
    for name in ({"token": emitted.token}, by_folio):
        ident: dict[str, Any] = dict(name)
        token = ident.pop("token", None)
        status = await resolve(documents.status(token, **ident))
        assert status.estado in (IssuedStatus.PENDIENTE, IssuedStatus.ACEPTADO)
        stored = await resolve(documents.json(token, **ident))
        assert stored.document_folio == folio
        assert stored.to_document().totals.mnt_total == 2380
        assert stored.fch_recep_of is not None
        xml = await resolve(documents.xml(token, **ident))
        assert f"<Folio>{folio}</Folio>".encode() in xml
        assert "HAULMER SPA" in xml.decode("iso-8859-1")
        assert (await resolve(documents.pdf(token, **ident))).startswith(b"%PDF")
        assert (await resolve(documents.cedible(token, **ident))).startswith(b"%PDF")


async def a_boleta_has_no_cedible_copy(backend: Backend) -> None:
    documents = backend.openfactura.documents
    boleta = await resolve(documents.emit(samples.boleta(price=4100)))
    with pytest.raises(DocumentRejectedError) as caught:
        await resolve(documents.cedible(boleta.token))
    assert caught.value.code == "OF-10"
    assert caught.value.details[0].issue == "Documento sin cedible"


async def an_unknown_document_is_of_22(backend: Backend) -> None:
    documents = backend.openfactura.documents
    with pytest.raises(BadRequestError) as by_folio:
        await resolve(documents.status(rut=str(HAULMER_DEMO.rut), dte_type=33, folio=999999))
    assert by_folio.value.code == "OF-22"
    with pytest.raises(BadRequestError) as by_token:
        await resolve(documents.json("f" * 64))
    assert by_token.value.code == "OF-22"


async def an_unknown_api_key_gets_the_gateways_401(backend: Backend) -> None:
    with pytest.raises(AuthenticationError, match="invalid subscription key") as caught:
        await resolve(backend.unauthorized.organization.retrieve())
    assert caught.value.status_code == 401


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


async def a_key_reused_for_another_sale_of_the_same_amount_raises(backend: Backend) -> None:
    documents = backend.openfactura.documents
    first = await resolve(documents.emit(samples.boleta(nombre="Pan"), idempotency_key="pos-1-7"))
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(documents.emit(samples.boleta(nombre="Leche"), idempotency_key="pos-1-7"))
    assert caught.value.token == first.token
    message = str(caught.value)
    assert "already belongs to another document" in message
    assert "line 1 item (Detalle[1].NmbItem) 'Pan' there, 'Leche' in this call" in message
    assert "MntTotal" not in message
    same = await resolve(documents.emit(samples.boleta(nombre="Pan"), idempotency_key="pos-1-7"))
    assert (same.token, same.already_issued) == (first.token, True)
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


async def a_credit_note_anuls_a_boleta_to_the_generic_receptor(backend: Backend) -> None:
    documents = backend.openfactura.documents
    boleta = await resolve(documents.emit(samples.boleta(price=5000)))
    note = await resolve(documents.credit_note(boleta, reason="Devolución", fecha=samples.FECHA))
    stored = await resolve(documents.json(note.token))
    encabezado = stored.dte["Encabezado"]
    assert str(encabezado["Emisor"]["Acteco"]).strip("[]") == str(HAULMER_DEMO.acteco)
    assert encabezado["Receptor"]["RUTRecep"] == "66666666-6"
    assert encabezado["Receptor"]["RznSocRecep"] == "Cliente"
    assert int(encabezado["Totales"]["MntTotal"]) == 5000
    referencia = stored.dte["Referencia"]
    referencia = referencia[0] if isinstance(referencia, list) else referencia
    assert (str(referencia["TpoDocRef"]), int(referencia["FolioRef"])) == ("39", boleta.folio)


async def lists_iterate_without_an_extra_await(backend: Backend) -> None:
    documents = backend.openfactura.documents
    for price in (1100, 1200):
        await resolve(documents.emit(samples.boleta(price=price)))
    rows = await _items(documents.list_issued(tipo_dte=39))
    assert sorted(row.mnt_total for row in rows) == [1100, 1200]
    first_page = await resolve(documents.list_issued(tipo_dte=39))
    assert len(first_page.items) == 2
    assert not first_page.has_next_page()


async def empty_lists_are_http_204_and_no_rows(backend: Backend) -> None:
    documents = backend.openfactura.documents
    assert await _items(documents.list_issued(tipo_dte=56)) == []
    assert await _items(documents.list_received(tipo_dte=33)) == []
    page = await resolve(documents.list_received())
    assert (page.items, page.has_next_page()) == ([], False)


async def issued_rows_filter_by_receptor_and_carry_its_rut(backend: Backend) -> None:
    documents = backend.openfactura.documents
    factura = await resolve(documents.emit(samples.factura()))
    await resolve(documents.emit(samples.boleta(price=1300)))
    rows = await _items(documents.list_issued(rut_recep=HOSTY_DEMO.rut))
    assert [(row.tipo_dte, row.folio, row.token) for row in rows] == [
        (33, factura.folio, factura.token)
    ]
    assert rows[0].rut_recep == HOSTY_DEMO.rut
    assert rows[0].rut_recep_number == HOSTY_DEMO.rut.number
    assert (rows[0].mnt_neto, rows[0].iva, rows[0].mnt_total) == (2000, 380, 2380)
    boletas = await _items(documents.list_issued(tipo_dte=39, fch_emis=samples.FECHA))
    assert [row.rut_recep for row in boletas] == [Rut("66666666-6")]


async def received_documents_are_listed_and_accused(backend: Backend) -> None:
    documents = backend.openfactura.documents
    backend.receive_from_supplier(samples.supplier_factura(price=10000))
    [row] = await _items(documents.list_received())
    assert row.rut_emisor == HOSTY_DEMO.rut
    assert row.rut_emisor_number == HOSTY_DEMO.rut.number
    assert (row.tipo_dte, row.mnt_total, row.acuses) == (33, 11900, [])
    assert row.fch_recep_of is not None
    filtered = await _items(documents.list_received(rut_emisor=row.rut_emisor, tipo_dte=33))
    assert [r.folio for r in filtered] == [row.folio]

    result = await resolve(
        documents.accuse(row.rut_emisor, row.tipo_dte, row.folio, AcuseCode.ACEPTA_CONTENIDO)
    )
    assert result.code == 0
    assert [(d.dte, d.folio, d.acuse) for d in result.data] == [(33, row.folio, "ACD")]
    assert result.msg[0].cod_resp == 0
    [accused] = await _items(documents.list_received())
    assert [acuse.cod_evento for acuse in accused.acuses] == ["ACD"]
    status = await resolve(documents.status(rut=row.rut_emisor, dte_type=33, folio=row.folio))
    assert status.estado == "Registrado"


async def an_accuse_of_a_document_never_received_is_of_22(backend: Backend) -> None:
    with pytest.raises(BadRequestError) as caught:
        await resolve(backend.openfactura.documents.accuse(HOSTY_DEMO.rut, 33, 424242, "ACD"))
    assert caught.value.code == "OF-22"


async def a_guia_is_voided_once_and_other_types_need_a_note(backend: Backend) -> None:
    documents = backend.openfactura.documents
    guia = await resolve(documents.emit(samples.guia()))
    voided = await resolve(documents.void_guia(guia.folio, samples.FECHA))
    assert str(guia.folio) in voided.success
    with pytest.raises(BadRequestError, match="anulado") as caught:
        await resolve(documents.void_guia(guia.folio, samples.FECHA))
    assert caught.value.code == "OF-10"
    with pytest.raises(BadRequestError) as unknown:
        await resolve(documents.void_guia(guia.folio + 100, samples.FECHA))
    assert unknown.value.code == "OF-22"
    with pytest.raises(DocumentError, match="credit_note"):
        await resolve(documents.void_guia(guia.folio, samples.FECHA, dte_type=33))


async def sales_sum_the_issued_documents_per_type(backend: Backend) -> None:
    documents = backend.openfactura.documents
    await resolve(documents.emit(samples.factura()))
    for price in (1000, 2500):
        await resolve(documents.emit(samples.boleta(price=price)))
    month = await resolve(backend.openfactura.registry.sales(2026, 2))
    assert (month.fecha_inicio, month.fecha_final) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    rows = {row.tipo_documento: row for row in month.registros}
    # The registry always lists the reference types 801 and 802, with zero amounts.
    assert sorted(rows) == [33, 39, 801, 802]
    assert (rows[801].cant_documentos, rows[802].total_mnt_total) == (0, 0)
    assert (rows[33].cant_documentos, rows[33].total_mnt_neto, rows[33].total_mnt_iva) == (
        1,
        2000,
        380,
    )
    assert (rows[39].cant_documentos, rows[39].total_mnt_total) == (2, 3500)
    day = await resolve(backend.openfactura.registry.sales(2026, 2, samples.FECHA.day))
    assert day.fecha_inicio == day.fecha_final == samples.FECHA
    assert [row.cant_documentos for row in day.registros] == [1, 2, 0, 0]
    other_day = await resolve(backend.openfactura.registry.sales(2026, 2, 11))
    assert [(r.tipo_documento, r.cant_documentos) for r in other_day.registros] == [
        (801, 0),
        (802, 0),
    ]


async def purchases_group_the_received_documents_by_state(backend: Backend) -> None:
    registry = backend.openfactura.registry
    backend.receive_from_supplier(samples.supplier_factura(price=10000))
    blocks = await resolve(registry.purchases(2026, 2))
    by_state = {block.estado.value: block for block in blocks}
    assert sorted(by_state) == ["No_incluir", "Pendiente", "Reclamado", "Registrado"]
    [pending] = by_state["Pendiente"].registros
    assert (pending.tipo_documento, pending.cant_documentos, pending.total_mnt_total) == (
        33,
        1,
        11900,
    )
    assert by_state["Registrado"].registros == []
    only = await resolve(registry.purchases(2026, 2, status=["pending", "reclaimed"]))
    assert [block.estado.value for block in only] == ["Pendiente", "Reclamado"]
    later = await resolve(registry.purchases(2026, 3))
    assert all(block.registros == [] for block in later)


async def an_rcv_sync_is_queued_once_per_window(backend: Backend) -> None:
    registry = backend.openfactura.registry
    queued = await resolve(registry.sync_rcv("sales", 202602))
    assert queued.message
    with pytest.raises(RateLimitError) as caught:
        await resolve(registry.sync_rcv("sales", "2026-02"))
    assert caught.value.code == "OF-429"
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0
    assert (await resolve(registry.sync_rcv("purchase", dt.date(2026, 2, 1)))).message


async def the_organization_is_the_api_keys_company(backend: Backend) -> None:
    organization = backend.openfactura.organization
    company = await resolve(organization.retrieve())
    assert company.rut == HAULMER_DEMO.rut
    # The sandbox names the company "HAULMER CHILE SPA" here; documents say "HAULMER SPA".
    assert company.razon_social == SANDBOX_ORGANIZATION_NAME
    assert company.main_activity is not None
    assert company.main_activity.codigo_actividad_economica == HAULMER_DEMO.acteco
    assert company.logo is None
    emisor = company.emisor()
    assert (emisor["RUTEmisor"], emisor["Acteco"]) == (str(HAULMER_DEMO.rut), HAULMER_DEMO.acteco)
    with_logo = await resolve(organization.retrieve(include_logo=True))
    assert with_logo.logo is not None
    assert with_logo.logo.startswith(b"\x89PNG")


async def folios_are_listed_per_type_and_used_by_emission(backend: Backend) -> None:
    organization = backend.openfactura.organization
    before = await resolve(organization.folios())
    assert before.rut == HAULMER_DEMO.rut
    facturas = before.for_type(33)
    assert facturas is not None
    assert facturas.disponibles is not None
    assert facturas.disponibles > 0
    assert before.for_type(39) is not None
    await resolve(backend.openfactura.documents.emit(samples.factura()))
    after = (await resolve(organization.folios())).for_type(33)
    assert after.disponibles == facturas.disponibles - 1


async def a_known_taxpayer_is_found_and_an_unknown_one_is_none(backend: Backend) -> None:
    taxpayer = backend.openfactura.taxpayer
    hosty = await resolve(taxpayer.retrieve(HOSTY_DEMO.rut))
    assert hosty is not None
    assert (hosty.rut, hosty.razon_social) == (HOSTY_DEMO.rut, HOSTY_DEMO.razon_social)
    assert hosty.main_activity is not None
    assert hosty.main_activity.codigo_actividad_economica == HOSTY_DEMO.acteco
    assert await resolve(taxpayer.retrieve("11111111-1")) is None


SCENARIOS = [
    emit_then_fetch_every_value_by_token_and_by_folio,
    a_boleta_has_no_cedible_copy,
    an_unknown_document_is_of_22,
    an_unknown_api_key_gets_the_gateways_401,
    lost_answer_then_retry_yields_one_document,
    a_second_identical_sale_needs_its_own_key,
    the_callers_key_after_a_lost_answer_and_a_restart_yields_one_document,
    the_same_key_never_issues_twice,
    a_key_reused_for_another_sale_raises_and_names_the_first_document,
    a_key_reused_for_another_sale_of_the_same_amount_raises,
    lists_page_lazily_past_thirty,
    lists_iterate_without_an_extra_await,
    empty_lists_are_http_204_and_no_rows,
    issued_rows_filter_by_receptor_and_carry_its_rut,
    a_credit_note_anuls_an_issued_factura,
    a_credit_note_anuls_a_boleta_to_the_generic_receptor,
    received_documents_are_listed_and_accused,
    an_accuse_of_a_document_never_received_is_of_22,
    a_guia_is_voided_once_and_other_types_need_a_note,
    sales_sum_the_issued_documents_per_type,
    purchases_group_the_received_documents_by_state,
    an_rcv_sync_is_queued_once_per_window,
    the_organization_is_the_api_keys_company,
    folios_are_listed_per_type_and_used_by_emission,
    a_known_taxpayer_is_found_and_an_unknown_one_is_none,
]
