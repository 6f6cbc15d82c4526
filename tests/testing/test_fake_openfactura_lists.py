"""Issued and received lists: filters with operators, pages of 30, 204 when empty."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, localcontext
from typing import Any

import httpx
import pytest
from fake_bodies import START, boleta, factura

from haulmer.testing import FakeHaulmer

Issue = Callable[..., dict[str, Any]]


def test_empty_list_is_204_with_no_body(wire: httpx.Client) -> None:
    response = wire.post("/v2/dte/document/issued", json={})
    assert response.status_code == 204
    assert response.content == b""


def test_issued_list_pages_by_30_newest_first(wire: httpx.Client, issue: Issue) -> None:
    for _ in range(31):
        issue(boleta())
    first = wire.post("/v2/dte/document/issued", json={}).json()
    assert (first["current_page"], first["last_page"], first["total"]) == (1, 2, 31)
    assert len(first["data"]) == 30
    assert first["data"][0]["Folio"] == 31
    second = wire.post("/v2/dte/document/issued", json={"Page": "2"}).json()
    assert [row["Folio"] for row in second["data"]] == [1]
    assert wire.post("/v2/dte/document/issued", json={"Page": 3}).status_code == 204


@pytest.mark.parametrize("page", [1.9, True, "1_0", "2.0", None])
def test_a_page_is_a_whole_number_or_its_digits(
    wire: httpx.Client, issue: Issue, page: Any
) -> None:
    # int() had read 1.9 and true as page 1 and "1_0" as page 10.
    issue(boleta())
    answer = wire.post("/v2/dte/document/issued", json={"Page": page})
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Page": f"{page} es Incorrecto"},
    }


def test_issued_rows_carry_the_documented_fields(wire: httpx.Client, issue: Issue) -> None:
    token = issue(factura())["TOKEN"]
    row = wire.post("/v2/dte/document/issued", json={}).json()["data"][0]
    assert row == {
        "RUTRecep": 76430498,
        "DV": "5",
        "RznSocRecep": "HOSTY SPA",
        "TipoDTE": 33,
        "Folio": 1,
        "FchEmis": "2026-11-27",
        "FechaRecibido": "2026-11-27 10:00:00",
        "MntExe": 0,
        "MntNeto": 2000,
        "IVA": 380,
        "MntTotal": 2380,
        "FmaPago": 1,
        "Token": token,
    }


def test_filters_use_operators_and_ignore_unknown_keys(wire: httpx.Client, issue: Issue) -> None:
    issue(factura(fecha="2026-11-01"))
    issue(factura(fecha="2026-11-20"))
    issue(boleta(fecha="2026-11-25"))

    def folios(body: dict[str, Any]) -> list[tuple[int, int]]:
        response = wire.post("/v2/dte/document/issued", json=body)
        if response.status_code == 204:
            return []
        return [(r["TipoDTE"], r["Folio"]) for r in response.json()["data"]]

    assert folios({"TipoDTE": {"eq": 33}}) == [(33, 2), (33, 1)]
    assert folios({"TipoDTE": {"ne": 33}}) == [(39, 1)]
    assert folios({"FchEmis": {"gte": "2026-11-10", "lte": "2026-11-24"}}) == [(33, 2)]
    assert folios({"RUTRecep": {"eq": 76430498}}) == [(33, 2), (33, 1)]
    assert folios({"Whatever": {"eq": 1}, "TipoDTE": {"gt": 34}}) == [(39, 1)]
    assert folios({"TipoDTE": {"lt": 33}}) == []
    # Folio is no documented filter: the server ignores it like any unknown key.
    assert folios({"Folio": {"eq": 2}}) == [(39, 1), (33, 2), (33, 1)]


def test_array_filter_answers_operador_no_encontrado_unwrapped(
    wire: httpx.Client, issue: Issue
) -> None:
    issue()
    response = wire.post("/v2/dte/document/issued", json={"TipoDTE": [39]})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Operador no encontrado"},
    }
    assert wire.post("/v2/dte/document/issued", json={"TipoDTE": {"in": 3}}).status_code == 400


def test_received_list_shows_documents_other_tenants_issued_to_us(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue
) -> None:
    assert hosty.post("/v2/dte/document/received", json={}).status_code == 204
    issue(factura())
    issue(boleta())  # to the generic consumer: nobody receives it
    row = hosty.post("/v2/dte/document/received", json={}).json()["data"][0]
    assert row["RUTEmisor"] == 76795561
    assert row["DV"] == "8"
    assert row["RznSoc"] == "HAULMER SPA"
    assert (row["TipoDTE"], row["Folio"], row["MntTotal"]) == (33, 1, 2380)
    assert row["FchRecepSII"] == ""
    assert row["FchRecepOF"] == "2026-11-27 10:00:00"
    assert row["Acuses"] is None
    fake.clock.advance(minutes=3)
    row = hosty.post("/v2/dte/document/received", json={"RUTEmisor": {"eq": 76795561}}).json()
    assert row["data"][0]["FchRecepSII"] == "2026-11-27 10:03:00"
    ignored = hosty.post("/v2/dte/document/received", json={"Folio": {"eq": 7}})
    assert ignored.json()["total"] == 1


def test_a_received_row_names_the_issuer_as_its_document_does(
    hosty: httpx.Client, issue: Issue
) -> None:
    # The row gave the issuer's account name, whatever razón social the document carried.
    body = factura()
    body["dte"]["Encabezado"]["Emisor"]["RznSoc"] = "HAULMER SPA SUCURSAL CURICO"
    issue(body)
    issue(factura())
    rows = hosty.post("/v2/dte/document/received", json={}).json()["data"]
    assert [(row["Folio"], row["RznSoc"]) for row in rows] == [
        (2, "HAULMER SPA"),
        (1, "HAULMER SPA SUCURSAL CURICO"),
    ]


def test_a_supplier_outside_the_fake_can_send_us_documents(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    import haulmer.dte as dte

    supplier = dte.factura(
        emisor={
            "rut": "76086428-5",
            "razon_social": "PROVEEDORA SPA",
            "giro": "INSUMOS",
            "actecos": [469000],
            "direccion": "CALLE 2",
            "comuna": "Talca",
        },
        receptor={
            "rut": "76795561-8",
            "razon_social": "HAULMER SPA",
            "giro": "VENTA",
            "direccion": "ARTURO PRAT 527",
            "comuna": "Curicó",
        },
        lines=[{"nombre": "Papel", "cantidad": 10, "precio": 1500}],
        fecha="2026-11-26",
    )
    issued = fake.issue_from_supplier(supplier)
    assert issued.folio == 1
    row = wire.post("/v2/dte/document/received", json={}).json()["data"][0]
    assert (row["RUTEmisor"], row["RznSoc"], row["MntTotal"]) == (76086428, "PROVEEDORA SPA", 17850)
    bad = supplier.to_sii_dict()
    bad["Encabezado"]["Totales"]["MntTotal"] = 1  # type: ignore[index]
    with pytest.raises(ValueError, match="refused"):
        fake.issue_from_supplier(bad)


def _exporter(fake: FakeHaulmer) -> Any:
    fake.add_openfactura_tenant(
        "exporter-key",
        rut="76192083-9",
        razon_social="SASCO SpA",
        giro="Exportadora",
        direccion="Santa Cruz",
        comuna="Santa Cruz",
        dte_types=(110, 111, 112),
    )
    return fake.client(api_key="exporter-key")


def _export(moneda: str, tipo_cambio: str | None) -> Any:
    import haulmer.dte as dte

    return dte.factura_exportacion(
        emisor={
            "rut": "76192083-9",
            "razon_social": "SASCO SpA",
            "giro": "Exportadora",
            "actecos": [620200],
            "direccion": "Santa Cruz",
            "comuna": "Santa Cruz",
        },
        receptor={"razon_social": "Jackie Chan", "direccion": "Calle 123, Hong Kong"},
        lines=[{"nombre": "Asesoría", "cantidad": 3, "precio": "100.2575"}],
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        ind_servicio=3,
        fecha=START.date(),
    )


def test_an_export_is_listed_and_registered_in_pesos_not_as_zero(fake: FakeHaulmer) -> None:
    """An export of 300.7725 dollars was listed with MntTotal 0 (its decimal total was not read
    as a number); the list and the sales registry give it in pesos, as the SII's sales register
    keeps every document: its OtraMoneda in PESO CL, or its amounts when sold in pesos."""
    client = _exporter(fake)
    client.openfactura.documents.emit(_export("DOLAR USA", "950.5"))
    client.openfactura.documents.emit(_export("PESO CL", None))
    rows = client.openfactura.documents.list_issued()
    # 300.7725 x 950.5 = 285884.26 -> 285884; in pesos 3 x 100.2575 = 300.7725 -> 301
    assert sorted((row.mnt_exe, row.mnt_total) for row in rows) == [(301, 301), (285884, 285884)]
    sales = client.openfactura.registry.sales(START.year, START.month)
    (exports,) = [row for row in sales.registros if row.tipo_documento == 110]
    assert (exports.cant_documentos, exports.total_mnt_exe, exports.total_mnt_total) == (
        2,
        286185,
        286185,
    )


def test_an_exports_email_gives_its_total_in_its_currency_not_zero_pesos(
    fake: FakeHaulmer,
) -> None:
    """The copy e-mailed of an export in dollars said it was "por 0 pesos" (no amount in pesos
    without OtraMoneda) and one with OtraMoneda gave the pesos alone: it now says the total in
    the document's currency, as its PDF does."""
    client = _exporter(fake)
    client.openfactura.documents.emit(_export("DOLAR USA", None), send_email="a@importer.hk")
    client.openfactura.documents.emit(_export("DOLAR USA", "950.5"), send_email="b@importer.hk")
    client.openfactura.documents.emit(_export("PESO CL", None), send_email="c@importer.hk")
    fake.clock.advance(minutes=5)
    with localcontext(Context(prec=3)):  # the outbox is read in the caller's decimal context
        assert "por 300,7725 DOLAR USA." in fake.outbox.last(to="a@importer.hk").body
    assert "por 300,7725 DOLAR USA." in fake.outbox.last(to="b@importer.hk").body
    assert "por 301 pesos." in fake.outbox.last(to="c@importer.hk").body


@pytest.mark.parametrize("operator", ["lt", "lte", "ne", "eq", "gte"])
def test_a_document_the_sii_has_not_received_meets_no_fch_recep_sii_filter(
    fake: FakeHaulmer, hosty: httpx.Client, issue: Issue, operator: str
) -> None:
    """Its FchRecepSII is blank: no date at all, not one before every date."""
    issue(factura())
    day = {"lt": "2026-11-28", "lte": "2026-11-27", "ne": "2000-01-01"}.get(operator, "2026-11-27")
    body = {"FchRecepSII": {operator: day}}
    assert hosty.post("/v2/dte/document/received", json=body).status_code == 204
    fake.clock.advance(minutes=3)  # now the SII has it, received on 2026-11-27
    rows = hosty.post("/v2/dte/document/received", json=body).json()["data"]
    assert [row["FchRecepSII"] for row in rows] == ["2026-11-27 10:03:00"]


def test_a_number_filter_reads_a_json_float_that_is_whole_as_that_number(
    wire: httpx.Client, issue: Issue
) -> None:
    # Some JSON writers send 33.0 for 33: its dot was dropped, filtering on type 330.
    issue(factura())
    issue(boleta())
    answer = wire.post("/v2/dte/document/issued", json={"TipoDTE": {"eq": 33.0}})
    assert answer.status_code == 200
    assert [row["TipoDTE"] for row in answer.json()["data"]] == [33]


@pytest.mark.parametrize("operand", ["3.3", 3.3, "3_3", "+33", "٣٣", True])
def test_a_type_filter_that_is_no_whole_number_is_refused_not_read_otherwise(
    wire: httpx.Client, issue: Issue, operand: Any
) -> None:
    # "3.3" and 3.3 lost their dot and listed the facturas 33; "3_3" and "+33" were int()'s.
    issue(factura())
    answer = wire.post("/v2/dte/document/issued", json={"TipoDTE": {"eq": operand}})
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"TipoDTE": f"{operand} es Incorrecto"},
    }


@pytest.mark.parametrize(
    "operand", [76430498, "76430498", "76430498-5", "76.430.498-5", "76.430.498"]
)
def test_a_rut_filter_takes_its_number_with_or_without_dots_and_check_digit(
    wire: httpx.Client, issue: Issue, operand: Any
) -> None:
    issue(factura())
    answer = wire.post("/v2/dte/document/issued", json={"RUTRecep": {"eq": operand}})
    assert answer.status_code == 200
    assert [row["RUTRecep"] for row in answer.json()["data"]] == [76430498]


@pytest.mark.parametrize("day", ["27/11/2026", 20261127, "2026-02-30", "2026-11", "", "mañana"])
def test_a_date_filter_that_is_no_date_is_refused_not_compared_as_text(
    wire: httpx.Client, issue: Issue, day: Any
) -> None:
    # Compared as text against "2026-11-27", "27/11/2026" listed nothing and "2026-11" the month:
    # a wrong date read as "no documents" (or as some other filter).
    issue(factura())
    answer = wire.post("/v2/dte/document/issued", json={"FchEmis": {"gte": day}})
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"FchEmis": f"{day} es Incorrecto"},
    }


def test_a_reception_filter_takes_a_day_or_a_moment(hosty: httpx.Client, issue: Issue) -> None:
    issue(factura())
    for moment in ("2026-11-27", "2026-11-27 10:00:00"):
        answer = hosty.post("/v2/dte/document/received", json={"FchRecepOF": {"eq": moment}})
        assert answer.status_code == 200, moment
        assert [row["FchRecepOF"] for row in answer.json()["data"]] == ["2026-11-27 10:00:00"]
    later = hosty.post(
        "/v2/dte/document/received", json={"FchRecepOF": {"gt": "2026-11-27 10:00:00"}}
    )
    assert later.status_code == 204


@pytest.mark.parametrize(
    ("condition", "listed"),
    [
        ({"gte": "2026-11-27 00:00:00"}, True),
        ({"eq": "2026-11-27 10:00:00"}, True),
        ({"lte": "2026-11-27 23:59:59"}, True),
        ({"lt": "2026-11-27 00:00:00"}, False),
        ({"gt": "2026-11-27 23:59:59"}, False),
    ],
)
def test_a_day_compared_with_a_moment_of_it_compares_as_that_day(
    wire: httpx.Client, issue: Issue, condition: dict[str, str], listed: bool
) -> None:
    # FchEmis (a day) was compared as text with the longer moment: "2026-11-27" sorted before
    # "2026-11-27 00:00:00", so gte a moment of its day left the document out and lt listed it.
    issue(factura())  # FchEmis 2026-11-27
    answer = wire.post("/v2/dte/document/issued", json={"FchEmis": condition})
    assert answer.status_code == (200 if listed else 204)


@pytest.mark.parametrize("written", ["764304985", "076430498-5", "76430498-5 "])
def test_a_receptor_rut_written_otherwise_is_the_receptors_as_the_xml_names_it(
    wire: httpx.Client, hosty: httpx.Client, issue: Issue, written: str
) -> None:
    """The XML names 76430498-5 however RUTRecep was written (no dash, a leading zero, a
    blank), but the lists read the text as sent: the row said RUTRecep 764304985 with DV "",
    and HOSTY SPA found the factura neither in its received list nor by its folio."""
    sale = factura()
    sale["dte"]["Encabezado"]["Receptor"]["RUTRecep"] = written
    folio = issue(sale)["FOLIO"]
    (row,) = wire.post("/v2/dte/document/issued", json={}).json()["data"]
    assert (row["RUTRecep"], row["DV"]) == (76430498, "5")
    (received,) = hosty.post("/v2/dte/document/received", json={}).json()["data"]
    assert received["Folio"] == folio
    assert hosty.get(f"/v2/dte/document/76795561-8/33/{folio}/status").status_code == 200
