"""Lenient response models, local filter checks and the sandbox constants (pure, no I/O)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pydantic
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

import haulmer
from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.concurrency import AsyncBatchResults
from haulmer.errors import HaulmerError, InvalidRutError, ValidationError
from haulmer.openfactura import (
    HAULMER_DEMO,
    HOSTY_DEMO,
    SANDBOX_API_KEY,
    AcuseCode,
    AsyncOpenFactura,
    DocumentStatus,
    EmittedDocument,
    IssuedDocumentSummary,
    IssuedStatus,
    OpenFactura,
    ReceivedDocumentSummary,
    between,
    eq,
    gt,
    gte,
    lt,
    lte,
    ne,
)
from haulmer.openfactura._base import repair_mojibake
from haulmer.openfactura.filters import ISSUED_FILTERS, RECEIVED_FILTERS, build_filters
from haulmer.rut import Rut

# -- models ---------------------------------------------------------------------------------------


def test_emitted_document_accepts_either_token_spelling() -> None:
    for key in ("TOKEN", "token", "Token"):
        assert EmittedDocument.model_validate({key: "abc"}).token == "abc"


def test_numbers_sent_as_strings_are_read_as_numbers() -> None:
    row = IssuedDocumentSummary.model_validate(
        {"TipoDTE": "33", "Folio": "12", "MntTotal": "2380", "RUTRecep": "76430498", "DV": "5"}
    )
    assert (row.tipo_dte, row.folio, row.mnt_total) == (33, 12, 2380)
    assert row.rut_recep == Rut("76430498-5")


def test_summary_ruts_are_ruts_and_keep_the_wire_number() -> None:
    issued = IssuedDocumentSummary.model_validate(
        {"RUTRecep": 66666666, "DV": "", "TipoDTE": 39, "Folio": 1}
    )
    assert (issued.rut_recep, issued.rut_recep_number) == (Rut("66666666-6"), 66666666)
    received = ReceivedDocumentSummary.model_validate(
        {"RUTEmisor": 76430498, "DV": "5", "TipoDTE": 33, "Folio": 2}
    )
    assert isinstance(received.rut_emisor, Rut)
    assert (str(received.rut_emisor), received.rut_emisor_number) == ("76430498-5", 76430498)


def test_a_status_is_an_issued_status_and_other_text_stays_text() -> None:
    accepted = DocumentStatus.model_validate({"estado": "aceptado con  REPARO"})
    assert accepted.estado is IssuedStatus.ACEPTADO_CON_REPARO
    assert accepted.is_accepted
    pending = DocumentStatus.model_validate({"estado": "Pendiente"})
    assert pending.estado is IssuedStatus.PENDIENTE
    assert pending.estado == "Pendiente"
    assert f"{pending.estado}" == "Pendiente"
    registered = DocumentStatus.model_validate({"estado": "Registrado"})
    assert registered.estado == "Registrado"
    assert not isinstance(registered.estado, IssuedStatus)


def test_require_folio_gives_an_int_or_says_how_to_get_it() -> None:
    assert EmittedDocument.model_validate({"TOKEN": "abc", "FOLIO": "7"}).require_folio() == 7
    with pytest.raises(HaulmerError, match=r"response=.*'FOLIO'.*document_folio"):
        EmittedDocument.model_validate({"TOKEN": "abc"}).require_folio()


def test_unknown_keys_are_kept_on_responses() -> None:
    status = DocumentStatus.model_validate({"estado": "Rechazado", "detalle": "RUT no autorizado"})
    assert not status.is_accepted
    assert status.model_extra == {"detalle": "RUT no autorizado"}


def test_emitted_document_reprs_bytes_by_size() -> None:
    emitted = EmittedDocument.model_validate({"TOKEN": "t", "PDF": "JVBERi0xLjQ="})
    assert emitted.pdf == b"%PDF-1.4"
    assert "JVBER" not in repr(emitted)
    assert "<8 bytes>" in repr(emitted)


def test_files_in_base64_split_over_lines_or_in_a_data_uri_are_decoded() -> None:
    emitted = EmittedDocument.model_validate(
        {"TOKEN": "t", "PDF": "JVBERi0x\r\nLjQ=\n", "LOGO": "data:image/png;base64,iVBORw0KGgo="}
    )
    assert emitted.pdf == b"%PDF-1.4"
    assert emitted.logo == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [("PDF", "%PDF-1.4 garbage"), ("XML", "@@@@"), ("TIMBRE", "iVBOR.w0KGgo="), ("LOGO", "abc")],
)
def test_a_file_that_is_not_base64_is_refused_instead_of_read_as_other_bytes(
    name: str, text: str
) -> None:
    # Decoding what is not base64 by dropping the characters outside its alphabet would hand
    # back another file (or none: "@@@@" read as b""), which a shop would store as its invoice.
    with pytest.raises(pydantic.ValidationError, match="not valid base64"):
        EmittedDocument.model_validate({"TOKEN": "t", name: text})


def test_mojibake_is_repaired_but_real_text_is_kept() -> None:
    assert repair_mojibake("CuricÃ³") == "Curicó"
    assert repair_mojibake("SÃO PAULO") == "SÃO PAULO"
    assert repair_mojibake("Curicó") == "Curicó"


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40))
def test_mojibake_repair_undoes_utf8_read_as_latin1(text: str) -> None:
    garbled = text.encode("utf-8").decode("latin-1")
    assert repair_mojibake(garbled) == text


def test_acuse_codes_are_the_five_documented_strings() -> None:
    assert sorted(code.value for code in AcuseCode) == ["ACD", "ERM", "RCD", "RFP", "RFT"]


# -- filters --------------------------------------------------------------------------------------


def test_conditions_combine_and_render_on_the_wire() -> None:
    body = build_filters(
        RECEIVED_FILTERS,
        {
            "tipo_dte": ne(39),
            "fch_recep_of": gt(dt.datetime(2025, 1, 1, 10, 0)) & lt(dt.date(2025, 2, 1)),
            "rut_emisor": eq(Rut("76795561-8")),
        },
    )
    assert body == {
        "TipoDTE": {"ne": 39},
        "FchRecepOF": {"gt": "2025-01-01", "lt": "2025-02-01"},
        "RUTEmisor": {"eq": 76795561},
    }


def test_an_operator_given_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="given twice"):
        build_filters(
            ISSUED_FILTERS, {"fch_emis": between("2025-01-01", "2025-02-01") & lte("2025-03-01")}
        )


@pytest.mark.parametrize("value", [True, 3.5, "factura", 0, 1000])
def test_a_dte_type_filter_must_be_a_code(value: Any) -> None:
    with pytest.raises(ValidationError):
        build_filters(ISSUED_FILTERS, {"tipo_dte": value})


@pytest.mark.parametrize("filters", [ISSUED_FILTERS, RECEIVED_FILTERS])
@pytest.mark.parametrize("value", [99, "30", ne(40), {"eq": 35}])
def test_an_equality_on_a_type_no_dte_has_is_refused_naming_the_types(
    filters: Any, value: Any
) -> None:
    with pytest.raises(ValidationError, match=r"not an electronic document type") as caught:
        build_filters(filters, {"tipo_dte": value})
    assert "33 (Factura electrónica)" in str(caught.value)
    assert "112" in str(caught.value)


def test_a_range_of_types_may_use_any_code() -> None:
    assert build_filters(ISSUED_FILTERS, {"tipo_dte": between(30, 60)}) == {
        "TipoDTE": {"gte": 30, "lte": 60}
    }


@pytest.mark.parametrize("filters", [ISSUED_FILTERS, RECEIVED_FILTERS])
@pytest.mark.parametrize(
    "condition",
    [lt(33), {"lte": 32}, between(35, 38), gt(112), gte(62) & lt(110), lte(33) & ne(33)],
)
def test_a_range_holding_no_dte_type_is_refused_naming_the_types(
    filters: Any, condition: Any
) -> None:
    # Codes no DTE has were sent, and the list came back empty as if nothing had been issued.
    with pytest.raises(
        ValidationError, match=r"filter tipo_dte: no .* so the list would come back empty"
    ) as caught:
        build_filters(filters, {"tipo_dte": condition})
    assert "33 (Factura electrónica)" in str(caught.value)
    assert "112" in str(caught.value)


@given(st.dates(), st.dates())
def test_between_renders_any_two_dates_in_order(first: dt.date, second: dt.date) -> None:
    low, high = sorted((first, second))
    assert build_filters(ISSUED_FILTERS, {"fch_emis": between(low, high)}) == {
        "FchEmis": {"gte": low.isoformat(), "lte": high.isoformat()}
    }


@given(st.dates(), st.dates())
def test_between_with_its_dates_swapped_is_refused_not_listed_empty(
    first: dt.date, second: dt.date
) -> None:
    if first == second:
        second = first + dt.timedelta(days=1) if first < dt.date.max else first - dt.timedelta(1)
    low, high = sorted((first, second))
    with pytest.raises(ValidationError, match="the list would come back empty") as caught:
        build_filters(ISSUED_FILTERS, {"fch_emis": between(high, low)})
    assert high.isoformat() in str(caught.value)
    assert "lower bound first" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        ("fch_emis", gt("2025-01-01") & lt("2025-01-02")),  # no whole day strictly between
        ("fch_recep_of", {"gte": "2025-03-01", "lt": "2025-03-01"}),
        ("tipo_dte", gt(40) & lte(40)),
        ("rut_emisor", between("76795561-8", "76430498-5")),
        ("fch_recep_sii", eq("2025-01-05") & gte("2025-01-06")),
    ],
)
def test_comparisons_no_value_meets_are_refused(name: str, condition: Any) -> None:
    with pytest.raises(ValidationError, match=f"filter {name}: no .* so the list would come"):
        build_filters(RECEIVED_FILTERS, {name: condition})


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        ("fch_emis", gt("2025-01-01") & lt("2025-01-03")),
        ("fch_emis", between("2025-01-01", "2025-01-01")),
        ("tipo_dte", gte(33) & ne(34) & lt(35)),
        ("rut_emisor", eq("76795561-8") & lte(76795561)),
    ],
)
def test_ranges_some_value_meets_are_sent(name: str, condition: Any) -> None:
    assert build_filters(RECEIVED_FILTERS, {name: condition})


def test_a_datetime_filters_by_its_date_in_chile_not_in_utc() -> None:
    """2 a.m. UTC on New Year's Day is still 31 December in Santiago, the SII's FchEmis."""
    new_year_utc = dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert build_filters(ISSUED_FILTERS, {"fch_emis": new_year_utc}) == {
        "FchEmis": {"eq": "2024-12-31"}
    }
    santiago_noon = dt.datetime(2025, 1, 1, 12, 0)  # naive: already Chile's local time
    assert build_filters(ISSUED_FILTERS, {"fch_emis": santiago_noon}) == {
        "FchEmis": {"eq": "2025-01-01"}
    }


@given(st.integers(1, 99_999_999))
def test_a_rut_filter_sends_the_number_without_check_digit(number: int) -> None:
    rut = Rut.from_parts(number)
    for value in (rut, str(rut), rut.format(dots=True), number):
        assert build_filters(ISSUED_FILTERS, {"rut_recep": value}) == {"RUTRecep": {"eq": number}}


@pytest.mark.parametrize("value", ["76795561-9", "76.795.5618", "abc", "0-0", 0, 100_000_000, True])
def test_a_refused_rut_filter_is_an_invalid_rut_error_as_every_rut_argument_is(
    value: object,
) -> None:
    with pytest.raises(InvalidRutError, match="filter rut_recep"):
        build_filters(ISSUED_FILTERS, {"rut_recep": value})  # type: ignore[dict-item]
    with pytest.raises(InvalidRutError, match="filter rut_emisor"):
        build_filters(RECEIVED_FILTERS, {"rut_emisor": eq(value)})  # type: ignore[arg-type]


# -- sandbox constants and the namespace ----------------------------------------------------------


def test_the_sandbox_companies_are_the_documented_ones() -> None:
    assert haulmer.SANDBOX_API_KEY == SANDBOX_API_KEY == "928e15a2d14d4a6292345f04960f4bd3"
    assert HAULMER_DEMO.rut == Rut("76795561-8")
    assert HOSTY_DEMO.api_key == "41eb78998d444dbaa4922c410ef14057"
    assert HOSTY_DEMO.acteco == 620200
    assert HAULMER_DEMO.api_key not in repr(HAULMER_DEMO)
    assert HAULMER_DEMO.emisor(boleta=True)["RznSocEmisor"] == "HAULMER SPA"


def test_the_sandbox_key_reaches_haulmers_sandbox() -> None:
    with respx.mock(base_url="https://dev-api.haulmer.com") as router:
        route = router.get("/v2/dte/organization").mock(
            return_value=httpx.Response(200, json={"rut": "76795561-8"})
        )
        with Haulmer(environment="sandbox", api_key=haulmer.SANDBOX_API_KEY) as client:
            client.openfactura.organization.retrieve()
    assert route.calls.last.request.headers["apikey"] == SANDBOX_API_KEY


def _public(cls: type) -> dict[str, Any]:
    return {name: value for name, value in vars(cls).items() if not name.startswith("_")}


def test_sync_and_async_resources_have_the_same_signatures() -> None:
    sync_client = Haulmer(api_key="k")
    async_client = AsyncHaulmer(api_key="k")
    assert type(sync_client.openfactura) is OpenFactura
    assert type(async_client.openfactura) is AsyncOpenFactura
    for name in ("documents", "registry", "organization", "taxpayer"):
        sync_resource = type(getattr(sync_client.openfactura, name))
        async_resource = type(getattr(async_client.openfactura, name))
        sync_methods = _public(sync_resource)
        async_methods = _public(async_resource)
        assert sync_methods.keys() == async_methods.keys(), name
        for method, function in sync_methods.items():
            if isinstance(function, property):  # with_raw_response: a view, not a call
                continue
            if method.startswith("list_"):
                # Lists return an AsyncPaginator: awaitable (a page) and async-iterable (items).
                returns = inspect.signature(async_methods[method]).return_annotation
                assert "AsyncPaginator" in str(returns), (name, method)
            elif method == "emit_many":
                # A batch streams its results: an async iterator, iterated in an async-for loop,
                # that an async-with block or aclose() stops.
                returns = inspect.signature(async_methods[method]).return_annotation
                assert "AsyncBatchResults" in str(returns), (name, method)
                assert issubclass(AsyncBatchResults, AsyncIterator)
                assert {"aclose", "__aenter__", "__aexit__"} <= set(vars(AsyncBatchResults))
            else:
                assert inspect.iscoroutinefunction(async_methods[method]), (name, method)
            sync_params = inspect.signature(function).parameters
            async_params = inspect.signature(async_methods[method]).parameters
            assert [(p.name, p.kind, p.default) for p in sync_params.values()] == [
                (p.name, p.kind, p.default) for p in async_params.values()
            ], (name, method)
            assert {"extra_headers", "timeout", "max_retries"} <= set(sync_params)
    sync_client.close()


@pytest.mark.parametrize("text", ["20250101", "2025-W01-3", "2025-001"])
def test_a_date_filter_in_another_iso_form_is_refused_on_every_python(text: str) -> None:
    """Python 3.11 reads ISO's basic, week and ordinal forms; 3.10 and OpenFactura do not."""
    with pytest.raises(
        ValidationError, match=r"is not a date; pass a datetime\.date or 'YYYY-MM-DD'"
    ):
        build_filters(ISSUED_FILTERS, {"fch_emis": text})


def test_void_guia_takes_a_datetime_on_its_day_in_chile_and_refuses_other_date_forms() -> None:
    from haulmer.openfactura.documents.business import _void_guia_request

    new_year_utc = dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.timezone.utc)  # 23:00 on the eve there
    request = _void_guia_request(34972, new_year_utc, 52, {})
    assert isinstance(request.json, dict)
    assert request.json["Fecha"] == "2026-12-31"
    with pytest.raises(ValidationError, match=r"'2026-02-30' is no day of the calendar"):
        _void_guia_request(34972, "2026-02-30", 52, {})
    with pytest.raises(ValidationError, match=r"'20261016' is not a date written YYYY-MM-DD"):
        _void_guia_request(34972, "20261016", 52, {})


@pytest.mark.parametrize("value", ["3_3", "+33", "٣٣", "３３", "33 33"])
def test_a_dte_type_filter_given_as_text_takes_its_ascii_digits_only(value: str) -> None:
    """int() reads "3_3", "+33" and other scripts' digits as 33; documents.status() does not."""
    with pytest.raises(ValidationError, match="is not a DTE type code"):
        build_filters(ISSUED_FILTERS, {"tipo_dte": value})


def test_a_dte_type_filter_given_as_digits_is_read_as_its_number() -> None:
    assert build_filters(ISSUED_FILTERS, {"tipo_dte": " 39 "}) == {"TipoDTE": {"eq": 39}}
    assert build_filters(ISSUED_FILTERS, {"tipo_dte": "0033"}) == {"TipoDTE": {"eq": 33}}


def test_ne_on_a_type_no_dte_has_says_it_would_exclude_nothing_not_list_nothing() -> None:
    with pytest.raises(ValidationError, match="ne would exclude nothing") as caught:
        build_filters(ISSUED_FILTERS, {"tipo_dte": ne(93)})
    assert "come back empty" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        ("tipo_dte", eq(33) & ne(33)),
        ("fch_emis", between("2025-01-05", "2025-01-05") & ne(dt.date(2025, 1, 5))),
        ("rut_emisor", eq("76795561-8") & ne(76795561)),
        ("fch_recep_of", gte("2025-03-01") & lt("2025-03-02") & ne("2025-03-01")),
    ],
)
def test_a_single_value_that_is_also_excluded_is_refused_not_listed_empty(
    name: str, condition: Any
) -> None:
    with pytest.raises(ValidationError, match=f"filter {name}: the only .* come back empty"):
        build_filters(RECEIVED_FILTERS, {name: condition})


def test_the_filters_modules_examples_are_filters_the_sdk_takes() -> None:
    """The module's docstring shows filters as a user writes them; each must be accepted."""
    import re

    from haulmer.openfactura import filters

    calls = re.findall(r"documents\.list_(issued|received)\((.*)\)", filters.__doc__ or "")
    assert calls
    for which, arguments in calls:
        allowed = ISSUED_FILTERS if which == "issued" else RECEIVED_FILTERS
        values = eval(f"dict({arguments})", vars(filters) | {"date": dt.date})
        assert build_filters(allowed, values)
