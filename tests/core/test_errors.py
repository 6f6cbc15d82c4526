"""Error answers: every OpenFactura body shape, platform envelopes, odd bodies, to one interface."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.responses import decode_error_body
from haulmer.errors import (
    AlreadyIssuedError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DocumentRejectedError,
    ErrorDetail,
    FolioError,
    InvalidTokenError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StepOutOfOrderError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    error_class_for,
    hint_for,
)

from .conftest import API_KEY, SANDBOX
from .helpers import asend, get_org, send

URL = f"{SANDBOX}/v2/dte/organization"


def fail_with(client: Haulmer, mock: respx.MockRouter, response: httpx.Response) -> APIStatusError:
    mock.get(URL).mock(return_value=response)
    with pytest.raises(APIStatusError) as info:
        send(client.with_options(max_retries=0), get_org())
    return info.value


def test_wrapped_envelope_with_details_list_becomes_document_rejected(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {
        "error": {
            "message": "Validación de Campos",
            "code": "OF-10",
            "details": [{"field": "MntNeto", "issue": "Monto erróneo : 1000"}],
        }
    }
    error = fail_with(
        client, mock, httpx.Response(400, json=body, headers={"x-request-id": "req-1"})
    )
    assert type(error) is DocumentRejectedError
    assert (error.status_code, error.code, error.message) == (400, "OF-10", "Validación de Campos")
    assert error.details == [ErrorDetail("MntNeto", "Monto erróneo : 1000")]
    assert error.request_id == "req-1"
    assert str(error) == (
        "HTTP 400 OF-10: Validación de Campos (MntNeto: Monto erróneo : 1000) [request id req-1]"
    )


def test_idempotency_replay_becomes_already_issued_with_the_token(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {
        "error": {
            "message": "Este DTE ya fue emitido (Idempotency-Key)",
            "code": "OF-06",
            "token": "ab" * 32,
        }
    }
    error = fail_with(client, mock, httpx.Response(400, json=body))
    assert isinstance(error, AlreadyIssuedError)
    assert error.token == "ab" * 32
    assert error.details == []


def test_unwrapped_body_with_details_object_gives_a_details_list(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Fecha Incorrecta"},
    }
    error = fail_with(client, mock, httpx.Response(400, json=body))
    assert isinstance(error, DocumentRejectedError)
    assert error.details == [ErrorDetail("Error", "Fecha Incorrecta")]
    assert error.message == "Validación de Campos."


def test_a_details_object_nesting_objects_names_each_field_by_its_path() -> None:
    details = {"Receptor": {"RUTRecep": "es Incorrecto", "GiroRecep": ["es muy largo"]}}
    body = {"message": "Validación de Campos.", "code": "OF-10", "details": details}
    decoded = decode_error_body(400, json.dumps(body).encode(), "application/json")
    assert decoded.details == [
        ErrorDetail("Receptor.RUTRecep", "es Incorrecto"),
        ErrorDetail("Receptor.GiroRecep", "es muy largo"),
    ]


@pytest.mark.parametrize("said_as", ["message", "error", "msg"])
def test_a_detail_saying_its_issue_as_message_or_error_keeps_it(said_as: str) -> None:
    body = {"error": {"message": "m", "code": "OF-10", "details": [{"field": "F", said_as: "I"}]}}
    decoded = decode_error_body(400, json.dumps(body).encode(), "application/json")
    assert decoded.details == [ErrorDetail("F", "I")]


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (
            401,
            {"statusCode": 401, "message": "Access denied due to invalid subscription key."},
            AuthenticationError,
        ),
        (403, {"message": "Invalid authentication credentials"}, PermissionDeniedError),
        (404, {"statusCode": 404, "message": "Resource not found"}, NotFoundError),
        (
            429,
            {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."},
            RateLimitError,
        ),
        (429, {"message": "API rate limit exceeded"}, RateLimitError),
    ],
)
def test_gateway_bodies_map_by_status(
    client: Haulmer,
    mock: respx.MockRouter,
    status: int,
    body: dict[str, Any],
    cls: type[APIStatusError],
) -> None:
    error = fail_with(client, mock, httpx.Response(status, json=body))
    assert type(error) is cls
    assert error.message == body["message"]
    assert error.code is None
    assert error.details == []


def test_rate_limit_error_carries_the_wait_from_its_message(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}
    error = fail_with(client, mock, httpx.Response(429, json=body))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert "3 requests/s" in str(error)


def test_sync_rcv_limit_carries_retry_after_field(client: Haulmer, mock: respx.MockRouter) -> None:
    body = {"message": "Límite", "code": "OF-429", "retry_after": 42, "ends_at": "2026-06-01"}
    error = fail_with(client, mock, httpx.Response(429, json=body))
    assert isinstance(error, RateLimitError)
    assert (error.code, error.retry_after) == ("OF-429", 42.0)


def test_folio_code_becomes_folio_error(client: Haulmer, mock: respx.MockRouter) -> None:
    body = {"error": {"message": "Sin folios", "code": "OF-07"}}
    assert type(fail_with(client, mock, httpx.Response(400, json=body))) is FolioError


def test_authentication_error_says_where_the_key_comes_from(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    error = fail_with(client, mock, httpx.Response(401, json={"statusCode": 401, "message": "x"}))
    assert "HAULMER_API_KEY" in str(error)
    assert API_KEY not in str(error)


def test_platform_envelope_maps_its_codes(client: Haulmer, mock: respx.MockRouter) -> None:
    body = {
        "error": {
            "code": "step_out_of_order",
            "message": "Create the workspace first",
            "details": [],
        }
    }
    error = fail_with(client, mock, httpx.Response(409, json=body))
    assert type(error) is StepOutOfOrderError
    assert isinstance(error, ConflictError)
    body = {"error": {"code": "token_expired", "message": "Ask for a new link"}}
    assert type(fail_with(client, mock, httpx.Response(400, json=body))) is TokenExpiredError


def test_html_gateway_page_uses_the_status_phrase(client: Haulmer, mock: respx.MockRouter) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    error = fail_with(
        client, mock, httpx.Response(502, content=page, headers={"content-type": "text/html"})
    )
    assert type(error) is ServerError
    assert error.message == "Bad Gateway"
    assert error.body is None


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (520, "Web server returned an unknown error"),
        (521, "Web server is down"),
        (522, "Connection timed out"),
        (523, "Origin is unreachable"),
        (524, "A timeout occurred"),
        (525, "SSL handshake failed"),
        (526, "Invalid SSL certificate"),
    ],
)
def test_a_cloudflare_error_page_says_what_its_status_means_not_error(
    client: Haulmer, mock: respx.MockRouter, status: int, phrase: str
) -> None:
    page = f"<!DOCTYPE html><html><head><title>{status}</title></head><body></body></html>"
    answer = httpx.Response(status, content=page.encode(), headers={"content-type": "text/html"})
    error = fail_with(client, mock, answer)
    assert type(error) is ServerError
    assert error.message == phrase


def test_a_megabyte_error_body_gives_a_short_error_and_keeps_the_body(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    # A proxy or a broken server may answer a megabyte: the error says what it can in a few
    # hundred characters per part, and error.body keeps the whole answer.
    huge = "A" * 1_000_000
    details = [{"field": huge, "issue": huge}] + [
        {"field": f"F{n}", "issue": "x"} for n in range(99)
    ]
    body = {"error": {"message": huge, "code": "OF-" + huge, "details": details}}
    error = fail_with(client, mock, httpx.Response(400, json=body))
    assert len(error.message) == 300
    assert error.message.endswith("…")
    assert error.code is not None
    assert len(error.code) == 40
    assert len(error.details) == 100
    assert (len(error.details[0].field), len(error.details[0].issue)) == (120, 300)
    assert error.details[1] == ErrorDetail("F0", "x")
    text = str(error)
    assert len(text) < 5_000
    assert "; and 80 more)" in text
    assert error.body == body


def test_plain_text_body_becomes_the_message(client: Haulmer, mock: respx.MockRouter) -> None:
    error = fail_with(client, mock, httpx.Response(404, content=b"Api no encontrada"))
    assert type(error) is NotFoundError
    assert error.message == "Api no encontrada"


def test_iso_8859_1_body_is_decoded(client: Haulmer, mock: respx.MockRouter) -> None:
    body = json.dumps(
        {
            "error": {
                "message": "Validación de Campos",
                "code": "OF-10",
                "details": [{"field": "CmnaOrigen", "issue": "Curicó no válida"}],
            }
        },
        ensure_ascii=False,
    ).encode("iso-8859-1")
    error = fail_with(
        client,
        mock,
        httpx.Response(400, content=body, headers={"content-type": "application/json"}),
    )
    assert error.message == "Validación de Campos"
    assert error.details == [ErrorDetail("CmnaOrigen", "Curicó no válida")]


def test_declared_charset_is_honoured(client: Haulmer, mock: respx.MockRouter) -> None:
    content = '{"message": "Año inválido", "code": "OF-10"}'.encode("iso-8859-1")
    headers = {"content-type": "application/json; charset=ISO-8859-1"}
    error = fail_with(client, mock, httpx.Response(400, content=content, headers=headers))
    assert error.message == "Año inválido"


@pytest.mark.parametrize("header", ["x-request-id", "request-id", "apim-request-id"])
def test_request_id_is_read_from_any_known_header(
    client: Haulmer, mock: respx.MockRouter, header: str
) -> None:
    error = fail_with(client, mock, httpx.Response(404, json={}, headers={header: "rid-9"}))
    assert error.request_id == "rid-9"


def test_unknown_4xx_status_is_a_plain_status_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    error = fail_with(client, mock, httpx.Response(418, json={"message": "teapot"}))
    assert type(error) is APIStatusError
    assert error.status_code == 418


async def test_async_client_raises_the_same_classes(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    body = {"error": {"message": "dup", "code": "OF-06", "token": "t"}}
    mock.get(URL).respond(400, json=body)
    with pytest.raises(AlreadyIssuedError) as info:
        await asend(aclient, get_org())
    assert info.value.token == "t"


def test_two_hundred_with_a_body_that_is_not_json_is_a_response_validation_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(URL).respond(200, content=b"<html>maintenance</html>", headers={"x-request-id": "r2"})
    with pytest.raises(APIResponseValidationError, match="not JSON") as info:
        send(client, get_org())
    assert info.value.request_id == "r2"


def test_two_hundred_with_a_body_of_the_wrong_shape_is_a_response_validation_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(URL).respond(200, json={"no_rut": True})
    with pytest.raises(APIResponseValidationError, match="Organization"):
        send(client, get_org())


def test_table_prefers_the_code_and_falls_back_to_the_status() -> None:
    assert error_class_for(400, "OF-06") is AlreadyIssuedError
    assert error_class_for(400, "OF-99") is BadRequestError
    assert error_class_for(400) is BadRequestError
    assert error_class_for(503, "OF-21") is ServerError
    assert error_class_for(409, "already_done") is ConflictError
    for code in ("OF-01", "OF-02", "OF-08", "OF-10", "OF-20"):
        assert error_class_for(400, code) is DocumentRejectedError


def test_a_refused_reference_to_another_document_is_a_document_rejection(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {
        "error": {
            "message": "Error en relaciones",
            "code": "OF-09",
            "details": [{"field": "Referencia", "issue": "FolioRef no existe"}],
        }
    }
    error = fail_with(client, mock, httpx.Response(400, json=body))
    assert isinstance(error, DocumentRejectedError)  # what README's except pattern catches
    assert (error.code, error.status_code) == ("OF-09", 400)
    assert error.details == [ErrorDetail("Referencia", "FolioRef no existe")]


@given(status=st.integers(400, 599), content=st.binary(max_size=300))
def test_any_error_body_decodes_to_a_message_and_a_details_list(
    status: int, content: bytes
) -> None:
    decoded = decode_error_body(status, content, None)
    assert isinstance(decoded.message, str)
    assert decoded.message
    assert all(isinstance(d, ErrorDetail) for d in decoded.details)


@given(
    details=st.one_of(
        st.lists(st.fixed_dictionaries({"field": st.text(), "issue": st.text()})),
        st.dictionaries(st.text(), st.one_of(st.text(), st.lists(st.text()))),
        st.text(),
        st.none(),
    ),
    wrapped=st.booleans(),
)
def test_details_in_any_documented_form_become_a_list(details: Any, wrapped: bool) -> None:
    inner = {"message": "m", "code": "OF-10", "details": details}
    body = {"error": inner} if wrapped else inner
    decoded = decode_error_body(400, json.dumps(body).encode(), "application/json")
    assert decoded.code == "OF-10"
    assert isinstance(decoded.details, list)
    assert all(isinstance(d, ErrorDetail) for d in decoded.details)


@pytest.mark.parametrize(
    ("status", "error_class", "advice"),
    [
        (403, PermissionDeniedError, "Use the API key or login of the organization"),
        (404, NotFoundError, "Check the id or token"),
        (503, ServerError, "try again later"),
    ],
)
def test_status_errors_say_what_to_do(
    client: Haulmer,
    mock: respx.MockRouter,
    status: int,
    error_class: type[APIStatusError],
    advice: str,
) -> None:
    error = fail_with(client, mock, httpx.Response(status, json={"message": "no"}))
    assert type(error) is error_class
    assert str(error).startswith(f"HTTP {status}: no. ")
    assert advice in str(error)


def _envelope(code: str, message: str = "refused") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": []}}


def test_a_wrong_login_password_says_to_check_the_email_and_password_not_the_api_key(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = _envelope("invalid_credentials", "wrong e-mail or password")
    error = fail_with(client, mock, httpx.Response(401, json=body))
    assert type(error) is AuthenticationError
    assert "Check the e-mail and the password" in str(error)
    assert "forgot_password(email)" in str(error)
    assert "HAULMER_API_KEY" not in str(error)


def test_a_missing_or_expired_access_token_says_to_log_in(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    error = fail_with(client, mock, httpx.Response(401, json=_envelope("unauthenticated")))
    assert "accounts.login(email, password)" in str(error)
    assert "HAULMER_API_KEY" not in str(error)


def test_the_sync_rcv_window_says_to_wait_retry_after_and_that_the_limiter_cannot_help(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"message": "Demasiadas solicitudes", "code": "OF-429", "retry_after": 600}
    error = fail_with(client, mock, httpx.Response(429, json=body))
    assert type(error) is RateLimitError
    assert "once per window" in error.hint
    assert "retry in 600 seconds" in error.hint
    assert "cannot avoid" in error.hint
    assert "3 requests/s" not in str(error)


def test_the_gateway_rate_limit_names_the_wait_and_the_limiter(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}
    error = fail_with(client, mock, httpx.Response(429, json=body))
    assert "retry in 1 second," in error.hint
    assert "Haulmer(rate_limit=True) keeps a client under that limit" in error.hint


@pytest.mark.parametrize(
    ("status", "code", "error_class", "advice"),
    [
        (400, "OF-03", DocumentRejectedError, "organization.retrieve().rut"),
        (400, "OF-04", BadRequestError, "electronic signature, the .pfx uploaded"),
        (400, "OF-05", DocumentRejectedError, "does not take this DTE type from this issuer"),
        (400, "OF-07", FolioError, "organization.folios()"),
        (400, "OF-11", BadRequestError, "could not make the PDF"),
        (400, "OF-12", DocumentRejectedError, "could not write the document's XML"),
        (400, "OF-13", BadRequestError, "a database error"),
        (400, "OF-22", BadRequestError, "No document with that token or folio"),
        (400, "OF-23", BadRequestError, "blocked for a while"),
        (400, "token_invalid", InvalidTokenError, "latest e-mail"),
        (400, "token_expired", TokenExpiredError, "forgot_password(email)"),
        (400, "token_used", TokenAlreadyUsedError, "works once"),
        (409, "step_out_of_order", StepOutOfOrderError, "missing step the message names"),
        (409, "already_done", ConflictError, "cannot be repeated"),
    ],
)
def test_each_cause_gets_its_own_advice(
    client: Haulmer,
    mock: respx.MockRouter,
    status: int,
    code: str,
    error_class: type[APIStatusError],
    advice: str,
) -> None:
    error = fail_with(client, mock, httpx.Response(status, json=_envelope(code)))
    assert type(error) is error_class
    assert advice in str(error)
    assert "HAULMER_API_KEY" not in str(error)


def test_document_rejections_and_validation_failures_let_their_details_speak() -> None:
    for code in ("OF-01", "OF-06", "OF-08", "OF-10", "validation_failed"):
        assert hint_for(400, code) == ""


def test_hint_follows_retry_after_set_later_and_an_explicit_hint_wins() -> None:
    error = RateLimitError("slow down", status_code=429, code="OF-429")
    assert error.hint.endswith("retry later")
    error.retry_after = 12.2
    assert error.hint.endswith("retry in 13 seconds")
    chosen = RateLimitError("slow down", status_code=429, hint="wait for the batch")
    assert str(chosen) == "HTTP 429: slow down. wait for the batch"
    assert str(RateLimitError("x", status_code=429, hint="")) == "HTTP 429: x"


def test_an_unknown_code_gets_the_advice_of_its_status() -> None:
    assert hint_for(401, "something_new") == hint_for(401)
    assert "HAULMER_API_KEY" in hint_for(401)
    assert hint_for(418) == ""
    assert "try again later" in hint_for(502, "OF-21")


def test_a_response_that_fails_validation_never_shows_its_values(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    import traceback

    secret = "eyJSECRET-access-token-0123456789"
    mock.get(URL).respond(200, json={"access_token": secret, "razon_social": 7})
    with pytest.raises(APIResponseValidationError, match="Organization") as info:
        send(client, get_org())
    shown = "".join(traceback.format_exception(info.value))
    assert "rut: Field required" in str(info.value)
    assert "razon_social: Input should be a valid string" in str(info.value)
    assert "eyJSECRET" not in shown
    assert info.value.__cause__ is None


def test_a_response_that_fails_validation_keeps_its_body_with_secret_named_values_masked(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    """The body kept to narrow holds no access token, password or key (an error tracker that
    records an exception's attributes, a pickle of the error), but keeps the rest, a
    document's token among it."""
    import pickle

    secret = "eyJSECRET-access-token-0123456789"
    answer = {
        "access_token": secret,
        "session": {"refresh_token": secret, "apikey": secret, "expires_in": 3600},
        "Password": secret,
        "refreshToken": secret,
        "API-Key": secret,
        "token": "document-token-abc",
        "TOKEN": "document-token-abc",
        "razon_social": 7,
    }
    mock.get(URL).respond(200, json=answer)
    with pytest.raises(APIResponseValidationError) as info:
        send(client, get_org())
    shown = repr(vars(info.value)) + repr(vars(pickle.loads(pickle.dumps(info.value))))
    assert "eyJSECRET" not in shown
    assert info.value.body == {
        "access_token": "[redacted]",
        "session": {"refresh_token": "[redacted]", "apikey": "[redacted]", "expires_in": 3600},
        "Password": "[redacted]",
        "refreshToken": "[redacted]",
        "API-Key": "[redacted]",
        "token": "document-token-abc",
        "TOKEN": "document-token-abc",
        "razon_social": 7,
    }


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_a_utf8_byte_order_mark_before_json_is_skipped(
    client: Haulmer, mock: respx.MockRouter, content_type: str
) -> None:
    bom = b"\xef\xbb\xbf"
    headers = {"content-type": content_type}
    mock.get(URL).mock(
        side_effect=[
            httpx.Response(200, content=bom + b'{"rut": "76795561-8"}', headers=headers),
            httpx.Response(400, content=bom + b'{"error": {"code": "OF-10"}}', headers=headers),
        ]
    )
    assert send(client, get_org()).rut == "76795561-8"
    with pytest.raises(DocumentRejectedError) as info:
        send(client, get_org())
    assert info.value.code == "OF-10"


def test_of_21_says_the_request_was_not_carried_out_and_to_send_it_again() -> None:
    error = error_class_for(400, "OF-21")(
        "Base de datos no disponible", status_code=400, code="OF-21"
    )
    assert isinstance(error, BadRequestError)
    assert "did nothing with it" in str(error)
    assert "again" in str(error)
    assert hint_for(400, "OF-21") == error.hint


@pytest.mark.parametrize("wait", [float("inf"), float("nan"), -1.0])
def test_a_wait_no_clock_can_keep_is_retry_later_in_a_hint(wait: float) -> None:
    assert hint_for(429, retry_after=wait).count("retry later") == 1
    error = RateLimitError("Too Many Requests", status_code=429, retry_after=wait)
    assert "retry later" in str(error)


def test_the_gateways_403_for_an_unknown_key_gets_advice_about_the_openfactura_key(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    """OpenFactura's gateway answers 403 "Invalid authentication credentials" to a key it does
    not know: the advice is about that key and its environment, not the 401's access token."""
    body = {"message": "Invalid authentication credentials"}
    error = fail_with(client, mock, httpx.Response(403, json=body))
    assert type(error) is PermissionDeniedError
    assert error.hint != hint_for(401)
    assert "does not know this API key" in error.hint
    assert "environment" in error.hint
    assert "access token" not in error.hint


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        (
            {"error": {"code": "of-09", "message": "Error en relaciones"}},
            "Error en relaciones",
            "OF-09",
        ),
        ({"code": "of-10", "message": "Validación de Campos"}, "Validación de Campos", "OF-10"),
        ({"error": {"code": " OF-10 ", "message": "m"}}, "m", "OF-10"),
        ({"error": {"error": {"code": "OF-10", "message": "m"}}}, "m", "OF-10"),
        ({"code": "OF-10", "error": {"message": "m"}}, "m", "OF-10"),
        ({"message": "m", "error": {"code": "OF-10"}}, "m", "OF-10"),
        ({"message": {"code": "OF-10", "message": "m"}}, "m", "OF-10"),
        (
            {"statusCode": 400, "error": {"message": {"code": "OF-10", "message": "m"}}},
            "m",
            "OF-10",
        ),
    ],
)
def test_an_error_body_in_a_shape_not_documented_still_gives_its_code_and_message(
    body: dict[str, Any], message: str, code: str
) -> None:
    decoded = decode_error_body(400, json.dumps(body).encode(), "application/json")
    assert (decoded.message, decoded.code) == (message, code)
    assert error_class_for(400, decoded.code) is DocumentRejectedError


def test_a_nested_envelope_keeps_its_details_and_token(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {
        "code": "OF-10",
        "error": {"message": "m", "details": [{"field": "MntNeto", "issue": "Monto erróneo"}]},
    }
    error = fail_with(client, mock, httpx.Response(400, json=body))
    assert type(error) is DocumentRejectedError
    assert error.details == [ErrorDetail("MntNeto", "Monto erróneo")]
    replay = {"error": {"error": {"code": "of-06", "message": "ya emitido", "token": "abc"}}}
    error = fail_with(client, mock, httpx.Response(400, json=replay))
    assert isinstance(error, AlreadyIssuedError)
    assert (error.code, error.token) == ("OF-06", "abc")


def test_a_message_that_is_an_object_without_code_or_message_is_not_taken_for_an_envelope() -> None:
    body = {"message": {"Receptor": "RUTRecep"}, "code": "OF-10"}
    decoded = decode_error_body(400, json.dumps(body).encode(), "application/json")
    assert decoded.code == "OF-10"
    assert "RUTRecep" in decoded.message
