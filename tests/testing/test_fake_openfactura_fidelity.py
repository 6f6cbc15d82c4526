"""Where a test could pass on the fake and fail on Haulmer: the fake answers as the service does."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, START, boleta, factura

from haulmer.testing import FakeClock, FakeHaulmer

TODAY = START.date().isoformat()


def _post(wire: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return wire.post("/v2/dte/document", json=body)


def _error(response: httpx.Response) -> tuple[str, list[dict[str, str]]]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    return error["code"], error.get("details", [])


# -- the sandbox company's name ----------------------------------------------------------------


def test_the_sandbox_organization_is_haulmer_chile_spa(wire: httpx.Client) -> None:
    assert wire.get("/v2/dte/organization").json()["razonSocial"] == "HAULMER CHILE SPA"
    # Documents keep issuing as "HAULMER SPA", as the public examples do.
    assert _post(wire, factura()).status_code == 200


# -- ivaExceptional ----------------------------------------------------------------------------


@pytest.fixture
def artesano(fake: FakeHaulmer) -> Iterator[httpx.Client]:
    """A wire client for a taxpayer whose activity is 477396 (artisans)."""
    fake.add_openfactura_tenant(
        "a" * 32, rut="76086428-5", razon_social="ARTESANIAS SPA", acteco=477396
    )
    with httpx.Client(
        transport=fake.transport, base_url="http://fake", headers={"apikey": "a" * 32}
    ) as client:
        yield client


def _artesano_boleta(total: int, iva: int = 0) -> dict[str, Any]:
    body = boleta(total=total)
    enc = body["dte"]["Encabezado"]
    enc["Emisor"].update(RUTEmisor="76086428-5", RznSocEmisor="ARTESANIAS SPA")
    enc["Totales"] = {"MntNeto": total - iva, "IVA": iva, "MntTotal": total}
    body["dte"]["Detalle"][0].update(PrcItem=total, MontoItem=total)
    body["dte"]["Encabezado"]["IdDoc"]["IndMntNeto"] = 2
    body["ivaExceptional"] = ["ARTESANO"]
    return body


def test_iva_exceptional_needs_the_artisan_activity(wire: httpx.Client) -> None:
    body = boleta()
    body["ivaExceptional"] = ["ARTESANO"]
    code, details = _error(_post(wire, body))
    assert code == "OF-10"
    assert details[0]["field"] == "Acteco"
    assert "477396" in details[0]["issue"]


def test_iva_exceptional_boletas_carry_no_iva(artesano: httpx.Client) -> None:
    body = _artesano_boleta(1190, iva=190)
    body["dte"]["Detalle"][0].update(PrcItem=1000, MontoItem=1000)
    code, details = _error(_post(artesano, body))
    assert (code, details[0]["field"]) == ("OF-10", "IVA")
    assert _post(artesano, _artesano_boleta(1000)).status_code == 200


def test_an_iva_exceptional_boleta_s_period_and_total_to_pay_are_checked_without_iva(
    artesano: httpx.Client,
) -> None:
    body = _artesano_boleta(1000)
    body["dte"]["Encabezado"]["Totales"].update(SaldoAnterior=500, VlrPagar=1690)  # with IVA
    code, details = _error(_post(artesano, body))
    assert (code, [d["field"] for d in details]) == ("OF-10", ["VlrPagar"])
    body["dte"]["Encabezado"]["Totales"]["VlrPagar"] = 1500
    assert _post(artesano, body).status_code == 200
    with_nf = _artesano_boleta(1000)
    with_nf["dte"]["Detalle"].append(
        {"NroLinDet": 2, "NmbItem": "Envío", "QtyItem": 1, "PrcItem": 100, "MontoItem": 100}
    )
    with_nf["dte"]["Detalle"][1]["IndExe"] = 2
    with_nf["dte"]["Encabezado"]["Totales"].update(MontoNF=100, TotalPeriodo=1290)  # with IVA
    code, details = _error(_post(artesano, with_nf))
    assert (code, [d["field"] for d in details]) == ("OF-10", ["TotalPeriodo"])
    with_nf["dte"]["Encabezado"]["Totales"]["TotalPeriodo"] = 1100
    assert _post(artesano, with_nf).status_code == 200


def test_iva_exceptional_is_capped_at_5_utm_a_month(
    fake: FakeHaulmer, artesano: httpx.Client
) -> None:
    fake.openfactura_state.utm_value = 70_000  # 5 UTM = 350,000 pesos
    assert _post(artesano, _artesano_boleta(300_000)).status_code == 200
    code, details = _error(_post(artesano, _artesano_boleta(60_000)))
    assert (code, details[0]["field"]) == ("OF-10", "ivaExceptional")
    assert "5 UTM" in details[0]["issue"]
    assert _post(artesano, _artesano_boleta(50_000)).status_code == 200  # exactly the cap
    fake.clock.set(dt.datetime(2026, 12, 1, 9))
    next_month = _artesano_boleta(60_000)
    next_month["dte"]["Encabezado"]["IdDoc"]["FchEmis"] = "2026-12-01"
    assert _post(artesano, next_month).status_code == 200


def test_only_artesano_is_an_iva_exception(artesano: httpx.Client) -> None:
    body = _artesano_boleta(1000)
    body["ivaExceptional"] = ["OTRO"]
    assert _error(_post(artesano, body))[0] == "OF-10"


def test_iva_exceptional_is_refused_on_a_factura_and_not_counted_in_the_cap(
    fake: FakeHaulmer, artesano: httpx.Client
) -> None:
    body = factura()
    body["dte"]["Encabezado"]["Emisor"].update(
        RUTEmisor="76086428-5", RznSoc="ARTESANIAS SPA", Acteco=477396
    )
    body["ivaExceptional"] = ["ARTESANO"]
    code, details = _error(_post(artesano, body))
    assert (code, details[0]["field"]) == ("OF-10", "ivaExceptional")
    assert "39, 41" in details[0]["issue"]
    assert fake.openfactura_state.documents == []


# -- boletas over 135 UF -----------------------------------------------------------------------


def _big_boleta(total: int) -> dict[str, Any]:
    body = boleta(total=total)
    body["dte"]["Detalle"][0].update(PrcItem=total, MontoItem=total)
    return body


def test_a_boleta_over_135_uf_needs_medio_pago_and_the_receptors_name(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.openfactura_state.uf_value = 40_000  # 135 UF = 5,400,000 pesos
    code, details = _error(_post(wire, _big_boleta(300_000_000)))
    assert code == "OF-02"
    assert [d["field"] for d in details] == ["MedioPago", "RznSocRecep"]
    named = _big_boleta(300_000_000)
    named["dte"]["Encabezado"]["IdDoc"]["MedioPago"] = 3
    named["dte"]["Encabezado"]["Receptor"] = {"RUTRecep": "76430498-5", "RznSocRecep": "HOSTY"}
    assert _post(wire, named).status_code == 200
    assert _post(wire, _big_boleta(5_400_000)).status_code == 200  # 135 UF exactly


def test_the_uf_has_a_sensible_default_per_date(fake: FakeHaulmer) -> None:
    uf = fake.openfactura_state.uf(dt.date(2026, 11, 27))
    assert 38_000 < uf < 45_000
    assert fake.openfactura_state.uf(dt.date(2027, 1, 1)) > uf
    assert 60_000 < fake.openfactura_state.utm(dt.date(2026, 11, 27)) < 80_000


# -- Content-Type ------------------------------------------------------------------------------


def test_a_post_without_a_json_content_type_has_no_body_for_the_service(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    import json

    raw = json.dumps(factura()).encode()
    code, details = _error(wire.post("/v2/dte/document", content=raw))
    assert code == "OF-01"
    assert details == [{"field": "dte", "issue": "Campo obligatorio"}]
    plain = wire.post("/v2/dte/document", content=raw, headers={"Content-Type": "text/plain"})
    assert _error(plain)[0] == "OF-01"
    assert fake.openfactura_state.documents == []
    charset = wire.post(
        "/v2/dte/document",
        content=raw,
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert charset.status_code == 200


# -- sandbox and production --------------------------------------------------------------------


@pytest.fixture
def production() -> Iterator[tuple[FakeHaulmer, httpx.Client]]:
    fake = FakeHaulmer(clock=FakeClock(START), environment="production")
    fake.control.rate_limit(None)
    with httpx.Client(
        transport=fake.transport, base_url="http://fake", headers={"apikey": HAULMER_KEY}
    ) as client:
        yield fake, client


def test_issued_rows_say_token_in_production_and_token_capitalised_in_the_sandbox(
    wire: httpx.Client, production: tuple[FakeHaulmer, httpx.Client]
) -> None:
    _post(wire, factura())
    assert "Token" in wire.post("/v2/dte/document/issued", json={}).json()["data"][0]
    _, prod = production
    _post(prod, factura())
    row = prod.post("/v2/dte/document/issued", json={}).json()["data"][0]
    assert "token" in row
    assert "Token" not in row


def test_the_purchase_registry_says_registro_in_the_sandbox_and_registrado_in_production(
    fake: FakeHaulmer, hosty: httpx.Client, production: tuple[FakeHaulmer, httpx.Client]
) -> None:
    _post(hosty, {**factura()})  # any request, so the sandbox answers below are real
    sandbox = [b["estado"] for b in hosty.get("/v2/dte/registry/purchase/2026/11").json()]
    assert sandbox == ["Pendiente", "Registro", "No_incluir", "Reclamado"]
    prod_fake, _ = production
    with httpx.Client(
        transport=prod_fake.transport, base_url="http://fake", headers={"apikey": HOSTY_KEY}
    ) as prod_hosty:
        blocks = prod_hosty.get("/v2/dte/registry/purchase/2026/11").json()
    assert [b["estado"] for b in blocks] == ["Pendiente", "Registrado", "No_incluir", "Reclamado"]


def test_production_answers_api_no_encontrada_outside_v2_dte(
    wire: httpx.Client, production: tuple[FakeHaulmer, httpx.Client]
) -> None:
    assert wire.get("/nowhere").json() == {"statusCode": 404, "message": "Resource not found"}
    _, prod = production
    missing = prod.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Api no encontrada"
    assert prod.get("/v2/dte/nowhere").json()["message"] == "Resource not found"


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="'sandbox' or 'production'"):
        FakeHaulmer(environment="staging")  # type: ignore[arg-type]


# -- reads, gateway variants, self-service, guías ----------------------------------------------


def test_the_json_read_returns_acteco_as_an_array(wire: httpx.Client) -> None:
    token = _post(wire, factura()).json()["TOKEN"]
    stored = wire.get(f"/v2/dte/document/{token}/json").json()["json"]
    assert stored["Encabezado"]["Emisor"]["Acteco"] == [479100]
    assert stored["Encabezado"]["Totales"]["MntNeto"] == "2000"  # other numbers stay strings


def test_the_403_and_429_gateway_variants_carry_no_status_code(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.fail_next("openfactura.documents.emit", status=403)
    forbidden = _post(wire, factura())
    assert forbidden.status_code == 403
    assert forbidden.json() == {"message": "Invalid authentication credentials"}
    fake.control.fail_next(
        "openfactura.documents.emit", status=429, message="API rate limit exceeded"
    )
    limited = _post(wire, factura())
    assert limited.status_code == 429
    assert limited.json() == {"message": "API rate limit exceeded"}
    fake.control.fail_next("openfactura.documents.emit", status=429, retry_after=4)
    assert _post(wire, factura()).json() == {
        "statusCode": 429,
        "message": "Rate limit is exceeded. Try again in 4 seconds.",
    }


def _plugin_self_service(*, issue: bool, ask_link: bool) -> dict[str, Any]:
    """The body Haulmer's WooCommerce plugin sends (no TipoDTE, Folio, Receptor, IndServicio)."""
    return {
        "response": ["FOLIO", "SELF_SERVICE"] if ask_link else ["FOLIO"],
        "selfService": {
            "issueBoleta": issue,
            "allowFactura": True,
            "documentReference": [{"type": "801", "ID": "1234", "date": TODAY}],
        },
        "customer": {"fullName": "Juan Pérez", "email": "juan@example.cl"},
        "custom": {"origin": "WOOCOMMERCE"},
        "dte": {
            "Encabezado": {
                "IdDoc": {"FchEmis": TODAY, "IndMntNeto": 2},
                "Emisor": {
                    "RUTEmisor": "76795561-8",
                    "RznSocEmisor": "HAULMER SPA",
                    "GiroEmisor": "VENTA POR INTERNET",
                    "Acteco": 479100,
                    "DirOrigen": "ARTURO PRAT 527",
                    "CmnaOrigen": "Curicó",
                    "CdgSIISucur": "81303347",
                },
                "Totales": {"MntNeto": 1000, "TasaIVA": "19.00", "IVA": 190, "MntTotal": 1190},
            },
            "Detalle": [
                {
                    "NroLinDet": 1,
                    "NmbItem": "Polera",
                    "QtyItem": 1,
                    "PrcItem": 1000,
                    "MontoItem": 1000,
                }
            ],
        },
    }


def test_the_plugins_self_service_request_issues_the_boleta(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    answer = _post(wire, _plugin_self_service(issue=True, ask_link=True))
    assert answer.status_code == 200, answer.text
    assert answer.json()["FOLIO"] == 1
    assert answer.json()["SELF_SERVICE"]["url"].endswith(answer.json()["TOKEN"])
    assert fake.openfactura_state.documents[0].dte_type == 39


def test_self_service_is_returned_only_when_asked(wire: httpx.Client) -> None:
    issued = _post(wire, _plugin_self_service(issue=True, ask_link=False)).json()
    assert "SELF_SERVICE" not in issued
    link_only = _post(wire, _plugin_self_service(issue=False, ask_link=False)).json()
    assert set(link_only) == {"TOKEN"}
    asked = _post(wire, _plugin_self_service(issue=False, ask_link=True)).json()
    assert "url" in asked["SELF_SERVICE"]


def test_a_self_service_link_is_refused_for_a_dte_the_service_would_refuse(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    # OpenFactura validates the DTE even when the boleta is not issued now.
    wrong_total = _plugin_self_service(issue=False, ask_link=True)
    wrong_total["dte"]["Encabezado"]["Totales"]["MntTotal"] = 999
    answer = _post(wire, wrong_total)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "OF-10"
    future = _plugin_self_service(issue=False, ask_link=True)
    future["dte"]["Encabezado"]["IdDoc"]["FchEmis"] = "2099-01-01"
    assert _post(wire, future).json()["error"]["code"] == "OF-10"
    no_lines = _plugin_self_service(issue=False, ask_link=True)
    del no_lines["dte"]["Detalle"]
    assert _post(wire, no_lines).json()["error"]["code"] == "OF-02"
    someone_else = _plugin_self_service(issue=False, ask_link=True)
    someone_else["dte"]["Encabezado"]["Emisor"]["RUTEmisor"] = "76430498-5"
    assert _post(wire, someone_else).json()["error"]["code"] == "OF-03"
    assert fake.openfactura_state.documents == []


def test_a_boleta_with_acteco_and_tasa_iva_is_accepted_as_the_plugins_send_it(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    body = boleta()
    body["dte"]["Encabezado"]["Emisor"]["Acteco"] = 479100
    body["dte"]["Encabezado"]["Totales"]["TasaIVA"] = "19.00"
    assert _post(wire, body).status_code == 200
    xml = fake.openfactura_state.documents[0].xml
    assert b"<Acteco>" not in xml  # the SII's boleta has no such elements
    assert b"<TasaIVA>" not in xml


def _guia(fecha: str, transporte: dict[str, Any]) -> dict[str, Any]:
    body = factura(fecha=fecha)
    enc = body["dte"]["Encabezado"]
    enc["IdDoc"].update(TipoDTE=52, IndTraslado=1, TipoDespacho=2)
    enc["IdDoc"].pop("FmaPago")
    enc["Transporte"] = transporte
    return body


def test_a_guia_without_its_transport_data_gets_the_res_154_warning(wire: httpx.Client) -> None:
    bare = {"DirDest": "Av. Siempre Viva 742", "CmnaDest": "Talca", "CiudadDest": "Talca"}
    warned = _post(wire, _guia(TODAY, bare)).json()
    assert "Res. 154/2025" in warned["WARNING"]
    assert "Patente" in warned["WARNING"]
    full = {
        **bare,
        "Patente": "ABCD12",
        "RUTTrans": "76430498-5",
        "Chofer": {"RUTChofer": "11111111-1", "NombreChofer": "Juan Pérez"},
    }
    assert "WARNING" not in _post(wire, _guia(TODAY, full)).json()
    assert "WARNING" not in _post(wire, _guia("2026-05-27", bare)).json()


# -- looser than the service -------------------------------------------------------------------


def test_a_taxpayer_with_a_wrong_check_digit_is_unknown(wire: httpx.Client) -> None:
    assert wire.get("/v2/dte/taxpayer/76430498-5").json()["razonSocial"] == "HOSTY SPA"
    assert wire.get("/v2/dte/taxpayer/76430498-1").json()["razonSocial"] is None


def test_a_receptor_rut_with_a_wrong_check_digit_is_refused(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    body = factura()
    body["dte"]["Encabezado"]["Receptor"]["RUTRecep"] = "76430498-1"
    code, details = _error(_post(wire, body))
    assert code == "OF-10"
    assert details == [{"field": "RUTRecep", "issue": "76430498-1 es Incorrecto"}]
    assert fake.openfactura_state.documents == []


def test_a_future_fch_emis_is_refused(wire: httpx.Client) -> None:
    code, details = _error(_post(wire, factura(fecha="2026-11-28")))
    assert code == "OF-10"
    assert details[0]["field"] == "FchEmis"


def test_anular_dte52_checks_fecha_against_the_guia(wire: httpx.Client) -> None:
    folio = _post(wire, _guia(TODAY, {"DirDest": "X", "CmnaDest": "Talca"})).json()["FOLIO"]
    wrong_day = wire.post(
        "/v2/dte/anularDTE52", json={"Dte": 52, "Folio": folio, "Fecha": "2026-11-26"}
    )
    assert _error(wrong_day)[0] == "OF-22"
    garbage = wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": folio, "Fecha": "ayer"})
    assert _error(garbage) == ("OF-10", [{"field": "Fecha", "issue": "ayer es Incorrecto"}])
    done = wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": folio, "Fecha": TODAY})
    assert done.json() == {"success": f"Se ha anulado el documento Folio: {folio}"}


@pytest.mark.parametrize("fecha", ["٢٠٢٦-١١-٢٧", "２０２６-１１-２７", "2026-13-45", "2026-02-30"])
def test_anular_dte52_refuses_a_fecha_that_names_no_day_as_incorrect(
    wire: httpx.Client, fecha: str
) -> None:
    # Taken for a date, such a Fecha was compared with the guía's and answered OF-22, as if it
    # named another day of issue.
    folio = _post(wire, _guia(TODAY, {"DirDest": "X", "CmnaDest": "Talca"})).json()["FOLIO"]
    answer = wire.post("/v2/dte/anularDTE52", json={"Dte": 52, "Folio": folio, "Fecha": fecha})
    assert _error(answer) == ("OF-10", [{"field": "Fecha", "issue": f"{fecha} es Incorrecto"}])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["Detalle"][0].update(QtyItem="abc"), "Detalle[1].QtyItem"),
        (lambda d: d["Encabezado"]["Totales"].update(MntNeto="x"), "Encabezado.Totales.MntNeto"),
        (lambda d: d["Encabezado"]["IdDoc"].update(FmaPago=9), "FmaPago"),
        (lambda d: d["Detalle"][0].pop("NmbItem"), "Detalle[1].NmbItem"),
    ],
)
def test_error_details_are_in_spanish(wire: httpx.Client, change: Any, field: str) -> None:
    body = copy.deepcopy(factura())
    change(body["dte"])
    _, details = _error(_post(wire, body))
    assert details[0]["field"] == field
    issue = details[0]["issue"]
    assert issue.endswith("es Incorrecto") or issue == "Campo obligatorio", issue
    assert "Input should" not in issue
    assert "None" not in issue


def test_sync_rcv_without_its_fields_says_which_are_missing(wire: httpx.Client) -> None:
    answer = wire.post("/v2/dte/registry/sync-rcv", json={})
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "Faltan datos obligatorios",
        "code": "OF-01",
        "details": {"registro": "Campo obligatorio"},
    }


# -- types and folios --------------------------------------------------------------------------


@pytest.mark.parametrize("folio", ["1_0", "%D9%A1", "1.0"])
def test_a_folio_in_a_path_is_its_digits_only(wire: httpx.Client, folio: str) -> None:
    # Python's int() reads "1_0" as 10 and an Arabic-Indic one as 1: the service reads digits.
    assert _post(wire, factura()).status_code == 200
    for _ in range(10):
        assert _post(wire, factura()).status_code == 200
    answer = wire.get(f"/v2/dte/document/76795561-8/33/{folio}/status")
    code, details = _error(answer)
    assert (code, details) == (
        "OF-10",
        [{"field": "Error", "issue": "Tipo de documento o folio Incorrecto"}],
    )


@pytest.mark.parametrize(("dte", "folio"), [(33.9, 1), (True, 1), (33, 1.5), (33, "1_0")])
def test_an_acuse_takes_whole_numbers_only(
    hosty: httpx.Client, wire: httpx.Client, dte: Any, folio: Any
) -> None:
    # int(33.9) is 33 and int(1.5) is 1: the fake had accused another document.
    assert _post(wire, factura()).status_code == 200
    answer = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": "76795561-8", "dte": dte, "folio": folio, "acuse": "ACD"},
    )
    assert _error(answer) == (
        "OF-10",
        [{"field": "folio", "issue": "dte y folio deben ser numéricos"}],
    )


@pytest.mark.parametrize(("dte", "folio"), [(52.9, 1), (52, 1.5), (52, "1_0")])
def test_a_void_takes_whole_numbers_only(wire: httpx.Client, dte: Any, folio: Any) -> None:
    answer = wire.post("/v2/dte/anularDTE52", json={"Dte": dte, "Folio": folio, "Fecha": TODAY})
    assert _error(answer) == (
        "OF-10",
        [{"field": "Folio", "issue": "Dte y Folio deben ser numéricos"}],
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        *[
            (name, value, error)
            for name in ("uf_value", "utm_value")
            for value, error in [
                ("39500", TypeError),
                (True, TypeError),
                ([39500], TypeError),
                (0, ValueError),
                (-1, ValueError),
            ]
        ],
        ("uf_value", float("nan"), ValueError),
        ("uf_value", float("inf"), ValueError),
        ("utm_value", 68_000.5, TypeError),  # the UTM is whole pesos
    ],
)
def test_a_uf_or_utm_that_is_no_amount_in_pesos_is_refused_when_set(
    fake: FakeHaulmer, name: str, value: object, error: type[Exception]
) -> None:
    # Taken, a text made the fake fail inside emit() with a bare TypeError, and 0 or NaN made
    # every boleta one over 135 UF (OF-02 asking for MedioPago).
    with pytest.raises(error, match=name):
        setattr(fake.openfactura_state, name, value)
    assert getattr(fake.openfactura_state, name) is None


def test_a_uf_and_utm_are_taken_as_ints_floats_or_decimals(fake: FakeHaulmer) -> None:
    state = fake.openfactura_state
    state.uf_value = Decimal("39500.12")
    state.utm_value = 70_000
    assert (state.uf_value, state.utm_value) == (Decimal("39500.12"), 70_000)
    state.uf_value = 39_500.5
    state.uf_value = None
    assert state.uf_value is None
