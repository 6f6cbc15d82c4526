"""Small shared types of the transport layer: the NOT_GIVEN sentinel, timeouts, header maps."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, Protocol, TypeGuard

from haulmer._shown import shown
from haulmer.errors import ConfigurationError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "LONGEST_TIMEOUT",
    "NOT_GIVEN",
    "Auth",
    "Body",
    "HTTPXTimeout",
    "Headers",
    "NotGiven",
    "Product",
    "Query",
    "Timeout",
    "TimeoutArg",
    "is_wait_seconds",
]

Product = Literal["openfactura", "platform"]
"""The two services a request can go to (keys of ``base_urls``)."""

Auth = Literal["api_key", "bearer", "none"]
"""How a request authenticates: OpenFactura ``apikey`` header, platform bearer token, or nothing."""

Headers = Mapping[str, str]
Query = Mapping[str, object]
"""``extra_query=``: query parameters added to (or replacing) a call's own."""
Body = Mapping[str, object]
"""``extra_body=``: JSON fields added to (or replacing) those of a call's body."""


class NotGiven:
    """Marks a per-call option the caller did not pass (``None`` means "no timeout", say)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


LONGEST_TIMEOUT: Final = 1e9
"""The longest timeout of a phase, in seconds (31 years): a socket's takes no more than about
9e9 on Linux (a longer one raised OverflowError at the first read). None is no limit."""


def is_timeout_seconds(value: object) -> bool:
    """Whether ``value`` is a number of seconds a timeout can be: more than 0, at most
    ``LONGEST_TIMEOUT`` (so never NaN, infinite, or an int past any float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int) and value > LONGEST_TIMEOUT:
        return False  # compared as an int: one of thousands of digits has no float
    return 0 < value <= LONGEST_TIMEOUT


def is_wait_seconds(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a wait a sleep can keep: an int or a float (no bool), finite, at most
    ``LONGEST_TIMEOUT``; below 0 is no wait, not an error. An int no float holds is none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        seconds = float(value)
    except OverflowError:  # an int of hundreds of digits
        return False
    return math.isfinite(seconds) and seconds <= LONGEST_TIMEOUT


@dataclass(frozen=True)
class Timeout:
    """How long a request may take: ``total`` seconds for each phase, ``connect`` for connecting;
    ``read``, ``write`` and ``pool`` (as in ``httpx.Timeout``) replace ``total`` for one phase."""

    total: float | None = 30.0
    connect: float | None = 5.0
    read: float | NotGiven | None = NOT_GIVEN
    write: float | NotGiven | None = NOT_GIVEN
    pool: float | NotGiven | None = NOT_GIVEN

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool", "total"):
            value = getattr(self, name)
            if isinstance(value, NotGiven):
                continue
            if value is not None and not is_timeout_seconds(value):
                raise ConfigurationError(
                    f"Timeout.{name} must be a positive number of seconds (at most "
                    f"{LONGEST_TIMEOUT:,.0f}) or None, got {shown(value)}"
                )


class HTTPXTimeout(Protocol):
    """What ``timeout=`` reads of an ``httpx.Timeout``: its four phases (httpx loads lazily)."""

    @property
    def connect(self) -> float | None: ...
    @property
    def read(self) -> float | None: ...
    @property
    def write(self) -> float | None: ...
    @property
    def pool(self) -> float | None: ...


TimeoutArg = float | Timeout | HTTPXTimeout | None | NotGiven
"""A per-call ``timeout=``: seconds, a ``Timeout`` or ``httpx.Timeout``, None (wait forever) or
NOT_GIVEN (the client's)."""

DEFAULT_TIMEOUT: Final = Timeout(total=30.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
