"""Haulmer(rate_limit=...) and HAULMER_RATE_LIMIT_URL choose the limiter the clients book with."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import haulmer
from haulmer.errors import RateLimiterUnavailableError
from haulmer.ratelimit import Booking, InProcessRateLimiter, RateLimiter, RedisRateLimiter
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer
from haulmer.testing._transport import FAKE_BASE_URL

from .redis_clients import connections_named, named_url
from .servers import free_port


def test_the_environment_names_the_shared_limiter(
    monkeypatch: pytest.MonkeyPatch, fresh_redis: str
) -> None:
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", fresh_redis)
    fake = FakeHaulmer()
    with haulmer.Haulmer(  # a client of the real service (fake.client() reads no HAULMER_*)
        api_key=SANDBOX_API_KEY,
        base_urls={"openfactura": FAKE_BASE_URL, "platform": FAKE_BASE_URL},
        http_client=httpx.Client(transport=fake.transport),
    ) as client:
        assert isinstance(client.rate_limiter, RedisRateLimiter)
        assert client.rate_limit
        client.openfactura.organization.retrieve()
        copy = client.with_options(max_retries=1)
        assert copy.rate_limiter is client.rate_limiter  # copies share it
        assert client.with_options(rate_limit=False).rate_limiter is None
        assert isinstance(client.with_options(rate_limit=True).rate_limiter, RedisRateLimiter)
    import redis

    sends = redis.Redis.from_url(fresh_redis).keys("haulmer:ratelimit:*:slots")
    assert len(sends) == 1  # the call was counted in Redis, under the key's fingerprint


def test_without_the_environment_the_default_is_no_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    client = haulmer.Haulmer(api_key="k")
    assert client.rate_limiter is None
    assert "rate_limit=False" in repr(client)
    assert isinstance(
        haulmer.Haulmer(api_key="k", rate_limit=True).rate_limiter, InProcessRateLimiter
    )
    client.close()


def test_an_unreachable_shared_limiter_stops_the_call_before_it_is_sent() -> None:
    fake = FakeHaulmer()
    url = f"redis://:pw-s3cret@127.0.0.1:{free_port()}/0"
    with fake.client(rate_limit=url) as client:
        with pytest.raises(haulmer.RateLimiterUnavailableError) as caught:
            client.openfactura.organization.retrieve()
        assert "pw-s3cret" not in str(caught.value) + repr(client.rate_limiter)
    assert fake.requests.total == 0


async def test_the_async_client_books_in_the_same_redis(fresh_redis: str) -> None:
    fake = FakeHaulmer()
    shared = RedisRateLimiter(fresh_redis)
    async with fake.async_client(rate_limit=shared) as client:
        for _ in range(3):
            await client.openfactura.organization.retrieve()
    assert not shared.book(next(iter(_buckets(fresh_redis)))).reserved  # 3 this second
    await shared.aclose()
    shared.close()


def _buckets(url: str) -> list[str]:
    import redis

    names = [n.decode() for n in redis.Redis.from_url(url).keys("haulmer:ratelimit:*:slots")]
    return [name.split("{")[1].split("}")[0] for name in names]


def test_a_client_closes_the_limiter_it_made_from_a_url_and_leaves_a_users_open(
    fresh_redis: str,
) -> None:
    import redis

    admin = redis.Redis.from_url(fresh_redis)
    url, name = named_url(fresh_redis)  # only the limiters' connections are counted
    fake = FakeHaulmer()
    with fake.client(rate_limit=url) as client:
        client.openfactura.organization.retrieve()
        with client.with_options(rate_limit=url) as copy:  # a limiter of its own
            copy.openfactura.organization.retrieve()
            assert connections_named(admin, name, 2) == 2  # the client's and the copy's
        assert connections_named(admin, name, 1) == 1  # the copy's closed, the client's open
    assert connections_named(admin, name, 0) == 0  # nothing left open once it is closed
    users = RedisRateLimiter(url)
    with fake.client(rate_limit=users) as client:
        client.openfactura.organization.retrieve()
    assert connections_named(admin, name, 1) == 1  # the user's, still theirs to use and close
    users.close()
    assert connections_named(admin, name, 0) == 0
    admin.close()


async def test_an_async_client_closes_the_limiter_it_made_from_a_url(fresh_redis: str) -> None:
    import redis

    admin = redis.Redis.from_url(fresh_redis)
    url, name = named_url(fresh_redis)  # only the limiter's connections are counted
    async with FakeHaulmer().async_client(rate_limit=url) as client:
        await client.openfactura.organization.retrieve()
        assert connections_named(admin, name, 1) == 1
    assert connections_named(admin, name, 0) == 0
    admin.close()


class _AnsweringLimiter(RateLimiter):
    """A store of one's own whose every booking is the one given."""

    def __init__(self, booking: object) -> None:
        self.booking = booking

    def book(self, bucket: str) -> Booking:
        return self.booking  # type: ignore[return-value]

    def release(self, booking: Booking) -> None:
        pass

    def hold(self, bucket: str, seconds: float) -> None:
        pass


_BOOKINGS_NO_SLEEP_CAN_KEEP = [
    Booking("b", 1, float("nan")),
    Booking("b", 1, float("inf")),
    Booking("b", None, float("nan"), reserved=False),
    Booking("b", None, float("inf"), reserved=False),
    Booking("b", 1, "soon"),  # type: ignore[arg-type]
    Booking("b", 1, 10**400),  # an int no float holds: it was a bare OverflowError
    None,
]


@pytest.mark.parametrize("booking", _BOOKINGS_NO_SLEEP_CAN_KEEP, ids=repr)
def test_a_limiters_booking_no_sleep_can_keep_is_a_typed_error_before_sending(
    booking: object,
) -> None:
    fake = FakeHaulmer()
    limiter = _AnsweringLimiter(booking)
    with (
        fake.client(rate_limit=limiter) as client,
        pytest.raises(RateLimiterUnavailableError) as info,
    ):
        client.openfactura.organization.retrieve()
    assert "_AnsweringLimiter" in str(info.value)
    assert "nothing was sent" in str(info.value)
    assert fake.requests.for_route("openfactura.organization.retrieve") == []


@pytest.mark.parametrize("booking", _BOOKINGS_NO_SLEEP_CAN_KEEP, ids=repr)
async def test_async_a_limiters_booking_no_sleep_can_keep_is_a_typed_error_before_sending(
    booking: object,
) -> None:
    """asyncio.sleep(nan) never returns: the call would hang where Haulmer's raised."""
    fake = FakeHaulmer()
    limiter = _AnsweringLimiter(booking)
    async with fake.async_client(rate_limit=limiter, sleep=asyncio.sleep) as client:
        with pytest.raises(RateLimiterUnavailableError):
            await asyncio.wait_for(client.openfactura.organization.retrieve(), 5)
    assert fake.requests.for_route("openfactura.organization.retrieve") == []


def test_a_limiters_negative_wait_is_no_wait() -> None:
    fake = FakeHaulmer()
    with fake.client(rate_limit=_AnsweringLimiter(Booking("b", 1, -3.0))) as client:
        assert client.openfactura.organization.retrieve().rut
