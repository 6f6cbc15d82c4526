"""``iva_exceptional="ARTESANO"`` end to end on the fake OpenFactura: an artisan's boleta issued
without IVA, the 5 UTM monthly cap and the artisans' activity as typed errors, batches, notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import haulmer
import haulmer.dte as dte
from haulmer.dte import CodRef
from haulmer.errors import DocumentError, DocumentRejectedError, ValidationError
from haulmer.openfactura import IvaExceptional
from haulmer.openfactura.emission import build_emission, document_idempotency_key
from haulmer.openfactura.sandbox import HAULMER_DEMO
from haulmer.sii import validate_schema, verify
from haulmer.testing import FakeHaulmer

ARTISAN_KEY = "a" * 32
ARTISAN: dict[str, Any] = {
    "rut": "76086428-5",
    "razon_social": "ARTESANIAS SPA",
    "giro": "Artesanía en greda",
    "direccion": "Calle Pomaire 12",
    "comuna": "Melipilla",
}


@pytest.fixture
def fake() -> FakeHaulmer:
    fake = FakeHaulmer()
    fake.add_openfactura_tenant(
        ARTISAN_KEY, rut=ARTISAN["rut"], razon_social=ARTISAN["razon_social"], acteco=477396
    )
    return fake


@pytest.fixture
def client(fake: FakeHaulmer) -> haulmer.Haulmer:
    return fake.client(api_key=ARTISAN_KEY)


def _boleta(fecha: dt.date, price: int = 5000, emisor: dict[str, Any] = ARTISAN) -> dte.Document:
    return dte.boleta(
        emisor=emisor,
        lines=[
            {"nombre": "Vasija", "cantidad": 2, "precio": price},
            {"nombre": "Libro", "cantidad": 1, "precio": 3000, "ind_exe": 1},
        ],
        fecha=fecha,
    )


def test_an_artisan_issues_a_boleta_without_iva(fake: FakeHaulmer, client: haulmer.Haulmer) -> None:
    documents = client.openfactura.documents
    emitted = documents.emit(_boleta(fake.clock.today()), iva_exceptional="ARTESANO")
    assert emitted.require_folio() == 1
    stored = documents.json(emitted.token).dte["Encabezado"]
    assert {k: int(v) for k, v in stored["Totales"].items()} == {
        "MntNeto": 10000,
        "MntExe": 3000,
        "IVA": 0,
        "MntTotal": 13000,
    }
    assert fake.openfactura_state.documents[-1].iva_exceptional
    assert b"<IVA>0</IVA>" in documents.xml(emitted.token)


def test_an_artisan_s_boleta_with_a_non_billable_line_or_a_balance_is_issued_without_iva(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    documents = client.openfactura.documents
    vasija = {"nombre": "Vasija", "cantidad": 1, "precio": 10000}
    envio = {"nombre": "Envío", "cantidad": 1, "precio": 100, "ind_exe": 2}
    today = fake.clock.today()
    with_nf = dte.boleta(emisor=ARTISAN, lines=[vasija, envio], fecha=today)
    with_saldo = dte.boleta(emisor=ARTISAN, lines=[vasija], fecha=today, saldo_anterior=500)
    issued = [documents.emit(d, iva_exceptional="ARTESANO") for d in (with_nf, with_saldo)]
    totales = [documents.json(e.token).dte["Encabezado"]["Totales"] for e in issued]
    assert [{k: int(v) for k, v in t.items()} for t in totales] == [
        {"MntNeto": 10000, "IVA": 0, "MntTotal": 10000, "MontoNF": 100, "TotalPeriodo": 10100},
        {"MntNeto": 10000, "IVA": 0, "MntTotal": 10000, "SaldoAnterior": 500, "VlrPagar": 10500},
    ]


def test_an_artisan_s_boleta_is_stamped_in_the_order_the_sii_schema_sets(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    documents = client.openfactura.documents
    today = fake.clock.today()
    lines = [
        {"nombre": "Vasija", "cantidad": 1, "precio": 10000},
        {"nombre": "Envío", "cantidad": 1, "precio": 100, "ind_exe": 2},
    ]
    for boleta in (
        dte.boleta(emisor=ARTISAN, lines=lines, fecha=today),
        dte.boleta(emisor=ARTISAN, lines=lines[:1], fecha=today, saldo_anterior=500),
    ):
        xml = documents.xml(documents.emit(boleta, iva_exceptional="ARTESANO").token)
        validate_schema(xml)
        assert b"<IVA>0</IVA><MntTotal>10000</MntTotal>" in xml
        assert verify(xml).ok


async def test_the_async_client_issues_an_artesano_boleta_too(fake: FakeHaulmer) -> None:
    async with fake.async_client(api_key=ARTISAN_KEY) as client:
        emitted = await client.openfactura.documents.emit(
            _boleta(fake.clock.today()), iva_exceptional=IvaExceptional.ARTESANO
        )
        json = await client.openfactura.documents.json(emitted.token)
    assert json.dte["Encabezado"]["Totales"]["IVA"] in (0, "0")
    assert fake.openfactura_state.documents[-1].iva_exceptional


def test_past_the_5_utm_monthly_cap_the_emission_is_rejected_with_of_10(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    fake.openfactura_state.utm_value = 70_000  # 5 UTM = 350,000 pesos
    today = fake.clock.today()
    documents = client.openfactura.documents
    documents.emit(_boleta(today, price=150_000), iva_exceptional="ARTESANO")  # 303,000
    with pytest.raises(DocumentRejectedError) as caught:
        documents.emit(_boleta(today, price=25_000), iva_exceptional="ARTESANO")  # 53,000
    assert caught.value.code == "OF-10"
    assert [d.field for d in caught.value.details] == ["ivaExceptional"]
    assert "5 UTM" in str(caught.value)
    documents.emit(_boleta(today, price=22_000), iva_exceptional="ARTESANO")  # 47,000: the cap
    assert [d.totals["MntTotal"] for d in fake.openfactura_state.documents] == [303_000, 47_000]


def test_a_company_without_the_artisans_activity_is_rejected_with_of_10(
    fake: FakeHaulmer,
) -> None:
    demo = {
        "rut": str(HAULMER_DEMO.rut),
        "razon_social": HAULMER_DEMO.razon_social,
        "giro": HAULMER_DEMO.giro,
        "direccion": HAULMER_DEMO.direccion,
        "comuna": HAULMER_DEMO.comuna,
    }
    client = fake.client()  # HAULMER SPA: Acteco 479100
    with pytest.raises(DocumentRejectedError) as caught:
        client.openfactura.documents.emit(
            _boleta(fake.clock.today(), emisor=demo), iva_exceptional="ARTESANO"
        )
    assert caught.value.code == "OF-10"
    assert [d.field for d in caught.value.details] == ["Acteco"]


def test_emit_many_issues_every_sale_as_an_artesano_boleta(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    today = fake.clock.today()
    sales = [{"id": f"venta-{n}", "document": _boleta(today, price=1000 * n)} for n in (1, 2)]
    results = list(client.openfactura.documents.emit_many(sales, iva_exceptional="artesano"))
    assert [r.status for r in results] == ["issued", "issued"]
    issued = {d.token: d for d in fake.openfactura_state.documents}
    assert [d.iva_exceptional for d in issued.values()] == [True, True]
    # the batch sends its sales side by side: the fake holds them in the order they arrived
    tokens = [r.document.token for r in results if r.document is not None]
    assert [issued[token].totals["MntTotal"] for token in tokens] == [5000, 7000]


def test_emit_many_refuses_another_exception_before_sending_anything(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    sales = [{"id": "venta-1", "document": _boleta(fake.clock.today())}]
    sent = fake.requests.total
    with pytest.raises(ValidationError, match="iva_exceptional must be 'ARTESANO'"):
        client.openfactura.documents.emit_many(sales, iva_exceptional="EXENTO")
    assert fake.requests.total == sent


def test_a_credit_note_annulling_an_artesano_boleta_is_refused_before_sending_it(
    fake: FakeHaulmer, client: haulmer.Haulmer
) -> None:
    documents = client.openfactura.documents
    emitted = documents.emit(_boleta(fake.clock.today()), iva_exceptional="ARTESANO")
    with pytest.raises(DocumentError, match="issued without IVA"):
        documents.credit_note(emitted, reason="Devolución")
    assert len(fake.openfactura_state.documents) == 1
    note = documents.credit_note(emitted, reason="Corrige giro", code=CodRef.CORRIGE_TEXTO)
    assert documents.json(note.token).dte["Encabezado"]["Totales"]["MntTotal"] in (0, "0")


def test_an_artesano_boleta_exenta_derives_a_key_of_its_own() -> None:
    """A 41's wire ``dte`` is the same with and without ARTESANO: only ``ivaExceptional`` tells
    the two requests apart, so the derived key covers it (and stays as it was without it)."""
    exenta = dte.boleta_exenta(
        emisor=ARTISAN,
        lines=[{"nombre": "Vasija", "cantidad": 2, "precio": 5000}],
        fecha=dt.date(2026, 12, 3),
    )
    plain = build_emission(exenta)
    artesano = build_emission(exenta, iva_exceptional="ARTESANO")
    assert artesano.body["dte"] == plain.body["dte"]
    assert plain.idempotency_key == document_idempotency_key(plain.body["dte"])
    assert artesano.idempotency_key != plain.idempotency_key
    assert artesano.key_is_derived
    again = build_emission(exenta, iva_exceptional=IvaExceptional.ARTESANO)
    assert again.idempotency_key == artesano.idempotency_key
