"""``documents``: every endpoint's request and response shapes, and the quirks of reference §5.

Each test runs with the sync and the async client (the ``of`` fixture).
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

import haulmer.dte as dte
from haulmer.dte import CodRef
from haulmer.errors import (
    AlreadyIssuedError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    DocumentError,
    DocumentRejectedError,
    InvalidRutError,
    ServerError,
    ValidationError,
)
from haulmer.openfactura import AcuseCode, between, gte, lte
from haulmer.rut import Rut

from . import samples
from .conftest import collect, resolve

TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def _issued_row(folio: int, token_key: str = "token") -> dict[str, Any]:
    return {
        "RUTRecep": 76430498,
        "DV": "5",
        "RznSocRecep": "HOSTY SPA",
        "TipoDTE": 33,
        "Folio": folio,
        "FchEmis": "2025-03-01",
        "FechaRecibido": "2025-03-01 10:11:12",
        "MntExe": 0,
        "MntNeto": 2000,
        "IVA": 380,
        "MntTotal": 2380,
        "FmaPago": 1,
        token_key: f"{folio:064x}",
    }


# -- one document by token or by (rut, type, folio) ---------------------------------------------


async def test_status_by_token_reads_estado(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get(f"/v2/dte/document/{TOKEN}/status").mock(
        return_value=httpx.Response(200, json={"estado": "Aceptado", "token": TOKEN})
    )
    status = await resolve(of.documents.status(TOKEN))
    assert route.called
    assert status.estado == "Aceptado"
    assert status.is_accepted
    assert status.token == TOKEN


async def test_status_by_rut_type_and_folio_reads_folio_as_a_number(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/document/76795561-8/33/674180/status").mock(
        return_value=httpx.Response(200, json={"estado": "Aceptado con Reparo", "folio": "674180"})
    )
    status = await resolve(of.documents.status(rut=Rut("76.795.561-8"), dte_type=33, folio=674180))
    assert route.called
    assert status.folio == 674180
    assert status.is_accepted


async def test_json_repairs_mojibake_and_exposes_the_document(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = json.loads(json.dumps(samples.factura().to_sii_dict(), default=str))
    stored["Encabezado"]["IdDoc"]["Folio"] = "3130"
    stored["Encabezado"]["Emisor"]["CmnaOrigen"] = "CuricÃ³"
    stored["Encabezado"]["Totales"]["MntTotal"] = "2380"
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(
            200,
            json={
                "json": stored,
                "token": TOKEN,
                "FchRecepSII": "",
                "FchRecepOF": "2026-02-10 12:00:01",
            },
        )
    )
    answer = await resolve(of.documents.json(TOKEN))
    assert answer.dte["Encabezado"]["Emisor"]["CmnaOrigen"] == "Curicó"
    assert answer.document_folio == 3130
    assert answer.fch_recep_sii is None
    assert answer.fch_recep_of.hour == 12
    document = answer.to_document()
    assert document.folio == 3130
    assert document.totals.mnt_total == 2380


async def test_xml_is_decoded_from_base64_and_kept_in_iso_8859_1(
    of: Any, mock: respx.MockRouter
) -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><DTE>Curicó</DTE>'.encode("iso-8859-1")
    mock.get("/v2/dte/document/76795561-8/33/17/xml").mock(
        return_value=httpx.Response(200, json={"xml": _b64(xml), "folio": 17})
    )
    assert await resolve(of.documents.xml(rut="76795561-8", dte_type=33, folio=17)) == xml


async def test_pdf_and_cedible_are_bytes(of: Any, mock: respx.MockRouter) -> None:
    mock.get(f"/v2/dte/document/{TOKEN}/pdf").mock(
        return_value=httpx.Response(200, json={"pdf": _b64(b"%PDF-1.4 a"), "folio": 600625})
    )
    mock.get(f"/v2/dte/document/{TOKEN}/cedible").mock(
        return_value=httpx.Response(200, json={"cedible": _b64(b"%PDF-1.4 c")})
    )
    assert await resolve(of.documents.pdf(TOKEN)) == b"%PDF-1.4 a"
    assert await resolve(of.documents.cedible(TOKEN)) == b"%PDF-1.4 c"


async def test_cedible_of_a_boleta_surfaces_of_10(of: Any, mock: respx.MockRouter) -> None:
    # By token the type is not known here: OpenFactura's OF-10 comes back typed.
    mock.get(f"/v2/dte/document/{TOKEN}/cedible").mock(
        return_value=httpx.Response(
            400,
            json={
                "error": {
                    "message": "Validación de Campos",
                    "code": "OF-10",
                    "details": [{"field": "Error", "issue": "Documento sin cedible"}],
                }
            },
        )
    )
    with pytest.raises(DocumentRejectedError) as caught:
        await resolve(of.documents.cedible(TOKEN))
    assert caught.value.code == "OF-10"
    assert caught.value.details[0].issue == "Documento sin cedible"


@pytest.mark.parametrize("dte_type", [39, 41])
async def test_cedible_of_a_boleta_named_by_its_type_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, dte_type: int
) -> None:
    route = mock.get(f"/v2/dte/document/76795561-8/{dte_type}/5/cedible")
    with pytest.raises(ValidationError, match=r"has no cedible copy.*documents\.pdf"):
        await resolve(of.documents.cedible(rut="76795561-8", dte_type=dte_type, folio=5))
    assert not route.called


@pytest.mark.parametrize("dte_type", [56, 61, 110, 111, 112])
async def test_cedible_of_a_type_that_is_never_assigned_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, dte_type: int
) -> None:
    # Only facturas (33, 34, 43, 46) and the guía (52) have a cedible copy: a nota or an
    # export document is never assigned, and OpenFactura answers OF-10 "Documento sin cedible".
    route = mock.get(f"/v2/dte/document/76795561-8/{dte_type}/5/cedible")
    with pytest.raises(ValidationError, match=r"has no cedible copy.*documents\.pdf"):
        await resolve(of.documents.cedible(rut="76795561-8", dte_type=dte_type, folio=5))
    assert not route.called


async def test_unknown_folio_surfaces_of_22(of: Any, mock: respx.MockRouter) -> None:
    mock.get("/v2/dte/document/76795561-8/33/999999/status").mock(
        return_value=httpx.Response(
            400, json={"error": {"message": "Problema al procesar datos", "code": "OF-22"}}
        )
    )
    with pytest.raises(BadRequestError) as caught:
        await resolve(of.documents.status(rut="76795561-8", dte_type=33, folio=999999))
    assert caught.value.code == "OF-22"


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((), {}, ValidationError),
        ((TOKEN,), {"rut": "76795561-8", "dte_type": 33, "folio": 1}, ValidationError),
        ((), {"rut": "76795561-8", "dte_type": 33}, ValidationError),
        ((), {"rut": "76795561-1", "dte_type": 33, "folio": 1}, InvalidRutError),
        ((), {"rut": "76795561-8", "dte_type": 33, "folio": 0}, ValidationError),
        (("../organization",), {}, ValidationError),
    ],
)
async def test_a_document_must_be_named_properly_before_any_request(
    of: Any, mock: respx.MockRouter, args: tuple[Any, ...], kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        await resolve(of.documents.status(*args, **kwargs))
    assert not mock.calls


@pytest.mark.parametrize(
    ("dte_type", "folio", "says"),
    [
        # int() reads "1_000" as 1000 and Arabic-Indic digits as digits: another document.
        (33, "1_000", "folio must be a positive integer, got '1_000'"),
        (33, "١٢", "folio must be a positive integer"),
        ("3_3", 1, "dte_type must be a DTE type code such as 33, got '3_3'"),
        (33, 10**10, "more digits than any folio: the SII's folios have at most 10"),
        (35, 1, r"dte_type 35 is not an electronic document type; the types are 33 \(Factura"),
    ],
)
async def test_a_lookup_or_acuse_by_a_type_or_folio_no_document_has_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, dte_type: Any, folio: Any, says: str
) -> None:
    with pytest.raises(ValidationError, match=says):
        await resolve(of.documents.status(rut="76795561-8", dte_type=dte_type, folio=folio))
    with pytest.raises(ValidationError, match=says):
        await resolve(of.documents.accuse("76795561-8", dte_type, folio, "ACD"))
    assert not mock.calls


async def test_a_type_and_folio_in_digits_name_the_document(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/document/76795561-8/33/7/status").mock(
        return_value=httpx.Response(200, json={"estado": "Aceptado", "folio": "7"})
    )
    await resolve(of.documents.status(rut="76795561-8", dte_type=" 33", folio="7 "))
    assert route.called


# -- lists ----------------------------------------------------------------------------------------


async def test_list_issued_sends_typed_filters_and_pages_lazily(
    of: Any, mock: respx.MockRouter
) -> None:
    pages = {
        1: {
            "current_page": 1,
            "last_page": 2,
            "total": 31,
            "data": [_issued_row(n) for n in range(1, 31)],
        },
        2: {"current_page": 2, "last_page": 2, "total": 31, "data": [_issued_row(31, "Token")]},
    }
    route = mock.post("/v2/dte/document/issued").mock(
        side_effect=lambda request: httpx.Response(
            200, json=pages[json.loads(request.content)["Page"]]
        )
    )
    page = await resolve(
        of.documents.list_issued(
            tipo_dte=33,
            fch_emis=between("2025-01-01", "2025-04-11"),
            rut_recep="76430498-5",
        )
    )
    assert route.call_count == 1
    assert _body(route) == {
        "Page": 1,
        "TipoDTE": {"eq": 33},
        "FchEmis": {"gte": "2025-01-01", "lte": "2025-04-11"},
        "RUTRecep": {"eq": 76430498},
    }
    assert len(page.items) == 30
    assert page.total == 31
    rows = await collect(page)
    assert route.call_count == 2
    assert _body(route)["Page"] == 2
    assert [row.folio for row in rows] == list(range(1, 32))
    assert rows[-1].token == f"{31:064x}"  # dev answers "Token", capitalised
    assert rows[0].rut_recep == Rut("76430498-5")
    assert rows[0].fecha_recibido.second == 12


async def test_an_empty_list_is_http_204(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/document/issued").mock(return_value=httpx.Response(204))
    assert await collect(of.documents.list_issued(tipo_dte=39)) == []


async def test_filters_may_be_given_by_wire_name(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document/issued").mock(return_value=httpx.Response(204))
    await collect(
        of.documents.list_issued(
            filters={"TipoDTE": {"ne": 39}, "FchEmis": gte("2025-01-01")}, page=3
        )
    )
    assert _body(route) == {"Page": 3, "TipoDTE": {"ne": 39}, "FchEmis": {"gte": "2025-01-01"}}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"RUTEmisor": 76795561}, "unknown filter 'RUTEmisor'"),
        ({"Folio": 5}, "unknown filter 'Folio'"),
        ({"TipoDTE": [39]}, "no 'in' operator"),
        ({"TipoDTE": {"in": 39}}, "unknown operator 'in'"),
        ({"FchEmis": lte("11/04/2025")}, "not a date"),
        ({"RUTRecep": "76430498-0"}, "check digit"),
    ],
)
async def test_bad_filters_are_refused_locally(
    of: Any, mock: respx.MockRouter, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await resolve(of.documents.list_issued(filters=filters))
    assert not mock.calls


@pytest.mark.parametrize("again", [39, {"ne": 39}, None])
async def test_a_filter_given_by_keyword_and_again_by_its_python_name_in_filters_is_refused(
    of: Any, mock: respx.MockRouter, again: Any
) -> None:
    # The filters= entry replaced the keyword's: tipo_dte=33 listed type 39 only, and with None
    # every document of every type.
    with pytest.raises(ValidationError, match="tipo_dte is given twice"):
        await resolve(of.documents.list_issued(tipo_dte=33, filters={"tipo_dte": again}))
    with pytest.raises(ValidationError, match="rut_emisor is given twice"):
        await resolve(
            of.documents.list_received(rut_emisor="76795561-8", filters={"rut_emisor": again})
        )
    assert not mock.calls


async def test_a_filter_given_by_python_name_in_filters_alone_is_sent(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document/issued").mock(return_value=httpx.Response(204))
    await collect(of.documents.list_issued(filters={"tipo_dte": 33, "FchEmis": "2026-11-02"}))
    assert _body(route) == {"Page": 1, "TipoDTE": {"eq": 33}, "FchEmis": {"eq": "2026-11-02"}}


async def test_a_list_resumed_at_a_page_the_server_does_not_serve_is_an_error(
    of: Any, mock: respx.MockRouter
) -> None:
    # An ERP resuming its import at page 3 got page 1, then 2 and 3: rows it had imported.
    row = {"RUTRecep": 76430498, "DV": "5", "TipoDTE": 33, "Folio": 1, "FchEmis": "2026-11-02"}
    mock.post("/v2/dte/document/issued").mock(
        return_value=httpx.Response(
            200, json={"current_page": 1, "last_page": 3, "total": 61, "data": [row]}
        )
    )
    with pytest.raises(APIResponseValidationError, match="page 1 when page 3 was asked for"):
        await collect(of.documents.list_issued(page=3))


async def test_list_received_reads_acuses_and_blank_sii_reception(
    of: Any, mock: respx.MockRouter
) -> None:
    row = {
        "RUTEmisor": "76795561",
        "DV": "8",
        "RznSoc": "HAULMER SPA",
        "TipoDTE": "33",
        "Folio": "2514",
        "FchEmis": "2025-04-01",
        "FchRecepSII": "",
        "FchRecepOF": "2025-04-01 09:00:00",
        "MntExe": "0",
        "MntNeto": "1000",
        "IVA": "190",
        "MntTotal": "1190",
        "Acuses": [{"codEvento": "ACD", "fechaEvento": "2025-04-02 10:00:00", "estado": "OK"}],
        "FmaPago": 0,
        "TpoTranCompra": 1,
    }
    route = mock.post("/v2/dte/document/received").mock(
        return_value=httpx.Response(
            200,
            json={
                "current_page": 1,
                "last_page": 1,
                "total": 2,
                "data": [row, {**row, "Folio": "2515", "Acuses": None}],
            },
        )
    )
    rows = await collect(
        of.documents.list_received(rut_emisor=76795561, fch_recep_sii=gte("2025-04-01"))
    )
    assert _body(route) == {
        "Page": 1,
        "RUTEmisor": {"eq": 76795561},
        "FchRecepSII": {"gte": "2025-04-01"},
    }
    assert rows[0].rut_emisor == Rut("76795561-8")
    assert rows[0].fch_recep_sii is None
    assert rows[0].acuses[0].cod_evento == "ACD"
    assert rows[1].acuses == []
    assert rows[0].mnt_total == 1190


async def test_received_filters_reject_issued_only_names(of: Any, mock: respx.MockRouter) -> None:
    with pytest.raises(ValidationError, match="unknown filter 'RUTRecep'"):
        await resolve(of.documents.list_received(filters={"RUTRecep": 1}))
    assert not mock.calls


# -- accuse and void -----------------------------------------------------------------------------


async def test_accuse_sends_the_documented_body(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document/received/accuse").mock(
        return_value=httpx.Response(
            200,
            json={
                "data": [{"dte": 33, "folio": 2514, "acuse": "ACD"}],
                "code": 200,
                "result": "OK",
                "msg": [{"codResp": 0, "descResp": "Acción Completada OK"}],
            },
        )
    )
    result = await resolve(
        of.documents.accuse("76.795.561-8", 33, 2514, AcuseCode.ACEPTA_CONTENIDO)
    )
    assert _body(route) == {"rut": "76795561-8", "dte": 33, "folio": 2514, "acuse": "ACD"}
    assert result.data[0].folio == 2514
    assert result.msg[0].cod_resp == 0
    assert result.registered
    assert result.refusal is None


@pytest.mark.parametrize(
    ("code", "desc"),
    [
        (7, "Evento registrado previamente"),
        (8, "Pasados 8 días después de la recepción no es posible registrar reclamos o eventos"),
        (11, "No se puede reclamar DTE previamente aceptado"),
    ],
)
async def test_an_acuse_the_sii_refuses_reads_as_not_registered_with_its_reason(
    of: Any, mock: respx.MockRouter, code: int, desc: str
) -> None:
    mock.post("/v2/dte/document/received/accuse").mock(
        return_value=httpx.Response(
            200,
            json={
                "data": [{"dte": 33, "folio": 2514, "acuse": "RCD"}],
                "code": code,
                "result": "ERROR",
                "msg": [{"codResp": code, "descResp": desc}],
            },
        )
    )
    result = await resolve(of.documents.accuse("76795561-8", 33, 2514, "RCD"))
    assert not result.registered
    assert result.refusal == desc


async def test_a_refusal_without_the_siis_words_names_its_code_not_the_answers_ok(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document/received/accuse").mock(
        return_value=httpx.Response(
            200, json={"code": 200, "result": "OK", "msg": [{"codResp": 8, "descResp": None}]}
        )
    )
    result = await resolve(of.documents.accuse("76795561-8", 33, 2514, "RCD"))
    assert not result.registered
    assert result.refusal == "codResp 8"


async def test_accuse_codes_are_checked_locally(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document/received/accuse").mock(
        return_value=httpx.Response(200, json={"code": 200})
    )
    await resolve(of.documents.accuse("76795561-8", 33, 1, "rft"))
    assert _body(route)["acuse"] == "RFT"
    with pytest.raises(ValidationError, match="unknown acuse 'OK'"):
        await resolve(of.documents.accuse("76795561-8", 33, 1, "OK"))
    assert route.call_count == 1


@pytest.mark.parametrize("boleta", [39, 41, "39", 41.0])
async def test_an_acuse_on_a_boleta_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, boleta: Any
) -> None:
    # Boletas are not in the registro de aceptación o reclamo: nobody accepts or claims one.
    with pytest.raises(DocumentError, match=r"boleta \((39|41)\) takes no acuse") as caught:
        await resolve(of.documents.accuse("76795561-8", boleta, 1, "ACD"))
    assert "factura" in str(caught.value)
    assert not mock.calls


@pytest.mark.parametrize("key", ["success", "succes"])
async def test_void_guia_sends_the_documented_body(
    of: Any, mock: respx.MockRouter, key: str
) -> None:
    route = mock.post("/v2/dte/anularDTE52").mock(
        return_value=httpx.Response(200, json={key: "Se ha anulado el documento Folio: 34972"})
    )
    result = await resolve(of.documents.void_guia(34972, "2020-10-16"))
    assert _body(route) == {"Dte": 52, "Folio": 34972, "Fecha": "2020-10-16"}
    assert result.success.endswith("34972")


async def test_void_of_another_type_points_to_credit_note(of: Any, mock: respx.MockRouter) -> None:
    with pytest.raises(DocumentError, match=r"documents\.credit_note"):
        await resolve(of.documents.void_guia(106, "2026-02-10", dte_type=33))
    assert not mock.calls


async def test_voiding_twice_surfaces_the_error_envelope(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/anularDTE52").mock(
        return_value=httpx.Response(
            400, json={"error": {"message": "Documento ya anulado", "code": "OF-22"}}
        )
    )
    with pytest.raises(APIStatusError, match="ya anulado"):
        await resolve(of.documents.void_guia(34972, "2020-10-16"))


def _of_22(issue: str) -> httpx.Response:
    details = [{"field": "folio", "issue": issue}]
    error = {"message": "Problemas al procesar los datos", "code": "OF-22", "details": details}
    return httpx.Response(400, json={"error": error})


async def test_an_accuse_of_22_advises_on_received_documents(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document/received/accuse").mock(
        return_value=_of_22("Documento recibido 2514 no encontrado")
    )
    with pytest.raises(BadRequestError) as caught:
        await resolve(of.documents.accuse("76795561-8", 33, 2514, "ACD"))
    # The document was received, not issued with this key, and accuse takes no token.
    assert "token" not in caught.value.hint
    assert "issued with this key" not in caught.value.hint
    assert "emisor" in caught.value.hint
    assert "list_received()" in caught.value.hint


async def test_a_void_guia_of_22_advises_on_guias(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/anularDTE52").mock(return_value=_of_22("Folio 34972 no encontrado"))
    with pytest.raises(BadRequestError) as caught:
        await resolve(of.documents.void_guia(34972, "2020-10-16"))
    assert "token" not in caught.value.hint  # void_guia takes none
    assert "52" in caught.value.hint


# -- emission ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["venta-ñandú-1", "venta\n1", "k" * 256, 17, b"venta-1"], ids=repr)
async def test_an_idempotency_key_no_header_can_carry_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, key: object
) -> None:
    # An accented letter or a line break had failed as a ConfigurationError about a header, an
    # int as an AttributeError; all are the caller's key, refused as the platform calls refuse it.
    route = mock.post("/v2/dte/document")
    with pytest.raises(ValidationError, match="printable ASCII") as caught:
        await resolve(of.documents.emit(samples.factura(), idempotency_key=key))
    assert "1 to 255 characters" in str(caught.value)
    assert not route.called


@pytest.mark.parametrize(
    ("make", "field", "character"),
    [
        (lambda: samples.boleta(nombre="Pan amasado 🍞"), "Detalle[1].NmbItem", "U+1F35E"),
        (
            lambda: samples.factura().to_sii_dict(),  # a dict in SII names, checked alike
            "Encabezado.Receptor.RznSocRecep",
            "U+201C",
        ),
        (lambda: samples.boleta(nombre="Pan\x0bamasado"), "Detalle[1].NmbItem", "U+000B"),
    ],
)
async def test_a_document_with_text_no_dte_can_carry_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, make: Any, field: str, character: str
) -> None:
    # OpenFactura writes the DTE in ISO-8859-1: an emoji or a curly quote had been sent and
    # refused there (OF-10), after the checks here had passed. A builder's check() refuses it
    # now; a dict, when it is checked before sending.
    route = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError, match=re.escape(character)) as caught:
        document = make()
        if isinstance(document, dict):
            document["Encabezado"]["Receptor"]["RznSocRecep"] = "HOSTY “SPA”"
        await resolve(of.documents.emit(document))
    assert [detail.field for detail in caught.value.details] == [field]
    assert not route.called


@pytest.mark.parametrize("missing", ["direccion", "comuna"])
async def test_a_boleta_without_the_issuers_address_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, missing: str
) -> None:
    # The SII's boleta schema leaves DirOrigen and CmnaOrigen out; OpenFactura answers OF-02.
    emisor = {k: v for k, v in samples.EMISOR.items() if k != missing}
    boleta = dte.boleta(
        emisor=emisor, lines=[{"nombre": "Pan", "cantidad": 1, "precio": 1000}], fecha=samples.FECHA
    )
    element = {"direccion": "DirOrigen", "comuna": "CmnaOrigen"}[missing]
    route = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError, match="OF-02") as caught:
        await resolve(of.documents.emit(boleta))
    assert [detail.field for detail in caught.value.details] == [f"Encabezado.Emisor.{element}"]
    assert not route.called


async def test_a_boleta_without_the_issuers_razon_social_is_refused_before_sending(
    of: Any, mock: respx.MockRouter
) -> None:
    # The SII's boleta schema leaves RznSocEmisor out; OpenFactura answers OF-02 (as the fake).
    boleta = dte.boleta(
        emisor=samples.EMISOR,
        lines=[{"nombre": "Pan", "cantidad": 1, "precio": 1000}],
        fecha=samples.FECHA,
    ).to_sii_dict()
    del boleta["Encabezado"]["Emisor"]["RznSocEmisor"]  # type: ignore[index,union-attr]
    route = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError, match="OF-02") as caught:
        await resolve(of.documents.emit(boleta))
    assert [d.field for d in caught.value.details] == ["Encabezado.Emisor.RznSocEmisor"]
    assert not route.called


async def test_a_decomposed_accent_is_refused_before_sending_saying_how_to_compose_it(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError) as caught:
        await resolve(of.documents.emit(samples.boleta(nombre="Pan de pin\u0303a")))
    assert [detail.field for detail in caught.value.details] == ["Detalle[1].NmbItem"]
    assert "accent written apart from its letter" in str(caught.value)
    assert "'n' followed by U+0303 as 'ñ' (U+00F1)" in str(caught.value)
    assert not route.called


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["Detalle"][1].update(Foo=float("nan")), "Detalle[2].Foo"),
        (lambda d: d["Encabezado"].update(Extra=float("inf")), "Encabezado.Extra"),
        (lambda d: d.update(Extra={"Montos": [1, float("-inf")]}), "Extra.Montos[2]"),
    ],
    ids=["nan-in-a-line", "infinity-in-the-encabezado", "infinity-in-a-list"],
)
async def test_emit_of_nan_or_infinity_in_a_field_passed_through_names_the_field(
    of: Any, mock: respx.MockRouter, change: Any, field: str
) -> None:
    """Fields the models do not know go as given: a NaN there made the request unwritable,
    refused with an error that named no field."""
    boleta = dte.boleta(
        emisor=samples.EMISOR,
        lines=[
            {"nombre": "Pan", "cantidad": 1, "precio": 1000},
            {"nombre": "Leche", "cantidad": 2, "precio": 900},
        ],
        fecha=samples.FECHA,
    ).to_sii_dict()
    change(boleta)
    route = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError) as caught:
        await resolve(of.documents.emit(boleta))
    assert [detail.field for detail in caught.value.details] == [field]
    assert f"{field}: " in str(caught.value)
    assert "give a finite number, or leave it out" in str(caught.value)
    assert not route.called


async def test_emit_decodes_every_requested_item(of: Any, mock: respx.MockRouter) -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><DTE>Curicó</DTE>'.encode("iso-8859-1")
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            200,
            json={
                "TOKEN": TOKEN,
                "FOLIO": 3130,
                "RESOLUCION": {"fecha": "2018-03-26", "numero": 0},
                "TIMBRE": _b64(b"\x89PNG timbre"),
                "LOGO": _b64(b"\x89PNG logo"),
                "XML": _b64(xml),
                "PDF": _b64(b"%PDF-1.4"),
                "WARNING": "Campo GiroRecep truncado",
            },
        )
    )
    emitted = await resolve(
        of.documents.emit(
            samples.factura(),
            response=["FOLIO", "PDF", "XML", "TIMBRE", "LOGO", "RESOLUCION", "80MM"],
        )
    )
    assert emitted.folio == 3130
    assert emitted.pdf == b"%PDF-1.4"
    assert emitted.xml == xml
    assert emitted.xml_text is not None
    assert "Curicó" in emitted.xml_text
    assert emitted.timbre == b"\x89PNG timbre"
    assert emitted.logo == b"\x89PNG logo"
    assert emitted.resolucion is not None
    assert emitted.resolucion.fecha is not None
    assert emitted.resolucion.fecha.year == 2018
    assert emitted.warning == "Campo GiroRecep truncado"
    assert not emitted.already_issued
    assert "bytes>" in repr(emitted)


async def test_emit_answered_with_a_pdf_that_is_not_base64_says_the_document_may_exist(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": TOKEN, "PDF": "%PDF-1.4 garbage"})
    )
    with pytest.raises(APIResponseValidationError) as caught:
        await resolve(
            of.documents.emit(samples.factura(), response=["PDF"], idempotency_key="venta-7")
        )
    assert "PDF: Value error, not valid base64" in str(caught.value)
    assert caught.value.may_have_been_carried_out
    assert "idempotency_key='venta-7'" in str(caught.value)


async def test_emit_accepts_201(of: Any, mock: respx.MockRouter) -> None:
    mock.post("/v2/dte/document").mock(return_value=httpx.Response(201, json={"TOKEN": TOKEN}))
    emitted = await resolve(of.documents.emit(samples.boleta()))
    assert emitted.token == TOKEN
    assert emitted.folio is None


async def test_emit_surfaces_field_errors_with_their_details(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            400,
            json={
                "error": {
                    "message": "Validación de Campos",
                    "code": "OF-10",
                    "details": [{"field": "MntNeto", "issue": "Monto erróneo : 1000"}],
                }
            },
        )
    )
    with pytest.raises(DocumentRejectedError) as caught:
        await resolve(of.documents.emit(samples.factura()))
    assert caught.value.details[0].field == "MntNeto"


async def test_a_bad_document_never_reaches_the_network(of: Any, mock: respx.MockRouter) -> None:
    data = json.loads(json.dumps(samples.factura().to_sii_dict(), default=str))
    data["Encabezado"]["Totales"]["MntTotal"] = 999
    with pytest.raises(DocumentError):
        await resolve(of.documents.emit(data))
    assert not mock.calls


async def test_of_06_returns_the_document_already_issued(of: Any, mock: respx.MockRouter) -> None:
    emit = mock.post("/v2/dte/document").mock(
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
    stored = json.loads(json.dumps(samples.factura().with_folio(3130).to_sii_dict(), default=str))
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    mock.get(f"/v2/dte/document/{TOKEN}/pdf").mock(
        return_value=httpx.Response(200, json={"pdf": _b64(b"%PDF"), "token": TOKEN})
    )
    mock.get("/v2/dte/organization").mock(
        return_value=httpx.Response(
            200,
            json={"rut": "76795561-8", "resolucion": {"fecha": "2018-03-26", "numero": "0"}},
        )
    )
    emitted = await resolve(
        of.documents.emit(
            samples.factura(), response=["FOLIO", "PDF", "RESOLUCION"], idempotency_key="order-1"
        )
    )
    assert emit.call_count == 1
    assert emit.calls.last.request.headers["idempotency-key"] == "order-1"
    assert emitted.already_issued
    assert (emitted.token, emitted.folio, emitted.pdf) == (TOKEN, 3130, b"%PDF")
    assert emitted.resolucion is not None
    assert emitted.resolucion.numero == 0


async def test_of_06_still_returns_the_token_when_the_lookup_fails(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            400, json={"error": {"message": "ya emitido", "code": "OF-06", "token": TOKEN}}
        )
    )
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(400, json={"error": {"message": "x", "code": "OF-22"}})
    )
    emitted = await resolve(of.documents.emit(samples.factura(), idempotency_key="order-2"))
    assert emitted.already_issued
    assert emitted.token == TOKEN
    assert emitted.folio is None


async def test_of_06_still_returns_the_document_when_a_fetch_times_out_or_is_unreadable(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(return_value=_of_06())
    stored = json.loads(json.dumps(samples.factura().with_folio(3130).to_sii_dict(), default=str))
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    pdf = mock.get(f"/v2/dte/document/{TOKEN}/pdf").mock(side_effect=httpx.ReadTimeout("slow"))
    mock.get(f"/v2/dte/document/{TOKEN}/xml").mock(
        return_value=httpx.Response(200, content=b"<html>gateway</html>")
    )
    emitted = await resolve(
        of.documents.emit(
            samples.factura(), response=["FOLIO", "PDF", "XML"], idempotency_key="order-9"
        )
    )
    assert pdf.called
    assert (emitted.token, emitted.folio, emitted.already_issued) == (TOKEN, 3130, True)
    assert (emitted.pdf, emitted.xml) == (None, None)


async def test_a_lost_response_is_retried_with_the_same_key_and_yields_one_document(
    of: Any, mock: respx.MockRouter
) -> None:
    issued: dict[str, str] = {}

    def server(request: httpx.Request) -> httpx.Response:
        key = request.headers["idempotency-key"]
        if key in issued:
            return httpx.Response(
                400,
                json={"error": {"message": "ya emitido", "code": "OF-06", "token": issued[key]}},
            )
        issued[key] = TOKEN
        raise httpx.ReadError("connection reset after the document was issued")

    emit = mock.post("/v2/dte/document").mock(side_effect=server)
    stored = json.loads(json.dumps(samples.boleta().with_folio(41).to_sii_dict(), default=str))
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    emitted = await resolve(of.documents.emit(samples.boleta()))
    keys = {call.request.headers["idempotency-key"] for call in emit.calls}
    assert emit.call_count == 2
    assert len(keys) == 1
    assert len(issued) == 1
    assert (emitted.token, emitted.folio, emitted.already_issued) == (TOKEN, 41, True)

    # Emitted again later (a restarted process), the derived key meets OF-06 on the first
    # attempt: nothing new is issued, and the error names the document issued then.
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(samples.boleta()))
    assert caught.value.token == TOKEN
    assert len(issued) == 1


def _of_06(token: str = TOKEN) -> httpx.Response:
    return httpx.Response(
        400,
        json={
            "error": {
                "message": "Este DTE ya fue emitido (Idempotency-Key)",
                "code": "OF-06",
                "token": token,
            }
        },
    )


async def test_of_06_at_once_with_a_derived_key_raises_and_says_what_to_do(
    of: Any, mock: respx.MockRouter
) -> None:
    emit = mock.post("/v2/dte/document").mock(return_value=_of_06())
    lookups = mock.get(path__startswith="/v2/dte/")
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(samples.boleta()))
    error = caught.value
    assert (error.token, error.code, error.status_code) == (TOKEN, "OF-06", 400)
    text = str(error)
    assert TOKEN in text
    assert "documents.status(token)" in text
    assert "idempotency_key=" in text
    assert emit.call_count == 1
    assert not lookups.called


async def test_of_06_at_once_with_the_callers_key_returns_the_document(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(return_value=_of_06())
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(400, json={"error": {"message": "x", "code": "OF-22"}})
    )
    emitted = await resolve(of.documents.emit(samples.boleta(), idempotency_key="sale-7"))
    assert (emitted.token, emitted.already_issued) == (TOKEN, True)


def _stored(document: Any, folio: int) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(
        json.dumps(document.with_folio(folio).to_sii_dict(), default=str)
    )
    return stored


@pytest.mark.parametrize(
    ("sent", "named"),
    [
        (samples.factura_exenta(), "type (TipoDTE) 33 there, 34 in this call"),
        (samples.factura(price=3000), "total (MntTotal) 2380 there, 3570 in this call"),
        (samples.factura(fecha=samples.FECHA.replace(day=11)), "2026-02-10 there, 2026-02-11"),
    ],
)
async def test_of_06_under_the_callers_key_for_another_document_raises(
    of: Any, mock: respx.MockRouter, sent: Any, named: str
) -> None:
    emit = mock.post("/v2/dte/document").mock(return_value=_of_06())
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": _stored(samples.factura(), 3130)})
    )
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(sent, idempotency_key="order-1"))
    assert emit.call_count == 1
    assert caught.value.token == TOKEN
    assert caught.value.code == "OF-06"
    assert "'order-1' already belongs to another document" in str(caught.value)
    assert named in str(caught.value)
    assert "new idempotency_key=" in str(caught.value)


async def test_of_06_under_the_callers_key_for_another_receptor_raises(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = _stored(samples.factura(), 3130)
    stored["Encabezado"]["Receptor"]["RUTRecep"] = "77.777.777-7"
    mock.post("/v2/dte/document").mock(return_value=_of_06())
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored})
    )
    with pytest.raises(AlreadyIssuedError, match="RUTRecep"):
        await resolve(of.documents.emit(samples.factura(), idempotency_key="order-1"))


async def test_of_06_under_the_callers_key_reads_the_stored_numbers_as_text(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = _stored(samples.factura(), 3130)
    stored["Encabezado"]["IdDoc"]["TipoDTE"] = "33"
    stored["Encabezado"]["Totales"]["MntTotal"] = "2380"
    stored["Encabezado"]["Receptor"]["RUTRecep"] = "76.430.498-5"
    mock.post("/v2/dte/document").mock(return_value=_of_06())
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored})
    )
    emitted = await resolve(of.documents.emit(samples.factura(), idempotency_key="order-1"))
    assert (emitted.token, emitted.folio, emitted.already_issued) == (TOKEN, 3130, True)


async def test_identical_sales_after_the_first_need_their_own_keys(
    of: Any, mock: respx.MockRouter
) -> None:
    keys: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        key = request.headers["idempotency-key"]
        if key in keys:
            return _of_06(f"{keys.index(key):064x}")
        keys.append(key)
        return httpx.Response(200, json={"TOKEN": f"{len(keys) - 1:064x}", "FOLIO": len(keys)})

    mock.post("/v2/dte/document").mock(side_effect=server)
    first = await resolve(of.documents.emit(samples.boleta()))
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(samples.boleta()))
    assert caught.value.token == first.token
    second = await resolve(of.documents.emit(samples.boleta(), idempotency_key="sale-2"))
    third = await resolve(of.documents.emit(samples.boleta(), idempotency_key="sale-3"))
    assert (first.folio, second.folio, third.folio) == (1, 2, 3)
    assert not second.already_issued
    assert not third.already_issued


async def test_a_5xx_then_of_06_on_the_retry_returns_the_document_after_the_servers_wait(
    mock: respx.MockRouter,
) -> None:
    from haulmer import AsyncHaulmer, Haulmer

    from .conftest import API_KEY

    slept: list[float] = []
    answers = iter(
        [httpx.Response(503, headers={"Retry-After": "2"}, json={"message": "busy"}), _of_06()]
    )
    emit = mock.post("/v2/dte/document").mock(side_effect=lambda request: next(answers))
    stored = json.loads(json.dumps(samples.boleta().with_folio(9).to_sii_dict(), default=str))
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )

    async def record(seconds: float) -> None:
        slept.append(seconds)

    async with AsyncHaulmer(api_key=API_KEY, environment="sandbox", sleep=record) as aclient:
        emitted = await aclient.openfactura.documents.emit(samples.boleta())
    assert (emitted.token, emitted.folio, emitted.already_issued) == (TOKEN, 9, True)
    assert emit.call_count == 2
    assert slept == [2.0]

    answers = iter(
        [httpx.Response(503, headers={"Retry-After": "3"}, json={"message": "busy"}), _of_06()]
    )
    with Haulmer(api_key=API_KEY, environment="sandbox", sleep=slept.append) as client:
        again = client.openfactura.documents.emit(samples.boleta())
    assert (again.token, again.already_issued) == (TOKEN, True)
    assert slept == [2.0, 3.0]


@pytest.mark.parametrize(
    "first",
    [
        httpx.ConnectError("connection refused"),
        httpx.Response(429, json={"statusCode": 429, "message": "Try again in 1 seconds."}),
        httpx.Response(400, json={"error": {"message": "BD no disponible", "code": "OF-21"}}),
    ],
    ids=["refused", "429", "OF-21"],
)
async def test_of_06_after_a_failure_the_server_never_acted_on_is_no_lost_answer(
    of: Any, mock: respx.MockRouter, first: Any
) -> None:
    answers = iter([first, _of_06()])

    def server(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    emit = mock.post("/v2/dte/document").mock(side_effect=server)
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(samples.boleta()))
    assert caught.value.token == TOKEN
    assert emit.call_count == 2


async def test_of_06_after_a_refused_then_a_broken_attempt_returns_the_document(
    of: Any, mock: respx.MockRouter
) -> None:
    answers = iter(
        [httpx.ConnectError("refused"), httpx.ReadError("reset after sending"), _of_06()]
    )

    def server(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    emit = mock.post("/v2/dte/document").mock(side_effect=server)
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(400, json={"error": {"message": "x", "code": "OF-22"}})
    )
    emitted = await resolve(of.documents.emit(samples.boleta()))
    assert (emitted.token, emitted.already_issued) == (TOKEN, True)
    assert emit.call_count == 3


@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_an_emission_makes_max_retries_plus_one_attempts(
    of: Any, mock: respx.MockRouter, max_retries: int
) -> None:
    emit = mock.post("/v2/dte/document").mock(side_effect=httpx.ReadError("connection reset"))
    with pytest.raises(APIConnectionError):
        await resolve(of.documents.emit(samples.boleta(), max_retries=max_retries))
    assert emit.call_count == max_retries + 1
    assert len({call.request.headers["idempotency-key"] for call in emit.calls}) == 1


async def test_without_retries_a_lost_answer_raises_and_the_rerun_names_the_document(
    of: Any, mock: respx.MockRouter
) -> None:
    issued: dict[str, str] = {}

    def server(request: httpx.Request) -> httpx.Response:
        key = request.headers["idempotency-key"]
        if key in issued:
            return _of_06(issued[key])
        issued[key] = TOKEN
        raise httpx.ReadError("connection reset after the document was issued")

    mock.post("/v2/dte/document").mock(side_effect=server)
    with pytest.raises(APIConnectionError):
        await resolve(of.documents.emit(samples.boleta(), max_retries=0))
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(of.documents.emit(samples.boleta(), max_retries=0))
    assert caught.value.token == TOKEN


async def test_a_credit_note_with_a_derived_key_meeting_of_06_at_once_raises(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/document").mock(return_value=_of_06())
    with pytest.raises(AlreadyIssuedError) as caught:
        await resolve(
            of.documents.credit_note(
                samples.factura(), folio=12, reason="Anula", fecha=samples.FECHA
            )
        )
    assert caught.value.token == TOKEN


async def test_a_bad_max_retries_is_refused_before_any_request(
    of: Any, mock: respx.MockRouter
) -> None:
    from haulmer.errors import ConfigurationError

    emit = mock.post("/v2/dte/document")
    with pytest.raises(ConfigurationError):
        await resolve(of.documents.emit(samples.boleta(), max_retries=-1))
    assert not emit.called


async def test_credit_note_from_a_token_references_the_stored_document(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = json.loads(json.dumps(samples.factura().with_folio(106).to_sii_dict(), default=str))
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "a" * 64, "FOLIO": 12})
    )
    note = await resolve(
        of.documents.credit_note(TOKEN, reason="Anula factura", fecha="2026-02-11")
    )
    assert note.folio == 12
    dte = _body(emit)["dte"]
    assert dte["Encabezado"]["IdDoc"] == {"TipoDTE": 61, "Folio": 0, "FchEmis": "2026-02-11"}
    assert dte["Encabezado"]["Totales"]["MntTotal"] == 2380
    assert dte["Detalle"] == [
        {"NroLinDet": 1, "NmbItem": "item", "QtyItem": 1, "PrcItem": 2000, "MontoItem": 2000}
    ]
    assert dte["Referencia"] == [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "106",
            "FchRef": "2026-02-10",
            "CodRef": 1,
            "RazonRef": "Anula factura",
        }
    ]


async def test_a_credit_note_annulling_a_credit_note_is_refused_before_sending(
    of: Any, mock: respx.MockRouter
) -> None:
    """A nota de crédito is annulled by a nota de débito, never by another nota de crédito,
    which would credit the sale a second time."""
    nc = json.loads(json.dumps(samples.factura().with_folio(106).to_sii_dict(), default=str))
    nc["Encabezado"]["IdDoc"]["TipoDTE"] = 61
    nc["Referencia"] = [{"TpoDocRef": "33", "FolioRef": "105", "FchRef": "2026-02-09", "CodRef": 1}]
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": nc, "token": TOKEN})
    )
    emit = mock.post("/v2/dte/document")
    with pytest.raises(DocumentError, match="a nota de débito with CodRef 1 does"):
        await resolve(of.documents.credit_note(TOKEN, reason="Anula", fecha="2026-02-11"))
    assert not emit.called


async def test_credit_note_corrige_texto_from_a_document_and_its_folio(
    of: Any, mock: respx.MockRouter
) -> None:
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "b" * 64, "FOLIO": 13})
    )
    await resolve(
        of.documents.credit_note(
            samples.factura(),
            folio=3130,
            code=CodRef.CORRIGE_TEXTO,
            reason="Corrige giro del receptor",
            fecha="2026-02-11",
        )
    )
    dte = _body(emit)["dte"]
    assert dte["Encabezado"]["Totales"]["MntTotal"] == 0
    assert dte["Detalle"][0]["MontoItem"] == 0
    assert dte["Referencia"][0]["CodRef"] == 2
    assert dte["Referencia"][0]["FolioRef"] == "3130"


@pytest.mark.parametrize(
    ("arguments", "error", "says"),
    [
        # int() made True ANULA (voiding the factura) and 2.9 CORRIGE_TEXTO.
        ({"code": True}, ValidationError, "code must be CodRef.ANULA .*got True"),
        ({"code": 2.9}, ValidationError, "code must be CodRef.ANULA .*got 2.9"),
        ({"code": Decimal("2.9")}, ValidationError, "code must be CodRef.ANULA .*got"),
        ({"code": Decimal("Infinity")}, ValidationError, "code must be CodRef.ANULA .*got"),
        # A folio given as text was "unknown: pass folio=", though it was passed.
        ({"folio": "1_0"}, ValidationError, r"folio= \(the folio of the document to amend\)"),
        ({"reason": "  "}, DocumentError, r"say why the note is issued \(reason=\)"),
        # A reason given as a number was told to say why the note is issued, as if missing.
        ({"reason": 5}, DocumentError, r"reason= is the reason's text, got 5"),
    ],
)
async def test_a_credit_note_s_own_arguments_are_checked_before_any_request(
    of: Any, mock: respx.MockRouter, arguments: dict[str, Any], error: type, says: str
) -> None:
    call = {"reason": "Anula factura", "fecha": "2026-02-11", **arguments}
    with pytest.raises(error, match=says):
        await resolve(of.documents.credit_note(TOKEN, **call))  # not even the original fetched
    assert not mock.calls
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "b" * 64, "FOLIO": 13})
    )
    await resolve(
        of.documents.credit_note(samples.factura(), folio="3130", code=2.0, reason="Corrige giro")
    )
    assert _body(emit)["dte"]["Referencia"][0]["FolioRef"] == "3130"


def _organization(acteco: int | None = 479100, rut: str = "76795561-8") -> httpx.Response:
    activities = (
        []
        if acteco is None
        else [{"giro": "VENTA", "codigoActividadEconomica": acteco, "actividadPrincipal": True}]
    )
    return httpx.Response(200, json={"rut": rut, "actividades": activities})


async def test_credit_note_of_a_boleta_takes_the_acteco_from_the_organization(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = _stored(samples.boleta(price=5000), 41)
    stored["Encabezado"]["Emisor"].pop("Acteco", None)
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    organization = mock.get("/v2/dte/organization").mock(return_value=_organization())
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "c" * 64, "FOLIO": 3})
    )
    note = await resolve(of.documents.credit_note(TOKEN, reason="Devolución", fecha="2026-02-11"))
    assert note.folio == 3
    assert organization.call_count == 1
    assert organization.calls.last.request.url.params.get("extra_fields") is None
    encabezado = _body(emit)["dte"]["Encabezado"]
    assert encabezado["Emisor"]["Acteco"] == 479100
    assert encabezado["Emisor"]["RznSoc"] == samples.EMISOR["razon_social"]
    assert encabezado["Receptor"] == {"RUTRecep": "66666666-6", "RznSocRecep": "Cliente"}
    assert encabezado["IdDoc"]["MntBruto"] == 1
    assert encabezado["Totales"]["MntTotal"] == 5000
    referencia = _body(emit)["dte"]["Referencia"][0]
    assert (referencia["TpoDocRef"], referencia["FolioRef"]) == ("39", "41")


@pytest.mark.parametrize("kept", ["missing", None, {}, {"RUTRecep": ""}])
async def test_credit_note_of_a_boleta_stored_without_receptor_goes_to_the_generic_buyer(
    of: Any, mock: respx.MockRouter, kept: Any
) -> None:
    # A self-service link's boleta is sent without Receptor, as Haulmer's plugins send it, so
    # OpenFactura keeps its JSON without one: its refund had been refused as a DTE "not valid".
    stored = _stored(samples.boleta(price=5000), 41)
    del stored["Encabezado"]["Receptor"]
    if kept != "missing":
        stored["Encabezado"]["Receptor"] = kept
    stored["Encabezado"]["IdDoc"]["TipoDTE"] = "39"  # numbers come back as text
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "token": TOKEN})
    )
    mock.get("/v2/dte/organization").mock(return_value=_organization())
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "c" * 64, "FOLIO": 3})
    )
    note = await resolve(of.documents.credit_note(TOKEN, reason="Devolución", fecha="2026-02-11"))
    assert note.folio == 3
    encabezado = _body(emit)["dte"]["Encabezado"]
    assert encabezado["Receptor"] == {"RUTRecep": "66666666-6", "RznSocRecep": "Cliente"}
    assert _body(emit)["dte"]["Referencia"][0]["TpoDocRef"] == "39"


def test_a_factura_stored_without_receptor_is_still_refused_naming_it() -> None:
    from haulmer.openfactura.notes import original_document

    stored = _stored(samples.factura(), 7)
    del stored["Encabezado"]["Receptor"]
    with pytest.raises(DocumentError, match="Receptor"):
        original_document(stored)


async def test_credit_note_of_a_boleta_takes_the_callers_emisor_and_receptor(
    of: Any, mock: respx.MockRouter
) -> None:
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": "c" * 64, "FOLIO": 3})
    )
    await resolve(
        of.documents.credit_note(
            samples.boleta(price=5000),
            folio=41,
            reason="Devolución",
            emisor={"actecos": [620200]},
            receptor={"RUTRecep": "11111111-1", "razon_social": "Juan Pérez"},
            fecha="2026-02-11",
        )
    )
    encabezado = _body(emit)["dte"]["Encabezado"]
    assert encabezado["Emisor"]["Acteco"] == 620200
    assert encabezado["Receptor"] == {"RUTRecep": "11111111-1", "RznSocRecep": "Juan Pérez"}
    assert [call.request.url.path for call in mock.calls] == ["/v2/dte/document"]


async def test_credit_note_of_a_boleta_without_an_acteco_anywhere_says_to_pass_emisor(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.get("/v2/dte/organization").mock(return_value=_organization(acteco=None))
    with pytest.raises(DocumentError, match=r"pass emisor=\{'actecos'"):
        await resolve(of.documents.credit_note(samples.boleta(), folio=41, reason="Devolución"))
    assert not mock.calls.last.request.url.path.endswith("/document")


async def test_credit_note_ignores_the_acteco_of_another_organization(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.get("/v2/dte/organization").mock(return_value=_organization(rut="76430498-5"))
    with pytest.raises(DocumentError, match="Acteco"):
        await resolve(of.documents.credit_note(samples.boleta(), folio=41, reason="Devolución"))


async def test_credit_note_of_a_nominative_boleta_without_razon_social_says_to_pass_receptor(
    of: Any, mock: respx.MockRouter
) -> None:
    boleta = samples.boleta().model_copy(deep=True)
    boleta.receptor.rut = Rut("11111111-1")
    with pytest.raises(DocumentError, match=r"pass receptor=\{'razon_social'"):
        await resolve(
            of.documents.credit_note(
                boleta, folio=41, reason="Devolución", emisor={"actecos": [479100]}
            )
        )
    assert not mock.calls


async def test_credit_note_builder_problems_name_the_argument_that_fixes_them(
    of: Any, mock: respx.MockRouter
) -> None:
    with pytest.raises(DocumentError, match=r"credit_note\(\.\.\., receptor="):
        await resolve(
            of.documents.credit_note(
                samples.factura(), folio=5, reason="Anula", receptor={"giro": "x" * 41}
            )
        )
    with pytest.raises(DocumentError, match="emisor= does not make a valid Emisor"):
        await resolve(
            of.documents.credit_note(
                samples.factura(), folio=5, reason="Anula", emisor={"rut": "not a rut"}
            )
        )
    assert not mock.calls


@pytest.mark.parametrize(
    ("argument", "value", "field", "issue"),
    [
        ("receptor", {"rut": "1-1"}, "Encabezado.Receptor.RUTRecep", "wrong check digit"),
        ("receptor", {"RUTRecep": "1-1"}, "Encabezado.Receptor.RUTRecep", "wrong check digit"),
        ("emisor", {"rznsoc": "X"}, "Encabezado.Emisor.rznsoc", "did you mean 'razon_social'"),
        ("emisor", {"acteco": [1]}, "Encabezado.Emisor.acteco", "did you mean 'actecos'"),
    ],
)
async def test_credit_note_party_errors_are_named_by_their_sii_path_without_pydantic_text(
    of: Any, mock: respx.MockRouter, argument: str, value: dict[str, Any], field: str, issue: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        await resolve(
            of.documents.credit_note(
                samples.factura(), folio=5, reason="Anula", **{argument: value}
            )
        )
    assert [detail.field for detail in caught.value.details] == [field]
    assert issue in caught.value.details[0].issue
    assert f"{field}: " in str(caught.value)
    assert "Value error" not in str(caught.value)
    assert not mock.calls


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "x"}, "folio of the document to amend is unknown"),
        ({"reason": " ", "folio": 5}, "say why"),
        ({"reason": "x", "folio": 5, "code": CodRef.CORRIGE_MONTOS}, "lines"),
        ({"reason": "x", "folio": 5, "code": 9}, "CodRef"),
    ],
)
async def test_credit_note_problems_are_caught_before_any_request(
    of: Any, mock: respx.MockRouter, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await resolve(of.documents.credit_note(samples.factura(), **kwargs))
    assert not mock.calls


async def test_a_guia_is_voided_not_credited(of: Any, mock: respx.MockRouter) -> None:
    with pytest.raises(DocumentError, match="void_guia"):
        await resolve(of.documents.credit_note(samples.guia(), folio=8, reason="Anula"))
    assert not mock.calls


async def test_an_invalid_key_surfaces_the_gateway_message(of: Any, mock: respx.MockRouter) -> None:
    mock.get(f"/v2/dte/document/{TOKEN}/status").mock(
        return_value=httpx.Response(
            401,
            json={
                "statusCode": 401,
                "message": "Access denied due to invalid subscription key. Make sure to provide "
                "a valid key for an active subscription.",
            },
        )
    )
    with pytest.raises(AuthenticationError, match="invalid subscription key"):
        await resolve(of.documents.status(TOKEN))


async def test_emit_failing_with_5xx_on_every_retry_says_how_many_times_it_was_sent(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document").respond(503)
    with pytest.raises(ServerError) as caught:
        await resolve(of.documents.emit(samples.boleta()))
    assert route.call_count == 3
    assert "(the call was sent 3 times, each answered with an error)" in str(caught.value)
    with pytest.raises(ServerError) as caught:
        await resolve(of.documents.emit(samples.boleta(), max_retries=0))
    assert caught.value.hint == "Haulmer failed on its side; try again later"


# -- iva_exceptional=ARTESANO --------------------------------------------------------------------


def _artisan_boleta() -> Any:
    import haulmer.dte as dte

    return dte.boleta(
        emisor={
            "rut": "76086428-5",
            "razon_social": "ARTESANIAS SPA",
            "giro": "Artesanía en greda",
            "direccion": "Calle Pomaire 12",
            "comuna": "Melipilla",
        },
        lines=[
            {"nombre": "Vasija", "cantidad": 2, "precio": 5000},
            {"nombre": "Libro", "cantidad": 1, "precio": 3000, "ind_exe": 1},
        ],
        fecha=samples.FECHA,
    )


async def test_emit_sends_an_artesano_boleta_without_iva(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": TOKEN, "FOLIO": 7})
    )
    emitted = await resolve(of.documents.emit(_artisan_boleta(), iva_exceptional="ARTESANO"))
    assert emitted.folio == 7
    assert _body(route) == {
        "response": ["FOLIO"],
        "dte": {
            "Encabezado": {
                "IdDoc": {
                    "TipoDTE": 39,
                    "Folio": 0,
                    "FchEmis": "2026-02-10",
                    "IndServicio": 3,
                    "IndMntNeto": 2,
                },
                "Emisor": {
                    "RUTEmisor": "76086428-5",
                    "RznSocEmisor": "ARTESANIAS SPA",
                    "GiroEmisor": "Artesanía en greda",
                    "DirOrigen": "Calle Pomaire 12",
                    "CmnaOrigen": "Melipilla",
                },
                "Receptor": {"RUTRecep": "66666666-6"},
                "Totales": {"MntNeto": 10000, "MntExe": 3000, "IVA": 0, "MntTotal": 13000},
            },
            "Detalle": [
                {
                    "NroLinDet": 1,
                    "NmbItem": "Vasija",
                    "QtyItem": 2,
                    "PrcItem": 5000,
                    "MontoItem": 10000,
                },
                {
                    "NroLinDet": 2,
                    "IndExe": 1,
                    "NmbItem": "Libro",
                    "QtyItem": 1,
                    "PrcItem": 3000,
                    "MontoItem": 3000,
                },
            ],
        },
        "ivaExceptional": ["ARTESANO"],
    }
    assert route.calls[-1].request.headers["Idempotency-Key"].startswith("haulmer-")


@pytest.mark.parametrize(
    ("make", "value", "error"),
    [
        (samples.factura, "ARTESANO", DocumentError),
        (_artisan_boleta, "EXENTO", ValidationError),
        (_artisan_boleta, ["ARTESANO"], ValidationError),
    ],
)
async def test_an_artesano_emission_that_cannot_be_never_reaches_the_network(
    of: Any, mock: respx.MockRouter, make: Any, value: Any, error: type[Exception]
) -> None:
    route = mock.post("/v2/dte/document")
    with pytest.raises(error, match="ARTESANO"):
        await resolve(of.documents.emit(make(), iva_exceptional=value))
    assert not route.called


async def test_a_text_correction_of_an_artesano_boleta_goes_but_not_an_annulment(
    of: Any, mock: respx.MockRouter
) -> None:
    stored = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "39", "Folio": "12", "FchEmis": "2026-02-10", "IndMntNeto": "2"},
            "Emisor": {
                "RUTEmisor": "76086428-5",
                "RznSocEmisor": "ARTESANIAS SPA",
                "GiroEmisor": "Artesanía",
                "DirOrigen": "Calle Pomaire 12",
                "CmnaOrigen": "Melipilla",
            },
            "Receptor": {"RUTRecep": "66666666-6"},
            "Totales": {"MntNeto": "10000", "IVA": "0", "MntTotal": "10000"},
        },
        "Detalle": [
            {"NroLinDet": "1", "NmbItem": "Vasija", "QtyItem": "2", "PrcItem": "5000",
             "MontoItem": "10000"}
        ],
    }  # fmt: skip
    fetched = mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(200, json={"json": stored, "folio": 12})
    )
    emit = mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(200, json={"TOKEN": TOKEN, "FOLIO": 3})
    )
    organization = mock.get("/v2/dte/organization")
    lines = [{"nombre": "Vasija", "cantidad": 1, "precio": 5000}]
    for code, extra in ((CodRef.ANULA, {}), (CodRef.CORRIGE_MONTOS, {"lines": lines})):
        with pytest.raises(DocumentError, match="issued without IVA") as caught:
            await resolve(of.documents.credit_note(TOKEN, reason="Devolución", code=code, **extra))
        assert "CodRef 2" in str(caught.value)
    assert fetched.call_count == 2
    assert not emit.called
    assert not organization.called
    await resolve(
        of.documents.credit_note(
            TOKEN, reason="Corrige giro", code=CodRef.CORRIGE_TEXTO, emisor={"actecos": [477396]}
        )
    )
    assert _body(emit)["dte"]["Encabezado"]["Totales"]["MntTotal"] == 0


@pytest.mark.parametrize(
    ("element", "length", "limit"),
    [
        ("RznSocRecep", 101, 100),
        ("DirRecep", 71, 70),
        ("CmnaRecep", 21, 20),
        ("CiudadRecep", 21, 20),
        ("Contacto", 81, 80),
        ("DirPostal", 71, 70),
        ("CdgIntRecep", 21, 20),
    ],
)
async def test_a_receptor_text_longer_than_the_sii_allows_is_refused_before_sending(
    of: Any, mock: respx.MockRouter, element: str, length: int, limit: int
) -> None:
    data = json.loads(json.dumps(samples.factura().to_sii_dict(), default=str))
    data["Encabezado"]["Receptor"][element] = "x" * length
    with pytest.raises(DocumentError) as caught:
        await resolve(of.documents.emit(data))
    assert not mock.calls
    (detail,) = caught.value.details
    assert detail.field == f"Encabezado.Receptor.{element}"
    assert f"is {length} characters long; the SII allows at most {limit}" in detail.issue


async def test_a_line_description_longer_than_the_sii_allows_is_refused_not_cut(
    of: Any, mock: respx.MockRouter
) -> None:
    data = json.loads(json.dumps(samples.factura().to_sii_dict(), default=str))
    data["Detalle"][0]["DscItem"] = "d" * 1001
    with pytest.raises(DocumentError) as caught:
        await resolve(of.documents.emit(data))
    assert not mock.calls
    (detail,) = caught.value.details
    assert detail.field == "Detalle[1].DscItem"  # lines are named by NroLinDet
    assert "is 1001 characters long; the SII allows at most 1000" in detail.issue


def _factura_of_18_digits() -> dte.Document:
    return dte.factura(
        emisor=samples.EMISOR,
        receptor=samples.RECEPTOR,
        lines=[
            {"nombre": "item", "cantidad": Decimal("123456789012.123456"), "precio": Decimal("0.5")}
        ],
        fecha=samples.FECHA,
        forma_pago=1,
    )


async def test_a_stored_document_answering_numbers_of_18_digits_reads_them_exactly(
    of: Any, mock: respx.MockRouter
) -> None:
    """An OF-06 under the caller's key compares the document stored with the one sent: a
    quantity answered as a JSON number of 18 digits is the same quantity, not a float's."""
    mock.post("/v2/dte/document").mock(
        return_value=httpx.Response(
            400,
            json={"error": {"message": "Este DTE ya fue emitido", "code": "OF-06", "token": TOKEN}},
        )
    )
    stored = _factura_of_18_digits().with_folio(3130).to_sii_dict()
    text = json.dumps({"json": stored, "token": TOKEN}, default=str).replace(
        '"123456789012.123456"', "123456789012.123456"
    )
    assert "123456789012.123456," in text  # a JSON number, as the service may write it
    mock.get(f"/v2/dte/document/{TOKEN}/json").mock(
        return_value=httpx.Response(
            200, content=text.encode(), headers={"Content-Type": "application/json"}
        )
    )
    read = await resolve(of.documents.json(TOKEN))
    assert read.dte["Detalle"][0]["QtyItem"] == Decimal("123456789012.123456")
    assert read.to_document().detalle[0].cantidad == Decimal("123456789012.123456")
    emitted = await resolve(
        of.documents.emit(_factura_of_18_digits(), response=["FOLIO"], idempotency_key="order-18")
    )
    assert (emitted.already_issued, emitted.folio) == (True, 3130)


async def test_a_credit_note_for_a_numbered_document_and_another_folio_is_refused(
    of: Any, mock: respx.MockRouter
) -> None:
    """folio= names the folio of a document that carries none; given for a document that
    carries its own, another folio would reference one factura and credit the other's lines."""
    with pytest.raises(DocumentError, match=r"Referencia\.FolioRef: is '3131'"):
        await resolve(
            of.documents.credit_note(
                samples.factura().with_folio(3130), folio=3131, reason="Anula", fecha="2026-02-11"
            )
        )
    assert not mock.calls
