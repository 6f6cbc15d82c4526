"""A 429 from Haulmer's platform (accounts, checkout, point...) gives advice that holds there:
the client-side limiter keeps to OpenFactura's 3/s and 100/min per API key only, so neither
that limit nor ``rate_limit=True`` is offered for a platform call; OpenFactura's 429 keeps it."""

from __future__ import annotations

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import RateLimitError

from .conftest import PLATFORM, SANDBOX

ORDER_URL = f"{PLATFORM}/v1/orders/ord_1"
ORG_URL = f"{SANDBOX}/v2/dte/organization"


def test_a_platform_429_does_not_offer_openfacturas_limiter(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORDER_URL).respond(429, headers={"retry-after": "4"})
    with pytest.raises(RateLimitError) as caught:
        client.checkout.retrieve_order("ord_1")
    text = str(caught.value)
    assert "rate_limit=True" not in text
    assert "100/min" not in text
    assert "retry in 4 seconds" in text


async def test_async_a_platform_429_does_not_offer_openfacturas_limiter(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORDER_URL).respond(429, text="Rate limit is exceeded. Try again in 9 seconds.")
    with pytest.raises(RateLimitError) as caught:
        await aclient.checkout.retrieve_order("ord_1")
    text = str(caught.value)
    assert "rate_limit=True" not in text
    assert "retry in 9 seconds" in text


def test_an_openfactura_429_still_offers_the_limiter(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(429, headers={"retry-after": "2"})
    with pytest.raises(RateLimitError) as caught:
        client.openfactura.organization.retrieve()
    assert "Haulmer(rate_limit=True)" in str(caught.value)
