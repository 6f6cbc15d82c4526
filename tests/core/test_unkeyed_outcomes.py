"""A call that changes something and carries no idempotency key, whose attempt may have been
carried out (its answer lost, a 5xx, a 2xx that could not be read), says so in
``may_have_been_carried_out`` as its message does, on both faces; a read says nothing of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIError

from .conftest import SANDBOX
from .helpers import asend, emit, get_org, send

DOC_URL = f"{SANDBOX}/v2/dte/document"
ORG_URL = f"{SANDBOX}/v2/dte/organization"

OUTCOME_UNKNOWN: list[Any] = [
    httpx.ReadTimeout("slow"),
    httpx.ReadError("connection reset by peer"),
    httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    httpx.Response(500, html="<html><body><h1>500</h1></body></html>"),
    httpx.Response(502, html="<html><body><h1>502 Bad Gateway</h1></body></html>"),
    httpx.Response(200, html="<html><body>gateway</body></html>"),
]
NOTHING_DONE: list[Any] = [
    httpx.ConnectError("refused"),
    httpx.Response(400, json={"error": {"message": "Validación", "code": "OF-10"}}),
    httpx.Response(401, json={"statusCode": 401, "message": "Access denied"}),
]


def _ids(answers: list[Any]) -> list[str]:
    return [
        f"HTTP {a.status_code}" if isinstance(a, httpx.Response) else type(a).__name__
        for a in answers
    ]


@pytest.mark.parametrize("answer", OUTCOME_UNKNOWN, ids=_ids(OUTCOME_UNKNOWN))
def test_an_unkeyed_post_whose_outcome_is_unknown_may_have_been_carried_out(
    client: Haulmer, mock: respx.MockRouter, answer: Any
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=[answer])
    with pytest.raises(APIError) as caught:
        send(client, emit())
    assert route.call_count == 1  # never repeated: it might be done twice
    assert caught.value.may_have_been_carried_out is True
    assert caught.value.idempotency_key is None  # it sent none to repeat it with


@pytest.mark.parametrize("answer", OUTCOME_UNKNOWN, ids=_ids(OUTCOME_UNKNOWN))
async def test_async_an_unkeyed_post_whose_outcome_is_unknown_may_have_been_carried_out(
    aclient: AsyncHaulmer, mock: respx.MockRouter, answer: Any
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=[answer])
    with pytest.raises(APIError) as caught:
        await asend(aclient, emit())
    assert route.call_count == 1
    assert caught.value.may_have_been_carried_out is True
    assert caught.value.idempotency_key is None


@pytest.mark.parametrize("answer", NOTHING_DONE, ids=_ids(NOTHING_DONE))
def test_an_unkeyed_post_the_server_refused_was_not_carried_out(
    client: Haulmer, mock: respx.MockRouter, answer: Any
) -> None:
    mock.post(DOC_URL).mock(side_effect=[answer] * 5)
    with pytest.raises(APIError) as caught:
        send(client, emit())
    assert caught.value.may_have_been_carried_out is False


def test_a_read_whose_answer_was_lost_is_not_marked(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).mock(side_effect=httpx.ReadError("reset"))
    with pytest.raises(APIError) as caught:
        send(client, get_org())
    assert caught.value.may_have_been_carried_out is False


def test_a_real_product_call_without_a_key_says_its_choice_may_have_been_made(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(url__regex=r".*/payment-method$").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APIError) as caught:
        client.checkout.choose_payment_method("ord_1", "bank_transfer")
    assert route.call_count == 1
    assert caught.value.may_have_been_carried_out is True
    assert "may have been carried out" in str(caught.value)


def test_an_unkeyed_post_answered_2xx_unreadably_says_to_check_before_repeating(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).respond(200, text="<html>gateway</html>")
    with pytest.raises(APIError) as caught:
        send(client, emit())
    assert "carried out" in str(caught.value)
    assert "check what it changed" in str(caught.value)
