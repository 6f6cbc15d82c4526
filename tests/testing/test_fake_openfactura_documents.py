"""Reading one document back: by token or by folio, every value, statuses that move on the clock."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fake_bodies import boleta, factura

from haulmer.testing import FakeHaulmer

Issue = Callable[..., dict[str, Any]]


def test_status_is_pendiente_then_aceptado_on_the_clock(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    token = issue()["TOKEN"]
    assert wire.get(f"/v2/dte/document/{token}/status").json() == {
        "estado": "Pendiente",
        "token": token,
    }
    fake.clock.advance(minutes=3)
    assert wire.get(f"/v2/dte/document/{token}/status").json()["estado"] == "Aceptado"


def test_scripted_rejection_applies_to_the_next_document_only(
    fake: FakeHaulmer, wire: httpx.Client, issue: Issue
) -> None:
    fake.control.script_status("Rechazado", after=dt.timedelta(minutes=10))
    rejected, accepted = issue()["TOKEN"], issue()["TOKEN"]
    fake.clock.advance(minutes=5)
    assert wire.get(f"/v2/dte/document/{rejected}/status").json()["estado"] == "Pendiente"
    assert wire.get(f"/v2/dte/document/{accepted}/status").json()["estado"] == "Aceptado"
    fake.clock.advance(minutes=5)
    assert wire.get(f"/v2/dte/document/{rejected}/status").json()["estado"] == "Rechazado"


def test_set_status_forces_a_state_now(fake: FakeHaulmer, wire: httpx.Client, issue: Issue) -> None:
    token = issue()["TOKEN"]
    fake.control.set_status(token, "Aceptado con Reparo")
    assert wire.get(f"/v2/dte/document/{token}/status").json()["estado"] == "Aceptado con Reparo"
    with pytest.raises(ValueError, match="estado must be one of"):
        fake.control.set_status(token, "Done")
    with pytest.raises(LookupError):
        fake.control.set_status("0" * 64, "Aceptado")


def test_set_status_given_the_document_instead_of_its_token_says_to_pass_the_token(
    fake: FakeHaulmer, issue: Issue
) -> None:
    token = issue()["TOKEN"]
    issued = fake.openfactura_state.documents[-1]
    with pytest.raises(TypeError, match=r"a str such as doc\.token; got IssuedDocument \(its"):
        fake.control.set_status(issued, "Rechazado")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got NoneType$"):
        fake.control.set_status(None, "Rechazado")  # type: ignore[arg-type]
    assert issued.status(fake.clock.now()) == "Pendiente"  # nothing was set
    fake.control.set_status(token, "Rechazado")
    assert issued.status(fake.clock.now()) == "Rechazado"


def test_by_folio_answers_every_value(wire: httpx.Client, issue: Issue) -> None:
    issue(factura())
    base = "/v2/dte/document/76795561-8/33/1"
    assert wire.get(f"{base}/status").json() == {"estado": "Pendiente", "folio": "1"}
    as_json = wire.get(f"{base}/json").json()
    assert as_json["json"]["Encabezado"]["IdDoc"]["Folio"] == "1"
    assert as_json["json"]["Encabezado"]["Totales"]["MntTotal"] == "2380"
    assert as_json["FchRecepOF"] == "2026-11-27 10:00:00"
    assert as_json["FchRecepSII"] == ""
    xml = base64.b64decode(wire.get(f"{base}/xml").json()["xml"])
    assert b"<Folio>1</Folio>" in xml
    pdf = wire.get(f"{base}/pdf").json()
    assert pdf["folio"] == 1
    assert base64.b64decode(pdf["pdf"]).startswith(b"%PDF")
    cedible = wire.get(f"{base}/cedible").json()
    assert base64.b64decode(cedible["cedible"]).startswith(b"%PDF")


def test_by_token_answers_xml_and_pdf(wire: httpx.Client, issue: Issue) -> None:
    token = issue()["TOKEN"]
    assert wire.get(f"/v2/dte/document/{token}/xml").json()["token"] == token
    pdf = base64.b64decode(wire.get(f"/v2/dte/document/{token}/pdf").json()["pdf"])
    assert pdf.startswith(b"%PDF")


def test_bad_value_unknown_folio_and_boleta_cedible_are_errors(
    wire: httpx.Client, issue: Issue
) -> None:
    issue(boleta())
    bad = wire.get("/v2/dte/document/76795561-8/39/1/foo")
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == [{"field": "Error", "issue": "foo es Incorrecto"}]
    unknown = wire.get("/v2/dte/document/76795561-8/39/99/status")
    assert unknown.json()["error"]["code"] == "OF-22"
    cedible = wire.get("/v2/dte/document/76795561-8/39/1/cedible")
    assert cedible.json()["error"]["details"][0]["issue"] == "Documento sin cedible"
    assert wire.get(f"/v2/dte/document/{'a' * 64}/status").json()["error"]["code"] == "OF-22"


def test_receiver_reads_a_received_document_by_issuer_folio(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    token = issue(factura())["TOKEN"]
    base = "/v2/dte/document/76795561-8/33/1"
    assert hosty.get(f"{base}/status").json()["estado"] == "Pendiente"
    fake.clock.advance(days=8)  # 5 December: the 8th calendar day after its reception
    assert hosty.get(f"{base}/status").json()["estado"] == "Pendiente"
    fake.clock.advance(hours=14)  # 6 December: the days to claim it are over
    assert hosty.get(f"{base}/status").json()["estado"] == "Registrado"
    # The token endpoint serves issued documents only.
    assert hosty.get(f"/v2/dte/document/{token}/status").json()["error"]["code"] == "OF-22"


def test_other_taxpayers_cannot_read_a_document_they_are_not_party_to(
    fake: FakeHaulmer, issue: Issue
) -> None:
    issue(boleta())
    fake.add_openfactura_tenant("x" * 32, rut="76086428-5", razon_social="TERCERO SPA")
    client = httpx.Client(transport=fake.transport, base_url="http://f")
    answer = client.get("/v2/dte/document/76795561-8/39/1/status", headers={"apikey": "x" * 32})
    assert answer.json()["error"]["code"] == "OF-22"


@pytest.mark.parametrize("rut", ["76795561-0", "76795561"])
def test_by_folio_finds_no_document_of_an_issuer_rut_whose_check_digit_is_wrong_or_missing(
    wire: httpx.Client, issue: Issue, rut: str
) -> None:
    # Only the number was compared: 76795561-0, a RUT nobody has, found HAULMER SPA's factura.
    issue(factura())
    answer = wire.get(f"/v2/dte/document/{rut}/33/1/status")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "OF-22"
    dotted = wire.get("/v2/dte/document/76.795.561-8/33/1/status")
    assert dotted.json() == {"estado": "Pendiente", "folio": "1"}


@pytest.mark.parametrize("written", ["767955618", "076795561-8"])
def test_a_rut_with_its_check_digit_written_otherwise_finds_its_taxpayer_and_documents(
    wire: httpx.Client, hosty: httpx.Client, issue: Issue, written: str
) -> None:
    """The fake took these RUTs as valid (the check digit is right) but looked them up as
    written: a document by folio was OF-22, the taxpayer all nulls, and an acuse found no
    document, for HAULMER SPA's own 76795561-8."""
    folio = issue(factura())["FOLIO"]
    assert wire.get(f"/v2/dte/document/{written}/33/{folio}/status").status_code == 200
    assert wire.get(f"/v2/dte/taxpayer/{written}").json()["rut"] == "76795561-8"
    accused = hosty.post(
        "/v2/dte/document/received/accuse",
        json={"rut": written, "dte": 33, "folio": folio, "acuse": "ERM"},
    )
    assert accused.status_code == 200
    assert accused.json()["code"] == 0
