"""Authentication, the gateway's answers, organization, folios, taxpayer, tenants, rate limit."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, factura

from haulmer.testing import FakeHaulmer

Issue = Callable[..., dict[str, Any]]


def test_missing_and_invalid_keys_get_the_gateway_401(fake: FakeHaulmer) -> None:
    client = httpx.Client(transport=fake.transport, base_url="http://f")
    missing = client.get("/v2/dte/organization")
    assert missing.status_code == 401
    assert missing.json()["statusCode"] == 401
    assert missing.json()["message"].startswith("Access denied due to missing subscription key")
    invalid = client.get("/v2/dte/organization", headers={"apikey": "0" * 32})
    assert invalid.json()["message"].startswith("Access denied due to invalid subscription key")


def test_unknown_routes_answer_like_the_gateway(wire: httpx.Client) -> None:
    for path in ("/", "/v2/dte/document-types", "/v2/dte/customers"):
        response = wire.get(path)
        assert response.status_code == 404
        assert response.json() == {"statusCode": 404, "message": "Resource not found"}
    assert wire.delete("/v2/dte/organization").status_code == 404


def test_organization_describes_the_key_owner(wire: httpx.Client, hosty: httpx.Client) -> None:
    org = wire.get("/v2/dte/organization").json()
    assert org["rut"] == "76795561-8"
    assert org["razonSocial"] == "HAULMER CHILE SPA"
    assert org["cdgSIISucur"] == "81303347"
    assert org["actividades"][0]["codigoActividadEconomica"] == "479100"
    assert org["resolucion"] == {"fecha": "2018-03-26", "numero": "0"}
    assert "logo" not in org
    assert hosty.get("/v2/dte/organization").json()["razonSocial"] == "HOSTY SPA"


def test_organization_logo_on_request(wire: httpx.Client) -> None:
    org = wire.get("/v2/dte/organization", params={"extra_fields": "logo"}).json()
    assert base64.b64decode(org["logo"]).startswith(b"\x89PNG")


def test_organization_documents_count_available_folios(wire: httpx.Client, issue: Issue) -> None:
    issue(factura())
    docs = wire.get("/v2/dte/organization/document").json()
    assert docs["rut"] == "76795561-8"
    by_type = {d["dte"]: d for d in docs["documentos"]}
    assert by_type[33]["disponibles"] == 999
    assert by_type[39]["disponibles"] == 1000
    assert by_type[33]["vencimiento"] == "2027-05-27"  # six months after the CAF (FA today)
    assert by_type[39]["vencimiento"] is None  # boleta folios do not expire


def test_taxpayer_known_and_unknown(wire: httpx.Client) -> None:
    hosty = wire.get("/v2/dte/taxpayer/76430498-5").json()
    assert hosty["razonSocial"] == "HOSTY SPA"
    assert hosty["sucursales"][0]["cdgSIISucur"] == "79457965"
    unknown = wire.get("/v2/dte/taxpayer/11111111-1")
    assert unknown.status_code == 200
    assert unknown.json()["rut"] is None
    assert unknown.json()["razonSocial"] is None


def test_added_tenant_gets_its_own_key_folios_and_types(fake: FakeHaulmer) -> None:
    tenant = fake.add_openfactura_tenant(
        "n" * 32,
        rut="76.086.428-5",
        razon_social="NUEVA SPA",
        giro="SOFTWARE",
        acteco=[620100],
        direccion="CALLE 1",
        comuna="Talca",
        dte_types=["33", 61],
    )
    assert tenant.rut == "76086428-5"
    assert "n" * 32 not in repr(tenant)
    client = httpx.Client(
        transport=fake.transport, base_url="http://f", headers={"apikey": "n" * 32}
    )
    assert client.get("/v2/dte/organization").json()["razonSocial"] == "NUEVA SPA"
    types = [d["dte"] for d in client.get("/v2/dte/organization/document").json()["documentos"]]
    assert types == [33, 61]
    body = factura()
    body["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 39
    body["dte"]["Encabezado"]["Emisor"]["RUTEmisor"] = "76086428-5"
    assert client.post("/v2/dte/document", json=body).json()["error"]["code"] == "OF-05"


def test_a_rut_that_already_has_an_account_is_refused_naming_its_company(
    fake: FakeHaulmer,
) -> None:
    with pytest.raises(ValueError, match="76795561-8 already has an OpenFactura account") as info:
        fake.add_openfactura_tenant("a" * 32, rut="76.795.561-8", razon_social="PANADERIA ANA SPA")
    message = str(info.value)
    assert "HAULMER SPA, a preloaded sandbox company" in message
    assert "give PANADERIA ANA SPA a RUT of its own" in message
    assert HAULMER_KEY not in message
    assert fake.openfactura_state.tenant_for_key("a" * 32) is None
    fake.add_openfactura_tenant("b" * 32, rut="76086428-5", razon_social="NUEVA SPA")
    with pytest.raises(ValueError, match="NUEVA SPA has it under another API key"):
        fake.add_openfactura_tenant("c" * 32, rut="76086428-5", razon_social="OTRA SPA")
    kept = fake.openfactura_state.tenant_for_rut("76086428-5")
    assert kept is not None
    assert kept.razon_social == "NUEVA SPA"


@pytest.mark.parametrize("name", ["CAFÉ “EL ÑANDÚ” SPA", "   "])
def test_a_razon_social_no_caf_can_carry_is_refused_when_the_tenant_is_added(
    fake: FakeHaulmer, name: str
) -> None:
    # its CAFs carry it as RS, in ISO-8859-1: accepted, the tenant's first emission broke the fake
    with pytest.raises(ValueError, match=r"RznSoc|razón social"):
        fake.add_openfactura_tenant("f" * 32, rut="76086428-5", razon_social=name)
    assert fake.openfactura_state.tenant_for_key("f" * 32) is None
    added = fake.add_openfactura_tenant("f" * 32, rut="76086428-5", razon_social=" ÑANDÚ SPA ")
    assert added.razon_social == "ÑANDÚ SPA"


def test_a_key_already_in_use_is_refused_for_any_rut(fake: FakeHaulmer) -> None:
    with pytest.raises(ValueError, match=r"already authenticates HOSTY SPA \(76430498-5\)") as info:
        fake.add_openfactura_tenant(HOSTY_KEY, rut="76086428-5", razon_social="NUEVA SPA")
    assert HOSTY_KEY not in str(info.value)
    assert fake.openfactura_state.tenant_for_rut("76086428-5") is None
    with pytest.raises(ValueError, match="already the key of HAULMER SPA"):
        fake.add_openfactura_tenant(HAULMER_KEY, rut="76795561-8", razon_social="HAULMER SPA")
    sandbox = fake.openfactura_state.tenant_for_key(HAULMER_KEY)
    assert sandbox is not None
    assert sandbox.preloaded


def test_after_reset_the_rut_of_an_added_tenant_is_free_again(fake: FakeHaulmer) -> None:
    fake.add_openfactura_tenant("d" * 32, rut="76086428-5", razon_social="NUEVA SPA")
    fake.reset()
    tenant = fake.add_openfactura_tenant("e" * 32, rut="76086428-5", razon_social="NUEVA SPA")
    assert fake.openfactura_state.tenant_for_rut("76086428-5") is tenant


def test_reset_forgets_documents_and_added_tenants(fake: FakeHaulmer, issue: Issue) -> None:
    issue(factura())
    fake.add_openfactura_tenant("r" * 32, rut="76086428-5", razon_social="X")
    fake.clock.advance(days=3)
    fake.reset()
    assert fake.openfactura_state.documents == []
    assert fake.openfactura_state.tenant_for_key("r" * 32) is None
    assert fake.openfactura_state.tenant_for_key(HAULMER_KEY) is not None
    assert fake.requests == []
    assert issue(factura())["FOLIO"] == 1


def test_global_rate_limit_on_the_fake_clock(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.rate_limit(per_second=3, per_minute=100)
    statuses = [wire.get("/v2/dte/organization").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = wire.get("/v2/dte/organization").json()
    assert limited == {
        "statusCode": 429,
        "message": "Rate limit is exceeded. Try again in 1 seconds.",
    }
    fake.clock.advance(seconds=1)
    assert wire.get("/v2/dte/organization").status_code == 200
    fake.control.rate_limit(None)
    assert all(wire.get("/v2/dte/organization").status_code == 200 for _ in range(10))


def test_per_minute_limit(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.rate_limit(per_second=100, per_minute=5)
    assert [wire.get("/v2/dte/organization").status_code for _ in range(6)][-1] == 429
    fake.clock.advance(seconds=59)
    assert wire.get("/v2/dte/organization").status_code == 429
    fake.clock.advance(seconds=1)
    assert wire.get("/v2/dte/organization").status_code == 200


@pytest.mark.parametrize("option", ["dte_type", "preloaded", "cafs", "created_at"])
def test_a_tenant_option_the_fake_does_not_take_is_refused_by_name(
    fake: FakeHaulmer, option: str
) -> None:
    # the fake's own bookkeeping (preloaded, cafs...) is no option: it was set silently, and a
    # misspelt option failed deep inside, or with "multiple values for keyword argument"
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{option}'"):
        fake.add_openfactura_tenant(
            "e" * 32, rut="76086428-5", razon_social="NUEVA SPA", **{option: 1}
        )
    assert fake.openfactura_state.tenant_for_key("e" * 32) is None


def test_the_documented_tenant_options_are_taken(fake: FakeHaulmer) -> None:
    tenant = fake.add_openfactura_tenant(
        "e" * 32,
        rut="76086428-5",
        razon_social="NUEVA SPA",
        ciudad="Talca",
        cdg_sii_sucur="81234567",
        email="dte@nueva.cl",
        telefono="+56 9 1234 5678",
        nombre_fantasia="Nueva",
        web="nueva.cl",
        folios_per_type=10,
    )
    assert (tenant.ciudad, tenant.web, tenant.folios_per_type) == ("Talca", "nueva.cl", 10)


_TENANT = {"rut": "76086428-5", "razon_social": "NUEVA SPA"}


@pytest.mark.parametrize(
    ("api_key", "error"),
    [(123, TypeError), (None, TypeError), (" key-1 ", ValueError), ("key\n1", ValueError)],
)
def test_a_key_no_client_can_send_is_refused_when_the_tenant_is_added(
    fake: FakeHaulmer, api_key: object, error: type[Exception]
) -> None:
    # Taken, the tenant was unreachable: no apikey header carries an int or edge blanks.
    with pytest.raises(error, match="api_key"):
        fake.add_openfactura_tenant(api_key, **_TENANT)  # type: ignore[arg-type]
    assert fake.openfactura_state.tenant_for_rut("76086428-5") is None


@pytest.mark.parametrize(
    ("fields", "error", "named"),
    [
        # 76000018 read as text is the RUT 7600001-8, someone else's
        ({"rut": 76000018}, TypeError, "rut"),
        ({"rut": None}, TypeError, "rut"),
        ({"razon_social": None}, TypeError, "razon_social"),
        ({"giro": None}, TypeError, "giro"),
        ({"direccion": 5}, TypeError, "direccion"),
        ({"comuna": b"Curico"}, TypeError, "comuna"),
        ({"acteco": None}, TypeError, "acteco"),
        ({"acteco": True}, TypeError, "acteco"),
        ({"acteco": 1.5}, TypeError, "acteco"),
        ({"acteco": -1}, ValueError, "acteco"),
        ({"acteco": 1234567}, ValueError, "acteco"),
        ({"acteco": "abc"}, ValueError, "acteco"),
        ({"dte_types": "33"}, TypeError, "dte_types"),
        ({"dte_types": 33}, TypeError, "dte_types"),
        ({"dte_types": [33.0]}, TypeError, "dte_types"),
        ({"dte_types": [True]}, TypeError, "dte_types"),
        ({"dte_types": [33, 999]}, ValueError, "999"),
        ({"dte_types": ["3x"]}, ValueError, "3x"),
    ],
)
def test_a_tenant_field_of_the_wrong_kind_is_refused_by_name_when_the_tenant_is_added(
    fake: FakeHaulmer, fields: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        fake.add_openfactura_tenant("e" * 32, **{**_TENANT, **fields})  # type: ignore[arg-type]
    assert fake.openfactura_state.tenant_for_key("e" * 32) is None


def test_a_tenant_takes_its_acteco_and_types_as_numbers_or_their_digits(
    fake: FakeHaulmer,
) -> None:
    tenant = fake.add_openfactura_tenant(
        "e" * 32, **_TENANT, acteco="479100", dte_types=["33", 39, 110]
    )
    assert (tenant.acteco, tenant.dte_types) == (479100, (33, 39, 110))
