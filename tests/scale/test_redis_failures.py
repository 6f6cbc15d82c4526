"""How the shared limiter fails: every way Redis can be missing, wrong or unwell ends the call
with a RateLimiterUnavailableError (nothing sent, never sent unlimited) saying what to do, in
bounded time, without the API key or the Redis password; a Redis back again is used again."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import socket
import ssl
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.redis_ratelimit import BOOK_KEYS, BOOK_SCRIPT, SHARED_SLOT_MARGIN, STORE_TIMEOUT
from haulmer._core.redis_scripts import FORGET_SCRIPT, booking_of_answer
from haulmer.errors import ConfigurationError, RateLimiterUnavailableError
from haulmer.ratelimit import RedisRateLimiter
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer

from .servers import free_port, redis_server

PASSWORD = "pw-s3cret-redis"


@pytest.fixture
def own_redis() -> Iterator[str]:
    """A redis-server of this test alone, free to be misconfigured."""
    with redis_server() as url:
        yield url


@pytest.fixture
def self_signed_tls_server(tmp_path: Path) -> Iterator[str]:
    """A rediss:// URL whose server speaks TLS with a self-signed certificate (as Heroku's
    Redis does), answering nothing past the handshake."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener closed: the test is over
                return
            with connection, contextlib.suppress(OSError):
                context.wrap_socket(connection, server_side=True).close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield f"rediss://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        with contextlib.suppress(OSError):  # wakes the accept() under way, as close() does not
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        server.join(10)


@contextlib.contextmanager
def _answering_server(answer: bytes) -> Iterator[str]:
    """A redis:// URL whose server writes ``answer`` (a RESP error line) to each connection, as
    Redis does when it refuses one, and closes it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener closed: the test is over
                return
            with connection, contextlib.suppress(OSError):
                connection.sendall(answer)
                connection.shutdown(socket.SHUT_WR)
                connection.recv(65536)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        with contextlib.suppress(OSError):  # wakes the accept() under way, as close() does not
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        server.join(10)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A redis:// URL whose server accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def _admin(url: str) -> redis.Redis:
    """A plain client of ``url``, to misconfigure its server."""
    return redis.Redis.from_url(url)


def test_a_redis_that_never_answers_fails_the_booking_within_the_timeout(
    silent_server: str,
) -> None:
    limiter = RedisRateLimiter(silent_server, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(RateLimiterUnavailableError, match="did not answer in time") as caught:
        limiter.book("a")
    assert time.monotonic() - started < 3
    assert "timeout= is 0.3 s" in str(caught.value)
    limiter.close()


async def test_a_redis_that_never_answers_fails_the_async_booking_within_the_timeout(
    silent_server: str,
) -> None:
    limiter = RedisRateLimiter(silent_server, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(RateLimiterUnavailableError, match="did not answer in time"):
        await limiter.abook("a")
    assert time.monotonic() - started < 3
    await limiter.aclose()


async def test_a_limiter_from_a_url_waits_five_seconds_whatever_redis_py_defaults_to() -> None:
    # redis-py before 6 waits for an answer without end unless told
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0")
    options = limiter._sync_client().connection_pool.connection_kwargs
    assert options["socket_timeout"] == options["socket_connect_timeout"] == STORE_TIMEOUT == 5
    async_options = limiter._loop_client().connection_pool.connection_kwargs
    assert async_options["socket_timeout"] == async_options["socket_connect_timeout"] == 5
    limiter.close()
    await limiter.aclose()
    told = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?socket_timeout=1.5")
    assert told._sync_client().connection_pool.connection_kwargs["socket_timeout"] == 1.5
    told.close()


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True, "5", 1e10])
def test_a_timeout_that_is_no_positive_number_is_refused(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="timeout= is the seconds"):
        RedisRateLimiter("redis://127.0.0.1/0", timeout=timeout)  # type: ignore[arg-type]


def test_a_query_option_redis_py_cannot_read_is_a_configuration_error() -> None:
    # said where the limiter is made (it was at the first send)
    with pytest.raises(ConfigurationError, match="option redis-py cannot read") as caught:
        RedisRateLimiter(f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0?socket_timeout=x")
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_a_url_option_redis_py_refuses_is_told_where_the_client_is_made(
    cls: type[Haulmer | AsyncHaulmer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # it was told at the first OpenFactura call, not naming the variable the URL came from
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", "redis://127.0.0.1:6379/0?ssl_cert_reqs=none")
    with pytest.raises(ConfigurationError, match="HAULMER_RATE_LIMIT_URL") as caught:
        cls(SANDBOX_API_KEY)
    assert "ssl_cert_reqs" in str(caught.value)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL")
    with pytest.raises(ConfigurationError, match=r"\?socket_timeout= is the seconds"):
        cls(SANDBOX_API_KEY, rate_limit="redis://127.0.0.1:6379/0?socket_timeout=0")


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/cache",
        "redis://127.0.0.1:6379/O",
        "redis://h/\u0663",
        "redis://h?db=x",
    ],
)
def test_a_database_that_is_no_number_is_refused_instead_of_using_database_0(url: str) -> None:
    with pytest.raises(ConfigurationError, match="which is no number"):
        RedisRateLimiter(url)


def test_a_database_redis_does_not_have_says_so(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(fresh_redis.rsplit("/", 1)[0] + "/99")
    with pytest.raises(RateLimiterUnavailableError, match="Redis has no such database"):
        limiter.book("a")
    limiter.close()


def test_a_missing_unix_socket_says_to_check_its_path() -> None:
    limiter = RedisRateLimiter("unix:///nonexistent/haulmer/redis.sock")
    with pytest.raises(RateLimiterUnavailableError, match="on that socket: check its path"):
        limiter.book("a")


def test_rediss_to_a_redis_without_tls_ends_in_time_and_says_to_use_redis(
    fresh_redis: str,
) -> None:
    limiter = RedisRateLimiter(fresh_redis.replace("redis://", "rediss://"), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(RateLimiterUnavailableError, match="use redis:// for it"):
        limiter.book("a")
    assert time.monotonic() - started < 5
    limiter.close()


def _require_password(url: str) -> None:
    """Make the redis-server at ``url`` ask for ``PASSWORD``."""
    admin = _admin(url)
    admin.config_set("requirepass", PASSWORD)
    admin.close()


def test_a_redis_that_needs_a_password_says_so_and_never_shows_it(
    own_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    _require_password(own_redis)
    caplog.set_level(logging.DEBUG)
    for url in (own_redis, own_redis.replace("//", "//:wrong-pw-guess@")):
        limiter = RedisRateLimiter(url)
        with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
            limiter.book("a")
        shown = "".join(traceback.format_exception(caught.value)) + caplog.text
        assert "wrong-pw-guess" not in shown
        assert PASSWORD not in shown
        limiter.close()
    right = RedisRateLimiter(own_redis.replace("//", f"//:{PASSWORD}@"))
    assert right.book("a").reserved
    right.close()


def test_the_api_key_and_the_redis_password_never_reach_errors_or_logs(
    own_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    _require_password(own_redis)
    caplog.set_level(logging.DEBUG)
    fake = FakeHaulmer()
    url = own_redis.replace("//", "//:wrong-pw-guess@")
    with fake.client(rate_limit=url) as client:
        with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
            client.openfactura.organization.retrieve()
        shown = "".join(traceback.format_exception(caught.value)) + caplog.text + repr(client)
    for secret in (SANDBOX_API_KEY, "wrong-pw-guess", PASSWORD):
        assert secret not in shown
    assert fake.requests.total == 0


def _locals_showing(error: BaseException, secret: str) -> list[str]:
    """Each frame, along ``error``'s causes, holding a local whose repr shows ``secret``, as
    error trackers recording locals (Sentry, rich, ``capture_locals=True``) would show it."""
    found, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame, _ in traceback.walk_tb(current.__traceback__):
            if frame.f_code.co_filename != __file__:
                found += [
                    f"{frame.f_code.co_name}: {name}"
                    for name, value in frame.f_locals.items()
                    if secret in repr(value)
                ]
        current = current.__cause__ or current.__context__
    return found


def test_a_refused_redis_password_stays_in_no_frame_of_redis_py_behind_the_error(
    own_redis: str,
) -> None:
    # redis-py's handshake holds the password it sends in its locals (auth_args)
    _require_password(own_redis)
    limiter = RedisRateLimiter(own_redis.replace("//", "//:wrong-pw-guess@"))
    with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
        limiter.book("a")
    limiter.close()
    assert _locals_showing(caught.value, "wrong-pw-guess") == []


async def test_a_refused_redis_password_stays_in_no_frame_behind_the_async_error(
    own_redis: str,
) -> None:
    _require_password(own_redis)
    limiter = RedisRateLimiter(own_redis.replace("//", "//:wrong-pw-guess@"))
    with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
        await limiter.abook("a")
    await limiter.aclose()
    assert _locals_showing(caught.value, "wrong-pw-guess") == []


def test_a_redis_out_of_memory_refuses_the_hold_and_says_why(own_redis: str) -> None:
    admin = _admin(own_redis)
    admin.set("filler", "x" * 200_000)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", "1000000")
    limiter = RedisRateLimiter(own_redis)
    with pytest.raises(RateLimiterUnavailableError, match="out of memory") as caught:
        limiter.hold("a", 2.0)
    assert "raise maxmemory" in str(caught.value)
    # the 429 whose wait it holds answered a request that went out: not "nothing was sent"
    assert "nothing was sent" not in str(caught.value)
    assert "the request was sent and answered 429" in str(caught.value)
    admin.config_set("maxmemory", "0")
    admin.close()
    limiter.close()


def test_a_read_only_replica_says_to_use_the_primary(own_redis: str) -> None:
    admin = _admin(own_redis)
    admin.replicaof("127.0.0.1", free_port())
    limiter = RedisRateLimiter(own_redis)
    with pytest.raises(RateLimiterUnavailableError, match="read-only replica: point") as caught:
        limiter.book("a")
    assert "at the primary" in str(caught.value)
    admin.replicaof("no", "one")
    assert limiter.book("a").reserved  # promoted, it serves again
    admin.close()
    limiter.close()


def test_scripts_flushed_from_redis_cost_no_booking(fresh_redis: str) -> None:
    # the scripts go with each call (EVAL): neither SCRIPT FLUSH nor a restart can lose them
    limiter = RedisRateLimiter(fresh_redis)
    assert limiter.book("a").reserved
    admin = _admin(fresh_redis)
    admin.script_flush()
    admin.close()
    assert limiter.book("a").reserved
    limiter.hold("a", 0.5)
    assert not limiter.book("a").reserved
    limiter.close()


def test_a_redis_stopped_then_restarted_fails_while_down_and_serves_again() -> None:
    port = free_port()
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{port}/0")

    async def book() -> bool:
        return (await limiter.abook("a")).reserved

    loop = asyncio.new_event_loop()
    try:
        with redis_server(port):
            assert limiter.book("a").reserved
            assert loop.run_until_complete(book())
        with pytest.raises(RateLimiterUnavailableError, match="Nothing answers as Redis there"):
            limiter.book("a")
        with redis_server(port):
            # each pooled connection died with the old server: the first call on it used to fail
            assert loop.run_until_complete(book())
            assert limiter.book("a").reserved
        with redis_server(port):
            assert loop.run_until_complete(book())
            assert limiter.book("a").reserved
        loop.run_until_complete(limiter.aclose())
    finally:
        loop.close()
    limiter.close()


def test_the_retry_on_a_closed_connection_is_asked_so_every_redis_py_taken_honours_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """redis-py before 6 sets a client's retry= aside unless retry_on_error= names the errors
    it retries: under redis-py 5.1 and 5.2 the first async call on each connection pooled
    before a restart of Redis failed though Redis ran again (the test above, run there)."""
    import redis.asyncio

    asked: list[dict[str, object]] = []
    for kind in (redis.Redis, redis.asyncio.Redis):
        made = kind.from_url

        def spy(url: str, *, made: object = made, **options: object) -> object:
            asked.append(options)
            return made(url, **options)  # type: ignore[operator]

        monkeypatch.setattr(kind, "from_url", spy)
    RedisRateLimiter("redis://127.0.0.1:1/0").close()
    assert len(asked) == 2
    for options in asked:
        assert redis.ConnectionError in options["retry_on_error"]  # type: ignore[operator]


def _answer_lost_once(monkeypatch: pytest.MonkeyPatch, error: type[Exception]) -> list[int]:
    """Make the first answer read on any redis-py connection (blocking or asyncio) fail with
    ``error``, after its command went, as on a connection a NAT dropped while it was idle; the
    list returned counts the answers read."""
    import redis.asyncio.connection
    import redis.connection

    reads: list[int] = []
    for kind in (redis.connection.Connection, redis.asyncio.connection.Connection):
        read = kind.read_response

        if kind is redis.connection.Connection:

            def lost(self: Any, *args: Any, read: Any = read, **kwargs: Any) -> Any:
                reads.append(1)
                if len(reads) == 1:
                    self.disconnect()
                    raise error("Timeout reading from socket")
                return read(self, *args, **kwargs)

        else:

            async def lost(self: Any, *args: Any, read: Any = read, **kwargs: Any) -> Any:
                reads.append(1)
                if len(reads) == 1:
                    await self.disconnect()
                    raise error("Timeout reading from socket")
                return await read(self, *args, **kwargs)

        monkeypatch.setattr(kind, "read_response", lost)
    return reads


@pytest.mark.parametrize("error", [redis.TimeoutError, redis.ConnectionError])
def test_a_booking_whose_answer_is_lost_once_reconnects_and_counts_one_send(
    fresh_redis: str, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    # A NAT that drops an idle connection makes its next command time out: the call failed
    # though Redis ran, instead of sending the script once more on a new connection
    limiter = RedisRateLimiter(fresh_redis, timeout=0.5)
    admin = _admin(fresh_redis)
    reads = _answer_lost_once(monkeypatch, error)
    assert limiter.book("a").reserved
    assert len(reads) >= 2
    assert admin.zcard(limiter._keys("a")[0]) == 1  # sent twice, recorded once
    limiter.close()
    admin.close()


@pytest.mark.parametrize("error", [redis.TimeoutError, redis.ConnectionError])
async def test_an_async_booking_whose_answer_is_lost_once_reconnects_and_counts_one_send(
    fresh_redis: str, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    limiter = RedisRateLimiter(fresh_redis, timeout=0.5)
    admin = _admin(fresh_redis)
    reads = _answer_lost_once(monkeypatch, error)
    assert (await limiter.abook("a")).reserved
    assert len(reads) >= 2
    assert admin.zcard(limiter._keys("a")[0]) == 1
    await limiter.aclose()
    admin.close()


def _answer_withheld_after_the_first(monkeypatch: pytest.MonkeyPatch, interruption: Any) -> None:
    """Make the first script run on any redis-py connection run in Redis, its answer read, and
    then the call be interrupted (``interruption()`` raised or awaited) before it returns, as
    a call cancelled while its booking's answer was on its way; other commands answer."""
    import redis.asyncio.connection
    import redis.connection

    reads: list[int] = []
    blocking_read = redis.connection.Connection.read_response
    async_read = redis.asyncio.connection.Connection.read_response

    def withheld(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = blocking_read(self, *args, **kwargs)
        if isinstance(answer, list) and not reads:  # the booking script's pair
            reads.append(1)
            self.disconnect()
            interruption()
        return answer

    async def async_withheld(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = await async_read(self, *args, **kwargs)
        if isinstance(answer, list) and not reads:
            reads.append(1)
            await interruption()
        return answer

    monkeypatch.setattr(redis.connection.Connection, "read_response", withheld)
    monkeypatch.setattr(redis.asyncio.connection.Connection, "read_response", async_withheld)


async def test_a_booking_cancelled_while_redis_answered_is_not_counted(
    fresh_redis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # asyncio.timeout() or a task group cancelling a call while its booking's answer was on its
    # way left the send recorded in Redis, never sent: one of the 3 a second and 100 a minute
    # counted for a minute
    limiter = RedisRateLimiter(fresh_redis)
    admin = _admin(fresh_redis)
    withheld = asyncio.Event()

    async def stall() -> None:
        withheld.set()
        await asyncio.Event().wait()

    _answer_withheld_after_the_first(monkeypatch, stall)
    booking = asyncio.ensure_future(limiter.abook("a"))
    await withheld.wait()  # recorded by Redis, its answer not yet given to the limiter
    assert admin.zcard(limiter._keys("a")[0]) == 1
    booking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await booking
    assert admin.zcard(limiter._keys("a")[0]) == 0
    for _ in range(3):
        assert (await limiter.abook("a")).reserved  # the second's three turns are all there
    await limiter.aclose()
    admin.close()


async def test_a_booking_cancelled_again_while_it_is_given_up_is_still_not_counted(
    fresh_redis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # anyio's cancel scopes (Starlette, FastAPI) cancel a task again at each await: the give-up
    # was itself cancelled before it reached Redis, and the send went on counting
    import redis.asyncio.connection

    limiter = RedisRateLimiter(fresh_redis)
    admin = _admin(fresh_redis)
    withheld = asyncio.Event()

    async def stall() -> None:
        withheld.set()
        await asyncio.Event().wait()

    _answer_withheld_after_the_first(monkeypatch, stall)
    booking = asyncio.ensure_future(limiter.abook("a"))
    send = redis.asyncio.connection.Connection.send_command

    async def cancelled_again(self: Any, *args: Any, **kwargs: Any) -> None:
        if FORGET_SCRIPT in args:  # the give-up, about to go: the caller is cancelled again
            booking.cancel()
            await asyncio.sleep(0)
        await send(self, *args, **kwargs)

    monkeypatch.setattr(redis.asyncio.connection.Connection, "send_command", cancelled_again)
    await withheld.wait()
    booking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await booking
    await asyncio.gather(*getattr(limiter, "_giving_up", ()))  # going on on its own
    assert admin.zcard(limiter._keys("a")[0]) == 0
    await limiter.aclose()
    admin.close()


def test_a_blocking_booking_interrupted_while_redis_answered_is_not_counted(
    fresh_redis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    limiter = RedisRateLimiter(fresh_redis)
    admin = _admin(fresh_redis)
    _answer_withheld_after_the_first(monkeypatch, interrupt)
    with pytest.raises(KeyboardInterrupt):
        limiter.book("a")
    assert admin.zcard(limiter._keys("a")[0]) == 0
    limiter.close()
    admin.close()


def test_a_booking_given_up_before_redis_ran_it_is_never_recorded(fresh_redis: str) -> None:
    # the script of a cancelled call may reach Redis after the call gave its booking up (its
    # connection dropped, the give-up sent on another): Redis must not record it then
    limiter = RedisRateLimiter(fresh_redis)
    store = limiter._sync_client()
    limiter._forget("a", "late-member")
    args = limiter._book_args("a", "late-member")
    assert not booking_of_answer("a", "late", store.eval(BOOK_SCRIPT, BOOK_KEYS, *args)).reserved
    assert store.zcard(limiter._keys("a")[0]) == 0
    assert 0 < store.pttl(limiter._forgotten_key("a")) <= (60 + SHARED_SLOT_MARGIN) * 1000 + 1000
    for _ in range(3):
        assert limiter.book("a").reserved
    limiter.close()


class _AnsweringRedis:
    """A stand-in for redis.Redis (and redis.asyncio.Redis) whose script answers are given."""

    def __init__(self, answer: object) -> None:
        self.answer = answer

    def eval(self, *_args: object) -> object:
        return self.answer


class _AnsweringAsyncRedis(_AnsweringRedis):
    async def eval(self, *_args: object) -> object:  # type: ignore[override]
        return self.answer


_ANSWERS_NO_SCRIPT_GIVES = [
    None,
    b"OK",
    1,
    [],
    [1],
    [b"1", b"0", b"extra"],
    [b"x", b"0"],
    [2, b"0"],
    [0, b"nan"],
    [0, b"inf"],
    [0, b"soon"],
    {"0": 1},
]


@pytest.mark.parametrize("answer", _ANSWERS_NO_SCRIPT_GIVES, ids=repr)
def test_an_answer_the_booking_script_never_gives_fails_closed(answer: object) -> None:
    """A proxy or a stand-in that answers something else books nothing: neither a send let go
    unlimited (b"OK" read as "recorded") nor a wait of NaN or forever, nor a bare IndexError."""
    limiter = RedisRateLimiter(client=_AnsweringRedis(answer))  # type: ignore[arg-type]
    with pytest.raises(RateLimiterUnavailableError) as info:
        limiter.book("bucket")
    assert "nothing was sent" in str(info.value)
    assert "answered the limiter's script" in str(info.value)


@pytest.mark.parametrize("answer", _ANSWERS_NO_SCRIPT_GIVES, ids=repr)
async def test_an_answer_the_booking_script_never_gives_fails_closed_async(answer: object) -> None:
    limiter = RedisRateLimiter(async_client=_AnsweringAsyncRedis(answer))  # type: ignore[arg-type]
    with pytest.raises(RateLimiterUnavailableError):
        await limiter.abook("bucket")


def test_a_client_whose_limiter_answers_nonsense_sends_nothing() -> None:
    fake = FakeHaulmer()
    limiter = RedisRateLimiter(client=_AnsweringRedis(b"OK"))  # type: ignore[arg-type]
    with fake.client(rate_limit=limiter) as client, pytest.raises(RateLimiterUnavailableError):
        client.openfactura.organization.retrieve()
    assert fake.requests.for_route("openfactura.organization.retrieve") == []


@pytest.mark.parametrize(
    ("answer", "reserved", "wait"),
    [
        ([1, b"0"], True, 0.0),
        ([b"1", b"0"], True, 0.0),
        (["0", "0.25"], False, 0.25),
        ((0, b"1.5"), False, 1.5),
    ],
)
def test_the_booking_scripts_own_answers_are_read_as_bytes_or_text(
    answer: object, reserved: bool, wait: float
) -> None:
    booking = RedisRateLimiter(client=_AnsweringRedis(answer)).book("b")  # type: ignore[arg-type]
    assert (booking.reserved, booking.wait) == (reserved, wait)


@pytest.mark.parametrize("scheme", ["redis", "unix"])
def test_a_tls_option_on_a_url_without_tls_says_to_use_rediss_or_drop_it(scheme: str) -> None:
    # Heroku-style settings carry ?ssl_cert_reqs=none, which redis-py takes only for rediss://:
    # on another URL it was a bare TypeError of redis-py's at the first send
    where = "127.0.0.1:6379/0" if scheme == "redis" else "/tmp/haulmer-absent.sock"
    with pytest.raises(ConfigurationError, match="ssl_cert_reqs") as caught:
        RedisRateLimiter(f"{scheme}://:{PASSWORD}@{where}?ssl_cert_reqs=none")
    assert "rediss://" in str(caught.value)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize("option", ["foo=bar", "timeout=3", "connection_class=x"])
def test_an_option_redis_py_does_not_take_is_a_configuration_error(option: str) -> None:
    with pytest.raises(ConfigurationError, match="redis-py takes no option") as caught:
        RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?{option}")
    assert option.partition("=")[0] in str(caught.value)


def test_a_tls_option_value_redis_py_cannot_read_is_a_configuration_error() -> None:
    # it was a RedisError at connect, told as "use Redis 5 or later"
    with pytest.raises(ConfigurationError, match="ssl_cert_reqs= takes"):
        RedisRateLimiter(f"rediss://127.0.0.1:{free_port()}/0?ssl_cert_reqs=bogus")


async def test_a_url_the_limiter_took_is_read_again_by_both_faces_without_error(
    fresh_redis: str,
) -> None:
    limiter = RedisRateLimiter(f"{fresh_redis}?socket_timeout=2&client_name=haulmer-batch")
    assert limiter.book("a").reserved
    assert (await limiter.abook("a")).reserved
    limiter.close()
    await limiter.aclose()


def test_a_password_without_its_colon_is_refused_saying_to_write_the_colon(
    own_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    # redis://pw@host: redis-py sends pw as a user name (redis-cli -u as the password)
    _require_password(own_redis)
    caplog.set_level(logging.DEBUG)
    limiter = RedisRateLimiter(own_redis.replace("//", f"//{PASSWORD}@"))
    with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
        limiter.book("a")
    assert "write a ':' before it" in str(caught.value)
    shown = "".join(traceback.format_exception(caught.value)) + caplog.text + repr(limiter)
    assert PASSWORD not in shown
    limiter.close()


@pytest.mark.parametrize(
    "option",
    [
        "socket_timeout=-1",
        "socket_timeout=nan",
        "socket_timeout=inf",
        "socket_timeout=0",
        "socket_connect_timeout=-1",
        "socket_connect_timeout=1e400",
        "socket_timeout=1e10",  # past what a socket takes: a bare OverflowError at the send
    ],
)
def test_a_url_timeout_that_is_no_positive_number_of_seconds_is_a_configuration_error(
    option: str,
) -> None:
    # the blocking face raised a bare ValueError or OverflowError at the first send, the
    # asyncio one said Redis did not answer in time, or waited without end
    name = option.partition("=")[0]
    with pytest.raises(ConfigurationError, match=f"\\?{name}= is the seconds"):
        RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?{option}")


async def test_a_tls_certificate_this_host_does_not_trust_says_how_to_trust_it(
    self_signed_tls_server: str,
) -> None:
    # it was "Nothing answers as Redis there: check that Redis runs", of a Redis that answered
    limiter = RedisRateLimiter(self_signed_tls_server, timeout=2)
    for book in (limiter.book, limiter.abook):
        with pytest.raises(RateLimiterUnavailableError, match="certificate") as caught:
            outcome = book("a")
            if asyncio.iscoroutine(outcome):
                await outcome
        said = str(caught.value)
        assert "self-signed certificate" in said
        assert "?ssl_ca_certs=" in said
        assert "?ssl_cert_reqs=none" in said
        assert "Nothing answers" not in said
    limiter.close()
    await limiter.aclose()


async def test_a_tls_file_the_url_names_that_does_not_exist_says_to_check_its_path(
    silent_server: str,
) -> None:
    url = silent_server.replace("redis://", "rediss://") + "?ssl_ca_certs=/nonexistent/ca.pem"
    limiter = RedisRateLimiter(url, timeout=2)
    with pytest.raises(RateLimiterUnavailableError, match="does not exist") as caught:
        limiter.book("a")
    assert "ssl_ca_certs=" in str(caught.value)
    with pytest.raises(RateLimiterUnavailableError, match="does not exist"):
        await limiter.abook("a")
    limiter.close()
    await limiter.aclose()


def test_redis_to_a_redis_that_speaks_only_tls_says_rediss_may_be_needed(
    self_signed_tls_server: str,
) -> None:
    limiter = RedisRateLimiter(self_signed_tls_server.replace("rediss://", "redis://"), timeout=2)
    with pytest.raises(RateLimiterUnavailableError) as caught:
        limiter.book("a")
    assert "use rediss://" in str(caught.value)
    limiter.close()


def test_a_redis_with_as_many_clients_as_it_takes_says_to_raise_maxclients(
    own_redis: str,
) -> None:
    # it was "Nothing answers as Redis there: check that Redis runs", of a Redis that answered
    admin = _admin(own_redis)
    admin.config_set("maxclients", 1)  # the admin's own connection is the one
    limiter = RedisRateLimiter(own_redis)
    with pytest.raises(RateLimiterUnavailableError, match="maxclients") as caught:
        limiter.book("a")
    assert "Nothing answers" not in str(caught.value)
    admin.config_set("maxclients", 10000)
    admin.close()
    limiter.close()


@pytest.mark.parametrize(
    ("answer", "advice"),
    [
        (
            b"-DENIED Redis is running in protected mode because protected mode is enabled and "
            b"no password is set for the default user.\r\n",
            "protected mode",
        ),
        (b"-LOADING Redis is loading the dataset in memory\r\n", "still loading its data"),
        (b"-MOVED 3999 127.0.0.1:7001\r\n", "RedisCluster"),
        (b"-CLUSTERDOWN The cluster is down\r\n", "Redis Cluster is down"),
        (
            b"-NOPERM this user has no permissions to run the 'eval' command\r\n",
            "in its ACL, EVAL .* on the keys haulmer:ratelimit:\\*",
        ),
    ],
    ids=["protected-mode", "loading", "cluster-node", "cluster-down", "acl"],
)
async def test_a_redis_that_refuses_connections_for_a_reason_says_that_reason(
    answer: bytes, advice: str
) -> None:
    # "Redis refused the limiter's script: use Redis 5 or later" or "Nothing answers as Redis"
    with _answering_server(answer) as url:
        limiter = RedisRateLimiter(url, timeout=2)
        for book in (limiter.book, limiter.abook):
            with pytest.raises(RateLimiterUnavailableError, match=advice) as caught:
                outcome = book("a")
                if asyncio.iscoroutine(outcome):
                    await outcome
            assert "Redis 5" not in str(caught.value)
            assert "Nothing answers" not in str(caught.value)
        limiter.close()
        await limiter.aclose()


def test_a_client_name_redis_refuses_says_what_it_may_hold(fresh_redis: str) -> None:
    limiter = RedisRateLimiter(f"{fresh_redis}?client_name=haulmer%20batch")
    with pytest.raises(RateLimiterUnavailableError, match="client_name= may hold") as caught:
        limiter.book("a")
    assert "Redis 5" not in str(caught.value)
    limiter.close()


@pytest.mark.parametrize(
    "commands", [["+@all", "-eval"], ["+@all", "-zadd"]], ids=["no-eval", "no-zadd"]
)
def test_an_acl_user_without_a_command_of_the_script_says_which_to_allow(
    own_redis: str, commands: list[str]
) -> None:
    # a command the script runs, refused inside it, was told as "use Redis 5 or later"
    admin = _admin(own_redis)
    admin.acl_setuser(
        "limited", enabled=True, passwords=[f"+{PASSWORD}"], keys=["*"], commands=commands
    )
    admin.close()
    limiter = RedisRateLimiter(own_redis.replace("//", f"//limited:{PASSWORD}@"))
    with pytest.raises(RateLimiterUnavailableError, match="in its ACL, EVAL") as caught:
        limiter.book("a")
    assert "Redis 5" not in str(caught.value)
    limiter.close()


def test_a_redis_that_needs_a_password_says_so_over_resp2_too(own_redis: str) -> None:
    # over RESP2 (redis-py before 8, ?protocol=2) the first command is the script's EVAL, whose
    # arguments Redis refuses to read before AUTH ("Protocol error: unauthenticated multibulk
    # length"): told as "use Redis 5 or later"
    _require_password(own_redis)
    limiter = RedisRateLimiter(f"{own_redis}?protocol=2")
    with pytest.raises(RateLimiterUnavailableError, match="refused the password") as caught:
        limiter.book("a")
    assert "Redis 5" not in str(caught.value)
    limiter.close()


def test_a_redis_in_protected_mode_is_named_over_resp2_too() -> None:
    # redis-py over RESP2 reads the refusal as a connection closed: "Nothing answers as Redis"
    refusal = b"-DENIED Redis is running in protected mode because protected mode is enabled\r\n"
    with _answering_server(refusal) as url:
        limiter = RedisRateLimiter(f"{url}?protocol=2", timeout=2)
        with pytest.raises(RateLimiterUnavailableError, match="protected mode"):
            limiter.book("a")
        limiter.close()


@pytest.mark.parametrize(
    "option",
    [
        "retry=3",
        "credential_provider=x",
        "redis_connect_func=x",
        "cache_config=x",
        "event_dispatcher=x",
        "maint_notifications_config=x",
    ],
)
def test_an_option_that_takes_a_python_object_is_refused_where_the_limiter_is_made(
    option: str,
) -> None:
    # redis-py passed the text on, and the first send raised a bare AttributeError or TypeError
    name = option.partition("=")[0]
    with pytest.raises(ConfigurationError, match=f"{name}= takes a Python object") as caught:
        RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?{option}")
    assert "client=" in str(caught.value)


def test_an_encoding_python_does_not_know_is_refused_where_the_limiter_is_made() -> None:
    # a bare LookupError at the first send
    with pytest.raises(ConfigurationError, match="encoding= names no encoding"):
        RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0?encoding=nope")


@pytest.mark.parametrize("option", ["ssl_ciphers=NO-SUCH-CIPHER", "ssl_ca_data=no-certificate"])
async def test_a_tls_option_the_tls_library_refuses_says_to_check_the_tls_options(
    self_signed_tls_server: str, option: str
) -> None:
    # it was "Nothing answers as Redis there: check that Redis runs"
    limiter = RedisRateLimiter(f"{self_signed_tls_server}?{option}", timeout=2)
    for book in (limiter.book, limiter.abook):
        with pytest.raises(RateLimiterUnavailableError, match="TLS connection could not be made"):
            outcome = book("a")
            if asyncio.iscoroutine(outcome):
                await outcome
    limiter.close()
    await limiter.aclose()


def test_a_tls_version_that_is_none_is_refused_where_the_limiter_is_made() -> None:
    # the blocking face raised a bare ValueError at the first send, the asyncio one said that
    # nothing answered there
    with pytest.raises(ConfigurationError, match="ssl_min_version= names no TLS version"):
        RedisRateLimiter(f"rediss://127.0.0.1:{free_port()}/0?ssl_min_version=99")


def test_rediss_to_a_server_answering_without_tls_says_to_use_redis() -> None:
    # a Redis without TLS answers the TLS greeting with a protocol error: it was "Nothing
    # answers as Redis there"
    with _answering_server(b"-ERR Protocol error: unbalanced quotes in request\r\n") as url:
        limiter = RedisRateLimiter(url.replace("redis://", "rediss://"), timeout=2)
        with pytest.raises(RateLimiterUnavailableError, match="use redis:// for a Redis"):
            limiter.book("a")
        limiter.close()


def test_an_async_client_of_an_ended_event_loop_says_to_give_a_url(fresh_redis: str) -> None:
    # the second asyncio.run() met the first one's connections: a bare RuntimeError
    import redis.asyncio

    given = redis.asyncio.Redis.from_url(fresh_redis)
    limiter = RedisRateLimiter(async_client=given)
    assert asyncio.run(limiter.abook("a")).reserved
    with pytest.raises(RateLimiterUnavailableError, match="another event loop") as caught:
        asyncio.run(limiter.abook("a"))
    assert "Give the limiter a url" in str(caught.value)
    assert asyncio.run(limiter.abook("b")).reserved  # redis-py dropped that connection
    with pytest.raises(RateLimiterUnavailableError, match="another event loop") as caught:
        asyncio.run(limiter.ahold("a", 1.0))
    assert "the request was sent and answered 429" in str(caught.value)


@pytest.mark.parametrize("given", ["CERT_NONE", "cert_required", "bogus"])
def test_a_tls_certificate_requirement_redis_py_cannot_read_says_what_it_reads(
    given: str,
) -> None:
    # Celery's broker URLs write ssl_cert_reqs=CERT_NONE, which redis-py refuses: the message
    # said only to check the values after '?'
    with pytest.raises(ConfigurationError, match="ssl_cert_reqs= takes none, optional or"):
        RedisRateLimiter(f"rediss://127.0.0.1:{free_port()}/0?ssl_cert_reqs={given}")


@pytest.mark.parametrize(
    ("query", "option"),
    [
        ("socket_timeout=x", "socket_timeout"),
        ("health_check_interval=soon", "health_check_interval"),
        ("max_connections=many", "max_connections"),
    ],
)
def test_a_query_option_redis_py_cannot_read_is_named_in_the_refusal(
    query: str, option: str
) -> None:
    # the message named no option, only "check the values after '?'"
    with pytest.raises(ConfigurationError) as caught:
        RedisRateLimiter(f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0?{query}")
    assert f"cannot read ({option}=)" in str(caught.value)
    assert PASSWORD not in str(caught.value)
