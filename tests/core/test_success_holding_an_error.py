"""A 2xx answer whose body is an error (some gateways and APIs answer 200 with an ``error``
object, or the gateway's ``statusCode``/``message``) ends in an error that says what the body
says is wrong, not only which field of the expected answer is missing, on both faces; a secret
the body echoes never reaches the message."""

from __future__ import annotations

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIResponseValidationError

from .conftest import API_KEY, SANDBOX
from .helpers import Organization, asend, emit, get_org, send

DOC_URL = f"{SANDBOX}/v2/dte/document"
ORG_URL = f"{SANDBOX}/v2/dte/organization"
ENVELOPE = {
    "error": {
        "message": "Validación de Campos",
        "code": "OF-10",
        "details": [{"field": "MntNeto", "issue": "Monto erróneo : 1000"}],
    }
}


def test_a_200_holding_an_error_envelope_says_what_the_envelope_says(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(200, json=ENVELOPE)
    with pytest.raises(APIResponseValidationError) as caught:
        send(client, get_org())
    text = str(caught.value)
    assert "HTTP 200" in text
    assert "OF-10" in text
    assert "Validación de Campos" in text
    assert "MntNeto: Monto erróneo : 1000" in text


async def test_async_a_200_holding_an_error_envelope_says_what_the_envelope_says(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).respond(200, json=ENVELOPE)
    with pytest.raises(APIResponseValidationError) as caught:
        await asend(aclient, emit(idempotency_key="sale-1").replace(cast_to=Organization))
    text = str(caught.value)
    assert "OF-10" in text
    assert "Validación de Campos" in text
    assert caught.value.may_have_been_carried_out  # a 2xx: the key is still named
    assert "idempotency_key='sale-1'" in text


def test_a_200_holding_the_gateways_error_says_its_message(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"statusCode": 401, "message": "Access denied due to invalid subscription key."}
    mock.get(ORG_URL).respond(200, json=body)
    with pytest.raises(APIResponseValidationError) as caught:
        send(client, get_org())
    assert "Access denied due to invalid subscription key." in str(caught.value)


def test_a_200_holding_an_error_that_echoes_the_api_key_keeps_it_out_of_the_message(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"error": {"message": f"unknown key {API_KEY}", "code": "OF-03"}}
    mock.get(ORG_URL).respond(200, json=body)
    with pytest.raises(APIResponseValidationError) as caught:
        send(client, get_org())
    assert "OF-03" in str(caught.value)
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)
    assert API_KEY not in caught.value.message


def test_a_200_that_is_simply_another_shape_reads_as_no_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(200, json={"razon_social": "X", "message": "hola"})
    with pytest.raises(APIResponseValidationError) as caught:
        send(client, get_org())
    assert "reads as an error" not in str(caught.value)
