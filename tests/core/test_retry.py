"""Retries: what is retried, how many times, how long the client waits, and idempotency."""

from __future__ import annotations

import asyncio
import email.utils
import gc
import os
import time
import warnings

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.request import APIRequest
from haulmer._core.retry import (
    MAX_BACKOFF,
    MAX_SERVER_WAIT,
    Failure,
    backoff,
    parse_retry_after,
    server_wait,
    should_retry,
    wait_before_retry,
)
from haulmer.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    BadRequestError,
    RateLimitError,
    ServerError,
)

from .conftest import API_KEY, SANDBOX, Sleeps
from .helpers import asend, emit, get_org, send

ORG_URL = f"{SANDBOX}/v2/dte/organization"
DOC_URL = f"{SANDBOX}/v2/dte/document"
ORG = {"rut": "76795561-8"}


# --- the pure policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("safe", [True, False])
def test_refused_connections_are_always_retried(safe: bool) -> None:
    assert should_retry(failure=Failure.CONNECT, retry_safe=safe)


@pytest.mark.parametrize("failure", [Failure.TIMEOUT, Failure.NETWORK])
def test_timeouts_and_broken_connections_are_retried_only_when_safe(failure: Failure) -> None:
    assert should_retry(failure=failure, retry_safe=True)
    assert not should_retry(failure=failure, retry_safe=False)


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_always_retried(status: int) -> None:
    assert should_retry(status_code=status, retry_safe=False)


def test_of21_is_retried_even_on_a_400() -> None:
    assert should_retry(status_code=400, code="OF-21", retry_safe=False)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried_only_when_safe(status: int) -> None:
    assert should_retry(status_code=status, retry_safe=True)
    assert not should_retry(status_code=status, retry_safe=False)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_other_4xx_are_never_retried(status: int) -> None:
    assert not should_retry(status_code=status, code="OF-10", retry_safe=True)


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("12", now=now) == 12.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None


@pytest.mark.parametrize("zone", ["UTC", "America/Santiago", "Asia/Tokyo"])
def test_an_http_date_without_a_zone_is_read_as_gmt_whatever_the_machines_zone(
    zone: str,
) -> None:
    """HTTP dates are GMT: the asctime form has no zone, and "-0000" means UTC too."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        now = 1_800_000_000.0
        asctime = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(now + 30))
        assert parse_retry_after(asctime, now=now) == 30.0
        assert parse_retry_after(email.utils.formatdate(now + 30), now=now) == 30.0  # -0000
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 99999999999 00:00:00 GMT",
        "Mon, 01 Jan 9999999999999999999999 00:00:00 GMT",
        "Mon, 01 Jan 2026 00:00:00 +99999999999999999999",
    ],
)
def test_an_http_date_past_any_calendar_is_no_wait_not_an_overflow(value: str) -> None:
    assert parse_retry_after(value, now=1_800_000_000.0) is None
    assert server_wait({"retry-after": value}, message="Try again in 9 seconds", now=0) == 9.0


@pytest.mark.parametrize("value", ["-5", "-0.5", "-1e9"])
def test_a_negative_retry_after_is_no_wait_the_server_asked_for(value: str) -> None:
    assert parse_retry_after(value, now=0) is None
    assert server_wait({"retry-after-ms": value}, now=0) is None
    assert server_wait({}, retry_after_field=float(value), now=0) is None
    assert server_wait({"retry-after": value}, message="Try again in 9 seconds", now=0) == 9.0
    assert server_wait({"retry-after-ms": value, "retry-after": "4"}, now=0) == 4.0


def test_a_retry_after_sent_twice_is_the_longer_wait_not_none() -> None:
    """httpx joins a header sent twice (a proxy's and the server's) with ", "."""
    assert parse_retry_after("5, 7", now=0) == 7.0
    assert parse_retry_after("7,5", now=0) == 7.0
    assert parse_retry_after("-1, 3", now=0) == 3.0
    assert parse_retry_after("-1, -3", now=0) is None
    assert server_wait({"retry-after-ms": "250, 1500"}, now=0) == 1.5
    later = email.utils.formatdate(1_800_000_030, usegmt=True)
    assert parse_retry_after(f"{later}, {later}", now=1_800_000_000.0) == 30.0


def test_server_wait_prefers_headers_then_field_then_message_and_reports_the_full_wait() -> None:
    assert server_wait({"retry-after": "3"}, message="Try again in 9 seconds", now=0) == 3.0
    assert server_wait({"retry-after-ms": "250"}, now=0) == 0.25
    assert server_wait({}, retry_after_field=5, message="Try again in 9 seconds", now=0) == 5.0
    assert server_wait({}, message="Rate limit is exceeded. Try again in 9 seconds.", now=0) == 9
    assert server_wait({"retry-after": "3600"}, now=0) == 3600.0
    assert server_wait({}, message="nothing here", now=0) is None


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    assert [backoff(n, jitter=0.0) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1, 2, 4, 8, 8]
    assert backoff(1, jitter=0.999) > 0.375
    assert wait_before_retry(3, server=1.5, jitter=0.5) == 1.5
    assert wait_before_retry(1, server=3600.0, jitter=0.5) == MAX_SERVER_WAIT


# --- the send loop ---------------------------------------------------------------------------


def test_get_is_retried_max_retries_times_on_5xx(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError):
        send(client, get_org())
    assert route.call_count == 3  # 1 + max_retries=2
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0


def test_a_huge_max_retries_waits_at_most_the_longest_backoff_on_every_retry(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    assert backoff(10**6, jitter=0.0) == MAX_BACKOFF  # 2.0 ** 1024 is past any float
    route = mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError):
        send(client, get_org(max_retries=1100))
    assert route.call_count == 1101
    assert max(sleeps) <= MAX_BACKOFF


def test_a_retry_that_succeeds_returns_the_answer(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.get(ORG_URL)
    route.side_effect = [httpx.Response(500), httpx.Response(502), httpx.Response(200, json=ORG)]
    assert send(client, get_org()).rut == "76795561-8"
    assert route.call_count == 3


def test_max_retries_zero_sends_once(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError):
        send(client.with_options(max_retries=0), get_org())
    assert route.call_count == 1
    assert sleeps == []


def test_per_call_max_retries_overrides_the_client(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError):
        send(client, get_org(max_retries=4))
    assert route.call_count == 5
    with pytest.raises(ServerError):
        send(client, get_org(max_retries=0))
    assert route.call_count == 6


def test_retry_after_seconds_header_sets_the_wait(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(429, headers={"Retry-After": "4"}, json={"message": "slow down"}),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert sleeps == [4.0]


@pytest.mark.parametrize("status", [429, 503])
def test_a_negative_retry_after_header_backs_off_instead_of_retrying_at_once(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps, status: int
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(status, headers={"Retry-After": "-30"}),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5  # the first backoff, not 0


@pytest.mark.parametrize("status", [429, 503])
async def test_async_a_negative_retry_after_header_backs_off_instead_of_retrying_at_once(
    aclient: AsyncHaulmer, mock: respx.MockRouter, sleeps: Sleeps, status: int
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(status, headers={"Retry-After": "-30"}),
        httpx.Response(200, json=ORG),
    ]
    await asend(aclient, get_org())
    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5


def test_a_429_with_a_negative_retry_after_says_the_wait_its_message_gives(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    body = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}
    mock.get(ORG_URL).respond(429, headers={"Retry-After": "-1"}, json=body)
    with pytest.raises(RateLimitError) as info:
        send(client, get_org(max_retries=0))
    assert info.value.retry_after == 7.0
    assert "retry in 7 seconds" in str(info.value)


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_date_past_any_calendar_backs_off_instead_of_raising_overflow(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps, status: int
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(status, headers={"Retry-After": "Mon, 01 Jan 99999999999 00:00:00 GMT"}),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5  # the first backoff


async def test_async_a_retry_after_date_past_any_calendar_is_a_typed_error_after_retries(
    aclient: AsyncHaulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.get(ORG_URL).respond(
        429, headers={"Retry-After": "Sat, 01 Jan 2026 00:00:00 +9" + "9" * 30}
    )
    with pytest.raises(RateLimitError) as info:
        await asend(aclient, get_org(max_retries=1))
    assert info.value.retry_after is None
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_header_sent_twice_waits_the_longer_of_the_two(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps, status: int
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(status, headers=[("Retry-After", "5"), ("Retry-After", "7")]),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert sleeps == [7.0]


async def test_async_a_retry_after_header_sent_twice_waits_the_longer_of_the_two(
    aclient: AsyncHaulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.get(ORG_URL).respond(429, headers=[("Retry-After", "4"), ("Retry-After", "2")])
    with pytest.raises(RateLimitError) as info:
        await asend(aclient, get_org(max_retries=1))
    assert sleeps == [4.0]
    assert info.value.retry_after == 4.0


def test_retry_after_http_date_header_sets_the_wait(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    mock.get(ORG_URL).side_effect = [
        httpx.Response(503, headers={"Retry-After": when}),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert len(sleeps) == 1
    assert 8.0 <= sleeps[0] <= 10.0


def test_try_again_message_sets_the_wait(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    body = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."}
    mock.get(ORG_URL).side_effect = [httpx.Response(429, json=body), httpx.Response(200, json=ORG)]
    send(client, get_org())
    assert sleeps == [2.0]


def test_server_wait_is_capped_at_sixty_seconds(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.get(ORG_URL).side_effect = [
        httpx.Response(429, headers={"Retry-After": "86400"}),
        httpx.Response(200, json=ORG),
    ]
    send(client, get_org())
    assert sleeps == [60.0]


def test_the_error_reports_the_servers_full_wait_though_the_loop_sleeps_at_most_sixty(
    client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.get(ORG_URL).respond(429, headers={"Retry-After": "600"})
    with pytest.raises(RateLimitError) as info:
        send(client.with_options(max_retries=1), get_org())
    assert sleeps == [60.0]
    assert info.value.retry_after == 600.0
    assert "retry in 600 seconds" in str(info.value)


def test_rate_limited_post_without_key_is_retried(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.post(DOC_URL)
    route.side_effect = [httpx.Response(429, json={}), httpx.Response(200, json={"ok": 1})]
    assert send(client, emit()) == {"ok": 1}
    assert route.call_count == 2


def test_rate_limit_error_surfaces_after_the_last_retry(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitError) as info:
        send(client, get_org())
    assert info.value.retry_after == 1.0


def test_of21_is_retried(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.post(DOC_URL)
    busy = {"error": {"code": "OF-21", "message": "Base de datos no disponible"}}
    route.side_effect = [httpx.Response(400, json=busy), httpx.Response(200, json={"ok": 1})]
    assert send(client, emit()) == {"ok": 1}


def test_other_4xx_is_not_retried(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.get(ORG_URL).respond(400, json={"error": {"code": "OF-10", "message": "bad"}})
    with pytest.raises(BadRequestError):
        send(client, get_org())
    assert route.call_count == 1


def test_idempotency_key_is_identical_on_every_attempt(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL)
    route.side_effect = [
        httpx.ReadTimeout("slow"),
        httpx.Response(500),
        httpx.Response(200, json={"ok": 1}),
    ]
    assert send(client, emit(idempotency_key="order-7")) == {"ok": 1}
    keys = [call.request.headers["Idempotency-Key"] for call in route.calls]
    assert keys == ["order-7", "order-7", "order-7"]


def test_post_without_key_is_not_retried_after_a_timeout(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        send(client, emit())
    assert route.call_count == 1
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert info.value.request_sent is True
    assert "timeout=" in str(info.value)


def test_post_without_key_is_not_retried_after_a_5xx(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL).respond(502)
    with pytest.raises(ServerError):
        send(client, emit())
    assert route.call_count == 1


def test_read_only_post_marked_safe_is_retried_after_a_timeout(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    url = f"{SANDBOX}/v2/dte/document/issued"
    route = mock.post(url)
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, json={"data": []})]
    request = APIRequest("POST", "/v2/dte/document/issued", "openfactura", dict, json={}, safe=True)
    assert send(client, request) == {"data": []}
    assert route.call_count == 2


def test_connection_refused_before_sending_is_retried_even_for_a_post(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL)
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json={"ok": 1})]
    assert send(client, emit()) == {"ok": 1}
    assert route.call_count == 2


def test_connection_dropped_after_sending_a_post_is_not_retried(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        send(client, emit())
    assert route.call_count == 1
    assert info.value.request_sent is True
    assert "may have been carried out" in str(info.value)
    assert "check whether it was" in str(info.value)
    assert "idempotency_key" not in str(info.value)  # this request takes no key: do not ask for one


def test_a_broken_connection_names_the_key_to_repeat_a_keyed_call_with(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        send(client, emit(idempotency_key="order-7", max_retries=0))
    assert "pass idempotency_key='order-7' (the key it sent)" in str(info.value)


def test_a_key_only_in_extra_headers_is_not_named_as_an_argument(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        send(client, emit(extra_headers={"Idempotency-Key": "mine"}, max_retries=0))
    assert "same Idempotency-Key header ('mine')" in str(info.value)
    assert "idempotency_key=" not in str(info.value)


def test_a_key_replaced_through_extra_headers_is_the_one_named(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        send(
            client,
            emit(
                idempotency_key="derived-1",
                extra_headers={"idempotency-key": "mine"},
                max_retries=0,
            ),
        )
    assert route.calls.last.request.headers["idempotency-key"] == "mine"
    assert "pass idempotency_key='mine' (the key it sent)" in str(info.value)


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_key_blanked_through_extra_headers_is_not_retried_after_sending(
    client: Haulmer, mock: respx.MockRouter, blank: str
) -> None:
    """A server keeps no blank key: the POST is not retried once it may have arrived."""
    route = mock.post(DOC_URL)
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, json={"ok": 1})]
    with pytest.raises(APITimeoutError) as info:
        send(client, emit(idempotency_key="derived-1", extra_headers={"Idempotency-Key": blank}))
    assert route.call_count == 1
    assert "check whether it was (retrieve what it changes) before repeating" in str(info.value)


async def test_async_a_key_blanked_through_extra_headers_is_not_retried_after_sending(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL)
    route.side_effect = [httpx.Response(503), httpx.Response(200, json={"ok": 1})]
    with pytest.raises(ServerError):
        await asend(
            aclient, emit(idempotency_key="derived-1", extra_headers={"Idempotency-Key": ""})
        )
    assert route.call_count == 1


def test_a_broken_connection_on_a_read_says_it_is_safe_to_repeat(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        send(client, get_org(max_retries=0))
    assert "it only reads, so repeating it is safe" in str(info.value)
    assert "carried out" not in str(info.value)


def test_a_5xx_hint_counts_the_attempts_made(client: Haulmer, mock: respx.MockRouter) -> None:
    mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError) as info:
        send(client, get_org())
    assert info.value.hint == (
        "Haulmer failed on its side; try again later (the call was sent 3 times, each answered "
        "with an error)"
    )


def test_a_5xx_hint_claims_no_retry_when_max_retries_is_zero(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(503)
    with pytest.raises(ServerError) as info:
        send(client, get_org(max_retries=0))
    assert info.value.hint == "Haulmer failed on its side; try again later"


def test_a_5xx_hint_says_why_a_call_without_key_was_sent_once(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).respond(502)
    with pytest.raises(ServerError) as info:
        send(client, emit())
    assert "sent once: it changes something and carries no idempotency key" in info.value.hint


async def test_async_5xx_hint_counts_the_attempts_made(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(500)
    with pytest.raises(ServerError) as info:
        await asend(aclient, get_org(max_retries=1))
    assert "(the call was sent 2 times, each answered with an error)" in str(info.value)
    mock.get(ORG_URL).respond(500)
    with pytest.raises(ServerError) as info:
        await asend(aclient, get_org(max_retries=0))
    assert "sent" not in info.value.hint


async def test_async_broken_connection_names_the_key_it_sent(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).mock(side_effect=httpx.ReadError("dropped"))
    with pytest.raises(APIConnectionError) as info:
        await asend(aclient, emit(idempotency_key="k-1", max_retries=0))
    assert "idempotency_key='k-1'" in str(info.value)


def test_get_timeouts_are_retried_then_surface_with_their_cause(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.get(ORG_URL).mock(side_effect=httpx.ConnectTimeout("no route"))
    with pytest.raises(APITimeoutError) as info:
        send(client, get_org())
    assert route.call_count == 3
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
    assert info.value.request_sent is False


def test_a_pool_timeout_says_the_pool_was_busy_not_that_connecting_failed(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).mock(side_effect=httpx.PoolTimeout("pool full"))
    with pytest.raises(APITimeoutError) as info:
        send(client, get_org())
    assert "no connection of the pool came free in time" in str(info.value)
    assert "timed out connecting" not in str(info.value)
    assert info.value.request_sent is False


async def test_async_client_retries_with_the_same_policy(
    aclient: AsyncHaulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = mock.post(DOC_URL)
    route.side_effect = [
        httpx.Response(503, headers={"Retry-After": "3"}),
        httpx.Response(200, json={"ok": 1}),
    ]
    assert await asend(aclient, emit(idempotency_key="k")) == {"ok": 1}
    assert sleeps == [3.0]
    assert [c.request.headers["Idempotency-Key"] for c in route.calls] == ["k", "k"]


async def test_an_async_sleep_that_returns_no_awaitable_is_named_with_what_to_write(
    mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    mock.post(DOC_URL).side_effect = [httpx.Response(503, headers={"Retry-After": "3"})] * 2
    async with AsyncHaulmer(API_KEY, environment="sandbox", sleep=sleeps) as aclient:  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"must be an async function \(async def") as info:
            await asend(aclient, emit(idempotency_key="k"))
    assert "Sleeps returned NoneType, not an awaitable" in str(info.value)
    assert sleeps == [3.0]


def test_a_blocking_client_refuses_an_async_sleep_where_it_is_given() -> None:
    with pytest.raises(TypeError, match=r"asyncio.sleep is for AsyncHaulmer.*async function sleep"):
        Haulmer(API_KEY, environment="sandbox", sleep=asyncio.sleep)  # type: ignore[arg-type]


def test_a_blocking_sleep_returning_a_coroutine_is_named_before_a_retry_goes_out(
    mock: respx.MockRouter,
) -> None:
    route = mock.post(DOC_URL).respond(503, headers={"Retry-After": "3"})
    client = Haulmer(API_KEY, environment="sandbox", sleep=lambda seconds: asyncio.sleep(seconds))
    with client, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(TypeError, match=r"must be a blocking function") as info:
            send(client, emit(idempotency_key="k"))
        gc.collect()
    assert "returned coroutine, which does not wait" in str(info.value)
    assert route.call_count == 1  # no retry went out without its wait
    assert not [w for w in seen if "never awaited" in str(w.message)]


def test_an_async_client_refuses_a_builtin_sleep_where_it_is_given() -> None:
    waits: list[float] = []
    with pytest.raises(TypeError, match=r"must be an async function"):
        AsyncHaulmer(API_KEY, environment="sandbox", sleep=waits.append)  # type: ignore[arg-type]


async def test_async_post_without_key_is_not_retried_after_a_timeout(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(DOC_URL).mock(side_effect=httpx.WriteTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        await asend(aclient, emit())
    assert route.call_count == 1
    assert isinstance(info.value.__cause__, httpx.WriteTimeout)


async def test_async_max_retries_zero_sends_once(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.get(ORG_URL).respond(500)
    with pytest.raises(ServerError):
        await asend(aclient, get_org(max_retries=0))
    assert route.call_count == 1


def test_an_unreadable_answer_is_a_connection_error_not_an_httpx_one(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.get(ORG_URL).mock(side_effect=httpx.DecodingError("bad gzip"))
    with pytest.raises(APIConnectionError, match="could not be read") as info:
        send(client, get_org())
    assert isinstance(info.value.__cause__, httpx.DecodingError)
    assert route.call_count == 3  # a GET: safe to ask again


def test_a_keyed_call_answered_2xx_unreadably_names_its_key(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(DOC_URL).respond(200, text="<html>gateway</html>")
    with pytest.raises(APIResponseValidationError) as info:
        send(client, emit(idempotency_key="order-8"))
    assert info.value.may_have_been_carried_out
    assert "pass idempotency_key='order-8' (the key it sent)" in str(info.value)


def test_a_read_answered_2xx_unreadably_says_nothing_of_a_key(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(200, text="<html>gateway</html>")
    with pytest.raises(APIResponseValidationError) as info:
        send(client, get_org())
    assert not info.value.may_have_been_carried_out
    assert "idempotency_key" not in str(info.value)


@pytest.mark.parametrize("field", ["9" * 400, "1e400", "Infinity"])
def test_a_429_whose_retry_after_field_no_float_holds_is_retried_after_backoff(
    field: str, client: Haulmer, mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = mock.get(ORG_URL)
    route.side_effect = [
        httpx.Response(
            429,
            content=b'{"retry_after": ' + field.encode() + b"}",
            headers={"content-type": "application/json"},
        ),
        httpx.Response(200, json={"rut": "1-9"}),
    ]
    assert send(client, get_org()).rut == "1-9"
    assert len(sleeps) == 1
    assert sleeps[0] <= 0.5


def test_a_429_whose_retry_after_field_no_float_holds_says_retry_later(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(ORG_URL).respond(
        429,
        content=b'{"retry_after": ' + b"9" * 400 + b"}",
        headers={"content-type": "application/json"},
    )
    with pytest.raises(RateLimitError) as caught:
        send(client, get_org(max_retries=0))
    assert caught.value.retry_after is None
    assert "retry later" in str(caught.value)


def test_a_retry_after_date_is_read_on_the_server_clock_its_date_header_gives() -> None:
    # This machine's clock runs a minute ahead of the server's: the date the server asks to
    # wait until, 30 s after its own Date, is still 30 s away, not already past.
    server_now = 1_790_000_000.0
    headers = {
        "date": email.utils.formatdate(server_now, usegmt=True),
        "retry-after": email.utils.formatdate(server_now + 30, usegmt=True),
    }
    assert server_wait(headers, now=server_now + 60) == 30.0
    assert server_wait(headers, now=server_now - 60) == 30.0


def test_a_retry_after_date_without_a_date_header_is_read_on_this_machine_clock() -> None:
    now = 1_790_000_000.0
    headers = {"retry-after": email.utils.formatdate(now + 30, usegmt=True), "date": "garbage"}
    assert server_wait(headers, now=now) == 30.0
    assert server_wait({"retry-after": headers["retry-after"]}, now=now + 10) == 20.0
