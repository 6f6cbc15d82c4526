"""Reference §7 through the OpenFactura resources: gateway shapes, rate limits, odd encodings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from haulmer.errors import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)

from .conftest import collect, resolve


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (
            401,
            {"statusCode": 401, "message": "Access denied due to missing subscription key."},
            AuthenticationError,
            "missing subscription key",
        ),
        (
            403,
            {"message": "Invalid authentication credentials"},
            PermissionDeniedError,
            "Invalid authentication credentials",
        ),
        (
            404,
            {"statusCode": 404, "message": "Resource not found"},
            NotFoundError,
            "Resource not found",
        ),
        (429, {"message": "API rate limit exceeded"}, RateLimitError, "rate limit exceeded"),
    ],
)
async def test_gateway_errors_map_to_their_classes(
    of: Any,
    mock: respx.MockRouter,
    status: int,
    body: dict[str, Any],
    error: type[APIStatusError],
    text: str,
) -> None:
    mock.get("/v2/dte/organization").mock(return_value=httpx.Response(status, json=body))
    with pytest.raises(error, match=text) as caught:
        await resolve(of.organization.retrieve(max_retries=0))
    assert caught.value.status_code == status


async def test_the_gateways_403_for_an_unknown_key_says_to_check_the_key(
    of: Any, mock: respx.MockRouter
) -> None:
    """OpenFactura answers a key it does not know with 403 "Invalid authentication
    credentials": the advice is about the key, not about who owns the resource."""
    route = mock.get("/v2/dte/organization")
    route.mock(
        return_value=httpx.Response(403, json={"message": "Invalid authentication credentials"})
    )
    with pytest.raises(PermissionDeniedError) as caught:
        await resolve(of.organization.retrieve(max_retries=0))
    assert "Check the API key (HAULMER_API_KEY)" in str(caught.value)
    assert "owns this resource" not in str(caught.value)
    route.mock(return_value=httpx.Response(403, json={"message": "Forbidden"}))
    with pytest.raises(PermissionDeniedError, match="owns this resource"):
        await resolve(of.organization.retrieve(max_retries=0))


async def test_a_rate_limited_list_is_retried_after_the_wait_it_names(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.post("/v2/dte/document/issued").mock(
        side_effect=[
            httpx.Response(
                429,
                json={
                    "statusCode": 429,
                    "message": "Rate limit is exceeded. Try again in 2 seconds.",
                },
            ),
            httpx.Response(204),
        ]
    )
    assert await collect(of.documents.list_issued(tipo_dte=33)) == []
    assert route.call_count == 2


async def test_a_body_that_is_not_utf8_is_read_as_latin1(of: Any, mock: respx.MockRouter) -> None:
    content = '{"rut": "76795561-8", "razonSocial": "HAULMER SPA", "comuna": "Curicó"}'
    mock.get("/v2/dte/organization").mock(
        return_value=httpx.Response(
            200, content=content.encode("iso-8859-1"), headers={"content-type": "application/json"}
        )
    )
    organization = await resolve(of.organization.retrieve())
    assert organization.comuna == "Curicó"


async def test_the_api_key_travels_in_the_apikey_header_only(
    of: Any, mock: respx.MockRouter
) -> None:
    route = mock.get("/v2/dte/organization/document").mock(
        return_value=httpx.Response(200, json={"rut": "76795561-8", "documentos": []})
    )
    await resolve(of.organization.folios(extra_headers={"X-Trace": "abc"}))
    request = route.calls.last.request
    assert request.headers["apikey"]
    assert "authorization" not in request.headers
    assert "apikey" not in str(request.url)
    assert request.headers["x-trace"] == "abc"
