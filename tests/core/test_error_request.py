"""``error.request``: every API error names the call it ends (method and URL, secret query values
hidden), on both faces, whether the server answered, the connection failed or the answer was
unreadable."""

from __future__ import annotations

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    NotFoundError,
    RequestInfo,
)
from haulmer.testing import FakeHaulmer

from .conftest import SANDBOX

URL = f"{SANDBOX}/v2/dte/organization"


def test_a_status_error_names_the_request_it_answers() -> None:
    fake = FakeHaulmer()
    fake.control.fail_next("openfactura.organization.retrieve", status=404)
    with fake.client(max_retries=0) as client, pytest.raises(NotFoundError) as info:
        client.openfactura.organization.retrieve()
    assert info.value.request == RequestInfo("GET", "http://haulmer.fake/v2/dte/organization")


def test_a_connection_error_names_the_request_it_could_not_send() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection("openfactura.organization.retrieve", when="before")
    with fake.client(max_retries=0) as client, pytest.raises(APIConnectionError) as info:
        client.openfactura.organization.retrieve()
    assert info.value.request is not None
    assert (info.value.request.method, info.value.request.url) == (
        "GET",
        "http://haulmer.fake/v2/dte/organization",
    )


async def test_the_async_face_names_the_request_alike() -> None:
    fake = FakeHaulmer()
    fake.control.fail_next("openfactura.organization.retrieve", status=404)
    async with fake.async_client(max_retries=0) as client:
        with pytest.raises(NotFoundError) as info:
            await client.openfactura.organization.retrieve()
        fake.control.fail_next("openfactura.documents.list_issued", status=404)
        with pytest.raises(NotFoundError) as listed:
            await client.openfactura.documents.list_issued()
    assert info.value.request == RequestInfo("GET", "http://haulmer.fake/v2/dte/organization")
    assert listed.value.request == RequestInfo("POST", "http://haulmer.fake/v2/dte/document/issued")


def test_an_unreadable_answer_names_the_request_it_answers(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(URL).mock(return_value=httpx.Response(200, text="<html>not json</html>"))
    with pytest.raises(APIResponseValidationError) as info:
        client.openfactura.organization.retrieve()
    assert info.value.request == RequestInfo("GET", URL)


async def test_an_unreadable_page_names_the_request_it_answers(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(f"{SANDBOX}/v2/dte/document/issued").mock(
        return_value=httpx.Response(200, text="<html>not json</html>")
    )
    with pytest.raises(APIResponseValidationError) as info:
        await aclient.openfactura.documents.list_issued()
    assert info.value.request == RequestInfo("POST", f"{SANDBOX}/v2/dte/document/issued")


def test_the_request_named_hides_secret_query_values(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(URL).mock(return_value=httpx.Response(404, json={"message": "no"}))
    with pytest.raises(APIError) as info:
        client.openfactura.organization.retrieve(
            extra_query={"token": "s3cr3t-token"}, max_retries=0
        )
    assert info.value.request is not None
    assert "s3cr3t-token" not in info.value.request.url
    assert "s3cr3t-token" not in repr(info.value.request)
    assert info.value.request.url.startswith(f"{URL}?token=")
