"""``registry``, ``organization`` and ``taxpayer``: wire shapes and the quirks of reference §6."""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from typing import Any

import httpx
import pytest
import respx

import haulmer.dte as dte
from haulmer.errors import (
    APIResponseValidationError,
    DocumentRejectedError,
    InvalidRutError,
    RateLimitError,
    ValidationError,
)
from haulmer.openfactura import PurchaseStatus, ReceivedStatus, RegistryKind
from haulmer.openfactura.models import Organization, OrganizationFolios
from haulmer.openfactura.registry import AsyncRegistry, RcvPeriod, Registry
from haulmer.rut import Rut

from .conftest import API_KEY, resolve

_ROW = {
    "tipoDocumento": 33,
    "cantDocumentos": 2,
    "totalMntExe": 0,
    "totalMntNeto": 4000,
    "totalMntIVA": 760,
    "totalOtrosImp": 0,
    "totalMntTotal": 4760,
}
_REFERENCE_ROW = {
    **_ROW,
    "tipoDocumento": 801,
    "cantDocumentos": 1,
    "totalMntNeto": 0,
    "totalMntIVA": 0,
    "totalMntTotal": 0,
}

ORGANIZATION = {
    "rut": "76795561-8",
    "razonSocial": "HAULMER CHILE SPA",
    "email": "contacto@haulmer.com",
    "telefono": "",
    "direccion": "ARTURO PRAT 527   CURICO",
    "comuna": "Curicó",
    "ciudad": "Curicó",
    "cdgSIISucur": "81303347",
    "glosaDescriptiva": "VENTA AL POR MENOR POR INTERNET",
    "direccionRegional": "CURICO",
    "resolucion": {"fecha": "2018-03-26", "numero": "0"},
    "nombreFantasia": "Haulmer",
    "web": "https://www.haulmer.com",
    "sucursales": [],
    "actividades": [
        {
            "giro": "OTROS",
            "actividadEconomica": "OTRAS ACTIVIDADES",
            "codigoActividadEconomica": "620900",
            "actividadPrincipal": False,
        },
        {
            "giro": "VENTA AL POR MENOR POR INTERNET",
            "actividadEconomica": "VENTA AL POR MENOR",
            "codigoActividadEconomica": "479100",
            "actividadPrincipal": True,
        },
    ],
}


# -- registry ----------------------------------------------------------------------------------


async def test_sales_pads_the_month_and_reads_every_row(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/registry/sales/2026/08").mock(
        return_value=httpx.Response(
            200,
            json={
                "fechaInicio": "2026-08-01",
                "fechaFinal": "2026-08-31",
                "registros": [_ROW, _REFERENCE_ROW],
            },
        )
    )
    registry = await resolve(of.registry.sales(2026, 8))
    assert route.called
    assert registry.fecha_final == dt.date(2026, 8, 31)
    assert [row.tipo_documento for row in registry.registros] == [33, 801]
    assert registry.registros[0].total_mnt_iva == 760


async def test_sales_of_one_day_pads_the_day(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/registry/sales/2026/02/05").mock(
        return_value=httpx.Response(200, json={"registros": []})
    )
    await resolve(of.registry.sales(2026, 2, 5))
    assert route.called


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2026, 13), "month"),
        ((26, 8), "four-digit"),
        ((1999, 12), "year must be a four-digit year from 2000 to 2100, got 1999"),
        ((2026, 2, 30), "not a date"),
        (("2026", "x"), "integer"),
    ],
)
async def test_bad_periods_are_refused_locally(
    of: Any, mock: respx.MockRouter, args: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await resolve(of.registry.sales(*args))
    assert not mock.calls


@pytest.mark.parametrize(
    "args",
    [
        ("20_26", 8),  # int() reads "20_26" as 2026 and "0_8" as 8
        (2026, "0_8"),
        ("\u0662\u0660\u0662\u0666", 8),  # 2026 in Arabic-Indic digits
        (2026, "+8"),
        (2026, 8, "0_5"),
    ],
)
async def test_a_period_written_with_what_int_reads_but_no_digits_are_is_refused(
    of: Any, mock: respx.MockRouter, args: tuple[Any, ...]
) -> None:
    with pytest.raises(ValidationError, match="must be an integer"):
        await resolve(of.registry.sales(*args))
    with pytest.raises(ValidationError, match="must be an integer"):
        await resolve(of.registry.purchases(*args))
    assert not mock.calls


@pytest.mark.parametrize("periodo", [("20_26", 5), (2026, "0_5"), ("\u0662\u0660\u0662\u0666", 5)])
async def test_sync_rcv_refuses_a_year_and_month_written_with_what_int_reads_but_no_digits_are(
    of: Any, mock: respx.MockRouter, periodo: tuple[Any, Any]
) -> None:
    with pytest.raises(ValidationError, match="must be an integer"):
        await resolve(of.registry.sync_rcv("sales", periodo))
    assert not mock.calls


@pytest.mark.parametrize(
    "periodo",
    [
        "\u0662\u0660\u0662\u0666\u0660\u0665",  # 202605 in Arabic-Indic digits
        "\uff12\uff10\uff12\uff16\uff10\uff15",  # 202605 in fullwidth digits
        "\u00b2\u2070\u00b2\u2076\u2070\u2075",  # superscripts, which int() does not read
    ],
)
async def test_sync_rcv_refuses_a_period_text_in_digits_other_than_ascii_ones(
    of: Any, mock: respx.MockRouter, periodo: str
) -> None:
    with pytest.raises(ValidationError, match="periodo must be YYYYMM"):
        await resolve(of.registry.sync_rcv("sales", periodo))
    assert not mock.calls


async def test_a_period_written_as_digits_with_blanks_around_is_read(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/registry/sales/2026/08/05").mock(
        return_value=httpx.Response(200, json={"registros": []})
    )
    await resolve(of.registry.sales(" 2026 ", "08", "5 "))
    assert route.called


async def test_a_bad_date_from_the_server_surfaces_the_unwrapped_shape(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.get("/v2/dte/registry/sales/2026/08").mock(
        return_value=httpx.Response(
            400,
            json={
                "message": "Validación de Campos.",
                "code": "OF-10",
                "details": {"Error": "Fecha Incorrecta"},
            },
        )
    )
    with pytest.raises(DocumentRejectedError) as caught:
        await resolve(of.registry.sales(2026, 8))
    assert caught.value.details[0].field == "Error"
    assert caught.value.details[0].issue == "Fecha Incorrecta"


async def test_purchases_send_the_status_list_and_read_one_block_per_state(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/registry/purchase/2026/05").mock(
        return_value=httpx.Response(
            200,
            json=[
                {
                    "estado": "Pendiente",
                    "fechaInicio": "2026-05-01",
                    "fechaFinal": "2026-05-31",
                    "registros": [_ROW],
                },
                {
                    "estado": "Registro",
                    "fechaInicio": "2026-05-01",
                    "fechaFinal": "2026-05-31",
                    "registros": [],
                },
            ],
        )
    )
    blocks = await resolve(
        of.registry.purchases(2026, 5, status=[PurchaseStatus.PENDING, "Registered"])
    )
    assert route.calls.last.request.url.params["status"] == "pending,registered"
    assert [block.estado for block in blocks] == [
        ReceivedStatus.PENDIENTE,
        ReceivedStatus.REGISTRADO,  # the sandbox says "Registro"
    ]
    assert blocks[0].registros[0].cant_documentos == 2


@pytest.mark.parametrize(
    ("status", "message"),
    [
        # An int raised a bare TypeError ("'int' object is not iterable").
        (1, "status must be a purchase status or a list of them, got 1"),
        # Bytes were read as their numbers ("unknown purchase status 112").
        (b"pending", "status must be a purchase status or a list of them, got b'pending'"),
        # A dict was read as its keys, whatever their values said.
        ({"pending": False}, "status must be a purchase status or a list of them"),
        # No state asked for listed every state.
        ([], "status asks for no state"),
        ((), "status asks for no state"),
    ],
)
async def test_purchases_refuse_a_status_that_names_no_states_before_sending(
    of: Any, mock: respx.MockRouter, status: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        await resolve(of.registry.purchases(2026, 5, status=status))
    assert not mock.calls


async def test_registry_rows_with_null_or_blank_amounts_read_them_as_zero(
    of: Any, mock: respx.MockRouter
) -> None:
    row = {**_ROW, "totalMntExe": None, "totalOtrosImp": "", "cantDocumentos": None}
    mock.get("/v2/dte/registry/sales/2026/05").mock(
        return_value=httpx.Response(200, json={"registros": [row, _REFERENCE_ROW]})
    )
    registry = await resolve(of.registry.sales(2026, 5))
    first = registry.registros[0]
    assert (first.total_mnt_exe, first.total_otros_imp, first.cant_documentos) == (0, 0, 0)
    assert first.total_mnt_total == 4760


async def test_a_purchase_state_the_sdk_does_not_know_is_kept_as_its_text(
    of: Any, mock: respx.MockRouter
) -> None:
    blocks_answered = [
        {"estado": "Pendiente", "registros": [_ROW]},
        {"estado": "Reclamado_parcial", "registros": [_ROW]},
    ]
    mock.get("/v2/dte/registry/purchase/2026/05").mock(
        return_value=httpx.Response(200, json=blocks_answered)
    )
    blocks = await resolve(of.registry.purchases(2026, 5))
    assert blocks[0].estado is ReceivedStatus.PENDIENTE
    assert blocks[1].estado == "Reclamado_parcial"
    assert not isinstance(blocks[1].estado, ReceivedStatus)
    assert blocks[1].registros[0].total_mnt_total == 4760


async def test_a_purchase_state_written_in_another_case_or_spacing_is_that_state(
    of: Any, mock: respx.MockRouter
) -> None:
    # They were kept as text, so block.estado == ReceivedStatus.REGISTRADO was False for a block
    # answered "REGISTRADO", while IssuedStatus reads " aceptado  con REPARO" as its state.
    answered = ["PENDIENTE", " Registrado ", "registro", "No incluir", "no_incluir", "reclamado"]
    mock.get("/v2/dte/registry/purchase/2026/05").mock(
        return_value=httpx.Response(200, json=[{"estado": e, "registros": []} for e in answered])
    )
    blocks = await resolve(of.registry.purchases(2026, 5))
    assert [block.estado for block in blocks] == [
        ReceivedStatus.PENDIENTE,
        ReceivedStatus.REGISTRADO,
        ReceivedStatus.REGISTRADO,
        ReceivedStatus.NO_INCLUIR,
        ReceivedStatus.NO_INCLUIR,
        ReceivedStatus.RECLAMADO,
    ]
    assert all(isinstance(block.estado, ReceivedStatus) for block in blocks)


async def test_a_registry_or_a_block_answered_with_null_rows_reads_as_no_rows(
    of: Any, mock: respx.MockRouter
) -> None:
    # As the received list answers "Acuses": null for none, a period without rows may come null.
    mock.get("/v2/dte/registry/sales/2026/05").mock(
        return_value=httpx.Response(
            200, json={"fechaInicio": "2026-05-01", "fechaFinal": "2026-05-31", "registros": None}
        )
    )
    mock.get("/v2/dte/registry/purchase/2026/05").mock(
        return_value=httpx.Response(
            200,
            json=[
                {"estado": "Pendiente", "registros": [_ROW]},
                {"estado": "Reclamado", "registros": None},
            ],
        )
    )
    assert (await resolve(of.registry.sales(2026, 5))).registros == []
    blocks = await resolve(of.registry.purchases(2026, 5))
    assert blocks[0].registros[0].total_mnt_total == 4760
    assert (blocks[1].estado, blocks[1].registros) == (ReceivedStatus.RECLAMADO, [])


async def test_an_empty_purchase_month_answered_204_is_no_blocks(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.get("/v2/dte/registry/purchase/2026/02").mock(return_value=httpx.Response(204))
    assert await resolve(of.registry.purchases(2026, 2)) == []


async def test_an_empty_sales_period_answered_204_is_a_registry_without_rows(
    of: Any, mock: respx.MockRouter
) -> None:
    mock.get("/v2/dte/registry/sales/2024/02").mock(return_value=httpx.Response(204))
    mock.get("/v2/dte/registry/sales/2024/02/29").mock(return_value=httpx.Response(204))
    month = await resolve(of.registry.sales(2024, 2))
    assert (month.fecha_inicio, month.fecha_final) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month.registros == []
    day = await resolve(of.registry.sales(2024, 2, 29))
    assert day.fecha_inicio == day.fecha_final == dt.date(2024, 2, 29)
    assert day.registros == []


async def test_purchases_without_status_send_no_query(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/registry/purchase/2026/05/09").mock(
        return_value=httpx.Response(200, json=[])
    )
    assert await resolve(of.registry.purchases(2026, 5, 9)) == []
    assert "status" not in route.calls.last.request.url.params
    with pytest.raises(ValidationError, match="unknown purchase status"):
        await resolve(of.registry.purchases(2026, 5, status="paid"))


@pytest.mark.parametrize("periodo", [202605, "202605", "2026-05", (2026, 5), dt.date(2026, 5, 17)])
async def test_sync_rcv_sends_the_period_as_an_int(
    of: Any, mock: respx.MockRouter, periodo: Any
) -> None:
    route = mock.post("/v2/dte/registry/sync-rcv").mock(
        return_value=httpx.Response(200, json={"message": "Sincronización encolada", "code": 200})
    )
    result = await resolve(of.registry.sync_rcv(RegistryKind.PURCHASE, periodo))
    assert json.loads(route.calls.last.request.content) == {
        "registro": "purchase",
        "periodo": 202605,
    }
    assert result.message == "Sincronización encolada"


async def test_sync_rcv_reads_an_aware_datetime_as_its_month_in_chile(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/registry/sync-rcv").mock(
        return_value=httpx.Response(200, json={"message": "Sincronización encolada", "code": 200})
    )
    # 02:30 UTC on 1 June is still 31 May in Santiago: the May registry is the one meant.
    moment = dt.datetime(2026, 6, 1, 2, 30, tzinfo=dt.timezone.utc)
    await resolve(of.registry.sync_rcv("sales", moment))
    assert json.loads(route.calls.last.request.content)["periodo"] == 202605


@pytest.mark.parametrize("resource", [Registry, AsyncRegistry])
def test_sync_rcv_types_the_period_with_the_forms_it_accepts(resource: type[Any]) -> None:
    hints = typing.get_type_hints(resource.sync_rcv)
    assert hints["periodo"] == RcvPeriod
    assert set(typing.get_args(RcvPeriod)) == {int, str, tuple[int, int], dt.date}


async def test_sync_rcv_surfaces_the_of_429_window(of: Any, mock: respx.MockRouter) -> None:
    route = mock.post("/v2/dte/registry/sync-rcv").mock(
        return_value=httpx.Response(
            429,
            json={
                "message": "Límite de sincronización",
                "code": "OF-429",
                "retry_after": 3600,
                "ends_at": "2026-05-17T13:00:00",
                "rate_limit": 1,
            },
        )
    )
    with pytest.raises(RateLimitError) as caught:
        await resolve(of.registry.sync_rcv("sales", 202605))
    assert route.call_count == 1  # the window is not slept through
    assert caught.value.code == "OF-429"
    assert caught.value.retry_after == 3600


async def test_sync_rcv_waits_out_the_keys_rate_limit_as_every_call_does(
    of: Any, mock: respx.MockRouter
) -> None:
    # The gateway's 3 requests/s: nothing was queued, and a second later the sync is taken.
    gateway = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}
    route = mock.post("/v2/dte/registry/sync-rcv").mock(
        side_effect=[
            httpx.Response(429, json=gateway),
            httpx.Response(200, json={"message": "Sincronización encolada", "code": 200}),
        ]
    )
    result = await resolve(of.registry.sync_rcv("sales", 202605))
    assert route.call_count == 2
    assert result.message == "Sincronización encolada"


@pytest.mark.parametrize(
    ("registro", "periodo", "message"),
    [
        ("compra", 202605, "'sales' or 'purchase'"),
        ("sales", 2026, "YYYYMM"),
        ("sales", 202613, "not a valid year and month"),
        # A date names its month under the same bounds as 199905 or (1999, 5) do.
        ("sales", dt.date(1999, 5, 1), "not a valid year and month"),
        ("sales", dt.datetime(1999, 12, 31, 12, 0), "not a valid year and month"),
        # The hyphen goes between the year and the month, nowhere else.
        ("sales", "20-2605", "YYYYMM"),
        ("sales", "2026-0-5", "YYYYMM"),
        ("sales", "202-605", "YYYYMM"),
    ],
)
async def test_sync_rcv_arguments_are_checked_locally(
    of: Any, mock: respx.MockRouter, registro: str, periodo: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await resolve(of.registry.sync_rcv(registro, periodo))
    assert not mock.calls


@pytest.mark.parametrize(
    ("now", "latest"),
    [
        # 23:30 in Santiago on 30 November is already December in UTC: Chile's month counts.
        (dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.timezone.utc), 202701),
        (dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.timezone.utc), 202701),
        (dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.timezone.utc), 202703),
    ],
)
async def test_sync_rcv_refuses_a_period_past_the_current_one_plus_two_before_sending(
    client: Any, mock: respx.MockRouter, now: dt.datetime, latest: int
) -> None:
    # OpenFactura syncs up to the current period plus two; a later one had been sent and come
    # back as OF-10 "periodo: ... es Incorrecto", saying nothing of the rule.
    route = mock.post("/v2/dte/registry/sync-rcv").mock(
        return_value=httpx.Response(200, json={"message": "Sincronización encolada", "code": 200})
    )
    registry = type(client)(
        api_key=API_KEY, environment="sandbox", now=lambda: now
    ).openfactura.registry
    later = latest + 1 if latest % 100 < 12 else latest + 89
    with pytest.raises(ValidationError, match=f"up to the current period plus 2 \\({latest}"):
        await resolve(registry.sync_rcv("sales", later))
    assert not route.called
    await resolve(registry.sync_rcv("sales", latest))
    assert json.loads(route.calls.last.request.content)["periodo"] == latest


# -- organization --------------------------------------------------------------------------------


async def test_organization_reads_every_documented_key(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/organization").mock(
        return_value=httpx.Response(200, json=ORGANIZATION)
    )
    organization = await resolve(of.organization.retrieve())
    assert "extra_fields" not in route.calls.last.request.url.params
    assert organization.rut == Rut("76795561-8")
    assert organization.razon_social == "HAULMER CHILE SPA"
    assert organization.telefono is None
    assert organization.resolucion is not None
    assert organization.resolucion.numero == 0
    assert organization.main_activity is not None
    assert organization.main_activity.codigo_actividad_economica == 479100
    assert organization.emisor() == {
        "RUTEmisor": "76795561-8",
        "RznSoc": "HAULMER CHILE SPA",
        "GiroEmis": "VENTA AL POR MENOR POR INTERNET",
        "Acteco": 479100,
        "DirOrigen": "ARTURO PRAT 527   CURICO",
        "CmnaOrigen": "Curicó",
        "CdgSIISucur": "81303347",
    }
    assert "Acteco" not in organization.emisor(boleta=True)
    assert organization.emisor(boleta=True)["RznSocEmisor"] == "HAULMER CHILE SPA"


@pytest.mark.parametrize("boleta", [False, True])
def test_organization_emisor_cuts_a_glosa_descriptiva_longer_than_the_siis_giro(
    boleta: bool,
) -> None:
    # The SII's registry holds glosas longer than the 80 characters GiroEmis/GiroEmisor hold:
    # the block is one a document can carry, so the DTE built with it is valid.
    glosa = "VENTA AL POR MENOR POR CORREO, POR INTERNET Y VIA TELEFONICA, SERVICIOS INFORMATICOS"
    organization = Organization.model_validate({**ORGANIZATION, "glosaDescriptiva": glosa})
    emisor = organization.emisor(boleta=boleta)
    assert emisor["GiroEmisor" if boleta else "GiroEmis"] == glosa[:80]
    lines = [{"nombre": "Polera", "cantidad": 1, "precio": 1000}]
    receptor = {
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "SERVICIOS INFORMATICOS",
        "direccion": "ARTURO PRAT 527",
        "comuna": "Curicó",
    }
    document = (
        dte.boleta(emisor=emisor, lines=lines)
        if boleta
        else dte.factura(emisor=emisor, receptor=receptor, lines=lines)
    )
    assert document.encabezado.emisor.giro == glosa[:80]


async def test_organization_logo_is_asked_for_with_extra_fields(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/organization").mock(
        return_value=httpx.Response(200, json={**ORGANIZATION, "logo": "iVBORw0KGgo="})
    )
    organization = await resolve(of.organization.retrieve(include_logo=True))
    assert route.calls.last.request.url.params["extra_fields"] == "logo"
    assert organization.logo == b"\x89PNG\r\n\x1a\n"
    assert "bytes>" in repr(organization)


@pytest.mark.parametrize("flag", ["false", "no", 0, None])
async def test_include_logo_that_is_no_bool_is_refused_before_any_request(
    of: Any, mock: respx.MockRouter, flag: Any
) -> None:
    # "false" had asked for the logo (a truthy text), 0 and None had left it out.
    route = mock.get("/v2/dte/organization").mock(
        return_value=httpx.Response(200, json=ORGANIZATION)
    )
    with pytest.raises(ValidationError, match="include_logo must be True or False"):
        await resolve(of.organization.retrieve(include_logo=flag))
    assert not route.called


async def test_folios_read_disponibles_and_disponible(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/organization/document").mock(
        return_value=httpx.Response(
            200,
            json={
                "rut": "76795561-8",
                "documentos": [
                    {"dte": 33, "disponibles": 304938, "vencimiento": "2027-03-01"},
                    {"dte": "39", "disponible": "12", "vencimiento": None},
                ],
            },
        )
    )
    folios = await resolve(of.organization.folios())
    assert route.calls.last.request.method == "GET"
    assert route.calls.last.request.content == b""
    factura = folios.for_type(33)
    boleta = folios.for_type(39)
    assert factura is not None
    assert factura.disponibles == 304938
    assert boleta is not None
    assert boleta.disponibles == 12
    assert folios.for_type(52) is None


@pytest.mark.parametrize("dte_type", [33.7, True, "abc", 999])
def test_folios_for_a_value_that_is_no_dte_type_is_refused(dte_type: Any) -> None:
    # 33.7 read as 33 answered the facturas' folios; "abc" raised a bare ValueError of int().
    folios = OrganizationFolios.model_validate(
        {"documentos": [{"dte": 33, "disponibles": 10}, {"dte": 1, "disponibles": 5}]}
    )
    with pytest.raises(ValidationError, match="dte_type"):
        folios.for_type(dte_type)


def test_folios_for_a_type_written_as_its_digits_is_found() -> None:
    folios = OrganizationFolios.model_validate({"documentos": [{"dte": 33, "disponibles": 10}]})
    entry = folios.for_type("033")
    assert entry is not None
    assert entry.disponibles == 10


# -- taxpayer ------------------------------------------------------------------------------------


async def test_taxpayer_by_rut(of: Any, mock: respx.MockRouter) -> None:
    route = mock.get("/v2/dte/taxpayer/76430498-5").mock(
        return_value=httpx.Response(
            200,
            json={
                "rut": "76430498-5",
                "razonSocial": "HOSTY SPA",
                "email": None,
                "telefono": None,
                "direccion": "ARTURO PRAT 527",
                "comuna": "CURICO",
                "actividades": [
                    {
                        "giro": None,
                        "actividadEconomica": None,
                        "codigoActividadEconomica": None,
                        "actividadPrincipal": None,
                    }
                ],
                "sucursales": [
                    {
                        "cdgSIISucur": "79457965",
                        "comuna": "CURICO",
                        "direccion": "ARTURO PRAT 527",
                        "ciudad": "CURICO",
                        "telefono": None,
                    }
                ],
            },
        )
    )
    taxpayer = await resolve(of.taxpayer.retrieve("76.430.498-5"))
    assert route.called
    assert taxpayer is not None
    assert taxpayer.razon_social == "HOSTY SPA"
    assert taxpayer.actividades == []  # an existing RUT without activity: one row of nulls
    assert taxpayer.main_activity is None
    assert taxpayer.sucursales[0].cdg_sii_sucur == "79457965"


@pytest.mark.parametrize(
    "answer",
    [
        {
            "rut": None,
            "razonSocial": None,
            "email": None,
            "telefono": None,
            "direccion": None,
            "comuna": None,
            "actividades": None,
            "sucursales": None,
        },
        {
            "rut": "11111111-1",
            "razonSocial": None,
            "actividades": [{"giro": None}],
            "sucursales": [],
        },
    ],
)
async def test_an_unknown_taxpayer_is_none(
    of: Any, mock: respx.MockRouter, answer: dict[str, Any]
) -> None:
    mock.get("/v2/dte/taxpayer/11111111-1").mock(return_value=httpx.Response(200, json=answer))
    assert await resolve(of.taxpayer.retrieve("11111111-1")) is None


@pytest.mark.parametrize(
    "answer",
    [{"error": False, "rut": False}, {"razonSocial": "HOSTY SPA", "actividades": "secret-xyz"}],
)
async def test_a_taxpayer_answer_that_is_not_one_is_a_response_validation_error(
    of: Any, mock: respx.MockRouter, answer: dict[str, Any]
) -> None:
    mock.get("/v2/dte/taxpayer/76430498-5").mock(return_value=httpx.Response(200, json=answer))
    with pytest.raises(APIResponseValidationError) as caught:
        await resolve(of.taxpayer.retrieve("76430498-5"))
    error = caught.value
    assert "GET /v2/dte/taxpayer/76430498-5" in str(error)
    assert "not a valid Taxpayer" in str(error)
    assert "secret-xyz" not in str(error)  # field paths and reasons, never the values
    assert (error.status_code, error.body) == (200, answer)
    assert error.__cause__ is None


@pytest.mark.parametrize(
    ("answered", "read"),
    [("76430498-5", "76430498-5"), (None, "76430498-5"), (" ", "76430498-5"),
     ("76.430.498-5", "76430498-5"), ("76430498-6", "76430498-6")],
)  # fmt: skip
async def test_the_taxpayers_rut_is_the_one_answered_or_else_the_one_asked_for(
    of: Any, mock: respx.MockRouter, answered: Any, read: str
) -> None:
    answer = {"rut": answered, "razonSocial": "HOSTY SPA"}
    mock.get("/v2/dte/taxpayer/76430498-5").mock(return_value=httpx.Response(200, json=answer))
    taxpayer = await resolve(of.taxpayer.retrieve("76.430.498-5"))
    assert taxpayer is not None
    assert str(taxpayer.rut) == read
    assert taxpayer.rut == Rut(read, validate_dv=False)


async def test_a_taxpayer_rut_is_checked_locally(of: Any, mock: respx.MockRouter) -> None:
    with pytest.raises(InvalidRutError, match="check digit"):
        await resolve(of.taxpayer.retrieve("11111111-2"))
    assert not mock.calls


@pytest.mark.parametrize("wait", ["1e400", "9" * 400], ids=["past floats", "an int of 400 digits"])
async def test_sync_rcv_of_429_with_an_absurd_window_is_a_readable_error(
    wait: str, of: Any, mock: respx.MockRouter
) -> None:
    mock.post("/v2/dte/registry/sync-rcv").mock(
        return_value=httpx.Response(
            429,
            content=b'{"code": "OF-429", "retry_after": ' + wait.encode() + b"}",
            headers={"content-type": "application/json"},
        )
    )
    with pytest.raises(RateLimitError) as caught:
        await resolve(of.registry.sync_rcv("sales", 202605))
    assert caught.value.retry_after is None
    assert "retry later" in str(caught.value)
