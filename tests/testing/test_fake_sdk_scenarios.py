"""The SDK against the fake, sync and async: what only the fake can show.

Every endpoint flow runs on both the respx emulator and the fake in
``tests/openfactura/scenarios.py``; these add what needs the fake itself: signatures that
verify, statuses moving on the fake clock, each DTE family, the server-side totals check and the
receptor's side of an issued factura.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from fake_bodies import HOSTY_KEY

import haulmer
import haulmer.dte as dte
from haulmer import sii
from haulmer.openfactura.sandbox import HAULMER_DEMO, HOSTY_DEMO
from haulmer.testing import FakeHaulmer

FECHA = dt.date(2026, 11, 27)
EMISOR: dict[str, Any] = {
    "rut": str(HAULMER_DEMO.rut),
    "razon_social": HAULMER_DEMO.razon_social,
    "giro": HAULMER_DEMO.giro,
    "actecos": [HAULMER_DEMO.acteco],
    "direccion": HAULMER_DEMO.direccion,
    "comuna": HAULMER_DEMO.comuna,
    "cdg_sii_sucur": int(HAULMER_DEMO.cdg_sii_sucur),
}
RECEPTOR: dict[str, Any] = {
    "rut": str(HOSTY_DEMO.rut),
    "razon_social": HOSTY_DEMO.razon_social,
    "giro": HOSTY_DEMO.giro[:40],
    "direccion": HOSTY_DEMO.direccion,
    "comuna": HOSTY_DEMO.comuna,
}


def _factura(price: int = 2000) -> dte.Document:
    return dte.factura(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "item", "cantidad": 1, "precio": price}],
        fecha=FECHA,
        forma_pago=1,
    )


def _boleta(price: int = 1000) -> dte.Document:
    return dte.boleta(
        emisor=EMISOR, lines=[{"nombre": "Item 1", "cantidad": 1, "precio": price}], fecha=FECHA
    )


def _guia() -> dte.Document:
    return dte.guia_despacho(
        emisor=EMISOR,
        receptor=RECEPTOR,
        lines=[{"nombre": "Servidor", "cantidad": 1, "precio": 5000}],
        ind_traslado=5,
        fecha=FECHA,
    )


async def resolve(value: Any) -> Any:
    """The value of a sync call, or the awaited value of an async one."""
    return await value if inspect.isawaitable(value) else value


@pytest.fixture(params=["sync", "async"])
def of(request: pytest.FixtureRequest, fake: FakeHaulmer) -> Any:
    """``client.openfactura`` of the sync and the async client in turn, both on the fake."""
    client = fake.client() if request.param == "sync" else fake.async_client()
    return client.openfactura


@pytest.fixture(params=["sync", "async"])
def hosty_of(request: pytest.FixtureRequest, fake: FakeHaulmer) -> Any:
    """``client.openfactura`` for HOSTY SPA, the receptor of the sample facturas."""
    if request.param == "sync":
        return fake.client(api_key=HOSTY_KEY).openfactura
    return fake.async_client(api_key=HOSTY_KEY).openfactura


async def test_every_requested_item_comes_back_decoded(of: Any) -> None:
    emitted = await resolve(
        of.documents.emit(
            _factura(), response=["FOLIO", "PDF", "XML", "TIMBRE", "LOGO", "RESOLUCION"]
        )
    )
    assert emitted.folio == 1
    assert emitted.pdf.startswith(b"%PDF")
    assert emitted.timbre.startswith(b"\x89PNG")
    assert emitted.logo.startswith(b"\x89PNG")
    assert emitted.resolucion.fecha == dt.date(2018, 3, 26)
    assert "Curicó" in emitted.xml_text
    assert sii.verify(emitted.xml).ok
    assert sii.parse(emitted.xml).totals.mnt_total == 2380
    assert not emitted.already_issued


@pytest.mark.parametrize(
    "build",
    [
        _factura,
        _boleta,
        _guia,
        lambda: dte.factura_exenta(
            emisor=EMISOR,
            receptor=RECEPTOR,
            lines=[{"nombre": "Curso", "cantidad": 2, "precio": 2500}],
            fecha=FECHA,
        ),
        lambda: dte.boleta_exenta(
            emisor=EMISOR, lines=[{"nombre": "Libro", "cantidad": 1, "precio": 9990}], fecha=FECHA
        ),
    ],
)
async def test_each_family_built_with_haulmer_dte_is_accepted(of: Any, build: Any) -> None:
    emitted = await resolve(of.documents.emit(build(), response=["FOLIO", "XML"]))
    assert emitted.folio == 1
    assert sii.verify(emitted.xml).ok


async def test_status_json_xml_pdf_and_cedible_by_token_and_by_folio(
    of: Any, fake: FakeHaulmer
) -> None:
    emitted = await resolve(of.documents.emit(_factura()))
    status = await resolve(of.documents.status(emitted.token))
    assert status.estado == "Pendiente"
    fake.clock.advance(minutes=3)
    by_folio = await resolve(
        of.documents.status(rut=HAULMER_DEMO.rut, dte_type=33, folio=emitted.folio)
    )
    assert by_folio.estado == "Aceptado"
    stored = await resolve(of.documents.json(emitted.token))
    assert dte.Document.from_sii_dict(stored.dte).totals.mnt_total == 2380
    assert stored.document_folio == emitted.folio
    xml = await resolve(of.documents.xml(emitted.token))
    assert sii.verify(xml.xml if hasattr(xml, "xml") else xml).ok
    pdf = await resolve(of.documents.pdf(rut=HAULMER_DEMO.rut, dte_type=33, folio=1))
    cedible = await resolve(of.documents.cedible(emitted.token))
    for value in (pdf, cedible):
        data = value if isinstance(value, bytes) else value.pdf
        assert data.startswith(b"%PDF")


async def test_a_dropped_answer_is_retried_and_returns_the_one_document(
    of: Any, fake: FakeHaulmer
) -> None:
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    emitted = await resolve(of.documents.emit(_boleta(), response=["FOLIO", "XML"]))
    assert (emitted.folio, emitted.already_issued) == (1, True)
    assert sii.verify(emitted.xml).ok
    assert len(fake.openfactura_state.documents) == 1


async def test_wrong_totals_surface_of10_details(of: Any, fake: FakeHaulmer) -> None:
    data = _factura().to_sii_dict()
    data["Encabezado"]["Totales"]["IVA"] = 1  # type: ignore[index]
    with pytest.raises((haulmer.DocumentError, haulmer.DocumentRejectedError)):
        await resolve(of.documents.emit(data))
    assert fake.openfactura_state.documents == []


async def test_received_list_accuse_and_purchase_registry(of: Any, hosty_of: Any) -> None:
    await resolve(of.documents.emit(_factura()))
    listing = hosty_of.documents.list_received()  # async: iterated without an await
    received = [r async for r in listing] if hasattr(listing, "__aiter__") else list(listing)
    assert [(int(r.tipo_dte), int(r.folio)) for r in received] == [(33, 1)]
    await resolve(hosty_of.documents.accuse(HAULMER_DEMO.rut, 33, 1, "ACD"))
    blocks = await resolve(hosty_of.registry.purchases(2026, 11))
    by_state = {b.estado: b for b in blocks}
    registered = by_state.get("Registrado") or by_state.get("Registro")
    assert registered is not None
    assert registered.registros[0].cant_documentos == 1


async def test_a_received_document_fetched_under_the_receptors_own_rut_says_rut_is_the_emisors(
    of: Any, hosty_of: Any
) -> None:
    # The OF-22 said to check "that the document was issued with this key": a received
    # document never is, and the RUT it was fetched under went unmentioned.
    await resolve(of.documents.emit(_factura()))
    with pytest.raises(haulmer.BadRequestError) as caught:
        await resolve(hosty_of.documents.xml(rut=HOSTY_DEMO.rut, dte_type=33, folio=1))
    assert caught.value.code == "OF-22"
    assert "rut is the RUT of the document's emisor" in str(caught.value)
    assert "row.rut_emisor" in str(caught.value)
    xml = await resolve(hosty_of.documents.xml(rut=HAULMER_DEMO.rut, dte_type=33, folio=1))
    assert xml.startswith(b"<?xml")
