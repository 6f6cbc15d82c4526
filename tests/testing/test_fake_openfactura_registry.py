"""Registries computed from issued documents, acknowledgements, guía voiding and RCV sync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, boleta, exenta, factura, guia

from haulmer.testing import FakeClock, FakeHaulmer

Issue = Callable[..., dict[str, Any]]
ZERO_REFERENCE_ROWS = [
    {
        "tipoDocumento": tipo,
        "cantDocumentos": 0,
        "totalMntExe": 0,
        "totalMntNeto": 0,
        "totalMntIVA": 0,
        "totalOtrosImp": 0,
        "totalMntTotal": 0,
    }
    for tipo in (801, 802)
]
"""The real sales registry always lists the reference types 801 and 802, with zero amounts."""


def test_sales_registry_sums_issued_documents_per_type(wire: httpx.Client, issue: Issue) -> None:
    issue(factura(neto=1000, fecha="2026-11-02"))
    issue(factura(neto=2000, fecha="2026-11-27"))
    issue(exenta(total=500, fecha="2026-11-27"))
    issue(factura(neto=9000, fecha="2026-10-31"))
    month = wire.get("/v2/dte/registry/sales/2026/11").json()
    assert month["fechaInicio"] == "2026-11-01"
    assert month["fechaFinal"] == "2026-11-30"
    assert month["registros"] == [
        {
            "tipoDocumento": 33,
            "cantDocumentos": 2,
            "totalMntExe": 0,
            "totalMntNeto": 3000,
            "totalMntIVA": 570,
            "totalOtrosImp": 0,
            "totalMntTotal": 3570,
        },
        {
            "tipoDocumento": 34,
            "cantDocumentos": 1,
            "totalMntExe": 500,
            "totalMntNeto": 0,
            "totalMntIVA": 0,
            "totalOtrosImp": 0,
            "totalMntTotal": 500,
        },
        *ZERO_REFERENCE_ROWS,
    ]
    day = wire.get("/v2/dte/registry/sales/2026/11/02").json()
    assert day["fechaInicio"] == day["fechaFinal"] == "2026-11-02"
    assert [r["totalMntTotal"] for r in day["registros"]] == [1190, 0, 0]


def test_rejected_documents_leave_the_sales_registry(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    fake.control.script_status("Rechazado")
    issue(factura())
    fake.clock.advance(minutes=3)
    assert wire.get("/v2/dte/registry/sales/2026/11").json()["registros"] == ZERO_REFERENCE_ROWS


def test_registry_dates_must_be_zero_padded(wire: httpx.Client) -> None:
    for path in (
        "/v2/dte/registry/sales/2026/8",
        "/v2/dte/registry/purchase/2026/13",
        "/v2/dte/registry/sales/2026/02/30",
    ):
        response = wire.get(path)
        assert response.status_code == 400
        assert response.json() == {
            "message": "Validación de Campos.",
            "code": "OF-10",
            "details": {"Error": "Fecha Incorrecta"},
        }


@pytest.mark.parametrize(
    "path",
    [
        "/v2/dte/registry/sales/２０２６/１１",
        "/v2/dte/registry/sales/٢٠٢٦/١١",
        "/v2/dte/registry/purchase/2026/１１",
        "/v2/dte/registry/purchase/2026/11/２７",
    ],
)
def test_a_registry_period_in_other_scripts_digits_is_incorrect(
    wire: httpx.Client, issue: Issue, path: str
) -> None:
    # \d read them as 2026/11, answering a period nobody wrote in the digits the API takes.
    issue(factura())
    response = wire.get(path)
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Fecha Incorrecta"},
    }


def test_purchase_registry_has_one_block_per_state(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    issue(factura(neto=1000))
    blocks = hosty.get("/v2/dte/registry/purchase/2026/11").json()
    # The sandbox (the fake's default flavour) spells "Registrado" as "Registro".
    assert [b["estado"] for b in blocks] == ["Pendiente", "Registro", "No_incluir", "Reclamado"]
    assert blocks[0]["registros"][0]["totalMntTotal"] == 1190
    assert blocks[1]["registros"] == []
    only = hosty.get("/v2/dte/registry/purchase/2026/11?status=registered,reclaimed").json()
    assert [b["estado"] for b in only] == ["Registro", "Reclamado"]
    bad = hosty.get("/v2/dte/registry/purchase/2026/11?status=compra")
    assert bad.status_code == 400
    assert bad.json()["code"] == "OF-10"


@pytest.mark.parametrize("status", [",", " , ,"])
def test_a_purchase_status_of_commas_only_is_refused_showing_it(
    hosty: httpx.Client, status: str
) -> None:
    # The refusal said " es Incorrecto", naming nothing.
    bad = hosty.get("/v2/dte/registry/purchase/2026/11", params={"status": status})
    assert bad.status_code == 400
    assert bad.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"status": f"{status} es Incorrecto"},
    }


def test_a_factura_the_sii_rejected_is_in_neither_registry(
    fake: FakeHaulmer, wire: httpx.Client, hosty: httpx.Client, issue: Issue
) -> None:
    fake.control.script_status("Rechazado")
    issue(factura(neto=1000))
    issue(factura(neto=2000))
    fake.clock.advance(days=9)  # past the 8 days that would have registered it tacitly
    sales = wire.get("/v2/dte/registry/sales/2026/11").json()["registros"]
    assert [(r["tipoDocumento"], r["totalMntNeto"]) for r in sales[:1]] == [(33, 2000)]
    blocks = {b["estado"]: b for b in hosty.get("/v2/dte/registry/purchase/2026/11").json()}
    assert blocks["Registro"]["registros"] == [
        {
            "tipoDocumento": 33,
            "cantDocumentos": 1,
            "totalMntExe": 0,
            "totalMntNeto": 2000,
            "totalMntIVA": 380,
            "totalOtrosImp": 0,
            "totalMntTotal": 2380,
        }
    ]
    assert all(b["registros"] == [] for name, b in blocks.items() if name != "Registro")


def test_a_guia_is_in_neither_registry_voided_or_not(
    wire: httpx.Client, hosty: httpx.Client, issue: Issue
) -> None:
    # The RCV holds the documents of IVA (the SII's LibroCV takes no type 52); a guía moves goods
    # and is kept in the SII's book of guías, so it is in neither registry, voided or not.
    issue(guia())
    issue(factura(neto=1000))
    sales = wire.get("/v2/dte/registry/sales/2026/11").json()["registros"]
    assert [row["tipoDocumento"] for row in sales] == [33, 801, 802]
    purchases = hosty.get("/v2/dte/registry/purchase/2026/11").json()
    assert [row["tipoDocumento"] for b in purchases for row in b["registros"]] == [33]
    wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"})
    assert hosty.get("/v2/dte/registry/purchase/2026/11").json() == purchases
    assert wire.get("/v2/dte/registry/sales/2026/11").json()["registros"] == sales


def test_accuse_acd_registers_and_rcd_claims(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    issue(factura())
    issue(factura())
    accepted = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": 1, "acuse": "ACD"},
    ).json()
    assert accepted == {
        "data": [{"dte": 33, "folio": 1, "acuse": "ACD"}],
        "code": 0,
        "result": "OK",
        "msg": [{"codResp": 0, "descResp": "Acción Completada OK"}],
    }
    hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": 2, "acuse": "RCD"},
    )
    blocks = {b["estado"]: b for b in hosty.get("/v2/dte/registry/purchase/2026/11").json()}
    assert blocks["Registro"]["registros"][0]["cantDocumentos"] == 1
    assert blocks["Reclamado"]["registros"][0]["cantDocumentos"] == 1
    rows = hosty.post("/v2/dte/document/received", json={}).json()["data"]
    by_folio = {row["Folio"]: row for row in rows}
    assert by_folio[1]["Acuses"] == [
        {"codEvento": "ACD", "fechaEvento": "2026-11-27 10:00:00", "estado": "Aceptado"}
    ]
    again = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": 1, "acuse": "ACD"},
    ).json()
    assert again["msg"][0]["codResp"] == 7


def _accuse(hosty: httpx.Client, folio: int, acuse: str) -> tuple[int, str]:
    answer = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": folio, "acuse": acuse},
    ).json()
    return answer["msg"][0]["codResp"], answer["msg"][0]["descResp"]


def test_accuse_answers_the_sii_codes_for_events_that_conflict(
    hosty: httpx.Client, issue: Issue
) -> None:
    for _ in range(4):
        issue(factura())
    assert _accuse(hosty, 1, "ACD")[0] == 0
    assert _accuse(hosty, 1, "RCD") == (11, "No se puede reclamar DTE previamente aceptado")
    assert _accuse(hosty, 2, "ERM")[0] == 0
    assert _accuse(hosty, 2, "RFT") == (
        13,
        "No se puede reclamar DTE previamente registrado como acuso recibo mercadería",
    )
    assert _accuse(hosty, 3, "RCD")[0] == 0
    assert _accuse(hosty, 3, "ACD") == (
        12,
        "No se puede dar por aceptado DTE previamente rechazado por RCD",
    )
    assert _accuse(hosty, 3, "ERM") == (
        6,
        "No se puede acusar recibo de mercadería de DTE previamente reclamado por RCD",
    )
    assert _accuse(hosty, 3, "RFP") == (5, "DTE ya está reclamado por RCD")
    # codResp 8 is the SII's "too late", which none of these is.
    assert _accuse(hosty, 4, "RFP")[0] == 0
    assert _accuse(hosty, 4, "RFP") == (7, "Evento registrado previamente")


LATE = (8, "Pasados 8 días después de la recepción no es posible registrar reclamos o eventos")


def test_accuse_after_eight_days_is_too_late_for_claims_and_events(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    issue(factura())
    issue(factura())
    # The SII received them on 27 November: the 8 calendar days run until 5 December ends.
    fake.clock.advance(days=8, hours=13, minutes=59, seconds=59)
    assert _accuse(hosty, 1, "ERM")[0] == 0
    fake.clock.advance(seconds=1)
    assert _accuse(hosty, 2, "RCD") == LATE  # tacitly accepted: the claim comes too late
    assert _accuse(hosty, 2, "ACD") == LATE
    assert _accuse(hosty, 1, "ACD") == LATE
    assert _accuse(hosty, 1, "ERM")[0] == 7
    base = "/v2/dte/document/76795561-8/33/2/status"
    assert hosty.get(base).json()["estado"] == "Registrado"


def _received_at(when: dt.datetime) -> tuple[FakeHaulmer, httpx.Client, httpx.Client]:
    """A fake whose clock starts at ``when`` (Chile), a factura issued to HOSTY SPA then, and
    raw clients for HAULMER SPA and HOSTY SPA."""
    fake = FakeHaulmer(clock=FakeClock(when))
    fake.control.rate_limit(None)
    wire = httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HAULMER_KEY}
    )
    hosty = httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HOSTY_KEY}
    )
    for _ in range(2):
        assert wire.post("/v2/dte/document", json=factura(fecha=f"{when:%Y-%m-%d}")).is_success
    return fake, wire, hosty


def _received_state(hosty: httpx.Client, folio: int) -> str:
    estado: str = hosty.get(f"/v2/dte/document/76795561-8/33/{folio}/status").json()["estado"]
    return estado


def test_the_eight_days_to_claim_run_until_the_midnight_that_ends_the_eighth_calendar_day() -> None:
    # Received by the SII at 00:13 on 27 November: a claim at 20:00 on 5 December, more than 8
    # times 24 hours later, is still on the 8th calendar day after it, and taken.
    fake, _, hosty = _received_at(dt.datetime(2026, 11, 27, 0, 10))
    fake.clock.set(dt.datetime(2026, 12, 5, 20, 0))
    assert _received_state(hosty, 2) == "Pendiente"
    assert _accuse(hosty, 1, "RCD")[0] == 0
    fake.clock.set(dt.datetime(2026, 12, 6, 0, 0))
    assert _accuse(hosty, 2, "RCD") == LATE
    assert _received_state(hosty, 2) == "Registrado"


def test_the_eight_days_to_claim_count_from_the_day_the_sii_received_the_document() -> None:
    # Issued at 23:58 on 27 November, received by the SII 3 minutes later, on the 28th: the
    # claim may come until 6 December ends.
    fake, _, hosty = _received_at(dt.datetime(2026, 11, 27, 23, 58))
    fake.clock.set(dt.datetime(2026, 12, 6, 12, 0))
    assert _received_state(hosty, 2) == "Pendiente"
    assert _accuse(hosty, 1, "RFP")[0] == 0
    fake.clock.set(dt.datetime(2026, 12, 7, 0, 0))
    assert _accuse(hosty, 2, "ACD") == LATE


def test_the_eight_days_to_claim_are_calendar_days_across_a_change_of_chiles_clocks() -> None:
    # Chile moves its clocks forward as 6 September 2026 begins: 8 days after 23:30 on
    # 1 September is 00:30 on the 10th by the elapsed hours, but the 9th was the last day.
    fake, _, hosty = _received_at(dt.datetime(2026, 9, 1, 23, 30))
    fake.clock.set(dt.datetime(2026, 9, 9, 23, 59))
    assert _accuse(hosty, 1, "ACD")[0] == 0
    fake.clock.set(dt.datetime(2026, 9, 10, 0, 15))
    assert _accuse(hosty, 2, "RCD") == LATE
    assert _received_state(hosty, 2) == "Registrado"


def test_accuse_refuses_unknown_codes_and_documents(hosty: httpx.Client, issue: Issue) -> None:
    issue(factura())
    bad = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": 1, "acuse": "OK"},
    )
    assert bad.json()["error"]["code"] == "OF-10"
    missing = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 33, "folio": 9, "acuse": "ACD"},
    )
    assert missing.json()["error"]["code"] == "OF-22"


def test_accuse_refuses_a_boleta_addressed_to_the_company(
    hosty: httpx.Client, issue: Issue
) -> None:
    sale = boleta()
    sale["dte"]["Encabezado"]["Receptor"] = {"RUTRecep": "76430498-5"}
    issue(sale)
    refused = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": 39, "folio": 1, "acuse": "ACD"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "OF-10"
    assert refused.json()["error"]["details"][0]["field"] == "dte"
    row = hosty.post("/v2/dte/document/received", json={}).json()["data"][0]
    assert (row["TipoDTE"], row["Acuses"]) == (39, None)


def test_guia_52_is_voided_once(wire: httpx.Client, issue: Issue) -> None:
    issue(guia())
    done = wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"})
    assert done.json() == {"success": "Se ha anulado el documento Folio: 1"}
    again = wire.post("/v2/dte/anularDTE52", json={"dte": 52, "folio": 1, "fecha": "2026-11-27"})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "OF-10"
    assert (
        wire.post(
            "/v2/dte/anularDTE52", json={"Dte": 33, "Folio": 1, "Fecha": "2026-11-27"}
        ).json()["error"]["code"]
        == "OF-10"
    )
    assert (
        wire.post(
            "/v2/dte/anularDTE52", json={"Dte": 52, "Folio": 5, "Fecha": "2026-11-27"}
        ).json()["error"]["code"]
        == "OF-22"
    )


def _invoicing(guia_folio: int) -> dict[str, Any]:
    """A factura 33 that invoices guía ``guia_folio`` (its Referencia to the 52)."""
    body = factura()
    body["dte"]["Referencia"] = [
        {"NroLinRef": 1, "TpoDocRef": "52", "FolioRef": str(guia_folio), "FchRef": "2026-11-27"}
    ]
    return body


def test_a_guia_a_factura_invoices_is_not_voided_until_the_factura_is_annulled(
    wire: httpx.Client, issue: Issue
) -> None:
    # It had been voided, the factura still invoicing goods the books then said never moved.
    issue(guia())
    issue(_invoicing(1))
    void = {"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"}
    refused = wire.post("/v2/dte/anularDTE52", json=void)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "OF-09"
    assert error["details"][0]["field"] == "Folio"
    assert "33" in error["details"][0]["issue"]
    note = factura()
    note["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 61
    note["dte"]["Referencia"] = [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "1",
            "FchRef": "2026-11-27",
            "CodRef": 1,
            "RazonRef": "Anula factura",
        }
    ]
    issue(note)
    done = wire.post("/v2/dte/anularDTE52", json=void)
    assert done.json() == {"success": "Se ha anulado el documento Folio: 1"}


def test_a_factura_naming_its_guias_folio_with_zeros_before_it_still_keeps_it_from_voiding(
    wire: httpx.Client, issue: Issue
) -> None:
    """A factura whose Referencia writes the guía's folio "0001" (an ERP's padded folio, which
    the SDK's checks take as folio 1) invoices guía 1 all the same: the fake compared the
    text, so it voided the invoiced guía, and an annulling nota naming the factura "0001" was
    not seen either."""
    issue(guia())
    invoice = _invoicing(1)
    invoice["dte"]["Referencia"][0]["FolioRef"] = "0001"
    issue(invoice)
    void = {"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"}
    refused = wire.post("/v2/dte/anularDTE52", json=void)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "OF-09"
    note = factura()
    note["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 61
    note["dte"]["Referencia"] = [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "001",
            "FchRef": "2026-11-27",
            "CodRef": 1,
            "RazonRef": "Anula factura",
        }
    ]
    issue(note)
    done = wire.post("/v2/dte/anularDTE52", json=void)
    assert done.json() == {"success": "Se ha anulado el documento Folio: 1"}


def test_a_guia_whose_factura_the_sii_rejected_is_voided(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    """A factura the SII rejected invoices nothing (and no nota de crédito annuls it, as no
    document the SII refused can be modified), yet it kept its guía from being voided (OF-09):
    the guía could be neither voided nor freed."""
    issue(guia())
    fake.control.script_status("Rechazado")
    issue(_invoicing(1))
    void = {"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"}
    pending = wire.post("/v2/dte/anularDTE52", json=void)
    assert pending.json()["error"]["code"] == "OF-09"  # not rejected yet: it may be accepted
    fake.clock.advance(minutes=3)
    done = wire.post("/v2/dte/anularDTE52", json=void)
    assert done.json() == {"success": "Se ha anulado el documento Folio: 1"}


def test_a_nota_the_sii_rejected_does_not_free_the_guia_its_factura_invoices(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    """The other side: a nota de crédito annulling the factura that the SII then rejected
    annuls nothing, so the guía stays invoiced and is not voided."""
    issue(guia())
    issue(_invoicing(1))
    fake.clock.advance(minutes=3)  # the factura is accepted
    note = factura()
    note["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 61
    note["dte"]["Referencia"] = [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "1",
            "FchRef": "2026-11-27",
            "CodRef": 1,
            "RazonRef": "Anula factura",
        }
    ]
    fake.control.script_status("Rechazado")
    issue(note)
    fake.clock.advance(minutes=3)
    refused = wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": 1, "Fecha": "2026-11-27"})
    assert refused.json()["error"]["code"] == "OF-09"


def test_the_sdk_says_to_annul_the_factura_before_voiding_its_guia(fake: FakeHaulmer) -> None:
    from haulmer.errors import DocumentRejectedError

    documents = fake.client(api_key=HAULMER_KEY).openfactura.documents
    with httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HAULMER_KEY}
    ) as wire:
        assert wire.post("/v2/dte/document", json=guia()).status_code == 200
        assert wire.post("/v2/dte/document", json=_invoicing(1)).status_code == 200
    with pytest.raises(DocumentRejectedError) as caught:
        documents.void_guia(1, "2026-11-27")
    assert caught.value.code == "OF-09"
    assert "credit_note" in str(caught.value)


def test_a_second_void_says_the_guia_is_voided_already_and_nothing_is_left_to_do(
    fake: FakeHaulmer,
) -> None:
    # What an integrator meets repeating a void whose answer was lost (a POST without a key is
    # not retried by itself): OpenFactura's Spanish alone had said so.
    from haulmer.errors import DocumentRejectedError

    documents = fake.client(api_key=HAULMER_KEY).openfactura.documents
    with httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HAULMER_KEY}
    ) as wire:
        assert wire.post("/v2/dte/document", json=guia()).status_code == 200
    documents.void_guia(1, "2026-11-27")
    with pytest.raises(DocumentRejectedError) as caught:
        documents.void_guia(1, "2026-11-27")
    assert caught.value.code == "OF-10"
    assert "voided already" in str(caught.value)
    assert "nothing is left to do" in str(caught.value)


def test_sync_rcv_is_enqueued_then_limited_per_registro(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    first = wire.post("/v2/dte/registry/sync-rcv", json={"registro": "sales", "periodo": 202611})
    assert first.status_code == 200
    assert set(first.json()) == {"message", "code"}
    other = wire.post("/v2/dte/registry/sync-rcv", json={"registro": "purchase", "periodo": 202611})
    assert other.status_code == 200
    limited = wire.post("/v2/dte/registry/sync-rcv", json={"registro": "sales", "periodo": 202610})
    assert limited.status_code == 429
    body = limited.json()
    assert body["code"] == "OF-429"
    assert body["retry_after"] == 600
    assert body["ends_at"].startswith("2026-11-27T10:10:00")
    fake.clock.advance(seconds=body["retry_after"])
    assert (
        wire.post(
            "/v2/dte/registry/sync-rcv", json={"registro": "sales", "periodo": 202610}
        ).status_code
        == 200
    )


def test_sync_rcv_retry_after_is_rounded_up_so_waiting_it_is_enough(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    body = {"registro": "sales", "periodo": 202611}
    fake.clock.advance(seconds=0.5)  # a jittered backoff leaves the clock between seconds
    assert wire.post("/v2/dte/registry/sync-rcv", json=body).status_code == 200
    fake.clock.advance(seconds=0.2)
    limited = wire.post("/v2/dte/registry/sync-rcv", json=body).json()
    assert limited["retry_after"] == 600  # 599.8 s left
    fake.clock.advance(seconds=limited["retry_after"])
    assert wire.post("/v2/dte/registry/sync-rcv", json=body).status_code == 200


def test_sync_rcv_validates_registro_and_periodo(wire: httpx.Client) -> None:
    for body in (
        {"registro": "compra", "periodo": 202611},
        {"registro": "sales", "periodo": 202602 + 100},
        {"registro": "sales", "periodo": "202611"},
        {"registro": "sales", "periodo": 202613},
    ):
        response = wire.post("/v2/dte/registry/sync-rcv", json=body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "OF-10"
    assert (
        wire.post(
            "/v2/dte/registry/sync-rcv", json={"registro": "sales", "periodo": 202701}
        ).status_code
        == 200
    )


def test_boletas_sum_in_sales(wire: httpx.Client, issue: Issue) -> None:
    issue(boleta(total=1000))
    issue(boleta(total=1000))
    row = wire.get("/v2/dte/registry/sales/2026/11/27").json()["registros"][0]
    assert (row["tipoDocumento"], row["cantDocumentos"], row["totalMntTotal"]) == (39, 2, 2000)


def test_accuse_finds_no_document_of_an_issuer_rut_whose_check_digit_is_wrong(
    hosty: httpx.Client, issue: Issue
) -> None:
    # Only the number was compared: the acuse named a RUT nobody has and was registered.
    issue(factura())
    answer = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-0", "dte": 33, "folio": 1, "acuse": "ACD"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "OF-22"
    rows = hosty.post("/v2/dte/document/received", json={}).json()["data"]
    assert rows[0]["Acuses"] is None


def test_a_boleta_bought_is_in_no_block_of_the_purchase_registry(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    # The Registro de Compras holds the documents that give crédito fiscal, which a boleta does
    # not, and a boleta takes no acuse: it was counted "Pendiente", then tacitly "Registrado".
    bought = boleta(total=5000)
    bought["dte"]["Encabezado"]["Receptor"] = {"RUTRecep": "76430498-5", "RznSocRecep": "HOSTY SPA"}
    issue(bought)
    issue(factura(neto=1000))
    for days in (0, 9):  # pending, then past the 8 days that register a factura tacitly
        fake.clock.advance(days=days)
        blocks = hosty.get("/v2/dte/registry/purchase/2026/11").json()
        listed = [(b["estado"], row["tipoDocumento"]) for b in blocks for row in b["registros"]]
        assert listed == [("Pendiente" if days == 0 else "Registro", 33)]
