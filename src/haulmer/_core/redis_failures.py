"""Redis's failures as typed errors that say what happened and what to do (TLS, ACL, Cluster...)."""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import urlsplit

from haulmer._core.redis_scripts import answer_shape
from haulmer._core.redis_urls import lone_user_info
from haulmer._frames import caused_by
from haulmer.errors import MissingDependencyError, RateLimiterUnavailableError

__all__ = [
    "HOLD_NOT_RECORDED",
    "MISSING_REDIS",
    "other_loop_error",
    "redis_error",
    "redis_module",
    "store_advice",
    "unavailable_error",
    "unreadable_answer_error",
]

MISSING_REDIS = "The shared rate limiter needs redis-py: pip install 'haulmer[redis]'"


_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"})
"""The TLS library's words for a server answering a TLS greeting with something else."""


def redis_module() -> Any:
    """redis-py, imported at first use, or a MissingDependencyError naming the extra."""
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(MISSING_REDIS, extra="redis") from exc
    return redis


HOLD_NOT_RECORDED = (
    "the request was sent and answered 429 (too many requests), and the wait the server asked "
    "for could not be recorded for the limiter's other clients"
)
"""What a failed ``hold`` says happened: unlike a booking's, its request did go out."""


def unreadable_answer_error(where: str, answer: Any) -> RateLimiterUnavailableError:
    """The error for a booking script's ``answer`` it never gives (a proxy's, a stand-in's):
    failing closed, as read as a send let go it would send unlimited, as a wait of NaN or
    forever it would never send."""
    return RateLimiterUnavailableError(
        f"The shared rate limiter at {where} could not be used: Redis answered the "
        f"limiter's script with {answer_shape(answer)}, which the script never answers: nothing "
        "was sent. Point rate_limit= / HAULMER_RATE_LIMIT_URL at a Redis (5 or later) "
        "itself, not a proxy or stand-in that rewrites script answers"
    )


def other_loop_error(
    where: str, exc: RuntimeError, outcome: str, *, client_given: bool
) -> RuntimeError | RateLimiterUnavailableError:
    """The error for a redis.asyncio client given (``client_given``) used in an event loop
    other than its own (one ``asyncio.run()`` ago); ``exc`` itself when it is about something
    else."""
    if not client_given or "loop" not in str(exc):
        return exc
    return RateLimiterUnavailableError(
        f"The shared rate limiter at {where} could not be used: the async_client= "
        f"given was made in another event loop (one asyncio.run() ago?), whose connections "
        f"this loop cannot use: {outcome}. Give the limiter a url instead (it keeps a "
        "connection pool per event loop), or make the client in the loop that uses it"
    )


def unavailable_error(
    where: str, exc: Exception, outcome: str, advice: str
) -> RateLimiterUnavailableError:
    """The error for a Redis that failed a command (``exc``): what happened, and ``advice``."""
    return RateLimiterUnavailableError(
        f"The shared rate limiter at {where} could not be used "
        f"({type(exc).__name__}): {outcome}. {advice}"
    )


def store_advice(exc: Exception, *, url: str | None, timeout: float, prefix: str) -> str:
    """What to do about ``exc``, by what Redis said (never quoting it: an answer to AUTH
    is no place to look for a password, but nor is it needed)."""
    errors = redis_module().exceptions
    said = str(exc)
    scheme = urlsplit(url).scheme if url else ""
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
            if url and "@" in url and lone_user_info(url)
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
            f"Redis did not answer in time (timeout= is {timeout:g} s for a URL).{tls} "
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
            "Redis is starting and still loading its data from disk: try again once it has loaded"
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
            f"{prefix}:*"
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
    untrusted = caused_by(exc, ssl.SSLCertVerificationError)
    if isinstance(exc, errors.ConnectionError) and untrusted is not None:
        why = getattr(untrusted, "verify_message", None) or "not trusted"
        return (
            f"Redis answered over TLS with a certificate this host does not trust ({why}): "
            "give the CA that signed it as ?ssl_ca_certs=/path/to/ca.pem in the URL, or, for "
            "a provider whose certificates are self-signed (as Heroku's), ?ssl_cert_reqs=none "
            "(encrypted, but the server is not checked)"
        )
    refused_tls = caused_by(exc, ssl.SSLError)
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
        and caused_by(exc, FileNotFoundError) is not None
    ):
        return (
            "A file the URL names for TLS (ssl_ca_certs=, ssl_certfile=, ssl_keyfile=) does "
            "not exist on this host: check its path"
        )
    if isinstance(exc, errors.ConnectionError):
        where = "on that socket: check its path, and" if scheme == "unix" else "there: check"
        if scheme == "redis" and (
            caused_by(exc, ConnectionResetError) is not None
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
        "Redis refused the limiter's script: use Redis 5 or later, with EVAL allowed for this user"
    )


def redis_error() -> type[Exception]:
    """redis-py's base error, which every failure of Redis is."""
    error: type[Exception] = redis_module().RedisError
    return error
