"""The shared limiter: sliding windows in Redis, one atomic script per booking, on Redis's clock.

Every process and host pointing at the same Redis keeps, together, within the limits of each
API key. Keys hold a fingerprint of the API key (``api_key_fingerprint``), never the key. Its
scripts are in ``redis_scripts``, its URL's checks in ``redis_urls``, and Redis's failures told
as advice in ``redis_failures``.
"""

from __future__ import annotations

import asyncio
import decimal
import numbers
import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from haulmer._core.log import logger
from haulmer._core.loop_end import LoopEnd
from haulmer._core.ratelimit import (
    HAULMER_LIMITS,
    Booking,
    Limits,
    RateLimiter,
    check_clock,
    check_hold,
    check_limits,
    clock_seconds,
)
from haulmer._core.redis_failures import (
    HOLD_NOT_RECORDED,
    MISSING_REDIS,
    other_loop_error,
    redis_error,
    redis_module,
    store_advice,
    unavailable_error,
    unreadable_answer_error,
)
from haulmer._core.redis_scripts import (
    BOOK_SCRIPT,
    FORGET_SCRIPT,
    HOLD_SCRIPT,
    booking_of_answer,
)
from haulmer._core.redis_urls import (
    check_store_url,
    check_url_object_options,
    check_url_timeouts,
    configuration_error,
    option_not_taken,
    redact_store_url,
)
from haulmer._core.types import LONGEST_TIMEOUT, is_wait_seconds
from haulmer._forks import ForkSafeLock
from haulmer._frames import LocalsForgottenOnRefusal, forget_locals
from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.errors import RateLimiterUnavailableError

if TYPE_CHECKING:
    import redis
    import redis.asyncio
else:  # annotations resolve at run time (typing.get_type_hints), loading redis only then; without
    # the redis extra, resolving them raises MissingDependencyError (as making a limiter does)
    redis = LazyModule("redis", extra="redis", missing=MISSING_REDIS)

__all__ = [
    "BOOK_KEYS",
    "BOOK_SCRIPT",
    "HOLD_SCRIPT",
    "SHARED_SLOT_MARGIN",
    "STORE_TIMEOUT",
    "RedisRateLimiter",
    "redact_store_url",
]

BOOK_KEYS = 5
"""How many of BOOK_SCRIPT's arguments (``_book_args``) are keys."""

SHARED_SLOT_MARGIN = 0.1
"""Seconds added past a window's edge when processes share it: a booking's answer reaches each
process, and its request the server, a few milliseconds apart, never all at once."""

STORE_TIMEOUT = 5.0
"""Seconds a limiter made from a URL waits for Redis to connect, and then for each answer, before
the command is sent once more on a new connection, and then the call fails: a Redis that accepts
and never answers (paused, overloaded, a TLS mismatch) must not hold a send forever (redis-py
before 6 waits without end), so it holds one for at most twice this."""


def _remade(settings: dict[str, Any]) -> RedisRateLimiter:
    """A pickled ``RedisRateLimiter`` made again from its settings (``__reduce__``)."""
    return RedisRateLimiter(**settings)


def _check_client_faces(client: object, async_client: object) -> None:
    """Refuse a redis.asyncio client given as ``client=`` or a blocking one as ``async_client=``:
    the first answers each booking with a coroutine, the second with a list an ``await``
    refuses, after its script has recorded a send."""
    try:
        import redis
        import redis.asyncio
    except ImportError:  # pragma: no cover - a stand-in without redis-py: nothing to tell apart
        return
    if isinstance(client, (redis.asyncio.Redis, redis.asyncio.RedisCluster)):
        raise configuration_error(
            "client= is a redis.asyncio client, whose commands must be awaited: pass it as "
            "async_client= (for AsyncHaulmer), and a redis.Redis as client= for Haulmer"
        )
    if isinstance(async_client, (redis.Redis, redis.RedisCluster)):
        raise configuration_error(
            "async_client= is a blocking redis.Redis client, whose commands cannot be awaited: "
            "pass it as client= (for Haulmer), and a redis.asyncio.Redis as async_client= for "
            "AsyncHaulmer"
        )


class RedisRateLimiter(RateLimiter):
    """Sliding windows shared through Redis (redis-py), for the blocking and asyncio clients.

    A send is recorded only at the moment it may go (``Booking.reserved``); otherwise the caller
    waits and asks again. So the windows count when requests leave, not when they were queued: a
    process slowed down between booking and sending cannot crowd a later window.

    ``RedisRateLimiter("redis://localhost:6379/0")``, or your own ``client=`` (``redis.Redis``)
    and ``async_client=`` (``redis.asyncio.Redis``). Times are Redis's own clock, so hosts whose
    clocks disagree still share one window. A Redis that cannot be reached is a
    ``RateLimiterUnavailableError`` (nothing is sent unlimited). ``margin``: seconds kept past
    each window's edge, for the spread of delivery between processes. ``clock``: seconds (like
    ``time.time``) the scripts take as now instead of Redis's clock; leave it out in production
    (hosts' clocks may disagree), give one in tests to drive the windows without waiting.
    ``timeout``: seconds to wait for Redis to connect and to answer, for the clients made from
    ``url`` (``?socket_timeout=`` in the URL wins), which send a command once more on a new
    connection after a timeout or a closed connection; a client you give keeps its own.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        async_client: redis.asyncio.Redis | None = None,
        limits: Sequence[tuple[int, float]] = HAULMER_LIMITS,
        prefix: str = "haulmer:ratelimit",
        margin: float = SHARED_SLOT_MARGIN,
        clock: Callable[[], float] | None = None,
        timeout: float = STORE_TIMEOUT,
    ) -> None:
        try:
            with LocalsForgottenOnRefusal():
                self._set_up(url, client, async_client, limits, prefix, margin, clock, timeout)
        finally:
            del url  # its password is not in this frame's locals, which error trackers record

    def _set_up(
        self,
        url: str | None,
        client: redis.Redis | None,
        async_client: redis.asyncio.Redis | None,
        limits: Sequence[tuple[int, float]],
        prefix: str,
        margin: float,
        clock: Callable[[], float] | None,
        timeout: float,
    ) -> None:
        """``__init__``'s work, whose frames a refusal leaves without locals."""
        if url is None and client is None and async_client is None:
            raise configuration_error(
                "RedisRateLimiter needs a url (redis://host:6379/0) or a client"
            )
        if url is not None:
            if not isinstance(url, str):
                raise configuration_error(
                    f"RedisRateLimiter takes its URL as text, such as 'redis://host:6379/0', "
                    f"got a {type(url).__name__}"
                )
            scheme = check_store_url(url)
            if scheme not in ("redis", "rediss", "unix"):
                raise configuration_error(
                    f"RedisRateLimiter takes a redis://, rediss:// or unix:// URL, got "
                    f"{shown(redact_store_url(url))}"
                )
        if client is None and async_client is None:
            redis_module()  # a missing extra is said where the limiter is made, not at a sale
        else:
            _check_client_faces(client, async_client)
        self.limits: Limits = check_limits(limits)
        if not isinstance(prefix, str):
            raise configuration_error(
                f"prefix= is the text the limiter's Redis keys start with, such as "
                f"'haulmer:ratelimit', got {shown(prefix)}"
            )
        self._url = url
        self._prefix = prefix
        self._client = client
        self._own_client = client is None
        self._async_client = async_client
        self._async_clients: dict[asyncio.AbstractEventLoop, redis.asyncio.Redis] = {}
        """The pool of each event loop that booked (redis.asyncio's connections belong to one);
        a closed loop's is dropped when another loop makes its own."""
        self._loop_ends: dict[asyncio.AbstractEventLoop, LoopEnd] = {}
        """What closes each loop's pool as that loop ends, or once the limiter is dropped."""
        self._giving_up: set[asyncio.Future[None]] = set()
        """The give-ups of cancelled bookings under way, kept from the garbage collector."""
        self._lock = ForkSafeLock()
        if not _is_margin(margin):
            raise configuration_error(f"margin= is seconds in [0, 1), got {shown(margin)}")
        self._margin = repr(float(margin))  # as Lua reads it: never "False", "1/10" or "1E+1"
        self._windows = [str(v) for pair in self.limits for v in pair]
        if clock is not None:
            check_clock(clock, "time.time")
        self._clock = clock
        if not (is_wait_seconds(timeout) and timeout > 0):
            raise configuration_error(
                f"timeout= is the seconds to wait for Redis, a number above 0 and up to "
                f"{LONGEST_TIMEOUT:g} (31 years), got {shown(timeout)}"
            )
        self._timeout = float(timeout)
        self._settings: dict[str, Any] = {
            "url": url,
            "client": client,
            "async_client": async_client,
            "limits": self.limits,
            "prefix": prefix,
            "margin": margin,
            "clock": clock,
            "timeout": timeout,
        }
        """What the limiter was made with, to make its copies: they share its windows (in
        Redis), each with connection pools of its own."""
        if url is not None:
            self._check_url_options()

    def _check_url_options(self) -> None:
        """Read the URL's options as redis-py will, where the limiter is made (a client made
        from the URL, or from HAULMER_RATE_LIMIT_URL, is refused then, naming it), not at the
        first send; no socket is opened."""
        redis_module()
        import redis.asyncio
        import redis.asyncio.retry
        import redis.retry

        self._from_url(redis.Redis, redis.retry.Retry)
        self._from_url(redis.asyncio.Redis, redis.asyncio.retry.Retry)

    def __copy__(self) -> RedisRateLimiter:
        """A limiter of the same settings (and the same clients, if given), sharing the windows
        in Redis with pools of its own: a shallow copy would share and close this one's."""
        return RedisRateLimiter(**self._settings)

    def __deepcopy__(self, memo: dict[int, Any]) -> RedisRateLimiter:
        return self.__copy__()

    def __reduce__(self) -> Any:
        """Pickled as its settings, for another process, when made from a URL alone; refused
        when given clients, whose connections belong to this process."""
        if self._settings["client"] is not None or self._settings["async_client"] is not None:
            raise TypeError(
                "a RedisRateLimiter given client= or async_client= cannot be pickled: those "
                "clients' connections belong to this process. Make it from a URL, "
                "RedisRateLimiter('redis://...'), to pass it to other processes (each then "
                "connects on its own and shares the same windows), or make one in each process"
            )
        return (_remade, (self._settings,))

    def __repr__(self) -> str:
        url = getattr(self, "_url", None)  # a limiter refused while made has none yet
        where = redact_store_url(url) if url else "<client>"
        return f"RedisRateLimiter({where!r}, limits={getattr(self, 'limits', None)!r})"

    @property
    def where(self) -> str:
        """The store, for messages: its URL without a password, or ``<client>``."""
        return redact_store_url(self._url) if self._url else "the Redis client given"

    def _now(self) -> str:
        """The scripts' now: the injected clock's reading, or '' for Redis's own TIME."""
        if self._clock is None:
            return ""
        return repr(clock_seconds(self._clock(), "time.time"))

    def _book_args(self, bucket: str, member: str) -> list[str]:
        """BOOK_SCRIPT's keys (``BOOK_KEYS``) and arguments for one send of ``bucket``."""
        keys = [*self._keys(bucket), self._forgotten_key(bucket)]
        return [*keys, member, self._margin, self._now(), *self._windows]

    def _forgotten_key(self, bucket: str) -> str:
        """The bookings of ``bucket`` their callers gave up (``FORGET_SCRIPT``), written only
        when a call is cancelled while it books."""
        return f"{self._prefix}:{{{bucket}}}:given-up"

    def _forget_args(self, bucket: str, member: str) -> list[str]:
        """FORGET_SCRIPT's two keys and arguments: a member given up is remembered for the
        longest window, past which no script sent with it is still on its way."""
        keep = max(period for _, period in self.limits) + float(self._margin)
        return [self._keys(bucket)[0], self._forgotten_key(bucket), member, self._now(), repr(keep)]

    def _forget(self, bucket: str, member: str) -> None:
        """Give up the booking of ``member``, which its caller will never send on: removed if
        Redis recorded it, never recorded if its script reaches Redis later."""
        self._sync_client().eval(FORGET_SCRIPT, 2, *self._forget_args(bucket, member))

    async def _aforget(self, bucket: str, member: str) -> None:
        """``_forget`` for the asyncio face."""
        await self._loop_client().eval(FORGET_SCRIPT, 2, *self._forget_args(bucket, member))

    def _keys(self, bucket: str) -> list[str]:
        """The bucket's sends, its hold, the hold's length and the longest window a limiter
        sharing it counts. One hash tag per bucket, so the keys live on one node of a Redis
        Cluster."""
        tagged = f"{self._prefix}:{{{bucket}}}"
        return [f"{tagged}:slots", f"{tagged}:hold", f"{tagged}:hold-length", f"{tagged}:longest"]

    def _sync_client(self) -> redis.Redis:
        with self._lock:
            if self._client is None:
                if self._url is None:
                    raise configuration_error(
                        "This RedisRateLimiter has only an async_client: pass client= (a "
                        "redis.Redis) or a url to use it with a blocking Haulmer client"
                    )
                redis_module()
                import redis.retry

                self._client = self._from_url(redis.Redis, redis.retry.Retry)
            return self._client

    def _from_url(self, kind: Any, retry: Any) -> Any:
        """A ``kind`` (``redis.Redis`` or ``redis.asyncio.Redis``) for the URL, waiting at most
        ``timeout`` seconds, and sending a command once more, on a new connection, when its
        connection was found closed or its answer did not come in time: after a restart of
        Redis each pooled connection is dead, and one a NAT or firewall dropped while idle
        swallows the command, so a command on one would fail though Redis runs. Every script
        the limiter sends may run twice (a booking is recorded once per member)."""
        from redis.backoff import NoBackoff

        url = self._url or ""
        check_url_timeouts(url)
        check_url_object_options(url)
        found = redis_module()
        lost = (found.ConnectionError, found.TimeoutError)
        once_more = retry(NoBackoff(), 1, supported_errors=lost)
        try:
            client = kind.from_url(
                self._url,
                socket_timeout=self._timeout,
                socket_connect_timeout=self._timeout,
                retry=once_more,
                # redis-py before 6 sets the retry aside unless told which errors it retries
                retry_on_error=list(lost),
            )
            # redis-py makes a connection of the options only at the first command, where an
            # option its connection class does not take is a bare TypeError: made here, no
            # socket is opened, and the URL is told about before anything is sent.
            pool = client.connection_pool
            pool.connection_class(**pool.connection_kwargs)
        except TypeError as exc:
            raise configuration_error(option_not_taken(url, exc)) from None
        except (ValueError, redis_error()) as exc:
            raise configuration_error(
                f"The rate limiter URL {shown(self.where)} has an option redis-py cannot read"
                f"{_unread_option(exc)}: check the values after '?' (socket_timeout=, db=, ...), "
                "or leave them out"
            ) from None
        return client

    def _loop_client(self) -> redis.asyncio.Redis:
        if self._async_client is not None:
            return self._async_client
        if self._url is None:
            raise configuration_error(
                "This RedisRateLimiter has only a blocking client: pass async_client= (a "
                "redis.asyncio.Redis) or a url to use it with AsyncHaulmer"
            )
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            redis_module()
            import redis.asyncio
            import redis.asyncio.retry

            client = self._from_url(redis.asyncio.Redis, redis.asyncio.retry.Retry)
            with self._lock:
                # A closed loop's connections can no longer be used nor closed from another
                # loop: each is closed in its loop as the loop ends (LoopEnd), and dropped
                # here. Kept, every asyncio.run() (every test's loop) would keep one more.
                for gone in [other for other in self._async_clients if other.is_closed()]:
                    del self._async_clients[gone]
                    ended = self._loop_ends.pop(gone, None)
                    if ended is not None:
                        ended.forget()
                self._async_clients[loop] = client
                self._loop_ends[loop] = LoopEnd(client.aclose, owner=self)
        return client

    def book(self, bucket: str) -> Booking:
        member = uuid.uuid4().hex
        client = self._sync_client()
        args = self._book_args(bucket, member)
        try:
            answer = client.eval(BOOK_SCRIPT, BOOK_KEYS, *args)
        except redis_error() as exc:
            raise self._unavailable(exc) from exc
        except BaseException:  # interrupted (Ctrl+C) while Redis may have recorded the send
            try:
                self._forget(bucket, member)
            except Exception as lost:  # the interruption goes on, not the store's error
                _booking_not_given_up(lost)
            raise
        return self._read_booking(bucket, member, answer)

    def release(self, booking: Booking) -> None:
        try:
            self._sync_client().zrem(self._keys(booking.bucket)[0], str(booking.slot))
        except redis_error() as exc:
            raise self._unavailable(exc) from exc

    def hold(self, bucket: str, seconds: float) -> None:
        seconds = check_hold(seconds)
        try:
            self._sync_client().eval(
                HOLD_SCRIPT, 2, *self._keys(bucket)[1:3], str(seconds), self._now()
            )
        except redis_error() as exc:
            raise self._unavailable(exc, HOLD_NOT_RECORDED) from exc

    async def abook(self, bucket: str) -> Booking:
        member = uuid.uuid4().hex
        client = self._loop_client()
        args = self._book_args(bucket, member)
        try:
            answer = await client.eval(BOOK_SCRIPT, BOOK_KEYS, *args)
        except redis_error() as exc:
            raise self._unavailable(exc) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc) from exc
        except BaseException:  # cancelled (asyncio.timeout(), a task group) while Redis may
            # have recorded the send, or may yet: given up either way, in a task of its own that
            # a cancellation repeated at each await (anyio's cancel scopes) cannot stop
            giving_up = asyncio.ensure_future(self._agive_up(bucket, member))
            self._giving_up.add(giving_up)
            giving_up.add_done_callback(self._giving_up.discard)
            await asyncio.shield(giving_up)
            raise
        return self._read_booking(bucket, member, answer)

    async def _agive_up(self, bucket: str, member: str) -> None:
        """``_aforget``, a failure logged (the cancellation goes on, not the store's error)."""
        try:
            await self._aforget(bucket, member)
        except Exception as lost:
            _booking_not_given_up(lost)

    async def arelease(self, booking: Booking) -> None:
        client = self._loop_client()
        try:
            await client.zrem(self._keys(booking.bucket)[0], str(booking.slot))
        except redis_error() as exc:
            raise self._unavailable(exc) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc) from exc

    async def ahold(self, bucket: str, seconds: float) -> None:
        seconds = check_hold(seconds)
        client = self._loop_client()
        try:
            await client.eval(HOLD_SCRIPT, 2, *self._keys(bucket)[1:3], str(seconds), self._now())
        except redis_error() as exc:
            raise self._unavailable(exc, HOLD_NOT_RECORDED) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc, HOLD_NOT_RECORDED) from exc

    def close(self) -> None:
        """Close the blocking connection pool this limiter opened (not a client you gave)."""
        with self._lock:
            if self._own_client and self._client is not None:
                self._client.close()
                self._client = None

    async def aclose(self) -> None:
        """Close the asyncio connection pool this limiter opened for the running loop."""
        with self._lock:
            client = self._async_clients.pop(asyncio.get_running_loop(), None)
            ended = self._loop_ends.pop(asyncio.get_running_loop(), None)
        if ended is not None:
            ended.forget()
        if client is not None:
            await client.aclose()

    def _read_booking(self, bucket: str, member: str, answer: Any) -> Booking:
        """The booking script's ``answer``; anything it never answers (a proxy's, a stand-in's)
        fails closed: read as a send let go it would send unlimited, as a wait of NaN or
        forever it would never send."""
        booking = booking_of_answer(bucket, member, answer)
        if booking is None:
            raise unreadable_answer_error(self.where, answer)
        return booking

    def _other_loop(
        self, exc: RuntimeError, outcome: str = "nothing was sent"
    ) -> RuntimeError | RateLimiterUnavailableError:
        """The error for a redis.asyncio client used in an event loop other than its own (one
        ``asyncio.run()`` ago); ``exc`` itself when it is about something else."""
        return other_loop_error(
            self.where, exc, outcome, client_given=self._async_client is not None
        )

    def _unavailable(
        self, exc: Exception, outcome: str = "nothing was sent"
    ) -> RateLimiterUnavailableError:
        """The error for Redis failing ``exc``; redis-py's frames behind it lose their locals,
        which held the password its handshake sent (``auth_args``)."""
        advice = store_advice(exc, url=self._url, timeout=self._timeout, prefix=self._prefix)
        forget_locals(exc)
        return unavailable_error(self.where, exc, outcome, advice)


def _booking_not_given_up(error: Exception) -> None:
    """Log that a call interrupted while it booked could not give its booking up: the
    interruption goes on, not ``error``; the limiter may count one send too many."""
    logger.warning(
        "A call interrupted while it booked a send with the shared rate limiter could not give "
        "the booking up (%s): Redis may count it as a send for a minute",
        type(error).__name__,
    )


def _is_margin(margin: object) -> bool:
    """Whether ``margin`` is a number of seconds in [0, 1) (an int, float, Decimal or Fraction;
    no bool, whose ``str`` no script reads)."""
    if isinstance(margin, bool) or not isinstance(margin, (numbers.Real, decimal.Decimal)):
        return False
    try:
        seconds = float(margin)
    except (TypeError, ValueError, ArithmeticError):  # pragma: no cover - a Real that is not
        return False
    return 0 <= seconds < 1  # NaN is neither


_UNREAD_OPTION = re.compile(r"Invalid value for '([A-Za-z_]+)'")


def _unread_option(exc: Exception) -> str:
    """`` (<name>=)`` for the URL option redis-py says it could not read, or nothing."""
    found = _UNREAD_OPTION.search(str(exc))
    return f" ({found.group(1)}=)" if found else ""
