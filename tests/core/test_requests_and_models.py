"""Request bodies and response casting: JSON encoding, raw bytes, text, models, lists."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import Any

import pytest
import respx
from pydantic import Field

from haulmer import Haulmer
from haulmer._core.request import APIRequest, new_idempotency_key
from haulmer._models import HaulmerModel, encode_json, to_jsonable
from haulmer.errors import ValidationError
from haulmer.rut import Rut

from .conftest import PLATFORM
from .helpers import send


class Line(HaulmerModel):
    """A model with SII wire names, as product modules write them."""

    nombre: str = Field(alias="NmbItem")
    precio: decimal.Decimal = Field(alias="PrcItem")
    descuento: int | None = Field(default=None, alias="DescuentoMonto")


class Color(enum.Enum):
    RED = "red"


def test_json_bodies_use_wire_names_numbers_iso_dates_and_canonical_ruts() -> None:
    body = {
        "Detalle": [Line(nombre="Servicio", precio=decimal.Decimal("1000"))],
        "Monto": decimal.Decimal("12.5"),
        "FchEmis": dt.date(2026, 11, 28),
        "RUTRecep": Rut("76430498-5"),
        "Color": Color.RED,
        "Glosa": "Curicó",
    }
    decoded = json.loads(encode_json(body))
    assert decoded == {
        "Detalle": [{"NmbItem": "Servicio", "PrcItem": 1000}],
        "Monto": 12.5,
        "FchEmis": "2026-11-28",
        "RUTRecep": "76430498-5",
        "Color": "red",
        "Glosa": "Curicó",
    }
    assert "Curicó".encode() in encode_json(body)


def test_unserialisable_values_are_refused() -> None:
    with pytest.raises(TypeError):
        encode_json({"x": object()})


def test_models_accept_wire_and_python_names_and_keep_unknown_fields() -> None:
    line = Line.model_validate({"NmbItem": "A", "PrcItem": "10", "IndExe": 1})
    assert line.nombre == "A"
    assert line.model_extra == {"IndExe": 1}
    assert Line(nombre="B", precio=decimal.Decimal(2)).to_wire() == {"NmbItem": "B", "PrcItem": 2}


def test_request_descriptions_are_checked() -> None:
    with pytest.raises(ValidationError, match="start with '/'"):
        APIRequest("GET", "v1/x", "platform", dict)
    with pytest.raises(ValidationError, match="not both"):
        APIRequest("POST", "/v1/x", "platform", dict, json={}, content=b"x")
    assert APIRequest("get", "/v1/x", "platform", dict).method == "GET"


def test_retry_safety_follows_method_key_and_flag() -> None:
    assert APIRequest("GET", "/x", "platform", dict).retry_safe
    assert not APIRequest("POST", "/x", "platform", dict).retry_safe
    assert APIRequest("POST", "/x", "platform", dict, idempotency_key="k").retry_safe
    assert APIRequest("POST", "/x", "platform", dict, safe=True).retry_safe
    assert not APIRequest("GET", "/x", "platform", dict, safe=False).retry_safe


def test_request_description_repr_hides_the_access_token() -> None:
    request = APIRequest("GET", "/x", "platform", dict, access_token="tok-SECRET")
    assert "tok-SECRET" not in repr(request)


def test_new_idempotency_keys_are_unique() -> None:
    assert len({new_idempotency_key() for _ in range(100)}) == 100


@pytest.mark.parametrize(
    ("cast_to", "content", "expected"),
    [
        (bytes, b"%PDF-1.4 \xff", b"%PDF-1.4 \xff"),
        (str, "Curicó".encode("iso-8859-1"), "Curicó"),
        (type(None), b"anything", None),
        (list[Line], b'[{"NmbItem": "A", "PrcItem": 1}]', [Line(nombre="A", precio=1)]),
        (dict[str, Any], b'{"a": [1]}', {"a": [1]}),
    ],
)
def test_answers_are_cast_as_the_request_says(
    client: Haulmer, mock: respx.MockRouter, cast_to: Any, content: bytes, expected: Any
) -> None:
    mock.get(f"{PLATFORM}/v1/thing").respond(200, content=content)
    assert send(client, APIRequest("GET", "/v1/thing", "platform", cast_to)) == expected


def test_query_params_drop_none_values(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.get(f"{PLATFORM}/v1/thing").respond(json={})
    send(
        client,
        APIRequest(
            "GET", "/v1/thing", "platform", dict, params={"status": "pending,exclude", "day": None}
        ),
    )
    assert str(route.calls.last.request.url) == f"{PLATFORM}/v1/thing?status=pending%2Cexclude"


def test_a_prepared_request_repr_hides_its_body_and_query() -> None:
    from haulmer._core.config import ClientConfig
    from haulmer._core.prepare import prepare_request

    config = ClientConfig(
        api_key="key-SECRET",
        environment="local",
        base_urls={
            "openfactura": "http://127.0.0.1:1",
            "platform": "http://u:pw-SECRET@127.0.0.1:1",
        },
    )
    request: APIRequest[Any] = APIRequest(
        "POST",
        "/v1/accounts/password",
        product="platform",
        cast_to=dict,
        json={"password": "Hunter2-SECRET", "token": "mail-SECRET"},
        params={"token": "query-SECRET"},
    )
    prepared = prepare_request(config, request)
    assert prepared.content is not None
    assert b"Hunter2-SECRET" in prepared.content  # the body is sent, but never shown
    assert "SECRET" not in repr(prepared)
    assert "POST" in repr(prepared)


def test_an_api_request_takes_exactly_its_fields_with_their_defaults() -> None:
    import dataclasses
    import inspect

    parameters = list(inspect.signature(APIRequest.__init__).parameters.values())[1:]
    fields = dataclasses.fields(APIRequest)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        missing = field.default is dataclasses.MISSING
        assert parameter.default is (inspect.Parameter.empty if missing else field.default)
    request = APIRequest("get", "/v1/x", "platform", dict, params={"a": "1"}, max_retries=1)
    assert request.method == "GET"
    assert request.replace(path="/v1/y") == APIRequest(
        "GET", "/v1/y", "platform", dict, params={"a": "1"}, max_retries=1
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.path = "/v1/z"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="must start with '/'"):
        APIRequest("GET", "v1/x", "platform", dict)
    with pytest.raises(ValidationError, match="json= or content="):
        APIRequest("POST", "/v1/x", "platform", dict, json={}, content=b"")


def test_a_prepared_request_takes_exactly_its_fields_with_their_defaults() -> None:
    import dataclasses
    import inspect

    from haulmer._core.prepare import PreparedRequest

    parameters = list(inspect.signature(PreparedRequest.__init__).parameters.values())[1:]
    fields = dataclasses.fields(PreparedRequest)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        if field.default_factory is not dataclasses.MISSING:
            assert parameter.default is None, field.name  # None stands for a fresh default
        else:
            missing = field.default is dataclasses.MISSING
            assert parameter.default is (inspect.Parameter.empty if missing else field.default)
    prepared = PreparedRequest("GET", "https://h.test/x", "platform", {}, {}, None, None, 0, True)
    assert prepared.error_hints == {}
    assert prepared.creates == "what this call creates"
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepared.url = "https://other.test/"  # type: ignore[misc]


def test_a_raw_response_takes_exactly_its_fields_with_their_defaults() -> None:
    import dataclasses
    import inspect

    from haulmer._core.responses import RawResponse

    parameters = list(inspect.signature(RawResponse.__init__).parameters.values())[1:]
    fields = dataclasses.fields(RawResponse)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        missing = field.default is dataclasses.MISSING
        assert parameter.default is (inspect.Parameter.empty if missing else field.default)
    raw = RawResponse(200, {"x-request-id": "r1"}, b"{}", "GET", "https://h.test/x")
    assert (raw.elapsed, raw.request_id) == (0.0, "r1")
    assert raw == RawResponse(200, {"x-request-id": "r1"}, b"{}", "GET", "https://h.test/x", 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        raw.status_code = 500  # type: ignore[misc]


_SESSION = {
    "access_token": "model-access-token-0123456789",
    "expires_at": "2026-12-03T10:00:00Z",
    "platform": "openfactura",
    "account": {
        "id": "acc_1",
        "email": "ana@example.com",
        "name": "Ana",
        "has_password": True,
        "created_at": "2026-12-03T10:00:00Z",
        "password": "model-extra-password-2026",
    },
    "refresh_token": "model-refresh-token-0123456789",
}


def test_an_answered_model_shows_a_marker_for_unknown_fields_that_name_a_secret() -> None:
    import copy

    from haulmer.accounts import Session
    from haulmer.openfactura.models import DocumentStatus

    session = Session.model_validate(_SESSION)
    for shown in (repr(session), str(session), repr(copy.deepcopy(session)), repr([session])):
        assert "model-refresh-token" not in shown
        assert "model-extra-password" not in shown
        assert "model-access-token" not in shown
        assert "refresh_token='[redacted]'" in shown
    assert session.model_extra == {"refresh_token": "model-refresh-token-0123456789"}
    status = DocumentStatus.model_validate({"estado": "Aceptado", "client_secret": "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(status)
    assert "client_secret='[redacted]'" in repr(status)


def test_a_validation_error_of_an_answered_model_does_not_quote_its_input() -> None:
    import pydantic

    from haulmer.accounts import Session
    from haulmer.openfactura.certification import ApiKey
    from haulmer.openfactura.models import DocumentStatus

    with pytest.raises(pydantic.ValidationError) as session_error:
        Session.model_validate({**_SESSION, "expires_at": "not a date"})
    with pytest.raises(pydantic.ValidationError) as key_error:
        ApiKey.model_validate_json('{"api_key": "model-api-key-0123456789abcdef"}')
    with pytest.raises(pydantic.ValidationError) as status_error:
        DocumentStatus.model_validate({"estado": ["model-secret-in-a-list"]})
    assert "model-access-token" not in str(session_error.value)
    assert "expires_at" in str(session_error.value)
    assert "model-api-key" not in str(key_error.value)
    assert "model-secret-in-a-list" not in str(status_error.value)


SECRET_MODELS = [
    (
        "haulmer.accounts.Session",
        "access_token",
        {
            "access_token": "tok_session_secret_1234",
            "expires_at": "2026-03-01T12:00:00-03:00",
            "platform": "my_haulmer",
            "account": {
                "id": "acc_1",
                "email": "ana@example.com",
                "name": "Ana",
                "has_password": True,
                "created_at": "2026-03-01T11:00:00-03:00",
            },
        },
    ),
    (
        "haulmer.openfactura.certification.ApiKey",
        "api_key",
        {
            "api_key": "0123456789abcdef0123456789abcdef",
            "organization_id": "org_1",
            "organization_rut": "76795561-8",
            "created_at": "2026-03-01T12:00:00-03:00",
        },
    ),
]


@pytest.mark.parametrize(("path", "field", "answer"), SECRET_MODELS)
def test_a_model_dump_masks_a_declared_secret_that_the_attribute_still_gives(
    path: str, field: str, answer: dict[str, Any]
) -> None:
    import importlib

    from pydantic import SecretStr

    module, name = path.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    model = cls.model_validate(answer)
    secret = answer[field]
    assert getattr(model, field) == secret  # plain text, as f"Bearer {...}" needs it
    dumped = model.model_dump()
    assert isinstance(dumped[field], SecretStr)
    assert dumped[field].get_secret_value() == secret
    for shown in (str(dumped), repr(model), model.model_dump_json(), json.dumps(model.to_wire())):
        assert secret not in shown
    assert json.loads(model.model_dump_json())[field] == "**********"
    assert getattr(cls.model_validate(dumped), field) == secret  # a dump read back keeps it


def test_a_secret_str_is_taken_as_a_client_credential_and_sent_as_its_text(
    mock: respx.MockRouter,
) -> None:
    from pydantic import SecretStr

    route = mock.get(f"{PLATFORM}/v1/accounts/me").respond(
        200,
        json={
            "id": "acc_1",
            "email": "ana@example.com",
            "name": "Ana",
            "has_password": True,
            "created_at": "2026-03-01T11:00:00-03:00",
        },
    )
    organization = mock.get("https://dev-api.haulmer.com/v2/dte/organization").respond(
        200, json={"rut": "76795561-8"}
    )
    with Haulmer(
        api_key=SecretStr("key-secret"), environment="sandbox", base_urls={"platform": PLATFORM}
    ) as client:
        client.with_options(access_token=SecretStr("tok-secret")).accounts.me()
        client.openfactura.organization.retrieve()
        assert "key-secret" not in repr(client)
    assert route.calls.last.request.headers["authorization"] == "Bearer tok-secret"
    assert organization.calls.last.request.headers["apikey"] == "key-secret"


def test_decimals_are_written_with_every_digit_as_compact_json_numbers() -> None:
    body = {
        "QtyItem": decimal.Decimal("123456789012.123456"),
        "PrcItem": decimal.Decimal("-0.000001"),
        "Tiny": decimal.Decimal("1.5E-12"),
        "Whole": decimal.Decimal("12.000"),
        "Line": Line(nombre="A", precio=decimal.Decimal("999999999999.999999")),
    }
    written = encode_json(body)
    assert written == (
        b'{"QtyItem":123456789012.123456,"PrcItem":-0.000001,"Tiny":1.5E-12,"Whole":12,'
        b'"Line":{"NmbItem":"A","PrcItem":999999999999.999999}}'
    )
    assert json.loads(written, parse_float=decimal.Decimal)["QtyItem"] == body["QtyItem"]
    assert to_jsonable(body)["QtyItem"] == body["QtyItem"]


def test_text_that_looks_like_a_written_decimal_stays_text_and_is_refused() -> None:
    with pytest.raises(ValidationError, match="lone surrogate"):
        encode_json({"a": decimal.Decimal("1.5"), "b": "\udc001.5\udc00"})


def test_a_canonical_form_sorts_keys_and_keeps_decimals_exact() -> None:
    written = encode_json({"b": decimal.Decimal("0.1234567890123456789"), "a": 1}, sort_keys=True)
    assert written == b'{"a":1,"b":0.1234567890123456789}'


def test_plain_json_values_write_back_as_they_were_written() -> None:
    digits = decimal.Decimal("0.1234567890123456789")
    given = {"a": 33.0, "b": 0.1, "c": decimal.Decimal("1.50"), "d": digits}
    plain = to_jsonable(given)
    assert type(plain["a"]) is float
    assert (
        encode_json(plain)
        == encode_json(given)
        == (b'{"a":33.0,"b":0.1,"c":1.50,"d":0.1234567890123456789}')
    )


_EXTRA_SECRETS = {
    "estado": "Aceptado",
    "reset_token": "extra-reset-token-0123456789",
    "Password": "extra-password-2026",
    "session": {"refresh_token": "nested-refresh-token-0123", "expires_in": 3600},
    "keys": [{"apikey": "nested-api-key-0123456789"}],
    "note": "nothing secret here",
}


def test_secret_named_extras_are_masked_in_every_dump_and_kept_for_use() -> None:
    from pydantic import SecretStr

    from haulmer.openfactura.models import DocumentStatus

    status = DocumentStatus.model_validate(_EXTRA_SECRETS)
    for shown in (repr(status), str(status), status.model_dump_json(), str(status.model_dump())):
        for secret in ("extra-reset", "extra-password", "nested-refresh", "nested-api-key"):
            assert secret not in shown
        assert "nothing secret here" in shown
    dumped = json.loads(status.model_dump_json())
    assert dumped["reset_token"] == "**********"
    assert dumped["session"] == {"refresh_token": "**********", "expires_in": 3600}
    assert dumped["keys"] == [{"apikey": "**********"}]
    python = status.model_dump()
    assert isinstance(python["Password"], SecretStr)
    assert python["Password"].get_secret_value() == "extra-password-2026"
    # The values themselves stay readable, to use: as attributes and in model_extra.
    assert status.model_extra is not None
    assert status.model_extra["reset_token"] == "extra-reset-token-0123456789"
    assert status.session == {"refresh_token": "nested-refresh-token-0123", "expires_in": 3600}
