"""A client's own API key or access token given where an id or a search goes is refused before
anything is sent: a URL is written to the log, kept in the error's request and response, and
recorded by every server and proxy on the way, so no secret may travel in one."""

from __future__ import annotations

import asyncio
import logging

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import ValidationError

from .conftest import API_KEY, PLATFORM

TOKEN = "Access-Token-Of-The-Login-0123456789abcdefgh"


@pytest.fixture
def secret_client() -> Haulmer:
    return Haulmer(
        API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda c, s: c.point.retrieve(s),
        lambda c, s: c.point.retrieve_sale("pos_1", s),
        lambda c, s: c.catalogue.retrieve_product(s, "prd_1"),
        lambda c, s: c.myhaulmer.retrieve_ticket(s),
        lambda c, s: list(c.catalogue.list_products("cat_1", search=s)),
        lambda c, s: c.openfactura.documents.xml(s),
    ],
)
@pytest.mark.parametrize("secret", [API_KEY, TOKEN])
def test_the_clients_own_secret_in_a_url_is_refused_without_being_shown_or_sent(
    secret_client: Haulmer,
    mock: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
    call: object,
    secret: str,
) -> None:
    mock.route().respond(404, json={"error": {"message": "not found"}})
    with (
        caplog.at_level(logging.DEBUG, logger="haulmer"),
        pytest.raises(ValidationError, match="holds this client's") as caught,
    ):
        call(secret_client, secret)  # type: ignore[operator]
    assert not mock.calls
    assert secret not in str(caught.value)
    assert secret not in repr(vars(caught.value))
    assert secret not in "\n".join(record.getMessage() for record in caplog.records)


def test_the_asyncio_client_refuses_its_own_secret_in_a_url_too(mock: respx.MockRouter) -> None:
    async def main() -> None:
        async with AsyncHaulmer(
            API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
        ) as client:
            with pytest.raises(ValidationError, match="holds this client's API key"):
                await client.point.retrieve(API_KEY)

    asyncio.run(main())
    assert not mock.calls


def test_an_id_that_merely_shares_a_few_characters_with_a_secret_is_sent(
    secret_client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(f"{PLATFORM}/v1/points/pos_{API_KEY[:8]}").respond(
        200,
        json={
            "id": f"pos_{API_KEY[:8]}",
            "workspace_id": "wsp_1",
            "name": "Caja 1",
            "created_at": "2026-12-03T10:00:00-03:00",
        },
    )
    assert secret_client.point.retrieve(f"pos_{API_KEY[:8]}").name == "Caja 1"
