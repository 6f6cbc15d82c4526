"""The limiters keep 3/s and 100/min per API key, honour a hold, and never see the key itself."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from fractions import Fraction

import pytest

from haulmer._core.redis_ratelimit import BOOK_KEYS, BOOK_SCRIPT, SHARED_SLOT_MARGIN
from haulmer.errors import ConfigurationError, RateLimiterUnavailableError, ValidationError
from haulmer.ratelimit import (
    HAULMER_LIMITS,
    SLOT_MARGIN,
    InProcessRateLimiter,
    RedisRateLimiter,
    api_key_fingerprint,
    rate_limiter_from_url,
    resolve_rate_limit,
)

from .redis_clients import connections_named, named_url
from .servers import free_port
from .virtual_time import VirtualTime


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


@pytest.mark.parametrize(
    "limits",
    [
        [(1, float("inf"))],
        [(3, 1.0), (100, 1e300)],
        [(3, 1.0), (100, 10**400)],
        [(True, 1.0)],
        [(3, True)],
        [(3, "1")],
    ],
    ids=repr,
)
def test_limits_no_window_can_keep_are_refused_when_the_limiter_is_made(
    limits: list[tuple[object, object]],
) -> None:
    # A window of infinite length made every send after the first wait forever.
    with pytest.raises(ConfigurationError, match=r"\(3, 1.0\), \(100, 60.0\)"):
        InProcessRateLimiter(limits=limits)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        RedisRateLimiter("redis://localhost/0", limits=limits)  # type: ignore[arg-type]


def test_a_limit_of_infinite_period_is_told_the_longest_period_taken() -> None:
    # "period in seconds > 0" said nothing wrong of (100, inf), whose period is above 0
    refused = r"period in seconds above 0 and up to 1e\+09 \(31 years\)"
    with pytest.raises(ConfigurationError, match=refused):
        InProcessRateLimiter(limits=[(100, float("inf"))])


@pytest.mark.parametrize(
    "seconds", [float("inf"), float("nan"), 1e300, 10**400, -(10**400), "7", None, True]
)
def test_a_hold_of_no_number_of_seconds_a_sleep_can_keep_is_refused(seconds: object) -> None:
    # Held for infinity, a bucket refused every later call; "7" was a bare TypeError, and an
    # int of hundreds of digits a bare OverflowError.
    limiter = InProcessRateLimiter(clock=Clock())
    with pytest.raises(ValidationError, match="hold") as refused:
        limiter.hold("a", seconds)  # type: ignore[arg-type]
    assert "a number of seconds" in str(refused.value)
    assert limiter.book("a").wait == 0.0
    with pytest.raises(ValidationError, match="hold"):
        RedisRateLimiter("redis://localhost:1/0").hold("a", seconds)  # type: ignore[arg-type]


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


@pytest.mark.parametrize(
    "url",
    [
        "redis:/:s3cret-password@127.0.0.1:6379/0",
        "redis:s3cret-password@127.0.0.1",
        "rediss:///:s3cret-password@host/0",
    ],
)
def test_a_redis_url_with_its_user_info_misplaced_is_refused_without_the_password(
    url: str,
) -> None:
    with pytest.raises(ConfigurationError, match="redis://\\[user:password@\\]host") as caught:
        rate_limiter_from_url(url)
    assert "s3cret" not in str(caught.value)


def test_a_password_in_a_redis_url_query_is_hidden_in_repr_and_errors() -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?password=s3cret-password")
    assert "s3cret" not in repr(limiter)
    assert "password=[redacted]" in repr(limiter)
    with pytest.raises(RateLimiterUnavailableError) as caught:
        limiter.book("a")
    assert "s3cret" not in str(caught.value)


def test_redis_books_three_a_second_then_says_when_to_ask_again(fresh_redis: str) -> None:
    clock = Clock()
    limiter = RedisRateLimiter(fresh_redis, clock=clock)
    first = [limiter.book("k") for _ in range(3)]
    assert [(b.reserved, b.wait) for b in first] == [(True, 0.0)] * 3
    fourth = limiter.book("k")
    assert not fourth.reserved  # nothing recorded: a send is counted only when it may go
    assert fourth.wait == pytest.approx(1.0 + SHARED_SLOT_MARGIN, abs=1e-3)
    assert limiter.book("k").wait == pytest.approx(fourth.wait, abs=1e-3)
    assert limiter.book("other").reserved
    clock.now += fourth.wait  # asked again when told, it is recorded
    assert limiter.book("k").reserved
    limiter.close()


def test_without_a_clock_the_windows_run_on_redis_time(fresh_redis: str) -> None:
    import redis

    limiter = RedisRateLimiter(fresh_redis)
    assert [limiter.book("k").reserved for _ in range(3)] == [True] * 3
    assert limiter.book("k").wait == pytest.approx(1.0 + SHARED_SLOT_MARGIN, abs=0.05)
    store = redis.Redis.from_url(fresh_redis)
    seconds, micros = store.time()
    sends = store.zrange("haulmer:ratelimit:{k}:slots", 0, -1, withscores=True)
    assert [score for _, score in sends] == [pytest.approx(seconds + micros / 1e6, abs=1)] * 3
    store.close()
    limiter.close()


def test_redis_keys_hold_a_fingerprint_never_the_key(fresh_redis: str) -> None:
    import redis

    key = "928e15a2d14d4a6292345f04960f4bd3"
    RedisRateLimiter(fresh_redis).book(api_key_fingerprint(key))
    names = [name.decode() for name in redis.Redis.from_url(fresh_redis).keys("*")]
    assert names
    assert all(key not in name for name in names)
    assert all(api_key_fingerprint(key) in name for name in names)


def test_redis_windows_are_shared_by_threads_and_limiters(fresh_redis: str) -> None:
    # Two windows of different lengths; four threads, each with its own limiter, on one clock.
    limits = ((3, 0.3), (5, 1.0))
    virtual = VirtualTime(threads=4)
    limiters = [RedisRateLimiter(fresh_redis, limits=limits, clock=virtual.time) for _ in range(4)]
    sent: list[float] = []
    lock = threading.Lock()

    def send(limiter: RedisRateLimiter) -> None:
        try:
            for _ in range(2):
                booking = limiter.book("k")
                while not booking.reserved:
                    virtual.sleep(booking.wait)
                    booking = limiter.book("k")
                with lock:
                    sent.append(virtual.time())
        finally:
            virtual.done()

    threads = [threading.Thread(target=send, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.sort()
    assert len(sent) == 8
    for count, period in limits:
        assert all(sent[i + count] - sent[i] >= period for i in range(len(sent) - count))
    # 5 at once, then the second window waits for the first of them: about a second in all.
    assert sent[-1] - sent[0] == pytest.approx(1.0 + SHARED_SLOT_MARGIN, abs=1e-3)


def test_redis_hold_and_release(fresh_redis: str) -> None:
    clock = Clock()
    limiter = RedisRateLimiter(fresh_redis, clock=clock)
    sent = limiter.book("k")
    limiter.release(sent)  # a recorded send given back frees its place in the windows
    assert [limiter.book("k").reserved for _ in range(3)] == [True] * 3
    limiter.hold("k", 5)
    held = limiter.book("k")
    assert not held.reserved
    assert held.wait == pytest.approx(5.0, abs=1e-3)
    limiter.hold("k", 1)  # does not pull the hold back
    assert limiter.book("k").wait == pytest.approx(5.0, abs=1e-3)
    clock.now += 2
    assert limiter.book("k").wait == pytest.approx(3.0, abs=1e-3)


async def test_redis_async_face_shares_the_windows_with_the_blocking_one(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(fresh_redis, clock=Clock())
    for _ in range(2):
        limiter.book("k")
    booked = await asyncio.gather(*(limiter.abook("k") for _ in range(3)))
    assert sorted(b.reserved for b in booked) == [False, False, True]  # 3 a second
    assert max(b.wait for b in booked) == pytest.approx(1.0 + SHARED_SLOT_MARGIN, abs=1e-3)
    await limiter.arelease(booked[0])
    await limiter.ahold("k", 10)
    assert (await limiter.abook("k")).wait == pytest.approx(10.0, abs=1e-3)
    await limiter.aclose()
    limiter.close()


def test_redis_closes_the_connections_of_each_event_loop_as_it_ends(fresh_redis: str) -> None:
    import gc
    import warnings

    import redis

    url, name = named_url(fresh_redis)  # only the limiter's connections are counted
    limiter = RedisRateLimiter(url, clock=Clock())
    admin = redis.Redis.from_url(fresh_redis)

    async def book_and_count() -> int:
        assert (await limiter.abook("k")).bucket == "k"
        return connections_named(admin, name, 1)  # this loop's, open while the loop runs

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(6):  # six asyncio.run(), as six jobs or six tests' loops would
            assert asyncio.run(book_and_count()) == 1  # the earlier loops' closed
        gc.collect()
    assert connections_named(admin, name, 0) == 0  # each closed in its loop, none left open
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []  # nor collected
    admin.close()


@pytest.mark.parametrize(
    "url",
    ["redis://[::1", "redis://:s3cret@[::1/0", "redis://h:abc/0", "redis://:s3cret@h:abc/0"],
)
def test_a_store_url_that_cannot_be_read_is_a_configuration_error_without_the_password(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # urlsplit raised ValueError at once (a broken IPv6 host), redis-py at the first send (a
    # port that is no number): neither was a ConfigurationError.
    for make in (
        lambda: rate_limiter_from_url(url),
        lambda: RedisRateLimiter(url),
        lambda: resolve_rate_limit(None),
    ):
        monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", url)
        with pytest.raises(ConfigurationError, match="cannot be read") as caught:
            make()
        assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("mark", ["/", "?", "#"])
@pytest.mark.parametrize("user", ["", "app"])
def test_a_redis_password_holding_a_slash_question_mark_or_hash_shows_no_piece_of_it(
    mark: str, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unencoded, the mark ends the host part there: the password's first piece reads as a
    port and the rest as a path, query or fragment. Neither piece is shown; the error says to
    percent-encode the mark."""
    for head in ("pw", "12"):  # a first piece that is no port, and one that is
        url = f"redis://{user}:{head}{mark}s3cret-rest@127.0.0.1:6379/0"
        for make in (rate_limiter_from_url, RedisRateLimiter):
            with pytest.raises(ConfigurationError) as caught:
                make(url)
            message = str(caught.value)
            assert "s3cret" not in message
            assert f"'{head}'" not in message
            assert f":{head}" not in message
            assert "percent-encode" in message


def test_redis_time_stepped_back_delays_no_send_longer_than_a_window(fresh_redis: str) -> None:
    # Redis's clock stepped back five minutes (an NTP correction, a failover to a replica whose
    # clock is behind): the sends recorded before seemed five minutes in the future, and every
    # client sharing the limiter waited those five minutes before sending anything.
    clock = Clock()
    limiter = RedisRateLimiter(fresh_redis, clock=clock)
    assert [limiter.book("k").reserved for _ in range(3)] == [True] * 3
    clock.now -= 300
    waiting = limiter.book("k")
    assert not waiting.reserved  # the three sends still count: no fourth in their second
    assert waiting.wait == pytest.approx(1.0 + SHARED_SLOT_MARGIN, abs=1e-3)
    clock.now += waiting.wait
    assert limiter.book("k").reserved
    limiter.close()


def test_redis_time_stepped_back_holds_no_longer_than_the_hold_asked(fresh_redis: str) -> None:
    clock = Clock()
    limiter = RedisRateLimiter(fresh_redis, clock=clock)
    limiter.hold("k", 5)
    clock.now -= 300
    held = limiter.book("k")
    assert not held.reserved
    assert held.wait == pytest.approx(5.0, abs=1e-3)
    clock.now += held.wait
    assert limiter.book("k").reserved
    limiter.close()


def test_a_lone_user_info_in_a_redis_url_is_hidden_as_it_may_be_a_password() -> None:
    # redis://s3cret@host: the ':' before a password forgotten (redis-cli -u reads it as the
    # password, and so do hosted Redis and Redis before 6, which have no user names)
    limiter = RedisRateLimiter(f"redis://s3cret-password@127.0.0.1:{free_port()}/0")
    assert "s3cret" not in repr(limiter) + limiter.where
    assert "redis://***@127.0.0.1:" in repr(limiter)
    with pytest.raises(RateLimiterUnavailableError) as caught:
        limiter.book("a")
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://user:s3cret@[::1]:6379/0", "redis://user:***@[::1]:6379/0"),
        ("redis://:s3cret@[fe80::1%25eth0]/0", "redis://:***@[fe80::1%25eth0]/0"),
        ("unix:///run/redis/redis.sock?db=2", "unix:///run/redis/redis.sock?db=2"),
        ("unix://:s3cret@/run/redis.sock", "unix://:***@/run/redis.sock"),
        (
            "rediss://h/0?ssl_ca_certs=/etc/ca.pem&client_name=a%2Db&password=s3cret",
            "rediss://h/0?ssl_ca_certs=/etc/ca.pem&client_name=a%2Db&password=[redacted]",
        ),
    ],
)
def test_a_redis_url_is_shown_as_it_is_written_but_for_its_password(url: str, shown: str) -> None:
    # an IPv6 host lost its brackets (redis://:***@::1:6379/0), a unix:// URL its '//'
    # (unix:/run/...), a query its slashes (ssl_ca_certs=%2Fetc%2Fca.pem): shown so, they
    # could not be pasted back into the configuration as they were
    assert repr(RedisRateLimiter(url)) == f"RedisRateLimiter({shown!r}, limits={HAULMER_LIMITS!r})"


@pytest.mark.parametrize("margin", ["0.1", None, False, float("nan"), 1, -0.1, Decimal("NaN")])
def test_a_margin_that_is_no_number_of_seconds_below_one_is_refused(margin: object) -> None:
    # "0.1" and None were a bare TypeError; False reached the script as "False", which Lua
    # cannot read: every booking failed, told as an old Redis
    with pytest.raises(ConfigurationError, match="margin= is seconds in"):
        RedisRateLimiter("redis://127.0.0.1/0", margin=margin)  # type: ignore[arg-type]


def test_a_margin_of_any_kind_of_number_reaches_the_script_as_one(fresh_redis: str) -> None:
    # Fraction(1, 5) reached the script as "1/5", which Lua cannot read
    for margin in (0, Decimal("0.2"), Fraction(1, 5)):
        clock = Clock()
        limiter = RedisRateLimiter(fresh_redis, clock=clock, margin=margin, prefix=f"m{margin}")
        assert [limiter.book("k").reserved for _ in range(3)] == [True] * 3
        assert limiter.book("k").wait == pytest.approx(1.0 + float(margin), abs=1e-3)
        limiter.close()


@pytest.mark.parametrize("prefix", [None, 3, b"haulmer"])
def test_a_key_prefix_that_is_no_text_is_refused(prefix: object) -> None:
    # None named every key "None:{...}", quietly sharing windows with any other such limiter
    with pytest.raises(ConfigurationError, match="prefix= is the text"):
        RedisRateLimiter("redis://127.0.0.1/0", prefix=prefix)  # type: ignore[arg-type]


def test_a_redis_asyncio_client_given_as_client_is_refused_saying_async_client() -> None:
    # it answered each booking with a coroutine never awaited, told as a proxy rewriting answers
    import redis.asyncio

    given = redis.asyncio.Redis(host="127.0.0.1", port=free_port())
    with pytest.raises(ConfigurationError, match="pass it as async_client=") as caught:
        RedisRateLimiter(client=given)  # type: ignore[arg-type]
    assert "redis.asyncio" in str(caught.value)
    asyncio.run(given.aclose())


def test_a_blocking_redis_client_given_as_async_client_is_refused_saying_client() -> None:
    # awaited, its answer was a bare TypeError, after the script had recorded a send
    import redis

    given = redis.Redis(host="127.0.0.1", port=free_port())
    with pytest.raises(ConfigurationError, match="pass it as client=") as caught:
        RedisRateLimiter(async_client=given)  # type: ignore[arg-type]
    assert "blocking" in str(caught.value)
    given.close()


@pytest.mark.parametrize(
    "url", ["redis://:6379/0", "redis:///0", "rediss://:s3cret-password@:6380/0", "redis://"]
)
def test_a_redis_url_without_a_host_is_refused_instead_of_using_localhost(url: str) -> None:
    # redis://${REDIS_HOST}:6379/0 with the variable unset: redis-py quietly used localhost, a
    # Redis the other hosts do not share, so each host kept the limit apart
    with pytest.raises(ConfigurationError, match="names no host") as caught:
        RedisRateLimiter(url)
    assert "s3cret" not in str(caught.value)


def test_a_redis_url_with_port_0_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="port 0"):
        RedisRateLimiter("redis://127.0.0.1:0/0")


def test_a_booking_sent_again_after_its_answer_was_lost_is_the_same_booking(
    fresh_redis: str,
) -> None:
    # redis-py sends a command once more when its connection died, which may be after the script
    # recorded the send: asked again, the script counted that send against itself, answered
    # "wait", and the send went on counting though it never went
    clock = Clock()
    limiter = RedisRateLimiter(fresh_redis, clock=clock)
    assert limiter.book("k").reserved
    assert limiter.book("k").reserved
    store = limiter._sync_client()
    args = limiter._book_args("k", "lost-answer")
    assert store.eval(BOOK_SCRIPT, BOOK_KEYS, *args) == [1, b"0"]
    assert store.eval(BOOK_SCRIPT, BOOK_KEYS, *args) == [1, b"0"]  # the answer lost, asked again
    assert store.zcard(limiter._keys("k")[0]) == 3
    assert not limiter.book("k").reserved
    limiter.close()


@pytest.mark.parametrize(
    "url", ["unix://run/redis/redis.sock", "unix://redis.sock", "unix://:s3cret@run/redis.sock"]
)
def test_a_unix_url_with_two_slashes_is_refused_saying_to_write_three(url: str) -> None:
    # the path's first folder was read as a host and dropped: the limiter looked for the socket
    # at /redis/redis.sock (or none), and said only to check the path
    with pytest.raises(ConfigurationError, match="three slashes") as caught:
        RedisRateLimiter(url)
    assert "s3cret" not in str(caught.value)


def test_a_unix_url_with_a_password_or_localhost_before_its_path_is_taken() -> None:
    assert "unix://:***@/run/redis.sock" in repr(RedisRateLimiter("unix://:s3cret@/run/redis.sock"))
    assert RedisRateLimiter("unix://localhost/run/redis.sock").where.endswith("/run/redis.sock")


@pytest.mark.parametrize("url", [123, b"redis://127.0.0.1:6379/0", ["redis://127.0.0.1:6379/0"]])
def test_a_limiter_url_that_is_no_text_is_refused(url: object) -> None:
    # a bare AttributeError or TypeError of urlsplit's
    with pytest.raises(ConfigurationError, match="URL as text"):
        RedisRateLimiter(url)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="URL as text"):
        rate_limiter_from_url(url)  # type: ignore[arg-type]


def test_a_clock_that_is_not_callable_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="clock= is a callable"):
        RedisRateLimiter("redis://127.0.0.1/0", clock=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("reading", [float("nan"), float("inf"), "x", None, True, 10**400])
async def test_a_clock_reading_that_is_no_number_of_seconds_is_refused_on_both_faces(
    reading: object,
) -> None:
    # NaN reached the script (told as "use Redis 5 or later"), text or None a bare error
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", clock=lambda: reading)  # type: ignore[arg-type, return-value]
    with pytest.raises(ConfigurationError, match="clock= returned"):
        limiter.book("a")
    with pytest.raises(ConfigurationError, match="clock= returned"):
        await limiter.abook("a")
    with pytest.raises(ConfigurationError, match="clock= returned"):
        limiter.hold("a", 1.0)


def test_a_limiter_with_shorter_windows_keeps_the_history_another_sharing_the_bucket_needs(
    fresh_redis: str,
) -> None:
    # a batch kept gentler with limits=[(1, 1.0)] dropped every send older than 1.1 s from the
    # bucket it shares with the web application's limiter (3/s and 100/min): the minute window
    # of the latter then counted a second of sends, and let past 100 a minute
    clock = Clock()
    app = RedisRateLimiter(fresh_redis, clock=clock, limits=[(3, 1.0), (5, 60.0)])
    batch = RedisRateLimiter(fresh_redis, clock=clock, limits=[(1, 1.0)])
    app_sent = 0
    for _ in range(20):  # 40 s
        clock.now += 2.0
        app_sent += app.book("k").reserved
        batch.book("k")  # the batch keeps its own window (1 a second) and trims for it
    assert app_sent <= 5  # the app's 5 a minute, counting every send of the bucket
    app.close()
    batch.close()


def test_every_key_the_shared_limiter_writes_expires_on_its_own(fresh_redis: str) -> None:
    # docs/scale.md: the keys expire on their own, none is left in Redis for ever
    limiter = RedisRateLimiter(fresh_redis)
    assert limiter.book("k").reserved
    limiter.hold("k", 2.0)
    assert not limiter.book("k").reserved
    store = limiter._sync_client()
    written = sorted(key.decode() for key in store.keys("haulmer:ratelimit:*"))
    assert written == sorted(limiter._keys("k"))
    for key in written:
        assert 0 < store.pttl(key) <= (60 + SHARED_SLOT_MARGIN) * 1000 + 1000
    limiter.close()
