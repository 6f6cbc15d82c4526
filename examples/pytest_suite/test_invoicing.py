"""A test suite for ``invoicing.py`` that runs offline against ``haulmer.testing``.

Installing haulmer registers its pytest plugin: ``haulmer_fake`` (a fresh ``FakeHaulmer`` per test),
``haulmer_client`` and ``async_haulmer_client`` need no import and no conftest.py.

    python -m pytest examples/pytest_suite
"""

from __future__ import annotations

import pytest
from invoicing import Order, cancel, invoice

import haulmer
from haulmer.testing import FakeHaulmer

HOSTY = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def test_a_company_gets_a_factura_and_a_person_a_boleta(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    today = haulmer_fake.clock.today()
    invoice(haulmer_client, Order("A1", [("Hosting", 1, 2000)], buyer=HOSTY), today=today)
    invoice(haulmer_client, Order("A2", [("Marraqueta", 10, 150)]), today=today)
    issued = haulmer_fake.openfactura_state.documents
    assert [(document.dte_type, document.folio) for document in issued] == [(33, 1), (39, 1)]


def test_a_lost_answer_does_not_issue_the_order_twice(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    haulmer_fake.control.drop_connection("openfactura.documents.emit", when="after")
    order = invoice(
        haulmer_client,
        Order("B1", [("Hosting", 1, 2000)], buyer=HOSTY),
        today=haulmer_fake.clock.today(),
    )
    assert order.history == ["replayed"]  # the retry found the document already issued
    assert len(haulmer_fake.openfactura_state.documents) == 1


def test_running_twice_gives_back_the_same_document(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    order = Order("C1", [("Hosting", 1, 2000)], buyer=HOSTY)
    invoice(haulmer_client, order, today=haulmer_fake.clock.today())
    invoice(haulmer_client, order, today=haulmer_fake.clock.today())
    assert order.history == ["issued", "replayed"]
    assert order.folio == 1


def test_cancelling_issues_a_nota_de_credito_that_the_sii_accepts(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    order = invoice(
        haulmer_client,
        Order("D1", [("Hosting", 1, 2000)], buyer=HOSTY),
        today=haulmer_fake.clock.today(),
    )
    folio = cancel(haulmer_client, order, "Pedido anulado")
    haulmer_fake.clock.advance(minutes=3)  # the fake SII decides after 3 minutes
    note = haulmer_fake.openfactura_state.documents[-1]
    assert (note.dte_type, note.folio) == (61, folio)
    assert haulmer_client.openfactura.documents.status(note.token).estado == "Aceptado"


def test_haulmer_being_down_surfaces_as_a_server_error(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    haulmer_fake.control.fail_next("openfactura.documents.emit", status=503, times=3)
    with pytest.raises(haulmer.ServerError):  # the first try and two retries all failed
        invoice(
            haulmer_client, Order("E1", [("Hosting", 1, 2000)]), today=haulmer_fake.clock.today()
        )
    assert haulmer_fake.openfactura_state.documents == []


@pytest.mark.anyio  # anyio's pytest plugin comes with httpx: no asyncio_mode setting needed
async def test_the_async_client_sees_the_same_fake(
    async_haulmer_client: haulmer.AsyncHaulmer, haulmer_fake: FakeHaulmer
) -> None:
    organization = await async_haulmer_client.openfactura.organization.retrieve()
    assert str(organization.rut) == "76795561-8"  # HAULMER SPA, the plugin's sandbox company
    assert haulmer_fake.requests.last.route == "openfactura.organization.retrieve"
