"""Self-service links on the fake: what the request may carry, and the customer's side of the
link (``fake.self_service_page``): taking the boleta, or turning the sale into a factura with
OpenFactura's date rules and the nota de crédito that voids an issued boleta."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from fake_bodies import START

import haulmer.dte as dte
from haulmer import sii
from haulmer.dte.models import Receptor
from haulmer.errors import AlreadyIssuedError, BadRequestError, DocumentError
from haulmer.testing import FakeHaulmer, SelfServicePage
from haulmer.testing.openfactura._self_service import factura_date

TODAY = START.date()
EMISOR: dict[str, Any] = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "VENTA POR INTERNET",
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}
CUSTOMER_COMPANY = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "SERVICIOS INFORMATICOS",
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}


def _boleta(fecha: dt.date = TODAY) -> dte.Document:
    return dte.boleta(
        emisor=EMISOR, lines=[{"nombre": "Polera", "cantidad": 2, "precio": 5950}], fecha=fecha
    )


def _page(fake: FakeHaulmer, *, issue_boleta: bool, allow_factura: bool = True) -> SelfServicePage:
    link = fake.client().openfactura.documents.self_service_link(
        _boleta(),
        order={"id": 501, "date": TODAY},
        issue_boleta=issue_boleta,
        allow_factura=allow_factura,
        customer={"full_name": "Ana Rojas", "email": "ana@hosty.cl"},
    )
    return fake.self_service_page(link.url)


def test_a_link_issuing_the_boleta_returns_its_folio_and_the_boleta_is_real(
    fake: FakeHaulmer,
) -> None:
    link = fake.client().openfactura.documents.self_service_link(
        _boleta(), order={"id": 501, "date": TODAY}, issue_boleta=True, allow_factura=False
    )
    assert link.folio == 1
    assert link.url.endswith(link.token)
    page = fake.self_service_page(link.url)
    assert page.boleta is not None
    assert page.boleta.dte_type == 39
    assert page.link.references == [{"type": "801", "ID": 501, "date": TODAY.isoformat()}]
    sii.verify(page.boleta.xml, allow_test_cafs=True)


def test_a_link_without_the_boleta_still_returns_the_companys_logo_and_resolucion(
    fake: FakeHaulmer,
) -> None:
    link = fake.client().openfactura.documents.self_service_link(
        _boleta(),
        order={"id": 502, "date": TODAY},
        issue_boleta=False,
        allow_factura=True,
        response=["LOGO", "RESOLUCION"],
    )
    assert link.folio is None
    assert (link.logo or b"").startswith(b"\x89PNG\r\n\x1a\n")
    assert link.resolucion is not None
    assert (link.resolucion.fecha, link.resolucion.numero) == (dt.date(2018, 3, 26), 0)


def test_a_link_without_the_boleta_issues_it_when_the_customer_takes_it(
    fake: FakeHaulmer,
) -> None:
    page = _page(fake, issue_boleta=False)
    assert page.boleta is None
    assert fake.openfactura_state.documents == []
    fake.clock.advance(days=3)
    boleta = page.take_boleta()
    assert (boleta.dte_type, boleta.folio, boleta.fch_emis) == (39, 1, TODAY.isoformat())
    assert page.take_boleta() is boleta  # taking it again gives the same boleta


def test_the_customer_turns_an_issued_boleta_into_a_factura_and_a_credit_note_voids_it(
    fake: FakeHaulmer,
) -> None:
    page = _page(fake, issue_boleta=True)
    boleta = page.boleta
    assert boleta is not None
    factura = page.convert_to_factura(CUSTOMER_COMPANY)
    assert factura.dte_type == 33
    assert factura.receptor_rut == "76430498-5"
    assert factura.totals["MntTotal"] == boleta.totals["MntTotal"] == 11900
    assert (factura.totals["MntNeto"], factura.totals["IVA"]) == (10000, 1900)
    note = page.credit_note
    assert note is not None
    assert note.dte_type == 61
    (reference,) = note.dte["Referencia"]
    assert (reference["TpoDocRef"], reference["FolioRef"], reference["CodRef"]) == (
        "39",
        str(boleta.folio),
        1,
    )
    assert note.totals["MntTotal"] == boleta.totals["MntTotal"]
    client = fake.client().openfactura.documents
    assert client.json(factura.token).dte["Encabezado"]["Receptor"]["RznSocRecep"] == "HOSTY SPA"
    with pytest.raises(ValueError, match="already a factura"):
        page.convert_to_factura(CUSTOMER_COMPANY)
    with pytest.raises(ValueError, match="no boleta to take"):
        page.take_boleta()


def test_the_shop_refunds_a_link_boleta_with_a_credit_note_by_its_token(
    fake: FakeHaulmer,
) -> None:
    # The link's boleta goes without Receptor, as the plugins send it; its refund had failed.
    link = fake.client().openfactura.documents.self_service_link(
        _boleta(), order={"id": 503, "date": TODAY}, issue_boleta=True, allow_factura=False
    )
    documents = fake.client().openfactura.documents
    note = documents.credit_note(link.token, reason="Devolución")
    stored = documents.json(note.token).dte
    assert stored["Encabezado"]["Receptor"] == {"RUTRecep": "66666666-6", "RznSocRecep": "Cliente"}
    assert stored["Referencia"][0]["FolioRef"] == str(link.folio)


def test_a_boleta_the_shop_voided_is_not_turned_into_a_factura_and_voided_again(
    fake: FakeHaulmer,
) -> None:
    # The factura had been issued and a second nota de crédito voided the boleta once more,
    # crediting the sale's IVA twice.
    page = _page(fake, issue_boleta=True)
    assert page.boleta is not None
    documents = fake.client().openfactura.documents
    refund = documents.credit_note(page.boleta.token, reason="Devolución")
    with pytest.raises(ValueError, match=f"nota de crédito {refund.folio}"):
        page.convert_to_factura(CUSTOMER_COMPANY)
    assert (page.factura, page.credit_note) == (None, None)
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39, 61]


def test_a_nota_naming_the_boleta_by_its_folio_written_with_zeros_voids_it_too(
    fake: FakeHaulmer,
) -> None:
    # A nota whose FolioRef reads "0001" names folio 1, as the SDK's checks read it: the fake
    # compared the text, and turned the refunded boleta into a factura, voiding it again.
    page = _page(fake, issue_boleta=True)
    assert page.boleta is not None
    documents = fake.client().openfactura.documents
    refund = documents.credit_note(page.boleta.token, reason="Devolución")
    issued_note = fake.openfactura_state.documents[-1]
    references = issued_note.dte["Referencia"]
    reference = references[0] if isinstance(references, list) else references
    reference["FolioRef"] = f"000{page.boleta.folio}"
    with pytest.raises(ValueError, match=f"nota de crédito {refund.folio}"):
        page.convert_to_factura(CUSTOMER_COMPANY)
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39, 61]


def test_a_boleta_with_only_its_text_corrected_may_still_become_a_factura(
    fake: FakeHaulmer,
) -> None:
    page = _page(fake, issue_boleta=True)
    assert page.boleta is not None
    documents = fake.client().openfactura.documents
    documents.credit_note(page.boleta.token, reason="Corrige giro", code=dte.CodRef.CORRIGE_TEXTO)
    assert page.convert_to_factura(CUSTOMER_COMPANY).dte_type == 33


BAKERY = {**EMISOR, "rut": "76086428-5", "razon_social": "PANADERIA ANA SPA"}


@pytest.mark.parametrize(
    ("dte_types", "issue_boleta", "missing"),
    [((39,), False, "33"), ((39, 33), True, "61"), ((39, 61), True, "33")],
)
def test_a_link_offering_a_factura_the_company_cannot_issue_is_refused_with_of_05(
    fake: FakeHaulmer, dte_types: tuple[int, ...], issue_boleta: bool, missing: str
) -> None:
    # The link had been handed out, and only the customer's conversion failed, days later.
    fake.add_openfactura_tenant(
        "b" * 32, rut=BAKERY["rut"], razon_social=BAKERY["razon_social"], dte_types=dte_types
    )
    shop = fake.client(api_key="b" * 32).openfactura.documents
    boleta = dte.boleta(
        emisor=BAKERY, lines=[{"nombre": "Pan", "cantidad": 1, "precio": 1190}], fecha=TODAY
    )
    with pytest.raises(BadRequestError) as caught:
        shop.self_service_link(
            boleta, order={"id": 9, "date": TODAY}, issue_boleta=issue_boleta, allow_factura=True
        )
    assert caught.value.code == "OF-05"
    assert caught.value.details[0].field == "allowFactura"
    assert f"DTE {missing}" in caught.value.details[0].issue
    assert fake.openfactura_state.documents == []
    link = shop.self_service_link(  # the boleta alone it can sell
        boleta, order={"id": 10, "date": TODAY}, issue_boleta=issue_boleta, allow_factura=False
    )
    assert link.url


async def test_the_async_client_refunds_a_link_boleta_by_its_token(fake: FakeHaulmer) -> None:
    async with fake.async_client() as client:
        documents = client.openfactura.documents
        link = await documents.self_service_link(
            _boleta(), order={"id": 504, "date": TODAY}, issue_boleta=True, allow_factura=False
        )
        note = await documents.credit_note(link.token, reason="Devolución")
    assert note.folio == 1


def test_a_boleta_exenta_becomes_a_factura_exenta(fake: FakeHaulmer) -> None:
    exenta = dte.boleta_exenta(
        emisor=EMISOR, lines=[{"nombre": "Libro", "cantidad": 1, "precio": 8000}], fecha=TODAY
    )
    link = fake.client().openfactura.documents.self_service_link(
        exenta, order={"id": 9, "date": TODAY}, issue_boleta=True, allow_factura=True
    )
    page = fake.self_service_page(link.token)
    factura = page.convert_to_factura(CUSTOMER_COMPANY)
    assert (factura.dte_type, factura.totals["MntExe"], factura.totals["MntTotal"]) == (
        34,
        8000,
        8000,
    )


@pytest.mark.parametrize(
    ("advance", "dated"),
    [
        (dt.timedelta(days=2), START.date() + dt.timedelta(days=2)),  # same month: today
        (dt.timedelta(days=13), TODAY),  # 10 December: the boleta's date
        (dt.timedelta(days=14), START.date() + dt.timedelta(days=14)),  # 11 December: today
    ],
)
def test_a_factura_after_an_issued_boleta_is_dated_by_the_ten_day_rule(
    fake: FakeHaulmer, advance: dt.timedelta, dated: dt.date
) -> None:
    page = _page(fake, issue_boleta=True)
    fake.clock.advance(seconds=advance.total_seconds())
    assert page.convert_to_factura(CUSTOMER_COMPANY).fch_emis == dated.isoformat()


def test_a_factura_without_an_issued_boleta_keeps_the_sales_date(fake: FakeHaulmer) -> None:
    page = _page(fake, issue_boleta=False)
    fake.clock.advance(days=40)
    factura = page.convert_to_factura(CUSTOMER_COMPANY)
    assert factura.fch_emis == TODAY.isoformat()
    assert page.credit_note is None
    assert [d.dte_type for d in fake.openfactura_state.documents] == [33]


@pytest.mark.parametrize(
    ("fch_emis", "today", "issued", "expected"),
    [
        ("2026-12-20", "2027-01-10", True, "2026-12-20"),
        ("2026-12-20", "2027-01-11", True, "2027-01-11"),
        ("2026-12-20", "2027-02-05", True, "2027-02-05"),
        ("2026-12-20", "2027-03-01", False, "2026-12-20"),
    ],
)
def test_factura_date_follows_the_reference(
    fch_emis: str, today: str, issued: bool, expected: str
) -> None:
    day = factura_date(
        dt.date.fromisoformat(fch_emis), dt.date.fromisoformat(today), boleta_issued=issued
    )
    assert day.isoformat() == expected


def test_a_link_without_allow_factura_gives_only_the_boleta(fake: FakeHaulmer) -> None:
    page = _page(fake, issue_boleta=False, allow_factura=False)
    with pytest.raises(ValueError, match="allowFactura was false"):
        page.convert_to_factura(CUSTOMER_COMPANY)
    assert fake.openfactura_state.documents == []


def test_a_receptor_with_a_wrong_rut_is_refused_and_the_boleta_stays(fake: FakeHaulmer) -> None:
    page = _page(fake, issue_boleta=True)
    with pytest.raises(ValueError):
        page.convert_to_factura({**CUSTOMER_COMPANY, "rut": "76430498-1"})
    assert page.factura is None
    assert page.credit_note is None
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39]


def test_a_receptor_with_a_wrong_rut_is_a_document_error_naming_the_field(
    fake: FakeHaulmer,
) -> None:
    # It had been pydantic's own error, with its "errors.pydantic.dev" link.
    page = _page(fake, issue_boleta=True)
    with pytest.raises(DocumentError) as caught:
        page.convert_to_factura({**CUSTOMER_COMPANY, "rut": "76430498-1"})
    assert "pydantic" not in str(caught.value)
    assert "76430498-5" in str(caught.value)  # the RUT with its right check digit
    assert caught.value.details[0].field == "Encabezado.Receptor.RUTRecep"
    assert page.factura is None


def test_the_customer_company_may_be_given_as_a_haulmer_dte_receptor(fake: FakeHaulmer) -> None:
    # A haulmer.dte Receptor had been refused as no mapping of the company's data.
    page = _page(fake, issue_boleta=True)
    factura = page.convert_to_factura(Receptor.model_validate(CUSTOMER_COMPANY))
    assert factura.receptor_rut == "76430498-5"
    assert factura.dte["Encabezado"]["Receptor"]["RznSocRecep"] == "HOSTY SPA"


def test_a_conversion_whose_credit_note_would_be_refused_issues_nothing(
    fake: FakeHaulmer,
) -> None:
    page = _page(fake, issue_boleta=True)
    tenant = fake.openfactura_state.tenant_for_rut(EMISOR["rut"])
    assert tenant is not None
    tenant.set_folio_limit(61, 0)  # no folio left for the nota de crédito
    with pytest.raises(ValueError, match="DTE 61") as caught:
        page.convert_to_factura(CUSTOMER_COMPANY)
    assert getattr(caught.value, "code", None) == "OF-07"
    assert (page.factura, page.credit_note) == (None, None)
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39]
    tenant.set_folio_limit(61, 10)
    factura = page.convert_to_factura(CUSTOMER_COMPANY)  # the sale can still become a factura
    assert page.credit_note is not None
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39, 33, 61]
    assert factura.dte_type == 33


def test_a_boleta_without_the_issuers_giro_becomes_a_factura_with_the_companys(
    fake: FakeHaulmer,
) -> None:
    without_giro = {key: value for key, value in EMISOR.items() if key != "giro"}
    boleta = dte.boleta(
        emisor=without_giro,
        lines=[{"nombre": "Polera", "cantidad": 1, "precio": 5950}],
        fecha=TODAY,
    )
    link = fake.client().openfactura.documents.self_service_link(
        boleta, order={"id": 12, "date": TODAY}, issue_boleta=True, allow_factura=True
    )
    page = fake.self_service_page(link.url)
    factura = page.convert_to_factura(CUSTOMER_COMPANY)
    tenant = fake.openfactura_state.tenant_for_rut(EMISOR["rut"])
    assert tenant is not None
    assert factura.dte["Encabezado"]["Emisor"]["GiroEmis"] == tenant.giro
    sii.verify(factura.xml, allow_test_cafs=True)


def test_an_unknown_link_is_a_lookup_error(fake: FakeHaulmer) -> None:
    with pytest.raises(LookupError, match="no self-service link"):
        fake.self_service_page("http://haulmer.fake/autoservicio/nope")


def test_a_link_only_request_replayed_under_its_key_meets_of_06(fake: FakeHaulmer) -> None:
    documents = fake.client().openfactura.documents
    arguments: dict[str, Any] = {
        "order": {"id": 7, "date": TODAY},
        "issue_boleta": False,
        "allow_factura": True,
        "idempotency_key": "pedido-7",
    }
    first = documents.self_service_link(_boleta(), **arguments)
    with pytest.raises(AlreadyIssuedError) as caught:
        documents.self_service_link(_boleta(), **arguments)
    assert caught.value.token == first.token
    assert len(fake.openfactura_state.self_service_links) == 1


def test_a_sale_asked_for_again_with_another_customer_issues_no_second_boleta(
    fake: FakeHaulmer,
) -> None:
    documents = fake.client().openfactura.documents
    order = {"id": 77, "date": TODAY}
    first = documents.self_service_link(
        _boleta(), order=order, issue_boleta=True, allow_factura=True
    )
    with pytest.raises(AlreadyIssuedError) as caught:
        documents.self_service_link(
            _boleta(),
            order=order,
            issue_boleta=True,
            allow_factura=True,
            customer={"full_name": "Ana Rojas"},
            response=["PDF"],
        )
    assert caught.value.token == first.token
    assert [d.dte_type for d in fake.openfactura_state.documents] == [39]


async def test_the_async_client_gets_a_link_from_the_fake(fake: FakeHaulmer) -> None:
    async with fake.async_client() as client:
        link = await client.openfactura.documents.self_service_link(
            _boleta(), order={"id": 8, "date": TODAY}, issue_boleta=True, allow_factura=True
        )
    assert link.folio == 1
    assert fake.self_service_page(link.url).boleta is not None


def _wire_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "response": ["SELF_SERVICE"],
        "selfService": {
            "issueBoleta": False,
            "allowFactura": True,
            "documentReference": [{"type": "801", "ID": 1, "date": TODAY.isoformat()}],
        },
        "dte": {
            "Encabezado": {
                "IdDoc": {"FchEmis": TODAY.isoformat()},
                "Emisor": {
                    "RUTEmisor": "76795561-8",
                    "RznSocEmisor": "HAULMER SPA",
                    "GiroEmisor": "VENTA",
                    "DirOrigen": "ARTURO PRAT 527",
                    "CmnaOrigen": "Curicó",
                },
                "Totales": {"MntNeto": 840, "IVA": 160, "MntTotal": 1000},
            },
            "Detalle": [
                {
                    "NroLinDet": 1,
                    "NmbItem": "Item",
                    "QtyItem": 1,
                    "PrcItem": 1000,
                    "MontoItem": 1000,
                }
            ],
        },
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer": {"fullName": "Ana", "email": "ana@"}}, "email"),
        ({"customizePage": {"urlLogo": "logo.png"}}, "urlLogo"),
        ({"customizePage": {"externalReference": {"hyperlinkText": "Orden"}}}, "hyperlinkURL"),
        ({"selfService": {"issueBoleta": "no", "allowFactura": True}}, "issueBoleta"),
        (
            {"selfService": {"issueBoleta": False, "documentReference": [{"type": "801"}]}},
            "ID",
        ),
    ],
)
def test_the_fake_refuses_what_the_service_would(
    fake: FakeHaulmer, wire: httpx.Client, changes: dict[str, Any], field: str
) -> None:
    answer = wire.post("/v2/dte/document", json=_wire_body(**changes))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "OF-10"
    assert field in [detail["field"] for detail in error["details"]]
    assert fake.openfactura_state.self_service_links == {}


def test_the_fake_refuses_a_factura_sent_for_a_self_service_link(wire: httpx.Client) -> None:
    body = _wire_body()
    body["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 33
    answer = wire.post("/v2/dte/document", json=body).json()
    assert answer["error"]["code"] in ("OF-02", "OF-10")


def test_the_documentations_reference_object_is_accepted_too(wire: httpx.Client) -> None:
    reference = {"type": "801", "id": 334, "date": TODAY.isoformat()}
    body = _wire_body(
        selfService={"issueBoleta": False, "allowFactura": True, "documentReference": reference}
    )
    assert wire.post("/v2/dte/document", json=body).status_code == 200
