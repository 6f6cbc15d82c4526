"""The sections a line and a document may repeat (SubDscto, SubRecargo, Subcantidad, OtrMnda,
SubTotInfo...): read from a received DTE, kept, checked against the schema and written back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from haulmer.dte import Document
from haulmer.errors import DocumentError
from haulmer.sii import issue, parse, validate_schema
from haulmer.sii.printed.content import printed_document

from .conftest import REAL_DTES, SIGNED_AT, document_dict

_MADERA_ORIGEN = {
    "ComunaRolOrigen": "8101",
    "MnzRolOrigen": "12",
    "PrdRolOrigen": "7",
    "CodPlanConaf": "PM-2026-0042",
    "LatitudOrigenMadera": "-37.4697",
    "LongitudOrigenMadera": "-72.3537",
    "SistemareferenciaMadera": "1",
}
_MADERA = {
    "ComunaRolOrigen": "8101",
    "MnzRolOrigen": "12",
    "PrdRolOrigen": "7",
    "ComunaRolDestino": "8110",
    "MnzRolDestino": "340",
    "PrdRolDestino": "15",
    "CodPlanConaf": "PM-2026-0042",
    "AvisoEjecucionFaena": "AEF-991",
    "LatitudOrigenMadera": "-37.4697",
    "LongitudOrigenMadera": "-72.3537",
    "LatitudDestinoMadera": "-36.8270",
    "LongitudDestinoMadera": "-73.0503",
    "SistemareferenciaMadera": "1",
}
"""A guía's timber transport (ManejoMadera): only what the schema requires, and everything."""

_SECTIONS: dict[str, list[tuple[int, tuple[str | int, ...], str, Any]]] = {
    "SubDscto/SubRecargo": [
        (
            33,
            ("Detalle", 0),
            "SubDscto",
            [{"TipoDscto": "%", "ValorDscto": "5"}, {"TipoDscto": "$", "ValorDscto": "120.5"}],
        ),
        (33, ("Detalle", 0), "SubRecargo", [{"TipoRecargo": "$", "ValorRecargo": "300"}]),
        (110, ("Detalle", 1), "SubDscto", [{"TipoDscto": "%", "ValorDscto": "2.25"}]),
        (110, ("Detalle", 1), "SubRecargo", [{"TipoRecargo": "%", "ValorRecargo": "1"}]),
    ],
    "Subcantidad": [
        (
            33,
            ("Detalle", 1),
            "Subcantidad",
            [{"SubQty": "1.5", "SubCod": "LOTE-7"}, {"SubQty": "0.5", "SubCod": "0042"}],
        ),
        (43, ("Detalle", 2), "Subcantidad", [{"SubQty": "3", "SubCod": "SERIE 1"}]),
        (
            110,
            ("Detalle", 0),
            "Subcantidad",
            [{"SubQty": "1", "SubCod": "A-1", "TipCodSubQty": "LOTE"}],
        ),
    ],
    "OtrMnda": [
        (
            33,
            ("Detalle", 0),
            "OtrMnda",
            {
                "PrcOtrMon": "1.252525",
                "Moneda": "USD",
                "FctConv": "950.25",
                "DctoOtrMnda": "0.1",
                "RecargoOtrMnda": "0.05",
                "MontoItemOtrMnda": "1.2",
            },
        ),
        (
            110,
            ("Detalle", 1),
            "OtrMnda",
            {"PrcOtrMon": "12300.5", "Moneda": "CLP", "MontoItemOtrMnda": "24601"},
        ),
    ],
    "SubTotInfo": [
        (
            tipo,
            (),
            "SubTotInfo",
            [
                {
                    "NroSTI": "1",
                    "GlosaSTI": "Herramientas",
                    "OrdenSTI": "3",
                    "SubTotNetoSTI": "2380.5",
                    "SubTotIVASTI": "452.3",
                    "SubTotAdicSTI": "10",
                    "SubTotExeSTI": "0.01",
                    "ValSubtotSTI": "2832.81",
                    "LineasDeta": ["1", "2"],
                },
                {"NroSTI": "2", "GlosaSTI": "Resto", "LineasDeta": ["3"]},
            ],
        )
        for tipo in (33, 39, 43, 110)
    ],
    "GeoRefEmision": [
        (
            tipo,
            (),
            "GeoRefEmision",
            {"LatitudEmision": "-33.4372", "LongitudEmision": "-70.6506", "SistemaReferencia": "1"},
        )
        for tipo in (33, 39, 52)
    ],
    "ManejoMadera": [
        (tipo, (), "ManejoMadera", dict(_MADERA) if tipo == 52 else dict(_MADERA_ORIGEN))
        for tipo in (33, 52)
    ],
}
"""Per group of sections: (type, where, element, value as the XML reads it)."""


def _put(data: dict[str, Any], where: tuple[str | int, ...], name: str, value: Any) -> None:
    place: Any = data
    for step in where:
        place = place.setdefault(step, {}) if isinstance(step, str) else place[step]
    place[name] = value


def _got(data: dict[str, Any], where: tuple[str | int, ...], name: str) -> Any:
    place: Any = data
    for step in where:
        place = place[step]
    return place[name]


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_text(held) for key, held in value.items()}
    if isinstance(value, list):
        return [_as_text(held) for held in value]
    return str(value)


_CASES = [
    (group, tipo) for group, cases in _SECTIONS.items() for tipo in sorted({c[0] for c in cases})
]


@pytest.mark.parametrize(("group", "tipo"), _CASES)
def test_line_and_document_sections_survive_check_issue_validation_and_parse(
    group: str, tipo: int, certificate: Any, cafs: Any
) -> None:
    data = document_dict(tipo)
    if tipo == 110 and not data.get("Referencia"):
        data["Referencia"] = [{"TpoDocRef": "801", "FolioRef": "77", "FchRef": "2026-11-20"}]
    cases = [case for case in _SECTIONS[group] if case[0] == tipo]
    for _, where, name, value in cases:
        _put(data, where, name, value)
    document = Document.from_sii_dict(data)
    document.check()
    xml = issue(document, caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    read = parse(xml)
    for _, where, name, value in cases:
        assert _as_text(_got(read.to_sii_dict(), where, name)) == value
    assert read == document.completed().with_folio(read.folio)


def _real_with(before: bytes, inserted: bytes) -> bytes:
    xml = REAL_DTES[0].read_bytes()
    assert before in xml
    return xml.replace(before, inserted + before, 1)


def test_a_real_factura_with_a_line_discount_and_surcharge_broken_down_keeps_them() -> None:
    xml = _real_with(
        b"<MontoItem>",
        b"<SubDscto><TipoDscto>%</TipoDscto><ValorDscto>5</ValorDscto></SubDscto>"
        b"<SubDscto><TipoDscto>$</TipoDscto><ValorDscto>100</ValorDscto></SubDscto>"
        b"<SubRecargo><TipoRecargo>$</TipoRecargo><ValorRecargo>10.5</ValorRecargo></SubRecargo>",
    )
    line = parse(xml).to_sii_dict()["Detalle"][0]
    assert _as_text(line["SubDscto"]) == [
        {"TipoDscto": "%", "ValorDscto": "5"},
        {"TipoDscto": "$", "ValorDscto": "100"},
    ]
    assert _as_text(line["SubRecargo"]) == [{"TipoRecargo": "$", "ValorRecargo": "10.5"}]
    printed = printed_document(parse(xml).to_sii_dict())
    assert "descuento 5 %" in printed.lines[0].notes
    assert "recargo $ 10,5" in printed.lines[0].notes  # an amount, written as the page's are


@pytest.mark.parametrize(
    ("sub", "said"),
    [
        ({"TipoDscto": "#", "ValorDscto": "5"}, "TipoDscto"),
        ({"TipoDscto": "$", "ValorDscto": "0"}, "ValorDscto"),
        ({"TipoDscto": "$", "ValorDscto": "1.005"}, "ValorDscto"),
    ],
)
def test_a_line_discount_part_the_schema_refuses_is_refused_naming_it(
    sub: dict[str, str], said: str
) -> None:
    data = document_dict(33)
    data["Detalle"][0]["SubDscto"] = [sub]
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any(said in (d.field or "") for d in refused.value.details)


def test_a_sixth_line_discount_part_is_refused_by_check() -> None:
    data = document_dict(33)
    data["Detalle"][0]["SubRecargo"] = [{"TipoRecargo": "$", "ValorRecargo": "1"}] * 6
    with pytest.raises(DocumentError, match="SubRecargo"):
        Document.from_sii_dict(data).check()


def test_a_boleta_given_a_line_discount_breakdown_is_refused_not_written_without_it() -> None:
    data = document_dict(39)
    data["Detalle"][0]["SubDscto"] = [{"TipoDscto": "%", "ValorDscto": "5"}]
    with pytest.raises(DocumentError, match="SubDscto"):
        Document.from_sii_dict(data).check()


def test_a_real_factura_with_a_line_quantity_broken_down_keeps_it_and_prints_it() -> None:
    xml = _real_with(
        b"<PrcItem>",
        b"<Subcantidad><SubQty>2</SubQty><SubCod>LOTE-1</SubCod></Subcantidad>"
        b"<Subcantidad><SubQty>0.25</SubQty><SubCod>007</SubCod></Subcantidad>",
    )
    line = parse(xml).to_sii_dict()["Detalle"][0]
    assert _as_text(line["Subcantidad"]) == [
        {"SubQty": "2", "SubCod": "LOTE-1"},
        {"SubQty": "0.25", "SubCod": "007"},
    ]
    notes = printed_document(parse(xml).to_sii_dict()).lines[0].notes
    assert "2 de LOTE-1" in notes
    assert "0,25 de 007" in notes


@pytest.mark.parametrize(
    ("tipo", "sub", "said"),
    [
        (33, {"SubQty": "0", "SubCod": "L"}, "SubQty"),
        (33, {"SubQty": "1", "SubCod": "L" * 36}, "SubCod"),
        (33, {"SubQty": "1", "SubCod": "L", "TipCodSubQty": "LOTE"}, "TipCodSubQty"),
        (43, {"SubQty": "1.0000001", "SubCod": "L"}, "SubQty"),
        (39, {"SubQty": "1", "SubCod": "L"}, "Subcantidad"),
    ],
)
def test_a_line_quantity_part_the_schema_refuses_is_refused_naming_it(
    tipo: int, sub: dict[str, str], said: str
) -> None:
    data = document_dict(tipo)
    data["Detalle"][0]["Subcantidad"] = [sub]
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any(said in (d.field or "") for d in refused.value.details)


@pytest.mark.parametrize("tipo", [33, 43, 110])
def test_a_sixth_line_quantity_part_is_refused_by_check(tipo: int) -> None:
    data = document_dict(tipo)
    data["Detalle"][0]["Subcantidad"] = [{"SubQty": "1", "SubCod": "L"}] * 6
    with pytest.raises(DocumentError, match="Subcantidad"):
        Document.from_sii_dict(data).check()


def test_a_real_factura_with_a_line_price_in_another_currency_keeps_it_and_prints_it() -> None:
    xml = _real_with(
        b"<MontoItem>",
        b"<OtrMnda><PrcOtrMon>10.5</PrcOtrMon><Moneda>USD</Moneda><FctConv>950</FctConv>"
        b"<MontoItemOtrMnda>21</MontoItemOtrMnda></OtrMnda>",
    )
    line = parse(xml).to_sii_dict()["Detalle"][0]
    assert _as_text(line["OtrMnda"]) == {
        "PrcOtrMon": "10.5",
        "Moneda": "USD",
        "FctConv": "950",
        "MontoItemOtrMnda": "21",
    }
    notes = printed_document(parse(xml).to_sii_dict()).lines[0].notes
    assert any(note.startswith("en USD: precio 10,5") for note in notes)


@pytest.mark.parametrize(
    ("tipo", "otra", "said"),
    [
        (33, {"PrcOtrMon": "1", "Moneda": "DOLAR"}, "Moneda"),
        (33, {"PrcOtrMon": "1", "Moneda": "USD", "FctConv": "1.00001"}, "FctConv"),
        (33, {"PrcOtrMon": "1", "Moneda": "USD", "DctoOtrMnda": "0.00001"}, "DctoOtrMnda"),
        (110, {"PrcOtrMon": "1.00001", "Moneda": "CLP", "MontoItemOtrMnda": "1"}, "PrcOtrMon"),
        (110, {"PrcOtrMon": "1", "Moneda": "CLP"}, "MontoItemOtrMnda"),
        (39, {"PrcOtrMon": "1", "Moneda": "USD"}, "OtrMnda"),
        (43, {"PrcOtrMon": "1", "Moneda": "USD"}, "OtrMnda"),
    ],
)
def test_a_line_price_in_another_currency_the_schema_refuses_is_refused_naming_it(
    tipo: int, otra: dict[str, str], said: str
) -> None:
    data = document_dict(tipo)
    data["Detalle"][0]["OtrMnda"] = otra
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any((d.field or "").endswith(said) for d in refused.value.details)


def test_a_real_factura_with_informative_subtotals_keeps_them_and_prints_them() -> None:
    xml = _real_with(
        b"<TED",
        b"<SubTotInfo><NroSTI>1</NroSTI><GlosaSTI>Servicios</GlosaSTI>"
        b"<ValSubtotSTI>1500</ValSubtotSTI><LineasDeta>1</LineasDeta></SubTotInfo>",
    )
    read = parse(xml).to_sii_dict()
    assert _as_text(read["SubTotInfo"]) == [
        {"NroSTI": "1", "GlosaSTI": "Servicios", "ValSubtotSTI": "1500", "LineasDeta": ["1"]}
    ]
    assert list(read).index("SubTotInfo") == list(read).index("Detalle") + 1
    subtotals = printed_document(read).subtotals
    assert [(f.label, f.value) for f in subtotals] == [("Servicios", "$ 1.500 (línea 1)")]


@pytest.mark.parametrize(
    ("tipo", "subtotal", "said"),
    [
        (33, {"NroSTI": "1"}, "GlosaSTI"),
        (33, {"NroSTI": "100", "GlosaSTI": "x"}, "NroSTI"),
        (39, {"NroSTI": "21"}, "NroSTI"),
        (33, {"NroSTI": "1", "GlosaSTI": "x" * 41}, "GlosaSTI"),
        (33, {"NroSTI": "1", "GlosaSTI": "x", "ValSubtotSTI": "1.001"}, "ValSubtotSTI"),
        (33, {"NroSTI": "1", "GlosaSTI": "x", "LineasDeta": ["1", "4"]}, "LineasDeta"),
        (110, {"NroSTI": "1", "GlosaSTI": "x", "LineasDeta": ["9"]}, "LineasDeta"),
        (43, {"NroSTI": "1", "GlosaSTI": " "}, "GlosaSTI"),
    ],
)
def test_a_subtotal_the_sii_refuses_is_refused_naming_it(
    tipo: int, subtotal: dict[str, Any], said: str
) -> None:
    data = document_dict(tipo)
    data["SubTotInfo"] = [subtotal]
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any((d.field or "").endswith(said) for d in refused.value.details)


def test_a_twenty_first_subtotal_is_refused_by_check() -> None:
    data = document_dict(33)
    data["SubTotInfo"] = [{"NroSTI": str(n), "GlosaSTI": "x"} for n in range(1, 22)]
    with pytest.raises(DocumentError, match="at most 20"):
        Document.from_sii_dict(data).check()


def test_a_real_factura_with_where_it_was_issued_keeps_it_after_its_references() -> None:
    geo = (
        b"<GeoRefEmision><LatitudEmision>-33.4372</LatitudEmision>"
        b"<LongitudEmision>-70.6506</LongitudEmision>"
        b"<SistemaReferencia>1</SistemaReferencia></GeoRefEmision>"
    )
    xml = _real_with(b"<TED", geo)
    read = parse(xml)
    assert read.geo_ref_emision is not None
    assert (read.geo_ref_emision.latitud, read.geo_ref_emision.longitud) == ("-33.4372", "-70.6506")
    data = read.to_sii_dict()
    assert list(data)[-1] == "GeoRefEmision"
    assert _as_text(data["GeoRefEmision"]) == {
        "LatitudEmision": "-33.4372",
        "LongitudEmision": "-70.6506",
        "SistemaReferencia": "1",
    }
    assert printed_document(data).lines


@pytest.mark.parametrize(
    ("tipo", "geo", "said"),
    [
        (
            33,
            {"LatitudEmision": "1" * 31, "LongitudEmision": "1", "SistemaReferencia": 1},
            "LatitudEmision",
        ),
        (
            33,
            {"LatitudEmision": "1", "LongitudEmision": "1", "SistemaReferencia": 0},
            "SistemaReferencia",
        ),
        (
            110,
            {"LatitudEmision": "1", "LongitudEmision": "1", "SistemaReferencia": 1},
            "GeoRefEmision",
        ),
        (
            43,
            {"LatitudEmision": "1", "LongitudEmision": "1", "SistemaReferencia": 1},
            "GeoRefEmision",
        ),
    ],
)
def test_where_a_document_was_issued_is_refused_where_the_schema_refuses_it(
    tipo: int, geo: dict[str, Any], said: str
) -> None:
    data = document_dict(tipo)
    data["GeoRefEmision"] = geo
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any((d.field or "").endswith(said) for d in refused.value.details)


@pytest.mark.parametrize("code", ["01", "02"])
def test_a_show_boleta_line_keeps_its_item_code_as_written(
    code: str, certificate: Any, cafs: Any
) -> None:
    data = document_dict(39)
    data["Detalle"][0]["ItemEspectaculo"] = code
    document = Document.from_sii_dict(data)
    document.check()
    xml = issue(document, caf=cafs[39], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    assert f"<ItemEspectaculo>{code}</ItemEspectaculo>".encode() in xml
    read = parse(xml)
    assert read.detalle[0].item_espectaculo == code
    assert read == document.completed().with_folio(read.folio)


def test_a_show_item_code_given_as_a_number_is_written_with_two_digits() -> None:
    data = document_dict(39)
    data["Detalle"][0]["ItemEspectaculo"] = 2
    assert Document.from_sii_dict(data).detalle[0].item_espectaculo == "02"


@pytest.mark.parametrize(("tipo", "code"), [(39, "1"), (39, "03"), (41, "00"), (33, "01")])
def test_a_show_item_code_the_schema_refuses_is_refused_naming_it(tipo: int, code: str) -> None:
    data = document_dict(tipo)
    data["Detalle"][0]["ItemEspectaculo"] = code
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any("ItemEspectaculo" in (d.field or "") for d in refused.value.details)


def test_a_real_document_with_a_show_item_code_keeps_it_as_written() -> None:
    xml = _real_with(b"<NmbItem>", b"<ItemEspectaculo>02</ItemEspectaculo>")
    assert parse(xml).detalle[0].item_espectaculo == "02"


_TICKET = {
    "FolioTicket": "123456",
    "FchGenera": "2026-11-20T18:05:00",
    "NmbEvento": "Concierto",
    "TpoTicket": "GENERAL",
    "CdgEvento": "C01",
    "FchEvento": "2026-12-24T21:30:00",
    "LugarEvento": "Teatro Caupolicán",
    "UbicEvento": "Platea",
    "FilaUbicEvento": "07",
    "AsntoUbicEvento": "012",
}


def test_a_show_boleta_line_keeps_its_ticket_through_check_issue_validation_and_parse(
    certificate: Any, cafs: Any
) -> None:
    data = document_dict(39)
    data["Detalle"][0].update(ItemEspectaculo="01", InfoTicket=dict(_TICKET))
    document = Document.from_sii_dict(data)
    document.check()
    xml = issue(document, caf=cafs[39], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    read = parse(xml)
    assert _as_text(read.to_sii_dict()["Detalle"][0]["InfoTicket"]) == _TICKET
    ticket = read.detalle[0].info_ticket
    assert ticket is not None
    assert ticket.fecha_evento == datetime(2026, 12, 24, 21, 30)
    assert read == document.completed().with_folio(read.folio)


def test_a_real_document_with_a_ticket_keeps_it_in_chilean_time() -> None:
    ticket = "".join(f"<{name}>{value}</{name}>" for name, value in _TICKET.items())
    ticket = ticket.replace("2026-12-24T21:30:00", "2026-12-25T00:30:00Z")
    xml = (
        REAL_DTES[0]
        .read_bytes()
        .replace(b"</NmbItem>", f"</NmbItem><InfoTicket>{ticket}</InfoTicket>".encode("latin-1"), 1)
    )
    read = parse(xml).detalle[0].info_ticket
    assert read is not None
    assert read.fecha_evento == datetime(2026, 12, 24, 21, 30)  # UTC-3 in December
    assert (read.folio_ticket, read.fila, read.asiento) == (123456, "07", "012")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"FchEvento": "2026-12-24 21:30"}, "FchEvento"),
        ({"FchGenera": "2026-11-20"}, "FchGenera"),
        ({"FchEvento": 1766622600}, "FchEvento"),
        # Year 1 in UTC is year 0 in Chile: an untyped OverflowError came out of the model.
        ({"FchEvento": datetime(1, 1, 1, tzinfo=timezone.utc)}, "FchEvento"),
        (
            {"FchGenera": datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=12)))},
            "FchGenera",
        ),
    ],
)
def test_a_ticket_date_and_time_not_written_as_the_sii_does_is_refused_naming_it(
    change: dict[str, Any], said: str
) -> None:
    data = document_dict(39)
    data["Detalle"][0]["InfoTicket"] = {**_TICKET, **change}
    with pytest.raises(DocumentError, match=said):
        Document.from_sii_dict(data)


@pytest.mark.parametrize(
    ("tipo", "change", "said"),
    [
        (39, {"FchEvento": "2051-01-01T00:00:00"}, "FchEvento"),
        (39, {"FchGenera": "2010-03-09T23:59:59"}, "FchGenera"),
        (39, {"FolioTicket": "1234567"}, "FolioTicket"),
        (39, {"CdgEvento": "CODIGO"}, "CdgEvento"),
        (39, {"FilaUbicEvento": "1234"}, "FilaUbicEvento"),
        (33, {}, "InfoTicket"),
    ],
)
def test_a_ticket_the_schema_refuses_is_refused_by_check_naming_it(
    tipo: int, change: dict[str, Any], said: str
) -> None:
    data = document_dict(tipo)
    data["Detalle"][0]["InfoTicket"] = {**_TICKET, **change}
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any(said in (d.field or "") for d in refused.value.details)


def test_an_aware_ticket_time_is_kept_as_its_chilean_local_time() -> None:
    data = document_dict(39)
    aware = datetime(2026, 7, 1, 2, 0, 30, 999, tzinfo=timezone.utc)
    data["Detalle"][0]["InfoTicket"] = {**_TICKET, "FchGenera": aware}
    ticket = Document.from_sii_dict(data).detalle[0].info_ticket
    assert ticket is not None
    assert ticket.fecha_generacion == datetime(2026, 6, 30, 22, 0, 30)  # UTC-4 in winter


def test_a_real_document_with_timber_transport_keeps_it_and_writes_it_last() -> None:
    madera = "".join(f"<{name}>{value}</{name}>" for name, value in _MADERA.items())
    xml = _real_with(b"<TED", f"<ManejoMadera>{madera}</ManejoMadera>".encode("latin-1"))
    read = parse(xml)
    assert read.manejo_madera is not None
    assert (read.manejo_madera.comuna_rol_origen, read.manejo_madera.codigo_plan_conaf) == (
        8101,
        "PM-2026-0042",
    )
    data = read.to_sii_dict()
    assert list(data)[-1] == "ManejoMadera"
    assert _as_text(data["ManejoMadera"]) == _MADERA


@pytest.mark.parametrize(
    ("tipo", "change", "said"),
    [
        (52, {"ComunaRolOrigen": "1234567"}, "ComunaRolOrigen"),
        (52, {"PrdRolDestino": "0"}, "PrdRolDestino"),
        (52, {"CodPlanConaf": "P" * 41}, "CodPlanConaf"),
        (52, {"LatitudDestinoMadera": "-" + "3" * 30}, "LatitudDestinoMadera"),
        (52, {"SistemareferenciaMadera": "0"}, "SistemareferenciaMadera"),
        (39, {}, "ManejoMadera"),
        (110, {}, "ManejoMadera"),
    ],
)
def test_timber_transport_the_schema_refuses_is_refused_naming_it(
    tipo: int, change: dict[str, Any], said: str
) -> None:
    data = document_dict(tipo)
    data["ManejoMadera"] = {**_MADERA, **change}
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    assert any(said in (d.field or "") for d in refused.value.details)


_GEO = {"LatitudEmision": "-33.4372", "LongitudEmision": "-70.6506", "SistemaReferencia": "1"}

_BLANK_REQUIRED_TEXT = [
    (33, ("Detalle", 0), "Subcantidad", [{"SubQty": "1", "SubCod": " "}], "Subcantidad[1].SubCod"),
    (33, ("Detalle", 0), "OtrMnda", {"PrcOtrMon": "1", "Moneda": ""}, "OtrMnda.Moneda"),
    (33, (), "GeoRefEmision", {**_GEO, "LatitudEmision": ""}, "GeoRefEmision.LatitudEmision"),
    (39, (), "GeoRefEmision", {**_GEO, "LongitudEmision": " "}, "GeoRefEmision.LongitudEmision"),
    (52, (), "ManejoMadera", {**_MADERA, "CodPlanConaf": ""}, "ManejoMadera.CodPlanConaf"),
    (
        52,
        (),
        "ManejoMadera",
        {**_MADERA, "LatitudOrigenMadera": " "},
        "ManejoMadera.LatitudOrigenMadera",
    ),
    (
        52,
        (),
        "ManejoMadera",
        {**_MADERA, "LongitudOrigenMadera": ""},
        "ManejoMadera.LongitudOrigenMadera",
    ),
    *[
        (39, ("Detalle", 0), "InfoTicket", {**_TICKET, name: " "}, f"InfoTicket.{name}")
        for name in ("NmbEvento", "TpoTicket", "CdgEvento", "LugarEvento", "UbicEvento")
    ],
]
"""(type, where, element, value with a required text left blank, the path check() names)."""


@pytest.mark.parametrize(("tipo", "where", "name", "value", "said"), _BLANK_REQUIRED_TEXT)
def test_a_new_section_with_a_required_text_left_blank_is_refused_before_it_is_written(
    tipo: int, where: tuple[str | int, ...], name: str, value: Any, said: str
) -> None:
    # issue() would write the empty element, which parse() then refuses as missing: the SII's
    # schema requires the element, and an empty one says nothing.
    data = document_dict(tipo)
    _put(data, where, name, value)
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    fields = [d.field or "" for d in refused.value.details]
    assert any(field.endswith(said) for field in fields), fields
    assert any("blank" in d.issue for d in refused.value.details)


@pytest.mark.parametrize(
    ("tipo", "where", "name", "value", "said"),
    [
        (33, ("Detalle", 0), "OtrMnda", {"PrcOtrMon": "1", "Moneda": "DOLAR"}, "OtrMnda.Moneda"),
        (
            110,
            ("Detalle", 0),
            "Subcantidad",
            [{"SubQty": "1", "SubCod": "A-1", "TipCodSubQty": "NUMEROSERIE"}],
            "Subcantidad[1].TipCodSubQty",
        ),
        (
            52,
            (),
            "ManejoMadera",
            {**_MADERA, "AvisoEjecucionFaena": "AEF-" + "9" * 37},
            "ManejoMadera.AvisoEjecucionFaena",
        ),
        (
            39,
            ("Detalle", 0),
            "InfoTicket",
            {**_TICKET, "CdgEvento": "EV-2026"},
            "InfoTicket.CdgEvento",
        ),
        (
            39,
            ("Detalle", 0),
            "InfoTicket",
            {**_TICKET, "FilaUbicEvento": "AA12"},
            "InfoTicket.FilaUbicEvento",
        ),
        (
            39,
            ("Detalle", 0),
            "InfoTicket",
            {**_TICKET, "AsntoUbicEvento": "1204"},
            "InfoTicket.AsntoUbicEvento",
        ),
    ],
)
def test_a_long_code_of_the_new_sections_is_not_told_to_be_cut(
    tipo: int, where: tuple[str | int, ...], name: str, value: Any, said: str
) -> None:
    # Cut, a currency code, a seat or a notice's number would name another one ("DOLAR" is
    # no "DOL", row "AA12" is not row "AA1").
    data = document_dict(tipo)
    if tipo == 110 and not data.get("Referencia"):
        data["Referencia"] = [{"TpoDocRef": "801", "FolioRef": "77", "FchRef": "2026-11-20"}]
    _put(data, where, name, value)
    with pytest.raises(DocumentError) as refused:
        Document.from_sii_dict(data).check()
    issues = {d.field or "": d.issue for d in refused.value.details}
    (issue,) = [issue for field, issue in issues.items() if field.endswith(said)]
    assert "which cutting would change" in issue
    assert "cut it to" not in issue
