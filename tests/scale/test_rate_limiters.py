"""The limiters keep 3/s and 100/min per API key, honour a hold, and never see the key itself."""

from __future__ import annotations

import asyncio
import threading

import pytest

from haulmer.errors import ConfigurationError, RateLimiterUnavailableError
from haulmer.ratelimit import (
    SLOT_MARGIN,
    InProcessRateLimiter,
    RedisRateLimiter,
    api_key_fingerprint,
    rate_limiter_from_url,
    resolve_rate_limit,
)

from .servers import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_process_buckets_are_independent_per_api_key() -> None:
    limiter = InProcessRateLimiter(clock=Clock())
    waits_a = [limiter.book("a").wait for _ in range(4)]
    waits_b = [limiter.book("b").wait for _ in range(3)]
    assert waits_a == [0.0, 0.0, 0.0, pytest.approx(1.0 + SLOT_MARGIN)]
    assert waits_b == [0.0, 0.0, 0.0]


def test_in_process_hold_pushes_every_later_booking_past_the_retry_after() -> None:
    clock = Clock()
    limiter = InProcessRateLimiter(clock=clock)
    limiter.hold("a", 7.5)
    assert limiter.book("a").wait == pytest.approx(7.5)
    assert limiter.book("b").wait == 0.0  # another key is not held
    limiter.hold("a", 1.0)  # a shorter hold never pulls an earlier one back
    clock.now += 2
    assert limiter.book("a").wait == pytest.approx(5.5)


def test_in_process_release_gives_the_last_slot_back() -> None:
    limiter = InProcessRateLimiter(clock=Clock())
    for _ in range(3):
        limiter.book("a")
    fourth = limiter.book("a")
    assert fourth.wait > 0.9
    limiter.release(fourth)
    assert limiter.book("a").wait == pytest.approx(fourth.wait)


def test_the_fingerprint_hides_the_key_and_is_stable() -> None:
    key = "928e15a2d14d4a6292345f04960f4bd3"
    print_ = api_key_fingerprint(key)
    assert print_ == api_key_fingerprint(key)
    assert len(print_) == 32
    assert key not in print_
    assert print_ != api_key_fingerprint(key + "x")


def test_limits_must_be_positive_pairs() -> None:
    with pytest.raises(ConfigurationError, match=r"\(3, 1.0\), \(100, 60.0\)"):
        InProcessRateLimiter(limits=[(0, 1.0)])
    with pytest.raises(ConfigurationError):
        RedisRateLimiter("redis://localhost/0", limits=[(2.5, 1.0)])


def test_urls_choose_the_limiter_and_never_show_a_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert isinstance(rate_limiter_from_url("memory://"), InProcessRateLimiter)
    shared = rate_limiter_from_url("redis://:s3cret@127.0.0.1:6379/2")
    assert isinstance(shared, RedisRateLimiter)
    assert "s3cret" not in repr(shared)
    with pytest.raises(ConfigurationError, match="redis://host:6379/0") as caught:
        rate_limiter_from_url("http://:s3cret@example.com")
    assert "s3cret" not in str(caught.value)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    assert resolve_rate_limit(None) is None
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", "redis://127.0.0.1:6379/0")
    assert isinstance(resolve_rate_limit(None), RedisRateLimiter)
    assert resolve_rate_limit(False) is None
    with pytest.raises(ConfigurationError, match="rate_limit= takes True"):
        resolve_rate_limit(3)  # type: ignore[arg-type]


def test_an_unreachable_redis_is_a_typed_error_without_the_password() -> None:
    limiter = RedisRateLimiter(f"redis://:s3cret@127.0.0.1:{free_port()}/0")
    with pytest.raises(RateLimiterUnavailableError, match="nothing was sent") as caught:
        limiter.book("a")
    assert "s3cret" not in str(caught.value)
    assert "***" in str(caught.value)


def test_redis_books_three_a_second_then_waits(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(fresh_redis)
    waits = [limiter.book("k").wait for _ in range(7)]
    assert waits[:3] == [pytest.approx(0, abs=0.05)] * 3
    assert waits[3:6] == [pytest.approx(1.0, abs=0.05)] * 3
    assert waits[6] == pytest.approx(2.0, abs=0.05)
    assert limiter.book("other").wait == pytest.approx(0, abs=0.05)
    limiter.close()


def test_redis_keys_hold_a_fingerprint_never_the_key(fresh_redis: str) -> None:
    import redis

    key = "928e15a2d14d4a6292345f04960f4bd3"
    RedisRateLimiter(fresh_redis).book(api_key_fingerprint(key))
    names = [name.decode() for name in redis.Redis.from_url(fresh_redis).keys("*")]
    assert names
    assert all(key not in name for name in names)
    assert all(api_key_fingerprint(key) in name for name in names)


def test_redis_minute_window_is_shared_by_threads_and_limiters(fresh_redis: str) -> None:
    limits = ((3, 1.0), (10, 60.0))
    limiters = [RedisRateLimiter(fresh_redis, limits=limits) for _ in range(4)]
    waits: list[float] = []
    lock = threading.Lock()

    def book(limiter: RedisRateLimiter) -> None:
        for _ in range(3):
            wait = limiter.book("k").wait
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=book, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waits.sort()
    # 12 bookings: 10 inside the first minute at 3 a second, the 11th and 12th a minute later.
    assert waits[9] == pytest.approx(3.0, abs=0.1)
    assert waits[10] == pytest.approx(60.0, abs=0.1)
    assert waits[11] == pytest.approx(60.0, abs=0.1)


def test_redis_hold_and_release(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(fresh_redis)
    limiter.hold("k", 5)
    first = limiter.book("k")
    assert first.wait == pytest.approx(5.0, abs=0.05)
    limiter.release(first)
    limiter.hold("k", 1)  # does not pull the hold back
    assert limiter.book("k").wait == pytest.approx(5.0, abs=0.05)


async def test_redis_async_face_shares_the_windows_with_the_blocking_one(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(fresh_redis)
    for _ in range(3):
        limiter.book("k")
    booked = await asyncio.gather(*(limiter.abook("k") for _ in range(3)))
    assert sorted(b.wait for b in booked) == [pytest.approx(1.0, abs=0.05)] * 3
    await limiter.ahold("k", 10)
    assert (await limiter.abook("k")).wait == pytest.approx(10.0, abs=0.05)
    await limiter.arelease(booked[0])
    await limiter.aclose()
    limiter.close()
