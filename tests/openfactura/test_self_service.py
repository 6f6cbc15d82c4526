"""``documents.self_service_link``: the self-service variant of emission on Haulmer's wire.

Wire shapes with respx (each test runs with the sync and the async client, the ``of`` fixture);
the checks that refuse bad input before any request; the key and OF-06.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx

import haulmer.dte as dte
from haulmer.errors import AlreadyIssuedError, DocumentError, ValidationError
from haulmer.openfactura.self_service import OrderReference, build_self_service

from . import samples
from .conftest import API_KEY, resolve

TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
URL = "https://espacio.haulmer.com/autoservicio/abc123"
ORDER = {"id": 1234, "date": "2026-02-10"}


def _body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def _link(of: Any, **changes: Any) -> Any:
    arguments: dict[str, Any] = {"order": ORDER, "issue_boleta": True, "allow_factura": True}
    arguments.update(changes)
    boleta = arguments.pop("boleta", None) or samples.boleta()
    return of.documents.self_service_link(boleta, **arguments)


def _answer(**extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"TOKEN": TOKEN, "SELF_SERVICE": {"url": URL}, **extra})


async def test_the_request_has_the_shape_haulmers_plugins_send(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer(FOLIO=3130))
    link = await resolve(
        _link(
            of,
            customer={"full_name": "Juan Pérez", "email": "juan@example.cl"},
            customize_page={
                "url_logo": "https://tienda.cl/logo.png",
                "external_reference": {
                    "hyperlink_text": "Orden de Compra #1234",
                    "hyperlink_url": "https://tienda.cl/orden/1234",
                },
            },
        )
    )
    body = _body(route)
    assert body["response"] == ["SELF_SERVICE", "FOLIO"]
    assert body["selfService"] == {
        "issueBoleta": True,
        "allowFactura": True,
        "documentReference": [{"type": "801", "ID": 1234, "date": "2026-02-10"}],
    }
    assert body["customer"] == {"fullName": "Juan Pérez", "email": "juan@example.cl"}
    assert body["customizePage"] == {
        "urlLogo": "https://tienda.cl/logo.png",
        "externalReference": {
            "hyperlinkText": "Orden de Compra #1234",
            "hyperlinkURL": "https://tienda.cl/orden/1234",
        },
    }
    encabezado = body["dte"]["Encabezado"]
    assert encabezado["IdDoc"]["TipoDTE"] == 39
    assert "Receptor" not in encabezado  # the generic consumer is left out, as the plugins do
    assert encabezado["Emisor"]["RznSocEmisor"] == "HAULMER SPA"
    request = route.calls[-1].request
    assert request.headers["Idempotency-Key"].startswith("haulmer-")
    assert request.headers["apikey"] == API_KEY
    assert (link.url, link.token, link.folio) == (URL, TOKEN, 3130)


async def test_a_link_without_the_boleta_asks_for_no_folio(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    link = await resolve(_link(of, issue_boleta=False, allow_factura=False))
    body = _body(route)
    assert body["response"] == ["SELF_SERVICE"]
    assert body["selfService"]["issueBoleta"] is False
    assert body["selfService"]["allowFactura"] is False
    assert link.folio is None


@pytest.mark.parametrize("spelling", [{"url": URL}, URL])
async def test_the_link_is_read_as_an_object_with_url_or_as_a_bare_string(
    of: Any, mock: respx.MockRouter, spelling: Any
) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": TOKEN, "SELF_SERVICE": spelling})
    )
    assert (await resolve(_link(of))).url == URL


async def test_the_warning_and_201_are_read(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            201, json={"TOKEN": TOKEN, "SELF_SERVICE": {"url": URL}, "WARNING": "truncado"}
        )
    )
    assert (await resolve(_link(of))).warning == "truncado"


async def test_a_dict_without_tipo_dte_folio_or_receptor_is_sent_as_a_boleta(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    boleta = json.loads(json.dumps(samples.boleta().to_sii_dict(), default=str))
    id_doc = boleta["Encabezado"]["IdDoc"]
    del id_doc["TipoDTE"], id_doc["Folio"]
    del boleta["Encabezado"]["Receptor"]
    await resolve(_link(of, boleta=boleta))
    assert _body(route)["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] == 39


@pytest.mark.parametrize("receptor", ["12345678-5", ["12345678-5"], 5])
async def test_a_receptor_that_is_no_block_is_refused_not_replaced_by_the_generic_buyer(
    of: Any, mock: respx.MockRouter, receptor: Any
) -> None:
    # A nominative boleta's buyer given as a bare RUT had been replaced by the generic consumer
    # and left out: the boleta went anonymous, where emit() refuses it.
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    boleta = json.loads(json.dumps(samples.boleta().to_sii_dict(), default=str))
    boleta["Encabezado"]["Receptor"] = receptor
    with pytest.raises(DocumentError, match=r"Receptor.*RUTRecep") as caught:
        await resolve(_link(of, boleta=boleta))
    assert caught.value.details[0].field == "Encabezado.Receptor"
    assert not route.called


async def test_a_receptor_left_none_is_the_generic_buyer(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    boleta = json.loads(json.dumps(samples.boleta().to_sii_dict(), default=str))
    boleta["Encabezado"]["Receptor"] = None
    await resolve(_link(of, boleta=boleta))
    assert "Receptor" not in _body(route)["dte"]["Encabezado"]


async def test_the_plugins_id_doc_without_ind_servicio_is_sent_as_a_sale(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    boleta = json.loads(json.dumps(samples.boleta().to_sii_dict(), default=str))
    boleta["Encabezado"]["IdDoc"] = {"FchEmis": boleta["Encabezado"]["IdDoc"]["FchEmis"]}
    del boleta["Encabezado"]["Receptor"]
    await resolve(_link(of, boleta=boleta))
    id_doc = _body(route)["dte"]["Encabezado"]["IdDoc"]
    assert (id_doc["TipoDTE"], id_doc["IndServicio"]) == (39, 3)


async def test_a_dict_with_only_exempt_totals_is_a_boleta_exenta(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    document = dte.boleta_exenta(
        emisor=samples.EMISOR, lines=[{"nombre": "Libro", "cantidad": 1, "precio": 5000}]
    )
    exenta = json.loads(json.dumps(document.to_sii_dict(), default=str))
    del exenta["Encabezado"]["IdDoc"]["TipoDTE"]
    await resolve(_link(of, boleta=exenta))
    assert _body(route)["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] == 41


async def test_exempt_only_totals_with_zeros_written_as_text_are_a_boleta_exenta_too(
    of: Any, mock: respx.MockRouter
) -> None:
    # As the fake (and OpenFactura) read a boleta without TipoDTE: by the amounts' values, so
    # "MntNeto": "0" (numbers as text, as OpenFactura's own JSON writes them) is no neto.
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    document = dte.boleta_exenta(
        emisor=samples.EMISOR, lines=[{"nombre": "Libro", "cantidad": 1, "precio": 5000}]
    )
    exenta = json.loads(json.dumps(document.to_sii_dict(), default=str))
    del exenta["Encabezado"]["IdDoc"]["TipoDTE"]
    exenta["Encabezado"]["Totales"].update(MntNeto="0", IVA="0")
    await resolve(_link(of, boleta=exenta))
    assert _body(route)["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] == 41


async def test_your_key_is_sent_and_the_derived_one_covers_the_order(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").mock(return_value=_answer())
    await resolve(_link(of, idempotency_key="order-1234"))
    await resolve(_link(of))
    await resolve(_link(of, order={"id": 1235, "date": "2026-02-10"}))
    keys = [call.request.headers["Idempotency-Key"] for call in route.calls]
    assert keys[0] == "order-1234"
    assert keys[1] != keys[2]  # the same boleta for two orders: two links


def test_the_derived_key_is_the_order_and_boleta_not_how_the_link_is_shown() -> None:
    def key(**changes: Any) -> str:
        arguments: dict[str, Any] = {"order": ORDER, "issue_boleta": True, "allow_factura": True}
        arguments.update(changes)
        return build_self_service(samples.boleta(), **arguments).idempotency_key

    plain = key()
    assert plain == key(response=["PDF"])
    assert plain == key(customer={"full_name": "Ana Rojas", "email": "ana@hosty.cl"})
    assert plain == key(customize_page={"url_logo": "https://tienda.cl/logo.png"})
    assert plain == key(custom={"informationNote": "Gracias por su compra"})
    assert plain == key(issue_boleta=False, allow_factura=False)  # one link per sale and order
    assert plain != key(order={"id": 1235, "date": "2026-02-10"})
    assert (
        plain
        != build_self_service(
            samples.boleta(price=2000), order=ORDER, issue_boleta=True, allow_factura=True
        ).idempotency_key
    )


async def test_a_lost_answer_is_retried_with_the_same_key(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document").mock(
        side_effect=[httpx.Response(503, json={"message": "down"}), _answer()]
    )
    assert (await resolve(_link(of))).url == URL
    keys = {call.request.headers["Idempotency-Key"] for call in route.calls}
    assert len(route.calls) == 2
    assert len(keys) == 1


async def test_of_06_says_the_link_exists_and_where_to_find_it(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            400,
            json={
                "error": {
                    "message": "Este DTE ya fue emitido (Idempotency-Key)",
                    "code": "OF-06",
                    "token": TOKEN,
                }
            },
        )
    )
    with pytest.raises(AlreadyIssuedError, match="Links de autoservicio") as caught:
        await resolve(_link(of, idempotency_key="order-1234"))
    assert caught.value.token == TOKEN
    assert "Nothing new was created" in str(caught.value)
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"boleta": samples.factura()}, "boleta \\(39 or 41\\)"),
        ({"issue_boleta": "false"}, "issue_boleta must be True or False"),
        ({"allow_factura": None}, "allow_factura must be True or False"),
        ({"order": {"id": "", "date": "2026-02-10"}}, "order id is blank"),
        ({"order": {"id": "x" * 19, "date": "2026-02-10"}}, "at most 18"),
        ({"order": {"id": 5, "date": "10/02/2026"}}, "not a date"),
        ({"order": {"id": 10**18, "date": "2026-02-10"}}, "at most 18"),
        ({"order": {"id": 10**5000, "date": "2026-02-10"}}, "an int of about 5000 digits"),
        ({"order": {"date": "2026-02-10"}}, "order is invalid"),
        ({"order": "1234"}, "order must be a OrderReference or a dict"),
        ({"customer": {"email": "juan@"}}, "not an e-mail address"),
        ({"customer": {"email": "a" * 80 + "@example.cl"}}, "at most 80"),
        ({"customer": {}}, "full_name, email or both"),
        # an empty page had been sent as customizePage: {}, where an empty customer is refused
        ({"customize_page": {}}, "url_logo, external_reference or both"),
        ({"customize_page": {"url_logo": "http://tienda.cl/logo.png"}}, "not an https URL"),
        ({"customize_page": {"url_logo": "javascript:alert(1)"}}, "not an https URL"),
        (
            {"customize_page": {"external_reference": {"hyperlink_text": "Orden"}}},
            "external_reference.hyperlink_url: Field required",
        ),
        (
            {
                "customize_page": {
                    "external_reference": {
                        "hyperlink_text": "x" * 101,
                        "hyperlink_url": "https://tienda.cl",
                    }
                }
            },
            "at most 100",
        ),
        ({"issue_boleta": False, "response": ["PDF"]}, "no PDF to return"),
        ({"response": ["NOPE"]}, "unknown response option"),
        ({"idempotency_key": "clave con ñ"}, "printable ASCII"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    of: Any, mock: respx.MockRouter, changes: dict[str, Any], message: str
) -> None:
    route = mock.post("/v2/dte/document")
    with pytest.raises(ValidationError, match=message):
        await resolve(_link(of, **changes))
    assert not route.called


async def test_a_boleta_with_wrong_totals_is_refused_before_any_request(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document")
    boleta = json.loads(json.dumps(samples.boleta().to_sii_dict(), default=str))
    boleta["Encabezado"]["Totales"]["MntTotal"] = 999
    with pytest.raises(DocumentError):
        await resolve(_link(of, boleta=boleta))
    assert not route.called


@pytest.mark.parametrize(
    ("page", "named"),
    [
        ({"external_reference": {"hyperlink_text": "Orden"}}, "external_reference.hyperlink_url"),
        (
            {"external_reference": {"hyperlink_url": "https://tienda.cl"}},
            "external_reference.hyperlink_text",
        ),
        ({"externalReference": {"hyperlinkURL": "https://tienda.cl"}}, "hyperlink_text"),
    ],
)
def test_a_missing_field_of_the_page_is_named_as_the_documentation_names_it(
    page: dict[str, Any], named: str
) -> None:
    # It had been named by its wire name (hyperlinkURL), which the caller never wrote.
    with pytest.raises(ValidationError) as caught:
        build_self_service(
            samples.boleta(),
            order=ORDER,
            issue_boleta=True,
            allow_factura=False,
            customize_page=page,
        )
    assert f"{named}: Field required" in str(caught.value)
    assert "hyperlinkURL: Field" not in str(caught.value)
    assert "hyperlinkText: Field" not in str(caught.value)


def test_the_customer_name_is_cut_as_the_plugins_cut_it() -> None:
    emission = build_self_service(
        samples.boleta(),
        order=ORDER,
        issue_boleta=False,
        allow_factura=True,
        customer={"full_name": "N" * 150},
    )
    assert emission.body["customer"] == {"fullName": "N" * 100}
    named = build_self_service(
        samples.boleta(),
        order=ORDER,
        issue_boleta=False,
        allow_factura=True,
        customer={"full_name": "Zoë “Zee” Müller"},  # shown on a web page, not in the DTE
    )
    assert named.body["customer"] == {"fullName": "Zoë “Zee” Müller"}


def test_the_order_reference_takes_dates_and_text_ids() -> None:
    reference = OrderReference.model_validate({"id": " A-77 ", "date": dt.date(2026, 2, 10)})
    assert reference.to_wire() == {"type": "801", "ID": "A-77", "date": "2026-02-10"}
    assert OrderReference(id=9, date=dt.date(2026, 2, 1), type=802).to_wire()["type"] == "802"


def test_an_order_date_given_as_an_aware_datetime_is_its_day_in_chile() -> None:
    new_year_utc = dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.timezone.utc)  # 23:00 on the eve there
    reference = OrderReference.model_validate({"id": "A-77", "date": new_year_utc})
    assert reference.to_wire()["date"] == "2026-12-31"


@pytest.mark.parametrize("day", [20260210, 0, 1770681600.0, True, "20260210", "2026-W07-2"])
def test_an_order_date_given_as_a_number_is_refused_saying_how_to_give_it(day: object) -> None:
    with pytest.raises(
        ValidationError, match=r"order is invalid: date: .* is not a date YYYY-MM-DD"
    ):
        build_self_service(
            samples.boleta(), order={"id": 9, "date": day}, issue_boleta=True, allow_factura=True
        )


def test_self_service_is_tolerated_in_response_and_asked_once() -> None:
    emission = build_self_service(
        samples.boleta(),
        order=ORDER,
        issue_boleta=True,
        allow_factura=False,
        response=["self_service", "PDF"],
    )
    assert emission.body["response"] == ["SELF_SERVICE", "FOLIO", "PDF"]


async def test_the_answer_and_its_repr_hold_no_api_key(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/document").mock(return_value=_answer(PDF="JVBERi0xLjQ="))
    link = await resolve(_link(of, response=["PDF"]))
    assert link.pdf == b"%PDF-1.4"
    assert "bytes>" in repr(link)
    assert API_KEY not in repr(link)


def test_an_https_url_with_its_scheme_in_capitals_is_taken_and_sent_in_lowercase() -> None:
    # A URL's scheme is read whatever its case (RFC 3986): "HTTPS://" is https, sent as the
    # browsers and the page write it.
    emission = build_self_service(
        samples.boleta(),
        order=ORDER,
        issue_boleta=False,
        allow_factura=True,
        customize_page={
            "url_logo": "HTTPS://Tienda.cl/Logo.png",
            "external_reference": {
                "hyperlink_text": "Orden",
                "hyperlink_url": "Https://tienda.cl/o/1",
            },
        },
    )
    assert emission.body["customizePage"] == {
        "urlLogo": "https://Tienda.cl/Logo.png",
        "externalReference": {"hyperlinkText": "Orden", "hyperlinkURL": "https://tienda.cl/o/1"},
    }
