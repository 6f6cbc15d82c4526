"""The limiter's store URL: read, checked before any send, and shown with its secrets hidden."""

from __future__ import annotations

import codecs
import re
import ssl
from urllib.parse import SplitResult, parse_qs, urlsplit, urlunsplit

from haulmer._core.log import REDACTED, redact_url
from haulmer._core.types import LONGEST_TIMEOUT, is_wait_seconds
from haulmer._shown import shown

__all__ = [
    "check_store_url",
    "check_url_object_options",
    "check_url_timeouts",
    "configuration_error",
    "lone_user_info",
    "option_not_taken",
    "redact_store_url",
]


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


def lone_user_info(url: str) -> bool:
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


def check_store_url(url: str) -> str:
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
                raise configuration_error(
                    f"The rate limiter URL {shown(redact_store_url(url))} names a host, "
                    f"{shown(parts.hostname)}, which a unix:// URL has none of: write the "
                    "socket's path after three slashes, as unix:///run/redis/redis.sock (with a "
                    "password, unix://:password@/run/redis/redis.sock)"
                )
            elif parts.scheme in ("redis", "rediss") and not parts.hostname:
                raise configuration_error(
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
        raise configuration_error(
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
        raise configuration_error(
            f"The rate limiter URL {shown(redact_store_url(url))} names database "
            f"{shown(database)} in {where}, which is no number: write it as "
            "redis://host:6379/0 (databases are numbered from 0)"
        )


def check_url_object_options(url: str) -> None:
    """Refuse a URL option redis-py takes only as a Python object (``?retry=3``), which it
    passes on as text, to fail at the first send with a bare AttributeError; and an
    ``?encoding=`` Python does not know (a bare LookupError there)."""
    where = redact_store_url(url)
    options = parse_qs(urlsplit(url).query)
    for name in options:
        if name in _OBJECT_OPTIONS:
            raise configuration_error(
                f"The rate limiter URL {shown(where)} cannot be used: {name}= takes a "
                "Python object, which a URL cannot give: leave it out (the limiter sends a "
                "command once more itself when its connection was found closed), or give "
                f"the limiter your own client=redis.Redis(..., {name}=...)"
            )
    requirement = options.get("ssl_cert_reqs")
    if requirement and requirement[0] not in ("none", "optional", "required"):
        raise configuration_error(
            f"The rate limiter URL {shown(where)} cannot be used: ssl_cert_reqs= takes "
            f"none, optional or required, got {shown(requirement[0])} (Celery's CERT_NONE is "
            "none here)"
        )
    version = options.get("ssl_min_version")
    if version:
        try:
            ssl.TLSVersion(int(version[0]))
        except ValueError:  # not a number is redis-py's to refuse, with the other options
            if version[0].lstrip("-").isdigit():
                raise configuration_error(
                    f"The rate limiter URL {shown(where)} cannot be used: "
                    f"ssl_min_version= names no TLS version, {shown(version[0])}: give "
                    f"{int(ssl.TLSVersion.TLSv1_2)} (TLS 1.2) or "
                    f"{int(ssl.TLSVersion.TLSv1_3)} (TLS 1.3), or leave it out"
                ) from None
    encoding = options.get("encoding")
    if encoding:
        try:
            codecs.lookup(encoding[0])
        except LookupError:
            raise configuration_error(
                f"The rate limiter URL {shown(where)} cannot be used: encoding= names "
                f"no encoding Python knows, {shown(encoding[0])}: leave it out (utf-8)"
            ) from None


def check_url_timeouts(url: str) -> None:
    """Refuse a URL's ``?socket_timeout=`` or ``?socket_connect_timeout=`` that is a number
    but no finite one above 0: redis-py hands it to the socket, where 0 is no wait at all,
    below 0 or NaN a bare ValueError, and infinity an OverflowError or a wait without end
    (one that is no number is redis-py's to refuse)."""
    where = redact_store_url(url)
    options = parse_qs(urlsplit(url).query)
    for name in ("socket_timeout", "socket_connect_timeout"):
        given = options.get(name)
        if not given:
            continue
        try:
            seconds = float(given[0])
        except ValueError:
            continue
        if not (is_wait_seconds(seconds) and seconds > 0):
            raise configuration_error(
                f"The rate limiter URL {shown(where)} cannot be used: ?{name}= is the "
                f"seconds to wait for Redis, a number above 0 and up to {LONGEST_TIMEOUT:g}, "
                f"got {shown(given[0])}: give one such as 5, or leave it out (the limiter's "
                "timeout= is used)"
            )


def option_not_taken(url: str, exc: TypeError) -> str:
    """What to do about a URL option redis-py's connection does not take (``exc``)."""
    where = redact_store_url(url)
    parts = urlsplit(url)
    named = _NOT_TAKEN.search(str(exc))
    if named is not None:
        option = named.group(1)
    elif "connection_class" in parse_qs(parts.query):  # the pool calls it: no class in a URL
        option = "connection_class"
    else:
        return (
            f"The rate limiter URL {shown(where)} has an option redis-py cannot take: "
            "check the options after '?' (socket_timeout=, db=, ...), or leave them out"
        )
    if option.startswith("ssl_") and parts.scheme != "rediss":
        return (
            f"The rate limiter URL {shown(where)} gives {option}=, an option of TLS "
            f"connections, which a {parts.scheme}:// URL does not open: write it rediss:// "
            f"if this Redis speaks TLS (as hosted ones do on their TLS port), else leave "
            f"{option}= out"
        )
    return (
        f"The rate limiter URL {shown(where)} gives {option}=, and redis-py takes no "
        f"option {option} for a {parts.scheme}:// URL: leave it out (it takes "
        "socket_timeout=, db=, client_name=, ...)"
    )


def configuration_error(message: str) -> Exception:
    """The ConfigurationError for a limiter made wrong, saying ``message``."""
    from haulmer.errors import ConfigurationError

    return ConfigurationError(message)
