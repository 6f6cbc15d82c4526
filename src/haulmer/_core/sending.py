"""What both faces' senders share over httpx: timeouts, the pools, one exchange built and read.

With ``_async/sending.py`` (and the ``_sync`` one generated from it), the only modules that import
httpx. What to send comes from ``prepare``; what an answer means from ``responses``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import os
import re
import socket
import ssl
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import httpx

from haulmer._core.asyncio_only import running_loop
from haulmer._core.log import REDACTED, is_secret_header, logger, redact_headers, redact_url
from haulmer._core.loop_end import LoopEnd
from haulmer._core.ratelimit import Booking, RateLimiter, api_key_fingerprint
from haulmer._core.types import (
    DEFAULT_TIMEOUT,
    NotGiven,
    Timeout,
    is_wait_seconds,
)
from haulmer._forks import ForkSafeLock
from haulmer._frames import caused_by, forget_locals
from haulmer._raw_response import RawResponse, request_id_from
from haulmer._shown import cut, shown
from haulmer.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    RateLimitError,
    RateLimiterUnavailableError,
)

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures
    from collections.abc import Callable, Coroutine

    from haulmer._core.prepare import PreparedRequest

__all__ = [
    "MAX_ANSWER_BYTES",
    "MIN_LIMITER_WAIT",
    "UNSLEPT_SLACK",
    "UNSLEPT_WAIT",
    "AsyncPoolKeeper",
    "PoolKeeper",
    "RequestMemo",
    "answer_too_large",
    "async_client_class",
    "build_request",
    "checked_booking",
    "checked_confirmation",
    "client_closed",
    "connection_error",
    "default_async_client",
    "default_sync_client",
    "failed_attempt",
    "hold_after_429",
    "httpx_lines_redacted",
    "httpx_timeout",
    "limited_bucket",
    "limiter_clock_not_slept",
    "log_request",
    "read_answer",
    "sync_client_class",
    "turn_not_given_back",
    "unusable_pool",
]


def httpx_timeout(timeout: Timeout | None) -> httpx.Timeout:
    """The httpx form of our Timeout (None: wait forever)."""
    if timeout is None:
        return httpx.Timeout(None)

    def phase(value: float | NotGiven | None) -> float | None:
        return timeout.total if isinstance(value, NotGiven) else value

    return httpx.Timeout(
        timeout.total,
        connect=timeout.connect,
        read=phase(timeout.read),
        write=phase(timeout.write),
        pool=phase(timeout.pool),
    )


def sync_client_class() -> type[httpx.Client]:
    """The httpx class a Haulmer sends with (``http_client=`` must be one)."""
    return httpx.Client


def async_client_class() -> type[httpx.AsyncClient]:
    """The httpx class an AsyncHaulmer sends with (``http_client=`` must be one)."""
    return httpx.AsyncClient


class _ClosesItsPool(httpx.Client):
    """The pool a ``Haulmer`` makes: closed when it is collected unclosed (a client dropped
    without ``close()``) in the process that made it, rather than left to the garbage collector,
    which warns of each open socket. A forked child's copy is the parent's, never closed there."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._made_in = os.getpid()

    def __del__(self) -> None:
        try:
            if self._made_in == os.getpid() and not self.is_closed:
                self.close()
        except Exception:  # at interpreter exit httpx may be half torn down
            return


def default_sync_client(owner: str = "Haulmer") -> httpx.Client:
    """The pooled httpx client a Haulmer makes when the user brings none."""
    missing = _missing_certificate_file()
    if missing is not None:
        raise _unusable_environment(missing, owner, "Client")
    try:
        return _ClosesItsPool(timeout=httpx_timeout(DEFAULT_TIMEOUT), follow_redirects=False)
    except (ValueError, ImportError, OSError, httpx.InvalidURL) as exc:
        raise _unusable_environment(exc, owner, "Client") from None


def default_async_client(owner: str = "AsyncHaulmer") -> httpx.AsyncClient:
    """The pooled httpx client an AsyncHaulmer makes when the user brings none."""
    missing = _missing_certificate_file()
    if missing is not None:
        raise _unusable_environment(missing, owner, "AsyncClient")
    try:
        return httpx.AsyncClient(timeout=httpx_timeout(DEFAULT_TIMEOUT), follow_redirects=False)
    except (ValueError, ImportError, OSError, httpx.InvalidURL) as exc:
        raise _unusable_environment(exc, owner, "AsyncClient") from None


def _missing_certificate_file() -> FileNotFoundError | None:
    """The error for an ``SSL_CERT_FILE`` that names no file, or None: httpx from 0.28 refuses
    one, but 0.27 trusts certifi's bundle instead without a word, and a company's CA named with
    a typo would fail only at the first TLS handshake."""
    path = os.environ.get("SSL_CERT_FILE")
    if path and not os.path.isfile(path):
        return FileNotFoundError("SSL_CERT_FILE names no file")
    return None


_CONNECTION_SETTINGS_ENV: Final = ("SSL_CERT_FILE", "SSL_CERT_DIR")
"""The variables besides the proxies' (``HTTPS_PROXY``, ``ALL_PROXY``...) that httpx reads when
it makes a pool."""


def _unusable_environment(exc: Exception, owner: str, kind: str) -> ConfigurationError:
    """The error for a pool httpx could not make from the process's environment: a proxy
    variable it cannot use (an unknown scheme, SOCKS without socksio, a port that is no number)
    or an ``SSL_CERT_FILE`` that is not there. It names the variables set, never their values
    (a proxy URL may hold a password), and httpx's words with any user info hidden."""
    names = sorted(
        name
        for name in os.environ
        if name in _CONNECTION_SETTINGS_ENV
        or (name.lower().endswith("_proxy") and name.lower() != "no_proxy")
    )
    said = re.sub(r"//[^\s/@]*@", "//[redacted]@", str(exc)) or "no detail"
    where = f"; of the variables httpx reads, these are set: {', '.join(names)}" if names else ""
    return ConfigurationError(
        f"{owner} could not set up its connections from this process's environment "
        f"({type(exc).__name__}: {cut(said, 300)}){where}. Fix or unset the one at fault, or pass "
        f"http_client=httpx.{kind}(...) set up as you need (trust_env=False ignores them)"
    )


_keeping = ForkSafeLock()
"""Held while a keeper counts the attempts on its pool or makes a new pool; a forked child gets
it free (another thread of the parent may have held it at the fork, and would never release it
in the child)."""


class PoolKeeper:
    """The connection pool a ``Haulmer`` and its ``with_options()`` copies send with.

    A pool the client made itself is made again in a process forked from the one that made it:
    the child would otherwise send on the parent's open connections, where the two processes
    read each other's answers, and wait forever on a lock of the pool that another thread of the
    parent held at the fork. The parent's pool is left to the parent, never closed from the
    child. A user's ``http_client`` is theirs, used as given.

    The attempts on the pool are counted (``lease()``/``release()``): closed while other threads
    send, the pool closes when the last of them is done, so no connection one of them opens or
    hands back is left open behind a closed pool.
    """

    def __init__(self, pool: httpx.Client | None, *, owner: str = "Haulmer") -> None:
        self.owned = pool is None
        self.owner = owner
        self.pool: httpx.Client = default_sync_client(owner) if pool is None else pool
        """The pool as it is now (what ``lease()`` last handed out)."""
        self._pid = os.getpid()
        self._closed = False
        self._active = 0

    @property
    def is_closed(self) -> bool:
        """Whether the pool was closed, by ``close()`` or by its owner (a user's)."""
        return self._closed or self.pool.is_closed

    def check_runtime(self) -> None:
        """Nothing to check: the blocking face sends from any thread (the asyncio face's keeper
        refuses a call awaited outside asyncio)."""

    def lease(self) -> httpx.Client | None:
        """The pool to send one attempt with in this process (a new one in a forked child),
        counted until ``release()``; None once ``close()`` was called."""
        with _keeping:
            if self._closed:
                return None
            if self.owned and self._pid != os.getpid() and not self.pool.is_closed:
                self.pool = default_sync_client(self.owner)
                self._pid = os.getpid()
                self._active = 0  # the parent's attempts end in the parent
            self._active += 1
            return self.pool

    def release(self, pool: httpx.Client) -> None:
        """The attempt ``lease()`` handed ``pool`` to is done: close the pool if ``close()`` was
        called meanwhile and this was the last attempt on it."""
        with _keeping:
            self._active -= 1
            last = self._closed and self._active <= 0 and pool is self.pool
        if last and self.owned and self._pid == os.getpid():
            pool.close()

    def close(self) -> None:
        """Close the pool now, or when the attempts under way end; in a forked child, only forget
        the parent's (it is the parent's)."""
        with _keeping:
            self._closed = True
            idle = self._active <= 0
        if idle and self._pid == os.getpid():
            self.pool.close()


class AsyncPoolKeeper:
    """The connection pool an ``AsyncHaulmer`` and its ``with_options()`` copies send with.

    As ``PoolKeeper`` across a fork and a close while calls are under way; and a pool's
    connections belong to the event loop they were opened in. A pool the client made is closed
    when that loop ends (``asyncio.run()`` shuts down its async generators), and made again when
    a call comes from another loop once that loop has stopped (a second ``asyncio.run()``, the
    next test's loop); while that loop still runs (in another thread), the call is refused with
    ``ConfigurationError``. A user's ``http_client`` is used as given.
    """

    def __init__(self, pool: httpx.AsyncClient | None, *, owner: str = "AsyncHaulmer") -> None:
        self.owned = pool is None
        self.owner = owner
        self.pool: httpx.AsyncClient = default_async_client(owner) if pool is None else pool
        """The pool as it is now (what ``lease()`` last handed out)."""
        self._pid = os.getpid()
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._loop_end: LoopEnd | None = None
        self._closed = False
        self._active = 0
        self._closing: concurrent.futures.Future[None] | None = None
        """A close handed to the pool's own loop (see ``aclose``), kept until it is done."""

    @property
    def is_closed(self) -> bool:
        """Whether the pool was closed, by ``aclose()`` or by its owner (a user's); one of the
        client's own closed at the end of its loop is made again, not closed."""
        return self._closed or (not self.owned and self.pool.is_closed)

    def _home(self) -> asyncio.AbstractEventLoop | None:
        """The loop the pool's connections were opened in, if it is still there."""
        return self._loop() if self._loop is not None else None

    def check_runtime(self) -> None:
        """Refuse, before anything is sent, a call awaited outside asyncio (under trio): the
        pool, the sleeps and the worker threads are asyncio's."""
        running_loop(self.owner)

    def lease(self) -> httpx.AsyncClient | None:
        """The pool to send one attempt with from the running loop (see the class), counted
        until ``arelease()``; None once ``aclose()`` was called."""
        loop = running_loop(self.owner)
        with _keeping:
            if self._closed:
                return None
            home = self._home()
            if self.owned:
                forked = self._pid != os.getpid()
                if home is not None and home is not loop and not forked and home.is_running():
                    raise ConfigurationError(
                        f"This {self.owner} is in use by another event loop, which is still "
                        "running (in another thread): an AsyncHaulmer sends over connections "
                        "that belong to one event loop at a time. Make an AsyncHaulmer in each "
                        "thread that runs a loop, or hand the call to the client's own loop "
                        "(asyncio.run_coroutine_threadsafe)"
                    )
                if forked or (self._loop is not None and home is not loop) or self.pool.is_closed:
                    self.pool = default_async_client(self.owner)
                    self._pid = os.getpid()
                    self._active = 0  # attempts of another loop or process end there
                    if self._loop_end is not None:
                        self._loop_end.forget()  # its loop ended (or is the parent's)
                        self._loop_end = None
                if self._loop_end is None:
                    self._loop_end = LoopEnd(
                        self.pool.aclose, owner=self, unclosed_warning=self._unclosed_warning()
                    )
            if home is not loop:
                self._loop = weakref.ref(loop)
            self._active += 1
            return self.pool

    def _unclosed_warning(self) -> str:
        return (
            f"An {self.owner} was dropped unclosed after its event loop was closed without "
            "shutting down (neither asyncio.run() nor loop.shutdown_asyncgens()): its "
            f"connections could not be closed. Use `async with {self.owner}(...) as client:` "
            "or `await client.aclose()`"
        )

    def _forget_loop_end(self) -> None:
        """The pool is closed: nothing is left for the loop's end to close."""
        if self._loop_end is not None:
            self._loop_end.forget()
            self._loop_end = None

    async def arelease(self, pool: httpx.AsyncClient) -> None:
        """The attempt ``lease()`` handed ``pool`` to is done: close the pool if ``aclose()``
        was called meanwhile and this was the last attempt on it."""
        with _keeping:
            self._active -= 1
            last = self._closed and self._active <= 0 and pool is self.pool
        if last and self.owned and self._pid == os.getpid():
            await pool.aclose()
            self._forget_loop_end()

    async def aclose(self) -> None:
        """Close the pool from its own loop, now or when the attempts under way end. Awaited in
        another loop while the pool's own runs in another thread, the close is handed to that
        loop (its connections can be closed only there); a pool of a loop that is not running,
        or of the parent of a forked process, is only forgotten."""
        with _keeping:
            self._closed = True
            idle = self._active <= 0
        home = self._home()
        if self._pid != os.getpid():
            return
        if home is not None and home is not _running_loop():
            if idle and home.is_running():
                self._closing = _close_in(home, self._close_now)
            return
        if idle:
            await self._close_now()

    async def _close_now(self) -> None:
        await self.pool.aclose()
        self._forget_loop_end()


def _close_in(
    loop: asyncio.AbstractEventLoop, close: Callable[[], Coroutine[Any, Any, None]]
) -> concurrent.futures.Future[None] | None:
    """``close()`` scheduled in ``loop``, running in another thread; not awaited here, so a loop
    that stops meanwhile leaves nobody waiting forever (its end closes the pool then)."""
    import asyncio

    try:
        return asyncio.run_coroutine_threadsafe(close(), loop)
    except RuntimeError:  # the loop was closed after is_running() said it ran
        return None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_OTHER_LOOP: Final = (
    "Event loop is closed",
    "bound to a different event loop",
    "attached to a different loop",
)
"""What asyncio and anyio say when a connection of one event loop is used from another."""


def unusable_pool(
    exc: RuntimeError, client_name: str, prepared: PreparedRequest
) -> ConfigurationError | None:
    """The error for a user's ``http_client`` whose connections belong to another event loop
    (asyncio's RuntimeError), or None for any other RuntimeError. The request may have gone out
    on such a connection before its answer could be awaited: the message says how to repeat it."""
    if not any(words in str(exc) for words in _OTHER_LOOP):
        return None
    if prepared.idempotency_key and prepared.creates:
        repeat = (
            f"; it may have gone out before the failure, so {prepared.creates} may exist: repeat "
            f"the call with idempotency_key={prepared.idempotency_key!r} (the key it sent)"
        )
    else:
        repeat = _how_to_repeat(prepared) or "; it may have gone out before the failure"
    return ConfigurationError(
        f"{prepared.method} {redact_url(prepared.url)}: the http_client this {client_name} sends "
        f"with holds connections of another event loop, which cannot be used from this one "
        f"({exc}). Make the httpx.AsyncClient you pass as http_client= (and the client) inside "
        "the event loop that uses them, a new pair for each loop (each asyncio.run(), each "
        f"test's loop){repeat}"
    )


def connection_error(exc: httpx.RequestError, prepared: PreparedRequest) -> APIConnectionError:
    url = redact_url(prepared.url)
    what = f"{prepared.method} {url}"
    if isinstance(exc, httpx.PoolTimeout):
        return APITimeoutError(
            f"{what}: no connection of the pool came free in time (every one was busy with "
            "other calls); send fewer calls at once, raise the pool's max_connections or the "
            "timeout's pool=",
            request_sent=False,
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return APITimeoutError(
            f"{what}: timed out connecting; check the network or raise timeout=",
            request_sent=False,
        )
    if isinstance(exc, httpx.WriteTimeout):
        seconds = _phase_seconds(prepared.timeout, "write")
        limit = f" within {seconds:g} s" if seconds else ""
        return APITimeoutError(
            f"{what}: the request could not be sent{limit} (part of it may have reached the "
            "server); pass timeout= to wait longer" + _how_to_repeat(prepared),
            request_sent=True,
        )
    if isinstance(exc, httpx.TimeoutException):
        seconds = _phase_seconds(prepared.timeout, "read")
        limit = f" after {seconds:g} s" if seconds else ""
        return APITimeoutError(
            f"{what}: no answer{limit}; pass timeout= to wait longer" + _how_to_repeat(prepared),
            request_sent=True,
        )
    if isinstance(exc, httpx.ConnectError) and caused_by(exc, ssl.SSLCertVerificationError):
        return APIConnectionError(
            f"{what}: the server's TLS certificate could not be verified ({cut(str(exc), 300)}); "
            "check that the URL names Haulmer's host, and if your network inspects TLS through a "
            "proxy, trust its CA: set SSL_CERT_FILE=/path/to/ca.pem or pass an http_client= "
            "whose verify= holds it (never verify=False, which would show the API key to anyone "
            "between)",
            request_sent=False,
        )
    if isinstance(exc, httpx.ConnectError) and caused_by(exc, socket.gaierror):
        host = httpx.URL(prepared.url).host
        return APIConnectionError(
            f"{what}: the host {shown(host)} could not be found ({cut(str(exc), 200)}); check "
            "its name in the URL (base_urls=, environment=) and that this machine can resolve "
            "names (its DNS, a VPN)",
            request_sent=False,
        )
    if isinstance(exc, httpx.ProxyError):
        return APIConnectionError(
            f"{what}: the proxy refused the call or could not reach the server (ProxyError: "
            f"{cut(str(exc), 300)}); check the proxy's address and credentials (HTTPS_PROXY or "
            "ALL_PROXY, or the proxy= of your http_client), or exempt the host in NO_PROXY",
            request_sent=False,
        )
    if isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol)):
        return APIConnectionError(
            f"{what}: could not connect ({type(exc).__name__}: {exc}); check the URL and network",
            request_sent=False,
        )
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(
            f"{what}: the connection broke before the answer ({type(exc).__name__})"
            + _how_to_repeat(prepared),
            request_sent=True,
        )
    if isinstance(exc, httpx.DecodingError):
        return APIConnectionError(
            f"{what}: the answer could not be read, its body could not be decompressed as its "
            f"Content-Encoding header says ({cut(str(exc), 200)}); a proxy between may rewrite "
            "answers" + _how_to_repeat(prepared),
            request_sent=True,
        )
    return APIConnectionError(
        f"{what}: the answer could not be read ({type(exc).__name__})" + _how_to_repeat(prepared),
        request_sent=True,
    )


def _phase_seconds(timeout: Timeout | None, phase: str) -> float | None:
    """The limit of ``phase`` (read, write) that ran out, as sent to httpx; None: no limit."""
    if timeout is None:
        return None
    seconds: float | NotGiven | None = getattr(timeout, phase)
    return timeout.total if isinstance(seconds, NotGiven) else seconds


def _how_to_repeat(prepared: PreparedRequest) -> str:
    """How to repeat a call whose answer was lost: with the key it sent, freely, or after a check.

    A call that takes ``idempotency_key=`` gets nothing here: the retry loop, which knows
    whether any attempt may have been carried out, says so on the error it ends with.
    """
    if prepared.idempotency_key:
        return ""
    if prepared.method in ("GET", "HEAD", "OPTIONS"):
        return "; it only reads, so repeating it is safe"
    header = next((v for k, v in prepared.headers.items() if k.lower() == "idempotency-key"), None)
    if header and header.strip():
        return (
            "; the call may have been carried out: repeat it with the same Idempotency-Key header "
            f"({shown(header)}) so it is not done twice"
        )
    return (
        "; the call may have been carried out: check whether it was (retrieve what it changes) "
        "before repeating it"
    )


def client_closed(client_name: str, closed_by: str) -> ClientClosedError:
    """The error for a call on a closed client (httpx would raise a bare RuntimeError);
    ``closed_by`` names what closes it on its face (``aclose()`` on the asyncio one)."""
    return ClientClosedError(
        f"This {client_name} is closed ({closed_by}), or the "
        "http_client it sends with is: make a new client for further calls, and close a client "
        "only when you are done with it"
    )


def limited_bucket(limiter: RateLimiter | None, prepared: PreparedRequest) -> str | None:
    """The limiter's bucket for this request (its API key's fingerprint), or None when it is not
    limited: no limiter, not OpenFactura, or no key to count it against."""
    if limiter is None or prepared.product != "openfactura":
        return None
    key = next((v for k, v in prepared.headers.items() if k.lower() == "apikey"), None)
    return api_key_fingerprint(key) if key else None


MIN_LIMITER_WAIT = 0.001
"""The shortest wait before asking a limiter again, whatever it answered."""

UNSLEPT_WAIT = 0.5
"""A limiter's wait from which a sleep returning within ``UNSLEPT_SLACK`` is known not to have
waited in real time: far past any timer's slack (uvloop's clock, read once per turn of its loop,
may run behind by what that turn's callbacks took)."""

UNSLEPT_SLACK = 0.01
"""Seconds within which a sleep of ``UNSLEPT_WAIT`` or more returning did not wait for real."""


def limiter_clock_not_slept(limiter: RateLimiter) -> ConfigurationError:
    """The error for a limiter counting on a real clock whose wait the client's sleep did not
    take in real time: its turn would never come."""
    return ConfigurationError(
        f"The rate limiter ({type(limiter).__name__}) counts on a real clock (the machine's, or "
        "Redis's own), and the client's sleep did not wait in real time (a fake's sleep, a "
        "recorder), so no turn of it would ever come: each would be booked later than the "
        "last, for ever. Nothing was sent. Give the limiter the clock that sleep moves, such "
        "as InProcessRateLimiter(clock=fake.clock.timestamp) or RedisRateLimiter(url, "
        "clock=fake.clock.timestamp) on a FakeHaulmer, or rate_limit=True (the client's own, "
        "on its clock=)"
    )


def checked_booking(limiter: RateLimiter, booking: object) -> Booking:
    """``booking``, a limiter's answer, if a sleep can keep it: a ``Booking`` whose wait is a
    finite number of seconds (a negative one is none). Else a ``RateLimiterUnavailableError``
    naming the limiter, before anything is sent: ``time.sleep(nan)`` raises ``ValueError``,
    ``asyncio.sleep(nan)`` never returns, and a wait of infinity would hold the call forever."""
    wait = booking.wait if isinstance(booking, Booking) else None
    if isinstance(booking, Booking) and is_wait_seconds(wait):
        return booking
    said = (
        f"a wait of {shown(wait)} seconds, which no sleep can keep"
        if isinstance(booking, Booking)
        else f"{type(booking).__name__}, not a haulmer.ratelimit.Booking"
    )
    raise RateLimiterUnavailableError(
        f"The rate limiter {type(limiter).__name__} answered a booking with {said}: nothing was "
        "sent. Its book() (and abook()) must return a Booking whose wait is a finite number of "
        "seconds"
    )


def checked_confirmation(limiter: RateLimiter, answer: object) -> float:
    """``answer``, a limiter's ``confirm()``, as the seconds to wait more (none when not above
    0), if a sleep can keep them; else a ``RateLimiterUnavailableError`` naming the limiter,
    before anything is sent, as for a booking (see ``checked_booking``)."""
    if is_wait_seconds(answer):
        return float(answer)
    said = (
        f"a wait of {shown(answer)} seconds, which no sleep can keep"
        if isinstance(answer, (int, float)) and not isinstance(answer, bool)
        else f"{type(answer).__name__}, not a number of seconds"
    )
    raise RateLimiterUnavailableError(
        f"The rate limiter {type(limiter).__name__} answered a turn's confirmation with {said}: "
        "nothing was sent. Its confirm() (and aconfirm()) must return a finite number of "
        "seconds to wait more, 0 to send now"
    )


def turn_not_given_back(limiter: RateLimiter, error: Exception) -> None:
    """Log that a call interrupted while it waited for its turn could not give the turn back
    (its store failed): the interruption (a cancellation, Ctrl+C) goes on, not ``error``, which
    would replace it, so ``asyncio.timeout()`` would no longer say TimeoutError. The turn is
    only lost: the limiter counts one send too many."""
    logger.warning(
        "A call interrupted while it waited for its turn: the turn could not be given back to "
        "the rate limiter %s (%s), which counts it as a send",
        type(limiter).__name__,
        type(error).__name__,
    )


HOLD_WITHOUT_RETRY_AFTER = 1.0
"""Seconds every client sharing a limiter holds back after a 429 that named no wait."""


NOT_THE_KEYS_LIMIT = frozenset({"OF-429"})
"""429 codes of a window narrower than the API key's: OF-429 is ``registry.sync_rcv()``'s, per
taxpayer and registro, and lasts minutes; every other call of the key may go on meanwhile."""


def hold_after_429(error: RateLimitError) -> float | None:
    """How long the limiter holds the key back after ``error``: the server's word (at most
    ``MAX_SERVER_WAIT``, as the retry loop's sleeps), else a second (the shortest window Haulmer
    counts); None when the 429 is not the key's limit (``NOT_THE_KEYS_LIMIT``)."""
    # Loaded at a 429 only, as the error answers' modules (see ``read_answer``).
    from haulmer._core.retry import MAX_SERVER_WAIT

    if error.code in NOT_THE_KEYS_LIMIT:
        return None
    if error.retry_after is not None and error.retry_after > 0:
        return min(float(error.retry_after), MAX_SERVER_WAIT)
    return HOLD_WITHOUT_RETRY_AFTER


@functools.lru_cache(maxsize=64)
def _timeout_extension(timeout: Timeout | None) -> dict[str, float | None]:
    """The ``timeout`` request extension httpx reads, once per distinct Timeout."""
    return httpx_timeout(timeout).as_dict()


class RequestMemo:
    """What building one client's requests finds again and again, kept for that client: the
    pool's headers merged with a call's, and the URLs without a query, parsed (a few of each;
    a change of either side of a merge makes a new one). Calls repeat: the same reads, polls of
    one status, the same headers on every call."""

    _KEPT = 32

    def __init__(self) -> None:
        self._merged: dict[object, tuple[tuple[bytes, bytes], ...]] = {}
        self._urls: dict[str, httpx.URL] = {}

    def headers(
        self, pool: httpx.Headers, call: Mapping[str, str]
    ) -> tuple[tuple[bytes, bytes], ...]:
        """The pool's headers merged with the call's (see ``_merged_headers``)."""
        key = (tuple(pool.raw), tuple(call.items()))
        merged = self._merged.get(key)
        if merged is None:
            merged = tuple(_merged_headers(pool, call))
            if len(self._merged) >= self._KEPT:
                self._merged.clear()
            self._merged[key] = merged
        return merged

    def url(self, text: str) -> httpx.URL:
        """``text`` (an absolute URL without a query) parsed; httpx URLs are immutable."""
        url = self._urls.get(text)
        if url is None:
            url = httpx.URL(text)
            if len(self._urls) >= self._KEPT:
                self._urls.clear()
            self._urls[text] = url
        return url

    def __repr__(self) -> str:  # never the headers or the URLs: they may hold credentials
        return f"<RequestMemo: {len(self._merged)} merges, {len(self._urls)} URLs kept>"


def build_request(
    client: httpx.Client | httpx.AsyncClient, p: PreparedRequest, memo: RequestMemo
) -> httpx.Request:
    """The httpx request of one attempt, as ``client.build_request`` makes it, for less.

    The pool's query parameters, headers and cookies are merged with the call's as httpx merges
    them (the call's win; a header of the call replaces every one of that name, and comes
    after the pool's). A URL with parameters is parsed once, with its query (httpx parses a URL
    again to set its parameters); one without is parsed once per client (``memo``). The pool's
    headers are taken as they are rather than normalised and searched once for each of ours.
    The URL is absolute, so the pool's ``base_url`` plays no part, as in httpx.
    """
    params = client.params.merge(p.params) if client.params else p.params
    cookies = client.cookies
    # httpx.URL(url, params={}) drops a query written in the URL: keep that case as it was.
    url = httpx.URL(p.url, params=params) if params or "?" in p.url else memo.url(p.url)
    return httpx.Request(
        p.method,
        url,
        headers=memo.headers(client.headers, p.headers),
        content=p.content,
        cookies=cookies if cookies else None,
        extensions={"timeout": dict(_timeout_extension(p.timeout))},
    )


def _merged_headers(pool: httpx.Headers, call: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """The pool's headers without those the call sets, then the call's.

    The call's names and values are ASCII (``prepare`` refuses any other).
    """
    names = {name.lower().encode("ascii") for name in call}
    merged = [(name, value) for name, value in pool.raw if name.lower() not in names]
    merged.extend((name.encode("ascii"), value.encode("ascii")) for name, value in call.items())
    return merged


_SENDING_FOR_THE_SDK: Final[contextvars.ContextVar[bool]] = contextvars.ContextVar(
    "haulmer_sending", default=False
)
"""True while the SDK's sender is in ``httpx``'s ``send``: only then are httpx's own lines
redacted, an application's own requests keeping httpx's lines as httpx writes them."""


class _RedactedHttpxLines(logging.Filter):
    """httpx's own "HTTP Request: METHOD URL ..." INFO line for an SDK request, with the URL's
    user info (a base URL's password) and token/password/key-like query values redacted as the
    ``haulmer`` logger's lines are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SENDING_FOR_THE_SDK.get() and isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


_HEADER_PAIR: Final = re.compile(
    r"""\(b(?P<q1>['"])(?P<name>[^'"]*)(?P=q1), """
    r"""b(?P<q2>['"])(?P<value>(?:\\.|(?!(?P=q2)).)*)(?P=q2)\)"""
)
"""A header as httpcore's DEBUG lines write one: ``(b'Set-Cookie', b'session=...')``."""


class _RedactedHttpcoreLines(logging.Filter):
    """httpcore's DEBUG lines of an SDK request (``receive_response_headers.complete
    return_value=(..., [(b'Set-Cookie', b'...'), ...])``) with each credential header's value
    redacted, as the ``haulmer`` logger's lines are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SENDING_FOR_THE_SDK.get() and isinstance(record.msg, str) and "(b" in record.msg:
            record.msg = _HEADER_PAIR.sub(_redacted_pair, record.msg)
        return True


def _redacted_pair(pair: re.Match[str]) -> str:
    if not is_secret_header(pair["name"]):
        return pair[0]
    return f"(b{pair['q1']}{pair['name']}{pair['q1']}, b'{REDACTED}')"


logging.getLogger("httpx").addFilter(_RedactedHttpxLines())
for _name in ("httpcore.http11", "httpcore.http2", "httpcore.proxy"):
    logging.getLogger(_name).addFilter(_RedactedHttpcoreLines())


@contextlib.contextmanager
def httpx_lines_redacted() -> Iterator[None]:
    """Around the SDK's ``send``: httpx's own lines of it show no credential of its URL."""
    token = _SENDING_FOR_THE_SDK.set(True)
    try:
        yield
    finally:
        _SENDING_FOR_THE_SDK.reset(token)


def log_request(request: httpx.Request, attempt: int) -> None:
    """The DEBUG line of an attempt, credentials redacted."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "Request %s %s (attempt %d) headers=%s",
            request.method,
            redact_url(str(request.url)),
            attempt,
            redact_headers(dict(request.headers)),
        )


MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer body read (64 MiB, once decompressed): a document's XML and PDF, or a
page of 30, are far smaller, and the SII engine refuses larger XML anyway. Without a bound a
gzip answer of one megabyte (a broken proxy's, a hostile server's) would take a gigabyte."""


def answer_too_large(
    prepared: PreparedRequest, response: httpx.Response
) -> APIResponseValidationError:
    """The error for an answer whose body grew past ``MAX_ANSWER_BYTES`` while it was read."""
    return APIResponseValidationError(
        f"{prepared.method} {redact_url(prepared.url)} answered HTTP {response.status_code} with "
        f"a body of more than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB (decompressed), which no "
        "Haulmer answer comes near, so the rest was not read: check that the base URL points "
        "at Haulmer and that no proxy between rewrites its answers",
        status_code=response.status_code,
        request_id=request_id_from(dict(response.headers.items())),  # names lowercase
    )


def read_answer(
    prepared: PreparedRequest,
    request: httpx.Request,
    response: httpx.Response,
    content: bytes,
    *,
    elapsed: float,
    attempt: int,
    now: float,
) -> RawResponse:
    """The answer of one attempt, its body ``content``; a 4xx/5xx becomes its typed error
    (``now``: epoch s). An error answer's echo of the request's secrets is hidden.

    What reads an error answer loads at the first one: a first client makes its pool without it.
    """
    if response.status_code >= 400 and content:
        from haulmer._core.prepare import sent_secrets
        from haulmer._core.responses import hide_echoed_secrets

        content = hide_echoed_secrets(
            content, sent_secrets(prepared), response.headers.get("content-type")
        )
    raw = RawResponse(
        status_code=response.status_code,
        headers=dict(response.headers.items()),  # httpx gives the names lowercase
        content=content,
        method=request.method,
        url=redact_url(str(request.url)),
        elapsed=elapsed,
    )
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s -> %d (attempt %d, %.0f ms)",
            raw.method,
            raw.url,
            raw.status_code,
            attempt,
            elapsed * 1000,
        )
    if 300 <= raw.status_code < 400:
        from haulmer._core.prepare import sent_secrets

        raise _redirected(raw, sent_secrets(prepared))
    if raw.status_code >= 400:
        from haulmer._core.responses import error_from_response

        raise error_from_response(
            raw,
            now=now,
            attempts=attempt,
            retry_safe=prepared.retry_safe,
            hints=prepared.error_hints,
            product=prepared.product,
        )
    return raw


def _redirected(raw: RawResponse, secrets: list[str]) -> APIResponseValidationError:
    """The error for a 3xx: never followed (the ``apikey`` header would go along to wherever it
    points), and never an answer (a list would read as empty, a body as the value). The
    location is named without the request's ``secrets``, wherever in it they stand."""
    location = raw.headers.get("location")  # one httpx could not parse never gets here
    for secret in secrets:
        if location and secret in location:
            location = location.replace(secret, "[redacted]")
    where = f" to {shown(redact_url(location))}" if location else ""
    return APIResponseValidationError(
        f"{raw.method} {raw.url.split('?')[0]} answered HTTP {raw.status_code}, a redirect"
        f"{where}, which the SDK never follows (the API key would go along): point base_urls "
        "at the server's own URL (https://, the final host)",
        status_code=raw.status_code,
        request_id=raw.request_id,
    )


def failed_attempt(
    exc: httpx.RequestError, prepared: PreparedRequest, attempt: int
) -> APIConnectionError:
    """The typed error of an attempt httpx could not complete, logged.

    Its cause is ``exc`` without the ``httpx.Request`` it carries (whose headers hold the API key
    and whose body may hold a password or a .pfx): the sender raises it outside its ``except``
    block, so ``exc`` itself is not its context either.
    """
    error = connection_error(exc, prepared)
    logger.info("%s (attempt %d)", error.message, attempt)
    error.__cause__ = _without_request(exc)
    return error


def _without_request(exc: httpx.RequestError) -> BaseException:
    """A copy of ``exc`` (same type, message, cause and traceback) that carries no request.

    The frames its traceback and cause passed through lose their locals: httpcore's, behind a
    proxy, held the headers sent (the API key, the proxy's ``Proxy-Authorization``)."""
    forget_locals(exc)
    try:
        bare: BaseException = type(exc)(str(exc))
    except Exception:  # a subclass with another signature: keep its kind and message
        bare = httpx.TransportError(f"{type(exc).__name__}: {exc}")
    bare.__cause__ = exc.__cause__
    bare.__suppress_context__ = exc.__suppress_context__
    if exc.__cause__ is None:
        bare.__context__ = exc.__context__
    return bare.with_traceback(exc.__traceback__)
