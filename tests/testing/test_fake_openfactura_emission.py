"""Emission on the fake OpenFactura: real signed DTEs, response options, validation errors."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fake_bodies import boleta, exenta, factura, guia, nota_credito

from haulmer import sii
from haulmer.testing import FakeHaulmer, serve

JSON = {"Content-Type": "application/json"}
Issue = Callable[..., dict[str, Any]]


def _xml(answer: dict[str, Any]) -> bytes:
    return base64.b64decode(answer["XML"])


def test_factura_is_issued_with_token_and_first_folio(issue: Issue) -> None:
    answer = issue(factura(response=["FOLIO"]))
    assert re.fullmatch(r"[0-9a-f]{64}", answer["TOKEN"])
    assert answer["FOLIO"] == 1
    assert set(answer) == {"TOKEN", "FOLIO"}


def test_only_token_is_returned_when_response_is_omitted(wire: httpx.Client) -> None:
    body = factura()
    del body["response"]
    answer = wire.post("/v2/dte/document", json=body).json()
    assert list(answer) == ["TOKEN"]


def test_folios_are_consecutive_per_document_type(issue: Issue) -> None:
    assert [issue(factura())["FOLIO"] for _ in range(3)] == [1, 2, 3]
    assert issue(boleta())["FOLIO"] == 1
    assert issue(factura())["FOLIO"] == 4


def test_folios_are_separate_per_taxpayer(fake: FakeHaulmer, issue: Issue) -> None:
    issue(factura())
    fake.add_openfactura_tenant(
        "k" * 32, rut="76086428-5", razon_social="OTRA SPA", direccion="X 1", comuna="Talca"
    )
    body = factura()
    body["dte"]["Encabezado"]["Emisor"].update(RUTEmisor="76086428-5", RznSoc="OTRA SPA")
    answer = httpx.Client(transport=fake.transport, base_url="http://f").post(
        "/v2/dte/document", json=body, headers={"apikey": "k" * 32}
    )
    assert answer.json()["FOLIO"] == 1


@pytest.mark.parametrize(
    ("body", "dte_type"),
    [(factura(), 33), (exenta(), 34), (boleta(), 39), (guia(), 52), (nota_credito(1), 61)],
)
def test_each_type_issues_xml_that_verifies_with_haulmer_sii(
    issue: Issue, body: dict[str, Any], dte_type: int
) -> None:
    body["response"] = ["FOLIO", "XML"]
    answer = issue(body)
    xml = _xml(answer)
    assert xml.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert f"<TipoDTE>{dte_type}</TipoDTE>".encode() in xml
    assert f"<Folio>{answer['FOLIO']}</Folio>".encode() in xml
    verification = sii.verify(xml)
    assert verification.ok, verification


@pytest.mark.parametrize("body", [factura(), exenta(), guia(), nota_credito(1)])
def test_the_issued_xml_is_what_sii_issue_writes_for_the_document_sent(
    fake: FakeHaulmer, issue: Issue, body: dict[str, Any]
) -> None:
    # The fake stamps and signs as a local issue() does: same document, folio, CAF, certificate
    # and time give the same bytes.
    from haulmer.dte import Document
    from haulmer.testing.openfactura._emission import _test_caf, _test_certificate

    body["response"] = ["FOLIO", "XML"]
    answer = issue(body)
    stored = fake.openfactura_state.documents[-1]
    tenant = fake.openfactura_state.tenant_for_rut(stored.issuer_rut)
    assert tenant is not None
    expected = sii.issue(
        Document.from_sii_dict(body["dte"]),
        caf=_test_caf(tenant.rut, tenant.razon_social, tenant.cafs[stored.dte_type]),
        certificate=_test_certificate(),
        timestamp=stored.issued_at,
        folio=answer["FOLIO"],
    )
    assert _xml(answer) == expected


def test_issued_xml_verifies_with_xmlsec1(issue: Issue, tmp_path: Any) -> None:
    path = tmp_path / "dte.xml"
    path.write_bytes(_xml(issue(factura(response=["XML"]))))
    result = subprocess.run(
        ["xmlsec1", "--verify", "--insecure", "--id-attr:ID", "Documento", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stderr + result.stdout


def test_xml_is_latin1_and_keeps_spanish_characters(issue: Issue) -> None:
    xml = _xml(issue(factura(response=["XML"])))
    assert "Curicó".encode("latin-1") in xml
    with pytest.raises(UnicodeDecodeError):
        xml.decode("utf-8")


def test_pdf_without_the_pdf_extra_is_a_valid_plain_pdf_showing_the_document(
    issue: Issue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.testing.openfactura import _render

    monkeypatch.setattr(_render, "has_pdf_extra", lambda: False)
    pdf = base64.b64decode(issue(factura(response=["PDF", "FOLIO"]))["PDF"])
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    startxref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[startxref:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[startxref:].split(b"\n")[3:] if line.endswith(b"n ")]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    streams = re.findall(rb"stream\n(.*?)\nendstream", pdf, re.DOTALL)
    text = zlib.decompress(streams[0]).decode("latin-1")
    assert "HAULMER SPA" in text
    assert "N° 1" in text
    assert "HOSTY SPA" in text
    assert "$ 2.380" in text


def test_pdf_without_the_pdf_extra_shows_the_retentions_its_total_deducts(
    issue: Issue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in PDF of a factura de compra showed neto 2.000, IVA 380 and a total of 2.000,
    without the IVA retenido that makes them add up."""
    from haulmer.testing.openfactura import _render

    monkeypatch.setattr(_render, "has_pdf_extra", lambda: False)
    body = factura(response=["PDF"])
    body["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = 46
    body["dte"]["Detalle"][0]["CodImpAdic"] = "15"
    body["dte"]["Encabezado"]["Totales"] = {
        "MntNeto": 2000,
        "TasaIVA": "19",
        "IVA": 380,
        "ImptoReten": [{"TipoImp": "15", "TasaImp": 19, "MontoImp": 380}],
        "MntTotal": 2000,
    }
    pdf = base64.b64decode(issue(body)["PDF"])
    streams = re.findall(rb"stream\n(.*?)\nendstream", pdf, re.DOTALL)
    text = zlib.decompress(streams[0]).decode("latin-1")
    assert "(Retención 15 \\(19 %\\)) Tj" in text
    assert "(- $ 380) Tj" in text


def test_timbre_is_a_png_and_logo_and_resolucion_are_returned(issue: Issue) -> None:
    answer = issue(factura(response=["TIMBRE", "LOGO", "RESOLUCION"]))
    for key in ("TIMBRE", "LOGO"):
        png = base64.b64decode(answer[key])
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"IHDR" in png[:20]
        assert png.endswith(b"IEND\xaeB`\x82")
    assert answer["RESOLUCION"] == {"fecha": "2018-03-26", "numero": 0}


def test_wrong_totals_answer_of10_with_field_details(wire: httpx.Client) -> None:
    body = factura()
    body["dte"]["Encabezado"]["Totales"]["MntNeto"] = 1000
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": "Validación de Campos",
            "code": "OF-10",
            "details": [{"field": "MntNeto", "issue": "Monto erróneo : 1000"}],
        }
    }


def test_a_transportistas_rut_with_a_wrong_check_digit_is_refused_as_the_sii_refuses_it(
    wire: httpx.Client,
) -> None:
    body = guia()
    body["dte"]["Encabezado"]["Transporte"] = {"Patente": "ABCD12", "RUTTrans": "1-8"}
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "OF-10"
    assert [d["field"] for d in error["details"]] == ["RUTTrans"]


def test_rejected_document_does_not_consume_a_folio(wire: httpx.Client, issue: Issue) -> None:
    bad = factura()
    bad["dte"]["Encabezado"]["Totales"]["IVA"] = 1
    assert wire.post("/v2/dte/document", json=bad).status_code == 400
    assert issue(factura())["FOLIO"] == 1


@pytest.mark.parametrize(
    ("mutate", "code", "field"),
    [
        (lambda b: b.pop("dte"), "OF-01", "dte"),
        (lambda b: b["dte"]["Encabezado"].pop("Receptor"), "OF-02", "Receptor"),
        (lambda b: b["dte"].pop("Detalle"), "OF-02", "Detalle"),
        (lambda b: b["dte"]["Encabezado"]["Totales"].pop("MntTotal"), "OF-02", "MntTotal"),
        (lambda b: b["dte"]["Encabezado"]["IdDoc"].update(TipoDTE=99), "OF-05", "TipoDTE"),
        (lambda b: b["dte"]["Encabezado"]["IdDoc"].update(Folio=7), "OF-10", "Folio"),
        (
            lambda b: b["dte"]["Encabezado"]["IdDoc"].update(FchEmis="27/11/2026"),
            "OF-10",
            "FchEmis",
        ),
        (
            lambda b: b["dte"]["Encabezado"]["Emisor"].update(RUTEmisor="76430498-5"),
            "OF-03",
            "RUTEmisor",
        ),
        (lambda b: b.update(response=["FOLIO", "WORD"]), "OF-10", "response"),
    ],
)
def test_invalid_emissions_answer_the_documented_error_envelope(
    wire: httpx.Client, mutate: Callable[[dict[str, Any]], Any], code: str, field: str
) -> None:
    body = factura()
    mutate(body)
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert field in [d["field"] for d in error["details"]]


def test_credit_note_without_referencia_is_refused(wire: httpx.Client) -> None:
    body = nota_credito(1)
    del body["dte"]["Referencia"]
    error = wire.post("/v2/dte/document", json=body).json()["error"]
    assert error["code"] == "OF-02"
    assert error["details"][0]["field"] == "Referencia"


def test_body_that_is_not_json_is_a_schema_error(wire: httpx.Client) -> None:
    response = wire.post(
        "/v2/dte/document", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OF-08"


def test_totals_written_with_a_decimal_point_count_in_the_lists_and_registry(
    wire: httpx.Client,
) -> None:
    """``json.dumps`` writes a float amount (from pandas, say) as ``2000.0``: the document was
    issued with MntNeto 2000 in its XML, but its row in the issued list and the sales registry
    said 0 pesos, as the fake read such an amount as no number."""
    sale = factura()
    sale["dte"]["Encabezado"]["Totales"] = {
        "MntNeto": 2000.0,
        "TasaIVA": "19",
        "IVA": 380.0,
        "MntTotal": 2380.0,
    }
    issued = wire.post("/v2/dte/document", content=json.dumps(sale).encode(), headers=JSON)
    assert issued.status_code == 200
    (row,) = wire.post("/v2/dte/document/issued", json={}).json()["data"]
    assert (row["MntNeto"], row["IVA"], row["MntTotal"]) == (2000, 380, 2380)
    registros = wire.get("/v2/dte/registry/sales/2026/11").json()["registros"]
    facturas = next(r for r in registros if r["tipoDocumento"] == 33)
    assert (facturas["totalMntNeto"], facturas["totalMntTotal"]) == (2000, 2380)


def test_a_boleta_above_135_uf_written_with_a_decimal_point_still_needs_its_buyer(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    """A MntTotal of ``9000000.0`` was read as 0 pesos, below 135 UF: the boleta was issued
    without MedioPago or the buyer's RznSocRecep."""
    fake.openfactura_state.uf_value = 40_000
    sale = boleta(total=9_000_000)
    totales = sale["dte"]["Encabezado"]["Totales"]
    totales.update({name: float(value) for name, value in totales.items()})
    refused = wire.post("/v2/dte/document", content=json.dumps(sale).encode(), headers=JSON)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "OF-02"
    assert {d["field"] for d in refused.json()["error"]["details"]} == {"MedioPago", "RznSocRecep"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_nan_or_infinity_is_no_json_and_issues_nothing(
    fake: FakeHaulmer, wire: httpx.Client, constant: str
) -> None:
    # Python's json.dumps writes float("nan") so by default; JSON (RFC 8259) has no such token.
    sale = json.dumps(factura()).replace('"CdgSIISucur"', f'"Telefono": {constant}, "CdgSIISucur"')
    headers = {"Content-Type": "application/json"}
    emitted = wire.post("/v2/dte/document", content=sale.encode(), headers=headers)
    assert emitted.status_code == 400
    assert emitted.json()["error"]["code"] == "OF-08"
    assert emitted.json()["error"]["details"] == [
        {"field": "body", "issue": "El cuerpo no es JSON válido"}
    ]
    assert not fake.openfactura_state.documents  # no DTE signed with <Telefono>nan</Telefono>
    listed = wire.post(
        "/v2/dte/document/issued", content=f'{{"Page": 1, "Foo": {constant}}}', headers=headers
    )
    assert listed.status_code == 400
    assert listed.json()["details"] == {"Error": "Cuerpo de la solicitud no es JSON válido"}


def test_a_lone_surrogate_quoted_back_in_a_refusal_is_answered_as_escaped_json(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    # A JavaScript client cutting a name at 80 UTF-16 units halves an emoji: JSON.stringify
    # then writes its first half alone, "\ud83d", which UTF-8 cannot carry when quoted back.
    sale = factura()
    sale["dte"]["Encabezado"]["Receptor"]["RznSocRecep"] = "HOSTY \ud83d"
    content = json.dumps(sale).encode("ascii")  # "\\ud83d" escaped, as JSON.stringify writes it
    headers = {"Content-Type": "application/json"}
    in_process = wire.post("/v2/dte/document", content=content, headers=headers)
    with serve(fake, real_time=False) as url:
        over_http = httpx.post(
            f"{url}/v2/dte/document", content=content, headers={**headers, **wire.headers}
        )
    for answer in (in_process, over_http):
        assert answer.status_code == 400
        assert answer.content.isascii()  # the half escaped, \ud83d, as JSON writes it
        (detail,) = answer.json()["error"]["details"]
        assert detail["field"].endswith("RznSocRecep")
        assert detail["issue"] == "HOSTY \ud83d es Incorrecto"
    assert not fake.openfactura_state.documents


def test_exhausted_folios_answer_of07(fake: FakeHaulmer, wire: httpx.Client, issue: Issue) -> None:
    fake.openfactura_state.tenant_for_key(wire.headers["apikey"]).set_folio_limit(33, 1)  # type: ignore[union-attr]
    issue(factura())
    response = wire.post("/v2/dte/document", json=factura())
    assert response.json()["error"]["code"] == "OF-07"


def test_issue_alias_route_also_emits(wire: httpx.Client) -> None:
    assert wire.post("/v2/dte/issue", json=factura()).json()["FOLIO"] == 1


def test_self_service_link_without_boleta_issues_nothing(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    body = boleta()
    body["selfService"] = {"issueBoleta": False, "allowFactura": True}
    body["response"] = ["SELF_SERVICE"]
    answer = wire.post("/v2/dte/document", json=body).json()
    assert answer["SELF_SERVICE"]["url"].endswith(answer["TOKEN"])
    assert fake.openfactura_state.documents == []


def test_self_service_link_issuing_the_boleta_returns_url_and_folio(wire: httpx.Client) -> None:
    body = boleta()
    body["selfService"] = {"issueBoleta": True, "allowFactura": False}
    body["response"] = ["FOLIO", "SELF_SERVICE"]
    answer = wire.post("/v2/dte/document", json=body).json()
    assert answer["FOLIO"] == 1
    assert answer["SELF_SERVICE"]["url"].startswith("http")


def test_send_email_copy_arrives_once_the_sii_accepts(fake: FakeHaulmer, issue: Issue) -> None:
    body = factura()
    body["sendEmail"] = {"to": "compras@hosty.cl", "CC": "conta@hosty.cl"}
    issue(body)
    assert len(fake.outbox) == 0
    fake.clock.advance(minutes=5)
    assert sorted(e.to for e in fake.outbox) == ["compras@hosty.cl", "conta@hosty.cl"]
    assert "N° 1" in fake.outbox.last(to="compras@hosty.cl").subject


def test_send_email_to_several_addresses_sends_one_copy_to_each(
    fake: FakeHaulmer, issue: Issue
) -> None:
    # What the SDK sends for send_email={"to": [...]}: the addresses in one text, with commas.
    body = factura()
    body["sendEmail"] = {"to": "compras@hosty.cl, pagos@hosty.cl", "BCC": "a@b.cl,c@d.cl"}
    issue(body)
    fake.clock.advance(minutes=5)
    assert sorted(e.to for e in fake.outbox) == [
        "a@b.cl",
        "c@d.cl",
        "compras@hosty.cl",
        "pagos@hosty.cl",
    ]


def test_issued_xml_is_schema_valid_and_its_test_caf_is_not_the_siis(issue: Issue) -> None:
    xml = _xml(issue(factura(response=["XML"])))
    sii.validate_schema(xml)
    assert not sii.verify(xml, check_caf=True).ok
    assert sii.verify(xml, check_caf=True, allow_test_cafs=True).ok


def test_long_giro_recep_and_item_names_are_cut_with_a_warning(
    fake: FakeHaulmer, issue: Issue
) -> None:
    body = factura()
    body["dte"]["Encabezado"]["Receptor"]["GiroRecep"] = "G" * 55
    body["dte"]["Detalle"][0]["NmbItem"] = "N" * 90
    answer = issue(body)
    assert answer["WARNING"] == (
        "Campo GiroRecep truncado a 40 caracteres; Campo NmbItem truncado a 80 caracteres"
    )
    stored = fake.openfactura_state.documents[0]
    assert stored.dte["Encabezado"]["Receptor"]["GiroRecep"] == "G" * 40
    assert b"<GiroRecep>" + b"G" * 40 + b"</GiroRecep>" in stored.xml
    assert "WARNING" not in issue(factura())


def test_a_stamping_problem_is_answered_not_raised(
    fake: FakeHaulmer, wire: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.errors import DocumentError, ErrorDetail
    from haulmer.sii import issuing

    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise DocumentError("no", [ErrorDetail("Encabezado.IdDoc.Folio", "outside the CAF")])

    monkeypatch.setattr(issuing, "issue", refuse)
    monkeypatch.setattr(issuing, "stamp_and_sign", refuse)
    response = wire.post("/v2/dte/document", json=factura())
    assert response.status_code == 400
    # In OpenFactura's words, which are Spanish: the field and the value it refused.
    assert response.json()["error"]["details"] == [{"field": "Folio", "issue": "0 es Incorrecto"}]
    assert fake.openfactura_state.documents == []


def test_a_boleta_whose_total_its_lines_do_not_make_is_refused_for_its_amounts_first(
    wire: httpx.Client,
) -> None:
    """A total no line makes is a wrong amount (OF-10 on MntTotal, as the SDK's check says),
    not a boleta above 135 UF that lacks its receptor's name (OF-02)."""
    body = boleta()
    body["dte"]["Encabezado"]["Totales"]["MntTotal"] = 10**20
    answer = wire.post("/v2/dte/document", json=body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "OF-10"
    assert "MntTotal" in {detail["field"] for detail in error["details"]}


def test_pdf_without_the_pdf_extra_shows_an_exports_currency_not_pesos(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in PDF wrote a line of 50 dollars as "$ 50" and a total of 81.2 dollars as
    "81.2", with no currency."""
    import haulmer.dte as dte
    from haulmer.testing.openfactura import _render

    monkeypatch.setattr(_render, "has_pdf_extra", lambda: False)
    fake.add_openfactura_tenant(
        "exporter-key",
        rut="76192083-9",
        razon_social="SASCO SpA",
        giro="Exportadora",
        direccion="Santa Cruz",
        comuna="Santa Cruz",
        dte_types=(110,),
    )
    client = fake.client(api_key="exporter-key")
    factura_exportacion = dte.factura_exportacion(
        emisor={
            "rut": "76192083-9",
            "razon_social": "SASCO SpA",
            "giro": "Exportadora",
            "actecos": [620200],
            "direccion": "Santa Cruz",
            "comuna": "Santa Cruz",
        },
        receptor={"razon_social": "Jackie Chan", "direccion": "Calle 123, Hong Kong"},
        lines=[
            {"nombre": "Asesoría", "cantidad": 1, "precio": 50},
            {"nombre": "Viático", "cantidad": 3, "precio": "10.4"},
        ],
        moneda="DOLAR USA",
        ind_servicio=3,
        fecha=fake.clock.now().date(),
    )
    emitted = client.openfactura.documents.emit(factura_exportacion, response=["PDF"])
    assert emitted.pdf is not None
    streams = re.findall(rb"stream\n(.*?)\nendstream", emitted.pdf, re.DOTALL)
    text = zlib.decompress(streams[0]).decode("latin-1")
    assert "Moneda: DOLAR USA" in text
    assert "(81,20)" in text  # 50 + 3 x 10.4
    assert "$" not in text


@pytest.mark.parametrize(
    ("send_email", "field"),
    [
        ({"to": "not an address"}, "sendEmail.to"),
        ({"to": ["compras@hosty.cl", "pagos@hosty.cl"]}, "sendEmail.to"),
        ({"to": "compras@hosty.cl", "CC": "conta@hosty.cl;pagos@hosty.cl"}, "sendEmail.CC"),
        ({"to": "compras@hosty.cl", "BCC": 5}, "sendEmail.BCC"),
        ({"to": "compras@hosty.cl,"}, "sendEmail.to"),
        ("compras@hosty.cl", "sendEmail"),
    ],
)
def test_send_email_with_an_address_that_is_none_is_refused_and_nothing_is_issued(
    fake: FakeHaulmer, wire: httpx.Client, send_email: Any, field: str
) -> None:
    body = factura()
    body["sendEmail"] = send_email
    answer = wire.post("/v2/dte/document", json=body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["details"][0]["field"]) == ("OF-10", field)
    assert fake.openfactura_state.documents == []
    fake.clock.advance(minutes=5)
    assert len(fake.outbox) == 0


@pytest.mark.parametrize(
    ("custom", "field"),
    [
        ("Pago a 30 días", "custom"),
        ({"informationNote": 30}, "custom.informationNote"),
        ({"paymentNote": ["a", "b"]}, "custom.paymentNote"),
    ],
)
def test_custom_notes_that_are_not_text_are_refused_and_nothing_is_issued(
    fake: FakeHaulmer, wire: httpx.Client, custom: Any, field: str
) -> None:
    body = factura()
    body["custom"] = custom
    answer = wire.post("/v2/dte/document", json=body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["details"][0]["field"]) == ("OF-10", field)
    assert fake.openfactura_state.documents == []


def test_custom_keeps_the_plugins_origin_beside_the_notes(fake: FakeHaulmer, issue: Issue) -> None:
    body = factura()
    body["custom"] = {"origin": "WOOCOMMERCE", "paymentNote": "Pago a 30 días"}
    issue(body)
    assert fake.openfactura_state.documents[0].custom["paymentNote"] == "Pago a 30 días"


@pytest.mark.parametrize(
    ("option", "sdk_value", "wire_value"),
    [
        (
            "sendEmail",
            "compras@hosty.cl, pagos@hosty.cl",
            {"to": "compras@hosty.cl,pagos@hosty.cl"},
        ),
        ("sendEmail", "compras@hosty.cl;pagos@hosty.cl", {"to": "compras@hosty.cl;pagos@hosty.cl"}),
        ("sendEmail", {"to": "a@b.cl", "cc": "c@@d.cl"}, {"to": "a@b.cl", "CC": "c@@d.cl"}),
        ("custom", {"payment_note": "Pago a 30 días"}, {"paymentNote": "Pago a 30 días"}),
        ("custom", {"payment_note": 30}, {"paymentNote": 30}),
    ],
)
def test_the_sdk_and_the_fake_accept_and_refuse_the_same_emission_options(
    wire: httpx.Client, option: str, sdk_value: Any, wire_value: Any
) -> None:
    from haulmer.errors import ValidationError
    from haulmer.openfactura.emission import build_emission

    body = factura()
    argument = {"sendEmail": "send_email", "custom": "custom"}[option]
    try:
        sent = build_emission(body["dte"], **{argument: sdk_value}).body[option]
    except ValidationError:
        sdk_accepts = False
    else:
        sdk_accepts = True
        assert sent == wire_value
    body[option] = wire_value
    answer = wire.post("/v2/dte/document", json=body)
    assert (answer.status_code == 200) is sdk_accepts, answer.text


def test_a_credit_note_annulling_two_facturas_is_refused_as_the_sdk_refuses_it(
    issue: Issue, wire: httpx.Client
) -> None:
    """A nota that annuls (CodRef 1) modifies one document; the fake refuses a second
    reference with a CodRef before issuing anything, as documents.emit() does."""
    first, second = issue(factura())["FOLIO"], issue(factura())["FOLIO"]
    body = nota_credito(first)
    body["dte"]["Referencia"].append({**body["dte"]["Referencia"][0], "NroLinRef": 2})
    body["dte"]["Referencia"][1]["FolioRef"] = str(second)
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "OF-10"
    assert [d["field"] for d in error["details"]] == ["CodRef"]


@pytest.mark.parametrize("tipo", ["3_3", "+33", " 33"])
def test_a_tipo_dte_that_is_no_whole_number_is_refused_not_read_by_int(
    fake: FakeHaulmer, wire: httpx.Client, tipo: str
) -> None:
    # Python's int() read these as 33 and issued a factura, where the lists and document reads
    # of the fake take a type only as a number or its digits.
    body = factura()
    body["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] = tipo
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OF-10"
    assert response.json()["error"]["details"] == [
        {"field": "TipoDTE", "issue": f"{tipo} es Incorrecto"}
    ]
    assert fake.openfactura_state.documents == []


@pytest.mark.parametrize("folio", ["0_0", "+0", "-0", " 0"])
def test_a_folio_that_only_int_reads_as_zero_is_refused(
    fake: FakeHaulmer, wire: httpx.Client, folio: str
) -> None:
    body = factura()
    body["dte"]["Encabezado"]["IdDoc"]["Folio"] = folio
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "Folio"
    assert fake.openfactura_state.documents == []


@pytest.mark.parametrize(("tipo", "folio"), [(33, 0), ("33", "0"), ("33", "00")])
def test_a_tipo_dte_and_folio_are_taken_as_numbers_or_their_digits(
    wire: httpx.Client, tipo: Any, folio: Any
) -> None:
    body = factura()
    body["dte"]["Encabezado"]["IdDoc"].update(TipoDTE=tipo, Folio=folio)
    response = wire.post("/v2/dte/document", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["FOLIO"] == 1


@pytest.mark.parametrize("written", ["767955618", "076795561-8"])
def test_the_key_owners_rut_written_without_its_dash_is_the_owners(
    fake: FakeHaulmer, wire: httpx.Client, written: str
) -> None:
    """HAULMER SPA's 76795561-8 written so was refused with OF-03, "El RUT emisor no corresponde
    al dueño de la API key", which is false: it is the owner's RUT, as a RUTRecep so written is
    its receptor's."""
    sale = factura(response=["XML"])
    sale["dte"]["Encabezado"]["Emisor"]["RUTEmisor"] = written
    issued = wire.post("/v2/dte/document", json=sale)
    assert issued.status_code == 200, issued.text
    assert b"<RUTEmisor>76795561-8</RUTEmisor>" in base64.b64decode(issued.json()["XML"])
    assert fake.openfactura_state.documents[-1].issuer_rut == "76795561-8"


def test_fakes_signing_their_first_documents_at_once_sign_with_one_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two threads asking at once for the fake's signing certificate each made one: fakes in
    two threads of one process signed with two certificates, said to be made once a process."""
    import threading

    from haulmer.testing import certificates
    from haulmer.testing.openfactura import _emission

    monkeypatch.setattr(_emission, "_CERTIFICATE", [])
    made = certificates.make_test_certificate
    other: list[object] = []
    started: list[threading.Thread] = []

    def make_while_another_thread_does(**kwargs: Any) -> Any:
        if not started:  # the first thread, while it makes one: the second asks and finishes
            second = threading.Thread(target=lambda: other.append(_emission._test_certificate()))
            started.append(second)
            second.start()
            second.join()
        return made(**kwargs)

    monkeypatch.setattr(certificates, "make_test_certificate", make_while_another_thread_does)
    first = _emission._test_certificate()
    assert first is other[0]
    assert _emission._test_certificate() is first
