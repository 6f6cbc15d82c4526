"""The shared limiter: sliding windows in Redis, one atomic script per booking, on Redis's clock.

Every process and host pointing at the same Redis keeps, together, within the limits of each
API key. Keys hold a fingerprint of the API key (``api_key_fingerprint``), never the key.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import decimal
import math
import numbers
import re
import ssl
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, parse_qs, urlsplit, urlunsplit

from haulmer._core.log import REDACTED, redact_url
from haulmer._core.loop_end import LoopEnd
from haulmer._core.ratelimit import (
    HAULMER_LIMITS,
    Booking,
    Limits,
    RateLimiter,
    check_hold,
    check_limits,
)
from haulmer._core.types import LONGEST_TIMEOUT, is_wait_seconds
from haulmer._forks import ForkSafeLock
from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.errors import MissingDependencyError, RateLimiterUnavailableError

_MISSING_REDIS = "The shared rate limiter needs redis-py: pip install 'haulmer[redis]'"

if TYPE_CHECKING:
    import redis
    import redis.asyncio
else:  # annotations resolve at run time (typing.get_type_hints), loading redis only then; without
    # the redis extra, resolving them raises MissingDependencyError (as making a limiter does)
    redis = LazyModule("redis", extra="redis", missing=_MISSING_REDIS)

__all__ = [
    "BOOK_SCRIPT",
    "HOLD_SCRIPT",
    "SHARED_SLOT_MARGIN",
    "STORE_TIMEOUT",
    "RedisRateLimiter",
    "redact_store_url",
]

_E = TypeVar("_E", bound=BaseException)

SHARED_SLOT_MARGIN = 0.1
"""Seconds added past a window's edge when processes share it: a booking's answer reaches each
process, and its request the server, a few milliseconds apart, never all at once."""

STORE_TIMEOUT = 5.0
"""Seconds a limiter made from a URL waits for Redis to connect, and then for each answer, before
the call fails: a Redis that accepts and never answers (paused, overloaded, a TLS mismatch) must
not hold a send forever (redis-py before 6 waits without end)."""

BOOK_SCRIPT = """
-- KEYS[1]: the bucket's sends (a sorted set scored by send time), KEYS[2]: its hold, KEYS[3]:
-- the hold's length in seconds, KEYS[4]: the longest window a limiter sharing the bucket counts.
-- ARGV[1]: this send's member, ARGV[2]: the margin, ARGV[3]: now in seconds, or '' for Redis's
-- own TIME, ARGV[4..]: (count, period) pairs.
-- Records a send now if every window has room (returns {1, 0}); otherwise records nothing and
-- returns {0, seconds} until the earliest moment one might.
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local stamp = string.format('%.6f', now)
local margin = tonumber(ARGV[2])
local own = 0
for i = 4, #ARGV, 2 do
  own = math.max(own, tonumber(ARGV[i + 1]))
end
-- Sends are kept for the longest window any limiter sharing the bucket counts: one with shorter
-- windows (a batch kept gentler) must not drop those a longer one still counts.
local longest = own
local shared = tonumber(redis.call('GET', KEYS[4]))
if shared and shared > own then
  longest = shared
end
-- A send is recorded at the moment it goes: one scored after now means the clock was stepped
-- back (an NTP correction, a failover to a replica behind). It went at the latest now; so
-- counted, it keeps its place in the windows without holding them for the size of the step.
local ahead = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. stamp, '+inf')
for _, member in ipairs(ahead) do
  redis.call('ZADD', KEYS[1], stamp, member)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest - margin)
if longest == own then  -- told the others, until this limiter's longest window has passed
  redis.call('SET', KEYS[4], string.format('%.6f', own), 'PX',
             math.ceil((own + margin) * 1000) + 1000)
end
-- This send already recorded: the same booking asked again (its answer was lost with its
-- connection, and the command sent once more), not one more send.
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return {1, '0'}
end
local wait = 0
local held = redis.call('GET', KEYS[2])
if held then
  local left = tonumber(held) - now
  local length = tonumber(redis.call('GET', KEYS[3]))
  if length and left > length then  -- the clock was stepped back: hold no longer than asked
    left = length
    redis.call('SET', KEYS[2], string.format('%.6f', now + length), 'PX',
               math.ceil(length * 1000) + 1000)
    redis.call('PEXPIRE', KEYS[3], math.ceil(length * 1000) + 1000)
  end
  wait = math.max(wait, left)
end
local size = redis.call('ZCARD', KEYS[1])
for i = 4, #ARGV, 2 do
  local count = tonumber(ARGV[i])
  local period = tonumber(ARGV[i + 1])
  if size >= count then
    local nth = redis.call('ZRANGE', KEYS[1], -count, -count, 'WITHSCORES')
    wait = math.max(wait, tonumber(nth[2]) + period + margin - now)
  end
end
if wait > 0 then
  return {0, string.format('%.6f', wait)}
end
redis.call('ZADD', KEYS[1], stamp, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((longest + margin) * 1000) + 1000)
return {1, '0'}
"""
"""Record a send now if every window (and the hold) allows it, else say how long to wait."""

HOLD_SCRIPT = """
-- KEYS[1]: the bucket's hold, KEYS[2]: the hold's length; ARGV[1]: seconds from now during
-- which nothing is booked, ARGV[2]: now in seconds, or '' for Redis's own TIME.
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local seconds = math.max(0, tonumber(ARGV[1]))
local held = redis.call('GET', KEYS[1])
if (not held) or tonumber(held) < now + seconds then
  local expiry = math.ceil(seconds * 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.6f', now + seconds), 'PX', expiry)
  redis.call('SET', KEYS[2], string.format('%.6f', seconds), 'PX', expiry)
end
return 1
"""
"""Push the bucket's hold to ``seconds`` from now (never pulls it back)."""


def redact_store_url(url: str) -> str:
    """``url`` as written but for its password (``redis://:***@host:6379/0``) and secret query
    values (``?password=``), for messages and reprs; one that cannot be read (a broken IPv6
    host, a port that is no number, user info not after ``//``) only by its scheme.

    User info without a ``:`` (``redis://s3cret@host``) is hidden whole: redis-py sends it as a
    user name, but it is most often a password whose ``:`` was forgotten (redis-cli reads it as
    the password, and Redis before 6 and most hosted ones have no user names)."""
    try:
        parts = urlsplit(url)
        if _user_info_cut(url, parts):
            raise ValueError("user info outside the host part")
        if parts.password is not None or parts.username:
            _ = parts.port  # no number, or out of range: where the password ends is unsure
            hidden = "***" if parts.password is None else f"{parts.username or ''}:***"
            # the host part as written: an IPv6 host keeps its brackets (and zone), as it must
            parts = parts._replace(netloc=f"{hidden}@{parts.netloc.rpartition('@')[2]}")
    except ValueError:
        scheme = url.partition(":")[0]
        return f"{scheme}://<unreadable>" if scheme.isalpha() else "<unreadable>"
    if parts.query:  # as written, but for the values of secret parameters (?password=)
        parts = parts._replace(query="&".join(_redact_piece(p) for p in parts.query.split("&")))
    shown_url = urlunsplit(parts)
    if not parts.netloc and url[len(parts.scheme) + 1 :].startswith("//"):
        # urlunsplit writes unix:///run/redis.sock as unix:/run/redis.sock, which redis-py refuses
        shown_url = f"{parts.scheme}://{shown_url[len(parts.scheme) + 1 :]}"
    return shown_url


def _redact_piece(piece: str) -> str:
    """One ``name=value`` of a query as written, or its value hidden when the name says it is
    a secret (``password=``, ``token=``...)."""
    name, equals, _ = piece.partition("=")
    hidden = urlsplit(redact_url(f"x://h?{piece}")).query
    return f"{name}={REDACTED}" if equals and REDACTED in hidden else piece


def _lone_user_info(url: str) -> bool:
    """Whether ``url`` has user info without a ``:`` (``redis://name@host``)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # pragma: no cover - a URL the limiter took is readable
        return False
    return bool(parts.username) and parts.password is None


def _user_info_cut(url: str, parts: SplitResult) -> bool:
    """Whether an ``@`` of ``url`` is outside its host part: user info not after ``//``, or a
    password holding ``/``, ``?`` or ``#``, which end the host part before its ``@``. A query
    value may hold an ``@`` (``?client_name=a@b``)."""
    if "@" not in url or "@" in parts.netloc:
        return False
    if "@" in parts.path or "@" in parts.fragment:
        return True
    return any(
        "@" in piece and "=" not in piece.partition("@")[0] for piece in parts.query.split("&")
    )


def _check_store_url(url: str) -> str:
    """``url``'s scheme, once the URL is known to be readable (host and port): redis-py would
    raise ValueError on it at the first send, and urlsplit at once."""
    why: str | None = None
    try:
        parts = urlsplit(url)
        if parts.netloc and _user_info_cut(url, parts):
            why = (
                "its password seems to hold '/', '?' or '#', which end the host part there: "
                "percent-encode them in the password (%2F, %3F, %23)"
            )
        else:
            port = parts.port
            if _user_info_cut(url, parts):
                why = "the user and password must follow '//', before the host"
            elif port == 0:
                why = "port 0 is no port Redis listens on"
            elif parts.scheme == "unix" and parts.hostname not in (None, "", "localhost"):
                # redis-py drops the host: unix://run/redis.sock looks for /redis.sock
                raise _configuration(
                    f"The rate limiter URL {shown(redact_store_url(url))} names a host, "
                    f"{shown(parts.hostname)}, which a unix:// URL has none of: write the "
                    "socket's path after three slashes, as unix:///run/redis/redis.sock (with a "
                    "password, unix://:password@/run/redis/redis.sock)"
                )
            elif parts.scheme in ("redis", "rediss") and not parts.hostname:
                raise _configuration(
                    f"The rate limiter URL {shown(redact_store_url(url))} names no host "
                    "(redis-py would quietly use localhost, a Redis the other hosts do not "
                    "share): write it as redis://host:6379/0 (an unset variable in "
                    "redis://${REDIS_HOST}:6379/0?), or unix:///path/to/redis.sock"
                )
    except ValueError as exc:
        # urlsplit's words may quote a piece of the host part, which may be a piece of the
        # password: none when the URL holds user info.
        why = "its host or port cannot be read" if "@" in url else str(exc)
    if why is not None:
        raise _configuration(
            f"The rate limiter URL {shown(redact_store_url(url))} cannot be read ({why}): write "
            "it as redis://[user:password@]host:6379/0 (an IPv6 host in [brackets]; "
            "percent-encode '/', '?', '#' and '@' in the password)"
        )
    _check_database(url, parts.scheme, parts.path, parts.query)
    return parts.scheme


_DATABASE = re.compile(r"[0-9]+")

_OBJECT_OPTIONS = frozenset(
    {
        "cache",
        "cache_config",
        "credential_provider",
        "encoder_class",
        "event_dispatcher",
        "maint_notifications_config",
        "parser_class",
        "redis_connect_func",
        "retry",
        "ssl_context",
    }
)
"""Options of redis-py's connections that take a Python object, which a URL gives as text."""

_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"})
"""The TLS library's words for a server answering a TLS greeting with something else."""

_NOT_TAKEN = re.compile(r"unexpected keyword argument '([A-Za-z0-9_]+)'")
"""The option named by the TypeError of a connection given a keyword it does not take."""


def _check_database(url: str, scheme: str, path: str, query: str) -> None:
    """Refuse a database that is no number: redis-py silently uses database 0 for a path such
    as ``/O`` or ``/cache``, which would share (or split) windows with the wrong processes."""
    try:
        asked = parse_qs(query).get("db")
    except ValueError:  # pragma: no cover - parse_qs reads any text
        asked = None
    if asked:
        database, where = asked[0], "?db="
    elif scheme in ("redis", "rediss") and path.strip("/"):
        database, where = path.strip("/"), "the path"
    else:
        return
    if not _DATABASE.fullmatch(database):
        raise _configuration(
            f"The rate limiter URL {shown(redact_store_url(url))} names database "
            f"{shown(database)} in {where}, which is no number: write it as "
            "redis://host:6379/0 (databases are numbered from 0)"
        )


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
        raise _configuration(
            "client= is a redis.asyncio client, whose commands must be awaited: pass it as "
            "async_client= (for AsyncHaulmer), and a redis.Redis as client= for Haulmer"
        )
    if isinstance(async_client, (redis.Redis, redis.RedisCluster)):
        raise _configuration(
            "async_client= is a blocking redis.Redis client, whose commands cannot be awaited: "
            "pass it as client= (for Haulmer), and a redis.asyncio.Redis as async_client= for "
            "AsyncHaulmer"
        )


def _redis_module() -> Any:
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(_MISSING_REDIS, extra="redis") from exc
    return redis


_HOLD_NOT_RECORDED = (
    "the request was sent and answered 429 (too many requests), and the wait the server asked "
    "for could not be recorded for the limiter's other clients"
)
"""What a failed ``hold`` says happened: unlike a booking's, its request did go out."""


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
    ``url`` (``?socket_timeout=`` in the URL wins); a client you give keeps its own.
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
        if url is None and client is None and async_client is None:
            raise _configuration("RedisRateLimiter needs a url (redis://host:6379/0) or a client")
        if url is not None:
            if not isinstance(url, str):
                raise _configuration(
                    f"RedisRateLimiter takes its URL as text, such as 'redis://host:6379/0', "
                    f"got a {type(url).__name__}"
                )
            scheme = _check_store_url(url)
            if scheme not in ("redis", "rediss", "unix"):
                raise _configuration(
                    f"RedisRateLimiter takes a redis://, rediss:// or unix:// URL, got "
                    f"{shown(redact_store_url(url))}"
                )
        if client is None and async_client is None:
            _redis_module()  # a missing extra is said where the limiter is made, not at a sale
        else:
            _check_client_faces(client, async_client)
        self.limits: Limits = check_limits(limits)
        if not isinstance(prefix, str):
            raise _configuration(
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
        self._lock = ForkSafeLock()
        if not _is_margin(margin):
            raise _configuration(f"margin= is seconds in [0, 1), got {shown(margin)}")
        self._margin = repr(float(margin))  # as Lua reads it: never "False", "1/10" or "1E+1"
        self._windows = [str(v) for pair in self.limits for v in pair]
        if clock is not None and not callable(clock):
            raise _configuration(
                f"clock= is a callable returning seconds, like time.time, got {shown(clock)}"
            )
        self._clock = clock
        if not (is_wait_seconds(timeout) and timeout > 0):
            raise _configuration(
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
        _redis_module()
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
        where = redact_store_url(self._url) if self._url else "<client>"
        return f"RedisRateLimiter({where!r}, limits={self.limits!r})"

    @property
    def where(self) -> str:
        """The store, for messages: its URL without a password, or ``<client>``."""
        return redact_store_url(self._url) if self._url else "the Redis client given"

    def _now(self) -> str:
        """The scripts' now: the injected clock's reading, or '' for Redis's own TIME."""
        if self._clock is None:
            return ""
        reading = self._clock()
        seconds = math.nan
        if not isinstance(reading, bool) and isinstance(reading, (numbers.Real, decimal.Decimal)):
            with contextlib.suppress(ValueError, ArithmeticError):  # an int past a float's range
                seconds = float(reading)
        if not math.isfinite(seconds):
            raise _configuration(
                f"clock= returned {shown(reading)}, which is no finite number of seconds: "
                "give a clock like time.time"
            )
        return repr(seconds)

    def _book_args(self, bucket: str, member: str) -> list[str]:
        """BOOK_SCRIPT's keys and arguments for one send of ``bucket``."""
        return [*self._keys(bucket), member, self._margin, self._now(), *self._windows]

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
                    raise _configuration(
                        "This RedisRateLimiter has only an async_client: pass client= (a "
                        "redis.Redis) or a url to use it with a blocking Haulmer client"
                    )
                _redis_module()
                import redis.retry

                self._client = self._from_url(redis.Redis, redis.retry.Retry)
            return self._client

    def _from_url(self, kind: Any, retry: Any) -> Any:
        """A ``kind`` (``redis.Redis`` or ``redis.asyncio.Redis``) for the URL, waiting at most
        ``timeout`` seconds, and sending a command once more, on a new connection, when its
        connection was found closed: after a restart of Redis each pooled connection is dead,
        and a command on one would fail though Redis runs again."""
        from redis.backoff import NoBackoff

        self._check_url_timeouts()
        self._check_object_options()
        once_more = retry(NoBackoff(), 1, supported_errors=(_redis_module().ConnectionError,))
        try:
            client = kind.from_url(
                self._url,
                socket_timeout=self._timeout,
                socket_connect_timeout=self._timeout,
                retry=once_more,
            )
            # redis-py makes a connection of the options only at the first command, where an
            # option its connection class does not take is a bare TypeError: made here, no
            # socket is opened, and the URL is told about before anything is sent.
            pool = client.connection_pool
            pool.connection_class(**pool.connection_kwargs)
        except TypeError as exc:
            raise _configuration(self._option_not_taken(exc)) from None
        except (ValueError, _redis_error()):
            raise _configuration(
                f"The rate limiter URL {shown(self.where)} has an option redis-py cannot read: "
                "check the values after '?' (socket_timeout=, db=, ...), or leave them out"
            ) from None
        return client

    def _check_object_options(self) -> None:
        """Refuse a URL option redis-py takes only as a Python object (``?retry=3``), which it
        passes on as text, to fail at the first send with a bare AttributeError; and an
        ``?encoding=`` Python does not know (a bare LookupError there)."""
        options = parse_qs(urlsplit(self._url or "").query)
        for name in options:
            if name in _OBJECT_OPTIONS:
                raise _configuration(
                    f"The rate limiter URL {shown(self.where)} cannot be used: {name}= takes a "
                    "Python object, which a URL cannot give: leave it out (the limiter sends a "
                    "command once more itself when its connection was found closed), or give "
                    f"the limiter your own client=redis.Redis(..., {name}=...)"
                )
        requirement = options.get("ssl_cert_reqs")
        if requirement and requirement[0] not in ("none", "optional", "required"):
            raise _configuration(
                f"The rate limiter URL {shown(self.where)} cannot be used: ssl_cert_reqs= takes "
                f"none, optional or required, got {shown(requirement[0])} (Celery's CERT_NONE is "
                "none here)"
            )
        version = options.get("ssl_min_version")
        if version:
            try:
                ssl.TLSVersion(int(version[0]))
            except ValueError:  # not a number is redis-py's to refuse, with the other options
                if version[0].lstrip("-").isdigit():
                    raise _configuration(
                        f"The rate limiter URL {shown(self.where)} cannot be used: "
                        f"ssl_min_version= names no TLS version, {shown(version[0])}: give "
                        f"{int(ssl.TLSVersion.TLSv1_2)} (TLS 1.2) or "
                        f"{int(ssl.TLSVersion.TLSv1_3)} (TLS 1.3), or leave it out"
                    ) from None
        encoding = options.get("encoding")
        if encoding:
            try:
                codecs.lookup(encoding[0])
            except LookupError:
                raise _configuration(
                    f"The rate limiter URL {shown(self.where)} cannot be used: encoding= names "
                    f"no encoding Python knows, {shown(encoding[0])}: leave it out (utf-8)"
                ) from None

    def _check_url_timeouts(self) -> None:
        """Refuse a URL's ``?socket_timeout=`` or ``?socket_connect_timeout=`` that is a number
        but no finite one above 0: redis-py hands it to the socket, where 0 is no wait at all,
        below 0 or NaN a bare ValueError, and infinity an OverflowError or a wait without end
        (one that is no number is redis-py's to refuse)."""
        options = parse_qs(urlsplit(self._url or "").query)
        for name in ("socket_timeout", "socket_connect_timeout"):
            given = options.get(name)
            if not given:
                continue
            try:
                seconds = float(given[0])
            except ValueError:
                continue
            if not (is_wait_seconds(seconds) and seconds > 0):
                raise _configuration(
                    f"The rate limiter URL {shown(self.where)} cannot be used: ?{name}= is the "
                    f"seconds to wait for Redis, a number above 0 and up to {LONGEST_TIMEOUT:g}, "
                    f"got {shown(given[0])}: give one such as 5, or leave it out (the limiter's "
                    "timeout= is used)"
                )

    def _option_not_taken(self, exc: TypeError) -> str:
        """What to do about a URL option redis-py's connection does not take (``exc``)."""
        parts = urlsplit(self._url or "")
        named = _NOT_TAKEN.search(str(exc))
        if named is not None:
            option = named.group(1)
        elif "connection_class" in parse_qs(parts.query):  # the pool calls it: no class in a URL
            option = "connection_class"
        else:
            return (
                f"The rate limiter URL {shown(self.where)} has an option redis-py cannot take: "
                "check the options after '?' (socket_timeout=, db=, ...), or leave them out"
            )
        if option.startswith("ssl_") and parts.scheme != "rediss":
            return (
                f"The rate limiter URL {shown(self.where)} gives {option}=, an option of TLS "
                f"connections, which a {parts.scheme}:// URL does not open: write it rediss:// "
                f"if this Redis speaks TLS (as hosted ones do on their TLS port), else leave "
                f"{option}= out"
            )
        return (
            f"The rate limiter URL {shown(self.where)} gives {option}=, and redis-py takes no "
            f"option {option} for a {parts.scheme}:// URL: leave it out (it takes "
            "socket_timeout=, db=, client_name=, ...)"
        )

    def _loop_client(self) -> redis.asyncio.Redis:
        if self._async_client is not None:
            return self._async_client
        if self._url is None:
            raise _configuration(
                "This RedisRateLimiter has only a blocking client: pass async_client= (a "
                "redis.asyncio.Redis) or a url to use it with AsyncHaulmer"
            )
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            _redis_module()
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
        try:
            answer = self._sync_client().eval(BOOK_SCRIPT, 4, *self._book_args(bucket, member))
        except _redis_error() as exc:
            raise self._unavailable(exc) from exc
        return self._read_booking(bucket, member, answer)

    def release(self, booking: Booking) -> None:
        try:
            self._sync_client().zrem(self._keys(booking.bucket)[0], str(booking.slot))
        except _redis_error() as exc:
            raise self._unavailable(exc) from exc

    def hold(self, bucket: str, seconds: float) -> None:
        seconds = check_hold(seconds)
        try:
            self._sync_client().eval(
                HOLD_SCRIPT, 2, *self._keys(bucket)[1:3], str(seconds), self._now()
            )
        except _redis_error() as exc:
            raise self._unavailable(exc, _HOLD_NOT_RECORDED) from exc

    async def abook(self, bucket: str) -> Booking:
        member = uuid.uuid4().hex
        client = self._loop_client()
        try:
            answer = await client.eval(BOOK_SCRIPT, 4, *self._book_args(bucket, member))
        except _redis_error() as exc:
            raise self._unavailable(exc) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc) from exc
        return self._read_booking(bucket, member, answer)

    async def arelease(self, booking: Booking) -> None:
        client = self._loop_client()
        try:
            await client.zrem(self._keys(booking.bucket)[0], str(booking.slot))
        except _redis_error() as exc:
            raise self._unavailable(exc) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc) from exc

    async def ahold(self, bucket: str, seconds: float) -> None:
        seconds = check_hold(seconds)
        client = self._loop_client()
        try:
            await client.eval(HOLD_SCRIPT, 2, *self._keys(bucket)[1:3], str(seconds), self._now())
        except _redis_error() as exc:
            raise self._unavailable(exc, _HOLD_NOT_RECORDED) from exc
        except RuntimeError as exc:
            raise self._other_loop(exc, _HOLD_NOT_RECORDED) from exc

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
        booking = _booking(bucket, member, answer)
        if booking is None:
            raise RateLimiterUnavailableError(
                f"The shared rate limiter at {self.where} could not be used: Redis answered the "
                f"limiter's script with {_shape(answer)}, which the script never answers: nothing "
                "was sent. Point rate_limit= / HAULMER_RATE_LIMIT_URL at a Redis (5 or later) "
                "itself, not a proxy or stand-in that rewrites script answers"
            )
        return booking

    def _other_loop(
        self, exc: RuntimeError, outcome: str = "nothing was sent"
    ) -> RuntimeError | RateLimiterUnavailableError:
        """The error for a redis.asyncio client used in an event loop other than its own (one
        ``asyncio.run()`` ago); ``exc`` itself when it is about something else."""
        if self._async_client is None or "loop" not in str(exc):
            return exc
        return RateLimiterUnavailableError(
            f"The shared rate limiter at {self.where} could not be used: the async_client= "
            f"given was made in another event loop (one asyncio.run() ago?), whose connections "
            f"this loop cannot use: {outcome}. Give the limiter a url instead (it keeps a "
            "connection pool per event loop), or make the client in the loop that uses it"
        )

    def _unavailable(
        self, exc: Exception, outcome: str = "nothing was sent"
    ) -> RateLimiterUnavailableError:
        return RateLimiterUnavailableError(
            f"The shared rate limiter at {self.where} could not be used "
            f"({type(exc).__name__}): {outcome}. {self._advice(exc)}"
        )

    def _advice(self, exc: Exception) -> str:
        """What to do about ``exc``, by what Redis said (never quoting it: an answer to AUTH
        is no place to look for a password, but nor is it needed)."""
        errors = _redis_module().exceptions
        said = str(exc)
        scheme = urlsplit(self._url).scheme if self._url else ""
        if (
            isinstance(exc, errors.AuthenticationError)
            or said.startswith(("NOAUTH", "WRONGPASS"))
            # RESP2 (redis-py before 8, ?protocol=2): the script's EVAL, of more arguments than
            # Redis reads from a client not yet authenticated, is its first command
            or "unauthenticated multibulk" in said
        ):
            lone = (
                ". This URL has user info without a ':' (redis://***@host), which redis-py sends "
                "as a user name with no password: if it is the password, write a ':' before it"
                if self._url and "@" in self._url and _lone_user_info(self._url)
                else ""
            )
            return (
                f"Redis refused the password, or needs one: give it in the URL, as "
                f"redis://:password@host:6379/0 (user:password@ for an ACL user){lone}"
            )
        if isinstance(exc, errors.TimeoutError):
            tls = (
                " A rediss:// URL speaks TLS, which a Redis without TLS never answers: use "
                "redis:// for it."
                if scheme == "rediss"
                else ""
            )
            return (
                f"Redis did not answer in time (timeout= is {self._timeout:g} s for a URL).{tls} "
                "Check that it is not stopped, paused or overloaded, or give it longer with "
                "timeout= or ?socket_timeout= in the URL"
            )
        if isinstance(exc, errors.ReadOnlyError) or said.startswith("READONLY"):
            return (
                "This Redis is a read-only replica: point rate_limit= / HAULMER_RATE_LIMIT_URL "
                "at the primary"
            )
        if isinstance(exc, errors.OutOfMemoryError) or said.startswith("OOM"):
            return (
                "Redis is out of memory (maxmemory reached, with the noeviction policy) and "
                "refuses to record the limit: free memory or raise maxmemory (a policy that "
                "evicts any key may drop the limiter's windows)"
            )
        if "max number of clients reached" in said:
            return (
                "Redis has as many clients as its maxclients setting takes, and refuses more: "
                "raise maxclients, or have fewer connections to it (each process keeps a pool)"
            )
        if isinstance(exc, errors.BusyLoadingError) or said.startswith("LOADING"):
            return (
                "Redis is starting and still loading its data from disk: try again once it "
                "has loaded"
            )
        if said.startswith("DENIED"):
            return (
                "Redis runs in protected mode, which refuses connections from other hosts "
                "while its default user has no password: give it one (requirepass) and put "
                "it in the URL, as redis://:password@host:6379/0"
            )
        if isinstance(exc, errors.AskError) or said.startswith(("MOVED", "ASK ")):
            return (
                "This Redis is a node of a Redis Cluster, which holds only some of the keys, and "
                "a URL connects to that node alone: give the limiter a cluster client instead, "
                "client=redis.RedisCluster.from_url(url) (async_client=redis.asyncio."
                "RedisCluster.from_url(url) for AsyncHaulmer)"
            )
        if (
            isinstance(exc, errors.ClusterDownError) and not isinstance(exc, errors.MasterDownError)
        ) or said.startswith("CLUSTERDOWN"):
            return (
                "The Redis Cluster is down (not every slot is served): bring its nodes back, "
                "or point rate_limit= / HAULMER_RATE_LIMIT_URL at a Redis that runs"
            )
        if (
            isinstance(exc, errors.NoPermissionError)
            or said.startswith("NOPERM")
            or "can't run this command" in said  # one the script runs (Redis 7)
        ):
            return (
                "This Redis user may not run the limiter's script or a command in it: allow it, "
                "in its ACL, EVAL and the script's commands (TIME, GET, SET, ZADD, ZRANGE, "
                f"ZRANGEBYSCORE, ZREMRANGEBYSCORE, ZSCORE, ZCARD, ZREM, PEXPIRE) on the keys "
                f"{self._prefix}:*"
            )
        if "Client names cannot contain" in said:
            return (
                "The URL's ?client_name= may hold no spaces, newlines or special characters: "
                "write it as one word, such as haulmer-batch"
            )
        if "DB index" in said:
            return (
                "Redis has no such database: use a number below its 'databases' setting (16 "
                "unless changed), as in redis://host:6379/0"
            )
        untrusted = _caused_by(exc, ssl.SSLCertVerificationError)
        if isinstance(exc, errors.ConnectionError) and untrusted is not None:
            why = getattr(untrusted, "verify_message", None) or "not trusted"
            return (
                f"Redis answered over TLS with a certificate this host does not trust ({why}): "
                "give the CA that signed it as ?ssl_ca_certs=/path/to/ca.pem in the URL, or, for "
                "a provider whose certificates are self-signed (as Heroku's), ?ssl_cert_reqs=none "
                "(encrypted, but the server is not checked)"
            )
        refused_tls = _caused_by(exc, ssl.SSLError)
        if isinstance(exc, errors.ConnectionError) and refused_tls is not None:
            why = getattr(refused_tls, "reason", None) or str(refused_tls)
            if why in _NOT_TLS:
                return (
                    f"What answers there speaks no TLS ({why}), which a rediss:// URL asks "
                    "for: use redis:// for a Redis without TLS"
                )
            return (
                f"The TLS connection could not be made ({why}): "
                "check the URL's TLS options (ssl_certfile=, ssl_keyfile=, ssl_ciphers=, "
                "ssl_ca_data=, ...), or leave them out"
            )
        if (
            isinstance(exc, errors.ConnectionError)
            and scheme == "rediss"
            and _caused_by(exc, FileNotFoundError) is not None
        ):
            return (
                "A file the URL names for TLS (ssl_ca_certs=, ssl_certfile=, ssl_keyfile=) does "
                "not exist on this host: check its path"
            )
        if isinstance(exc, errors.ConnectionError):
            where = "on that socket: check its path, and" if scheme == "unix" else "there: check"
            if scheme == "redis" and (
                _caused_by(exc, ConnectionResetError) is not None
                or "Connection closed by server" in said
            ):
                # a Redis that speaks only TLS drops a plain connection at its first bytes; one
                # in protected mode says why first, which redis-py over RESP2 does not read
                where = (
                    "there (the connection was closed: a Redis that speaks only TLS does so to "
                    "plain connections, use rediss:// for it; one in protected mode to other "
                    "hosts while it has no password, give it one): check"
                )
            return (
                f"Nothing answers as Redis {where} that Redis runs, or point rate_limit= / "
                "HAULMER_RATE_LIMIT_URL at one that does"
            )
        return (
            "Redis refused the limiter's script: use Redis 5 or later, with EVAL allowed for "
            "this user"
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


def _booking(bucket: str, member: str, answer: Any) -> Booking | None:
    """The script's answer as a Booking: a send recorded now, or a wait before asking again;
    None for an answer the script never gives (not its pair of a 0 or 1 and a finite wait)."""
    if not isinstance(answer, (list, tuple)) or len(answer) != 2:
        return None
    recorded, wait = (_number(value) for value in answer)
    if recorded not in (0, 1) or wait is None or not math.isfinite(wait):
        return None
    if recorded:
        return Booking(bucket, member, 0.0)
    return Booking(bucket, None, max(wait, 0.001), reserved=False)


def _number(value: Any) -> float | None:
    """A number of a script's answer, as redis-py gives it (int, bytes or text), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, bytes, str)):
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):
        return None


def _shape(answer: Any) -> str:
    """What an answer is, for a message, never its content."""
    if isinstance(answer, (list, tuple)):
        return f"a list of {len(answer)}" if len(answer) != 2 else "a pair that is no booking"
    return "None" if answer is None else f"a {type(answer).__name__}"


def _caused_by(exc: BaseException, kind: type[_E]) -> _E | None:
    """The ``kind`` error among those ``exc`` was raised from or while handling, if any."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kind):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _redis_error() -> type[Exception]:
    error: type[Exception] = _redis_module().RedisError
    return error


def _configuration(message: str) -> Exception:
    from haulmer.errors import ConfigurationError

    return ConfigurationError(message)
